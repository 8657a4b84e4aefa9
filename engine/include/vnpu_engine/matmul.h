/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Matmul C[m][n] = act(sum_k A[m][k] * W[n][k] * tscale + bias[n]).
 *
 * The card's arithmetic (every variant and tiling gives these bits):
 *
 *  - W elements are E2M1 codes; k_w = 2 * value is an integer in [-12, 12].
 *  - K is cut into W blocks (32 for MXFP4, 16 for NVFP4). For block b:
 *
 *    Integer path (A quantized on the fly to MXINT8 or MXFP4, 32-element
 *    blocks with E8M0 exponent ea; q_a = the INT8 code, or 2 * the E2M1
 *    value):
 *        I_b = sum_k k_w * q_a              exact, int32
 *        T_b = ((float)I_b * sw_b) * sa_b   two FP32 multiplies, RNE
 *    Exact-activation path (A in FP32 or BF16, used as is; MXFP8 A is
 *    quantized then expanded to FP32, exactly):
 *        p = 0; for k ascending in the block: p = fma(k_w, a_k, p)
 *        T_b = p * sw_b                     (products exact, one rounding
 *                                            per step, in K order)
 *    where sw_b = 2^(ew - 128) for MXFP4 (E8M0 ew; the 1/2 of k_w folded
 *    in), E4M3(s) / 2 for NVFP4; sa_b = 2^(ea - 127 - 6) for MXINT8,
 *    2^(ea - 128) for MXFP4. Both are exact FP32 values (possibly
 *    subnormal); a NaN scale code makes them NaN.
 *  - acc = 0; for b ascending: acc = acc + T_b (FP32, RNE).
 *  - Epilogue: v = acc * tscale (NVFP4 tensor scale; skipped for MX),
 *    v = v + bias[n], v = act(v) (engine math), then stored as FP32 or BF16
 *    (RNE).
 *
 * No operation is ever fused or reassociated, so a generic C build, the
 * AVX2 and the AVX-512 kernels agree bit for bit.
 *
 * Weight "panel" layout (what the kernels read; produced by
 * vnpu_panel_pack() from the planes layout of <vnpu_engine/formats.h>):
 * rows are grouped by 16 (VNPU_PANEL_ROWS); the last panel is padded with
 * zero rows. A panel of K columns with nb = K / B blocks (B = 32 or 16) is
 *   codes   nb * B/8 chunks of 64 bytes. Chunk c of block b covers columns
 *           kb = b*B + 8*(c % (B/8)) .. kb + 7 of all 16 rows: byte 4r + j
 *           holds column kb + j of row r in its low nibble and column
 *           kb + 4 + j in its high nibble (r = 0..15, j = 0..3).
 *   scales  nb * 16 bytes: for block b, the scale byte of rows 0..15,
 *           then padding to a multiple of 64 bytes.
 * So the 16 lanes of a 512-bit vector (or two 256-bit halves) hold the 16
 * rows, and each nibble plane of a chunk is 4 consecutive columns per row.
 */
#ifndef VNPU_ENGINE_MATMUL_H
#define VNPU_ENGINE_MATMUL_H

#include <stddef.h>
#include <stdint.h>

#include <vnpu_engine/engine.h>
#include <vnpu_engine/formats.h>

#define VNPU_PANEL_ROWS 16

enum vnpu_act {
	VNPU_ACT_NONE = 0,
	VNPU_ACT_RELU,
	VNPU_ACT_SILU,
	VNPU_ACT_GELU,		/* erf form */
	VNPU_ACT_GELU_TANH,
};

/* Bytes of a packed weight of n rows and k columns (k % 32 == 0). */
size_t vnpu_panel_size(uint32_t w_fmt, uint32_t n, uint32_t k);

/*
 * Pack planes-layout weights (row r: codes at codes + r * k / 2, scales at
 * scales + r * k / B) into the panel layout at dst.
 */
int vnpu_panel_pack(uint32_t w_fmt, const uint8_t *codes, const uint8_t *scales,
		    uint32_t n, uint32_t k, void *dst);

/**
 * struct vnpu_matmul - one matmul.
 * @m, @n, @k: shapes; k % 32 == 0.
 * @w_fmt: VNPU_FMT_MXFP4 or VNPU_FMT_NVFP4 (panel layout at @w).
 * @w_tscale: NVFP4 tensor scale (ignored for MX).
 * @a_fmt: VNPU_FMT_FP32 or VNPU_FMT_BF16: rows of A, @lda elements apart.
 * @a_quant: VNPU_FMT_NONE (exact activations), VNPU_FMT_MXINT8,
 *	     VNPU_FMT_MXFP4 or VNPU_FMT_MXFP8_E4M3: how A is quantized on the
 *	     fly (spec MX quantization, per row).
 * @bias: n floats or NULL. @act: enum vnpu_act.
 * @c_fmt: VNPU_FMT_FP32 or VNPU_FMT_BF16; rows of C @ldc elements apart.
 */
struct vnpu_matmul {
	uint32_t m, n, k;
	uint32_t w_fmt;
	const void *w;
	float w_tscale;
	uint32_t a_fmt;
	uint32_t a_quant;
	const void *a;
	size_t lda;
	const float *bias;
	uint32_t act;
	uint32_t c_fmt;
	void *c;
	size_t ldc;
};

/* Scratch bytes vnpu_matmul_run() needs for @rows rows of A. */
size_t vnpu_matmul_scratch(const struct vnpu_matmul *mm, uint32_t rows);

/*
 * Compute C rows [m0, m1) and columns [n0, n1); n0 must be a multiple of
 * 16 and n1 a multiple of 16 or equal to n. Tiles are independent, so
 * callers split work across threads freely; results never depend on it.
 */
int vnpu_matmul_run(const struct vnpu_matmul *mm, uint32_t m0, uint32_t m1,
		    uint32_t n0, uint32_t n1, const struct vnpu_ctx *ctx);

#endif /* VNPU_ENGINE_MATMUL_H */
