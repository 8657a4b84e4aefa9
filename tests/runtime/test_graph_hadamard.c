// SPDX-License-Identifier: GPL-2.0
/*
 * Hadamard rotation: the graph op (the card's HADAMARD packet) gives the
 * engine's vnpu_hadamard_rotate() bits; compiling with
 * vnpu_compile_options.hadamard lowers the FP4 error of a matmul whose
 * weights have outlier channels, and with FP32 weights the rotated
 * product stays within the FP32 rounding bound derived below.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vnpu/vnpu.h>
#include <vnpu_engine/formats.h>

#include "graph_util.h"
#include "kselftest_harness.h"

FIXTURE(had) {
	vnpu_device *dev;
	vnpu_stream *s;
	vnpu_graph *g;
	vnpu_program *p;
};

FIXTURE_SETUP(had)
{
	vnpu_init_options o;

	vnpu_init_options_init(&o);
	o.flags = VNPU_INIT_NO_ENV;
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_init(&o));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_device_open("cpu", NULL, &self->dev));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_stream_create(self->dev, NULL, &self->s));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_graph_create(&self->g));
	self->p = NULL;
}

FIXTURE_TEARDOWN(had)
{
	vnpu_program_destroy(self->p);
	vnpu_graph_destroy(self->g);
	vnpu_stream_destroy(self->s);
	EXPECT_EQ(VNPU_STATUS_OK, vnpu_device_close(self->dev));
	EXPECT_EQ(VNPU_STATUS_OK, vnpu_shutdown());
}

TEST_F(had, the_graph_op_is_the_engine_rotation)
{
	enum { R = 6, C = 2048 };
	uint32_t d[2] = { R, C };
	static float x[R * C], f[R * C], b[R * C], ref[R * C];
	vnpu_tensor tx, tf, tb;
	const void *in[1] = { x };
	void *out[2] = { f, b };

	gu_fill(x, R * C, 5);
	ASSERT_EQ(0, vnpu_graph_input(self->g, "x", VNPU_DTYPE_FP32, 2, d, &tx));
	ASSERT_EQ(0, vnpu_graph_hadamard(self->g, "f", tx, 512, 99, 0, &tf));
	ASSERT_EQ(0, vnpu_graph_hadamard(self->g, "b", tf, 512, 99, 1, &tb));
	ASSERT_EQ(0, vnpu_graph_output(self->g, tf));
	ASSERT_EQ(0, vnpu_graph_output(self->g, tb));
	ASSERT_EQ(0, vnpu_graph_compile(self->g, self->dev, NULL, &self->p));
	ASSERT_EQ(0, vnpu_program_run(self->s, self->p, in, out));
	memcpy(ref, x, sizeof(x));
	ASSERT_EQ(0, vnpu_hadamard_rotate(ref, R * C, 512, 99, false));
	EXPECT_EQ(0, memcmp(ref, f, sizeof(f)));
	ASSERT_EQ(0, vnpu_hadamard_rotate(ref, R * C, 512, 99, true));
	EXPECT_EQ(0, memcmp(ref, b, sizeof(b)));
	/* The builder's checks. */
	EXPECT_EQ(VNPU_STATUS_INVALID_ARGUMENT,
		  vnpu_graph_hadamard(self->g, "h", tx, 48, 0, 0, &tf));
	EXPECT_STREQ("node 2 'h' (hadamard): block 48 must be a power of two, 2..4096",
		     vnpu_last_error());
	EXPECT_EQ(VNPU_STATUS_INVALID_ARGUMENT,
		  vnpu_graph_hadamard(self->g, "h", tx, 4096, 0, 0, &tf));
	EXPECT_STREQ("node 2 'h' (hadamard): the last dimension of x fp32[6,2048] is not a multiple of block 4096",
		     vnpu_last_error());
}

/* x [M, K] W^T for W [N, K]: compile with OPTS, run, RMS error against
 * the double reference REF, relative to the reference's RMS. */
