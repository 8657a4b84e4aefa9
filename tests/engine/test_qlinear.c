// SPDX-License-Identifier: GPL-2.0
/*
 * The QLINEAR packet (ONNX QuantizeLinear / DequantizeLinear on 8-bit
 * integers): bit-exact against a reference written from ONNX's
 * definition with libm (x / scale, round half to even, + zero point,
 * saturate), the ties, saturation, negative zero points, per-axis
 * parameters, the tiling, and the ISA's operand rules.
 */
#include <fenv.h>
#include <math.h>
#include <string.h>

#include "kselftest_harness.h"
#include <vnpu_engine/engine.h>
#include <vnpu_engine/isa.h>
#include <vnpu_engine/ops.h>

static uint64_t rs = 0x2545f4914f6cdd1dull;
static uint32_t rnd(void)
{
	rs ^= rs << 13;
	rs ^= rs >> 7;
	rs ^= rs << 17;
	return (uint32_t)(rs >> 32);
}

/* ONNX's reference: rint in the default (half to even) mode, saturate. */
static int ref_q(float x, float s, int zp, int uns)
{
	float q = x / s;
	double r;

	if (isnan(q))
		return zp;
	r = nearbyint((double)q) + zp;
	if (uns)
		return r < 0 ? 0 : r > 255 ? 255 : (int)r;
	return r < -128 ? -128 : r > 127 ? 127 : (int)r;
}

static int q1(float x, float s, int zp, int uns)
{
	uint8_t z = (uint8_t)zp, q;

	vnpu_qlinear(uns ? VNPU_QLINEAR_UNSIGNED : 0, &x, &q, &s, &z, 1, 1, 0, 1);
	return uns ? q : (int8_t)q;
}

TEST(ties_round_half_to_even)
{
	/* x / 2 = k + 0.5 exactly: even k wins, both signs */
	ASSERT_EQ(128, q1(1.0f, 2.0f, 128, 1));	/* 0.5 -> 0 */
	ASSERT_EQ(130, q1(3.0f, 2.0f, 128, 1));	/* 1.5 -> 2 */
	ASSERT_EQ(130, q1(5.0f, 2.0f, 128, 1));	/* 2.5 -> 2 */
	ASSERT_EQ(132, q1(7.0f, 2.0f, 128, 1));	/* 3.5 -> 4 */
	ASSERT_EQ(128, q1(-1.0f, 2.0f, 128, 1));	/* -0.5 -> 0 */
	ASSERT_EQ(126, q1(-3.0f, 2.0f, 128, 1));	/* -1.5 -> -2 */
	ASSERT_EQ(126, q1(-5.0f, 2.0f, 128, 1));	/* -2.5 -> -2 */
	ASSERT_EQ(-4, q1(-7.0f, 2.0f, 0, 0));	/* -3.5 -> -4 */
	/* just off the tie */
	ASSERT_EQ(3, q1(nextafterf(5.0f, 6.0f), 2.0f, 0, 0));
	ASSERT_EQ(3, q1(nextafterf(7.0f, 6.0f), 2.0f, 0, 0));	/* 3.4999998 */
}

TEST(saturation_and_special_values)
{
	ASSERT_EQ(255, q1(1000.0f, 2.0f, 128, 1));
	ASSERT_EQ(0, q1(-1000.0f, 2.0f, 128, 1));
	ASSERT_EQ(255, q1(INFINITY, 1.0f, 0, 1));
	ASSERT_EQ(0, q1(-INFINITY, 1.0f, 0, 1));
	ASSERT_EQ(127, q1(3e38f, 1e-30f, 0, 0));	/* the quotient overflows */
	ASSERT_EQ(-128, q1(-3e38f, 1e-30f, 0, 0));
	ASSERT_EQ(17, q1(NAN, 1.0f, 17, 1));	/* NaN: the zero point */
	ASSERT_EQ(-5, q1(NAN, 1.0f, -5, 0));
	ASSERT_EQ(255, q1(255.4f, 1.0f, 0, 1));
	ASSERT_EQ(255, q1(255.6f, 1.0f, 0, 1));
	ASSERT_EQ(127, q1(127.5f, 1.0f, 0, 0));	/* 128 saturates */
	ASSERT_EQ(-128, q1(-128.5f, 1.0f, 0, 0));	/* -128 (even) */
	ASSERT_EQ(-128, q1(-129.0f, 1.0f, 0, 0));
}

