/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Variants of element-wise ops (the same bits as the <vnpu_engine/ops.h>
 * functions), for the ISA executor to pick by the context's features.
 */
#ifndef VNPU_OPS_VEC_H
#define VNPU_OPS_VEC_H

#include <stddef.h>

/* vnpu_silu() and vnpu_swiglu() in 16 lanes (CPUs with AVX-512) */
void vnpu_silu_avx512(float *y, const float *x, size_t n);
void vnpu_swiglu_avx512(float *y, const float *gate, const float *up, size_t n);
/* vnpu_rmsnorm() (CPUs with AVX-512) */
void vnpu_rmsnorm_avx512(float *y, const float *x, const float *w,
			 const float *eps, size_t n);

#endif /* VNPU_OPS_VEC_H */
