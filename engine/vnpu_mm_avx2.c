// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * AVX2 matmul kernels: a weight panel's 16 rows are two vectors of 8 lanes
 * (bytes 0..31 and 32..63 of each chunk); every lane follows the generic
 * kernel's operation sequence for its row (see matmul.h).
 */
#include "vnpu_mm.h"
#include "vnpu_simd.h"

#define T256 VNPU_TARGET_AVX2

static T256 VNPU_ALWAYS_INLINE v8sf vnpu_wscale8(uint32_t wfmt, const uint8_t *s)
{
	/* 8 bytes only: the scales of the last block end the panel */
	v2di q = { (long long)*(const vnpu_u64_ua *)s, 0 };
	v8si e = __builtin_ia32_pmovzxbd256((v16qi)q), bits, m;

	if (wfmt == VNPU_FMT_NVFP4) {
		bits = (v8si)((v8sf)((e & 0x7f) << 20) * 0x1p119f);
		bits |= (e & 0x80) << 24;
		m = (e & 0x7f) == 0x7f;
		return (v8sf)((bits & ~m) | (0x7fc00000 & m));
	}
	bits = (v8si)((v8sf)(e << 23) * 0.5f);
	m = e == 0;
	bits = (bits & ~m) | (0x00200000 & m);
	m = e == 255;
	return (v8sf)((bits & ~m) | (0x7fc00000 & m));
}

