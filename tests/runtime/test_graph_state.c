// SPDX-License-Identifier: GPL-2.0
/*
 * State tensors on the CPU backend: a prefill and a decode program bound
 * to the same KV-cache buffers give, step after step, the bits of the
 * version that passes the caches in and out through the host; values are
 * placed in the state's memory or copied at the end exactly as the
 * memory plan says; every misuse fails with a message naming the state;
 * programs with states survive save/load and version 1 files still load.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vnpu/vnpu.h>

#include "graph_util.h"
#include "kselftest_harness.h"
#include "prog_v1.h"

#define CACHE (GU_C * GU_KVH * GU_D)
#define CACHE_BYTES (CACHE * 4)
/* The value cache's offset in the one buffer holding both caches. */
#define V_AT ((CACHE_BYTES + 63) / 64 * 64)
#define STEPS 4

FIXTURE(st) {
	vnpu_device *dev;
	vnpu_stream *s;
	vnpu_graph *g;
	vnpu_program *p;
	vnpu_buffer *buf;
};

FIXTURE_SETUP(st)
{
	vnpu_init_options o;

	vnpu_init_options_init(&o);
	o.flags = VNPU_INIT_NO_ENV;
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_init(&o));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_device_open("cpu", NULL, &self->dev));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_stream_create(self->dev, NULL, &self->s));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_graph_create(&self->g));
	self->p = NULL;
	self->buf = NULL;
}

FIXTURE_TEARDOWN(st)
{
	vnpu_program_destroy(self->p);
	vnpu_buffer_free(self->buf);
	vnpu_graph_destroy(self->g);
	vnpu_stream_destroy(self->s);
	EXPECT_EQ(VNPU_STATUS_OK, vnpu_device_close(self->dev));
	EXPECT_EQ(VNPU_STATUS_OK, vnpu_shutdown());
}

/* Compile the block with S tokens at position 0 (STATES: caches as states). */
static vnpu_status block(vnpu_device *dev, uint32_t s, int states, vnpu_program **p)
{
	vnpu_graph *g;
	vnpu_status st;

	st = vnpu_graph_create(&g);
	if (!st)
		st = gu_build_block_ex(g, s, 0, states);
	if (!st)
		st = vnpu_graph_compile(g, dev, NULL, p);
	vnpu_graph_destroy(g);
	return st;
}

/* A program through save_mem/load_mem (replaces *P). */
static vnpu_status reload(vnpu_program **p)
{
	vnpu_program *q = NULL;
	vnpu_status st;
	size_t n;
	void *f;

	st = vnpu_program_save_mem(*p, &f, &n);
	if (st)
		return st;
	st = vnpu_program_load_mem(f, n, &q);
	free(f);
	if (!st) {
		vnpu_program_destroy(*p);
		*p = q;
	}
	return st;
}

/*
 * Prefill 3 tokens, then STEPS decode steps at positions 3.. through
 * vnpu_program_run_at(): once with the caches passed through the host,
 * once with both caches as states in one bound buffer (the decode
 * program saved and loaded first). Logits and caches are bit-identical.
 */
