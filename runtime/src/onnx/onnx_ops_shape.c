// SPDX-License-Identifier: MIT
/*
 * ONNX data-movement operators: constants, views (Reshape, Flatten,
 * (Un)Squeeze, Identity: no copy), strided copies (Transpose, Slice,
 * Gather with constant indices, Expand, Concat) and the host folding of
 * shape arithmetic (Shape, Cast, ConstantOfShape, Dequantize of
 * constants).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <drm/vnpu_cmd.h>
#include <vnpu_engine/ops.h>

#include "../vnpu_internal.h"
#include "onnx_ops.h"
#include "onnx_util.h"

static vnpu_status vo_oom(void)
{
	return vnpu_rt_error(VNPU_STATUS_OUT_OF_MEMORY, "ONNX import: out of memory");
}

static struct vo_val *vo_in0(struct vo_ctx *x)
{
	return vo_in(x, 0);
}

static vnpu_status vo_missing(struct vo_ctx *x)
{
	return vo_fail_st(x, VNPU_STATUS_INVALID_ARGUMENT, "an input is missing");
}

/* Output 0 = V under a new shape (no data moves). */
static vnpu_status vo_view(struct vo_ctx *x, struct vo_val *v, uint32_t rank,
			   const int64_t *dims)
{
	struct vo_val r = { 0 };
	uint32_t vr;
	int64_t vd[VNPU_ONNX_MAX_RANK];

	vo_shape(v, &vr, vd);
	if (vo_count(vr, vd) != vo_count(rank, dims))
		return vo_fail_st(x, VNPU_STATUS_INVALID_ARGUMENT,
				  "%llu elements cannot take a shape of %llu",
				  (unsigned long long)vo_count(vr, vd),
				  (unsigned long long)vo_count(rank, dims));
	if (v->is_const) {
		r.is_const = true;
		if (!vo_tensor_alloc(&r.c, v->c.onnx_type, rank, dims))
			return vo_oom();
		if (v->c.f)
			memcpy(r.c.f, v->c.f, v->c.count * sizeof(float));
		else
			memcpy(r.c.i, v->c.i, v->c.count * sizeof(int64_t));
		return vo_set(x, 0, &r);
	}
	r.type = v->type;
	r.rank = rank;
	memcpy(r.dims, dims, rank * sizeof(*dims));
	if (!vo_count(rank, dims))
		return vo_fail(x, "an empty result");
	if (rank) {
		vnpu_status st = vo_reshape(x, v->t, rank, dims, &r.t);

		if (st)
			return st;
	} else {
		r.t = v->t;	/* rank 0: [1] either way */
	}
	return vo_set(x, 0, &r);
}

static vnpu_status vo_identity_op(struct vo_ctx *x)
{
	struct vo_val *v = vo_in0(x);
	uint32_t rank;
	int64_t dims[VNPU_ONNX_MAX_RANK];

	if (!v)
		return vo_missing(x);
	vo_shape(v, &rank, dims);
	return vo_view(x, v, rank, dims);
}

static vnpu_status vo_constant_op(struct vo_ctx *x)
{
	const Onnx__AttributeProto *a;
	struct vo_val r = { .is_const = true };
	const char *why;
	bool unsup;

	if ((a = vo_attr(x, "value")) && a->t) {
		why = vo_tensor_from_proto(a->t, &r.c, &unsup);
		if (why)
			return vo_fail_st(x, unsup ? VNPU_STATUS_UNSUPPORTED :
					  VNPU_STATUS_INVALID_ARGUMENT, "value: %s", why);
	} else if ((a = vo_attr(x, "value_float")) && a->has_f) {
		if (!vo_tensor_alloc(&r.c, VO_FLOAT, 0, NULL))
			return vo_oom();
		r.c.f[0] = a->f;
	} else if ((a = vo_attr(x, "value_floats"))) {
		int64_t n = (int64_t)a->n_floats;

		if (!vo_tensor_alloc(&r.c, VO_FLOAT, 1, &n))
			return vo_oom();
		if (a->n_floats)
			memcpy(r.c.f, a->floats, a->n_floats * sizeof(float));
	} else if ((a = vo_attr(x, "value_int")) && a->has_i) {
		if (!vo_tensor_alloc(&r.c, VO_INT64, 0, NULL))
			return vo_oom();
		r.c.i[0] = a->i;
	} else if ((a = vo_attr(x, "value_ints"))) {
		int64_t n = (int64_t)a->n_ints;

		if (!vo_tensor_alloc(&r.c, VO_INT64, 1, &n))
			return vo_oom();
		if (a->n_ints)
			memcpy(r.c.i, a->ints, a->n_ints * sizeof(int64_t));
	} else {
		return vo_fail(x, "only value, value_float(s) and value_int(s) attributes are supported");
	}
	return vo_set(x, 0, &r);
}

