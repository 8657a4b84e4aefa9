// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Linear 8-bit quantization (ONNX QuantizeLinear / DequantizeLinear) as
 * the card's QLINEAR packet defines it (uapi/drm/vnpu_cmd.h): one FP32
 * division or multiplication per element and integer rounding, so every
 * build and every tiling gives the same bytes.
 */
#include "vnpu_internal.h"
#include <drm/vnpu_cmd.h>
#include <vnpu_engine/ops.h>

/*
 * rint(V / S) + ZP saturated to LO..HI. The quotient is clamped first
 * (any value beyond +-1024 saturates whatever the zero point), then
 * rounded half to even with integer arithmetic: the fraction q - trunc(q)
 * is exact for |q| < 2^23.
 */
static int32_t vnpu_qlinear_one(float v, float s, int32_t zp, int32_t lo,
				int32_t hi)
{
	float q = v / s, f;
	int32_t t;

	if (q != q)
		return zp;
	if (q > 1024.0f)
		q = 1024.0f;
	else if (q < -1024.0f)
		q = -1024.0f;
	t = (int32_t)q;
	f = q - (float)t;
	if (f > 0.5f || (f == 0.5f && (t & 1)))
		t++;
	else if (f < -0.5f || (f == -0.5f && (t & 1)))
		t--;
	t += zp;
	return t < lo ? lo : t > hi ? hi : t;
}

int vnpu_qlinear(uint32_t flags, float *x, uint8_t *q, const float *scale,
		 const uint8_t *zero, size_t axis, size_t inner, size_t row0,
		 size_t nrows)
{
	bool uns = flags & VNPU_QLINEAR_UNSIGNED;
	int32_t lo = uns ? 0 : -128, hi = uns ? 255 : 127;

	if ((flags & ~(uint32_t)(VNPU_QLINEAR_DEQUANTIZE | VNPU_QLINEAR_UNSIGNED)) ||
	    !axis || !inner)
		return VNPU_EINVAL;
	for (size_t r = row0; r < row0 + nrows; r++) {
		size_t a = r % axis;
		int32_t zp = !zero ? 0 : uns ? zero[a] : (int8_t)zero[a];
		float s = scale[a];
		float *xr = x + r * inner;
		uint8_t *qr = q + r * inner;

		for (size_t i = 0; i < inner; i++) {
			if (flags & VNPU_QLINEAR_DEQUANTIZE) {
				int32_t c = uns ? qr[i] : (int8_t)qr[i];

				xr[i] = (float)(c - zp) * s;
			} else {
				qr[i] = (uint8_t)vnpu_qlinear_one(xr[i], s, zp, lo, hi);
			}
		}
	}
	return VNPU_OK;
}
