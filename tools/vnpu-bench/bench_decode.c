// SPDX-License-Identifier: GPL-2.0
/*
 * vnpu-bench engine, decode figures: the packets of one 250m decode step
 * (M = 1 GEMVs of the model's shapes, the BF16 head, attention over the
 * KV cache at one position) run as the ISA executor cuts them into tiles,
 * on all threads taking tiles from a shared counter, as the CPU backend
 * does. Each packet's operands rotate through copies totalling ~384 MB so
 * they come from memory, as they do in a decode step. Figures: bytes the
 * packet reads per second, and the ratio to the read bandwidth probe: the
 * best run, as every engine figure, and the mean of the runs, which is
 * what a decode step's tokens/s sees (on this shared host it is 10-30%
 * below the best).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vnpu_engine/engine.h>
#include <vnpu_engine/formats.h>
#include <vnpu_engine/isa.h>
#include <vnpu_engine/matmul.h>

#include "bench.h"

/* What the CPU backend gives each tile (runtime/src/vnpu_rt_cmd.h). */
#define DEC_SCRATCH (1u << 20)
#define DEC_ROTATE ((size_t)384 << 20)

struct dec_run {
	struct vnpu_isa_task task[1];
	struct vnpu_cmd_matmul mm;
	struct vnpu_cmd_attention at;
	uint32_t features, next, prep_rows, run;
	void *scratch[64];
	int err;
};

static void dec_tiles(int tid, void *p)
{
	struct dec_run *r = p;
	const struct vnpu_isa_task *t = &r->task[0];
	uint32_t i;

	while ((i = __atomic_fetch_add(&r->next, 1, __ATOMIC_RELAXED)) < t->ntiles)
		if (vnpu_isa_tile(t, i, r->scratch[tid], DEC_SCRATCH, r->features))
			r->err = 1;
}

static void dec_prep(int tid, void *p)
{
	struct dec_run *r = p;

	if (!tid && vnpu_isa_prepare(&r->task[0], 0, r->prep_rows, r->features))
		r->err = 1;
}

/* Random FP32 in [-1, 1) from a 64-bit LCG. */
static float dec_rand(uint64_t *s)
{
	*s = *s * 6364136223846793005ull + 1442695040888963407ull;
	return (float)((int64_t)*s >> 11) * 0x1p-52f;
}

/* One packed weight of n x k in FMT (FP4 or BF16), 64-byte aligned. */
static void *dec_weights(uint32_t fmt, uint32_t n, uint32_t k, size_t *bytes)
{
	uint32_t bs = fmt == VNPU_FMT_BF16 ? 0 : vnpu_fmt_block(fmt);
	size_t cb = fmt == VNPU_FMT_BF16 ? (size_t)k * 2 : k / 2;
	uint8_t *codes = malloc(cb * n), *sc = bs ? malloc((size_t)n * k / bs) : NULL;
	float *w = malloc(sizeof(float) * k), ts = 1.0f;
	void *panel;
	uint64_t s = 777;

	*bytes = vnpu_panel_size(fmt, n, k);
	panel = bench_alloc_huge(*bytes);
	for (uint32_t r = 0; r < n; r++) {
		for (uint32_t i = 0; i < k; i++)
			w[i] = dec_rand(&s);
		if (bs) {
			vnpu_quantize(fmt, w, k, codes + r * cb, sc + (size_t)r * k / bs,
				      &ts, NULL);
			continue;
		}
		for (uint32_t i = 0; i < k; i++) {
			uint32_t u;

			memcpy(&u, &w[i], 4);
			codes[r * cb + 2 * i] = (uint8_t)(u >> 16);
			codes[r * cb + 2 * i + 1] = (uint8_t)(u >> 24);
		}
	}
	vnpu_panel_pack(fmt, codes, sc, n, k, panel);
	free(codes);
	free(sc);
	free(w);
	return panel;
}

/*
 * @bytes rounded to 4 KiB, copied to fill ~384 MB (at least 2 copies):
 * returns the base, *copies and *stride.
 */
