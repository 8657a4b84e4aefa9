// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The generic integer FP4 kernel (FP4 weights, MXINT8/MXFP4 activations):
 * with vnpu_mm_generic_scalar.c it defines the arithmetic the SIMD kernels
 * must reproduce bit for bit, and is the portable variant. On x86-64 this
 * file is also built as vnpu_mm_generic_v2.c (see below).
 */
#include "vnpu_mm.h"
#include "vnpu_simd.h"
#include <vnpu_engine/vmath.h>

/*
 * The integer path in portable 16-byte GCC vectors. "Portable" means
 * portable GNU C (vector extensions, no intrinsics, no asm), not one ISA:
 * on x86-64 this file is built twice, for the SSE2 baseline (the kernel's
 * and every x86-64 CPU's) and, as vnpu_mm_generic_v2.c, for the x86-64-v2
 * level (SSSE3), picked at run time; other architectures build it once.
 * Which E2M1 decode the source uses follows from what the target has:
 *
 *  - with a one-instruction byte shuffle (SSSE3 pshufb, NEON tbl;
 *    VNPU_GEN_SHUFFLE): each nibble plane (low nibbles, high nibbles)
 *    indexes a 16-byte table of u = k_w + 12 (0..24, unsigned), so a
 *    16-bit lane is 256 u_odd + u_even, and vnpu_dotu16() forms
 *    u_e q_e + u_o q_o from two 16-bit multiplies; the +12 comes off once
 *    per block as 12 times the lane's sum of q_a (qs);
 *  - otherwise (SSE2), in nibble SIMD-within-a-register: the E2M1
 *    magnitude m = b2 b1 b0 gives |k_w| = m + (m & 3 b2) + 2 [m == 7]
 *    (0 1 2 3 4 6 8 12), at most 12, so no nibble carries into the next;
 *    the sign bit negates (v ^ s) - s, per byte plane, subtracting in
 *    16-bit lanes: a lane is 256 k_odd + k_even, and vnpu_dot16() forms
 *    both products of a lane from two 16-bit multiplies.
 * Either way the products are summed per lane over the block: the true
 * sum is at most 16 * 12 * 128 < 2^15 in magnitude, so 16-bit lanes
 * (mod 2^16 for the shuffle decode's biased sums) end exact; the two
 * lanes of a row are added in int32 at the end of the block. The NVFP4
 * GEMV kernel does some of the 16 rows in scalar code instead
 * (vnpu_kint_srows()).
 * Integer block sums are exact, so the order is free and the result is
 * the definition's I_b; then T_b and acc in FP32 in the defined order:
 * both builds and both decodes give the same bits.
 */
/*
 * The GEMV's chunk loop: the arithmetic decode's unrolled measured ~6%
 * faster. The shuffle decode's stays a loop: unrolled, GCC regrouped the
 * block's unsigned (mod 2^16) sums and computed every decode of the block
 * before the first multiply, spilling many of them: 39.8 instead of 35.2
 * instructions per 32 weights, 8.2 instead of 9.1 GB/s in cache.
 */
/* (an enum: `#pragma GCC unroll` parses an expression, macros unexpanded) */
#if defined(__SSSE3__) || defined(__ARM_NEON)
#define VNPU_GEN_SHUFFLE 1
enum { VNPU_GEN_CHUNK_UNROLL = 1 };
#else
#define VNPU_GEN_SHUFFLE 0
enum { VNPU_GEN_CHUNK_UNROLL = 4 };
#endif
/* the entry point's name in this build (vnpu_mm_generic_v2.c sets it) */
#ifndef VNPU_KINT_GENERIC_NAME
#define VNPU_KINT_GENERIC_NAME vnpu_kint_generic
#endif

typedef float vg_f __attribute__((vector_size(16)));
typedef int32_t vg_i __attribute__((vector_size(16)));
typedef uint32_t vg_u __attribute__((vector_size(16)));
typedef int16_t vg_h __attribute__((vector_size(16)));
typedef uint16_t vg_hu __attribute__((vector_size(16)));
typedef int8_t vg_b __attribute__((vector_size(16)));
typedef uint8_t vg_bu __attribute__((vector_size(16)));
typedef vg_u vg_u_ua __attribute__((aligned(1), may_alias));
typedef vg_bu vg_bu_ua __attribute__((aligned(1), may_alias));
typedef vg_f vg_f_ua __attribute__((aligned(1), may_alias));
typedef uint32_t vg_u32_ua __attribute__((aligned(1), may_alias));
typedef uint64_t vg_l __attribute__((vector_size(16)));
typedef uint64_t vg_u64_ua __attribute__((aligned(1), may_alias));

