// SPDX-License-Identifier: GPL-2.0
/*
 * The vector ops added for imported graphs (ELTWISE SUB..LOG, STRIDED,
 * REDUCE): exact IEEE results where the op is one IEEE operation, the
 * documented special cases, error bounds against libm in double, and the
 * ISA's operand rules for the new packets.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include <vnpu_engine/isa.h>
#include <vnpu_engine/ops.h>
#include <vnpu_engine/vmath.h>

static uint64_t rs = 0x9e3779b97f4a7c15ull;
static float frand(void)
{
	rs ^= rs << 13;
	rs ^= rs >> 7;
	rs ^= rs << 17;
	return (float)((double)(rs >> 11) / 0x1p53 * 2 - 1);
}

static uint32_t bits(float f)
{
	uint32_t u;

	memcpy(&u, &f, 4);
	return u;
}

/* Distance in ulps between GOT and the double WANT rounded to float. */
static double ulps(float got, double want)
{
	float w = (float)want;
	float up = nextafterf(fabsf(w), INFINITY) - fabsf(w);

	if (isinf(w) || isnan(w))
		return bits(got) == bits(w) || (isnan(w) && isnan(got)) ? 0 : 1e9;
	return fabs((double)got - want) / up;
}

static float one(uint32_t op, float a, float b)
{
	float y;

	vnpu_eltwise_ext(op, &y, &a, &b, 1);
	return y;
}

TEST(sub_div_neg_relu_are_exact)
{
	for (int i = 0; i < 1000; i++) {
		float a = frand() * 100, b = frand() * 3;

		ASSERT_EQ(bits(a - b), bits(one(VNPU_ELT_SUB, a, b)));
		ASSERT_EQ(bits(a / b), bits(one(VNPU_ELT_DIV, a, b)));
		ASSERT_EQ(bits(a) ^ 0x80000000u, bits(one(VNPU_ELT_NEG, a, 0)));
		ASSERT_EQ(bits(a > 0 ? a : 0.0f), bits(one(VNPU_ELT_RELU, a, 0)));
	}
	ASSERT_EQ(0u, bits(one(VNPU_ELT_RELU, -0.0f, 0)));
	ASSERT_TRUE(isnan(one(VNPU_ELT_RELU, NAN, 0)));
	ASSERT_EQ(0xffc00000u, bits(one(VNPU_ELT_NEG, NAN, 0)));	/* the bit flipped */
}

TEST(max_min_propagate_nan_and_order_zeros)
{
	ASSERT_TRUE(isnan(one(VNPU_ELT_MAX, NAN, 1)));
	ASSERT_TRUE(isnan(one(VNPU_ELT_MIN, 1, NAN)));
	ASSERT_EQ(0u, bits(one(VNPU_ELT_MAX, -0.0f, 0.0f)));
	ASSERT_EQ(0u, bits(one(VNPU_ELT_MAX, 0.0f, -0.0f)));
	ASSERT_EQ(0x80000000u, bits(one(VNPU_ELT_MIN, 0.0f, -0.0f)));
	ASSERT_EQ(0x80000000u, bits(one(VNPU_ELT_MIN, -0.0f, 0.0f)));
	ASSERT_EQ(3.0f, one(VNPU_ELT_MAX, 3.0f, -INFINITY));
	ASSERT_EQ(-INFINITY, one(VNPU_ELT_MIN, 3.0f, -INFINITY));
}

