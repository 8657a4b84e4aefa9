// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Element-wise ops, fixed-order reductions, norms, softmax, rope, gather. */
#include "vnpu_internal.h"
#include "vnpu_vexp.h"
#include <vnpu_engine/formats.h>
#include <vnpu_engine/ops.h>
#include <vnpu_engine/vmath.h>

#define VNPU_LANES 16

static float vnpu_lanes_fold(float *s)
{
	for (int w = VNPU_LANES / 2; w >= 1; w /= 2)
		for (int l = 0; l < w; l++)
			s[l] = s[l] + s[l + w];
	return s[0];
}

static float vnpu_sum_f(const float *x, size_t n)
{
	float s[VNPU_LANES] = { 0 };

	for (size_t i = 0; i < n; i++)
		s[i % VNPU_LANES] = s[i % VNPU_LANES] + x[i];
	return vnpu_lanes_fold(s);
}

static float vnpu_dot_f(const float *a, const float *b, size_t n)
{
	float s[VNPU_LANES] = { 0 };

	for (size_t i = 0; i < n; i++)
		s[i % VNPU_LANES] = s[i % VNPU_LANES] + a[i] * b[i];
	return vnpu_lanes_fold(s);
}

void vnpu_sum(float *out, const float *x, size_t n)
{
	*out = vnpu_sum_f(x, n);
}

void vnpu_dot(float *out, const float *a, const float *b, size_t n)
{
	*out = vnpu_dot_f(a, b, n);
}

void vnpu_add(float *y, const float *a, const float *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		y[i] = a[i] + b[i];
}

void vnpu_mul(float *y, const float *a, const float *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		y[i] = a[i] * b[i];
}

void vnpu_scale(float *y, const float *x, const float *s, size_t n)
{
	float f = *s;

	for (size_t i = 0; i < n; i++)
		y[i] = x[i] * f;
}

void vnpu_rmsnorm(float *y, const float *x, const float *w, const float *eps,
		  size_t n)
{
	float r;

	if (!n)
		return;
	r = vnpu_rsqrtf(vnpu_dot_f(x, x, n) / (float)n + *eps);
	for (size_t i = 0; i < n; i++)
		y[i] = w ? (x[i] * r) * w[i] : x[i] * r;
}

void vnpu_layernorm(float *y, const float *x, const float *g, const float *b,
		    const float *eps, size_t n)
{
	float mean, var, s[VNPU_LANES] = { 0 }, r;

	if (!n)
		return;
	mean = vnpu_sum_f(x, n) / (float)n;
	for (size_t i = 0; i < n; i++) {
		float d = x[i] - mean;

		s[i % VNPU_LANES] = s[i % VNPU_LANES] + d * d;
	}
	var = vnpu_lanes_fold(s) / (float)n;
	r = vnpu_rsqrtf(var + *eps);
	for (size_t i = 0; i < n; i++) {
		float v = (x[i] - mean) * r;

		if (g)
			v = v * g[i];
		if (b)
			v = v + b[i];
		y[i] = v;
	}
}

/* Softmax of one row whose first @len values are live (rest set to 0). */
static void vnpu_softmax_row(float *y, const float *x, size_t len, size_t n)
{
	vnpu_vsoftmax4(y, x, len);	/* attention's softmax too */
	for (size_t i = len; i < n; i++)
		y[i] = 0.0f;
}

void vnpu_softmax(float *y, const float *x, size_t rows, size_t n, size_t ld,
		  int causal, size_t offset)
{
	for (size_t r = 0; r < rows; r++) {
		size_t len = n;

		if (causal && r + offset + 1 < n)
			len = r + offset + 1;
		vnpu_softmax_row(y + r * ld, x + r * ld, len, n);
	}
}

/* vnpu_siluf() in 4 lanes (the same bits: vnpu_fexpf() is lane 0). */
static VNPU_ALWAYS_INLINE v4sf vnpu_vsilu4(v4sf x)
{
	return x / (1.0f + vnpu_vexp4(-x));
}