/*
 * sw_b of the 16 rows of a block from their scale bytes (vnpu_wscale()),
 * four rows per vector, built in 16-bit lanes as the top halves of the
 * FP32 bit patterns:
 *  - MXFP4: 2^(e - 127) * 1/2 from the bits e << 23; e = 0 and e = 255 get
 *    bit 22 as well (u = 2e + 1), so the halving gives 2^-128 and the NaN
 *    0x7fc00000.
 *  - NVFP4: the E4M3 bits, exponent and mantissa at bit 20 and the sign
 *    at bit 31, times 2^(127 - 7 - 1) (exact, subnormal codes included);
 *    the NaN codes become 0x7fc00000.
 */
static inline void vnpu_wscale16(bool nv, vg_bu s8, vg_f sw[4])
{
	const vg_bu z8 = {};
	const vg_hu z = {};
	vg_hu e[2], h[2];

	e[0] = (vg_hu)__builtin_shufflevector(s8, z8, 0, 16, 1, 17, 2, 18, 3, 19,
					     4, 20, 5, 21, 6, 22, 7, 23);
	e[1] = (vg_hu)__builtin_shufflevector(s8, z8, 8, 24, 9, 25, 10, 26, 11, 27,
					     12, 28, 13, 29, 14, 30, 15, 31);
	for (int j = 0; j < 2; j++) {
		if (nv) {
			vg_hu mag = e[j] & 0x7f, nan = (vg_hu)(mag == 0x7f);

			h[j] = (mag << 4) | ((e[j] & 0x80) << 8);
			h[j] = (h[j] & ~nan) | (0x7fc0 & nan);
		} else {
			vg_hu sp = (vg_hu)(((e[j] + 1) & 0xfe) == 0);

			h[j] = ((e[j] + e[j]) - sp) << 6;
		}
	}
	/* h to the top half of each 32-bit lane */
	sw[0] = (vg_f)__builtin_shufflevector(z, h[0], 0, 8, 1, 9, 2, 10, 3, 11);
	sw[1] = (vg_f)__builtin_shufflevector(z, h[0], 4, 12, 5, 13, 6, 14, 7, 15);
	sw[2] = (vg_f)__builtin_shufflevector(z, h[1], 0, 8, 1, 9, 2, 10, 3, 11);
	sw[3] = (vg_f)__builtin_shufflevector(z, h[1], 4, 12, 5, 13, 6, 14, 7, 15);
	#pragma GCC unroll 4
	for (int g = 0; g < 4; g++)
		sw[g] = sw[g] * (nv ? 0x1p119f : 0.5f);
}

/* Even and odd bytes of a signed byte vector as int16 lanes. */
static inline void vnpu_split16(vg_b v, vg_h *e, vg_h *o)
{
	*e = (vg_h)((vg_hu)v << 8) >> 8;
	*o = (vg_h)v >> 8;
}

/* k_w of the low and high nibbles of 16 panel bytes, two per 16-bit lane. */
static inline void vnpu_e2m1_bytes(vg_u x, vg_h *kl, vg_h *kh)
{
	vg_hu mg = (vg_hu)(x & 0x77777777u);
	/* per nibble: 3 b2 (no carries: at most 3), 2 [m == 7] (m + 1 = 8) */
	vg_hu b3 = ((mg >> 2) & 0x1111) * 3, e7 = ((mg + 0x1111) & 0x8888) >> 2;
	vg_u v = (vg_u)(mg + (mg & b3) + e7);
	vg_b sl = (vg_b)(x << 4) < 0, sh = (vg_b)x < 0;

	/*
	 * Negate by (v ^ s) - s, the subtraction in 16-bit lanes: the borrow
	 * out of the even byte then makes each lane exactly 256 k_odd + k_even.
	 */
	*kl = (vg_h)((vg_hu)((vg_b)(v & 0x0f0f0f0fu) ^ sl) - (vg_hu)sl);
	*kh = (vg_h)((vg_hu)((vg_b)((v >> 4) & 0x0f0f0f0fu) ^ sh) - (vg_hu)sh);
}

/*
 * sum of k_e * q_e + k_o * q_o for a lane L = 256 k_o + k_e (|k_e| <= 12):
 * k_o = (L + 128) >> 8, k_e = L - 256 k_o, so the sum is
 * L * q_e + k_o * (q_o - 256 q_e), all mod 2^16 (exact: |sum| < 2^15).
 */