static vnpu_status vo_reshape_op(struct vo_ctx *x)
{
	struct vo_val *v = vo_in0(x);
	int64_t shape[VNPU_ONNX_MAX_RANK], vd[VNPU_ONNX_MAX_RANK];
	uint32_t n, vr, infer = UINT32_MAX;
	bool allowzero = vo_attr_int(x, "allowzero", 0) != 0;
	uint64_t known = 1, total;
	vnpu_status st;

	if (!v)
		return vo_missing(x);
	if (x->opset < 5)
		return vo_fail(x, "opset %lld: Reshape's shape attribute", (long long)x->opset);
	if ((st = vo_ints(x, vo_in(x, 1), "shape", shape, VNPU_ONNX_MAX_RANK, &n)))
		return st;
	vo_shape(v, &vr, vd);
	total = vo_count(vr, vd);
	for (uint32_t d = 0; d < n; d++) {
		if (shape[d] == 0 && !allowzero) {
			if (d >= vr)
				return vo_fail_st(x, VNPU_STATUS_INVALID_ARGUMENT,
						  "shape[%u] = 0 copies a dimension the input lacks", d);
			shape[d] = vd[d];
		}
		if (shape[d] == -1) {
			if (infer != UINT32_MAX)
				return vo_fail_st(x, VNPU_STATUS_INVALID_ARGUMENT, "two -1 in the shape");
			infer = d;
			continue;
		}
		if (shape[d] < 0)
			return vo_fail_st(x, VNPU_STATUS_INVALID_ARGUMENT, "shape[%u] = %lld", d,
					  (long long)shape[d]);
		known *= (uint64_t)shape[d];
	}
	if (infer != UINT32_MAX) {
		if (!known || total % known)
			return vo_fail_st(x, VNPU_STATUS_INVALID_ARGUMENT,
					  "cannot infer the -1 dimension");
		shape[infer] = (int64_t)(total / known);
	}
	return vo_view(x, v, n, shape);
}

static vnpu_status vo_flatten_op(struct vo_ctx *x)
{
	struct vo_val *v = vo_in0(x);
	int64_t vd[VNPU_ONNX_MAX_RANK], d2[2];
	uint32_t vr, axis;
	vnpu_status st;

	if (!v)
		return vo_missing(x);
	vo_shape(v, &vr, vd);
	if (vo_attr_int(x, "axis", 1) == (int64_t)vr)
		axis = vr;
	else if ((st = vo_axis(x, vo_attr_int(x, "axis", 1), vr, &axis)))
		return st;
	d2[0] = (int64_t)vo_count(axis, vd);
	d2[1] = (int64_t)vo_count(vr - axis, vd + axis);
	return vo_view(x, v, 2, d2);
}

/* The axes of (Un)Squeeze: an attribute before opset 13, an input since. */
static vnpu_status vo_sq_axes(struct vo_ctx *x, int64_t *axes, uint32_t *n, bool *present)
{
	if (x->opset >= 13) {
		*present = vo_in(x, 1) != NULL;
		*n = 0;
		return *present ? vo_ints(x, vo_in(x, 1), "axes", axes, VNPU_ONNX_MAX_RANK, n) :
				  VNPU_STATUS_OK;
	}
	return vo_attr_ints(x, "axes", axes, VNPU_ONNX_MAX_RANK, n, present);
}

static vnpu_status vo_unsqueeze_op(struct vo_ctx *x)
{
	struct vo_val *v = vo_in0(x);
	int64_t vd[VNPU_ONNX_MAX_RANK], axes[VNPU_ONNX_MAX_RANK], od[VNPU_ONNX_MAX_RANK];
	bool ins[VNPU_ONNX_MAX_RANK] = { false }, present;
	uint32_t vr, n, orank, k = 0;
	vnpu_status st;

	if (!v)
		return vo_missing(x);
	if ((st = vo_sq_axes(x, axes, &n, &present)))
		return st;
	vo_shape(v, &vr, vd);
	orank = vr + n;
	if (orank > VNPU_ONNX_MAX_RANK)
		return vo_fail(x, "a result of %u dimensions", orank);
	for (uint32_t i = 0; i < n; i++) {
		uint32_t a;

		if ((st = vo_axis(x, axes[i], orank, &a)))
			return st;
		if (ins[a])
			return vo_fail_st(x, VNPU_STATUS_INVALID_ARGUMENT, "axis %u twice", a);
		ins[a] = true;
	}
	for (uint32_t d = 0; d < orank; d++)
		od[d] = ins[d] ? 1 : vd[k++];
	return vo_view(x, v, orank, od);
}

static vnpu_status vo_squeeze_op(struct vo_ctx *x)
{
	struct vo_val *v = vo_in0(x);
	int64_t vd[VNPU_ONNX_MAX_RANK], axes[VNPU_ONNX_MAX_RANK], od[VNPU_ONNX_MAX_RANK];
	bool drop[VNPU_ONNX_MAX_RANK] = { false }, present;
	uint32_t vr, n, orank = 0;
	vnpu_status st;

	if (!v)
		return vo_missing(x);
	if ((st = vo_sq_axes(x, axes, &n, &present)))
		return st;
	vo_shape(v, &vr, vd);
	for (uint32_t i = 0; i < n; i++) {
		uint32_t a;

		if ((st = vo_axis(x, axes[i], vr, &a)))
			return st;
		if (vd[a] != 1)
			return vo_fail_st(x, VNPU_STATUS_INVALID_ARGUMENT,
					  "axis %u has %lld elements, not 1", a, (long long)vd[a]);
		drop[a] = true;
	}
	for (uint32_t d = 0; d < vr; d++)
		if (!(n ? drop[d] : vd[d] == 1))
			od[orank++] = vd[d];
	return vo_view(x, v, orank, od);
}

