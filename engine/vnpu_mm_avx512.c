// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * AVX-512 matmul kernels: the 16 lanes of a vector are the 16 rows of a
 * weight panel, so every lane runs the generic kernel's exact sequence of
 * operations for its row (see matmul.h) and no horizontal sums are needed.
 */
#include "vnpu_mm.h"
#include "vnpu_simd.h"

#define T512 VNPU_TARGET_AVX512

/* sw_b for the 16 rows of a block from their scale bytes @e (see vnpu_wscale()). */
static T512 VNPU_ALWAYS_INLINE v16sf vnpu_wscale16e(uint32_t wfmt, v16si e)
{
	v16si bits, m;

	if (wfmt == VNPU_FMT_NVFP4) {
		/* E4M3 bits shifted into FP32 position, then times 2^(120-1) */
		bits = (v16si)((v16sf)((e & 0x7f) << 20) * 0x1p119f);
		bits |= (e & 0x80) << 24;
		m = (e & 0x7f) == 0x7f;
		return (v16sf)((bits & ~m) | (0x7fc00000 & m));
	}
	bits = (v16si)((v16sf)(e << 23) * 0.5f);
	m = e == 0;
	bits = (bits & ~m) | (0x00200000 & m);
	m = e == 255;
	return (v16sf)((bits & ~m) | (0x7fc00000 & m));
}

/* The 16 scale bytes of a block at @s, widened to one per lane. */
static T512 VNPU_ALWAYS_INLINE v16si vnpu_sbytes16(const uint8_t *s)
{
	return __builtin_ia32_pmovzxbd512_mask(*(const vnpu_v16qi_ua *)s, (v16si){}, 0xffff);
}

/* sw_b for the 16 rows of a block (see vnpu_wscale()). */
static T512 VNPU_ALWAYS_INLINE v16sf vnpu_wscale16(uint32_t wfmt, const uint8_t *s)
{
	return vnpu_wscale16e(wfmt, vnpu_sbytes16(s));
}

/*
 * 64 bytes of E2M1 codes to the +12-offset weights of their low (@l) and
 * high (@h) nibbles through @lut (16 entries, 4 times). pshufb reads bits
 * 0-3 of an index byte, so both nibbles are masked first: 5 instructions.
 * With @vbmi, vpermb reads bits 0-5 and the repeated table makes bits 4-5
 * irrelevant: the low nibble needs no mask, the high one a shift: 3. The
 * kernels' target has no VBMI (GCC could use it anywhere), so vpermb is
 * asm, run only when the CPU has it (struct vnpu_kern @vbmi).
 */
static T512 VNPU_ALWAYS_INLINE void vnpu_e2m1_dec512(v16su p, v64qi lut, const bool vbmi,
						     v64qi *l, v64qi *h)
{
	v64qi lo, hi;

	if (vbmi) {
		hi = (v64qi)(p >> 4);
		__asm__("vpermb %1, %2, %0" : "=v"(*l) : "v"(lut), "v"((v64qi)p));
		__asm__("vpermb %1, %2, %0" : "=v"(*h) : "v"(lut), "v"(hi));
		return;
	}
	lo = (v64qi)(p & 0x0f0f0f0fu);
	hi = (v64qi)((p >> 4) & 0x0f0f0f0fu);
	*l = __builtin_ia32_pshufb512_mask(lut, lo, lo, -1);
	*h = __builtin_ia32_pshufb512_mask(lut, hi, hi, -1);
}

/*
 * @nv rows of int8 A (row slots); @np pieces per A row: with 3 pieces the
 * slots hold one E4M3 row's pieces, joined exactly before the FP32 steps.
 */
