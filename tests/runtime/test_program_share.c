// SPDX-License-Identifier: GPL-2.0
/*
 * vnpu_program_share_weights(): two programs compiled from graphs with
 * the same constants share one device weight buffer and give bit-identical
 * results to unshared runs; either may be destroyed first (ASan checks
 * the lifetime); mismatched weights are refused with the exact message.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vnpu/vnpu.h>

#include "graph_util.h"
#include "kselftest_harness.h"

FIXTURE(sh) {
	vnpu_device *dev;
	vnpu_stream *s;
};

FIXTURE_SETUP(sh)
{
	vnpu_init_options o;

	vnpu_init_options_init(&o);
	o.flags = VNPU_INIT_NO_ENV;
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_init(&o));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_device_open("cpu", NULL, &self->dev));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_stream_create(self->dev, NULL, &self->s));
}

FIXTURE_TEARDOWN(sh)
{
	vnpu_stream_destroy(self->s);
	EXPECT_EQ(VNPU_STATUS_OK, vnpu_device_close(self->dev));
	EXPECT_EQ(VNPU_STATUS_OK, vnpu_shutdown());
}

/* The block at POS0 (same constants for every POS0). */
static vnpu_status block(vnpu_device *dev, uint32_t pos0, vnpu_program **p)
{
	vnpu_graph *g;
	vnpu_status st = vnpu_graph_create(&g);

	if (!st)
		st = gu_build_block_ex(g, GU_S, pos0, 0);
	if (!st)
		st = vnpu_graph_compile(g, dev, NULL, p);
	vnpu_graph_destroy(g);
	return st;
}

/* y = x @ W^T with W [8][K] filled from SEED. */
static vnpu_status matmul(vnpu_device *dev, uint32_t k, uint64_t seed, vnpu_program **p)
{
	uint32_t xd[2] = { 1, k }, wd[2] = { 8, k };
	float w[64 * 8];
	vnpu_tensor x, wt, y;
	vnpu_graph *g;
	vnpu_status st = vnpu_graph_create(&g);

	gu_fill(w, (size_t)k * 8, seed);
	if (!st)
		st = vnpu_graph_input(g, "x", VNPU_DTYPE_FP32, 2, xd, &x);
	if (!st)
		st = vnpu_graph_constant(g, "w", VNPU_DTYPE_FP32, 2, wd, w,
					 (size_t)k * 8 * 4, 0, &wt);
	if (!st)
		st = vnpu_graph_matmul(g, "y", x, wt, 0, VNPU_ACTIVATION_NONE,
				       VNPU_DTYPE_FP32, &y);
	if (!st)
		st = vnpu_graph_output(g, y);
	if (!st)
		st = vnpu_graph_compile(g, dev, NULL, p);
	if (st)
		fprintf(stderr, "# matmul: %s\n", vnpu_last_error());
	vnpu_graph_destroy(g);
	return st;
}

static void run_block(struct __test_metadata *_metadata, vnpu_stream *s,
		      vnpu_program *p, struct gu_block_io *io)
{
	gu_block_inputs(io);
	ASSERT_EQ(VNPU_STATUS_OK, gu_block_run(s, p, io));
}

/* Shared runs equal unshared ones bit for bit, in both destroy orders. */
static void shared_vs_unshared(struct __test_metadata *_metadata,
			       FIXTURE_DATA(sh) *self, int source_first)
{
	vnpu_program *a = NULL, *b = NULL, *ref = NULL;
	struct gu_block_io want, got;

	ASSERT_EQ(VNPU_STATUS_OK, block(self->dev, GU_POS0, &ref));
	run_block(_metadata, self->s, ref, &want);
	vnpu_program_destroy(ref);

	ASSERT_EQ(VNPU_STATUS_OK, block(self->dev, 0, &a));
	ASSERT_EQ(VNPU_STATUS_OK, block(self->dev, GU_POS0, &b));
	/* The source must be on a device first. */
	ASSERT_EQ(VNPU_STATUS_INVALID_ARGUMENT, vnpu_program_share_weights(b, a));
	EXPECT_STREQ("vnpu_program_share_weights: the source has no device weights yet (run it once first)",
		     vnpu_last_error());
	run_block(_metadata, self->s, a, &got);
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_program_share_weights(b, a));
	/* Again with the same source: nothing to do. */
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_program_share_weights(b, a));
	if (source_first) {
		vnpu_program_destroy(a);
		a = NULL;
	}
	memset(&got, 0, sizeof(got));
	run_block(_metadata, self->s, b, &got);
	EXPECT_EQ(0, memcmp(want.logits, got.logits, sizeof(got.logits)));
	EXPECT_EQ(0, memcmp(want.kc_out, got.kc_out, sizeof(got.kc_out)));
	EXPECT_EQ(0, memcmp(want.vc_out, got.vc_out, sizeof(got.vc_out)));
	if (a) {
		vnpu_program_destroy(b);
		b = NULL;
		/* The source still runs on the buffer it shared. */
		run_block(_metadata, self->s, a, &got);
	}
	vnpu_program_destroy(a);
	vnpu_program_destroy(b);
}

