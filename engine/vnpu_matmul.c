// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Matmul driver: activation preparation, tiling, variant dispatch and the
 * epilogue. The generic kernels that define the arithmetic are in
 * vnpu_mm_generic.c.
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

/*
 * Bytes per row of the packed int8 A (vnpu_pack_int()): q_a, apc, aps;
 * with blocks of 32 (MXFP4) half the apc/aps room is left, which holds
 * ape and aok.
 */
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
 * Sum of 16 int8 values (exact, so any order gives it): psadbw (SSE2, the
 * x86-64 baseline) adds the bytes biased to unsigned in two halves. The
 * byte loop was ~1/3 of vnpu_matmul_run()'s own time in a 250m prefill.
 */
static inline int32_t vnpu_sum16_i8(const int8_t *q)
{
	v16qi u = *(const vnpu_v16qi_ua *)q ^ (v16qi){ -128, -128, -128, -128,
		-128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128 };
	v2di s = __builtin_ia32_psadbw128(u, (v16qi){ 0 });

	return (int32_t)(s[0] + s[1]) - 16 * 128;
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
	for (uint32_t j = 0; j < np; j++)
		for (uint32_t g = 0; g < k / 16; g++)
			corr[j * (k / 16) + g] = 12 * vnpu_sum16_i8(aq + j * k + g * 16);
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
 * each q_a block by block and row by row, then apc, then aps. Blocks of
 * 32 (MXFP4) add, block by block, ape (row by row: aps's bits minus
 * 128 << 23, so that adding a weight scale byte's e << 23 gives the bits
 * of 2^(e - 128) x aps) and aok (per block: every row's aps is a power of
 * two 2^-60 .. 2^50): see vnpu_kint512_pk().
 */
static void vnpu_pack_int(const struct vnpu_matmul *mm, uint32_t m0, uint32_t m1,
			  uint32_t wb, const uint8_t *rows, size_t arow, int8_t *dst)
{
	uint32_t k = mm->k, nblk = k / wb;

	for (uint32_t g = m0; g < m1; g += VNPU_MT_PACK_INT) {
		uint32_t gm = m1 - g < VNPU_MT_PACK_INT ? m1 - g : VNPU_MT_PACK_INT;
		int32_t *apc = (int32_t *)(dst + (size_t)gm * k);
		float *aps = (float *)(apc + (size_t)nblk * gm);

		int32_t *ape = (int32_t *)(aps + (size_t)nblk * gm);
		int32_t *aok = ape + (size_t)nblk * gm;

		for (uint32_t i = 0; i < gm; i++) {
			const uint8_t *row = rows + (size_t)(g + i - m0) * arow;
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
		/* branch-free: this runs for every column tile */
		for (uint32_t b = 0; wb == 32 && b < nblk; b++) {
			uint32_t bad = 0;

			for (uint32_t i = 0; i < gm; i++) {
				uint32_t u = vnpu_u32(aps[b * gm + i]);

				ape[b * gm + i] = (int32_t)(u - (128u << 23));
				bad |= vnpu_aps_outside(u);
			}
			aok[b] = !bad;
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

/*
 * A full row of 16 FP32 outputs without an activation or with ReLU (the
 * common case): the scalar epilogue's steps in 16 lanes, so the same bits.
 * Scalar, it was about half of vnpu_matmul_run()'s own time in a prefill.
 */
static void vnpu_epilogue16(const struct vnpu_matmul *mm, const float *acc,
			    uint32_t m, uint32_t mt, uint32_t n)
{
	v16sf ts, b = { 0 };
	bool nv = mm->w_fmt == VNPU_FMT_NVFP4;

	for (int j = 0; j < 16; j++)
		ts[j] = mm->w_tscale;
	if (mm->bias)
		b = *(const vnpu_v16sf_ua *)(mm->bias + n);
	for (uint32_t i = 0; i < mt; i++) {
		v16sf v = *(const vnpu_v16sf_ua *)(acc + i * 16);

		if (nv)
			v = v * ts;
		if (mm->bias)
			v = v + b;
		if (mm->act == VNPU_ACT_RELU)
			/* v > 0 ? v : (NaN ? v : +0) */
			v = (v16sf)((v16si)v & ((v > 0) | (v != v)));
		*(vnpu_v16sf_ua *)((float *)mm->c + (size_t)(m + i) * mm->ldc + n) = v;
	}
}

static void vnpu_epilogue(const struct vnpu_matmul *mm, const float *acc,
			  uint32_t m, uint32_t mt, uint32_t n, uint32_t nt)
{
	if (nt == 16 && mm->c_fmt == VNPU_FMT_FP32 &&
	    (mm->act == VNPU_ACT_NONE || mm->act == VNPU_ACT_RELU)) {
		vnpu_epilogue16(mm, acc, m, mt, n);
		return;
	}
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

/* The operands vnpu_matmul_run() supports: VNPU_OK or why not. */
static int vnpu_mm_check(const struct vnpu_matmul *mm)
{
	if (!mm || !mm->w || !mm->a || !mm->c || mm->k % 32 || !mm->k)
		return VNPU_EINVAL;
	if (!vnpu_fp4_fmt(mm->w_fmt) && !vnpu_wide_esize(mm->w_fmt))
		return VNPU_ENOTSUP;
	if ((mm->a_fmt != VNPU_FMT_FP32 && mm->a_fmt != VNPU_FMT_BF16) ||
	    (mm->c_fmt != VNPU_FMT_FP32 && mm->c_fmt != VNPU_FMT_BF16))
		return VNPU_ENOTSUP;
	if (mm->a_quant != VNPU_FMT_NONE && mm->a_quant != VNPU_FMT_MXINT8 &&
	    mm->a_quant != VNPU_FMT_MXFP4 && mm->a_quant != VNPU_FMT_MXFP8_E4M3 &&
	    mm->a_quant != VNPU_FMT_MXFP8_E5M2)
		return VNPU_ENOTSUP;
	return VNPU_OK;
}

typedef void (*vnpu_kern_fn)(const struct vnpu_kern *k);

/* The kernel of @mm on variant @var. */
static vnpu_kern_fn vnpu_mm_kernel(const struct vnpu_matmul *mm, enum vnpu_variant var,
				   uint32_t features)
{
	bool wide = vnpu_wide_esize(mm->w_fmt);
	uint32_t np = vnpu_int_pieces(mm->w_fmt, mm->a_quant);

	if (vnpu_bf16_pairs(mm) && var == VNPU_VARIANT_AVX512 &&
	    (features & VNPU_CPU_AVX512_BF16))
		return vnpu_kbf_avx512bf16;
	if (var == VNPU_VARIANT_AVX512)
		return wide ? (np ? vnpu_kwint_avx512 : vnpu_kwfp_avx512) :
			      (np ? vnpu_kint_avx512 : vnpu_kfp_avx512);
	if (var == VNPU_VARIANT_AVX2)
		return wide ? (np ? vnpu_kwint_avx2 : vnpu_kwfp_avx2) :
			      (np ? vnpu_kint_avx2 : vnpu_kfp_avx2);
	return wide ? (np ? vnpu_kwint_generic : vnpu_kwfp_generic) :
		      (np ? vnpu_kint_generic_pick(var) : vnpu_kfp_generic);
}

/* Whether @mm's rows of A go through vnpu_prep_row() at all. */
static bool vnpu_mm_prepares(const struct vnpu_matmul *mm, uint32_t features)
{
	enum vnpu_variant var = vnpu_engine_variant(features);

	if (mm->a_fmt == VNPU_FMT_FP32 && mm->a_quant == VNPU_FMT_NONE)
		return false;	/* the exact path reads A where it is */
	return vnpu_mm_kernel(mm, var, features) != vnpu_kbf_avx512bf16;
}

size_t vnpu_matmul_prep_size(const struct vnpu_matmul *mm, uint32_t features)
{
	if (vnpu_mm_check(mm) || !vnpu_mm_prepares(mm, features))
		return 0;
	return (size_t)mm->m * vnpu_arow_bytes(mm->k);
}

int vnpu_matmul_prepare(const struct vnpu_matmul *mm, uint32_t m0, uint32_t m1,
			void *prep, uint32_t features)
{
	enum vnpu_variant var = vnpu_engine_variant(features);
	size_t arow;
	int ret = vnpu_mm_check(mm);

	if (ret)
		return ret;
	if (!prep || (uintptr_t)prep % 64 || m0 > m1 || m1 > mm->m ||
	    mm->lda < mm->k || !vnpu_mm_prepares(mm, features))
		return VNPU_EINVAL;
	arow = vnpu_arow_bytes(mm->k);
	for (uint32_t i = m0; i < m1; i++)
		vnpu_prep_row(mm, i, (uint8_t *)prep + (size_t)i * arow, var);
	return VNPU_OK;
}

int vnpu_matmul_run(const struct vnpu_matmul *mm, uint32_t m0, uint32_t m1,
		    uint32_t n0, uint32_t n1, const struct vnpu_ctx *ctx)
{
	enum vnpu_variant var;
	vnpu_kern_fn kern;
	size_t psize, arow, need;
	uint32_t wb, pend, group;
	uint8_t *scr;
	const uint8_t *rows;
	float acc[VNPU_MT_PACK * 16];
	uint32_t np, mstep, npmax;
	bool wide, direct, multi, pan, bfp;
	int8_t *apk;
	int ret = vnpu_mm_check(mm);

	if (ret)
		return ret;
	if (!ctx)
		return VNPU_EINVAL;
	wide = vnpu_wide_esize(mm->w_fmt);
	if (m0 > m1 || m1 > mm->m || n0 > n1 || n1 > mm->n || n0 % 16 ||
	    (n1 % 16 && n1 != mm->n) || mm->lda < mm->k || mm->ldc < mm->n ||
	    (uintptr_t)mm->a_prep % 64)
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
	kern = vnpu_mm_kernel(mm, var, ctx->features);
	/* kernels that take several panels of one row at once */
	multi = np <= 1 && !wide && var == VNPU_VARIANT_AVX512 && !bfp;
	/* and vnpu_kwfp_avx512() (wide weights, FP32 A), for one row only */
	pan = multi || (wide && !np && var == VNPU_VARIANT_AVX512 && !bfp);
	/*
	 * Panels side by side for one row. Exact path: 8 independent fma
	 * chains (a block's 32 dependent fmas made 4 chains latency-bound).
	 * Integer path: 8 streams for NVFP4, VNPU_PAN_MXFP4 for MXFP4.
	 */
	npmax = np == 1 && mm->w_fmt == VNPU_FMT_MXFP4 ? VNPU_PAN_MXFP4 : VNPU_MT_WIDE;
	/* the pieces of an E4M3 row take the kernel's row slots */
	mstep = np > 1 ? 1 : kern == vnpu_kbf_avx512bf16 ? VNPU_MT_PACK :
		multi || (bfp && var == VNPU_VARIANT_AVX512) ? VNPU_MT_WIDE : VNPU_MT;

	/* wide formats: blocks of 32 columns (BF16/FP32 have no scale) */
	wb = wide ? 32 : vnpu_fmt_block(mm->w_fmt);
	rows = scr;
	if (kern == vnpu_kbf_avx512bf16)
		vnpu_pack_bf16(mm, m0, m1, wb, (uint16_t *)scr);
	else if (mm->a_prep && !direct)
		rows = (const uint8_t *)mm->a_prep + (size_t)m0 * arow;
	else
		for (uint32_t i = m0; i < m1; i++)
			vnpu_prep_row(mm, i, scr + (size_t)(i - m0) * arow, var);
	/* several rows, FP4 weights, int8 A: the packed AVX-512 kernel */
	apk = kern == vnpu_kint_avx512 && np == 1 && m1 - m0 > 1 ?
	      (int8_t *)scr + (size_t)(m1 - m0) * arow : NULL;
	if (apk) {
		vnpu_pack_int(mm, m0, m1, wb, rows, arow, apk);
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
				.vbmi = !!(ctx->features & VNPU_CPU_AVX512_VBMI),
			};
			size_t ck = (size_t)mm->k / 16 * 4;

			for (uint32_t i = 0; i < mt; i++) {
				const uint8_t *row = rows + (size_t)(m + i - m0) * arow;
				const uint8_t *sa = row + (size_t)mm->k * VNPU_NPIECE +
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
				k.npan = mt == 1 && pan ? (pe - p < npmax ? pe - p : npmax) : 1;
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
