// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Attention rows for AVX-512: 16-lane vectors throughout. Per query row:
 * each key's 16 lane sums (lane i % 16 of dot(q, k)), 16 keys folded at
 * once by a transposing tree that performs exactly vnpu_fold16()'s
 * additions; the softmax row of vnpu_vexp.h; then out = sum_j p_j v_j over
 * ascending j, 16 dims a lane. Same bits as the other variants.
 */
#include "vnpu_attention.h"
#include "vnpu_vexp.h"

#define T512 VNPU_TARGET_AVX512

/* n (1..16) cache values at element @off as FP32 lanes (the rest 0). */
static VNPU_ALWAYS_INLINE v16sf vnpu_attn_ld(const void *base, uint32_t bf16,
					     size_t off, uint32_t n)
{
	if (bf16) {
		const uint16_t *b = (const uint16_t *)base + off;
		v16su u = { 0 };

		if (n == 16) {
			u = __builtin_convertvector(*(const vnpu_v16hu_ua *)b, v16su);
		} else {
			for (uint32_t l = 0; l < n; l++)
				u[l] = b[l];
		}
		return (v16sf)(u << 16);
	}
	if (n == 16)
		return vnpu_vld16((const float *)base + off);
	return vnpu_vld16_part((const float *)base + off, n);
}

/*
 * The fold of 16 keys' lane sums into one vector whose lane k is key k's
 * vnpu_fold16(): each step adds lanes l and l + w of the same key (lower
 * lane left) for two inputs at once, halving the lanes per key and packing
 * twice the keys per vector (one two-source permute each).
 */
static VNPU_ALWAYS_INLINE v16sf vnpu_attn_f8(v16sf a, v16sf b)
{
	const v16si lo = { 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23 };

	return __builtin_shuffle(a, b, lo) + __builtin_shuffle(a, b, lo + 8);
}

static VNPU_ALWAYS_INLINE v16sf vnpu_attn_f4(v16sf a, v16sf b)
{
	const v16si lo = { 0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27 };

	return __builtin_shuffle(a, b, lo) + __builtin_shuffle(a, b, lo + 4);
}

static VNPU_ALWAYS_INLINE v16sf vnpu_attn_f2(v16sf a, v16sf b)
{
	const v16si lo = { 0, 1, 4, 5, 8, 9, 12, 13, 16, 17, 20, 21, 24, 25, 28, 29 };

	return __builtin_shuffle(a, b, lo) + __builtin_shuffle(a, b, lo + 2);
}

static VNPU_ALWAYS_INLINE v16sf vnpu_attn_f1(v16sf a, v16sf b)
{
	const v16si lo = { 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30 };

	return __builtin_shuffle(a, b, lo) + __builtin_shuffle(a, b, lo + 1);
}

/*
 * Lane l of key j: sum of q[i] k_j[i] over i = l mod 16, ascending i. DC:
 * dim / 16 when the caller specialized on a dim multiple of 16 (no partial
 * chunk, the loop unrolled), else 0.
 */
static VNPU_ALWAYS_INLINE v16sf vnpu_attn_key(const struct vnpu_attn *at,
					      uint32_t bf16, uint32_t dc,
					      uint32_t kh, const float *qp,
					      size_t j)
{
	uint32_t d = dc ? 16 * dc : at->dim, full = d / 16, rem = d % 16, c;
	size_t kb = vnpu_attn_row(at, j, kh);
	v16sf acc = { 0 };

	for (c = 0; c < full; c++)
		acc = acc + vnpu_vld16(qp + 16 * c) *
		      vnpu_attn_ld(at->k, bf16, kb + 16 * c, 16);
	if (rem)
		acc = acc + vnpu_vld16(qp + 16 * c) *
		      vnpu_attn_ld(at->k, bf16, kb + 16 * c, rem);
	return acc;
}

/*
 * sc[j] = dot(q, k_j) * scale for j < len; qp is q padded with zeros, ks
 * room for 16 keys' lane sums (the general dims pass them through memory,
 * which keeps the kernel build's stack frame small; the specialized ones
 * stay in registers).
 */
