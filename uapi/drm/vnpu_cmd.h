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
/**
 * VNPU_CMD_VERSION - the stream format this header describes
 *
 * It changes when the layout or meaning of existing packets changes. New
 * opcodes are added without a change: streams using only the older ones
 * stay valid, and a card that predates an opcode refuses it at submit
 * ("unknown opcode", -EINVAL).
 */
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
 * @VNPU_OP_ELTWISE: &struct vnpu_cmd_eltwise
 * @VNPU_OP_NORM: &struct vnpu_cmd_norm
 * @VNPU_OP_SOFTMAX: &struct vnpu_cmd_softmax
 * @VNPU_OP_ROPE: &struct vnpu_cmd_rope
 * @VNPU_OP_ATTENTION: &struct vnpu_cmd_attention
 * @VNPU_OP_GATHER: &struct vnpu_cmd_gather
 * @VNPU_OP_QUANTIZE: &struct vnpu_cmd_quant, FP32 to a block format
 * @VNPU_OP_DEQUANTIZE: &struct vnpu_cmd_quant, a block format to FP32
 * @VNPU_OP_HADAMARD: &struct vnpu_cmd_hadamard, rotate FP32 rows
 * @VNPU_OP_STRIDED: &struct vnpu_cmd_strided, a strided 4-D copy
 * @VNPU_OP_REDUCE: &struct vnpu_cmd_reduce, a reduction of each row
 * @VNPU_OP_QLINEAR: &struct vnpu_cmd_qlinear, FP32 to or from 8-bit
 *	integers with a scale and a zero point (ONNX QuantizeLinear)
 * @VNPU_OP_COMPARE: &struct vnpu_cmd_compare, FP32 comparisons to bytes
 * @VNPU_OP_SELECT: &struct vnpu_cmd_select, cond ? x : y per element
 *
 * The vector operations work on FP32 tensors and follow the compute
 * engine's definitions (engine/include/vnpu_engine/ops.h), including its
 * fixed reduction order: results are bit-identical to the CPU backend.
 */
enum vnpu_cmd_op {
	VNPU_OP_NOP = 0,
	VNPU_OP_FILL = 1,
	VNPU_OP_COPY = 2,
	VNPU_OP_BARRIER = 3,
	VNPU_OP_TIMESTAMP = 4,
	VNPU_OP_MATMUL = 5,
	VNPU_OP_ELTWISE = 6,
	VNPU_OP_NORM = 7,
	VNPU_OP_SOFTMAX = 8,
	VNPU_OP_ROPE = 9,
	VNPU_OP_ATTENTION = 10,
	VNPU_OP_GATHER = 11,
	VNPU_OP_QUANTIZE = 12,
	VNPU_OP_DEQUANTIZE = 13,
	VNPU_OP_HADAMARD = 14,
	VNPU_OP_STRIDED = 15,
	VNPU_OP_REDUCE = 16,
	VNPU_OP_QLINEAR = 17,
	VNPU_OP_COMPARE = 18,
	VNPU_OP_SELECT = 19,
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
 * @VNPU_CMD_FMT_FP16: IEEE binary16
 * @VNPU_CMD_FMT_FP8_E4M3: OCP FP8 E4M3 (no Inf, max 448)
 * @VNPU_CMD_FMT_FP8_E5M2: OCP FP8 E5M2
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
	VNPU_CMD_FMT_FP16 = 3,
	VNPU_CMD_FMT_FP8_E4M3 = 4,
	VNPU_CMD_FMT_FP8_E5M2 = 5,
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
 * enum vnpu_cmd_eltwise_op - element-wise operations
 * @VNPU_ELT_ADD: out = x + y
 * @VNPU_ELT_MUL: out = x * y
 * @VNPU_ELT_SCALE: out = x * scale
 * @VNPU_ELT_SILU: out = silu(x)
 * @VNPU_ELT_GELU: out = gelu(x), erf form
 * @VNPU_ELT_GELU_TANH: out = gelu(x), tanh form
 * @VNPU_ELT_SWIGLU: out = silu(x) * y
 * @VNPU_ELT_SUB: out = x - y
 * @VNPU_ELT_DIV: out = x / y
 * @VNPU_ELT_MAX: out = max(x, y); NaN if either is NaN, +0 over -0
 * @VNPU_ELT_MIN: out = min(x, y); NaN if either is NaN, -0 over +0
 * @VNPU_ELT_POW: out = x ^ y (C99 pow special cases; x < 0 needs an
 *	integer y, else NaN)
 * @VNPU_ELT_RELU: out = max(x, 0); NaN stays NaN
 * @VNPU_ELT_SIGMOID: out = 1 / (1 + exp(-x))
 * @VNPU_ELT_TANH: out = tanh(x)
 * @VNPU_ELT_SQRT: out = sqrt(x) (NaN for x < 0)
 * @VNPU_ELT_ERF: out = erf(x)
 * @VNPU_ELT_EXP: out = exp(x)
 * @VNPU_ELT_NEG: out = -x (the sign bit flipped)
 * @VNPU_ELT_LOG: out = ln(x) (-Inf at 0, NaN below)
 *
 * The functions are the compute engine's (engine/include/vnpu_engine/vmath.h
 * gives their error bounds): every card and the CPU backend give the same
 * bits.
 */
