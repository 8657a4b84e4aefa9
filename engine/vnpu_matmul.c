// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Matmul driver: activation preparation, tiling, variant dispatch and the
 * epilogue; plus the generic C kernels, which define the arithmetic the
 * SIMD kernels must reproduce bit for bit.
 */
#include "vnpu_mm.h"
#include <vnpu_engine/vmath.h>

/* Bytes of prepared A per row: aq[k], corr[k/16], sa[k/32], af[k]. */
static size_t vnpu_arow_bytes(uint32_t k)
{
	size_t b = (size_t)k + (k / 16) * 4 + (k / 32) * 4 + (size_t)k * 4;

	return (b + 63) & ~(size_t)63;
}

size_t vnpu_matmul_scratch(const struct vnpu_matmul *mm, uint32_t rows)
{
	/* rows of A plus one 32-column staging block, plus alignment slack */
	return (size_t)rows * vnpu_arow_bytes(mm->k) + 256 + 64;
}

static bool vnpu_int_path(uint32_t q)
{
	return q == VNPU_FMT_MXINT8 || q == VNPU_FMT_MXFP4;
}

/* Quantize/expand one row of A into its prepared form. */
static void vnpu_prep_row(const struct vnpu_matmul *mm, uint32_t row,
			  uint8_t *dst, float *stage)
{
	uint32_t k = mm->k;
	int8_t *aq = (int8_t *)dst;
	int32_t *corr = (int32_t *)(dst + k);
	float *sa = (float *)(dst + k + (k / 16) * 4);
	float *af = (float *)(dst + k + (k / 16) * 4 + (k / 32) * 4);
	const uint8_t *src = (const uint8_t *)mm->a + (size_t)row * mm->lda *
			     (mm->a_fmt == VNPU_FMT_BF16 ? 2 : 4);

	/* A as FP32 (BF16 widens exactly) */
	for (uint32_t i = 0; i < k; i++) {
		if (mm->a_fmt == VNPU_FMT_BF16)
			af[i] = vnpu_f32(vnpu_bf16_to_fp32(((const uint16_t *)src)[i]));
		else
			af[i] = ((const float *)src)[i];
	}
	if (mm->a_quant == VNPU_FMT_NONE)
		return;
	for (uint32_t b = 0; b < k / 32; b++) {
		uint8_t codes[32], sc;

		vnpu_quantize(mm->a_quant, af + b * 32, 32, codes, &sc, NULL, NULL);
		if (mm->a_quant == VNPU_FMT_MXFP8_E4M3) {
			/* expanded back to FP32 exactly for the exact path */
			vnpu_dequantize(mm->a_quant, codes, &sc, NULL, 32, stage);
			for (int i = 0; i < 32; i++)
				af[b * 32 + i] = stage[i];
			continue;
		}
		for (int i = 0; i < 32; i++) {
			if (mm->a_quant == VNPU_FMT_MXINT8)
				aq[b * 32 + i] = (int8_t)codes[i];
			else
				aq[b * 32 + i] = (int8_t)vnpu_e2m1_x2(codes[i / 2] >>
								      ((i & 1) * 4));
		}
		if (sc == 0xff)
			sa[b] = vnpu_f32(0x7fc00000u);
		else
			sa[b] = vnpu_pow2f((int)sc - 127 -
					   (mm->a_quant == VNPU_FMT_MXINT8 ? 6 : 1));
		for (int h = 0; h < 2; h++) {
			int32_t s = 0;

			for (int i = 0; i < 16; i++)
				s += aq[b * 32 + h * 16 + i];
			corr[b * 2 + h] = 12 * s;
		}
	}
}

static float vnpu_act(uint32_t act, float v)
{
	switch (act) {
	case VNPU_ACT_RELU:
		return v > 0.0f ? v : (v == v ? 0.0f : v);
	case VNPU_ACT_SILU:
		return vnpu_siluf(v);
	case VNPU_ACT_GELU:
		return vnpu_geluf(v);
	case VNPU_ACT_GELU_TANH:
		return vnpu_gelu_tanhf(v);
	default:
		return v;
	}
}

static void vnpu_epilogue(const struct vnpu_matmul *mm, const float *acc,
			  uint32_t m, uint32_t mt, uint32_t n, uint32_t nt)
{
	for (uint32_t i = 0; i < mt; i++) {
		for (uint32_t j = 0; j < nt; j++) {
			float v = acc[i * 16 + j];
			size_t off = (size_t)(m + i) * mm->ldc + n + j;

			if (mm->w_fmt == VNPU_FMT_NVFP4)
				v = v * mm->w_tscale;
			if (mm->bias)
				v = v + mm->bias[n + j];
			v = vnpu_act(mm->act, v);
			if (mm->c_fmt == VNPU_FMT_BF16)
				((uint16_t *)mm->c)[off] = vnpu_fp32_to_bf16(vnpu_u32(v));
			else
				((float *)mm->c)[off] = v;
		}
	}
}

