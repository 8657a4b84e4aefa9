/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/* Matmul internals shared by the variant kernels. */
#ifndef VNPU_MM_H
#define VNPU_MM_H

#include "vnpu_internal.h"
#include <vnpu_engine/matmul.h>

#define VNPU_MT 4	/* rows of A per kernel call */
/*
 * The AVX-512 FP4 kernels take up to 8 rows per call: each decoded weight
 * vector then feeds 8 dot products or fmas instead of 4, the per-block
 * work is shared by twice the rows, and the exact path has 8 independent
 * fma chains (with 4, a block's 32 dependent fmas left half the FMA
 * issue slots empty).
 */
#define VNPU_MT_WIDE 8
/*
 * Panels side by side in the AVX-512 integer GEMV with MXFP4 weights (NVFP4
 * takes VNPU_MT_WIDE). Each MXFP4 block is 4 lines per panel, NVFP4's 2:
 * with 4 panels an MXFP4 block step reads the 16 lines an NVFP4 step of 8
 * panels reads. Measured streaming 4096x4096 on one Zen 5 core (session 7,
 * after the vpermb decode): 4 panels ~33-36 GB/s, 8 ~31-33.
 */
#define VNPU_PAN_MXFP4 4
/*
 * The AVX-512 GEMM kernels on packed A (vnpu_kbf_avx512bf16(), and
 * vnpu_kint_avx512() when @apk is set) take up to 16 rows per call: a
 * row's block is one dependent chain (vdpbf16ps: 6 cycles at 2 per cycle
 * on Zen 5, so 12 chains fill it), and with every row behind one pointer
 * the rows cost no registers.
 */
#define VNPU_MT_PACK 16
/*
 * The packed int8 kernel: one vpdpbusd chain per row is short (a few
 * cycles), and 12 rows measured 3-6% faster than 16 (fewer block sums to
 * keep outside the registers).
 */
#define VNPU_MT_PACK_INT 12
/*
 * MXFP8 E4M3 activations in the integer path: q = E4M3 * 2^9 has 18 bits,
 * split into three int8 pieces (7 bits of magnitude each, with the sign)
 * so the byte dot-product instructions can form the exact block sum
 * I = I0 + 2^7 * I1 + 2^14 * I2.
 */
#define VNPU_NPIECE 3

/**
 * struct vnpu_kern - one kernel call: one weight panel against mt rows of A.
 * @codes/@scales: the panel's two regions. @nblk: W blocks; @wb: 32 or 16.
 * @np: int path: pieces per A row (1, or VNPU_NPIECE for E4M3 A, then
 *	mt is 1 and aq[j], corr[j] are the pieces of row 0).
 * @aq: int path: quantized A rows (int8, K each).
 * @corr: int path: 12 * sum of q_a per 16 columns (undoes the +12 offset the
 *	  SIMD kernels add to k_w so it is unsigned).
 * @sa: int path: A scale factor per 32 columns.
 * @af: exact path: A rows as FP32.
 * @bfp: exact path with FP4 weights and BF16 activations: the pair chain
 *	 of matmul.h (vdpbf16ps) instead of one fma per element; @af then
 *	 holds the rows with BF16 denormals flushed.
 * @ab: vnpu_kbf_avx512bf16(): the mt BF16 rows of A as given, packed by
 *	block: row i's columns of W block b at ab + (b * mt + i) * wb, so
 *	one pointer reaches every row.
 * @apk, @apc, @aps: int path, mt > 1 on AVX-512 (else NULL; mt at most
 *	VNPU_MT_PACK_INT): the int8 rows
 *	packed the same way; apc[b * mt + i] = -(12 * sum of row i's q_a
 *	over W block b), the accumulator's start; aps[b * mt + i] = sa of
 *	row i for W block b.
 * @npan: panels in this call (more than 1 only with mt == 1, for the
 *	  kernels the driver allows it), @pstride bytes apart.
 * @vbmi: the CPU has AVX512_VBMI (ctx->features): the AVX-512 one-row int
 *	  kernels decode E2M1 with vpermb.
 * @mt: rows of A, at most VNPU_MT (VNPU_MT_PACK for vnpu_kbf_avx512bf16(),
 *	 VNPU_MT_WIDE for vnpu_kint_avx512() and
 *	 vnpu_kfp_avx512()).
 * @acc: out, [mt][16] raw accumulators (or [npan][16]).
 */
struct vnpu_kern {
	const uint8_t *codes;
	const uint8_t *scales;
	uint32_t nblk, wb, wfmt, mt, np, npan, bfp, vbmi;
	size_t pstride;
	const int8_t *aq[VNPU_MT_WIDE];
	const int32_t *corr[VNPU_MT_WIDE];
	const float *sa[VNPU_MT_WIDE];
	const float *af[VNPU_MT_WIDE];
	const uint16_t *ab;
	const int8_t *apk;
	const int32_t *apc;
	const float *aps;
	float *acc;
};

