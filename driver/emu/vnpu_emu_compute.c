// SPDX-License-Identifier: GPL-2.0
/*
 * The AI cores' arithmetic: the compute engine (engine/) running a tile of
 * a matmul packet. Built with the kernel's FPU flags; everything here runs
 * inside kernel_fpu_begin()/kernel_fpu_end() (vnpu_emu_cores.c).
 */
#include <linux/errno.h>
#include <linux/math.h>
#include <linux/minmax.h>
#include <linux/sizes.h>

#include <vnpu_engine/formats.h>
#include <vnpu_engine/matmul.h>
#include <vnpu_engine/ops.h>

#include <drm/vnpu_cmd.h>

#include "vnpu_emu_compute.h"

/* MACs per tile: a few ms natively, so FPU sections stay short. */
#define VNPU_EMU_TILE_MACS SZ_2M

static void vnpu_emu_mm_desc(const struct vnpu_emu_mm *mm,
			     struct vnpu_matmul *d)
{
	union { u32 u; float f; } ts = { .u = mm->w_tscale };

	*d = (struct vnpu_matmul){
		.m = mm->m, .n = mm->n, .k = mm->k,
		.w_fmt = mm->w_fmt, .w = mm->w, .w_tscale = ts.f,
		.a_fmt = mm->a_fmt, .a_quant = mm->a_quant,
		.a = mm->a, .lda = mm->lda,
		.bias = mm->bias, .act = mm->act,
		.c_fmt = mm->c_fmt, .c = mm->c, .ldc = mm->ldc,
	};
}

u32 vnpu_emu_mm_plan(struct vnpu_emu_mm *mm, size_t scratch)
{
	struct vnpu_matmul d;
	u32 rows = 1, cols;

	vnpu_emu_mm_desc(mm, &d);
	if (vnpu_matmul_scratch(&d, 1) > scratch)
		return 0;
	while (rows < mm->m && rows < 64 &&
	       vnpu_matmul_scratch(&d, rows * 2) <= scratch)
		rows *= 2;
	rows = min(rows, mm->m);
	cols = VNPU_EMU_TILE_MACS / max(rows * mm->k, 1u);
	cols = clamp_t(u32, cols / 16 * 16, 16, round_up(mm->n, 16));
	mm->tile_rows = rows;
	mm->tile_cols = cols;
	mm->tiles_m = DIV_ROUND_UP(mm->m, rows);
	mm->tiles_n = DIV_ROUND_UP(mm->n, cols);
	return mm->tiles_m * mm->tiles_n;
}

int vnpu_emu_mm_tile(const void *arg, u32 t, void *scratch,
		     size_t scratch_size, u32 features)
{
	const struct vnpu_emu_mm *mm = arg;
	struct vnpu_ctx ctx = {
		.features = features,
		.scratch = scratch,
		.scratch_size = scratch_size,
	};
	struct vnpu_matmul d;
	u32 m0 = (t / mm->tiles_n) * mm->tile_rows;
	u32 n0 = (t % mm->tiles_n) * mm->tile_cols;
	int ret;

	/* Checked at submit; an unaligned panel would fault in the engine. */
	if ((uintptr_t)mm->w % 64)
		return -EINVAL;
	vnpu_emu_mm_desc(mm, &d);
	ret = vnpu_matmul_run(&d, m0, min(m0 + mm->tile_rows, mm->m), n0,
			      min(n0 + mm->tile_cols, mm->n), &ctx);
	return ret ? -EINVAL : 0;
}

/* Elements a vector tile works on: short FPU sections, cheap dispatch. */
#define VNPU_EMU_VEC_ELEMS 16384u

static float vnpu_emu_f32(u32 bits)
{
	union { u32 u; float f; } v = { .u = bits };

	return v.f;
}

/* Items of SIZE elements that fit one tile (at least 1). */
static u32 vnpu_emu_per_tile(u32 size)
{
	return max(VNPU_EMU_VEC_ELEMS / max(size, 1u), 1u);
}

