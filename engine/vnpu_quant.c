// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Block quantization: MXFP4, MXFP8 (E4M3, E5M2), MXINT8 per OCP MX v1.0, and
 * NVFP4; plus the non-spec MSE scale search and stochastic rounding.
 */
#include "vnpu_internal.h"
#include <vnpu_engine/formats.h>

uint32_t vnpu_fmt_block(uint32_t fmt)
{
	switch (fmt) {
	case VNPU_FMT_FP32: case VNPU_FMT_BF16: case VNPU_FMT_FP16:
	case VNPU_FMT_E4M3: case VNPU_FMT_E5M2: case VNPU_FMT_E2M1:
	case VNPU_FMT_E8M0:
		return 1;
	case VNPU_FMT_MXFP4: case VNPU_FMT_MXFP8_E4M3: case VNPU_FMT_MXFP8_E5M2:
	case VNPU_FMT_MXINT8:
		return VNPU_MX_BLOCK;
	case VNPU_FMT_NVFP4:
		return VNPU_NVFP4_BLOCK;
	}
	return 0;
}

uint32_t vnpu_fmt_bits(uint32_t fmt)
{
	switch (fmt) {
	case VNPU_FMT_FP32:
		return 32;
	case VNPU_FMT_BF16: case VNPU_FMT_FP16:
		return 16;
	case VNPU_FMT_E2M1: case VNPU_FMT_MXFP4: case VNPU_FMT_NVFP4:
		return 4;
	case VNPU_FMT_E4M3: case VNPU_FMT_E5M2: case VNPU_FMT_E8M0:
	case VNPU_FMT_MXFP8_E4M3: case VNPU_FMT_MXFP8_E5M2: case VNPU_FMT_MXINT8:
		return 8;
	}
	return 0;
}

const char *vnpu_fmt_name(uint32_t fmt)
{
	static const char *const names[VNPU_FMT_COUNT] = {
		"none", "fp32", "bf16", "fp16", "e4m3", "e5m2", "e2m1", "e8m0",
		"mxfp4", "mxfp8_e4m3", "mxfp8_e5m2", "mxint8", "nvfp4",
	};

	return fmt < VNPU_FMT_COUNT ? names[fmt] : "?";
}

/* Largest element exponent, emax_elem of the MX spec. */
static int vnpu_mx_emax(uint32_t fmt)
{
	switch (fmt) {
	case VNPU_FMT_MXFP4:
		return 2;
	case VNPU_FMT_MXFP8_E4M3:
		return 8;
	case VNPU_FMT_MXFP8_E5M2:
		return 15;
	default:
		return 0;	/* MXINT8 */
	}
}

/* Round an FP32 already scaled into element range to an element code. */
static uint8_t vnpu_elem_encode(uint32_t fmt, float y, uint64_t seed,
				uint64_t idx, bool stoch)
{
	uint32_t f = vnpu_u32(y), r = 0, sign;

	if (stoch)
		r = (uint32_t)vnpu_hash64(seed, idx);
	switch (fmt) {
	case VNPU_FMT_MXFP4:
	case VNPU_FMT_NVFP4:
		sign = (f >> 28) & 8;
		return (uint8_t)(sign | vnpu_round_small(f, 1, 1, 7, 7, true, r, stoch));
	case VNPU_FMT_MXFP8_E4M3:
		sign = (f >> 24) & 0x80;
		return (uint8_t)(sign | vnpu_round_small(f, 3, 7, 0x7e, 0x7f, true, r, stoch));
	case VNPU_FMT_MXFP8_E5M2:
		sign = (f >> 24) & 0x80;
		return (uint8_t)(sign | vnpu_round_small(f, 2, 15, 0x7b, 0x7c, true, r, stoch));
	default: {	/* MXINT8: y * 64 rounded to an integer in [-127, 127] */
		float z = y * 64.0f, t;
		int q;

		if (stoch) {
			/* floor, then up with probability of the fraction */
			t = (z + 12582912.0f) - 12582912.0f;
			if (t > z)
				t -= 1.0f;
			q = (int)t;
			if ((double)r < (double)(z - t) * 4294967296.0)
				q++;
		} else {
			t = (z + 12582912.0f) - 12582912.0f;	/* RNE */
			q = (int)t;
		}
		if (q > 127)
			q = 127;
		if (q < -127)
			q = -127;
		return (uint8_t)(int8_t)q;
	}
	}
}

