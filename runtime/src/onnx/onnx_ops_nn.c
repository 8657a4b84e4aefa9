// SPDX-License-Identifier: MIT
/*
 * ONNX network operators: MatMul and Gemm (constant B: the card's MATMUL
 * with weights the compiler quantizes; B computed at run time:
 * vnpu_graph_matmul_dyn), Softmax, LayerNormalization and the reductions.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../vnpu_internal.h"
#include "onnx_ops.h"
#include "onnx_util.h"

static vnpu_status vo_need_float(struct vo_ctx *x, struct vo_val *v, const char *what)
{
	if (!v)
		return vo_fail_st(x, VNPU_STATUS_INVALID_ARGUMENT, "%s is missing", what);
	if (vo_type(v) != VO_FLOAT)
		return vo_fail(x, "%s is %s: the card computes on float tensors", what,
			       vo_type_name(vo_type(v)));
	return VNPU_STATUS_OK;
}

/*
 * Y[.., M, N] = X[.., M, K] W^T (+ BIAS[N]) for a host weight matrix W
 * [N, K] (row-major floats): K padded to a multiple of 32 with zero
 * columns (exact), W a constant the compiler quantizes.
 */
static vnpu_status vo_matmul_const(struct vo_ctx *x, vnpu_tensor xt, uint32_t rank,
				   const int64_t *xdims, const float *w, uint32_t n,
				   uint32_t k, const float *bias, vnpu_tensor *out)
{
	uint32_t kp = (k + 31) / 32 * 32, grank, gdims[VNPU_MAX_RANK];
	uint32_t wd[2] = { n, kp };
	vnpu_tensor wt, bt = 0, xp = xt;
	vnpu_status st = VNPU_STATUS_OK;
	float *wp;

	if (!vo_gshape(rank, xdims, &grank, gdims))
		return vo_fail(x, "input A has %u dimensions (the card's tensors have 1..4)", rank);
	wp = calloc((size_t)n * kp, sizeof(float));
	if (!wp)
		return vnpu_rt_error(VNPU_STATUS_OUT_OF_MEMORY, "ONNX import: out of memory");
	for (uint32_t i = 0; i < n; i++)
		memcpy(wp + (size_t)i * kp, w + (size_t)i * k, k * sizeof(float));
	if (kp != k) {
		gdims[grank - 1] = kp;
		st = vo_builder(x, vnpu_graph_pad(x->g, vo_name(x, "padk"), xt, gdims, &xp));
	}
	if (!st)
		st = vo_builder(x, vnpu_graph_constant(x->g, vo_name(x, "weight"),
						       VNPU_DTYPE_FP32, 2, wd, wp,
						       (size_t)n * kp * 4, VNPU_CONST_COPY, &wt));
	if (!st && bias)
		st = vo_builder(x, vnpu_graph_constant(x->g, vo_name(x, "bias"),
						       VNPU_DTYPE_FP32, 1, &n, bias,
						       (size_t)n * 4, VNPU_CONST_COPY, &bt));
	if (!st)
		st = vo_builder(x, vnpu_graph_matmul(x->g, vo_name(x, "matmul"), xp, wt, bt,
						     VNPU_ACTIVATION_NONE, VNPU_DTYPE_FP32, out));
	free(wp);
	return st;
}

vnpu_status vo_matmul_rows(struct vo_ctx *x, vnpu_tensor t, int64_t rows, int64_t k,
			   const float *w, int64_t n, const float *bias, vnpu_tensor *y)
{
	int64_t d[2] = { rows, k };

	return vo_matmul_const(x, t, 2, d, w, (uint32_t)n, (uint32_t)k, bias, y);
}