TEST(pow_special_cases_as_c99)
{
	static const float c[][3] = {
		{ NAN, 0.0f, 1.0f }, { 1.0f, NAN, 1.0f }, { 0.0f, 3.0f, 0.0f },
		{ -0.0f, 3.0f, -0.0f }, { -0.0f, 2.0f, 0.0f }, { 0.0f, -1.0f, INFINITY },
		{ -0.0f, -1.0f, -INFINITY }, { -2.0f, 3.0f, -8.0f }, { -2.0f, 2.0f, 4.0f },
		{ -1.0f, INFINITY, 1.0f }, { 0.5f, INFINITY, 0.0f }, { 2.0f, -INFINITY, 0.0f },
		{ INFINITY, -2.0f, 0.0f }, { -INFINITY, 3.0f, -INFINITY }, { 2.0f, 10.0f, 1024.0f },
		{ 4.0f, 0.5f, 2.0f }, { 1e30f, 2.0f, INFINITY }, { 2.0f, -160.0f, 0.0f },
	};

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		float got = one(VNPU_ELT_POW, c[i][0], c[i][1]);

		TH_LOG("pow(%g, %g) = %g, want %g", c[i][0], c[i][1], got, c[i][2]);
		ASSERT_EQ(bits(c[i][2]), bits(got));
	}
	ASSERT_TRUE(isnan(one(VNPU_ELT_POW, -2.0f, 0.5f)));
	ASSERT_TRUE(isnan(one(VNPU_ELT_POW, NAN, 2.0f)));
}

TEST(pow_and_log_within_one_ulp_of_libm)
{
	double worst = 0;

	for (int i = 0; i < 20000; i++) {
		float a = fabsf(frand()) * 50 + 1e-3f, b = frand() * 8;
		float p = one(VNPU_ELT_POW, a, b), l = one(VNPU_ELT_LOG, a, 0);
		double up = ulps(p, pow(a, b)), ul = ulps(l, log(a));

		worst = fmax(worst, fmax(up, ul));
		ASSERT_LE(up, 1.0);
		ASSERT_LE(ul, 1.0);
	}
	TH_LOG("worst %.3f ulp", worst);
	ASSERT_EQ(-INFINITY, one(VNPU_ELT_LOG, 0.0f, 0));
	ASSERT_TRUE(isnan(one(VNPU_ELT_LOG, -1.0f, 0)));
	ASSERT_EQ(INFINITY, one(VNPU_ELT_LOG, INFINITY, 0));
	ASSERT_EQ(0u, bits(one(VNPU_ELT_LOG, 1.0f, 0)));
}

TEST(unary_functions_are_the_engines_math)
{
	for (int i = 0; i < 1000; i++) {
		float a = frand() * 10;

		ASSERT_EQ(bits(vnpu_sigmoidf(a)), bits(one(VNPU_ELT_SIGMOID, a, 0)));
		ASSERT_EQ(bits(vnpu_tanhf(a)), bits(one(VNPU_ELT_TANH, a, 0)));
		ASSERT_EQ(bits(vnpu_sqrtf(fabsf(a))), bits(one(VNPU_ELT_SQRT, fabsf(a), 0)));
		ASSERT_EQ(bits(vnpu_erff(a)), bits(one(VNPU_ELT_ERF, a, 0)));
		ASSERT_EQ(bits(vnpu_expf(a)), bits(one(VNPU_ELT_EXP, a, 0)));
	}
	ASSERT_EQ(VNPU_EINVAL, vnpu_eltwise_ext(VNPU_ELT_SWIGLU, NULL, NULL, NULL, 0));
	ASSERT_EQ(VNPU_EINVAL, vnpu_eltwise_ext(VNPU_ELT_LOG + 1, NULL, NULL, NULL, 0));
}

