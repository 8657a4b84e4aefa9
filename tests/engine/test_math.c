// SPDX-License-Identifier: GPL-2.0
/*
 * The engine's math functions against glibc (in double) with the error
 * bounds documented in <vnpu_engine/vmath.h>.
 */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "kselftest_harness.h"
#include "vnpu_ops_vec.h"
#include <vnpu_engine/engine.h>
#include <vnpu_engine/vmath.h>

/* Distance in FP32 ulps of @got from the exact @want. */
static double ulp_err(float got, double want)
{
	double ulp;
	int e;

	if (isnan(want))
		return isnan(got) ? 0 : 1e9;
	/* at or past FLT_MAX + half an ulp the FP32 result is Inf */
	if (fabs(want) >= 0x1p128 * (1 - 0x1p-25))
		return isinf(got) && (got > 0) == (want > 0) ? 0 : 1e9;
	if (isinf(got))
		return 1e9;
	frexp(want, &e);
	ulp = ldexp(1.0, (e - 24 < -149 ? -149 : e - 24));
	return fabs((double)got - want) / ulp;
}

struct sweep { float lo, hi; int n; };

#define CHECK_FN(fn, ref, lo_, hi_, n_, bound) do {				\
	double worst = 0; float wx = 0;					\
	for (int i = 0; i <= (n_); i++) {					\
		float x = (float)((lo_) + ((hi_) - (lo_)) * ((double)i / (n_)));	\
		double e = ulp_err(fn(x), ref((double)x));		\
		if (e > worst) { worst = e; wx = x; }			\
	}								\
	ksft_print_msg("%-16s [%g, %g]: max %.3f ulp at %a\n", #fn,	\
		       (double)(lo_), (double)(hi_), worst, wx);		\
	EXPECT_LE(worst, (bound)) TH_LOG("%s worst at %a", #fn, wx);	\
} while (0)

static double ref_sigmoid(double x) { return 1.0 / (1.0 + exp(-x)); }
static double ref_silu(double x) { return x / (1.0 + exp(-x)); }
static double ref_gelu(double x) { return 0.5 * x * (1.0 + erf(x / sqrt(2.0))); }
static double ref_gelu_tanh(double x)
{
	return 0.5 * x * (1.0 + tanh(sqrt(2.0 / M_PI) * (x + 0.044715 * x * x * x)));
}
static double ref_rsqrt(double x) { return 1.0 / sqrt(x); }

TEST(expf_within_1_ulp)
{
	CHECK_FN(vnpu_expf, exp, -104.0, 89.0, 2000000, 1.0);
	CHECK_FN(vnpu_expf, exp, -1.0, 1.0, 1000000, 1.0);
	ASSERT_EQ(INFINITY, vnpu_expf(89.0f));
	ASSERT_EQ(0.0f, vnpu_expf(-110.0f));
	ASSERT_EQ(1.0f, vnpu_expf(0.0f));
	ASSERT_TRUE(isnan(vnpu_expf(NAN)));
}

/* The float-only exp of the softmax rows (vnpu_vexp.h). */
TEST(fexpf_within_2_ulp_flushing_below_flt_min)
{
	CHECK_FN(vnpu_fexpf, exp, -87.3365, 88.7228, 4000000, 2.0);
	CHECK_FN(vnpu_fexpf, exp, -1.0, 1.0, 1000000, 2.0);
	CHECK_FN(vnpu_fexpf, exp, -30.0, 0.0, 1000000, 2.0);
	ASSERT_EQ(1.0f, vnpu_fexpf(0.0f));
	ASSERT_EQ(1.0f, vnpu_fexpf(-0.0f));
	ASSERT_EQ(INFINITY, vnpu_fexpf(88.75f));
	ASSERT_EQ(INFINITY, vnpu_fexpf(INFINITY));
	ASSERT_TRUE(isfinite(vnpu_fexpf(88.7228317f)));
	ASSERT_EQ(0.0f, vnpu_fexpf(-87.34f));
	ASSERT_EQ(0.0f, vnpu_fexpf(-INFINITY));
	ASSERT_GE(vnpu_fexpf(-87.3365f), FLT_MIN);
	ASSERT_TRUE(isnan(vnpu_fexpf(NAN)));
}

TEST(expm1f_within_2_ulp)
{
	CHECK_FN(vnpu_expm1f, expm1, -20.0, 20.0, 1000000, 2.0);
	CHECK_FN(vnpu_expm1f, expm1, -1e-3, 1e-3, 1000000, 2.0);
}

TEST(log2f_within_1_ulp)
{
	CHECK_FN(vnpu_log2f, log2, 1e-38, 1e-30, 200000, 1.0);
	CHECK_FN(vnpu_log2f, log2, 0.5, 2.0, 1000000, 1.0);
	CHECK_FN(vnpu_log2f, log2, 1.0, 3e38, 1000000, 1.0);
	ASSERT_EQ(-INFINITY, vnpu_log2f(0.0f));
	ASSERT_TRUE(isnan(vnpu_log2f(-1.0f)));
	ASSERT_EQ(-149.0f, vnpu_log2f(0x1p-149f));
}