static vnpu_status vo_transpose_op(struct vo_ctx *x)
{
	struct vo_val *v = vo_in0(x), r;
	int64_t vd[VNPU_ONNX_MAX_RANK], p[VNPU_ONNX_MAX_RANK];
	uint32_t vr, n, perm[VNPU_ONNX_MAX_RANK];
	bool present, seen[VNPU_ONNX_MAX_RANK] = { false };
	vnpu_status st;

	if (!v)
		return vo_missing(x);
	vo_shape(v, &vr, vd);
	if ((st = vo_attr_ints(x, "perm", p, VNPU_ONNX_MAX_RANK, &n, &present)))
		return st;
	if (present && n != vr)
		return vo_fail_st(x, VNPU_STATUS_INVALID_ARGUMENT, "perm has %u entries for rank %u",
				  n, vr);
	for (uint32_t d = 0; d < vr; d++) {
		int64_t q = present ? p[d] : (int64_t)(vr - 1 - d);

		if (q < 0 || q >= (int64_t)vr || seen[q])
			return vo_fail_st(x, VNPU_STATUS_INVALID_ARGUMENT, "perm is not a permutation");
		seen[q] = true;
		perm[d] = (uint32_t)q;
	}
	st = vo_transpose(x, v, perm, &r);
	return st ? st : vo_set(x, 0, &r);
}

/* Host concatenation of constants along AXIS. */
static vnpu_status vo_concat_host(struct vo_ctx *x, uint32_t axis, uint32_t rank,
				  const int64_t *dims)
{
	struct vo_val r = { .is_const = true };
	uint64_t inner = vo_count(rank - axis - 1, dims + axis + 1), outer = vo_count(axis, dims);
	uint64_t at = 0;
	struct vo_val *v0 = vo_in0(x);

	if (!vo_tensor_alloc(&r.c, v0->c.onnx_type, rank, dims))
		return vo_oom();
	for (uint32_t k = 0; k < vo_nin(x); k++) {
		struct vo_val *v = vo_in(x, k);
		uint64_t run = (uint64_t)v->c.dims[axis] * inner;

		for (uint64_t o = 0; o < outer; o++)
			for (uint64_t i = 0; i < run; i++) {
				uint64_t d = o * dims[axis] * inner + at * inner + i;

				if (r.c.f)
					r.c.f[d] = v->c.f[o * run + i];
				else
					r.c.i[d] = v->c.i[o * run + i];
			}
		at += (uint64_t)v->c.dims[axis];
	}
	return vo_set(x, 0, &r);
}

static vnpu_status vo_concat_op(struct vo_ctx *x)
{
	struct vo_val *v0 = vo_in0(x), r = { 0 };
	int64_t dims[VNPU_ONNX_MAX_RANK], vd[VNPU_ONNX_MAX_RANK];
	uint32_t rank, axis, vr, k, gaxis;
	bool all_const = true;
	vnpu_tensor acc = 0, ts[5];
	vnpu_status st;

	if (!v0)
		return vo_missing(x);
	vo_shape(v0, &rank, dims);
	if (!rank)
		return vo_fail_st(x, VNPU_STATUS_INVALID_ARGUMENT, "scalars cannot be concatenated");
	if ((st = vo_axis(x, vo_attr_int(x, "axis", 0), rank, &axis)))
		return st;
	dims[axis] = 0;
	for (k = 0; k < vo_nin(x); k++) {
		struct vo_val *v = vo_in(x, k);

		if (!v)
			return vo_missing(x);
		vo_shape(v, &vr, vd);
		if (vr != rank || (vo_type(v) == VO_FLOAT) != (vo_type(v0) == VO_FLOAT))
			return vo_fail_st(x, VNPU_STATUS_INVALID_ARGUMENT,
					  "input %u differs in rank or type", k);
		for (uint32_t d = 0; d < rank; d++)
			if (d != axis && vd[d] != dims[d])
				return vo_fail_st(x, VNPU_STATUS_INVALID_ARGUMENT,
						  "input %u differs beyond the axis", k);
		dims[axis] += vd[axis];
		all_const &= v->is_const;
	}
	if (all_const)
		return vo_concat_host(x, axis, rank, dims);
	if (vo_type(v0) != VO_FLOAT)
		return vo_fail(x, "inputs are %s: the card concatenates float tensors",
			       vo_type_name(vo_type(v0)));
	if (rank > VNPU_MAX_RANK)
		return vo_fail(x, "rank %u (the card's tensors have 1..4)", rank);
	gaxis = rank ? axis : 0;
	/* the card's CONCAT takes up to 5 inputs: chain */
	for (k = 0; k < vo_nin(x);) {
		uint32_t c = 0;

		if (acc)
			ts[c++] = acc;
		while (c < 5 && k < vo_nin(x)) {
			struct vo_val *v = vo_in(x, k++);

			vo_shape(v, &vr, vd);
			if (!vo_count(vr, vd))
				continue;	/* empty inputs add nothing */
			if ((st = vo_tensor(x, v, &ts[c++])))
				return st;
		}
		if (c == 1)
			acc = ts[0];
		else if ((st = vo_builder(x, vnpu_graph_concat(x->g, vo_name(x, "concat"), c,
							       ts, gaxis, &acc))))
			return st;
	}
	r.type = VO_FLOAT;
	r.rank = rank;
	memcpy(r.dims, dims, sizeof(dims));
	r.t = acc;
	return vo_set(x, 0, &r);
}

