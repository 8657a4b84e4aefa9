// SPDX-License-Identifier: GPL-2.0
/*
 * Element and block formats against references written from the specs.
 * The exhaustive 2^32 sweep lives in test_formats_exhaustive.c (check-long);
 * here every conversion is checked on all rounding boundaries plus a random
 * sample.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "fmt_cases.h"

static double bits_to_d(uint32_t u) { return (double)ref_bits_f(u); }

static uint64_t rng_state = 0x12345678abcdefull;
static uint64_t rnd64(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

TEST(e2m1_every_code_decodes_to_spec_value)
{
	static const double v[8] = { 0, 0.5, 1, 1.5, 2, 3, 4, 6 };

	for (int c = 0; c < 16; c++) {
		double want = (c & 8) ? -v[c & 7] : v[c & 7];
		uint32_t got = vnpu_e2m1_to_fp32((uint8_t)c);

		ASSERT_EQ(want, bits_to_d(got)) TH_LOG("code %#x", c);
		ASSERT_EQ(!!(c & 8), got >> 31) TH_LOG("sign of code %#x", c);
	}
}

TEST(e4m3_every_code_decodes_to_spec_value)
{
	for (int c = 0; c < 256; c++) {
		double got = bits_to_d(vnpu_e4m3_to_fp32((uint8_t)c));
		double want = ref_field_value(4, 3, 7, c & 0x7f) * ((c & 0x80) ? -1 : 1);

		if ((c & 0x7f) == 0x7f) {
			ASSERT_TRUE(isnan(got)) TH_LOG("code %#x", c);
			continue;
		}
		ASSERT_EQ(want, got) TH_LOG("code %#x", c);
	}
	ASSERT_EQ(448.0, bits_to_d(vnpu_e4m3_to_fp32(0x7e)));
	ASSERT_EQ(ldexp(1, -9), bits_to_d(vnpu_e4m3_to_fp32(0x01)));
}

TEST(e5m2_every_code_decodes_to_spec_value)
{
	for (int c = 0; c < 256; c++) {
		double got = bits_to_d(vnpu_e5m2_to_fp32((uint8_t)c));
		double sgn = (c & 0x80) ? -1 : 1;

		if ((c & 0x7c) == 0x7c) {
			ASSERT_TRUE((c & 3) ? isnan(got) : got == sgn * INFINITY)
				TH_LOG("code %#x", c);
			continue;
		}
		ASSERT_EQ(sgn * ref_field_value(5, 2, 15, c & 0x7f), got)
			TH_LOG("code %#x", c);
	}
	ASSERT_EQ(57344.0, bits_to_d(vnpu_e5m2_to_fp32(0x7b)));
	ASSERT_EQ(ldexp(1, -16), bits_to_d(vnpu_e5m2_to_fp32(0x01)));
}

TEST(e8m0_every_code_decodes_to_power_of_two)
{
	for (int c = 0; c < 255; c++) {
		ASSERT_EQ(ldexp(1, c - 127), bits_to_d(vnpu_e8m0_to_fp32((uint8_t)c)))
			TH_LOG("code %#x", c);
	}
	ASSERT_TRUE(isnan(bits_to_d(vnpu_e8m0_to_fp32(0xff))));
}

TEST(fp16_and_bf16_every_code_decodes_to_spec_value)
{
	for (uint32_t c = 0; c < 65536; c++) {
		double sgn = (c & 0x8000) ? -1 : 1;
		double h = bits_to_d(vnpu_fp16_to_fp32((uint16_t)c));
		double b = bits_to_d(vnpu_bf16_to_fp32((uint16_t)c));

		if ((c & 0x7c00) == 0x7c00) {
			ASSERT_TRUE((c & 0x3ff) ? isnan(h) : h == sgn * INFINITY);
		} else {
			ASSERT_EQ(sgn * ref_field_value(5, 10, 15, c & 0x7fff), h)
				TH_LOG("fp16 code %#x", c);
		}
		if ((c & 0x7f80) == 0x7f80) {
			ASSERT_TRUE((c & 0x7f) ? isnan(b) : b == sgn * INFINITY);
		} else {
			ASSERT_EQ(sgn * ref_field_value(8, 7, 127, c & 0x7fff), b)
				TH_LOG("bf16 code %#x", c);
		}
	}
}

/* Boundary inputs: every representable value, midpoints, their neighbours. */
static int check_conv(struct __test_metadata *_metadata,
		      const struct conv_case *c, uint32_t u)
{
	uint32_t want = conv_expect(c, u), got = c->conv(u, c->sat);

	if (want != got) {
		TH_LOG("%s: fp32 %#010x (%g): want %#x got %#x", c->name, u,
		       bits_to_d(u), want, got);
		return 1;
	}
	return 0;
}

