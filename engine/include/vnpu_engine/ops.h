/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The vector unit's ops. All work on FP32 arrays; parameters that are
 * floats are passed by pointer so no float crosses the kernel-facing API.
 *
 * Reduction order (fixed, so every build and variant gives the same bits):
 * a sum over n values uses 16 lanes, lane l adding elements l, l+16, l+32,
 * ... in ascending order from 0.0f, then the lanes are combined by the tree
 * s[l] += s[l + 8], then + 4, + 2, + 1 (l below the step), result s[0].
 * Dot products use the same order on the products (a*b rounded, then
 * added: no fma). Maxima are order-independent.
 */
#ifndef VNPU_ENGINE_OPS_H
#define VNPU_ENGINE_OPS_H

#include <stddef.h>
#include <stdint.h>

#include <vnpu_engine/engine.h>

/* y = a + b, y = a * b, y = x * (*s): element-wise, y may alias inputs. */
void vnpu_add(float *y, const float *a, const float *b, size_t n);
void vnpu_mul(float *y, const float *a, const float *b, size_t n);
void vnpu_scale(float *y, const float *x, const float *s, size_t n);

/* The fixed-order sum and dot product described above. */
void vnpu_sum(float *out, const float *x, size_t n);
void vnpu_dot(float *out, const float *a, const float *b, size_t n);

/*
 * y = x * rsqrt(mean(x^2) + eps) * w         (w may be NULL: 1)
 * evaluated as r = rsqrt(sum(x*x) / n + eps); y[i] = (x[i] * r) * w[i].
 */
void vnpu_rmsnorm(float *y, const float *x, const float *w, const float *eps,
		  size_t n);
/*
 * mean = sum(x) / n; var = sum((x - mean)^2) / n; r = rsqrt(var + eps);
 * y[i] = ((x[i] - mean) * r) * g[i] + b[i]     (g, b may be NULL)
 */
void vnpu_layernorm(float *y, const float *x, const float *g, const float *b,
		    const float *eps, size_t n);

/*
 * Softmax over each of @rows rows of @n values (row stride @ld). With
 * @causal, row i only sees columns j <= i + @offset (others get 0).
 * m = max (NaN never wins); e = vnpu_fexpf(x - m); s = sum(e) in
 * vnpu_sum()'s 16-lane order; y = e / s.
 */
void vnpu_softmax(float *y, const float *x, size_t rows, size_t n, size_t ld,
		  int causal, size_t offset);

void vnpu_silu(float *y, const float *x, size_t n);
void vnpu_gelu(float *y, const float *x, size_t n);		/* erf form */
void vnpu_gelu_tanh(float *y, const float *x, size_t n);
/* y = silu(gate) * up */
void vnpu_swiglu(float *y, const float *gate, const float *up, size_t n);

/*
 * Rotary embedding frequencies: inv_freq[i] = theta^(-2i / dim), i < dim/2,
 * computed in double and rounded once.
 */
void vnpu_rope_freqs(float *inv_freq, uint32_t dim, const float *theta);

#define VNPU_ROPE_INTERLEAVED	0	/* pairs (2i, 2i+1) (GPT-J) */
#define VNPU_ROPE_HALF		1	/* pairs (i, i + dim/2) (NeoX, Llama) */

/*
 * Rotate @heads vectors of @dim values at x (stride @dim) for position
 * @pos: angle = (double)pos * inv_freq[i]; sin/cos by vnpu_sincos();
 * (a, b) -> (a*c - b*s, a*s + b*c), each product rounded, then subtracted.
 */
void vnpu_rope(float *x, uint32_t heads, uint32_t dim, uint32_t pos,
	       const float *inv_freq, uint32_t mode);

/**
 * struct vnpu_attn - attention of new queries over a KV cache.
 * @q: [nq][n_heads][dim] queries at positions pos0 .. pos0 + nq - 1.
 * @k, @v: cache [n_ctx][n_kv_heads][dim] (kv_rows = 0, position-major)
 *	   or [n_kv_heads][kv_rows][dim] (head-major: one head's rows
 *	   contiguous), FP32 (kv_bf16 = 0) or BF16; rows 0 .. pos0 + nq - 1
 *	   must be filled (decode: nq = 1).
 * @out: [nq][n_heads][dim].
 * @scale: score scale (usually 1/sqrt(dim)).
 * Query head h uses KV head h / (n_heads / n_kv_heads) (grouped-query).
 * Query t sees keys 0 .. pos0 + t (causal). Scores s_j = dot(q, k_j) *
 * scale with vnpu_dot()'s 16-lane order; softmax as vnpu_softmax() (its
 * exp is vnpu_fexpf()); out = sum_j p_j * v_j accumulated in ascending j
 * from +0 (each product rounded, then added). Every query row (query t,
 * head h) is computed alone in this fixed order: the SIMD variants, and
 * any split of the rows over threads or AI cores, and either cache
 * layout give the same bits. kv_rows >= pos0 + nq when not 0.
 */