TEST(strided_copy_transposes_broadcasts_reverses)
{
	uint32_t src[24], dst[64], dims[4] = { 1, 2, 3, 4 };
	uint32_t ds[4] = { 64, 32, 8, 1 };	/* gapped rows */
	int32_t ss[4] = { 0, 1, 2, 6 };		/* src [4][3][2]: a transpose */

	for (int i = 0; i < 24; i++)
		src[i] = 100 + i;
	memset(dst, 0xee, sizeof(dst));
	ASSERT_EQ(VNPU_OK, vnpu_strided_copy(dst, src, 4, dims, ss, ds, 0, 6));
	for (uint32_t a = 0; a < 2; a++)
		for (uint32_t b = 0; b < 3; b++)
			for (uint32_t c = 0; c < 4; c++)
				ASSERT_EQ(100 + a + 2 * b + 6 * c, dst[a * 32 + b * 8 + c]);
	ASSERT_EQ(0xeeeeeeeeu, dst[4]);		/* the gaps untouched */
	ASSERT_EQ(0xeeeeeeeeu, dst[31]);
	/* a reversed row: the source operand starts at its lowest element */
	{
		uint32_t d1[4] = { 1, 1, 1, 5 }, s1[4] = { 0, 0, 0, (uint32_t)-1 };
		uint32_t o1[4] = { 5, 5, 5, 1 }, out[5];

		ASSERT_EQ(VNPU_OK, vnpu_strided_copy(out, src + 3, 4, d1, (int32_t *)s1,
						     o1, 0, 1));
		for (int i = 0; i < 5; i++)
			ASSERT_EQ(100u + 7 - i, out[i]);
	}
	/* broadcast (stride 0) of 16-bit elements */
	{
		uint16_t h[2] = { 7, 9 }, out[6];
		uint32_t d2[4] = { 1, 1, 2, 3 }, o2[4] = { 6, 6, 3, 1 };
		int32_t s2[4] = { 0, 0, 1, 0 };

		ASSERT_EQ(VNPU_OK, vnpu_strided_copy(out, h, 2, d2, s2, o2, 0, 2));
		ASSERT_EQ(7, out[0]);
		ASSERT_EQ(7, out[2]);
		ASSERT_EQ(9, out[3]);
		ASSERT_EQ(9, out[5]);
	}
}

/* The definition of a strided copy, element by element (ops.h). */
static void strided_ref(uint8_t *dst, const uint8_t *src_lo, uint32_t es,
			const uint32_t *dims, const int32_t *ss, const uint32_t *ds,
			size_t row0, size_t nrows)
{
	int64_t lo = 0;

	for (int d = 0; d < 4; d++)
		if (ss[d] < 0)
			lo += (int64_t)(dims[d] - 1) * ss[d];
	for (size_t r = row0; r < row0 + nrows; r++) {
		int64_t i[3] = { r / dims[2] / dims[1], r / dims[2] % dims[1], r % dims[2] };

		for (int64_t j = 0; j < dims[3]; j++) {
			int64_t so = i[0] * ss[0] + i[1] * ss[1] + i[2] * ss[2] + j * ss[3] - lo;
			int64_t dof = i[0] * ds[0] + i[1] * ds[1] + i[2] * ds[2] + j * ds[3];

			memcpy(dst + dof * es, src_lo + so * es, es);
		}
	}
}

static uint32_t urand(uint32_t n)
{
	frand();
	return (uint32_t)(rs >> 33) % n;
}

/*
 * Random views against the definition, byte for byte (the gaps between
 * rows included): every element size; inner strides 1 on both sides (one
 * block copy per row, lengths that end in every tail of the block copy,
 * unaligned for 1-byte elements), and not (strided, broadcast, reversed);
 * negative outer strides; windows of rows as the ISA executor's tiles
 * take them.
 */