static inline vg_h vnpu_dot16(vg_h l, vg_h qe, vg_h q2)
{
	return (vg_h)((vg_hu)l * (vg_hu)qe + (vg_hu)((l + 128) >> 8) * (vg_hu)q2);
}

/*
 * The shuffle decode: u = k_w + 12 of the low and high nibbles of 16 panel
 * bytes, two per 16-bit lane (256 u_odd + u_even).
 */
static inline void vnpu_e2m1_shuf(vg_bu x, vg_hu *ul, vg_hu *uh)
{
	const vg_bu tab = { 12, 13, 14, 15, 16, 18, 20, 24,
			    12, 11, 10, 9, 8, 6, 4, 0 };

	*ul = (vg_hu)__builtin_shuffle(tab, x & 15);
	*uh = (vg_hu)__builtin_shuffle(tab, x >> 4);
}

/*
 * u_e q_e + u_o q_o (mod 2^16) for a lane L = 256 u_o + u_e, u >= 0:
 * u_o = L >> 8, and L q_e + u_o (q_o - 256 q_e) leaves the sum.
 */
static inline vg_hu vnpu_dotu16(vg_hu l, vg_h qe, vg_h q2)
{
	return l * (vg_hu)qe + (l >> 8) * (vg_hu)q2;
}

/* the 16-bit lanes (q_x, q_y) x 4: bytes x and x + 8 (its sign) etc. */
#define VNPU_QLANES(x, y)	{ x, x + 8, y, y + 8, x, x + 8, y, y + 8, \
				  x, x + 8, y, y + 8, x, x + 8, y, y + 8 }
/* the same lanes as 256 q */
#define VNPU_QLANES256(x, y)	{ 16, x, 16, y, 16, x, 16, y, 16, x, 16, y, 16, x, 16, y }

/*
 * The shuffle decode's q_a of a chunk (8 columns at @a) for vnpu_dotu16():
 * qv = q_e, q_o - 256 q_e of the low nibbles (columns 0 1 | 2 3 in
 * even | odd lanes), then of the high nibbles (4 5 | 6 7); *qs += the
 * four q_a of each lane. Every vector is one byte shuffle of the 8 q_a
 * next to their sign bytes.
 */
static inline void vnpu_qprep_shuf(const int8_t *a, vg_h qv[4], vg_h *qs)
{
	const vg_b z = {};
	vg_b v = (vg_b)(vg_l) { *(const vg_u64_ua *)a, 0 };
	/* bytes 0..7: q_a; 8..15: their sign extension */
	vg_b w = __builtin_shufflevector(v, (vg_b)(v < z), 0, 1, 2, 3, 4, 5, 6, 7,
					 16, 17, 18, 19, 20, 21, 22, 23);
	vg_h qe[2] = {
		(vg_h)__builtin_shuffle(w, (vg_b)VNPU_QLANES(0, 2)),
		(vg_h)__builtin_shuffle(w, (vg_b)VNPU_QLANES(4, 6)),
	};
	vg_h qo[2] = {
		(vg_h)__builtin_shuffle(w, (vg_b)VNPU_QLANES(1, 3)),
		(vg_h)__builtin_shuffle(w, (vg_b)VNPU_QLANES(5, 7)),
	};
	vg_h e256[2] = {
		(vg_h)__builtin_shuffle(w, z, (vg_b)VNPU_QLANES256(0, 2)),
		(vg_h)__builtin_shuffle(w, z, (vg_b)VNPU_QLANES256(4, 6)),
	};

	for (int h = 0; h < 2; h++) {
		qv[2 * h] = qe[h];
		qv[2 * h + 1] = (vg_h)((vg_hu)qo[h] - (vg_hu)e256[h]);
	}
	*qs += (qe[0] + qo[0]) + (qe[1] + qo[1]);
}

/*
 * Scalar rows, for the GEMV: the core's integer units work next to the
 * vector ones. A 64-bit multiply forms a 4-term dot product: with the
 * 16-bit fields W = k0 + k1 X + k2 X^2 + k3 X^3 and
 * Q = q3 + q2 X + q1 X^2 + q0 X^3 (X = 2^16, two's complement, mod 2^64),
 * the X^3 coefficient of W * Q is k0 q0 + k1 q1 + k2 q2 + k3 q3, and the
 * lower ones sum to less than 2^44.2 in magnitude (each at most 3 * 12 *
 * 128). Four such products (16 weights, two chunks of a row) add at most
 * 16 * 12 * 128 < 2^15 to the X^3 field and less than 2^47 below it, so
 * rounding at bit 48 recovers the exact sum.
 * vnpu_e2m1_pair.flat[f][byte]: k_w of the byte's low nibble in field f
 * and of its high nibble in field f + 2.
 */
