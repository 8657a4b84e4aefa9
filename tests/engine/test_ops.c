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

TEST(activations_match_scalar_math)
{
	float x[200], g[200], y[200];

	for (int i = 0; i < 200; i++) {
		x[i] = frand() * 8;
		g[i] = frand() * 8;
	}
	vnpu_silu(y, x, 200);
	for (int i = 0; i < 200; i++)
		ASSERT_EQ(vnpu_siluf(x[i]), y[i]);
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

/* FP64 attention reference. */
static void ref_attn(const struct vnpu_attn *at, double *out)
{
	uint32_t d = at->dim, group = at->n_heads / at->n_kv_heads;
	const float *k = at->k, *v = at->v;

	for (uint32_t t = 0; t < at->nq; t++) {
		size_t len = at->pos0 + t + 1;

		for (uint32_t h = 0; h < at->n_heads; h++) {
			const float *q = at->q + ((size_t)t * at->n_heads + h) * d;
			double *o = out + ((size_t)t * at->n_heads + h) * d;
			double *s = calloc(len, sizeof(double)), m = -INFINITY, sum = 0;

			for (size_t j = 0; j < len; j++) {
				for (uint32_t i = 0; i < d; i++)
					s[j] += (double)q[i] * k[(j * at->n_kv_heads + h / group) * d + i];
				s[j] *= *at->scale;
				m = fmax(m, s[j]);
			}
			for (size_t j = 0; j < len; j++)
				sum += (s[j] = exp(s[j] - m));
			for (uint32_t i = 0; i < d; i++) {
				o[i] = 0;
				for (size_t j = 0; j < len; j++)
					o[i] += s[j] / sum * v[(j * at->n_kv_heads + h / group) * d + i];
			}
			free(s);
		}
	}
}

TEST(attention_decode_and_prefill_with_grouped_heads)
{
	enum { CTX = 40, NH = 8, NKV = 2, D = 32 };
	static float q[8 * NH * D], k[CTX * NKV * D], v[CTX * NKV * D];
	static float out[8 * NH * D], out1[NH * D];
	static double ref[8 * NH * D];
	float scale = 1.0f / sqrtf(D), scr[CTX];
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
	ctx.scratch_size = 4;
	ASSERT_EQ(VNPU_ENOSPC, vnpu_attention(&at, &ctx));
	at.n_kv_heads = 3;
	ASSERT_EQ(VNPU_EINVAL, vnpu_attention(&at, &ctx));
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