struct vnpu_attn {
	const float *q;
	const void *k, *v;
	float *out;
	const float *scale;
	uint32_t nq, pos0, n_heads, n_kv_heads, dim, kv_bf16, kv_rows;
};

/*
 * Scratch: vnpu_attention_scratch() bytes (dim and pos0 + nq, each rounded
 * up to 16, plus 256 floats). Returns 0 or VNPU_EINVAL / VNPU_ENOSPC.
 */
int vnpu_attention(const struct vnpu_attn *at, const struct vnpu_ctx *ctx);
size_t vnpu_attention_scratch(const struct vnpu_attn *at);
/*
 * Rows r0 .. r0 + nrows - 1 only (row r = query r / n_heads, head
 * r % n_heads): the unit the ISA executor tiles attention by. VNPU_EINVAL
 * also for rows past nq * n_heads.
 */
int vnpu_attention_rows(const struct vnpu_attn *at, uint32_t r0,
			uint32_t nrows, const struct vnpu_ctx *ctx);

/* y[i][:] = table[idx[i]][:] (rows of @cols FP32 or BF16 values). */
int vnpu_gather(float *y, const void *table, uint32_t table_bf16, size_t rows,
		size_t cols, const uint32_t *idx, size_t n);

/* y = x^T for a rows x cols matrix of @esize-byte elements (1, 2 or 4). */
int vnpu_transpose(void *y, const void *x, size_t rows, size_t cols, size_t esize);
void vnpu_copy_bytes(void *dst, const void *src, size_t n);

/*
 * y = op(a) or op(a, b) for the element-wise ops from VNPU_ELT_SUB up
 * (uapi/drm/vnpu_cmd.h defines them; b NULL for the one-input ones);
 * y may alias a or b. pow is exp(y * ln|x|) in double rounded once (within
 * 1 ulp) with C99's special cases; log is log2(x) * ln 2 in double rounded
 * once (within 1 ulp). VNPU_EINVAL for another op.
 */
int vnpu_eltwise_ext(uint32_t op, float *y, const float *a, const float *b,
		     size_t n);

/*
 * Rows ROW0 .. ROW0 + NROWS - 1 of a 4-D strided copy (struct
 * vnpu_cmd_strided): row r is (i0, i1, i2) = r in dims[0..2], row-major;
 * its dims[3] elements of ESIZE bytes go from the source (signed strides
 * SSTRIDE) to DST (strides DSTRIDE), in elements. SRC_LO is the lowest
 * element the view reads (the start of the packet's source operand).
 */
int vnpu_strided_copy(void *dst, const void *src_lo, uint32_t esize,
		      const uint32_t *dims, const int32_t *sstride,
		      const uint32_t *dstride, size_t row0, size_t nrows);

/*
 * y[r] = reduction KIND (VNPU_REDUCE_*) of row r of ROWS rows of N values:
 * SUM is vnpu_sum(), MEAN that sum / n, MAX and MIN propagate NaN.
 */
int vnpu_reduce(float *y, const float *x, size_t rows, size_t n, uint32_t kind);

/*
 * Rows ROW0 .. ROW0 + NROWS - 1 of a QLINEAR packet (struct
 * vnpu_cmd_qlinear: FLAGS VNPU_QLINEAR_*, AXIS scales, INNER values per
 * row; row r uses SCALE[r % AXIS] and ZERO[r % AXIS], ZERO NULL: 0).
 * Quantize reads X and writes Q; dequantize the reverse. X and Q point at
 * row 0. VNPU_EINVAL for unknown flags or a zero AXIS or INNER.
 */
int vnpu_qlinear(uint32_t flags, float *x, uint8_t *q, const float *scale,
		 const uint8_t *zero, size_t axis, size_t inner, size_t row0,
		 size_t nrows);

/*
 * OUT[i] = X[i] KIND Y[i] (VNPU_CMP_*, IEEE: false with a NaN) as a byte
 * 1 or 0; VNPU_EINVAL for an unknown KIND.
 */
int vnpu_compare(uint32_t kind, uint8_t *out, const float *x, const float *y,
		 size_t n);

/*
 * OUT[i] = COND[i] ? X[i] : Y[i] for N elements of ESIZE (1, 2 or 4)
 * bytes, copied as they are (COND: any non-zero byte is true); OUT may be
 * X or Y. VNPU_EINVAL for another ESIZE.
 */
int vnpu_select(uint32_t esize, void *out, const uint8_t *cond, const void *x,
		const void *y, size_t n);

#endif /* VNPU_ENGINE_OPS_H */