/* V (shape RANK, DIMS) expanded to batch BR, BD + its last two dims. */
static vnpu_status vo_batch(struct vo_ctx *x, struct vo_val *v, uint32_t rank,
			    const int64_t *dims, uint32_t br, const int64_t *bd,
			    vnpu_tensor *t)
{
	int64_t full[VNPU_ONNX_MAX_RANK];
	struct vo_val tmp, view = *v;
	vnpu_status st;

	memcpy(full, bd, br * sizeof(*bd));
	full[br] = dims[rank - 2];
	full[br + 1] = dims[rank - 1];
	if (vo_count(rank, dims) == vo_count(br + 2, full))
		return vo_as(x, v, br + 2, full, t);
	/* a view of V with its own (rank-1 fixed) shape, then expanded */
	st = vo_as(x, v, rank, dims, &view.t);
	if (st)
		return st;
	if (!v->is_const) {
		view.rank = rank;
		memcpy(view.dims, dims, rank * sizeof(*dims));
	} else {
		view.is_const = false;
		view.type = VO_FLOAT;
		view.rank = rank;
		memcpy(view.dims, dims, rank * sizeof(*dims));
		view.c.f = NULL;
		view.c.i = NULL;
	}
	st = vo_expand(x, &view, br + 2, full, &tmp);
	if (!st)
		*t = tmp.t;
	vo_val_free(&tmp);
	return st;
}

/* A [.., M, K] x B [.., K, N] with numpy's rank-1 and batch rules. */
static vnpu_status vo_matmul_vals(struct vo_ctx *x, struct vo_val *a, struct vo_val *b,
				  struct vo_val *r)
{
	uint32_t ra, rb, br, fr = 0;
	int64_t da[VNPU_ONNX_MAX_RANK + 1], db[VNPU_ONNX_MAX_RANK + 1];
	int64_t bd[VNPU_ONNX_MAX_RANK], fd[VNPU_ONNX_MAX_RANK], k, n, m;
	vnpu_tensor at, bt, y;
	vnpu_status st;

	memset(r, 0, sizeof(*r));
	if ((st = vo_need_float(x, a, "input A")) || (st = vo_need_float(x, b, "input B")))
		return st;
	vo_shape(a, &ra, da);
	vo_shape(b, &rb, db);
	if (!ra || !rb)
		return vo_fail_st(x, VNPU_STATUS_INVALID_ARGUMENT, "scalar operands");
	/* numpy: a vector A is [1, K], a vector B [K, 1]; those dims drop */
	if (ra == 1) {
		da[1] = da[0];
		da[0] = 1;
	}
	if (rb == 1)
		db[1] = 1;
	m = da[(ra == 1 ? 2 : ra) - 2];
	k = da[(ra == 1 ? 2 : ra) - 1];
	n = db[(rb == 1 ? 2 : rb) - 1];
	if (db[(rb == 1 ? 2 : rb) - 2] != k)
		return vo_fail_st(x, VNPU_STATUS_INVALID_ARGUMENT,
				  "A's K = %lld and B's K = %lld differ", (long long)k,
				  (long long)db[(rb == 1 ? 2 : rb) - 2]);
	/* the batch dims: broadcast of both */
	st = vo_bcast(x, ra > 2 ? ra - 2 : 0, da, rb > 2 ? rb - 2 : 0, db, &br, bd);
	if (st)
		return st;
	memcpy(fd, bd, br * sizeof(*bd));
	fr = br;
	if (ra != 1)
		fd[fr++] = m;
	if (rb != 1)
		fd[fr++] = n;
	r->type = VO_FLOAT;
	r->rank = fr;
	memcpy(r->dims, fd, fr * sizeof(*fd));
	if (ra == 1)
		ra = 2;
	if (rb == 1)
		rb = 2;
	if (b->is_const && rb == 2 && vo_count(br, bd) == vo_count(ra - 2, da)) {
		float *w = malloc((size_t)(n * k > 0 ? n * k : 1) * sizeof(float));

		if (!w)
			return vnpu_rt_error(VNPU_STATUS_OUT_OF_MEMORY, "ONNX import: out of memory");
		for (int64_t i = 0; i < n; i++)
			for (int64_t j = 0; j < k; j++)
				w[i * k + j] = b->c.f[j * n + i];
		st = vo_as(x, a, ra, da, &at);
		if (!st)
			st = vo_matmul_const(x, at, ra, da, w, (uint32_t)n, (uint32_t)k,
					     NULL, &y);
		free(w);
		return st ? st : vo_reshape(x, y, fr, fd, &r->t);
	}
	st = vo_batch(x, a, ra, da, br, bd, &at);
	if (!st) {
		if (rb == 2 || vo_count(rb - 2, db) == 1)
			st = vo_as(x, b, 2, db + rb - 2, &bt);
		else
			st = vo_batch(x, b, rb, db, br, bd, &bt);
	}
	if (!st)
		st = vo_builder(x, vnpu_graph_matmul_dyn(x->g, vo_name(x, "matmul"), at, bt, &y));
	return st ? st : vo_reshape(x, y, fr, fd, &r->t);
}

