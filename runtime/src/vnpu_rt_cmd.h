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

#include <vnpu_engine/isa.h>

#include "vnpu_internal.h"

/*
 * Each packet's operands and scalar rules come from the ISA's one table,
 * shared with the kernel driver and the emulated card (vnpu_engine/isa.h).
 */

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
 * What a stream's queue thread runs packets with: its own worker's
 * SCRATCH (VNPU_RT_SCRATCH bytes) and SHARED, SHARED_SIZE bytes (grown on
 * demand, freed with the stream) holding a matmul's activations prepared
 * once for all its tiles (vnpu_isa_shared_size()).
 */
struct vnpu_rt_local {
	void *scratch;
	void *shared;
	size_t shared_size;
	struct vnpu_rt_profile *prof;	/* VNPU_DEBUG=profile, else NULL */
};

/*
 * Run a validated stream on the CPU backend of DEV with the buffers USES
 * (sorted by address). OK, or DEVICE_FAULT with *FAULT_OFF the offset of
 * the packet and the thread's message saying what went wrong.
 */
vnpu_status vnpu_rt_interp_run(vnpu_device *dev, const void *cmd, size_t size,
			       const struct vnpu_rt_use *uses, size_t n,
			       struct vnpu_rt_local *local, uint32_t *fault_off);

#endif /* VNPU_RT_CMD_H */