static float vnpu_elem_decode(uint32_t fmt, uint8_t c)
{
	switch (fmt) {
	case VNPU_FMT_MXFP4:
	case VNPU_FMT_NVFP4:
		return vnpu_f32(vnpu_e2m1_to_fp32(c));
	case VNPU_FMT_MXFP8_E4M3:
		return vnpu_f32(vnpu_e4m3_to_fp32(c));
	case VNPU_FMT_MXFP8_E5M2:
		return vnpu_f32(vnpu_e5m2_to_fp32(c));
	default:
		return (float)(int8_t)c * (1.0f / 64.0f);
	}
}

static void vnpu_put_code(uint32_t fmt, uint8_t *codes, size_t i, uint8_t c)
{
	if (vnpu_fmt_bits(fmt) == 4) {
		if (i & 1)
			codes[i / 2] = (uint8_t)((codes[i / 2] & 0x0f) | (c << 4));
		else
			codes[i / 2] = c & 0x0f;
	} else {
		codes[i] = c;
	}
}

static uint8_t vnpu_get_code(uint32_t fmt, const uint8_t *codes, size_t i)
{
	if (vnpu_fmt_bits(fmt) == 4)
		return (codes[i / 2] >> ((i & 1) * 4)) & 0x0f;
	return codes[i];
}

/* Squared error of quantizing block x[0..cnt) with element scale @sc. */
static float vnpu_block_sse(uint32_t fmt, const float *x, size_t cnt, float inv,
			    float sc)
{
	float sse = 0.0f;

	for (size_t i = 0; i < cnt; i++) {
		uint8_t c = vnpu_elem_encode(fmt, x[i] * inv, 0, 0, false);
		float d = vnpu_elem_decode(fmt, c) * sc - x[i];

		sse += d * d;
	}
	return sse;
}

static void vnpu_mx_block(uint32_t fmt, const float *x, size_t cnt,
			  uint8_t *codes, size_t base, uint8_t *scale,
			  const struct vnpu_quant_opts *o)
{
	bool stoch = o && (o->flags & VNPU_Q_STOCHASTIC);
	uint32_t amax = 0;
	int se;

	for (size_t i = 0; i < cnt; i++) {
		uint32_t a = vnpu_u32(x[i]) & 0x7fffffffu;

		if (a >= 0x7f800000u) {
			/* NaN or Inf: NaN scale, the block decodes as NaN */
			*scale = 0xff;
			for (size_t j = 0; j < VNPU_MX_BLOCK; j++)
				vnpu_put_code(fmt, codes, base + j, 0);
			return;
		}
		if (a > amax)
			amax = a;
	}
	if (amax == 0) {
		se = -127;
	} else {
		se = (int)vnpu_fp32_to_e8m0(amax) - 127 - vnpu_mx_emax(fmt);
		if (se < -127)
			se = -127;
	}
	if (o && (o->flags & VNPU_Q_MSE_SCALE) && amax) {
		/* Non-spec: keep the neighbour scale if it lowers the error. */
		int best = se;
		float best_sse = vnpu_block_sse(fmt, x, cnt, vnpu_pow2f(-se),
						vnpu_pow2f(se));

		for (int d = -1; d <= 1; d += 2) {
			int c = se + d;
			float sse;

			if (c < -127 || c > 127)
				continue;
			sse = vnpu_block_sse(fmt, x, cnt, vnpu_pow2f(-c),
					     vnpu_pow2f(c));
			if (sse < best_sse) {
				best_sse = sse;
				best = c;
			}
		}
		se = best;
	}
	*scale = (uint8_t)(se + 127);
	{
		float inv = vnpu_pow2f(-se);
		uint64_t seed = o ? o->seed : 0;

		for (size_t i = 0; i < VNPU_MX_BLOCK; i++) {
			uint8_t c = i < cnt ? vnpu_elem_encode(fmt, x[i] * inv, seed,
							       base + i, stoch) : 0;
			vnpu_put_code(fmt, codes, base + i, c);
		}
	}
}