TEST_F(st, prefill_and_decode_share_bound_caches_bit_for_bit)
{
	vnpu_program *pio = NULL, *dio = NULL, *pst = NULL, *dst = NULL;
	static float kc[CACHE], vc[CACHE], kc2[CACHE], vc2[CACHE], init_k[CACHE], init_v[CACHE];
	float lref[GU_S * GU_V], lst[GU_S * GU_V];
	int32_t tok[GU_S] = { 3, 10, 5 }, t1;
	vnpu_program_info ii, is;
	uint32_t i, rank, dims[4];
	const char *name;
	vnpu_dtype dt;
	uint64_t bytes;

	gu_fill(init_k, CACHE, 31);
	gu_fill(init_v, CACHE, 32);
	ASSERT_EQ(0, block(self->dev, GU_S, 0, &pio));
	ASSERT_EQ(0, block(self->dev, 1, 0, &dio));
	ASSERT_EQ(0, block(self->dev, GU_S, 1, &pst));
	ASSERT_EQ(0, block(self->dev, 1, 1, &dst));
	ASSERT_EQ(0, reload(&dst));

	/* What the state programs declare. */
	ASSERT_EQ(0, vnpu_program_info_get(dst, &is));
	ASSERT_EQ(0, vnpu_program_info_get(dio, &ii));
	EXPECT_EQ(2, is.states);
	EXPECT_EQ(0, ii.states);
	EXPECT_EQ(1, is.inputs);
	EXPECT_EQ(1, is.outputs);
	ASSERT_EQ(0, vnpu_program_state(dst, 1, &name, &dt, &rank, dims, &bytes));
	EXPECT_STREQ("v_cache", name);
	EXPECT_EQ(VNPU_DTYPE_FP32, dt);
	EXPECT_EQ(3, rank);
	EXPECT_EQ(GU_C, dims[0]);
	EXPECT_EQ(GU_KVH, dims[1]);
	EXPECT_EQ(GU_D, dims[2]);
	EXPECT_EQ(CACHE_BYTES, bytes);
	/* The caches are updated in place: no packet more than the host
	 * version (whose input caches die at the attention too), and the
	 * arena no longer holds them. */
	EXPECT_EQ(ii.packets, is.packets);
	EXPECT_EQ(ii.arena_bytes - 2 * CACHE_BYTES, is.arena_bytes);

	/* Both caches in one buffer; stale rows as the host version has. */
	ASSERT_EQ(0, vnpu_buffer_alloc(self->dev, V_AT + CACHE_BYTES, &self->buf));
	ASSERT_EQ(0, vnpu_buffer_write(self->buf, 0, init_k, CACHE_BYTES));
	ASSERT_EQ(0, vnpu_buffer_write(self->buf, V_AT, init_v, CACHE_BYTES));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, vnpu_program_bind_state(pst, i, self->buf, i ? V_AT : 0));
		ASSERT_EQ(0, vnpu_program_bind_state(dst, i, self->buf, i ? V_AT : 0));
	}

	/* Prefill. */
	memcpy(kc, init_k, sizeof(kc));
	memcpy(vc, init_v, sizeof(vc));
	{
		const void *in[3] = { tok, kc, vc };
		void *out[3] = { lref, kc2, vc2 };
		const void *sin[1] = { tok };
		void *sout[1] = { lst };

		ASSERT_EQ(0, vnpu_program_run(self->s, pio, in, out));
		ASSERT_EQ(0, vnpu_program_run(self->s, pst, sin, sout));
		EXPECT_EQ(0, memcmp(lref, lst, sizeof(lref)));
		memcpy(kc, kc2, sizeof(kc));
		memcpy(vc, vc2, sizeof(vc));
	}
	/* Decode steps at positions 3, 4, ... */
	for (i = 0; i < STEPS; i++) {
		const void *in[3] = { &t1, kc, vc };
		void *out[3] = { lref, kc2, vc2 };
		const void *sin[1] = { &t1 };
		void *sout[1] = { lst };

		t1 = (int32_t)((i * 5 + 1) % GU_V);
		ASSERT_EQ(0, vnpu_program_run_at(self->s, dio, GU_S + i, in, out));
		ASSERT_EQ(0, vnpu_program_run_at(self->s, dst, GU_S + i, sin, sout))
			TH_LOG("%s", vnpu_last_error());
		EXPECT_EQ(0, memcmp(lref, lst, GU_V * 4)) TH_LOG("step %u", i);
		memcpy(kc, kc2, sizeof(kc));
		memcpy(vc, vc2, sizeof(vc));
	}
	/* The bound buffer holds the host version's caches, bit for bit. */
	ASSERT_EQ(0, vnpu_buffer_read(self->buf, 0, kc2, CACHE_BYTES));
	ASSERT_EQ(0, vnpu_buffer_read(self->buf, V_AT, vc2, CACHE_BYTES));
	EXPECT_EQ(0, memcmp(kc, kc2, CACHE_BYTES));
	EXPECT_EQ(0, memcmp(vc, vc2, CACHE_BYTES));
	/* Rows past the last position are still the stale ones. */
	EXPECT_EQ(0, memcmp(init_k + (GU_S + STEPS) * GU_KVH * GU_D,
			    kc2 + (GU_S + STEPS) * GU_KVH * GU_D,
			    (GU_C - GU_S - STEPS) * GU_KVH * GU_D * 4));
	vnpu_program_destroy(pio);
	vnpu_program_destroy(dio);
	vnpu_program_destroy(pst);
	vnpu_program_destroy(dst);
}

