// SPDX-License-Identifier: GPL-2.0
/*
 * The graph layer on the CPU backend: every op through the compiler
 * against a straightforward FP32/double reference, within error bounds
 * derived below from the formats (exact where the format promises it);
 * fusion, the precision policy, the memory plan, thread counts.
 *
 * Notation: u = 2^-24 (unit roundoff of FP32; one RNE step errs by at
 * most u relative), A = the largest magnitude in a quantization block.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vnpu/vnpu.h>
#include <vnpu_engine/formats.h>

#include "graph_util.h"
#include "kselftest_harness.h"

#define U GU_U

FIXTURE(gr) {
	vnpu_device *dev;
	vnpu_stream *s;
	vnpu_graph *g;
	vnpu_program *p;
};

static vnpu_status init_noenv(void)
{
	vnpu_init_options o;

	vnpu_init_options_init(&o);
	o.flags = VNPU_INIT_NO_ENV;
	return vnpu_init(&o);
}

static vnpu_status open_cpu(uint32_t threads, vnpu_device **dev)
{
	vnpu_device_options o;

	vnpu_device_options_init(&o);
	o.cpu_threads = threads;
	return vnpu_device_open("cpu", &o, dev);
}

FIXTURE_SETUP(gr)
{
	ASSERT_EQ(VNPU_STATUS_OK, init_noenv());
	ASSERT_EQ(VNPU_STATUS_OK, open_cpu(3, &self->dev));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_stream_create(self->dev, NULL, &self->s));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_graph_create(&self->g));
	self->p = NULL;
}

FIXTURE_TEARDOWN(gr)
{
	vnpu_program_destroy(self->p);
	vnpu_graph_destroy(self->g);
	vnpu_stream_destroy(self->s);
	EXPECT_EQ(VNPU_STATUS_OK, vnpu_device_close(self->dev));
	EXPECT_EQ(VNPU_STATUS_OK, vnpu_shutdown());
}

/* Compile self->g with OPTS (NULL: defaults) into self->p and run it. */
static vnpu_status compile_run(FIXTURE_DATA(gr) *self, const vnpu_compile_options *o,
			       const void *const *in, void *const *out)
{
	vnpu_status st;

	vnpu_program_destroy(self->p);
	self->p = NULL;
	st = vnpu_graph_compile(self->g, self->dev, o, &self->p);
	return st ? st : vnpu_program_run(self->s, self->p, in, out);
}

/* |got - ref| <= tol, reporting the first element that is not. */
static int within(const char *what, const float *got, const double *ref,
		  const double *tol, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (!(fabs((double)got[i] - ref[i]) <= tol[i])) {
			fprintf(stderr, "# %s[%zu]: got %.9g, reference %.9g, bound %.3g\n", what, i,
			       got[i], ref[i], tol[i]);
			return 0;
		}
	}
	return 1;
}

/*
 * Element-wise ops. add, mul and scale are one FP32 operation each,
 * correctly rounded on the card and in C: exact. silu, gelu and swiglu use
 * the engine's math (vmath.h: <= 2 ulp from the correctly rounded value,
 * swiglu one more rounding): 4 ulp of the double reference, i.e. 4 * 2u
 * relative.
 */
TEST_F(gr, eltwise_ops_match_the_fp32_reference)
{
	enum { M = 5, N = 48, T = M * N };
	uint32_t dims[2] = { M, N }, vd[1] = { N };
	static float x[T], y[T], bv[N], o[9][T];
	double ref[T], tol[T];
	vnpu_tensor tx, ty, tb, r[9];
	void *outs[9];
	int i, k;

	gu_fill(x, T, 1);
	gu_fill(y, T, 2);
	gu_fill(bv, N, 3);
	ASSERT_EQ(0, vnpu_graph_input(self->g, "x", VNPU_DTYPE_FP32, 2, dims, &tx));
	ASSERT_EQ(0, vnpu_graph_input(self->g, "y", VNPU_DTYPE_FP32, 2, dims, &ty));
	ASSERT_EQ(0, vnpu_graph_input(self->g, "b", VNPU_DTYPE_FP32, 1, vd, &tb));
	ASSERT_EQ(0, vnpu_graph_add(self->g, "add", tx, ty, &r[0]));
	ASSERT_EQ(0, vnpu_graph_add(self->g, "addb", tx, tb, &r[1]));
	ASSERT_EQ(0, vnpu_graph_mul(self->g, "mul", tx, ty, &r[2]));
	ASSERT_EQ(0, vnpu_graph_mul(self->g, "mulb", tx, tb, &r[3]));
	ASSERT_EQ(0, vnpu_graph_scale(self->g, "scale", tx, 0.37f, &r[4]));
	ASSERT_EQ(0, vnpu_graph_silu(self->g, "silu", tx, &r[5]));
	ASSERT_EQ(0, vnpu_graph_gelu(self->g, "gelu", tx, 0, &r[6]));
	ASSERT_EQ(0, vnpu_graph_gelu(self->g, "gelu_tanh", tx, 1, &r[7]));
	ASSERT_EQ(0, vnpu_graph_swiglu(self->g, "swiglu", tx, ty, &r[8]));
	for (k = 0; k < 9; k++) {
		ASSERT_EQ(0, vnpu_graph_output(self->g, r[k]));
		outs[k] = o[k];
	}
	{
		const void *in[3] = { x, y, bv };

		ASSERT_EQ(0, compile_run(self, NULL, in, outs));
	}
	for (i = 0; i < T; i++) {
		ASSERT_EQ(x[i] + y[i], o[0][i]);
		ASSERT_EQ(x[i] + bv[i % N], o[1][i]);
		ASSERT_EQ(x[i] * y[i], o[2][i]);
		ASSERT_EQ(x[i] * bv[i % N], o[3][i]);
		ASSERT_EQ(x[i] * 0.37f, o[4][i]);
	}
	for (k = 5; k < 9; k++) {
		for (i = 0; i < T; i++) {
			double v = x[i], s = v / (1 + exp(-v));

			ref[i] = k == 5 ? s :
				 k == 6 ? 0.5 * v * (1 + erf(v / sqrt(2.0))) :
				 k == 7 ? 0.5 * v * (1 + tanh(sqrt(2 / M_PI) * (v + 0.044715 * v * v * v))) :
				 s * y[i];
			tol[i] = 8 * U * fabs(ref[i]) + 1e-37;
		}
		ASSERT_TRUE(within("eltwise", o[k], ref, tol, T));
	}
}

/*
 * Norms. The engine sums n values in FP32 (fixed order): the sum errs by
 * at most (n - 1) u relative to the sum of magnitudes; rsqrt adds 1 ulp,
 * the two products two roundings. Layer norm's x - mean carries the
 * mean's error (n u |mean|). Bound per element: (n + 8) u (|ref| +
 * r |mean| |gamma| + |beta|), r = the reference's rsqrt.
 */
TEST_F(gr, norms_match_the_fp32_reference)
{
	enum { M = 6, N = 64, T = M * N };
	uint32_t dims[2] = { M, N }, vd[1] = { N };
	static float x[T], gm[N], bt[N], o[3][T];
	double ref[T], tol[T];
	vnpu_tensor tx, tg, tbeta, r[3];
	void *outs[3] = { o[0], o[1], o[2] };
	const void *in[1] = { x };
	int i, j, k;

	gu_fill(x, T, 4);
	for (i = 0; i < T; i++)
		x[i] += 0.5f;	/* a non-zero mean, so layer norm's centring matters */
	gu_fill(gm, N, 5);
	gu_fill(bt, N, 6);
	ASSERT_EQ(0, vnpu_graph_input(self->g, "x", VNPU_DTYPE_FP32, 2, dims, &tx));
	ASSERT_EQ(0, vnpu_graph_constant(self->g, "gamma", VNPU_DTYPE_FP32, 1, vd, gm,
					 sizeof(gm), VNPU_CONST_BORROW, &tg));
	ASSERT_EQ(0, vnpu_graph_constant(self->g, "beta", VNPU_DTYPE_FP32, 1, vd, bt,
					 sizeof(bt), VNPU_CONST_COPY, &tbeta));
	ASSERT_EQ(0, vnpu_graph_rmsnorm(self->g, "rms", tx, tg, 1e-5f, &r[0]));
	ASSERT_EQ(0, vnpu_graph_rmsnorm(self->g, "rms_nog", tx, 0, 1e-5f, &r[1]));
	ASSERT_EQ(0, vnpu_graph_layernorm(self->g, "ln", tx, tg, tbeta, 1e-5f, &r[2]));
	for (k = 0; k < 3; k++)
		ASSERT_EQ(0, vnpu_graph_output(self->g, r[k]));
	ASSERT_EQ(0, compile_run(self, NULL, in, outs));
	for (k = 0; k < 3; k++) {
		for (i = 0; i < M; i++) {
			const float *row = x + i * N;
			double ss = 0, mean = 0, var = 0, rr;

			for (j = 0; j < N; j++)
				mean += row[j];
			mean /= N;
			for (j = 0; j < N; j++) {
				ss += (double)row[j] * row[j];
				var += (row[j] - mean) * (row[j] - mean);
			}
			rr = k < 2 ? 1 / sqrt(ss / N + 1e-5f) : 1 / sqrt(var / N + 1e-5f);
			for (j = 0; j < N; j++) {
				double g = k == 1 ? 1 : gm[j], c = k == 2 ? row[j] - mean : row[j];

				ref[i * N + j] = c * rr * g + (k == 2 ? bt[j] : 0);
				tol[i * N + j] = (N + 8) * U * (fabs(ref[i * N + j]) +
					(k == 2 ? rr * fabs(mean * g) + fabs(bt[j]) : 0)) + 1e-30;
			}
		}
		ASSERT_TRUE(within(k == 2 ? "layernorm" : "rmsnorm", o[k], ref, tol, T));
	}
}