static vnpu_status vo_matmul_op(struct vo_ctx *x)
{
	struct vo_val r;
	vnpu_status st = vo_matmul_vals(x, vo_in(x, 0), vo_in(x, 1), &r);

	return st ? st : vo_set(x, 0, &r);
}

/* Y = alpha * A' B' + beta * C (A' = A^T with transA, B' likewise). */
static vnpu_status vo_gemm_op(struct vo_ctx *x)
{
	struct vo_val *a = vo_in(x, 0), *b = vo_in(x, 1), *c = vo_in(x, 2);
	float alpha = vo_attr_float(x, "alpha", 1.0f), beta = vo_attr_float(x, "beta", 1.0f);
	bool ta = vo_attr_int(x, "transA", 0), tb = vo_attr_int(x, "transB", 0);
	uint32_t ra, rb, rc = 0;
	int64_t da[VNPU_ONNX_MAX_RANK], db[VNPU_ONNX_MAX_RANK], dc[VNPU_ONNX_MAX_RANK];
	int64_t m, k, n, yd[2];
	struct vo_val at = { 0 }, r = { 0 };
	vnpu_tensor xt, y;
	float *bias = NULL;
	vnpu_status st;

	if ((st = vo_need_float(x, a, "input A")) || (st = vo_need_float(x, b, "input B")))
		return st;
	vo_shape(a, &ra, da);
	vo_shape(b, &rb, db);
	if (ra != 2 || rb != 2)
		return vo_fail_st(x, VNPU_STATUS_INVALID_ARGUMENT, "A and B must be matrices");
	m = ta ? da[1] : da[0];
	k = ta ? da[0] : da[1];
	n = tb ? db[0] : db[1];
	if ((tb ? db[1] : db[0]) != k)
		return vo_fail_st(x, VNPU_STATUS_INVALID_ARGUMENT, "A and B disagree on K");
	yd[0] = m;
	yd[1] = n;
	if (c) {
		if ((st = vo_need_float(x, c, "input C")))
			return st;
		vo_shape(c, &rc, dc);
	}
	/* A^T: a strided copy */
	if (ta) {
		st = vo_transpose(x, a, (uint32_t[]){ 1, 0 }, &at);
		if (st)
			return st;
		a = &at;
	}
	/* a constant C that is one row (or a scalar) folds into the bias */
	if (c && c->is_const && (vo_count(rc, dc) == 1 ||
				 (vo_count(rc, dc) == (uint64_t)n && dc[rc - 1] == n))) {
		bias = malloc((size_t)n * sizeof(float));
		if (!bias) {
			vo_val_free(&at);
			return vnpu_rt_error(VNPU_STATUS_OUT_OF_MEMORY, "ONNX import: out of memory");
		}
		for (int64_t i = 0; i < n; i++)
			bias[i] = beta * c->c.f[vo_count(rc, dc) == 1 ? 0 : i];
		c = NULL;
	}
	if (b->is_const) {
		float *w = malloc((size_t)(n * k > 0 ? n * k : 1) * sizeof(float));

		st = w ? vo_tensor(x, a, &xt) :
			 vnpu_rt_error(VNPU_STATUS_OUT_OF_MEMORY, "ONNX import: out of memory");
		for (int64_t i = 0; w && i < n; i++)
			for (int64_t j = 0; j < k; j++)
				w[i * k + j] = alpha * (tb ? b->c.f[i * k + j] : b->c.f[j * n + i]);
		if (!st)
			st = vo_matmul_const(x, xt, 2, (int64_t[]){ m, k }, w, (uint32_t)n,
					     (uint32_t)k, bias, &y);
		free(w);
	} else {
		struct vo_val bt = { 0 }, *bb = b;

		st = VNPU_STATUS_OK;
		if (tb) {
			st = vo_transpose(x, b, (uint32_t[]){ 1, 0 }, &bt);
			bb = &bt;
		}
		if (!st)
			st = vo_tensor(x, a, &xt);
		if (!st)
			st = vo_tensor(x, bb, &y);
		if (!st)
			st = vo_builder(x, vnpu_graph_matmul_dyn(x->g, vo_name(x, "matmul"),
								 xt, y, &y));
		if (!st && alpha != 1.0f)
			st = vo_builder(x, vnpu_graph_scale(x->g, vo_name(x, "alpha"), y,
							    alpha, &y));
		if (!st && bias) {
			vnpu_tensor bt2;
			uint32_t nn = (uint32_t)n;

			st = vo_builder(x, vnpu_graph_constant(x->g, vo_name(x, "bias"),
							       VNPU_DTYPE_FP32, 1, &nn, bias,
							       (size_t)n * 4, VNPU_CONST_COPY,
							       &bt2));
			if (!st)
				st = vo_builder(x, vnpu_graph_add(x->g, vo_name(x, "addc"),
								  y, bt2, &y));
		}
		vo_val_free(&bt);
	}
	free(bias);
	vo_val_free(&at);
	if (st)
		return st;
	r.type = VO_FLOAT;
	r.rank = 2;
	memcpy(r.dims, yd, sizeof(yd));
	r.t = y;
	/* any other C: beta * C broadcast, added */
	if (c) {
		struct vo_val ce = { 0 };
		vnpu_tensor ct;

		st = vo_expand(x, c, 2, yd, &ce);
		if (!st)
			st = vo_tensor(x, &ce, &ct);
		if (!st && beta != 1.0f)
			st = vo_builder(x, vnpu_graph_scale(x->g, vo_name(x, "beta"), ct,
							    beta, &ct));
		if (!st)
			st = vo_builder(x, vnpu_graph_add(x->g, vo_name(x, "addc"), y, ct,
							  &r.t));
		vo_val_free(&ce);
		if (st)
			return st;
	}
	return vo_set(x, 0, &r);
}