TEST(tanhf_erff_sigmoidf_within_2_ulp)
{
	CHECK_FN(vnpu_tanhf, tanh, -12.0, 12.0, 1000000, 2.0);
	CHECK_FN(vnpu_tanhf, tanh, -1e-4, 1e-4, 100000, 2.0);
	CHECK_FN(vnpu_erff, erf, -7.0, 7.0, 1000000, 1.0);
	CHECK_FN(vnpu_erff, erf, -1e-4, 1e-4, 100000, 1.0);
	CHECK_FN(vnpu_sigmoidf, ref_sigmoid, -100.0, 100.0, 1000000, 2.0);
}

TEST(activations_within_bounds)
{
	CHECK_FN(vnpu_siluf, ref_silu, -88.72, 88.72, 4000000, 3.0);
	CHECK_FN(vnpu_siluf, ref_silu, -1.0, 1.0, 1000000, 3.0);
	CHECK_FN(vnpu_siluf, ref_silu, -20.0, -10.0, 1000000, 3.0);
	/* e^-x overflows below -88.72: -0, the exact value under 2.6e-37 */
	for (float x = -88.75f; x > -110.0f; x -= 0.01f) {
		ASSERT_EQ(0.0f, vnpu_siluf(x));
		ASSERT_TRUE(signbit(vnpu_siluf(x)));
		ASSERT_LT(fabs(ref_silu(x)), 2.6e-37);
	}
	ASSERT_EQ(INFINITY, vnpu_siluf(INFINITY));
	ASSERT_EQ(1000.0f, vnpu_siluf(1000.0f));
	ASSERT_TRUE(isnan(vnpu_siluf(-INFINITY)));
	ASSERT_TRUE(isnan(vnpu_siluf(NAN)));
	ASSERT_EQ(0.0f, vnpu_siluf(-0.0f));
	ASSERT_TRUE(signbit(vnpu_siluf(-0.0f)));
	CHECK_FN(vnpu_geluf, ref_gelu, -5.0, 10.0, 1000000, 2.0);
	CHECK_FN(vnpu_gelu_tanhf, ref_gelu_tanh, -5.0, 10.0, 1000000, 2.0);
}

TEST(rsqrtf_sqrtf_within_1_ulp)
{
	CHECK_FN(vnpu_rsqrtf, ref_rsqrt, 1e-38, 1e38, 1000000, 1.0);
	CHECK_FN(vnpu_rsqrtf, ref_rsqrt, 0.5, 4.0, 1000000, 1.0);
	CHECK_FN(vnpu_sqrtf, sqrt, 0.0, 1e6, 1000000, 1.0);
	ASSERT_EQ(INFINITY, vnpu_rsqrtf(0.0f));
	ASSERT_TRUE(isnan(vnpu_rsqrtf(-1.0f)));
	ASSERT_EQ(2.0f, vnpu_sqrtf(4.0f));
}

TEST(sincos_within_1_ulp_for_rope_angles)
{
	double worst = 0;

	for (int i = 0; i < 2000000; i++) {
		double x = i < 1000000 ? (i - 500000) * 1e-5 :
			   (double)(i - 1000000) * 16.77 + 0.123;
		float s, c;

		vnpu_sincos(x, &s, &c);
		worst = fmax(worst, ulp_err(s, sin(x)));
		worst = fmax(worst, ulp_err(c, cos(x)));
	}
	ksft_print_msg("vnpu_sincos max %.3f ulp\n", worst);
	ASSERT_LE(worst, 1.0);
}

/*
 * The 8-lane sincos RoPE uses on AVX-512 gives vnpu_sincos()'s bits for
 * every lane: small and large angles of both signs, the quadrant
 * boundaries (multiples of pi/4), angles past 2^24, and -0, infinities
 * and NaN.
 */
TEST(sincos8_gives_the_scalar_bits_in_every_lane)
{
	static const double special[8] = { -0.0, 0.0, INFINITY, -INFINITY, NAN,
					   0x1p30, -0x1p40, 1e-300 };
	double x[8];
	float s[8], c[8], s1, c1;
	uint64_t seed = 7;

	if (!(vnpu_engine_cpu_features() & VNPU_CPU_AVX512))
		SKIP(return, "no AVX-512 on this CPU");
	for (int i = 0; i < 400000; i++) {
		for (int l = 0; l < 8; l++) {
			seed = seed * 6364136223846793005ull + 1442695040888963407ull;
			switch (i % 4) {
			case 0:	/* RoPE's range: positions x frequencies */
				x[l] = (double)(seed >> 44) * ((seed >> 12 & 0xffff) / 65536.0);
				break;
			case 1:	/* near multiples of pi/4 */
				x[l] = (double)((int64_t)(seed >> 40) - (1 << 23)) *
				       0.78539816339744830962 +
				       ((int64_t)(seed & 0xff) - 128) * 1e-17;
				break;
			case 2:	/* any sign and size */
				x[l] = ldexp((double)(seed >> 11) / 0x1p53 - 0.5,
					     (int)(seed >> 58) - 20);
				break;
			default:
				x[l] = special[l];
				break;
			}
		}
		vnpu_sincos8_avx512(x, s, c);
		for (int l = 0; l < 8; l++) {
			vnpu_sincos(x[l], &s1, &c1);
			ASSERT_EQ(0, memcmp(&s1, &s[l], 4)) TH_LOG("sin(%a)", x[l]);
			ASSERT_EQ(0, memcmp(&c1, &c[l], 4)) TH_LOG("cos(%a)", x[l]);
		}
	}
}

TEST_HARNESS_MAIN