/*
 * Softmax: exp is within 1 ulp, the sum of n terms errs by (n - 1) u
 * relative, the division adds one rounding: (n + 4) u relative. Masked
 * entries of the causal form are exactly 0.
 */
TEST_F(gr, softmax_plain_and_causal_match_the_reference)
{
	enum { R = 6, N = 10, T = R * N };
	uint32_t dims[3] = { 2, 3, N };
	static float x[T], o[3][T];
	double ref[T], tol[T];
	vnpu_tensor tx, r[3];
	void *outs[3] = { o[0], o[1], o[2] };
	const void *in[1] = { x };
	uint32_t offs[3] = { 0, 0, 2 };
	int i, j, k;

	gu_fill(x, T, 7);
	ASSERT_EQ(0, vnpu_graph_input(self->g, "x", VNPU_DTYPE_FP32, 3, dims, &tx));
	ASSERT_EQ(0, vnpu_graph_softmax(self->g, "plain", tx, 0, 0, &r[0]));
	ASSERT_EQ(0, vnpu_graph_softmax(self->g, "causal", tx, 1, 0, &r[1]));
	ASSERT_EQ(0, vnpu_graph_softmax(self->g, "causal2", tx, 1, 2, &r[2]));
	for (k = 0; k < 3; k++)
		ASSERT_EQ(0, vnpu_graph_output(self->g, r[k]));
	ASSERT_EQ(0, compile_run(self, NULL, in, outs));
	for (k = 0; k < 3; k++) {
		for (i = 0; i < R; i++) {
			int lim = k ? i + (int)offs[k] : N - 1;
			double mx = -INFINITY, sum = 0;

			for (j = 0; j <= lim && j < N; j++)
				mx = fmax(mx, x[i * N + j]);
			for (j = 0; j <= lim && j < N; j++)
				sum += exp(x[i * N + j] - mx);
			for (j = 0; j < N; j++) {
				ref[i * N + j] = j <= lim ? exp(x[i * N + j] - mx) / sum : 0;
				tol[i * N + j] = j <= lim ? (N + 4) * U * ref[i * N + j] : 0;
			}
		}
		ASSERT_TRUE(within("softmax", o[k], ref, tol, T));
	}
}

/*
 * RoPE: inv_freq is theta^(-2i/D) rounded once to FP32 (the reference
 * rounds it too; the engine's own evaluation may differ by 1 ulp, which
 * moves the angle by pos * 2u); sin/cos within 1 ulp; two products and a
 * sum: (8 + pos) u (|a| + |b|) per output.
 */
TEST_F(gr, rope_both_modes_match_the_reference)
{
	enum { S = 3, H = 4, D = 16, T = S * H * D, P0 = 5 };
	uint32_t dims[3] = { S, H, D };
	static float x[T], o[2][T];
	double ref[T], tol[T];
	vnpu_tensor tx, r[2];
	void *outs[2] = { o[0], o[1] };
	const void *in[1] = { x };
	int s, h, i, mode;

	gu_fill(x, T, 8);
	ASSERT_EQ(0, vnpu_graph_input(self->g, "x", VNPU_DTYPE_FP32, 3, dims, &tx));
	ASSERT_EQ(0, vnpu_graph_rope(self->g, "inter", tx, P0, 10000.0f,
				     VNPU_ROPE_MODE_INTERLEAVED, &r[0]));
	ASSERT_EQ(0, vnpu_graph_rope(self->g, "half", tx, P0, 10000.0f,
				     VNPU_ROPE_MODE_HALF, &r[1]));
	ASSERT_EQ(0, vnpu_graph_output(self->g, r[0]));
	ASSERT_EQ(0, vnpu_graph_output(self->g, r[1]));
	ASSERT_EQ(0, compile_run(self, NULL, in, outs));
	for (mode = 0; mode < 2; mode++) {
		for (s = 0; s < S; s++)
			for (h = 0; h < H; h++)
				for (i = 0; i < D / 2; i++) {
					int base = (s * H + h) * D;
					int ia = mode ? i : 2 * i, ib = mode ? i + D / 2 : 2 * i + 1;
					double f = (float)pow(10000.0, -2.0 * i / D);
					double ang = (double)(P0 + s) * f, a = x[base + ia], b = x[base + ib];

					ref[base + ia] = a * cos(ang) - b * sin(ang);
					ref[base + ib] = a * sin(ang) + b * cos(ang);
					tol[base + ia] = tol[base + ib] =
						(8 + P0 + s) * U * (fabs(a) + fabs(b));
				}
		ASSERT_TRUE(within("rope", o[mode], ref, tol, T));
	}
}

/*
 * Attention (causal, GQA, KV cache). The updated caches are exact
 * copies. Output: each score is a D-term dot product (D u relative to the
 * sum of |q||k|, scaled: E_s), a score error moves p_j by about 2 E_s
 * relative (exp and the normalization), the softmax itself errs by
 * (ctx + 4) u, and the weighted sum of ctx values by ctx u: bound
 * sum_j p_j |v_j| ((2 ctx + 8) u + 4 E_s).
 */