/*
 * Softmax over AXIS: opset 13 on, that axis alone (moved last by a
 * strided copy when it is not); before 13, the input flattened to 2-D at
 * AXIS (default 1).
 */
static vnpu_status vo_softmax_op(struct vo_ctx *x)
{
	struct vo_val *a = vo_in(x, 0), tv = { 0 }, r = { 0 }, back = { 0 };
	int64_t dims[VNPU_ONNX_MAX_RANK], flat[2];
	uint32_t rank, axis, perm[VNPU_ONNX_MAX_RANK];
	vnpu_tensor t, y;
	vnpu_status st;

	if ((st = vo_need_float(x, a, "input")))
		return st;
	vo_shape(a, &rank, dims);
	st = vo_axis(x, vo_attr_int(x, "axis", x->opset >= 13 ? -1 : 1), rank, &axis);
	if (st)
		return st;
	r.type = VO_FLOAT;
	r.rank = rank;
	memcpy(r.dims, dims, sizeof(dims));
	if (x->opset < 13 || axis == rank - 1) {
		flat[0] = (int64_t)vo_count(axis, dims);
		flat[1] = (int64_t)vo_count(rank - axis, dims + axis);
		st = vo_as(x, a, 2, flat, &t);
		if (!st)
			st = vo_builder(x, vnpu_graph_softmax(x->g, vo_name(x, "softmax"), t,
							      0, 0, &y));
		if (!st)
			st = vo_reshape(x, y, rank, dims, &r.t);
		return st ? st : vo_set(x, 0, &r);
	}
	for (uint32_t d = 0; d < rank; d++)
		perm[d] = d;
	perm[axis] = rank - 1;
	perm[rank - 1] = axis;
	st = vo_transpose(x, a, perm, &tv);
	if (!st)
		st = vo_tensor(x, &tv, &t);
	if (!st)
		st = vo_builder(x, vnpu_graph_softmax(x->g, vo_name(x, "softmax"), t, 0, 0, &y));
	if (!st) {
		if (tv.is_const) {	/* from here on a graph tensor */
			vo_shape(&tv, &tv.rank, tv.dims);
			vo_val_free(&tv);
			tv.is_const = false;
			tv.type = VO_FLOAT;
		}
		tv.t = y;
		st = vo_transpose(x, &tv, perm, &back);	/* the swap is its own inverse */
	}
	vo_val_free(&tv);
	if (st)
		return st;
	r.t = back.t;
	return vo_set(x, 0, &r);
}

