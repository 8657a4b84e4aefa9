// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Run-time variant selection. The engine never probes the CPU in the kernel
 * build: the module fills vnpu_ctx.features from boot_cpu_has().
 */
#include "vnpu_internal.h"

uint32_t vnpu_engine_cpu_features(void)
{
	uint32_t f = 0;

#ifndef __KERNEL__
	__builtin_cpu_init();
	if (__builtin_cpu_supports("ssse3"))
		f |= VNPU_CPU_SSSE3;
	if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
		f |= VNPU_CPU_AVX2;
	if ((f & VNPU_CPU_AVX2) && __builtin_cpu_supports("avx512f") &&
	    __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") &&
	    __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vnni"))
		f |= VNPU_CPU_AVX512;
	if ((f & VNPU_CPU_AVX512) && __builtin_cpu_supports("avx512bf16"))
		f |= VNPU_CPU_AVX512_BF16;
	if ((f & VNPU_CPU_AVX512) && __builtin_cpu_supports("avx512vbmi"))
		f |= VNPU_CPU_AVX512_VBMI;
#endif
	return f;
}

enum vnpu_variant vnpu_engine_variant(uint32_t features)
{
	if ((features & (VNPU_CPU_AVX2 | VNPU_CPU_AVX512)) ==
	    (VNPU_CPU_AVX2 | VNPU_CPU_AVX512))
		return VNPU_VARIANT_AVX512;
	if (features & VNPU_CPU_AVX2)
		return VNPU_VARIANT_AVX2;
	if (features & VNPU_CPU_SSSE3)
		return VNPU_VARIANT_GENERIC_V2;
	return VNPU_VARIANT_GENERIC;
}

const char *vnpu_variant_name(enum vnpu_variant v)
{
	switch (v) {
	case VNPU_VARIANT_AVX2:
		return "avx2";
	case VNPU_VARIANT_AVX512:
		return "avx512";
	case VNPU_VARIANT_GENERIC_V2:
		return "generic-v2";
	default:
		return "generic";
	}
}