TEST_F(gr, attention_gqa_with_kv_cache_matches_the_reference)
{
	enum { S = 3, H = 4, KVH = 2, D = 32, C = 8, P0 = 2 };
	uint32_t dq[3] = { S, H, D }, dk[3] = { S, KVH, D }, dc[3] = { C, KVH, D };
	static float q[S * H * D], k[S * KVH * D], v[S * KVH * D];
	static float kc[C * KVH * D], vc[C * KVH * D];
	static float o[S * H * D], kco[C * KVH * D], vco[C * KVH * D];
	static double ref[S * H * D], tol[S * H * D];
	vnpu_attention_desc ad = { 0 };
	vnpu_tensor tq, tk, tv, tkc, tvc, to, tkco, tvco;
	const void *in[5] = { q, k, v, kc, vc };
	void *outs[3] = { o, kco, vco };
	float kref[C * KVH * D], vref[C * KVH * D];
	int t, h, j, d;

	gu_fill(q, sizeof(q) / 4, 9);
	gu_fill(k, sizeof(k) / 4, 10);
	gu_fill(v, sizeof(v) / 4, 11);
	gu_fill(kc, sizeof(kc) / 4, 12);
	gu_fill(vc, sizeof(vc) / 4, 13);
	ASSERT_EQ(0, vnpu_graph_input(self->g, "q", VNPU_DTYPE_FP32, 3, dq, &tq));
	ASSERT_EQ(0, vnpu_graph_input(self->g, "k", VNPU_DTYPE_FP32, 3, dk, &tk));
	ASSERT_EQ(0, vnpu_graph_input(self->g, "v", VNPU_DTYPE_FP32, 3, dk, &tv));
	ASSERT_EQ(0, vnpu_graph_input(self->g, "kc", VNPU_DTYPE_FP32, 3, dc, &tkc));
	ASSERT_EQ(0, vnpu_graph_input(self->g, "vc", VNPU_DTYPE_FP32, 3, dc, &tvc));
	ad.q = tq;
	ad.k = tk;
	ad.v = tv;
	ad.k_cache = tkc;
	ad.v_cache = tvc;
	ad.pos0 = P0;
	ASSERT_EQ(0, vnpu_graph_attention(self->g, "attn", &ad, &to, &tkco, &tvco));
	ASSERT_EQ(0, vnpu_graph_output(self->g, to));
	ASSERT_EQ(0, vnpu_graph_output(self->g, tkco));
	ASSERT_EQ(0, vnpu_graph_output(self->g, tvco));
	ASSERT_EQ(0, compile_run(self, NULL, in, outs));
	memcpy(kref, kc, sizeof(kc));
	memcpy(vref, vc, sizeof(vc));
	memcpy(kref + P0 * KVH * D, k, sizeof(k));
	memcpy(vref + P0 * KVH * D, v, sizeof(v));
	ASSERT_EQ(0, memcmp(kref, kco, sizeof(kref)));
	ASSERT_EQ(0, memcmp(vref, vco, sizeof(vref)));
	for (t = 0; t < S; t++)
		for (h = 0; h < H; h++) {
			int kh = h / (H / KVH), n = P0 + t + 1;
			double sc[C], mx = -INFINITY, sum = 0, es = 0, scale = 1 / sqrt((double)D);
			const float *qv = q + (t * H + h) * D;

			for (j = 0; j < n; j++) {
				const float *kv = kref + (j * KVH + kh) * D;
				double dot = 0, mag = 0;

				for (d = 0; d < D; d++) {
					dot += (double)qv[d] * kv[d];
					mag += fabs((double)qv[d] * kv[d]);
				}
				sc[j] = dot * (float)scale;
				es = fmax(es, (D + 2) * U * mag * scale);
				mx = fmax(mx, sc[j]);
			}
			for (j = 0; j < n; j++)
				sum += exp(sc[j] - mx);
			for (d = 0; d < D; d++) {
				double acc = 0, mag = 0;

				for (j = 0; j < n; j++) {
					double pj = exp(sc[j] - mx) / sum;
					double vj = vref[(j * KVH + kh) * D + d];

					acc += pj * vj;
					mag += pj * fabs(vj);
				}
				ref[(t * H + h) * D + d] = acc;
				tol[(t * H + h) * D + d] = mag * ((2 * C + 8) * U + 4 * es) + 1e-30;
			}
		}
	ASSERT_TRUE(within("attention", o, ref, tol, S * H * D));
}

/*
 * Gather: an FP32 table is copied exactly; kept in BF16 by the policy,
 * each value is its BF16 rounding exactly (8 significant bits, RNE:
 * relative error <= 2^-8). An
 * index past the table is a device fault of the run.
 */
TEST_F(gr, gather_exact_and_bf16_tables_and_a_bad_index)
{
	enum { V = 10, D = 32, N = 5 };
	uint32_t dt[2] = { V, D }, di[1] = { N };
	static float tab[V * D], o[N * D];
	int32_t idx[N] = { 3, 0, 9, 3, 7 };
	const void *in[1] = { idx };
	void *outs[1] = { o };
	vnpu_compile_options opts;
	vnpu_tensor tt, ti, r;
	int i, j;

	gu_fill(tab, V * D, 14);
	ASSERT_EQ(0, vnpu_graph_constant(self->g, "tab", VNPU_DTYPE_FP32, 2, dt, tab,
					 sizeof(tab), VNPU_CONST_BORROW, &tt));
	ASSERT_EQ(0, vnpu_graph_input(self->g, "idx", VNPU_DTYPE_I32, 1, di, &ti));
	ASSERT_EQ(0, vnpu_graph_gather(self->g, "emb", tt, ti, &r));
	ASSERT_EQ(0, vnpu_graph_output(self->g, r));
	vnpu_compile_options_init(&opts);
	opts.keep = 0;
	ASSERT_EQ(0, compile_run(self, &opts, in, outs));
	for (i = 0; i < N; i++)
		ASSERT_EQ(0, memcmp(o + i * D, tab + idx[i] * D, D * 4));
	opts.keep = VNPU_KEEP_EMBEDDINGS_BF16;
	ASSERT_EQ(0, compile_run(self, &opts, in, outs));
	for (i = 0; i < N; i++)
		for (j = 0; j < D; j++) {
			uint32_t b;
			float want, x = tab[idx[i] * D + j];

			memcpy(&b, &x, 4);
			b = vnpu_bf16_to_fp32(vnpu_fp32_to_bf16(b));
			memcpy(&want, &b, 4);
			ASSERT_EQ(want, o[i * D + j]);
			ASSERT_TRUE(fabs(want - x) <= fabs(x) / 256);
		}
	idx[2] = V;
	EXPECT_EQ(VNPU_STATUS_DEVICE_FAULT, vnpu_program_run(self->s, self->p, in, outs));
	EXPECT_NE(NULL, strstr(vnpu_last_error(), "GATHER"));
	TH_LOG("bad index: %s", vnpu_last_error());
}

/* Reshape, view, transpose and copy move bytes: exact. */
TEST_F(gr, reshape_view_transpose_copy_are_exact)
{
	enum { A = 2, B = 3, C = 4, T = A * B * C };
	uint32_t dx[3] = { A, B, C }, dflat[1] = { T }, dview[2] = { 2, 4 };
	static float x[T], o[4][T];
	vnpu_tensor tx, t02, t12, tv, tc, tr;
	void *outs[4] = { o[0], o[1], o[2], o[3] };
	const void *in[1] = { x };
	int i, j, k;

	gu_fill(x, T, 15);
	ASSERT_EQ(0, vnpu_graph_input(self->g, "x", VNPU_DTYPE_FP32, 3, dx, &tx));
	ASSERT_EQ(0, vnpu_graph_transpose(self->g, "t02", tx, 2, 0, &t02));
	ASSERT_EQ(0, vnpu_graph_transpose(self->g, "t12", tx, 1, 2, &t12));
	ASSERT_EQ(0, vnpu_graph_reshape(self->g, "flat", tx, 1, dflat, &tr));
	ASSERT_EQ(0, vnpu_graph_view(self->g, "view", tr, 6, 2, dview, &tv));
	ASSERT_EQ(0, vnpu_graph_copy(self->g, "copy", tv, &tc));
	ASSERT_EQ(0, vnpu_graph_output(self->g, t02));
	ASSERT_EQ(0, vnpu_graph_output(self->g, t12));
	ASSERT_EQ(0, vnpu_graph_output(self->g, tc));
	ASSERT_EQ(0, vnpu_graph_copy(self->g, "copy2", tx, &tc));
	ASSERT_EQ(0, vnpu_graph_output(self->g, tc));
	ASSERT_EQ(0, compile_run(self, NULL, in, outs));
	for (i = 0; i < A; i++)
		for (j = 0; j < B; j++)
			for (k = 0; k < C; k++) {
				float v = x[(i * B + j) * C + k];

				ASSERT_EQ(v, o[0][(k * B + j) * A + i]);
				ASSERT_EQ(v, o[1][(i * C + k) * B + j]);
			}
	ASSERT_EQ(0, memcmp(o[2], x + 6, 8 * 4));
	ASSERT_EQ(0, memcmp(o[3], x, sizeof(x)));
}

/* Per format, the largest error of one element relative to its block's
 * amax A (see quant_bound()). */
static double quant_bound(uint32_t dtype)
{
	switch (dtype) {
	/* s = 2^(floor(log2 A) - 2) <= A / 4; RNE on the E2M1 grid errs by
	 * <= s (spacing 2 at the top), clamping [6, 8) s to 6 s by < 2 s. */
	case VNPU_DTYPE_MXFP4: return 0.5;
	/* E4M3 / E5M2: the top binade spans [256, 512) s / [2^15, 2^16) s
	 * with max 448 s / 57344 s: clamping errs by < 64 s / 8192 s, RNE by
	 * half a spacing (16 s / 4096 s); s <= A / 256 / A / 2^15. */
	case VNPU_DTYPE_MXFP8: case VNPU_DTYPE_MXFP8_E5M2: return 0.25;
	/* NVFP4: the block scale S = E4M3(A / 6t) t is within 2^-4 of A / 6,
	 * so A / S <= 6.4 (clamping errs by <= 0.4 S) and RNE by <= S. */
	case VNPU_DTYPE_NVFP4: return 6.4 / 6 / 6 * 1.0001;
	case VNPU_DTYPE_BF16: return 1.0 / 256;	/* RNE to 8 bits: 2^-8 |w| */
	}
	return 0;	/* FP32 */
}

