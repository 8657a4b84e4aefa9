// SPDX-License-Identifier: GPL-2.0
/*
 * What does vdpbf16ps compute on this CPU, exactly?
 *
 * Each lane does acc' = acc + a0*b0 + a1*b1 (BF16 pairs a0:a1, b0:b1, FP32
 * acc). Intel's manual describes two fused steps, the odd pair first, with
 * BF16 denormals read as zero and denormal results flushed; other CPUs may
 * differ. The probe runs the instruction on adversarial cases (cancellation,
 * ties, overflow that cancels, tiny and denormal inputs and accumulators,
 * results at the normal/denormal edge) and on random ones, and compares
 * every result with candidate models computed exactly in software:
 *
 *   seq-odd   t = R(acc + p1); t = R(t + p0)      (two fmas, odd first)
 *   seq-even  t = R(acc + p0); t = R(t + p1)
 *   pair      t = R(acc + R(p0 + p1))             (exact pair sum, rounded)
 *   single    t = R(acc + p0 + p1)                (one rounding)
 *
 * R is FP32 round-to-nearest-even, each model with or without: BF16 inputs
 * denormals-as-zero (DAZ), the accumulator DAZ, intermediate and final
 * flush-to-zero (FTZ), and tininess for FTZ judged before or after
 * rounding. Products of two BF16 values are exact in double; sums are
 * exact in a 640-bit fixed-point integer, so every model is exact.
 *
 * The engine's BF16-activation matmul arithmetic (matmul.h) is the model
 * that matches: the last test checks the engine's emulation of it
 * (vnpu_bf16dot2(), used by the generic and AVX2 kernels) against the
 * instruction on the same cases. VNPU_PROBE_VERBOSE=1 prints every
 * model's mismatch count; VNPU_PROBE_CASES=n sets the random case count.
 * On a CPU without AVX512_BF16 both tests SKIP.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"

/* engine-internal (vnpu_mm.h): the emulation the generic/AVX2 kernels use */
float vnpu_bf16dot2(float acc, float w0, float a0, float w1, float a1);

static uint32_t f2u(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }
static float u2f(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }
static float bf(uint16_t h) { return u2f((uint32_t)h << 16); }

/* ---- exact arithmetic: value = int * 2^-BIG_LSB, two's complement ---- */
#define BIG_W 10
#define BIG_LSB 300
struct big { uint64_t w[BIG_W]; };

static void big_add(struct big *s, int neg, uint64_t m, int e)
{
	struct big t = { { 0 } };
	int pos = e + BIG_LSB, li = pos / 64, sh = pos % 64;
	unsigned __int128 c = 0;

	t.w[li] = m << sh;
	if (sh && li + 1 < BIG_W)
		t.w[li + 1] = m >> (64 - sh);
	if (neg) {
		/* two's complement of t */
		c = 1;
		for (int i = 0; i < BIG_W; i++) {
			c += (uint64_t)~t.w[i];
			t.w[i] = (uint64_t)c;
			c >>= 64;
		}
	}
	c = 0;
	for (int i = 0; i < BIG_W; i++) {
		c += (unsigned __int128)s->w[i] + t.w[i];
		s->w[i] = (uint64_t)c;
		c >>= 64;
	}
}

/* Add a finite double (exactly). */
static void big_add_d(struct big *s, double x)
{
	int e;
	double f;
	uint64_t m;

	if (x == 0)
		return;
	f = frexp(fabs(x), &e);		/* x = f * 2^e, f in [0.5, 1) */
	m = (uint64_t)ldexp(f, 53);
	e -= 53;
	while (!(m & 1)) {		/* products: lsb at 2^-266 at least */
		m >>= 1;
		e++;
	}
	big_add(s, x < 0, m, e);
}

static int big_bit(const struct big *s, int i)
{
	return (s->w[i / 64] >> (i % 64)) & 1;
}

#define MF_DAZ_IN	1	/* BF16 denormal inputs read as zero */
#define MF_DAZ_ACC	2	/* denormal accumulator read as zero */
#define MF_FTZ_MID	4	/* intermediate denormal results flushed */
#define MF_FTZ_OUT	8	/* final denormal result flushed */
#define MF_TINY_AFTER	16	/* FTZ: tiny judged after rounding */
#define MF_NFLAGS	32

