// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Matmul driver: activation preparation, tiling, variant dispatch and the
 * epilogue; plus the generic C kernels, which define the arithmetic the
 * SIMD kernels must reproduce bit for bit.
 */
#include "vnpu_mm.h"
#include "vnpu_simd.h"
#include <vnpu_engine/vmath.h>

/* Bytes of prepared A per row: aq[3k], corr[3k/16], sa[k/32], af[k]. */
static size_t vnpu_arow_bytes(uint32_t k)
{
	size_t b = (size_t)k * VNPU_NPIECE + (k / 16) * 4 * VNPU_NPIECE +
		   (k / 32) * 4 + (size_t)k * 4;

	return (b + 63) & ~(size_t)63;
}

/* Bytes per row of the packed int8 A (vnpu_pack_int()): q_a, apc, aps. */
static size_t vnpu_apk_bytes(uint32_t k)
{
	return (size_t)k + (size_t)(k / 16) * 8;
}

size_t vnpu_matmul_scratch(const struct vnpu_matmul *mm, uint32_t rows)
{
	/* prepared rows of A, their packed copy, plus alignment slack */
	return (size_t)rows * (vnpu_arow_bytes(mm->k) + vnpu_apk_bytes(mm->k)) + 64;
}

static bool vnpu_fp4_fmt(uint32_t f)
{
	return f == VNPU_FMT_MXFP4 || f == VNPU_FMT_NVFP4;
}

/* FP4 weights x exact BF16 activations: the pair chain (matmul.h). */
static bool vnpu_bf16_pairs(const struct vnpu_matmul *mm)
{
	return vnpu_fp4_fmt(mm->w_fmt) && mm->a_fmt == VNPU_FMT_BF16 &&
	       mm->a_quant == VNPU_FMT_NONE;
}

/* Denormals read as zero (the sign kept). */
static inline float vnpu_daz(float x)
{
	return (vnpu_u32(x) & 0x7f800000u) ? x : vnpu_f32(vnpu_u32(x) & 0x80000000u);
}

/*
 * Pieces of A per row in the integer path, 0 for the exact (FP32) path:
 * integer block sums wherever they fit in int32 (see matmul.h).
 */
static uint32_t vnpu_int_pieces(uint32_t w_fmt, uint32_t q)
{
	if (q == VNPU_FMT_MXINT8 || q == VNPU_FMT_MXFP4)
		return vnpu_fp4_fmt(w_fmt) || w_fmt == VNPU_FMT_MXFP8_E4M3;
	if (q == VNPU_FMT_MXFP8_E4M3 && vnpu_fp4_fmt(w_fmt))
		return VNPU_NPIECE;
	return 0;
}

/* The integer value q_a of A element code @c and its scale exponent. */
static int32_t vnpu_act_q(uint32_t q, const uint8_t *codes, uint32_t i)
{
	if (q == VNPU_FMT_MXINT8)
		return (int8_t)codes[i];
	if (q == VNPU_FMT_MXFP4)
		return vnpu_e2m1_x2(codes[i / 2] >> ((i & 1) * 4));
	return vnpu_e4m3_x512(codes[i]);
}

/*
 * vnpu_quantize() of a row of A (k % 32 == 0): MXINT8 and MXFP4 with the
 * AVX-512 quantizer when the variant has it, NaN/Inf blocks as defined.
 */
static void vnpu_quant_row(uint32_t fmt, const float *x, uint32_t k, uint8_t *codes,
			   uint8_t *sc, enum vnpu_variant var)
{
	size_t nblk = k / 32, b = 0, cb = fmt == VNPU_FMT_MXFP4 ? 16 : 32;

	if (var != VNPU_VARIANT_AVX512 ||
	    (fmt != VNPU_FMT_MXINT8 && fmt != VNPU_FMT_MXFP4)) {
		vnpu_quantize(fmt, x, k, codes, sc, NULL, NULL);
		return;
	}
	for (;;) {
		b = vnpu_mx_quant_vec512(fmt, x, b, nblk, codes, sc);
		if (b == nblk)
			return;
		vnpu_quantize_scalar(fmt, x + b * 32, 32, codes + b * cb, sc + b, NULL, NULL);
		b++;
	}
}