/* A constant [R, 1] of VAL (host), as a graph tensor. */
static vnpu_status vo_fill_col(struct vo_ctx *x, int64_t rows, float val, vnpu_tensor *t)
{
	uint32_t d[2] = { (uint32_t)rows, 1 };
	float *buf = malloc((size_t)rows * sizeof(float));
	vnpu_status st;

	if (!buf)
		return vnpu_rt_error(VNPU_STATUS_OUT_OF_MEMORY, "ONNX import: out of memory");
	for (int64_t i = 0; i < rows; i++)
		buf[i] = val;
	st = vnpu_graph_constant(x->g, vo_name(x, "fill"), VNPU_DTYPE_FP32, 2, d, buf,
				 (size_t)rows * 4, VNPU_CONST_COPY, t);
	free(buf);
	return vo_builder(x, st);
}

/* GAMMA or BETA of a layer norm: a float constant broadcast to [N]. */
static vnpu_status vo_norm_param(struct vo_ctx *x, struct vo_val *v, const char *what,
				 uint32_t rank, const int64_t *dims, vnpu_tensor *t)
{
	struct vo_val e = { 0 };
	int64_t n = (int64_t)vo_count(rank, dims);
	vnpu_status st;

	*t = 0;
	if (!v)
		return VNPU_STATUS_OK;
	if (vo_type(v) != VO_FLOAT)
		return vo_fail(x, "%s is %s: the card's NORM takes float parameters", what,
			       vo_type_name(vo_type(v)));
	st = vo_expand(x, v, rank, dims, &e);
	if (!st)
		st = vo_as(x, &e, 1, &n, t);
	vo_val_free(&e);
	return st;
}

