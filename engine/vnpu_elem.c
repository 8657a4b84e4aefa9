// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Element format conversions (E2M1, E4M3, E5M2, E8M0, BF16, FP16 <-> FP32),
 * on raw bit patterns so no float crosses the interface.
 */
#include "vnpu_internal.h"
#include <vnpu_engine/formats.h>

/*
 * Round the magnitude of the finite FP32 @f to a small binary format with
 * @mbits mantissa bits and exponent bias @bias; returns the magnitude code.
 * Codes above @maxcode are overflow: @maxcode when @sat, else @ovf_code.
 * With @stoch, @rbits (uniform random) replaces round-to-nearest-even:
 * the value rounds up with probability equal to the dropped fraction.
 */
uint32_t vnpu_round_small(uint32_t f, int mbits, int bias, uint32_t maxcode,
			  uint32_t ovf_code, bool sat, uint32_t rbits, bool stoch)
{
	uint32_t a = f & 0x7fffffffu;
	int e = (int)(a >> 23), ue, emin = 1 - bias, s;
	uint64_t v, q, rem;

	if (a == 0)
		return 0;
	if (e == 0) {
		v = a;			/* FP32 subnormal: no hidden bit */
		ue = -126;
	} else {
		v = (a & 0x7fffffu) | 0x800000u;
		ue = e - 127;
	}
	if (ue >= emin) {
		/* Target normal: exponent field rides above the mantissa. */
		v += (uint64_t)(ue - emin) << 23;
		s = 23 - mbits;
	} else {
		s = 23 - mbits + (emin - ue);
	}
	if (s >= 48)
		return 0;	/* far below half the smallest subnormal */
	q = v >> s;
	rem = v & ((1ull << s) - 1);
	if (stoch) {
		/* 32 random bits compared against the dropped fraction. */
		uint64_t thr = s > 32 ? rem >> (s - 32) : rem << (32 - s);

		if ((uint64_t)rbits < thr)
			q++;
	} else if (s > 0) {
		uint64_t half = 1ull << (s - 1);

		if (rem > half || (rem == half && (q & 1)))
			q++;
	}
	if (q > maxcode)
		return sat ? maxcode : ovf_code;
	return (uint32_t)q;
}

uint8_t vnpu_fp32_to_e2m1(uint32_t f)
{
	uint32_t sign = (f >> 28) & 8;

	if ((f & 0x7fffffffu) > 0x7f800000u)
		return 0;
	if ((f & 0x7fffffffu) == 0x7f800000u)
		return (uint8_t)(sign | 7);
	return (uint8_t)(sign | vnpu_round_small(f, 1, 1, 7, 7, true, 0, false));
}

uint8_t vnpu_fp32_to_e4m3(uint32_t f, bool sat)
{
	uint32_t sign = (f >> 24) & 0x80;

	if ((f & 0x7fffffffu) > 0x7f800000u)
		return (uint8_t)(sign | 0x7f);
	if ((f & 0x7fffffffu) == 0x7f800000u)
		return (uint8_t)(sign | (sat ? 0x7e : 0x7f));
	return (uint8_t)(sign | vnpu_round_small(f, 3, 7, 0x7e, 0x7f, sat, 0, false));
}

uint8_t vnpu_fp32_to_e5m2(uint32_t f, bool sat)
{
	uint32_t sign = (f >> 24) & 0x80;

	if ((f & 0x7fffffffu) > 0x7f800000u)
		return (uint8_t)(sign | 0x7e);
	if ((f & 0x7fffffffu) == 0x7f800000u)
		return (uint8_t)(sign | (sat ? 0x7b : 0x7c));
	return (uint8_t)(sign | vnpu_round_small(f, 2, 15, 0x7b, 0x7c, sat, 0, false));
}

uint16_t vnpu_fp32_to_fp16(uint32_t f)
{
	uint32_t sign = (f >> 16) & 0x8000;

	if ((f & 0x7fffffffu) > 0x7f800000u)
		return (uint16_t)(sign | 0x7e00);
	if ((f & 0x7fffffffu) == 0x7f800000u)
		return (uint16_t)(sign | 0x7c00);
	return (uint16_t)(sign | vnpu_round_small(f, 10, 15, 0x7bff, 0x7c00,
						  false, 0, false));
}

uint16_t vnpu_fp32_to_bf16(uint32_t f)
{
	if ((f & 0x7fffffffu) > 0x7f800000u)
		return (uint16_t)((f >> 16) | 0x40);
	return (uint16_t)((f + 0x7fffu + ((f >> 16) & 1)) >> 16);
}

uint8_t vnpu_fp32_to_e8m0(uint32_t f)
{
	uint32_t a = f & 0x7fffffffu;
	int e;

	if (a == 0 || a >= 0x7f800000u)
		return 0xff;
	if (a >= 0x800000u)
		e = (int)(a >> 23) - 127;
	else
		e = (31 - __builtin_clz(a)) - 149;
	if (e < -127)
		e = -127;
	return (uint8_t)(e + 127);
}

/* Decode a finite small-float magnitude code to FP32 bits. */
static uint32_t vnpu_decode_small(uint32_t c, int mbits, int bias)
{
	uint32_t ef = c >> mbits, m = c & ((1u << mbits) - 1);
	int p;

	if (ef)
		return ((ef - bias + 127) << 23) | (m << (23 - mbits));
	if (!m)
		return 0;
	p = 31 - __builtin_clz(m);	/* leading bit of the subnormal */
	return ((uint32_t)(p + 1 - bias - mbits + 127) << 23) |
	       ((m ^ (1u << p)) << (23 - p));
}

uint32_t vnpu_e2m1_to_fp32(uint8_t c)
{
	return ((uint32_t)(c & 8) << 28) | vnpu_decode_small(c & 7, 1, 1);
}

uint32_t vnpu_e4m3_to_fp32(uint8_t c)
{
	uint32_t sign = (uint32_t)(c & 0x80) << 24;

	if ((c & 0x7f) == 0x7f)
		return sign | 0x7fc00000u;
	return sign | vnpu_decode_small(c & 0x7f, 3, 7);
}

uint32_t vnpu_e5m2_to_fp32(uint8_t c)
{
	uint32_t sign = (uint32_t)(c & 0x80) << 24;

	if ((c & 0x7c) == 0x7c)
		return sign | ((c & 3) ? 0x7fc00000u : 0x7f800000u);
	return sign | vnpu_decode_small(c & 0x7f, 2, 15);
}

uint32_t vnpu_fp16_to_fp32(uint16_t c)
{
	uint32_t sign = (uint32_t)(c & 0x8000) << 16;

	if ((c & 0x7c00) == 0x7c00)
		return sign | 0x7f800000u | ((uint32_t)(c & 0x3ff) << 13) |
		       ((c & 0x3ff) ? 0x400000u : 0);
	return sign | vnpu_decode_small(c & 0x7fff, 10, 15);
}

uint32_t vnpu_bf16_to_fp32(uint16_t c)
{
	return (uint32_t)c << 16;
}

uint32_t vnpu_e8m0_to_fp32(uint8_t c)
{
	if (c == 0xff)
		return 0x7fc00000u;
	if (c == 0)
		return 0x00400000u;	/* 2^-127 is an FP32 subnormal */
	return (uint32_t)c << 23;
}

float vnpu_fp32_to_e2m1_val(float x)
{
	return vnpu_f32(vnpu_e2m1_to_fp32(vnpu_fp32_to_e2m1(vnpu_u32(x))));
}
