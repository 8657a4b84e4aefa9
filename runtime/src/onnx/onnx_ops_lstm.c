// SPDX-License-Identifier: MIT
/*
 * LSTM (default activations), forward, reverse or bidirectional, unrolled
 * over the sequence: per direction X W^T + (Wb + Rb) for all steps in one
 * matmul, then per step a matmul with R and the gates as element-wise
 * ops. Weights known when compiling are the card's MATMUL weights (the
 * compiler quantizes them); weights computed at run time (the node tests
 * give W, R, B as inputs) are transposed on the card by one STRIDED copy
 * and multiplied with vnpu_graph_matmul_dyn.
 */
#include <stdlib.h>
#include <string.h>

#include "../vnpu_internal.h"
#include "onnx_ops.h"
#include "onnx_util.h"

/* The [N, K] weights of one direction: host floats, or a graph tensor
 * [K, N] (W^T) computed at run time. */
struct vo_lw {
	const float *f;
	vnpu_tensor tt;
};

/*
 * Y [ROWS, N] = A [ROWS, K] W^T + bias: HBIAS [N] host floats (with host
 * weights: the MATMUL's bias) or BIAS [N] a graph tensor (added), or none.
 */
static vnpu_status vo_lw_mm(struct vo_ctx *x, vnpu_tensor a, int64_t rows, int64_t k,
			    const struct vo_lw *w, int64_t n, const float *hbias,
			    vnpu_tensor bias, vnpu_tensor *y)
{
	uint32_t nn = (uint32_t)n;
	vnpu_status st;

	if (hbias && !w->f)
		st = vo_builder(x, vnpu_graph_constant(x->g, vo_name(x, "bias"), VNPU_DTYPE_FP32,
						       1, &nn, hbias, nn * sizeof(float),
						       VNPU_CONST_COPY, &bias));
	else
		st = VNPU_STATUS_OK;
	if (st)
		return st;
	if (w->f)
		st = vo_matmul_rows(x, a, rows, k, w->f, n, hbias, y);
	else
		st = vo_builder(x, vnpu_graph_matmul_dyn(x->g, vo_name(x, "matmul"), a, w->tt, y));
	if (!st && bias)
		st = vo_builder(x, vnpu_graph_add(x->g, vo_name(x, "bias"), *y, bias, y));
	return st;
}

/* Direction D of weights V [D, N, K] as a struct vo_lw. */
static vnpu_status vo_lw_get(struct vo_ctx *x, struct vo_val *v, int64_t d, int64_t n,
			     int64_t k, struct vo_lw *w)
{
	struct vo_val t = { 0 };
	vnpu_status st;

	memset(w, 0, sizeof(*w));
	if (v->is_const) {
		w->f = v->c.f + d * n * k;
		return VNPU_STATUS_OK;
	}
	/* W_d^T [K, N]: element (i, j) is W_d[j][i] */
	st = vo_strided(x, v, (uint64_t)(d * n * k), 2, (int64_t[]){ k, n },
			(int64_t[]){ 1, k }, &t);
	if (!st)
		st = vo_as(x, &t, 2, (int64_t[]){ k, n }, &w->tt);
	vo_val_free(&t);
	return st;
}

/* The [B, H] block G of gates [B, 4H] (ONNX order i, o, f, c). */
static vnpu_status vo_gate(struct vo_ctx *x, vnpu_tensor gates, int64_t bsz, int64_t h,
			   int g, vnpu_unary fn, vnpu_tensor *out)
{
	uint32_t d[2] = { (uint32_t)bsz, (uint32_t)h };
	int32_t st[2] = { (int32_t)(4 * h), 1 };
	vnpu_tensor v;
	vnpu_status s;

	s = vo_builder(x, vnpu_graph_strided(x->g, vo_name(x, "gate"), gates,
					     (uint64_t)(g * h), 2, d, st, &v));
	return s ? s : vo_builder(x, vnpu_graph_unary_op(x->g, vo_name(x, "act"), fn, v, out));
}