enum vnpu_cmd_eltwise_op {
	VNPU_ELT_ADD = 0,
	VNPU_ELT_MUL = 1,
	VNPU_ELT_SCALE = 2,
	VNPU_ELT_SILU = 3,
	VNPU_ELT_GELU = 4,
	VNPU_ELT_GELU_TANH = 5,
	VNPU_ELT_SWIGLU = 6,
	VNPU_ELT_SUB = 7,
	VNPU_ELT_DIV = 8,
	VNPU_ELT_MAX = 9,
	VNPU_ELT_MIN = 10,
	VNPU_ELT_POW = 11,
	VNPU_ELT_RELU = 12,
	VNPU_ELT_SIGMOID = 13,
	VNPU_ELT_TANH = 14,
	VNPU_ELT_SQRT = 15,
	VNPU_ELT_ERF = 16,
	VNPU_ELT_EXP = 17,
	VNPU_ELT_NEG = 18,
	VNPU_ELT_LOG = 19,
};

/** VNPU_CMD_MAX_ELEMS - most elements one vector packet touches */
#define VNPU_CMD_MAX_ELEMS 0x10000000

/**
 * struct vnpu_cmd_eltwise - element-wise operation over @n FP32 values
 * @hdr: %VNPU_OP_ELTWISE
 * @op: one of &enum vnpu_cmd_eltwise_op
 * @scale: FP32 bits of the factor for %VNPU_ELT_SCALE, else 0
 * @n: elements, 1..%VNPU_CMD_MAX_ELEMS
 * @reserved: must be 0
 * @x: first input, 4-byte aligned
 * @y: second input (ADD, MUL, SWIGLU, SUB, DIV, MAX, MIN, POW), else 0
 * @out: output; may be @x or @y exactly, must not overlap them otherwise
 */
struct vnpu_cmd_eltwise {
	struct vnpu_cmd_header hdr;
	__u32 op;
	__u32 scale;
	__u32 n;
	__u32 reserved;
	__u64 x;
	__u64 y;
	__u64 out;
};

/**
 * enum vnpu_cmd_norm_kind - normalizations
 * @VNPU_NORM_RMS: x * rsqrt(mean(x^2) + eps) * gamma
 * @VNPU_NORM_LAYER: (x - mean) * rsqrt(var + eps) * gamma + beta
 */
enum vnpu_cmd_norm_kind {
	VNPU_NORM_RMS = 0,
	VNPU_NORM_LAYER = 1,
};

/**
 * struct vnpu_cmd_norm - normalize each of @rows rows of @n values
 * @hdr: %VNPU_OP_NORM
 * @kind: one of &enum vnpu_cmd_norm_kind
 * @eps: FP32 bits of epsilon
 * @rows: rows, contiguous (@rows * @n <= %VNPU_CMD_MAX_ELEMS)
 * @n: values per row
 * @x: input
 * @gamma: @n weights, or 0 for none (1.0)
 * @beta: @n biases (layer norm only), or 0 for none
 * @out: output, @rows * @n values; may be @x exactly
 */
struct vnpu_cmd_norm {
	struct vnpu_cmd_header hdr;
	__u32 kind;
	__u32 eps;
	__u32 rows;
	__u32 n;
	__u64 x;
	__u64 gamma;
	__u64 beta;
	__u64 out;
};

/** VNPU_SOFTMAX_CAUSAL - row i sees only columns j <= i + offset */
#define VNPU_SOFTMAX_CAUSAL 0x1

/**
 * struct vnpu_cmd_softmax - softmax of each of @rows rows
 * @hdr: %VNPU_OP_SOFTMAX
 * @flags: %VNPU_SOFTMAX_CAUSAL or 0
 * @offset: causal offset (the query position of row 0)
 * @rows: rows
 * @n: values per row
 * @ld: row stride, elements (>= @n)
 * @reserved: must be 0
 * @x: input
 * @out: output (same layout); may be @x exactly
 */
