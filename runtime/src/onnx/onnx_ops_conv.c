// SPDX-License-Identifier: MIT
/*
 * ONNX operators built from the others: Pad (constant, reflect, edge:
 * strided pieces concatenated), 1-D Conv (im2col by one strided copy, then
 * the card's MATMUL with the kernel as weights; depthwise: products and a
 * REDUCE); 2-D Conv is onnx_ops_conv2d.c, LSTM onnx_ops_lstm.c.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../vnpu_internal.h"
#include "onnx_ops.h"
#include "onnx_util.h"

static vnpu_status vo_oom2(void)
{
	return vnpu_rt_error(VNPU_STATUS_OUT_OF_MEMORY, "ONNX import: out of memory");
}

void vo_gval(struct vo_val *r, vnpu_tensor t, uint32_t rank, const int64_t *dims)
{
	memset(r, 0, sizeof(*r));
	r->type = VO_FLOAT;
	r->t = t;
	r->rank = rank;
	memcpy(r->dims, dims, rank * sizeof(*dims));
}

vnpu_status vo_join(struct vo_ctx *x, vnpu_tensor *ts, uint32_t n, uint32_t axis,
			   vnpu_tensor *out)
{
	vnpu_tensor acc = 0, part[5];
	uint32_t i = 0;
	vnpu_status st = VNPU_STATUS_OK;

	while (!st && i < n) {
		uint32_t k = 0;

		if (acc)
			part[k++] = acc;
		while (k < 5 && i < n)
			part[k++] = ts[i++];
		if (k == 1)
			acc = part[0];
		else
			st = vo_builder(x, vnpu_graph_concat(x->g, vo_name(x, "join"), k, part,
							     axis, &acc));
	}
	*out = acc;
	return st;
}

vnpu_status vo_pad_axis(struct vo_ctx *x, struct vo_val *v, uint32_t axis,
			       int64_t b, int64_t e, int mode, float val, struct vo_val *r)
{
	uint32_t rank;
	int64_t dims[VNPU_ONNX_MAX_RANK], pd[VNPU_ONNX_MAX_RANK], od[VNPU_ONNX_MAX_RANK];
	int64_t st_[VNPU_ONNX_MAX_RANK];
	uint64_t dense[VNPU_ONNX_MAX_RANK];
	struct vo_val piece[2] = { { 0 }, { 0 } };
	vnpu_tensor ts[3];
	uint32_t n = 0;
	vnpu_status st = VNPU_STATUS_OK;
	int64_t len;

	vo_shape(v, &rank, dims);
	len = dims[axis];
	if (mode == 1 && (b >= len || e >= len))
		return vo_fail(x, "reflect pads of %lld and %lld on a dimension of %lld",
			       (long long)b, (long long)e, (long long)len);
	vo_dense(rank, dims, dense);
	for (int side = 0; side < 2 && !st; side++) {
		int64_t cnt = side ? e : b;

		if (!cnt)
			continue;
		memcpy(pd, dims, sizeof(pd));
		pd[axis] = cnt;
		if (mode == 0) {
			struct vo_val *c = &piece[side];

			c->is_const = true;
			c->name = "";
			if (!vo_tensor_alloc(&c->c, VO_FLOAT, rank, pd))
				return vo_oom2();
			for (uint64_t i = 0; i < c->c.count; i++)
				c->c.f[i] = val;
			continue;
		}
		for (uint32_t d = 0; d < rank; d++)
			st_[d] = (int64_t)dense[d];
		/* reflect: b, b-1, .., 1 / len-2, ..; edge: 0 / len-1 repeated */
		if (mode == 1) {
			st_[axis] = -(int64_t)dense[axis];
			st = vo_strided(x, v, (uint64_t)(side ? len - 2 : b) * dense[axis], rank, pd,
					st_, &piece[side]);
		} else {
			st_[axis] = 0;
			st = vo_strided(x, v, (uint64_t)(side ? len - 1 : 0) * dense[axis], rank, pd,
					st_, &piece[side]);
		}
	}
	if (!st && b)
		st = vo_tensor(x, &piece[0], &ts[n++]);
	if (!st)
		st = vo_tensor(x, v, &ts[n++]);
	if (!st && e)
		st = vo_tensor(x, &piece[1], &ts[n++]);
	memcpy(od, dims, sizeof(od));
	od[axis] = len + b + e;
	if (!st) {
		vnpu_tensor out;
		uint32_t grank, gd[VNPU_MAX_RANK];

		if (rank > VNPU_MAX_RANK || !vo_gshape(rank, dims, &grank, gd))
			st = vo_fail(x, "padding a tensor of %u dimensions", rank);
		else
			st = vo_join(x, ts, n, axis, &out);
		if (!st)
			vo_gval(r, out, rank, od);
	}
	vo_val_free(&piece[0]);
	vo_val_free(&piece[1]);
	return st;
}