TEST(negative_zero_points)
{
	ASSERT_EQ(-1, q1(2.5f, 1.0f, -3, 0));	/* 2 - 3 */
	ASSERT_EQ(-128, q1(-126.0f, 1.0f, -3, 0));	/* -129 saturates */
	ASSERT_EQ(127, q1(131.0f, 1.0f, -3, 0));	/* 128 saturates */
	ASSERT_EQ(-128, q1(0.0f, 1.0f, -128, 0));
}

/* x / s, not x * (1 / s): random ties and near-ties, bit-exact. */
TEST(division_as_onnx_reference)
{
	int differs_from_reciprocal = 0;

	ASSERT_EQ(FE_TONEAREST, fegetround());
	for (int i = 0; i < 200000; i++) {
		float s = (float)(rnd() % 100000 + 1) / 4096.0f;
		int k = (int)(rnd() % 600) - 300, zp = (int)(rnd() % 256);
		float x = ((float)k + 0.5f) * s;

		if (rnd() & 1)
			x = nextafterf(x, (rnd() & 1) ? INFINITY : -INFINITY);
		ASSERT_EQ(ref_q(x, s, zp, 1), q1(x, s, zp, 1));
		ASSERT_EQ(ref_q(x, s, zp - 128, 0), q1(x, s, zp - 128, 0));
		differs_from_reciprocal += nearbyintf(x / s) != nearbyintf(x * (1.0f / s));
	}
	/* the test can tell the two formulas apart */
	ASSERT_GT(differs_from_reciprocal, 0);
}

TEST(dequantize)
{
	uint8_t q[4] = { 0, 127, 128, 255 }, z = 128;
	float s = 0.5f, x[4];

	ASSERT_EQ(VNPU_OK, vnpu_qlinear(VNPU_QLINEAR_DEQUANTIZE | VNPU_QLINEAR_UNSIGNED,
					x, q, &s, &z, 1, 4, 0, 1));
	ASSERT_EQ(-64.0f, x[0]);
	ASSERT_EQ(-0.5f, x[1]);
	ASSERT_EQ(0.0f, x[2]);
	ASSERT_EQ(63.5f, x[3]);
	z = (uint8_t)-3;	/* int8: (q - (-3)) * s */
	ASSERT_EQ(VNPU_OK, vnpu_qlinear(VNPU_QLINEAR_DEQUANTIZE, x, q, &s, &z, 1, 4, 0, 1));
	ASSERT_EQ(1.5f, x[0]);
	ASSERT_EQ(65.0f, x[1]);
	ASSERT_EQ(-62.5f, x[2]);	/* -128 + 3 */
	ASSERT_EQ(1.0f, x[3]);	/* -1 + 3 */
	/* no zero points */
	ASSERT_EQ(VNPU_OK, vnpu_qlinear(VNPU_QLINEAR_DEQUANTIZE, x, q, &s, NULL, 1, 4, 0, 1));
	ASSERT_EQ(-64.0f, x[2]);
	ASSERT_EQ(VNPU_EINVAL, vnpu_qlinear(4, x, q, &s, NULL, 1, 4, 0, 1));
}

/* [2, 3, 4] along axis 1: rows cycle through the 3 parameters; any
 * split into row ranges gives the same bytes. */
