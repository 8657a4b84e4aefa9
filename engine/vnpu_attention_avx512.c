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
static T512 VNPU_ALWAYS_INLINE v16sf vnpu_attn_ld(const void *base, uint32_t bf16,
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
static T512 VNPU_ALWAYS_INLINE v16sf vnpu_attn_f8(v16sf a, v16sf b)
{
	const v16si lo = { 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23 };

	return __builtin_shuffle(a, b, lo) + __builtin_shuffle(a, b, lo + 8);
}

static T512 VNPU_ALWAYS_INLINE v16sf vnpu_attn_f4(v16sf a, v16sf b)
{
	const v16si lo = { 0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27 };

	return __builtin_shuffle(a, b, lo) + __builtin_shuffle(a, b, lo + 4);
}

static T512 VNPU_ALWAYS_INLINE v16sf vnpu_attn_f2(v16sf a, v16sf b)
{
	const v16si lo = { 0, 1, 4, 5, 8, 9, 12, 13, 16, 17, 20, 21, 24, 25, 28, 29 };

	return __builtin_shuffle(a, b, lo) + __builtin_shuffle(a, b, lo + 2);
}

static T512 VNPU_ALWAYS_INLINE v16sf vnpu_attn_f1(v16sf a, v16sf b)
{
	const v16si lo = { 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30 };

	return __builtin_shuffle(a, b, lo) + __builtin_shuffle(a, b, lo + 1);
}

/*
 * Lane l of key j: sum of q[i] k_j[i] over i = l mod 16, ascending i. DC:
 * dim / 16 when the caller specialized on a dim multiple of 16 (no partial
 * chunk, the loop unrolled), else 0.
 */
static T512 VNPU_ALWAYS_INLINE v16sf vnpu_attn_key(const struct vnpu_attn *at,
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
 * sc[b][j] = dot(q_b, k_j) * scale for j < len and the NB rows b of one
 * KV head (qp[b], sc[b] nq16 and ns16 floats apart); ks room for 16 keys'
 * lane sums (the general dims pass them through memory, which keeps the
 * kernel build's stack frame small; the specialized ones stay in
 * registers). Each 16-key block serves the NB rows while in L1.
 */
static T512 VNPU_ALWAYS_INLINE void vnpu_attn_scores(const struct vnpu_attn *at,
						uint32_t bf16, uint32_t dc,
						uint32_t kh, uint32_t nb,
						const float *qp, size_t nq16,
						size_t len, float *ks, float *sc,
						size_t ns16)
{
	v16sf scale = vnpu_splat16(*at->scale);

	for (size_t jb = 0; jb < len; jb += 16) {
		for (uint32_t kk = 0; jb + 32 < len && kk < 16; kk++)
			if (jb + kk + 32 < len)
				vnpu_attn_prefetch(at, at->k, jb + kk + 32, kh);
		for (uint32_t b = 0; b < nb; b++) {
			const float *q = qp + b * nq16;
			v16sf c0, c1, d0, s;

		/* keys past len repeat the last one; their scores are dropped */
#define J(kk) (jb + (kk) < len ? jb + (kk) : len - 1)
#define KEY(kk) (dc ? vnpu_attn_key(at, bf16, dc, kh, q, J(kk)) : vnpu_vld16(ks + 16 * (kk)))
			for (uint32_t kk = 0; !dc && kk < 16; kk++)
				vnpu_vst16(ks + 16 * kk,
					   vnpu_attn_key(at, bf16, 0, kh, q, J(kk)));
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
				vnpu_vst16(sc + b * ns16 + jb, s);
			else
				vnpu_vst16_part(sc + b * ns16 + jb, s, len - jb);
		}
	}
}

/*
 * G chunks of 16 output dims from chunk c0 for NB rows of one KV head:
 * o_b = sum_j p_b[j] v_j[c], each row's sums in ascending j as alone; the
 * rows share the loads and give the adder NB times the independent sums.
 */
static T512 VNPU_ALWAYS_INLINE void vnpu_attn_pv(const struct vnpu_attn *at,
					    uint32_t bf16, uint32_t dc,
					    uint32_t kh, uint32_t nb,
					    const float *p, size_t ns16,
					    size_t len, uint32_t c0, uint32_t g,
					    float *o, size_t ostride)
{
	uint32_t d = dc ? 16 * dc : at->dim;
	v16sf acc[4][4] = { { { 0 } } };

	for (size_t j = 0; j < len; j++) {
		size_t vb = vnpu_attn_row(at, j, kh);
		v16sf vj[4];

		if (c0 == 0 && j + 16 < len)
			vnpu_attn_prefetch(at, at->v, j + 16, kh);

		#pragma GCC unroll 4
		for (uint32_t c = 0; c < g; c++) {
			uint32_t c16 = 16 * (c0 + c), n = d - c16 < 16 ? d - c16 : 16;

			vj[c] = vnpu_attn_ld(at->v, bf16, vb + c16, n);
		}
		#pragma GCC unroll 4
		for (uint32_t b = 0; b < nb; b++) {
			v16sf pj = vnpu_splat16(p[b * ns16 + j]);

			#pragma GCC unroll 4
			for (uint32_t c = 0; c < g; c++)
				acc[b][c] = acc[b][c] + pj * vj[c];
		}
	}
	for (uint32_t b = 0; b < nb; b++)
		for (uint32_t c = 0; c < g; c++) {
			uint32_t c16 = 16 * (c0 + c);
			float *ob = o + b * ostride;

			if (d - c16 >= 16)
				vnpu_vst16(ob + c16, acc[b][c]);
			else
				vnpu_vst16_part(ob + c16, acc[b][c], d - c16);
		}
}

/* NB (1..4) consecutive rows from r of one query token and KV head. */
static T512 VNPU_ALWAYS_INLINE void vnpu_attn_block(const struct vnpu_attn *at,
					       uint32_t bf16, uint32_t dc,
					       uint32_t r, uint32_t nb,
					       float *scratch)
{
	uint32_t d = dc ? 16 * dc : at->dim, nc = (d + 15) / 16;
	uint32_t t = r / at->n_heads, kh = r % at->n_heads /
					   (at->n_heads / at->n_kv_heads);
	size_t len = (size_t)at->pos0 + t + 1, ns16 = (len + 15) / 16 * 16;
	float *qp = scratch, *ks = qp + (size_t)16 * nc * nb, *sc = ks + 256;
	float *o = at->out + (size_t)r * d;
	uint32_t c;

	for (uint32_t b = 0; b < nb; b++)
		vnpu_attn_pad_q(at, r + b, qp + (size_t)16 * nc * b);
	vnpu_attn_scores(at, bf16, dc, kh, nb, qp, (size_t)16 * nc, len, ks, sc, ns16);
	for (uint32_t b = 0; b < nb; b++)
		vnpu_vsoftmax16(sc + b * ns16, sc + b * ns16, len);
	/* 4 chunks a pass keep the sums of up to 4 rows in registers */
	for (c = 0; c + 4 <= nc; c += 4)
		vnpu_attn_pv(at, bf16, dc, kh, nb, sc, ns16, len, c, 4, o, d);
	if (nc - c >= 2) {
		vnpu_attn_pv(at, bf16, dc, kh, nb, sc, ns16, len, c, 2, o, d);
		c += 2;
	}
	if (c < nc)
		vnpu_attn_pv(at, bf16, dc, kh, nb, sc, ns16, len, c, 1, o, d);
}

static T512 VNPU_ALWAYS_INLINE void vnpu_attn_rows_body(const struct vnpu_attn *at,
						   uint32_t bf16, uint32_t dc,
						   uint32_t r0, uint32_t nrows,
						   uint32_t nbmax, float *scratch)
{
	uint32_t group = at->n_heads / at->n_kv_heads;

	for (uint32_t r = r0, nb; r < r0 + nrows; r += nb) {
		/* the rest of this token's query heads of the same KV head */
		uint32_t h = r % at->n_heads, left = group - h % group;

		nb = left < r0 + nrows - r ? left : r0 + nrows - r;
		nb = nb < nbmax ? nb : nbmax;
		switch (nb) {	/* the count a constant: the sums in registers */
		case 4:
			vnpu_attn_block(at, bf16, dc, r, 4, scratch);
			break;
		case 3:
			vnpu_attn_block(at, bf16, dc, r, 3, scratch);
			break;
		case 2:
			vnpu_attn_block(at, bf16, dc, r, 2, scratch);
			break;
		default:
			vnpu_attn_block(at, bf16, dc, r, 1, scratch);
			break;
		}
	}
}

/*
 * Specialized on the common head dims, for each cache type; one function
 * each, so the kernel build's stack frames stay apart (not summed).
 */
#define VNPU_ATTN_BODY(name, bf16, dc)						\
	static T512 VNPU_NOINLINE void name(const struct vnpu_attn *at, \
							uint32_t r0, uint32_t nrows, \
							uint32_t nbmax, float *scratch) \
	{									\
		vnpu_attn_rows_body(at, bf16, dc, r0, nrows, nbmax, scratch);	\
	}
VNPU_ATTN_BODY(vnpu_attn_f32_d32, 0, 2)
VNPU_ATTN_BODY(vnpu_attn_f32_d64, 0, 4)
VNPU_ATTN_BODY(vnpu_attn_f32_d128, 0, 8)
VNPU_ATTN_BODY(vnpu_attn_f32_dn, 0, 0)
VNPU_ATTN_BODY(vnpu_attn_bf16_d32, 1, 2)
VNPU_ATTN_BODY(vnpu_attn_bf16_d64, 1, 4)
VNPU_ATTN_BODY(vnpu_attn_bf16_d128, 1, 8)
VNPU_ATTN_BODY(vnpu_attn_bf16_dn, 1, 0)
#undef VNPU_ATTN_BODY

T512 void vnpu_attn_rows_avx512(const struct vnpu_attn *at, uint32_t r0,
			   uint32_t nrows, uint32_t nbmax, float *scratch)
{
	static void (*const fn[2][4])(const struct vnpu_attn *, uint32_t,
				      uint32_t, uint32_t, float *) = {
		{ vnpu_attn_f32_d32, vnpu_attn_f32_d64, vnpu_attn_f32_d128, vnpu_attn_f32_dn },
		{ vnpu_attn_bf16_d32, vnpu_attn_bf16_d64, vnpu_attn_bf16_d128, vnpu_attn_bf16_dn },
	};
	uint32_t di = at->dim == 32 ? 0 : at->dim == 64 ? 1 : at->dim == 128 ? 2 : 3;

	fn[!!at->kv_bf16][di](at, r0, nrows, nbmax, scratch);
}
