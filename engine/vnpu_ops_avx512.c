// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * SiLU, SwiGLU and RMSNorm in 16 lanes (AVX-512) for the ISA executor.
 * Every SiLU lane is vnpu_siluf() (the same vnpu_vexp.h template as its 4
 * lanes), so the bits equal vnpu_silu() and vnpu_swiglu(); the 4-lane
 * loops were ~5% of a 250m MXINT8 prefill. RMSNorm's sum of squares is
 * already defined in 16 lanes (element i in lane i % 16, then the 16-lane
 * fold), which is one vector accumulator here; the scalar lanes were ~3%
 * of that prefill.
 */
#include "vnpu_internal.h"
#include "vnpu_ops_vec.h"
#include "vnpu_vexp.h"
#include <vnpu_engine/ops.h>
#include <vnpu_engine/vmath.h>

#define T512 VNPU_TARGET_AVX512

static T512 VNPU_ALWAYS_INLINE v16sf vnpu_vsilu16(v16sf x)
{
	return x / (1.0f + vnpu_vexp16(-x));
}

T512 void vnpu_silu_avx512(float *y, const float *x, size_t n)
{
	size_t i;

	for (i = 0; i + 16 <= n; i += 16)
		vnpu_vst16(y + i, vnpu_vsilu16(vnpu_vld16(x + i)));
	for (; i < n; i++)
		y[i] = vnpu_siluf(x[i]);
}

T512 void vnpu_swiglu_avx512(float *y, const float *gate, const float *up, size_t n)
{
	size_t i;

	for (i = 0; i + 16 <= n; i += 16)
		vnpu_vst16(y + i, vnpu_vsilu16(vnpu_vld16(gate + i)) * vnpu_vld16(up + i));
	for (; i < n; i++)
		y[i] = vnpu_siluf(gate[i]) * up[i];
}

T512 void vnpu_rmsnorm_avx512(float *y, const float *x, const float *w,
			     const float *eps, size_t n)
{
	v16sf acc = { 0 }, v, r16;
	float sl[16], r;
	size_t i;

	if (!n)
		return;
	for (i = 0; i + 16 <= n; i += 16) {
		v = vnpu_vld16(x + i);
		acc = acc + v * v;
	}
	/* lanes past n add +0 * +0: a sum of squares is never -0 */
	v = vnpu_vld16_part(x + i, n - i);
	acc = acc + v * v;
	vnpu_vst16(sl, acc);
	r = vnpu_rsqrtf(vnpu_fold16(sl) / (float)n + *eps);
	r16 = vnpu_splat16(r);
	for (i = 0; i + 16 <= n; i += 16) {
		v = vnpu_vld16(x + i) * r16;
		vnpu_vst16(y + i, w ? v * vnpu_vld16(w + i) : v);
	}
	for (; i < n; i++)
		y[i] = w ? (x[i] * r) * w[i] : x[i] * r;
}

T512 void vnpu_rope_avx512(float *x, uint32_t heads, uint32_t dim, uint32_t pos,
			   const float *inv_freq, uint32_t mode, float *sc)
{
	uint32_t half = dim / 2, i, l;
	float *s = sc, *c = sc + half;
	double ang[8];

	for (i = 0; i + 8 <= half; i += 8) {
		for (l = 0; l < 8; l++)
			ang[l] = (double)pos * (double)inv_freq[i + l];
		vnpu_sincos8_avx512(ang, s + i, c + i);
	}
	for (; i < half; i++)
		vnpu_sincos((double)pos * (double)inv_freq[i], s + i, c + i);
	for (uint32_t h = 0; h < heads; h++) {
		float *v = x + (size_t)h * dim;

		i = 0;
		/* half pairs: 16 pairs a step, each element's same two products */
		for (; mode == VNPU_ROPE_HALF && i + 16 <= half; i += 16) {
			v16sf a = vnpu_vld16(v + i), b = vnpu_vld16(v + half + i);
			v16sf cv = vnpu_vld16(c + i), sv = vnpu_vld16(s + i);

			vnpu_vst16(v + i, a * cv - b * sv);
			vnpu_vst16(v + half + i, a * sv + b * cv);
		}
		for (; i < half; i++) {
			uint32_t ia = mode == VNPU_ROPE_HALF ? i : 2 * i;
			uint32_t ib = mode == VNPU_ROPE_HALF ? i + half : 2 * i + 1;
			float a = v[ia], b = v[ib];

			v[ia] = a * c[i] - b * s[i];
			v[ib] = a * s[i] + b * c[i];
		}
	}
}
