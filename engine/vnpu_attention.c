// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Attention over a KV cache (decode: one query; prefill: many), with
 * grouped-query heads and a causal mask. One fixed order per output.
 */
#include "vnpu_internal.h"
#include <vnpu_engine/formats.h>
#include <vnpu_engine/ops.h>

static inline float vnpu_kv(const void *base, uint32_t bf16, size_t i)
{
	if (bf16)
		return vnpu_f32(vnpu_bf16_to_fp32(((const uint16_t *)base)[i]));
	return ((const float *)base)[i];
}

int vnpu_attention(const struct vnpu_attn *at, const struct vnpu_ctx *ctx)
{
	uint32_t group, d;
	size_t nctx;
	float *sc;

	if (!at || !ctx || !at->q || !at->k || !at->v || !at->out || !at->scale ||
	    !at->n_heads || !at->n_kv_heads || at->n_heads % at->n_kv_heads ||
	    !at->dim || !at->nq)
		return VNPU_EINVAL;
	nctx = (size_t)at->pos0 + at->nq;
	if (!ctx->scratch || ctx->scratch_size < nctx * sizeof(float))
		return VNPU_ENOSPC;
	sc = ctx->scratch;
	group = at->n_heads / at->n_kv_heads;
	d = at->dim;
	for (uint32_t t = 0; t < at->nq; t++) {
		size_t len = (size_t)at->pos0 + t + 1;

		for (uint32_t h = 0; h < at->n_heads; h++) {
			const float *q = at->q + ((size_t)t * at->n_heads + h) * d;
			float *o = at->out + ((size_t)t * at->n_heads + h) * d;
			uint32_t kh = h / group;

			for (size_t j = 0; j < len; j++) {
				size_t kb = (j * at->n_kv_heads + kh) * d;
				float s[16] = { 0 };

				/* vnpu_dot() order, reading K in place */
				for (uint32_t i = 0; i < d; i++)
					s[i % 16] = s[i % 16] + q[i] * vnpu_kv(at->k, at->kv_bf16, kb + i);
				for (int w = 8; w >= 1; w /= 2)
					for (int l = 0; l < w; l++)
						s[l] = s[l] + s[l + w];
				sc[j] = s[0] * *at->scale;
			}
			vnpu_softmax(sc, sc, 1, len, len, 0, 0);
			for (uint32_t i = 0; i < d; i++)
				o[i] = 0.0f;
			for (size_t j = 0; j < len; j++) {
				size_t vb = (j * at->n_kv_heads + kh) * d;

				for (uint32_t i = 0; i < d; i++)
					o[i] = o[i] + sc[j] * vnpu_kv(at->v, at->kv_bf16, vb + i);
			}
		}
	}
	return VNPU_OK;
}
