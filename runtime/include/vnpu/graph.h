/* SPDX-License-Identifier: MIT */
/*
 * libvnpu: compute graphs.
 *
 * A graph is built node by node: inputs (data given at each run),
 * constants (weights, given once), operations, and the tensors marked as
 * outputs. Every builder checks shapes and types at once; a mistake fails
 * that call with INVALID_ARGUMENT and a vnpu_last_error() that names the
 * node ("node 3 'ffn_up' (matmul): ..."), the op and the shapes involved.
 * A failed call adds nothing: the graph stays usable.
 *
 * Tensors are dense and row-major, rank 1..4, and are named by the
 * vnpu_tensor ids the builders return (0 is never a valid id). Element
 * types and their bytes in memory (the layout of constants, inputs and
 * outputs):
 *   FP32, BF16, I32       n elements of 4, 2, 4 bytes (I32: gather indices)
 *   I8, U8                n elements of 1 byte (two's complement for I8):
 *                         linear-quantized values (vnpu_graph_qlinear())
 *   FP16, FP8_E4M3,       n elements of 2, 1, 1 bytes
 *   FP8_E5M2
 *   MXFP4, MXFP8,         the engine's "planes" layout over the flattened
 *   MXFP8_E5M2, NVFP4     tensor (vnpu_engine/formats.h): n * bits / 8 code
 *                         bytes, then one scale byte per block (32
 *                         elements, 16 for NVFP4); an NVFP4 *constant* ends
 *                         with its FP32 tensor scale (4 more bytes). The
 *                         element count must be a multiple of 32.
 * vnpu_dtype_bytes() computes these sizes.
 *
 * The vector operations of the card work on FP32; BF16 is accepted where
 * the card reads it (matmul inputs and outputs, KV caches, gather tables)
 * and the block types by quantize, dequantize, copy and the views; FP16
 * and FP8 tensors (inputs, outputs, constants, states) are converted
 * from and to FP32 by quantize and dequantize, and copied, viewed and
 * transposed as they are. I8 and U8 tensors are made and read by
 * vnpu_graph_qlinear() / vnpu_graph_dqlinear() and copied, viewed and
 * transposed as they are.
 */
#ifndef VNPU_GRAPH_H
#define VNPU_GRAPH_H

#include <stddef.h>
#include <stdint.h>

#include <vnpu/status.h>

