// SPDX-License-Identifier: MIT
/*
 * ONNX math operators: element-wise (numpy broadcasting by STRIDED
 * expansion, or the card's [N] row broadcast), MatMul, Gemm, Softmax,
 * LayerNormalization, reductions. Float tensors run on the card; integer
 * constants (shape arithmetic) are folded on the host.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../vnpu_internal.h"
#include "onnx_ops.h"
#include "onnx_util.h"

enum vo_bin { VB_ADD, VB_SUB, VB_MUL, VB_DIV, VB_POW, VB_MAX, VB_MIN };

static int64_t vo_fold_int(enum vo_bin op, int64_t a, int64_t b, bool *bad)
{
	switch (op) {
	case VB_ADD: return (int64_t)((uint64_t)a + (uint64_t)b);
	case VB_SUB: return (int64_t)((uint64_t)a - (uint64_t)b);
	case VB_MUL: return (int64_t)((uint64_t)a * (uint64_t)b);
	case VB_DIV:
		if (!b || (a == INT64_MIN && b == -1)) {
			*bad = true;
			return 0;
		}
		return a / b;
	case VB_MAX: return a > b ? a : b;
	case VB_MIN: return a < b ? a : b;
	default:
		*bad = true;
		return 0;
	}
}

/* Integer constants: fold on the host (shape arithmetic). */
static vnpu_status vo_binary_int(struct vo_ctx *x, enum vo_bin op, struct vo_val *a,
				 struct vo_val *b, uint32_t rank, const int64_t *dims)
{
	struct vo_val ea, eb, r = { .is_const = true };
	vnpu_status st;
	bool bad = false;

	st = vo_expand(x, a, rank, dims, &ea);
	if (st)
		return st;
	st = vo_expand(x, b, rank, dims, &eb);
	if (st) {
		vo_val_free(&ea);
		return st;
	}
	if (!vo_tensor_alloc(&r.c, vo_type(a), rank, dims)) {
		st = vnpu_rt_error(VNPU_STATUS_OUT_OF_MEMORY, "ONNX import: out of memory");
	} else {
		for (uint64_t i = 0; i < r.c.count; i++)
			r.c.i[i] = vo_fold_int(op, ea.c.i[i], eb.c.i[i], &bad);
		if (bad)
			st = vo_fail(x, "integer operation not folded (pow, or division by zero)");
	}
	vo_val_free(&ea);
	vo_val_free(&eb);
	if (st) {
		vo_val_free(&r);
		return st;
	}
	return vo_set(x, 0, &r);
}

/* A graph tensor of V converted to float if it is an integer constant. */
static vnpu_status vo_float_operand(struct vo_ctx *x, struct vo_val *v, const char *what)
{
	if (vo_type(v) == VO_FLOAT)
		return VNPU_STATUS_OK;
	if (v->is_const && v->c.i && !v->t) {
		float *f = malloc((v->c.count ? v->c.count : 1) * sizeof(float));

		if (!f)
			return vnpu_rt_error(VNPU_STATUS_OUT_OF_MEMORY, "ONNX import: out of memory");
		for (uint64_t i = 0; i < v->c.count; i++)
			f[i] = (float)v->c.i[i];
		free(v->c.i);
		v->c.i = NULL;
		v->c.f = f;
		v->c.onnx_type = VO_FLOAT;
		return VNPU_STATUS_OK;
	}
	return vo_fail(x, "%s is %s: the card computes on float tensors", what,
		       vo_type_name(vo_type(v)));
}

/* A's operand as graph tensor of shape (RANK, DIMS): as is, or expanded. */
static vnpu_status vo_full(struct vo_ctx *x, struct vo_val *v, uint32_t rank,
			   const int64_t *dims, struct vo_val *tmp, vnpu_tensor *t)
{
	uint32_t vr;
	int64_t vd[VNPU_ONNX_MAX_RANK];
	vnpu_status st;

	memset(tmp, 0, sizeof(*tmp));
	vo_shape(v, &vr, vd);
	if (vo_count(vr, vd) == vo_count(rank, dims))
		return vo_as(x, v, rank, dims, t);
	st = vo_expand(x, v, rank, dims, tmp);
	return st ? st : vo_tensor(x, tmp, t);
}