/* Gather along AXIS with constant indices: strided copies. */
static vnpu_status vo_gather_op(struct vo_ctx *x)
{
	struct vo_val *v = vo_in0(x), *iv = vo_in(x, 1), r = { 0 }, part = { 0 };
	int64_t vd[VNPU_ONNX_MAX_RANK], od[VNPU_ONNX_MAX_RANK], d3[3];
	uint32_t vr, axis, orank = 0;
	uint64_t outer, inner, cnt;
	int64_t st3[3];
	int64_t *idx, step = 0;
	bool progression = true;
	vnpu_status st;

	if (!v || !iv)
		return vo_missing(x);
	if (!iv->is_const || !iv->c.i)
		return vo_fail(x, "indices must be an integer constant (known when compiling)");
	vo_shape(v, &vr, vd);
	if ((st = vo_axis(x, vo_attr_int(x, "axis", 0), vr, &axis)))
		return st;
	if (!vr)
		return vo_fail_st(x, VNPU_STATUS_INVALID_ARGUMENT, "data is a scalar");
	cnt = iv->c.count;
	if (vr - 1 + iv->c.rank > VNPU_ONNX_MAX_RANK)
		return vo_fail(x, "a result of more than 8 dimensions");
	idx = malloc((cnt ? cnt : 1) * sizeof(*idx));
	if (!idx)
		return vo_oom();
	for (uint64_t i = 0; i < cnt; i++) {
		int64_t q = iv->c.i[i];

		if (q < 0)
			q += vd[axis];
		if (q < 0 || q >= vd[axis]) {
			free(idx);
			return vo_fail_st(x, VNPU_STATUS_INVALID_ARGUMENT,
					  "index %lld is outside %lld", (long long)iv->c.i[i],
					  (long long)vd[axis]);
		}
		idx[i] = q;
		if (i == 1)
			step = idx[1] - idx[0];
		if (i > 1 && idx[i] - idx[i - 1] != step)
			progression = false;
	}
	for (uint32_t d = 0; d < axis; d++)
		od[orank++] = vd[d];
	for (uint32_t d = 0; d < iv->c.rank; d++)
		od[orank++] = iv->c.dims[d];
	for (uint32_t d = axis + 1; d < vr; d++)
		od[orank++] = vd[d];
	outer = vo_count(axis, vd);
	inner = vo_count(vr - axis - 1, vd + axis + 1);
	d3[0] = (int64_t)outer;
	d3[2] = (int64_t)inner;
	st3[0] = vd[axis] * (int64_t)inner;
	st3[2] = 1;
	if (!cnt) {
		free(idx);
		return vo_fail(x, "no indices (an empty result)");
	}
	if (progression || v->is_const) {
		/* constants: one host pass per index is the same arithmetic */
		if (progression) {
			d3[1] = (int64_t)cnt;
			st3[1] = step * (int64_t)inner;
			st = vo_strided(x, v, (uint64_t)idx[0] * inner, 3, d3, st3, &part);
		} else {
			struct vo_val acc = { .is_const = true };

			st = vo_tensor_alloc(&acc.c, v->c.onnx_type, 3,
					     (int64_t[]){ d3[0], (int64_t)cnt, d3[2] }) ?
			     VNPU_STATUS_OK : vo_oom();
			for (uint64_t o = 0; !st && o < outer; o++)
				for (uint64_t i = 0; i < cnt; i++)
					for (uint64_t j = 0; j < inner; j++) {
						uint64_t s = (o * vd[axis] + idx[i]) * inner + j;
						uint64_t d = (o * cnt + i) * inner + j;

						if (acc.c.f)
							acc.c.f[d] = v->c.f[s];
						else
							acc.c.i[d] = v->c.i[s];
					}
			part = acc;
		}
		free(idx);
		if (st)
			return st;
		if (part.is_const) {
			memcpy(part.c.dims, od, sizeof(od));
			part.c.rank = orank;
			return vo_set(x, 0, &part);
		}
		r = part;
		r.rank = orank;
		memcpy(r.dims, od, sizeof(od));
		st = vo_reshape(x, part.t, orank, od, &r.t);
		return st ? st : vo_set(x, 0, &r);
	}
	/* arbitrary indices on the card: one strided pick each, concatenated */
	{
		vnpu_tensor acc = 0, ts[5];
		uint64_t i = 0;

		d3[1] = 1;
		st3[1] = 0;
		st = VNPU_STATUS_OK;
		while (!st && i < cnt) {
			uint32_t c = 0;

			if (acc)
				ts[c++] = acc;
			while (!st && c < 5 && i < cnt) {
				st = vo_strided(x, v, (uint64_t)idx[i++] * inner, 3, d3, st3, &part);
				ts[c++] = part.t;
			}
			if (!st)
				st = c == 1 ? (acc = ts[0], VNPU_STATUS_OK) :
				     vo_builder(x, vnpu_graph_concat(x->g, vo_name(x, "gather"), c,
								     ts, 1, &acc));
		}
		free(idx);
		if (st)
			return st;
		r.type = vo_type(v);
		r.rank = orank;
		memcpy(r.dims, od, sizeof(od));
		st = vo_reshape(x, acc, orank, od, &r.t);
		return st ? st : vo_set(x, 0, &r);
	}
}