u32 vnpu_emu_vec_plan(struct vnpu_emu_vec *vec)
{
	const void *p = vec->pkt;
	u32 items;

	switch (vec->pkt->op) {
	case VNPU_OP_ELTWISE:
		vec->per_tile = VNPU_EMU_VEC_ELEMS;
		items = ((const struct vnpu_cmd_eltwise *)p)->n;
		break;
	case VNPU_OP_NORM:
		vec->per_tile = vnpu_emu_per_tile(((const struct vnpu_cmd_norm *)p)->n);
		items = ((const struct vnpu_cmd_norm *)p)->rows;
		break;
	case VNPU_OP_SOFTMAX:
		vec->per_tile = vnpu_emu_per_tile(((const struct vnpu_cmd_softmax *)p)->n);
		items = ((const struct vnpu_cmd_softmax *)p)->rows;
		break;
	case VNPU_OP_ROPE:
		vec->per_tile = vnpu_emu_per_tile(((const struct vnpu_cmd_rope *)p)->dim);
		items = ((const struct vnpu_cmd_rope *)p)->heads;
		break;
	case VNPU_OP_GATHER:
		vec->per_tile = vnpu_emu_per_tile(((const struct vnpu_cmd_gather *)p)->cols);
		items = ((const struct vnpu_cmd_gather *)p)->n;
		break;
	case VNPU_OP_QUANTIZE:
	case VNPU_OP_DEQUANTIZE:
		vec->per_tile = VNPU_EMU_VEC_ELEMS;	/* a multiple of 32 */
		items = ((const struct vnpu_cmd_quant *)p)->n;
		break;
	default:	/* attention: one tile */
		vec->per_tile = 1;
		items = 1;
		break;
	}
	return DIV_ROUND_UP(items, vec->per_tile);
}

static int vnpu_emu_eltwise(const struct vnpu_emu_vec *vec, u32 i0, u32 cnt)
{
	const struct vnpu_cmd_eltwise *p = (const void *)vec->pkt;
	const float *x = (const float *)vec->ptr[0] + i0;
	const float *y = vec->ptr[1] ? (const float *)vec->ptr[1] + i0 : NULL;
	float *out = (float *)vec->ptr[2] + i0;
	float s = vnpu_emu_f32(p->scale);

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
	return 0;
}

static int vnpu_emu_norm(const struct vnpu_emu_vec *vec, u32 r0, u32 cnt)
{
	const struct vnpu_cmd_norm *p = (const void *)vec->pkt;
	float eps = vnpu_emu_f32(p->eps);
	u32 r;

	for (r = r0; r < r0 + cnt; r++) {
		const float *x = (const float *)vec->ptr[0] + (size_t)r * p->n;
		float *y = (float *)vec->ptr[3] + (size_t)r * p->n;

		if (p->kind == VNPU_NORM_RMS)
			vnpu_rmsnorm(y, x, vec->ptr[1], &eps, p->n);
		else
			vnpu_layernorm(y, x, vec->ptr[1], vec->ptr[2], &eps,
				       p->n);
	}
	return 0;
}

static int vnpu_emu_rope(const struct vnpu_emu_vec *vec, u32 h0, u32 cnt,
			 void *scratch, size_t scratch_size)
{
	const struct vnpu_cmd_rope *p = (const void *)vec->pkt;
	float theta = vnpu_emu_f32(p->theta);

	if (scratch_size < p->dim / 2 * sizeof(float))
		return -ENOSPC;
	vnpu_rope_freqs(scratch, p->dim, &theta);
	vnpu_rope((float *)vec->ptr[0] + (size_t)h0 * p->dim, cnt, p->dim,
		  p->pos, scratch, p->mode);
	return 0;
}

static int vnpu_emu_attention(const struct vnpu_emu_vec *vec, void *scratch,
			      size_t scratch_size, u32 features)
{
	const struct vnpu_cmd_attention *p = (const void *)vec->pkt;
	float scale = vnpu_emu_f32(p->scale);
	struct vnpu_ctx ctx = {
		.features = features,
		.scratch = scratch,
		.scratch_size = scratch_size,
	};
	struct vnpu_attn at = {
		.q = vec->ptr[0], .k = vec->ptr[1], .v = vec->ptr[2],
		.out = vec->ptr[3], .scale = &scale,
		.nq = p->nq, .pos0 = p->pos0, .n_heads = p->n_heads,
		.n_kv_heads = p->n_kv_heads, .dim = p->dim,
		.kv_bf16 = p->kv_bf16,
	};

	return vnpu_attention(&at, &ctx) ? -EINVAL : 0;
}

