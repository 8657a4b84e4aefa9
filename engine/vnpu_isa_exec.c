// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Compute packets of the ISA as tiles (vnpu_engine/isa.h): the emulated
 * card's AI cores and the runtime's CPU backend both run packets through
 * here, so their results cannot differ (their tiles may: the CPU backend
 * cuts GEMVs per worker and, having no FPU sections to bound, makes
 * larger prepared-A tiles). In the kernel this is FPU code: tiles run
 * between kernel_fpu_begin() and kernel_fpu_end().
 */
#include "vnpu_attention.h"
#include "vnpu_internal.h"
#include "vnpu_ops_vec.h"

#include <vnpu_engine/formats.h>
#include <vnpu_engine/isa.h>
#include <vnpu_engine/matmul.h>
#include <vnpu_engine/ops.h>

/* Work per tile: short FPU sections in the kernel, cheap dispatch. */
#define VNPU_ISA_TILE_MACS (1u << 21)
#define VNPU_ISA_TILE_ELEMS 16384u

static uint32_t vnpu_isa_min(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

/* The engine's view of an attention packet (@scale holds its scale). */
static void vnpu_isa_attn_desc(const struct vnpu_cmd_attention *p,
			       void *const *ptr, struct vnpu_attn *at,
			       float *scale)
{
	if (scale)
		*scale = vnpu_f32(p->scale);
	*at = (struct vnpu_attn){
		.q = ptr[0], .k = ptr[1], .v = ptr[2], .out = ptr[3],
		.scale = scale, .nq = p->nq, .pos0 = p->pos0,
		.n_heads = p->n_heads, .n_kv_heads = p->n_kv_heads,
		.dim = p->dim, .kv_bf16 = p->kv_bf16, .kv_rows = p->kv_rows,
	};
}

static void vnpu_isa_mm_desc(const struct vnpu_isa_task *task,
			     struct vnpu_matmul *d)
{
	const struct vnpu_cmd_matmul *p = (const void *)task->pkt;

	*d = (struct vnpu_matmul){
		.m = p->m, .n = p->n, .k = p->k,
		.w_fmt = p->w_fmt, .w = task->ptr[0],
		.w_tscale = vnpu_f32(p->w_tscale),
		.a_fmt = p->a_fmt, .a_quant = p->a_quant, .a = task->ptr[1],
		.lda = p->lda, .bias = task->ptr[2], .act = p->act,
		.c_fmt = p->c_fmt, .c = task->ptr[3], .ldc = p->ldc,
		.a_prep = task->shared,
	};
}

/*
 * A matmul whose activations are prepared (quantized on the fly, or BF16
 * widened) prepares the rows of A again in every tile, at a cost of a dot
 * product over some tens of columns per element: its tiles span many
 * columns. 250m prefill, MXINT8: with 64 x 32 tiles (the MAC budget above)
 * preparing A took ~7x the int8 kernel's time. Fewer rows per tile (at
 * least one packed int8 kernel call, 12 rows) keep the tile's work within
 * a longer but still bounded FPU section. Small matmuls (at most
 * VNPU_ISA_PREP_TILES tiles of the plain plan) keep the plain plan, and a
 * wide plan keeps at least that many tiles, so every core gets work.
 *
 * Only the kernel needs the bound: a tile is one FPU section there
 * (preemption off). In userspace a larger one lets the tiles of a long-K
 * matmul keep more rows, each weight decoded for more of them: 250m
 * prefill's down projection (K = 2816) takes 36 rows a tile instead of 12,
 * and TTFT went 266 -> 254 ms (2^25 kept 12 rows; 2^27 made too few
 * tiles). Tiles change no bit.
 */
#ifdef __KERNEL__
#define VNPU_ISA_TILE_MACS_PREP (1u << 24)
#else
#define VNPU_ISA_TILE_MACS_PREP (1u << 26)
#endif
#define VNPU_ISA_PREP_COLS 512u
#define VNPU_ISA_PREP_TILES 8u

static bool vnpu_isa_mm_prepared(const struct vnpu_cmd_matmul *p)
{
	return p->a_quant != VNPU_FMT_NONE || p->a_fmt == VNPU_FMT_BF16;
}

static uint32_t vnpu_isa_ceil(uint32_t a, uint32_t b)
{
	return (a + b - 1) / b;
}

/* Rows and columns of the wide tiles (see above), or false to keep the plain. */
static bool vnpu_isa_mm_wide(const struct vnpu_cmd_matmul *p,
			     const struct vnpu_matmul *d, size_t scratch,
			     uint32_t *rows, uint32_t *cols)
{
	static const uint8_t prep_rows[] = { 64, 48, 36, 24, 12 };
	uint32_t n16 = vnpu_isa_ceil(p->n, 16) * 16;
	uint32_t want = vnpu_isa_min(n16, VNPU_ISA_PREP_COLS), r = 0, c, rt, ct;

	/* the most rows that fit and leave room for @want columns */
	for (size_t i = 0; i < sizeof(prep_rows); i++) {
		r = prep_rows[i];
		if (r <= p->m && vnpu_matmul_scratch(d, r) <= scratch &&
		    ((uint64_t)r * p->k * want <= VNPU_ISA_TILE_MACS_PREP ||
		     i + 1 == sizeof(prep_rows)))
			break;
		r = 0;
	}
	if (!r)
		return false;
	c = VNPU_ISA_TILE_MACS_PREP / (r * p->k) / 16 * 16;
	c = c < 16 ? 16 : c > n16 ? n16 : c;
	/* equal widths (1024 = 512 + 512), enough tiles for the cores */
	rt = vnpu_isa_ceil(p->m, r);
	ct = vnpu_isa_ceil(n16, c);
	if (rt * ct < VNPU_ISA_PREP_TILES)
		ct = vnpu_isa_min(vnpu_isa_ceil(VNPU_ISA_PREP_TILES, rt), n16 / 16);
	*rows = r;
	*cols = vnpu_isa_ceil(n16 / 16, ct) * 16;
	return true;
}

/*
 * A matmul of a few rows (decode's GEMVs, M = 1) fits one or two tiles of
 * the MAC budget, so one worker streamed all its weights while the others
 * idled (or, with 2048 + 768 columns, waited for the wider one). With the
 * activations prepared once (vnpu_isa_shared_size()), a column tile costs
 * only its kernel calls: cut such a matmul into at least
 * VNPU_ISA_SPLIT_TILES tiles per worker, a multiple of the workers, of
 * equal widths of at least VNPU_ISA_SPLIT_COLS columns (8 panels: one
 * multi-panel call of the AVX-512 GEMV). One tile per worker: each tile
 * starts its streams of weights cold (~0.5 us from memory here), and
 * with two threads on the CPU backend's pool 1024x1024 MXFP4 ran in
 * 13.8-16.8 us as 2 tiles against 16.5-21.0 as 4 (2816x1024: 56.3 against
 * 60.1-60.8); the helper still took half the tiles.
 */
#define VNPU_ISA_SPLIT_TILES 1u
#define VNPU_ISA_SPLIT_COLS 128u

static uint32_t vnpu_isa_mm_split(uint32_t workers, uint32_t n16, uint32_t cols)
{
	uint32_t ct = vnpu_isa_ceil(n16, cols);

	ct = ct < workers * VNPU_ISA_SPLIT_TILES ? workers * VNPU_ISA_SPLIT_TILES :
	     vnpu_isa_ceil(ct, workers) * workers;
	ct = vnpu_isa_min(ct, vnpu_isa_ceil(n16, VNPU_ISA_SPLIT_COLS));
	return vnpu_isa_ceil(n16 / 16, ct) * 16;
}

/*
 * Prefill attention: tiles of whole tokens, enough of them that the AVX-512
 * variant fills its blocks of VNPU_ATTN_NB_MAX rows of a KV head (grouped
 * heads x tokens: each K/V row is loaded once per block), as long as the
 * packet still makes VNPU_ISA_ATTN_TILES tiles for the workers. Each row's
 * arithmetic is its own, so the split changes no bit.
 */
#define VNPU_ISA_ATTN_TILES 32u

static void vnpu_isa_attn_whole_tokens(struct vnpu_isa_task *task,
				       const struct vnpu_cmd_attention *a,
				       uint32_t group)
{
	uint32_t tokens = vnpu_isa_ceil(VNPU_ATTN_NB_MAX, group);
	uint32_t rows = tokens * a->n_heads;

	rows = vnpu_isa_ceil(task->per_tile, rows) * rows;
	if (task->items / rows >= VNPU_ISA_ATTN_TILES)
		task->per_tile = rows;
}

static uint32_t vnpu_isa_mm_plan(struct vnpu_isa_task *task, size_t scratch)
{
	const struct vnpu_cmd_matmul *p = (const void *)task->pkt;
	struct vnpu_matmul d;
	uint32_t rows = 1, cols, n16 = (p->n + 15) / 16 * 16;

	vnpu_isa_mm_desc(task, &d);
	/* An AI core holds at least one row of prepared activations. */
	if (vnpu_matmul_scratch(&d, 1) > scratch)
		return 0;
	while (rows * 2 <= vnpu_isa_min(p->m, 64) &&
	       vnpu_matmul_scratch(&d, rows * 2) <= scratch)
		rows *= 2;
	cols = VNPU_ISA_TILE_MACS / (rows * p->k) / 16 * 16;
	cols = cols < 16 ? 16 : cols > n16 ? n16 : cols;
	if (vnpu_isa_mm_prepared(p) &&
	    vnpu_isa_ceil(p->m, rows) * vnpu_isa_ceil(p->n, cols) > VNPU_ISA_PREP_TILES)
		vnpu_isa_mm_wide(p, &d, scratch, &rows, &cols);
	if (task->workers > 1 && rows >= p->m)
		cols = vnpu_isa_mm_split(task->workers, n16, cols);
	task->tile_rows = rows;
	task->tile_cols = cols;
	task->tiles_n = (p->n + cols - 1) / cols;
	return (p->m + rows - 1) / rows * task->tiles_n;
}

static int vnpu_isa_mm_tile(const struct vnpu_isa_task *task, uint32_t t,
			    void *scratch, size_t scratch_size,
			    uint32_t features)
{
	const struct vnpu_cmd_matmul *p = (const void *)task->pkt;
	struct vnpu_ctx ctx = {
		.features = features,
		.scratch = scratch,
		.scratch_size = scratch_size,
	};
	uint32_t m0 = t / task->tiles_n * task->tile_rows;
	uint32_t n0 = t % task->tiles_n * task->tile_cols;
	struct vnpu_matmul d;

	/* Checked when the stream was validated; an unaligned panel would
	 * fault in the engine's aligned vector loads.
	 */
	if ((uintptr_t)task->ptr[0] % 64)
		return VNPU_EINVAL;
	vnpu_isa_mm_desc(task, &d);
	return vnpu_matmul_run(&d, m0, vnpu_isa_min(m0 + task->tile_rows, p->m),
			       n0, vnpu_isa_min(n0 + task->tile_cols, p->n),
			       &ctx) ? VNPU_EINVAL : VNPU_OK;
}

size_t vnpu_isa_group_shared_size(const struct vnpu_isa_task *tasks, uint32_t n,
				  uint32_t features, uint32_t *rows)
{
	const struct vnpu_cmd_matmul *p = (const void *)tasks[0].pkt;
	struct vnpu_matmul d;
	uint32_t cols = 0, i;

	*rows = 0;
	for (i = 0; i < n; i++) {
		if (tasks[i].pkt->op != VNPU_OP_MATMUL || !tasks[i].ntiles)
			return 0;
		cols += tasks[i].tiles_n;
	}
	/* with one tile across N, every row is prepared once anyway */
	if (!n || cols < 2)
		return 0;
	vnpu_isa_mm_desc(&tasks[0], &d);
	d.a_prep = NULL;
	*rows = p->m;
	return vnpu_matmul_prep_size(&d, features);
}

size_t vnpu_isa_shared_size(const struct vnpu_isa_task *task, uint32_t features,
			    uint32_t *rows)
{
	return vnpu_isa_group_shared_size(task, 1, features, rows);
}

/* Whether [A, A + AL) and [B, B + BL) share a byte. */
static bool vnpu_isa_overlap(uint64_t a, uint64_t al, uint64_t b, uint64_t bl)
{
	return al && bl && a < b + bl && b < a + al;
}

/* Whether an output of X overlaps any operand of Y. */
static bool vnpu_isa_writes_into(const struct vnpu_isa_operands *x,
				 const struct vnpu_isa_operands *y)
{
	for (uint32_t i = 0; i < x->count; i++) {
		if (!x->o[i].write || !x->o[i].va)
			continue;
		for (uint32_t j = 0; j < y->count; j++)
			if (y->o[j].va && vnpu_isa_overlap(x->o[i].va, x->o[i].len,
							   y->o[j].va, y->o[j].len))
				return true;
	}
	return false;
}

bool vnpu_isa_mm_joinable(const struct vnpu_cmd_header *a,
			  const struct vnpu_cmd_header *b)
{
	const struct vnpu_cmd_matmul *x = (const void *)a, *y = (const void *)b;
	struct vnpu_isa_operands ox, oy;

	if (a->op != VNPU_OP_MATMUL || b->op != VNPU_OP_MATMUL ||
	    x->a != y->a || x->lda != y->lda || x->m != y->m || x->k != y->k ||
	    x->a_fmt != y->a_fmt || x->a_quant != y->a_quant ||
	    x->w_fmt != y->w_fmt)
		return false;
	if (vnpu_isa_operands(a, &ox) || vnpu_isa_operands(b, &oy))
		return false;
	return !vnpu_isa_writes_into(&ox, &oy) && !vnpu_isa_writes_into(&oy, &ox);
}

int vnpu_isa_prepare(const struct vnpu_isa_task *task, uint32_t r0, uint32_t r1,
		     uint32_t features)
{
	struct vnpu_matmul d;

	if (task->pkt->op != VNPU_OP_MATMUL)
		return VNPU_EINVAL;
	vnpu_isa_mm_desc(task, &d);
	return vnpu_matmul_prepare(&d, r0, r1, task->shared, features) ?
	       VNPU_EINVAL : VNPU_OK;
}

bool vnpu_isa_is_compute(uint32_t op)
{
	return (op >= VNPU_OP_MATMUL && op <= VNPU_OP_DEQUANTIZE) ||
	       op == VNPU_OP_HADAMARD || op == VNPU_OP_STRIDED ||
	       op == VNPU_OP_REDUCE || op == VNPU_OP_QLINEAR ||
	       op == VNPU_OP_COMPARE || op == VNPU_OP_SELECT;
}

uint32_t vnpu_isa_plan(struct vnpu_isa_task *task, size_t scratch)
{
	const void *p = task->pkt;
	uint32_t item = 1;

	switch (task->pkt->op) {
	case VNPU_OP_MATMUL:
		task->ntiles = vnpu_isa_mm_plan(task, scratch);
		return task->ntiles;
	case VNPU_OP_ELTWISE:
		task->items = ((const struct vnpu_cmd_eltwise *)p)->n;
		break;
	case VNPU_OP_NORM:
		task->items = ((const struct vnpu_cmd_norm *)p)->rows;
		item = ((const struct vnpu_cmd_norm *)p)->n;
		break;
	case VNPU_OP_SOFTMAX:
		task->items = ((const struct vnpu_cmd_softmax *)p)->rows;
		item = ((const struct vnpu_cmd_softmax *)p)->n;
		break;
	case VNPU_OP_ROPE: {
		/* Tiles of vectors: a tile may span several tokens. */
		const struct vnpu_cmd_rope *r = p;

		task->items = vnpu_isa_rope_tokens(r) * r->heads;
		item = r->dim;
		/* the frequencies, then one token's sines and cosines */
		if (scratch < (size_t)r->dim / 2 * 4 * 3)
			return 0;
		break;
	}
	case VNPU_OP_ATTENTION: {
		/* Tiles of query rows (query x head): each row alone is one
		 * fixed order, so the split does not change a bit.
		 */
		const struct vnpu_cmd_attention *a = p;
		struct vnpu_attn at;
		uint64_t work;

		vnpu_isa_attn_desc(a, task->ptr, &at, NULL);
		if (vnpu_attention_scratch(&at) > scratch)
			return 0;
		task->items = a->nq * a->n_heads;
		/* a row reads up to pos0 + nq keys and values of dim each */
		work = ((uint64_t)a->pos0 + a->nq) * a->dim / 2;
		item = work < 1 ? 1 : work > VNPU_ISA_TILE_ELEMS ?
		       VNPU_ISA_TILE_ELEMS : (uint32_t)work;
		break;
	}
	case VNPU_OP_GATHER:
		task->items = ((const struct vnpu_cmd_gather *)p)->n;
		item = ((const struct vnpu_cmd_gather *)p)->cols;
		break;
	case VNPU_OP_HADAMARD: {
		/* Tiles of whole blocks: every block gets the same signs. */
		const struct vnpu_cmd_hadamard *h = p;

		task->items = (uint32_t)((uint64_t)h->rows * h->cols / h->block);
		item = h->block;
		break;
	}
	case VNPU_OP_STRIDED: {
		const struct vnpu_cmd_strided *s = p;

		/* rows of the innermost dimension */
		task->items = s->dims[0] * s->dims[1] * s->dims[2];
		item = s->dims[3];
		break;
	}
	case VNPU_OP_REDUCE:
		task->items = ((const struct vnpu_cmd_reduce *)p)->rows;
		item = ((const struct vnpu_cmd_reduce *)p)->n;
		break;
	case VNPU_OP_QLINEAR:
		task->items = ((const struct vnpu_cmd_qlinear *)p)->rows;
		item = ((const struct vnpu_cmd_qlinear *)p)->inner;
		break;
	case VNPU_OP_COMPARE:
		task->items = ((const struct vnpu_cmd_compare *)p)->n;
		break;
	case VNPU_OP_SELECT:
		task->items = ((const struct vnpu_cmd_select *)p)->n;
		break;
	default:	/* QUANTIZE, DEQUANTIZE: tiles of whole 32-blocks */
		task->items = ((const struct vnpu_cmd_quant *)p)->n;
		break;
	}
	task->per_tile = item >= VNPU_ISA_TILE_ELEMS ? 1 :
			 VNPU_ISA_TILE_ELEMS / item;
	if (task->pkt->op == VNPU_OP_ATTENTION) {
		const struct vnpu_cmd_attention *a = p;
		uint32_t group = a->n_heads / a->n_kv_heads;

		/* the query heads of one KV head in one tile, one after the
		 * other: the second finds the rows the first read in cache
		 */
		task->per_tile = (task->per_tile + group - 1) / group * group;
		vnpu_isa_attn_whole_tokens(task, a, group);
	}
	task->ntiles = (task->items + task->per_tile - 1) / task->per_tile;
	return task->ntiles;
}

static void vnpu_isa_eltwise(const struct vnpu_cmd_eltwise *p, void *const *ptr,
			     uint32_t i0, uint32_t cnt, uint32_t features)
{
	bool avx512 = vnpu_engine_variant(features) == VNPU_VARIANT_AVX512;
	const float *x = (const float *)ptr[0] + i0;
	const float *y = ptr[1] ? (const float *)ptr[1] + i0 : NULL;
	float *out = (float *)ptr[2] + i0;
	float s = vnpu_f32(p->scale);

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
		if (avx512)
			vnpu_silu_avx512(out, x, cnt);
		else
			vnpu_silu(out, x, cnt);
		break;
	case VNPU_ELT_GELU:
		vnpu_gelu(out, x, cnt);
		break;
	case VNPU_ELT_GELU_TANH:
		vnpu_gelu_tanh(out, x, cnt);
		break;
	case VNPU_ELT_SWIGLU:
		if (avx512)
			vnpu_swiglu_avx512(out, x, y, cnt);
		else
			vnpu_swiglu(out, x, y, cnt);
		break;
	default:	/* validated: SUB .. NEG */
		vnpu_eltwise_ext(p->op, out, x, y, cnt);
		break;
	}
}