static T512 VNPU_ALWAYS_INLINE void vnpu_kint512_mt(const struct vnpu_kern *k,
						    const uint32_t nv, const uint32_t np)
{
	const uint32_t mt = nv / np;
	const v64qi lut = {
		12, 13, 14, 15, 16, 18, 20, 24, 12, 11, 10, 9, 8, 6, 4, 0,
		12, 13, 14, 15, 16, 18, 20, 24, 12, 11, 10, 9, 8, 6, 4, 0,
		12, 13, 14, 15, 16, 18, 20, 24, 12, 11, 10, 9, 8, 6, 4, 0,
		12, 13, 14, 15, 16, 18, 20, 24, 12, 11, 10, 9, 8, 6, 4, 0,
	};
	v16sf acc[VNPU_MT];
	const uint32_t wb = k->wb, chunks = wb / 8;

	#pragma GCC unroll 4
	for (uint32_t i = 0; i < mt; i++)
		acc[i] = (v16sf) {};
	for (uint32_t b = 0; b < k->nblk; b++) {
		const uint8_t *blk = k->codes + (size_t)b * wb * 8;
		v16sf sw = vnpu_wscale16(k->wfmt, k->scales + b * 16);
		v16si ia[VNPU_MT], ib[VNPU_MT], ic[VNPU_MT], id[VNPU_MT];

		vnpu_prefetch_block(blk, wb, VNPU_PREFETCH_AHEAD);
		#pragma GCC unroll 4
		for (uint32_t i = 0; i < nv; i++)
			ia[i] = ib[i] = ic[i] = id[i] = (v16si){};
		/* two chunks per step, four independent accumulators per row */
		for (uint32_t c = 0; c < chunks; c += 2) {
			v16su p0 = *(const v16su *)(blk + c * 64);
			v16su p1 = *(const v16su *)(blk + c * 64 + 64);
			v64qi l0 = (v64qi)(p0 & 0x0f0f0f0fu);
			v64qi h0 = (v64qi)((p0 >> 4) & 0x0f0f0f0fu);
			v64qi l1 = (v64qi)(p1 & 0x0f0f0f0fu);
			v64qi h1 = (v64qi)((p1 >> 4) & 0x0f0f0f0fu);
			v64qi wl0 = __builtin_ia32_pshufb512_mask(lut, l0, l0, -1);
			v64qi wh0 = __builtin_ia32_pshufb512_mask(lut, h0, h0, -1);
			v64qi wl1 = __builtin_ia32_pshufb512_mask(lut, l1, l1, -1);
			v64qi wh1 = __builtin_ia32_pshufb512_mask(lut, h1, h1, -1);

			#pragma GCC unroll 4
			for (uint32_t i = 0; i < nv; i++) {
				const int8_t *a = k->aq[i] + (size_t)b * wb + c * 8;

				ia[i] = __builtin_ia32_vpdpbusd_v16si(ia[i], (v16si)wl0,
					(v16si){} + (int32_t)vnpu_ld32(a));
				ib[i] = __builtin_ia32_vpdpbusd_v16si(ib[i], (v16si)wh0,
					(v16si){} + (int32_t)vnpu_ld32(a + 4));
				ic[i] = __builtin_ia32_vpdpbusd_v16si(ic[i], (v16si)wl1,
					(v16si){} + (int32_t)vnpu_ld32(a + 8));
				id[i] = __builtin_ia32_vpdpbusd_v16si(id[i], (v16si)wh1,
					(v16si){} + (int32_t)vnpu_ld32(a + 12));
			}
		}
		#pragma GCC unroll 4
		for (uint32_t i = 0; i < nv; i++) {
			int32_t corr = wb == 32 ?
				k->corr[i][2 * b] + k->corr[i][2 * b + 1] : k->corr[i][b];

			ia[i] = ((ia[i] + ib[i]) + (ic[i] + id[i])) - corr;
		}
		if (np > 1)	/* exact: |I| < 2^27 */
			ia[0] = ia[0] + (ia[1] << 7) + (ia[2] << 14);
		#pragma GCC unroll 4
		for (uint32_t i = 0; i < mt; i++) {
			v16sf t = __builtin_convertvector(ia[i], v16sf) * sw;

			t = t * k->sa[i][b * wb / 32];
			acc[i] = acc[i] + t;
		}
	}
	#pragma GCC unroll 4
	for (uint32_t i = 0; i < mt; i++)
		*(vnpu_v16sf_ua *)(k->acc + i * 16) = acc[i];
}

/*
 * @mt rows of int8 A (up to VNPU_MT_WIDE): each decoded weight vector feeds
 * mt dot products; two accumulators per row keep 2 * mt chains in flight.
 * @vbmi: decode with vpermb (vnpu_e2m1_dec512()).
 */
static T512 VNPU_ALWAYS_INLINE void vnpu_kint512_rows(const struct vnpu_kern *k,
						      const uint32_t mt, const uint32_t wb,
						      const bool vbmi)
{
	const v64qi lut = {
		12, 13, 14, 15, 16, 18, 20, 24, 12, 11, 10, 9, 8, 6, 4, 0,
		12, 13, 14, 15, 16, 18, 20, 24, 12, 11, 10, 9, 8, 6, 4, 0,
		12, 13, 14, 15, 16, 18, 20, 24, 12, 11, 10, 9, 8, 6, 4, 0,
		12, 13, 14, 15, 16, 18, 20, 24, 12, 11, 10, 9, 8, 6, 4, 0,
	};
	v16sf acc[VNPU_MT_WIDE];
	const uint32_t chunks = wb / 8;

	#pragma GCC unroll 8
	for (uint32_t i = 0; i < mt; i++)
		acc[i] = (v16sf) {};
	for (uint32_t b = 0; b < k->nblk; b++) {
		const uint8_t *blk = k->codes + (size_t)b * wb * 8;
		v16si ia[VNPU_MT_WIDE], ib[VNPU_MT_WIDE];

		vnpu_prefetch_block(blk, wb, VNPU_PREFETCH_AHEAD);
		#pragma GCC unroll 8
		for (uint32_t i = 0; i < mt; i++)
			ia[i] = ib[i] = (v16si){};
		#pragma GCC unroll 2
		for (uint32_t c = 0; c < chunks; c += 2) {
			v64qi wl0, wh0, wl1, wh1;

			vnpu_e2m1_dec512(*(const v16su *)(blk + c * 64), lut, vbmi, &wl0, &wh0);
			vnpu_e2m1_dec512(*(const v16su *)(blk + c * 64 + 64), lut, vbmi, &wl1,
					 &wh1);
			#pragma GCC unroll 8
			for (uint32_t i = 0; i < mt; i++) {
				const int8_t *a = k->aq[i] + (size_t)b * wb + c * 8;

				ia[i] = __builtin_ia32_vpdpbusd_v16si(ia[i], (v16si)wl0,
					(v16si){} + (int32_t)vnpu_ld32(a));
				ib[i] = __builtin_ia32_vpdpbusd_v16si(ib[i], (v16si)wh0,
					(v16si){} + (int32_t)vnpu_ld32(a + 4));
				ia[i] = __builtin_ia32_vpdpbusd_v16si(ia[i], (v16si)wl1,
					(v16si){} + (int32_t)vnpu_ld32(a + 8));
				ib[i] = __builtin_ia32_vpdpbusd_v16si(ib[i], (v16si)wh1,
					(v16si){} + (int32_t)vnpu_ld32(a + 12));
			}
		}
		{
			v16sf sw = vnpu_wscale16(k->wfmt, k->scales + b * 16);

			#pragma GCC unroll 8
			for (uint32_t i = 0; i < mt; i++) {
				int32_t corr = wb == 32 ?
					k->corr[i][2 * b] + k->corr[i][2 * b + 1] : k->corr[i][b];
				v16sf t = __builtin_convertvector((ia[i] + ib[i]) - corr, v16sf) * sw;

				t = t * k->sa[i][b * wb / 32];
				acc[i] = acc[i] + t;
			}
		}
	}
	#pragma GCC unroll 8
	for (uint32_t i = 0; i < mt; i++)
		*(vnpu_v16sf_ua *)(k->acc + i * 16) = acc[i];
}

