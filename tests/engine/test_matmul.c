// SPDX-License-Identifier: GPL-2.0
/*
 * Matmul: every variant and every thread split gives the same bits, and the
 * result is within the stated bound of an FP64 reference computed from the
 * exact (dequantized) operands.
 */
#include <math.h>
#include <stdio.h>

#include "kselftest_harness.h"
#include "mm_util.h"

/*
 * The variants, the portable C kernels first in both their builds: generic
 * (the SSE2 baseline) and generic-v2 (x86-64-v2, VNPU_CPU_SSSE3); AVX-512
 * without its optional extensions (on any AVX-512 CPU, so a VBMI host
 * runs the pshufb E2M1 decode too); the last, AVX-512 with the extensions
 * the CPU has (BF16: vdpbf16ps kernels, VBMI: the vpermb decode), is
 * filled in by nvar().
 */
static uint32_t variants[] = {
	0, VNPU_CPU_SSSE3, VNPU_CPU_AVX2, VNPU_CPU_AVX2 | VNPU_CPU_AVX512,
	VNPU_CPU_AVX2 | VNPU_CPU_AVX512,
};
#define V_AVX2	2	/* variants[V_AVX2]: AVX2 */
#define V_EXT	4	/* variants[V_EXT]: AVX-512 with the CPU's extensions */

/* Variants to compare: the last where the CPU has an extension. */
static size_t nvar(void)
{
	uint32_t ext = vnpu_engine_cpu_features() &
		       (VNPU_CPU_AVX512_BF16 | VNPU_CPU_AVX512_VBMI);

	variants[V_EXT] |= ext;
	return ext ? V_EXT + 1 : V_EXT;
}

/* Which variant a feature mask selects, and the names tools print. */
TEST(variants_follow_the_feature_mask)
{
	static const struct {
		uint32_t f;
		enum vnpu_variant v;
		const char *name;
	} cs[] = {
		{ 0, VNPU_VARIANT_GENERIC, "generic" },
		{ VNPU_CPU_SSSE3, VNPU_VARIANT_GENERIC_V2, "generic-v2" },
		{ VNPU_CPU_SSSE3 | VNPU_CPU_AVX2, VNPU_VARIANT_AVX2, "avx2" },
		{ VNPU_CPU_AVX2, VNPU_VARIANT_AVX2, "avx2" },
		/* AVX-512 bits without AVX2 do not select it */
		{ VNPU_CPU_SSSE3 | VNPU_CPU_AVX512, VNPU_VARIANT_GENERIC_V2, "generic-v2" },
		{ VNPU_CPU_ALL, VNPU_VARIANT_AVX512, "avx512" },
		{ UINT32_MAX, VNPU_VARIANT_AVX512, "avx512" },
	};

	for (size_t i = 0; i < sizeof(cs) / sizeof(cs[0]); i++) {
		ASSERT_EQ(cs[i].v, vnpu_engine_variant(cs[i].f)) TH_LOG("mask %#x", cs[i].f);
		ASSERT_STREQ(cs[i].name, vnpu_variant_name(vnpu_engine_variant(cs[i].f)));
	}
	/* the running CPU's mask: SSSE3 exactly when the CPU has it */
	__builtin_cpu_init();
	ASSERT_EQ(!!__builtin_cpu_supports("ssse3"),
		  !!(vnpu_engine_cpu_features() & VNPU_CPU_SSSE3));
	ASSERT_EQ(0u, vnpu_engine_cpu_features() & ~VNPU_CPU_ALL);
}

struct mm_case {
	uint32_t m, n, k, w_fmt, a_fmt, a_quant, c_fmt, act;
	bool bias;
};

struct mm_ops {
	struct mm_case c;
	struct mm_w w;
	float *a32, *aeff, *bias;
	uint16_t *a16;
	struct vnpu_matmul mm;
	size_t csize;
};

static float bf16_round(float x)
{
	uint32_t u;

	memcpy(&u, &x, 4);
	u = (uint32_t)vnpu_fp32_to_bf16(u) << 16;
	memcpy(&x, &u, 4);
	return x;
}

static void ops_make(struct mm_ops *o, const struct mm_case *c, uint64_t seed)
{
	size_t ak = (size_t)c->m * c->k;
	float *wsrc = malloc(sizeof(float) * c->n * c->k);

	memset(o, 0, sizeof(*o));
	o->c = *c;
	mm_fill(wsrc, (size_t)c->n * c->k, seed, 6.0f);
	mm_w_make(&o->w, c->w_fmt, c->n, c->k, wsrc);
	free(wsrc);
	o->a32 = malloc(sizeof(float) * ak);
	o->aeff = malloc(sizeof(float) * ak);
	o->a16 = malloc(2 * ak);
	mm_fill(o->a32, ak, seed + 99, 4.0f);
	for (size_t i = 0; i < ak; i++) {
		uint32_t u;

		memcpy(&u, &o->a32[i], 4);
		o->a16[i] = vnpu_fp32_to_bf16(u);
		o->aeff[i] = c->a_fmt == VNPU_FMT_BF16 ? bf16_round(o->a32[i]) : o->a32[i];
	}
	if (c->a_quant != VNPU_FMT_NONE) {
		for (size_t b = 0; b < ak / 32; b++) {
			uint8_t codes[32], sc;

			vnpu_quantize(c->a_quant, o->aeff + b * 32, 32, codes, &sc, NULL, NULL);
			vnpu_dequantize(c->a_quant, codes, &sc, NULL, 32, o->aeff + b * 32);
		}
	}
	o->bias = malloc(sizeof(float) * c->n);
	for (uint32_t j = 0; j < c->n; j++)
		o->bias[j] = (float)j * 0.125f - 2.0f;
	o->csize = (size_t)c->m * c->n * (c->c_fmt == VNPU_FMT_BF16 ? 2 : 4);
	o->mm = (struct vnpu_matmul){
		.m = c->m, .n = c->n, .k = c->k, .w_fmt = c->w_fmt, .w = o->w.panel,
		.w_tscale = o->w.tscale, .a_fmt = c->a_fmt, .a_quant = c->a_quant,
		.a = c->a_fmt == VNPU_FMT_BF16 ? (void *)o->a16 : (void *)o->a32,
		.lda = c->k, .bias = c->bias ? o->bias : NULL, .act = c->act,
		.c_fmt = c->c_fmt, .ldc = c->n,
	};
}

static void ops_free(struct mm_ops *o)
{
	mm_w_free(&o->w);
	free(o->a32);
	free(o->aeff);
	free(o->a16);
	free(o->bias);
}

