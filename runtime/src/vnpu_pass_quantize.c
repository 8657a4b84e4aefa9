// SPDX-License-Identifier: MIT
/*
 * Pass 4, weight quantization and packing: builds the weights region.
 * Every constant gets 64-byte aligned space (the card's aligned vector
 * loads need it for panels; the rest is aligned alike so any layout
 * change stays safe): matmul weights as quantized panels in the format
 * the precision pass chose, everything else as raw bytes (FP32 tables
 * converted to BF16 when the policy says so).
 *
 * Quantization is the engine's own (vnpu_quantize: the OCP MX spec and
 * NVIDIA's NVFP4 recipe, optionally with the MSE scale search), so the
 * program's weights are exactly what a caller quantizing by hand gets.
 */
#include <stdlib.h>
#include <string.h>

#include <drm/vnpu_cmd.h>
#include <vnpu_engine/formats.h>
#include <vnpu_engine/matmul.h>

#include "vnpu_graph_internal.h"
#include "vnpu_internal.h"

/* Reserve BYTES (aligned) at the end of the weights region. */
static vnpu_status vnpu_quant_reserve(struct vnpu_gc *c, uint64_t bytes,
				      uint64_t *off)
{
	uint64_t start = (c->weight_bytes + VNPU_PROG_ALIGN - 1) / VNPU_PROG_ALIGN *
			 VNPU_PROG_ALIGN;
	uint64_t end = start + bytes;

	if (end > c->wcap) {
		uint64_t cap = c->wcap ? c->wcap : 4096;
		uint8_t *p;

		while (cap < end)
			cap *= 2;
		p = realloc(c->weights, cap);
		if (!p)
			return vnpu_rt_error(VNPU_STATUS_OUT_OF_MEMORY,
					     "vnpu_graph_compile: out of memory for %llu bytes of weights",
					     (unsigned long long)cap);
		c->weights = p;
		c->wcap = cap;
	}
	/* Padding and panel padding rows are zeros, so files are reproducible. */
	memset(c->weights + c->weight_bytes, 0, end - c->weight_bytes);
	c->weight_bytes = end;
	*off = start;
	return VNPU_STATUS_OK;
}

/* Quantize the FP32 or BF16 constant T to planes in FMT (codes, scales). */
static vnpu_status vnpu_quant_planes(struct vnpu_gc *c, const struct vnpu_gtensor *t,
				     uint32_t fmt, uint8_t *codes, uint8_t *scales,
				     float *ts)
{
	uint64_t n = vnpu_shape_count(t->rank, t->dims);
	struct vnpu_quant_opts qo = { 0 };
	float *tmp = NULL;
	const float *x = t->data;
	int ret;

	if (t->dtype == VNPU_DTYPE_BF16) {
		tmp = malloc(n * 4);
		if (!tmp)
			return vnpu_rt_error(VNPU_STATUS_OUT_OF_MEMORY,
					     "vnpu_graph_compile: out of memory");
		vnpu_convert(VNPU_FMT_FP32, tmp, VNPU_FMT_BF16, t->data, n);
		x = tmp;
	}
	ret = 0;
	if (fmt == VNPU_CMD_FMT_FP32)
		memcpy(codes, x, n * 4);
	else if (fmt == VNPU_CMD_FMT_BF16)
		ret = vnpu_convert(VNPU_FMT_BF16, codes, VNPU_FMT_FP32, x, n);
	else {
		if (c->o.scale_method == VNPU_SCALE_MSE)
			qo.flags = VNPU_Q_MSE_SCALE;
		*ts = 1.0f;
		if (fmt == VNPU_CMD_FMT_NVFP4)
			vnpu_nvfp4_tensor_scale(x, n, ts);
		ret = vnpu_quantize(fmt, x, n, codes, scales, ts, &qo);
	}
	free(tmp);
	if (ret)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_graph_compile: constant '%s' cannot be quantized to %s",
				     t->name, vnpu_fmt_name(fmt));
	return VNPU_STATUS_OK;
}

/* Pack constant T (weights [N, K]) into panels of c->t[T].wfmt. */
static vnpu_status vnpu_quant_pack(struct vnpu_gc *c, vnpu_tensor id)
{
	const struct vnpu_gtensor *t = &c->g->t[id - 1];
	struct vnpu_gc_tensor *ct = &c->t[id - 1];
	uint32_t n = t->dims[0], k = t->dims[1], fmt = ct->wfmt;
	uint64_t bytes = vnpu_panel_size(fmt, n, k), cnt = (uint64_t)n * k;
	uint8_t *codes = NULL, *scales = NULL;
	const uint8_t *pc, *ps;
	vnpu_status st;

	st = vnpu_quant_reserve(c, bytes, &ct->poff);
	if (st)
		return st;
	ct->tscale = 1.0f;
	if (t->dtype == VNPU_DTYPE_BF16 && fmt == VNPU_CMD_FMT_BF16) {
		/* BF16 kept BF16: the values are the codes (no FP32 copy) */
		vnpu_panel_pack(fmt, t->data, NULL, n, k, c->weights + ct->poff);
		return VNPU_STATUS_OK;
	}
	if (t->dtype == VNPU_DTYPE_FP32 || t->dtype == VNPU_DTYPE_BF16) {
		codes = malloc(cnt * 4);
		scales = malloc(cnt / 16 + 1);
		st = codes && scales ? vnpu_quant_planes(c, t, fmt, codes, scales, &ct->tscale) :
			vnpu_rt_error(VNPU_STATUS_OUT_OF_MEMORY, "vnpu_graph_compile: out of memory");
		if (!st)
			vnpu_panel_pack(fmt, codes, scales, n, k, c->weights + ct->poff);
		free(codes);
		free(scales);
		return st;
	}
	/* Already quantized: the planes as declared, repacked bit for bit. */
	vnpu_gt_planes(t, &pc, &ps, &ct->tscale);
	vnpu_panel_pack(fmt, pc, ps, n, k, c->weights + ct->poff);
	return VNPU_STATUS_OK;
}

/* Store constant T as it is (or as BF16 for a BF16-kept table). */
static vnpu_status vnpu_quant_raw(struct vnpu_gc *c, vnpu_tensor id)
{
	const struct vnpu_gtensor *t = &c->g->t[id - 1];
	struct vnpu_gc_tensor *ct = &c->t[id - 1];
	uint64_t cnt = vnpu_shape_count(t->rank, t->dims);
	vnpu_status st;

	st = vnpu_quant_reserve(c, ct->raw_bf16 ? cnt * 2 : t->data_bytes, &ct->offset);
	if (st)
		return st;
	ct->region = VNPU_PROG_WEIGHTS;
	if (ct->raw_bf16)
		vnpu_convert(VNPU_FMT_BF16, c->weights + ct->offset, VNPU_FMT_FP32,
			     t->data, cnt);
	else
		vnpu_gt_const_copy(t, c->weights + ct->offset);
	return VNPU_STATUS_OK;
}

vnpu_status vnpu_pass_quantize(struct vnpu_gc *c)
{
	vnpu_status st = VNPU_STATUS_OK;
	uint32_t i;

	for (i = 0; i < c->g->nt && !st; i++) {
		if (c->g->t[i].kind != VNPU_GT_CONST)
			continue;
		if (c->t[i].mm_use)
			st = vnpu_quant_pack(c, i + 1);
		if (!st && c->t[i].raw_use)
			st = vnpu_quant_raw(c, i + 1);
	}
	return st;
}
