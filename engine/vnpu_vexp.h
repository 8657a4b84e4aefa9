/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The engine's float exp and the softmax row built on it, as GCC vector
 * code. Every lane is plain IEEE float arithmetic (no FMA: the build
 * passes -ffp-contract=off), so the 4-, 8- and 16-lane builds of these
 * functions give the same bits; vnpu_fexpf() is lane 0 of vnpu_vexp4(),
 * so scalar callers agree too.
 */
#ifndef VNPU_VEXP_H
#define VNPU_VEXP_H

#include "vnpu_simd.h"

/*
 * These always-inline helpers pass 64-byte vectors; GCC warns that the ABI
 * of such a call differs without AVX-512, but no call remains once inlined.
 */
#pragma GCC diagnostic ignored "-Wpsabi"

typedef float v4sf __attribute__((vector_size(16)));
typedef int32_t v4si __attribute__((vector_size(16)));
typedef v4sf vnpu_v4sf_ua __attribute__((aligned(1), may_alias));

/*
 * Each function below is defined for 4, 8 and 16 lanes (the native widths
 * of SSE2, AVX2 and AVX-512: a wider GCC vector would live in memory) from
 * one template, so the arithmetic cannot differ between them.
 */

/*
 * e^x: x = k ln2 + r with |r| <= ln2 / 2 (k = nearest integer of x log2 e,
 * ln2 split in two so k * ln2_hi is exact), e^r by a degree-7 polynomial
 * (the classic Cephes expf coefficients), then times 2^k. Results below
 * FLT_MIN (x < ln FLT_MIN) are flushed to +0, x > ln FLT_MAX gives +Inf,
 * NaN gives NaN. Error bound: vmath.h (vnpu_fexpf).
 * vnpu_splat##W() sets x in every lane by its bits: adding x to float
 * zeros would turn -0 to +0, and GCC builds a float initializer lane by
 * lane in some loops.
 * vnpu_vsoftmax##W(): y[0 .. len) = softmax of x[0 .. len) (y may be x):
 * m = max (NaN never wins), y_i = e^(x_i - m), sum in 16 lanes by i % 16
 * folded as vnpu_vfold16(), then y_i / sum. Only the maximum's sign of
 * zero can depend on the order it is found in, and e^(x - m) does not see
 * it.
 */
#define VNPU_VEXP_DEF(W, VF, VI)						\
static VNPU_ALWAYS_INLINE VF vnpu_vsel##W(VI m, VF a, VF b)			\
{										\
	return (VF)(((VI)a & m) | ((VI)b & ~m));				\
}										\
										\
static VNPU_ALWAYS_INLINE VF vnpu_splat##W(float x)				\
{										\
	return (VF)((VI) { 0 } + (int32_t)vnpu_u32(x));				\
}										\
										\
static VNPU_ALWAYS_INLINE VF vnpu_vexp##W(VF x)					\
{										\
	const float magic = 12582912.0f;	/* 1.5 * 2^23: round to int */	\
	VI nan = x != x, big = x > 88.7228317f, small = x < -87.3365448f;	\
	VF inf = (VF)((VI) { 0 } + 0x7f800000);					\
	VF xc, kf, r, p, y;							\
	VI ki, top;								\
										\
	/* out-of-range lanes compute e^0 (no int overflow), then are replaced */ \
	xc = (VF)((VI)x & ~(nan | big | small));				\
	kf = (xc * 1.44269504f + magic) - magic;				\
	r = xc - kf * 0.693359375f;						\
	r = r - kf * -2.12194440e-4f;						\
	p = r * 1.9875691500e-4f + 1.3981999507e-3f;				\
	p = p * r + 8.3334519073e-3f;						\
	p = p * r + 4.1665795894e-2f;						\
	p = p * r + 1.6666665459e-1f;						\
	p = p * r + 5.0000001201e-1f;						\
	p = (p * (r * r) + r) + 1.0f;						\
	ki = __builtin_convertvector(kf, VI);					\
	/* k = 128 (x near ln FLT_MAX): 2^128 is no float, use 2 * 2^127 */	\
	top = ki > 127;								\
	p = vnpu_vsel##W(top, p + p, p);					\
	ki = ki + top;								\
	y = p * (VF)((ki + 127) << 23);						\
	y = vnpu_vsel##W(big, inf, y);						\
	y = vnpu_vsel##W(small, (VF) { 0 }, y);					\
	return vnpu_vsel##W(nan, x, y);						\
}										\
										\