TEST(strided_copy_matches_the_definition)
{
	static const int32_t inner[][2] = {
		{ 1, 1 }, { 1, 1 }, { 1, 2 }, { 2, 1 }, { 0, 1 }, { -1, 1 },
		{ -3, 2 }, { 5, 3 },
	};
	enum { CAP = 1 << 21 };
	uint8_t *src = malloc(CAP), *got = malloc(CAP), *want = malloc(CAP);
	uint32_t blocks = 0;

	ASSERT_TRUE(src && got && want);
	for (int i = 0; i < CAP; i++)
		src[i] = (uint8_t)(i * 131 + (i >> 8));
	for (int iter = 0; iter < 3000; iter++) {
		uint32_t es = 1u << urand(3), dims[4], ds[4], rows;
		int32_t ss[4];
		int64_t span = 1, lo = 0, hi = 0;
		const int32_t *in = inner[iter % 8];
		size_t row0, nrows, dlen;

		dims[3] = 1 + urand(iter % 3 ? 80 : 300);
		for (int d = 0; d < 3; d++)
			dims[d] = 1 + urand(d == 2 ? 9 : 4);
		ss[3] = in[0];
		ds[3] = (uint32_t)in[1];
		/* dense or gapped rows, outer source strides of both signs */
		ds[2] = ds[3] * dims[3] + urand(3) * (iter % 2);
		ds[1] = ds[2] * dims[2] + urand(5);
		ds[0] = ds[1] * dims[1] + urand(2);
		for (int d = 2; d >= 0; d--) {
			span *= d == 2 ? (int64_t)dims[3] * (abs(ss[3]) + 1) : dims[d + 1];
			ss[d] = (int32_t)(urand(2) ? span : -span);
			if (d == 1 && urand(4) == 0)
				ss[d] = 0;	/* a broadcast dimension */
		}
		for (int d = 0; d < 4; d++) {
			if (ss[d] < 0)
				lo += (int64_t)(dims[d] - 1) * ss[d];
			else
				hi += (int64_t)(dims[d] - 1) * ss[d];
		}
		dlen = ((size_t)ds[0] * dims[0]) * es;
		if ((hi - lo + 1) * es + 7 > CAP || dlen > CAP) {
			iter--;
			continue;
		}
		rows = dims[0] * dims[1] * dims[2];
		row0 = urand(rows);
		nrows = iter % 4 ? rows - row0 : 1 + urand(rows - row0);
		if (iter % 4 == 1)
			row0 = 0, nrows = rows;
		memset(got, 0xa5, dlen);
		memset(want, 0xa5, dlen);
		/* an odd start: the block copy must not assume alignment */
		strided_ref(want, src + 7 * (es == 1), es, dims, ss, ds, row0, nrows);
		ASSERT_EQ(VNPU_OK, vnpu_strided_copy(got, src + 7 * (es == 1), es, dims,
						     ss, ds, row0, nrows));
		ASSERT_EQ(0, memcmp(got, want, dlen)) {
			TH_LOG("iter %d es %u dims %u %u %u %u ss %d %d %d %d ds %u %u %u %u rows %zu+%zu",
			       iter, es, dims[0], dims[1], dims[2], dims[3], ss[0], ss[1],
			       ss[2], ss[3], ds[0], ds[1], ds[2], ds[3], row0, nrows);
		}
		blocks += ss[3] == 1 && ds[3] == 1;
	}
	ASSERT_GT(blocks, 500u);
	ASSERT_EQ(VNPU_EINVAL, vnpu_strided_copy(got, src, 8, (uint32_t[]){ 1, 1, 1, 1 },
						 (int32_t[]){ 0, 0, 0, 1 },
						 (uint32_t[]){ 1, 1, 1, 1 }, 0, 1));
	free(src);
	free(got);
	free(want);
}

TEST(reduce_sum_mean_max_min)
{
	float x[3 * 37], y[3], s;

	for (int i = 0; i < 3 * 37; i++)
		x[i] = frand() * 1000;
	ASSERT_EQ(VNPU_OK, vnpu_reduce(y, x, 3, 37, VNPU_REDUCE_SUM));
	for (int r = 0; r < 3; r++) {
		vnpu_sum(&s, x + r * 37, 37);
		ASSERT_EQ(bits(s), bits(y[r]));
	}
	ASSERT_EQ(VNPU_OK, vnpu_reduce(y, x, 3, 37, VNPU_REDUCE_MEAN));
	vnpu_sum(&s, x + 37, 37);
	ASSERT_EQ(bits(s / 37.0f), bits(y[1]));
	x[40] = NAN;
	ASSERT_EQ(VNPU_OK, vnpu_reduce(y, x, 3, 37, VNPU_REDUCE_MAX));
	ASSERT_TRUE(isnan(y[1]));
	ASSERT_FALSE(isnan(y[0]));
	ASSERT_EQ(VNPU_OK, vnpu_reduce(y, x, 1, 37, VNPU_REDUCE_MIN));
	for (int i = 0; i < 37; i++)
		ASSERT_LE(y[0], x[i]);
	ASSERT_EQ(VNPU_EINVAL, vnpu_reduce(y, x, 1, 37, VNPU_REDUCE_MIN + 1));
}