/* Same bits, treating any NaN as equal to any NaN (payloads unspecified). */
static int out_diff(const struct mm_ops *o, const void *x, const void *y)
{
	size_t n = (size_t)o->c.m * o->c.n;

	for (size_t i = 0; i < n; i++) {
		uint32_t a, b;

		if (o->c.c_fmt == VNPU_FMT_BF16) {
			a = (uint32_t)((const uint16_t *)x)[i] << 16;
			b = (uint32_t)((const uint16_t *)y)[i] << 16;
		} else {
			a = ((const uint32_t *)x)[i];
			b = ((const uint32_t *)y)[i];
		}
		if (a == b)
			continue;
		if ((a & 0x7fffffffu) > 0x7f800000u && (b & 0x7fffffffu) > 0x7f800000u)
			continue;
		return (int)i + 1;
	}
	return 0;
}

static const char *case_name(const struct mm_case *c, char *buf)
{
	sprintf(buf, "%ux%ux%u w=%s a=%s/%s c=%s act=%u bias=%d", c->m, c->n, c->k,
		vnpu_fmt_name(c->w_fmt), vnpu_fmt_name(c->a_fmt),
		vnpu_fmt_name(c->a_quant), vnpu_fmt_name(c->c_fmt), c->act, c->bias);
	return buf;
}

/*
 * Activations prepared once (vnpu_matmul_prepare() in two row ranges) and
 * read by a 2 x 3 split, on every variant: the bits of REF. The size is 0
 * exactly where the matmul reads A as it is (FP32 without quantization,
 * the BF16 pair kernel), and unaligned memory is refused.
 */
static void check_prepared(struct __test_metadata *_metadata, struct mm_ops *o,
			   const void *ref, void *out)
{
	const struct mm_case *c = &o->c;
	bool pairs = (c->w_fmt == VNPU_FMT_MXFP4 || c->w_fmt == VNPU_FMT_NVFP4) &&
		     c->a_fmt == VNPU_FMT_BF16 && c->a_quant == VNPU_FMT_NONE;
	char name[160];

	for (size_t v = 0; v < nvar(); v++) {
		size_t ps = vnpu_matmul_prep_size(&o->mm, variants[v]);
		bool none = (c->a_fmt == VNPU_FMT_FP32 && c->a_quant == VNPU_FMT_NONE) ||
			    (pairs && (variants[v] & VNPU_CPU_AVX512_BF16));
		uint8_t *prep = aligned_alloc(64, ps + 64);
		int d;

		ASSERT_EQ(none, ps == 0) TH_LOG("%s: variant %zu", case_name(c, name), v);
		if (ps) {
			ASSERT_EQ(VNPU_EINVAL, vnpu_matmul_prepare(&o->mm, 0, c->m, prep + 16,
								   variants[v]));
			ASSERT_EQ(0, vnpu_matmul_prepare(&o->mm, c->m / 2, c->m, prep,
							 variants[v]));
			ASSERT_EQ(0, vnpu_matmul_prepare(&o->mm, 0, c->m / 2, prep,
							 variants[v]));
		} else {
			ASSERT_EQ(VNPU_EINVAL, vnpu_matmul_prepare(&o->mm, 0, c->m, prep,
								   variants[v]));
		}
		o->mm.a_prep = prep + 16;
		ASSERT_EQ(VNPU_EINVAL, mm_run_split(&o->mm, variants[v], 1, 1));
		o->mm.a_prep = prep;
		memset(out, 0x55, o->csize);
		o->mm.c = out;
		ASSERT_EQ(0, mm_run_split(&o->mm, variants[v], 2, 3));
		d = out_diff(o, ref, out);
		ASSERT_EQ(0, d) TH_LOG("%s: variant %zu with prepared A differs at %d",
				       case_name(c, name), v, d - 1);
		o->mm.a_prep = NULL;
		free(prep);
	}
}

/*
 * All variants, then a 2x2 split of the widest and a 1x3 split of the AVX2
 * variant, must equal the generic variant bit for bit; the same with the
 * activations prepared once.
 */
static void check_case(struct __test_metadata *_metadata, const struct mm_case *c,
		       uint64_t seed)
{
	struct mm_ops o;
	void *ref, *out;
	char name[160];
	int d;

	ops_make(&o, c, seed);
	ref = calloc(1, o.csize);
	out = calloc(1, o.csize);
	o.mm.c = ref;
	ASSERT_EQ(0, mm_run_split(&o.mm, 0, 1, 1)) TH_LOG("%s", case_name(c, name));
	for (size_t v = 1; v < nvar(); v++) {
		memset(out, 0x55, o.csize);
		o.mm.c = out;
		ASSERT_EQ(0, mm_run_split(&o.mm, variants[v], 1, 1));
		d = out_diff(&o, ref, out);
		ASSERT_EQ(0, d) TH_LOG("%s: variant %zu differs at %d", case_name(c, name),
				       v, d - 1);
	}
	for (int s = 0; s < 2; s++) {
		memset(out, 0x55, o.csize);
		o.mm.c = out;
		ASSERT_EQ(0, mm_run_split(&o.mm, s ? variants[V_AVX2] : variants[nvar() - 1], s ? 1 : 2,
					  s ? 3 : 2));
		d = out_diff(&o, ref, out);
		ASSERT_EQ(0, d) TH_LOG("%s: thread split %d differs at %d",
				       case_name(c, name), s, d - 1);
	}
	check_prepared(_metadata, &o, ref, out);
	/* accuracy against FP64 from the exact operands (no act, FP32 out) */
	if (c->act == VNPU_ACT_NONE && c->c_fmt == VNPU_FMT_FP32) {
		uint32_t wb = vnpu_fmt_block(c->w_fmt) < 16 ? 32 : vnpu_fmt_block(c->w_fmt);
		float *wx = malloc(sizeof(float) * c->n * c->k);
		float one = 1.0f;
		double worst = 0;

		/* NVFP4: E2M1 * E4M3 exactly, times the tensor scale in double */
		if (c->w_fmt == VNPU_FMT_NVFP4)
			vnpu_dequantize(c->w_fmt, o.w.codes, o.w.scales, &one,
					(size_t)c->n * c->k, wx);
		else
			memcpy(wx, o.w.deq, sizeof(float) * c->n * c->k);
		for (uint32_t i = 0; i < c->m; i++) {
			for (uint32_t j = 0; j < c->n; j++) {
				double s = 0, mag = 0, ts = c->w_fmt == VNPU_FMT_NVFP4 ?
							    o.w.tscale : 1.0;
				double got = ((float *)ref)[(size_t)i * c->n + j], bound;

				for (uint32_t kk = 0; kk < c->k; kk++) {
					double p = (double)wx[(size_t)j * c->k + kk] *
						   o.aeff[(size_t)i * c->k + kk];

					s += p;
					mag += fabs(p);
				}
				s *= ts;
				mag *= ts;
				if (c->bias) {
					s += o.bias[j];
					mag += fabs(o.bias[j]);
				}
				/* one rounding per block sum step, per inner fma,
				 * per scale multiply, tensor scale and bias */
				bound = (c->k / wb + wb + 6) * 0x1p-24 * mag + 0x1p-140;
				worst = fmax(worst, fabs(got - s) / bound);
				ASSERT_LE(fabs(got - s), bound)
					TH_LOG("%s: C[%u][%u] = %.9g, ref %.9g",
					       case_name(c, name), i, j, got, s);
			}
		}
		free(wx);
	}
	free(ref);
	free(out);
	ops_free(&o);
}