TEST(fp32_conversions_match_reference_on_boundaries_and_sample)
{
	struct conv_case cs[8];
	int n = conv_cases(cs), bad = 0;

	for (int i = 0; i < n; i++) {
		const struct conv_case *c = &cs[i];
		uint32_t step = c->f.maxcode > 0x1000 ? 7 : 1;

		for (uint32_t k = 0; k <= c->f.maxcode + 1; k += step) {
			float v = (float)c->f.val[k];
			float mid = k <= c->f.maxcode ?
				(float)((c->f.val[k] + c->f.val[k + 1]) / 2) : v;
			uint32_t pts[2] = { ref_f_bits(v), ref_f_bits(mid) };

			if (isinf(v) || isinf(mid))
				continue;
			for (int p = 0; p < 2; p++)
				for (int d = -2; d <= 2; d++)
					for (uint32_t s = 0; s <= 1; s++)
						bad += check_conv(_metadata, c,
							(pts[p] + d) ^ (s << 31));
		}
		/* specials */
		uint32_t sp[] = { 0, 0x80000000u, 1, 0x7f800000u, 0xff800000u,
				  0x7fc00000u, 0xffc00001u, 0x7f7fffffu, 0x00800000u,
				  0x007fffffu };
		for (size_t j = 0; j < sizeof(sp) / 4; j++)
			bad += check_conv(_metadata, c, sp[j]);
		for (int j = 0; j < 2000000 && bad < 10; j++)
			bad += check_conv(_metadata, c, (uint32_t)rnd64());
		ASSERT_EQ(0, bad) TH_LOG("%s", c->name);
	}
}

TEST(e8m0_encode_is_floor_log2)
{
	ASSERT_EQ(127, vnpu_fp32_to_e8m0(ref_f_bits(1.0f)));
	ASSERT_EQ(127, vnpu_fp32_to_e8m0(ref_f_bits(1.99f)));
	ASSERT_EQ(128, vnpu_fp32_to_e8m0(ref_f_bits(-2.0f)));
	ASSERT_EQ(0, vnpu_fp32_to_e8m0(1));	/* 2^-149 clamps to 2^-127 */
	ASSERT_EQ(254, vnpu_fp32_to_e8m0(0x7f7fffffu));
	ASSERT_EQ(0xff, vnpu_fp32_to_e8m0(0));
	ASSERT_EQ(0xff, vnpu_fp32_to_e8m0(0x7fc00000u));
}

/* ---- block formats -------------------------------------------------- */

static const uint32_t mx_fmts[] = {
	VNPU_FMT_MXFP4, VNPU_FMT_MXFP8_E4M3, VNPU_FMT_MXFP8_E5M2, VNPU_FMT_MXINT8,
};

static int mx_emax(uint32_t fmt)
{
	return fmt == VNPU_FMT_MXFP4 ? 2 : fmt == VNPU_FMT_MXFP8_E4M3 ? 8 :
	       fmt == VNPU_FMT_MXFP8_E5M2 ? 15 : 0;
}