/* Whether V broadcast to (RANK, DIMS) is one row [N] repeated. */
static bool vo_is_row(struct vo_val *v, uint32_t rank, const int64_t *dims)
{
	uint32_t vr;
	int64_t vd[VNPU_ONNX_MAX_RANK];

	vo_shape(v, &vr, vd);
	if (!rank || vo_count(vr, vd) != (uint64_t)dims[rank - 1] ||
	    vo_count(rank, dims) == (uint64_t)dims[rank - 1])
		return false;
	return vr && vd[vr - 1] == dims[rank - 1];
}

static vnpu_status vo_binary_float(struct vo_ctx *x, enum vo_bin op, struct vo_val *a,
				   struct vo_val *b, uint32_t rank, const int64_t *dims,
				   vnpu_tensor *out)
{
	static const vnpu_binary gop[] = {
		[VB_SUB] = VNPU_BINARY_SUB, [VB_DIV] = VNPU_BINARY_DIV,
		[VB_POW] = VNPU_BINARY_POW, [VB_MAX] = VNPU_BINARY_MAX,
		[VB_MIN] = VNPU_BINARY_MIN,
	};
	bool comm = op == VB_ADD || op == VB_MUL || op == VB_MAX || op == VB_MIN;
	struct vo_val ta, tb;
	vnpu_tensor ga, gb;
	vnpu_status st;
	const char *nm = vo_name(x, "op");
	char name[96];

	snprintf(name, sizeof(name), "%s", nm);
	if ((st = vo_float_operand(x, a, "input A")) || (st = vo_float_operand(x, b, "input B")))
		return st;
	if (comm && vo_is_row(a, rank, dims) && !vo_is_row(b, rank, dims)) {
		struct vo_val *s = a;

		a = b;
		b = s;
	}
	st = vo_full(x, a, rank, dims, &ta, &ga);
	if (!st && vo_is_row(b, rank, dims)) {
		int64_t n = dims[rank - 1];

		memset(&tb, 0, sizeof(tb));
		st = vo_as(x, b, 1, &n, &gb);
	} else if (!st) {
		st = vo_full(x, b, rank, dims, &tb, &gb);
	}
	if (!st) {
		if (op == VB_ADD)
			st = vnpu_graph_add(x->g, name, ga, gb, out);
		else if (op == VB_MUL)
			st = vnpu_graph_mul(x->g, name, ga, gb, out);
		else
			st = vnpu_graph_binary_op(x->g, name, gop[op], ga, gb, out);
		st = vo_builder(x, st);
	}
	vo_val_free(&ta);
	vo_val_free(&tb);
	return st;
}

static vnpu_status vo_binary2(struct vo_ctx *x, enum vo_bin op, struct vo_val *a,
			      struct vo_val *b, struct vo_val *r)
{
	uint32_t ra, rb, rank;
	int64_t da[VNPU_ONNX_MAX_RANK], db[VNPU_ONNX_MAX_RANK], dims[VNPU_ONNX_MAX_RANK];
	vnpu_status st;

	memset(r, 0, sizeof(*r));
	vo_shape(a, &ra, da);
	vo_shape(b, &rb, db);
	st = vo_bcast(x, ra, da, rb, db, &rank, dims);
	if (st)
		return st;
	r->rank = rank;
	memcpy(r->dims, dims, sizeof(dims));
	r->type = VO_FLOAT;
	if (!vo_count(rank, dims))
		return vo_fail(x, "an empty result");
	return vo_binary_float(x, op, a, b, rank, dims, &r->t);
}

vnpu_status vo_add_vals(struct vo_ctx *x, struct vo_val *a, struct vo_val *b,
			struct vo_val *r)
{
	return vo_binary2(x, VB_ADD, a, b, r);
}

vnpu_status vo_mul_vals(struct vo_ctx *x, struct vo_val *a, struct vo_val *b,
			struct vo_val *r)
{
	return vo_binary2(x, VB_MUL, a, b, r);
}

