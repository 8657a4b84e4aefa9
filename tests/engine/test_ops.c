// SPDX-License-Identifier: GPL-2.0
/*
 * Vector ops: the documented reduction order reproduced bit for bit, and
 * results within stated bounds of FP64 references.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include <vnpu_engine/ops.h>
#include <vnpu_engine/vmath.h>
#include <vnpu_engine/formats.h>
#include <vnpu_engine/engine.h>
#include <vnpu_engine/isa.h>
#include "vnpu_ops_vec.h"

static uint64_t rs = 88172645463325252ull;
static float frand(void)
{
	rs ^= rs << 13;
	rs ^= rs >> 7;
	rs ^= rs << 17;
	return (float)((double)(rs >> 11) / 0x1p53 * 2 - 1);
}

static float tree16(const float *x, size_t n)	/* the documented order */
{
	float s[16] = { 0 };

	for (size_t i = 0; i < n; i++)
		s[i % 16] += x[i];
	for (int w = 8; w; w /= 2)
		for (int l = 0; l < w; l++)
			s[l] += s[l + w];
	return s[0];
}

TEST(sum_and_dot_follow_the_documented_16_lane_order)
{
	float x[1000], y[1000], p[1000], got;

	for (int i = 0; i < 1000; i++) {
		x[i] = frand() * 1e4f;
		y[i] = frand();
		p[i] = x[i] * y[i];
	}
	for (size_t n = 0; n <= 1000; n += 37) {
		vnpu_sum(&got, x, n);
		ASSERT_EQ(tree16(x, n), got);
		vnpu_dot(&got, x, y, n);
		ASSERT_EQ(tree16(p, n), got);
	}
}

TEST(elementwise_ops_are_exact_ieee)
{
	float a[100], b[100], y[100], s = 0.37f;

	for (int i = 0; i < 100; i++) {
		a[i] = frand();
		b[i] = frand();
	}
	vnpu_add(y, a, b, 100);
	for (int i = 0; i < 100; i++)
		ASSERT_EQ(a[i] + b[i], y[i]);
	vnpu_mul(y, a, b, 100);
	for (int i = 0; i < 100; i++)
		ASSERT_EQ(a[i] * b[i], y[i]);
	vnpu_scale(y, a, &s, 100);
	for (int i = 0; i < 100; i++)
		ASSERT_EQ(a[i] * s, y[i]);
}

TEST(rmsnorm_and_layernorm_within_bounds_of_fp64)
{
	static float x[4096], w[4096], g[4096], bb[4096], y[4096];
	float eps = 1e-5f;
	double ss = 0, mean = 0, var = 0;
	size_t n = 4096;

	for (size_t i = 0; i < n; i++) {
		x[i] = frand() * 3 + 0.5f;
		w[i] = frand();
		g[i] = frand();
		bb[i] = frand();
		ss += (double)x[i] * x[i];
		mean += x[i];
	}
	vnpu_rmsnorm(y, x, w, &eps, n);
	for (size_t i = 0; i < n; i++) {
		double want = x[i] / sqrt(ss / n + eps) * w[i];

		ASSERT_LE(fabs(y[i] - want), 1e-6 * fabs(want) + 1e-30);
	}
	mean /= n;
	for (size_t i = 0; i < n; i++)
		var += (x[i] - mean) * (x[i] - mean);
	var /= n;
	vnpu_layernorm(y, x, g, bb, &eps, n);
	for (size_t i = 0; i < n; i++) {
		double want = (x[i] - mean) / sqrt(var + eps) * g[i] + bb[i];

		ASSERT_LE(fabs(y[i] - want), 2e-6 * (fabs(want) + fabs(bb[i]) + 1));
	}
}

