// SPDX-License-Identifier: MIT
/*
 * 2-D Conv, lowered like the 1-D one to im2col + the card's MATMUL with
 * the kernel as weights. The im2col matrix [N * OH * OW, KH * C * KW] is
 * built by one 4-D STRIDED copy per (batch, kernel row) — [OH, OW, C, KW]
 * each — joined by CONCAT, so the columns run (kh, c, kw); the kernel is
 * permuted to that order on the host. Zero padding: Pad's pieces.
 */
#include <stdlib.h>
#include <string.h>

#include "../vnpu_internal.h"
#include "onnx_ops.h"
#include "onnx_util.h"

vnpu_status vo_auto_pad(struct vo_ctx *x, int64_t in, int64_t k, int64_t stride,
			int64_t dil, int64_t *b, int64_t *e)
{
	const Onnx__AttributeProto *ap = vo_attr(x, "auto_pad");
	int64_t out, total;

	if (!ap || !ap->has_s || (ap->s.len == 6 && !memcmp(ap->s.data, "NOTSET", 6)))
		return VNPU_STATUS_OK;
	if (ap->s.len == 5 && !memcmp(ap->s.data, "VALID", 5)) {
		*b = *e = 0;
		return VNPU_STATUS_OK;
	}
	if (ap->s.len != 10 || (memcmp(ap->s.data, "SAME_UPPER", 10) &&
				memcmp(ap->s.data, "SAME_LOWER", 10)))
		return vo_fail_st(x, VNPU_STATUS_INVALID_ARGUMENT, "auto_pad %.*s",
				  (int)ap->s.len, ap->s.data);
	out = (in + stride - 1) / stride;
	total = (out - 1) * stride + (k - 1) * dil + 1 - in;
	if (total < 0)
		total = 0;
	*b = ap->s.data[5] == 'U' ? total / 2 : total - total / 2;
	*e = total - *b;
	return VNPU_STATUS_OK;
}

/* The im2col rows of batch NB0 (its KH strided pieces, joined) into *T. */
static vnpu_status vo_im2col_batch(struct vo_ctx *x, struct vo_val *xp, int64_t nb0,
				   const int64_t *pd, const int64_t *kd, const int64_t *od,
				   const int64_t *stride, const int64_t *dil, vnpu_tensor *t)
{
	int64_t c = pd[1], hp = pd[2], wp = pd[3], kh = kd[2], kw = kd[3];
	int64_t dims[4] = { od[0], od[1], c, kw };
	int64_t st[4] = { stride[0] * wp, stride[1], hp * wp, dil[1] };
	vnpu_tensor *parts = calloc((size_t)kh, sizeof(*parts));
	vnpu_status s = VNPU_STATUS_OK;

	if (!parts)
		return vnpu_rt_error(VNPU_STATUS_OUT_OF_MEMORY, "ONNX import: out of memory");
	for (int64_t r = 0; r < kh && !s; r++) {
		struct vo_val piece = { 0 };
		uint64_t off = (uint64_t)(nb0 * c * hp * wp + r * dil[0] * wp);

		s = vo_strided(x, xp, off, 4, dims, st, &piece);
		if (!s)
			s = vo_as(x, &piece, 2, (int64_t[]){ od[0] * od[1], c * kw }, &parts[r]);
		vo_val_free(&piece);
	}
	if (!s)
		s = vo_join(x, parts, (uint32_t)kh, 1, t);
	free(parts);
	return s;
}

/*
 * COLS [M, KH * C * KW] times a kernel W [OC, C, KH, KW] computed at run
 * time (+ B): W permuted on the card to [KH, C, KW, OC] by one strided
 * copy, then vnpu_graph_matmul_dyn (exact FP32 products) and an ADD of B.
 */
static vnpu_status vo_conv2d_dyn(struct vo_ctx *x, struct vo_val *wv, struct vo_val *bv,
				 vnpu_tensor cols, int64_t m, const int64_t *wd, vnpu_tensor *y)
{
	int64_t k = wd[1] * wd[2] * wd[3], yd[2] = { m, wd[0] };
	struct vo_val wt = { 0 }, prod, sum;
	vnpu_tensor b;
	vnpu_status st;

	st = vo_transpose(x, wv, (uint32_t[]){ 2, 1, 3, 0 }, &wt);
	if (!st)
		st = vo_as(x, &wt, 2, (int64_t[]){ k, wd[0] }, &b);
	vo_val_free(&wt);
	if (!st)
		st = vo_builder(x, vnpu_graph_matmul_dyn(x->g, vo_name(x, "matmul"), cols, b, y));
	if (st || !bv)
		return st;
	vo_gval(&prod, *y, 2, yd);
	st = vo_add_vals(x, &prod, bv, &sum);
	if (!st)
		*y = sum.t;
	vo_val_free(&sum);
	return st;
}