TEST(mxfp4_and_nvfp4_all_activation_paths_agree_across_variants_and_threads)
{
	static const uint32_t wf[] = { VNPU_FMT_MXFP4, VNPU_FMT_NVFP4 };
	static const uint32_t aq[] = {
		VNPU_FMT_NONE, VNPU_FMT_MXINT8, VNPU_FMT_MXFP4, VNPU_FMT_MXFP8_E4M3,
	};
	uint64_t seed = 1;

	for (size_t w = 0; w < 2; w++) {
		for (size_t q = 0; q < 4; q++) {
			struct mm_case c = {
				.m = 7, .n = 45, .k = 160, .w_fmt = wf[w],
				.a_fmt = VNPU_FMT_FP32, .a_quant = aq[q],
				.c_fmt = VNPU_FMT_FP32,
			};

			check_case(_metadata, &c, seed++);
			c.a_fmt = VNPU_FMT_BF16;
			c.bias = true;
			check_case(_metadata, &c, seed++);
			/* 8 + 8 + 3 rows: the AVX-512 integer kernel's widest calls */
			c.m = 19;
			c.n = 32;
			check_case(_metadata, &c, seed++);
			/*
			 * 12 + 1 (packed int8 kernel, then one row) and 16 + 9
			 * rows (BF16 kernel), 9 panels: the lone row's last call
			 * has one panel
			 */
			c.m = q == 0 ? 25 : 13;
			c.n = 144;
			c.k = 64;
			check_case(_metadata, &c, seed++);
			c.k = 160;
		}
	}
}

static const uint32_t all_w[] = {
	VNPU_FMT_MXFP4, VNPU_FMT_NVFP4, VNPU_FMT_MXFP8_E4M3, VNPU_FMT_MXFP8_E5M2,
	VNPU_FMT_BF16, VNPU_FMT_FP32,
};
static const uint32_t all_aq[] = {
	VNPU_FMT_NONE, VNPU_FMT_MXINT8, VNPU_FMT_MXFP4, VNPU_FMT_MXFP8_E4M3,
	VNPU_FMT_MXFP8_E5M2,
};

TEST(every_weight_and_activation_format_agrees_across_variants_and_threads)
{
	uint64_t seed = 100;

	for (size_t w = 0; w < 6; w++) {
		for (size_t q = 0; q < 5; q++) {
			struct mm_case c = {
				.m = 6, .n = 37, .k = 96, .w_fmt = all_w[w],
				.a_fmt = q & 1 ? VNPU_FMT_BF16 : VNPU_FMT_FP32,
				.a_quant = all_aq[q], .c_fmt = VNPU_FMT_FP32,
				.bias = q == 2,
			};

			check_case(_metadata, &c, seed++);
		}
	}
}

/* ---- the documented arithmetic, written out from matmul.h ------------- */

static float f32_of(uint32_t u)
{
	float f;

	memcpy(&f, &u, 4);
	return f;
}

static bool ref_int_path(uint32_t wf, uint32_t aq)
{
	bool fp4 = wf == VNPU_FMT_MXFP4 || wf == VNPU_FMT_NVFP4;

	if (aq == VNPU_FMT_MXINT8 || aq == VNPU_FMT_MXFP4)
		return fp4 || wf == VNPU_FMT_MXFP8_E4M3;
	return aq == VNPU_FMT_MXFP8_E4M3 && fp4;
}

/* Weight element (row r, column k) as k_w: 2 * E2M1, or the element value
 * (times 2^9 for E4M3 in the integer path). */
static double ref_kw(const struct mm_w *w, uint32_t r, uint32_t k, bool ip)
{
	size_t i = (size_t)r * w->k + k;
	uint8_t nib;

	switch (w->fmt) {
	case VNPU_FMT_MXFP4: case VNPU_FMT_NVFP4:
		nib = (w->codes[i / 2] >> ((i & 1) * 4)) & 15;
		return 2.0 * f32_of(vnpu_e2m1_to_fp32(nib));
	case VNPU_FMT_MXFP8_E4M3:
		return f32_of(vnpu_e4m3_to_fp32(w->codes[i])) * (ip ? 512.0 : 1.0);
	case VNPU_FMT_MXFP8_E5M2:
		return f32_of(vnpu_e5m2_to_fp32(w->codes[i]));
	case VNPU_FMT_BF16:
		return f32_of((uint32_t)((uint16_t *)w->codes)[i] << 16);
	default:
		return ((float *)w->codes)[i];
	}
}

/* sw_b of row r, block b (MXFP4 and NVFP4 fold the 1/2 of k_w in). */
static float ref_sw(const struct mm_w *w, uint32_t r, uint32_t b, bool ip)
{
	uint32_t bs = vnpu_fmt_block(w->fmt);
	uint8_t s = w->scales[(size_t)r * (w->k / bs) + b];

	switch (w->fmt) {
	case VNPU_FMT_NVFP4:
		return f32_of(vnpu_e4m3_to_fp32(s)) * 0.5f;
	case VNPU_FMT_MXFP4:
		return s == 0xff ? NAN : ldexpf(1.0f, s - 128);
	case VNPU_FMT_MXFP8_E4M3: case VNPU_FMT_MXFP8_E5M2:
		return s == 0xff ? NAN : ldexpf(1.0f, s - 127 - (ip ? 9 : 0));
	default:
		return 1.0f;
	}
}

/* FP4 weights x exact BF16 activations: the pair chain of matmul.h. */
static bool ref_bf16_pairs(const struct mm_case *c)
{
	return (c->w_fmt == VNPU_FMT_MXFP4 || c->w_fmt == VNPU_FMT_NVFP4) &&
	       c->a_fmt == VNPU_FMT_BF16 && c->a_quant == VNPU_FMT_NONE;
}

/* A BF16 element as FP32, a denormal read as zero. */
static float ref_daz(uint16_t h)
{
	return f32_of((h & 0x7f80) ? (uint32_t)h << 16 : (uint32_t)(h & 0x8000) << 16);
}

/*
 * A denormal step result flushed to a signed zero. (vdpbf16ps judges
 * tininess after rounding; with integer weights every exact sum is a
 * multiple of 2^-149, so the rounded value tells.)
 */
static float ref_ftz(float x)
{
	return fabsf(x) < 0x1p-126f ? copysignf(0.0f, x) : x;
}