/*
 * One row of int8 A against @npan panels (more loads in flight); blocks of
 * @wb 16 are NVFP4, of 32 MXFP4; @vbmi: decode with vpermb.
 *
 * Per block and panel, besides the 64-byte steps: the accumulators start
 * at -corr (no subtraction after); one prefetch offset serves every panel
 * (near the end of the panels, it reaches the next call's); and MXFP4
 * blocks take the one-multiply epilogue of vnpu_kint512_pk() when the
 * row's sa and every panel's weight scales lie in its window (same bits).
 */
static T512 VNPU_ALWAYS_INLINE void vnpu_kint512_pan(const struct vnpu_kern *k,
						     const uint32_t npan, const uint32_t wb,
						     const bool vbmi)
{
	const v64qi lut = {
		12, 13, 14, 15, 16, 18, 20, 24, 12, 11, 10, 9, 8, 6, 4, 0,
		12, 13, 14, 15, 16, 18, 20, 24, 12, 11, 10, 9, 8, 6, 4, 0,
		12, 13, 14, 15, 16, 18, 20, 24, 12, 11, 10, 9, 8, 6, 4, 0,
		12, 13, 14, 15, 16, 18, 20, 24, 12, 11, 10, 9, 8, 6, 4, 0,
	};
	const uint32_t chunks = wb / 8, wfmt = wb == 16 ? VNPU_FMT_NVFP4 : VNPU_FMT_MXFP4;
	const size_t bbytes = (size_t)wb * 8, cbytes = (size_t)k->nblk * bbytes;
	/* block to prefetch target: ahead, or into panel q + npan past the end */
	const size_t near = wb == 32 ? VNPU_PREFETCH_AHEAD_PAN_MX : VNPU_PREFETCH_AHEAD_PAN,
		     wrap = near + npan * k->pstride - cbytes;
	v16sf acc[VNPU_MT_WIDE];

	#pragma GCC unroll 8
	for (uint32_t q = 0; q < npan; q++)
		acc[q] = (v16sf) {};
	for (uint32_t b = 0; b < k->nblk; b++) {
		const int8_t *a = k->aq[0] + (size_t)b * wb;
		const size_t boff = (size_t)b * bbytes,
			     pf = boff + near < cbytes ? near : wrap;
		const uint8_t *scales = k->scales + b * 16;
		int32_t start = -(wb == 32 ? k->corr[0][2 * b] + k->corr[0][2 * b + 1] :
					     k->corr[0][b]);
		float sa = k->sa[0][b * wb / 32];
		v16si ia[VNPU_MT_WIDE], ib[VNPU_MT_WIDE], e[VNPU_MT_WIDE];
		uint32_t bad;

		#pragma GCC unroll 8
		for (uint32_t q = 0; q < npan; q++) {
			const uint8_t *blk = k->codes + q * k->pstride + boff;

			for (uint32_t c = 0; c < chunks; c++)
				__builtin_prefetch(blk + pf + c * 64);
			__builtin_prefetch(scales + q * k->pstride + 256);
			ia[q] = (v16si){} + start;
			ib[q] = (v16si){};
		}
		#pragma GCC unroll 4
		for (uint32_t c = 0; c < chunks; c++) {
			v16si al = (v16si){} + (int32_t)vnpu_ld32(a + c * 8);
			v16si ah = (v16si){} + (int32_t)vnpu_ld32(a + c * 8 + 4);

			#pragma GCC unroll 8
			for (uint32_t q = 0; q < npan; q++) {
				const uint8_t *blk = k->codes + q * k->pstride + boff;
				v64qi l, h;

				vnpu_e2m1_dec512(*(const v16su *)(blk + c * 64), lut, vbmi, &l, &h);
				ia[q] = __builtin_ia32_vpdpbusd_v16si(ia[q], (v16si)l, al);
				ib[q] = __builtin_ia32_vpdpbusd_v16si(ib[q], (v16si)h, ah);
			}
		}
		bad = wb == 32 ? vnpu_aps_outside(vnpu_u32(sa)) : 1;
		#pragma GCC unroll 8
		for (uint32_t q = 0; q < npan; q++) {
			e[q] = vnpu_sbytes16(scales + q * k->pstride);
			if (wb == 32)	/* a byte outside 68 .. 178 */
				bad |= __builtin_ia32_ucmpd512_mask(e[q] - 68, (v16si){} + 110,
								    6, 0xffff);
		}
		if (!bad) {
			int32_t ape = (int32_t)(vnpu_u32(sa) - (128u << 23));

			#pragma GCC unroll 8
			for (uint32_t q = 0; q < npan; q++)
				acc[q] = acc[q] + __builtin_convertvector(ia[q] + ib[q], v16sf) *
					 (v16sf)((e[q] << 23) + ape);
			continue;
		}
		#pragma GCC unroll 8
		for (uint32_t q = 0; q < npan; q++) {
			v16sf t = __builtin_convertvector(ia[q] + ib[q], v16sf) *
				  vnpu_wscale16e(wfmt, e[q]);

			acc[q] = acc[q] + t * sa;
		}
	}
	#pragma GCC unroll 8
	for (uint32_t q = 0; q < npan; q++)
		*(vnpu_v16sf_ua *)(k->acc + q * 16) = acc[q];
}

