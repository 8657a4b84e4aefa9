/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Variants of element-wise ops (the same bits as the <vnpu_engine/ops.h>
 * functions), for the ISA executor to pick by the context's features.
 */
#ifndef VNPU_OPS_VEC_H
#define VNPU_OPS_VEC_H

#include <stddef.h>
#include <stdint.h>

/* vnpu_silu() and vnpu_swiglu() in 16 lanes (CPUs with AVX-512) */
void vnpu_silu_avx512(float *y, const float *x, size_t n);
void vnpu_swiglu_avx512(float *y, const float *gate, const float *up, size_t n);
/* vnpu_rmsnorm() (CPUs with AVX-512) */
void vnpu_rmsnorm_avx512(float *y, const float *x, const float *w,
			 const float *eps, size_t n);

/*
 * vnpu_rope() of one token (CPUs with AVX-512): its angles' sin and cos
 * in 8 lanes at a time into SC (dim floats: sin, then cos), then the
 * same rotation per element.
 */
void vnpu_rope_avx512(float *x, uint32_t heads, uint32_t dim, uint32_t pos,
		      const float *inv_freq, uint32_t mode, float *sc);
/* vnpu_sincos() of the 8 angles at x (CPUs with AVX-512) */
void vnpu_sincos8_avx512(const double *x, float *s, float *c);

#endif /* VNPU_OPS_VEC_H */