/*
 * The same prefill and decode steps with head-major caches (the decode
 * program saved and loaded: its cache-row copies move with the position
 * through a patch of their own): the logits are the position-major
 * programs' bits at every step, and the caches hold the same rows.
 */
TEST_F(st, head_major_caches_give_the_same_bits)
{
	vnpu_program *pp = NULL, *dp = NULL, *ph = NULL, *dh = NULL;
	static float kp[CACHE], vp[CACHE], kh[CACHE], vh[CACHE];
	float lp[GU_S * GU_V], lh[GU_S * GU_V];
	int32_t tok[GU_S] = { 3, 10, 5 }, t1;
	vnpu_buffer *hb = NULL;
	uint32_t i, j, h, rank, dims[4];
	vnpu_program_info info;

	ASSERT_EQ(0, block(self->dev, GU_S, 1, &pp));
	ASSERT_EQ(0, block(self->dev, 1, 1, &dp));
	ASSERT_EQ(0, block(self->dev, GU_S, 1 | GU_HEAD_MAJOR, &ph));
	ASSERT_EQ(0, block(self->dev, 1, 1 | GU_HEAD_MAJOR, &dh));
	ASSERT_EQ(0, reload(&dh));
	ASSERT_EQ(0, vnpu_program_state(dh, 0, NULL, NULL, &rank, dims, NULL));
	EXPECT_EQ(GU_KVH, dims[0]);
	EXPECT_EQ(GU_C, dims[1]);
	ASSERT_EQ(0, vnpu_program_info_get(dh, &info));
	EXPECT_EQ(GU_C - 1, info.max_pos_offset);
	ASSERT_EQ(0, vnpu_buffer_alloc(self->dev, V_AT + CACHE_BYTES, &self->buf));
	ASSERT_EQ(0, vnpu_buffer_alloc(self->dev, V_AT + CACHE_BYTES, &hb));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, vnpu_program_bind_state(pp, i, self->buf, i ? V_AT : 0));
		ASSERT_EQ(0, vnpu_program_bind_state(dp, i, self->buf, i ? V_AT : 0));
		ASSERT_EQ(0, vnpu_program_bind_state(ph, i, hb, i ? V_AT : 0));
		ASSERT_EQ(0, vnpu_program_bind_state(dh, i, hb, i ? V_AT : 0));
	}
	ASSERT_EQ(0, vnpu_program_run(self->s, pp, (const void *[]){ tok }, (void *[]){ lp }));
	ASSERT_EQ(0, vnpu_program_run(self->s, ph, (const void *[]){ tok }, (void *[]){ lh }));
	EXPECT_EQ(0, memcmp(lp, lh, sizeof(lp)));
	for (i = 0; i < STEPS; i++) {
		t1 = (int32_t)((i * 5 + 1) % GU_V);
		ASSERT_EQ(0, vnpu_program_run_at(self->s, dp, GU_S + i,
						 (const void *[]){ &t1 }, (void *[]){ lp }));
		ASSERT_EQ(0, vnpu_program_run_at(self->s, dh, GU_S + i,
						 (const void *[]){ &t1 }, (void *[]){ lh }))
			TH_LOG("%s", vnpu_last_error());
		EXPECT_EQ(0, memcmp(lp, lh, GU_V * 4)) TH_LOG("step %u", i);
	}
	ASSERT_EQ(0, vnpu_buffer_read(self->buf, 0, kp, CACHE_BYTES));
	ASSERT_EQ(0, vnpu_buffer_read(self->buf, V_AT, vp, CACHE_BYTES));
	ASSERT_EQ(0, vnpu_buffer_read(hb, 0, kh, CACHE_BYTES));
	ASSERT_EQ(0, vnpu_buffer_read(hb, V_AT, vh, CACHE_BYTES));
	for (j = 0; j < GU_S + STEPS; j++)
		for (h = 0; h < GU_KVH; h++) {
			EXPECT_EQ(0, memcmp(kp + (j * GU_KVH + h) * GU_D,
					    kh + (h * GU_C + j) * GU_D, GU_D * 4));
			EXPECT_EQ(0, memcmp(vp + (j * GU_KVH + h) * GU_D,
					    vh + (h * GU_C + j) * GU_D, GU_D * 4));
		}
	vnpu_buffer_free(hb);
	vnpu_program_destroy(pp);
	vnpu_program_destroy(dp);
	vnpu_program_destroy(ph);
	vnpu_program_destroy(dh);
}