TEST(softmax_sums_to_one_and_masks_causally)
{
	static float x[8 * 64], y[8 * 64];

	for (int i = 0; i < 8 * 64; i++)
		x[i] = frand() * 20;
	vnpu_softmax(y, x, 8, 64, 64, 1, 3);
	for (int r = 0; r < 8; r++) {
		double m = -INFINITY, s = 0, tot = 0;
		int len = r + 3 + 1;

		for (int j = 0; j < len; j++)
			m = fmax(m, x[r * 64 + j]);
		for (int j = 0; j < len; j++)
			s += exp(x[r * 64 + j] - m);
		for (int j = 0; j < 64; j++) {
			double want = j < len ? exp(x[r * 64 + j] - m) / s : 0;

			/* x - m is rounded to FP32 first: |x - m| * 2^-24 relative */
			double rel = j < len ? (fabs(x[r * 64 + j] - m) + 4) * 0x1p-24 : 0;

			ASSERT_LE(fabs(y[r * 64 + j] - want), rel * want + 1e-45)
				TH_LOG("r %d j %d: %.9g want %.9g", r, j, y[r * 64 + j], want);
			tot += y[r * 64 + j];
		}
		ASSERT_LE(fabs(tot - 1), 1e-5);
	}
}

static bool same_bits(float a, float b)
{
	return !memcmp(&a, &b, sizeof(a));
}

TEST(activations_match_scalar_math)
{
	static const float special[] = { -0.0f, 0.0f, INFINITY, -INFINITY, NAN,
					 -88.7f, -88.8f, -200.0f, 88.8f, 1e-40f };
	float x[203], g[203], y[203];

	for (int i = 0; i < 203; i++) {
		x[i] = frand() * 8;
		g[i] = frand() * 8;
	}
	/* the 4-lane loops and their scalar tail agree on special values */
	for (int i = 0; i < 10; i++) {
		x[20 + i] = special[i];
		g[197 + i % 6] = special[i];
	}
	vnpu_silu(y, x, 203);
	for (int i = 0; i < 203; i++) {
		ASSERT_TRUE(same_bits(vnpu_siluf(x[i]), y[i])) TH_LOG("silu %d", i);
	}
	vnpu_swiglu(y, g, x, 203);
	for (int i = 0; i < 203; i++) {
		ASSERT_TRUE(same_bits(vnpu_siluf(g[i]) * x[i], y[i])) TH_LOG("swiglu %d", i);
	}
	for (int i = 0; i < 10; i++) {
		x[20 + i] = 1.0f;
		g[197 + i % 6] = 1.0f;
	}
	vnpu_gelu(y, x, 200);
	for (int i = 0; i < 200; i++)
		ASSERT_EQ(vnpu_geluf(x[i]), y[i]);
	vnpu_gelu_tanh(y, x, 200);
	for (int i = 0; i < 200; i++)
		ASSERT_EQ(vnpu_gelu_tanhf(x[i]), y[i]);
	vnpu_swiglu(y, g, x, 200);
	for (int i = 0; i < 200; i++)
		ASSERT_EQ(vnpu_siluf(g[i]) * x[i], y[i]);
}

/* The ISA executor's 16-lane SiLU/SwiGLU give vnpu_silu()'s bits. */
TEST(silu_swiglu_avx512_match_the_4_lane_loops)
{
	enum { N = 1013 };	/* a tail of 5 after 63 vectors */
	static float x[N], g[N], y0[N], y1[N];

	if (vnpu_engine_variant(vnpu_engine_cpu_features()) != VNPU_VARIANT_AVX512)
		SKIP(return, "no AVX-512 on this CPU");
	for (int i = 0; i < N; i++) {
		x[i] = frand() * 100;
		g[i] = frand() * 12;
	}
	x[3] = NAN;
	x[4] = -INFINITY;
	x[5] = -0.0f;
	x[N - 1] = -90.0f;
	g[N - 2] = INFINITY;
	vnpu_silu(y0, x, N);
	vnpu_silu_avx512(y1, x, N);
	ASSERT_EQ(0, memcmp(y0, y1, sizeof(y0)));
	vnpu_swiglu(y0, g, x, N);
	vnpu_swiglu_avx512(y1, g, x, N);
	ASSERT_EQ(0, memcmp(y0, y1, sizeof(y0)));
}

