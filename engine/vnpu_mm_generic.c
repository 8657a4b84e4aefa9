// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The generic C matmul kernels: they define the arithmetic the SIMD
 * kernels must reproduce bit for bit, and are the portable variant.
 */
#include "vnpu_mm.h"
#include "vnpu_simd.h"
#include <vnpu_engine/vmath.h>

/* q_a of row i, column kk, put together from its pieces. */
static int32_t vnpu_kern_aq(const struct vnpu_kern *k, uint32_t i, size_t kk)
{
	if (k->np == 1)
		return k->aq[i][kk];
	return k->aq[0][kk] + 128 * k->aq[1][kk] + 16384 * k->aq[2][kk];
}

/*
 * The integer path in portable 16-byte GCC vectors (SSE2 on x86-64, what
 * a kernel build has; NEON elsewhere). No lookup instruction is needed:
 *
 *  - decode, 32 weights per vector, in nibble SIMD-within-a-register: the
 *    E2M1 magnitude m = b2 b1 b0 gives |k_w| = m + (m & 3 b2) + 2 [m == 7]
 *    (0 1 2 3 4 6 8 12), at most 12, so no nibble carries into the next;
 *  - the sign bit negates (v ^ s) - s, per byte plane (low nibbles, high
 *    nibbles), subtracting in 16-bit lanes: a lane is 256 k_odd + k_even;
 *  - both products of a lane from two 16-bit multiplies (vnpu_dot16()),
 *    summed per lane over the block: at most 16 * 12 * 127 < 2^15, so
 *    int16 is exact (also for q_a = -128); the two lanes of a row are
 *    added in int32 at the end of the block;
 *  - the NVFP4 GEMV kernel does 4 of the 16 rows in scalar code instead
 *    (vnpu_kint_srows()).
 * Integer block sums are exact, so the order is free and the result is
 * the definition's I_b; then T_b and acc in FP32 in the defined order.
 */
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
					       vg_h s16[VNPU_MT][4], const int vg)
{
	/* q_a per lane: low nibbles even/odd, high nibbles even/odd */
	vg_h qv[VNPU_MT][4];

	#pragma GCC unroll 4
	for (uint32_t i = 0; i < mt; i++) {
		const int8_t *a = k->aq[i] + kc;

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
			acc[i][g] = (vg_f){};
	for (uint32_t b = 0; b < k->nblk; b++) {
		const uint8_t *blk = k->codes + (size_t)b * wb * 8;
		vg_h s16[VNPU_MT][4];
		vg_i s16x[4];
		vg_f sw[4];

		#pragma GCC unroll 4
		for (uint32_t i = 0; i < mt; i++)
			#pragma GCC unroll 4
			for (int g = 0; g < 4; g++)
				s16[i][g] = (vg_h){};
		if (mt == 1) {
			int32_t ss[16] = {};

			/* a block's chunks unrolled: measured ~6% faster (GEMV) */
			/* (ss: the scalar rows' block sums) */
			#pragma GCC unroll 4
			for (uint32_t c = 0; c < wb / 8; c++) {
				if (!(c & 1) && vg < 4)
					vnpu_kint_srows(k->aq[0] + (size_t)b * wb + c * 8,
							blk + c * 64, ss, 4 * vg);
				vnpu_kint_chunk(k, mt, blk + c * 64, (size_t)b * wb + c * 8, s16, vg);
			}
			for (int g = vg; g < 4; g++)
				s16x[g] = (vg_i){ ss[4 * g], ss[4 * g + 1], ss[4 * g + 2], ss[4 * g + 3] };
		} else {
			/* (unrolled, 4 rows took a 2 KiB stack frame) */
			for (uint32_t c = 0; c < wb / 8; c++)
				vnpu_kint_chunk(k, mt, blk + c * 64, (size_t)b * wb + c * 8, s16, 4);
		}
		vnpu_wscale16(nv, *(const vg_bu_ua *)(k->scales + b * 16), sw);
		#pragma GCC unroll 4
		for (uint32_t i = 0; i < mt; i++) {
			float sa = k->sa[i][b * wb / 32];

			#pragma GCC unroll 4
			for (int g = 0; g < 4; g++) {
				vg_i w = (vg_i)s16[i][g];
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

void vnpu_kint_generic(const struct vnpu_kern *k)
{
	static void (*const kf[2][4])(const struct vnpu_kern *k) = {
		{ vnpu_kint_generic_1, vnpu_kint_generic_2, vnpu_kint_generic_3,
		  vnpu_kint_generic_4 },
		{ vnpu_kint_generic_nv1, vnpu_kint_generic_nv2, vnpu_kint_generic_nv3,
		  vnpu_kint_generic_nv4 },
	};

	if (k->np == 1) {
		kf[k->wfmt == VNPU_FMT_NVFP4][k->mt - 1](k);
		return;
	}
	for (uint32_t i = 0; i < k->mt; i++) {
		for (uint32_t r = 0; r < 16; r++) {
			float acc = 0.0f;

			for (uint32_t b = 0; b < k->nblk; b++) {
				const uint8_t *blk = k->codes + (size_t)b * k->wb * 8;
				size_t kb = (size_t)b * k->wb;
				float sw = vnpu_wscale(k->wfmt, k->scales[b * 16 + r]);
				float sa = k->sa[i][kb / 32];
				int32_t s = 0;

				for (uint32_t kk = 0; kk < k->wb; kk++)
					s += vnpu_e2m1_x2(vnpu_panel_nib(blk, r, kk)) *
					     vnpu_kern_aq(k, i, kb + kk);
				acc = acc + ((float)s * sw) * sa;
			}
			k->acc[i * 16 + r] = acc;
		}
	}
}

/*
 * a * b + c rounded once to double precision with round-to-odd: the
 * product is exact in double; the sum is made round-to-odd from its exact
 * error. Rounding that to FP32 (or judging it against an FP32 threshold)
 * is then exactly what a single rounding of the exact value would give.
 */
static double vnpu_fma_odd(float a, float b, float c)
{
	double p = (double)a * (double)b, s = p + (double)c;
	double bv = s - p, err = (p - (s - bv)) + ((double)c - bv);
	uint64_t u = vnpu_u64(s);

	if (err != 0.0 && (u & 0x7ff0000000000000ull) != 0x7ff0000000000000ull &&
	    !(u & 1)) {
		if ((err > 0) == (s > 0))
			u++;
		else
			u--;
		s = vnpu_f64(u);
	}
	return s;
}

float vnpu_fmaf_soft(float a, float b, float c)
{
	return (float)vnpu_fma_odd(a, b, c);
}

/*
 * fma, then a tiny result flushed to zero: tiny when the exact value,
 * rounded to 24 bits with an unbounded exponent, is below 2^-126, i.e.
 * when |exact| < 2^-126 - 2^-151 (vdpbf16ps decides so, see matmul.h).
 */
static float vnpu_fma_ftz(float a, float b, float c)
{
	double s = vnpu_fma_odd(a, b, c);

	if (s != 0.0 && (s < 0 ? -s : s) < 0x1p-126 - 0x1p-151)
		return s < 0 ? -0.0f : 0.0f;
	return (float)s;
}

float vnpu_bf16dot2(float acc, float w0, float a0, float w1, float a1)
{
	acc = vnpu_fma_ftz(vnpu_daz(w1), vnpu_daz(a1), vnpu_daz(acc));
	return vnpu_fma_ftz(vnpu_daz(w0), vnpu_daz(a0), acc);
}

void vnpu_kfp_generic(const struct vnpu_kern *k)
{
	for (uint32_t i = 0; i < k->mt; i++) {
		for (uint32_t r = 0; r < 16; r++) {
			float acc = 0.0f;

			for (uint32_t b = 0; b < k->nblk; b++) {
				const uint8_t *blk = k->codes + (size_t)b * k->wb * 8;
				const float *a = k->af[i] + (size_t)b * k->wb;
				float sw = vnpu_wscale(k->wfmt, k->scales[b * 16 + r]);
				float p = 0.0f;

				for (uint32_t kk = 0; kk < k->wb && !k->bfp; kk++)
					p = vnpu_fmaf_soft((float)vnpu_e2m1_x2(
						vnpu_panel_nib(blk, r, kk)), a[kk], p);
				for (uint32_t kk = 0; kk < k->wb && k->bfp; kk += 2)
					p = vnpu_bf16dot2(p,
						(float)vnpu_e2m1_x2(vnpu_panel_nib(blk, r, kk)), a[kk],
						(float)vnpu_e2m1_x2(vnpu_panel_nib(blk, r, kk + 1)),
						a[kk + 1]);
				acc = acc + p * sw;
			}
			k->acc[i * 16 + r] = acc;
		}
	}
}

/* ---- wide weights (MXFP8, BF16, FP32) -------------------------------- */

/* E4M3 weights, integer A: I_b exact in int32, a NaN code poisons T_b. */
void vnpu_kwint_generic(const struct vnpu_kern *k)
{
	for (uint32_t i = 0; i < k->mt; i++) {
		for (uint32_t r = 0; r < 16; r++) {
			float acc = 0.0f;

			for (uint32_t b = 0; b < k->nblk; b++) {
				const uint8_t *blk = k->codes + (size_t)b * 32 * 16;
				float sw = vnpu_wscale(k->wfmt, k->scales[b * 16 + r]) *
					   0x1p-9f;
				float sa = k->sa[i][b], t;
				bool nan = false;
				int32_t s = 0;

				for (uint32_t kk = 0; kk < 32; kk++) {
					uint8_t c = blk[kk * 16 + r];

					nan |= vnpu_e4m3_isnan(c);
					s += vnpu_e4m3_x512(c) * vnpu_kern_aq(k, i, b * 32 + kk);
				}
				t = ((float)s * sw) * sa;
				acc = acc + (nan ? vnpu_f32(0x7fc00000u) : t);
			}
			k->acc[i * 16 + r] = acc;
		}
	}
}

/* Exact activations: p = fma(w, a, p) in K order per 32-column block. */
void vnpu_kwfp_generic(const struct vnpu_kern *k)
{
	uint32_t es = vnpu_wide_esize(k->wfmt);

	for (uint32_t i = 0; i < k->mt; i++) {
		for (uint32_t r = 0; r < 16; r++) {
			float acc = 0.0f;

			for (uint32_t b = 0; b < k->nblk; b++) {
				const uint8_t *blk = k->codes + (size_t)b * 32 * 16 * es;
				const float *a = k->af[i] + (size_t)b * 32;
				float sw = es == 1 ? vnpu_wscale(k->wfmt, k->scales[b * 16 + r]) :
					   1.0f;
				float p = 0.0f;

				for (uint32_t kk = 0; kk < 32; kk++)
					p = vnpu_fmaf_soft(vnpu_wide_elem(k->wfmt, blk + kk * 16 * es, r),
							   a[kk], p);
				acc = acc + p * sw;
			}
			k->acc[i * 16 + r] = acc;
		}
	}
}