vnpu_status vo_conv2d(struct vo_ctx *x)
{
	struct vo_val *xv = vo_in(x, 0), *wv = vo_in(x, 1), *bv = vo_in(x, 2);
	struct vo_val cur = { 0 }, nxt, r;
	int64_t xd[4], wd[4], pads[4] = { 0, 0, 0, 0 }, strides[2] = { 1, 1 };
	int64_t dil[2] = { 1, 1 }, pd[4], od[2], yd[4];
	int64_t group = vo_attr_int(x, "group", 1);
	vnpu_tensor *rows = NULL, cols, y, t;
	bool present, owned = false;
	float *w = NULL;
	uint32_t xr, wr, n;
	vnpu_status st;

	vo_shape(xv, &xr, xd);
	vo_shape(wv, &wr, wd);
	(void)xr;
	(void)wr;
	if (vo_type(xv) != VO_FLOAT || vo_type(wv) != VO_FLOAT || (bv && vo_type(bv) != VO_FLOAT))
		return vo_fail(x, "X, W and B must be float");
	if (bv) {
		uint32_t br;
		int64_t bd[VNPU_ONNX_MAX_RANK];

		vo_shape(bv, &br, bd);
		if (vo_count(br, bd) != (uint64_t)wd[0])
			return vo_fail_st(x, VNPU_STATUS_INVALID_ARGUMENT,
					  "B has %llu values for %lld outputs",
					  (unsigned long long)vo_count(br, bd), (long long)wd[0]);
	}
	if (group != 1)
		return vo_fail(x, "group = %lld (2-D convolutions: group 1)", (long long)group);
	if (wd[1] != xd[1])
		return vo_fail_st(x, VNPU_STATUS_INVALID_ARGUMENT, "W has %lld input channels, X %lld",
				  (long long)wd[1], (long long)xd[1]);
	if ((st = vo_attr_ints(x, "pads", pads, 4, &n, &present)) ||
	    (st = vo_attr_ints(x, "strides", strides, 2, &n, &present)) ||
	    (st = vo_attr_ints(x, "dilations", dil, 2, &n, &present)))
		return st;
	for (int a = 0; a < 2; a++) {
		if (strides[a] < 1 || dil[a] < 1)
			return vo_fail_st(x, VNPU_STATUS_INVALID_ARGUMENT, "bad strides or dilations");
		if ((st = vo_auto_pad(x, xd[2 + a], wd[2 + a], strides[a], dil[a], &pads[a],
				      &pads[2 + a])))
			return st;
		if (pads[a] < 0 || pads[2 + a] < 0)
			return vo_fail_st(x, VNPU_STATUS_INVALID_ARGUMENT, "negative pads");
		pd[2 + a] = xd[2 + a] + pads[a] + pads[2 + a];
		if (pd[2 + a] < (wd[2 + a] - 1) * dil[a] + 1)
			return vo_fail_st(x, VNPU_STATUS_INVALID_ARGUMENT,
					  "the kernel is larger than the input");
		od[a] = (pd[2 + a] - (wd[2 + a] - 1) * dil[a] - 1) / strides[a] + 1;
	}
	pd[0] = xd[0];
	pd[1] = xd[1];
	/* zero padding along H, then W */
	cur = *xv;
	for (uint32_t a = 2; a < 4; a++) {
		if (!pads[a - 2] && !pads[a])
			continue;
		st = vo_pad_axis(x, &cur, a, pads[a - 2], pads[a], 0, 0.0f, &nxt);
		if (owned)
			vo_val_free(&cur);
		if (st)
			return st;
		cur = nxt;
		owned = true;
	}
	if (!owned && xv->is_const) {
		if ((st = vo_tensor(x, xv, &t)))
			return st;
		vo_gval(&cur, t, 4, xd);
	}
	rows = calloc((size_t)xd[0], sizeof(*rows));
	if (!rows) {
		st = vnpu_rt_error(VNPU_STATUS_OUT_OF_MEMORY, "ONNX import: out of memory");
		goto out;
	}
	for (int64_t b = 0; b < xd[0] && !st; b++)
		st = vo_im2col_batch(x, &cur, b, pd, wd, od, strides, dil, &rows[b]);
	if (!st)
		st = vo_join(x, rows, (uint32_t)xd[0], 0, &cols);
	if (st)
		goto out;
	if (wv->is_const && (!bv || bv->is_const)) {
		/* the kernel [OC, C, KH, KW] as [OC, KH, C, KW], the columns'
		 * order: MATMUL weights */
		w = malloc((size_t)vo_count(4, wd) * sizeof(*w));
		if (!w) {
			st = vnpu_rt_error(VNPU_STATUS_OUT_OF_MEMORY, "ONNX import: out of memory");
			goto out;
		}
		for (int64_t o = 0; o < wd[0]; o++)
			for (int64_t c = 0; c < wd[1]; c++)
				for (int64_t i = 0; i < wd[2]; i++)
					for (int64_t j = 0; j < wd[3]; j++)
						w[((o * wd[2] + i) * wd[1] + c) * wd[3] + j] =
							wv->c.f[((o * wd[1] + c) * wd[2] + i) *
								wd[3] + j];
		st = vo_matmul_rows(x, cols, xd[0] * od[0] * od[1], wd[1] * wd[2] * wd[3], w,
				    wd[0], bv ? bv->c.f : NULL, &y);
	} else {
		st = vo_conv2d_dyn(x, wv, bv, cols, xd[0] * od[0] * od[1], wd, &y);
	}
	/* [N, OH, OW, OC] to [N, OC, OH, OW] */
	if (!st) {
		struct vo_val yv;

		yd[0] = xd[0];
		yd[1] = od[0];
		yd[2] = od[1];
		yd[3] = wd[0];
		vo_gval(&yv, 0, 4, yd);
		st = vo_reshape(x, y, 4, yd, &yv.t);
		if (!st)
			st = vo_transpose(x, &yv, (uint32_t[]){ 0, 3, 1, 2 }, &r);
	}
	if (!st)
		st = vo_set(x, 0, &r);
out:
	if (owned)
		vo_val_free(&cur);
	free(w);
	free(rows);
	return st;
}