#define VNPU_K2(n)	((n) == 5 ? 6 : (n) == 6 ? 8 : (n) == 7 ? 12 : (n))
#define VNPU_KS(n)	((int64_t)((n) & 8 ? -VNPU_K2((n) & 7) : VNPU_K2(n)))
#define VNPU_PAIR(b, f)	(((uint64_t)VNPU_KS((b) & 15) + \
			  ((uint64_t)VNPU_KS((b) >> 4) << 32)) << (16 * (f)))
/* the 16 bytes h * 16 + l, l = 0..15 */
#define VNPU_PAIR_ROW(h, f)	{ \
	VNPU_PAIR((h) * 16 + 0, f), VNPU_PAIR((h) * 16 + 1, f), VNPU_PAIR((h) * 16 + 2, f), \
	VNPU_PAIR((h) * 16 + 3, f), VNPU_PAIR((h) * 16 + 4, f), VNPU_PAIR((h) * 16 + 5, f), \
	VNPU_PAIR((h) * 16 + 6, f), VNPU_PAIR((h) * 16 + 7, f), VNPU_PAIR((h) * 16 + 8, f), \
	VNPU_PAIR((h) * 16 + 9, f), VNPU_PAIR((h) * 16 + 10, f), VNPU_PAIR((h) * 16 + 11, f), \
	VNPU_PAIR((h) * 16 + 12, f), VNPU_PAIR((h) * 16 + 13, f), VNPU_PAIR((h) * 16 + 14, f), \
	VNPU_PAIR((h) * 16 + 15, f) }
#define VNPU_PAIR_TAB(f)	{ \
	VNPU_PAIR_ROW(0, f), VNPU_PAIR_ROW(1, f), VNPU_PAIR_ROW(2, f), VNPU_PAIR_ROW(3, f), \
	VNPU_PAIR_ROW(4, f), VNPU_PAIR_ROW(5, f), VNPU_PAIR_ROW(6, f), VNPU_PAIR_ROW(7, f), \
	VNPU_PAIR_ROW(8, f), VNPU_PAIR_ROW(9, f), VNPU_PAIR_ROW(10, f), VNPU_PAIR_ROW(11, f), \
	VNPU_PAIR_ROW(12, f), VNPU_PAIR_ROW(13, f), VNPU_PAIR_ROW(14, f), VNPU_PAIR_ROW(15, f) }
/* written as 16 x 16 (kernel style: brace-enclosed list macros), read flat */
static const union {
	uint64_t rows[2][16][16];
	uint64_t flat[2][256];
} vnpu_e2m1_pair = { .rows = { VNPU_PAIR_TAB(0), VNPU_PAIR_TAB(1) } };

/* Q for the columns x0..x3 of a chunk (q_x0 in the top field). */
static inline uint64_t vnpu_qword(const int8_t *a, int x0, int x1, int x2, int x3)
{
	return (uint64_t)(int64_t)a[x3] + ((uint64_t)(int64_t)a[x2] << 16) +
	       ((uint64_t)(int64_t)a[x1] << 32) + ((uint64_t)(int64_t)a[x0] << 48);
}

/* The 8 weights of a row in a chunk (its 4 bytes at @p) against q0, q1. */
static inline uint64_t vnpu_row8(const uint8_t *p, uint64_t q0, uint64_t q1)
{
	/* bytes 0, 1: columns 0, 1 | 4, 5; bytes 2, 3: columns 2, 3 | 6, 7 */
	uint64_t w0 = vnpu_e2m1_pair.flat[0][p[0]] + vnpu_e2m1_pair.flat[1][p[1]];
	uint64_t w1 = vnpu_e2m1_pair.flat[0][p[2]] + vnpu_e2m1_pair.flat[1][p[3]];

	return w0 * q0 + w1 * q1;
}

/* The X^3 field, rounded: exact while the lower fields are below 2^47. */
static inline int32_t vnpu_top16(uint64_t p)
{
	return (int32_t)((int64_t)(p + (1ull << 47)) >> 48);
}