void vnpu_silu(float *y, const float *x, size_t n)
{
	size_t i;

	for (i = 0; i + 4 <= n; i += 4)
		*(vnpu_v4sf_ua *)(y + i) = vnpu_vsilu4(*(const vnpu_v4sf_ua *)(x + i));
	for (; i < n; i++)
		y[i] = vnpu_siluf(x[i]);
}

void vnpu_gelu(float *y, const float *x, size_t n)
{
	for (size_t i = 0; i < n; i++)
		y[i] = vnpu_geluf(x[i]);
}

void vnpu_gelu_tanh(float *y, const float *x, size_t n)
{
	for (size_t i = 0; i < n; i++)
		y[i] = vnpu_gelu_tanhf(x[i]);
}

void vnpu_swiglu(float *y, const float *gate, const float *up, size_t n)
{
	size_t i;

	for (i = 0; i + 4 <= n; i += 4)
		*(vnpu_v4sf_ua *)(y + i) =
			vnpu_vsilu4(*(const vnpu_v4sf_ua *)(gate + i)) *
			*(const vnpu_v4sf_ua *)(up + i);
	for (; i < n; i++)
		y[i] = vnpu_siluf(gate[i]) * up[i];
}

void vnpu_rope_freqs(float *inv_freq, uint32_t dim, const float *theta)
{
	double lt = vnpu_log2_dbl((double)*theta);

	for (uint32_t i = 0; i < dim / 2; i++)
		inv_freq[i] = (float)vnpu_exp_dbl(-2.0 * i / dim * lt *
						  0.69314718055994530942);
}

void vnpu_rope(float *x, uint32_t heads, uint32_t dim, uint32_t pos,
	       const float *inv_freq, uint32_t mode)
{
	for (uint32_t i = 0; i < dim / 2; i++) {
		float s, c;

		vnpu_sincos((double)pos * (double)inv_freq[i], &s, &c);
		for (uint32_t h = 0; h < heads; h++) {
			float *v = x + (size_t)h * dim;
			uint32_t ia = mode == VNPU_ROPE_HALF ? i : 2 * i;
			uint32_t ib = mode == VNPU_ROPE_HALF ? i + dim / 2 : 2 * i + 1;
			float a = v[ia], b = v[ib];

			v[ia] = a * c - b * s;
			v[ib] = a * s + b * c;
		}
	}
}

int vnpu_gather(float *y, const void *table, uint32_t table_bf16, size_t rows,
		size_t cols, const uint32_t *idx, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (idx[i] >= rows)
			return VNPU_EINVAL;
	}
	for (size_t i = 0; i < n; i++) {
		size_t base = (size_t)idx[i] * cols;

		for (size_t j = 0; j < cols; j++) {
			if (table_bf16)
				y[i * cols + j] = vnpu_f32(vnpu_bf16_to_fp32(
					((const uint16_t *)table)[base + j]));
			else
				y[i * cols + j] = ((const float *)table)[base + j];
		}
	}
	return VNPU_OK;
}

int vnpu_transpose(void *y, const void *x, size_t rows, size_t cols, size_t esize)
{
	if (esize != 1 && esize != 2 && esize != 4)
		return VNPU_EINVAL;
	/* 32x32 tiles keep both sides in cache */
	for (size_t r0 = 0; r0 < rows; r0 += 32) {
		for (size_t c0 = 0; c0 < cols; c0 += 32) {
			for (size_t r = r0; r < rows && r < r0 + 32; r++) {
				for (size_t c = c0; c < cols && c < c0 + 32; c++) {
					size_t s = r * cols + c, d = c * rows + r;

					if (esize == 4)
						((uint32_t *)y)[d] = ((const uint32_t *)x)[s];
					else if (esize == 2)
						((uint16_t *)y)[d] = ((const uint16_t *)x)[s];
					else
						((uint8_t *)y)[d] = ((const uint8_t *)x)[s];
				}
			}
		}
	}
	return VNPU_OK;
}

void vnpu_copy_bytes(void *dst, const void *src, size_t n)
{
	vnpu_copy(dst, src, n);
}
