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
 * @VNPU_OP_MATMUL: &struct vnpu_cmd_matmul, on the AI cores
 */
enum vnpu_cmd_op {
	VNPU_OP_NOP = 0,
	VNPU_OP_FILL = 1,
	VNPU_OP_COPY = 2,
	VNPU_OP_BARRIER = 3,
	VNPU_OP_TIMESTAMP = 4,
	VNPU_OP_MATMUL = 5,
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

/**
 * enum vnpu_cmd_fmt - element formats of tensors in device memory
 * @VNPU_CMD_FMT_NONE: no quantization (exact activations)
 * @VNPU_CMD_FMT_FP32: IEEE binary32
 * @VNPU_CMD_FMT_BF16: bfloat16
 * @VNPU_CMD_FMT_MXFP4: OCP MX, E2M1 elements, E8M0 scale per 32
 * @VNPU_CMD_FMT_MXFP8_E4M3: OCP MX, E4M3 elements, E8M0 scale per 32
 * @VNPU_CMD_FMT_MXFP8_E5M2: OCP MX, E5M2 elements, E8M0 scale per 32
 * @VNPU_CMD_FMT_MXINT8: OCP MX, INT8 elements, E8M0 scale per 32
 * @VNPU_CMD_FMT_NVFP4: E2M1 elements, E4M3 scale per 16, FP32 tensor scale
 *
 * The values are the compute engine's (engine/include/vnpu_engine/formats.h
 * documents the bits); the card's arithmetic is in vnpu_engine/matmul.h.
 */
enum vnpu_cmd_fmt {
	VNPU_CMD_FMT_NONE = 0,
	VNPU_CMD_FMT_FP32 = 1,
	VNPU_CMD_FMT_BF16 = 2,
	VNPU_CMD_FMT_MXFP4 = 8,
	VNPU_CMD_FMT_MXFP8_E4M3 = 9,
	VNPU_CMD_FMT_MXFP8_E5M2 = 10,
	VNPU_CMD_FMT_MXINT8 = 11,
	VNPU_CMD_FMT_NVFP4 = 12,
};

/**
 * enum vnpu_cmd_act - activation applied after bias
 * @VNPU_CMD_ACT_NONE: identity
 * @VNPU_CMD_ACT_RELU: max(x, 0)
 * @VNPU_CMD_ACT_SILU: x * sigmoid(x)
 * @VNPU_CMD_ACT_GELU: x * Phi(x), erf form
 * @VNPU_CMD_ACT_GELU_TANH: the tanh approximation of GELU
 */
enum vnpu_cmd_act {
	VNPU_CMD_ACT_NONE = 0,
	VNPU_CMD_ACT_RELU = 1,
	VNPU_CMD_ACT_SILU = 2,
	VNPU_CMD_ACT_GELU = 3,
	VNPU_CMD_ACT_GELU_TANH = 4,
};

/** VNPU_CMD_MAX_K - largest inner dimension of a matmul */
#define VNPU_CMD_MAX_K 65536
/** VNPU_CMD_MAX_MN - largest M and N of a matmul */
#define VNPU_CMD_MAX_MN 0x100000

/**
 * struct vnpu_cmd_matmul - C = act(A W^T * w_tscale + bias), on the AI cores
 * @hdr: %VNPU_OP_MATMUL
 * @m: rows of A and C, 1..%VNPU_CMD_MAX_MN
 * @n: rows of W, columns of C, 1..%VNPU_CMD_MAX_MN
 * @k: columns of A and W, a multiple of 32, up to %VNPU_CMD_MAX_K
 * @w_fmt: MXFP4, NVFP4, MXFP8_E4M3, MXFP8_E5M2, BF16 or FP32; @w is in the
 *	16-row panel layout, vnpu_cmd_panel_bytes() long
 * @a_fmt: FP32 or BF16
 * @a_quant: NONE, or how A is quantized on the fly: MXINT8, MXFP4,
 *	MXFP8_E4M3 or MXFP8_E5M2
 * @c_fmt: FP32 or BF16
 * @act: one of &enum vnpu_cmd_act
 * @reserved: must be 0
 * @w_tscale: NVFP4 tensor scale as FP32 bits (ignored for other formats)
 * @w: address of the packed weights, 64-byte aligned
 * @a: address of A, aligned to its element size; rows @lda elements apart
 *	(@lda >= @k)
 * @bias: address of @n FP32 biases, 4-byte aligned, or 0 for none
 * @c: address of C, aligned to its element size; rows @ldc elements apart
 *	(@ldc >= @n). C must not overlap A, W or the bias.
 * @lda: row stride of A, elements
 * @ldc: row stride of C, elements
 *
 * Every element of C is computed with the same arithmetic whatever the
 * card's tiling across AI cores: results are bit-identical to the
 * runtime's CPU backend.
 */
struct vnpu_cmd_matmul {
	struct vnpu_cmd_header hdr;
	__u32 m;
	__u32 n;
	__u32 k;
	__u8 w_fmt;
	__u8 a_fmt;
	__u8 a_quant;
	__u8 c_fmt;
	__u8 act;
	__u8 reserved[3];
	__u32 w_tscale;
	__u64 w;
	__u64 a;
	__u64 bias;
	__u64 c;
	__u64 lda;
	__u64 ldc;
};

/**
 * vnpu_cmd_panel_bytes() - size of packed weights of @n rows, @k columns
 * @fmt: one of the weight formats of &struct vnpu_cmd_matmul
 * @n: rows
 * @k: columns, a multiple of 32
 *
 * Rows come in panels of 16 (the last one zero-padded). A panel holds
 * 16 * @k elements (4 bits for FP4, 1 byte for MXFP8, 2 for BF16, 4 for
 * FP32) and, for the block formats, 16 scale bytes per block rounded up to
 * 64 bytes.
 *
 * Return: bytes, or 0 for a format that is not a weight format.
 */
static inline __u64 vnpu_cmd_panel_bytes(__u32 fmt, __u64 n, __u64 k)
{
	__u64 codes, blocks, scales;

	switch (fmt) {
	case VNPU_CMD_FMT_MXFP4:
		codes = k * 8;
		blocks = k / 32;
		break;
	case VNPU_CMD_FMT_NVFP4:
		codes = k * 8;
		blocks = k / 16;
		break;
	case VNPU_CMD_FMT_MXFP8_E4M3:
	case VNPU_CMD_FMT_MXFP8_E5M2:
		codes = k * 16;
		blocks = k / 32;
		break;
	case VNPU_CMD_FMT_BF16:
		codes = k * 32;
		blocks = 0;
		break;
	case VNPU_CMD_FMT_FP32:
		codes = k * 64;
		blocks = 0;
		break;
	default:
		return 0;
	}
	scales = (blocks * 16 + 63) / 64 * 64;
	return (n + 15) / 16 * (codes + scales);
}

#if defined(__cplusplus)
}
#endif

#endif /* __VNPU_CMD_H__ */