static VNPU_ALWAYS_INLINE void vnpu_attn_scores(const struct vnpu_attn *at,
						uint32_t bf16, uint32_t dc,
						uint32_t kh, const float *qp,
						size_t len, float *ks, float *sc)
{
	v16sf scale = vnpu_splat16(*at->scale);

	for (size_t jb = 0; jb < len; jb += 16) {
		v16sf c0, c1, d0, s;

		/* keys past len repeat the last one; their scores are dropped */
#define J(kk) (jb + (kk) < len ? jb + (kk) : len - 1)
#define KEY(kk) (dc ? vnpu_attn_key(at, bf16, dc, kh, qp, J(kk)) : vnpu_vld16(ks + 16 * (kk)))
		for (uint32_t kk = 0; kk < 16; kk++) {
			if (jb + kk + 32 < len)
				vnpu_attn_prefetch(at, at->k, jb + kk + 32, kh);
			if (!dc)
				vnpu_vst16(ks + 16 * kk,
					   vnpu_attn_key(at, bf16, 0, kh, qp, J(kk)));
		}
		/* depth first, so few sums are live at a time */
		c0 = vnpu_attn_f4(vnpu_attn_f8(KEY(0), KEY(1)),
				  vnpu_attn_f8(KEY(2), KEY(3)));
		c1 = vnpu_attn_f4(vnpu_attn_f8(KEY(4), KEY(5)),
				  vnpu_attn_f8(KEY(6), KEY(7)));
		d0 = vnpu_attn_f2(c0, c1);
		c0 = vnpu_attn_f4(vnpu_attn_f8(KEY(8), KEY(9)),
				  vnpu_attn_f8(KEY(10), KEY(11)));
		c1 = vnpu_attn_f4(vnpu_attn_f8(KEY(12), KEY(13)),
				  vnpu_attn_f8(KEY(14), KEY(15)));
		s = vnpu_attn_f1(d0, vnpu_attn_f2(c0, c1)) * scale;
#undef KEY
#undef J
		if (jb + 16 <= len)
			vnpu_vst16(sc + jb, s);
		else
			vnpu_vst16_part(sc + jb, s, len - jb);
	}
}

/* G chunks of 16 output dims from chunk c0: o = sum_j p_j v_j[c]. */
static VNPU_ALWAYS_INLINE void vnpu_attn_pv(const struct vnpu_attn *at,
					    uint32_t bf16, uint32_t dc,
					    uint32_t kh, const float *p,
					    size_t len, uint32_t c0, uint32_t g,
					    float *o)
{
	uint32_t d = dc ? 16 * dc : at->dim;
	v16sf acc[4] = { { 0 }, { 0 }, { 0 }, { 0 } };

	for (size_t j = 0; j < len; j++) {
		v16sf pj = vnpu_splat16(p[j]);
		size_t vb = vnpu_attn_row(at, j, kh);

		if (c0 == 0 && j + 16 < len)
			vnpu_attn_prefetch(at, at->v, j + 16, kh);

		#pragma GCC unroll 4
		for (uint32_t c = 0; c < g; c++) {
			uint32_t c16 = 16 * (c0 + c), n = d - c16 < 16 ? d - c16 : 16;

			acc[c] = acc[c] + pj * vnpu_attn_ld(at->v, bf16, vb + c16, n);
		}
	}
	for (uint32_t c = 0; c < g; c++) {
		uint32_t c16 = 16 * (c0 + c);

		if (d - c16 >= 16)
			vnpu_vst16(o + c16, acc[c]);
		else
			vnpu_vst16_part(o + c16, acc[c], d - c16);
	}
}

static VNPU_ALWAYS_INLINE void vnpu_attn_rows_body(const struct vnpu_attn *at,
						   uint32_t bf16, uint32_t dc,
						   uint32_t r0, uint32_t nrows,
						   float *scratch)
{
	uint32_t d = dc ? 16 * dc : at->dim, nc = (d + 15) / 16;
	uint32_t group = at->n_heads / at->n_kv_heads;
	float *qp = scratch, *ks = qp + 16 * nc, *sc = ks + 256;

	for (uint32_t r = r0; r < r0 + nrows; r++) {
		uint32_t t = r / at->n_heads, h = r % at->n_heads, kh = h / group;
		float *o = at->out + (size_t)r * d;
		size_t len = (size_t)at->pos0 + t + 1;
		uint32_t c;

		vnpu_attn_pad_q(at, r, qp);
		vnpu_attn_scores(at, bf16, dc, kh, qp, len, ks, sc);
		vnpu_vsoftmax16(sc, sc, len);
		/* 4 chunks a pass keep the sums in registers */
		for (c = 0; c + 4 <= nc; c += 4)
			vnpu_attn_pv(at, bf16, dc, kh, sc, len, c, 4, o);
		if (nc - c >= 2) {
			vnpu_attn_pv(at, bf16, dc, kh, sc, len, c, 2, o);
			c += 2;
		}
		if (c < nc)
			vnpu_attn_pv(at, bf16, dc, kh, sc, len, c, 1, o);
	}
}

/* Specialized on the common head dims, for each cache type. */
static VNPU_ALWAYS_INLINE void vnpu_attn_rows_kv(const struct vnpu_attn *at,
						 uint32_t bf16, uint32_t r0,
						 uint32_t nrows, float *scratch)
{
	switch (at->dim) {
	case 32:
		vnpu_attn_rows_body(at, bf16, 2, r0, nrows, scratch);
		break;
	case 64:
		vnpu_attn_rows_body(at, bf16, 4, r0, nrows, scratch);
		break;
	case 128:
		vnpu_attn_rows_body(at, bf16, 8, r0, nrows, scratch);
		break;
	default:
		vnpu_attn_rows_body(at, bf16, 0, r0, nrows, scratch);
		break;
	}
}

T512 void vnpu_attn_rows_avx512(const struct vnpu_attn *at, uint32_t r0,
			   uint32_t nrows, float *scratch)
{
	if (at->kv_bf16)
		vnpu_attn_rows_kv(at, 1, r0, nrows, scratch);
	else
		vnpu_attn_rows_kv(at, 0, r0, nrows, scratch);
}
