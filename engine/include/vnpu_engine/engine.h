/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * vnpu compute engine: common definitions.
 *
 * The engine is freestanding C shared by the kernel module (the emulated
 * card's AI cores) and userspace (the runtime's CPU backend). It never
 * allocates, keeps no global state and calls nothing outside itself: the
 * caller passes all memory and a small context.
 *
 * Kernel-facing entry points take and return only pointers and integers, so
 * they can be called from files built without FPU flags; floats appear only
 * inside structures passed by pointer. Everything except this header's
 * inline helpers must be called between kernel_fpu_begin()/kernel_fpu_end()
 * in the kernel.
 *
 * SIMD variants (generic C, AVX2+FMA+F16C, AVX-512) are chosen at run time
 * from the feature mask in the context; each output element's arithmetic is
 * fixed by the format's block structure and ascending K, so every variant
 * and every tiling gives the same bits.
 *
 * "Generic" (the portable variant) is portable GNU C source: GCC vector
 * extensions, no intrinsics, no asm; not the oldest ISA. On x86-64 its
 * integer FP4 kernel is built twice: for the SSE2 baseline ("generic", the
 * fallback for CPUs without SSSE3) and for the x86-64-v2 level
 * ("generic-v2", a byte-shuffle E2M1 decode), chosen by VNPU_CPU_SSSE3.
 */
#ifndef VNPU_ENGINE_ENGINE_H
#define VNPU_ENGINE_ENGINE_H

#include <stddef.h>
#include <stdint.h>

/* CPU features the engine can use (bit mask). */
#define VNPU_CPU_AVX2		(1u << 0)	/* AVX2 + FMA + F16C */
#define VNPU_CPU_AVX512		(1u << 1)	/* F, BW, VL, VNNI (and DQ) */
#define VNPU_CPU_AVX512_BF16	(1u << 2)
#define VNPU_CPU_AVX512_VBMI	(1u << 3)
#define VNPU_CPU_SSSE3		(1u << 4)	/* the generic-v2 build (x86-64) */
#define VNPU_CPU_ALL		0x1fu

/*
 * Variants, as reported by vnpu_engine_variant(): AVX-512 needs
 * VNPU_CPU_AVX2 and VNPU_CPU_AVX512, AVX2 VNPU_CPU_AVX2, generic-v2
 * VNPU_CPU_SSSE3 (on x86-64; elsewhere it is the one generic build);
 * generic needs nothing.
 */
enum vnpu_variant {
	VNPU_VARIANT_GENERIC = 0,
	VNPU_VARIANT_AVX2 = 1,
	VNPU_VARIANT_AVX512 = 2,
	VNPU_VARIANT_GENERIC_V2 = 3,
};

/* Status codes: 0 or a negative errno-like value. */
#define VNPU_OK		0
#define VNPU_EFAULT	(-14)	/* an index outside its table */
#define VNPU_EINVAL	(-22)	/* bad shape, format or pointer */
#define VNPU_ENOSPC	(-28)	/* scratch buffer too small */
#define VNPU_ENOTSUP	(-95)	/* format combination not implemented */

/**
 * struct vnpu_ctx - what every engine call needs besides its operands.
 * @features: VNPU_CPU_* bits the caller allows (tests force variants here).
 * @scratch: caller-owned scratch memory, 64-byte aligned.
 * @scratch_size: its size in bytes.
 */
struct vnpu_ctx {
	uint32_t features;
	uint32_t reserved;
	void *scratch;
	size_t scratch_size;
};

/*
 * The features of the running CPU (userspace build only: the kernel fills
 * the mask from boot_cpu_has()).
 */
uint32_t vnpu_engine_cpu_features(void);

/* The variant a context's feature mask selects. */
enum vnpu_variant vnpu_engine_variant(uint32_t features);
const char *vnpu_variant_name(enum vnpu_variant v);

#endif /* VNPU_ENGINE_ENGINE_H */
