// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * AVX2 kernels for wide weights (MXFP8, BF16, FP32): a panel column's 16
 * rows are two vectors of 8 lanes; every lane follows the generic kernel's
 * sequence for its row (vnpu_kwint_generic/_kwfp_generic).
 */
#include "vnpu_mm.h"
#include "vnpu_simd.h"

#define T256 VNPU_TARGET_AVX2

/* 2^(s - 127) for 8 E8M0 codes (2^-127 for 0, NaN for 0xff). */
static T256 VNPU_ALWAYS_INLINE v8sf vnpu_e8m0x8(const uint8_t *s)
{
	v8si e = __builtin_convertvector(*(const vnpu_v8qu_ua *)s, v8si), m;
	v8si bits = e << 23;

	m = e == 0;
	bits = (bits & ~m) | (0x00400000 & m);
	m = e == 255;
	return (v8sf)((bits & ~m) | (0x7fc00000 & m));
}

/* E4M3 codes as the integers E4M3 * 2^9; NaN codes flagged in @nan. */
static T256 VNPU_ALWAYS_INLINE v8si vnpu_e4m3x8(const uint8_t *p, v8si *nan)
{
	v8si c = __builtin_convertvector(*(const vnpu_v8qu_ua *)p, v8si);
	v8si e = (c >> 3) & 15, nz = e != 0, sg = -((c >> 7) & 1);
	v8si k = ((c & 7) | (8 & nz)) << ((e - 1) & nz);

	*nan |= (c & 0x7f) == 0x7f;
	return (k ^ sg) - sg;
}

static T256 VNPU_ALWAYS_INLINE void vnpu_kwint256_mt(const struct vnpu_kern *k,
						     const uint32_t mt)
{
	v8sf acc[VNPU_MT][2];

	#pragma GCC unroll 4
	for (uint32_t i = 0; i < mt; i++)
		acc[i][0] = acc[i][1] = (v8sf) {};
	for (uint32_t b = 0; b < k->nblk; b++) {
		const uint8_t *blk = k->codes + (size_t)b * 32 * 16;
		v8sf sw[2] = {
			vnpu_e8m0x8(k->scales + b * 16) * 0x1p-9f,
			vnpu_e8m0x8(k->scales + b * 16 + 8) * 0x1p-9f,
		};
		v8si s[VNPU_MT][2], nan[2] = { (v8si) {}, (v8si) {} };

		#pragma GCC unroll 4
		for (uint32_t i = 0; i < mt; i++)
			s[i][0] = s[i][1] = (v8si) {};
		#pragma GCC unroll 2
		for (uint32_t kk = 0; kk < 32; kk++) {
			#pragma GCC unroll 2
			for (uint32_t h = 0; h < 2; h++) {
				v8si w = vnpu_e4m3x8(blk + kk * 16 + h * 8, &nan[h]);

				#pragma GCC unroll 4
				for (uint32_t i = 0; i < mt; i++)
					s[i][h] += w * (int32_t)k->aq[i][b * 32 + kk];
			}
		}
		#pragma GCC unroll 4
		for (uint32_t i = 0; i < mt; i++) {
			#pragma GCC unroll 2
			for (uint32_t h = 0; h < 2; h++) {
				v8sf t = __builtin_convertvector(s[i][h], v8sf) * sw[h];

				t = t * k->sa[i][b];
				t = (v8sf)(((v8si)t & ~nan[h]) | (0x7fc00000 & nan[h]));
				acc[i][h] = acc[i][h] + t;
			}
		}
	}
	#pragma GCC unroll 4
	for (uint32_t i = 0; i < mt; i++) {
		*(vnpu_v8sf_ua *)(k->acc + i * 16) = acc[i][0];
		*(vnpu_v8sf_ua *)(k->acc + i * 16 + 8) = acc[i][1];
	}
}

T256 void vnpu_kwint_avx2(const struct vnpu_kern *k)
{
	switch (k->mt) {
	case 1:
		vnpu_kwint256_mt(k, 1);
		break;
	case 2:
		vnpu_kwint256_mt(k, 2);
		break;
	case 3:
		vnpu_kwint256_mt(k, 3);
		break;
	default:
		vnpu_kwint256_mt(k, 4);
		break;
	}
}

