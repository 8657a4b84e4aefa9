// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * MX block quantization, vectorized: MXFP4 and MXINT8 with the spec's
 * algorithm (no options). Portable GCC vectors without target attributes,
 * so every build (and the kernel) vectorizes it with its baseline ISA.
 * Produces exactly the bytes of the scalar path in vnpu_quant.c, which
 * remains the definition (tests compare the two).
 */
#include "vnpu_mm.h"
#include "vnpu_simd.h"
#include <vnpu_engine/formats.h>

/* 4 lanes: the width every x86-64 (SSE2) and arm64 build has */
typedef float vq_f __attribute__((vector_size(16)));
typedef int32_t vq_i __attribute__((vector_size(16)));
typedef uint32_t vq_u __attribute__((vector_size(16)));
typedef uint8_t vq_b __attribute__((vector_size(4)));
typedef int8_t vq_sb __attribute__((vector_size(4)));
typedef vq_i vq_i_ua __attribute__((aligned(4), may_alias));
typedef vq_b vq_b_ua __attribute__((aligned(1), may_alias));
typedef vq_sb vq_sb_ua __attribute__((aligned(1), may_alias));

static inline vq_i vq_max(vq_i a, vq_i b)
{
	vq_i m = a > b;

	return (a & m) | (b & ~m);
}

/*
 * E2M1 code of y (|y| < 8 after the block scale): RNE on the grid
 * 0 .5 1 1.5 2 3 4 6 is a count of thresholds passed; a tie goes to the
 * even code, so ties at .25, 1.25, 2.5, 5 stay low and .75, 1.75, 3.5
 * go up. The sign bit is kept, as the scalar path keeps it (-0 -> 8).
 */
static inline vq_i vq_e2m1(vq_f y)
{
	vq_f a = (vq_f)((vq_i)y & 0x7fffffff);
	vq_i c = (a > 0.25f) + (a >= 0.75f) + (a > 1.25f) + (a >= 1.75f) +
		 (a > 2.5f) + (a >= 3.5f) + (a > 5.0f);

	return -c | (vq_i)(((vq_u)y >> 31) << 3);
}

/* INT8 code of y: RNE of y * 64, clamped to +-127 (as the scalar path). */
static inline vq_i vq_int8(vq_f y)
{
	vq_f z = y * 64.0f, t = (z + 12582912.0f) - 12582912.0f;
	vq_i q = __builtin_convertvector(t, vq_i), m;

	m = q > 127;
	q = (q & ~m) | (127 & m);
	m = q < -127;
	return (q & ~m) | (-127 & m);
}

/*
 * Quantize full blocks of 32 from x, starting at block b, until @nblk or
 * a block holding NaN or Inf (left to the scalar path). Returns the index
 * of the first block not done.
 */
size_t vnpu_mx_quant_vec(uint32_t fmt, const float *x, size_t b, size_t nblk,
			 uint8_t *codes, uint8_t *scales)
{
	int emax = fmt == VNPU_FMT_MXFP4 ? 2 : 0;

	for (; b < nblk; b++) {
		const float *xb = x + b * 32;
		vq_i v[8], m;
		uint32_t amax = 0;
		float inv;
		int se;

		for (int j = 0; j < 8; j++)
			v[j] = *(const vq_i_ua *)(xb + 4 * j);
		m = vq_max(vq_max(vq_max(v[0] & 0x7fffffff, v[1] & 0x7fffffff),
				  vq_max(v[2] & 0x7fffffff, v[3] & 0x7fffffff)),
			   vq_max(vq_max(v[4] & 0x7fffffff, v[5] & 0x7fffffff),
				  vq_max(v[6] & 0x7fffffff, v[7] & 0x7fffffff)));
		for (int i = 0; i < 4; i++)
			amax = (uint32_t)m[i] > amax ? (uint32_t)m[i] : amax;
		if (amax >= 0x7f800000u)
			return b;
		/* floor(log2(amax)) - emax, clamped; subnormals and 0 clamp */
		se = (int)(amax >> 23) - 127 - emax;
		if (se < -127)
			se = -127;
		scales[b] = (uint8_t)(se + 127);
		inv = vnpu_pow2f(-se);
		if (fmt == VNPU_FMT_MXFP4) {
			for (int j = 0; j < 8; j += 2) {
				vq_i c0 = vq_e2m1((vq_f)v[j] * inv);
				vq_i c1 = vq_e2m1((vq_f)v[j + 1] * inv);
				vq_i ev = __builtin_shuffle(c0, c1, (vq_i){ 0, 2, 4, 6 });
				vq_i od = __builtin_shuffle(c0, c1, (vq_i){ 1, 3, 5, 7 });

				*(vq_b_ua *)(codes + b * 16 + j * 2) =
					__builtin_convertvector(ev | (od << 4), vq_b);
			}
		} else {
			for (int j = 0; j < 8; j++)
				*(vq_sb_ua *)(codes + b * 32 + j * 4) =
					__builtin_convertvector(vq_int8((vq_f)v[j] * inv), vq_sb);
		}
	}
	return b;
}

