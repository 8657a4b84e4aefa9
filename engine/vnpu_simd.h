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
typedef double v8df __attribute__((vector_size(64)));
typedef int64_t v8di __attribute__((vector_size(64)));

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
typedef v8df vnpu_v8df_ua __attribute__((aligned(1), may_alias));

static inline uint32_t vnpu_ld32(const void *p)
{
	return *(const vnpu_u32_ua *)p;
}

/*
 * Copy N bytes (any N, any alignment; no overlap) in 16-byte pieces, four
 * at a time, then 8, 4, 2 and 1: the engine may not call memcpy, and its
 * byte loop (vnpu_copy()) moves ~2 GB/s.
 */
static inline void vnpu_copy_block(void *dst, const void *src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;
	size_t o = 0;

	for (; o + 64 <= n; o += 64) {
		v16qu a = *(const vnpu_v16qu_ua *)(s + o);
		v16qu b = *(const vnpu_v16qu_ua *)(s + o + 16);
		v16qu c = *(const vnpu_v16qu_ua *)(s + o + 32);
		v16qu e = *(const vnpu_v16qu_ua *)(s + o + 48);

		*(vnpu_v16qu_ua *)(d + o) = a;
		*(vnpu_v16qu_ua *)(d + o + 16) = b;
		*(vnpu_v16qu_ua *)(d + o + 32) = c;
		*(vnpu_v16qu_ua *)(d + o + 48) = e;
	}
	for (; o + 16 <= n; o += 16)
		*(vnpu_v16qu_ua *)(d + o) = *(const vnpu_v16qu_ua *)(s + o);
	if (n - o >= 8) {
		*(vnpu_u64_ua *)(d + o) = *(const vnpu_u64_ua *)(s + o);
		o += 8;
	}
	if (n - o >= 4) {
		*(vnpu_u32_ua *)(d + o) = *(const vnpu_u32_ua *)(s + o);
		o += 4;
	}
	for (; o < n; o++)
		d[o] = s[o];
}

#endif /* VNPU_SIMD_H */