TEST(isa_checks_the_new_packets)
{
	struct vnpu_cmd_strided s = {
		.hdr = { .op = VNPU_OP_STRIDED, .size = sizeof(s) }, .esize = 4,
		.dims = { 1, 1, 2, 3 }, .src_stride = { 0, 0, 1, -2 },
		.dst_stride = { 6, 6, 3, 1 }, .src = 0x10000, .dst = 0x20000,
	};
	struct vnpu_cmd_reduce r = {
		.hdr = { .op = VNPU_OP_REDUCE, .size = sizeof(r) }, .kind = VNPU_REDUCE_MEAN,
		.rows = 4, .n = 8, .x = 0x1000, .out = 0x2000,
	};
	struct vnpu_cmd_eltwise e = {
		.hdr = { .op = VNPU_OP_ELTWISE, .size = sizeof(e) }, .op = VNPU_ELT_SUB,
		.n = 16, .x = 0x1000, .out = 0x2000,
	};
	struct vnpu_isa_operands ops;

	ASSERT_EQ(NULL, vnpu_isa_operands(&s.hdr, &ops));
	/* src starts at the lowest element read: 2 strides of -2 back */
	ASSERT_EQ(0x10000 - 16, ops.o[0].va);
	ASSERT_EQ(6 * 4, ops.o[0].len);
	ASSERT_EQ(6 * 4, ops.o[1].len);
	ASSERT_TRUE(ops.o[1].write);
	s.dst_stride[2] = 2;	/* rows of 3 two apart: elements written twice */
	ASSERT_STREQ("dst strides would write an element twice", vnpu_isa_operands(&s.hdr, &ops));
	s.dst_stride[2] = 3;
	s.esize = 3;
	ASSERT_STREQ("esize must be 1, 2 or 4", vnpu_isa_operands(&s.hdr, &ops));
	s.esize = 4;
	s.dims[0] = 0;
	ASSERT_STREQ("a dimension is 0", vnpu_isa_operands(&s.hdr, &ops));
	ASSERT_EQ(NULL, vnpu_isa_operands(&r.hdr, &ops));
	ASSERT_EQ(4 * 4, ops.o[1].len);
	r.kind = 4;
	ASSERT_STREQ("unknown reduction", vnpu_isa_operands(&r.hdr, &ops));
	ASSERT_STREQ("y is missing", vnpu_isa_operands(&e.hdr, &ops));
	e.op = VNPU_ELT_LOG;
	ASSERT_EQ(NULL, vnpu_isa_operands(&e.hdr, &ops));
	e.op = VNPU_ELT_LOG + 1;
	ASSERT_STREQ("unknown element-wise op", vnpu_isa_operands(&e.hdr, &ops));
	ASSERT_STREQ("STRIDED", vnpu_isa_op_name(VNPU_OP_STRIDED));
	ASSERT_STREQ("REDUCE", vnpu_isa_op_name(VNPU_OP_REDUCE));
	ASSERT_TRUE(vnpu_isa_is_compute(VNPU_OP_STRIDED));
	ASSERT_TRUE(vnpu_isa_is_compute(VNPU_OP_REDUCE));
}

TEST_HARNESS_MAIN