static double rel_rms(vnpu_device *dev, vnpu_stream *s, const vnpu_compile_options *o,
		      const float *x, const float *w, const double *ref,
		      uint32_t m, uint32_t n, uint32_t k, uint32_t *packets)
{
	uint32_t dx[2] = { m, k }, dw[2] = { n, k };
	vnpu_tensor tx, tw, y;
	vnpu_program *p = NULL;
	vnpu_program_info info;
	vnpu_graph *g = NULL;
	double e = 0, r = 0;
	float *out = malloc((size_t)m * n * 4);
	uint32_t i;

	if (!out || vnpu_graph_create(&g) ||
	    vnpu_graph_input(g, "x", VNPU_DTYPE_FP32, 2, dx, &tx) ||
	    vnpu_graph_constant(g, "w", VNPU_DTYPE_FP32, 2, dw, w, (size_t)n * k * 4,
				VNPU_CONST_BORROW, &tw) ||
	    vnpu_graph_matmul(g, "fc", tx, tw, 0, 0, VNPU_DTYPE_FP32, &y) ||
	    vnpu_graph_output(g, y) || vnpu_graph_compile(g, dev, o, &p) ||
	    vnpu_program_info_get(p, &info) ||
	    vnpu_program_run(s, p, (const void *[]){ x }, (void *[]){ out })) {
		fprintf(stderr, "# %s\n", vnpu_last_error());
		e = INFINITY;
	}
	for (i = 0; i < m * n && isfinite(e); i++) {
		e += (out[i] - ref[i]) * (out[i] - ref[i]);
		r += ref[i] * ref[i];
	}
	*packets = p ? info.packets : 0;
	vnpu_program_destroy(p);
	vnpu_graph_destroy(g);
	free(out);
	return isfinite(e) ? sqrt(e / r) : e;
}

static void reference(const float *x, const float *w, double *ref, uint32_t m,
		      uint32_t n, uint32_t k)
{
	uint32_t i, j, l;

	for (i = 0; i < m; i++)
		for (j = 0; j < n; j++) {
			double acc = 0;

			for (l = 0; l < k; l++)
				acc += (double)x[i * k + l] * w[j * k + l];
			ref[i * n + j] = acc;
		}
}

/*
 * Weights with four outlier input channels (40 times the others): in
 * MXFP4 the outlier sets its block's scale and the other 31 values of
 * each row's block fall to a few codes. Rotating spreads it over the
 * block. Measured: relative RMS error 0.180 plain, 0.114 rotated; the
 * test asks for at most 0.75 times the plain error.
 */
TEST_F(had, rotation_lowers_the_fp4_error_of_outlier_channels)
{
	enum { M = 8, N = 64, K = 256 };
	static float x[M * K], w[N * K];
	static double ref[M * N];
	static const uint32_t outliers[] = { 5, 77, 130, 201 };
	vnpu_compile_options o;
	double plain, rot;
	uint32_t i, j, pk_plain, pk_rot;

	gu_fill(x, M * K, 11);
	gu_fill(w, N * K, 12);
	for (j = 0; j < N; j++)
		for (i = 0; i < 4; i++)
			w[j * K + outliers[i]] *= 40.0f;
	reference(x, w, ref, M, N, K);
	vnpu_compile_options_init(&o);
	o.keep = 0;	/* the matmul is the output: quantize it anyway */
	plain = rel_rms(self->dev, self->s, &o, x, w, ref, M, N, K, &pk_plain);
	o.hadamard = 1;
	rot = rel_rms(self->dev, self->s, &o, x, w, ref, M, N, K, &pk_rot);
	TH_LOG("MXFP4 relative RMS error: plain %.4f, rotated %.4f", plain, rot);
	EXPECT_EQ(1, pk_plain);
	EXPECT_EQ(2, pk_rot);	/* HADAMARD of x, then the MATMUL */
	ASSERT_TRUE(isfinite(plain) && isfinite(rot));
	EXPECT_LT(rot, 0.75 * plain);
}

/*
 * FP32 weights, rotated with blocks of b = 256 (L = 8 butterfly levels,
 * then the 1/16 scaling, exact): every rotated value x'_k errs by at
 * most gamma_L ||x_blk||_2 (|x'_k| <= n sum |x_j| <= ||x_blk||_2, n =
 * 1/sqrt(b)), w'_k alike; the dot product of K terms adds
 * gamma_K sum |x'_k w'_k| <= gamma_K ||x|| ||w||. In all
 * |y - x.w| <= (2 gamma_L sqrt(b) + gamma_K) ||x|| ||w||, gamma_n =
 * n u / (1 - n u).
 */