static vnpu_status vo_binary(struct vo_ctx *x, enum vo_bin op)
{
	struct vo_val *a = vo_in(x, 0), *b = vo_in(x, 1), r;
	uint32_t ra, rb, rank;
	int64_t da[VNPU_ONNX_MAX_RANK], db[VNPU_ONNX_MAX_RANK], dims[VNPU_ONNX_MAX_RANK];
	vnpu_status st;

	if (!a || !b)
		return vo_fail_st(x, VNPU_STATUS_INVALID_ARGUMENT, "needs two inputs");
	if (a->is_const && b->is_const && a->c.i && b->c.i) {
		vo_shape(a, &ra, da);
		vo_shape(b, &rb, db);
		st = vo_bcast(x, ra, da, rb, db, &rank, dims);
		return st ? st : vo_binary_int(x, op, a, b, rank, dims);
	}
	if (vo_type(a) != VO_FLOAT)
		return vo_fail(x, "input A is %s: the card computes on float tensors",
			       vo_type_name(vo_type(a)));
	st = vo_binary2(x, op, a, b, &r);
	return st ? st : vo_set(x, 0, &r);
}

static vnpu_status vo_add_op(struct vo_ctx *x) { return vo_binary(x, VB_ADD); }
static vnpu_status vo_sub_op(struct vo_ctx *x) { return vo_binary(x, VB_SUB); }
static vnpu_status vo_mul_op(struct vo_ctx *x) { return vo_binary(x, VB_MUL); }
static vnpu_status vo_div_op(struct vo_ctx *x) { return vo_binary(x, VB_DIV); }
static vnpu_status vo_pow_op(struct vo_ctx *x) { return vo_binary(x, VB_POW); }

/* Max, Min, Sum: variadic, folded pairwise from the left. */
static vnpu_status vo_variadic(struct vo_ctx *x, enum vo_bin op)
{
	struct vo_val acc, r, *v = vo_in(x, 0);
	vnpu_status st;
	uint32_t k;

	if (!v)
		return vo_fail_st(x, VNPU_STATUS_INVALID_ARGUMENT, "needs an input");
	if (vo_type(v) != VO_FLOAT)
		return vo_fail(x, "inputs are %s: the card computes on float tensors",
			       vo_type_name(vo_type(v)));
	if (vo_nin(x) == 1) {
		memset(&r, 0, sizeof(r));
		vo_shape(v, &r.rank, r.dims);
		r.type = VO_FLOAT;
		st = vo_tensor(x, v, &r.t);
		if (!st)
			st = vo_builder(x, vnpu_graph_copy(x->g, vo_name(x, "copy"), r.t, &r.t));
		return st ? st : vo_set(x, 0, &r);
	}
	acc = *v;
	acc.c.f = NULL;	/* borrowed: never freed here */
	acc.c.i = NULL;
	if (v->is_const) {
		st = vo_tensor(x, v, &acc.t);
		if (st)
			return st;
		acc.is_const = false;
		acc.type = VO_FLOAT;
		vo_shape(v, &acc.rank, acc.dims);
	}
	for (k = 1; k < vo_nin(x); k++) {
		struct vo_val *b = vo_in(x, k);

		if (!b)
			return vo_fail_st(x, VNPU_STATUS_INVALID_ARGUMENT, "input %u is missing", k);
		st = vo_binary2(x, op, &acc, b, &r);
		if (st)
			return st;
		acc = r;
	}
	return vo_set(x, 0, &acc);
}

static vnpu_status vo_max_op(struct vo_ctx *x) { return vo_variadic(x, VB_MAX); }
static vnpu_status vo_min_op(struct vo_ctx *x) { return vo_variadic(x, VB_MIN); }
static vnpu_status vo_sum_op(struct vo_ctx *x) { return vo_variadic(x, VB_ADD); }

/* ----------------------------------------------------------- unary */

static vnpu_status vo_unary(struct vo_ctx *x, int op)
{
	struct vo_val *a = vo_in(x, 0), r = { 0 };
	vnpu_tensor t;
	vnpu_status st;

	if (!a)
		return vo_fail_st(x, VNPU_STATUS_INVALID_ARGUMENT, "needs an input");
	if (op == VNPU_UNARY_NEG && a->is_const && a->c.i) {
		/* shape arithmetic: fold */
		r.is_const = true;
		if (!vo_tensor_alloc(&r.c, a->c.onnx_type, a->c.rank, a->c.dims))
			return vnpu_rt_error(VNPU_STATUS_OUT_OF_MEMORY, "ONNX import: out of memory");
		for (uint64_t i = 0; i < r.c.count; i++)
			r.c.i[i] = (int64_t)(0 - (uint64_t)a->c.i[i]);
		return vo_set(x, 0, &r);
	}
	if (vo_type(a) != VO_FLOAT)
		return vo_fail(x, "input is %s: the card computes on float tensors",
			       vo_type_name(vo_type(a)));
	st = vo_tensor(x, a, &t);
	if (st)
		return st;
	vo_shape(a, &r.rank, r.dims);
	r.type = VO_FLOAT;
	if (op < 0)
		st = vnpu_graph_gelu(x->g, vo_name(x, "gelu"), t, op == -2, &r.t);
	else
		st = vnpu_graph_unary_op(x->g, vo_name(x, "unary"), (vnpu_unary)op, t, &r.t);
	st = vo_builder(x, st);
	return st ? st : vo_set(x, 0, &r);
}