/* e^x of one float: lane 0, the same bits */					\
static VNPU_ALWAYS_INLINE float vnpu_sexp##W(float x)				\
{										\
	VF v = { x };								\
										\
	return vnpu_vexp##W(v)[0];						\
}										\
										\
static VNPU_ALWAYS_INLINE void vnpu_vsoftmax##W(float *y, const float *x,	\
						size_t len)		\
{										\
	VF m16 = (VF)((VI) { 0 } + (int32_t)0xff800000u), vm;			\
	VF s[16 / W];								\
	float m = vnpu_f32(0xff800000u), sl[16], sum;				\
	size_t i, tail = len % 16, full = len - tail;				\
	int h;									\
										\
	for (h = 0; h < 16 / W; h++)						\
		s[h] = (VF) { 0 };						\
	for (i = 0; i < full; i += W) {						\
		VF v = *(const vnpu_v##W##sf_ua *)(x + i);			\
										\
		m16 = vnpu_vsel##W(v > m16, v, m16);				\
	}									\
	for (h = 0; h < W; h++)							\
		if (m16[h] > m)							\
			m = m16[h];						\
	for (i = full; i < len; i++)						\
		if (x[i] > m)							\
			m = x[i];						\
	vm = vnpu_splat##W(m);							\
	for (i = 0; i < full; i += 16)						\
		for (h = 0; h < 16 / W; h++) {					\
			VF e = vnpu_vexp##W(*(const vnpu_v##W##sf_ua *)(x + i + h * W) - vm); \
										\
			*(vnpu_v##W##sf_ua *)(y + i + h * W) = e;		\
			s[h] = s[h] + e;					\
		}								\
	for (h = 0; h < 16 / W; h++)						\
		*(vnpu_v##W##sf_ua *)(sl + h * W) = s[h];			\
	for (i = full; i < len; i++) {						\
		y[i] = vnpu_sexp##W(x[i] - m);					\
		sl[i % 16] = sl[i % 16] + y[i];					\
	}									\
	sum = vnpu_fold16(sl);							\
	vm = vnpu_splat##W(sum);						\
	for (i = 0; i < full; i += W)						\
		*(vnpu_v##W##sf_ua *)(y + i) = *(const vnpu_v##W##sf_ua *)(y + i) / vm; \
	for (i = full; i < len; i++)						\
		y[i] = y[i] / sum;						\
}

/* The engine's 16-lane fold: s[l] += s[l + w] for w = 8, 4, 2, 1. */
static VNPU_ALWAYS_INLINE float vnpu_fold16(float *s)
{
	for (int w = 8; w >= 1; w /= 2)
		for (int l = 0; l < w; l++)
			s[l] = s[l] + s[l + w];
	return s[0];
}

VNPU_VEXP_DEF(4, v4sf, v4si)
/*
 * The 8- and 16-lane functions carry their ISA's target, like their
 * callers: without it GCC lowers a combination of vector compares (the
 * masks ORed above) lane by lane before inlining, which made each 16-lane
 * exp ~150 scalar instructions (42% of a prefill's attention, most of
 * SwiGLU). The arithmetic is the same either way.
 */
#pragma GCC push_options
#pragma GCC target("avx2,fma,f16c")
VNPU_VEXP_DEF(8, v8sf, v8si)
#pragma GCC pop_options
#pragma GCC push_options
#pragma GCC target("avx2,fma,f16c,avx512f,avx512bw,avx512vl,avx512dq,avx512vnni")
VNPU_VEXP_DEF(16, v16sf, v16si)
#pragma GCC pop_options

static VNPU_ALWAYS_INLINE v16sf vnpu_vld16(const float *p)
{
	return *(const vnpu_v16sf_ua *)p;
}

static VNPU_ALWAYS_INLINE void vnpu_vst16(float *p, v16sf v)
{
	*(vnpu_v16sf_ua *)p = v;
}

/* The first n (< 16) floats at p, the other lanes 0. */
static VNPU_ALWAYS_INLINE v16sf vnpu_vld16_part(const float *p, size_t n)
{
	v16sf v = { 0 };

	for (size_t l = 0; l < n; l++)
		v[l] = p[l];
	return v;
}

static VNPU_ALWAYS_INLINE void vnpu_vst16_part(float *p, v16sf v, size_t n)
{
	for (size_t l = 0; l < n; l++)
		p[l] = v[l];
}

#endif /* VNPU_VEXP_H */