/* Returns false if an integer block sum would not fit int32. */
static bool ref_card(const struct mm_ops *o, float *out)
{
	bool fits = true;
	const struct mm_case *c = &o->c;
	bool ip = ref_int_path(c->w_fmt, c->a_quant);
	uint32_t wb = vnpu_fmt_block(c->w_fmt) < 16 ? 32 : vnpu_fmt_block(c->w_fmt);
	float *ain = malloc(sizeof(float) * c->k);
	int64_t *qa = malloc(sizeof(int64_t) * c->k);
	float *sa = malloc(sizeof(float) * c->k / 32);

	for (uint32_t i = 0; i < c->m; i++) {
		/* A as given (BF16 widened), then its integer codes and scales */
		for (uint32_t kk = 0; kk < c->k; kk++)
			ain[kk] = c->a_fmt == VNPU_FMT_BF16 ?
				  f32_of((uint32_t)o->a16[(size_t)i * c->k + kk] << 16) :
				  o->a32[(size_t)i * c->k + kk];
		for (uint32_t b = 0; ip && b < c->k / 32; b++) {
			uint8_t codes[32], sc;
			int sh = c->a_quant == VNPU_FMT_MXINT8 ? 6 :
				 c->a_quant == VNPU_FMT_MXFP4 ? 1 : 9;

			vnpu_quantize(c->a_quant, ain + b * 32, 32, codes, &sc, NULL, NULL);
			sa[b] = sc == 0xff ? NAN : ldexpf(1.0f, (int)sc - 127 - sh);
			for (uint32_t kk = 0; kk < 32; kk++) {
				int64_t q;

				if (c->a_quant == VNPU_FMT_MXINT8)
					q = (int8_t)codes[kk];
				else if (c->a_quant == VNPU_FMT_MXFP4)
					q = (int64_t)(2 * f32_of(vnpu_e2m1_to_fp32(
						codes[kk / 2] >> ((kk & 1) * 4) & 15)));
				else
					q = (int64_t)(512.0 * f32_of(vnpu_e4m3_to_fp32(codes[kk])));
				qa[b * 32 + kk] = q;
			}
		}
		for (uint32_t j = 0; j < c->n; j++) {
			float acc = 0.0f;

			for (uint32_t b = 0; b < c->k / wb; b++) {
				float sw = ref_sw(&o->w, j, b, ip), t;

				if (ip) {
					int64_t s = 0;
					bool nan = false;

					for (uint32_t kk = b * wb; kk < (b + 1) * wb; kk++) {
						double kw = ref_kw(&o->w, j, kk, ip);

						nan |= isnan(kw);
						if (!nan)
							s += (int64_t)kw * qa[kk];
					}
					fits &= s < (1ll << 31) && s >= -(1ll << 31);
					t = ((float)s * sw) * sa[b * wb / 32];
					if (nan)
						t = NAN;
				} else if (ref_bf16_pairs(c)) {
					const uint16_t *a = o->a16 + (size_t)i * c->k;
					float p = 0.0f;

					/* pairs in K order, the odd column first */
					for (uint32_t kk = b * wb; kk < (b + 1) * wb; kk += 2) {
						p = ref_ftz(fmaf((float)ref_kw(&o->w, j, kk + 1, ip),
								 ref_daz(a[kk + 1]), p));
						p = ref_ftz(fmaf((float)ref_kw(&o->w, j, kk, ip),
								 ref_daz(a[kk]), p));
					}
					t = p * sw;
				} else {
					float p = 0.0f;

					for (uint32_t kk = b * wb; kk < (b + 1) * wb; kk++)
						p = fmaf((float)ref_kw(&o->w, j, kk, ip),
							 o->aeff[(size_t)i * c->k + kk], p);
					t = p * sw;
				}
				acc = acc + t;
			}
			if (c->w_fmt == VNPU_FMT_NVFP4)
				acc = acc * o->w.tscale;
			out[(size_t)i * c->n + j] = acc;
		}
	}
	free(ain);
	free(qa);
	free(sa);
	return fits;
}

/* Every variant gives the documented arithmetic's bits (ref_card()). */
static void every_variant_is_the_card(struct __test_metadata *_metadata,
				      struct mm_ops *o)
{
	float *ref = malloc(o->csize), *out = malloc(o->csize);
	char name[160];
	int d;

	ASSERT_TRUE(ref_card(o, ref));
	for (size_t v = 0; v < nvar(); v++) {
		memset(out, 0x55, o->csize);
		o->mm.c = out;
		ASSERT_EQ(0, mm_run_split(&o->mm, variants[v], 1, 1));
		d = out_diff(o, ref, out);
		ASSERT_EQ(0, d) TH_LOG("%s: variant %zu: C[%d] = %a, want %a",
				       case_name(&o->c, name), v, d - 1, out[d - 1],
				       ref[d - 1]);
	}
	free(ref);
	free(out);
}

TEST(every_format_pair_follows_the_documented_arithmetic_bit_for_bit)
{
	uint64_t seed = 300;

	for (size_t w = 0; w < 6; w++) {
		for (size_t q = 0; q < 5; q++) {
			struct mm_case c = {
				.m = 3, .n = 20, .k = 128, .w_fmt = all_w[w],
				.a_fmt = VNPU_FMT_FP32, .a_quant = all_aq[q],
				.c_fmt = VNPU_FMT_FP32,
			};
			struct mm_ops o;

			ops_make(&o, &c, seed++);
			every_variant_is_the_card(_metadata, &o);
			ops_free(&o);
		}
	}
}

/*
 * Every scale byte in the FP4 integer path: E8M0 0 (2^-128, subnormal sw)
 * and 255 (NaN), every E4M3 code for NVFP4 (subnormal, negative, NaN);
 * 1, 2, 3 and 4 rows of A per kernel call, the generic kernel's widest.
 */
TEST(fp4_integer_path_decodes_every_scale_byte)
{
	static const uint32_t wf[] = { VNPU_FMT_MXFP4, VNPU_FMT_NVFP4 };
	uint64_t seed = 900;

	for (size_t w = 0; w < 2; w++) {
		for (uint32_t m = 1; m <= 4; m++) {
			struct mm_case c = {
				.m = m, .n = 256, .k = 64, .w_fmt = wf[w],
				.a_fmt = VNPU_FMT_FP32, .a_quant = VNPU_FMT_MXINT8,
				.c_fmt = VNPU_FMT_FP32,
			};
			uint32_t nb = c.k / vnpu_fmt_block(c.w_fmt);
			struct mm_ops o;

			ops_make(&o, &c, seed++);
			for (uint32_t r = 0; r < c.n; r++)
				for (uint32_t b = 0; b < nb; b++)
					o.w.scales[r * nb + b] = (uint8_t)(r + 37 * b);
			ASSERT_EQ(0, vnpu_panel_pack(c.w_fmt, o.w.codes, o.w.scales, c.n, c.k,
						     o.w.panel));
			every_variant_is_the_card(_metadata, &o);
			ops_free(&o);
		}
	}
}

/*
 * The packed AVX-512 int8 GEMM multiplies MXFP4 blocks once where both
 * scales are powers of two in a window (vnpu_kint512_pk()): rows of A
 * scaled from 2^-120 to 2^125 (activation scales on both sides of the
 * window, one row with an infinity: a NaN scale), weight scale bytes 60 ..
 * 189 (both edges of 68 .. 178); 12 + 2 rows per call. Every variant
 * gives the card's bits.
 */
