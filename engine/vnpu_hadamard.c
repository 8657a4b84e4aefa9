// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Randomized Hadamard rotation (a non-spec helper: spreading outliers over a
 * block before FP4 quantization). Fixed butterfly order, so deterministic.
 */
#include "vnpu_internal.h"
#include <vnpu_engine/formats.h>

static void vnpu_fwht(float *x, uint32_t n)
{
	for (uint32_t h = 1; h < n; h <<= 1) {
		for (uint32_t i = 0; i < n; i += 2 * h) {
			for (uint32_t j = i; j < i + h; j++) {
				float a = x[j], b = x[j + h];

				x[j] = a + b;
				x[j + h] = a - b;
			}
		}
	}
}

int vnpu_hadamard_rotate(float *x, size_t n, uint32_t block, uint64_t seed,
			 bool inverse)
{
	uint32_t lg = 0;
	float norm;

	if (!x || block < 2 || block > 4096 || (block & (block - 1)) || n % block)
		return VNPU_EINVAL;
	while ((1u << lg) < block)
		lg++;
	/* 1/sqrt(block): exact power of two for even lg, else times 1/sqrt(2) */
	norm = vnpu_pow2f(-(int)(lg / 2));
	if (lg & 1)
		norm *= 0.70710678118654752f;
	for (size_t g = 0; g < n; g += block) {
		float *v = x + g;

		if (!inverse) {
			for (uint32_t i = 0; i < block; i++)
				if (vnpu_hash64(seed, i) & 1)
					v[i] = -v[i];
		}
		vnpu_fwht(v, block);
		for (uint32_t i = 0; i < block; i++)
			v[i] *= norm;
		if (inverse) {
			for (uint32_t i = 0; i < block; i++)
				if (vnpu_hash64(seed, i) & 1)
					v[i] = -v[i];
		}
	}
	return VNPU_OK;
}