/* acc += the dword at @a (broadcast to every lane) . the bytes of @w */
static T512 VNPU_ALWAYS_INLINE v16si vnpu_dpbusd(v16si acc, v64qi w, const int8_t *a)
{
	__asm__("vpdpbusd %2%{1to16%}, %1, %0"
		: "+v"(acc) : "v"(w), "m"(*(const vnpu_u32_ua *)a));
	return acc;
}

/*
 * @mt rows of packed int8 A (up to VNPU_MT_PACK_INT, see struct vnpu_kern):
 * one pointer for every row, one accumulator per row starting at -12 *
 * sum(q_a) (the offset of the unsigned weights), the FP32 sums in k->acc.
 * Per block and row: the dot products, then cvt, two multiplies, an add.
 *
 * MXFP4 blocks (@wb 32) whose weight scales are all 2^-60 .. 2^50 (bytes
 * 68 .. 178) and whose rows' aps are all 2^-60 .. 2^50 (aok, see
 * vnpu_pack_int()) multiply once: sw x aps is a power of two 2^-120 ..
 * 2^100 whose bits are an integer add (e << 23 plus the row's ape), and
 * |block sum| < 2^18 makes both (sum x sw) x aps and sum x (sw x aps)
 * exact, so the product has the same bits. The multiplies share ports
 * with vpdpbusd; an integer add need not.
 */
static T512 VNPU_ALWAYS_INLINE void vnpu_kint512_pk(const struct vnpu_kern *k,
						    const uint32_t mt, const uint32_t wb)
{
	const v64qi lut = {
		12, 13, 14, 15, 16, 18, 20, 24, 12, 11, 10, 9, 8, 6, 4, 0,
		12, 13, 14, 15, 16, 18, 20, 24, 12, 11, 10, 9, 8, 6, 4, 0,
		12, 13, 14, 15, 16, 18, 20, 24, 12, 11, 10, 9, 8, 6, 4, 0,
		12, 13, 14, 15, 16, 18, 20, 24, 12, 11, 10, 9, 8, 6, 4, 0,
	};
	const uint32_t chunks = wb / 8;
	const int32_t *ape = wb == 32 ? (const int32_t *)(k->aps + (size_t)k->nblk * mt) :
			     NULL;
	const int32_t *aok = wb == 32 ? ape + (size_t)k->nblk * mt : NULL;
	v16sf acc[VNPU_MT_PACK_INT];

	#pragma GCC unroll 16
	for (uint32_t i = 0; i < mt; i++)
		acc[i] = (v16sf) {};
	for (uint32_t b = 0; b < k->nblk; b++) {
		const uint8_t *blk = k->codes + (size_t)b * wb * 8;
		const int8_t *a = k->apk + (size_t)b * mt * wb;
		const int32_t *apc = k->apc + (size_t)b * mt;
		const float *aps = k->aps + (size_t)b * mt;
		v16si ia[VNPU_MT_PACK_INT];
		v16sf sw;

		vnpu_prefetch_block(blk, wb, VNPU_PREFETCH_AHEAD);
		#pragma GCC unroll 16
		for (uint32_t i = 0; i < mt; i++)
			ia[i] = (v16si){} + apc[i];
		#pragma GCC unroll 4
		for (uint32_t c = 0; c < chunks; c++) {
			v16su p = *(const v16su *)(blk + c * 64);
			v64qi l = (v64qi)(p & 0x0f0f0f0fu);
			v64qi h = (v64qi)((p >> 4) & 0x0f0f0f0fu);

			l = __builtin_ia32_pshufb512_mask(lut, l, l, -1);
			h = __builtin_ia32_pshufb512_mask(lut, h, h, -1);
			/* rows inner: neighbouring instructions are independent */
			#pragma GCC unroll 16
			for (uint32_t i = 0; i < mt; i++)
				ia[i] = vnpu_dpbusd(ia[i], l, a + i * wb + c * 8);
			#pragma GCC unroll 16
			for (uint32_t i = 0; i < mt; i++)
				ia[i] = vnpu_dpbusd(ia[i], h, a + i * wb + c * 8 + 4);
		}
		if (wb == 32 && aok[b]) {
			const vnpu_v16qi_ua *sb = (const void *)(k->scales + b * 16);
			v16si e = __builtin_ia32_pmovzxbd512_mask(*sb, (v16si){}, 0xffff);

			if (!__builtin_ia32_ucmpd512_mask(e - 68, (v16si){} + 110,
							  6, 0xffff)) {
				e <<= 23;
				#pragma GCC unroll 16
				for (uint32_t i = 0; i < mt; i++)
					acc[i] = acc[i] + __builtin_convertvector(ia[i], v16sf) *
						 (v16sf)(e + ape[b * mt + i]);
				continue;
			}
		}
		/* FP4 weights: blocks of 16 are NVFP4, of 32 MXFP4 */
		sw = vnpu_wscale16(wb == 16 ? VNPU_FMT_NVFP4 : VNPU_FMT_MXFP4,
				   k->scales + b * 16);
		#pragma GCC unroll 16
		for (uint32_t i = 0; i < mt; i++)
			acc[i] = acc[i] + (__builtin_convertvector(ia[i], v16sf) * sw) * aps[i];
	}
	#pragma GCC unroll 16
	for (uint32_t i = 0; i < mt; i++)
		((vnpu_v16sf_ua *)k->acc)[i] = acc[i];
}

