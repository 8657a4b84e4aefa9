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
