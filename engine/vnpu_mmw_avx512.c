// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * AVX-512 kernels for wide weights (MXFP8, BF16, FP32): a panel column is
 * the 16 rows' elements side by side, one vector; every lane follows the
 * generic kernel's sequence for its row (vnpu_kwint_generic/_kwfp_generic).
 */
#include "vnpu_mm.h"
#include "vnpu_simd.h"

#define T512 VNPU_TARGET_AVX512

/* 2^(s - 127) for 16 E8M0 codes (2^-127 for 0, NaN for 0xff). */
static T512 VNPU_ALWAYS_INLINE v16sf vnpu_e8m0x16(const uint8_t *s)
{
	v16si e = __builtin_convertvector(*(const vnpu_v16qu_ua *)s, v16si), m;
	v16si bits = e << 23;

	m = e == 0;
	bits = (bits & ~m) | (0x00400000 & m);
	m = e == 255;
	return (v16sf)((bits & ~m) | (0x7fc00000 & m));
}

/* E4M3 codes as the integers E4M3 * 2^9; NaN codes flagged in @nan. */
static T512 VNPU_ALWAYS_INLINE v16si vnpu_e4m3x16(const uint8_t *p, v16si *nan)
{
	v16si c = __builtin_convertvector(*(const vnpu_v16qu_ua *)p, v16si);
	v16si e = (c >> 3) & 15, nz = e != 0, sg = -((c >> 7) & 1);
	v16si k = ((c & 7) | (8 & nz)) << ((e - 1) & nz);

	*nan |= (c & 0x7f) == 0x7f;
	return (k ^ sg) - sg;
}

static T512 VNPU_ALWAYS_INLINE void vnpu_kwint512_mt(const struct vnpu_kern *k,
						     const uint32_t mt)
{
	v16sf acc[VNPU_MT];

	#pragma GCC unroll 4
	for (uint32_t i = 0; i < mt; i++)
		acc[i] = (v16sf) {};
	for (uint32_t b = 0; b < k->nblk; b++) {
		const uint8_t *blk = k->codes + (size_t)b * 32 * 16;
		v16sf sw = vnpu_e8m0x16(k->scales + b * 16) * 0x1p-9f;
		v16si s[VNPU_MT], nan = (v16si) {};

		#pragma GCC unroll 4
		for (uint32_t i = 0; i < mt; i++)
			s[i] = (v16si) {};
		#pragma GCC unroll 4
		for (uint32_t kk = 0; kk < 32; kk++) {
			v16si w = vnpu_e4m3x16(blk + kk * 16, &nan);

			#pragma GCC unroll 4
			for (uint32_t i = 0; i < mt; i++)
				s[i] += w * (int32_t)k->aq[i][b * 32 + kk];
		}
		#pragma GCC unroll 4
		for (uint32_t i = 0; i < mt; i++) {
			v16sf t = __builtin_convertvector(s[i], v16sf) * sw;

			t = t * k->sa[i][b];
			t = (v16sf)(((v16si)t & ~nan) | (0x7fc00000 & nan));
			acc[i] = acc[i] + t;
		}
	}
	#pragma GCC unroll 4
	for (uint32_t i = 0; i < mt; i++)
		*(vnpu_v16sf_ua *)(k->acc + i * 16) = acc[i];
}

T512 void vnpu_kwint_avx512(const struct vnpu_kern *k)
{
	switch (k->mt) {
	case 1:
		vnpu_kwint512_mt(k, 1);
		break;
	case 2:
		vnpu_kwint512_mt(k, 2);
		break;
	case 3:
		vnpu_kwint512_mt(k, 3);
		break;
	default:
		vnpu_kwint512_mt(k, 4);
		break;
	}
}

