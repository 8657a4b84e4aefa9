// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Attention rows for AVX-512: 16-lane vectors throughout. Per query row:
 * each key's 16 lane sums (lane i % 16 of dot(q, k)), 16 keys folded at
 * once by a transposing tree that performs exactly vnpu_fold16()'s
 * additions; the softmax row of vnpu_vexp.h; then out = sum_j p_j v_j over
 * ascending j, 16 dims a lane. Same bits as the other variants.
 *
 * Rows are computed in blocks that share a KV head: the grouped query heads
 * of one token and, when the call holds whole tokens (prefill), several
 * consecutive tokens. A block walks the keys once: each 16 keys serve all
 * its rows while in L1, and each value row loaded feeds up to 4 rows' sums.
 * Every row keeps its own order; the blocking only shares loads.
 */
#include "vnpu_attention.h"
#include "vnpu_vexp.h"

#define T512 VNPU_TARGET_AVX512

/* A block: rows of one KV head, in ascending token order. */
struct vnpu_attn_blk {
	const char *k, *v;	/* the KV head's row 0 */
	size_t rs;		/* bytes from one cache row to the next */
	float *qp, *sc;		/* padded queries, scores: nq16, ns16 apart */
	size_t nq16, ns16;
	uint32_t nb;		/* rows */
	uint32_t len[VNPU_ATTN_NB_MAX];	/* keys row b sees (ascending) */
	float *out[VNPU_ATTN_NB_MAX];
};

