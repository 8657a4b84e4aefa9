/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reference conversions written straight from the format definitions, for
 * the tests only: values are enumerated from the sign/exponent/mantissa
 * formula and an input is rounded by bracketing it between neighbours.
 */
#ifndef VNPU_TEST_REF_FORMATS_H
#define VNPU_TEST_REF_FORMATS_H

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

struct ref_fmt {
	const char *name;
	int ebits, mbits, bias;
	uint32_t maxcode;	/* largest finite magnitude code */
	uint32_t sign_bit;	/* the sign's bit in the code */
	double *val;		/* val[c] for c = 0..maxcode + 1 (virtual next) */
};

static inline double ref_field_value(int ebits, int mbits, int bias, uint32_t c)
{
	uint32_t e = c >> mbits, m = c & ((1u << mbits) - 1);

	if (e == 0)	/* subnormal: 2^(1-bias) * m / 2^mbits */
		return ldexp((double)m, 1 - bias - mbits);
	return ldexp(1.0 + ldexp((double)m, -mbits), (int)e - bias);
}

static inline void ref_fmt_init(struct ref_fmt *f)
{
	f->val = malloc(sizeof(double) * (f->maxcode + 2));
	for (uint32_t c = 0; c <= f->maxcode + 1; c++)
		f->val[c] = ref_field_value(f->ebits, f->mbits, f->bias, c);
}

static inline float ref_bits_f(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }
static inline uint32_t ref_f_bits(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }

/*
 * Round |x| (finite) given the bracket val[lo] <= |x| <= val[lo + 1]:
 * nearest, ties to the even code; beyond max: saturate or overflow.
 * Returns the magnitude code, or maxcode + 1 for overflow.
 */
static inline uint32_t ref_pick(const struct ref_fmt *f, double ax, uint32_t lo)
{
	uint32_t c;

	if (lo > f->maxcode)
		return f->maxcode + 1;
	if (ax == f->val[lo])
		return lo;
	/* compare 2|x| with the sum of the neighbours: both exact in double */
	if (2.0 * ax < f->val[lo] + f->val[lo + 1])
		c = lo;
	else if (2.0 * ax > f->val[lo] + f->val[lo + 1])
		c = lo + 1;
	else
		c = (lo & 1) ? lo + 1 : lo;
	return c;
}

static inline uint32_t ref_bracket(const struct ref_fmt *f, double ax)
{
	uint32_t lo = 0, hi = f->maxcode + 1;

	if (ax >= f->val[hi])
		return hi;
	while (hi - lo > 1) {	/* val[lo] <= ax < val[hi] */
		uint32_t mid = (lo + hi) / 2;

		if (f->val[mid] <= ax)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/*
 * The full conversion of FP32 bits u: NaN/Inf rules as documented in
 * <vnpu_engine/formats.h>; @nan_code/@inf_code are magnitude codes
 * (inf_code = 0 means the format has no Inf).
 */
static inline uint32_t ref_convert(const struct ref_fmt *f, uint32_t u, bool sat,
				   uint32_t nan_code, uint32_t inf_code,
				   uint32_t ovf_code)
{
	uint32_t sign = (u >> 31) ? f->sign_bit : 0, c;
	float x = ref_bits_f(u);
	double ax = fabs((double)x);

	if (isnan(x))	/* E2M1 has no NaN: +0, unsigned */
		return nan_code ? sign | nan_code : 0;
	if (isinf(x))
		return sign | (sat ? f->maxcode : inf_code);
	c = ref_pick(f, ax, ref_bracket(f, ax));
	if (c > f->maxcode)
		c = sat ? f->maxcode : ovf_code;
	return sign | c;
}

#endif
