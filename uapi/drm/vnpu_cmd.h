/* SPDX-License-Identifier: MIT */
/*
 * vnpu: the card's command-stream format (the "ISA" the runtime emits).
 *
 * Copyright (c) 2026 The vnpu developers
 *
 * A command stream is a &struct vnpu_cmd_stream_header followed by packets.
 * Every packet starts with a &struct vnpu_cmd_header and is a multiple of
 * 8 bytes long. All integers are little-endian; all addresses are device
 * virtual addresses (the &drm_vnpu_bo_create.va of a buffer object listed in
 * the submission, plus an offset).
 *
 * The driver validates the whole stream at submit: header, every packet's
 * size, opcode, flags and reserved fields, every size and every address
 * range (inside the device address space, no wrap-around). A bad packet
 * fails the submit with -EINVAL and &drm_vnpu_submit.error_offset set to
 * its byte offset in the stream. Whether an address lies inside a listed
 * buffer object is checked when the card executes the packet: an address
 * outside them is a device fault (the job fails with -EFAULT, the context
 * records the offset, other work goes on).
 *
 * Packets of one stream execute in order; the card may overlap the tiles
 * of one packet but a packet starts only after the previous one finished
 * (%VNPU_OP_BARRIER is therefore implied and exists for explicitness).
 */
#ifndef __VNPU_CMD_H__
#define __VNPU_CMD_H__

#include "drm.h"

#if defined(__cplusplus)
extern "C" {
#endif

/** VNPU_CMD_MAGIC - first word of every stream: "VNPU" */
#define VNPU_CMD_MAGIC 0x55504e56
/** VNPU_CMD_VERSION - the stream format this header describes */
#define VNPU_CMD_VERSION 1

/**
 * struct vnpu_cmd_stream_header - start of a command stream
 * @magic: %VNPU_CMD_MAGIC
 * @version: %VNPU_CMD_VERSION
 * @reserved: must be 0
 */
struct vnpu_cmd_stream_header {
	__u32 magic;
	__u16 version;
	__u16 reserved;
};

/**
 * enum vnpu_cmd_op - packet opcodes
 * @VNPU_OP_NOP: does nothing; any size (padding)
 * @VNPU_OP_FILL: &struct vnpu_cmd_fill
 * @VNPU_OP_COPY: &struct vnpu_cmd_copy
 * @VNPU_OP_BARRIER: all earlier packets complete before later ones start
 * @VNPU_OP_TIMESTAMP: &struct vnpu_cmd_timestamp
 */
enum vnpu_cmd_op {
	VNPU_OP_NOP = 0,
	VNPU_OP_FILL = 1,
	VNPU_OP_COPY = 2,
	VNPU_OP_BARRIER = 3,
	VNPU_OP_TIMESTAMP = 4,
};

/**
 * struct vnpu_cmd_header - start of every packet
 * @op: one of &enum vnpu_cmd_op
 * @flags: per-opcode flags; none are defined yet, must be 0
 * @size: bytes of the packet, this header included; a multiple of 8
 */
struct vnpu_cmd_header {
	__u16 op;
	__u16 flags;
	__u32 size;
};

/**
 * struct vnpu_cmd_fill - DMA fill: repeat a 32-bit pattern
 * @hdr: %VNPU_OP_FILL
 * @dst: destination address, 4-byte aligned
 * @size: bytes to write, a non-zero multiple of 4
 * @value: the pattern
 * @reserved: must be 0
 */
struct vnpu_cmd_fill {
	struct vnpu_cmd_header hdr;
	__u64 dst;
	__u64 size;
	__u32 value;
	__u32 reserved;
};

/**
 * struct vnpu_cmd_copy - DMA copy between device addresses
 * @hdr: %VNPU_OP_COPY
 * @dst: destination address
 * @src: source address; the ranges must not overlap
 * @size: bytes, non-zero
 */
struct vnpu_cmd_copy {
	struct vnpu_cmd_header hdr;
	__u64 dst;
	__u64 src;
	__u64 size;
};

/**
 * struct vnpu_cmd_timestamp - write the card's clock
 * @hdr: %VNPU_OP_TIMESTAMP
 * @dst: where the 64-bit value goes, 8-byte aligned: nanoseconds of
 *	CLOCK_MONOTONIC when all earlier packets have completed
 */
struct vnpu_cmd_timestamp {
	struct vnpu_cmd_header hdr;
	__u64 dst;
};

#if defined(__cplusplus)
}
#endif

#endif /* __VNPU_CMD_H__ */
