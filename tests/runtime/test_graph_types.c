// SPDX-License-Identifier: GPL-2.0
/*
 * FP16 and FP8 (E4M3, E5M2) tensors: conversions through the card's
 * QUANTIZE/DEQUANTIZE packets in compiled graphs, checked exhaustively
 * against decoders and a round-to-nearest-even encoder written here from
 * the formats' definitions (not from the engine): every code decodes to
 * its value; every representable value, every midpoint between two
 * neighbours (ties go to the even code) and a value just off each
 * midpoint encode to the right code; overflow, Inf and NaN as documented
 * (FP8 saturates, FP16 overflows to Inf). Then the types as graph inputs,
 * constants and outputs, copied, viewed and transposed.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <vnpu/vnpu.h>

#include "graph_util.h"
#include "kselftest_harness.h"

/* A format: exponent and mantissa bits, bias, and its special values. */
struct fmt {
	vnpu_dtype dtype;
	unsigned int ebits, mbits, bytes;
	int ieee_inf;		/* all-ones exponent is Inf/NaN (FP16, E5M2) */
	int saturate;		/* overflow clamps to the largest finite */
};

static const struct fmt f16 = { VNPU_DTYPE_FP16, 5, 10, 2, 1, 0 };
static const struct fmt e4m3 = { VNPU_DTYPE_FP8_E4M3, 4, 3, 1, 0, 1 };
static const struct fmt e5m2 = { VNPU_DTYPE_FP8_E5M2, 5, 2, 1, 1, 1 };

/* The value of CODE (NaN for NaN codes), from the definition. */
static double decode(const struct fmt *f, uint32_t code)
{
	uint32_t sign = code >> (f->ebits + f->mbits) & 1;
	uint32_t e = code >> f->mbits & ((1u << f->ebits) - 1);
	uint32_t m = code & ((1u << f->mbits) - 1);
	int bias = (1 << (f->ebits - 1)) - 1;
	double v;

	if (f->ieee_inf && e == (1u << f->ebits) - 1)
		v = m ? NAN : INFINITY;
	else if (!f->ieee_inf && e == (1u << f->ebits) - 1 && m == (1u << f->mbits) - 1)
		v = NAN;	/* E4M3: S.1111.111 only */
	else if (!e)
		v = ldexp((double)m, 1 - bias - (int)f->mbits);
	else
		v = ldexp((double)(m + (1u << f->mbits)), (int)e - bias - (int)f->mbits);
	return sign ? -v : v;
}

/* The largest finite positive code. */
static uint32_t max_code(const struct fmt *f)
{
	uint32_t c = (1u << (f->ebits + f->mbits)) - 1;

	while (!isfinite(decode(f, c)))
		c--;
	return c;
}

/* Round-to-nearest-even encoding of X (a float's value) from the value
 * table: positive codes 0..max are increasing in value. */
static uint32_t encode(const struct fmt *f, double x)
{
	uint32_t sign = signbit(x) ? 1u << (f->ebits + f->mbits) : 0, top = max_code(f);
	uint32_t lo = 0, hi = top;
	double a = fabs(x), vmax = decode(f, top);

	if (isnan(x))
		return 0xffffffffu;	/* checked as "some NaN code" */
	if (a > vmax) {
		double next = vmax + (vmax - decode(f, top - 1));	/* one ulp above */

		if (f->saturate)
			return sign | top;
		/* IEEE: Inf from the midpoint up (it ties to the "even" Inf). */
		return sign | (a >= (vmax + next) / 2 ? top + 1 : top);
	}
	while (hi - lo > 1) {
		uint32_t mid = (lo + hi) / 2;

		if (decode(f, mid) <= a)
			lo = mid;
		else
			hi = mid;
	}
	if (decode(f, hi) <= a)
		lo = hi;
	if (lo == top || decode(f, lo) == a)
		return sign | lo;
	hi = lo + 1;
	{
		double dl = a - decode(f, lo), dh = decode(f, hi) - a;

		if (dl < dh)
			return sign | lo;
		if (dh < dl)
			return sign | hi;
		return sign | (lo & 1 ? hi : lo);
	}
}

FIXTURE(ty) {
	vnpu_device *dev;
	vnpu_stream *s;
};

FIXTURE_SETUP(ty)
{
	vnpu_init_options o;

	vnpu_init_options_init(&o);
	o.flags = VNPU_INIT_NO_ENV;
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_init(&o));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_device_open("cpu", NULL, &self->dev));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_stream_create(self->dev, NULL, &self->s));
}

FIXTURE_TEARDOWN(ty)
{
	vnpu_stream_destroy(self->s);
	EXPECT_EQ(VNPU_STATUS_OK, vnpu_device_close(self->dev));
	EXPECT_EQ(VNPU_STATUS_OK, vnpu_shutdown());
}

