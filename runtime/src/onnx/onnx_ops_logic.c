// SPDX-License-Identifier: MIT
/*
 * Comparisons (Equal, Less, Greater, LessOrEqual, GreaterOrEqual), the
 * logic ops (And, Or, Xor, Not) and Where with a condition computed at
 * run time. Bool tensors live on the
 * card as U8 tensors of 0 and 1 (ONNX's bool is a byte): the COMPARE
 * packet makes them from float tensors, the SELECT packet reads them.
 * Comparisons of constants are folded on the host (shape arithmetic, If
 * conditions).
 */
#include <stdlib.h>
#include <string.h>

#include "../vnpu_internal.h"
#include "onnx_ops.h"
#include "onnx_util.h"

/* The host's comparison KIND (VNPU_COMPARE_*) of two numbers. */
static bool vo_cmp(vnpu_comparison kind, double a, double b)
{
	switch (kind) {
	case VNPU_COMPARE_EQ: return a == b;
	case VNPU_COMPARE_LT: return a < b;
	case VNPU_COMPARE_GT: return a > b;
	case VNPU_COMPARE_LE: return a <= b;
	default: return a >= b;
	}
}

/* A and B broadcast to one shape (RANK, DIMS) as EA and EB. */
static vnpu_status vo_bcast2(struct vo_ctx *x, struct vo_val *a, struct vo_val *b,
			     struct vo_val *ea, struct vo_val *eb, uint32_t *rank,
			     int64_t *dims)
{
	int64_t da[VNPU_ONNX_MAX_RANK], db[VNPU_ONNX_MAX_RANK];
	uint32_t ra, rb;
	vnpu_status st;

	vo_shape(a, &ra, da);
	vo_shape(b, &rb, db);
	if ((st = vo_bcast(x, ra, da, rb, db, rank, dims)) ||
	    (st = vo_expand(x, a, *rank, dims, ea)))
		return st;
	return vo_expand(x, b, *rank, dims, eb);
}

static vnpu_status vo_compare(struct vo_ctx *x, vnpu_comparison kind)
{
	struct vo_val *a = vo_in(x, 0), *b = vo_in(x, 1), ea = { 0 }, eb = { 0 };
	struct vo_val r = { .is_const = true };
	int64_t dims[VNPU_ONNX_MAX_RANK];
	vnpu_tensor ta, tb, t;
	uint32_t rank;
	vnpu_status st;

	if (!a || !b)
		return vo_fail_st(x, VNPU_STATUS_INVALID_ARGUMENT, "needs two inputs");
	if (a->is_const && b->is_const && !a->c.f != !b->c.f)
		return vo_fail(x, "inputs of different types");
	if ((!a->is_const || !b->is_const) &&
	    (vo_type(a) != VO_FLOAT || vo_type(b) != VO_FLOAT))
		return vo_fail(x, "inputs are %s and %s: the card compares float tensors",
			       vo_type_name(vo_type(a)), vo_type_name(vo_type(b)));
	if ((st = vo_bcast2(x, a, b, &ea, &eb, &rank, dims)))
		goto out;
	if (a->is_const && b->is_const) {
		if (!vo_tensor_alloc(&r.c, VO_BOOL, rank, dims)) {
			st = vnpu_rt_error(VNPU_STATUS_OUT_OF_MEMORY, "ONNX import: out of memory");
			goto out;
		}
		for (uint64_t i = 0; i < r.c.count; i++)
			r.c.i[i] = ea.c.f ? vo_cmp(kind, ea.c.f[i], eb.c.f[i]) :
					    vo_cmp(kind, (double)ea.c.i[i], (double)eb.c.i[i]);
		st = vo_set(x, 0, &r);
		goto out;
	}
	if ((st = vo_as(x, &ea, rank, dims, &ta)) || (st = vo_as(x, &eb, rank, dims, &tb)))
		goto out;
	st = vo_builder(x, vnpu_graph_compare(x->g, vo_name(x, "cmp"), kind, ta, tb, &t));
	if (!st)
		st = vo_set_tensor_typed(x, 0, t, rank, dims, VO_BOOL);
out:
	vo_val_free(&ea);
	vo_val_free(&eb);
	return st;
}

