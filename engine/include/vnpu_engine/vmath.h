/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The engine's own math functions (no libm, so the kernel and userspace
 * builds agree bit for bit). Scalar, deterministic, float in and out: call
 * them only from code built with FPU flags.
 *
 * Error bounds, measured against glibc in double by tests/engine/test_math.c
 * over dense sweeps of the stated domains (ulp of the FP32 result):
 *   vnpu_expf      <= 1 ulp       all finite x (0 / Inf outside the range)
 *   vnpu_expm1f    <= 2 ulp
 *   vnpu_log2f     <= 1 ulp       x > 0; log2(0) = -Inf, x < 0 NaN
 *   vnpu_tanhf     <= 2 ulp
 *   vnpu_erff      <= 1 ulp
 *   vnpu_sigmoidf  <= 2 ulp
 *   vnpu_rsqrtf    <= 1 ulp       (evaluated in double, then rounded)
 *   vnpu_sqrtf     <= 1 ulp
 *   vnpu_sincos    <= 1 ulp       for |x| < 2^24 (double argument)
 *   vnpu_geluf, vnpu_gelu_tanhf  <= 2 ulp
 * (The sweeps currently measure 0.5 ulp everywhere: the double evaluation
 * is correctly rounded except in rare near-tie cases.)
 *
 * vnpu_fexpf is e^x evaluated in float only (Cephes-style range reduction
 * and polynomial, no FMA), the same lane code as the SIMD softmax and
 * attention use, so those agree with it bit for bit on every variant:
 *   vnpu_fexpf     <= 2 ulp       ln FLT_MIN <= x <= ln FLT_MAX
 *                  +0 below (results under FLT_MIN are flushed: absolute
 *                  error < 1.2e-38), +Inf above, NaN for NaN
 * (test_math.c's sweeps measure 0.97 ulp at most; the softmax rows use it.)
 *
 * vnpu_siluf is x / (1 + vnpu_fexpf(-x)) in float, each step FP32 RNE (the
 * SIMD loops of vnpu_silu() and vnpu_swiglu() compute the same lanes):
 *   vnpu_siluf     <= 3 ulp       |x| <= 88.72 (every third float of it
 *                                 measured: 2.39 ulp at most)
 *                  -0 below -88.72 (e^-x overflows; |exact| < 2.6e-37),
 *                  x itself above 87.34 (e^-x flushed to +0),
 *                  NaN for NaN and -Inf
 */
#ifndef VNPU_ENGINE_VMATH_H
#define VNPU_ENGINE_VMATH_H

float vnpu_expf(float x);
float vnpu_fexpf(float x);
float vnpu_expm1f(float x);
float vnpu_log2f(float x);
float vnpu_tanhf(float x);
float vnpu_erff(float x);
float vnpu_sigmoidf(float x);
float vnpu_rsqrtf(float x);
float vnpu_sqrtf(float x);
void vnpu_sincos(double x, float *s, float *c);
float vnpu_siluf(float x);
float vnpu_geluf(float x);
float vnpu_gelu_tanhf(float x);

#endif /* VNPU_ENGINE_VMATH_H */