#define VNPU_KINT512_PK(wb)							\
	static T512 void vnpu_kint512_pk_##wb(const struct vnpu_kern *k)		\
	{									\
		switch (k->mt) {						\
		case 2:							\
			vnpu_kint512_pk(k, 2, wb);			\
			break;						\
		case 3:							\
			vnpu_kint512_pk(k, 3, wb);			\
			break;						\
		case 4:							\
			vnpu_kint512_pk(k, 4, wb);			\
			break;						\
		case 5:							\
			vnpu_kint512_pk(k, 5, wb);			\
			break;						\
		case 6:							\
			vnpu_kint512_pk(k, 6, wb);			\
			break;						\
		case 7:							\
			vnpu_kint512_pk(k, 7, wb);			\
			break;						\
		case 8:							\
			vnpu_kint512_pk(k, 8, wb);			\
			break;						\
		case 9:							\
			vnpu_kint512_pk(k, 9, wb);			\
			break;						\
		case 10:						\
			vnpu_kint512_pk(k, 10, wb);			\
			break;						\
		case 11:						\
			vnpu_kint512_pk(k, 11, wb);			\
			break;						\
		default:						\
			vnpu_kint512_pk(k, 12, wb);			\
			break;						\
		}								\
	}
VNPU_KINT512_PK(16)
VNPU_KINT512_PK(32)

/* One row against k->npan panels (2 .. 8). */
static T512 VNPU_ALWAYS_INLINE void vnpu_kint512_pans(const struct vnpu_kern *k,
						      const uint32_t wb, const bool vbmi)
{
	switch (k->npan) {
	case 2:
		vnpu_kint512_pan(k, 2, wb, vbmi);
		return;
	case 3:
		vnpu_kint512_pan(k, 3, wb, vbmi);
		return;
	case 4:
		vnpu_kint512_pan(k, 4, wb, vbmi);
		return;
	case 5:
		vnpu_kint512_pan(k, 5, wb, vbmi);
		return;
	case 6:
		vnpu_kint512_pan(k, 6, wb, vbmi);
		return;
	case 7:
		vnpu_kint512_pan(k, 7, wb, vbmi);
		return;
	default:
		vnpu_kint512_pan(k, 8, wb, vbmi);
		return;
	}
}

/* One row of A (a GEMV call): several panels, or the row's last one. */
static T512 VNPU_ALWAYS_INLINE void vnpu_kint512_row(const struct vnpu_kern *k,
						     const bool vbmi)
{
	if (k->npan > 1 && k->wb == 16)
		vnpu_kint512_pans(k, 16, vbmi);
	else if (k->npan > 1)
		vnpu_kint512_pans(k, 32, vbmi);
	else if (k->wb == 16)
		vnpu_kint512_rows(k, 1, 16, vbmi);
	else
		vnpu_kint512_rows(k, 1, 32, vbmi);
}

/* Not inlined: one frame for all 15 GEMV bodies exceeded the kernel's 2 KiB. */
static T512 VNPU_NOINLINE void vnpu_kint512_gemv(const struct vnpu_kern *k)
{
	vnpu_kint512_row(k, false);
}

static T512 VNPU_NOINLINE void vnpu_kint512_gemv_vbmi(const struct vnpu_kern *k)
{
	vnpu_kint512_row(k, true);
}

T512 void vnpu_kint_avx512(const struct vnpu_kern *k)
{
	if (k->apk && k->npan <= 1 && k->mt > 1) {	/* several rows, packed */
		if (k->wb == 16)
			vnpu_kint512_pk_16(k);
		else
			vnpu_kint512_pk_32(k);
		return;
	}
	if (k->np == 1 && k->mt == 1) {	/* one row */
		if (k->vbmi)
			vnpu_kint512_gemv_vbmi(k);
		else
			vnpu_kint512_gemv(k);
		return;
	}
	if (k->np > 1) {
		vnpu_kint512_mt(k, VNPU_NPIECE, VNPU_NPIECE);
		return;
	}
	if (k->wb == 16) {	/* NVFP4 */
		switch (k->mt) {
		case 2:
			vnpu_kint512_rows(k, 2, 16, false);
			break;
		case 3:
			vnpu_kint512_rows(k, 3, 16, false);
			break;
		case 4:
			vnpu_kint512_rows(k, 4, 16, false);
			break;
		case 5:
			vnpu_kint512_rows(k, 5, 16, false);
			break;
		case 6:
			vnpu_kint512_rows(k, 6, 16, false);
			break;
		case 7:
			vnpu_kint512_rows(k, 7, 16, false);
			break;
		default:
			vnpu_kint512_rows(k, 8, 16, false);
			break;
		}
		return;
	}
	switch (k->mt) {
	case 2:
		vnpu_kint512_rows(k, 2, 32, false);
		break;
	case 3:
		vnpu_kint512_rows(k, 3, 32, false);
		break;
	case 4:
		vnpu_kint512_rows(k, 4, 32, false);
		break;
	case 5:
		vnpu_kint512_rows(k, 5, 32, false);
		break;
	case 6:
		vnpu_kint512_rows(k, 6, 32, false);
		break;
	case 7:
		vnpu_kint512_rows(k, 7, 32, false);
		break;
	default:
		vnpu_kint512_rows(k, 8, 32, false);
		break;
	}
}

