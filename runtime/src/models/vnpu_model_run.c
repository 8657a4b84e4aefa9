// SPDX-License-Identifier: MIT
/*
 * Running a model: prefill, decode, forward, generate. The KV caches are
 * state tensors bound to the model's device buffer: a run's only input is
 * its tokens and its only output the logits.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>

#include "../vnpu_internal.h"
#include "vnpu_model_internal.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static vnpu_status check_tokens(const struct vnpu_model *m, const int32_t *t,
				uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		if (t[i] < 0 || (uint32_t)t[i] >= m->cfg.vocab)
			return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
					     "model: token %u is %d, not in 0..%u (the vocabulary)",
					     i, t[i], m->cfg.vocab - 1);
	return VNPU_STATUS_OK;
}

static vnpu_status run_prefill(vnpu_model *m, const int32_t *tokens, uint32_t n,
			       int last_only, float *logits)
{
	vnpu_status st;

	if (!m || !tokens || !n)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "model: no model or no tokens");
	st = check_tokens(m, tokens, n);
	if (!st)
		st = vnpu_model_prepare_prefill(m, n, last_only);
	if (st)
		return st;
	/* rows at and after n are never read before being written */
	m->pos = 0;
	st = vnpu_program_run(m->stream, m->prefill, (const void *[]){ tokens },
			      (void *[]){ logits });
	if (!st)
		m->pos = n;
	return st;
}

vnpu_status vnpu_model_forward(vnpu_model *m, const int32_t *tokens, uint32_t n,
			       float *logits)
{
	if (!logits)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_model_forward: logits is NULL");
	return run_prefill(m, tokens, n, 0, logits);
}

vnpu_status vnpu_model_prefill(vnpu_model *m, const int32_t *tokens, uint32_t n,
			       float *logits)
{
	vnpu_status st;

	if (!m)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT, "model is NULL");
	st = run_prefill(m, tokens, n, 1, m->logits);
	if (!st && logits)
		memcpy(logits, m->logits, (size_t)m->cfg.vocab * 4);
	return st;
}

/*
 * Fault in, in one call per head, the KV-cache rows [P0, P1) the coming
 * decode steps write (CPU backend): each step otherwise first-touches a
 * few head-major cache pages (~6 faults per 60m step, each a trap into a
 * shared-memory allocation). vnpu_model_generate() asks for its whole
 * run; vnpu_model_decode() called alone asks for VNPU_MODEL_FAULT_ROWS
 * rows whenever it reaches the end of those faulted so far. At most that
 * many rows past what the run writes: the peak stays what it touches.
 * Rows past the position are never read before being written, so the
 * fallback writing zeros changes nothing.
 */
#define VNPU_MODEL_FAULT_ROWS 64u

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

static void prefault_rows(struct vnpu_model *m, uint32_t p0, uint32_t p1)
{
	const vnpu_buffer *b = m->cache;
	uint64_t row = (uint64_t)m->cfg.head_dim * 4, page = VNPU_RT_PAGE;

	if (p1 > m->ctx)
		p1 = m->ctx;
	if (p0 < m->faulted)
		p0 = m->faulted;
	if (!b->map || b->dev->info.backend != VNPU_BACKEND_CPU || p0 >= p1)
		return;
	m->faulted = p1;
	for (uint64_t i = 0; i < 2ull * m->cfg.n_layers; i++)
		for (uint64_t h = 0; h < m->cfg.n_kv_heads; h++) {
			uint64_t lo = i * m->state_stride + (h * m->ctx + p0) * row;
			uint64_t hi = lo + (uint64_t)(p1 - p0) * row;
			uint8_t *a = (uint8_t *)b->map + lo / page * page;
			size_t len = (size_t)((hi + page - 1) / page * page - lo / page * page);

			if (madvise(a, len, MADV_POPULATE_WRITE))
				for (uint64_t o = lo; o < hi; o = (o / page + 1) * page)
					((volatile uint8_t *)b->map)[o] = 0;
		}
}