/*
 * Round the exact sum to FP32 (RNE, gradual underflow), flushing tiny
 * results to zero when @ftz. @zneg: sign for an exact zero sum.
 */
static float big_round(const struct big *s0, int zneg, int ftz, int tiny_after)
{
	struct big s = *s0;
	int neg = (int)(s.w[BIG_W - 1] >> 63), h = -1, L, rb, st = 0;
	uint64_t m = 0;
	float r;

	if (neg) {
		unsigned __int128 c = 1;

		for (int i = 0; i < BIG_W; i++) {
			c += (uint64_t)~s.w[i];
			s.w[i] = (uint64_t)c;
			c >>= 64;
		}
	}
	for (int i = BIG_W * 64 - 1; i >= 0; i--)
		if (big_bit(&s, i)) {
			h = i;
			break;
		}
	if (h < 0)
		return zneg ? -0.0f : 0.0f;
	/* lsb kept: 24 bits, or the denormal grid 2^-149 */
	L = h - 23 > BIG_LSB - 149 ? h - 23 : BIG_LSB - 149;
	for (int i = h; i >= L; i--)
		m = m << 1 | (uint64_t)big_bit(&s, i);
	rb = L - 1 >= 0 ? big_bit(&s, L - 1) : 0;
	for (int i = L - 2; i >= 0 && !st; i--)
		st = big_bit(&s, i);
	if (rb && (st || (m & 1)))
		m++;
	r = (float)ldexp((double)m, L - BIG_LSB);	/* exact or overflow to inf */
	if (ftz) {
		int tiny;

		if (tiny_after) {
			/* rounded to 24 bits with an unbounded exponent */
			int L2 = h - 23, rb2 = big_bit(&s, L2 - 1), st2 = 0;
			uint64_t m2 = 0;

			for (int i = h; i >= L2; i--)
				m2 = m2 << 1 | (uint64_t)big_bit(&s, i);
			for (int i = L2 - 2; i >= 0 && !st2; i--)
				st2 = big_bit(&s, i);
			if (rb2 && (st2 || (m2 & 1)))
				m2++;
			tiny = ldexp((double)m2, L2 - BIG_LSB) < 0x1p-126;
		} else {
			tiny = h < BIG_LSB - 126;
		}
		if (tiny)
			r = 0.0f;
	}
	return neg ? -r : r;
}

static float daz(float x)
{
	return fabsf(x) < 0x1p-126f ? copysignf(0.0f, x) : x;
}

/*
 * R(sum of the terms), terms being FP32 values or exact products (as
 * doubles). IEEE specials as a chain of additions would give them.
 */
static float exact_sum(const double *t, int n, int ftz, int tiny_after)
{
	struct big s = { { 0 } };
	int zneg = 1;
	double ref = 0;

	for (int i = 0; i < n; i++) {
		if (!isfinite(t[i])) {
			for (int j = 0; j < n; j++)
				ref += isfinite(t[j]) ? 0 : t[j];
			return (float)ref;	/* inf, or NaN for inf - inf */
		}
	}
	for (int i = 0; i < n; i++) {
		zneg &= t[i] == 0 && signbit(t[i]);
		big_add_d(&s, t[i]);
	}
	return big_round(&s, zneg, ftz, tiny_after);
}

enum { M_SEQ_ODD, M_SEQ_EVEN, M_PAIR, M_SINGLE, M_NKIND };
static const char *const kind_name[M_NKIND] = { "seq-odd", "seq-even", "pair", "single" };

static double prod(float a, float b)
{
	/* NaN for inf * 0, as the instruction's multiply would */
	return (double)a * (double)b;
}