/*
 * y = s + x is read-after: s is still read (z = s * y) after y exists,
 * so y cannot go to s's memory early; it is copied at the end. In the
 * second graph the value is computed after the last read of s and goes
 * to s's memory directly. Both exact (one FP32 operation per element).
 */
TEST_F(st, values_are_placed_in_the_state_or_copied_at_the_end)
{
	uint32_t d[2] = { 4, 32 }, i, run;
	static float x[128], s0[128], z[128], got[128], ref[128];
	vnpu_tensor tx, ts, y, tz, t2;
	vnpu_program_info info;
	vnpu_graph *g2;

	gu_fill(x, 128, 1);
	gu_fill(s0, 128, 2);
	ASSERT_EQ(0, vnpu_graph_input(self->g, "x", VNPU_DTYPE_FP32, 2, d, &tx));
	ASSERT_EQ(0, vnpu_graph_state(self->g, "s", VNPU_DTYPE_FP32, 2, d, &ts));
	ASSERT_EQ(0, vnpu_graph_add(self->g, "y", ts, tx, &y));
	ASSERT_EQ(0, vnpu_graph_mul(self->g, "z", ts, y, &tz));
	ASSERT_EQ(0, vnpu_graph_assign(self->g, "keep", ts, y));
	ASSERT_EQ(0, vnpu_graph_output(self->g, tz));
	ASSERT_EQ(0, vnpu_graph_compile(self->g, self->dev, NULL, &self->p));
	ASSERT_EQ(0, vnpu_program_info_get(self->p, &info));
	EXPECT_EQ(3, info.packets);	/* add, mul, the COPY into s */
	ASSERT_EQ(0, vnpu_buffer_alloc(self->dev, 512, &self->buf));
	ASSERT_EQ(0, vnpu_buffer_write(self->buf, 0, s0, 512));
	ASSERT_EQ(0, vnpu_program_bind_state(self->p, 0, self->buf, 0));
	memcpy(ref, s0, sizeof(ref));
	for (run = 0; run < 3; run++) {
		const void *in[1] = { x };
		void *out[1] = { z };

		ASSERT_EQ(0, vnpu_program_run(self->s, self->p, in, out));
		ASSERT_EQ(0, vnpu_buffer_read(self->buf, 0, got, 512));
		for (i = 0; i < 128; i++) {
			float yy = ref[i] + x[i];

			ASSERT_EQ(ref[i] * yy, z[i]);
			ASSERT_EQ(yy, got[i]);
			ref[i] = yy;
		}
	}

	/* t2 = 2 s is the last read; the value x + x comes later. */
	vnpu_program_destroy(self->p);
	self->p = NULL;
	ASSERT_EQ(0, vnpu_graph_create(&g2));
	ASSERT_EQ(0, vnpu_graph_input(g2, "x", VNPU_DTYPE_FP32, 2, d, &tx));
	ASSERT_EQ(0, vnpu_graph_state(g2, "s", VNPU_DTYPE_FP32, 2, d, &ts));
	ASSERT_EQ(0, vnpu_graph_scale(g2, "t2", ts, 2.0f, &t2));
	ASSERT_EQ(0, vnpu_graph_add(g2, "v", tx, tx, &y));
	ASSERT_EQ(0, vnpu_graph_assign(g2, "keep", ts, y));
	ASSERT_EQ(0, vnpu_graph_output(g2, t2));
	ASSERT_EQ(0, vnpu_graph_compile(g2, self->dev, NULL, &self->p));
	vnpu_graph_destroy(g2);
	ASSERT_EQ(0, vnpu_program_info_get(self->p, &info));
	EXPECT_EQ(2, info.packets);	/* no COPY: x + x is written into s */
	ASSERT_EQ(0, vnpu_buffer_write(self->buf, 0, s0, 512));
	ASSERT_EQ(0, vnpu_program_bind_state(self->p, 0, self->buf, 0));
	{
		const void *in[1] = { x };
		void *out[1] = { z };

		ASSERT_EQ(0, vnpu_program_run(self->s, self->p, in, out));
	}
	ASSERT_EQ(0, vnpu_buffer_read(self->buf, 0, got, 512));
	for (i = 0; i < 128; i++) {
		ASSERT_EQ(s0[i] * 2.0f, z[i]);
		ASSERT_EQ(x[i] + x[i], got[i]);
	}
}