static vnpu_status vo_pad_op(struct vo_ctx *x)
{
	struct vo_val *v = vo_in(x, 0), cur, nxt;
	const Onnx__AttributeProto *m = vo_attr(x, "mode");
	int64_t pads[2 * VNPU_ONNX_MAX_RANK], axes[VNPU_ONNX_MAX_RANK], dims[VNPU_ONNX_MAX_RANK];
	uint32_t rank, np = 0, na = 0;
	int mode = 0;
	float val = 0;
	bool present, owned = false;
	vnpu_status st;

	if (!v)
		return vo_fail_st(x, VNPU_STATUS_INVALID_ARGUMENT, "an input is missing");
	if (vo_type(v) != VO_FLOAT)
		return vo_fail(x, "input is %s: the card pads float tensors", vo_type_name(vo_type(v)));
	if (m && m->has_s) {
		if (m->s.len == 7 && !memcmp(m->s.data, "reflect", 7))
			mode = 1;
		else if (m->s.len == 4 && !memcmp(m->s.data, "edge", 4))
			mode = 2;
		else if (!(m->s.len == 8 && !memcmp(m->s.data, "constant", 8)))
			return vo_fail(x, "mode %.*s (constant, reflect and edge are supported)",
				       (int)m->s.len, m->s.data);
	}
	vo_shape(v, &rank, dims);
	if (x->opset >= 11) {
		if ((st = vo_ints(x, vo_in(x, 1), "pads", pads, 2 * VNPU_ONNX_MAX_RANK, &np)))
			return st;
		if (vo_in(x, 2)) {
			struct vo_val *cv = vo_in(x, 2);

			if (!cv->is_const || !cv->c.f || cv->c.count != 1)
				return vo_fail(x, "constant_value must be one float constant");
			val = cv->c.f[0];
		}
		if (vo_in(x, 3) && (st = vo_ints(x, vo_in(x, 3), "axes", axes,
						 VNPU_ONNX_MAX_RANK, &na)))
			return st;
	} else {
		if ((st = vo_attr_ints(x, "pads", pads, 2 * VNPU_ONNX_MAX_RANK, &np, &present)))
			return st;
		val = vo_attr_float(x, "value", 0.0f);
	}
	if (!na) {
		na = rank;
		for (uint32_t d = 0; d < rank; d++)
			axes[d] = d;
	}
	if (np != 2 * na)
		return vo_fail_st(x, VNPU_STATUS_INVALID_ARGUMENT, "%u pads for %u axes", np, na);
	cur = *v;
	for (uint32_t i = 0; i < na; i++) {
		uint32_t a;

		if ((st = vo_axis(x, axes[i], rank, &a)))
			goto fail;
		if (pads[i] < 0 || pads[na + i] < 0) {
			st = vo_fail(x, "negative pads (cropping)");
			goto fail;
		}
		if (!pads[i] && !pads[na + i])
			continue;
		st = vo_pad_axis(x, &cur, a, pads[i], pads[na + i], mode, val, &nxt);
		if (st)
			goto fail;
		if (owned)
			vo_val_free(&cur);
		cur = nxt;
		owned = true;
	}
	if (!owned) {	/* nothing padded: the input itself */
		vnpu_tensor t;

		st = vo_tensor(x, v, &t);
		if (st)
			return st;
		vo_gval(&cur, t, rank, dims);
	}
	return vo_set(x, 0, &cur);
fail:
	if (owned)
		vo_val_free(&cur);
	return st;
}

