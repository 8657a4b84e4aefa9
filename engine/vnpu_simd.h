/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * GCC vector types and small helpers for the SIMD kernels (no intrinsics
 * headers: they cannot be included in a kernel build).
 */
#ifndef VNPU_SIMD_H
#define VNPU_SIMD_H

#include "vnpu_internal.h"

typedef float v8sf __attribute__((vector_size(32)));
typedef int32_t v8si __attribute__((vector_size(32)));
typedef uint32_t v8su __attribute__((vector_size(32)));
typedef int16_t v16hi __attribute__((vector_size(32)));
typedef char v32qi __attribute__((vector_size(32)));
typedef uint8_t v8qu __attribute__((vector_size(8)));

typedef float v16sf __attribute__((vector_size(64)));
typedef int32_t v16si __attribute__((vector_size(64)));
typedef uint32_t v16su __attribute__((vector_size(64)));
typedef char v64qi __attribute__((vector_size(64)));
typedef uint8_t v16qu __attribute__((vector_size(16)));
typedef char v16qi __attribute__((vector_size(16)));
typedef int16_t v16hi_512 __attribute__((vector_size(32)));
typedef uint16_t v16hu __attribute__((vector_size(32)));
typedef int16_t v8hi __attribute__((vector_size(16)));
typedef uint16_t v8hu __attribute__((vector_size(16)));

/* unaligned, aliasing-safe loads */
typedef long long v2di __attribute__((vector_size(16)));
typedef uint64_t vnpu_u64_ua __attribute__((aligned(1), may_alias));
typedef uint32_t vnpu_u32_ua __attribute__((aligned(1), may_alias));
typedef v8si vnpu_v8si_ua __attribute__((aligned(1), may_alias));
typedef v16si vnpu_v16si_ua __attribute__((aligned(1), may_alias));
typedef v16qu vnpu_v16qu_ua __attribute__((aligned(1), may_alias));
typedef v16qi vnpu_v16qi_ua __attribute__((aligned(1), may_alias));
typedef v8qu vnpu_v8qu_ua __attribute__((aligned(1), may_alias));
typedef v16sf vnpu_v16sf_ua __attribute__((aligned(1), may_alias));
typedef v8sf vnpu_v8sf_ua __attribute__((aligned(1), may_alias));
typedef v16hu vnpu_v16hu_ua __attribute__((aligned(1), may_alias));
typedef v8hu vnpu_v8hu_ua __attribute__((aligned(1), may_alias));

static inline uint32_t vnpu_ld32(const void *p)
{
	return *(const vnpu_u32_ua *)p;
}

#endif /* VNPU_SIMD_H */
