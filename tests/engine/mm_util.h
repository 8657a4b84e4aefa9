/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers for the matmul tests and the benchmark: build operands, run. */
#ifndef VNPU_TEST_MM_UTIL_H
#define VNPU_TEST_MM_UTIL_H

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <vnpu_engine/engine.h>
#include <vnpu_engine/formats.h>
#include <vnpu_engine/matmul.h>

struct mm_w {
	uint32_t fmt, n, k;
	uint8_t *codes, *scales;	/* planes */
	void *panel;
	float tscale;
	float *deq;			/* dequantized, n x k */
};

static inline uint64_t mm_rng(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Gaussian-ish values with a spread of block magnitudes. */
static inline void mm_fill(float *x, size_t n, uint64_t seed, float spread)
{
	uint64_t s = seed * 2654435761u + 1;

	for (size_t i = 0; i < n; i++) {
		double u = 0;

		for (int j = 0; j < 4; j++)
			u += (double)(mm_rng(&s) >> 11) / 0x1p53 - 0.5;
		x[i] = (float)(u * exp2(spread * sin((double)(i / 32) * 0.7)));
	}
}

/* Bytes per element of a weight's codes plane (FP4: 0, two per byte). */
static inline uint32_t mm_w_esize(uint32_t fmt)
{
	switch (fmt) {
	case VNPU_FMT_MXFP4: case VNPU_FMT_NVFP4:
		return 0;
	case VNPU_FMT_BF16:
		return 2;
	case VNPU_FMT_FP32:
		return 4;
	default:
		return 1;
	}
}

static inline size_t mm_w_code_bytes(uint32_t fmt, size_t cnt)
{
	uint32_t es = mm_w_esize(fmt);

	return es ? cnt * es : cnt / 2;
}

/* Quantize (or round to BF16, or copy) src into w's planes and pack it. */
static inline int mm_w_make(struct mm_w *w, uint32_t fmt, uint32_t n, uint32_t k,
			    const float *src)
{
	uint32_t bs = vnpu_fmt_block(fmt);
	size_t cnt = (size_t)n * k;

	w->fmt = fmt;
	w->n = n;
	w->k = k;
	w->codes = calloc(mm_w_code_bytes(fmt, cnt), 1);
	w->scales = calloc(cnt / bs + 1, 1);
	w->panel = aligned_alloc(64, (vnpu_panel_size(fmt, n, k) + 63) & ~(size_t)63);
	w->deq = malloc(sizeof(float) * cnt);
	w->tscale = 1.0f;
	if (fmt == VNPU_FMT_BF16 || fmt == VNPU_FMT_FP32) {
		if (vnpu_convert(fmt, w->codes, VNPU_FMT_FP32, src, cnt) ||
		    vnpu_convert(VNPU_FMT_FP32, w->deq, fmt, w->codes, cnt))
			return -1;
		return vnpu_panel_pack(fmt, w->codes, NULL, n, k, w->panel);
	}
	if (fmt == VNPU_FMT_NVFP4)
		vnpu_nvfp4_tensor_scale(src, cnt, &w->tscale);
	for (uint32_t r = 0; r < n; r++) {
		if (vnpu_quantize(fmt, src + (size_t)r * k, k,
				  w->codes + mm_w_code_bytes(fmt, (size_t)r * k),
				  w->scales + (size_t)r * k / bs, &w->tscale, NULL))
			return -1;
	}
	if (vnpu_dequantize(fmt, w->codes, w->scales, &w->tscale, cnt, w->deq))
		return -1;
	return vnpu_panel_pack(fmt, w->codes, w->scales, n, k, w->panel);
}

static inline void mm_w_free(struct mm_w *w)
{
	free(w->codes);
	free(w->scales);
	free(w->panel);
	free(w->deq);
}

struct mm_job {
	const struct vnpu_matmul *mm;
	uint32_t m0, m1, n0, n1, features;
	int ret;
};

static inline void *mm_job_run(void *arg)
{
	struct mm_job *j = arg;
	struct vnpu_ctx ctx = { .features = j->features };

	ctx.scratch_size = vnpu_matmul_scratch(j->mm, j->m1 - j->m0);
	ctx.scratch = aligned_alloc(64, (ctx.scratch_size + 63) & ~(size_t)63);
	j->ret = vnpu_matmul_run(j->mm, j->m0, j->m1, j->n0, j->n1, &ctx);
	free(ctx.scratch);
	return NULL;
}

/*
 * Run mm split into tm x tn tiles over threads (N split on 16-row panel
 * boundaries). Returns the first non-zero status.
 */
static inline int mm_run_split(const struct vnpu_matmul *mm, uint32_t features,
			       uint32_t tm, uint32_t tn)
{
	struct mm_job jobs[64];
	pthread_t th[64];
	uint32_t panels = (mm->n + 15) / 16, nj = 0;
	int ret = 0;

	for (uint32_t a = 0; a < tm; a++) {
		for (uint32_t b = 0; b < tn; b++) {
			struct mm_job *j = &jobs[nj];

			j->mm = mm;
			j->features = features;
			j->m0 = (uint32_t)((uint64_t)mm->m * a / tm);
			j->m1 = (uint32_t)((uint64_t)mm->m * (a + 1) / tm);
			j->n0 = (uint32_t)((uint64_t)panels * b / tn) * 16;
			j->n1 = (uint32_t)((uint64_t)panels * (b + 1) / tn) * 16;
			if (j->n1 > mm->n)
				j->n1 = mm->n;
			pthread_create(&th[nj], NULL, mm_job_run, j);
			nj++;
		}
	}
	for (uint32_t i = 0; i < nj; i++) {
		pthread_join(th[i], NULL);
		if (jobs[i].ret && !ret)
			ret = jobs[i].ret;
	}
	return ret;
}

#endif