/* 8 rows' weights of one column as FP32 (exact); p points at row 0. */
static T256 VNPU_ALWAYS_INLINE v8sf vnpu_wcol8(uint32_t wfmt, const uint8_t *p)
{
	v8si nan = (v8si) {}, k;
	v8hu h;

	switch (wfmt) {
	case VNPU_FMT_MXFP8_E4M3:
		k = vnpu_e4m3x8(p, &nan);
		return (v8sf)(((v8si)(__builtin_convertvector(k, v8sf) * 0x1p-9f) & ~nan) |
			      (0x7fc00000 & nan));
	case VNPU_FMT_MXFP8_E5M2:
		/* E5M2 is the top byte of an FP16 */
		h = __builtin_convertvector(*(const vnpu_v8qu_ua *)p, v8hu) << 8;
		return __builtin_ia32_vcvtph2ps256((v8hi)h);
	case VNPU_FMT_BF16:
		/* one vpmovzxwd from memory (convertvector gave 4 instructions) */
		h = *(const vnpu_v8hu_ua *)p;
		k = __builtin_ia32_pmovzxwd256((v8hi)h);
		return (v8sf)(k << 16);
	default:
		return *(const vnpu_v8sf_ua *)p;
	}
}

static T256 VNPU_ALWAYS_INLINE void vnpu_kwfp256_mt(const struct vnpu_kern *k,
						    const uint32_t mt, const uint32_t wfmt)
{
	const uint32_t es = vnpu_wide_esize(wfmt);
	v8sf acc[VNPU_MT][2];

	#pragma GCC unroll 4
	for (uint32_t i = 0; i < mt; i++)
		acc[i][0] = acc[i][1] = (v8sf) {};
	for (uint32_t b = 0; b < k->nblk; b++) {
		const uint8_t *blk = k->codes + (size_t)b * 32 * 16 * es;
		v8sf sw[2], p[VNPU_MT][2];

		sw[0] = sw[1] = (v8sf) {} + 1.0f;
		if (es == 1) {
			sw[0] = vnpu_e8m0x8(k->scales + b * 16);
			sw[1] = vnpu_e8m0x8(k->scales + b * 16 + 8);
		}
		#pragma GCC unroll 4
		for (uint32_t i = 0; i < mt; i++)
			p[i][0] = p[i][1] = (v8sf) {};
		#pragma GCC unroll 2
		for (uint32_t kk = 0; kk < 32; kk++) {
			#pragma GCC unroll 2
			for (uint32_t h = 0; h < 2; h++) {
				v8sf w = vnpu_wcol8(wfmt, blk + (kk * 16 + h * 8) * es);

				/*
				 * a plain broadcast of a: (v8sf) {} + a costs an
				 * add (-0 -> +0); p starts at +0 and is never -0,
				 * so w * a of either zero leaves the same bits
				 */
				#pragma GCC unroll 4
				for (uint32_t i = 0; i < mt; i++) {
					int32_t a = (int32_t)vnpu_u32(k->af[i][b * 32 + kk]);

					v8sf av = (v8sf)((v8si) {} + a);

					p[i][h] = __builtin_ia32_vfmaddps256(w, av, p[i][h]);
				}
			}
		}
		#pragma GCC unroll 4
		for (uint32_t i = 0; i < mt; i++)
			#pragma GCC unroll 2
			for (uint32_t h = 0; h < 2; h++)
				acc[i][h] = acc[i][h] + p[i][h] * sw[h];
	}
	#pragma GCC unroll 4
	for (uint32_t i = 0; i < mt; i++) {
		*(vnpu_v8sf_ua *)(k->acc + i * 16) = acc[i][0];
		*(vnpu_v8sf_ua *)(k->acc + i * 16 + 8) = acc[i][1];
	}
}

#define VNPU_KWFP256(f)							\
	static T256 void vnpu_kwfp256_##f(const struct vnpu_kern *k)	\
	{								\
		switch (k->mt) {					\
		case 1:							\
			vnpu_kwfp256_mt(k, 1, VNPU_FMT_##f);		\
			break;						\
		case 2:							\
			vnpu_kwfp256_mt(k, 2, VNPU_FMT_##f);		\
			break;						\
		case 3:							\
			vnpu_kwfp256_mt(k, 3, VNPU_FMT_##f);		\
			break;						\
		default:						\
			vnpu_kwfp256_mt(k, 4, VNPU_FMT_##f);		\
			break;						\
		}							\
	}
VNPU_KWFP256(MXFP8_E4M3)
VNPU_KWFP256(MXFP8_E5M2)
VNPU_KWFP256(BF16)
VNPU_KWFP256(FP32)

T256 void vnpu_kwfp_avx2(const struct vnpu_kern *k)
{
	switch (k->wfmt) {
	case VNPU_FMT_MXFP8_E4M3:
		vnpu_kwfp256_MXFP8_E4M3(k);
		break;
	case VNPU_FMT_MXFP8_E5M2:
		vnpu_kwfp256_MXFP8_E5M2(k);
		break;
	case VNPU_FMT_BF16:
		vnpu_kwfp256_BF16(k);
		break;
	default:
		vnpu_kwfp256_FP32(k);
		break;
	}
}