/* ss[r] += the sums of rows r0..15 over chunks at @blk and @blk + 64. */
static VNPU_ALWAYS_INLINE void vnpu_kint_srows(const int8_t *a, const uint8_t *blk,
					       int32_t *ss, int r0)
{
	uint64_t q0 = vnpu_qword(a, 0, 1, 4, 5), q1 = vnpu_qword(a, 2, 3, 6, 7);
	uint64_t q2 = vnpu_qword(a + 8, 0, 1, 4, 5), q3 = vnpu_qword(a + 8, 2, 3, 6, 7);

	#pragma GCC unroll 16
	for (int r = r0; r < 16; r++)
		ss[r] += vnpu_top16(vnpu_row8(blk + 4 * r, q0, q1) +
				    vnpu_row8(blk + 64 + 4 * r, q2, q3));
}

/*
 * The 8 columns of chunk c of block b: s16 += the products of mt rows (of
 * the first vg groups of panel rows when mt is 1).
 */
static VNPU_ALWAYS_INLINE void vnpu_kint_chunk(const struct vnpu_kern *k, const uint32_t mt,
					       const uint8_t *blk, size_t kc,
					       vg_h s16[VNPU_MT][4], vg_h qs[VNPU_MT],
					       const int vg)
{
	/* q_a per lane: low nibbles even/odd, high nibbles even/odd */
	vg_h qv[VNPU_MT][4];

	#pragma GCC unroll 4
	for (uint32_t i = 0; i < mt; i++) {
		const int8_t *a = k->aq[i] + kc;

		if (VNPU_GEN_SHUFFLE) {
			vnpu_qprep_shuf(a, qv[i], &qs[i]);
			continue;
		}
		vnpu_split16((vg_b)((vg_u){} + *(const vg_u32_ua *)a), &qv[i][0], &qv[i][1]);
		vnpu_split16((vg_b)((vg_u){} + *(const vg_u32_ua *)(a + 4)),
			     &qv[i][2], &qv[i][3]);
		/* q_o - 256 q_e (mod 2^16), see vnpu_dot16() */
		qv[i][1] = (vg_h)((vg_hu)qv[i][1] - ((vg_hu)qv[i][0] << 8));
		qv[i][3] = (vg_h)((vg_hu)qv[i][3] - ((vg_hu)qv[i][2] << 8));
	}
	/* rows 4g..4g+3 of the panel: bytes 16g..16g+15 of the chunk */
	#pragma GCC unroll 4
	for (int g = 0; g < 4; g++) {
		vg_h kl, kh;

		if (mt == 1 && g >= vg)
			continue;

		if (VNPU_GEN_SHUFFLE) {
			vg_hu ul, uh;

			vnpu_e2m1_shuf(*(const vg_bu_ua *)(blk + 16 * g), &ul, &uh);
			/* mod 2^16: the biased sums may pass 2^15 */
			#pragma GCC unroll 4
			for (uint32_t i = 0; i < mt; i++)
				s16[i][g] = (vg_h)((vg_hu)s16[i][g] +
						   vnpu_dotu16(ul, qv[i][0], qv[i][1]) +
						   vnpu_dotu16(uh, qv[i][2], qv[i][3]));
			continue;
		}
		vnpu_e2m1_bytes(*(const vg_u_ua *)(blk + 16 * g), &kl, &kh);
		#pragma GCC unroll 4
		for (uint32_t i = 0; i < mt; i++)
			s16[i][g] += vnpu_dot16(kl, qv[i][0], qv[i][1]) +
				     vnpu_dot16(kh, qv[i][2], qv[i][3]);
	}
}