TEST(rope_rotates_pairs_by_position_angle)
{
	float inv[32], x[2 * 64], x0[2 * 64], theta = 10000.0f;

	vnpu_rope_freqs(inv, 64, &theta);
	for (int i = 0; i < 32; i++) {
		double want = pow(10000.0, -2.0 * i / 64);

		ASSERT_LE(fabs(inv[i] - want), 0x1p-24 * want);
	}
	for (uint32_t mode = 0; mode < 2; mode++) {
		for (int i = 0; i < 128; i++)
			x[i] = x0[i] = frand();
		vnpu_rope(x, 2, 64, 1234, inv, mode);
		for (int h = 0; h < 2; h++) {
			for (int i = 0; i < 32; i++) {
				int ia = mode ? i : 2 * i, ib = mode ? i + 32 : 2 * i + 1;
				double ang = 1234.0 * inv[i];
				double a = x0[h * 64 + ia], b = x0[h * 64 + ib];

				ASSERT_LE(fabs(x[h * 64 + ia] - (a * cos(ang) - b * sin(ang))), 3e-7);
				ASSERT_LE(fabs(x[h * 64 + ib] - (a * sin(ang) + b * cos(ang))), 3e-7);
			}
		}
	}
}

static uint32_t fbits(float f)
{
	uint32_t u;

	memcpy(&u, &f, 4);
	return u;
}

static float kv_at(const void *base, uint32_t bf16, size_t i)
{
	uint32_t u;
	float f;

	if (!bf16)
		return ((const float *)base)[i];
	u = (uint32_t)((const uint16_t *)base)[i] << 16;
	memcpy(&f, &u, 4);
	return f;
}

/* FP64 attention reference (from the cache values as stored). */
static void ref_attn(const struct vnpu_attn *at, double *out)
{
	uint32_t d = at->dim, group = at->n_heads / at->n_kv_heads;

	for (uint32_t t = 0; t < at->nq; t++) {
		size_t len = at->pos0 + t + 1;

		for (uint32_t h = 0; h < at->n_heads; h++) {
			const float *q = at->q + ((size_t)t * at->n_heads + h) * d;
			double *o = out + ((size_t)t * at->n_heads + h) * d;
			double *s = calloc(len, sizeof(double)), m = -INFINITY, sum = 0;
			size_t kb;

			for (size_t j = 0; j < len; j++) {
				kb = (j * at->n_kv_heads + h / group) * d;
				for (uint32_t i = 0; i < d; i++)
					s[j] += (double)q[i] * kv_at(at->k, at->kv_bf16, kb + i);
				s[j] *= *at->scale;
				m = fmax(m, s[j]);
			}
			for (size_t j = 0; j < len; j++)
				sum += (s[j] = exp(s[j] - m));
			for (uint32_t i = 0; i < d; i++) {
				o[i] = 0;
				for (size_t j = 0; j < len; j++)
					o[i] += s[j] / sum *
						kv_at(at->v, at->kv_bf16,
						      (j * at->n_kv_heads + h / group) * d + i);
			}
			free(s);
		}
	}
}

/*
 * The documented order written out scalar: 16-lane dot folded 8, 4, 2, 1,
 * times scale; vnpu_softmax(); PV in ascending j from +0.
 */
static void order_attn(const struct vnpu_attn *at, float *out)
{
	uint32_t d = at->dim, group = at->n_heads / at->n_kv_heads;
	float *sc = malloc((at->pos0 + at->nq) * sizeof(float));

	for (uint32_t t = 0; t < at->nq; t++) {
		size_t len = (size_t)at->pos0 + t + 1;

		for (uint32_t h = 0; h < at->n_heads; h++) {
			const float *q = at->q + ((size_t)t * at->n_heads + h) * d;
			float *o = out + ((size_t)t * at->n_heads + h) * d;
			size_t kh = h / group;

			for (size_t j = 0; j < len; j++) {
				float l[16] = { 0 };

				for (uint32_t i = 0; i < d; i++)
					l[i % 16] += q[i] * kv_at(at->k, at->kv_bf16,
								(j * at->n_kv_heads + kh) * d + i);
				for (int w = 8; w; w /= 2)
					for (int x = 0; x < w; x++)
						l[x] += l[x + w];
				sc[j] = l[0] * *at->scale;
			}
			vnpu_softmax(sc, sc, 1, len, len, 0, 0);
			for (uint32_t i = 0; i < d; i++) {
				o[i] = 0.0f;
				for (size_t j = 0; j < len; j++)
					o[i] += sc[j] * kv_at(at->v, at->kv_bf16,
							      (j * at->n_kv_heads + kh) * d + i);
			}
		}
	}
	free(sc);
}