/* One LSTM step: gates from XWT [B, 4H] and H, the new C and H. */
static vnpu_status vo_lstm_step(struct vo_ctx *x, vnpu_tensor xwt, const struct vo_lw *r,
				int64_t bsz, int64_t hh, vnpu_tensor *ht, vnpu_tensor *ct)
{
	vnpu_tensor hr, g, ig, og, fg, cg, a, b, tc;
	vnpu_status st;

	st = vo_lw_mm(x, *ht, bsz, hh, r, 4 * hh, NULL, 0, &hr);
	if (!st)
		st = vo_builder(x, vnpu_graph_add(x->g, vo_name(x, "gates"), xwt, hr, &g));
	if (!st)
		st = vo_gate(x, g, bsz, hh, 0, VNPU_UNARY_SIGMOID, &ig);
	if (!st)
		st = vo_gate(x, g, bsz, hh, 1, VNPU_UNARY_SIGMOID, &og);
	if (!st)
		st = vo_gate(x, g, bsz, hh, 2, VNPU_UNARY_SIGMOID, &fg);
	if (!st)
		st = vo_gate(x, g, bsz, hh, 3, VNPU_UNARY_TANH, &cg);
	/* C = f * C + i * c~; H = o * tanh(C) */
	if (!st)
		st = vo_builder(x, vnpu_graph_mul(x->g, vo_name(x, "fc"), fg, *ct, &a));
	if (!st)
		st = vo_builder(x, vnpu_graph_mul(x->g, vo_name(x, "ic"), ig, cg, &b));
	if (!st)
		st = vo_builder(x, vnpu_graph_add(x->g, vo_name(x, "c"), a, b, ct));
	if (!st)
		st = vo_builder(x, vnpu_graph_unary_op(x->g, vo_name(x, "tc"), VNPU_UNARY_TANH,
						       *ct, &tc));
	if (!st)
		st = vo_builder(x, vnpu_graph_mul(x->g, vo_name(x, "h"), og, tc, ht));
	return st;
}

/*
 * Wb + Rb of direction D of B [D, 8H]: host floats *HB (a constant B;
 * free them) or a graph tensor *T [4H] (computed), or neither.
 */
static vnpu_status vo_lstm_bias(struct vo_ctx *x, struct vo_val *bv, int64_t d, int64_t hh,
				float **hb, vnpu_tensor *t)
{
	uint32_t n = (uint32_t)(4 * hh);
	struct vo_val wb = { 0 }, rb = { 0 };
	vnpu_tensor a, b;
	vnpu_status st;

	*t = 0;
	*hb = NULL;
	if (!bv)
		return VNPU_STATUS_OK;
	if (bv->is_const) {
		*hb = malloc(n * sizeof(float));
		if (!*hb)
			return vnpu_rt_error(VNPU_STATUS_OUT_OF_MEMORY, "ONNX import: out of memory");
		for (uint32_t i = 0; i < n; i++)
			(*hb)[i] = bv->c.f[d * 8 * hh + i] + bv->c.f[d * 8 * hh + n + i];
		return VNPU_STATUS_OK;
	}
	st = vo_strided(x, bv, (uint64_t)(d * 8 * hh), 1, (int64_t[]){ 4 * hh },
			(int64_t[]){ 1 }, &wb);
	if (!st)
		st = vo_strided(x, bv, (uint64_t)(d * 8 * hh + 4 * hh), 1, (int64_t[]){ 4 * hh },
				(int64_t[]){ 1 }, &rb);
	if (!st)
		st = vo_as(x, &wb, 1, (int64_t[]){ 4 * hh }, &a);
	if (!st)
		st = vo_as(x, &rb, 1, (int64_t[]){ 4 * hh }, &b);
	if (!st)
		st = vo_builder(x, vnpu_graph_add(x->g, vo_name(x, "bias"), a, b, t));
	vo_val_free(&wb);
	vo_val_free(&rb);
	return st;
}

/* The initial state of direction D: V [D, B, H] (or zeros) as [B, H]. */
static vnpu_status vo_lstm_init(struct vo_ctx *x, struct vo_val *v, int64_t nd, int64_t d,
				int64_t bsz, int64_t hh, vnpu_tensor *t)
{
	uint32_t gd[2] = { (uint32_t)bsz, (uint32_t)hh };
	struct vo_val zero = { .is_const = true, .name = "" };
	vnpu_tensor all;
	vnpu_status st;

	if (!v) {
		if (!vo_tensor_alloc(&zero.c, VO_FLOAT, 2, (int64_t[]){ bsz, hh }))
			return vnpu_rt_error(VNPU_STATUS_OUT_OF_MEMORY, "ONNX import: out of memory");
		st = vo_tensor(x, &zero, t);
		vo_val_free(&zero);
		return st;
	}
	if (nd == 1)
		return vo_as(x, v, 2, (int64_t[]){ bsz, hh }, t);
	st = vo_as(x, v, 2, (int64_t[]){ nd * bsz, hh }, &all);
	if (!st)
		st = vo_builder(x, vnpu_graph_view(x->g, vo_name(x, "state"), all,
						   (uint64_t)(d * bsz * hh), 2, gd, t));
	return st;
}

/* Output K as V (default layout), or batch first for LAYOUT 1: Y [S, D,
 * B, H] to [B, S, D, H], Y_h and Y_c [D, B, H] to [B, D, H]. */