/* Element value at scaled magnitude y from the spec: nearest, ties even. */
static double mx_ref_elem(uint32_t fmt, double y)
{
	static struct ref_fmt f4 = { "e2m1", 2, 1, 1, 7, 8, NULL };
	static struct ref_fmt f43 = { "e4m3", 4, 3, 7, 0x7e, 0x80, NULL };
	static struct ref_fmt f52 = { "e5m2", 5, 2, 15, 0x7b, 0x80, NULL };
	struct ref_fmt *f;
	uint32_t c;

	if (fmt == VNPU_FMT_MXINT8) {
		double q = nearbyint(y * 64);

		return fmin(fmax(q, -127), 127) / 64;
	}
	f = fmt == VNPU_FMT_MXFP4 ? &f4 : fmt == VNPU_FMT_MXFP8_E4M3 ? &f43 : &f52;
	if (!f->val)
		ref_fmt_init(f);
	c = ref_pick(f, fabs(y), ref_bracket(f, fabs(y)));
	if (c > f->maxcode)
		c = f->maxcode;
	return copysign(f->val[c], y);
}

/* Quantize, dequantize, compare with the spec's algorithm done in double. */
static int mx_check_block(struct __test_metadata *_metadata, uint32_t fmt,
			  const float *x, uint8_t *scale_out)
{
	uint8_t codes[32], sc;
	float y[32];
	double amax = 0;
	int se, bad = 0;

	ASSERT_EQ(0, vnpu_quantize(fmt, x, 32, codes, &sc, NULL, NULL));
	ASSERT_EQ(0, vnpu_dequantize(fmt, codes, &sc, NULL, 32, y));
	for (int i = 0; i < 32; i++)
		amax = fmax(amax, fabs(x[i]));
	se = amax == 0 ? -127 : (int)floor(log2(amax)) - mx_emax(fmt);
	if (se < -127)
		se = -127;
	if (scale_out)
		*scale_out = sc;
	if (sc != se + 127) {
		TH_LOG("%s: scale %d want %d", vnpu_fmt_name(fmt), sc, se + 127);
		return 1;
	}
	for (int i = 0; i < 32; i++) {
		double want = mx_ref_elem(fmt, ldexp(x[i], -se)) * ldexp(1, se);

		if ((double)y[i] != (double)(float)want) {
			TH_LOG("%s: x[%d]=%a -> %a want %a", vnpu_fmt_name(fmt), i,
			       x[i], y[i], want);
			bad++;
		}
	}
	return bad;
}

TEST(mx_block_of_zeros_gets_scale_code_0_and_zero_codes)
{
	float x[32] = { 0 };

	for (size_t f = 0; f < 4; f++) {
		uint8_t codes[32], sc;

		memset(codes, 0xaa, sizeof(codes));
		ASSERT_EQ(0, vnpu_quantize(mx_fmts[f], x, 32, codes, &sc, NULL, NULL));
		ASSERT_EQ(0, sc);
		for (int i = 0; i < 32 * (int)vnpu_fmt_bits(mx_fmts[f]) / 8; i++) {
			ASSERT_EQ(0, codes[i]);
		}
	}
}

TEST(mx_blocks_match_spec_algorithm_on_random_and_edge_blocks)
{
	float x[32];
	int bad = 0;

	for (size_t f = 0; f < 4; f++) {
		for (int t = 0; t < 3000; t++) {
			int ex = (int)(rnd64() % 60) - 30;

			for (int i = 0; i < 32; i++) {
				double m = (double)(int64_t)(rnd64() >> 11) / 0x1p52;

				x[i] = (float)ldexp(m, ex + (int)(rnd64() % 12) - 6);
				if (t % 7 == 0 && i == 5)
					x[i] *= 1e6f;	/* outlier */
			}
			bad += mx_check_block(_metadata, mx_fmts[f], x, NULL);
		}
		/* FP32 subnormals only */
		for (int i = 0; i < 32; i++)
			x[i] = ref_bits_f((uint32_t)(rnd64() & 0x807fffffu));
		bad += mx_check_block(_metadata, mx_fmts[f], x, NULL);
		/* the largest finite floats */
		for (int i = 0; i < 32; i++)
			x[i] = ref_bits_f(0x7f7fffffu - (uint32_t)i);
		bad += mx_check_block(_metadata, mx_fmts[f], x, NULL);
	}
	ASSERT_EQ(0, bad);
}