static uint8_t *dec_rotate(const void *one, size_t bytes, uint32_t *copies,
			   size_t *stride)
{
	uint8_t *base;

	*stride = (bytes + 4095) & ~(size_t)4095;
	*copies = (uint32_t)(DEC_ROTATE / *stride) + 1;
	base = bench_alloc_huge(*stride * *copies);
	for (uint32_t i = 0; i < *copies; i++)
		memcpy(base + *stride * i, one, bytes);
	return base;
}

/*
 * The best seconds of @reps runs of the packet in r->task (their mean in
 * *@mean), its streamed operands advanced through the copies each run: a
 * matmul's weights (operand 0), or attention's K and V caches (operands 1,
 * 2; V @off after K). Preparing shared activations is a run of its own,
 * as in the runtime.
 */
static double dec_time(struct pool *pl, int th, struct dec_run *r, uint8_t *base,
		       uint32_t copies, size_t stride, size_t off, int reps,
		       double *mean)
{
	const struct vnpu_isa_task t0 = r->task[0];
	bool attn = r->at.hdr.op == VNPU_OP_ATTENTION;
	double best = 1e30, sum = 0;

	for (int i = 0; i < reps; i++) {
		uint8_t *c = base + (size_t)(r->run++ % copies) * stride;
		double t = 0;

		r->task[0] = t0;
		r->task[0].ptr[attn] = c;
		if (attn)
			r->task[0].ptr[2] = c + off;
		if (!vnpu_isa_plan(&r->task[0], DEC_SCRATCH)) {
			r->err = 1;
			break;
		}
		if (r->task[0].shared) {
			vnpu_isa_shared_size(&r->task[0], r->features, &r->prep_rows);
			t += pool_time(pl, th, dec_prep, r, 1);
		}
		r->next = 0;
		t += pool_time(pl, th, dec_tiles, r, 1);
		sum += t;
		if (t < best)
			best = t;
	}
	r->task[0] = t0;
	*mean = sum / reps;
	return best;
}

static void dec_matmul(struct pool *pl, int th, uint32_t feat, double bw, bool quick,
		       uint32_t wfmt, uint32_t aq, uint32_t n, uint32_t k,
		       void (*rec)(const char *fmt, const char *shape, double gbs,
				   double gbs_mean, double bw, uint32_t tiles))
{
	struct dec_run r = { .features = feat };
	float *a = malloc(sizeof(float) * k), *c = malloc(sizeof(float) * n);
	uint32_t copies, rows;
	size_t bytes, stride, sh;
	void *one = dec_weights(wfmt, n, k, &bytes);
	uint8_t *base = dec_rotate(one, bytes, &copies, &stride);
	char name[48], shape[32];
	void *shared = NULL;
	double t, mean;

	for (uint32_t i = 0; i < k; i++)
		a[i] = sinf((float)i);
	r.mm = (struct vnpu_cmd_matmul){
		.hdr = { .op = VNPU_OP_MATMUL, .size = sizeof(r.mm) },
		.m = 1, .n = n, .k = k, .w_fmt = (uint8_t)wfmt,
		.a_fmt = VNPU_FMT_FP32, .a_quant = (uint8_t)aq,
		.c_fmt = VNPU_FMT_FP32, .lda = k, .ldc = n,
	};
	r.task[0] = (struct vnpu_isa_task){
		.pkt = &r.mm.hdr, .ptr = { base, a, NULL, c }, .workers = (uint32_t)th,
	};
	for (int i = 0; i < th; i++)
		r.scratch[i] = aligned_alloc(64, DEC_SCRATCH);
	vnpu_isa_plan(&r.task[0], DEC_SCRATCH);
	sh = vnpu_isa_shared_size(&r.task[0], feat, &rows);
	if (sh)
		r.task[0].shared = shared = aligned_alloc(64, (sh + 63) & ~(size_t)63);
	dec_time(pl, th, &r, base, copies, stride, 0, 20, &mean);
	t = dec_time(pl, th, &r, base, copies, stride, 0, quick ? 50 : 400, &mean);
	snprintf(name, sizeof(name), "%s*%s", vnpu_fmt_name(wfmt),
		 aq ? vnpu_fmt_name(aq) : "fp32");
	snprintf(shape, sizeof(shape), "1x%ux%u", n, k);
	if (r.err)
		fprintf(stderr, "vnpu-bench: decode %s %s failed\n", name, shape);
	else
		rec(name, shape, bytes / t / 1e9, bytes / mean / 1e9, bw, r.task[0].ntiles);
	for (int i = 0; i < th; i++)
		free(r.scratch[i]);
	free(shared);
	free(base);
	free(one);
	free(a);
	free(c);
}