/* @nv row slots of int8 A, @np pieces per row (see the AVX-512 kernel). */
static T256 VNPU_ALWAYS_INLINE void vnpu_kint256_mt(const struct vnpu_kern *k,
						    const uint32_t nv, const uint32_t np)
{
	const uint32_t mt = nv / np;
	const v32qi lut = {
		12, 13, 14, 15, 16, 18, 20, 24, 12, 11, 10, 9, 8, 6, 4, 0,
		12, 13, 14, 15, 16, 18, 20, 24, 12, 11, 10, 9, 8, 6, 4, 0,
	};
	const v16hi ones = (v16hi){} + 1;
	const uint32_t wb = k->wb, chunks = wb / 8;
	v8sf acc[VNPU_MT][2];

	#pragma GCC unroll 4
	for (uint32_t i = 0; i < mt; i++)
		acc[i][0] = acc[i][1] = (v8sf) { 0 };
	for (uint32_t b = 0; b < k->nblk; b++) {
		const uint8_t *blk = k->codes + (size_t)b * wb * 8;
		v8sf sw[2] = {
			vnpu_wscale8(k->wfmt, k->scales + b * 16),
			vnpu_wscale8(k->wfmt, k->scales + b * 16 + 8),
		};
		v8si is[VNPU_MT][2];

		vnpu_prefetch_block(blk, wb, VNPU_PREFETCH_AHEAD);
		#pragma GCC unroll 4
		for (uint32_t i = 0; i < nv; i++)
			is[i][0] = is[i][1] = (v8si){};
		/* two chunks at a time: 4 u8*s8 pairs per int16 stay < 2^15 */
		for (uint32_t c = 0; c < chunks; c += 2) {
			#pragma GCC unroll 2
			for (uint32_t h = 0; h < 2; h++) {
				v32qi wl[2], wh[2];

				#pragma GCC unroll 2
				for (uint32_t cc = 0; cc < 2; cc++) {
					v8su p = *(const v8su *)(blk + (c + cc) * 64 + h * 32);
					v32qi lo = (v32qi)(p & 0x0f0f0f0fu);
					v32qi hi = (v32qi)((p >> 4) & 0x0f0f0f0fu);

					wl[cc] = __builtin_ia32_pshufb256(lut, lo);
					wh[cc] = __builtin_ia32_pshufb256(lut, hi);
				}
				#pragma GCC unroll 4
				for (uint32_t i = 0; i < nv; i++) {
					const int8_t *a = k->aq[i] + (size_t)b * wb + c * 8;
					v16hi s16 = (v16hi){};

					#pragma GCC unroll 2
					for (uint32_t cc = 0; cc < 2; cc++) {
						v8si al = (v8si){} + (int32_t)vnpu_ld32(a + cc * 8);
						v8si ah = (v8si){} + (int32_t)vnpu_ld32(a + cc * 8 + 4);

						s16 += __builtin_ia32_pmaddubsw256(wl[cc], (v32qi)al);
						s16 += __builtin_ia32_pmaddubsw256(wh[cc], (v32qi)ah);
					}
					is[i][h] += __builtin_ia32_pmaddwd256(s16, ones);
				}
			}
		}
		#pragma GCC unroll 4
		for (uint32_t i = 0; i < nv; i++) {
			int32_t corr = wb == 32 ?
				k->corr[i][2 * b] + k->corr[i][2 * b + 1] : k->corr[i][b];

			is[i][0] -= corr;
			is[i][1] -= corr;
		}
		if (np > 1) {	/* exact: |I| < 2^27 */
			#pragma GCC unroll 2
			for (uint32_t h = 0; h < 2; h++)
				is[0][h] = is[0][h] + (is[1][h] << 7) + (is[2][h] << 14);
		}
		#pragma GCC unroll 4
		for (uint32_t i = 0; i < mt; i++) {
			float sa = k->sa[i][b * wb / 32];

			#pragma GCC unroll 2
			for (uint32_t h = 0; h < 2; h++) {
				v8sf t = __builtin_convertvector(is[i][h], v8sf) * sw[h];

				t = t * sa;
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

T256 void vnpu_kint_avx2(const struct vnpu_kern *k)
{
	if (k->np > 1) {
		vnpu_kint256_mt(k, VNPU_NPIECE, VNPU_NPIECE);
		return;
	}
	switch (k->mt) {
	case 1:
		vnpu_kint256_mt(k, 1, 1);
		break;
	case 2:
		vnpu_kint256_mt(k, 2, 1);
		break;
	case 3:
		vnpu_kint256_mt(k, 3, 1);
		break;
	default:
		vnpu_kint256_mt(k, 4, 1);
		break;
	}
}

/*
 * The BF16 pair chain's flush: a denormal step result becomes a signed
 * zero. With FP4 weights (integers) and BF16 activations (denormals
 * already read as zero) every exact sum is a multiple of 2^-149, so it is
 * tiny exactly when its rounded value is below 2^-126.
 */
static T256 VNPU_ALWAYS_INLINE v8sf vnpu_ftz8(v8sf p)
{
	v8si tiny = (v8sf)((v8si)p & 0x7fffffff) < 0x1p-126f;

	return (v8sf)((v8si)p & ~(tiny & 0x7fffffff));
}

/* @bfp: the BF16 pair chain (columns 2m+1 then 2m, each step flushed). */
static T256 VNPU_ALWAYS_INLINE void vnpu_kfp256_mt(const struct vnpu_kern *k,
						   const uint32_t mt, const bool bfp)
{
	const v8sf mag = { 0, 1, 2, 3, 4, 6, 8, 12 };
	const uint32_t wb = k->wb, chunks = wb / 8;
	v8sf acc[VNPU_MT][2];

	#pragma GCC unroll 4
	for (uint32_t i = 0; i < mt; i++)
		acc[i][0] = acc[i][1] = (v8sf) { 0 };
	for (uint32_t b = 0; b < k->nblk; b++) {
		const uint8_t *blk = k->codes + (size_t)b * wb * 8;
		v8sf sw[2] = {
			vnpu_wscale8(k->wfmt, k->scales + b * 16),
			vnpu_wscale8(k->wfmt, k->scales + b * 16 + 8),
		};
		v8sf p[VNPU_MT][2];

		vnpu_prefetch_block(blk, wb, VNPU_PREFETCH_AHEAD);
		#pragma GCC unroll 4
		for (uint32_t i = 0; i < mt; i++)
			p[i][0] = p[i][1] = (v8sf) { 0 };
		for (uint32_t c = 0; c < chunks; c++) {
			v8su pk[2] = {
				*(const v8su *)(blk + c * 64),
				*(const v8su *)(blk + c * 64 + 32),
			};

			#pragma GCC unroll 8
			for (uint32_t jj = 0; jj < 8; jj++) {
				uint32_t j = bfp ? jj ^ 1 : jj;
				uint32_t sh = 8 * (j & 3) + 4 * (j >> 2);
				v8sf w[2];

				#pragma GCC unroll 2
				for (uint32_t h = 0; h < 2; h++) {
					v8si idx = (v8si)(pk[h] >> sh);
					v8si sg = (idx << 28) & (int32_t)0x80000000;

					/* magnitude from bits 0-2, sign from bit 3 */
					w[h] = (v8sf)((v8si)__builtin_ia32_permvarsf256(mag, idx) | sg);
				}
				#pragma GCC unroll 4
				for (uint32_t i = 0; i < mt; i++) {
					v8sf a = (v8sf) { 0 } + k->af[i][(size_t)b * wb + c * 8 + j];

					#pragma GCC unroll 2
					for (uint32_t h = 0; h < 2; h++) {
						p[i][h] = __builtin_ia32_vfmaddps256(w[h], a, p[i][h]);
						if (bfp)
							p[i][h] = vnpu_ftz8(p[i][h]);
					}
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

T256 void vnpu_kfp_avx2(const struct vnpu_kern *k)
{
	if (k->bfp) {
		switch (k->mt) {
		case 1:
			vnpu_kfp256_mt(k, 1, true);
			break;
		case 2:
			vnpu_kfp256_mt(k, 2, true);
			break;
		case 3:
			vnpu_kfp256_mt(k, 3, true);
			break;
		default:
			vnpu_kfp256_mt(k, 4, true);
			break;
		}
		return;
	}
	switch (k->mt) {
	case 1:
		vnpu_kfp256_mt(k, 1, false);
		break;
	case 2:
		vnpu_kfp256_mt(k, 2, false);
		break;
	case 3:
		vnpu_kfp256_mt(k, 3, false);
		break;
	default:
		vnpu_kfp256_mt(k, 4, false);
		break;
	}
}