TEST(packed_int8_gemm_scales_at_the_single_multiply_edges)
{
	static const int pw[14] = { -120, -70, -57, -56, -55, 0, 53,
				    54, 55, 56, 70, 100, 125, 0 };
	struct mm_case c = {
		.m = 14, .n = 64, .k = 128, .w_fmt = VNPU_FMT_MXFP4,
		.a_fmt = VNPU_FMT_FP32, .a_quant = VNPU_FMT_MXINT8,
		.c_fmt = VNPU_FMT_FP32,
	};
	uint32_t nb = c.k / 32;
	struct mm_ops o;

	ops_make(&o, &c, 950);
	for (uint32_t r = 0; r < c.m; r++)
		for (uint32_t i = 0; i < c.k; i++)
			o.a32[r * c.k + i] = ldexpf(o.a32[r * c.k + i], pw[r]);
	o.a32[13 * c.k + 40] = INFINITY;
	for (size_t b = 0; b < (size_t)c.m * c.k / 32; b++) {
		uint8_t codes[32], sc;

		vnpu_quantize(c.a_quant, o.a32 + b * 32, 32, codes, &sc, NULL, NULL);
		vnpu_dequantize(c.a_quant, codes, &sc, NULL, 32, o.aeff + b * 32);
	}
	for (uint32_t r = 0; r < c.n; r++)
		for (uint32_t b = 0; b < nb; b++)
			o.w.scales[r * nb + b] = (uint8_t)(60 + (r * 7 + b * 13) % 130);
	ASSERT_EQ(0, vnpu_panel_pack(c.w_fmt, o.w.codes, o.w.scales, c.n, c.k,
				     o.w.panel));
	every_variant_is_the_card(_metadata, &o);
	ops_free(&o);
}

/*
 * The same edges for the AVX-512 GEMV (vnpu_kint512_pan()), which takes the
 * one multiply for a block only when the row's activation scale and every
 * weight scale of all its panels are inside the window: one row of A per
 * case, scaled 2^-120 .. 2^125 (and one with an infinity); 8 + 8 panels
 * and a last partial one (one-panel kernel). Panels 0-7 hold bytes 68 ..
 * 178 only (both edges), panels 8-15 the same but for bytes 67 or 179 in
 * some blocks, the last panel 60 .. 189. With and without VBMI, every variant gives the card's
 * bits.
 */
TEST(gemv_scales_at_the_single_multiply_edges)
{
	static const int pw[] = { -120, -70, -57, -56, -55, 0, 53, 54, 55, 56, 70, 100, 125 };
	struct mm_case c = {
		.m = 1, .n = 269, .k = 128, .w_fmt = VNPU_FMT_MXFP4,
		.a_fmt = VNPU_FMT_FP32, .a_quant = VNPU_FMT_MXINT8,
		.c_fmt = VNPU_FMT_FP32,
	};
	uint32_t nb = c.k / 32;

	for (size_t t = 0; t <= sizeof(pw) / sizeof(pw[0]); t++) {
		struct mm_ops o;

		ops_make(&o, &c, 960 + t);
		for (uint32_t i = 0; i < c.k; i++)
			o.a32[i] = t < sizeof(pw) / sizeof(pw[0]) ?
				   ldexpf(o.a32[i], pw[t]) : i == 70 ? INFINITY : o.a32[i];
		for (size_t b = 0; b < c.k / 32; b++) {
			uint8_t codes[32], sc;

			vnpu_quantize(c.a_quant, o.a32 + b * 32, 32, codes, &sc, NULL, NULL);
			vnpu_dequantize(c.a_quant, codes, &sc, NULL, 32, o.aeff + b * 32);
		}
		for (uint32_t r = 0; r < c.n; r++) {
			for (uint32_t b = 0; b < nb; b++) {
				uint32_t v = 68 + (r * 7 + b * 13 + (uint32_t)t) % 111;

				if (r / 16 >= 8 && r / 16 < 16 && (r + b + t) % 23 == 0)
					v = (r + b) % 2 ? 67 : 179;
				if (r / 16 == 16)
					v = 60 + (r * 7 + b * 13) % 130;
				o.w.scales[r * nb + b] = (uint8_t)v;
			}
		}
		ASSERT_EQ(0, vnpu_panel_pack(c.w_fmt, o.w.codes, o.w.scales, c.n, c.k,
					     o.w.panel));
		every_variant_is_the_card(_metadata, &o);
		ops_free(&o);
	}
}

/* BF16 activations with a wide spread (every pair step rounds), denormals,
 * tiny sums that flush, cancellation and overflow. */
static uint16_t adv_bf16(uint64_t *rs, int kind)
{
	uint64_t r = mm_rng(rs);
	uint32_t sg = (uint32_t)(r >> 63) << 15, mant = (uint32_t)(r >> 20) & 0x7f;
	uint32_t e;

	switch (kind) {
	case 0:		/* 2^-27 .. 2^36 within a block: most steps round */
		e = 100 + (uint32_t)(r % 64);
		break;
	case 1:		/* around 2^-126: denormal inputs and step results */
		e = (uint32_t)(r % 6);
		break;
	case 2:		/* near the top: products overflow, sums cancel */
		e = 250 + (uint32_t)(r % 5);
		break;
	default:	/* zeros, ones, and anything */
		return (uint16_t)(r % 3 == 0 ? sg : r % 3 == 1 ? sg | 0x3f80 : r >> 40);
	}
	return (uint16_t)(sg | e << 7 | mant);
}

TEST(bf16_activations_follow_the_pair_chain_bit_for_bit)
{
	static const uint32_t wf[] = { VNPU_FMT_MXFP4, VNPU_FMT_NVFP4 };
	uint64_t seed = 700, rs = 0x9e3779b97f4a7c15ull;

	for (size_t w = 0; w < 2; w++) {
		for (int kind = 0; kind < 5; kind++) {
			/* 8 + 8 + 3 rows, or one row (the GEMV call) */
			struct mm_case c = {
				.m = kind == 4 ? 1 : 19, .n = 48, .k = 256, .w_fmt = wf[w],
				.a_fmt = VNPU_FMT_BF16, .a_quant = VNPU_FMT_NONE,
				.c_fmt = VNPU_FMT_FP32,
			};
			struct mm_ops o;
			float *ref, *out;
			char name[160];
			int d;

			ops_make(&o, &c, seed++);
			for (size_t i = 0; i < (size_t)c.m * c.k; i++)
				o.a16[i] = adv_bf16(&rs, kind == 4 ? (int)(i / 32 % 4) : kind);
			ref = malloc(o.csize);
			out = malloc(o.csize);
			ref_card(&o, ref);
			for (size_t v = 0; v < nvar(); v++) {
				memset(out, 0x55, o.csize);
				o.mm.c = out;
				ASSERT_EQ(0, mm_run_split(&o.mm, variants[v], 1, 1));
				d = out_diff(&o, ref, out);
				ASSERT_EQ(0, d) TH_LOG("%s kind %d: variant %zu: C[%d] = %a, want %a",
						       case_name(&c, name), kind, v, d - 1,
						       out[d - 1], ref[d - 1]);
			}
			free(ref);
			free(out);
			ops_free(&o);
		}
	}
}