TEST(attention_decode_and_prefill_with_grouped_heads)
{
	enum { CTX = 40, NH = 8, NKV = 2, D = 32 };
	static float q[8 * NH * D], k[CTX * NKV * D], v[CTX * NKV * D];
	static float out[8 * NH * D], out1[NH * D];
	static double ref[8 * NH * D];
	float scale = 1.0f / sqrtf(D), scr[CTX + D + 8 + 256];
	struct vnpu_ctx ctx = { .scratch = scr, .scratch_size = sizeof(scr) };
	struct vnpu_attn at = {
		.q = q, .k = k, .v = v, .out = out, .scale = &scale,
		.nq = 8, .pos0 = 30, .n_heads = NH, .n_kv_heads = NKV, .dim = D,
	};

	for (size_t i = 0; i < sizeof(q) / 4; i++)
		q[i] = frand() * 2;
	for (size_t i = 0; i < sizeof(k) / 4; i++) {
		k[i] = frand() * 2;
		v[i] = frand();
	}
	/* dim 32 and a context of 38, each rounded up to 16, + 256 */
	ASSERT_EQ((32 + 256 + 48) * 4, vnpu_attention_scratch(&at));
	ASSERT_EQ(0, vnpu_attention(&at, &ctx));
	ref_attn(&at, ref);
	for (size_t i = 0; i < 8 * NH * D; i++)
		ASSERT_LE(fabs(out[i] - ref[i]), 2e-6);
	/* decode of the last query alone gives the same bits as prefill */
	at.nq = 1;
	at.pos0 = 37;
	at.q = q + 7 * NH * D;
	at.out = out1;
	ASSERT_EQ(0, vnpu_attention(&at, &ctx));
	ASSERT_EQ(0, memcmp(out1, out + 7 * NH * D, sizeof(out1)));
	ctx.scratch_size = vnpu_attention_scratch(&at) - 4;
	ASSERT_EQ(VNPU_ENOSPC, vnpu_attention(&at, &ctx));
	ctx.scratch_size = sizeof(scr);
	ASSERT_EQ(VNPU_EINVAL, vnpu_attention_rows(&at, 7, 2, &ctx));
	at.n_kv_heads = 3;
	ASSERT_EQ(VNPU_EINVAL, vnpu_attention(&at, &ctx));
}

/* generic-v2 has no attention kernel of its own: it must run the generic one */
static const uint32_t attn_variants[] = {
	0, VNPU_CPU_SSSE3, VNPU_CPU_AVX2, VNPU_CPU_AVX2 | VNPU_CPU_AVX512,
};
#define NATTN_VAR	(sizeof(attn_variants) / sizeof(attn_variants[0]))

/*
 * The position-major cache X ([ctx][nkv][d], ES bytes a value) head-major
 * with ROWS rows a head; the rows past ctx hold NaNs, which must not be
 * read.
 */
static void *head_major(const void *x, size_t es, uint32_t ctxn, uint32_t nkv,
			uint32_t d, uint32_t rows)
{
	uint8_t *y = malloc((size_t)nkv * rows * d * es);

	memset(y, 0xff, (size_t)nkv * rows * d * es);
	for (uint32_t j = 0; j < ctxn; j++)
		for (uint32_t h = 0; h < nkv; h++)
			memcpy(y + (((size_t)h * rows + j) * d) * es,
			       (const uint8_t *)x + (((size_t)j * nkv + h) * d) * es,
			       d * es);
	return y;
}

/*
 * Every variant and every split of the rows gives the documented order's
 * bits, for FP32 and BF16 caches, both cache layouts and head dims that
 * are not a multiple of 16; and the result is within 4e-6 of FP64
 * (|v| <= 1, the softmax's and the sums' rounding).
 */