static vnpu_status vo_equal_op(struct vo_ctx *x)
{
	return vo_compare(x, VNPU_COMPARE_EQ);
}

static vnpu_status vo_less_op(struct vo_ctx *x)
{
	return vo_compare(x, VNPU_COMPARE_LT);
}

static vnpu_status vo_greater_op(struct vo_ctx *x)
{
	return vo_compare(x, VNPU_COMPARE_GT);
}

static vnpu_status vo_less_equal_op(struct vo_ctx *x)
{
	return vo_compare(x, VNPU_COMPARE_LE);
}

static vnpu_status vo_greater_equal_op(struct vo_ctx *x)
{
	return vo_compare(x, VNPU_COMPARE_GE);
}

vnpu_status vo_where_select(struct vo_ctx *x, struct vo_val *c, struct vo_val *a,
			    struct vo_val *b)
{
	struct vo_val ec = { 0 }, ea = { 0 }, eb = { 0 };
	int64_t dims[VNPU_ONNX_MAX_RANK], d0[VNPU_ONNX_MAX_RANK];
	uint32_t rank, r0;
	vnpu_tensor tc, ta, tb, t;
	vnpu_status st;

	if (vo_type(c) != VO_BOOL)
		return vo_fail(x, "the condition is %s, not bool", vo_type_name(vo_type(c)));
	if (vo_type(a) != vo_type(b))
		return vo_fail(x, "X is %s and Y %s", vo_type_name(vo_type(a)),
			       vo_type_name(vo_type(b)));
	vo_shape(c, &r0, d0);
	if ((st = vo_bcast2(x, a, b, &ea, &eb, &rank, dims)) ||
	    (st = vo_bcast(x, rank, dims, r0, d0, &rank, dims)))
		goto out;
	/* X and Y once more if the condition widened the shape */
	vo_val_free(&ea);
	vo_val_free(&eb);
	memset(&ea, 0, sizeof(ea));
	memset(&eb, 0, sizeof(eb));
	if ((st = vo_expand(x, c, rank, dims, &ec)) || (st = vo_expand(x, a, rank, dims, &ea)) ||
	    (st = vo_expand(x, b, rank, dims, &eb)))
		goto out;
	if ((st = vo_as(x, &ec, rank, dims, &tc)) || (st = vo_as(x, &ea, rank, dims, &ta)) ||
	    (st = vo_as(x, &eb, rank, dims, &tb)))
		goto out;
	st = vo_builder(x, vnpu_graph_select(x->g, vo_name(x, "select"), tc, ta, tb, &t));
	if (!st)
		st = vo_set_tensor_typed(x, 0, t, rank, dims, vo_type(a));
out:
	vo_val_free(&ec);
	vo_val_free(&ea);
	vo_val_free(&eb);
	return st;
}

/* A U8 graph tensor of 0/1 bytes: bool V (a constant or computed) under
 * the shape (RANK, DIMS) of V's element count, or FILL (0/1) if V is NULL. */
static vnpu_status vo_bool_tensor(struct vo_ctx *x, struct vo_val *v, int fill,
				  uint32_t rank, const int64_t *dims, vnpu_tensor *t)
{
	uint32_t grank, gdims[VNPU_MAX_RANK];
	uint64_t n = vo_count(rank, dims);
	vnpu_status st;
	uint8_t *buf;

	if (v && !v->is_const)
		return vo_as(x, v, rank, dims, t);
	if (!vo_gshape(rank, dims, &grank, gdims))
		return vo_fail(x, "a bool tensor of %u dimensions or an empty one", rank);
	buf = malloc(n);
	if (!buf)
		return vnpu_rt_error(VNPU_STATUS_OUT_OF_MEMORY, "ONNX import: out of memory");
	for (uint64_t i = 0; i < n; i++)
		buf[i] = v ? v->c.i && v->c.i[i] != 0 : (uint8_t)fill;
	st = vnpu_graph_constant(x->g, vo_name(x, "bool"), VNPU_DTYPE_U8, grank, gdims,
				 buf, n, VNPU_CONST_COPY, t);
	free(buf);
	return vo_builder(x, st);
}