struct vnpu_cmd_softmax {
	struct vnpu_cmd_header hdr;
	__u32 flags;
	__u32 offset;
	__u32 rows;
	__u32 n;
	__u32 ld;
	__u32 reserved;
	__u64 x;
	__u64 out;
};

/**
 * struct vnpu_cmd_rope - rotary position embedding, in place
 * @hdr: %VNPU_OP_ROPE
 * @heads: vectors to rotate per token, each @dim values, contiguous
 * @dim: even, 2..1024
 * @pos: position of the first token
 * @mode: 0 interleaved pairs (2i, 2i+1), 1 half pairs (i, i + dim/2)
 * @theta: FP32 bits of the frequency base (e.g. 10000.0)
 * @tokens: consecutive tokens, each @heads vectors, at positions @pos,
 *	@pos + 1, ...; 0 is one token (packets written before this field
 *	existed, when it was reserved and zero); @pos + @tokens - 1 must
 *	not exceed U32_MAX. A prompt's tokens rotate in one packet, which
 *	the card splits across its cores.
 * @x: the vectors, [@tokens][@heads][@dim]
 */
struct vnpu_cmd_rope {
	struct vnpu_cmd_header hdr;
	__u32 heads;
	__u32 dim;
	__u32 pos;
	__u32 mode;
	__u32 theta;
	__u32 tokens;
	__u64 x;
};

/** VNPU_CMD_MAX_CTX - longest KV cache an attention packet reads */
#define VNPU_CMD_MAX_CTX 65536

/**
 * struct vnpu_cmd_attention - attention of @nq new queries over a KV cache
 * @hdr: %VNPU_OP_ATTENTION
 * @nq: queries (1 for decode), at positions @pos0 .. @pos0 + @nq - 1
 * @pos0: position of the first query (cache entries before it are
 *	valid); @pos0 + @nq <= %VNPU_CMD_MAX_CTX
 * @n_heads: query heads
 * @n_kv_heads: key/value heads (divides @n_heads: grouped-query attention)
 * @dim: head dimension, 1..1024
 * @kv_bf16: 1 if the cache holds BF16, 0 for FP32
 * @scale: FP32 bits of the score scale (usually 1/sqrt(dim))
 * @kv_rows: 0: the cache is position-major; else it is head-major with
 *	this many rows per KV head (>= @pos0 + @nq, at most
 *	%VNPU_CMD_MAX_CTX): one head's rows are contiguous
 * @q: [@nq][@n_heads][@dim] FP32 queries
 * @k: key cache, [@pos0 + @nq][@n_kv_heads][@dim] (@kv_rows 0) or
 *	[@n_kv_heads][@kv_rows][@dim]
 * @v: value cache, as @k
 * @out: [@nq][@n_heads][@dim] FP32; causal: query i sees entries
 *	0 .. @pos0 + i
 *
 * The layout changes only where rows are read, not the arithmetic: both
 * give the same bits.
 */
struct vnpu_cmd_attention {
	struct vnpu_cmd_header hdr;
	__u32 nq;
	__u32 pos0;
	__u32 n_heads;
	__u32 n_kv_heads;
	__u32 dim;
	__u32 kv_bf16;
	__u32 scale;
	__u32 kv_rows;
	__u64 q;
	__u64 k;
	__u64 v;
	__u64 out;
};

/**
 * struct vnpu_cmd_gather - out[i] = table[idx[i]] (embedding lookup)
 * @hdr: %VNPU_OP_GATHER
 * @rows: rows of the table
 * @cols: values per row
 * @n: indices
 * @table_bf16: 1 for a BF16 table, 0 for FP32
 * @table: the table
 * @idx: @n 32-bit indices; one >= @rows is a device fault
 * @out: @n * @cols FP32 values
 */
struct vnpu_cmd_gather {
	struct vnpu_cmd_header hdr;
	__u32 rows;
	__u32 cols;
	__u32 n;
	__u32 table_bf16;
	__u64 table;
	__u64 idx;
	__u64 out;
};

/**
 * struct vnpu_cmd_quant - (de)quantize @n FP32 values, planes layout
 * @hdr: %VNPU_OP_QUANTIZE or %VNPU_OP_DEQUANTIZE
 * @fmt: a block format (MXFP4, MXFP8_E4M3, MXFP8_E5M2, MXINT8, NVFP4) or
 *	an element format (BF16, FP16, FP8_E4M3, FP8_E5M2: a plain
 *	conversion, round to nearest even; FP8 saturates to its largest
 *	finite value, FP16 overflows to Inf; NaN stays NaN)
 * @n: values; a multiple of 32 for the block formats
 * @tscale: NVFP4 tensor scale as FP32 bits (ignored otherwise)
 * @reserved: must be 0
 * @x: FP32 values (input of QUANTIZE, output of DEQUANTIZE)
 * @codes: element codes, @n * bits / 8 bytes (FP4: element 2i in the low
 *	nibble), aligned to the element size
 * @scales: one scale byte per block (32, or 16 for NVFP4); 0 for the
 *	element formats
 */