static vnpu_status vo_layernorm_op(struct vo_ctx *x)
{
	struct vo_val *a = vo_in(x, 0), r = { 0 }, sv[2];
	int64_t dims[VNPU_ONNX_MAX_RANK], flat[2], sd[VNPU_ONNX_MAX_RANK];
	float eps = vo_attr_float(x, "epsilon", 1e-5f);
	uint32_t rank, axis, sr[2] = { 0, 0 };
	vnpu_tensor xt, g, b, y;
	vnpu_status st;

	if ((st = vo_need_float(x, a, "input X")))
		return st;
	vo_shape(a, &rank, dims);
	st = vo_axis(x, vo_attr_int(x, "axis", -1), rank, &axis);
	if (st)
		return st;
	flat[0] = (int64_t)vo_count(axis, dims);
	flat[1] = (int64_t)vo_count(rank - axis, dims + axis);
	if ((st = vo_norm_param(x, vo_in(x, 1), "Scale", rank - axis, dims + axis, &g)) ||
	    (st = vo_norm_param(x, vo_in(x, 2), "B", rank - axis, dims + axis, &b)) ||
	    (st = vo_as(x, a, 2, flat, &xt)))
		return st;
	if (!g)
		return vo_fail_st(x, VNPU_STATUS_INVALID_ARGUMENT, "Scale is missing");
	st = vo_builder(x, vnpu_graph_layernorm(x->g, vo_name(x, "layernorm"), xt, g, b,
						eps, &y));
	r.type = VO_FLOAT;
	r.rank = rank;
	memcpy(r.dims, dims, sizeof(dims));
	if (!st)
		st = vo_reshape(x, y, rank, dims, &r.t);
	/* Mean and InvStdDev: the same sums as the card's NORM, as ops */
	memset(sv, 0, sizeof(sv));
	memcpy(sd, dims, sizeof(sd));
	for (uint32_t d = axis; d < rank; d++)
		sd[d] = 1;
	if (!st && (vo_out_wanted(x, 1) || vo_out_wanted(x, 2))) {
		vnpu_tensor mean, mexp, dv, dd, var, e, one, s, inv;
		uint32_t dims2[2] = { (uint32_t)flat[0], (uint32_t)flat[1] };
		int32_t str[2] = { 1, 0 };

		st = vo_builder(x, vnpu_graph_reduce(x->g, vo_name(x, "mean"),
						     VNPU_REDUCTION_MEAN, xt, &mean));
		if (!st)
			st = vo_builder(x, vnpu_graph_strided(x->g, vo_name(x, "mexp"), mean, 0,
							      2, dims2, str, &mexp));
		if (!st)
			st = vo_builder(x, vnpu_graph_binary_op(x->g, vo_name(x, "d"),
								VNPU_BINARY_SUB, xt, mexp, &dv));
		if (!st)
			st = vo_builder(x, vnpu_graph_mul(x->g, vo_name(x, "dd"), dv, dv, &dd));
		if (!st)
			st = vo_builder(x, vnpu_graph_reduce(x->g, vo_name(x, "var"),
							     VNPU_REDUCTION_MEAN, dd, &var));
		if (!st)
			st = vo_fill_col(x, flat[0], eps, &e);
		if (!st)
			st = vo_builder(x, vnpu_graph_add(x->g, vo_name(x, "vareps"), var, e, &var));
		if (!st)
			st = vo_builder(x, vnpu_graph_unary_op(x->g, vo_name(x, "sd"),
							       VNPU_UNARY_SQRT, var, &s));
		if (!st)
			st = vo_fill_col(x, flat[0], 1.0f, &one);
		if (!st)
			st = vo_builder(x, vnpu_graph_binary_op(x->g, vo_name(x, "inv"),
								VNPU_BINARY_DIV, one, s, &inv));
		for (int k = 0; k < 2 && !st; k++) {
			sv[k].type = VO_FLOAT;
			sv[k].rank = rank;
			memcpy(sv[k].dims, sd, sizeof(sd));
			st = vo_reshape(x, k ? inv : mean, rank, sd, &sv[k].t);
			sr[k] = 1;
		}
	}
	if (st)
		return st;
	st = vo_set(x, 0, &r);
	for (int k = 0; k < 2 && !st; k++)
		if (sr[k] && vo_out_wanted(x, 1 + k))
			st = vo_set(x, 1 + k, &sv[k]);
	return st;
}