/*
 * Quantize/expand one row of A into its prepared form. FP32 rows the exact
 * path uses as they are stay where they are (the driver points at them).
 */
static void vnpu_prep_row(const struct vnpu_matmul *mm, uint32_t row,
			  uint8_t *dst, enum vnpu_variant var)
{
	uint32_t k = mm->k, np = vnpu_int_pieces(mm->w_fmt, mm->a_quant);
	int8_t *aq = (int8_t *)dst;
	int32_t *corr = (int32_t *)(dst + (size_t)k * VNPU_NPIECE);
	float *sa = (float *)((uint8_t *)corr + (k / 16) * 4 * VNPU_NPIECE);
	float *af = sa + k / 32;
	const float *x = (const float *)mm->a + (size_t)row * mm->lda;
	uint8_t *codes, *sc;
	int sh;

	if (mm->a_fmt == VNPU_FMT_BF16) {
		/* A as FP32 (BF16 widens exactly) */
		const uint16_t *src = (const uint16_t *)mm->a + (size_t)row * mm->lda;

		for (uint32_t i = 0; i < k; i++)
			af[i] = vnpu_f32(vnpu_bf16_to_fp32(src[i]));
		x = af;
		/* the pair chain reads BF16 denormals as zero */
		if (vnpu_bf16_pairs(mm))
			for (uint32_t i = 0; i < k; i++)
				af[i] = vnpu_daz(af[i]);
	}
	if (mm->a_quant == VNPU_FMT_NONE)
		return;
	if (!np) {
		/* quantized, then expanded back to FP32 exactly: exact path */
		codes = (uint8_t *)aq;
		sc = (uint8_t *)corr;
		vnpu_quantize(mm->a_quant, x, k, codes, sc, NULL, NULL);
		vnpu_dequantize(mm->a_quant, codes, sc, NULL, k, af);
		return;
	}
	/*
	 * MXINT8 codes are q_a as they are; others land in the last piece's
	 * room, each code read before its pieces are written. The scale
	 * bytes wait in corr's room.
	 */
	codes = (uint8_t *)aq + (mm->a_quant == VNPU_FMT_MXINT8 ? 0 : 2 * (size_t)k);
	sc = (uint8_t *)corr;
	vnpu_quant_row(mm->a_quant, x, k, codes, sc, var);
	if (mm->a_quant != VNPU_FMT_MXINT8) {
		for (uint32_t i = 0; i < k; i++) {
			int32_t q = vnpu_act_q(mm->a_quant, codes, i);
			int32_t mag = q < 0 ? -q : q;

			/* 7-bit pieces of the magnitude, each with the sign */
			for (uint32_t j = 0; j < np; j++) {
				int32_t pc = np == 1 ? q : (mag >> (7 * j)) & 127;

				aq[j * k + i] = (int8_t)(q < 0 && np > 1 ? -pc : pc);
			}
		}
	}
	sh = mm->a_quant == VNPU_FMT_MXINT8 ? 6 : mm->a_quant == VNPU_FMT_MXFP4 ? 1 : 9;
	for (uint32_t b = 0; b < k / 32; b++)
		sa[b] = sc[b] == 0xff ? vnpu_f32(0x7fc00000u) :
			vnpu_pow2f((int)sc[b] - 127 - sh);
	/* 12 * sum of q_a per 16 columns, per piece */
	for (uint32_t j = 0; j < np; j++) {
		for (uint32_t g = 0; g < k / 16; g++) {
			int32_t s = 0;

			for (int i = 0; i < 16; i++)
				s += aq[j * k + g * 16 + i];
			corr[j * (k / 16) + g] = 12 * s;
		}
	}
}

/*
 * Copy N bytes (a multiple of 16) in 16-byte pieces: the packing loops
 * copy whole blocks, and their byte loops (the engine may not call
 * memcpy) took ~25% of a 250m MXINT8 prefill.
 */
