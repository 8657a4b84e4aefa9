/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Engine-internal helpers. Every engine .c includes this first.
 */
#ifndef VNPU_INTERNAL_H
#define VNPU_INTERNAL_H

/*
 * The build passes -ffp-contract=off (never fuse a*b+c behind our back: the
 * generic variant cannot, so a contracted SIMD variant would give other
 * bits; where the arithmetic wants an FMA the code asks for one) and
 * -fno-tree-loop-distribute-patterns (no memset/memcpy calls: the kernel
 * build has no libc behind them).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <limits.h>
#include <float.h>

#include <vnpu_engine/engine.h>

#define VNPU_TARGET_AVX2 __attribute__((target("avx2,fma,f16c")))
#define VNPU_TARGET_AVX512 \
	__attribute__((target("avx2,fma,f16c,avx512f,avx512bw,avx512vl,avx512dq,avx512vnni")))

#define vnpu_likely(x) __builtin_expect(!!(x), 1)
#define vnpu_unlikely(x) __builtin_expect(!!(x), 0)
#define VNPU_ALWAYS_INLINE inline __attribute__((always_inline))
/* the kernel's noinline; userspace builds have no such macro */
#define VNPU_NOINLINE __attribute__((__noinline__))

static inline float vnpu_f32(uint32_t u)
{
	union { uint32_t u; float f; } v = { .u = u };
	return v.f;
}

static inline uint32_t vnpu_u32(float f)
{
	union { float f; uint32_t u; } v = { .f = f };
	return v.u;
}

static inline double vnpu_f64(uint64_t u)
{
	union { uint64_t u; double f; } v = { .u = u };
	return v.f;
}

static inline uint64_t vnpu_u64(double f)
{
	union { double f; uint64_t u; } v = { .f = f };
	return v.u;
}

/* 2^e as a float, for e in [-149, 127] (exact; subnormal below -126). */
static inline float vnpu_pow2f(int e)
{
	if (e >= -126)
		return vnpu_f32((uint32_t)(e + 127) << 23);
	return vnpu_f32(1u << (e + 149));
}

static inline float vnpu_fabsf(float x)
{
	return vnpu_f32(vnpu_u32(x) & 0x7fffffffu);
}

static inline bool vnpu_isfinite_bits(uint32_t u)
{
	return (u & 0x7f800000u) != 0x7f800000u;
}

/* Counter-based random bits: the same (seed, index) always gives the same. */
static inline uint64_t vnpu_hash64(uint64_t seed, uint64_t idx)
{
	uint64_t z = seed + 0x9e3779b97f4a7c15ull * (idx + 1);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Small helpers instead of memset/memcpy, which the kernel build lacks. */
static inline void vnpu_zero(void *p, size_t n)
{
	uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		b[i] = 0;
}

static inline void vnpu_copy(void *d, const void *s, size_t n)
{
	uint8_t *db = d;
	const uint8_t *sb = s;

	for (size_t i = 0; i < n; i++)
		db[i] = sb[i];
}

/* Element conversion core (vnpu_elem.c). */
uint32_t vnpu_round_small(uint32_t f, int mbits, int bias, uint32_t maxcode,
			  uint32_t ovf_code, bool sat, uint32_t rbits, bool stoch);
float vnpu_fp32_to_e2m1_val(float x);

struct vnpu_quant_opts;

/*
 * Vectorized MXFP4/MXINT8 quantization of full blocks [b, nblk); stops at
 * a block holding NaN or Inf and returns its index (vnpu_quant_vec.c).
 */
size_t vnpu_mx_quant_vec(uint32_t fmt, const float *x, size_t b, size_t nblk,
			 uint8_t *codes, uint8_t *scales);
/* The scalar definition of vnpu_quantize() (what the tests compare to). */
int vnpu_quantize_scalar(uint32_t fmt, const float *x, size_t n, uint8_t *codes,
			 uint8_t *scales, const float *tscale,
			 const struct vnpu_quant_opts *opts);

/* Double-precision helpers of vnpu_math.c (about 1e-15 relative). */
double vnpu_exp_dbl(double x);
double vnpu_log2_dbl(double x);

#endif /* VNPU_INTERNAL_H */