TEST(attention_variants_and_row_splits_give_the_documented_bits)
{
	static const struct { uint32_t d, bf16, nkv, pos0, nq; } cs[] = {
		{ 32, 0, 4, 37, 21 }, { 64, 1, 2, 5, 40 }, { 40, 0, 8, 16, 17 },
		{ 8, 1, 1, 0, 33 }, { 80, 0, 2, 100, 3 }, { 48, 1, 4, 15, 1 },
		{ 128, 0, 2, 300, 2 },
	};
	uint32_t have = vnpu_engine_cpu_features();

	for (size_t c = 0; c < sizeof(cs) / sizeof(cs[0]); c++) {
		uint32_t d = cs[c].d, nh = 8, ctxn = cs[c].pos0 + cs[c].nq;
		size_t nqe = (size_t)cs[c].nq * nh * d, nkve = (size_t)ctxn * cs[c].nkv * d;
		float *q = malloc(nqe * 4), *want = malloc(nqe * 4), *got = malloc(nqe * 4);
		void *k = malloc(nkve * 4), *v = malloc(nkve * 4);
		double *ref = malloc(nqe * 8);
		float scale = 1.0f / sqrtf((float)d);
		struct vnpu_attn at = {
			.q = q, .k = k, .v = v, .out = want, .scale = &scale,
			.nq = cs[c].nq, .pos0 = cs[c].pos0, .n_heads = nh,
			.n_kv_heads = cs[c].nkv, .dim = d, .kv_bf16 = cs[c].bf16,
		};
		size_t nscr = vnpu_attention_scratch(&at);
		/* 4x, 20x: room for several rows (and tokens) of a KV head at once */
		float *scr = malloc(20 * nscr);
		uint32_t rows = at.nq * nh;

		for (size_t i = 0; i < nqe; i++)
			q[i] = frand() * 3;
		for (size_t i = 0; i < nkve; i++) {
			float a = frand() * 3, b = frand();

			if (at.kv_bf16) {
				((uint16_t *)k)[i] = vnpu_fp32_to_bf16(fbits(a));
				((uint16_t *)v)[i] = vnpu_fp32_to_bf16(fbits(b));
			} else {
				((float *)k)[i] = a;
				((float *)v)[i] = b;
			}
		}
		order_attn(&at, want);
		ref_attn(&at, ref);
		for (size_t i = 0; i < nqe; i++) {
			ASSERT_LE(fabs(want[i] - ref[i]), 4e-6)
				TH_LOG("case %zu: element %zu", c, i);
		}
		at.out = got;
		for (size_t vi = 0; vi < 6 * NATTN_VAR; vi++) {
			/* the minimum scratch, then 4x, then 20x */
			struct vnpu_ctx ctx = {
				.features = attn_variants[vi % NATTN_VAR], .scratch = scr,
				.scratch_size = (size_t[]){ 1, 4, 20 }[vi / NATTN_VAR % 3] * nscr,
			};

			if (vi == 3 * NATTN_VAR) {	/* the same cache head-major */
				size_t es = at.kv_bf16 ? 2 : 4;

				at.kv_rows = ctxn + 3;
				at.k = head_major(k, es, ctxn, at.n_kv_heads, d, at.kv_rows);
				at.v = head_major(v, es, ctxn, at.n_kv_heads, d, at.kv_rows);
			}
			if ((have & attn_variants[vi % NATTN_VAR]) != attn_variants[vi % NATTN_VAR]) {
				ksft_print_msg("variant %zu: not on this CPU\n", vi);
				continue;
			}
			/* whole, then rows in uneven pieces, last piece first */
			memset(got, 0x55, nqe * 4);
			ASSERT_EQ(0, vnpu_attention(&at, &ctx));
			ASSERT_EQ(0, memcmp(got, want, nqe * 4))
				TH_LOG("case %zu variant %zu scratch %zu", c, vi,
				       ctx.scratch_size);
			memset(got, 0x55, nqe * 4);
			for (uint32_t r1 = rows; r1 > 0;) {
				uint32_t n = 1 + (r1 * 7 + vi) % 5, r0 = r1 > n ? r1 - n : 0;

				ASSERT_EQ(0, vnpu_attention_rows(&at, r0, r1 - r0, &ctx));
				r1 = r0;
			}
			ASSERT_EQ(0, memcmp(got, want, nqe * 4))
				TH_LOG("case %zu variant %zu split", c, vi);
			/* whole tokens (blocks of several), a partial one around */
			memset(got, 0x55, nqe * 4);
			for (uint32_t r0 = 0, n; r0 < rows; r0 += n) {
				n = r0 == 0 ? nh / 2 + 1 : nh * (1 + (r0 + vi) % 3);
				n = n < rows - r0 ? n : rows - r0;
				ASSERT_EQ(0, vnpu_attention_rows(&at, r0, n, &ctx));
			}
			ASSERT_EQ(0, memcmp(got, want, nqe * 4))
				TH_LOG("case %zu variant %zu token split", c, vi);
		}
		/* a head-major cache must hold every row read */
		at.kv_rows = ctxn - 1;
		ASSERT_EQ(VNPU_EINVAL, vnpu_attention_rows(&at, 0, 1, &(struct vnpu_ctx){
			.scratch = scr, .scratch_size = nscr }));
		free((void *)at.k); free((void *)at.v);
		free(q); free(want); free(got); free(k); free(v); free(ref); free(scr);
	}
}