/*
 * Quantize/dequantize through the compiler: the codes and scales are the
 * engine's bit for bit (the spec's algorithm), the round trip equals the
 * engine's dequantization exactly, and it is within quant_bound() * A of x.
 */
TEST_F(gr, quantize_dequantize_every_block_format)
{
	static const uint32_t fmts[] = { VNPU_DTYPE_MXFP4, VNPU_DTYPE_MXFP8,
					 VNPU_DTYPE_MXFP8_E5M2, VNPU_DTYPE_NVFP4 };
	enum { M = 4, N = 64, T = M * N };
	uint32_t dims[2] = { M, N };
	static float x[T], dq[T], want[T];
	static uint8_t q[2 * T], codes[T], scales[T];
	unsigned int f;
	int i, j;

	gu_fill(x, T, 16);
	for (f = 0; f < sizeof(fmts) / sizeof(fmts[0]); f++) {
		uint32_t dt = fmts[f], efmt = dt == VNPU_DTYPE_MXFP4 ? VNPU_FMT_MXFP4 :
			dt == VNPU_DTYPE_MXFP8 ? VNPU_FMT_MXFP8_E4M3 :
			dt == VNPU_DTYPE_MXFP8_E5M2 ? VNPU_FMT_MXFP8_E5M2 : VNPU_FMT_NVFP4;
		uint32_t blk = vnpu_fmt_block(efmt);
		size_t cb = T * vnpu_fmt_bits(efmt) / 8;
		vnpu_tensor tx, tq, td;
		float ts = 1.0f;
		const void *in[1] = { x };
		void *outs[2] = { q, dq };

		vnpu_graph_destroy(self->g);
		ASSERT_EQ(0, vnpu_graph_create(&self->g));
		if (dt == VNPU_DTYPE_NVFP4)
			vnpu_nvfp4_tensor_scale(x, T, &ts);
		ASSERT_EQ(0, vnpu_graph_input(self->g, "x", VNPU_DTYPE_FP32, 2, dims, &tx));
		ASSERT_EQ(0, vnpu_graph_quantize(self->g, "q", tx, dt, ts, &tq));
		ASSERT_EQ(0, vnpu_graph_dequantize(self->g, "dq", tq, &td));
		ASSERT_EQ(0, vnpu_graph_output(self->g, tq));
		ASSERT_EQ(0, vnpu_graph_output(self->g, td));
		ASSERT_EQ(0, compile_run(self, NULL, in, outs));
		ASSERT_EQ(0, vnpu_quantize(efmt, x, T, codes, scales, &ts, NULL));
		ASSERT_EQ(0, memcmp(q, codes, cb));
		ASSERT_EQ(0, memcmp(q + cb, scales, T / blk));
		ASSERT_EQ(0, vnpu_dequantize(efmt, codes, scales, &ts, T, want));
		ASSERT_EQ(0, memcmp(dq, want, sizeof(want)));
		for (i = 0; i < T; i += blk) {
			double amax = 0;

			for (j = 0; j < (int)blk; j++)
				amax = fmax(amax, fabs(x[i + j]));
			for (j = 0; j < (int)blk; j++)
				ASSERT_LE(fabs(dq[i + j] - x[i + j]), quant_bound(dt) * amax);
		}
	}
}

/*
 * Matmul for every weight format, with and without MXINT8 activations,
 * bias and SiLU fused: against the FP32-weight reference
 *   ref = silu(sum_k a_k w_k + bias)
 * Weight element error E_w(k) = quant_bound(fmt) * A(block of w_k);
 * MXINT8 activations: a / 2^floor(log2 Aa) * 64 is rounded (<= 1/2 step)
 * or clamped at 127 (< 1 step), so E_a <= Aa / 64 per block of 32.
 * The card's sum rounds at most K + 2 K/32 + 2 times: (K + 16) u relative
 * to sum (|a| + E_a)(|w| + E_w). SiLU is 1.1-Lipschitz, plus 2 ulp:
 *   tol = 1.1 (sum_k |a| E_w + E_a |w| + E_a E_w + (K + 16) u S + u |pre|)
 *         + 8 u |ref|
 */
TEST_F(gr, matmul_every_weight_format_with_bias_and_silu)
{
	static const uint32_t fmts[] = { VNPU_DTYPE_MXFP4, VNPU_DTYPE_NVFP4,
		VNPU_DTYPE_MXFP8, VNPU_DTYPE_MXFP8_E5M2, VNPU_DTYPE_BF16, VNPU_DTYPE_FP32 };
	enum { M = 5, K = 96, N = 40 };
	uint32_t dx[2] = { M, K }, dw[2] = { N, K }, db[1] = { N };
	static float a[M * K], w[N * K], b[N], o[M * N];
	static double ref[M * N], tol[M * N], ew[N * K], ea[M * K];
	vnpu_compile_options opts;
	vnpu_program_info info;
	unsigned int f, aq;
	int i, j, k;

	gu_fill(a, M * K, 17);
	gu_fill(w, N * K, 18);
	gu_fill(b, N, 19);
	for (f = 0; f < sizeof(fmts) / sizeof(fmts[0]); f++)
		for (aq = 0; aq < 2; aq++) {
			uint32_t blk = fmts[f] == VNPU_DTYPE_NVFP4 ? 16 : 32;
			vnpu_tensor tx, tw, tb, h;
			const void *in[1] = { a };
			void *outs[1] = { o };

			vnpu_graph_destroy(self->g);
			ASSERT_EQ(0, vnpu_graph_create(&self->g));
			ASSERT_EQ(0, vnpu_graph_input(self->g, "a", VNPU_DTYPE_FP32, 2, dx, &tx));
			ASSERT_EQ(0, vnpu_graph_constant(self->g, "w", VNPU_DTYPE_FP32, 2, dw, w,
							 sizeof(w), VNPU_CONST_BORROW, &tw));
			ASSERT_EQ(0, vnpu_graph_constant(self->g, "b", VNPU_DTYPE_FP32, 1, db, b,
							 sizeof(b), VNPU_CONST_BORROW, &tb));
			ASSERT_EQ(0, vnpu_graph_matmul(self->g, "mm", tx, tw, 0, 0,
						       VNPU_DTYPE_FP32, &h));
			ASSERT_EQ(0, vnpu_graph_add(self->g, "bias", h, tb, &h));
			ASSERT_EQ(0, vnpu_graph_silu(self->g, "act", h, &h));
			ASSERT_EQ(0, vnpu_graph_output(self->g, h));
			vnpu_compile_options_init(&opts);
			opts.weight_format = fmts[f];
			opts.act_quant = aq ? VNPU_ACT_QUANT_MXINT8 : VNPU_ACT_QUANT_NONE;
			opts.keep = 0;	/* this matmul is the head: do not keep it BF16 */
			ASSERT_EQ(0, compile_run(self, &opts, in, outs));
			ASSERT_EQ(0, vnpu_program_info_get(self->p, &info));
			EXPECT_EQ(2, info.fused);
			EXPECT_EQ(1, info.packets);
			for (i = 0; i < N * K; i += blk) {
				double amax = 0;

				for (k = 0; k < (int)blk; k++)
					amax = fmax(amax, fabs(w[i + k]));
				for (k = 0; k < (int)blk; k++)
					ew[i + k] = fmts[f] == VNPU_DTYPE_BF16 ?
						fabs(w[i + k]) / 256 : quant_bound(fmts[f]) * amax;
			}
			for (i = 0; i < M * K; i += 32) {
				double amax = 0;

				for (k = 0; k < 32; k++)
					amax = fmax(amax, fabs(a[i + k]));
				for (k = 0; k < 32; k++)
					ea[i + k] = aq ? amax / 64 : 0;
			}
			for (i = 0; i < M; i++)
				for (j = 0; j < N; j++) {
					double acc = 0, err = 0, mag = 0, pre;

					for (k = 0; k < K; k++) {
						double av = a[i * K + k], wv = w[j * K + k];
						double eav = ea[i * K + k], ewv = ew[j * K + k];

						acc += av * wv;
						err += fabs(av) * ewv + eav * fabs(wv) + eav * ewv;
						mag += (fabs(av) + eav) * (fabs(wv) + ewv);
					}
					pre = acc + b[j];
					ref[i * N + j] = pre / (1 + exp(-pre));
					tol[i * N + j] = 1.1 * (err + (K + 16) * U * mag + U * fabs(pre)) +
							 8 * U * fabs(ref[i * N + j]) + 1e-30;
				}
			TH_LOG("weights %s, activations %s", vnpu_dtype_name(fmts[f]),
			       aq ? "mxint8" : "exact");
			ASSERT_TRUE(within("matmul", o, ref, tol, M * N));
		}
}

