// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Attention rows for AVX2: the AVX-512 variant's scheme in 8-lane vectors
 * (a key's 16 lane sums are two of them), the same additions in the same
 * order, so the same bits.
 */
#include "vnpu_attention.h"
#include "vnpu_vexp.h"

#define T256 VNPU_TARGET_AVX2

/* n (1..8) cache values at element @off as FP32 lanes (the rest 0). */
static T256 VNPU_ALWAYS_INLINE v8sf vnpu_attn_ld8(const void *base, uint32_t bf16,
					     size_t off, uint32_t n)
{
	v8su u = { 0 };
	v8sf f = { 0 };

	if (bf16) {
		const uint16_t *b = (const uint16_t *)base + off;

		if (n == 8) {
			u = __builtin_convertvector(*(const vnpu_v8hu_ua *)b, v8su);
		} else {
			for (uint32_t l = 0; l < n; l++)
				u[l] = b[l];
		}
		return (v8sf)(u << 16);
	}
	if (n == 8)
		return *(const vnpu_v8sf_ua *)((const float *)base + off);
	for (uint32_t l = 0; l < n; l++)
		f[l] = ((const float *)base + off)[l];
	return f;
}

/* Lane sums of key j (lanes 0-7 and 8-15) into ks[0..15]. */
static T256 VNPU_ALWAYS_INLINE void vnpu_attn_key8(const struct vnpu_attn *at,
					      uint32_t bf16, uint32_t kh,
					      const float *qp, size_t j,
					      float *ks)
{
	uint32_t d = at->dim, full = d / 16, rem = d % 16, c;
	size_t kb = vnpu_attn_row(at, j, kh);
	v8sf lo = { 0 }, hi = { 0 };

	for (c = 0; c < full; c++) {
		lo = lo + *(const vnpu_v8sf_ua *)(qp + 16 * c) *
		     vnpu_attn_ld8(at->k, bf16, kb + 16 * c, 8);
		hi = hi + *(const vnpu_v8sf_ua *)(qp + 16 * c + 8) *
		     vnpu_attn_ld8(at->k, bf16, kb + 16 * c + 8, 8);
	}
	/* the lanes a partial chunk does not reach keep their sums */
	if (rem)
		lo = lo + *(const vnpu_v8sf_ua *)(qp + 16 * c) *
		     vnpu_attn_ld8(at->k, bf16, kb + 16 * c, rem < 8 ? rem : 8);
	if (rem > 8)
		hi = hi + *(const vnpu_v8sf_ua *)(qp + 16 * c + 8) *
		     vnpu_attn_ld8(at->k, bf16, kb + 16 * c + 8, rem - 8);
	*(vnpu_v8sf_ua *)ks = lo;
	*(vnpu_v8sf_ua *)(ks + 8) = hi;
}

/* Fold steps w = 4, 2, 1 for two keys' (or key groups') lanes: see _avx512.c. */
static T256 VNPU_ALWAYS_INLINE v8sf vnpu_attn_g4(v8sf x, v8sf y)
{
	const v8si lo = { 0, 1, 2, 3, 8, 9, 10, 11 };

	return __builtin_shuffle(x, y, lo) + __builtin_shuffle(x, y, lo + 4);
}

static T256 VNPU_ALWAYS_INLINE v8sf vnpu_attn_g2(v8sf x, v8sf y)
{
	const v8si lo = { 0, 1, 4, 5, 8, 9, 12, 13 };

	return __builtin_shuffle(x, y, lo) + __builtin_shuffle(x, y, lo + 2);
}

static T256 VNPU_ALWAYS_INLINE v8sf vnpu_attn_g1(v8sf x, v8sf y)
{
	const v8si lo = { 0, 2, 4, 6, 8, 10, 12, 14 };

	return __builtin_shuffle(x, y, lo) + __builtin_shuffle(x, y, lo + 1);
}

/* Step w = 8 of key kk: lanes l and l + 8. */
static T256 VNPU_ALWAYS_INLINE v8sf vnpu_attn_g8(const float *ks, uint32_t kk)
{
	return *(const vnpu_v8sf_ua *)(ks + 16 * kk) +
	       *(const vnpu_v8sf_ua *)(ks + 16 * kk + 8);
}

/* Folded sums of 8 keys from ks (16 floats each). */
static T256 VNPU_ALWAYS_INLINE v8sf vnpu_attn_fold8x16(const float *ks)
{
	v8sf a = vnpu_attn_g2(vnpu_attn_g4(vnpu_attn_g8(ks, 0), vnpu_attn_g8(ks, 1)),
			      vnpu_attn_g4(vnpu_attn_g8(ks, 2), vnpu_attn_g8(ks, 3)));
	v8sf b = vnpu_attn_g2(vnpu_attn_g4(vnpu_attn_g8(ks, 4), vnpu_attn_g8(ks, 5)),
			      vnpu_attn_g4(vnpu_attn_g8(ks, 6), vnpu_attn_g8(ks, 7)));

	return vnpu_attn_g1(a, b);
}

static T256 VNPU_ALWAYS_INLINE void vnpu_attn_scores8(const struct vnpu_attn *at,
						 uint32_t bf16, uint32_t kh,
						 const float *qp, size_t len,
						 float *ks, float *sc)
{
	v8sf scale = vnpu_splat8(*at->scale);

	for (size_t jb = 0; jb < len; jb += 8) {
		v8sf s;

		for (uint32_t kk = 0; kk < 8; kk++) {
			if (jb + kk + 32 < len)
				vnpu_attn_prefetch(at, at->k, jb + kk + 32, kh);
			vnpu_attn_key8(at, bf16, kh, qp,
				       jb + kk < len ? jb + kk : len - 1,
				       ks + 16 * kk);
		}
		s = vnpu_attn_fold8x16(ks) * scale;
		if (jb + 8 <= len) {
			*(vnpu_v8sf_ua *)(sc + jb) = s;
		} else {
			for (size_t l = 0; l < len - jb; l++)
				sc[jb + l] = s[l];
		}
	}
}

/* G chunks of 8 output dims from chunk c0: o = sum_j p_j v_j[c]. */
static T256 VNPU_ALWAYS_INLINE void vnpu_attn_pv8(const struct vnpu_attn *at,
					     uint32_t bf16, uint32_t kh,
					     const float *p, size_t len,
					     uint32_t c0, uint32_t g, float *o)
{
	uint32_t d = at->dim;
	v8sf acc[8];

	for (uint32_t c = 0; c < g; c++)
		acc[c] = (v8sf) { 0 };
	for (size_t j = 0; j < len; j++) {
		v8sf pj = vnpu_splat8(p[j]);
		size_t vb = vnpu_attn_row(at, j, kh);

		if (c0 == 0 && j + 16 < len)
			vnpu_attn_prefetch(at, at->v, j + 16, kh);

		#pragma GCC unroll 8
		for (uint32_t c = 0; c < g; c++) {
			uint32_t c8 = 8 * (c0 + c), n = d - c8 < 8 ? d - c8 : 8;

			acc[c] = acc[c] + pj * vnpu_attn_ld8(at->v, bf16, vb + c8, n);
		}
	}
	for (uint32_t c = 0; c < g; c++) {
		uint32_t c8 = 8 * (c0 + c);

		if (d - c8 >= 8) {
			*(vnpu_v8sf_ua *)(o + c8) = acc[c];
		} else {
			for (uint32_t l = 0; l < d - c8; l++)
				o[c8 + l] = acc[c][l];
		}
	}
}

static T256 VNPU_ALWAYS_INLINE void vnpu_attn_rows8(const struct vnpu_attn *at,
					       uint32_t bf16, uint32_t r0,
					       uint32_t nrows, float *scratch)
{
	uint32_t d = at->dim, nc = (d + 7) / 8;
	uint32_t group = at->n_heads / at->n_kv_heads;
	float *qp = scratch, *ks = qp + (d + 15) / 16 * 16, *sc = ks + 256;

	for (uint32_t r = r0; r < r0 + nrows; r++) {
		uint32_t t = r / at->n_heads, h = r % at->n_heads, kh = h / group;
		size_t len = (size_t)at->pos0 + t + 1;
		float *o = at->out + (size_t)r * d;
		uint32_t c = 0;

		vnpu_attn_pad_q(at, r, qp);
		vnpu_attn_scores8(at, bf16, kh, qp, len, ks, sc);
		vnpu_vsoftmax8(sc, sc, len);
		/* up to 8 chunks a pass keep the sums in registers */
		for (; c + 8 <= nc; c += 8)
			vnpu_attn_pv8(at, bf16, kh, sc, len, c, 8, o);
		for (uint32_t g = 4; g; g /= 2)
			if (nc - c >= g) {
				vnpu_attn_pv8(at, bf16, kh, sc, len, c, g, o);
				c += g;
			}
	}
}

T256 void vnpu_attn_rows_avx2(const struct vnpu_attn *at, uint32_t r0,
			 uint32_t nrows, float *scratch)
{
	/* both cache types, the constant propagated */
	if (at->kv_bf16)
		vnpu_attn_rows8(at, 1, r0, nrows, scratch);
	else
		vnpu_attn_rows8(at, 0, r0, nrows, scratch);
}