/* The packet's kv_rows: 0 or pos0 + nq .. MAX_CTX; the operands span
 * every head's rows. */
TEST(attention_packet_cache_layouts)
{
	struct vnpu_cmd_attention p = {
		.hdr = { .op = VNPU_OP_ATTENTION, .size = sizeof(p) },
		.nq = 2, .pos0 = 10, .n_heads = 8, .n_kv_heads = 4, .dim = 64,
		.q = 0x1000, .k = 0x100000, .v = 0x200000, .out = 0x3000,
	};
	struct vnpu_isa_operands ops;

	ASSERT_EQ(NULL, vnpu_isa_operands(&p.hdr, &ops));
	ASSERT_EQ(12 * 4 * 64 * 4, ops.o[1].len);	/* 12 rows of 4 heads */
	p.kv_rows = 100;		/* three heads of 100 rows, then 12 */
	ASSERT_EQ(NULL, vnpu_isa_operands(&p.hdr, &ops));
	ASSERT_EQ((3 * 100 + 12) * 64 * 4, ops.o[1].len);
	ASSERT_EQ((3 * 100 + 12) * 64 * 4, ops.o[2].len);
	p.kv_bf16 = 1;
	ASSERT_EQ(NULL, vnpu_isa_operands(&p.hdr, &ops));
	ASSERT_EQ((3 * 100 + 12) * 64 * 2, ops.o[1].len);
	p.kv_rows = 11;
	ASSERT_STREQ("kv_rows must be 0 or pos0 + nq .. VNPU_CMD_MAX_CTX",
		     vnpu_isa_operands(&p.hdr, &ops));
	p.kv_rows = VNPU_CMD_MAX_CTX + 1;
	ASSERT_STREQ("kv_rows must be 0 or pos0 + nq .. VNPU_CMD_MAX_CTX",
		     vnpu_isa_operands(&p.hdr, &ops));
	p.kv_rows = 12;
	ASSERT_EQ(NULL, vnpu_isa_operands(&p.hdr, &ops));
}

/*
 * Matmuls join one group (activations prepared once, tiles run together)
 * only when they read the same A the same way and no output touches an
 * operand of the other.
 */