/* The 16 rows' weights of one column as FP32 (exact). */
static T512 VNPU_ALWAYS_INLINE v16sf vnpu_wcol16(uint32_t wfmt, const uint8_t *p)
{
	v16si nan = (v16si) {}, k;
	v16hu h;

	switch (wfmt) {
	case VNPU_FMT_MXFP8_E4M3:
		k = vnpu_e4m3x16(p, &nan);
		return (v16sf)(((v16si)(__builtin_convertvector(k, v16sf) * 0x1p-9f) & ~nan) |
			       (0x7fc00000 & nan));
	case VNPU_FMT_MXFP8_E5M2:
		/* E5M2 is the top byte of an FP16 */
		h = __builtin_convertvector(*(const vnpu_v16qu_ua *)p, v16hu) << 8;
		return __builtin_ia32_vcvtph2ps512_mask((v16hi_512)h, (v16sf) {}, -1, 4);
	case VNPU_FMT_BF16:
		/* one vpmovzxwd from memory (convertvector gave 5 instructions) */
		h = *(const vnpu_v16hu_ua *)p;
		k = __builtin_ia32_pmovzxwd512_mask((v16hi_512)h, (v16si) {}, -1);
		return (v16sf)(k << 16);
	default:
		return *(const vnpu_v16sf_ua *)p;
	}
}

static T512 VNPU_ALWAYS_INLINE void vnpu_kwfp512_mt(const struct vnpu_kern *k,
						    const uint32_t mt, const uint32_t wfmt)
{
	const uint32_t es = vnpu_wide_esize(wfmt);
	v16sf acc[VNPU_MT];

	#pragma GCC unroll 4
	for (uint32_t i = 0; i < mt; i++)
		acc[i] = (v16sf) {};
	for (uint32_t b = 0; b < k->nblk; b++) {
		const uint8_t *blk = k->codes + (size_t)b * 32 * 16 * es;
		v16sf sw = es == 1 ? vnpu_e8m0x16(k->scales + b * 16) : (v16sf) {} + 1.0f;
		v16sf p[VNPU_MT];

		#pragma GCC unroll 4
		for (uint32_t i = 0; i < mt; i++)
			p[i] = (v16sf) {};
		#pragma GCC unroll 4
		for (uint32_t kk = 0; kk < 32; kk++) {
			v16sf w = vnpu_wcol16(wfmt, blk + kk * 16 * es);

			/*
			 * a plain broadcast of a: (v16sf) {} + a costs an add
			 * (-0 -> +0); p starts at +0 and is never -0, so w * a
			 * of either zero leaves the same bits
			 */
			#pragma GCC unroll 4
			for (uint32_t i = 0; i < mt; i++) {
				int32_t a = (int32_t)vnpu_u32(k->af[i][b * 32 + kk]);

				p[i] = __builtin_ia32_vfmaddps512_mask(w, (v16sf)((v16si) {} + a),
								       p[i], -1, 4);
			}
		}
		#pragma GCC unroll 4
		for (uint32_t i = 0; i < mt; i++)
			acc[i] = acc[i] + p[i] * sw;
	}
	#pragma GCC unroll 4
	for (uint32_t i = 0; i < mt; i++)
		*(vnpu_v16sf_ua *)(k->acc + i * 16) = acc[i];
}

/*
 * One row of FP32 A against @npan panels (vnpu_kwfp512_mt()'s steps for
 * each): a block's 32 fmas are one dependent chain per panel, which held
 * the BF16 head at one chain's latency; independent panels side by side
 * overlap their chains. No software prefetch: the hardware's streams keep
 * up with these 8, and prefetching 1-12 KiB ahead made the head slower
 * (250m head, one thread: 29.1 GB/s one panel, 32.5 eight, 30.0 eight
 * prefetched 3 KiB ahead; medians of 5).
 */