TEST(mxfp4_amax_at_and_past_element_max)
{
	float x[32] = { 0 }, y[32];
	uint8_t codes[16], sc;

	/* amax = 6 * 2^4: scale 2^4, amax encodes exactly as 6 (code 7) */
	x[0] = 96.0f;
	x[1] = -48.0f;
	ASSERT_EQ(0, vnpu_quantize(VNPU_FMT_MXFP4, x, 32, codes, &sc, NULL, NULL));
	ASSERT_EQ(127 + 4, sc);
	ASSERT_EQ(0xd7, codes[0]);	/* element 0 low nibble: 6; 1: -3 */
	/* amax 127.9 = 7.99 * 2^4 is past 6 * 2^4: saturates to 6 */
	x[0] = 127.9f;
	x[2] = 112.0f;		/* 7 is the tie between 6 and 8: still 6 */
	ASSERT_EQ(0, vnpu_quantize(VNPU_FMT_MXFP4, x, 32, codes, &sc, NULL, NULL));
	ASSERT_EQ(0, vnpu_dequantize(VNPU_FMT_MXFP4, codes, &sc, NULL, 32, y));
	ASSERT_EQ(127 + 4, sc);
	ASSERT_EQ(96.0f, y[0]);
	ASSERT_EQ(96.0f, y[2]);
	ASSERT_EQ(-48.0f, y[1]);
	ASSERT_EQ(0.0f, y[3]);
}

TEST(mx_nan_or_inf_marks_the_block_nan)
{
	float x[32] = { 1.0f, 2.0f };
	float y[32];

	for (size_t f = 0; f < 4; f++) {
		uint8_t codes[32], sc;

		for (int k = 0; k < 2; k++) {
			x[7] = k ? INFINITY : NAN;
			ASSERT_EQ(0, vnpu_quantize(mx_fmts[f], x, 32, codes, &sc,
						   NULL, NULL));
			ASSERT_EQ(0xff, sc);
			ASSERT_EQ(0, vnpu_dequantize(mx_fmts[f], codes, &sc, NULL,
						     32, y));
			for (int i = 0; i < 32; i++)
				ASSERT_TRUE(isnan(y[i]));
		}
	}
}

TEST(mx_partial_last_block_is_padded_with_zeros)
{
	float x[40], y[40];
	uint8_t codes[40], sc[2];

	for (int i = 0; i < 40; i++)
		x[i] = (float)(i - 20) * 0.25f;
	ASSERT_EQ(0, vnpu_quantize(VNPU_FMT_MXFP4, x, 40, codes, sc, NULL, NULL));
	ASSERT_EQ(0, vnpu_dequantize(VNPU_FMT_MXFP4, codes, sc, NULL, 40, y));
	ASSERT_EQ(127 + 2 - 2, sc[1]);	/* amax 4.75 -> floor log2 = 2 */
	for (int i = 32; i < 40; i++)
		ASSERT_EQ(mx_ref_elem(VNPU_FMT_MXFP4, x[i]), y[i]);
}

TEST(nvfp4_scales_and_roundtrip_follow_the_documented_scheme)
{
	float x[64], y[64], t;
	uint8_t codes[32], sc[4];

	for (int i = 0; i < 64; i++)
		x[i] = (float)sin(i * 0.37) * (i < 16 ? 0.01f : 3.0f);
	x[40] = 50.0f;	/* outlier in block 2 */
	vnpu_nvfp4_tensor_scale(x, 64, &t);
	ASSERT_EQ(50.0f / (6.0f * 448.0f), t);
	ASSERT_EQ(0, vnpu_quantize(VNPU_FMT_NVFP4, x, 64, codes, sc, &t, NULL));
	ASSERT_EQ(0, vnpu_dequantize(VNPU_FMT_NVFP4, codes, sc, &t, 64, y));
	ASSERT_EQ(0x7e, sc[2]);		/* the tensor amax block: 448 */
	for (int b = 0; b < 4; b++) {
		float amax = 0;

		for (int i = 0; i < 16; i++)
			amax = fmaxf(amax, fabsf(x[b * 16 + i]));
		ASSERT_EQ(vnpu_fp32_to_e4m3(ref_f_bits(amax / (6.0f * t)), true),
			  sc[b]);
		for (int i = 0; i < 16; i++) {
			float s = ref_bits_f(vnpu_e4m3_to_fp32(sc[b])) * t;
			float e = (float)mx_ref_elem(VNPU_FMT_MXFP4, x[b * 16 + i] / s);

			ASSERT_EQ((e * ref_bits_f(vnpu_e4m3_to_fp32(sc[b]))) * t,
				  y[b * 16 + i]) TH_LOG("i=%d", b * 16 + i);
		}
	}
}