/* Decode attention, FP32 head-major cache, the query at position @pos. */
static void dec_attention(struct pool *pl, int th, uint32_t feat, double bw, bool quick,
			  uint32_t heads, uint32_t kvh, uint32_t dim, uint32_t pos,
			  uint32_t kv_rows,
			  void (*rec)(const char *fmt, const char *shape, double gbs,
				      double gbs_mean, double bw, uint32_t tiles))
{
	struct dec_run r = { .features = feat };
	size_t cache = (size_t)kvh * kv_rows * dim * 4, stride, bytes;
	float *q = malloc(sizeof(float) * heads * dim);
	float *o = malloc(sizeof(float) * heads * dim);
	float *kv = malloc(2 * cache);
	uint32_t copies;
	uint8_t *base;
	uint64_t s = 99;
	char shape[48];
	double t, mean;

	for (size_t i = 0; i < 2 * cache / 4; i++)
		kv[i] = dec_rand(&s);
	for (uint32_t i = 0; i < heads * dim; i++)
		q[i] = dec_rand(&s);
	base = dec_rotate(kv, 2 * cache, &copies, &stride);
	r.at = (struct vnpu_cmd_attention){
		.hdr = { .op = VNPU_OP_ATTENTION, .size = sizeof(r.at) },
		.nq = 1, .pos0 = pos, .n_heads = heads, .n_kv_heads = kvh, .dim = dim,
		.scale = 0x3e000000u, .kv_rows = kv_rows,	/* 1/8 */
	};
	r.task[0] = (struct vnpu_isa_task){
		.pkt = &r.at.hdr, .ptr = { q, base, base + cache, o },
		.workers = (uint32_t)th,
	};
	for (int i = 0; i < th; i++)
		r.scratch[i] = aligned_alloc(64, DEC_SCRATCH);
	vnpu_isa_plan(&r.task[0], DEC_SCRATCH);
	dec_time(pl, th, &r, base, copies, stride, cache, 20, &mean);
	t = dec_time(pl, th, &r, base, copies, stride, cache, quick ? 50 : 400, &mean);
	/* K and V rows 0..pos of every KV head */
	bytes = (size_t)2 * kvh * (pos + 1) * dim * 4;
	snprintf(shape, sizeof(shape), "h%u/%ux%u@%u", heads, kvh, dim, pos);
	if (r.err)
		fprintf(stderr, "vnpu-bench: decode attention %s failed\n", shape);
	else
		rec("attn-fp32", shape, bytes / t / 1e9, bytes / mean / 1e9, bw, r.task[0].ntiles);
	for (int i = 0; i < th; i++)
		free(r.scratch[i]);
	free(base);
	free(kv);
	free(q);
	free(o);
}

void bench_decode(struct pool *pl, int th, uint32_t feat, double bw, bool quick,
		  void (*rec)(const char *fmt, const char *shape, double gbs,
			      double gbs_mean, double bw, uint32_t tiles))
{
	/* 250m: dim 1024, 4 KV heads x 64, ffn 2816, vocab 32000 */
	static const uint32_t shapes[][2] = {
		{ 1024, 1024 }, { 256, 1024 }, { 2816, 1024 }, { 1024, 2816 },
	};

	for (size_t f = 0; f < 2; f++)
		for (size_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++)
			dec_matmul(pl, th, feat, bw, quick,
				   f ? VNPU_FMT_NVFP4 : VNPU_FMT_MXFP4, VNPU_FMT_MXINT8,
				   shapes[i][0], shapes[i][1], rec);
	dec_matmul(pl, th, feat, bw, quick, VNPU_FMT_BF16, VNPU_FMT_NONE, 32000, 1024, rec);
	dec_attention(pl, th, feat, bw, quick, 16, 4, 64, 576, 640, rec);
}