struct vnpu_cmd_quant {
	struct vnpu_cmd_header hdr;
	__u32 fmt;
	__u32 n;
	__u32 tscale;
	__u32 reserved;
	__u64 x;
	__u64 codes;
	__u64 scales;
};

/** VNPU_HADAMARD_INVERSE - apply the inverse rotation */
#define VNPU_HADAMARD_INVERSE 0x1

/**
 * struct vnpu_cmd_hadamard - block-wise randomized Hadamard rotation
 * @hdr: %VNPU_OP_HADAMARD
 * @rows: rows, at least 1
 * @cols: FP32 values per row, a multiple of @block
 * @block: rotation block, a power of two from 2 to 4096
 * @flags: %VNPU_HADAMARD_INVERSE or 0
 * @seed: selects the signs
 * @x: input, @rows * @cols values
 * @out: output (same layout); may be @x exactly
 *
 * Each run of @block values v (every row is cut into @cols / @block of
 * them) becomes H (D v) / sqrt(@block), with D the diagonal of signs
 * s_i = -1 where bit 0 of the engine's vnpu_hash64(@seed, i) is set (the
 * same signs in every block), H the unnormalized Walsh-Hadamard matrix
 * applied by the fast transform in the engine's fixed butterfly order;
 * the inverse is D (H v) / sqrt(@block). The arithmetic is exactly
 * vnpu_hadamard_rotate(), so results equal the CPU backend's bits. The
 * rotation is orthogonal: rotating the rows of A and of W alike leaves
 * A W^T unchanged in exact arithmetic.
 */
struct vnpu_cmd_hadamard {
	struct vnpu_cmd_header hdr;
	__u32 rows;
	__u32 cols;
	__u32 block;
	__u32 flags;
	__u64 seed;
	__u64 x;
	__u64 out;
};

/**
 * struct vnpu_cmd_strided - out-of-place copy of a 4-D strided view
 * @hdr: %VNPU_OP_STRIDED
 * @esize: bytes per element: 1, 2 or 4
 * @reserved: must be 0
 * @dims: the view's extents, each >= 1, product up to %VNPU_CMD_MAX_ELEMS
 * @src_stride: signed element strides of @src per dimension: 0 repeats
 *	(broadcasts) an element, a negative one reads backwards
 * @dst_stride: element strides of @dst: @dst_stride[3] >= 1 and
 *	@dst_stride[d] >= @dst_stride[d + 1] * @dims[d + 1], so no element
 *	is written twice (gaps between rows are left untouched)
 * @src: element (i0, i1, i2, i3) is at @src + sum(i_d * @src_stride[d]) * @esize,
 *	aligned to @esize (with negative strides the elements read lie
 *	partly before @src)
 * @dst: it goes to @dst + sum(i_d * @dst_stride[d]) * @esize, aligned to
 *	@esize; the spans of @src and @dst must not overlap
 *
 * Transposes, broadcasts, slices, concatenation and zero-padded copies
 * (after a FILL) are all one such packet.
 */
struct vnpu_cmd_strided {
	struct vnpu_cmd_header hdr;
	__u32 esize;
	__u32 reserved;
	__u32 dims[4];
	__s32 src_stride[4];
	__u32 dst_stride[4];
	__u64 src;
	__u64 dst;
};

/**
 * enum vnpu_cmd_reduce_kind - reductions of a row
 * @VNPU_REDUCE_SUM: the engine's fixed-order sum
 * @VNPU_REDUCE_MEAN: that sum / n (one FP32 division)
 * @VNPU_REDUCE_MAX: the largest value (NaN if any is NaN)
 * @VNPU_REDUCE_MIN: the smallest value (NaN if any is NaN)
 */
enum vnpu_cmd_reduce_kind {
	VNPU_REDUCE_SUM = 0,
	VNPU_REDUCE_MEAN = 1,
	VNPU_REDUCE_MAX = 2,
	VNPU_REDUCE_MIN = 3,
};