TEST(gemv_shapes_agree_and_meet_bounds)
{
	struct mm_case c = {
		.m = 1, .n = 256, .k = 1024, .w_fmt = VNPU_FMT_MXFP4,
		.a_fmt = VNPU_FMT_FP32, .a_quant = VNPU_FMT_MXINT8,
		.c_fmt = VNPU_FMT_FP32,
	};

	check_case(_metadata, &c, 11);
	c.a_quant = VNPU_FMT_NONE;
	check_case(_metadata, &c, 12);
	c.w_fmt = VNPU_FMT_NVFP4;
	check_case(_metadata, &c, 13);
	c.a_quant = VNPU_FMT_MXINT8;
	check_case(_metadata, &c, 14);
	/* 14 panels, the last one partial: 8 + 6 panels side by side */
	c.n = 213;
	check_case(_metadata, &c, 15);
	c.a_quant = VNPU_FMT_NONE;
	check_case(_metadata, &c, 16);
	c.w_fmt = VNPU_FMT_MXFP4;
	check_case(_metadata, &c, 17);
}

/*
 * Wide weights (MXFP8, BF16, FP32) against one row of exact activations
 * (the BF16 head's GEMV): 14 panels, the last partial, then 3 and 1;
 * FP32 and BF16 activations; every variant, thread splits, and the
 * documented arithmetic.
 */
TEST(wide_weight_gemvs_agree_across_variants_and_the_card)
{
	static const uint32_t wf[] = {
		VNPU_FMT_MXFP8_E4M3, VNPU_FMT_MXFP8_E5M2, VNPU_FMT_BF16, VNPU_FMT_FP32,
	};
	static const uint32_t ns[] = { 213, 48, 16 };
	uint64_t seed = 500;

	for (size_t w = 0; w < 4; w++) {
		for (size_t n = 0; n < 3; n++) {
			struct mm_case c = {
				.m = 1, .n = ns[n], .k = 160, .w_fmt = wf[w],
				.a_fmt = n == 1 ? VNPU_FMT_BF16 : VNPU_FMT_FP32,
				.a_quant = VNPU_FMT_NONE, .c_fmt = VNPU_FMT_FP32,
			};
			struct mm_ops o;

			check_case(_metadata, &c, seed++);
			ops_make(&o, &c, seed++);
			every_variant_is_the_card(_metadata, &o);
			ops_free(&o);
		}
	}
}

/*
 * FP32 activations with signed zeros: -0 and +0 in turn, then a row of
 * -0 only (whose block sums must be +0 in every variant, as fma from +0
 * gives). 8 panels: the AVX-512 GEMV runs them side by side. FP4 and
 * wide weights.
 */
TEST(exact_path_gemv_keeps_signed_zero_activations_alike)
{
	static const uint32_t wf[] = {
		VNPU_FMT_MXFP4, VNPU_FMT_NVFP4, VNPU_FMT_MXFP8_E4M3, VNPU_FMT_BF16,
		VNPU_FMT_FP32,
	};

	for (size_t w = 0; w < 5; w++) {
		struct mm_case c = {
			.m = 2, .n = 128, .k = 96, .w_fmt = wf[w], .a_fmt = VNPU_FMT_FP32,
			.a_quant = VNPU_FMT_NONE, .c_fmt = VNPU_FMT_FP32,
		};
		struct mm_ops o;
		float *ref, *out;
		int d;

		ops_make(&o, &c, 70 + w);
		for (uint32_t i = 0; i < c.k; i++) {
			if (i % 3 == 0)
				o.a32[i] = i % 2 ? -0.0f : 0.0f;
			o.a32[c.k + i] = -0.0f;
		}
		ref = malloc(o.csize);
		out = malloc(o.csize);
		o.mm.c = ref;
		ASSERT_EQ(0, mm_run_split(&o.mm, 0, 1, 1));
		for (uint32_t j = 0; j < c.n; j++) {
			ASSERT_EQ(0u, ((uint32_t *)ref)[c.n + j]) TH_LOG("column %u", j);
		}
		for (size_t v = 1; v < nvar(); v++) {
			/* whole, and one row at a time (the GEMV kernels) */
			for (int s = 0; s < 2; s++) {
				memset(out, 0x55, o.csize);
				o.mm.c = out;
				ASSERT_EQ(0, mm_run_split(&o.mm, variants[v], s ? 2 : 1, 1));
				d = out_diff(&o, ref, out);
				ASSERT_EQ(0, d) TH_LOG("fmt %u variant %zu split %d: C[%d]",
						       c.w_fmt, v, s, d - 1);
			}
		}
		free(ref);
		free(out);
		ops_free(&o);
	}
}

TEST(epilogue_bias_activation_and_bf16_output_agree)
{
	static const uint32_t acts[] = {
		VNPU_ACT_RELU, VNPU_ACT_SILU, VNPU_ACT_GELU, VNPU_ACT_GELU_TANH,
	};

	for (size_t i = 0; i < 4; i++) {
		struct mm_case c = {
			.m = 5, .n = 32, .k = 64, .w_fmt = VNPU_FMT_MXFP4,
			.a_fmt = VNPU_FMT_FP32, .a_quant = VNPU_FMT_MXINT8,
			.c_fmt = i & 1 ? VNPU_FMT_BF16 : VNPU_FMT_FP32,
			.act = acts[i], .bias = true,
		};

		check_case(_metadata, &c, 20 + i);
	}
}

/*
 * The epilogue's steps on the raw result (matmul.h): v * tscale, + bias,
 * ReLU (-0 and negatives to +0), in full 16-column panels (the vector
 * epilogue) and a partial one (n = 40: the scalar loop).
 */
TEST(epilogue_follows_its_definition_in_full_and_partial_panels)
{
	for (int nv = 0; nv < 2; nv++) {
		struct mm_case c = {
			.m = 7, .n = 40, .k = 64,
			.w_fmt = nv ? VNPU_FMT_NVFP4 : VNPU_FMT_MXFP4,
			.a_fmt = VNPU_FMT_FP32, .a_quant = VNPU_FMT_MXINT8,
			.c_fmt = VNPU_FMT_FP32, .act = VNPU_ACT_NONE,
		};
		size_t cnt = (size_t)c.m * c.n;
		float *raw = calloc(cnt, 4), *b = calloc(cnt, 4), *r = calloc(cnt, 4);
		float *want = calloc(cnt, 4);
		struct mm_ops o;

		ops_make(&o, &c, 40 + nv);
		/* tensor scale 1 (exact): the raw accumulators */
		o.mm.w_tscale = 1.0f;
		o.mm.c = raw;
		ASSERT_EQ(0, mm_run_split(&o.mm, variants[nvar() - 1], 1, 1));
		o.mm.w_tscale = o.w.tscale;
		o.mm.bias = o.bias;
		o.mm.c = b;
		ASSERT_EQ(0, mm_run_split(&o.mm, variants[nvar() - 1], 1, 1));
		o.mm.act = VNPU_ACT_RELU;
		o.mm.c = r;
		ASSERT_EQ(0, mm_run_split(&o.mm, variants[nvar() - 1], 1, 1));
		for (size_t i = 0; i < cnt; i++) {
			float v = raw[i];

			if (nv)
				v = v * o.w.tscale;
			v = v + o.bias[i % c.n];
			ASSERT_EQ(0, memcmp(&v, &b[i], 4)) TH_LOG("nv %d bias %zu", nv, i);
			want[i] = v > 0 ? v : 0.0f;
			ASSERT_EQ(0, memcmp(&want[i], &r[i], 4)) TH_LOG("relu %zu", i);
		}
		free(raw);
		free(b);
		free(r);
		free(want);
		ops_free(&o);
	}
}

