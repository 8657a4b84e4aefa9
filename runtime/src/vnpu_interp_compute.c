// SPDX-License-Identifier: MIT
/*
 * The CPU backend's compute packets: MATMUL and the vector unit's ops,
 * cut into tiles for the worker pool and run with the compute engine, as
 * vnpu_cmd.h defines them. Tiles only choose which rows, columns or
 * elements a call covers; the engine's per-element arithmetic is fixed,
 * so any split (and any thread count) gives the card's bits.
 */
#include <string.h>

#include <vnpu_engine/formats.h>
#include <vnpu_engine/matmul.h>
#include <vnpu_engine/ops.h>

#include "vnpu_interp.h"
#include "vnpu_pool.h"

/* Work per tile: big enough to amortize dispatch, small enough to spread. */
#define VNPU_RT_TILE_MACS (1u << 21)
#define VNPU_RT_TILE_ELEMS 16384u

struct vnpu_rt_task {
	const struct vnpu_cmd_header *pkt;
	void *const *ptr;
	uint32_t features;
	uint32_t items, per_tile;		/* vector packets */
	struct vnpu_matmul mm;			/* MATMUL */
	uint32_t rows, cols, tiles_n;
};

static float vnpu_rt_f32(uint32_t bits)
{
	float f;

	memcpy(&f, &bits, sizeof(f));
	return f;
}