static uint8_t vnpu_nv_scale_code(float amax, float t)
{
	float d = 6.0f * t;

	return vnpu_fp32_to_e4m3(vnpu_u32(amax / d), true);
}

static void vnpu_nv_block(const float *x, size_t cnt, uint8_t *codes,
			  size_t base, uint8_t *scale, float t,
			  const struct vnpu_quant_opts *o)
{
	bool stoch = o && (o->flags & VNPU_Q_STOCHASTIC);
	float amax = 0.0f, eff;
	uint8_t sc;

	for (size_t i = 0; i < cnt; i++) {
		float a = vnpu_fabsf(x[i]);

		if (!(a <= FLT_MAX)) {
			/* NaN/Inf: NaN block scale (E4M3 0x7f) */
			*scale = 0x7f;
			for (size_t j = 0; j < VNPU_NVFP4_BLOCK; j++)
				vnpu_put_code(VNPU_FMT_NVFP4, codes, base + j, 0);
			return;
		}
		if (a > amax)
			amax = a;
	}
	sc = vnpu_nv_scale_code(amax, t);
	if (o && (o->flags & VNPU_Q_MSE_SCALE) && sc) {
		/* Non-spec: search neighbouring E4M3 scales for the least error. */
		uint8_t best = sc;
		float s0 = vnpu_f32(vnpu_e4m3_to_fp32(sc)) * t;
		float best_sse = vnpu_block_sse(VNPU_FMT_NVFP4, x, cnt, 1.0f / s0, s0);

		for (int c = (int)sc - 3; c <= (int)sc + 3; c++) {
			float sv, sse;

			if (c < 1 || c > 0x7e || c == sc)
				continue;
			sv = vnpu_f32(vnpu_e4m3_to_fp32((uint8_t)c)) * t;
			sse = vnpu_block_sse(VNPU_FMT_NVFP4, x, cnt, 1.0f / sv, sv);
			if (sse < best_sse) {
				best_sse = sse;
				best = (uint8_t)c;
			}
		}
		sc = best;
	}
	*scale = sc;
	eff = vnpu_f32(vnpu_e4m3_to_fp32(sc)) * t;
	for (size_t i = 0; i < VNPU_NVFP4_BLOCK; i++) {
		uint8_t c = 0;

		if (i < cnt && sc)
			c = vnpu_elem_encode(VNPU_FMT_NVFP4, x[i] / eff,
					     o ? o->seed : 0, base + i, stoch);
		vnpu_put_code(VNPU_FMT_NVFP4, codes, base + i, c);
	}
}

void vnpu_nvfp4_tensor_scale(const float *x, size_t n, float *t)
{
	float amax = 0.0f;

	for (size_t i = 0; i < n; i++) {
		float a = vnpu_fabsf(x[i]);

		if (!(a <= FLT_MAX)) {
			*t = vnpu_f32(0x7fc00000u);
			return;
		}
		if (a > amax)
			amax = a;
	}
	*t = amax > 0.0f ? amax / (6.0f * 448.0f) : 1.0f;
}

int vnpu_quantize(uint32_t fmt, const float *x, size_t n, uint8_t *codes,
		  uint8_t *scales, const float *tscale,
		  const struct vnpu_quant_opts *opts)
{
	size_t nblk = n / VNPU_MX_BLOCK, b = 0;

	if (!x || !codes || !scales || (fmt != VNPU_FMT_MXFP4 && fmt != VNPU_FMT_MXINT8) ||
	    (opts && opts->flags))
		return vnpu_quantize_scalar(fmt, x, n, codes, scales, tscale, opts);
	/* full blocks vectorized; NaN/Inf blocks and the tail as defined */
	for (;;) {
		b = vnpu_mx_quant_vec(fmt, x, b, nblk, codes, scales);
		if (b == nblk)
			break;
		vnpu_mx_block(fmt, x + b * 32, 32, codes, b * 32, &scales[b], NULL);
		b++;
	}
	if (n % VNPU_MX_BLOCK)
		vnpu_mx_block(fmt, x + nblk * 32, n % 32, codes, nblk * 32, &scales[nblk],
			      NULL);
	return VNPU_OK;
}