TEST(integer_path_is_exact_on_small_integers)
{
	/* W = 2^-1 * E2M1 codes, A small integers: every product and sum is
	 * exact, so C equals the integer reference exactly. */
	uint32_t n = 16, k = 64;
	uint8_t codes[16 * 32], scales[16 * 2];
	float a[64], c[16], one = 1;
	void *panel = aligned_alloc(64, vnpu_panel_size(VNPU_FMT_MXFP4, n, k));
	struct vnpu_matmul mm = {
		.m = 1, .n = n, .k = k, .w_fmt = VNPU_FMT_MXFP4, .w = panel,
		.w_tscale = one, .a_fmt = VNPU_FMT_FP32, .a_quant = VNPU_FMT_MXINT8,
		.a = a, .lda = k, .c_fmt = VNPU_FMT_FP32, .c = c, .ldc = n,
	};

	for (size_t i = 0; i < sizeof(codes); i++)
		codes[i] = (uint8_t)(i * 37 + 5);
	memset(scales, 127, sizeof(scales));
	for (uint32_t i = 0; i < k; i++)
		a[i] = (float)((int)(i % 7) - 3);	/* MXINT8 represents these */
	ASSERT_EQ(0, vnpu_panel_pack(VNPU_FMT_MXFP4, codes, scales, n, k, panel));
	for (size_t v = 0; v < nvar(); v++) {
		ASSERT_EQ(0, mm_run_split(&mm, variants[v], 1, 1));
		for (uint32_t r = 0; r < n; r++) {
			double want = 0;

			for (uint32_t kk = 0; kk < k; kk++) {
				uint8_t nib = (codes[r * 32 + kk / 2] >> ((kk & 1) * 4)) & 15;
				uint32_t u = vnpu_e2m1_to_fp32(nib);
				float wv;

				memcpy(&wv, &u, 4);
				want += wv * a[kk];
			}
			ASSERT_EQ(want, c[r]) TH_LOG("variant %zu row %u", v, r);
		}
	}
	free(panel);
}

/*
 * The largest block sums the integer path can meet: k_w = +-12 against
 * q_a = +-127 in every column, so partial sums inside a kernel reach their
 * widest (the generic kernel keeps 16 of them per 16-bit lane); negative
 * zero codes; both block sizes.
 */
TEST(integer_path_is_exact_at_the_largest_block_sums)
{
	static const uint32_t fmts[] = { VNPU_FMT_MXFP4, VNPU_FMT_NVFP4 };
	uint32_t n = 32, k = 128;
	uint8_t codes[32 * 64], scales[32 * 8];
	float a[128], c[32];

	for (uint32_t i = 0; i < k; i++)	/* MXINT8 codes +-127, scale 1 */
		a[i] = ((i / 8) % 3 ? 127 : -127) * 0x1p-6f;
	for (uint32_t r = 0; r < n; r++) {
		for (uint32_t kk = 0; kk < k; kk++) {
			uint32_t nib;

			switch (r % 4) {
			case 0:		/* 6 * sign(a): every product +12 * 127 */
				nib = a[kk] > 0 ? 7 : 15;
				break;
			case 1:		/* every product -12 * 127 */
				nib = a[kk] > 0 ? 15 : 7;
				break;
			case 2:		/* -0 and +0 */
				nib = (kk + r) % 2 ? 8 : 0;
				break;
			default:
				nib = (kk * 7 + r * 3) % 16;
			}
			if (kk & 1)
				codes[r * 64 + kk / 2] |= (uint8_t)(nib << 4);
			else
				codes[r * 64 + kk / 2] = (uint8_t)nib;
		}
	}
	for (size_t f = 0; f < 2; f++) {
		uint32_t fmt = fmts[f];
		/* block scale 1: E8M0 127, or E4M3 1.0 */
		uint8_t one = fmt == VNPU_FMT_NVFP4 ? 0x38 : 127;
		void *panel = aligned_alloc(64, vnpu_panel_size(fmt, n, k));
		struct vnpu_matmul mm = {
			.m = 1, .n = n, .k = k, .w_fmt = fmt, .w = panel,
			.w_tscale = 1.0f, .a_fmt = VNPU_FMT_FP32,
			.a_quant = VNPU_FMT_MXINT8, .a = a, .lda = k,
			.c_fmt = VNPU_FMT_FP32, .c = c, .ldc = n,
		};

		memset(scales, one, sizeof(scales));
		ASSERT_EQ(0, vnpu_panel_pack(fmt, codes, scales, n, k, panel));
		for (size_t v = 0; v < nvar(); v++) {
			ASSERT_EQ(0, mm_run_split(&mm, variants[v], 1, 1));
			for (uint32_t r = 0; r < n; r++) {
				double want = 0;

				for (uint32_t kk = 0; kk < k; kk++) {
					uint8_t nib = (codes[r * 64 + kk / 2] >> ((kk & 1) * 4)) & 15;
					uint32_t u = vnpu_e2m1_to_fp32(nib);
					float wv;

					memcpy(&wv, &u, 4);
					want += wv * a[kk];
				}
				if (r % 4 == 0)
					ASSERT_EQ(k * 6 * 127 * 0x1p-6, want);
				ASSERT_EQ(want, c[r]) TH_LOG("fmt %u variant %zu row %u",
							     fmt, v, r);
			}
		}
		free(panel);
	}
}