static float model(int kind, int fl, float acc, float a0, float b0, float a1, float b1)
{
	int ta = !!(fl & MF_TINY_AFTER), fm = !!(fl & MF_FTZ_MID), fo = !!(fl & MF_FTZ_OUT);
	double t[3], p0, p1;
	float r;

	if (fl & MF_DAZ_IN) {
		a0 = daz(a0); b0 = daz(b0); a1 = daz(a1); b1 = daz(b1);
	}
	if (fl & MF_DAZ_ACC)
		acc = daz(acc);
	p0 = prod(a0, b0);
	p1 = prod(a1, b1);
	if (isnan(acc) || isnan(p0) || isnan(p1))
		return NAN;
	switch (kind) {
	case M_SEQ_ODD:
	case M_SEQ_EVEN:
		t[0] = acc;
		t[1] = kind == M_SEQ_ODD ? p1 : p0;
		r = exact_sum(t, 2, fm, ta);
		if (fl & MF_DAZ_ACC)
			r = daz(r);
		t[0] = r;
		t[1] = kind == M_SEQ_ODD ? p0 : p1;
		return exact_sum(t, 2, fo, ta);
	case M_PAIR:
		t[0] = p0;
		t[1] = p1;
		t[0] = exact_sum(t, 2, fm, ta);
		t[1] = acc;
		return exact_sum(t, 2, fo, ta);
	default:
		t[0] = acc;
		t[1] = p0;
		t[2] = p1;
		return exact_sum(t, 3, fo, ta);
	}
}

/* ---- cases ---------------------------------------------------------- */
struct pcase { float acc; uint16_t a0, b0, a1, b1; float hw; };
#define PC(acc, a0, b0, a1, b1) ((struct pcase){ (acc), (a0), (b0), (a1), (b1), 0 })

static uint64_t rs = 0x2545f4914f6cdd1dull;
static uint64_t rnd(void)
{
	rs ^= rs << 13;
	rs ^= rs >> 7;
	rs ^= rs << 17;
	return rs;
}

static uint16_t tobf(float x)	/* truncation: any BF16 pattern will do */
{
	return (uint16_t)(f2u(x) >> 16);
}

/* A BF16 with a random sign and mantissa and an exponent field in [lo, hi]. */
static uint16_t rbf(int lo, int hi)
{
	uint64_t r = rnd();
	uint32_t e = (uint32_t)(lo + (int)(r % (uint64_t)(hi - lo + 1)));

	return (uint16_t)(((r >> 20) & 1) << 15 | e << 7 | ((r >> 30) & 0x7f));
}

static float rf32(int lo, int hi)
{
	uint64_t r = rnd();
	uint32_t e = (uint32_t)(lo + (int)(r % (uint64_t)(hi - lo + 1)));

	return u2f((uint32_t)((r >> 20) & 1) << 31 | e << 23 | ((uint32_t)(r >> 32) & 0x7fffff));
}