/* The fused MATMUL (bias and activation in its epilogue) rounds exactly
 * as the separate packets do: same bits with and without fusion. */
TEST_F(gr, fusion_changes_packets_not_bits)
{
	enum { M = 4, K = 64, N = 32 };
	uint32_t dx[2] = { M, K }, dw[2] = { N, K }, db[1] = { N };
	static float a[M * K], w[N * K], b[N], o1[M * N], o2[M * N];
	vnpu_compile_options opts;
	vnpu_program_info i1, i2;
	vnpu_tensor tx, tw, tb, h;
	const void *in[1] = { a };
	void *outs[1] = { o1 };

	gu_fill(a, M * K, 20);
	gu_fill(w, N * K, 21);
	gu_fill(b, N, 22);
	ASSERT_EQ(0, vnpu_graph_input(self->g, "a", VNPU_DTYPE_FP32, 2, dx, &tx));
	ASSERT_EQ(0, vnpu_graph_constant(self->g, "w", VNPU_DTYPE_FP32, 2, dw, w,
					 sizeof(w), VNPU_CONST_COPY, &tw));
	ASSERT_EQ(0, vnpu_graph_constant(self->g, "b", VNPU_DTYPE_FP32, 1, db, b,
					 sizeof(b), VNPU_CONST_COPY, &tb));
	ASSERT_EQ(0, vnpu_graph_matmul(self->g, "mm", tx, tw, 0, 0, VNPU_DTYPE_FP32, &h));
	ASSERT_EQ(0, vnpu_graph_add(self->g, "bias", h, tb, &h));
	ASSERT_EQ(0, vnpu_graph_gelu(self->g, "act", h, 1, &h));
	ASSERT_EQ(0, vnpu_graph_output(self->g, h));
	vnpu_compile_options_init(&opts);
	ASSERT_EQ(0, compile_run(self, &opts, in, outs));
	ASSERT_EQ(0, vnpu_program_info_get(self->p, &i1));
	opts.fuse = 0;
	outs[0] = o2;
	ASSERT_EQ(0, compile_run(self, &opts, in, outs));
	ASSERT_EQ(0, vnpu_program_info_get(self->p, &i2));
	EXPECT_EQ(2, i1.fused);
	EXPECT_EQ(1, i1.packets);
	EXPECT_EQ(0, i2.fused);
	/* matmul, the bias repeated (STRIDED) and added (ELTWISE), gelu */
	EXPECT_EQ(1 + 2 + 1, i2.packets);
	ASSERT_EQ(0, memcmp(o1, o2, sizeof(o1)));
}

/*
 * Lowering: a broadcast add over 64 rows is one STRIDED packet repeating
 * the vector into the result and one ELTWISE (not one per row, and not in
 * place over its dying input); over 2 rows one ELTWISE per row, in
 * place. A transpose of 128 contiguous runs is one STRIDED packet, one
 * of 4 runs 4 COPYs. All exact.
 */
TEST_F(gr, broadcasts_and_transposes_take_few_packets)
{
	uint32_t dx[2] = { 64, 48 }, dv[1] = { 48 }, d2[2] = { 2, 48 };
	uint32_t dt[3] = { 8, 16, 4 }, ds[3] = { 2, 2, 64 };
	static float x[64 * 48], v[48], x2[96], t[512], t2[256];
	static float y[64 * 48], y2[96], tr[512], tr2[256];
	vnpu_tensor tx, tv, tx2, tt, tt2, r[4];
	vnpu_program_info info;
	uint32_t i, j, k;

	gu_fill(x, 64 * 48, 30);
	gu_fill(v, 48, 31);
	gu_fill(x2, 96, 32);
	gu_fill(t, 512, 33);
	gu_fill(t2, 256, 34);
	ASSERT_EQ(0, vnpu_graph_input(self->g, "x", VNPU_DTYPE_FP32, 2, dx, &tx));
	ASSERT_EQ(0, vnpu_graph_input(self->g, "x2", VNPU_DTYPE_FP32, 2, d2, &tx2));
	ASSERT_EQ(0, vnpu_graph_input(self->g, "t", VNPU_DTYPE_FP32, 3, dt, &tt));
	ASSERT_EQ(0, vnpu_graph_input(self->g, "t2", VNPU_DTYPE_FP32, 3, ds, &tt2));
	ASSERT_EQ(0, vnpu_graph_constant(self->g, "v", VNPU_DTYPE_FP32, 1, dv, v,
					 sizeof(v), VNPU_CONST_COPY, &tv));
	ASSERT_EQ(0, vnpu_graph_add(self->g, "bc", tx, tv, &r[0]));
	ASSERT_EQ(0, vnpu_graph_mul(self->g, "bc2", tx2, tv, &r[1]));
	ASSERT_EQ(0, vnpu_graph_transpose(self->g, "tr", tt, 0, 1, &r[2]));
	ASSERT_EQ(0, vnpu_graph_transpose(self->g, "tr2", tt2, 0, 1, &r[3]));
	for (i = 0; i < 4; i++)
		ASSERT_EQ(0, vnpu_graph_output(self->g, r[i]));
	ASSERT_EQ(0, compile_run(self, NULL, (const void *[]){ x, x2, t, t2 },
				 (void *[]){ y, y2, tr, tr2 }));
	ASSERT_EQ(0, vnpu_program_info_get(self->p, &info));
	EXPECT_EQ(2 + 2 + 1 + 4, info.packets);
	EXPECT_EQ(1, info.inplace);	/* bc2 over x2; bc has memory of its own */
	for (i = 0; i < 64; i++)
		for (j = 0; j < 48; j++)
			ASSERT_EQ(x[i * 48 + j] + v[j], y[i * 48 + j]);
	for (i = 0; i < 2; i++)
		for (j = 0; j < 48; j++)
			ASSERT_EQ(x2[i * 48 + j] * v[j], y2[i * 48 + j]);
	for (i = 0; i < 8; i++)
		for (j = 0; j < 16; j++)
			for (k = 0; k < 4; k++)
				ASSERT_EQ(t[(i * 16 + j) * 4 + k], tr[(j * 8 + i) * 4 + k]);
	for (i = 0; i < 2; i++)
		for (j = 0; j < 2; j++)
			for (k = 0; k < 64; k++)
				ASSERT_EQ(t2[(i * 2 + j) * 64 + k], tr2[(j * 2 + i) * 64 + k]);
}

/*
 * The policy: a head kept BF16 is exactly a BF16-weight, exact-input
 * matmul, whatever the weight format and activation quantization asked.
 */
TEST_F(gr, head_kept_in_bf16_by_the_policy)
{
	enum { M = 3, K = 64, N = 24 };
	uint32_t dx[2] = { M, K }, dw[2] = { N, K };
	static float a[M * K], w[N * K], o1[M * N], o2[M * N];
	vnpu_compile_options opts;
	vnpu_tensor tx, tw, h;
	const void *in[1] = { a };
	void *outs[1] = { o1 };

	gu_fill(a, M * K, 23);
	gu_fill(w, N * K, 24);
	ASSERT_EQ(0, vnpu_graph_input(self->g, "a", VNPU_DTYPE_FP32, 2, dx, &tx));
	ASSERT_EQ(0, vnpu_graph_constant(self->g, "w", VNPU_DTYPE_FP32, 2, dw, w,
					 sizeof(w), VNPU_CONST_COPY, &tw));
	ASSERT_EQ(0, vnpu_graph_matmul(self->g, "head", tx, tw, 0, 0, VNPU_DTYPE_FP32, &h));
	ASSERT_EQ(0, vnpu_graph_output(self->g, h));
	vnpu_compile_options_init(&opts);
	opts.act_quant = VNPU_ACT_QUANT_MXINT8;
	ASSERT_EQ(0, compile_run(self, &opts, in, outs));
	opts.keep = 0;
	opts.weight_format = VNPU_DTYPE_BF16;
	opts.act_quant = VNPU_ACT_QUANT_NONE;
	outs[0] = o2;
	ASSERT_EQ(0, compile_run(self, &opts, in, outs));
	ASSERT_EQ(0, memcmp(o1, o2, sizeof(o1)));
	opts.weight_format = VNPU_DTYPE_MXFP4;
	ASSERT_EQ(0, compile_run(self, &opts, in, outs));
	ASSERT_NE(0, memcmp(o1, o2, sizeof(o1)));
}