/* n (1..16) cache values at byte @p as FP32 lanes (the rest 0). */
static T512 VNPU_ALWAYS_INLINE v16sf vnpu_attn_ld(const char *p, uint32_t bf16,
						  uint32_t n)
{
	if (bf16) {
		const uint16_t *b = (const uint16_t *)p;
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
		return vnpu_vld16((const float *)p);
	return vnpu_vld16_part((const float *)p, n);
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
 * Lane l of dot(q, k): sum of q[i] k[i] over i = l mod 16, ascending i,
 * from +0. DC: d / 16 when the caller specialized on a dim multiple of 16
 * (no partial chunk, the loop unrolled), else 0.
 */
static T512 VNPU_ALWAYS_INLINE v16sf vnpu_attn_dot(const char *k, uint32_t bf16,
						   uint32_t dc, uint32_t d,
						   const float *q)
{
	size_t es = bf16 ? 2 : 4;
	v16sf acc = { 0 };
	uint32_t c;

	if (dc) {
		#pragma GCC unroll 8
		for (c = 0; c < dc; c++)
			acc = acc + vnpu_vld16(q + 16 * c) *
			      vnpu_attn_ld(k + 16 * c * es, bf16, 16);
		return acc;
	}
	for (c = 0; c < d / 16; c++)
		acc = acc + vnpu_vld16(q + 16 * c) *
		      vnpu_attn_ld(k + 16 * c * es, bf16, 16);
	if (d % 16)
		acc = acc + vnpu_vld16(q + 16 * c) *
		      vnpu_attn_ld(k + 16 * c * es, bf16, d % 16);
	return acc;
}

/*
 * The scores of keys jb .. jb + 15 for query @q into sc[jb ..]: keys past
 * LAST (the last valid one, relative to jb; 15 for a full block) repeat it
 * and their scores land in the padding, never read.
 */
static T512 VNPU_ALWAYS_INLINE void vnpu_attn_s16(const struct vnpu_attn_blk *bk,
						  uint32_t bf16, uint32_t dc,
						  uint32_t d, const float *q,
						  size_t jb, size_t last,
						  v16sf scale, float *sc)
{
	const char *k = bk->k + jb * bk->rs;
	v16sf c0, c1, d0;

#define KEY(kk) vnpu_attn_dot(k + ((size_t)(kk) < last ? (size_t)(kk) : last) * bk->rs, \
			      bf16, dc, d, q)
	/* depth first, so few sums are live at a time */
	c0 = vnpu_attn_f4(vnpu_attn_f8(KEY(0), KEY(1)), vnpu_attn_f8(KEY(2), KEY(3)));
	c1 = vnpu_attn_f4(vnpu_attn_f8(KEY(4), KEY(5)), vnpu_attn_f8(KEY(6), KEY(7)));
	d0 = vnpu_attn_f2(c0, c1);
	c0 = vnpu_attn_f4(vnpu_attn_f8(KEY(8), KEY(9)), vnpu_attn_f8(KEY(10), KEY(11)));
	c1 = vnpu_attn_f4(vnpu_attn_f8(KEY(12), KEY(13)), vnpu_attn_f8(KEY(14), KEY(15)));
#undef KEY
	vnpu_vst16(sc + jb, vnpu_attn_f1(d0, vnpu_attn_f2(c0, c1)) * scale);
}

/*
 * Cache rows are asked for ahead of their use, in either layout: the
 * head-major cache is one stream a tile, but a decode tile (one KV head,
 * ~150 KB of keys, then as much of values) is too short for the hardware
 * prefetcher to get ahead. Keys VNPU_ATTN_PF_K rows ahead (and the first
 * ones before the scores start), values VNPU_ATTN_PF_V rows ahead (the
 * first ones before the softmax). 250m decode attention, one thread,
 * streamed: 19 -> 28 GB/s.
 */
#define VNPU_ATTN_PF_K 32
#define VNPU_ATTN_PF_V 16

/* Prefetch cache rows j0 .. min(j1, n) - 1 (@bytes each, @rs apart) from @p. */
static T512 VNPU_ALWAYS_INLINE void vnpu_attn_pf_rows(const char *p, size_t rs,
						      size_t j0, size_t j1, size_t n,
						      size_t bytes)
{
	for (size_t j = j0; j < j1 && j < n; j++)
		for (size_t o = 0; o < bytes; o += 64)
			__builtin_prefetch(p + j * rs + o);
}

/*
 * Every row's scores, 16 keys at a time for all rows: the 16 key rows
 * stay in L1 while the block's rows use them.
 */
static T512 VNPU_ALWAYS_INLINE void vnpu_attn_scores(const struct vnpu_attn_blk *bk,
						     uint32_t bf16, uint32_t dc,
						     uint32_t d, v16sf scale)
{
	size_t lmax = bk->len[bk->nb - 1];

	vnpu_attn_pf_rows(bk->k, bk->rs, 0, VNPU_ATTN_PF_K, lmax, d * (bf16 ? 2u : 4u));
	for (size_t jb = 0; jb < lmax; jb += 16) {
		vnpu_attn_pf_rows(bk->k, bk->rs, jb + VNPU_ATTN_PF_K, jb + VNPU_ATTN_PF_K + 16,
				  lmax, d * (bf16 ? 2u : 4u));
		for (uint32_t b = 0; b < bk->nb; b++) {
			const float *q = bk->qp + b * bk->nq16;
			float *sc = bk->sc + b * bk->ns16;

			if (jb + 16 <= bk->len[b])
				vnpu_attn_s16(bk, bf16, dc, d, q, jb, 15, scale, sc);
			else if (jb < bk->len[b])
				vnpu_attn_s16(bk, bf16, dc, d, q, jb,
					      bk->len[b] - 1 - jb, scale, sc);
		}
	}
}

/*
 * vnpu_vsoftmax16() of x[0 .. len) in place, the same bits, for a row
 * padded to 16 (its padding is read and written, never used): the last
 * partial chunk goes as a vector too, its lanes past len set to -Inf for
 * the maximum and to +0 for the sum (adding +0 to a sum that is not -0
 * changes nothing), instead of one exp per element.
 */
static T512 VNPU_ALWAYS_INLINE void vnpu_attn_softmax(float *x, size_t len)
{
	const v16si lane = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };
	size_t n16 = (len + 15) / 16 * 16, i;
	v16si tail = lane < (v16si){ 0 } + (int32_t)(len + 16 - n16);
	v16sf ninf = vnpu_splat16(vnpu_f32(0xff800000u)), m16 = ninf, s = { 0 }, v;
	float m = vnpu_f32(0xff800000u), sl[16];

	for (i = 0; i + 16 < n16; i += 16) {
		v = vnpu_vld16(x + i);
		m16 = vnpu_vsel16(v > m16, v, m16);
	}
	v = vnpu_vsel16(tail, vnpu_vld16(x + i), ninf);
	m16 = vnpu_vsel16(v > m16, v, m16);
	for (int h = 0; h < 16; h++)
		if (m16[h] > m)
			m = m16[h];
	v = vnpu_splat16(m);
	for (i = 0; i + 16 < n16; i += 16) {
		v16sf e = vnpu_vexp16(vnpu_vld16(x + i) - v);

		vnpu_vst16(x + i, e);
		s = s + e;
	}
	v = vnpu_vsel16(tail, vnpu_vexp16(vnpu_vld16(x + i) - v), (v16sf) { 0 });
	vnpu_vst16(x + i, v);
	vnpu_vst16(sl, s + v);
	v = vnpu_splat16(vnpu_fold16(sl));
	for (i = 0; i < n16; i += 16)
		vnpu_vst16(x + i, vnpu_vld16(x + i) / v);
}