/**
 * struct vnpu_cmd_reduce - reduce each of @rows rows of @n FP32 values
 * @hdr: %VNPU_OP_REDUCE
 * @kind: one of &enum vnpu_cmd_reduce_kind
 * @rows: rows, contiguous (@rows * @n <= %VNPU_CMD_MAX_ELEMS)
 * @n: values per row, >= 1
 * @reserved: must be 0
 * @x: input, @rows * @n values
 * @out: @rows values; must not overlap @x
 */
struct vnpu_cmd_reduce {
	struct vnpu_cmd_header hdr;
	__u32 kind;
	__u32 rows;
	__u32 n;
	__u32 reserved;
	__u64 x;
	__u64 out;
};

/** VNPU_QLINEAR_DEQUANTIZE - convert q to x (else x to q) */
#define VNPU_QLINEAR_DEQUANTIZE 0x1
/** VNPU_QLINEAR_UNSIGNED - q and zero are uint8 (else int8) */
#define VNPU_QLINEAR_UNSIGNED 0x2

/**
 * struct vnpu_cmd_qlinear - linear 8-bit (de)quantization, per tensor or
 *	per axis
 * @hdr: %VNPU_OP_QLINEAR
 * @flags: %VNPU_QLINEAR_DEQUANTIZE, %VNPU_QLINEAR_UNSIGNED
 * @rows: rows of @inner values, a multiple of @axis; row r uses scale and
 *	zero point r % @axis (a tensor [outer, @axis, @inner] quantized
 *	along its middle axis; per tensor: @axis 1)
 * @axis: scales (and zero points), at least 1
 * @inner: values per row, at least 1 (@rows * @inner up to
 *	%VNPU_CMD_MAX_ELEMS)
 * @x: FP32 values
 * @q: the 8-bit integers, one byte each
 * @scale: @axis FP32 scales
 * @zero: @axis zero points of @q's type; 0: every zero point is 0
 *
 * Quantize (ONNX QuantizeLinear): q = saturate(rint(x / scale) + zero),
 * x / scale one FP32 division, rint rounding half to even, saturation to
 * -128..127 (int8) or 0..255 (uint8); infinities saturate, NaN gives the
 * zero point. Dequantize: x = (float)(q - zero) * scale, one FP32
 * multiplication. The output must not overlap an input.
 */
struct vnpu_cmd_qlinear {
	struct vnpu_cmd_header hdr;
	__u32 flags;
	__u32 rows;
	__u32 axis;
	__u32 inner;
	__u64 x;
	__u64 q;
	__u64 scale;
	__u64 zero;
};

/**
 * enum vnpu_cmd_compare_kind - comparisons of &struct vnpu_cmd_compare
 * @VNPU_CMP_EQ: x == y
 * @VNPU_CMP_LT: x < y
 * @VNPU_CMP_GT: x > y
 * @VNPU_CMP_LE: x <= y
 * @VNPU_CMP_GE: x >= y
 *
 * IEEE comparisons: false when either value is NaN; -0 equals +0.
 */
enum vnpu_cmd_compare_kind {
	VNPU_CMP_EQ = 0,
	VNPU_CMP_LT = 1,
	VNPU_CMP_GT = 2,
	VNPU_CMP_LE = 3,
	VNPU_CMP_GE = 4,
};

/**
 * struct vnpu_cmd_compare - out[i] = x[i] kind y[i] as a byte, 1 or 0
 * @hdr: %VNPU_OP_COMPARE
 * @kind: one of &enum vnpu_cmd_compare_kind
 * @n: elements, 1..%VNPU_CMD_MAX_ELEMS
 * @x: @n FP32 values
 * @y: @n FP32 values
 * @out: @n bytes; must not overlap @x or @y
 */
struct vnpu_cmd_compare {
	struct vnpu_cmd_header hdr;
	__u32 kind;
	__u32 n;
	__u64 x;
	__u64 y;
	__u64 out;
};

/**
 * struct vnpu_cmd_select - out[i] = cond[i] ? x[i] : y[i] (ONNX Where)
 * @hdr: %VNPU_OP_SELECT
 * @esize: bytes per element of @x, @y and @out: 1, 2 or 4 (copied as
 *	they are)
 * @n: elements, 1..%VNPU_CMD_MAX_ELEMS
 * @cond: @n bytes, any non-zero byte is true
 * @x: @n elements
 * @y: @n elements
 * @out: @n elements; may be @x, @y or @cond exactly (the same
 *	bytes), else must not overlap them
 */
struct vnpu_cmd_select {
	struct vnpu_cmd_header hdr;
	__u32 esize;
	__u32 n;
	__u64 cond;
	__u64 x;
	__u64 y;
	__u64 out;
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