TEST(nvfp4_nan_block_and_bad_tensor_scale)
{
	float x[16] = { 1, NAN }, y[16], t = 1.0f, bad = 0.0f;
	uint8_t codes[8], sc;

	ASSERT_EQ(0, vnpu_quantize(VNPU_FMT_NVFP4, x, 16, codes, &sc, &t, NULL));
	ASSERT_EQ(0x7f, sc);
	ASSERT_EQ(0, vnpu_dequantize(VNPU_FMT_NVFP4, codes, &sc, &t, 16, y));
	ASSERT_TRUE(isnan(y[0]));
	ASSERT_EQ(VNPU_EINVAL, vnpu_quantize(VNPU_FMT_NVFP4, x, 16, codes, &sc,
					     &bad, NULL));
	ASSERT_EQ(VNPU_EINVAL, vnpu_quantize(VNPU_FMT_NVFP4, x, 16, codes, &sc,
					     NULL, NULL));
}

TEST(mse_scale_search_never_increases_error)
{
	float x[32], y0[32], y1[32];
	struct vnpu_quant_opts o = { .flags = VNPU_Q_MSE_SCALE };
	int better = 0;

	for (int t = 0; t < 500; t++) {
		uint8_t c0[16], c1[16], s0, s1;
		double e0 = 0, e1 = 0;

		for (int i = 0; i < 32; i++)
			x[i] = (float)((double)(int64_t)rnd64() / 0x1p63);
		ASSERT_EQ(0, vnpu_quantize(VNPU_FMT_MXFP4, x, 32, c0, &s0, NULL, NULL));
		ASSERT_EQ(0, vnpu_quantize(VNPU_FMT_MXFP4, x, 32, c1, &s1, NULL, &o));
		vnpu_dequantize(VNPU_FMT_MXFP4, c0, &s0, NULL, 32, y0);
		vnpu_dequantize(VNPU_FMT_MXFP4, c1, &s1, NULL, 32, y1);
		for (int i = 0; i < 32; i++) {
			e0 += (y0[i] - x[i]) * (double)(y0[i] - x[i]);
			e1 += (y1[i] - x[i]) * (double)(y1[i] - x[i]);
		}
		ASSERT_LE(e1, e0 * (1 + 1e-6));
		better += e1 < e0;
	}
	ASSERT_LT(0, better);
}

TEST(stochastic_rounding_is_seeded_and_unbiased)
{
	float x[32], y[32];
	struct vnpu_quant_opts o = { .flags = VNPU_Q_STOCHASTIC };
	uint8_t c1[16], c2[16], sc;
	double sum = 0;

	for (int i = 0; i < 32; i++)
		x[i] = i == 0 ? 6.0f : 1.25f;	/* between 1 and 1.5 */
	o.seed = 7;
	vnpu_quantize(VNPU_FMT_MXFP4, x, 32, c1, &sc, NULL, &o);
	vnpu_quantize(VNPU_FMT_MXFP4, x, 32, c2, &sc, NULL, &o);
	ASSERT_EQ(0, memcmp(c1, c2, sizeof(c1)));
	for (uint64_t s = 0; s < 2000; s++) {
		o.seed = s;
		vnpu_quantize(VNPU_FMT_MXFP4, x, 32, c1, &sc, NULL, &o);
		vnpu_dequantize(VNPU_FMT_MXFP4, c1, &sc, NULL, 32, y);
		for (int i = 1; i < 32; i++) {
			ASSERT_TRUE(y[i] == 1.0f || y[i] == 1.5f);
			sum += y[i];
		}
	}
	/* mean 1.25, sd of the mean about 0.25 / sqrt(62000) = 0.001 */
	ASSERT_LT(fabs(sum / (2000 * 31) - 1.25), 0.006);
}