TEST_F(had, fp32_weights_stay_within_fp32_rounding)
{
	enum { M = 5, N = 48, K = 256 };
	static float x[M * K], w[N * K];
	static double ref[M * N];
	uint32_t i, j, l, packets;
	vnpu_compile_options o;
	static float out[M * N];
	double gl = 8 * GU_U / (1 - 8 * GU_U), gk = (K + 1) * GU_U / (1 - (K + 1) * GU_U);

	gu_fill(x, M * K, 21);
	gu_fill(w, N * K, 22);
	reference(x, w, ref, M, N, K);
	vnpu_compile_options_init(&o);
	o.weight_format = VNPU_DTYPE_FP32;
	o.hadamard = 1;
	{
		uint32_t dx[2] = { M, K }, dw[2] = { N, K };
		vnpu_tensor tx, tw, y, y2;
		vnpu_program_info info;

		ASSERT_EQ(0, vnpu_graph_input(self->g, "x", VNPU_DTYPE_FP32, 2, dx, &tx));
		ASSERT_EQ(0, vnpu_graph_constant(self->g, "w", VNPU_DTYPE_FP32, 2, dw, w,
						 sizeof(w), VNPU_CONST_BORROW, &tw));
		ASSERT_EQ(0, vnpu_graph_matmul(self->g, "fc", tx, tw, 0, 0, VNPU_DTYPE_FP32, &y));
		/* A second reader of x shares its rotation. */
		ASSERT_EQ(0, vnpu_graph_matmul(self->g, "fc2", tx, tw, 0, 0, VNPU_DTYPE_FP32, &y2));
		ASSERT_EQ(0, vnpu_graph_output(self->g, y));
		ASSERT_EQ(0, vnpu_graph_output(self->g, y2));
		ASSERT_EQ(0, vnpu_graph_compile(self->g, self->dev, &o, &self->p));
		ASSERT_EQ(0, vnpu_program_info_get(self->p, &info));
		packets = info.packets;
		ASSERT_EQ(0, vnpu_program_run(self->s, self->p, (const void *[]){ x },
					      (void *[]){ out, out }));
	}
	EXPECT_EQ(3, packets);	/* one HADAMARD, two MATMULs */
	for (i = 0; i < M; i++) {
		for (j = 0; j < N; j++) {
			double nx = 0, nw = 0, tol;

			for (l = 0; l < K; l++) {
				nx += (double)x[i * K + l] * x[i * K + l];
				nw += (double)w[j * K + l] * w[j * K + l];
			}
			tol = (2 * gl * 16 + gk) * sqrt(nx) * sqrt(nw);
			ASSERT_LE(fabs(out[i * N + j] - ref[i * N + j]), tol)
				TH_LOG("[%u,%u]: %.9g vs %.9g", i, j, out[i * N + j], ref[i * N + j]);
		}
	}
}

TEST_F(had, options_are_checked)
{
	uint32_t dx[2] = { 2, 96 }, dw[2] = { 16, 96 };
	static float w[16 * 96];
	vnpu_compile_options o;
	vnpu_tensor tx, tw, y;

	ASSERT_EQ(0, vnpu_graph_input(self->g, "x", VNPU_DTYPE_FP32, 2, dx, &tx));
	ASSERT_EQ(0, vnpu_graph_constant(self->g, "w", VNPU_DTYPE_FP32, 2, dw, w,
					 sizeof(w), VNPU_CONST_BORROW, &tw));
	ASSERT_EQ(0, vnpu_graph_matmul(self->g, "fc", tx, tw, 0, 0, VNPU_DTYPE_FP32, &y));
	ASSERT_EQ(0, vnpu_graph_output(self->g, y));
	vnpu_compile_options_init(&o);
	o.hadamard = 3;
	EXPECT_EQ(VNPU_STATUS_INVALID_ARGUMENT, vnpu_graph_compile(self->g, NULL, &o, &self->p));
	EXPECT_STREQ("vnpu_graph_compile: hadamard 3 is not 0 (off), 1 (automatic blocks) or a power of two block up to 4096",
		     vnpu_last_error());
	o.hadamard = 64;
	EXPECT_EQ(VNPU_STATUS_INVALID_ARGUMENT, vnpu_graph_compile(self->g, NULL, &o, &self->p));
	EXPECT_STREQ("node 0 'fc' (matmul): K = 96 is not a multiple of the Hadamard block 64",
		     vnpu_last_error());
	o.hadamard = 32;
	EXPECT_EQ(VNPU_STATUS_OK, vnpu_graph_compile(self->g, NULL, &o, &self->p));
}

TEST_HARNESS_MAIN