/* C of a 1 x 16 x 32 matmul, all rows of W the same, every variant. */
static void one_block(struct __test_metadata *_metadata, uint32_t w_fmt,
		      const float *wrow, uint32_t a_quant, const float *a, float want)
{
	float *w = malloc(sizeof(float) * 16 * 32), c[16];
	struct mm_w mw;
	struct vnpu_matmul mm = {
		.m = 1, .n = 16, .k = 32, .w_fmt = w_fmt, .a_fmt = VNPU_FMT_FP32,
		.a_quant = a_quant, .a = a, .lda = 32, .c_fmt = VNPU_FMT_FP32,
		.c = c, .ldc = 16,
	};

	for (int r = 0; r < 16; r++)
		memcpy(w + r * 32, wrow, sizeof(float) * 32);
	ASSERT_EQ(0, mm_w_make(&mw, w_fmt, 16, 32, w));
	mm.w = mw.panel;
	mm.w_tscale = mw.tscale;
	for (size_t v = 0; v < nvar(); v++) {
		ASSERT_EQ(0, mm_run_split(&mm, variants[v], 1, 1));
		for (int r = 0; r < 16; r++) {
			ASSERT_EQ(want, c[r]) TH_LOG("variant %zu: %a, want %a", v, c[r], want);
		}
	}
	mm_w_free(&mw);
	free(w);
}

/*
 * Large then small products: a sequential FP32 sum rounds every small
 * addend away from its value, the integer block sum keeps all of them.
 */
TEST(fp4_weights_times_e4m3_activations_sum_blocks_exactly)
{
	float w[32], a[32], seq = 0;
	double exact = 0;

	for (int i = 0; i < 32; i++) {
		w[i] = i < 16 ? 6.0f : 0.5f;
		a[i] = i < 16 ? 448.0f : 7 * 0x1p-9f;	/* E4M3, block scale 1 */
		exact += (double)w[i] * a[i];
		seq = fmaf(w[i], a[i], seq);
	}
	/* the exact sum is an FP32 value; FP32 steps lose 16 * 1/8 ulp */
	ASSERT_EQ(43008.109375, exact);
	ASSERT_NE(exact, seq);
	one_block(_metadata, VNPU_FMT_MXFP4, w, VNPU_FMT_MXFP8_E4M3, a, (float)exact);
}

TEST(e4m3_weights_times_mxint8_activations_sum_blocks_exactly)
{
	float w[32], a[32], seq = 0;
	int64_t s = 0;
	float want;

	for (int i = 0; i < 32; i++) {
		w[i] = i < 16 ? 448.0f : 3 * 0x1p-9f;	/* E4M3, block scale 1 */
		a[i] = 127 * 0x1p-6f;			/* MXINT8 code 127 */
		s += (int64_t)(w[i] * 512) * 127;
		seq = fmaf(w[i], a[i], seq);
	}
	/* T = ((float)I * 2^-9) * 2^-6: one rounding, of the exact sum */
	want = ((float)s * 0x1p-9f) * 0x1p-6f;
	ASSERT_NE(want, seq);
	one_block(_metadata, VNPU_FMT_MXFP8_E4M3, w, VNPU_FMT_MXINT8, a, want);
}

TEST(nan_weight_scale_gives_nan_rows_only)
{
	struct mm_case cs = {
		.m = 2, .n = 32, .k = 64, .w_fmt = VNPU_FMT_MXFP4,
		.a_fmt = VNPU_FMT_FP32, .a_quant = VNPU_FMT_MXINT8,
		.c_fmt = VNPU_FMT_FP32,
	};
	struct mm_ops o;
	float c[64];

	ops_make(&o, &cs, 5);
	o.w.scales[3 * 2 + 1] = 0xff;	/* row 3, block 1 */
	vnpu_panel_pack(VNPU_FMT_MXFP4, o.w.codes, o.w.scales, 32, 64, o.w.panel);
	o.mm.c = c;
	for (size_t v = 0; v < nvar(); v++) {
		ASSERT_EQ(0, mm_run_split(&o.mm, variants[v], 1, 1));
		for (int i = 0; i < 64; i++) {
			ASSERT_EQ(i % 32 == 3, !!isnan(c[i])) TH_LOG("v %zu i %d", v, i);
		}
	}
	ops_free(&o);
}

TEST(bad_shapes_and_small_scratch_are_rejected)
{
	struct mm_case cs = {
		.m = 2, .n = 32, .k = 64, .w_fmt = VNPU_FMT_MXFP4,
		.a_fmt = VNPU_FMT_FP32, .a_quant = VNPU_FMT_MXINT8,
		.c_fmt = VNPU_FMT_FP32,
	};
	struct mm_ops o;
	float c[64];
	char scratch[64];
	struct vnpu_ctx ctx = { .scratch = scratch, .scratch_size = sizeof(scratch) };

	ops_make(&o, &cs, 5);
	o.mm.c = c;
	ASSERT_EQ(VNPU_ENOSPC, vnpu_matmul_run(&o.mm, 0, 2, 0, 32, &ctx));
	ASSERT_EQ(VNPU_EINVAL, vnpu_matmul_run(&o.mm, 0, 2, 8, 32, &ctx));
	ASSERT_EQ(VNPU_EINVAL, vnpu_matmul_run(&o.mm, 0, 3, 0, 32, &ctx));
	o.mm.k = 48;
	ASSERT_EQ(VNPU_EINVAL, vnpu_matmul_run(&o.mm, 0, 2, 0, 32, &ctx));
	o.mm.k = 64;
	o.mm.w_fmt = VNPU_FMT_FP16;
	ASSERT_EQ(VNPU_ENOTSUP, vnpu_matmul_run(&o.mm, 0, 2, 0, 32, &ctx));
	o.mm.w_fmt = VNPU_FMT_MXFP4;
	o.mm.a_quant = VNPU_FMT_NVFP4;
	ASSERT_EQ(VNPU_ENOTSUP, vnpu_matmul_run(&o.mm, 0, 2, 0, 32, &ctx));
	ASSERT_EQ(0, vnpu_panel_size(VNPU_FMT_FP16, 16, 64));
	ASSERT_EQ(0, vnpu_panel_size(VNPU_FMT_MXFP4, 16, 48));
	ops_free(&o);
}

/* Engine-internal: the generic variant's single-rounding fma. */
float vnpu_fmaf_soft(float a, float b, float c);

TEST(generic_soft_fma_rounds_once_like_hardware_fma)
{
	uint64_t s = 42;
	long bad = 0;

	for (long i = 0; i < 3000000; i++) {
		uint32_t ua = (uint32_t)mm_rng(&s), ub = (uint32_t)mm_rng(&s);
		uint32_t uc = (uint32_t)mm_rng(&s);
		float a, b, c, want, got;

		if (i & 1) {	/* near-cancelling c = -(a*b) + noise */
			memcpy(&a, &ua, 4);
			memcpy(&b, &ub, 4);
			c = -(a * b);
			memcpy(&uc, &c, 4);
			uc += (uint32_t)(mm_rng(&s) % 5) - 2;
		}
		memcpy(&a, &ua, 4);
		memcpy(&b, &ub, 4);
		memcpy(&c, &uc, 4);
		want = fmaf(a, b, c);
		got = vnpu_fmaf_soft(a, b, c);
		if (memcmp(&want, &got, 4) && !(isnan(want) && isnan(got)))
			if (bad++ < 5)
				TH_LOG("fma(%a, %a, %a) = %a, soft %a", a, b, c, want, got);
	}
	ASSERT_EQ(0, bad);
}

TEST_HARNESS_MAIN