TEST(matmul_groups_need_one_a_and_disjoint_outputs)
{
	/* A: 0x10000, 4 x 256 FP32 (4 KiB); W: 16 x 256 MXFP4 */
	struct vnpu_cmd_matmul q = {
		.hdr = { .op = VNPU_OP_MATMUL, .size = sizeof(q) },
		.m = 4, .n = 16, .k = 256, .w_fmt = VNPU_FMT_MXFP4,
		.a_fmt = VNPU_FMT_FP32, .a_quant = VNPU_FMT_MXINT8,
		.c_fmt = VNPU_FMT_FP32, .w_tscale = 0x3f800000,
		.w = 0x40000, .a = 0x10000, .c = 0x20000, .lda = 256, .ldc = 16,
	}, k = q, v;

	k.w = 0x50000;
	k.c = 0x21000;
	k.w_tscale = 0x40000000;	/* own tensor scale, bias, activation */
	k.bias = 0x30000;
	k.act = VNPU_CMD_ACT_SILU;
	EXPECT_TRUE(vnpu_isa_mm_joinable(&q.hdr, &k.hdr));
	EXPECT_TRUE(vnpu_isa_mm_joinable(&k.hdr, &q.hdr));
	v = k;
	v.lda = 512;			/* other rows of A */
	EXPECT_FALSE(vnpu_isa_mm_joinable(&q.hdr, &v.hdr));
	v = k;
	v.a_quant = VNPU_FMT_MXFP8_E4M3;	/* prepared otherwise */
	EXPECT_FALSE(vnpu_isa_mm_joinable(&q.hdr, &v.hdr));
	v = k;
	v.w_fmt = VNPU_FMT_NVFP4;	/* pieces depend on the weights */
	EXPECT_FALSE(vnpu_isa_mm_joinable(&q.hdr, &v.hdr));
	v = k;
	v.m = 3;
	EXPECT_FALSE(vnpu_isa_mm_joinable(&q.hdr, &v.hdr));
	v = k;
	v.c = 0x10ffc;			/* its output overwrites A's last float */
	EXPECT_FALSE(vnpu_isa_mm_joinable(&q.hdr, &v.hdr));
	v.c = 0x11000;			/* right after A */
	EXPECT_TRUE(vnpu_isa_mm_joinable(&q.hdr, &v.hdr));
	v.c = 0x20000 + 4 * 16 * 4 - 4;	/* the last float of q's output */
	EXPECT_FALSE(vnpu_isa_mm_joinable(&q.hdr, &v.hdr));
	v.c = 0x40000;			/* q's weights */
	EXPECT_FALSE(vnpu_isa_mm_joinable(&q.hdr, &v.hdr));
	EXPECT_FALSE(vnpu_isa_mm_joinable(&v.hdr, &q.hdr));
	v = k;
	v.a = 0x11000;			/* another A */
	EXPECT_FALSE(vnpu_isa_mm_joinable(&q.hdr, &v.hdr));
	{
		struct vnpu_cmd_norm nrm = {
			.hdr = { .op = VNPU_OP_NORM, .size = sizeof(nrm) },
		};

		EXPECT_FALSE(vnpu_isa_mm_joinable(&q.hdr, &nrm.hdr));
	}
}

TEST(gather_transpose_copy)
{
	float table[5 * 3], y[4 * 3];
	uint16_t t16[5 * 3];
	uint32_t idx[4] = { 4, 0, 2, 4 }, bad[1] = { 5 };
	uint16_t m[6] = { 1, 2, 3, 4, 5, 6 }, mt[6];

	for (int i = 0; i < 15; i++) {
		uint32_t u;

		table[i] = (float)i;
		memcpy(&u, &table[i], 4);
		t16[i] = vnpu_fp32_to_bf16(u);
	}
	ASSERT_EQ(0, vnpu_gather(y, table, 0, 5, 3, idx, 4));
	for (int i = 0; i < 4; i++)
		for (int j = 0; j < 3; j++)
			ASSERT_EQ((float)(idx[i] * 3 + j), y[i * 3 + j]);
	ASSERT_EQ(0, vnpu_gather(y, t16, 1, 5, 3, idx, 4));
	ASSERT_EQ(14.0f, y[2]);
	ASSERT_EQ(VNPU_EINVAL, vnpu_gather(y, table, 0, 5, 3, bad, 1));
	ASSERT_EQ(0, vnpu_transpose(mt, m, 2, 3, 2));
	ASSERT_EQ(1, mt[0]);
	ASSERT_EQ(4, mt[1]);
	ASSERT_EQ(2, mt[2]);
	ASSERT_EQ(6, mt[5]);
	vnpu_copy_bytes(mt, m, sizeof(m));
	ASSERT_EQ(0, memcmp(mt, m, sizeof(m)));
}

TEST_HARNESS_MAIN
