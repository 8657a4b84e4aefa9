// SPDX-License-Identifier: GPL-2.0
/*
 * vnpu_program_info.flops and .bytes on small graphs, against values
 * worked out by hand from the packets the compiler must emit (the packet
 * count is checked first, so the sums below have a known set of terms).
 */
#include <stdlib.h>
#include <string.h>

#include <vnpu/vnpu.h>

#include "graph_util.h"
#include "kselftest_harness.h"

FIXTURE(cost) {
	vnpu_graph *g;
	vnpu_program *p;
	vnpu_compile_options o;
};

FIXTURE_SETUP(cost)
{
	vnpu_init_options o;

	vnpu_init_options_init(&o);
	o.flags = VNPU_INIT_NO_ENV;
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_init(&o));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_graph_create(&self->g));
	vnpu_compile_options_init(&self->o);
	self->p = NULL;
}

FIXTURE_TEARDOWN(cost)
{
	vnpu_program_destroy(self->p);
	vnpu_graph_destroy(self->g);
	EXPECT_EQ(VNPU_STATUS_OK, vnpu_shutdown());
}

/* Info of P after a save/load round trip (recomputed from the stream). */
static vnpu_status reloaded_info(vnpu_program *p, vnpu_program_info *info)
{
	vnpu_program *q = NULL;
	vnpu_status st;
	size_t n;
	void *f;

	st = vnpu_program_save_mem(p, &f, &n);
	if (st)
		return st;
	st = vnpu_program_load_mem(f, n, &q);
	free(f);
	if (!st)
		st = vnpu_program_info_get(q, info);
	vnpu_program_destroy(q);
	return st;
}

/*
 * One MATMUL [4,64] x [32,64]^T with bias and SiLU, MXFP4 weights:
 * 2 * 4 * 32 * 64 = 16384 flops. Bytes: packed weights, 2 panels of 16
 * rows, each 64 * 16 / 2 = 512 code bytes and 2 blocks * 16 scale bytes
 * rounded up to 64: 1152; A 4 * 64 * 4 = 1024; bias 128; C 4 * 32 * 4 =
 * 512: 2816.
 */
TEST_F(cost, a_matmul_with_bias)
{
	uint32_t dx[2] = { 4, 64 }, dw[2] = { 32, 64 }, db[1] = { 32 };
	static float w[32 * 64], b[32];
	vnpu_tensor x, tw, tb, y;
	vnpu_program_info info, again;

	ASSERT_EQ(0, vnpu_graph_input(self->g, "x", VNPU_DTYPE_FP32, 2, dx, &x));
	ASSERT_EQ(0, vnpu_graph_constant(self->g, "w", VNPU_DTYPE_FP32, 2, dw, w,
					 sizeof(w), VNPU_CONST_COPY, &tw));
	ASSERT_EQ(0, vnpu_graph_constant(self->g, "b", VNPU_DTYPE_FP32, 1, db, b,
					 sizeof(b), VNPU_CONST_COPY, &tb));
	ASSERT_EQ(0, vnpu_graph_matmul(self->g, "fc", x, tw, tb, VNPU_ACTIVATION_SILU,
				       VNPU_DTYPE_FP32, &y));
	ASSERT_EQ(0, vnpu_graph_output(self->g, y));
	self->o.keep = 0;	/* MXFP4 even though it is the head */
	ASSERT_EQ(0, vnpu_graph_compile(self->g, NULL, &self->o, &self->p));
	ASSERT_EQ(0, vnpu_program_info_get(self->p, &info));
	ASSERT_EQ(1, info.packets);
	EXPECT_EQ(16384, info.flops);
	EXPECT_EQ(1152 + 1024 + 128 + 512, info.bytes);
	ASSERT_EQ(0, reloaded_info(self->p, &again));
	EXPECT_EQ(info.flops, again.flops);
	EXPECT_EQ(info.bytes, again.bytes);
}