/* W block scale factor sw_b (see matmul.h). */
static inline float vnpu_wscale(uint32_t wfmt, uint8_t s)
{
	if (wfmt == VNPU_FMT_MXFP8_E4M3 || wfmt == VNPU_FMT_MXFP8_E5M2) {
		/* 2^(s - 127), a NaN for 0xff; only the exact path uses it */
		if (s == 0xff)
			return vnpu_f32(0x7fc00000u);
		return vnpu_pow2f((int)s - 127);
	}
	if (wfmt != VNPU_FMT_MXFP4 && wfmt != VNPU_FMT_NVFP4)
		return 1.0f;	/* BF16, FP32: no block scale */
	if (wfmt == VNPU_FMT_NVFP4) {
		if ((s & 0x7f) == 0x7f)
			return vnpu_f32(0x7fc00000u);
		return vnpu_f32(vnpu_e4m3_to_fp32(s)) * 0.5f;
	}
	if (s == 0xff)
		return vnpu_f32(0x7fc00000u);
	if (s == 0)
		return vnpu_f32(0x00200000u);	/* 2^-128 */
	return vnpu_f32((uint32_t)s << 23) * 0.5f;
}

/*
 * The window of the one-multiply MXFP4 epilogue (vnpu_kint512_pk(),
 * vnpu_kint512_pan()): an activation scale that is a power of two
 * 2^-60 .. 2^50, against weight scale bytes 68 .. 178 (2^-60 .. 2^50).
 */
#define VNPU_APS_EXP_MIN (127 - 60)
#define VNPU_APS_EXP_MAX (127 + 50)

/* Nonzero unless the FP32 bits U are a power of two 2^-60 .. 2^50. */
static inline uint32_t vnpu_aps_outside(uint32_t u)
{
	return (u & 0x807fffffu) |
	       (uint32_t)(u - (VNPU_APS_EXP_MIN << 23) >
			  (uint32_t)(VNPU_APS_EXP_MAX - VNPU_APS_EXP_MIN) << 23);
}

/* 2 * E2M1 value of a nibble, as an integer. */
static inline int vnpu_e2m1_x2(uint32_t nib)
{
	static const int8_t v[16] = { 0, 1, 2, 3, 4, 6, 8, 12,
				      0, -1, -2, -3, -4, -6, -8, -12 };
	return v[nib & 15];
}

/* The code of row r, column kk (within the block) from a panel block. */
static inline uint32_t vnpu_panel_nib(const uint8_t *blk, uint32_t r, uint32_t kk)
{
	uint8_t byte = blk[(kk / 8) * 64 + 4 * r + (kk & 3)];

	return (kk & 4) ? byte >> 4 : byte & 15u;
}

/* E4M3 code as the integer E4M3 * 2^9 (18 bits); NaN codes give 0. */
static inline int32_t vnpu_e4m3_x512(uint8_t c)
{
	uint32_t e = (c >> 3) & 15, m = c & 7, k;

	if ((c & 0x7f) == 0x7f)
		return 0;
	k = e ? (8 | m) << (e - 1) : m;
	return (c & 0x80) ? -(int32_t)k : (int32_t)k;
}

static inline bool vnpu_e4m3_isnan(uint8_t c)
{
	return (c & 0x7f) == 0x7f;
}

/* Wide weight formats: element bytes in the column-major panel (or 0). */
static inline uint32_t vnpu_wide_esize(uint32_t wfmt)
{
	switch (wfmt) {
	case VNPU_FMT_MXFP8_E4M3: case VNPU_FMT_MXFP8_E5M2:
		return 1;
	case VNPU_FMT_BF16:
		return 2;
	case VNPU_FMT_FP32:
		return 4;
	}
	return 0;
}

static inline size_t vnpu_panel_codes_bytes_fmt(uint32_t wfmt, uint32_t k)
{
	uint32_t es = vnpu_wide_esize(wfmt);

	/* 16 rows * k columns, 4 bits or es bytes each */
	return es ? (size_t)k * 16 * es : (size_t)k * 8;
}

/* Exact value of a wide-format weight element (row r of column @col). */
static inline float vnpu_wide_elem(uint32_t wfmt, const uint8_t *col, uint32_t r)
{
	switch (wfmt) {
	case VNPU_FMT_MXFP8_E4M3:
		return vnpu_f32(vnpu_e4m3_to_fp32(col[r]));
	case VNPU_FMT_MXFP8_E5M2:
		return vnpu_f32(vnpu_e5m2_to_fp32(col[r]));
	case VNPU_FMT_BF16:
		return vnpu_f32((uint32_t)(col[2 * r] | col[2 * r + 1] << 8) << 16);
	default:
		return vnpu_f32((uint32_t)col[4 * r] | (uint32_t)col[4 * r + 1] << 8 |
				(uint32_t)col[4 * r + 2] << 16 |
				(uint32_t)col[4 * r + 3] << 24);
	}
}