/* A graph may have no outputs when it assigns a state (a cache fill). */
TEST_F(st, a_state_only_graph_runs)
{
	uint32_t d[1] = { 64 }, i;
	static float x[64], got[64];
	vnpu_tensor tx, ts, y;
	vnpu_program_info info;

	gu_fill(x, 64, 3);
	ASSERT_EQ(0, vnpu_graph_input(self->g, "x", VNPU_DTYPE_FP32, 1, d, &tx));
	ASSERT_EQ(0, vnpu_graph_state(self->g, "s", VNPU_DTYPE_FP32, 1, d, &ts));
	ASSERT_EQ(0, vnpu_graph_scale(self->g, "y", tx, 0.5f, &y));
	ASSERT_EQ(0, vnpu_graph_assign(self->g, "fill", ts, y));
	ASSERT_EQ(0, vnpu_graph_compile(self->g, self->dev, NULL, &self->p));
	ASSERT_EQ(0, reload(&self->p));
	ASSERT_EQ(0, vnpu_program_info_get(self->p, &info));
	EXPECT_EQ(0, info.outputs);
	EXPECT_EQ(1, info.packets);
	EXPECT_EQ(256, info.arena_bytes);	/* the input only */
	ASSERT_EQ(0, vnpu_buffer_alloc(self->dev, 4096, &self->buf));
	ASSERT_EQ(0, vnpu_program_bind_state(self->p, 0, self->buf, 128));
	{
		const void *in[1] = { x };

		ASSERT_EQ(0, vnpu_program_run(self->s, self->p, in, NULL));
	}
	ASSERT_EQ(0, vnpu_buffer_read(self->buf, 128, got, 256));
	for (i = 0; i < 64; i++)
		ASSERT_EQ(x[i] * 0.5f, got[i]);
}

/*
 * The program keeps its own reference on a bound buffer: with the
 * application's handle freed, the state still accumulates across runs
 * (ASan would report the use after free otherwise), and rebinding or
 * destroying the program releases it (LeakSanitizer checks that).
 */
TEST_F(st, a_bound_buffer_outlives_its_freed_handle)
{
	uint32_t d[1] = { 64 }, i, r;
	static float x[64], got[64];
	vnpu_tensor tx, ts, y, o;
	vnpu_buffer *b;

	gu_fill(x, 64, 5);
	ASSERT_EQ(0, vnpu_graph_input(self->g, "x", VNPU_DTYPE_FP32, 1, d, &tx));
	ASSERT_EQ(0, vnpu_graph_state(self->g, "acc", VNPU_DTYPE_FP32, 1, d, &ts));
	ASSERT_EQ(0, vnpu_graph_add(self->g, "sum", ts, tx, &y));
	ASSERT_EQ(0, vnpu_graph_copy(self->g, "out", y, &o));
	ASSERT_EQ(0, vnpu_graph_output(self->g, o));
	ASSERT_EQ(0, vnpu_graph_assign(self->g, "keep", ts, y));
	ASSERT_EQ(0, vnpu_graph_compile(self->g, self->dev, NULL, &self->p));
	ASSERT_EQ(0, vnpu_buffer_alloc(self->dev, 4096, &b));
	{
		static const float zero[64];

		ASSERT_EQ(0, vnpu_buffer_write(b, 64, zero, sizeof(zero)));
	}
	ASSERT_EQ(0, vnpu_program_bind_state(self->p, 0, b, 64));
	vnpu_buffer_free(b);
	for (r = 1; r <= 3; r++) {
		const void *in[1] = { x };
		void *out[1] = { got };

		ASSERT_EQ(0, vnpu_program_run(self->s, self->p, in, out));
		for (i = 0; i < 64; i++) {
			float want = 0.0f;

			for (uint32_t k = 0; k < r; k++)
				want = want + x[i];
			ASSERT_EQ(want, got[i]);
		}
	}
	/* Binding another buffer drops the last reference on the first. */
	ASSERT_EQ(0, vnpu_buffer_alloc(self->dev, 4096, &self->buf));
	ASSERT_EQ(0, vnpu_program_bind_state(self->p, 0, self->buf, 0));
}

