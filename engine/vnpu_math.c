// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Elementary functions. Each is evaluated in double with enough terms that
 * the double result is far more accurate than FP32, then rounded once; so
 * results are within 1 ulp (usually correctly rounded) and, being plain
 * scalar IEEE arithmetic, identical on every build and variant.
 */
#include "vnpu_internal.h"
#include "vnpu_ops_vec.h"
#include "vnpu_simd.h"
#include "vnpu_vexp.h"
#include <vnpu_engine/vmath.h>

#define VNPU_LN2_HI	(6.93147180369123816490e-01)	/* 32 bits: k * hi exact */
#define VNPU_LN2_LO	(1.90821492927058770002e-10)
#define VNPU_LOG2E	(1.44269504088896338700e+00)
#define VNPU_2_SQRTPI	(1.12837916709551257390e+00)
#define VNPU_SQRT1_2	0.70710678118654752440
#define VNPU_ROUND_D	6755399441055744.0	/* 1.5 * 2^52 */

/* Nearest integer of |x| < 2^51 as a double, ties to even. */
static inline double vnpu_rint_d(double x)
{
	return (x + VNPU_ROUND_D) - VNPU_ROUND_D;
}

static inline double vnpu_pow2_d(int k)
{
	return vnpu_f64((uint64_t)(k + 1023) << 52);
}

/* 1 / n! for n = 0..17 */
static const double vnpu_inv_fact[18] = {
	1,
	1,
	0.5,
	0.16666666666666666,
	0.041666666666666664,
	0.0083333333333333332,
	0.0013888888888888889,
	0.00019841269841269841,
	2.4801587301587302e-05,
	2.7557319223985893e-06,
	2.7557319223985888e-07,
	2.505210838544172e-08,
	2.08767569878681e-09,
	1.6059043836821613e-10,
	1.1470745597729725e-11,
	7.6471637318198164e-13,
	4.7794773323873853e-14,
	2.8114572543455206e-15,
};

/* e^r for |r| <= ln2/2: Taylor to r^12, relative error < 1e-15. */
static double vnpu_exp_poly(double r)
{
	double p = vnpu_inv_fact[12];

	for (int n = 11; n >= 0; n--)
		p = p * r + vnpu_inv_fact[n];
	return p;
}

/* e^x in double: about 1e-15 relative, 0 / Inf beyond the double range. */
static double vnpu_exp_d(double x)
{
	double k, r;
	int ki;

	if (!(x == x))
		return x;
	if (x > 709.0)
		return vnpu_f64(0x7ff0000000000000ull);
	if (x < -740.0)
		return 0.0;
	k = vnpu_rint_d(x * VNPU_LOG2E);
	r = (x - k * VNPU_LN2_HI) - k * VNPU_LN2_LO;
	ki = (int)k;
	/* split the scaling so each power of two stays a normal double */
	if (ki < -1000)
		return vnpu_exp_poly(r) * vnpu_pow2_d(ki + 200) * vnpu_pow2_d(-200);
	return vnpu_exp_poly(r) * vnpu_pow2_d(ki);
}

static double vnpu_expm1_d(double x)
{
	if (x > -0.35 && x < 0.35) {
		/* x + x^2/2! + ... + x^16/16!, no cancellation */
		double p = vnpu_inv_fact[16];

		for (int n = 15; n >= 2; n--)
			p = p * x + vnpu_inv_fact[n];
		return p * x * x + x;
	}
	return vnpu_exp_d(x) - 1.0;
}

/* Lane 0 of the vector exp: the same bits as the SIMD softmax rows. */
float vnpu_fexpf(float x)
{
	return vnpu_sexp4(x);
}

float vnpu_expf(float x)
{
	return (float)vnpu_exp_d((double)x);
}

float vnpu_expm1f(float x)
{
	return (float)vnpu_expm1_d((double)x);
}