TEST(hadamard_rotation_inverts_and_is_deterministic)
{
	float x[256], y[256], z[256];

	for (int i = 0; i < 256; i++)
		x[i] = y[i] = z[i] = (float)cos(i * 1.1) + (i == 3 ? 40.0f : 0.0f);
	ASSERT_EQ(0, vnpu_hadamard_rotate(y, 256, 64, 99, false));
	ASSERT_EQ(0, vnpu_hadamard_rotate(z, 256, 64, 99, false));
	ASSERT_EQ(0, memcmp(y, z, sizeof(y)));
	/* the outlier is spread: no rotated value keeps most of it */
	for (int i = 0; i < 64; i++)
		ASSERT_LT(fabsf(y[i]), 8.0f);
	ASSERT_EQ(0, vnpu_hadamard_rotate(y, 256, 64, 99, true));
	for (int i = 0; i < 256; i++)
		ASSERT_LT(fabsf(y[i] - x[i]), 1e-5f * 40);
	ASSERT_EQ(VNPU_EINVAL, vnpu_hadamard_rotate(y, 256, 48, 1, false));
}

TEST(convert_between_scalar_formats)
{
	float x[4] = { 1.0f, -2.5f, 1e-8f, 70000.0f }, back[4];
	uint16_t h[4];
	uint8_t q[4];

	ASSERT_EQ(0, vnpu_convert(VNPU_FMT_FP16, h, VNPU_FMT_FP32, x, 4));
	ASSERT_EQ(0x3c00, h[0]);
	ASSERT_EQ(0x7c00, h[3]);	/* FP16 overflows to Inf */
	ASSERT_EQ(0, vnpu_convert(VNPU_FMT_E4M3, q, VNPU_FMT_FP16, h, 4));
	ASSERT_EQ(0, vnpu_convert(VNPU_FMT_FP32, back, VNPU_FMT_E4M3, q, 4));
	ASSERT_EQ(1.0f, back[0]);
	ASSERT_EQ(-2.5f, back[1]);
	ASSERT_EQ(448.0f, back[3]);	/* E4M3 saturates */
	ASSERT_EQ(VNPU_EINVAL, vnpu_convert(VNPU_FMT_MXFP4, q, VNPU_FMT_FP32, x, 4));
}

/* Engine-internal: the scalar definition the vectorized path must match. */
int vnpu_quantize_scalar(uint32_t fmt, const float *x, size_t n, uint8_t *codes,
			 uint8_t *scales, const float *tscale,
			 const struct vnpu_quant_opts *opts);

/* Values at, and one ulp either side of, every E2M1 and INT8 rounding
 * threshold, scaled by random powers of two; random bit patterns
 * (subnormals, NaN, Inf); all-zero and -0 blocks. */
static float vec_sample(size_t i)
{
	static const float thr[] = { 0.25f, 0.75f, 1.25f, 1.75f, 2.5f, 3.5f, 5.0f, 6.0f,
				     0.0078125f, 0.0234375f, 1.9921875f, 1.984375f };
	uint64_t r = rnd64();
	uint32_t u;

	switch (r % 6) {
	case 0:
		u = (uint32_t)(r >> 32);
		if ((u & 0x7f800000u) == 0x7f800000u && (r >> 8) % 16)
			u &= ~0x40000000u;	/* NaN/Inf only now and then */
		return ref_bits_f(u);
	case 1:
		u = ref_f_bits(ldexpf(thr[(r >> 8) % 12], (int)((r >> 16) % 40) - 20));
		u += (uint32_t)((r >> 24) % 3) - 1;
		return ref_bits_f(u | (uint32_t)(r >> 63) << 31);
	case 2:
		return ref_bits_f((uint32_t)(r >> 40) & 0x807fffffu);	/* subnormal */
	case 3:
		return i % 64 < 32 ? 0.0f : -0.0f;
	default:
		return ldexpf((float)((int64_t)r >> 40), -(int)((r >> 8) % 60));
	}
}