/*
 * The memory plan. A chain x -> mm1 -> h1 -> mm2 -> h2 (output): x lives
 * at nodes -1..0, h1 0..1, h2 1..end, so first fit puts x at 0, h1 after
 * it, h2 back at 0 (x is dead by then); arena = max(x + h1, h2 + h1)
 * rounded to 64 bytes = peak_live here. A residual chain h = h + f(h)
 * writes in place and needs no more.
 */
TEST_F(gr, memory_plan_is_liveness_tight)
{
	enum { M = 4, K = 64, N1 = 96, N2 = 32 };
	uint32_t dx[2] = { M, K }, dw1[2] = { N1, K }, dw2[2] = { N2, N1 };
	static float x[M * K], w1[N1 * K], w2[N2 * N1], o[M * N2];
	vnpu_program_info info;
	vnpu_tensor tx, tw1, tw2, h;
	const void *in[1] = { x };
	void *outs[1] = { o };
	uint64_t sx = M * K * 4, s1 = M * N1 * 4, s2 = M * N2 * 4;

	gu_fill(x, M * K, 25);
	gu_fill(w1, N1 * K, 26);
	gu_fill(w2, N2 * N1, 27);
	ASSERT_EQ(0, vnpu_graph_input(self->g, "x", VNPU_DTYPE_FP32, 2, dx, &tx));
	ASSERT_EQ(0, vnpu_graph_constant(self->g, "w1", VNPU_DTYPE_FP32, 2, dw1, w1,
					 sizeof(w1), VNPU_CONST_BORROW, &tw1));
	ASSERT_EQ(0, vnpu_graph_constant(self->g, "w2", VNPU_DTYPE_FP32, 2, dw2, w2,
					 sizeof(w2), VNPU_CONST_BORROW, &tw2));
	ASSERT_EQ(0, vnpu_graph_matmul(self->g, "mm1", tx, tw1, 0, 0, VNPU_DTYPE_FP32, &h));
	ASSERT_EQ(0, vnpu_graph_matmul(self->g, "mm2", h, tw2, 0, 0, VNPU_DTYPE_FP32, &h));
	ASSERT_EQ(0, vnpu_graph_output(self->g, h));
	ASSERT_EQ(0, compile_run(self, NULL, in, outs));
	ASSERT_EQ(0, vnpu_program_info_get(self->p, &info));
	EXPECT_EQ(sx + s1, info.peak_live_bytes);
	EXPECT_EQ(sx + s1 > s2 + s1 ? sx + s1 : s2 + s1, info.arena_bytes);
	EXPECT_EQ(info.weight_bytes + info.arena_bytes, info.peak_device_bytes);
	/* Panels, 64-byte aligned, back to back: w1 in MXFP4 (16 rows of K
	 * nibbles plus 16 scale bytes per block, padded to 64), w2 is the
	 * output head, kept BF16 by the default policy. */
	EXPECT_EQ((N1 / 16) * (K * 8 + 64) + (N2 / 16) * (N1 * 32), info.weight_bytes);

	/* h = h + silu(h) three times: one buffer for h, one for silu(h). */
	vnpu_graph_destroy(self->g);
	ASSERT_EQ(0, vnpu_graph_create(&self->g));
	ASSERT_EQ(0, vnpu_graph_input(self->g, "x", VNPU_DTYPE_FP32, 2, dx, &tx));
	h = tx;
	for (int i = 0; i < 3; i++) {
		vnpu_tensor f;

		ASSERT_EQ(0, vnpu_graph_silu(self->g, "f", h, &f));
		ASSERT_EQ(0, vnpu_graph_add(self->g, "resid", h, f, &h));
	}
	ASSERT_EQ(0, vnpu_graph_output(self->g, h));
	outs[0] = o;
	{
		static float big[M * K];

		outs[0] = big;
		ASSERT_EQ(0, compile_run(self, NULL, in, outs));
	}
	ASSERT_EQ(0, vnpu_program_info_get(self->p, &info));
	EXPECT_EQ(3, info.inplace);
	EXPECT_EQ(2 * sx, info.peak_live_bytes);
	EXPECT_EQ(2 * sx, info.arena_bytes);
}

/* A whole block compiles, and runs to the same bits on 1 and 4 threads
 * (and on the fixture's 3). */
TEST_F(gr, block_is_bit_identical_for_any_thread_count)
{
	static struct gu_block_io io1, io4, io3;
	vnpu_device *d1, *d4;
	vnpu_stream *s1, *s4;
	vnpu_program_info info;

	ASSERT_EQ(0, gu_build_block(self->g));
	ASSERT_EQ(0, vnpu_graph_compile(self->g, self->dev, NULL, &self->p));
	ASSERT_EQ(0, vnpu_program_info_get(self->p, &info));
	TH_LOG("block: %u nodes, %u packets, %u fused, %u in place, weights %llu B, arena %llu B (peak live %llu B)",
	       info.nodes, info.packets, info.fused, info.inplace,
	       (unsigned long long)info.weight_bytes, (unsigned long long)info.arena_bytes,
	       (unsigned long long)info.peak_live_bytes);
	gu_block_inputs(&io1);
	gu_block_inputs(&io4);
	gu_block_inputs(&io3);
	ASSERT_EQ(0, open_cpu(1, &d1));
	ASSERT_EQ(0, open_cpu(4, &d4));
	ASSERT_EQ(0, vnpu_stream_create(d1, NULL, &s1));
	ASSERT_EQ(0, vnpu_stream_create(d4, NULL, &s4));
	/* One program moves between devices: it rebinds. */
	ASSERT_EQ(0, gu_block_run(s1, self->p, &io1));
	ASSERT_EQ(0, gu_block_run(s4, self->p, &io4));
	ASSERT_EQ(0, gu_block_run(self->s, self->p, &io3));
	vnpu_program_destroy(self->p);
	self->p = NULL;
	vnpu_stream_destroy(s1);
	vnpu_stream_destroy(s4);
	EXPECT_EQ(0, vnpu_device_close(d1));
	EXPECT_EQ(0, vnpu_device_close(d4));
	EXPECT_EQ(0, memcmp(&io1, &io4, sizeof(io1)));
	EXPECT_EQ(0, memcmp(&io1, &io3, sizeof(io1)));
	for (int i = 0; i < GU_S * GU_V; i++)
		ASSERT_TRUE(isfinite(io1.logits[i]));
}

/* Text and DOT dumps of the graph and the program. */
TEST_F(gr, dumps_name_nodes_and_packets)
{
	char *buf;
	size_t need = 0, need2 = 0;

	ASSERT_EQ(0, gu_build_block(self->g));
	ASSERT_EQ(0, vnpu_graph_dump(self->g, VNPU_DUMP_TEXT, NULL, 0, &need));
	buf = malloc(need + 1);
	ASSERT_NE(NULL, buf);
	ASSERT_EQ(0, vnpu_graph_dump(self->g, VNPU_DUMP_TEXT, buf, need + 1, &need2));
	EXPECT_EQ(need, need2);
	EXPECT_EQ(need, strlen(buf));
	EXPECT_NE(NULL, strstr(buf, "node 0 'embed': %15 fp32[3,64] = gather(%4, %1)"));
	EXPECT_NE(NULL, strstr(buf, "= attention("));
	free(buf);
	ASSERT_EQ(0, vnpu_graph_dump(self->g, VNPU_DUMP_DOT, NULL, 0, &need));
	buf = malloc(need + 1);
	ASSERT_EQ(0, vnpu_graph_dump(self->g, VNPU_DUMP_DOT, buf, need + 1, NULL));
	EXPECT_EQ(0, strncmp(buf, "digraph vnpu_graph {", 20));
	EXPECT_EQ('}', buf[need - 2]);
	free(buf);
	ASSERT_EQ(0, vnpu_graph_compile(self->g, self->dev, NULL, &self->p));
	ASSERT_EQ(0, vnpu_program_dump(self->p, VNPU_DUMP_TEXT, NULL, 0, &need));
	buf = malloc(need + 1);
	ASSERT_EQ(0, vnpu_program_dump(self->p, VNPU_DUMP_TEXT, buf, need + 1, NULL));
	EXPECT_NE(NULL, strstr(buf, "ATTENTION"));
	EXPECT_NE(NULL, strstr(buf, "input 0 'tokens' i32[3] at A+0x"));
	free(buf);
	ASSERT_EQ(0, vnpu_program_dump(self->p, VNPU_DUMP_DOT, NULL, 0, &need));
	EXPECT_GT(need, 20);
	EXPECT_EQ(VNPU_STATUS_INVALID_ARGUMENT, vnpu_graph_dump(self->g, 7, NULL, 0, &need));
}