static int vnpu_emu_quant(const struct vnpu_emu_vec *vec, u32 e0, u32 cnt)
{
	const struct vnpu_cmd_quant *p = (const void *)vec->pkt;
	u32 block = p->fmt == VNPU_CMD_FMT_NVFP4 ? 16 : 32;
	u32 bits = (p->fmt == VNPU_CMD_FMT_MXFP4 ||
		    p->fmt == VNPU_CMD_FMT_NVFP4) ? 4 : 8;
	float ts = vnpu_emu_f32(p->tscale);
	float *x = (float *)vec->ptr[0] + e0;
	u8 *codes = (u8 *)vec->ptr[1] + (size_t)e0 * bits / 8;
	u8 *scales = (u8 *)vec->ptr[2] + e0 / block;
	int ret;

	if (p->hdr.op == VNPU_OP_QUANTIZE)
		ret = vnpu_quantize(p->fmt, x, cnt, codes, scales, &ts, NULL);
	else
		ret = vnpu_dequantize(p->fmt, codes, scales, &ts, cnt, x);
	return ret ? -EINVAL : 0;
}

int vnpu_emu_vec_tile(const void *arg, u32 t, void *scratch,
		      size_t scratch_size, u32 features)
{
	const struct vnpu_emu_vec *vec = arg;
	const void *p = vec->pkt;
	u32 i0 = t * vec->per_tile, total, cnt;

	switch (vec->pkt->op) {
	case VNPU_OP_ELTWISE:
		total = ((const struct vnpu_cmd_eltwise *)p)->n;
		break;
	case VNPU_OP_NORM:
		total = ((const struct vnpu_cmd_norm *)p)->rows;
		break;
	case VNPU_OP_SOFTMAX:
		total = ((const struct vnpu_cmd_softmax *)p)->rows;
		break;
	case VNPU_OP_ROPE:
		total = ((const struct vnpu_cmd_rope *)p)->heads;
		break;
	case VNPU_OP_GATHER:
		total = ((const struct vnpu_cmd_gather *)p)->n;
		break;
	case VNPU_OP_QUANTIZE:
	case VNPU_OP_DEQUANTIZE:
		total = ((const struct vnpu_cmd_quant *)p)->n;
		break;
	default:
		return vnpu_emu_attention(vec, scratch, scratch_size, features);
	}
	cnt = min(vec->per_tile, total - i0);

	switch (vec->pkt->op) {
	case VNPU_OP_ELTWISE:
		return vnpu_emu_eltwise(vec, i0, cnt);
	case VNPU_OP_NORM:
		return vnpu_emu_norm(vec, i0, cnt);
	case VNPU_OP_SOFTMAX: {
		const struct vnpu_cmd_softmax *s = p;
		size_t off = (size_t)i0 * s->ld;

		vnpu_softmax((float *)vec->ptr[1] + off,
			     (const float *)vec->ptr[0] + off, cnt, s->n, s->ld,
			     s->flags & VNPU_SOFTMAX_CAUSAL,
			     (size_t)s->offset + i0);
		return 0;
	}
	case VNPU_OP_ROPE:
		return vnpu_emu_rope(vec, i0, cnt, scratch, scratch_size);
	case VNPU_OP_GATHER: {
		const struct vnpu_cmd_gather *g = p;

		/* An index past the table is a device fault. */
		return vnpu_gather((float *)vec->ptr[2] + (size_t)i0 * g->cols,
				   vec->ptr[0], g->table_bf16, g->rows, g->cols,
				   (const u32 *)vec->ptr[1] + i0, cnt) ?
			       -EFAULT : 0;
	}
	default:
		return vnpu_emu_quant(vec, i0, cnt);
	}
}