int vnpu_quantize_scalar(uint32_t fmt, const float *x, size_t n, uint8_t *codes,
			 uint8_t *scales, const float *tscale,
			 const struct vnpu_quant_opts *opts)
{
	uint32_t bs = vnpu_fmt_block(fmt);

	if (!x || !codes || !scales || bs < 16)
		return VNPU_EINVAL;
	if (fmt == VNPU_FMT_NVFP4) {
		if (!tscale || !(*tscale > 0.0f) || !(*tscale <= FLT_MAX))
			return VNPU_EINVAL;
		for (size_t b = 0; b * bs < n; b++) {
			size_t cnt = n - b * bs < bs ? n - b * bs : bs;

			vnpu_nv_block(x + b * bs, cnt, codes, b * bs, &scales[b],
				      *tscale, opts);
		}
		return VNPU_OK;
	}
	for (size_t b = 0; b * bs < n; b++) {
		size_t cnt = n - b * bs < bs ? n - b * bs : bs;

		vnpu_mx_block(fmt, x + b * bs, cnt, codes, b * bs, &scales[b], opts);
	}
	return VNPU_OK;
}

int vnpu_dequantize(uint32_t fmt, const uint8_t *codes, const uint8_t *scales,
		    const float *tscale, size_t n, float *y)
{
	uint32_t bs = vnpu_fmt_block(fmt);

	if (!y || !codes || !scales || bs < 16)
		return VNPU_EINVAL;
	if (fmt == VNPU_FMT_NVFP4 && !tscale)
		return VNPU_EINVAL;
	for (size_t i = 0; i < n; i++) {
		uint8_t s = scales[i / bs];
		float e = vnpu_elem_decode(fmt, vnpu_get_code(fmt, codes, i));

		if (fmt == VNPU_FMT_NVFP4) {
			y[i] = (e * vnpu_f32(vnpu_e4m3_to_fp32(s))) * *tscale;
		} else if (s == 0xff) {
			y[i] = vnpu_f32(0x7fc00000u);
		} else if (fmt == VNPU_FMT_MXINT8) {
			/* q * 2^(se - 6) in one rounding */
			y[i] = (float)(int8_t)vnpu_get_code(fmt, codes, i) *
			       vnpu_pow2f((int)s - 127 - 6);
		} else {
			y[i] = e * vnpu_pow2f((int)s - 127);
		}
	}
	return VNPU_OK;
}

static bool vnpu_scalar_fmt(uint32_t f)
{
	return f == VNPU_FMT_FP32 || f == VNPU_FMT_BF16 || f == VNPU_FMT_FP16 ||
	       f == VNPU_FMT_E4M3 || f == VNPU_FMT_E5M2;
}

int vnpu_convert(uint32_t dst_fmt, void *dst, uint32_t src_fmt,
		 const void *src, size_t n)
{
	if (!vnpu_scalar_fmt(dst_fmt) || !vnpu_scalar_fmt(src_fmt) || !dst || !src)
		return VNPU_EINVAL;
	for (size_t i = 0; i < n; i++) {
		uint32_t f;

		switch (src_fmt) {
		case VNPU_FMT_FP32:
			f = ((const uint32_t *)src)[i];
			break;
		case VNPU_FMT_BF16:
			f = vnpu_bf16_to_fp32(((const uint16_t *)src)[i]);
			break;
		case VNPU_FMT_FP16:
			f = vnpu_fp16_to_fp32(((const uint16_t *)src)[i]);
			break;
		case VNPU_FMT_E4M3:
			f = vnpu_e4m3_to_fp32(((const uint8_t *)src)[i]);
			break;
		default:
			f = vnpu_e5m2_to_fp32(((const uint8_t *)src)[i]);
			break;
		}
		switch (dst_fmt) {
		case VNPU_FMT_FP32:
			((uint32_t *)dst)[i] = f;
			break;
		case VNPU_FMT_BF16:
			((uint16_t *)dst)[i] = vnpu_fp32_to_bf16(f);
			break;
		case VNPU_FMT_FP16:
			((uint16_t *)dst)[i] = vnpu_fp32_to_fp16(f);
			break;
		case VNPU_FMT_E4M3:
			((uint8_t *)dst)[i] = vnpu_fp32_to_e4m3(f, true);
			break;
		default:
			((uint8_t *)dst)[i] = vnpu_fp32_to_e5m2(f, true);
			break;
		}
	}
	return VNPU_OK;
}