/* The BF16 pair chain's flush (see vnpu_ftz8() in the AVX2 kernels). */
static T512 VNPU_ALWAYS_INLINE v16sf vnpu_ftz16(v16sf p)
{
	v16si tiny = (v16sf)((v16si)p & 0x7fffffff) < 0x1p-126f;

	return (v16sf)((v16si)p & ~(tiny & 0x7fffffff));
}

/* @bfp: the BF16 pair chain emulated (CPUs without AVX512_BF16). */
static T512 VNPU_ALWAYS_INLINE void vnpu_kfp512_mt(const struct vnpu_kern *k,
						   const uint32_t mt, const bool bfp)
{
	const v16sf lut = { 0, 1, 2, 3, 4, 6, 8, 12, 0, -1, -2, -3, -4, -6, -8, -12 };
	v16sf acc[VNPU_MT_WIDE];
	const uint32_t wb = k->wb, chunks = wb / 8;

	#pragma GCC unroll 8
	for (uint32_t i = 0; i < mt; i++)
		acc[i] = (v16sf) {};
	for (uint32_t b = 0; b < k->nblk; b++) {
		const uint8_t *blk = k->codes + (size_t)b * wb * 8;
		v16sf sw = vnpu_wscale16(k->wfmt, k->scales + b * 16);
		v16sf p[VNPU_MT_WIDE];

		vnpu_prefetch_block(blk, wb, VNPU_PREFETCH_AHEAD);
		#pragma GCC unroll 8
		for (uint32_t i = 0; i < mt; i++)
			p[i] = (v16sf) {};
		for (uint32_t c = 0; c < chunks; c++) {
			v16si pk = *(const v16si *)(blk + c * 64);

			#pragma GCC unroll 8
			for (uint32_t jj = 0; jj < 8; jj++) {
				/* columns 8c + j: low nibbles, then high nibbles */
				uint32_t j = bfp ? jj ^ 1 : jj;
				v16si idx = (v16si)((v16su)pk >> (8 * (j & 3) + 4 * (j >> 2)));
				v16sf w = __builtin_ia32_permvarsf512_mask(lut, idx, lut, -1);

				#pragma GCC unroll 8
				for (uint32_t i = 0; i < mt; i++) {
					float a = k->af[i][(size_t)b * wb + c * 8 + j];

					p[i] = __builtin_ia32_vfmaddps512_mask(w, (v16sf) {} + a,
									       p[i], -1, 4);
					if (bfp)
						p[i] = vnpu_ftz16(p[i]);
				}
			}
		}
		#pragma GCC unroll 8
		for (uint32_t i = 0; i < mt; i++)
			acc[i] = acc[i] + p[i] * sw;
	}
	#pragma GCC unroll 8
	for (uint32_t i = 0; i < mt; i++)
		*(vnpu_v16sf_ua *)(k->acc + i * 16) = acc[i];
}

/*
 * One row of A against @npan panels: a block's 32 fma steps are a chain
 * of dependent operations per panel, so independent panels side by side
 * fill the FMA pipes that one chain leaves idle.
 */
static T512 VNPU_ALWAYS_INLINE void vnpu_kfp512_pan(const struct vnpu_kern *k,
						    const uint32_t npan, const uint32_t wb)
{
	const v16sf lut = { 0, 1, 2, 3, 4, 6, 8, 12, 0, -1, -2, -3, -4, -6, -8, -12 };
	const uint32_t chunks = wb / 8;
	const uint8_t *codes[VNPU_MT_WIDE], *scales[VNPU_MT_WIDE];
	v16sf acc[VNPU_MT_WIDE];

	#pragma GCC unroll 8
	for (uint32_t q = 0; q < npan; q++) {
		codes[q] = k->codes + q * k->pstride;
		scales[q] = k->scales + q * k->pstride;
		acc[q] = (v16sf) {};
	}
	for (uint32_t b = 0; b < k->nblk; b++) {
		const float *a = k->af[0] + (size_t)b * wb;
		v16sf p[VNPU_MT_WIDE];

		#pragma GCC unroll 8
		for (uint32_t q = 0; q < npan; q++) {
			vnpu_prefetch_pan(k, q, npan, b, wb);
			p[q] = (v16sf) {};
		}
		for (uint32_t c = 0; c < chunks; c++) {
			v16si pk[VNPU_MT_WIDE];

			#pragma GCC unroll 8
			for (uint32_t q = 0; q < npan; q++)
				pk[q] = *(const v16si *)(codes[q] + (size_t)b * wb * 8 + c * 64);
			#pragma GCC unroll 8
			for (uint32_t j = 0; j < 8; j++) {
				/*
				 * a broadcast ((v16sf) {} + a costs an add: -0 + 0;
				 * p is never -0, so the bits are the same)
				 */
				v16sf av = (v16sf)((v16si){} + (int32_t)vnpu_u32(a[c * 8 + j]));

				#pragma GCC unroll 8
				for (uint32_t q = 0; q < npan; q++) {
					v16si idx = (v16si)((v16su)pk[q] >> (8 * (j & 3) + 4 * (j >> 2)));
					v16sf w = __builtin_ia32_permvarsf512_mask(lut, idx, lut, -1);

					p[q] = __builtin_ia32_vfmaddps512_mask(w, av, p[q], -1, 4);
				}
			}
		}
		#pragma GCC unroll 8
		for (uint32_t q = 0; q < npan; q++)
			acc[q] = acc[q] + p[q] * vnpu_wscale16(k->wfmt, scales[q] + b * 16);
	}
	#pragma GCC unroll 8
	for (uint32_t q = 0; q < npan; q++)
		*(vnpu_v16sf_ua *)(k->acc + q * 16) = acc[q];
}

