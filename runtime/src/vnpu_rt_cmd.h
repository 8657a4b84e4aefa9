/* SPDX-License-Identifier: MIT */
/*
 * The command-stream ISA as the runtime reads it (uapi/drm/vnpu_cmd.h):
 * each packet's memory operands, submit-time validation with a reason,
 * and the CPU backend's interpreter.
 */
#ifndef VNPU_RT_CMD_H
#define VNPU_RT_CMD_H

#include <stddef.h>
#include <stdint.h>

#include <drm/vnpu_cmd.h>

#include "vnpu_internal.h"

#define VNPU_RT_MAX_OPERANDS 4

/**
 * struct vnpu_rt_operand - device memory a packet touches
 * @va: address (0: an absent optional operand)
 * @len: bytes
 * @align: required alignment of @va
 * @write: the packet writes it
 * @optional: may be absent
 */
struct vnpu_rt_operand {
	uint64_t va;
	uint64_t len;
	uint32_t align;
	bool write;
	bool optional;
};

/**
 * struct vnpu_rt_operands - the operands of one packet, in field order
 * @o: the operands
 * @count: how many
 * @inplace: an output may coincide exactly with an input
 */
struct vnpu_rt_operands {
	struct vnpu_rt_operand o[VNPU_RT_MAX_OPERANDS];
	uint32_t count;
	bool inplace;
};

/* The struct size of OP's packet, 0 for an unknown opcode. */
uint32_t vnpu_rt_packet_size(uint32_t op);
/* A short name of OP ("MATMUL"), "op N?" style names are not made up:
 * "unknown" for an unknown opcode. */
const char *vnpu_rt_op_name(uint32_t op);

/*
 * Decode the operands of packet HDR (whose size is its struct's) and check
 * its scalar fields: NULL, or why no card would run it.
 */
const char *vnpu_rt_packet_operands(const struct vnpu_cmd_header *hdr,
				    struct vnpu_rt_operands *ops);

/*
 * Validate a whole stream as the driver does at submit. INVALID_STREAM
 * (message: offset, opcode and reason) or OK. VA_BASE/VA_SIZE bound every
 * address.
 */
vnpu_status vnpu_rt_cmd_validate(const void *cmd, size_t size, uint64_t va_base,
				 uint64_t va_size);

/* Local memory of one CPU worker, as an AI core's on the card. */
#define VNPU_RT_SCRATCH (1u << 20)

/*
 * Run a validated stream on the CPU backend of DEV with the buffers USES
 * (sorted by address). OK, or DEVICE_FAULT with *FAULT_OFF the offset of
 * the packet and the thread's message saying what went wrong.
 */
vnpu_status vnpu_rt_interp_run(vnpu_device *dev, const void *cmd, size_t size,
			       const struct vnpu_rt_use *uses, size_t n,
			       void *scratch, uint32_t *fault_off);

#endif /* VNPU_RT_CMD_H */