/* ---- AVX-512: the same algorithm, one block of 32 in two vectors ------ */

#define T512 VNPU_TARGET_AVX512

typedef int8_t vz_sb __attribute__((vector_size(16)));
typedef vz_sb vz_sb_ua __attribute__((aligned(1), may_alias));
typedef v16si vz_i_ua __attribute__((aligned(4), may_alias));
typedef int32_t vz_i8 __attribute__((vector_size(32)));

static T512 VNPU_ALWAYS_INLINE v16si vz_max(v16si a, v16si b)
{
	v16si m = a > b;

	return (a & m) | (b & ~m);
}

static T512 VNPU_ALWAYS_INLINE v16si vz_e2m1(v16sf y)
{
	v16sf a = (v16sf)((v16si)y & 0x7fffffff);
	v16si c = (a > 0.25f) + (a >= 0.75f) + (a > 1.25f) + (a >= 1.75f) +
		  (a > 2.5f) + (a >= 3.5f) + (a > 5.0f);

	return -c | (v16si)(((v16su)y >> 31) << 3);
}

static T512 VNPU_ALWAYS_INLINE v16si vz_int8(v16sf y)
{
	v16sf z = y * 64.0f, t = (z + 12582912.0f) - 12582912.0f;
	v16si q = __builtin_convertvector(t, v16si), m;

	m = q > 127;
	q = (q & ~m) | (127 & m);
	m = q < -127;
	return (q & ~m) | (-127 & m);
}

/*
 * vnpu_mx_quant_vec() with 16 lanes, for the matmul's activation rows:
 * the portable 4-lane path took ~16% of a 64x4096x4096 MXINT8 GEMM.
 */
T512 size_t vnpu_mx_quant_vec512(uint32_t fmt, const float *x, size_t b, size_t nblk,
				 uint8_t *codes, uint8_t *scales)
{
	int emax = fmt == VNPU_FMT_MXFP4 ? 2 : 0;

	for (; b < nblk; b++) {
		const float *xb = x + b * 32;
		v16si v0 = *(const vz_i_ua *)xb, v1 = *(const vz_i_ua *)(xb + 16);
		v16si m = vz_max(v0 & 0x7fffffff, v1 & 0x7fffffff);
		vz_i8 lo = { m[0], m[1], m[2], m[3], m[4], m[5], m[6], m[7] };
		vz_i8 hi = { m[8], m[9], m[10], m[11], m[12], m[13], m[14], m[15] };
		vz_i8 gt = lo > hi, r = (lo & gt) | (hi & ~gt);
		uint32_t amax = 0;
		float inv;
		int se;

		for (int i = 0; i < 8; i++)	/* |x| bit patterns: int order */
			amax = (uint32_t)r[i] > amax ? (uint32_t)r[i] : amax;
		if (amax >= 0x7f800000u)
			return b;
		se = (int)(amax >> 23) - 127 - emax;
		if (se < -127)
			se = -127;
		scales[b] = (uint8_t)(se + 127);
		inv = vnpu_pow2f(-se);
		if (fmt == VNPU_FMT_MXFP4) {
			v16si c0 = vz_e2m1((v16sf)v0 * inv), c1 = vz_e2m1((v16sf)v1 * inv);
			v16si ev = __builtin_shuffle(c0, c1, (v16si){ 0, 2, 4, 6, 8, 10, 12, 14,
								      16, 18, 20, 22, 24, 26, 28, 30 });
			v16si od = __builtin_shuffle(c0, c1, (v16si){ 1, 3, 5, 7, 9, 11, 13, 15,
								      17, 19, 21, 23, 25, 27, 29, 31 });

			*(vnpu_v16qu_ua *)(codes + b * 16) =
				__builtin_convertvector(ev | (od << 4), v16qu);
		} else {
			*(vz_sb_ua *)(codes + b * 32) =
				__builtin_convertvector(vz_int8((v16sf)v0 * inv), vz_sb);
			*(vz_sb_ua *)(codes + b * 32 + 16) =
				__builtin_convertvector(vz_int8((v16sf)v1 * inv), vz_sb);
		}
	}
	return b;
}