static vnpu_status vo_relu_op(struct vo_ctx *x) { return vo_unary(x, VNPU_UNARY_RELU); }
static vnpu_status vo_sigmoid_op(struct vo_ctx *x) { return vo_unary(x, VNPU_UNARY_SIGMOID); }
static vnpu_status vo_tanh_op(struct vo_ctx *x) { return vo_unary(x, VNPU_UNARY_TANH); }
static vnpu_status vo_sqrt_op(struct vo_ctx *x) { return vo_unary(x, VNPU_UNARY_SQRT); }
static vnpu_status vo_erf_op(struct vo_ctx *x) { return vo_unary(x, VNPU_UNARY_ERF); }
static vnpu_status vo_exp_op(struct vo_ctx *x) { return vo_unary(x, VNPU_UNARY_EXP); }
static vnpu_status vo_neg_op(struct vo_ctx *x) { return vo_unary(x, VNPU_UNARY_NEG); }
static vnpu_status vo_log_op(struct vo_ctx *x) { return vo_unary(x, VNPU_UNARY_LOG); }

/* 1 / x: the card's DIV of ones by x (the same IEEE division). */
static vnpu_status vo_reciprocal_op(struct vo_ctx *x)
{
	struct vo_val *a = vo_in(x, 0), one = { .is_const = true, .name = "" }, r;
	vnpu_status st;

	if (!a)
		return vo_fail_st(x, VNPU_STATUS_INVALID_ARGUMENT, "needs an input");
	if (vo_type(a) != VO_FLOAT)
		return vo_fail(x, "input is %s: the card computes on float tensors",
			       vo_type_name(vo_type(a)));
	if (!vo_tensor_alloc(&one.c, VO_FLOAT, 0, NULL))
		return vnpu_rt_error(VNPU_STATUS_OUT_OF_MEMORY, "ONNX import: out of memory");
	one.c.f[0] = 1.0f;
	st = vo_binary2(x, VB_DIV, &one, a, &r);
	vo_val_free(&one);
	return st ? st : vo_set(x, 0, &r);
}

static vnpu_status vo_gelu_op(struct vo_ctx *x)
{
	const Onnx__AttributeProto *a = vo_attr(x, "approximate");

	if (a && a->has_s && a->s.len == 4 && !memcmp(a->s.data, "tanh", 4))
		return vo_unary(x, -2);
	if (a && a->has_s && !(a->s.len == 4 && !memcmp(a->s.data, "none", 4)))
		return vo_fail(x, "attribute approximate must be \"none\" or \"tanh\"");
	return vo_unary(x, -1);
}

/* No attributes but Gelu's (the opset 6 and older broadcast/axis ones are
 * below the opsets read). */
const struct vo_op_entry vo_math_ops[] = {
	{ "Add", vo_add_op, "" }, { "Sub", vo_sub_op, "" }, { "Mul", vo_mul_op, "" },
	{ "Div", vo_div_op, "" }, { "Pow", vo_pow_op, "" }, { "Max", vo_max_op, "" },
	{ "Min", vo_min_op, "" }, { "Sum", vo_sum_op, "" }, { "Relu", vo_relu_op, "" },
	{ "Sigmoid", vo_sigmoid_op, "" }, { "Tanh", vo_tanh_op, "" },
	{ "Sqrt", vo_sqrt_op, "" }, { "Erf", vo_erf_op, "" }, { "Exp", vo_exp_op, "" },
	{ "Neg", vo_neg_op, "" }, { "Gelu", vo_gelu_op, "approximate" },
	{ "Reciprocal", vo_reciprocal_op, "" }, { "Log", vo_log_op, "" },
	{ NULL, NULL, NULL },
};
