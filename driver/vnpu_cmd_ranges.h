/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The command-stream ISA's operand table: for each packet, the device
 * memory it reads and writes. The driver checks these ranges at submit;
 * the card translates them at execution. One definition for both keeps
 * them from disagreeing.
 */
#ifndef __VNPU_CMD_RANGES_H__
#define __VNPU_CMD_RANGES_H__

#include <linux/types.h>

#include <drm/vnpu_cmd.h>

#define VNPU_CMD_MAX_RANGES 4

/**
 * struct vnpu_cmd_range - one operand of a packet
 * @va: device address; 0 for an absent optional operand
 * @len: bytes (0 only for an absent operand)
 * @align: required alignment of @va
 * @write: the packet writes it
 * @optional: @va 0 means the operand is absent
 */
struct vnpu_cmd_range {
	u64 va;
	u64 len;
	u32 align;
	bool write;
	bool optional;
};

/**
 * struct vnpu_cmd_operands - what vnpu_cmd_operands() found
 * @r: the operands, in the packet's field order
 * @count: entries in @r
 * @inplace: an output may be exactly one of the inputs (same address and
 *	length); otherwise outputs overlap nothing
 */
struct vnpu_cmd_operands {
	struct vnpu_cmd_range r[VNPU_CMD_MAX_RANGES];
	u32 count;
	bool inplace;
};

/*
 * Decode the operands of packet HDR (whose size matches its opcode's
 * struct) and check its scalar fields: 0, or -EINVAL for a packet no card
 * would run.
 */
int vnpu_cmd_operands(const struct vnpu_cmd_header *hdr,
		      struct vnpu_cmd_operands *ops);

/* The packet struct size of each opcode, 0 for an unknown opcode. */
u32 vnpu_cmd_packet_size(u32 op);

#endif /* __VNPU_CMD_RANGES_H__ */