TEST(per_axis_and_tiling)
{
	float x[24], s[3] = { 0.5f, 2.0f, 0.125f }, back[24];
	uint8_t z[3] = { 10, 128, 250 }, q[24], q2[24];

	for (int i = 0; i < 24; i++)
		x[i] = (float)(i - 12) * 0.75f;
	ASSERT_EQ(VNPU_OK, vnpu_qlinear(VNPU_QLINEAR_UNSIGNED, x, q, s, z, 3, 4, 0, 6));
	for (int i = 0; i < 24; i++) {
		int a = i / 4 % 3;

		ASSERT_EQ(ref_q(x[i], s[a], z[a], 1), q[i]);
	}
	memset(q2, 0xaa, sizeof(q2));
	ASSERT_EQ(VNPU_OK, vnpu_qlinear(VNPU_QLINEAR_UNSIGNED, x, q2, s, z, 3, 4, 0, 1));
	ASSERT_EQ(VNPU_OK, vnpu_qlinear(VNPU_QLINEAR_UNSIGNED, x, q2, s, z, 3, 4, 1, 4));
	ASSERT_EQ(VNPU_OK, vnpu_qlinear(VNPU_QLINEAR_UNSIGNED, x, q2, s, z, 3, 4, 5, 1));
	ASSERT_EQ(0, memcmp(q, q2, sizeof(q)));
	ASSERT_EQ(VNPU_OK, vnpu_qlinear(VNPU_QLINEAR_UNSIGNED | VNPU_QLINEAR_DEQUANTIZE,
					back, q, s, z, 3, 4, 0, 6));
	for (int i = 0; i < 24; i++) {
		int a = i / 4 % 3;

		ASSERT_EQ((float)(q[i] - z[a]) * s[a], back[i]);
	}
}

TEST(isa_rules)
{
	struct vnpu_cmd_qlinear p = {
		.hdr = { .op = VNPU_OP_QLINEAR, .size = sizeof(p) },
		.flags = VNPU_QLINEAR_UNSIGNED, .rows = 6, .axis = 3, .inner = 4,
		.x = 0x1000, .q = 0x2000, .scale = 0x3000, .zero = 0,
	};
	struct vnpu_isa_operands ops;

	ASSERT_EQ(56, sizeof(p));
	ASSERT_EQ(NULL, vnpu_isa_operands(&p.hdr, &ops));
	ASSERT_EQ(4, ops.count);
	ASSERT_EQ(96, ops.o[0].len);
	ASSERT_FALSE(ops.o[0].write);
	ASSERT_EQ(24, ops.o[1].len);
	ASSERT_TRUE(ops.o[1].write);
	ASSERT_EQ(12, ops.o[2].len);
	ASSERT_TRUE(ops.o[3].optional);
	p.flags |= VNPU_QLINEAR_DEQUANTIZE;
	ASSERT_EQ(NULL, vnpu_isa_operands(&p.hdr, &ops));
	ASSERT_TRUE(ops.o[0].write);
	ASSERT_FALSE(ops.o[1].write);
	p.flags = 4;
	ASSERT_STREQ("unknown qlinear flags", vnpu_isa_operands(&p.hdr, &ops));
	p.flags = 0;
	p.rows = 5;
	ASSERT_STREQ("rows must be a multiple of axis (>= 1)", vnpu_isa_operands(&p.hdr, &ops));
	p.rows = 6;
	p.inner = 0;
	ASSERT_STREQ("rows * inner must be 1..VNPU_CMD_MAX_ELEMS", vnpu_isa_operands(&p.hdr, &ops));
	p.inner = 4;
	p.q = 0x1010;	/* inside x */
	ASSERT_EQ(NULL, vnpu_isa_operands(&p.hdr, &ops));
	uint32_t which;

	ASSERT_STREQ("overlaps another operand",
		     vnpu_isa_check_operands(&ops, 0, 1ull << 20, &which));
	ASSERT_STREQ("QLINEAR", vnpu_isa_op_name(VNPU_OP_QLINEAR));
	ASSERT_TRUE(vnpu_isa_is_compute(VNPU_OP_QLINEAR));
}

TEST_HARNESS_MAIN