#define EXPECT_ERR(call, msg) do {						\
	EXPECT_EQ(VNPU_STATUS_INVALID_ARGUMENT, (call));			\
	EXPECT_STREQ(msg, vnpu_last_error());					\
} while (0)

TEST_F(st, misuse_fails_naming_the_state)
{
	uint32_t d[2] = { 4, 32 }, d2[2] = { 2, 32 };
	static float x[128], z[128];
	vnpu_tensor tx, ts, t2, y, w, c;
	vnpu_device *other;
	vnpu_buffer *ob;
	const void *in[1] = { x };
	void *out[1] = { z };

	ASSERT_EQ(0, vnpu_graph_input(self->g, "x", VNPU_DTYPE_FP32, 2, d, &tx));
	ASSERT_EQ(0, vnpu_graph_state(self->g, "s", VNPU_DTYPE_FP32, 2, d, &ts));
	ASSERT_EQ(0, vnpu_graph_state(self->g, "s2", VNPU_DTYPE_FP32, 2, d2, &t2));
	ASSERT_EQ(0, vnpu_graph_add(self->g, "y", ts, tx, &y));
	ASSERT_EQ(0, vnpu_graph_constant(self->g, "c", VNPU_DTYPE_FP32, 2, d, x,
					 sizeof(x), VNPU_CONST_COPY, &c));
	EXPECT_ERR(vnpu_graph_state(self->g, "n", VNPU_DTYPE_NVFP4, 2, d, &w),
		   "vnpu_graph_state: state 'n' cannot be NVFP4 (its tensor scale must be known at compile time)");
	EXPECT_ERR(vnpu_graph_assign(self->g, "a", y, y),
		   "vnpu_graph_assign 'a': tensor 4 'y' is not a state (vnpu_graph_state())");
	EXPECT_ERR(vnpu_graph_assign(self->g, "a", ts, tx),
		   "vnpu_graph_assign 'a': value 1 'x' is an input (copy it first)");
	EXPECT_ERR(vnpu_graph_assign(self->g, "a", ts, c),
		   "vnpu_graph_assign 'a': value 5 'c' is a constant (copy it first)");
	EXPECT_ERR(vnpu_graph_assign(self->g, "a", ts, t2),
		   "vnpu_graph_assign 'a': value 3 's2' is a state (copy it first)");
	EXPECT_ERR(vnpu_graph_assign(self->g, "a", t2, y),
		   "vnpu_graph_assign 'a': value fp32[4,32] and state 's2' fp32[2,32] differ in type or shape");
	EXPECT_ERR(vnpu_graph_assign(self->g, "a", ts, 99),
		   "vnpu_graph_assign 'a': no tensor 99");
	ASSERT_EQ(0, vnpu_graph_reshape(self->g, "sv", ts, 2, (uint32_t[]){ 2, 64 }, &w));
	EXPECT_ERR(vnpu_graph_output(self->g, w),
		   "vnpu_graph_output: tensor 6 'sv' is a view of state 's' (copy it to output it)");
	EXPECT_ERR(vnpu_graph_output(self->g, ts),
		   "vnpu_graph_output: tensor 2 's' is a state (copy it to output it)");
	ASSERT_EQ(0, vnpu_graph_assign(self->g, "a", ts, y));
	EXPECT_ERR(vnpu_graph_assign(self->g, "b", ts, y),
		   "vnpu_graph_assign 'b': state 's' is already assigned tensor 4");
	ASSERT_EQ(0, vnpu_graph_output(self->g, y));
	ASSERT_EQ(0, vnpu_graph_compile(self->g, self->dev, NULL, &self->p));

	EXPECT_ERR(vnpu_program_state(self->p, 2, NULL, NULL, NULL, NULL, NULL),
		   "vnpu_program_state: the program has 2 states, not 3");
	EXPECT_ERR(vnpu_program_run(self->s, self->p, in, out),
		   "vnpu_program_run: state 0 's' is not bound (vnpu_program_bind_state())");
	ASSERT_EQ(0, vnpu_buffer_alloc(self->dev, 4096, &self->buf));
	EXPECT_ERR(vnpu_program_bind_state(self->p, 0, self->buf, 32),
		   "vnpu_program_bind_state: state 0 's' (512 bytes) at offset 32 of a 4096-byte buffer is misaligned (the offset must be a multiple of 64)");
	EXPECT_ERR(vnpu_program_bind_state(self->p, 0, self->buf, 3648),
		   "vnpu_program_bind_state: state 0 's' (512 bytes) at offset 3648 of a 4096-byte buffer does not fit the buffer");
	EXPECT_ERR(vnpu_program_bind_state(self->p, 2, self->buf, 0),
		   "vnpu_program_bind_state: the program has 2 states, not 3");
	ASSERT_EQ(0, vnpu_program_bind_state(self->p, 0, self->buf, 0));
	EXPECT_ERR(vnpu_program_run(self->s, self->p, in, out),
		   "vnpu_program_run: state 1 's2' is not bound (vnpu_program_bind_state())");
	ASSERT_EQ(0, vnpu_program_bind_state(self->p, 1, self->buf, 448));
	EXPECT_ERR(vnpu_program_run(self->s, self->p, in, out),
		   "vnpu_program_run: state 1 's2' overlaps another state in its buffer");
	/* A buffer of another device. */
	ASSERT_EQ(0, vnpu_device_open("cpu", NULL, &other));
	ASSERT_EQ(0, vnpu_buffer_alloc(other, 4096, &ob));
	ASSERT_EQ(0, vnpu_program_bind_state(self->p, 1, ob, 0));
	EXPECT_ERR(vnpu_program_run(self->s, self->p, in, out),
		   "vnpu_program_run: state 1 's2' is bound to a buffer of another device than the stream's");
	ASSERT_EQ(0, vnpu_program_bind_state(self->p, 1, NULL, 0));
	vnpu_buffer_free(ob);
	EXPECT_EQ(0, vnpu_device_close(other));
	ASSERT_EQ(0, vnpu_program_bind_state(self->p, 1, self->buf, 512));
	EXPECT_EQ(0, vnpu_program_run(self->s, self->p, in, out));
}