static void vnpu_isa_norm(const struct vnpu_cmd_norm *p, void *const *ptr,
			  uint32_t r0, uint32_t cnt, uint32_t features)
{
	bool avx512 = vnpu_engine_variant(features) == VNPU_VARIANT_AVX512;
	float eps = vnpu_f32(p->eps);
	uint32_t r;

	for (r = r0; r < r0 + cnt; r++) {
		const float *x = (const float *)ptr[0] + (size_t)r * p->n;
		float *y = (float *)ptr[3] + (size_t)r * p->n;

		if (p->kind == VNPU_NORM_RMS && avx512)
			vnpu_rmsnorm_avx512(y, x, ptr[1], &eps, p->n);
		else if (p->kind == VNPU_NORM_RMS)
			vnpu_rmsnorm(y, x, ptr[1], &eps, p->n);
		else
			vnpu_layernorm(y, x, ptr[1], ptr[2], &eps, p->n);
	}
}

/*
 * Vectors [V0, V0 + CNT) of a ROPE packet: each token's at its position.
 * SCRATCH: the frequencies, then (AVX-512) one token's sines and cosines.
 */
static void vnpu_isa_rope(const struct vnpu_cmd_rope *p, void *const *ptr,
			  uint32_t v0, uint32_t cnt, float *scratch,
			  uint32_t features)
{
	bool avx512 = vnpu_engine_variant(features) == VNPU_VARIANT_AVX512;
	float theta = vnpu_f32(p->theta);
	uint32_t v = v0, end = v0 + cnt;

	/* Each tile derives the same frequencies: no shared state. */
	vnpu_rope_freqs(scratch, p->dim, &theta);
	while (v < end) {
		uint32_t t = v / p->heads;
		uint32_t n = vnpu_isa_min(end, (t + 1) * p->heads) - v;
		float *x = (float *)ptr[0] + (size_t)v * p->dim;

		if (avx512)
			vnpu_rope_avx512(x, n, p->dim, p->pos + t, scratch,
					 p->mode, scratch + p->dim / 2);
		else
			vnpu_rope(x, n, p->dim, p->pos + t, scratch, p->mode);
		v += n;
	}
}