static T512 VNPU_ALWAYS_INLINE void vnpu_kwfp512_pan(const struct vnpu_kern *k,
						     const uint32_t npan,
						     const uint32_t wfmt)
{
	const uint32_t es = vnpu_wide_esize(wfmt), bb = 32 * 16 * es;
	const float *af = k->af[0];
	v16sf acc[VNPU_MT_WIDE], p[VNPU_MT_WIDE];

	#pragma GCC unroll 8
	for (uint32_t q = 0; q < npan; q++)
		acc[q] = (v16sf) {};
	for (uint32_t b = 0; b < k->nblk; b++) {
		#pragma GCC unroll 8
		for (uint32_t q = 0; q < npan; q++)
			p[q] = (v16sf) {};
		#pragma GCC unroll 4
		for (uint32_t kk = 0; kk < 32; kk++) {
			/* a plain broadcast of a, as in vnpu_kwfp512_mt() */
			v16sf a = (v16sf)((v16si) {} + (int32_t)vnpu_u32(af[b * 32 + kk]));

			#pragma GCC unroll 8
			for (uint32_t q = 0; q < npan; q++) {
				const uint8_t *blk = k->codes + q * k->pstride + (size_t)b * bb;

				p[q] = __builtin_ia32_vfmaddps512_mask(vnpu_wcol16(wfmt, blk + kk * 16 * es),
								       a, p[q], -1, 4);
			}
		}
		#pragma GCC unroll 8
		for (uint32_t q = 0; q < npan; q++) {
			v16sf sw = es == 1 ? vnpu_e8m0x16(k->scales + q * k->pstride + b * 16) :
				   (v16sf) {} + 1.0f;

			acc[q] = acc[q] + p[q] * sw;
		}
	}
	#pragma GCC unroll 8
	for (uint32_t q = 0; q < npan; q++)
		*(vnpu_v16sf_ua *)(k->acc + q * 16) = acc[q];
}

/* k->npan (2 .. VNPU_MT_WIDE) panels as calls of 8, 4, 2 and 1 panels. */
#define VNPU_KWFP512_PAN(f)						\
	static T512 void vnpu_kwfp512_pan_##f(const struct vnpu_kern *k) \
	{								\
		struct vnpu_kern s = *k;				\
									\
		for (uint32_t q = 0, n = 8; n; n /= 2) {		\
			if (k->npan - q < n)				\
				continue;				\
			s.codes = k->codes + q * k->pstride;		\
			s.scales = k->scales + q * k->pstride;		\
			s.acc = k->acc + q * 16;			\
			s.npan = n;					\
			if (n == 8)					\
				vnpu_kwfp512_pan(&s, 8, VNPU_FMT_##f);	\
			else if (n == 4)				\
				vnpu_kwfp512_pan(&s, 4, VNPU_FMT_##f);	\
			else if (n == 2)				\
				vnpu_kwfp512_pan(&s, 2, VNPU_FMT_##f);	\
			else						\
				vnpu_kwfp512_pan(&s, 1, VNPU_FMT_##f);	\
			q += n;						\
		}							\
	}

#define VNPU_KWFP512(f)							\
	VNPU_KWFP512_PAN(f)						\
	static T512 void vnpu_kwfp512_##f(const struct vnpu_kern *k)	\
	{								\
		if (k->npan > 1) {					\
			vnpu_kwfp512_pan_##f(k);			\
			return;						\
		}							\
		switch (k->mt) {					\
		case 1:							\
			vnpu_kwfp512_mt(k, 1, VNPU_FMT_##f);		\
			break;						\
		case 2:							\
			vnpu_kwfp512_mt(k, 2, VNPU_FMT_##f);		\
			break;						\
		case 3:							\
			vnpu_kwfp512_mt(k, 3, VNPU_FMT_##f);		\
			break;						\
		default:						\
			vnpu_kwfp512_mt(k, 4, VNPU_FMT_##f);		\
			break;						\
		}							\
	}
VNPU_KWFP512(MXFP8_E4M3)
VNPU_KWFP512(MXFP8_E5M2)
VNPU_KWFP512(BF16)
VNPU_KWFP512(FP32)

T512 void vnpu_kwfp_avx512(const struct vnpu_kern *k)
{
	switch (k->wfmt) {
	case VNPU_FMT_MXFP8_E4M3:
		vnpu_kwfp512_MXFP8_E4M3(k);
		break;
	case VNPU_FMT_MXFP8_E5M2:
		vnpu_kwfp512_MXFP8_E5M2(k);
		break;
	case VNPU_FMT_BF16:
		vnpu_kwfp512_BF16(k);
		break;
	default:
		vnpu_kwfp512_FP32(k);
		break;
	}
}