/* The adversarial cases, then random ones of several kinds. */
static size_t make_cases(struct pcase *c, size_t nrand)
{
	static const float specials[] = {
		0.0f, -0.0f, 1.0f, -1.0f, 0x1p-126f, -0x1p-126f, 0x1p-127f, 0x1p-149f,
		-0x1p-149f, 0x1.fffffcp-127f, 0x1.fffffep127f, -0x1.fffffep127f,
		INFINITY, -INFINITY, NAN, 0x1p-24f, 0x1p-25f, 3.0f, 0x1p100f,
	};
	static const uint16_t bspec[] = {
		0x0000, 0x8000, 0x3f80, 0xbf80, 0x0080, 0x8080, 0x0040, 0x0001, 0x8001,
		0x007f, 0x7f7f, 0xff7f, 0x7f80, 0xff80, 0x7fc0, 0x3380, 0x3300, 0x4040,
		0x7100, 0xf100, 0x1f80, 0x2000, 0x0c00, 0x3f81, 0xbf81,
	};
	size_t n = 0, ns = sizeof(specials) / 4, nb = sizeof(bspec) / 2;

	/* every special accumulator with special pairs (sampled) */
	for (size_t i = 0; i < ns; i++)
		for (size_t j = 0; j < nb; j++)
			for (size_t k = 0; k < nb; k++) {
				c[n++] = PC(specials[i], bspec[j], bspec[k],
							 bspec[(j + k) % nb], bspec[(j * 7 + k) % nb]);
				c[n++] = PC(specials[i], bspec[j], 0x3f80,
							 bspec[k], 0x3f80);
			}
	/* overflow that cancels: p0 = -p1 = 2^200 */
	c[n++] = PC(1.0f, tobf(0x1p100f), tobf(0x1p100f),
				 tobf(-0x1p100f), tobf(0x1p100f));
	c[n++] = PC(1.0f, tobf(-0x1p100f), tobf(0x1p100f),
				 tobf(0x1p100f), tobf(0x1p100f));
	/* ties: acc = 1, one product half an ulp, the other tiny of either sign */
	for (int s = 0; s < 2; s++) {
		uint16_t tiny = s ? 0xa000 : 0x2000;	/* +-2^-63 */

		c[n++] = PC(1.0f, 0x3380, 0x3f80, tiny, 0x3f80);
		c[n++] = PC(1.0f, tiny, 0x3f80, 0x3380, 0x3f80);
		c[n++] = PC(0x1.000002p0f, 0x3380, 0x3f80, tiny, 0x3f80);
		c[n++] = PC(0x1.000002p0f, tiny, 0x3f80, 0x3380, 0x3f80);
	}
	/* cancellation: acc = -(a1 b1) exactly, the other product tiny or not */
	for (int i = 0; i < 2000; i++) {
		uint16_t a = rbf(100, 150), b = rbf(100, 150), t = rbf(1, 254);
		float acc = -(bf(a) * bf(b));

		c[n++] = PC(acc, t, 0x3f80, a, b);
		c[n++] = PC(acc, a, b, t, 0x3f80);
	}
	/* results around the normal/denormal edge 2^-126 */
	for (int i = 0; i < 4000; i++) {
		uint16_t a = rbf(60, 66), b = rbf(60, 66), a2 = rbf(55, 66), b2 = rbf(55, 66);
		float acc = i & 1 ? rf32(0, 2) : rf32(1, 1);

		c[n++] = PC(acc, a, b, a2, b2);
	}
	/* denormal BF16 inputs against large ones (product normal) */
	for (int i = 0; i < 2000; i++) {
		uint16_t d = (uint16_t)(rnd() & 0x807f) | 1;

		c[n++] = PC(rf32(1, 140), d, rbf(200, 254), rbf(1, 254), rbf(1, 254));
		c[n++] = PC(rf32(0, 0), rbf(1, 254), rbf(1, 254), d, rbf(230, 254));
	}
	/* random: exponents close together (rounding, cancellation) and anywhere */
	for (size_t i = 0; i < nrand; i++) {
		switch (i % 4) {
		case 0:
			c[n++] = PC(rf32(120, 134), rbf(120, 134), rbf(120, 134),
						 rbf(120, 134), rbf(120, 134));
			break;
		case 1:
			c[n++] = PC(rf32(110, 144), rbf(60, 190), rbf(60, 190),
						 rbf(60, 190), rbf(60, 190));
			break;
		case 2:
			c[n++] = PC(u2f((uint32_t)rnd()), (uint16_t)rnd(),
						 (uint16_t)rnd(), (uint16_t)rnd(), (uint16_t)rnd());
			break;
		default: {
			/* sum of products landing near acc's rounding boundaries */
			float acc = rf32(125, 130);
			uint16_t a = rbf(100, 126), b = rbf(126, 128);

			c[n++] = PC(acc, a, b, rbf(90, 118), rbf(126, 128));
		}
		}
	}
	return n;
}

/* Run vdpbf16ps on every case, 16 lanes at a time. */
static __attribute__((target("avx512f,avx512bf16"))) void run_hw(struct pcase *c, size_t n)
{
	typedef float v16f __attribute__((vector_size(64)));
	typedef short v32h __attribute__((vector_size(64)));

	for (size_t i = 0; i < n; i += 16) {
		v16f acc = {};
		v32h a = {}, b = {};
		v16f r;

		for (size_t j = 0; j < 16 && i + j < n; j++) {
			acc[j] = c[i + j].acc;
			a[2 * j] = (short)c[i + j].a0;
			a[2 * j + 1] = (short)c[i + j].a1;
			b[2 * j] = (short)c[i + j].b0;
			b[2 * j + 1] = (short)c[i + j].b1;
		}
		r = __builtin_ia32_dpbf16ps_v16sf(acc, a, b);
		for (size_t j = 0; j < 16 && i + j < n; j++)
			c[i + j].hw = r[j];
	}
}

static int same(float x, float y)
{
	return (isnan(x) && isnan(y)) || f2u(x) == f2u(y);
}

static int has_bf16(void)
{
	__builtin_cpu_init();
	return __builtin_cpu_supports("avx512bf16");
}

static size_t ncases_random(void)
{
	const char *e = getenv("VNPU_PROBE_CASES");

	return e ? strtoul(e, NULL, 0) : 300000;
}