/* G value chunks from chunk c0 of the row at @v, the last maybe partial. */
static T512 VNPU_ALWAYS_INLINE void vnpu_attn_vrow(const char *v, uint32_t bf16,
						   uint32_t d, uint32_t c0,
						   uint32_t g, v16sf *vj)
{
	size_t es = bf16 ? 2 : 4;

	#pragma GCC unroll 4
	for (uint32_t c = 0; c < g; c++) {
		uint32_t c16 = 16 * (c0 + c), n = d - c16 < 16 ? d - c16 : 16;

		vj[c] = vnpu_attn_ld(v + c16 * es, bf16, n);
	}
}

/*
 * G chunks of 16 output dims from chunk c0 for NB (1..4) rows from b0:
 * o_b = sum_j p_b[j] v_j[c], each row's sums in ascending j as alone; the
 * rows share the value loads and give the adder NB times the independent
 * sums. Keys past the first row's length go to the rows that see them.
 */
static T512 VNPU_ALWAYS_INLINE void vnpu_attn_pv(const struct vnpu_attn_blk *bk,
						 uint32_t bf16, uint32_t dc,
						 uint32_t b0, uint32_t nb,
						 uint32_t c0, uint32_t g,
						 uint32_t dn)
{
	uint32_t d = dc ? 16 * dc : dn;
	size_t lmin = bk->len[b0], lmax = bk->len[b0 + nb - 1], j;
	const float *p = bk->sc + b0 * bk->ns16;
	const char *v = bk->v;
	v16sf acc[4][4] = { { { 0 } } }, vj[4];

	for (j = 0; j < lmin; j++, v += bk->rs) {
		if (c0 == 0)
			vnpu_attn_pf_rows(v, bk->rs, VNPU_ATTN_PF_V, VNPU_ATTN_PF_V + 1,
					  lmax - j, d * (bf16 ? 2u : 4u));
		vnpu_attn_vrow(v, bf16, d, c0, g, vj);
		#pragma GCC unroll 4
		for (uint32_t b = 0; b < nb; b++) {
			v16sf pj = vnpu_splat16(p[b * bk->ns16 + j]);

			#pragma GCC unroll 4
			for (uint32_t c = 0; c < g; c++)
				acc[b][c] = acc[b][c] + pj * vj[c];
		}
	}
	for (; j < lmax; j++, v += bk->rs) {
		vnpu_attn_vrow(v, bf16, d, c0, g, vj);
		#pragma GCC unroll 4
		for (uint32_t b = 1; b < nb; b++) {
			v16sf pj;

			if (j >= bk->len[b0 + b])
				continue;
			pj = vnpu_splat16(p[b * bk->ns16 + j]);
			#pragma GCC unroll 4
			for (uint32_t c = 0; c < g; c++)
				acc[b][c] = acc[b][c] + pj * vj[c];
		}
	}
	#pragma GCC unroll 4
	for (uint32_t b = 0; b < nb; b++) {
		#pragma GCC unroll 4
		for (uint32_t c = 0; c < g; c++) {
			uint32_t c16 = 16 * (c0 + c);
			float *o = bk->out[b0 + b];

			if (d - c16 >= 16)
				vnpu_vst16(o + c16, acc[b][c]);
			else
				vnpu_vst16_part(o + c16, acc[b][c], d - c16);
		}
	}
}

/* All chunks of NB rows from b0: 4 chunks a pass keep the sums in registers. */
static T512 VNPU_ALWAYS_INLINE void vnpu_attn_pv_rows(const struct vnpu_attn_blk *bk,
						      uint32_t bf16, uint32_t dc,
						      uint32_t d, uint32_t b0,
						      uint32_t nb)
{
	uint32_t nc = (d + 15) / 16, c;

	for (c = 0; c + 4 <= nc; c += 4)
		vnpu_attn_pv(bk, bf16, dc, b0, nb, c, 4, d);
	if (nc - c >= 2) {
		vnpu_attn_pv(bk, bf16, dc, b0, nb, c, 2, d);
		c += 2;
	}
	if (c < nc)
		vnpu_attn_pv(bk, bf16, dc, b0, nb, c, 1, d);
}