/* Run a one-node conversion graph: TO non-zero quantizes N FP32 values
 * to F, else dequantizes N codes of F. */
static vnpu_status convert(FIXTURE_DATA(ty) *self, const struct fmt *f, int to,
			   const void *in, void *out, uint32_t n)
{
	uint32_t d[1] = { n };
	vnpu_graph *g = NULL;
	vnpu_program *p = NULL;
	vnpu_tensor x, y;
	vnpu_status st;

	st = vnpu_graph_create(&g);
	if (!st)
		st = vnpu_graph_input(g, "x", to ? VNPU_DTYPE_FP32 : f->dtype, 1, d, &x);
	if (!st)
		st = to ? vnpu_graph_quantize(g, "q", x, f->dtype, 0, &y) :
			  vnpu_graph_dequantize(g, "d", x, &y);
	if (!st)
		st = vnpu_graph_output(g, y);
	if (!st)
		st = vnpu_graph_compile(g, self->dev, NULL, &p);
	if (!st)
		st = vnpu_program_run(self->s, p, (const void *[]){ in }, (void *[]){ out });
	vnpu_program_destroy(p);
	vnpu_graph_destroy(g);
	return st;
}

static uint32_t code_at(const struct fmt *f, const uint8_t *p, uint32_t i)
{
	uint16_t c;

	if (f->bytes == 1)
		return p[i];
	memcpy(&c, p + 2 * i, 2);
	return c;
}

/* Every code decodes to its value (NaN codes to a NaN). */
static void check_decode(struct __test_metadata *_metadata, FIXTURE_DATA(ty) *self,
			 const struct fmt *f)
{
	uint32_t n = 1u << (8 * f->bytes), i;
	uint8_t *codes = malloc((size_t)n * f->bytes);
	float *out = malloc((size_t)n * 4);

	ASSERT_TRUE(codes && out);
	for (i = 0; i < n; i++) {
		if (f->bytes == 1)
			codes[i] = (uint8_t)i;
		else
			memcpy(codes + 2 * i, &(uint16_t){ (uint16_t)i }, 2);
	}
	ASSERT_EQ(0, convert(self, f, 0, codes, out, n));
	for (i = 0; i < n; i++) {
		double v = decode(f, i);

		if (isnan(v)) {
			ASSERT_TRUE(isnan(out[i])) TH_LOG("code 0x%x", i);
		} else {
			ASSERT_TRUE((double)out[i] == v && !signbit(out[i]) == !signbit(v))
				TH_LOG("code 0x%x: %.9g, want %.9g", i, out[i], v);
		}
	}
	free(codes);
	free(out);
}

/*
 * Encoding: every finite value of the format, the midpoint between each
 * pair of neighbours and the floats just below and above it, values past
 * the largest one, Inf and NaN, both signs.
 */
static void check_encode(struct __test_metadata *_metadata, FIXTURE_DATA(ty) *self,
			 const struct fmt *f)
{
	uint32_t top = max_code(f), cap = 16 * (top + 8), n = 0, i, k;
	float *x = malloc((size_t)cap * 4);
	uint8_t *out = malloc((size_t)cap * f->bytes);
	double vmax = decode(f, top);

	ASSERT_TRUE(x && out);
	for (i = 0; i <= top; i++) {
		float v = (float)decode(f, i);

		x[n++] = v;
		if (i < top) {
			float mid = (float)((decode(f, i) + decode(f, i + 1)) / 2);

			x[n++] = mid;
			x[n++] = nextafterf(mid, 0);
			x[n++] = nextafterf(mid, INFINITY);
		}
	}
	/* The midpoint between the largest value and the next power of the
	 * format (FP16: 65520, the first value that rounds to Inf). */
	{
		float edge = (float)(vmax + (vmax - decode(f, top - 1)) / 2);

		x[n++] = edge;
		x[n++] = nextafterf(edge, 0);
	}
	x[n++] = (float)vmax * 1.0625f;
	x[n++] = (float)vmax * 4;
	x[n++] = 3.0e38f;
	x[n++] = INFINITY;
	x[n++] = NAN;
	for (k = n, i = 0; i < k; i++)
		x[n++] = -x[i];
	ASSERT_EQ(0, convert(self, f, 1, x, out, n));
	for (i = 0; i < n; i++) {
		uint32_t want = encode(f, x[i]), got = code_at(f, out, i);

		if (want == 0xffffffffu) {
			ASSERT_TRUE(isnan(decode(f, got))) TH_LOG("NaN gave 0x%x", got);
		} else {
			ASSERT_EQ(want, got) TH_LOG("%.9g: code 0x%x, want 0x%x", x[i], got, want);
		}
	}
	TH_LOG("%s: %u values encoded", vnpu_dtype_name(f->dtype), n);
	free(x);
	free(out);
}