#if defined(__cplusplus)
extern "C" {
#endif

/* A graph being built (opaque). */
typedef struct vnpu_graph vnpu_graph;
/* A tensor of a graph: an id > 0 returned by a builder. */
typedef uint32_t vnpu_tensor;

/**
 * enum vnpu_dtype - element types of graph tensors
 * @VNPU_DTYPE_FP32: IEEE binary32
 * @VNPU_DTYPE_BF16: bfloat16
 * @VNPU_DTYPE_I32: 32-bit integers (gather indices)
 * @VNPU_DTYPE_MXFP8: OCP MXFP8 with E4M3 elements
 * @VNPU_DTYPE_MXFP8_E5M2: OCP MXFP8 with E5M2 elements
 * @VNPU_DTYPE_MXFP4: OCP MXFP4 (E2M1, E8M0 scale per 32)
 * @VNPU_DTYPE_NVFP4: NVFP4 (E2M1, E4M3 scale per 16, FP32 tensor scale)
 * @VNPU_DTYPE_FP16: IEEE binary16
 * @VNPU_DTYPE_FP8_E4M3: OCP FP8 E4M3 (bias 7, no Inf, max 448)
 * @VNPU_DTYPE_FP8_E5M2: OCP FP8 E5M2 (bias 15, IEEE-like Inf and NaN)
 * @VNPU_DTYPE_I8: signed 8-bit integers (linear quantization)
 * @VNPU_DTYPE_U8: unsigned 8-bit integers (linear quantization)
 */
typedef enum vnpu_dtype {
	VNPU_DTYPE_FP32 = 1,
	VNPU_DTYPE_BF16 = 2,
	VNPU_DTYPE_I32 = 3,
	VNPU_DTYPE_MXFP8 = 4,
	VNPU_DTYPE_MXFP8_E5M2 = 5,
	VNPU_DTYPE_MXFP4 = 6,
	VNPU_DTYPE_NVFP4 = 7,
	VNPU_DTYPE_FP16 = 8,
	VNPU_DTYPE_FP8_E4M3 = 9,
	VNPU_DTYPE_FP8_E5M2 = 10,
	VNPU_DTYPE_I8 = 11,
	VNPU_DTYPE_U8 = 12,
} vnpu_dtype;

/* The largest vnpu_dtype value. */
#define VNPU_DTYPE_MAX VNPU_DTYPE_U8

/* The most dimensions a tensor has. */
#define VNPU_MAX_RANK 4

/* A short name of DTYPE ("fp32", "mxfp4"), "?" when unknown. */
VNPU_API const char *vnpu_dtype_name(vnpu_dtype dtype);

/*
 * Bytes of COUNT elements of DTYPE in the layout above (constants: with
 * the NVFP4 tensor scale when CONSTANT is non-zero); 0 for an unknown
 * type or a block type whose COUNT is not a multiple of 32.
 */
VNPU_API uint64_t vnpu_dtype_bytes(vnpu_dtype dtype, uint64_t count,
				   int constant);

/**
 * enum vnpu_activation - activation fused into a matmul
 * @VNPU_ACTIVATION_NONE: identity
 * @VNPU_ACTIVATION_RELU: max(x, 0)
 * @VNPU_ACTIVATION_SILU: x * sigmoid(x)
 * @VNPU_ACTIVATION_GELU: GELU, erf form
 * @VNPU_ACTIVATION_GELU_TANH: GELU, tanh approximation
 */
typedef enum vnpu_activation {
	VNPU_ACTIVATION_NONE = 0,
	VNPU_ACTIVATION_RELU = 1,
	VNPU_ACTIVATION_SILU = 2,
	VNPU_ACTIVATION_GELU = 3,
	VNPU_ACTIVATION_GELU_TANH = 4,
} vnpu_activation;

/* Create an empty graph / destroy one (NULL does nothing). */
VNPU_API vnpu_status vnpu_graph_create(vnpu_graph **graph);
VNPU_API void vnpu_graph_destroy(vnpu_graph *graph);

/*
 * Declare an input of type DTYPE and RANK dimensions DIMS. Inputs are
 * numbered in declaration order: vnpu_program_run() takes their data in
 * that order. NAME may be NULL (names are kept up to 31 bytes). NVFP4
 * inputs are refused (their tensor scale would have to be known when the
 * program is compiled: quantize inside the graph instead).
 */
VNPU_API vnpu_status vnpu_graph_input(vnpu_graph *graph, const char *name,
				      vnpu_dtype dtype, uint32_t rank,
				      const uint32_t *dims, vnpu_tensor *out);

/* vnpu_graph_constant() flags: who owns DATA */
/* VNPU_CONST_COPY - the graph copies DATA now (the caller may free it) */
#define VNPU_CONST_COPY 0x0u
/* VNPU_CONST_BORROW - the graph keeps the pointer; DATA must stay valid
 * and unchanged until vnpu_graph_compile() returned (programs never keep
 * it: they hold their own packed copy) */
#define VNPU_CONST_BORROW 0x1u

/*
 * Declare a constant (weights, biases, norm parameters, embedding tables)
 * of SIZE bytes at DATA, which must be vnpu_dtype_bytes(DTYPE, elements,
 * 1). FP32 constants used as matmul weights are quantized by the compiler
 * to the options' weight format; constants already in a block type are
 * used as they are.
 */
VNPU_API vnpu_status vnpu_graph_constant(vnpu_graph *graph, const char *name,
					 vnpu_dtype dtype, uint32_t rank,
					 const uint32_t *dims, const void *data,
					 size_t size, uint32_t flags,
					 vnpu_tensor *out);

/*
 * Declare a constant already quantized to the block type DTYPE (MXFP4,
 * NVFP4, MXFP8, MXFP8_E5M2) from its planes held apart, as pre-quantized
 * checkpoints store them: CODES (CODES_SIZE = elements x bits / 8 bytes;
 * FP4: element 2i in the low nibble of byte i), SCALES (SCALES_SIZE = one
 * byte per block of 32, 16 for NVFP4, in row-major block order: E8M0 for
 * MX, E4M3 for NVFP4) and, for NVFP4 only, TSCALE, the FP32 tensor scale
 * (> 0, finite; ignored otherwise). The value of element i is that of
 * the engine's vnpu_dequantize(). FLAGS as vnpu_graph_constant(): with
 * VNPU_CONST_BORROW both planes are kept by pointer (a loader passes its
 * mapped file: nothing is copied before compiling).
 *
 * The compiler never re-quantizes such a constant: used as matmul
 * weights it is repacked into the card's panel layout bit for bit,
 * whatever vnpu_compile_options.weight_format, scale_method and keep
 * flags say (the mixed-precision policy keeps block constants as they
 * are), and vnpu_compile_options.hadamard leaves its matmul unrotated.
 * Refusing a weight format other than the file's is the loader's job
 * (vnpu_model_load() does it).
 */
VNPU_API vnpu_status vnpu_graph_constant_blocks(vnpu_graph *graph,
						const char *name,
						vnpu_dtype dtype, uint32_t rank,
						const uint32_t *dims,
						const void *codes,
						size_t codes_size,
						const void *scales,
						size_t scales_size, float tscale,
						uint32_t flags, vnpu_tensor *out);

/*
 * Mark T as an output. Outputs are numbered in the order of this call:
 * vnpu_program_run() writes them in that order. A tensor is an output at
 * most once; inputs, constants, states and views of states cannot be
 * outputs (copy them).
 */
VNPU_API vnpu_status vnpu_graph_output(vnpu_graph *graph, vnpu_tensor t);

/*
 * Declare a state tensor: memory that lives outside the program, which
 * the application binds to a buffer of the run's device
 * (vnpu_program_bind_state()) and which keeps its contents between runs
 * and between programs. Runs read it like an input; a state given a new
 * value with vnpu_graph_assign() is updated in place. States are
 * numbered in declaration order (vnpu_program_state()); their types and
 * shapes are those of inputs (NVFP4 refused). The typical state is an
 * attention KV cache shared by a prefill and a decode program.
 */
VNPU_API vnpu_status vnpu_graph_state(vnpu_graph *graph, const char *name,
				      vnpu_dtype dtype, uint32_t rank,
				      const uint32_t *dims, vnpu_tensor *out);

/*
 * At the end of every run, state STATE holds VALUE (same type and shape,
 * a tensor computed by the graph; to store an input, a constant or
 * another state, copy it first). Nodes reading STATE always see the
 * value it had when the run started. The compiler places VALUE directly
 * in the state's memory when nothing reads the old value afterwards (an
 * attention's updated cache over its state cache is written in place, the
 * new rows only), else it emits one COPY at the end of the run. A state
 * is assigned at most once; NAME names the assignment in messages.
 */
VNPU_API vnpu_status vnpu_graph_assign(vnpu_graph *graph, const char *name,
				       vnpu_tensor state, vnpu_tensor value);

/* Shape and type of T (RANK and DIMS may be NULL). */
VNPU_API vnpu_status vnpu_graph_tensor_info(const vnpu_graph *graph,
					    vnpu_tensor t, vnpu_dtype *dtype,
					    uint32_t *rank, uint32_t *dims);

/*
 * Operations. Each adds one node named NAME (may be NULL) and returns its
 * result in *OUT. "[..., K]" means any leading dimensions, flattened into
 * rows. Results are FP32 unless said otherwise.
 */

/*
 * OUT[..., N] = act(X[..., K] W[N, K]^T + BIAS[N]): X is FP32 or BF16, W a
 * constant [N, K] (FP32, BF16 or a block type), K a multiple of 32, BIAS
 * an FP32 constant [N] or 0, OUT_DTYPE FP32 or BF16.
 */
VNPU_API vnpu_status vnpu_graph_matmul(vnpu_graph *graph, const char *name,
				       vnpu_tensor x, vnpu_tensor w,
				       vnpu_tensor bias, vnpu_activation act,
				       vnpu_dtype out_dtype, vnpu_tensor *out);

/*
 * A + B and A * B (FP32). B has A's shape, or is [N] with N A's last
 * dimension (added to / multiplied into every row).
 */
VNPU_API vnpu_status vnpu_graph_add(vnpu_graph *graph, const char *name,
				    vnpu_tensor a, vnpu_tensor b, vnpu_tensor *out);
VNPU_API vnpu_status vnpu_graph_mul(vnpu_graph *graph, const char *name,
				    vnpu_tensor a, vnpu_tensor b, vnpu_tensor *out);
/* X * FACTOR. */
VNPU_API vnpu_status vnpu_graph_scale(vnpu_graph *graph, const char *name,
				      vnpu_tensor x, float factor, vnpu_tensor *out);

/* RMS norm over the last dimension N; GAMMA an FP32 constant [N] or 0. */
VNPU_API vnpu_status vnpu_graph_rmsnorm(vnpu_graph *graph, const char *name,
					vnpu_tensor x, vnpu_tensor gamma,
					float eps, vnpu_tensor *out);
/* Layer norm over the last dimension; GAMMA and BETA [N] or 0. */
VNPU_API vnpu_status vnpu_graph_layernorm(vnpu_graph *graph, const char *name,
					  vnpu_tensor x, vnpu_tensor gamma,
					  vnpu_tensor beta, float eps,
					  vnpu_tensor *out);

/*
 * Softmax over the last dimension. CAUSAL: row i (counting every row of
 * the flattened leading dimensions) sees columns j <= i + OFFSET.
 */
VNPU_API vnpu_status vnpu_graph_softmax(vnpu_graph *graph, const char *name,
					vnpu_tensor x, int causal,
					uint32_t offset, vnpu_tensor *out);

/* silu(X); gelu(X) (TANH non-zero: tanh approximation); silu(GATE) * UP. */
VNPU_API vnpu_status vnpu_graph_silu(vnpu_graph *graph, const char *name,
				     vnpu_tensor x, vnpu_tensor *out);
VNPU_API vnpu_status vnpu_graph_gelu(vnpu_graph *graph, const char *name,
				     vnpu_tensor x, int tanh, vnpu_tensor *out);
VNPU_API vnpu_status vnpu_graph_swiglu(vnpu_graph *graph, const char *name,
				       vnpu_tensor gate, vnpu_tensor up,
				       vnpu_tensor *out);

/* vnpu_graph_rope() modes (as the ISA's) */
#define VNPU_ROPE_MODE_INTERLEAVED 0	/* pairs (2i, 2i + 1) */
#define VNPU_ROPE_MODE_HALF 1		/* pairs (i, i + D/2) */

/*
 * Rotary embedding of X [S, H, D] (D even, up to 1024): token s is at
 * position POS0 + s, frequencies THETA^(-2i/D).
 */
VNPU_API vnpu_status vnpu_graph_rope(vnpu_graph *graph, const char *name,
				     vnpu_tensor x, uint32_t pos0, float theta,
				     uint32_t mode, vnpu_tensor *out);

/**
 * struct vnpu_attention_desc - one attention call
 * @q: [S, H, D] FP32 queries of tokens at positions @pos0 .. @pos0 + S - 1
 * @k: [S, KVH, D] keys of those tokens (the caches' type)
 * @v: [S, KVH, D] values
 * @k_cache: FP32 or BF16 key cache, [C, KVH, D] (@cache_layout
 *	%VNPU_KV_POS_MAJOR) or [KVH, C, D] (%VNPU_KV_HEAD_MAJOR); rows before
 *	@pos0 hold the earlier tokens (C >= @pos0 + S)
 * @v_cache: as @k_cache
 * @pos0: position of the first query
 * @scale: score scale; 0 means 1/sqrt(D)
 * @cache_layout: %VNPU_KV_POS_MAJOR (0) or %VNPU_KV_HEAD_MAJOR. Head-major
 *	keeps each head's rows contiguous, which attention reads faster (a
 *	decode step streams them); the results are the same bits.
 */
typedef struct vnpu_attention_desc {
	vnpu_tensor q, k, v, k_cache, v_cache;
	uint32_t pos0;
	float scale;
	uint32_t cache_layout;
} vnpu_attention_desc;

#define VNPU_KV_POS_MAJOR	0	/* caches [C, KVH, D] */
#define VNPU_KV_HEAD_MAJOR	1	/* caches [KVH, C, D] */

/*
 * Causal grouped-query attention (H a multiple of KVH): *OUT [S, H, D];
 * *K_CACHE_OUT and *V_CACHE_OUT (may be NULL) are the caches with rows
 * @pos0 .. @pos0 + S - 1 replaced by K and V (mark them as outputs to get
 * the updated caches back).
 */
VNPU_API vnpu_status vnpu_graph_attention(vnpu_graph *graph, const char *name,
					  const vnpu_attention_desc *desc,
					  vnpu_tensor *out,
					  vnpu_tensor *k_cache_out,
					  vnpu_tensor *v_cache_out);

/*
 * OUT[n, D] = TABLE[IDX[n], :]: TABLE a constant [V, D] (FP32 or BF16), IDX
 * an I32 tensor of rank 1. An index >= V fails the run with DEVICE_FAULT.
 */
VNPU_API vnpu_status vnpu_graph_gather(vnpu_graph *graph, const char *name,
				       vnpu_tensor table, vnpu_tensor idx,
				       vnpu_tensor *out);

/* The same data under another shape (same element count, any type). */
VNPU_API vnpu_status vnpu_graph_reshape(vnpu_graph *graph, const char *name,
					vnpu_tensor x, uint32_t rank,
					const uint32_t *dims, vnpu_tensor *out);
/*
 * A contiguous part of X: RANK dimensions DIMS starting OFFSET elements
 * into X (FP32, BF16 or I32; no copy is made).
 */
VNPU_API vnpu_status vnpu_graph_view(vnpu_graph *graph, const char *name,
				     vnpu_tensor x, uint64_t offset, uint32_t rank,
				     const uint32_t *dims, vnpu_tensor *out);
/* X with dimensions AXIS0 and AXIS1 swapped (FP32, BF16 or I32; copied). */
VNPU_API vnpu_status vnpu_graph_transpose(vnpu_graph *graph, const char *name,
					  vnpu_tensor x, uint32_t axis0,
					  uint32_t axis1, vnpu_tensor *out);

/*
 * Quantize FP32 X (element count a multiple of 32) to DTYPE (MXFP4, MXFP8,
 * MXFP8_E5M2, NVFP4), or convert it element by element (any count) to
 * BF16, FP16, FP8_E4M3 or FP8_E5M2 (round to nearest even; FP8 saturates
 * to its largest finite value, FP16 overflows to Inf, NaN stays NaN).
 * NVFP4 needs TSCALE, its tensor scale (> 0, finite); other types ignore
 * it. Dequantize gives FP32 back (exact for the element types).
 */
VNPU_API vnpu_status vnpu_graph_quantize(vnpu_graph *graph, const char *name,
					 vnpu_tensor x, vnpu_dtype dtype,
					 float tscale, vnpu_tensor *out);
VNPU_API vnpu_status vnpu_graph_dequantize(vnpu_graph *graph, const char *name,
					   vnpu_tensor x, vnpu_tensor *out);

/*
 * Block-wise randomized Hadamard rotation of the rows of FP32 X: each run
 * of BLOCK values (a power of two 2..4096 dividing the last dimension)
 * becomes H (D v) / sqrt(BLOCK), D the signs SEED selects (INVERSE
 * non-zero: the inverse rotation, D (H v) / sqrt(BLOCK)), bit for bit
 * the engine's vnpu_hadamard_rotate() (the card's HADAMARD packet).
 * Rotating the rows of a matmul's input and of its weights alike leaves
 * the product unchanged in exact arithmetic; vnpu_compile_options.hadamard
 * does that for every matmul.
 */
VNPU_API vnpu_status vnpu_graph_hadamard(vnpu_graph *graph, const char *name,
					 vnpu_tensor x, uint32_t block,
					 uint64_t seed, int inverse,
					 vnpu_tensor *out);

/* A copy of X (any type). */
VNPU_API vnpu_status vnpu_graph_copy(vnpu_graph *graph, const char *name,
				     vnpu_tensor x, vnpu_tensor *out);

/**
 * enum vnpu_unary - element-wise functions of vnpu_graph_unary_op()
 * @VNPU_UNARY_RELU: max(x, 0)
 * @VNPU_UNARY_SIGMOID: 1 / (1 + exp(-x))
 * @VNPU_UNARY_TANH: tanh(x)
 * @VNPU_UNARY_SQRT: sqrt(x)
 * @VNPU_UNARY_ERF: erf(x)
 * @VNPU_UNARY_EXP: exp(x)
 * @VNPU_UNARY_NEG: -x
 * @VNPU_UNARY_LOG: ln(x)
 */
typedef enum vnpu_unary {
	VNPU_UNARY_RELU = 1,
	VNPU_UNARY_SIGMOID = 2,
	VNPU_UNARY_TANH = 3,
	VNPU_UNARY_SQRT = 4,
	VNPU_UNARY_ERF = 5,
	VNPU_UNARY_EXP = 6,
	VNPU_UNARY_NEG = 7,
	VNPU_UNARY_LOG = 8,
} vnpu_unary;

/**
 * enum vnpu_binary - element-wise functions of vnpu_graph_binary_op()
 * @VNPU_BINARY_SUB: a - b
 * @VNPU_BINARY_DIV: a / b
 * @VNPU_BINARY_MAX: max(a, b) (NaN if either is NaN)
 * @VNPU_BINARY_MIN: min(a, b) (NaN if either is NaN)
 * @VNPU_BINARY_POW: a ^ b
 */
typedef enum vnpu_binary {
	VNPU_BINARY_SUB = 1,
	VNPU_BINARY_DIV = 2,
	VNPU_BINARY_MAX = 3,
	VNPU_BINARY_MIN = 4,
	VNPU_BINARY_POW = 5,
} vnpu_binary;

/*
 * OP(X) and OP(A, B) on FP32 (the card's ELTWISE ops, the engine's math:
 * uapi/drm/vnpu_cmd.h documents each). B has A's shape or is [N] with N
 * A's last dimension. Other broadcasts: expand with vnpu_graph_strided().
 */
VNPU_API vnpu_status vnpu_graph_unary_op(vnpu_graph *graph, const char *name,
					 vnpu_unary op, vnpu_tensor x,
					 vnpu_tensor *out);
VNPU_API vnpu_status vnpu_graph_binary_op(vnpu_graph *graph, const char *name,
					  vnpu_binary op, vnpu_tensor a,
					  vnpu_tensor b, vnpu_tensor *out);

/*
 * A dense copy of a strided view of X (any non-block type): OUT has RANK
 * dimensions DIMS and OUT[i0, .., ir] = X.flat[OFFSET + sum(i_d *
 * STRIDES[d])]. Strides are in elements and may be 0 (broadcast),
 * negative (reversal) or permuted (transpose); every element read must
 * lie inside X.
 */
VNPU_API vnpu_status vnpu_graph_strided(vnpu_graph *graph, const char *name,
					vnpu_tensor x, uint64_t offset,
					uint32_t rank, const uint32_t *dims,
					const int32_t *strides, vnpu_tensor *out);

/*
 * XS[0..COUNT-1] (1..5 tensors of one type and rank, equal except along
 * AXIS) joined along AXIS.
 */
VNPU_API vnpu_status vnpu_graph_concat(vnpu_graph *graph, const char *name,
				       uint32_t count, const vnpu_tensor *xs,
				       uint32_t axis, vnpu_tensor *out);

/**
 * enum vnpu_reduction - reductions of vnpu_graph_reduce()
 * @VNPU_REDUCTION_SUM: the engine's fixed-order sum
 * @VNPU_REDUCTION_MEAN: that sum / n
 * @VNPU_REDUCTION_MAX: largest value
 * @VNPU_REDUCTION_MIN: smallest value
 */
typedef enum vnpu_reduction {
	VNPU_REDUCTION_SUM = 0,
	VNPU_REDUCTION_MEAN = 1,
	VNPU_REDUCTION_MAX = 2,
	VNPU_REDUCTION_MIN = 3,
} vnpu_reduction;

/* Reduce the last dimension of FP32 X: OUT has X's shape with it 1. */
VNPU_API vnpu_status vnpu_graph_reduce(vnpu_graph *graph, const char *name,
				       vnpu_reduction kind, vnpu_tensor x,
				       vnpu_tensor *out);

/*
 * X (FP32 or I32) at the origin of a zero tensor of DIMS (X's rank, each
 * dimension at least X's).
 */
VNPU_API vnpu_status vnpu_graph_pad(vnpu_graph *graph, const char *name,
				    vnpu_tensor x, const uint32_t *dims,
				    vnpu_tensor *out);

/*
 * OUT[.., M, N] = A[.., M, K] B[.., K, N] with B computed at run time
 * (FP32; B has A's batch dimensions or none). The card's MATMUL reads B
 * as FP32 weight panels, so this adds the nodes that pack B (strided
 * copies) and zero-pad K to a multiple of 32; the products are exact
 * FP32 ones, summed in the engine's order. Weights known when compiling
 * should use vnpu_graph_matmul() instead.
 */
VNPU_API vnpu_status vnpu_graph_matmul_dyn(vnpu_graph *graph, const char *name,
					   vnpu_tensor a, vnpu_tensor b,
					   vnpu_tensor *out);

/*
 * Linear 8-bit quantization (ONNX QuantizeLinear), one QLINEAR packet:
 * OUT = saturate(rint(X / SCALE) + ZERO) of type DTYPE (I8 or U8), with
 * X / SCALE one FP32 division, rint rounding half to even, saturation to
 * the type's range (NaN gives the zero point). X is FP32; SCALE an FP32
 * tensor of 1 element (per tensor) or of X's dimension AXIS (per axis:
 * the parameters of index i along AXIS apply to that slice); ZERO has
 * SCALE's element count and type DTYPE, or is 0 (zero points 0). SCALE
 * and ZERO may be constants or computed; AXIS is ignored per tensor.
 */
VNPU_API vnpu_status vnpu_graph_qlinear(vnpu_graph *graph, const char *name,
					vnpu_tensor x, vnpu_tensor scale,
					vnpu_tensor zero, uint32_t axis,
					vnpu_dtype dtype, vnpu_tensor *out);

/*
 * The reverse (ONNX DequantizeLinear): OUT = (float)(Q - ZERO) * SCALE
 * (FP32, one multiplication), Q of type I8 or U8, SCALE and ZERO as for
 * vnpu_graph_qlinear() (ZERO of Q's type).
 */
VNPU_API vnpu_status vnpu_graph_dqlinear(vnpu_graph *graph, const char *name,
					 vnpu_tensor q, vnpu_tensor scale,
					 vnpu_tensor zero, uint32_t axis,
					 vnpu_tensor *out);

/**
 * enum vnpu_comparison - comparisons of vnpu_graph_compare()
 * @VNPU_COMPARE_EQ: a == b
 * @VNPU_COMPARE_LT: a < b
 * @VNPU_COMPARE_GT: a > b
 * @VNPU_COMPARE_LE: a <= b
 * @VNPU_COMPARE_GE: a >= b
 */
typedef enum vnpu_comparison {
	VNPU_COMPARE_EQ = 0,
	VNPU_COMPARE_LT = 1,
	VNPU_COMPARE_GT = 2,
	VNPU_COMPARE_LE = 3,
	VNPU_COMPARE_GE = 4,
} vnpu_comparison;

/*
 * OUT = A KIND B element by element as U8 1 or 0 (a bool tensor), one
 * COMPARE packet: A and B FP32 of one shape; IEEE comparisons (false
 * when either is NaN, -0 == +0).
 */
VNPU_API vnpu_status vnpu_graph_compare(vnpu_graph *graph, const char *name,
					vnpu_comparison kind, vnpu_tensor a,
					vnpu_tensor b, vnpu_tensor *out);

/*
 * OUT = COND ? X : Y element by element (ONNX Where), one SELECT packet:
 * COND a U8 tensor (non-zero is true) with X's element count, X and Y of
 * one type of 1, 2 or 4 bytes per element and one shape (copied as
 * they are); OUT has X's type and shape.
 */
VNPU_API vnpu_status vnpu_graph_select(vnpu_graph *graph, const char *name,
				       vnpu_tensor cond, vnpu_tensor x,
				       vnpu_tensor y, vnpu_tensor *out);

/* vnpu_graph_dump() / vnpu_program_dump() formats */
#define VNPU_DUMP_TEXT 0
#define VNPU_DUMP_DOT 1

/*
 * Write GRAPH as text (one line per tensor and node) or as a Graphviz
 * DOT digraph into BUF of SIZE bytes (NUL-terminated, truncated if short;
 * BUF may be NULL when SIZE is 0). *NEEDED (may be NULL) gets the full
 * length without the NUL.
 */
VNPU_API vnpu_status vnpu_graph_dump(const vnpu_graph *graph, uint32_t format,
				     char *buf, size_t size, size_t *needed);

#if defined(__cplusplus)
}
#endif

#endif /* VNPU_GRAPH_H */
