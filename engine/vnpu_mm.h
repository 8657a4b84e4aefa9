/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/* Matmul internals shared by the variant kernels. */
#ifndef VNPU_MM_H
#define VNPU_MM_H

#include "vnpu_internal.h"
#include <vnpu_engine/matmul.h>

#define VNPU_MT 4	/* rows of A per kernel call */

/**
 * struct vnpu_kern - one kernel call: one weight panel against mt rows of A.
 * @codes/@scales: the panel's two regions. @nblk: W blocks; @wb: 32 or 16.
 * @aq: int path: quantized A rows (int8, K each).
 * @corr: int path: 12 * sum of q_a per 16 columns (undoes the +12 offset the
 *	  SIMD kernels add to k_w so it is unsigned).
 * @sa: int path: A scale factor per 32 columns.
 * @af: exact path: A rows as FP32.
 * @acc: out, [mt][16] raw accumulators.
 */
struct vnpu_kern {
	const uint8_t *codes;
	const uint8_t *scales;
	uint32_t nblk, wb, wfmt, mt;
	const int8_t *aq[VNPU_MT];
	const int32_t *corr[VNPU_MT];
	const float *sa[VNPU_MT];
	const float *af[VNPU_MT];
	float *acc;
};

/* W block scale factor sw_b (see matmul.h). */
static inline float vnpu_wscale(uint32_t wfmt, uint8_t s)
{
	if (wfmt == VNPU_FMT_NVFP4) {
		if ((s & 0x7f) == 0x7f)
			return vnpu_f32(0x7fc00000u);
		return vnpu_f32(vnpu_e4m3_to_fp32(s)) * 0.5f;
	}
	if (s == 0xff)
		return vnpu_f32(0x7fc00000u);
	if (s == 0)
		return vnpu_f32(0x00200000u);	/* 2^-128 */
	return vnpu_f32((uint32_t)s << 23) * 0.5f;
}

/* 2 * E2M1 value of a nibble, as an integer. */
static inline int vnpu_e2m1_x2(uint32_t nib)
{
	static const int8_t v[16] = { 0, 1, 2, 3, 4, 6, 8, 12,
				      0, -1, -2, -3, -4, -6, -8, -12 };
	return v[nib & 15];
}

/* The code of row r, column kk (within the block) from a panel block. */
static inline uint32_t vnpu_panel_nib(const uint8_t *blk, uint32_t r, uint32_t kk)
{
	uint8_t byte = blk[(kk / 8) * 64 + 4 * r + (kk & 3)];

	return (kk & 4) ? byte >> 4 : byte & 15u;
}

static inline size_t vnpu_panel_codes_bytes(uint32_t k)
{
	return (size_t)k * 8;	/* 16 rows * k columns / 2 */
}

void vnpu_kint_generic(const struct vnpu_kern *k);
void vnpu_kfp_generic(const struct vnpu_kern *k);
void vnpu_kint_avx2(const struct vnpu_kern *k);
void vnpu_kfp_avx2(const struct vnpu_kern *k);
void vnpu_kint_avx512(const struct vnpu_kern *k);
void vnpu_kfp_avx512(const struct vnpu_kern *k);

/* fma(a, b, c) with one rounding, in portable C (generic variant). */
float vnpu_fmaf_soft(float a, float b, float c);

#endif /* VNPU_MM_H */