static int vnpu_isa_attention(const struct vnpu_cmd_attention *p,
			      void *const *ptr, uint32_t r0, uint32_t cnt,
			      void *scratch, size_t scratch_size,
			      uint32_t features)
{
	float scale;
	struct vnpu_ctx ctx = {
		.features = features,
		.scratch = scratch,
		.scratch_size = scratch_size,
	};
	struct vnpu_attn at;

	vnpu_isa_attn_desc(p, ptr, &at, &scale);
	return vnpu_attention_rows(&at, r0, cnt, &ctx) ? VNPU_EINVAL : VNPU_OK;
}

static int vnpu_isa_hadamard(const struct vnpu_cmd_hadamard *p,
			      void *const *ptr, uint32_t b0, uint32_t cnt)
{
	size_t off = (size_t)b0 * p->block, n = (size_t)cnt * p->block, i;
	const float *x = (const float *)ptr[0] + off;
	float *out = (float *)ptr[1] + off;

	/* The engine rotates in place; out is x or disjoint from it. */
	if (out != x)
		for (i = 0; i < n; i++)
			out[i] = x[i];
	return vnpu_hadamard_rotate(out, n, p->block, p->seed,
				    p->flags & VNPU_HADAMARD_INVERSE) ?
		       VNPU_EINVAL : VNPU_OK;
}