/*
 * In place, never through an alias: c = a + view(a, row 0) must not
 * overwrite a's row 0 before the second row reads it.
 */
TEST_F(gr, inplace_never_clobbers_an_aliased_operand)
{
	uint32_t da[2] = { 2, 4 }, dv[1] = { 4 };
	float a[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, o[8];
	const void *in[1] = { a };
	void *outs[1] = { o };
	vnpu_tensor ta, tv, tc;
	int i;

	ASSERT_EQ(0, vnpu_graph_input(self->g, "a", VNPU_DTYPE_FP32, 2, da, &ta));
	ASSERT_EQ(0, vnpu_graph_view(self->g, "row0", ta, 0, 1, dv, &tv));
	ASSERT_EQ(0, vnpu_graph_add(self->g, "c", ta, tv, &tc));
	ASSERT_EQ(0, vnpu_graph_output(self->g, tc));
	ASSERT_EQ(0, compile_run(self, NULL, in, outs));
	for (i = 0; i < 8; i++)
		ASSERT_EQ(a[i] + a[i % 4], o[i]);
}

/*
 * Weights given already quantized (planes, NVFP4 with its tensor scale
 * last) pack to exactly what the compiler makes from FP32 weights with
 * the same format; BF16 activations that are exact BF16 values give the
 * FP32 run's bits; a BF16 result is the FP32 result rounded (RNE).
 */
TEST_F(gr, prequantized_weights_and_bf16_tensors_are_exact)
{
	static const uint32_t fmts[] = { VNPU_DTYPE_MXFP4, VNPU_DTYPE_NVFP4, VNPU_DTYPE_MXFP8 };
	enum { M = 3, K = 64, N = 20 };
	uint32_t dx[2] = { M, K }, dw[2] = { N, K };
	static float a[M * K], w[N * K], o1[M * N], o2[M * N];
	static uint16_t ab[M * K], ob[M * N];
	static uint8_t packed[N * K * 2];
	vnpu_compile_options opts;
	unsigned int f;
	int i;

	gu_fill(a, M * K, 30);
	gu_fill(w, N * K, 31);
	/* Make a exactly representable in BF16. */
	vnpu_convert(VNPU_FMT_BF16, ab, VNPU_FMT_FP32, a, M * K);
	vnpu_convert(VNPU_FMT_FP32, a, VNPU_FMT_BF16, ab, M * K);
	for (f = 0; f < sizeof(fmts) / sizeof(fmts[0]); f++) {
		uint32_t efmt = fmts[f] == VNPU_DTYPE_MXFP4 ? VNPU_FMT_MXFP4 :
				fmts[f] == VNPU_DTYPE_NVFP4 ? VNPU_FMT_NVFP4 : VNPU_FMT_MXFP8_E4M3;
		size_t cb = (size_t)N * K * vnpu_fmt_bits(efmt) / 8;
		size_t sb = (size_t)N * K / vnpu_fmt_block(efmt), bytes = cb + sb;
		float ts = 1.0f;
		vnpu_tensor tx, tw, h;
		const void *in[1] = { a };
		void *outs[1] = { o1 };

		if (fmts[f] == VNPU_DTYPE_NVFP4)
			vnpu_nvfp4_tensor_scale(w, N * K, &ts);
		ASSERT_EQ(0, vnpu_quantize(efmt, w, N * K, packed, packed + cb, &ts, NULL));
		if (fmts[f] == VNPU_DTYPE_NVFP4) {
			memcpy(packed + bytes, &ts, 4);
			bytes += 4;
		}
		ASSERT_EQ(bytes, vnpu_dtype_bytes(fmts[f], N * K, 1));
		vnpu_compile_options_init(&opts);
		opts.keep = 0;
		opts.weight_format = fmts[f];
		/* FP32 weights, quantized by the compiler. */
		vnpu_graph_destroy(self->g);
		ASSERT_EQ(0, vnpu_graph_create(&self->g));
		ASSERT_EQ(0, vnpu_graph_input(self->g, "a", VNPU_DTYPE_FP32, 2, dx, &tx));
		ASSERT_EQ(0, vnpu_graph_constant(self->g, "w", VNPU_DTYPE_FP32, 2, dw, w,
						 sizeof(w), VNPU_CONST_BORROW, &tw));
		ASSERT_EQ(0, vnpu_graph_matmul(self->g, "mm", tx, tw, 0, 0, VNPU_DTYPE_FP32, &h));
		ASSERT_EQ(0, vnpu_graph_output(self->g, h));
		ASSERT_EQ(0, compile_run(self, &opts, in, outs));
		/* Pre-quantized weights, BF16 input, FP32 and BF16 results. */
		vnpu_graph_destroy(self->g);
		ASSERT_EQ(0, vnpu_graph_create(&self->g));
		ASSERT_EQ(0, vnpu_graph_input(self->g, "a", VNPU_DTYPE_BF16, 2, dx, &tx));
		ASSERT_EQ(0, vnpu_graph_constant(self->g, "w", fmts[f], 2, dw, packed,
						 bytes, VNPU_CONST_COPY, &tw));
		ASSERT_EQ(0, vnpu_graph_matmul(self->g, "mm", tx, tw, 0, 0, VNPU_DTYPE_FP32, &h));
		ASSERT_EQ(0, vnpu_graph_output(self->g, h));
		ASSERT_EQ(0, vnpu_graph_matmul(self->g, "mmb", tx, tw, 0, 0, VNPU_DTYPE_BF16, &h));
		ASSERT_EQ(0, vnpu_graph_output(self->g, h));
		in[0] = ab;
		{
			void *outs2[2] = { o2, ob };

			ASSERT_EQ(0, compile_run(self, &opts, in, outs2));
		}
		ASSERT_EQ(0, memcmp(o1, o2, sizeof(o1)));
		for (i = 0; i < M * N; i++) {
			uint32_t bits;

			memcpy(&bits, &o1[i], 4);
			ASSERT_EQ(vnpu_fp32_to_bf16(bits), ob[i]);
		}
	}
}

/*
 * Attention over BF16 caches: the cache update is exact (BF16 rows
 * copied), and the output equals the FP32-cache program run on the same
 * values widened to FP32 (BF16 to FP32 is exact and the engine computes
 * in FP32 either way).
 */
TEST_F(gr, attention_over_bf16_caches_equals_fp32_on_the_same_values)
{
	enum { S = 2, H = 4, KVH = 1, D = 16, C = 6, P0 = 3 };
	uint32_t dq[3] = { S, H, D }, dk[3] = { S, KVH, D }, dc[3] = { C, KVH, D };
	static float q[S * H * D], kf[S * KVH * D], vf[S * KVH * D], kcf[C * KVH * D],
		vcf[C * KVH * D], o1[S * H * D], o2[S * H * D], kco[C * KVH * D],
		vco[C * KVH * D];
	static uint16_t kb[S * KVH * D], vb[S * KVH * D], kcb[C * KVH * D],
		vcb[C * KVH * D], kcob[C * KVH * D], vcob[C * KVH * D];
	vnpu_attention_desc ad = { 0 };
	vnpu_tensor tq, tk, tv, tkc, tvc, to, tkco, tvco;
	int pass, i;

	gu_fill(q, sizeof(q) / 4, 32);
	gu_fill(kf, sizeof(kf) / 4, 33);
	gu_fill(vf, sizeof(vf) / 4, 34);
	gu_fill(kcf, sizeof(kcf) / 4, 35);
	gu_fill(vcf, sizeof(vcf) / 4, 36);
	vnpu_convert(VNPU_FMT_BF16, kb, VNPU_FMT_FP32, kf, S * KVH * D);
	vnpu_convert(VNPU_FMT_BF16, vb, VNPU_FMT_FP32, vf, S * KVH * D);
	vnpu_convert(VNPU_FMT_BF16, kcb, VNPU_FMT_FP32, kcf, C * KVH * D);
	vnpu_convert(VNPU_FMT_BF16, vcb, VNPU_FMT_FP32, vcf, C * KVH * D);
	vnpu_convert(VNPU_FMT_FP32, kf, VNPU_FMT_BF16, kb, S * KVH * D);
	vnpu_convert(VNPU_FMT_FP32, vf, VNPU_FMT_BF16, vb, S * KVH * D);
	vnpu_convert(VNPU_FMT_FP32, kcf, VNPU_FMT_BF16, kcb, C * KVH * D);
	vnpu_convert(VNPU_FMT_FP32, vcf, VNPU_FMT_BF16, vcb, C * KVH * D);
	for (pass = 0; pass < 2; pass++) {
		uint32_t dt = pass ? VNPU_DTYPE_BF16 : VNPU_DTYPE_FP32;
		const void *in[5] = { q, pass ? (void *)kb : kf, pass ? (void *)vb : vf,
				      pass ? (void *)kcb : kcf, pass ? (void *)vcb : vcf };
		void *outs[3] = { pass ? o2 : o1, pass ? (void *)kcob : kco,
				  pass ? (void *)vcob : vco };

		vnpu_graph_destroy(self->g);
		ASSERT_EQ(0, vnpu_graph_create(&self->g));
		ASSERT_EQ(0, vnpu_graph_input(self->g, "q", VNPU_DTYPE_FP32, 3, dq, &tq));
		ASSERT_EQ(0, vnpu_graph_input(self->g, "k", dt, 3, dk, &tk));
		ASSERT_EQ(0, vnpu_graph_input(self->g, "v", dt, 3, dk, &tv));
		ASSERT_EQ(0, vnpu_graph_input(self->g, "kc", dt, 3, dc, &tkc));
		ASSERT_EQ(0, vnpu_graph_input(self->g, "vc", dt, 3, dc, &tvc));
		ad.q = tq;
		ad.k = tk;
		ad.v = tv;
		ad.k_cache = tkc;
		ad.v_cache = tvc;
		ad.pos0 = P0;
		ASSERT_EQ(0, vnpu_graph_attention(self->g, "attn", &ad, &to, &tkco, &tvco));
		ASSERT_EQ(0, vnpu_graph_output(self->g, to));
		ASSERT_EQ(0, vnpu_graph_output(self->g, tkco));
		ASSERT_EQ(0, vnpu_graph_output(self->g, tvco));
		ASSERT_EQ(0, compile_run(self, NULL, in, outs));
	}
	ASSERT_EQ(0, memcmp(o1, o2, sizeof(o1)));
	memcpy(kcb + P0 * KVH * D, kb, sizeof(kb));
	memcpy(vcb + P0 * KVH * D, vb, sizeof(vb));
	ASSERT_EQ(0, memcmp(kcb, kcob, sizeof(kcb)));
	ASSERT_EQ(0, memcmp(vcb, vcob, sizeof(vcb)));
	for (i = 0; i < C * KVH * D; i++) {
		float w;

		vnpu_convert(VNPU_FMT_FP32, &w, VNPU_FMT_BF16, &kcob[i], 1);
		ASSERT_EQ(kco[i], w);
	}
}

/* Found by fuzz_graph_build: a constant that is both a matmul's input and
 * its weights is packed for the one and kept raw for the other. */
TEST_F(gr, a_constant_as_matmul_input_and_weights)
{
	uint32_t dw[2] = { 16, 32 };
	static float w[16 * 32], o[16 * 16];
	void *outs[1] = { o };
	vnpu_tensor tw, h;
	vnpu_compile_options opts;

	gu_fill(w, 16 * 32, 41);
	ASSERT_EQ(0, vnpu_graph_constant(self->g, "w", VNPU_DTYPE_FP32, 2, dw, w,
					 sizeof(w), VNPU_CONST_BORROW, &tw));
	ASSERT_EQ(0, vnpu_graph_matmul(self->g, "gram", tw, tw, 0, 0, VNPU_DTYPE_FP32, &h));
	ASSERT_EQ(0, vnpu_graph_output(self->g, h));
	vnpu_compile_options_init(&opts);
	opts.weight_format = VNPU_DTYPE_FP32;
	ASSERT_EQ(0, compile_run(self, &opts, NULL, outs));
	/* FP32 weights, exact inputs: the card's block-ordered FMA sums of
	 * 32 products are within 34 u of the sum of magnitudes. */
	for (int i = 0; i < 16; i++)
		for (int j = 0; j < 16; j++) {
			double ref = 0, mag = 0;

			for (int k = 0; k < 32; k++) {
				ref += (double)w[i * 32 + k] * w[j * 32 + k];
				mag += fabs((double)w[i * 32 + k] * w[j * 32 + k]);
			}
			if (!(fabs(o[i * 16 + j] - ref) <= 34 * U * mag))
				TH_LOG("[%d][%d] %.9g vs %.9g (mag %g)", i, j, o[i * 16 + j], ref, mag);
			ASSERT_TRUE(fabs(o[i * 16 + j] - ref) <= 34 * U * mag);
		}
}

/*
 * One compiled step serves every position: the block built at pos0 = 2
 * and run at offset 3 gives the bits of the block built at pos0 = 5
 * (RoPE positions, attention's first query, cache rows written), also
 * when the bound command buffer was last patched for another offset. An
 * offset past the cache is refused and changes nothing; offset 0 is the
 * program as built again.
 */
TEST_F(gr, run_at_a_position_offset_equals_compiling_at_that_position)
{
	static struct gu_block_io a, b, c, z;
	vnpu_program *p5 = NULL;
	vnpu_program_info info;
	vnpu_graph *g5 = NULL;

	ASSERT_EQ(0, gu_build_block(self->g));
	ASSERT_EQ(0, vnpu_graph_compile(self->g, self->dev, NULL, &self->p));
	ASSERT_EQ(0, vnpu_program_info_get(self->p, &info));
	/* one rope packet each for q and k, 2 cache-row copies, 1 attention */
	EXPECT_EQ(2 + 2 + 1, info.pos_patches);
	EXPECT_EQ(GU_C - GU_POS0 - GU_S, info.max_pos_offset);
	ASSERT_EQ(0, vnpu_graph_create(&g5));
	ASSERT_EQ(0, gu_build_block_at(g5, GU_POS0 + 3));
	ASSERT_EQ(0, vnpu_graph_compile(g5, self->dev, NULL, &p5));
	vnpu_graph_destroy(g5);
	gu_block_inputs(&z);
	ASSERT_EQ(0, gu_block_run(self->s, self->p, &z));
	gu_block_inputs(&a);
	gu_block_inputs(&b);
	gu_block_inputs(&c);
	{
		const void *in[3] = { a.tokens, a.kc, a.vc };
		void *out[3] = { a.logits, a.kc_out, a.vc_out };
		const void *cin[3] = { c.tokens, c.kc, c.vc };
		void *cout[3] = { c.logits, c.kc_out, c.vc_out };

		ASSERT_EQ(0, vnpu_program_run_at(self->s, self->p, 1, cin, cout));
		ASSERT_EQ(0, vnpu_program_run_at(self->s, self->p, 3, in, out));
		EXPECT_EQ(VNPU_STATUS_INVALID_ARGUMENT,
			  vnpu_program_run_at(self->s, self->p, info.max_pos_offset + 1, in, out));
		EXPECT_NE(NULL, strstr(vnpu_last_error(), "exceeds"));
		/* the refused offset left the offset-3 stream in place */
		gu_block_inputs(&c);
		ASSERT_EQ(0, vnpu_program_run_at(self->s, self->p, 3, cin, cout));
		EXPECT_EQ(0, memcmp(&a, &c, sizeof(a)));
	}
	ASSERT_EQ(0, gu_block_run(self->s, p5, &b));
	EXPECT_EQ(0, memcmp(&a, &b, sizeof(a)));
	/* And offset 0 is the program as built again, bit for bit. */
	gu_block_inputs(&a);
	ASSERT_EQ(0, gu_block_run(self->s, self->p, &a));
	EXPECT_EQ(0, memcmp(&a, &z, sizeof(a)));
	EXPECT_NE(0, memcmp(&a, &b, sizeof(a)));
	vnpu_program_destroy(p5);
}

TEST_HARNESS_MAIN