T512 void vnpu_kfp_avx512(const struct vnpu_kern *k)
{
	if (k->npan > 1 && k->wb == 16) {	/* NVFP4 */
		switch (k->npan) {
		case 2:
			vnpu_kfp512_pan(k, 2, 16);
			return;
		case 3:
			vnpu_kfp512_pan(k, 3, 16);
			return;
		case 4:
			vnpu_kfp512_pan(k, 4, 16);
			return;
		case 5:
			vnpu_kfp512_pan(k, 5, 16);
			return;
		case 6:
			vnpu_kfp512_pan(k, 6, 16);
			return;
		case 7:
			vnpu_kfp512_pan(k, 7, 16);
			return;
		default:
			vnpu_kfp512_pan(k, 8, 16);
			return;
		}
	}
	switch (k->npan) {
	case 1:
		break;
	case 2:
		vnpu_kfp512_pan(k, 2, 32);
		return;
	case 3:
		vnpu_kfp512_pan(k, 3, 32);
		return;
	case 4:
		vnpu_kfp512_pan(k, 4, 32);
		return;
	case 5:
		vnpu_kfp512_pan(k, 5, 32);
		return;
	case 6:
		vnpu_kfp512_pan(k, 6, 32);
		return;
	case 7:
		vnpu_kfp512_pan(k, 7, 32);
		return;
	default:
		vnpu_kfp512_pan(k, 8, 32);
		return;
	}
	if (k->bfp) {
		switch (k->mt) {
		case 1:
			vnpu_kfp512_mt(k, 1, true);
			break;
		case 2:
			vnpu_kfp512_mt(k, 2, true);
			break;
		case 3:
			vnpu_kfp512_mt(k, 3, true);
			break;
		case 4:
			vnpu_kfp512_mt(k, 4, true);
			break;
		case 5:
			vnpu_kfp512_mt(k, 5, true);
			break;
		case 6:
			vnpu_kfp512_mt(k, 6, true);
			break;
		case 7:
			vnpu_kfp512_mt(k, 7, true);
			break;
		default:
			vnpu_kfp512_mt(k, 8, true);
			break;
		}
		return;
	}
	switch (k->mt) {
	case 1:
		vnpu_kfp512_mt(k, 1, false);
		break;
	case 2:
		vnpu_kfp512_mt(k, 2, false);
		break;
	case 3:
		vnpu_kfp512_mt(k, 3, false);
		break;
	case 4:
		vnpu_kfp512_mt(k, 4, false);
		break;
	case 5:
		vnpu_kfp512_mt(k, 5, false);
		break;
	case 6:
		vnpu_kfp512_mt(k, 6, false);
		break;
	case 7:
		vnpu_kfp512_mt(k, 7, false);
		break;
	default:
		vnpu_kfp512_mt(k, 8, false);
		break;
	}
}

/*
 * FP4 weights x BF16 activations with vdpbf16ps, which computes exactly
 * the pair chain of matmul.h (tests/engine/test_bf16dot.c checks it): per
 * 64-byte chunk the weights of column pairs (8c, 8c+1) .. (8c+6, 8c+7)
 * become BF16 pairs (a byte shuffle puts the bytes of columns 2m and 2m+1
 * in the two words of each dword, vpermw looks the nibbles up), then each
 * row of A adds its four pairs in K order. Inline asm: the builtin's
 * operand types differ between GCC versions.
 */
#define T512BF __attribute__((target("avx2,fma,f16c,avx512f,avx512bw,avx512vl,avx512dq,avx512vnni,avx512bf16")))
typedef int16_t v32hi __attribute__((vector_size(64)));
typedef uint16_t v32hu __attribute__((vector_size(64)));

/* acc += the pair at @a (broadcast to every lane) times the pairs in @w */
static T512BF VNPU_ALWAYS_INLINE v16sf vnpu_dpbf16(v16sf acc, v32hi w, const uint16_t *a)
{
	__asm__("vdpbf16ps %2%{1to16%}, %1, %0"
		: "+v"(acc) : "v"(w), "m"(*(const vnpu_u32_ua *)a));
	return acc;
}