/*
 * The rows of T tokens from t0 x G heads from h0 (one KV head), row b =
 * token t0 + b / G, head h0 + b % G: scores, softmax and PV per row, the
 * loads shared.
 */
static T512 VNPU_ALWAYS_INLINE void vnpu_attn_block(const struct vnpu_attn *at,
						   uint32_t bf16, uint32_t dc,
						   uint32_t t0, uint32_t nt,
						   uint32_t h0, uint32_t g,
						   float *scratch)
{
	uint32_t d = dc ? 16 * dc : at->dim, nc = (d + 15) / 16;
	uint32_t kh = h0 / (at->n_heads / at->n_kv_heads);
	size_t es = bf16 ? 2 : 4, lmax = (size_t)at->pos0 + t0 + nt;
	struct vnpu_attn_blk bk = {
		.k = (const char *)at->k + vnpu_attn_row(at, 0, kh) * es,
		.v = (const char *)at->v + vnpu_attn_row(at, 0, kh) * es,
		.rs = (vnpu_attn_row(at, 1, kh) - vnpu_attn_row(at, 0, kh)) * es,
		.nq16 = (size_t)16 * nc, .ns16 = (lmax + 15) / 16 * 16,
		.nb = nt * g,
	};
	uint32_t b, n;

	bk.qp = scratch;
	bk.sc = scratch + bk.nq16 * bk.nb;
	for (b = 0; b < bk.nb; b++) {
		uint32_t t = t0 + b / g, r = t * at->n_heads + h0 + b % g;

		bk.len[b] = at->pos0 + t + 1;
		bk.out[b] = at->out + (size_t)r * d;
		if (dc)		/* nothing to pad */
			for (uint32_t c = 0; c < dc; c++)
				vnpu_vst16(bk.qp + bk.nq16 * b + 16 * c,
					   vnpu_vld16(at->q + (size_t)r * d + 16 * c));
		else
			vnpu_attn_pad_q(at, r, bk.qp + bk.nq16 * b);
	}
	vnpu_attn_scores(&bk, bf16, dc, d, vnpu_splat16(*at->scale));
	vnpu_attn_pf_rows(bk.v, bk.rs, 0, VNPU_ATTN_PF_V, lmax, d * es);
	for (b = 0; b < bk.nb; b++)
		vnpu_attn_softmax(bk.sc + b * bk.ns16, bk.len[b]);
	for (b = 0; b < bk.nb; b += n) {
		n = bk.nb - b < 4 ? bk.nb - b : 4;
		switch (n) {	/* the count a constant: the sums in registers */
		case 4:
			vnpu_attn_pv_rows(&bk, bf16, dc, d, b, 4);
			break;
		case 3:
			vnpu_attn_pv_rows(&bk, bf16, dc, d, b, 3);
			break;
		case 2:
			vnpu_attn_pv_rows(&bk, bf16, dc, d, b, 2);
			break;
		default:
			vnpu_attn_pv_rows(&bk, bf16, dc, d, b, 1);
			break;
		}
	}
}

/*
 * Rows r0 .. r0 + nrows - 1 in blocks of at most NBMAX rows: whole tokens
 * as blocks of several tokens x the query heads of a KV head; a partial
 * token's rows per KV head.
 */
static T512 VNPU_ALWAYS_INLINE void vnpu_attn_rows_body(const struct vnpu_attn *at,
							uint32_t bf16, uint32_t dc,
							uint32_t r0, uint32_t nrows,
							uint32_t nbmax, float *scratch)
{
	uint32_t nh = at->n_heads, group = nh / at->n_kv_heads, end = r0 + nrows;

	for (uint32_t r = r0; r < end;) {
		uint32_t t = r / nh, h = r % nh, g, nt, n;

		if (h == 0 && end - r >= nh) {
			g = group < nbmax ? group : nbmax;
			nt = (end - r) / nh;
			nt = nt < nbmax / g ? nt : nbmax / g;
			for (h = 0; h < nh; h += n) {
				n = group - h % group < g ? group - h % group : g;
				vnpu_attn_block(at, bf16, dc, t, nt, h, n, scratch);
			}
			r += nt * nh;
			continue;
		}
		/* the rest of this token's query heads of the same KV head */
		g = group - h % group;
		g = g < end - r ? g : end - r;
		g = g < nbmax ? g : nbmax;
		vnpu_attn_block(at, bf16, dc, t, 1, h, g, scratch);
		r += g;
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
