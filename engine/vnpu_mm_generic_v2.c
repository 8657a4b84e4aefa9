// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The portable integer FP4 kernel (vnpu_mm_generic.c) built a second time
 * for the x86-64-v2 level, as vnpu_kint_generic_v2(). The source is the
 * same GNU C: with SSSE3 its E2M1 decode is a byte shuffle (pshufb), which
 * a baseline (SSE2) x86-64 build lacks. vnpu_matmul() picks it for
 * VNPU_VARIANT_GENERIC_V2 (VNPU_CPU_SSSE3); the baseline build stays the
 * fallback for CPUs without SSSE3. Both give the same bits.
 *
 * The ISA comes from the pragma, as the AVX2/AVX-512 files get theirs
 * from target attributes, so the userspace Makefile and Kbuild build this
 * file with the flags of every other engine file. The engine headers are
 * included before it: their inline helpers keep the baseline target and
 * inline into the SSSE3 functions (a subset of their ISA).
 */
#include "vnpu_mm.h"
#include "vnpu_simd.h"
#include <vnpu_engine/vmath.h>

#ifdef __x86_64__
#pragma GCC target("ssse3")
#define VNPU_KINT_GENERIC_NAME vnpu_kint_generic_v2
#include "vnpu_mm_generic.c"
#endif