/* ------------------------------------------------------------- Conv */

static vnpu_status vo_conv_op(struct vo_ctx *x)
{
	struct vo_val *xv = vo_in(x, 0), *wv = vo_in(x, 1), *bv = vo_in(x, 2);
	struct vo_val padded = { 0 }, cols = { 0 }, r;
	int64_t xd[VNPU_ONNX_MAX_RANK], wd[VNPU_ONNX_MAX_RANK], pads[4] = { 0, 0, 0, 0 };
	int64_t strides[2] = { 1, 1 }, dil[2] = { 1, 1 }, cd[4], od[3], yd[3];
	int64_t st4[4];
	uint32_t xr, wr, n;
	bool present;
	int64_t group = vo_attr_int(x, "group", 1), nb, c, l, oc, k, lp, lout;
	vnpu_tensor t, y;
	vnpu_status st;

	if (!xv || !wv)
		return vo_fail_st(x, VNPU_STATUS_INVALID_ARGUMENT, "X and W are needed");
	vo_shape(xv, &xr, xd);
	vo_shape(wv, &wr, wd);
	if (xr == 4 && wr == 4)
		return vo_conv2d(x);
	if (vo_type(xv) != VO_FLOAT || !wv->is_const || !wv->c.f ||
	    (bv && (!bv->is_const || !bv->c.f)))
		return vo_fail(x, "X must be float, W and B float constants (the card's MATMUL packs its weights)");
	if (xr != 3 || wr != 3)
		return vo_fail(x, "a %u-D convolution (1-D ones, X [N, C, L], and 2-D ones, X [N, C, H, W], are supported)",
			       xr ? xr - 2 : 0);
	if (bv && bv->c.count != (uint64_t)wd[0])
		return vo_fail_st(x, VNPU_STATUS_INVALID_ARGUMENT, "B has %llu values for %lld outputs",
				  (unsigned long long)bv->c.count, (long long)wd[0]);
	if ((st = vo_attr_ints(x, "pads", pads, 4, &n, &present)) ||
	    (st = vo_attr_ints(x, "strides", strides, 2, &n, &present)) ||
	    (st = vo_attr_ints(x, "dilations", dil, 2, &n, &present)))
		return st;
	if (strides[0] < 1 || dil[0] < 1)
		return vo_fail_st(x, VNPU_STATUS_INVALID_ARGUMENT, "bad strides or dilations");
	if ((st = vo_auto_pad(x, xd[2], wd[2], strides[0], dil[0], &pads[0], &pads[1])))
		return st;
	nb = xd[0];
	c = xd[1];
	l = xd[2];
	oc = wd[0];
	k = wd[2];
	if (group != 1 && !(group == c && oc == c && wd[1] == 1))
		return vo_fail(x, "group = %lld (1 and depthwise are supported)", (long long)group);
	if (group == 1 && wd[1] != c)
		return vo_fail_st(x, VNPU_STATUS_INVALID_ARGUMENT, "W has %lld input channels, X %lld",
				  (long long)wd[1], (long long)c);
	if (strides[0] < 1 || dil[0] < 1 || pads[0] < 0 || pads[1] < 0)
		return vo_fail_st(x, VNPU_STATUS_INVALID_ARGUMENT, "bad strides, dilations or pads");
	lp = l + pads[0] + pads[1];
	if (lp < (k - 1) * dil[0] + 1)
		return vo_fail_st(x, VNPU_STATUS_INVALID_ARGUMENT, "the kernel is longer than the input");
	lout = (lp - (k - 1) * dil[0] - 1) / strides[0] + 1;
	/* zero padding along L */
	if (pads[0] || pads[1]) {
		st = vo_pad_axis(x, xv, 2, pads[0], pads[1], 0, 0.0f, &padded);
		if (st)
			return st;
	} else {
		padded = *xv;
		padded.c.f = NULL;
		padded.c.i = NULL;
		if (xv->is_const) {
			st = vo_tensor(x, xv, &t);
			if (st)
				return st;
			vo_gval(&padded, t, 3, xd);
		}
	}
	od[0] = nb;
	od[1] = oc;
	od[2] = lout;
	if (group == 1) {
		float *w = wv->c.f, *bias = bv ? bv->c.f : NULL;

		/* cols [N, Lout, C, K]: one strided copy (im2col) */
		cd[0] = nb;
		cd[1] = lout;
		cd[2] = c;
		cd[3] = k;
		st4[0] = c * lp;
		st4[1] = strides[0];
		st4[2] = lp;
		st4[3] = dil[0];
		st = vo_strided(x, &padded, 0, 4, cd, st4, &cols);
		if (!st)
			st = vo_as(x, &cols, 2, (int64_t[]){ nb * lout, c * k }, &t);
		if (!st)
			st = vo_matmul_rows(x, t, nb * lout, c * k, w, oc, bias, &y);
		vo_val_free(&cols);
		/* [N, Lout, OC] to [N, OC, Lout] */
		if (!st) {
			struct vo_val yv;

			yd[0] = nb;
			yd[1] = lout;
			yd[2] = oc;
			vo_gval(&yv, 0, 3, yd);
			st = vo_reshape(x, y, 3, yd, &yv.t);
			if (!st)
				st = vo_transpose(x, &yv, (uint32_t[]){ 0, 2, 1 }, &r);
		}
	} else {
		/* depthwise: cols [N, C, Lout, K] times W [C, K] (broadcast),
		 * summed over K, plus B */
		struct vo_val wk = { .is_const = true, .name = "" }, prod, bb = { 0 };
		vnpu_tensor s;

		cd[0] = nb;
		cd[1] = c;
		cd[2] = lout;
		cd[3] = k;
		st4[0] = c * lp;
		st4[1] = lp;
		st4[2] = strides[0];
		st4[3] = dil[0];
		st = vo_strided(x, &padded, 0, 4, cd, st4, &cols);
		if (!st && !vo_tensor_alloc(&wk.c, VO_FLOAT, 4, (int64_t[]){ 1, c, 1, k }))
			st = vo_oom2();
		if (!st) {
			memcpy(wk.c.f, wv->c.f, (size_t)(c * k) * sizeof(float));
			st = vo_mul_vals(x, &cols, &wk, &prod);
		}
		if (!st)
			st = vo_as(x, &prod, 2, (int64_t[]){ nb * c * lout, k }, &t);
		if (!st)
			st = vo_builder(x, vnpu_graph_reduce(x->g, vo_name(x, "dwsum"),
							     VNPU_REDUCTION_SUM, t, &s));
		if (!st) {
			vo_gval(&r, 0, 3, od);
			st = vo_reshape(x, s, 3, od, &r.t);
		}
		if (!st && bv) {
			struct vo_val sum = r;

			bb.is_const = true;
			bb.name = "";
			if (!vo_tensor_alloc(&bb.c, VO_FLOAT, 3, (int64_t[]){ 1, c, 1 }))
				st = vo_oom2();
			else
				memcpy(bb.c.f, bv->c.f, (size_t)c * sizeof(float));
			if (!st)
				st = vo_add_vals(x, &sum, &bb, &r);
		}
		vo_val_free(&wk);
		vo_val_free(&bb);
		vo_val_free(&cols);
	}
	if (pads[0] || pads[1])
		vo_val_free(&padded);
	return st ? st : vo_set(x, 0, &r);
}

/* Conv's kernel_shape is W's. */
const struct vo_op_entry vo_conv_ops[] = {
	{ "Pad", vo_pad_op, "mode pads value" },
	{ "Conv", vo_conv_op, "auto_pad dilations group kernel_shape pads strides" },
	{ NULL, NULL, NULL },
};