/* log2 of a positive finite double. */
double vnpu_log2_dbl(double x)
{
	double m = x, s, s2, p;
	int e = 0;

	if (vnpu_u64(m) < 0x0010000000000000ull) {	/* double subnormal */
		m *= 18446744073709551616.0;
		e = -64;
	}
	e += (int)((vnpu_u64(m) >> 52) & 0x7ff) - 1023;
	m = vnpu_f64((vnpu_u64(m) & 0x000fffffffffffffull) | 0x3ff0000000000000ull);
	if (m > 1.4142135623730951) {
		m *= 0.5;
		e++;
	}
	/* ln m = 2 atanh(s), s = (m - 1) / (m + 1), |s| < 0.172 */
	s = (m - 1.0) / (m + 1.0);
	s2 = s * s;
	p = 1.0 / 21;
	for (int n = 19; n >= 1; n -= 2)
		p = p * s2 + 1.0 / n;
	return (double)e + 2.0 * s * p * VNPU_LOG2E;
}

double vnpu_exp_dbl(double x)
{
	return vnpu_exp_d(x);
}

float vnpu_log2f(float x)
{
	uint32_t u = vnpu_u32(x);

	if (u == 0 || u == 0x80000000u)
		return vnpu_f32(0xff800000u);
	if (u >> 31 || u > 0x7f800000u)
		return vnpu_f32(0x7fc00000u);
	if (u == 0x7f800000u)
		return x;
	return (float)vnpu_log2_dbl((double)x);
}

float vnpu_tanhf(float x)
{
	double ax = (double)vnpu_fabsf(x), t;

	if (!(x == x))
		return x;
	if (ax > 10.0) {
		t = 1.0;
	} else {
		double em = vnpu_expm1_d(2.0 * ax);

		t = em / (em + 2.0);
	}
	return (float)((x < 0) ? -t : t);
}

static double vnpu_erf_d(double x)
{
	double ax = x < 0 ? -x : x, r;

	if (!(x == x))
		return x;
	if (ax >= 6.0) {
		r = 1.0;
	} else if (ax < 2.5) {
		/*
		 * erf x = 2/sqrt(pi) e^-x^2 sum 2^n x^(2n+1) / (2n+1)!!: all
		 * terms positive, so no cancellation
		 */
		double term = ax, sum = ax, x2 = ax * ax;

		for (int n = 1; n < 80 && term > sum * 1e-17; n++) {
			term *= 2.0 * x2 / (2 * n + 1);
			sum += term;
		}
		r = VNPU_2_SQRTPI * vnpu_exp_d(-x2) * sum;
	} else {
		/* erfc by its continued fraction, evaluated bottom-up */
		double f = ax;

		for (int n = 60; n >= 1; n--)
			f = ax + (n * 0.5) / f;
		r = 1.0 - vnpu_exp_d(-ax * ax) / (f * 1.7724538509055160273);
	}
	return x < 0 ? -r : r;
}

float vnpu_erff(float x)
{
	return (float)vnpu_erf_d((double)x);
}

float vnpu_sigmoidf(float x)
{
	return (float)(1.0 / (1.0 + vnpu_exp_d(-(double)x)));
}

/*
 * In float on the engine's float exp (what the SIMD loops of vnpu_silu()
 * and vnpu_swiglu() compute lane by lane): x / (1 + e^-x), each step FP32
 * RNE. Below -88.72 e^-x is +Inf and the result -0 (|exact| < 2.6e-37).
 */
float vnpu_siluf(float x)
{
	return x / (1.0f + vnpu_fexpf(-x));
}

float vnpu_geluf(float x)
{
	double d = (double)x;

	return (float)(0.5 * d * (1.0 + vnpu_erf_d(d * VNPU_SQRT1_2)));
}

float vnpu_gelu_tanhf(float x)
{
	double d = (double)x, u, t;

	u = 0.79788456080286535588 * (d + 0.044715 * d * d * d);
	if (u > 20.0 || u < -20.0) {
		t = u > 0 ? 1.0 : -1.0;
	} else {
		double em = vnpu_expm1_d(2.0 * (u < 0 ? -u : u));

		t = em / (em + 2.0);
		if (u < 0)
			t = -t;
	}
	return (float)(0.5 * d * (1.0 + t));
}

/* 1/sqrt(x) in double: bit-trick start, then Newton steps to ~1e-20. */
static double vnpu_rsqrt_d(double x)
{
	double y = vnpu_f64(0x5fe6eb50c7b537a9ull - (vnpu_u64(x) >> 1));

	for (int i = 0; i < 5; i++)
		y = y * (1.5 - 0.5 * x * y * y);
	return y;
}