/*
 * Weights stream from memory once per GEMV: ask for every line of a block
 * further ahead than the hardware prefetcher runs on its own. Measured on
 * one Zen 5 core (MXINT8 GEMV): one stream, 2 KiB ahead 21 GB/s, 8 KiB
 * 28 GB/s; four panels side by side, 3 KiB ahead per panel was best
 * (~30 GB/s; 8 KiB gave 27).
 */
#define VNPU_PREFETCH_AHEAD	8192
#define VNPU_PREFETCH_AHEAD_PAN	3072
/*
 * The MXFP4 int8 GEMV's 4 panels (VNPU_PAN_MXFP4): 2 KiB ahead per panel
 * (session 7, 4096x4096 streaming, one core: 34.6 GB/s median against
 * 30.5-32.3 at 3 KiB, alternated).
 */
#define VNPU_PREFETCH_AHEAD_PAN_MX 2048

static inline void vnpu_prefetch_block(const uint8_t *blk, uint32_t wb,
				       uint32_t ahead)
{
	for (uint32_t c = 0; c < wb / 8; c++)
		__builtin_prefetch(blk + ahead + c * 64);
}

/*
 * The same for panel q of a call with @npan panels side by side, block b:
 * the codes ahead, or, near the end of the panel, the start of panel
 * q + npan (the next call's), so the next group does not start cold; and
 * the scales 256 bytes ahead (a line every 4 or 8 blocks).
 */
static inline void vnpu_prefetch_pan(const struct vnpu_kern *k, uint32_t q,
				     uint32_t npan, uint32_t b, uint32_t wb)
{
	size_t cbytes = (size_t)k->nblk * wb * 8, off = (size_t)b * wb * 8 +
		VNPU_PREFETCH_AHEAD_PAN;
	const uint8_t *p = k->codes + q * k->pstride;

	if (off >= cbytes) {
		p += npan * k->pstride;
		off -= cbytes;
	}
	for (uint32_t c = 0; c < wb / 8; c++)
		__builtin_prefetch(p + off + c * 64);
	__builtin_prefetch(k->scales + q * k->pstride + b * 16 + 256);
}

void vnpu_kint_generic(const struct vnpu_kern *k);
/*
 * The same source built for x86-64-v2 (vnpu_mm_generic_v2.c: SSSE3, a byte
 * shuffle decodes E2M1), for VNPU_VARIANT_GENERIC_V2; the same bits. Other
 * architectures build the generic kernel once.
 */
#ifdef __x86_64__
void vnpu_kint_generic_v2(const struct vnpu_kern *k);
#else
#define vnpu_kint_generic_v2 vnpu_kint_generic
#endif
/* The generic variants' integer FP4 kernel: baseline or x86-64-v2 build. */
static inline void (*vnpu_kint_generic_pick(enum vnpu_variant var))(const struct vnpu_kern *k)
{
	return var == VNPU_VARIANT_GENERIC_V2 ? vnpu_kint_generic_v2 : vnpu_kint_generic;
}

/* FP4 weights against E4M3 activations (np > 1), one element at a time */
void vnpu_kint_pieces_generic(const struct vnpu_kern *k);
void vnpu_kfp_generic(const struct vnpu_kern *k);
void vnpu_kint_avx2(const struct vnpu_kern *k);
void vnpu_kfp_avx2(const struct vnpu_kern *k);
void vnpu_kint_avx512(const struct vnpu_kern *k);
void vnpu_kfp_avx512(const struct vnpu_kern *k);
/* the BF16 pair chain with vdpbf16ps (CPUs with AVX512_BF16) */
void vnpu_kbf_avx512bf16(const struct vnpu_kern *k);
/* wide weights (MXFP8, BF16, FP32): column-major panels */
void vnpu_kwint_generic(const struct vnpu_kern *k);
void vnpu_kwfp_generic(const struct vnpu_kern *k);
void vnpu_kwint_avx2(const struct vnpu_kern *k);
void vnpu_kwfp_avx2(const struct vnpu_kern *k);
void vnpu_kwint_avx512(const struct vnpu_kern *k);
void vnpu_kwfp_avx512(const struct vnpu_kern *k);

/*
 * vnpu_mx_quant_vec() (MXFP4 or MXINT8, full blocks from @b, stopping at a
 * NaN/Inf block) in AVX-512: the same bytes. For the matmul's A rows.
 */
size_t vnpu_mx_quant_vec512(uint32_t fmt, const float *x, size_t b, size_t nblk,
			    uint8_t *codes, uint8_t *scales);

/* fma(a, b, c) with one rounding, in portable C (generic variant). */
float vnpu_fmaf_soft(float a, float b, float c);
/*
 * One step of the BF16-activation pair chain (matmul.h), in portable C:
 * what one lane of vdpbf16ps computes from acc, the pair w0:w1 and a0:a1.
 */
float vnpu_bf16dot2(float acc, float w0, float a0, float w1, float a1);

/* Denormals read as zero (the sign kept). */
static inline float vnpu_daz(float x)
{
	return (vnpu_u32(x) & 0x7f800000u) ? x : vnpu_f32(vnpu_u32(x) & 0x80000000u);
}

#endif /* VNPU_MM_H */