static int64_t vo_clamp(int64_t v, int64_t lo, int64_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

static vnpu_status vo_slice_op(struct vo_ctx *x)
{
	struct vo_val *v = vo_in0(x), r;
	int64_t vd[VNPU_ONNX_MAX_RANK], starts[VNPU_ONNX_MAX_RANK], ends[VNPU_ONNX_MAX_RANK];
	int64_t axes[VNPU_ONNX_MAX_RANK], steps[VNPU_ONNX_MAX_RANK], od[VNPU_ONNX_MAX_RANK];
	uint64_t dense[VNPU_ONNX_MAX_RANK], off = 0;
	int64_t str[VNPU_ONNX_MAX_RANK];
	int64_t first[VNPU_ONNX_MAX_RANK], step[VNPU_ONNX_MAX_RANK];
	uint32_t vr, ns, ne, na = 0, nst = 0;
	bool present;
	vnpu_status st;

	if (!v)
		return vo_missing(x);
	vo_shape(v, &vr, vd);
	if (x->opset >= 10) {
		if ((st = vo_ints(x, vo_in(x, 1), "starts", starts, VNPU_ONNX_MAX_RANK, &ns)) ||
		    (st = vo_ints(x, vo_in(x, 2), "ends", ends, VNPU_ONNX_MAX_RANK, &ne)))
			return st;
		if (vo_in(x, 3) && (st = vo_ints(x, vo_in(x, 3), "axes", axes,
						 VNPU_ONNX_MAX_RANK, &na)))
			return st;
		if (vo_in(x, 4) && (st = vo_ints(x, vo_in(x, 4), "steps", steps,
						 VNPU_ONNX_MAX_RANK, &nst)))
			return st;
	} else {
		if ((st = vo_attr_ints(x, "starts", starts, VNPU_ONNX_MAX_RANK, &ns, &present)) ||
		    (st = vo_attr_ints(x, "ends", ends, VNPU_ONNX_MAX_RANK, &ne, &present)) ||
		    (st = vo_attr_ints(x, "axes", axes, VNPU_ONNX_MAX_RANK, &na, &present)))
			return st;
	}
	if (ns != ne || (na && na != ns) || (nst && nst != ns))
		return vo_fail_st(x, VNPU_STATUS_INVALID_ARGUMENT,
				  "starts, ends, axes and steps differ in length");
	for (uint32_t d = 0; d < vr; d++) {
		first[d] = 0;
		step[d] = 1;
		od[d] = vd[d];
	}
	for (uint32_t i = 0; i < ns; i++) {
		uint32_t a;
		int64_t s = nst ? steps[i] : 1, b, e, dim;

		if ((st = vo_axis(x, na ? axes[i] : i, vr, &a)))
			return st;
		dim = vd[a];
		if (!s)
			return vo_fail_st(x, VNPU_STATUS_INVALID_ARGUMENT, "a step of 0");
		b = starts[i] < 0 ? starts[i] + dim : starts[i];
		e = ends[i] < 0 ? ends[i] + dim : ends[i];
		if (s > 0) {
			b = vo_clamp(b, 0, dim);
			e = vo_clamp(e, 0, dim);
			od[a] = e > b ? (e - b + s - 1) / s : 0;
		} else {	/* backwards: a negative stride */
			b = vo_clamp(b, 0, dim - 1);
			e = vo_clamp(e, -1, dim - 1);
			od[a] = b > e ? (b - e - s - 1) / -s : 0;
		}
		first[a] = b;
		step[a] = s;
	}
	if (!vo_count(vr, od) && !v->is_const)
		return vo_fail(x, "an empty result (the card's tensors are never empty)");
	vo_dense(vr, vd, dense);
	for (uint32_t d = 0; d < vr; d++) {
		off += (uint64_t)first[d] * dense[d];
		str[d] = step[d] * (int64_t)dense[d];
	}
	st = vo_strided(x, v, off, vr, od, str, &r);
	return st ? st : vo_set(x, 0, &r);
}

static vnpu_status vo_cast_op(struct vo_ctx *x)
{
	struct vo_val *v = vo_in0(x), r = { .is_const = true };
	int64_t to = vo_attr_int(x, "to", 0);
	uint32_t rank;
	int64_t dims[VNPU_ONNX_MAX_RANK];

	if (!v)
		return vo_missing(x);
	vo_shape(v, &rank, dims);
	if (!v->is_const) {
		if (to == vo_type(v))
			return vo_view(x, v, rank, dims);
		if (to == VO_FLOAT)
			return vo_cast_bytes_card(x, v);
		if (vo_type(v) == VO_FLOAT)
			return vo_fail(x, "to %s: the card's tensors here are float",
				       vo_type_name((int32_t)to));
		return vo_fail(x, "%s to %s: the card converts int8, uint8 and bool to float",
			       vo_type_name(vo_type(v)), vo_type_name((int32_t)to));
	}
	if (!vo_is_float((int32_t)to) && !vo_is_int((int32_t)to))
		return vo_fail(x, "to %s", vo_type_name((int32_t)to));
	if (!vo_tensor_alloc(&r.c, (int32_t)to, rank, dims))
		return vo_oom();
	for (uint64_t i = 0; i < r.c.count; i++) {
		if (r.c.f)
			r.c.f[i] = v->c.f ? v->c.f[i] : (float)v->c.i[i];
		else if (v->c.i)
			r.c.i[i] = to == VO_BOOL ? v->c.i[i] != 0 : v->c.i[i];
		else if (to == VO_BOOL)
			r.c.i[i] = v->c.f[i] != 0.0f;
		else if (!(fabsf(v->c.f[i]) < 9.2e18f))
			return vo_val_free(&r), vo_fail(x, "%g does not fit an integer",
							(double)v->c.f[i]);
		else
			r.c.i[i] = (int64_t)v->c.f[i];
	}
	return vo_set(x, 0, &r);
}

static vnpu_status vo_shape_op(struct vo_ctx *x)
{
	struct vo_val *v = vo_in0(x), r = { .is_const = true };
	int64_t dims[VNPU_ONNX_MAX_RANK], n, s, e;
	uint32_t rank;

	if (!v)
		return vo_missing(x);
	vo_shape(v, &rank, dims);
	s = vo_attr_int(x, "start", 0);
	e = vo_attr_int(x, "end", rank);
	s = vo_clamp(s < 0 ? s + rank : s, 0, rank);
	e = vo_clamp(e < 0 ? e + rank : e, 0, rank);
	n = e > s ? e - s : 0;
	if (!vo_tensor_alloc(&r.c, VO_INT64, 1, &n))
		return vo_oom();
	memcpy(r.c.i, dims + s, (size_t)n * sizeof(int64_t));
	return vo_set(x, 0, &r);
}

static vnpu_status vo_size_op(struct vo_ctx *x)
{
	struct vo_val *v = vo_in0(x), r = { .is_const = true };
	int64_t dims[VNPU_ONNX_MAX_RANK];
	uint32_t rank;

	if (!v)
		return vo_missing(x);
	vo_shape(v, &rank, dims);
	if (!vo_tensor_alloc(&r.c, VO_INT64, 0, NULL))
		return vo_oom();
	r.c.i[0] = (int64_t)vo_count(rank, dims);
	return vo_set(x, 0, &r);
}

static vnpu_status vo_expand_op(struct vo_ctx *x)
{
	struct vo_val *v = vo_in0(x), r;
	int64_t shape[VNPU_ONNX_MAX_RANK], vd[VNPU_ONNX_MAX_RANK], dims[VNPU_ONNX_MAX_RANK];
	uint32_t n, vr, rank;
	vnpu_status st;

	if (!v)
		return vo_missing(x);
	if ((st = vo_ints(x, vo_in(x, 1), "shape", shape, VNPU_ONNX_MAX_RANK, &n)))
		return st;
	vo_shape(v, &vr, vd);
	if ((st = vo_bcast(x, vr, vd, n, shape, &rank, dims)))
		return st;
	st = vo_expand(x, v, rank, dims, &r);
	return st ? st : vo_set(x, 0, &r);
}

static vnpu_status vo_constantofshape_op(struct vo_ctx *x)
{
	const Onnx__AttributeProto *a = vo_attr(x, "value");
	struct vo_val r = { .is_const = true };
	vnpu_onnx_tensor val = { 0 };
	int64_t shape[VNPU_ONNX_MAX_RANK];
	uint32_t n;
	const char *why;
	bool unsup;
	vnpu_status st;

	if ((st = vo_ints(x, vo_in0(x), "shape", shape, VNPU_ONNX_MAX_RANK, &n)))
		return st;
	if (a && a->t) {
		why = vo_tensor_from_proto(a->t, &val, &unsup);
		if (why)
			return vo_fail(x, "value: %s", why);
		if (val.count != 1) {
			vnpu_onnx_tensor_free(&val);
			return vo_fail_st(x, VNPU_STATUS_INVALID_ARGUMENT, "value is not one element");
		}
	}
	if (vo_count(n, shape) > VO_MAX_FOLD ||
	    !vo_tensor_alloc(&r.c, a && a->t ? val.onnx_type : VO_FLOAT, n, shape)) {
		vnpu_onnx_tensor_free(&val);
		return vo_fail(x, "a result of more than 2^24 elements (or out of memory)");
	}
	for (uint64_t i = 0; i < r.c.count; i++) {
		if (r.c.f)
			r.c.f[i] = val.f ? val.f[0] : 0.0f;
		else
			r.c.i[i] = val.i ? val.i[0] : 0;
	}
	vnpu_onnx_tensor_free(&val);
	return vo_set(x, 0, &r);
}

static uint64_t s_count(const struct vo_val *v)
{
	uint32_t r;
	int64_t d[VNPU_ONNX_MAX_RANK];

	vo_shape(v, &r, d);
	return vo_count(r, d);
}

/* The per-axis parameter P of (De)QuantizeLinear for element I. */
static uint64_t vo_qindex(const struct vo_val *p, uint32_t rank, const int64_t *dims,
			  uint32_t axis, uint64_t i)
{
	if (p->c.count <= 1)
		return 0;
	return i / vo_count(rank - axis - 1, dims + axis + 1) % (uint64_t)dims[axis];
}

/*
 * (x - zero_point) of constant X on the host, times an X_SCALE computed
 * at run time on the card: the same two roundings as ONNX's reference.
 */
static vnpu_status vo_dequantize_card(struct vo_ctx *x, struct vo_val *v,
				      struct vo_val *s, struct vo_val *z,
				      uint32_t rank, const int64_t *dims, uint32_t axis)
{
	struct vo_val q = { .is_const = true, .name = "" }, sv = *s, r;
	uint32_t sr;
	int64_t sd[VNPU_ONNX_MAX_RANK];
	vnpu_status st;

	vo_shape(s, &sr, sd);
	if (vo_count(sr, sd) > 1 && (!rank || vo_count(sr, sd) != (uint64_t)dims[axis]))
		return vo_fail(x, "block quantization (x_scale of %llu values)",
			       (unsigned long long)vo_count(sr, sd));
	if (!vo_tensor_alloc(&q.c, VO_FLOAT, rank, dims))
		return vo_oom();
	for (uint64_t i = 0; i < q.c.count; i++) {
		uint64_t k = z && z->c.count > 1 ? i / vo_count(rank - axis - 1, dims + axis + 1) %
						   (uint64_t)dims[axis] : 0;

		q.c.f[i] = (float)(v->c.i[i] - (z ? z->c.i[k] : 0));
	}
	/* the scale as [1, .., C, .., 1] so it broadcasts along AXIS */
	if (vo_count(sr, sd) > 1) {
		sv.rank = rank;
		for (uint32_t d = 0; d < rank; d++)
			sv.dims[d] = d == axis ? dims[axis] : 1;
	}
	st = vo_mul_vals(x, &q, &sv, &r);
	vo_val_free(&q);
	return st ? st : vo_set(x, 0, &r);
}

static vnpu_status vo_dequantize_op(struct vo_ctx *x)
{
	struct vo_val *v = vo_in0(x), *s = vo_in(x, 1), *z = vo_in(x, 2);
	struct vo_val r = { .is_const = true };
	int64_t dims[VNPU_ONNX_MAX_RANK];
	uint32_t rank, axis = 0;
	vnpu_status st;

	if (!v || !s)
		return vo_missing(x);
	/* computed x or zero point: the card's QLINEAR */
	if (!v->is_const || (z && !z->is_const))
		return vo_qlinear_card(x, true);
	if (!v->c.i)
		return vo_fail(x, "x is %s: only integers are dequantized", vo_type_name(vo_type(v)));
	if (vo_type(s) != VO_FLOAT || (z && !z->c.i))
		return vo_fail(x, "x_scale must be float and x_zero_point an integer");
	vo_shape(v, &rank, dims);
	/* the axis matters only for per-axis parameters */
	if (s_count(s) > 1 && rank && (st = vo_axis(x, vo_attr_int(x, "axis", 1), rank, &axis)))
		return st;
	if (!s->is_const)
		return vo_dequantize_card(x, v, s, z, rank, dims, axis);
	if (s->c.count > 1 && (!rank || s->c.count != (uint64_t)dims[axis]))
		return vo_fail(x, "block quantization (x_scale of %llu values)",
			       (unsigned long long)s->c.count);
	if (!vo_tensor_alloc(&r.c, VO_FLOAT, rank, dims))
		return vo_oom();
	for (uint64_t i = 0; i < r.c.count; i++) {
		uint64_t q = vo_qindex(s, rank, dims, axis, i);
		int64_t zp = z ? z->c.i[z->c.count > 1 ? q : 0] : 0;

		r.c.f[i] = (float)(v->c.i[i] - zp) * s->c.f[q];
	}
	return vo_set(x, 0, &r);
}

static vnpu_status vo_quantize_op(struct vo_ctx *x)
{
	struct vo_val *v = vo_in0(x), *s = vo_in(x, 1), *z = vo_in(x, 2);
	struct vo_val r = { .is_const = true };
	int64_t dims[VNPU_ONNX_MAX_RANK];
	int32_t type = z ? vo_type(z) : VO_UINT8;
	uint32_t rank, axis = 0;
	vnpu_status st;

	if (!v || !s)
		return vo_missing(x);
	/* anything computed: the card's QLINEAR */
	if (!v->is_const || !s->is_const || (z && !z->is_const))
		return vo_qlinear_card(x, false);
	if (!v->c.f || !s->c.f || (z && !z->c.i))
		return vo_fail(x, "x and y_scale must be float and y_zero_point an integer");
	if (type != VO_INT8 && type != VO_UINT8)
		return vo_fail(x, "a %s result", vo_type_name(type));
	vo_shape(v, &rank, dims);
	/* the axis matters only for per-axis parameters */
	if (s_count(s) > 1 && rank && (st = vo_axis(x, vo_attr_int(x, "axis", 1), rank, &axis)))
		return st;
	if (s->c.count > 1 && (!rank || s->c.count != (uint64_t)dims[axis]))
		return vo_fail(x, "block quantization");
	if (!vo_tensor_alloc(&r.c, type, rank, dims))
		return vo_oom();
	for (uint64_t i = 0; i < r.c.count; i++) {
		uint64_t q = vo_qindex(s, rank, dims, axis, i);
		uint8_t zp = (uint8_t)(z ? z->c.i[z->c.count > 1 ? q : 0] : 0), b;

		/* the card's arithmetic: x / scale, half to even, saturate */
		vnpu_qlinear(type == VO_UINT8 ? VNPU_QLINEAR_UNSIGNED : 0, &v->c.f[i], &b,
			     &s->c.f[q], &zp, 1, 1, 0, 1);
		r.c.i[i] = type == VO_UINT8 ? b : (int8_t)b;
	}
	return vo_set(x, 0, &r);
}

#define VO_WHERE_MAX_RUNS 4096

/*
 * Where with a constant condition: the result is runs of X and of Y, each
 * a strided copy, concatenated (exact; the runs bound the packets).
 */
static vnpu_status vo_where_card(struct vo_ctx *x, struct vo_val *c, struct vo_val *a,
				 struct vo_val *b)
{
	struct vo_val ec = { 0 }, ea = { 0 }, eb = { 0 }, r = { 0 };
	int64_t d0[VNPU_ONNX_MAX_RANK], d1[VNPU_ONNX_MAX_RANK], d2[VNPU_ONNX_MAX_RANK];
	int64_t dims[VNPU_ONNX_MAX_RANK], n;
	uint32_t r0, r1, r2, rank, runs = 0;
	vnpu_tensor fa, fb, acc = 0, ts[5];
	vnpu_status st;
	uint64_t s = 0;

	if (vo_type(a) != VO_FLOAT || vo_type(b) != VO_FLOAT || !c->c.i)
		return vo_fail(x, "X and Y must be float and the condition bool");
	vo_shape(c, &r0, d0);
	vo_shape(a, &r1, d1);
	vo_shape(b, &r2, d2);
	if ((st = vo_bcast(x, r0, d0, r1, d1, &rank, dims)) ||
	    (st = vo_bcast(x, rank, dims, r2, d2, &rank, dims)))
		return st;
	n = (int64_t)vo_count(rank, dims);
	if ((st = vo_expand(x, c, rank, dims, &ec)) || (st = vo_expand(x, a, rank, dims, &ea)) ||
	    (st = vo_expand(x, b, rank, dims, &eb)) || (st = vo_as(x, &ea, 1, &n, &fa)) ||
	    (st = vo_as(x, &eb, 1, &n, &fb)))
		goto out;
	for (uint64_t i = 1; i <= ec.c.count; i++)
		runs += i == ec.c.count || !ec.c.i[i] != !ec.c.i[i - 1];
	if (runs > VO_WHERE_MAX_RUNS) {
		st = vo_fail(x, "the condition changes %u times (at most %u copies)", runs,
			     VO_WHERE_MAX_RUNS);
		goto out;
	}
	while (!st && s < ec.c.count) {
		uint32_t k = 0;

		if (acc)
			ts[k++] = acc;
		while (!st && k < 5 && s < ec.c.count) {
			uint64_t e = s + 1;
			uint32_t len;
			int32_t one = 1;

			while (e < ec.c.count && !ec.c.i[e] == !ec.c.i[s])
				e++;
			len = (uint32_t)(e - s);
			st = vo_builder(x, vnpu_graph_strided(x->g, vo_name(x, "run"),
							      ec.c.i[s] ? fa : fb, s, 1, &len,
							      &one, &ts[k++]));
			s = e;
		}
		if (!st)
			st = k == 1 ? (acc = ts[0], VNPU_STATUS_OK) :
			     vo_builder(x, vnpu_graph_concat(x->g, vo_name(x, "where"), k, ts, 0,
							     &acc));
	}
	r.type = VO_FLOAT;
	r.rank = rank;
	memcpy(r.dims, dims, sizeof(dims));
	if (!st)
		st = vo_reshape(x, acc, rank, dims, &r.t);
	if (!st)
		st = vo_set(x, 0, &r);
out:
	vo_val_free(&ec);
	vo_val_free(&ea);
	vo_val_free(&eb);
	return st;
}

static vnpu_status vo_where_op(struct vo_ctx *x)
{
	struct vo_val *c = vo_in0(x), *a = vo_in(x, 1), *b = vo_in(x, 2);
	struct vo_val ec = { 0 }, ea = { 0 }, eb = { 0 }, r = { .is_const = true };
	int64_t d0[VNPU_ONNX_MAX_RANK], d1[VNPU_ONNX_MAX_RANK], d2[VNPU_ONNX_MAX_RANK];
	int64_t dims[VNPU_ONNX_MAX_RANK];
	uint32_t r0, r1, r2, rank;
	vnpu_status st;

	if (!c || !a || !b)
		return vo_missing(x);
	if (!c->is_const)
		return vo_where_select(x, c, a, b);
	if (!a->is_const || !b->is_const)
		return vo_where_card(x, c, a, b);
	vo_shape(c, &r0, d0);
	vo_shape(a, &r1, d1);
	vo_shape(b, &r2, d2);
	if ((st = vo_bcast(x, r0, d0, r1, d1, &rank, dims)) ||
	    (st = vo_bcast(x, rank, dims, r2, d2, &rank, dims)))
		return st;
	if ((st = vo_expand(x, c, rank, dims, &ec)) || (st = vo_expand(x, a, rank, dims, &ea)) ||
	    (st = vo_expand(x, b, rank, dims, &eb)))
		goto out;
	if (!ec.c.i || (ea.c.f == NULL) != (eb.c.f == NULL) ||
	    !vo_tensor_alloc(&r.c, vo_type(a), rank, dims)) {
		st = vo_fail(x, "condition must be bool, X and Y of one type");
		goto out;
	}
	for (uint64_t i = 0; i < r.c.count; i++) {
		if (r.c.f)
			r.c.f[i] = ec.c.i[i] ? ea.c.f[i] : eb.c.f[i];
		else
			r.c.i[i] = ec.c.i[i] ? ea.c.i[i] : eb.c.i[i];
	}
	st = vo_set(x, 0, &r);
out:
	vo_val_free(&ec);
	vo_val_free(&ea);
	vo_val_free(&eb);
	return st;
}

/*
 * Cast's and QuantizeLinear's saturate only concerns float8 results, which
 * are refused; block quantization and another output type are not done.
 */
const struct vo_op_entry vo_shape_ops[] = {
	{ "Identity", vo_identity_op, "" },
	{ "Constant", vo_constant_op, "value value_float value_floats value_int value_ints" },
	{ "Reshape", vo_reshape_op, "allowzero" }, { "Flatten", vo_flatten_op, "axis" },
	{ "Unsqueeze", vo_unsqueeze_op, "axes" }, { "Squeeze", vo_squeeze_op, "axes" },
	{ "Transpose", vo_transpose_op, "perm" }, { "Concat", vo_concat_op, "axis" },
	{ "Gather", vo_gather_op, "axis" }, { "Slice", vo_slice_op, "starts ends axes" },
	{ "Cast", vo_cast_op, "to saturate" }, { "Shape", vo_shape_op, "start end" },
	{ "Size", vo_size_op, "" }, { "Expand", vo_expand_op, "" },
	{ "ConstantOfShape", vo_constantofshape_op, "value" },
	{ "DequantizeLinear", vo_dequantize_op, "axis block_size=0" },
	{ "QuantizeLinear", vo_quantize_op, "axis saturate block_size=0 output_dtype=0" },
	{ "Where", vo_where_op, "" },
	{ NULL, NULL, NULL },
};

const struct vo_op_entry *vo_find_op(const char *op_type)
{
	const struct vo_op_entry *tabs[] = { vo_math_ops, vo_nn_ops, vo_shape_ops,
					     vo_conv_ops, vo_logic_ops, vo_lstm_ops };

	for (size_t t = 0; t < sizeof(tabs) / sizeof(tabs[0]); t++)
		for (const struct vo_op_entry *e = tabs[t]; e->name; e++)
			if (!strcmp(e->name, op_type))
				return e;
	return NULL;
}