/* A version 1 file (saved before states existed) still loads and runs. */
TEST_F(st, version_1_files_still_load)
{
	static struct gu_block_io a, b;
	vnpu_program *q = NULL;
	vnpu_program_info i1, i2;
	uint8_t *f, *f1;
	size_t n, n1;

	ASSERT_EQ(0, gu_build_block(self->g));
	ASSERT_EQ(0, vnpu_graph_compile(self->g, self->dev, NULL, &self->p));
	ASSERT_EQ(0, vnpu_program_save_mem(self->p, (void **)&f, &n));
	n1 = prog_to_v1(f, n, &f1);
	ASSERT_LT(0, n1);
	ASSERT_EQ(0, vnpu_program_load_mem(f1, n1, &q)) TH_LOG("%s", vnpu_last_error());
	ASSERT_EQ(0, vnpu_program_info_get(self->p, &i1));
	ASSERT_EQ(0, vnpu_program_info_get(q, &i2));
	EXPECT_EQ(0, memcmp(&i1, &i2, sizeof(i1)));
	gu_block_inputs(&a);
	gu_block_inputs(&b);
	ASSERT_EQ(0, gu_block_run(self->s, self->p, &a));
	ASSERT_EQ(0, gu_block_run(self->s, q, &b));
	EXPECT_EQ(0, memcmp(&a, &b, sizeof(a)));
	/* Saved again, it is a version 2 file equal to the original. */
	free(f1);
	ASSERT_EQ(0, vnpu_program_save_mem(q, (void **)&f1, &n1));
	ASSERT_EQ(n, n1);
	EXPECT_EQ(0, memcmp(f, f1, n));
	free(f);
	free(f1);
	vnpu_program_destroy(q);
}

TEST_HARNESS_MAIN