int vnpu_matmul_run(const struct vnpu_matmul *mm, uint32_t m0, uint32_t m1,
		    uint32_t n0, uint32_t n1, const struct vnpu_ctx *ctx)
{
	enum vnpu_variant var;
	void (*kern)(const struct vnpu_kern *k);
	size_t psize, arow, need;
	uint32_t wb, pend, group;
	uint8_t *scr;
	float *stage, acc[VNPU_MT * 16];
	bool ip;

	if (!mm || !ctx || !mm->w || !mm->a || !mm->c || mm->k % 32 || !mm->k)
		return VNPU_EINVAL;
	if (mm->w_fmt != VNPU_FMT_MXFP4 && mm->w_fmt != VNPU_FMT_NVFP4)
		return VNPU_ENOTSUP;
	if ((mm->a_fmt != VNPU_FMT_FP32 && mm->a_fmt != VNPU_FMT_BF16) ||
	    (mm->c_fmt != VNPU_FMT_FP32 && mm->c_fmt != VNPU_FMT_BF16))
		return VNPU_ENOTSUP;
	if (mm->a_quant != VNPU_FMT_NONE && !vnpu_int_path(mm->a_quant) &&
	    mm->a_quant != VNPU_FMT_MXFP8_E4M3)
		return VNPU_ENOTSUP;
	if (m0 > m1 || m1 > mm->m || n0 > n1 || n1 > mm->n || n0 % 16 ||
	    (n1 % 16 && n1 != mm->n) || mm->lda < mm->k || mm->ldc < mm->n)
		return VNPU_EINVAL;
	if (m0 == m1 || n0 == n1)
		return VNPU_OK;
	arow = vnpu_arow_bytes(mm->k);
	need = vnpu_matmul_scratch(mm, m1 - m0);
	if (!ctx->scratch || ctx->scratch_size < need)
		return VNPU_ENOSPC;
	scr = (uint8_t *)(((uintptr_t)ctx->scratch + 63) & ~(uintptr_t)63);
	stage = (float *)(scr + (size_t)(m1 - m0) * arow);
	for (uint32_t i = m0; i < m1; i++)
		vnpu_prep_row(mm, i, scr + (size_t)(i - m0) * arow, stage);

	ip = vnpu_int_path(mm->a_quant);
	var = vnpu_engine_variant(ctx->features);
	if (var == VNPU_VARIANT_AVX512)
		kern = ip ? vnpu_kint_avx512 : vnpu_kfp_avx512;
	else if (var == VNPU_VARIANT_AVX2)
		kern = ip ? vnpu_kint_avx2 : vnpu_kfp_avx2;
	else
		kern = ip ? vnpu_kint_generic : vnpu_kfp_generic;

	wb = vnpu_fmt_block(mm->w_fmt);
	psize = vnpu_panel_size(mm->w_fmt, VNPU_PANEL_ROWS, mm->k);
	pend = (n1 + 15) / 16;
	/* keep a group of panels in L2 while all rows of A pass over it */
	group = (uint32_t)((256 * 1024) / psize);
	if (group < 1)
		group = 1;
	for (uint32_t p0 = n0 / 16; p0 < pend; p0 += group) {
		uint32_t pe = p0 + group < pend ? p0 + group : pend;

		for (uint32_t m = m0; m < m1; m += VNPU_MT) {
			uint32_t mt = m1 - m < VNPU_MT ? m1 - m : VNPU_MT;
			struct vnpu_kern k = {
				.nblk = mm->k / wb, .wb = wb, .wfmt = mm->w_fmt,
				.mt = mt, .acc = acc,
			};

			for (uint32_t i = 0; i < mt; i++) {
				uint8_t *row = scr + (size_t)(m + i - m0) * arow;

				k.aq[i] = (const int8_t *)row;
				k.corr[i] = (const int32_t *)(row + mm->k);
				k.sa[i] = (const float *)(row + mm->k + (mm->k / 16) * 4);
				k.af[i] = (const float *)(row + mm->k + (mm->k / 16) * 4 +
							  (mm->k / 32) * 4);
			}
			for (uint32_t p = p0; p < pe; p++) {
				uint32_t nt = n1 - p * 16 < 16 ? n1 - p * 16 : 16;

				k.codes = (const uint8_t *)mm->w + p * psize;
				k.scales = k.codes + vnpu_panel_codes_bytes(mm->k);
				kern(&k);
				vnpu_epilogue(mm, acc, m, mt, p * 16, nt);
			}
		}
	}
	return VNPU_OK;
}

/* ---- generic kernels: the definition ------------------------------- */

void vnpu_kint_generic(const struct vnpu_kern *k)
{
	for (uint32_t i = 0; i < k->mt; i++) {
		for (uint32_t r = 0; r < 16; r++) {
			float acc = 0.0f;

			for (uint32_t b = 0; b < k->nblk; b++) {
				const uint8_t *blk = k->codes + (size_t)b * k->wb * 8;
				const int8_t *a = k->aq[i] + (size_t)b * k->wb;
				float sw = vnpu_wscale(k->wfmt, k->scales[b * 16 + r]);
				float sa = k->sa[i][b * k->wb / 32];
				int32_t s = 0;

				for (uint32_t kk = 0; kk < k->wb; kk++)
					s += vnpu_e2m1_x2(vnpu_panel_nib(blk, r, kk)) * a[kk];
				acc = acc + ((float)s * sw) * sa;
			}
			k->acc[i * 16 + r] = acc;
		}
	}
}

/*
 * fma with one rounding: the product is exact in double; the sum is made
 * round-to-odd in double (from its exact error), which then rounds to
 * FP32 exactly as a single rounding would.
 */
float vnpu_fmaf_soft(float a, float b, float c)
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
	return (float)s;
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

				for (uint32_t kk = 0; kk < k->wb; kk++)
					p = vnpu_fmaf_soft((float)vnpu_e2m1_x2(
						vnpu_panel_nib(blk, r, kk)), a[kk], p);
				acc = acc + p * sw;
			}
			k->acc[i * 16 + r] = acc;
		}
	}
}