static struct pcase *probe(size_t *np)
{
	size_t nr = ncases_random();
	struct pcase *c = malloc(sizeof(*c) * (nr + 200000));

	if (!c)
		return NULL;
	*np = make_cases(c, nr);
	run_hw(c, *np);
	return c;
}

/*
 * Which models reproduce the instruction on every case? Models are
 * dropped at their first mismatch (the verbose run counts them all).
 */
TEST(vdpbf16ps_matches_exactly_one_candidate_model)
{
	size_t n = 0, alive = 0, bad[M_NKIND][MF_NFLAGS] = { { 0 } };
	int verbose = getenv("VNPU_PROBE_VERBOSE") != NULL;
	struct pcase *c;

	if (!has_bf16())
		SKIP(return, "no AVX512_BF16 on this CPU: vdpbf16ps cannot be probed");
	c = probe(&n);
	ASSERT_NE(NULL, c);
	for (size_t i = 0; i < n; i++) {
		float a0 = bf(c[i].a0), b0 = bf(c[i].b0), a1 = bf(c[i].a1), b1 = bf(c[i].b1);

		for (int k = 0; k < M_NKIND; k++)
			for (int f = 0; f < MF_NFLAGS; f++) {
				float m;

				if (bad[k][f] && !verbose)
					continue;
				m = model(k, f, c[i].acc, a0, b0, a1, b1);
				if (!same(m, c[i].hw)) {
					if (verbose && bad[k][f] < 3)
						fprintf(stderr, "# %s/%02x: acc %a a0 %04x b0 %04x a1 %04x b1 %04x: hw %a model %a\n",
							kind_name[k], f, (double)c[i].acc, c[i].a0,
							c[i].b0, c[i].a1, c[i].b1, (double)c[i].hw,
							(double)m);
					bad[k][f]++;
				}
			}
	}
	for (int k = 0; k < M_NKIND; k++)
		for (int f = 0; f < MF_NFLAGS; f++) {
			if (verbose)
				fprintf(stderr, "# %-8s daz_in %d daz_acc %d ftz_mid %d ftz_out %d tiny_after %d: %zu mismatches\n",
					kind_name[k], !!(f & MF_DAZ_IN), !!(f & MF_DAZ_ACC),
					!!(f & MF_FTZ_MID), !!(f & MF_FTZ_OUT),
					!!(f & MF_TINY_AFTER), bad[k][f]);
			if (!bad[k][f]) {
				fprintf(stderr, "# matches all %zu cases: %s daz_in %d daz_acc %d ftz_mid %d ftz_out %d tiny_after %d\n",
					n, kind_name[k], !!(f & MF_DAZ_IN), !!(f & MF_DAZ_ACC),
					!!(f & MF_FTZ_MID), !!(f & MF_FTZ_OUT),
					!!(f & MF_TINY_AFTER));
				alive++;
			}
		}
	free(c);
	/* one model only, and it is the one matmul.h documents */
	EXPECT_EQ(1, alive);
	EXPECT_EQ(0, bad[M_SEQ_ODD][MF_DAZ_IN | MF_DAZ_ACC | MF_FTZ_MID | MF_FTZ_OUT |
				    MF_TINY_AFTER]);
}

/* The engine's emulation (generic and AVX2 kernels) gives the same bits. */
TEST(engine_emulation_matches_vdpbf16ps)
{
	size_t n = 0, bad = 0;
	struct pcase *c;

	if (!has_bf16())
		SKIP(return, "no AVX512_BF16 on this CPU: nothing to compare with");
	c = probe(&n);
	ASSERT_NE(NULL, c);
	for (size_t i = 0; i < n; i++) {
		float e = vnpu_bf16dot2(c[i].acc, bf(c[i].b0), bf(c[i].a0), bf(c[i].b1),
					bf(c[i].a1));

		if (!same(e, c[i].hw) && bad++ < 5)
			TH_LOG("acc %a a0 %04x b0 %04x a1 %04x b1 %04x: hw %a engine %a",
			       (double)c[i].acc, c[i].a0, c[i].b0, c[i].a1, c[i].b1,
			       (double)c[i].hw, (double)e);
	}
	free(c);
	EXPECT_EQ(0, bad);
}

TEST_HARNESS_MAIN
