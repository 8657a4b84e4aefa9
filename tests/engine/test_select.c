// SPDX-License-Identifier: GPL-2.0
/*
 * The COMPARE and SELECT packets (ONNX comparisons, logic ops and Where
 * on run-time tensors): IEEE comparisons with NaN and signed zeros, the
 * select of 1-, 2- and 4-byte elements, and the ISA's operand rules.
 */
#include <math.h>
#include <string.h>

#include "kselftest_harness.h"
#include <vnpu_engine/engine.h>
#include <vnpu_engine/isa.h>
#include <vnpu_engine/ops.h>

TEST(comparisons_follow_ieee)
{
	const float x[6] = { 1.0f, 2.0f, NAN, -0.0f, -INFINITY, 3.0f };
	const float y[6] = { 2.0f, 2.0f, NAN, 0.0f, -INFINITY, NAN };
	static const uint8_t want[5][6] = {
		{ 0, 1, 0, 1, 1, 0 },	/* EQ */
		{ 1, 0, 0, 0, 0, 0 },	/* LT */
		{ 0, 0, 0, 0, 0, 0 },	/* GT */
		{ 1, 1, 0, 1, 1, 0 },	/* LE */
		{ 0, 1, 0, 1, 1, 0 },	/* GE */
	};
	uint8_t out[6];

	for (uint32_t k = VNPU_CMP_EQ; k <= VNPU_CMP_GE; k++) {
		memset(out, 0xaa, sizeof(out));
		ASSERT_EQ(VNPU_OK, vnpu_compare(k, out, x, y, 6));
		ASSERT_EQ(0, memcmp(want[k], out, 6));
	}
	ASSERT_EQ(VNPU_EINVAL, vnpu_compare(VNPU_CMP_GE + 1, out, x, y, 6));
}

TEST(select_copies_elements_as_they_are)
{
	const uint8_t c[4] = { 1, 0, 7, 0 };
	const uint32_t x4[4] = { 0x7fc00001, 2, 3, 4 }, y4[4] = { 10, 20, 30, 40 };
	const uint16_t x2[4] = { 1, 2, 3, 4 }, y2[4] = { 9, 8, 7, 6 };
	const uint8_t x1[4] = { 1, 2, 3, 4 }, y1[4] = { 9, 8, 7, 6 };
	uint32_t o4[4];
	uint16_t o2[4];
	uint8_t o1[4];

	ASSERT_EQ(VNPU_OK, vnpu_select(4, o4, c, x4, y4, 4));
	ASSERT_EQ(0x7fc00001u, o4[0]);	/* a NaN payload survives */
	ASSERT_EQ(20, o4[1]);
	ASSERT_EQ(3, o4[2]);	/* any non-zero byte is true */
	ASSERT_EQ(40, o4[3]);
	ASSERT_EQ(VNPU_OK, vnpu_select(2, o2, c, x2, y2, 4));
	ASSERT_EQ(1, o2[0]);
	ASSERT_EQ(8, o2[1]);
	ASSERT_EQ(VNPU_OK, vnpu_select(1, o1, c, x1, y1, 4));
	ASSERT_EQ(3, o1[2]);
	ASSERT_EQ(6, o1[3]);
	ASSERT_EQ(VNPU_EINVAL, vnpu_select(3, o1, c, x1, y1, 4));
}

TEST(isa_rules)
{
	struct vnpu_cmd_compare cp = {
		.hdr = { .op = VNPU_OP_COMPARE, .size = sizeof(cp) }, .kind = VNPU_CMP_LT,
		.n = 10, .x = 0x1000, .y = 0x2000, .out = 0x3000,
	};
	struct vnpu_cmd_select sp = {
		.hdr = { .op = VNPU_OP_SELECT, .size = sizeof(sp) }, .esize = 2,
		.n = 10, .cond = 0x1000, .x = 0x2000, .y = 0x3000, .out = 0x2000,
	};
	struct vnpu_isa_operands ops;
	uint32_t which;

	ASSERT_EQ(NULL, vnpu_isa_operands(&cp.hdr, &ops));
	ASSERT_EQ(3, ops.count);
	ASSERT_EQ(40, ops.o[0].len);
	ASSERT_EQ(10, ops.o[2].len);
	ASSERT_TRUE(ops.o[2].write);
	cp.out = 0x1004;	/* inside x: no in-place for a type change */
	ASSERT_EQ(NULL, vnpu_isa_operands(&cp.hdr, &ops));
	ASSERT_STREQ("overlaps another operand",
		     vnpu_isa_check_operands(&ops, 0, 1ull << 20, &which));
	cp.kind = 5;
	ASSERT_STREQ("unknown comparison", vnpu_isa_operands(&cp.hdr, &ops));
	/* out over x exactly: allowed */
	ASSERT_EQ(NULL, vnpu_isa_operands(&sp.hdr, &ops));
	ASSERT_EQ(4, ops.count);
	ASSERT_EQ(10, ops.o[0].len);
	ASSERT_EQ(20, ops.o[1].len);
	ASSERT_EQ(NULL, vnpu_isa_check_operands(&ops, 0, 1ull << 20, &which));
	sp.esize = 8;
	ASSERT_STREQ("esize must be 1, 2 or 4", vnpu_isa_operands(&sp.hdr, &ops));
	sp.esize = 4;
	sp.n = 0;
	ASSERT_STREQ("n must be 1..VNPU_CMD_MAX_ELEMS", vnpu_isa_operands(&sp.hdr, &ops));
	ASSERT_STREQ("COMPARE", vnpu_isa_op_name(VNPU_OP_COMPARE));
	ASSERT_STREQ("SELECT", vnpu_isa_op_name(VNPU_OP_SELECT));
	ASSERT_TRUE(vnpu_isa_is_compute(VNPU_OP_SELECT));
}

TEST_HARNESS_MAIN