static inline void vnpu_copy16(void *dst, const void *src, size_t n)
{
	for (size_t o = 0; o < n; o += 16)
		*(vnpu_v16qu_ua *)((char *)dst + o) =
			*(const vnpu_v16qu_ua *)((const char *)src + o);
}

/*
 * BF16 rows [m0, m1) of A as vnpu_kbf_avx512bf16() reads them: groups of
 * VNPU_MT_PACK rows (one kernel call each), in a group block by block, row
 * by row. Fits in the prepared rows' room, which this kernel does not use.
 */
static void vnpu_pack_bf16(const struct vnpu_matmul *mm, uint32_t m0, uint32_t m1,
			   uint32_t wb, uint16_t *dst)
{
	for (uint32_t g = m0; g < m1; g += VNPU_MT_PACK) {
		uint32_t gm = m1 - g < VNPU_MT_PACK ? m1 - g : VNPU_MT_PACK;

		for (uint32_t i = 0; i < gm; i++) {
			const uint16_t *src = (const uint16_t *)mm->a + (size_t)(g + i) * mm->lda;

			for (uint32_t b = 0; b < mm->k / wb; b++)
				vnpu_copy16(dst + ((size_t)b * gm + i) * wb, src + b * wb,
					    wb * 2);
		}
		dst += (size_t)gm * mm->k;
	}
}

/*
 * The prepared int8 rows [m0, m1) (one piece each) as the packed AVX-512
 * kernel reads them (see struct vnpu_kern): groups of VNPU_MT_PACK_INT rows,
 * each q_a block by block and row by row, then apc, then aps.
 */