static VNPU_ALWAYS_INLINE void vnpu_kint_generic_mt(const struct vnpu_kern *k,
						    const uint32_t mt, const bool nv)
{
	const uint32_t wb = nv ? 16 : 32;
	/*
	 * GEMV: vector groups of 4 rows; the rest of the 16 rows in scalar
	 * code. NVFP4: 3 + 4 rows measured 15% faster than 4 groups; MXFP4
	 * gained nothing (2 groups + 8 scalar rows: slower for both).
	 */
	const int vg = nv ? 3 : 4;
	vg_f acc[VNPU_MT][4];

	#pragma GCC unroll 4
	for (uint32_t i = 0; i < mt; i++)
		#pragma GCC unroll 4
		for (int g = 0; g < 4; g++)
			acc[i][g] = (vg_f) {};
	for (uint32_t b = 0; b < k->nblk; b++) {
		const uint8_t *blk = k->codes + (size_t)b * wb * 8;
		vg_h s16[VNPU_MT][4], qs[VNPU_MT];
		vg_i s16x[4];
		vg_f sw[4];

		/* as the AVX2 kernels do (a plain builtin, portable GNU C) */
		vnpu_prefetch_block(blk, wb, VNPU_PREFETCH_AHEAD);
		#pragma GCC unroll 4
		for (uint32_t i = 0; i < mt; i++) {
			qs[i] = (vg_h){};
			#pragma GCC unroll 4
			for (int g = 0; g < 4; g++)
				s16[i][g] = (vg_h){};
		}
		if (mt == 1) {
			int32_t ss[16] = {};

			/* ss: the scalar rows' block sums */
			#pragma GCC unroll VNPU_GEN_CHUNK_UNROLL
			for (uint32_t c = 0; c < wb / 8; c++) {
				if (!(c & 1) && vg < 4)
					vnpu_kint_srows(k->aq[0] + (size_t)b * wb + c * 8,
							blk + c * 64, ss, 4 * vg);
				vnpu_kint_chunk(k, mt, blk + c * 64, (size_t)b * wb + c * 8, s16, qs,
						vg);
			}
			for (int g = vg; g < 4; g++)
				s16x[g] = (vg_i) { ss[4 * g], ss[4 * g + 1], ss[4 * g + 2], ss[4 * g + 3] };
		} else {
			/* (unrolled, 4 rows took a 2 KiB stack frame) */
			for (uint32_t c = 0; c < wb / 8; c++)
				vnpu_kint_chunk(k, mt, blk + c * 64, (size_t)b * wb + c * 8, s16, qs,
						4);
		}
		vnpu_wscale16(nv, *(const vg_bu_ua *)(k->scales + b * 16), sw);
		#pragma GCC unroll 4
		for (uint32_t i = 0; i < mt; i++) {
			float sa = k->sa[i][b * wb / 32];
			/* the shuffle decode's +12, once a block: 12 q_a a lane */
			vg_hu qc = (vg_hu)qs[i] * 12;

			#pragma GCC unroll 4
			for (int g = 0; g < 4; g++) {
				vg_i w = (vg_i)(VNPU_GEN_SHUFFLE ? (vg_hu)s16[i][g] - qc :
						(vg_hu)s16[i][g]);
				vg_i is = ((vg_i)((vg_u)w << 16) >> 16) + (w >> 16);

				if (mt == 1 && g >= vg)
					is = s16x[g];

				acc[i][g] = acc[i][g] + (__builtin_convertvector(is, vg_f) * sw[g]) * sa;
			}
		}
	}
	#pragma GCC unroll 4
	for (uint32_t i = 0; i < mt; i++)
		#pragma GCC unroll 4
		for (int g = 0; g < 4; g++)
			*(vg_f_ua *)(k->acc + i * 16 + 4 * g) = acc[i][g];
}

/*
 * One function per row count and block size: constant loops, separate
 * (kernel-sized) stack frames. (__noinline__: the kernel defines noinline
 * as a macro.)
 */
#define VNPU_KINT_GENERIC(mt, nv, name)					\
static VNPU_NOINLINE void name(const struct vnpu_kern *k)	\
{									\
	vnpu_kint_generic_mt(k, mt, nv);				\
}
VNPU_KINT_GENERIC(1, false, vnpu_kint_generic_1)
VNPU_KINT_GENERIC(2, false, vnpu_kint_generic_2)
VNPU_KINT_GENERIC(3, false, vnpu_kint_generic_3)
VNPU_KINT_GENERIC(4, false, vnpu_kint_generic_4)
VNPU_KINT_GENERIC(1, true, vnpu_kint_generic_nv1)
VNPU_KINT_GENERIC(2, true, vnpu_kint_generic_nv2)
VNPU_KINT_GENERIC(3, true, vnpu_kint_generic_nv3)
VNPU_KINT_GENERIC(4, true, vnpu_kint_generic_nv4)

void VNPU_KINT_GENERIC_NAME(const struct vnpu_kern *k)
{
	static void (*const kf[2][4])(const struct vnpu_kern *k) = {
		{ vnpu_kint_generic_1, vnpu_kint_generic_2, vnpu_kint_generic_3,
		  vnpu_kint_generic_4 },
		{ vnpu_kint_generic_nv1, vnpu_kint_generic_nv2, vnpu_kint_generic_nv3,
		  vnpu_kint_generic_nv4 },
	};

	if (k->np == 1)
		kf[k->wfmt == VNPU_FMT_NVFP4][k->mt - 1](k);
	else
		vnpu_kint_pieces_generic(k);
}