float vnpu_rsqrtf(float x)
{
	uint32_t u = vnpu_u32(x);

	if ((u & 0x7fffffffu) == 0)
		return vnpu_f32((u & 0x80000000u) | 0x7f800000u);
	if (u >> 31 || u > 0x7f800000u)
		return vnpu_f32(0x7fc00000u);
	if (u == 0x7f800000u)
		return 0.0f;
	return (float)vnpu_rsqrt_d((double)x);
}

float vnpu_sqrtf(float x)
{
	uint32_t u = vnpu_u32(x);

	if ((u & 0x7fffffffu) == 0 || u == 0x7f800000u)
		return x;
	if (u >> 31 || u > 0x7f800000u)
		return vnpu_f32(0x7fc00000u);
	return (float)((double)x * vnpu_rsqrt_d((double)x));
}

/*
 * sin and cos of a double angle, |x| < 2^24: Cody-Waite reduction by pi/2
 * with a three-part constant (k * part exact for k < 2^24), then Taylor
 * polynomials on |r| <= pi/4 to r^17.
 */
#define VNPU_PIO2_1	1.5707963109016418457	/* 28 bits of pi/2 */
#define VNPU_PIO2_2	1.5893254712295857214e-08
#define VNPU_PIO2_3	6.1232339957367658e-17
#define VNPU_2_PI	0.63661977236758134308

void vnpu_sincos(double x, float *s, float *c)
{
	const double p1 = VNPU_PIO2_1, p2 = VNPU_PIO2_2, p3 = VNPU_PIO2_3;
	double k = vnpu_rint_d(x * VNPU_2_PI);
	double r = ((x - k * p1) - k * p2) - k * p3, r2 = r * r;
	double sp, cp, sv, cv;
	int q = (int)((int64_t)k & 3);

	/* Horner on alternating series: sin r = r (1 - r2/3! + r2^2/5! - ...) */
	sp = vnpu_inv_fact[17];
	for (int n = 15; n >= 1; n -= 2)
		sp = vnpu_inv_fact[n] - r2 * sp;
	sv = r * sp;
	cp = vnpu_inv_fact[16];
	for (int n = 14; n >= 0; n -= 2)
		cp = vnpu_inv_fact[n] - r2 * cp;
	cv = cp;
	switch (q) {
	case 0:
		*s = (float)sv;
		*c = (float)cv;
		break;
	case 1:
		*s = (float)cv;
		*c = (float)-sv;
		break;
	case 2:
		*s = (float)-sv;
		*c = (float)-cv;
		break;
	default:
		*s = (float)-cv;
		*c = (float)sv;
		break;
	}
}

/*
 * vnpu_sincos() of the 8 angles at x, lane by lane the same operations
 * (the quadrant's case picked by masks), so the same bits: RoPE's angles
 * of one token in 8 lanes instead of one latency-bound chain each.
 */
VNPU_TARGET_AVX512 void vnpu_sincos8_avx512(const double *x, float *s, float *c)
{
	const v8df xv = *(const vnpu_v8df_ua *)x;
	v8df k = (xv * VNPU_2_PI + VNPU_ROUND_D) - VNPU_ROUND_D;
	v8df r = ((xv - k * VNPU_PIO2_1) - k * VNPU_PIO2_2) - k * VNPU_PIO2_3;
	v8df r2 = r * r, sp = (v8df){ 0 } + vnpu_inv_fact[17];
	v8df cp = (v8df){ 0 } + vnpu_inv_fact[16], sv, cv, so, co;
	v8di q = __builtin_convertvector(k, v8di) & 3;
	v8di q0 = q == 0, q1 = q == 1, q2 = q == 2, q3 = q == 3;

	for (int n = 15; n >= 1; n -= 2)
		sp = vnpu_inv_fact[n] - r2 * sp;
	sv = r * sp;
	for (int n = 14; n >= 0; n -= 2)
		cp = vnpu_inv_fact[n] - r2 * cp;
	cv = cp;
	so = (v8df)(((v8di)sv & q0) | ((v8di)cv & q1) |
		    ((v8di)-sv & q2) | ((v8di)-cv & q3));
	co = (v8df)(((v8di)cv & q0) | ((v8di)-sv & q1) |
		    ((v8di)-cv & q2) | ((v8di)sv & q3));
	*(vnpu_v8sf_ua *)s = __builtin_convertvector(so, v8sf);
	*(vnpu_v8sf_ua *)c = __builtin_convertvector(co, v8sf);
}