vnpu_status vnpu_model_decode(vnpu_model *m, int32_t token, float *logits)
{
	vnpu_status st;

	if (!m)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT, "model is NULL");
	if (m->pos >= m->ctx)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "model: the KV cache is full (%u tokens, the context)",
				     m->ctx);
	st = check_tokens(m, &token, 1);
	if (st)
		return st;
	/* a caller stepping alone gets the faults in batches too */
	if (m->pos >= m->faulted)
		prefault_rows(m, m->pos, m->pos + VNPU_MODEL_FAULT_ROWS);
	st = vnpu_program_run_at(m->stream, m->decode, m->pos,
				 (const void *[]){ &token }, (void *[]){ m->logits });
	if (st)
		return st;
	m->pos++;
	if (logits)
		memcpy(logits, m->logits, (size_t)m->cfg.vocab * 4);
	return VNPU_STATUS_OK;
}

uint32_t vnpu_model_position(const vnpu_model *m)
{
	return m ? m->pos : 0;
}

static void fill_stats(const struct vnpu_model *m, vnpu_model_stats *s)
{
	struct rusage ru;
	vnpu_program_info pi;

	s->weight_bytes = s->arena_bytes = 0;
	if (m->decode && !vnpu_program_info_get(m->decode, &pi)) {
		s->weight_bytes += pi.weight_bytes;
		s->arena_bytes += pi.arena_bytes;
	}
	if (m->prefill && !vnpu_program_info_get(m->prefill, &pi)) {
		/* A prefill sharing decode's weights adds no copy. */
		if (!m->weights_shared)
			s->weight_bytes += pi.weight_bytes;
		s->arena_bytes += pi.arena_bytes;
	}
	s->kv_bytes = vnpu_buffer_size(m->cache);
	if (!getrusage(RUSAGE_SELF, &ru))
		s->peak_rss_bytes = (uint64_t)ru.ru_maxrss * 1024;
}

vnpu_status vnpu_model_generate(vnpu_model *m, const int32_t *prompt, uint32_t n,
				uint32_t gen, const vnpu_sampling *s, int32_t *out,
				vnpu_model_stats *stats, vnpu_model_token_fn on_token,
				void *user)
{
	static const vnpu_sampling greedy = { 0 };
	vnpu_model_stats ls = { 0 };
	vnpu_sampler smp;
	vnpu_status st;
	double t0, t1;
	int32_t tok;

	if (!m || !prompt || (gen && !out))
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_model_generate: model, prompt or out is NULL");
	if ((uint64_t)n + gen > m->ctx + 1ull)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "model: %u prompt + %u generated tokens exceed the context of %u",
				     n, gen, m->ctx);
	m->compile_s = 0;
	st = check_tokens(m, prompt, n);
	if (!st)
		st = vnpu_model_prepare_prefill(m, n, 1);
	if (st)
		return st;
	vnpu_sampler_init(&smp, s ? s : &greedy);
	t0 = now_s();
	st = vnpu_model_prefill(m, prompt, n, NULL);
	if (st)
		goto out;
	tok = vnpu_sampler_next(&smp, m->logits, m->cfg.vocab);
	ls.ttft_s = now_s() - t0;
	if (gen && tok < 0)
		st = vnpu_rt_error(VNPU_STATUS_OUT_OF_MEMORY, "sampler: out of memory");
	if (!gen || st)
		goto out;
	out[0] = tok;
	if (on_token)
		on_token(user, 0, gen, tok);
	t1 = now_s();
	/* decode writes rows n .. n + gen - 2 (inside the timed part) */
	prefault_rows(m, m->pos, m->pos + gen - 1);
	for (uint32_t i = 1; i < gen; i++) {
		st = vnpu_model_decode(m, tok, NULL);
		if (st)
			goto out;
		tok = vnpu_sampler_next(&smp, m->logits, m->cfg.vocab);
		if (tok < 0) {
			st = vnpu_rt_error(VNPU_STATUS_OUT_OF_MEMORY, "sampler: out of memory");
			goto out;
		}
		out[i] = tok;
		ls.decode_tokens++;
		if (on_token)
			on_token(user, i, gen, tok);
	}
	ls.decode_s = now_s() - t1;
out:
	vnpu_sampler_fini(&smp);
	ls.compile_s = m->compile_s;
	fill_stats(m, &ls);
	if (stats)
		*stats = ls;
	return st;
}