static uint32_t vnpu_rt_min(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

static int vnpu_rt_mm_tile(const void *arg, uint32_t t, void *scratch)
{
	const struct vnpu_rt_task *k = arg;
	struct vnpu_ctx ctx = {
		.features = k->features,
		.scratch = scratch,
		.scratch_size = VNPU_RT_SCRATCH,
	};
	uint32_t m0 = t / k->tiles_n * k->rows, n0 = t % k->tiles_n * k->cols;

	return vnpu_matmul_run(&k->mm, m0, vnpu_rt_min(m0 + k->rows, k->mm.m),
			       n0, vnpu_rt_min(n0 + k->cols, k->mm.n), &ctx) ?
		       VNPU_RT_TILE_ENGINE : 0;
}

static int vnpu_rt_matmul(struct vnpu_rt_task *k, struct vnpu_rt_pool *pool,
			  void *scratch)
{
	const struct vnpu_cmd_matmul *p = (const void *)k->pkt;
	uint32_t rows = 1, cols;

	k->mm = (struct vnpu_matmul){
		.m = p->m, .n = p->n, .k = p->k,
		.w_fmt = p->w_fmt, .w = k->ptr[0], .w_tscale = vnpu_rt_f32(p->w_tscale),
		.a_fmt = p->a_fmt, .a_quant = p->a_quant, .a = k->ptr[1],
		.lda = p->lda, .bias = k->ptr[2], .act = p->act,
		.c_fmt = p->c_fmt, .c = k->ptr[3], .ldc = p->ldc,
	};
	/* An AI core holds at least one row of prepared activations. */
	if (vnpu_matmul_scratch(&k->mm, 1) > VNPU_RT_SCRATCH)
		return VNPU_RT_TILE_NOSPACE;
	while (rows * 2 <= vnpu_rt_min(p->m, 64) &&
	       vnpu_matmul_scratch(&k->mm, rows * 2) <= VNPU_RT_SCRATCH)
		rows *= 2;
	cols = VNPU_RT_TILE_MACS / (rows * p->k) / 16 * 16;
	if (cols < 16)
		cols = 16;
	if (cols > (p->n + 15) / 16 * 16)
		cols = (p->n + 15) / 16 * 16;
	k->rows = rows;
	k->cols = cols;
	k->tiles_n = (p->n + cols - 1) / cols;
	return vnpu_rt_pool_run(pool, vnpu_rt_mm_tile, k,
				(p->m + rows - 1) / rows * k->tiles_n, scratch);
}

static void vnpu_rt_eltwise(const struct vnpu_cmd_eltwise *p, void *const *ptr,
			    uint32_t i0, uint32_t cnt)
{
	const float *x = (const float *)ptr[0] + i0;
	const float *y = ptr[1] ? (const float *)ptr[1] + i0 : NULL;
	float *out = (float *)ptr[2] + i0, s = vnpu_rt_f32(p->scale);

	switch (p->op) {
	case VNPU_ELT_ADD:
		vnpu_add(out, x, y, cnt);
		break;
	case VNPU_ELT_MUL:
		vnpu_mul(out, x, y, cnt);
		break;
	case VNPU_ELT_SCALE:
		vnpu_scale(out, x, &s, cnt);
		break;
	case VNPU_ELT_SILU:
		vnpu_silu(out, x, cnt);
		break;
	case VNPU_ELT_GELU:
		vnpu_gelu(out, x, cnt);
		break;
	case VNPU_ELT_GELU_TANH:
		vnpu_gelu_tanh(out, x, cnt);
		break;
	default:
		vnpu_swiglu(out, x, y, cnt);
		break;
	}
}

static void vnpu_rt_norm(const struct vnpu_cmd_norm *p, void *const *ptr,
			 uint32_t r0, uint32_t cnt)
{
	float eps = vnpu_rt_f32(p->eps);
	uint32_t r;

	for (r = r0; r < r0 + cnt; r++) {
		const float *x = (const float *)ptr[0] + (size_t)r * p->n;
		float *y = (float *)ptr[3] + (size_t)r * p->n;

		if (p->kind == VNPU_NORM_RMS)
			vnpu_rmsnorm(y, x, ptr[1], &eps, p->n);
		else
			vnpu_layernorm(y, x, ptr[1], ptr[2], &eps, p->n);
	}
}

static int vnpu_rt_quant(const struct vnpu_cmd_quant *p, void *const *ptr,
			 uint32_t e0, uint32_t cnt)
{
	uint32_t block = p->fmt == VNPU_CMD_FMT_NVFP4 ? 16 : 32;
	uint32_t bits = vnpu_fmt_bits(p->fmt);
	float ts = vnpu_rt_f32(p->tscale);
	float *x = (float *)ptr[0] + e0;
	uint8_t *codes = (uint8_t *)ptr[1] + (size_t)e0 * bits / 8;
	uint8_t *scales = (uint8_t *)ptr[2] + e0 / block;

	if (p->hdr.op == VNPU_OP_QUANTIZE)
		return vnpu_quantize(p->fmt, x, cnt, codes, scales, &ts, NULL);
	return vnpu_dequantize(p->fmt, codes, scales, &ts, cnt, x);
}

static int vnpu_rt_vec_tile(const void *arg, uint32_t t, void *scratch)
{
	const struct vnpu_rt_task *k = arg;
	const void *p = k->pkt;
	void *const *ptr = k->ptr;
	uint32_t i0 = t * k->per_tile, cnt = vnpu_rt_min(k->per_tile, k->items - i0);

	switch (k->pkt->op) {
	case VNPU_OP_ELTWISE:
		vnpu_rt_eltwise(p, ptr, i0, cnt);
		return 0;
	case VNPU_OP_NORM:
		vnpu_rt_norm(p, ptr, i0, cnt);
		return 0;
	case VNPU_OP_SOFTMAX: {
		const struct vnpu_cmd_softmax *s = p;
		size_t off = (size_t)i0 * s->ld;

		vnpu_softmax((float *)ptr[1] + off, (const float *)ptr[0] + off,
			     cnt, s->n, s->ld, s->flags & VNPU_SOFTMAX_CAUSAL,
			     (size_t)s->offset + i0);
		return 0;
	}
	case VNPU_OP_ROPE: {
		const struct vnpu_cmd_rope *r = p;
		float theta = vnpu_rt_f32(r->theta);

		/* Each tile derives the same frequencies: no shared state. */
		vnpu_rope_freqs(scratch, r->dim, &theta);
		vnpu_rope((float *)ptr[0] + (size_t)i0 * r->dim, cnt, r->dim,
			  r->pos, scratch, r->mode);
		return 0;
	}
	case VNPU_OP_GATHER: {
		const struct vnpu_cmd_gather *g = p;

		return vnpu_gather((float *)ptr[2] + (size_t)i0 * g->cols, ptr[0],
				   g->table_bf16, g->rows, g->cols,
				   (const uint32_t *)ptr[1] + i0, cnt) ?
			       VNPU_RT_TILE_INDEX : 0;
	}
	case VNPU_OP_ATTENTION: {
		const struct vnpu_cmd_attention *a = p;
		float scale = vnpu_rt_f32(a->scale);
		struct vnpu_ctx ctx = {
			.features = k->features,
			.scratch = scratch,
			.scratch_size = VNPU_RT_SCRATCH,
		};
		struct vnpu_attn at = {
			.q = ptr[0], .k = ptr[1], .v = ptr[2], .out = ptr[3],
			.scale = &scale, .nq = a->nq, .pos0 = a->pos0,
			.n_heads = a->n_heads, .n_kv_heads = a->n_kv_heads,
			.dim = a->dim, .kv_bf16 = a->kv_bf16,
		};

		return vnpu_attention(&at, &ctx) ? VNPU_RT_TILE_ENGINE : 0;
	}
	default:
		return vnpu_rt_quant(p, ptr, i0, cnt) ? VNPU_RT_TILE_ENGINE : 0;
	}
}

/* Work items of a vector packet, and how many make one tile. */
static void vnpu_rt_vec_plan(struct vnpu_rt_task *k)
{
	const void *p = k->pkt;
	uint32_t item = 1;

	switch (k->pkt->op) {
	case VNPU_OP_ELTWISE:
		k->items = ((const struct vnpu_cmd_eltwise *)p)->n;
		break;
	case VNPU_OP_NORM:
		k->items = ((const struct vnpu_cmd_norm *)p)->rows;
		item = ((const struct vnpu_cmd_norm *)p)->n;
		break;
	case VNPU_OP_SOFTMAX:
		k->items = ((const struct vnpu_cmd_softmax *)p)->rows;
		item = ((const struct vnpu_cmd_softmax *)p)->n;
		break;
	case VNPU_OP_ROPE:
		k->items = ((const struct vnpu_cmd_rope *)p)->heads;
		item = ((const struct vnpu_cmd_rope *)p)->dim;
		break;
	case VNPU_OP_GATHER:
		k->items = ((const struct vnpu_cmd_gather *)p)->n;
		item = ((const struct vnpu_cmd_gather *)p)->cols;
		break;
	case VNPU_OP_ATTENTION:
		/* One engine call covers every head and query. */
		k->items = 1;
		item = VNPU_RT_TILE_ELEMS;
		break;
	default:	/* QUANTIZE, DEQUANTIZE: tiles of whole 32-blocks */
		k->items = ((const struct vnpu_cmd_quant *)p)->n;
		break;
	}
	k->per_tile = item >= VNPU_RT_TILE_ELEMS ? 1 : VNPU_RT_TILE_ELEMS / item;
}

int vnpu_rt_compute(vnpu_device *dev, const struct vnpu_cmd_header *pkt,
		    void *const *ptr, void *scratch)
{
	struct vnpu_rt_task k = {
		.pkt = pkt, .ptr = ptr, .features = dev->features,
	};

	if (pkt->op == VNPU_OP_MATMUL)
		return vnpu_rt_matmul(&k, dev->pool, scratch);
	vnpu_rt_vec_plan(&k);
	return vnpu_rt_pool_run(dev->pool, vnpu_rt_vec_tile, &k,
				(k.items + k.per_tile - 1) / k.per_tile, scratch);
}