static vnpu_status vo_lstm_out(struct vo_ctx *x, uint32_t k, struct vo_val *v, int64_t layout)
{
	struct vo_val r;
	vnpu_status st;

	if (!layout)
		return vo_set(x, k, v);
	st = vo_transpose(x, v, k ? (uint32_t[]){ 1, 0, 2 } : (uint32_t[]){ 2, 0, 1, 3 }, &r);
	return st ? st : vo_set(x, k, &r);
}

static vnpu_status vo_lstm_op(struct vo_ctx *x)
{
	struct vo_val *xv = vo_in(x, 0), *wv = vo_in(x, 1), *rv = vo_in(x, 2), *bv = vo_in(x, 3);
	struct vo_val *h0 = vo_in(x, 5), *c0 = vo_in(x, 6), out, lv[3] = { { 0 } };
	int64_t layout = vo_attr_int(x, "layout", 0);
	const Onnx__AttributeProto *dir = vo_attr(x, "direction"), *acts = vo_attr(x, "activations");
	int64_t xd[VNPU_ONNX_MAX_RANK], wd[VNPU_ONNX_MAX_RANK], rd[VNPU_ONNX_MAX_RANK];
	int64_t hd[3], yd[4], hs = vo_attr_int(x, "hidden_size", 0), seq, bsz, in, hh, nd = 1;
	uint32_t xr, wr, rr;
	bool reverse = false;
	vnpu_tensor xt, hts[2], cts[2], *ys = NULL;
	vnpu_status st = VNPU_STATUS_OK;

	if (!xv || !wv || !rv)
		return vo_fail_st(x, VNPU_STATUS_INVALID_ARGUMENT, "X, W and R are needed");
	if (dir && dir->has_s) {
		if (dir->s.len == 7 && !memcmp(dir->s.data, "reverse", 7))
			reverse = true;
		else if (dir->s.len == 13 && !memcmp(dir->s.data, "bidirectional", 13))
			nd = 2;
		else if (!(dir->s.len == 7 && !memcmp(dir->s.data, "forward", 7)))
			return vo_fail_st(x, VNPU_STATUS_INVALID_ARGUMENT, "direction %.*s",
					  (int)dir->s.len, dir->s.data);
	}
	if (acts || vo_attr(x, "clip") || vo_attr_int(x, "input_forget", 0) ||
	    vo_in(x, 4) || vo_in(x, 7))
		return vo_fail(x, "activations, clip, input_forget, sequence_lens or peepholes (the default LSTM is supported)");
	if (layout != 0 && layout != 1)
		return vo_fail_st(x, VNPU_STATUS_INVALID_ARGUMENT, "layout %lld", (long long)layout);
	if (vo_type(xv) != VO_FLOAT || vo_type(wv) != VO_FLOAT || vo_type(rv) != VO_FLOAT ||
	    (bv && vo_type(bv) != VO_FLOAT))
		return vo_fail(x, "X, W, R and B must be float");
	vo_shape(xv, &xr, xd);
	if (layout == 1) {
		/* batch first: X [B, S, I] and the states [B, D, H] moved to
		 * the default layout by STRIDED copies (and the outputs back) */
		if (xr != 3)
			return vo_fail_st(x, VNPU_STATUS_INVALID_ARGUMENT, "X has %u dimensions", xr);
		st = vo_transpose(x, xv, (uint32_t[]){ 1, 0, 2 }, &lv[0]);
		for (int k = 0; k < 2 && !st; k++) {
			struct vo_val **sv = k ? &c0 : &h0;
			uint32_t r;
			int64_t d[VNPU_ONNX_MAX_RANK];

			if (!*sv)
				continue;
			vo_shape(*sv, &r, d);
			if (r != 3) {
				st = vo_fail_st(x, VNPU_STATUS_INVALID_ARGUMENT,
						"initial_h and initial_c must have 3 dimensions");
				break;
			}
			st = vo_transpose(x, *sv, (uint32_t[]){ 1, 0, 2 }, &lv[1 + k]);
			*sv = &lv[1 + k];
		}
		if (st)
			goto out;
		xv = &lv[0];
		vo_shape(xv, &xr, xd);
	}
	vo_shape(wv, &wr, wd);
	vo_shape(rv, &rr, rd);
	if (xr != 3 || wr != 3 || rr != 3 || wd[0] != nd || rd[0] != nd || !hs ||
	    wd[1] != 4 * hs || wd[2] != xd[2] || rd[1] != 4 * hs || rd[2] != hs) {
		st = vo_fail_st(x, VNPU_STATUS_INVALID_ARGUMENT,
				"shapes of X, W, R, direction and hidden_size disagree");
		goto out;
	}
	if (bv) {
		uint32_t br;
		int64_t bd[VNPU_ONNX_MAX_RANK];

		vo_shape(bv, &br, bd);
		if (vo_count(br, bd) != (uint64_t)(nd * 8 * hs)) {
			st = vo_fail_st(x, VNPU_STATUS_INVALID_ARGUMENT, "B is not [%lld, %lld]",
					(long long)nd, (long long)(8 * hs));
			goto out;
		}
	}
	seq = xd[0];
	bsz = xd[1];
	in = xd[2];
	hh = hs;
	for (struct vo_val **sv = (struct vo_val *[]){ h0, c0 }, **e = sv + 2; sv < e; sv++) {
		uint32_t r;
		int64_t d[VNPU_ONNX_MAX_RANK];

		if (!*sv)
			continue;
		vo_shape(*sv, &r, d);
		if (vo_type(*sv) != VO_FLOAT || vo_count(r, d) != (uint64_t)(nd * bsz * hh)) {
			st = vo_fail_st(x, VNPU_STATUS_INVALID_ARGUMENT,
					"initial_h and initial_c must be float [%lld, %lld, %lld]",
					(long long)nd, (long long)bsz, (long long)hh);
			goto out;
		}
	}
	ys = calloc((size_t)(seq > 0 ? seq * nd : 1), sizeof(*ys));
	if (!ys) {
		st = vnpu_rt_error(VNPU_STATUS_OUT_OF_MEMORY, "ONNX import: out of memory");
		goto out;
	}
	st = vo_as(x, xv, 2, (int64_t[]){ seq * bsz, in }, &xt);
	for (int64_t d = 0; d < nd && !st; d++) {
		bool rev = reverse || d == 1;
		struct vo_lw w, r;
		vnpu_tensor bias, xw;
		float *hb = NULL;

		/* X W^T + (Wb + Rb) for every step at once */
		st = vo_lw_get(x, wv, d, 4 * hh, in, &w);
		if (!st)
			st = vo_lw_get(x, rv, d, 4 * hh, hh, &r);
		if (!st)
			st = vo_lstm_bias(x, bv, d, hh, &hb, &bias);
		if (!st)
			st = vo_lw_mm(x, xt, seq * bsz, in, &w, 4 * hh, hb, bias, &xw);
		free(hb);
		if (!st)
			st = vo_lstm_init(x, h0, nd, d, bsz, hh, &hts[d]);
		if (!st)
			st = vo_lstm_init(x, c0, nd, d, bsz, hh, &cts[d]);
		for (int64_t i = 0; i < seq && !st; i++) {
			uint32_t gd[2] = { (uint32_t)bsz, (uint32_t)(4 * hh) };
			int64_t t = rev ? seq - 1 - i : i;
			vnpu_tensor xwt;

			st = vo_builder(x, vnpu_graph_view(x->g, vo_name(x, "xw_t"), xw,
							   (uint64_t)(t * bsz * 4 * hh), 2, gd,
							   &xwt));
			if (!st)
				st = vo_lstm_step(x, xwt, &r, bsz, hh, &hts[d], &cts[d]);
			if (!st)
				ys[t * nd + d] = hts[d];
		}
	}
	yd[0] = seq;
	yd[1] = nd;
	yd[2] = bsz;
	yd[3] = hh;
	if (!st && vo_out_wanted(x, 0)) {
		vnpu_tensor y;

		st = vo_join(x, ys, (uint32_t)(seq * nd), 0, &y);
		if (!st) {
			vo_gval(&out, 0, 4, yd);
			st = vo_reshape(x, y, 4, yd, &out.t);
		}
		if (!st)
			st = vo_lstm_out(x, 0, &out, layout);
	}
	hd[0] = nd;
	hd[1] = bsz;
	hd[2] = hh;
	for (uint32_t k = 1; k <= 2 && !st; k++) {
		vnpu_tensor s;

		if (!vo_out_wanted(x, k))
			continue;
		st = vo_join(x, k == 1 ? hts : cts, (uint32_t)nd, 0, &s);
		vo_gval(&out, 0, 3, hd);
		if (!st)
			st = vo_reshape(x, s, 3, hd, &out.t);
		if (!st)
			st = vo_lstm_out(x, k, &out, layout);
	}
out:
	free(ys);
	for (int k = 0; k < 3; k++)
		vo_val_free(&lv[k]);
	return st;
}

/* The handler refuses the attributes and inputs it lacks. */
const struct vo_op_entry vo_lstm_ops[] = {
	{ "LSTM", vo_lstm_op, "activations clip direction hidden_size input_forget layout" },
	{ NULL, NULL, NULL },
};