static int vnpu_isa_quant_block(const struct vnpu_cmd_quant *p, void *const *ptr,
				uint32_t e0, uint32_t cnt);

static int vnpu_isa_quant(const struct vnpu_cmd_quant *p, void *const *ptr,
			  uint32_t e0, uint32_t cnt)
{
	if (vnpu_fmt_block(p->fmt) == 1) {
		/* An element format: a plain conversion (16 or 8 bits). */
		size_t es = vnpu_fmt_bits(p->fmt) / 8;
		float *x = (float *)ptr[0] + e0;
		uint8_t *c = (uint8_t *)ptr[1] + (size_t)e0 * es;

		if (p->hdr.op == VNPU_OP_QUANTIZE)
			return vnpu_convert(p->fmt, c, VNPU_FMT_FP32, x, cnt) ?
				       VNPU_EINVAL : VNPU_OK;
		return vnpu_convert(VNPU_FMT_FP32, x, p->fmt, c, cnt) ?
			       VNPU_EINVAL : VNPU_OK;
	}
	return vnpu_isa_quant_block(p, ptr, e0, cnt);
}

static int vnpu_isa_quant_block(const struct vnpu_cmd_quant *p, void *const *ptr,
				uint32_t e0, uint32_t cnt)
{
	uint32_t block = p->fmt == VNPU_CMD_FMT_NVFP4 ? 16 : 32;
	uint32_t bits = (p->fmt == VNPU_CMD_FMT_MXFP4 ||
			 p->fmt == VNPU_CMD_FMT_NVFP4) ? 4 : 8;
	float ts = vnpu_f32(p->tscale);
	float *x = (float *)ptr[0] + e0;
	uint8_t *codes = (uint8_t *)ptr[1] + (size_t)e0 * bits / 8;
	uint8_t *scales = (uint8_t *)ptr[2] + e0 / block;
	int ret;

	if (p->hdr.op == VNPU_OP_QUANTIZE)
		ret = vnpu_quantize(p->fmt, x, cnt, codes, scales, &ts, NULL);
	else
		ret = vnpu_dequantize(p->fmt, codes, scales, &ts, cnt, x);
	return ret ? VNPU_EINVAL : VNPU_OK;
}