static T512BF VNPU_ALWAYS_INLINE void vnpu_kbf512_mt(const struct vnpu_kern *k,
						     const uint32_t mt, const uint32_t wb)
{
	/* BF16 of k_w for each nibble; vpermw reads 5 index bits: twice */
	const v32hi lut = {
		0, 0x3f80, 0x4000, 0x4040, 0x4080, 0x40c0, 0x4100, 0x4140,
		(int16_t)0x8000, (int16_t)0xbf80, (int16_t)0xc000, (int16_t)0xc040,
		(int16_t)0xc080, (int16_t)0xc0c0, (int16_t)0xc100, (int16_t)0xc140,
		0, 0x3f80, 0x4000, 0x4040, 0x4080, 0x40c0, 0x4100, 0x4140,
		(int16_t)0x8000, (int16_t)0xbf80, (int16_t)0xc000, (int16_t)0xc040,
		(int16_t)0xc080, (int16_t)0xc0c0, (int16_t)0xc100, (int16_t)0xc140,
	};
	/* bytes 0, 1 (or 2, 3) of each dword to the low byte of its words */
	const v64qi s01 = {
		0, -1, 1, -1, 4, -1, 5, -1, 8, -1, 9, -1, 12, -1, 13, -1,
		0, -1, 1, -1, 4, -1, 5, -1, 8, -1, 9, -1, 12, -1, 13, -1,
		0, -1, 1, -1, 4, -1, 5, -1, 8, -1, 9, -1, 12, -1, 13, -1,
		0, -1, 1, -1, 4, -1, 5, -1, 8, -1, 9, -1, 12, -1, 13, -1,
	};
	const v64qi s23 = s01 + ((s01 >= 0) & 2);
	const uint32_t chunks = wb / 8;
	/* the block sums live in k->acc: 16 chains + 16 sums exceed 32 registers */
	vnpu_v16sf_ua *acc = (vnpu_v16sf_ua *)k->acc;

	#pragma GCC unroll 16
	for (uint32_t i = 0; i < mt; i++)
		acc[i] = (v16sf) {};
	for (uint32_t b = 0; b < k->nblk; b++) {
		const uint8_t *blk = k->codes + (size_t)b * wb * 8;
		const uint16_t *ab = k->ab + (size_t)b * mt * wb;
		v16sf p[VNPU_MT_PACK], sw;

		vnpu_prefetch_block(blk, wb, VNPU_PREFETCH_AHEAD);
		#pragma GCC unroll 16
		for (uint32_t i = 0; i < mt; i++)
			p[i] = (v16sf) {};
		#pragma GCC unroll 4
		for (uint32_t c = 0; c < chunks; c++) {
			v64qi x = *(const v64qi *)(blk + c * 64);
			v32hu d01 = (v32hu)__builtin_ia32_pshufb512_mask(x, s01, x, -1);
			v32hu d23 = (v32hu)__builtin_ia32_pshufb512_mask(x, s23, x, -1);
			v32hi w01 = __builtin_ia32_permvarhi512_mask(lut, (v32hi)d01, lut, -1);
			v32hi w23 = __builtin_ia32_permvarhi512_mask(lut, (v32hi)d23, lut, -1);
			v32hi w45 = __builtin_ia32_permvarhi512_mask(lut, (v32hi)(d01 >> 4), lut, -1);
			v32hi w67 = __builtin_ia32_permvarhi512_mask(lut, (v32hi)(d23 >> 4), lut, -1);

			const v32hi wq[4] = { w01, w23, w45, w67 };

			/* rows inner: neighbouring instructions are independent */
			#pragma GCC unroll 4
			for (uint32_t q = 0; q < 4; q++)
				#pragma GCC unroll 16
				for (uint32_t i = 0; i < mt; i++)
					p[i] = vnpu_dpbf16(p[i], wq[q], ab + i * wb + c * 8 + 2 * q);
		}
		sw = vnpu_wscale16(k->wfmt, k->scales + b * 16);
		#pragma GCC unroll 16
		for (uint32_t i = 0; i < mt; i++)
			acc[i] = acc[i] + p[i] * sw;
	}
}

#define VNPU_KBF512(wb)							\
	static T512BF void vnpu_kbf512_##wb(const struct vnpu_kern *k)	\
	{								\
		switch (k->mt) {					\
		case 1:							\
			vnpu_kbf512_mt(k, 1, wb);			\
			break;						\
		case 2:							\
			vnpu_kbf512_mt(k, 2, wb);			\
			break;						\
		case 3:							\
			vnpu_kbf512_mt(k, 3, wb);			\
			break;						\
		case 4:							\
			vnpu_kbf512_mt(k, 4, wb);			\
			break;						\
		case 5:							\
			vnpu_kbf512_mt(k, 5, wb);			\
			break;						\
		case 6:							\
			vnpu_kbf512_mt(k, 6, wb);			\
			break;						\
		case 7:							\
			vnpu_kbf512_mt(k, 7, wb);			\
			break;						\
		case 8:							\
			vnpu_kbf512_mt(k, 8, wb);			\
			break;						\
		case 9:							\
			vnpu_kbf512_mt(k, 9, wb);			\
			break;						\
		case 10:						\
			vnpu_kbf512_mt(k, 10, wb);			\
			break;						\
		case 11:						\
			vnpu_kbf512_mt(k, 11, wb);			\
			break;						\
		case 12:						\
			vnpu_kbf512_mt(k, 12, wb);			\
			break;						\
		case 13:						\
			vnpu_kbf512_mt(k, 13, wb);			\
			break;						\
		case 14:						\
			vnpu_kbf512_mt(k, 14, wb);			\
			break;						\
		case 15:						\
			vnpu_kbf512_mt(k, 15, wb);			\
			break;						\
		default:						\
			vnpu_kbf512_mt(k, 16, wb);			\
			break;						\
		}							\
	}
VNPU_KBF512(16)
VNPU_KBF512(32)

T512BF void vnpu_kbf_avx512bf16(const struct vnpu_kern *k)
{
	if (k->wb == 16)
		vnpu_kbf512_16(k);
	else
		vnpu_kbf512_32(k);
}
