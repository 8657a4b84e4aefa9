/* SPDX-License-Identifier: GPL-2.0 */
/* The element formats under test, shared by the sampled and exhaustive tests. */
#ifndef VNPU_TEST_FMT_CASES_H
#define VNPU_TEST_FMT_CASES_H

#include <vnpu_engine/formats.h>
#include "ref_formats.h"

struct conv_case {
	const char *name;
	struct ref_fmt f;
	bool sat;
	uint32_t nan_code, inf_code, ovf_code;
	uint32_t (*conv)(uint32_t u, bool sat);
};

static inline uint32_t cc_e2m1(uint32_t u, bool sat) { return vnpu_fp32_to_e2m1(u); }
static inline uint32_t cc_e4m3(uint32_t u, bool sat) { return vnpu_fp32_to_e4m3(u, sat); }
static inline uint32_t cc_e5m2(uint32_t u, bool sat) { return vnpu_fp32_to_e5m2(u, sat); }
static inline uint32_t cc_fp16(uint32_t u, bool sat) { return vnpu_fp32_to_fp16(u); }
static inline uint32_t cc_bf16(uint32_t u, bool sat) { return vnpu_fp32_to_bf16(u); }

#define CONV_CASES(X) \
	X("e2m1", 2, 1, 1, 0x7, 0x8, true, 0, 0, 0x7, cc_e2m1) \
	X("e4m3_sat", 4, 3, 7, 0x7e, 0x80, true, 0x7f, 0x7f, 0x7f, cc_e4m3) \
	X("e4m3", 4, 3, 7, 0x7e, 0x80, false, 0x7f, 0x7f, 0x7f, cc_e4m3) \
	X("e5m2_sat", 5, 2, 15, 0x7b, 0x80, true, 0x7e, 0x7c, 0x7c, cc_e5m2) \
	X("e5m2", 5, 2, 15, 0x7b, 0x80, false, 0x7e, 0x7c, 0x7c, cc_e5m2) \
	X("fp16", 5, 10, 15, 0x7bff, 0x8000, false, 0x7e00, 0x7c00, 0x7c00, cc_fp16) \
	X("bf16", 8, 7, 127, 0x7f7f, 0x8000, false, 0, 0x7f80, 0x7f80, cc_bf16)

#define CONV_CASE_INIT(n, e, m, b, mx, sb, s, nc, ic, oc, fn) \
	{ n, { n, e, m, b, mx, sb, NULL }, s, nc, ic, oc, fn },

static inline int conv_cases(struct conv_case *out)
{
	struct conv_case all[] = { CONV_CASES(CONV_CASE_INIT) };
	int n = sizeof(all) / sizeof(all[0]);

	for (int i = 0; i < n; i++) {
		out[i] = all[i];
		ref_fmt_init(&out[i].f);
	}
	return n;
}

/* Expected code for FP32 bits u (bf16 NaN keeps the payload, quieted). */
static inline uint32_t conv_expect(const struct conv_case *c, uint32_t u)
{
	if (!strcmp(c->name, "bf16") && isnan(ref_bits_f(u)))
		return (u >> 16) | 0x40;
	return ref_convert(&c->f, u, c->sat, c->nan_code, c->inf_code, c->ovf_code);
}

#endif
