/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * vnpu number formats and their packed layouts.
 *
 * Element formats (bit-exact):
 *   FP32   IEEE binary32.
 *   BF16   the top half of binary32; conversion RNE, NaN kept quiet.
 *   FP16   IEEE binary16; conversion RNE, overflow to Inf.
 *   E4M3   OCP 8-bit FP "E4M3": bias 7, no Inf, NaN = S.1111.111,
 *          max 448, min normal 2^-6, min subnormal 2^-9.
 *   E5M2   OCP 8-bit FP "E5M2": bias 15, IEEE-like Inf and NaN,
 *          max 57344, min subnormal 2^-16.
 *   E2M1   OCP FP4: bias 1, values 0 0.5 1 1.5 2 3 4 6 and their
 *          negatives (code bit 3 is the sign); no Inf, no NaN.
 *   E8M0   OCP scale: 2^(code - 127), code 0xff is NaN, no sign, no zero.
 *
 * Conversions from FP32 round to nearest, ties to even (RNE). On finite
 * overflow the saturating variant clamps to the format's largest finite
 * value, which is what every MX block conversion uses (the OCP MX spec v1.0
 * permits clamping for FP elements; we always clamp). The non-saturating
 * variant gives Inf (E5M2) or NaN (E4M3). Inf input: saturating clamps to
 * the largest finite value, non-saturating gives Inf (E5M2) / NaN (E4M3).
 * NaN input: NaN (E4M3 0x7f, E5M2 0x7e, with the sign); E2M1 has no NaN
 * and gives +0 (MX blocks holding NaN are marked by their scale instead).
 *
 * Block formats:
 *   MXFP4      32 E2M1 elements sharing one E8M0 scale.
 *   MXFP8_E4M3 32 E4M3 elements, one E8M0 scale.
 *   MXFP8_E5M2 32 E5M2 elements, one E8M0 scale.
 *   MXINT8     32 INT8 elements (two's complement, value q * 2^-6), one E8M0
 *              scale.
 *   NVFP4      16 E2M1 elements sharing one E4M3 scale (positive), and one
 *              FP32 scale per tensor.
 *
 * MX quantization follows OCP MX spec v1.0 section 6.3: for each block,
 * shared_exp = floor(log2(amax)) - emax_elem with emax_elem = 2 (E2M1),
 * 8 (E4M3), 15 (E5M2), 0 (INT8); the scale code is shared_exp + 127,
 * clamped to >= 0 (a block of zeros gets code 0); each element is
 * v / 2^shared_exp converted RNE with saturation. INT8 elements are clamped
 * to [-127, 127] (symmetric; -128 is never produced but decodes fine).
 * A block holding a NaN or an Inf gets scale 0xff (NaN) and element codes 0:
 * the whole block then decodes to NaN, as the spec defines for a NaN scale.
 *
 * NVFP4 quantization (NVIDIA's scheme, written down exactly):
 *   tensor scale  t = amax(tensor) / (6 * 448)   (FP32; 1.0 if amax is 0)
 *   block scale   s = E4M3_sat_rne(amax(block) / (6 * t))
 *   elements      q = E2M1_sat_rne(v / (E4M3(s) * t)), or 0 when s is 0
 *   decode        v = (E2M1(q) * E4M3(s)) * t   (the product is exact)
 * each operation one FP32 operation with RNE, in this order.
 *
 * Canonical packed layout ("planes"), used by vnpu_quantize() and by the
 * runtime for tensors at rest. For a row of n elements:
 *   codes  FP4 formats: byte i holds element 2i in its low nibble and
 *          element 2i+1 in its high nibble ((n + 1) / 2 bytes; an odd tail
 *          leaves the last high nibble 0). FP8/INT8: one byte per element.
 *   scales one byte per block, in block order (E8M0 for MX, E4M3 for
 *          NVFP4); a partial last block is quantized as if padded with 0.
 *   NVFP4 also has the FP32 tensor scale, kept by the caller.
 * The matmul weight "panel" layout is in <vnpu_engine/matmul.h>.
 *
 * Options beyond the spec (flags in struct vnpu_quant_opts), never on by
 * default:
 *   VNPU_Q_MSE_SCALE   per block, try the spec's scale and its neighbours
 *                      and keep the one with the least squared error.
 *   VNPU_Q_STOCHASTIC  stochastic rounding of elements, reproducible from
 *                      opts->seed and the element index.
 * and vnpu_hadamard_rotate(): a randomized Hadamard rotation helper.
 */
#ifndef VNPU_ENGINE_FORMATS_H
#define VNPU_ENGINE_FORMATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <vnpu_engine/engine.h>

enum vnpu_fmt {
	VNPU_FMT_NONE = 0,
	VNPU_FMT_FP32,
	VNPU_FMT_BF16,
	VNPU_FMT_FP16,
	VNPU_FMT_E4M3,
	VNPU_FMT_E5M2,
	VNPU_FMT_E2M1,
	VNPU_FMT_E8M0,
	VNPU_FMT_MXFP4,
	VNPU_FMT_MXFP8_E4M3,
	VNPU_FMT_MXFP8_E5M2,
	VNPU_FMT_MXINT8,
	VNPU_FMT_NVFP4,
	VNPU_FMT_COUNT
};

#define VNPU_MX_BLOCK		32
#define VNPU_NVFP4_BLOCK	16

/* Element conversions on raw bits (FP32 as its uint32_t bit pattern). */
uint8_t vnpu_fp32_to_e2m1(uint32_t f);
uint8_t vnpu_fp32_to_e4m3(uint32_t f, bool sat);
uint8_t vnpu_fp32_to_e5m2(uint32_t f, bool sat);
uint16_t vnpu_fp32_to_bf16(uint32_t f);
uint16_t vnpu_fp32_to_fp16(uint32_t f);
/* E8M0 holding floor(log2(|f|)) clamped to [-127, 127]; 0xff for NaN/Inf/0. */
uint8_t vnpu_fp32_to_e8m0(uint32_t f);

uint32_t vnpu_e2m1_to_fp32(uint8_t c);
uint32_t vnpu_e4m3_to_fp32(uint8_t c);
uint32_t vnpu_e5m2_to_fp32(uint8_t c);
uint32_t vnpu_e8m0_to_fp32(uint8_t c);
uint32_t vnpu_bf16_to_fp32(uint16_t c);
uint32_t vnpu_fp16_to_fp32(uint16_t c);

/* Block size of a block format (1 for element formats, 0 if unknown). */
uint32_t vnpu_fmt_block(uint32_t fmt);
/* Bits per element of the codes plane (4, 8, 16 or 32; 0 if unknown). */
uint32_t vnpu_fmt_bits(uint32_t fmt);
const char *vnpu_fmt_name(uint32_t fmt);

#define VNPU_Q_MSE_SCALE	(1u << 0)
#define VNPU_Q_STOCHASTIC	(1u << 1)

/**
 * struct vnpu_quant_opts - non-spec quantization options.
 * @flags: VNPU_Q_* bits; 0 is the spec's algorithm.
 * @seed: stochastic rounding seed; element i of the call draws its random
 *        bits from (seed, i) only, so results do not depend on threads.
 */
struct vnpu_quant_opts {
	uint32_t flags;
	uint32_t reserved;
	uint64_t seed;
};

/*
 * Quantize n FP32 values into a block format (planes layout above).
 * @tscale: NVFP4 only, the FP32 tensor scale to use (see
 * vnpu_nvfp4_tensor_scale()); ignored otherwise. @opts may be NULL.
 * Returns 0 or VNPU_EINVAL.
 */
int vnpu_quantize(uint32_t fmt, const float *x, size_t n, uint8_t *codes,
		  uint8_t *scales, const float *tscale,
		  const struct vnpu_quant_opts *opts);
int vnpu_dequantize(uint32_t fmt, const uint8_t *codes, const uint8_t *scales,
		    const float *tscale, size_t n, float *y);
/* t = amax / (6 * 448), 1.0 when amax is 0; NaN if x holds NaN or Inf. */
void vnpu_nvfp4_tensor_scale(const float *x, size_t n, float *t);

/*
 * Element-wise conversion between the scalar formats FP32, BF16, FP16, E4M3,
 * E5M2 (saturating for FP8). Returns 0 or VNPU_EINVAL.
 */
int vnpu_convert(uint32_t dst_fmt, void *dst, uint32_t src_fmt,
		 const void *src, size_t n);

/*
 * Randomized Hadamard rotation (non-spec helper): for each consecutive
 * group of @block values (a power of two, 2..4096), multiply by a random
 * diagonal of signs drawn from @seed, then by the normalized Walsh-Hadamard
 * matrix H / sqrt(block) (inverse: H first, then the signs). The butterfly
 * order is fixed, so results are deterministic; the rotation is exact up to
 * FP32 rounding (about log2(block) roundings per value, plus the scaling by
 * 1/sqrt(block), exact when log2(block) is even).
 */
int vnpu_hadamard_rotate(float *x, size_t n, uint32_t block, uint64_t seed,
			 bool inverse);

#endif /* VNPU_ENGINE_FORMATS_H */