enum vo_logic { VO_AND, VO_OR, VO_XOR, VO_NOT };

/*
 * And, Or, Xor, Not of bools: folded on constants, else SELECT packets
 * on the 0/1 bytes: a and b = a ? b : a, a or b = a ? a : b, not a =
 * a ? 0 : 1, a xor b = a ? not b : b.
 */
static vnpu_status vo_logic(struct vo_ctx *x, enum vo_logic op)
{
	struct vo_val *a = vo_in(x, 0), *b = op == VO_NOT ? vo_in(x, 0) : vo_in(x, 1);
	struct vo_val ea = { 0 }, eb = { 0 }, r = { .is_const = true };
	int64_t dims[VNPU_ONNX_MAX_RANK];
	vnpu_tensor ta, tb, t0, t1, t;
	uint32_t rank;
	vnpu_status st;

	if (!a || !b)
		return vo_fail_st(x, VNPU_STATUS_INVALID_ARGUMENT, "an input is missing");
	if (vo_type(a) != VO_BOOL || vo_type(b) != VO_BOOL)
		return vo_fail(x, "inputs must be bool");
	if ((st = vo_bcast2(x, a, b, &ea, &eb, &rank, dims)))
		goto out;
	if (a->is_const && b->is_const) {
		if (!vo_tensor_alloc(&r.c, VO_BOOL, rank, dims)) {
			st = vnpu_rt_error(VNPU_STATUS_OUT_OF_MEMORY, "ONNX import: out of memory");
			goto out;
		}
		for (uint64_t i = 0; i < r.c.count; i++) {
			bool p = ea.c.i[i] != 0, q = eb.c.i[i] != 0;

			r.c.i[i] = op == VO_AND ? p && q : op == VO_OR ? p || q :
				   op == VO_XOR ? p != q : !p;
		}
		st = vo_set(x, 0, &r);
		goto out;
	}
	if ((st = vo_bool_tensor(x, &ea, 0, rank, dims, &ta)) ||
	    (st = vo_bool_tensor(x, &eb, 0, rank, dims, &tb)))
		goto out;
	if (op == VO_NOT || op == VO_XOR) {
		/* not b */
		if ((st = vo_bool_tensor(x, NULL, 0, rank, dims, &t0)) ||
		    (st = vo_bool_tensor(x, NULL, 1, rank, dims, &t1)) ||
		    (st = vo_builder(x, vnpu_graph_select(x->g, vo_name(x, "not"), tb, t0,
							  t1, &t))))
			goto out;
		if (op == VO_XOR)
			st = vo_builder(x, vnpu_graph_select(x->g, vo_name(x, "xor"), ta, t,
							     tb, &t));
	} else {
		st = vo_builder(x, vnpu_graph_select(x->g, vo_name(x, "select"), ta,
						     op == VO_AND ? tb : ta,
						     op == VO_AND ? ta : tb, &t));
	}
	if (!st)
		st = vo_set_tensor_typed(x, 0, t, rank, dims, VO_BOOL);
out:
	vo_val_free(&ea);
	vo_val_free(&eb);
	return st;
}

static vnpu_status vo_and_op(struct vo_ctx *x)
{
	return vo_logic(x, VO_AND);
}

static vnpu_status vo_or_op(struct vo_ctx *x)
{
	return vo_logic(x, VO_OR);
}

static vnpu_status vo_xor_op(struct vo_ctx *x)
{
	return vo_logic(x, VO_XOR);
}

static vnpu_status vo_not_op(struct vo_ctx *x)
{
	return vo_logic(x, VO_NOT);
}

const struct vo_op_entry vo_logic_ops[] = {
	{ "And", vo_and_op, "" }, { "Or", vo_or_op, "" }, { "Xor", vo_xor_op, "" },
	{ "Not", vo_not_op, "" },
	{ "Equal", vo_equal_op, "" }, { "Less", vo_less_op, "" },
	{ "Greater", vo_greater_op, "" }, { "LessOrEqual", vo_less_equal_op, "" },
	{ "GreaterOrEqual", vo_greater_equal_op, "" },
	{ NULL, NULL, NULL },
};
