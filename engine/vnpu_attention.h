/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/* Attention internals: the variant kernels vnpu_attention_rows() picks. */
#ifndef VNPU_ATTENTION_H
#define VNPU_ATTENTION_H

#include "vnpu_internal.h"
#include <vnpu_engine/ops.h>

/* The most rows the AVX-512 variant computes at once. */
#define VNPU_ATTN_NB_MAX 16

/*
 * Query rows r0 .. r0 + nrows - 1 (row r = query r / n_heads, head
 * r % n_heads) of a validated @at; @scratch holds
 * vnpu_attn_scratch_rows(@at, @nbmax) bytes: room for up to @nbmax
 * (1..VNPU_ATTN_NB_MAX) rows of one KV head at once, which the AVX-512
 * variant computes together (the grouped heads of up to @nbmax / group
 * tokens; each row still in its own order). The three give the same bits.
 */
void vnpu_attn_rows_generic(const struct vnpu_attn *at, uint32_t r0,
			    uint32_t nrows, float *scratch);
void vnpu_attn_rows_avx2(const struct vnpu_attn *at, uint32_t r0,
			 uint32_t nrows, float *scratch);
void vnpu_attn_rows_avx512(const struct vnpu_attn *at, uint32_t r0,
			   uint32_t nrows, uint32_t nbmax, float *scratch);

/*
 * Scratch bytes for @nb rows at once: each its padded query and its
 * scores (the context rounded up to 16), and 16 keys' lane sums.
 */
static inline size_t vnpu_attn_scratch_rows(const struct vnpu_attn *at,
					    uint32_t nb)
{
	size_t nctx = (size_t)at->pos0 + at->nq;

	return (nb * ((size_t)(at->dim + 15) / 16 * 16 + (nctx + 15) / 16 * 16) +
		256) * sizeof(float);
}

/* Row r's query, zero-padded to a multiple of 16, into qp. */
static inline void vnpu_attn_pad_q(const struct vnpu_attn *at, uint32_t r,
				   float *qp)
{
	const float *q = at->q + (size_t)r * at->dim;

	for (uint32_t i = 0; i < (at->dim + 15) / 16 * 16; i++)
		qp[i] = i < at->dim ? q[i] : 0.0f;
}

/* Element offset of the cache row of position j, KV head kh. */
static inline size_t vnpu_attn_row(const struct vnpu_attn *at, size_t j,
				   uint32_t kh)
{
	if (at->kv_rows)	/* head-major: one head's rows contiguous */
		return ((size_t)kh * at->kv_rows + j) * at->dim;
	return (j * at->n_kv_heads + kh) * (size_t)at->dim;
}

/*
 * Ask for the cache row of position j (KV head kh) ahead of its use: in
 * the position-major layout rows of one head are n_kv_heads * dim
 * elements apart, a stride the hardware prefetcher picks up late
 * (measured: the decode loop then waits on the key loads most of its
 * time). The head-major layout reads one contiguous stream.
 */
static inline void vnpu_attn_prefetch(const struct vnpu_attn *at,
				      const void *base, size_t j, uint32_t kh)
{
	size_t es = at->kv_bf16 ? 2 : 4;
	const char *p = (const char *)base + vnpu_attn_row(at, j, kh) * es;

	for (size_t o = 0; o < (size_t)at->dim * es; o += 64)
		__builtin_prefetch(p + o);
}

#endif /* VNPU_ATTENTION_H */
