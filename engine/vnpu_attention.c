// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Attention over a KV cache (decode: one query; prefill: many), with
 * grouped-query heads and a causal mask: validation, scratch and the
 * run-time choice of variant. Each query row is computed by one fixed
 * order (ops.h), whichever variant and however the rows are split.
 */
#include "vnpu_attention.h"
#include "vnpu_vexp.h"
#include <vnpu_engine/formats.h>

static inline float vnpu_kv(const void *base, uint32_t bf16, size_t i)
{
	if (bf16)
		return vnpu_f32(vnpu_bf16_to_fp32(((const uint16_t *)base)[i]));
	return ((const float *)base)[i];
}

/* The portable variant: the documented order written out element-wise. */
void vnpu_attn_rows_generic(const struct vnpu_attn *at, uint32_t r0,
			    uint32_t nrows, float *scratch)
{
	uint32_t d = at->dim, group = at->n_heads / at->n_kv_heads;

	for (uint32_t r = r0; r < r0 + nrows; r++) {
		uint32_t kh = r % at->n_heads / group;
		size_t len = (size_t)at->pos0 + r / at->n_heads + 1;
		const float *q = at->q + (size_t)r * d;
		float *o = at->out + (size_t)r * d;

		for (size_t j = 0; j < len; j++) {
			size_t kb = vnpu_attn_row(at, j, kh);
			float s[16] = { 0 };

			for (uint32_t i = 0; i < d; i++)
				s[i % 16] = s[i % 16] + q[i] * vnpu_kv(at->k, at->kv_bf16, kb + i);
			scratch[j] = vnpu_fold16(s) * *at->scale;
		}
		vnpu_vsoftmax4(scratch, scratch, len);
		for (uint32_t i = 0; i < d; i++)
			o[i] = 0.0f;
		for (size_t j = 0; j < len; j++) {
			size_t vb = vnpu_attn_row(at, j, kh);

			for (uint32_t i = 0; i < d; i++)
				o[i] = o[i] + scratch[j] * vnpu_kv(at->v, at->kv_bf16, vb + i);
		}
	}
}

static bool vnpu_attn_valid(const struct vnpu_attn *at)
{
	return at && at->q && at->k && at->v && at->out && at->scale &&
	       at->n_heads && at->n_kv_heads && !(at->n_heads % at->n_kv_heads) &&
	       at->dim && at->nq &&
	       (uint64_t)at->nq * at->n_heads <= 0xffffffffu &&
	       (!at->kv_rows || (uint64_t)at->pos0 + at->nq <= at->kv_rows);
}

size_t vnpu_attention_scratch(const struct vnpu_attn *at)
{
	/* the padded query, 16 keys' lane sums, the scores (padded too) */
	return vnpu_attn_scratch_rows(at, 1);
}

int vnpu_attention_rows(const struct vnpu_attn *at, uint32_t r0,
			uint32_t nrows, const struct vnpu_ctx *ctx)
{
	if (!vnpu_attn_valid(at) || !ctx ||
	    (uint64_t)r0 + nrows > (uint64_t)at->nq * at->n_heads)
		return VNPU_EINVAL;
	if (!ctx->scratch || ctx->scratch_size < vnpu_attention_scratch(at))
		return VNPU_ENOSPC;
	switch (vnpu_engine_variant(ctx->features)) {
	case VNPU_VARIANT_AVX512: {
		/* as many rows of a KV head at once as the scratch holds */
		uint32_t nb = VNPU_ATTN_NB_MAX;

		while (nb > 1 && vnpu_attn_scratch_rows(at, nb) > ctx->scratch_size)
			nb--;
		vnpu_attn_rows_avx512(at, r0, nrows, nb, ctx->scratch);
		break;
	}
	case VNPU_VARIANT_AVX2:
		vnpu_attn_rows_avx2(at, r0, nrows, ctx->scratch);
		break;
	default:
		vnpu_attn_rows_generic(at, r0, nrows, ctx->scratch);
		break;
	}
	return VNPU_OK;
}

int vnpu_attention(const struct vnpu_attn *at, const struct vnpu_ctx *ctx)
{
	if (!vnpu_attn_valid(at))
		return VNPU_EINVAL;
	return vnpu_attention_rows(at, 0, at->nq * at->n_heads, ctx);
}