/*
 * Attention of S = 2 queries at pos0 = 3, H = 4, KVH = 2, D = 16 over
 * caches of 8 rows given as inputs that die there (updated in place):
 * packets COPY (new keys), COPY (new values), ATTENTION. Query 0 sees 4
 * keys, query 1 sees 5: 9 keys * 4 heads * (2 * 16 for Q.K + 2 * 16 for
 * P.V) = 2304 flops. Bytes: each COPY moves 2 rows of 2 * 16 FP32 (256
 * bytes) read and written: 2 * 512; ATTENTION reads Q (512), K and V over
 * its 5 rows (640 each) and writes 512: 2304. In all 3328.
 */
TEST_F(cost, attention_over_caches)
{
	uint32_t dq[3] = { 2, 4, 16 }, dk[3] = { 2, 2, 16 }, dc[3] = { 8, 2, 16 };
	vnpu_attention_desc ad = { 0 };
	vnpu_tensor out, kco, vco;
	vnpu_program_info info;

	ASSERT_EQ(0, vnpu_graph_input(self->g, "q", VNPU_DTYPE_FP32, 3, dq, &ad.q));
	ASSERT_EQ(0, vnpu_graph_input(self->g, "k", VNPU_DTYPE_FP32, 3, dk, &ad.k));
	ASSERT_EQ(0, vnpu_graph_input(self->g, "v", VNPU_DTYPE_FP32, 3, dk, &ad.v));
	ASSERT_EQ(0, vnpu_graph_input(self->g, "kc", VNPU_DTYPE_FP32, 3, dc, &ad.k_cache));
	ASSERT_EQ(0, vnpu_graph_input(self->g, "vc", VNPU_DTYPE_FP32, 3, dc, &ad.v_cache));
	ad.pos0 = 3;
	ASSERT_EQ(0, vnpu_graph_attention(self->g, "attn", &ad, &out, &kco, &vco));
	ASSERT_EQ(0, vnpu_graph_output(self->g, out));
	ASSERT_EQ(0, vnpu_graph_output(self->g, kco));
	ASSERT_EQ(0, vnpu_graph_output(self->g, vco));
	ASSERT_EQ(0, vnpu_graph_compile(self->g, NULL, NULL, &self->p));
	ASSERT_EQ(0, vnpu_program_info_get(self->p, &info));
	ASSERT_EQ(3, info.packets);
	EXPECT_EQ(2304, info.flops);
	EXPECT_EQ(3328, info.bytes);
}

/*
 * Vector ops move bytes and do no counted flops: add [4,64] (read x, y,
 * write: 3 * 1024), rmsnorm in place with gamma (1024 + 256 + 1024),
 * a BF16 copy of 512 bytes (read and write: 1024). 6400 bytes, 0 flops.
 */
TEST_F(cost, vector_ops_count_bytes_only)
{
	uint32_t dx[2] = { 4, 64 }, dg[1] = { 64 };
	static float gamma[64];
	vnpu_tensor x, y, g, a, n, c;
	vnpu_program_info info;

	ASSERT_EQ(0, vnpu_graph_input(self->g, "x", VNPU_DTYPE_FP32, 2, dx, &x));
	ASSERT_EQ(0, vnpu_graph_input(self->g, "y", VNPU_DTYPE_FP32, 2, dx, &y));
	ASSERT_EQ(0, vnpu_graph_input(self->g, "c", VNPU_DTYPE_BF16, 2, dx, &c));
	ASSERT_EQ(0, vnpu_graph_constant(self->g, "g", VNPU_DTYPE_FP32, 1, dg, gamma,
					 sizeof(gamma), VNPU_CONST_COPY, &g));
	ASSERT_EQ(0, vnpu_graph_add(self->g, "a", x, y, &a));
	ASSERT_EQ(0, vnpu_graph_rmsnorm(self->g, "n", a, g, 1e-5f, &n));
	ASSERT_EQ(0, vnpu_graph_copy(self->g, "cc", c, &c));
	ASSERT_EQ(0, vnpu_graph_output(self->g, n));
	ASSERT_EQ(0, vnpu_graph_output(self->g, c));
	ASSERT_EQ(0, vnpu_graph_compile(self->g, NULL, NULL, &self->p));
	ASSERT_EQ(0, vnpu_program_info_get(self->p, &info));
	ASSERT_EQ(3, info.packets);
	EXPECT_EQ(0, info.flops);
	EXPECT_EQ(3 * 1024 + 1024 + 256 + 1024 + 1024, info.bytes);
}

TEST_HARNESS_MAIN