/* Reductions over AXES: reduced axes moved last, one REDUCE packet. */
static vnpu_status vo_reduce(struct vo_ctx *x, vnpu_reduction kind, int axes_input_from)
{
	struct vo_val *a = vo_in(x, 0), tv = { 0 }, r = { 0 };
	int64_t dims[VNPU_ONNX_MAX_RANK], axes[VNPU_ONNX_MAX_RANK], flat[2];
	int64_t od[VNPU_ONNX_MAX_RANK];
	uint32_t rank, naxes = 0, perm[VNPU_ONNX_MAX_RANK], np = 0, orank = 0;
	bool red[VNPU_ONNX_MAX_RANK] = { false }, present;
	bool keep = vo_attr_int(x, "keepdims", 1) != 0;
	vnpu_tensor t, y;
	vnpu_status st;

	if ((st = vo_need_float(x, a, "input")))
		return st;
	vo_shape(a, &rank, dims);
	if (x->opset >= axes_input_from) {
		present = vo_in(x, 1) != NULL;
		if (present && (st = vo_ints(x, vo_in(x, 1), "axes", axes,
					     VNPU_ONNX_MAX_RANK, &naxes)))
			return st;
	} else if ((st = vo_attr_ints(x, "axes", axes, VNPU_ONNX_MAX_RANK, &naxes,
				      &present))) {
		return st;
	}
	if (!naxes && vo_attr_int(x, "noop_with_empty_axes", 0)) {
		r.type = VO_FLOAT;
		vo_shape(a, &r.rank, r.dims);
		st = vo_tensor(x, a, &r.t);
		return st ? st : vo_set(x, 0, &r);
	}
	for (uint32_t i = 0; i < naxes; i++) {
		uint32_t ax;

		if ((st = vo_axis(x, axes[i], rank, &ax)))
			return st;
		red[ax] = true;
	}
	for (uint32_t d = 0; d < rank; d++)
		if (!naxes)
			red[d] = true;
	for (uint32_t d = 0; d < rank; d++)
		if (!red[d])
			perm[np++] = d;
	flat[0] = 1;
	flat[1] = 1;
	for (uint32_t d = 0; d < rank; d++) {
		if (red[d]) {
			perm[np++] = d;
			flat[1] *= dims[d];
			if (keep)
				od[orank++] = 1;
		} else {
			flat[0] *= dims[d];
			od[orank++] = dims[d];
		}
	}
	st = vo_transpose(x, a, perm, &tv);
	if (!st)
		st = vo_as(x, &tv, 2, flat, &t);
	vo_val_free(&tv);
	if (!st)
		st = vo_builder(x, vnpu_graph_reduce(x->g, vo_name(x, "reduce"), kind, t, &y));
	r.type = VO_FLOAT;
	r.rank = orank;
	memcpy(r.dims, od, sizeof(od));
	if (!st)
		st = vo_reshape(x, y, orank, od, &r.t);
	return st ? st : vo_set(x, 0, &r);
}

static vnpu_status vo_reducemean_op(struct vo_ctx *x)
{
	return vo_reduce(x, VNPU_REDUCTION_MEAN, 18);
}

static vnpu_status vo_reducesum_op(struct vo_ctx *x)
{
	return vo_reduce(x, VNPU_REDUCTION_SUM, 13);
}

static vnpu_status vo_reducemax_op(struct vo_ctx *x)
{
	return vo_reduce(x, VNPU_REDUCTION_MAX, 18);
}

static vnpu_status vo_reducemin_op(struct vo_ctx *x)
{
	return vo_reduce(x, VNPU_REDUCTION_MIN, 18);
}

/* stash_type: the card computes the statistics in float (1) anyway. */
const struct vo_op_entry vo_nn_ops[] = {
	{ "MatMul", vo_matmul_op, "" },
	{ "Gemm", vo_gemm_op, "alpha beta transA transB" },
	{ "Softmax", vo_softmax_op, "axis" },
	{ "LayerNormalization", vo_layernorm_op, "axis epsilon stash_type=1" },
	{ "ReduceMean", vo_reducemean_op, "axes keepdims noop_with_empty_axes" },
	{ "ReduceSum", vo_reducesum_op, "axes keepdims noop_with_empty_axes" },
	{ "ReduceMax", vo_reducemax_op, "axes keepdims noop_with_empty_axes" },
	{ "ReduceMin", vo_reducemin_op, "axes keepdims noop_with_empty_axes" },
	{ NULL, NULL, NULL },
};
