/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Matmul C[m][n] = act(sum_k A[m][k] * W[n][k] * tscale + bias[n]).
 *
 * The card's arithmetic (every variant and tiling gives these bits):
 *
 *  - W is MXFP4, NVFP4, MXFP8 (E4M3 or E5M2), BF16 or FP32. A is FP32 or
 *    BF16 in memory and is used as is (exact path) or quantized on the fly
 *    per row, per 32 columns (MX quantization of <vnpu_engine/formats.h>)
 *    to MXINT8, MXFP4, MXFP8_E4M3 or MXFP8_E5M2.
 *  - K is cut into blocks: the W block (32 for MX, 16 for NVFP4, 32 for
 *    BF16 and FP32, which have no scale). For block b:
 *
 *    Integer path, wherever the block sum fits int32:
 *        W FP4  x A MXINT8, MXFP4 or MXFP8_E4M3
 *        W E4M3 x A MXINT8 or MXFP4
 *      with k_w = 2 * E2M1 value (in [-12, 12]) or E4M3 value * 2^9 (an
 *      integer of 18 bits), q_a = the INT8 code, 2 * E2M1 value or E4M3
 *      value * 2^9:
 *        I_b = sum_k k_w * q_a              exact, int32
 *        T_b = ((float)I_b * sw_b) * sa_b   conversion and two multiplies,
 *                                           each FP32 RNE
 *      A NaN E4M3 weight code makes T_b NaN.
 *    Exact path, every other pair (A exact, or quantized then expanded
 *    exactly to FP32; W element value w: k_w for FP4, else the E4M3, E5M2,
 *    BF16 or FP32 value):
 *        p = 0; for k ascending in the block: p = fma(w, a_k, p)
 *        T_b = p * sw_b                     (one rounding per step, K order)
 *    except W FP4 x A BF16 used as is (no quantization): the pair chain,
 *    what one lane of vdpbf16ps computes (measured exactly, see
 *    tests/engine/test_bf16dot.c):
 *        p = 0; for k = kb, kb + 2, ... (pairs of columns k, k + 1):
 *            p = F(fma(w_{k+1}, D(a_{k+1}), p))   the odd column first
 *            p = F(fma(w_k, D(a_k), p))
 *        T_b = p * sw_b
 *      where D reads a BF16 denormal as a zero of its sign and F flushes a
 *      tiny result (|exact| < 2^-126 after rounding to 24 bits with an
 *      unbounded exponent) to a zero of its sign; fma rounds once (RNE).
 *    where sw_b = 2^(ew - 128) for MXFP4 (E8M0 ew; the 1/2 of k_w folded
 *    in), E4M3(s) / 2 for NVFP4, 2^(ew - 127) for MXFP8 (2^(ew - 136) in
 *    the integer path), 1 for BF16 and FP32; sa_b = 2^(ea - 127 - 6) for
 *    MXINT8, 2^(ea - 128) for MXFP4, 2^(ea - 136) for MXFP8_E4M3. All are
 *    exact FP32 values (possibly subnormal); a NaN scale code makes them
 *    NaN.
 *  - acc = 0; for b ascending: acc = acc + T_b (FP32, RNE).
 *  - Epilogue: v = acc * tscale (NVFP4 tensor scale; skipped otherwise),
 *    v = v + bias[n], v = act(v) (engine math), then stored as FP32 or BF16
 *    (RNE).
 *
 * No operation is ever fused or reassociated, so a generic C build, the
 * AVX2 and the AVX-512 kernels agree bit for bit.
 *
 * Weight "panel" layout (what the kernels read; produced by
 * vnpu_panel_pack() from the planes layout of <vnpu_engine/formats.h>):
 * rows are grouped by 16 (VNPU_PANEL_ROWS); the last panel is padded with
 * zero rows. FP4 panels, K columns, nb = K / B blocks (B = 32 or 16):
 *   codes   nb * B/8 chunks of 64 bytes. Chunk c of block b covers columns
 *           kb = b*B + 8*(c % (B/8)) .. kb + 7 of all 16 rows: byte 4r + j
 *           holds column kb + j of row r in its low nibble and column
 *           kb + 4 + j in its high nibble (r = 0..15, j = 0..3).
 *   scales  nb * 16 bytes: for block b, the scale byte of rows 0..15,
 *           then padding to a multiple of 64 bytes.
 * So the 16 lanes of a 512-bit vector (or two 256-bit halves) hold the 16
 * rows, and each nibble plane of a chunk is 4 consecutive columns per row.
 * Wide panels (MXFP8: 1 byte per element, BF16: 2, FP32: 4, little-endian):
 *   codes   column-major: column k holds the elements of rows 0..15.
 *   scales  MXFP8 only, as for FP4 (K / 32 blocks).
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
 * Pack planes-layout weights (row r: codes at codes + r * k * bits / 8,
 * scales at scales + r * k / B; BF16 and FP32 take no scales, NULL is
 * fine) into the panel layout at dst.
 */
int vnpu_panel_pack(uint32_t w_fmt, const uint8_t *codes, const uint8_t *scales,
		    uint32_t n, uint32_t k, void *dst);

/**
 * struct vnpu_matmul - one matmul.
 * @m, @n, @k: shapes; k % 32 == 0.
 * @w_fmt: VNPU_FMT_MXFP4, NVFP4, MXFP8_E4M3, MXFP8_E5M2, BF16 or FP32
 *	   (panel layout at @w).
 * @w_tscale: NVFP4 tensor scale (ignored for MX).
 * @a_fmt: VNPU_FMT_FP32 or VNPU_FMT_BF16: rows of A, @lda elements apart.
 * @a_quant: VNPU_FMT_NONE (exact activations), VNPU_FMT_MXINT8,
 *	     MXFP4, MXFP8_E4M3 or MXFP8_E5M2: how A is quantized on the fly
 *	     (spec MX quantization, per row).
 * @bias: n floats or NULL. @act: enum vnpu_act.
 * @c_fmt: VNPU_FMT_FP32 or VNPU_FMT_BF16; rows of C @ldc elements apart.
 * @a_prep: NULL, or the rows of A prepared once by vnpu_matmul_prepare()
 *	    (64-byte aligned, all m rows): every call then reads them
 *	    instead of preparing its own rows of A. Same bits either way.
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
	const void *a_prep;
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

/*
 * Activations prepared once per matmul instead of once per call: a matmul
 * split by columns into T calls would otherwise quantize (or widen) each
 * row of A T times. vnpu_matmul_prep_size() gives the bytes of all m
 * prepared rows, or 0 when this matmul on the variant FEATURES select
 * reads A as it is (FP32 without quantization, or the BF16 pair kernel):
 * then @a_prep is ignored. vnpu_matmul_prepare() writes rows [m0, m1) of
 * them at @prep (64-byte aligned); rows are independent, so callers split
 * the preparation freely too.
 */
size_t vnpu_matmul_prep_size(const struct vnpu_matmul *mm, uint32_t features);
int vnpu_matmul_prepare(const struct vnpu_matmul *mm, uint32_t m0, uint32_t m1,
			void *prep, uint32_t features);

#endif /* VNPU_ENGINE_MATMUL_H */