TEST(vectorized_mx_quantization_matches_the_scalar_definition)
{
	static const uint32_t fmts[] = { VNPU_FMT_MXFP4, VNPU_FMT_MXINT8 };
	size_t n = 4096 + 17;
	float *x = malloc(sizeof(float) * n);
	/* a partial last block is written in full */
	uint8_t *c0 = malloc(n + 32), *c1 = malloc(n + 32), s0[200], s1[200];

	for (int rep = 0; rep < 200; rep++) {
		/* runs of one pattern so whole blocks share it */
		for (size_t i = 0; i < n; i++)
			x[i] = vec_sample(i);
		for (int f = 0; f < 2; f++) {
			size_t cb = fmts[f] == VNPU_FMT_MXFP4 ? (n + 1) / 2 : n;

			memset(c0, 0xaa, n);
			memset(c1, 0x55, n);
			ASSERT_EQ(0, vnpu_quantize(fmts[f], x, n, c0, s0, NULL, NULL));
			ASSERT_EQ(0, vnpu_quantize_scalar(fmts[f], x, n, c1, s1, NULL, NULL));
			ASSERT_EQ(0, memcmp(s0, s1, (n + 31) / 32));
			for (size_t i = 0; i < cb; i++) {
				ASSERT_EQ(c1[i], c0[i]) TH_LOG("fmt %u byte %zu", fmts[f], i);
			}
		}
	}
	free(x);
	free(c0);
	free(c1);
}

/* Engine-internal: the AVX-512 quantizer of the matmul's activation rows. */
size_t vnpu_mx_quant_vec512(uint32_t fmt, const float *x, size_t b, size_t nblk,
			    uint8_t *codes, uint8_t *scales);

TEST(avx512_mx_quantization_matches_the_scalar_definition)
{
	static const uint32_t fmts[] = { VNPU_FMT_MXFP4, VNPU_FMT_MXINT8 };
	size_t n = 4096, nblk = n / 32;
	float *x = malloc(sizeof(float) * n);
	uint8_t *c0 = malloc(n), *c1 = malloc(n), s0[128], s1[128];

	if (!(vnpu_engine_cpu_features() & VNPU_CPU_AVX512))
		SKIP(return, "no AVX-512 on this CPU");
	for (int rep = 0; rep < 200; rep++) {
		for (size_t i = 0; i < n; i++)
			x[i] = vec_sample(i);
		for (int f = 0; f < 2; f++) {
			size_t cb = fmts[f] == VNPU_FMT_MXFP4 ? 16 : 32, b = 0;

			memset(c0, 0xaa, n);
			memset(c1, 0x55, n);
			/* as the matmul driver does: NaN/Inf blocks by the definition */
			for (;;) {
				size_t e = vnpu_mx_quant_vec512(fmts[f], x, b, nblk, c0, s0);

				ASSERT_LE(e, nblk);
				for (size_t j = b; j < e; j++) {	/* stops at the first one */
					for (int i = 0; i < 32; i++)
						ASSERT_TRUE(isfinite(x[j * 32 + i]));
				}
				if (e == nblk)
					break;
				ASSERT_EQ(0, vnpu_quantize_scalar(fmts[f], x + e * 32, 32,
								  c0 + e * cb, s0 + e, NULL, NULL));
				b = e + 1;
			}
			ASSERT_EQ(0, vnpu_quantize_scalar(fmts[f], x, n, c1, s1, NULL, NULL));
			ASSERT_EQ(0, memcmp(s0, s1, nblk));
			for (size_t i = 0; i < nblk * cb; i++) {
				ASSERT_EQ(c1[i], c0[i]) TH_LOG("fmt %u byte %zu", fmts[f], i);
			}
		}
	}
	free(x);
	free(c0);
	free(c1);
}

TEST_HARNESS_MAIN