int vnpu_isa_tile(const struct vnpu_isa_task *task, uint32_t t, void *scratch,
		  size_t scratch_size, uint32_t features)
{
	const void *p = task->pkt;
	void *const *ptr = task->ptr;
	uint32_t i0, cnt;

	if (t >= task->ntiles)
		return VNPU_EINVAL;
	if (task->pkt->op == VNPU_OP_MATMUL)
		return vnpu_isa_mm_tile(task, t, scratch, scratch_size, features);
	i0 = t * task->per_tile;
	cnt = vnpu_isa_min(task->per_tile, task->items - i0);

	switch (task->pkt->op) {
	case VNPU_OP_ELTWISE:
		vnpu_isa_eltwise(p, ptr, i0, cnt, features);
		return VNPU_OK;
	case VNPU_OP_NORM:
		vnpu_isa_norm(p, ptr, i0, cnt, features);
		return VNPU_OK;
	case VNPU_OP_SOFTMAX: {
		const struct vnpu_cmd_softmax *s = p;
		size_t off = (size_t)i0 * s->ld;

		vnpu_softmax((float *)ptr[1] + off, (const float *)ptr[0] + off,
			     cnt, s->n, s->ld, s->flags & VNPU_SOFTMAX_CAUSAL,
			     (size_t)s->offset + i0);
		return VNPU_OK;
	}
	case VNPU_OP_ROPE:
		vnpu_isa_rope(p, ptr, i0, cnt, scratch, features);
		return VNPU_OK;
	case VNPU_OP_ATTENTION:
		return vnpu_isa_attention(p, ptr, i0, cnt, scratch,
					  scratch_size, features);
	case VNPU_OP_GATHER: {
		const struct vnpu_cmd_gather *g = p;

		return vnpu_gather((float *)ptr[2] + (size_t)i0 * g->cols,
				   ptr[0], g->table_bf16, g->rows, g->cols,
				   (const uint32_t *)ptr[1] + i0, cnt) ?
			       VNPU_EFAULT : VNPU_OK;
	}
	case VNPU_OP_HADAMARD:
		return vnpu_isa_hadamard(p, ptr, i0, cnt);
	case VNPU_OP_STRIDED: {
		const struct vnpu_cmd_strided *s = p;

		return vnpu_strided_copy(ptr[1], ptr[0], s->esize, s->dims,
					 (const int32_t *)s->src_stride,
					 s->dst_stride, i0, cnt) ?
			       VNPU_EINVAL : VNPU_OK;
	}
	case VNPU_OP_REDUCE: {
		const struct vnpu_cmd_reduce *r = p;

		return vnpu_reduce((float *)ptr[1] + i0,
				   (const float *)ptr[0] + (size_t)i0 * r->n, cnt,
				   r->n, r->kind) ? VNPU_EINVAL : VNPU_OK;
	}
	case VNPU_OP_QLINEAR: {
		const struct vnpu_cmd_qlinear *q = p;

		return vnpu_qlinear(q->flags, ptr[0], ptr[1], ptr[2], ptr[3],
				    q->axis, q->inner, i0, cnt) ?
			       VNPU_EINVAL : VNPU_OK;
	}
	case VNPU_OP_COMPARE:
		return vnpu_compare(((const struct vnpu_cmd_compare *)p)->kind,
				    (uint8_t *)ptr[2] + i0, (const float *)ptr[0] + i0,
				    (const float *)ptr[1] + i0, cnt) ?
			       VNPU_EINVAL : VNPU_OK;
	case VNPU_OP_SELECT: {
		size_t es = ((const struct vnpu_cmd_select *)p)->esize;

		return vnpu_select((uint32_t)es, (uint8_t *)ptr[3] + i0 * es,
				   (const uint8_t *)ptr[0] + i0,
				   (const uint8_t *)ptr[1] + i0 * es,
				   (const uint8_t *)ptr[2] + i0 * es, cnt) ?
			       VNPU_EINVAL : VNPU_OK;
	}
	default:
		return vnpu_isa_quant(p, ptr, i0, cnt);
	}
}