TEST_F(sh, source_destroyed_first)
{
	shared_vs_unshared(_metadata, self, 1);
}

TEST_F(sh, sharer_destroyed_first)
{
	shared_vs_unshared(_metadata, self, 0);
}

/* Byte-identical weights compiled twice also share: a chain A <- B <- C. */
TEST_F(sh, chain)
{
	vnpu_program *p[3] = { NULL, NULL, NULL };
	float x[32], y0[8], y2[8];
	uint32_t i;

	for (i = 0; i < 3; i++)
		ASSERT_EQ(VNPU_STATUS_OK, matmul(self->dev, 32, 7, &p[i]));
	gu_fill(x, 32, 3);
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_program_run(self->s, p[0], (const void *[]){ x },
						   (void *[]){ y0 }));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_program_share_weights(p[1], p[0]));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_program_share_weights(p[2], p[1]));
	vnpu_program_destroy(p[0]);
	vnpu_program_destroy(p[1]);
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_program_run(self->s, p[2], (const void *[]){ x },
						   (void *[]){ y2 }));
	EXPECT_EQ(0, memcmp(y0, y2, sizeof(y0)));
	vnpu_program_destroy(p[2]);
}

TEST_F(sh, mismatch_refused)
{
	vnpu_program *a = NULL, *b = NULL, *c = NULL;
	vnpu_program_info ia, ib;
	float x[32], y[8];

	ASSERT_EQ(VNPU_STATUS_OK, matmul(self->dev, 32, 1, &a));
	ASSERT_EQ(VNPU_STATUS_OK, matmul(self->dev, 32, 2, &b));
	ASSERT_EQ(VNPU_STATUS_OK, matmul(self->dev, 64, 1, &c));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_program_info_get(a, &ia));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_program_info_get(c, &ib));
	gu_fill(x, 32, 3);
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_program_run(self->s, a, (const void *[]){ x },
						   (void *[]){ y }));
	ASSERT_EQ(VNPU_STATUS_INVALID_ARGUMENT, vnpu_program_share_weights(b, a));
	EXPECT_STREQ("vnpu_program_share_weights: the weight sections' contents differ (first at byte 0)",
		     vnpu_last_error());
	ASSERT_EQ(VNPU_STATUS_INVALID_ARGUMENT, vnpu_program_share_weights(c, a));
	{
		char msg[160];

		snprintf(msg, sizeof(msg),
			 "vnpu_program_share_weights: the weight sections' sizes differ (%llu and %llu bytes)",
			 (unsigned long long)ib.weight_bytes,
			 (unsigned long long)ia.weight_bytes);
		EXPECT_STREQ(msg, vnpu_last_error());
	}
	ASSERT_NE(ia.weight_bytes, ib.weight_bytes);
	ASSERT_EQ(VNPU_STATUS_INVALID_ARGUMENT, vnpu_program_share_weights(a, a));
	ASSERT_EQ(VNPU_STATUS_INVALID_ARGUMENT, vnpu_program_share_weights(NULL, a));
	/* A refused program still runs on its own weights. */
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_program_run(self->s, b, (const void *[]){ x },
						   (void *[]){ y }));
	vnpu_program_destroy(a);
	vnpu_program_destroy(b);
	vnpu_program_destroy(c);
}

/* A sharer runs only on the shared buffer's device. */
TEST_F(sh, other_device_refused)
{
	vnpu_program *a = NULL, *b = NULL;
	vnpu_device *dev2 = NULL;
	vnpu_stream *s2 = NULL;
	float x[32], y0[8], y1[8];

	ASSERT_EQ(VNPU_STATUS_OK, vnpu_device_open("cpu", NULL, &dev2));
	ASSERT_NE(self->dev, dev2);
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_stream_create(dev2, NULL, &s2));
	ASSERT_EQ(VNPU_STATUS_OK, matmul(self->dev, 32, 4, &a));
	ASSERT_EQ(VNPU_STATUS_OK, matmul(self->dev, 32, 4, &b));
	gu_fill(x, 32, 3);
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_program_run(self->s, a, (const void *[]){ x },
						   (void *[]){ y0 }));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_program_share_weights(b, a));
	EXPECT_EQ(VNPU_STATUS_INVALID_ARGUMENT,
		  vnpu_program_run(s2, b, (const void *[]){ x }, (void *[]){ y1 }));
	EXPECT_STREQ("vnpu_program_run: the program shares weights that live on device 'CPU backend', not on the stream's device 'CPU backend'",
		     vnpu_last_error());
	/* Still fine on its own device afterwards. */
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_program_run(self->s, b, (const void *[]){ x },
						   (void *[]){ y1 }));
	EXPECT_EQ(0, memcmp(y0, y1, sizeof(y0)));
	vnpu_program_destroy(a);
	vnpu_program_destroy(b);
	vnpu_stream_destroy(s2);
	EXPECT_EQ(VNPU_STATUS_OK, vnpu_device_close(dev2));
}

TEST_HARNESS_MAIN