static void vnpu_pack_int(const struct vnpu_matmul *mm, uint32_t m0, uint32_t m1,
			  uint32_t wb, const uint8_t *scr, size_t arow, int8_t *dst)
{
	uint32_t k = mm->k, nblk = k / wb;

	for (uint32_t g = m0; g < m1; g += VNPU_MT_PACK_INT) {
		uint32_t gm = m1 - g < VNPU_MT_PACK_INT ? m1 - g : VNPU_MT_PACK_INT;
		int32_t *apc = (int32_t *)(dst + (size_t)gm * k);
		float *aps = (float *)(apc + (size_t)nblk * gm);

		for (uint32_t i = 0; i < gm; i++) {
			const uint8_t *row = scr + (size_t)(g + i - m0) * arow;
			const int8_t *aq = (const int8_t *)row;
			const int32_t *corr = (const int32_t *)(row + (size_t)k * VNPU_NPIECE);
			const float *sa = (const float *)(row + (size_t)k * VNPU_NPIECE +
							  (size_t)k / 16 * 4 * VNPU_NPIECE);

			for (uint32_t b = 0; b < nblk; b++) {
				vnpu_copy16(dst + ((size_t)b * gm + i) * wb, aq + b * wb, wb);
				apc[b * gm + i] = wb == 32 ? -(corr[2 * b] + corr[2 * b + 1]) :
					-corr[b];
				aps[b * gm + i] = sa[b * wb / 32];
			}
		}
		dst += (size_t)gm * vnpu_apk_bytes(k);
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
	float acc[VNPU_MT_PACK * 16];
	uint32_t np, mstep, npmax;
	bool wide, direct, multi, bfp;
	int8_t *apk;

	if (!mm || !ctx || !mm->w || !mm->a || !mm->c || mm->k % 32 || !mm->k)
		return VNPU_EINVAL;
	wide = vnpu_wide_esize(mm->w_fmt);
	if (!vnpu_fp4_fmt(mm->w_fmt) && !wide)
		return VNPU_ENOTSUP;
	if ((mm->a_fmt != VNPU_FMT_FP32 && mm->a_fmt != VNPU_FMT_BF16) ||
	    (mm->c_fmt != VNPU_FMT_FP32 && mm->c_fmt != VNPU_FMT_BF16))
		return VNPU_ENOTSUP;
	if (mm->a_quant != VNPU_FMT_NONE && mm->a_quant != VNPU_FMT_MXINT8 &&
	    mm->a_quant != VNPU_FMT_MXFP4 && mm->a_quant != VNPU_FMT_MXFP8_E4M3 &&
	    mm->a_quant != VNPU_FMT_MXFP8_E5M2)
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
	var = vnpu_engine_variant(ctx->features);
	direct = mm->a_fmt == VNPU_FMT_FP32 && mm->a_quant == VNPU_FMT_NONE;

	np = vnpu_int_pieces(mm->w_fmt, mm->a_quant);
	bfp = vnpu_bf16_pairs(mm);
	if (bfp && var == VNPU_VARIANT_AVX512 && (ctx->features & VNPU_CPU_AVX512_BF16))
		kern = vnpu_kbf_avx512bf16;
	else if (var == VNPU_VARIANT_AVX512)
		kern = wide ? (np ? vnpu_kwint_avx512 : vnpu_kwfp_avx512) :
			      (np ? vnpu_kint_avx512 : vnpu_kfp_avx512);
	else if (var == VNPU_VARIANT_AVX2)
		kern = wide ? (np ? vnpu_kwint_avx2 : vnpu_kwfp_avx2) :
			      (np ? vnpu_kint_avx2 : vnpu_kfp_avx2);
	else
		kern = wide ? (np ? vnpu_kwint_generic : vnpu_kwfp_generic) :
			      (np ? vnpu_kint_generic : vnpu_kfp_generic);
	/* kernels that take several panels of one row at once */
	multi = np <= 1 && !wide && var == VNPU_VARIANT_AVX512 && !bfp;
	/*
	 * Panels side by side for one row. Exact path: 8 independent fma
	 * chains (a block's 32 dependent fmas made 4 chains latency-bound).
	 * Integer path: 8 streams (MXFP4 preferred 4 until the kernels
	 * prefetched the next group's panels; now 8 is as good or better).
	 */
	npmax = VNPU_MT_WIDE;
	/* the pieces of an E4M3 row take the kernel's row slots */
	mstep = np > 1 ? 1 : kern == vnpu_kbf_avx512bf16 ? VNPU_MT_PACK :
		multi || (bfp && var == VNPU_VARIANT_AVX512) ? VNPU_MT_WIDE : VNPU_MT;

	/* wide formats: blocks of 32 columns (BF16/FP32 have no scale) */
	wb = wide ? 32 : vnpu_fmt_block(mm->w_fmt);
	if (kern == vnpu_kbf_avx512bf16)
		vnpu_pack_bf16(mm, m0, m1, wb, (uint16_t *)scr);
	else
		for (uint32_t i = m0; i < m1; i++)
			vnpu_prep_row(mm, i, scr + (size_t)(i - m0) * arow, var);
	/* several rows, FP4 weights, int8 A: the packed AVX-512 kernel */
	apk = kern == vnpu_kint_avx512 && np == 1 && m1 - m0 > 1 ?
	      (int8_t *)scr + (size_t)(m1 - m0) * arow : NULL;
	if (apk) {
		vnpu_pack_int(mm, m0, m1, wb, scr, arow, apk);
		mstep = VNPU_MT_PACK_INT;
	}
	psize = vnpu_panel_size(mm->w_fmt, VNPU_PANEL_ROWS, mm->k);
	pend = (n1 + 15) / 16;
	/* keep a group of panels in L2 while all rows of A pass over it */
	group = (uint32_t)((256 * 1024) / psize);
	if (group < 1 || m1 - m0 <= mstep)
		group = pend;	/* one pass of A: nothing to keep in L2 */
	for (uint32_t p0 = n0 / 16; p0 < pend; p0 += group) {
		uint32_t pe = p0 + group < pend ? p0 + group : pend;

		for (uint32_t m = m0; m < m1; m += mstep) {
			uint32_t mt = m1 - m < mstep ? m1 - m : mstep;
			struct vnpu_kern k = {
				.nblk = mm->k / wb, .wb = wb, .wfmt = mm->w_fmt,
				.mt = mt, .np = np ? np : 1, .acc = acc,
				.pstride = psize, .bfp = bfp,
			};
			size_t ck = (size_t)mm->k / 16 * 4;

			for (uint32_t i = 0; i < mt; i++) {
				uint8_t *row = scr + (size_t)(m + i - m0) * arow;
				uint8_t *sa = row + (size_t)mm->k * VNPU_NPIECE +
					      ck * VNPU_NPIECE;

				if (i >= VNPU_MT_WIDE)
					continue;	/* the BF16 kernel reads ab only */
				k.aq[i] = (const int8_t *)row;
				k.corr[i] = (const int32_t *)(row + (size_t)mm->k *
							      VNPU_NPIECE);
				k.sa[i] = (const float *)sa;
				k.af[i] = direct ? (const float *)mm->a + (size_t)(m + i) * mm->lda :
					  (const float *)sa + mm->k / 32;
			}
			k.ab = (const uint16_t *)scr + (size_t)(m - m0) * mm->k;
			if (apk) {
				k.apk = apk + (size_t)(m - m0) * vnpu_apk_bytes(mm->k);
				k.apc = (const int32_t *)(k.apk + (size_t)mt * mm->k);
				k.aps = (const float *)(k.apc + (size_t)mt * k.nblk);
			}
			for (uint32_t j = 1; j < k.np; j++) {
				k.aq[j] = k.aq[0] + (size_t)j * mm->k;
				k.corr[j] = k.corr[0] + (size_t)j * mm->k / 16;
			}
			for (uint32_t p = p0; p < pe; p += k.npan) {
				/* one row: independent panels keep the FMA units busy */
				k.npan = mt == 1 && multi ? (pe - p < npmax ? pe - p : npmax) : 1;
				k.codes = (const uint8_t *)mm->w + p * psize;
				k.scales = k.codes + vnpu_panel_codes_bytes_fmt(mm->w_fmt,
										mm->k);
				kern(&k);
				for (uint32_t q = 0; q < k.npan; q++) {
					uint32_t pq = p + q;
					uint32_t nt = n1 - pq * 16 < 16 ? n1 - pq * 16 : 16;

					vnpu_epilogue(mm, acc + q * 16, m, mt, pq * 16, nt);
				}
			}
		}
	}
	return VNPU_OK;
}

/* ---- generic kernels: the definition ------------------------------- */

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
 *    E2M1 magnitude m = b2 b1 b0 gives |k_w| = m + b2 * ((m & 3) + 2 b0 b1)
 *    (0 1 2 3 4 6 8 12), at most 12, so no nibble carries into the next;
 *  - the sign bit negates (v ^ s) - s, per byte plane (low nibbles, high
 *    nibbles), subtracting in 16-bit lanes: a lane is 256 k_odd + k_even;
 *  - both products of a lane from two 16-bit multiplies (vnpu_dot16()),
 *    summed per lane over the block: at most 16 * 12 * 127 < 2^15, so
 *    int16 is exact; the two lanes of a row are added in int32 at the end
 *    of the block.
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

/* sw_b of 4 rows from their scale bytes (vnpu_wscale(), 4 lanes). */
static inline vg_f vnpu_wscale4(uint32_t wfmt, vg_i e)
{
	vg_i bits, m;

	if (wfmt == VNPU_FMT_NVFP4) {
		bits = (vg_i)((vg_f)((e & 0x7f) << 20) * 0x1p119f);
		bits |= (e & 0x80) << 24;
		m = (e & 0x7f) == 0x7f;
		return (vg_f)((bits & ~m) | (0x7fc00000 & m));
	}
	bits = (vg_i)((vg_f)(e << 23) * 0.5f);
	m = e == 0;
	bits = (bits & ~m) | (0x00200000 & m);
	m = e == 255;
	return (vg_f)((bits & ~m) | (0x7fc00000 & m));
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
	vg_u mg = x & 0x77777777u;
	vg_u t = (mg & 0x33333333u) + ((mg & (mg >> 1) & 0x11111111u) << 1);
	vg_u d = mg & 0x44444444u;
	vg_u v = mg + (t & ((d << 1) - (d >> 2)));	/* t & (7 * b2) */
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

static VNPU_ALWAYS_INLINE void vnpu_kint_generic_mt(const struct vnpu_kern *k,
						    const uint32_t mt)
{
	const uint32_t wb = k->wb;
	vg_f acc[VNPU_MT][4];

	#pragma GCC unroll 4
	for (uint32_t i = 0; i < mt; i++)
		#pragma GCC unroll 4
		for (int g = 0; g < 4; g++)
			acc[i][g] = (vg_f){};
	for (uint32_t b = 0; b < k->nblk; b++) {
		const uint8_t *blk = k->codes + (size_t)b * wb * 8;
		vg_bu s8 = *(const vg_bu_ua *)(k->scales + b * 16);
		vg_h s16[VNPU_MT][4];

		#pragma GCC unroll 4
		for (uint32_t i = 0; i < mt; i++)
			#pragma GCC unroll 4
			for (int g = 0; g < 4; g++)
				s16[i][g] = (vg_h){};
		for (uint32_t c = 0; c < wb / 8; c++) {
			/* q_a per lane: low nibbles even/odd, high nibbles even/odd */
			vg_h qv[VNPU_MT][4];

			#pragma GCC unroll 4
			for (uint32_t i = 0; i < mt; i++) {
				const int8_t *a = k->aq[i] + (size_t)b * wb + c * 8;

				vnpu_split16((vg_b)((vg_u){} + *(const vg_u32_ua *)a),
					     &qv[i][0], &qv[i][1]);
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

				vnpu_e2m1_bytes(*(const vg_u_ua *)(blk + c * 64 + 16 * g), &kl, &kh);
				#pragma GCC unroll 4
				for (uint32_t i = 0; i < mt; i++)
					s16[i][g] += vnpu_dot16(kl, qv[i][0], qv[i][1]) +
						     vnpu_dot16(kh, qv[i][2], qv[i][3]);
			}
		}
		#pragma GCC unroll 4
		for (int g = 0; g < 4; g++) {
			vg_i e = { s8[4 * g], s8[4 * g + 1], s8[4 * g + 2], s8[4 * g + 3] };
			vg_f sw = vnpu_wscale4(k->wfmt, e);

			#pragma GCC unroll 4
			for (uint32_t i = 0; i < mt; i++) {
				vg_i w = (vg_i)s16[i][g];
				vg_i is = ((vg_i)((vg_u)w << 16) >> 16) + (w >> 16);

				acc[i][g] = acc[i][g] + (__builtin_convertvector(is, vg_f) * sw) *
					    k->sa[i][b * wb / 32];
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
 * One function per row count: separate (kernel-sized) stack frames.
 * (__noinline__: the kernel defines noinline as a macro.)
 */
static __attribute__((__noinline__)) void vnpu_kint_generic_1(const struct vnpu_kern *k)
{
	vnpu_kint_generic_mt(k, 1);
}

static __attribute__((__noinline__)) void vnpu_kint_generic_2(const struct vnpu_kern *k)
{
	vnpu_kint_generic_mt(k, 2);
}

static __attribute__((__noinline__)) void vnpu_kint_generic_3(const struct vnpu_kern *k)
{
	vnpu_kint_generic_mt(k, 3);
}

static __attribute__((__noinline__)) void vnpu_kint_generic_4(const struct vnpu_kern *k)
{
	vnpu_kint_generic_mt(k, 4);
}

void vnpu_kint_generic(const struct vnpu_kern *k)
{
	if (k->np == 1) {
		/* constant row counts: the row loops unroll */
		switch (k->mt) {
		case 1: vnpu_kint_generic_1(k); return;
		case 2: vnpu_kint_generic_2(k); return;
		case 3: vnpu_kint_generic_3(k); return;
		default: vnpu_kint_generic_4(k); return;
		}
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