TEST_F(ty, fp16_every_code_and_every_rounding_case)
{
	check_decode(_metadata, self, &f16);
	check_encode(_metadata, self, &f16);
}

TEST_F(ty, fp8_e4m3_every_code_and_every_rounding_case)
{
	check_decode(_metadata, self, &e4m3);
	check_encode(_metadata, self, &e4m3);
}

TEST_F(ty, fp8_e5m2_every_code_and_every_rounding_case)
{
	check_decode(_metadata, self, &e5m2);
	check_encode(_metadata, self, &e5m2);
}

/*
 * The types in a graph: an FP16 input and an FP16 constant converted and
 * added (exact: both sums are of values representable in FP16, computed
 * in FP32), the sum stored as FP8 E4M3 and output; an E5M2 input
 * transposed, viewed and copied to an output as it is.
 */
TEST_F(ty, inputs_constants_outputs_views_and_transposes)
{
	uint32_t d[2] = { 4, 8 }, dv[1] = { 16 };
	uint16_t a[32], c[32];
	uint8_t e5[32], o8[32], o5[16];
	vnpu_tensor ta, tc, te, fa, fc, sum, q, tr, v, cp;
	vnpu_graph *g = NULL;
	vnpu_program *p = NULL;
	uint32_t i, r, k;

	for (i = 0; i < 32; i++) {
		/* 0.5 .. 16 in FP16, and small integers */
		a[i] = (uint16_t)(0x3800 + 0x100 * (i % 12));
		c[i] = (uint16_t)(0x3c00 + 0x400 * (i % 4));	/* 1, 2, 8, 32... */
		e5[i] = (uint8_t)(i * 7);
	}
	ASSERT_EQ(0, vnpu_graph_create(&g));
	ASSERT_EQ(0, vnpu_graph_input(g, "a", VNPU_DTYPE_FP16, 2, d, &ta));
	ASSERT_EQ(0, vnpu_graph_input(g, "e", VNPU_DTYPE_FP8_E5M2, 2, d, &te));
	ASSERT_EQ(0, vnpu_graph_constant(g, "c", VNPU_DTYPE_FP16, 2, d, c, sizeof(c),
					 VNPU_CONST_COPY, &tc));
	ASSERT_EQ(0, vnpu_graph_dequantize(g, "fa", ta, &fa));
	ASSERT_EQ(0, vnpu_graph_dequantize(g, "fc", tc, &fc));
	ASSERT_EQ(0, vnpu_graph_add(g, "sum", fa, fc, &sum));
	ASSERT_EQ(0, vnpu_graph_quantize(g, "q", sum, VNPU_DTYPE_FP8_E4M3, 0, &q));
	ASSERT_EQ(0, vnpu_graph_transpose(g, "tr", te, 0, 1, &tr));
	ASSERT_EQ(0, vnpu_graph_view(g, "v", tr, 8, 1, dv, &v));
	ASSERT_EQ(0, vnpu_graph_copy(g, "cp", v, &cp));
	ASSERT_EQ(0, vnpu_graph_output(g, q));
	ASSERT_EQ(0, vnpu_graph_output(g, cp));
	/* FP16 weights are not a matmul format. */
	{
		uint32_t dw[2] = { 32, 32 };
		static uint16_t w[32 * 32];
		vnpu_tensor tw, x, y;

		ASSERT_EQ(0, vnpu_graph_constant(g, "w", VNPU_DTYPE_FP16, 2, dw, w, sizeof(w),
						 VNPU_CONST_BORROW, &tw));
		ASSERT_EQ(0, vnpu_graph_reshape(g, "x", fa, 1, (uint32_t[]){ 32 }, &x));
		EXPECT_EQ(VNPU_STATUS_INVALID_ARGUMENT,
			  vnpu_graph_matmul(g, "mm", x, tw, 0, 0, VNPU_DTYPE_FP32, &y));
		EXPECT_STREQ("node 8 'mm' (matmul): w fp16[32,32] must be [N, K] of fp32, bf16 or a block type",
			     vnpu_last_error());
	}
	ASSERT_EQ(0, vnpu_graph_compile(g, self->dev, NULL, &p));
	ASSERT_EQ(0, vnpu_program_run(self->s, p, (const void *[]){ a, e5 },
				      (void *[]){ o8, o5 }));
	for (i = 0; i < 32; i++) {
		double want = decode(&f16, a[i]) + decode(&f16, c[i]);

		ASSERT_EQ(encode(&e4m3, want), o8[i]) TH_LOG("element %u", i);
	}
	/* tr[r][k] = e5[k][r]; the view is its elements 8..23. */
	for (i = 0; i < 16; i++) {
		r = (8 + i) / 4;
		k = (8 + i) % 4;
		ASSERT_EQ(e5[k * 8 + r], o5[i]);
	}
	vnpu_program_destroy(p);
	vnpu_graph_destroy(g);
}

TEST_HARNESS_MAIN
