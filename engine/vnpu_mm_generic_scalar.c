// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The generic kernels that work one element at a time: the exact
 * (FP32/BF16 activation) path of FP4 weights, the wide weight formats
 * (MXFP8, BF16, FP32), E4M3 activations in the integer path, and the
 * single-rounding fma they use. Like vnpu_mm_generic.c they define the
 * arithmetic the SIMD kernels reproduce bit for bit; unlike it they are
 * built once, with the baseline flags, and serve every generic build.
 */
#include "vnpu_mm.h"
#include <vnpu_engine/vmath.h>

/* q_a of row i, column kk, put together from its pieces. */
static int32_t vnpu_kern_aq(const struct vnpu_kern *k, uint32_t i, size_t kk)
{
	if (k->np == 1)
		return k->aq[i][kk];
	return k->aq[0][kk] + 128 * k->aq[1][kk] + 16384 * k->aq[2][kk];
}

/* FP4 weights, E4M3 activations (np pieces per row): I_b in int32. */
void vnpu_kint_pieces_generic(const struct vnpu_kern *k)
{
	for (uint32_t i = 0; i < k->mt; i++) {
		for (uint32_t r = 0; r < 16; r++) {
			float acc = 0.0f;

			for (uint32_t b = 0; b < k->nblk; b++) {
				const uint8_t *blk = k->codes + (size_t)b * k->wb * 8;
				size_t kb = (size_t)b * k->wb;
				float sw = vnpu_wscale(k->wfmt, k->scales[b * 16 + r]);
				float sa = k->sa[i][kb / 32];
				int32_t s = 0;

				for (uint32_t kk = 0; kk < k->wb; kk++)
					s += vnpu_e2m1_x2(vnpu_panel_nib(blk, r, kk)) *
					     vnpu_kern_aq(k, i, kb + kk);
				acc = acc + ((float)s * sw) * sa;
			}
			k->acc[i * 16 + r] = acc;
		}
	}
}

/*
 * a * b + c rounded once to double precision with round-to-odd: the
 * product is exact in double; the sum is made round-to-odd from its exact
 * error. Rounding that to FP32 (or judging it against an FP32 threshold)
 * is then exactly what a single rounding of the exact value would give.
 */
static double vnpu_fma_odd(float a, float b, float c)
{
	double p = (double)a * (double)b, s = p + (double)c;
	double bv = s - p, err = (p - (s - bv)) + ((double)c - bv);
	uint64_t u = vnpu_u64(s);

	if (err != 0.0 && (u & 0x7ff0000000000000ull) != 0x7ff0000000000000ull &&
	    !(u & 1)) {
		if ((err > 0) == (s > 0))
			u++;
		else
			u--;
		s = vnpu_f64(u);
	}
	return s;
}

float vnpu_fmaf_soft(float a, float b, float c)
{
	return (float)vnpu_fma_odd(a, b, c);
}

/*
 * fma, then a tiny result flushed to zero: tiny when the exact value,
 * rounded to 24 bits with an unbounded exponent, is below 2^-126, i.e.
 * when |exact| < 2^-126 - 2^-151 (vdpbf16ps decides so, see matmul.h).
 */
static float vnpu_fma_ftz(float a, float b, float c)
{
	double s = vnpu_fma_odd(a, b, c);

	if (s != 0.0 && (s < 0 ? -s : s) < 0x1p-126 - 0x1p-151)
		return s < 0 ? -0.0f : 0.0f;
	return (float)s;
}

float vnpu_bf16dot2(float acc, float w0, float a0, float w1, float a1)
{
	acc = vnpu_fma_ftz(vnpu_daz(w1), vnpu_daz(a1), vnpu_daz(acc));
	return vnpu_fma_ftz(vnpu_daz(w0), vnpu_daz(a0), acc);
}

/* 2 * the E2M1 value of row r, column kk of a panel block, as a float */
static float vnpu_e2m1_f(const uint8_t *blk, uint32_t r, uint32_t kk)
{
	return (float)vnpu_e2m1_x2(vnpu_panel_nib(blk, r, kk));
}

void vnpu_kfp_generic(const struct vnpu_kern *k)
{
	for (uint32_t i = 0; i < k->mt; i++) {
		for (uint32_t r = 0; r < 16; r++) {
			float acc = 0.0f;

			for (uint32_t b = 0; b < k->nblk; b++) {
				const uint8_t *blk = k->codes + (size_t)b * k->wb * 8;
				const float *a = k->af[i] + (size_t)b * k->wb;
				float sw = vnpu_wscale(k->wfmt, k->scales[b * 16 + r]);
				float p = 0.0f;

				for (uint32_t kk = 0; kk < k->wb && !k->bfp; kk++)
					p = vnpu_fmaf_soft(vnpu_e2m1_f(blk, r, kk), a[kk], p);
				for (uint32_t kk = 0; kk < k->wb && k->bfp; kk += 2)
					p = vnpu_bf16dot2(p, vnpu_e2m1_f(blk, r, kk), a[kk],
							  vnpu_e2m1_f(blk, r, kk + 1), a[kk + 1]);
				acc = acc + p * sw;
			}
			k->acc[i * 16 + r] = acc;
		}
	}
}

/* ---- wide weights (MXFP8, BF16, FP32) -------------------------------- */

/* E4M3 weights, integer A: I_b exact in int32, a NaN code poisons T_b. */
void vnpu_kwint_generic(const struct vnpu_kern *k)
{
	for (uint32_t i = 0; i < k->mt; i++) {
		for (uint32_t r = 0; r < 16; r++) {
			float acc = 0.0f;

			for (uint32_t b = 0; b < k->nblk; b++) {
				const uint8_t *blk = k->codes + (size_t)b * 32 * 16;
				float sw = vnpu_wscale(k->wfmt, k->scales[b * 16 + r]) *
					   0x1p-9f;
				float sa = k->sa[i][b], t;
				bool nan = false;
				int32_t s = 0;

				for (uint32_t kk = 0; kk < 32; kk++) {
					uint8_t c = blk[kk * 16 + r];

					nan |= vnpu_e4m3_isnan(c);
					s += vnpu_e4m3_x512(c) * vnpu_kern_aq(k, i, b * 32 + kk);
				}
				t = ((float)s * sw) * sa;
				acc = acc + (nan ? vnpu_f32(0x7fc00000u) : t);
			}
			k->acc[i * 16 + r] = acc;
		}
	}
}

/* Exact activations: p = fma(w, a, p) in K order per 32-column block. */
void vnpu_kwfp_generic(const struct vnpu_kern *k)
{
	uint32_t es = vnpu_wide_esize(k->wfmt);

	for (uint32_t i = 0; i < k->mt; i++) {
		for (uint32_t r = 0; r < 16; r++) {
			float acc = 0.0f;

			for (uint32_t b = 0; b < k->nblk; b++) {
				const uint8_t *blk = k->codes + (size_t)b * 32 * 16 * es;
				const float *a = k->af[i] + (size_t)b * 32;
				float sw = es == 1 ? vnpu_wscale(k->wfmt, k->scales[b * 16 + r]) :
					   1.0f;
				float p = 0.0f;

				for (uint32_t kk = 0; kk < 32; kk++) {
					float w = vnpu_wide_elem(k->wfmt, blk + kk * 16 * es, r);

					p = vnpu_fmaf_soft(w, a[kk], p);
				}
				acc = acc + p * sw;
			}
			k->acc[i * 16 + r] = acc;
		}
	}
}
