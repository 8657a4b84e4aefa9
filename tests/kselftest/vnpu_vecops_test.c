// SPDX-License-Identifier: GPL-2.0
/*
 * The vector unit's packets on the card: element-wise ops, norms, softmax,
 * rope, attention, gather, quantize and dequantize, each bit for bit the
 * compute engine's result in userspace; plus their validation.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <vnpu_engine/formats.h>
#include <vnpu_engine/ops.h>

#include "kselftest_harness.h"
#include "vnpu_test_util.h"

#define SEC 1000000000ll
#define NBO 4

static const uint32_t RW = DRM_VNPU_BO_READ | DRM_VNPU_BO_WRITE;

FIXTURE(vec) {
	int fd;
	uint32_t ctx;
	struct vnpu_test_bo bo[NBO];	/* 1 MiB each */
	uint64_t seed;
};

FIXTURE_SETUP(vec)
{
	int i;

	ASSERT_TRUE(vnpu_ensure_unloaded());
	ASSERT_EQ(0, vnpu_load(""));
	self->fd = vnpu_open_card(0);
	ASSERT_GE(self->fd, 0);
	ASSERT_EQ(0, vnpu_ctx_new(self->fd, DRM_VNPU_PRIORITY_NORMAL,
				  &self->ctx));
	for (i = 0; i < NBO; i++)
		ASSERT_EQ(0, vnpu_bo_new(self->fd, 1 << 20, &self->bo[i]));
	self->seed = 42;
}

FIXTURE_TEARDOWN(vec)
{
	int i;

	for (i = 0; i < NBO; i++)
		vnpu_bo_free(self->fd, &self->bo[i]);
	close(self->fd);
	EXPECT_TRUE(vnpu_ensure_unloaded());
}

static float rnd(uint64_t *s)
{
	*s = *s * 6364136223846793005ull + 1442695040888963407ull;
	return (float)((*s >> 40) & 0xffffff) / (1 << 22) - 2.0f;
}

static void fill_rnd(float *p, size_t n, uint64_t *seed)
{
	while (n--)
		*p++ = rnd(seed);
}

static uint32_t bits(float f)
{
	uint32_t u;

	memcpy(&u, &f, 4);
	return u;
}

/* Submit one packet with all fixture BOs listed; return the job status. */
static int run(FIXTURE_DATA(vec) *self, const void *pkt, uint32_t size,
	       struct drm_vnpu_submit *args)
{
	uint32_t flags[NBO] = { RW, RW, RW, RW };
	struct vnpu_stream s;
	int32_t status = 0;
	int ret;

	vnpu_stream_init(&s);
	vnpu_stream_add(&s, pkt, size);
	memset(args, 0, sizeof(*args));
	ret = vnpu_submit_stream(self->fd, self->ctx, &s, self->bo, flags, NBO,
				 args);
	if (ret)
		return ret;
	ret = vnpu_bo_wait(self->fd, self->bo[0].handle, 30 * SEC, &status);
	return ret ? ret : status;
}

#define HDR(op_, type) { .op = (op_), .size = sizeof(type) }

TEST_F(vec, eltwise_ops_match_the_engine)
{
	const uint32_t n = 40000;	/* several tiles */
	float *x = self->bo[0].map, *y = self->bo[1].map, *out = self->bo[2].map;
	float *want = malloc(n * 4), s = 0.37f;
	struct drm_vnpu_submit a;
	uint32_t op;

	fill_rnd(x, n, &self->seed);
	fill_rnd(y, n, &self->seed);
	for (op = VNPU_ELT_ADD; op <= VNPU_ELT_SWIGLU; op++) {
		int binary = op == VNPU_ELT_ADD || op == VNPU_ELT_MUL ||
			     op == VNPU_ELT_SWIGLU;
		struct vnpu_cmd_eltwise p = {
			.hdr = HDR(VNPU_OP_ELTWISE, p), .op = op, .n = n,
			.scale = op == VNPU_ELT_SCALE ? bits(s) : 0,
			.x = self->bo[0].va, .y = binary ? self->bo[1].va : 0,
			.out = self->bo[2].va,
		};

		ASSERT_EQ(0, run(self, &p, sizeof(p), &a));
		switch (op) {
		case VNPU_ELT_ADD: vnpu_add(want, x, y, n); break;
		case VNPU_ELT_MUL: vnpu_mul(want, x, y, n); break;
		case VNPU_ELT_SCALE: vnpu_scale(want, x, &s, n); break;
		case VNPU_ELT_SILU: vnpu_silu(want, x, n); break;
		case VNPU_ELT_GELU: vnpu_gelu(want, x, n); break;
		case VNPU_ELT_GELU_TANH: vnpu_gelu_tanh(want, x, n); break;
		default: vnpu_swiglu(want, x, y, n); break;
		}
		EXPECT_EQ(0, memcmp(want, out, n * 4)) TH_LOG("op %u", op);
	}
	free(want);
}

TEST_F(vec, eltwise_in_place_matches_the_engine)
{
	const uint32_t n = 1000;
	float *x = self->bo[0].map, *want = malloc(n * 4);
	struct drm_vnpu_submit a;
	struct vnpu_cmd_eltwise p = {
		.hdr = HDR(VNPU_OP_ELTWISE, p), .op = VNPU_ELT_ADD, .n = n,
		.x = self->bo[0].va, .y = self->bo[1].va, .out = self->bo[0].va,
	};

	fill_rnd(x, n, &self->seed);
	fill_rnd(self->bo[1].map, n, &self->seed);
	vnpu_add(want, x, self->bo[1].map, n);
	ASSERT_EQ(0, run(self, &p, sizeof(p), &a));
	EXPECT_EQ(0, memcmp(want, x, n * 4));
	free(want);
}

TEST_F(vec, norms_match_the_engine)
{
	const uint32_t rows = 7, n = 3000;
	float *x = self->bo[0].map, *g = self->bo[1].map;
	float *b = (float *)self->bo[1].map + 4096, *out = self->bo[2].map;
	float *want = malloc(rows * n * 4), eps = 1e-5f;
	struct drm_vnpu_submit a;
	struct vnpu_cmd_norm p = {
		.hdr = HDR(VNPU_OP_NORM, p), .kind = VNPU_NORM_RMS,
		.eps = bits(eps), .rows = rows, .n = n, .x = self->bo[0].va,
		.gamma = self->bo[1].va, .out = self->bo[2].va,
	};
	uint32_t r;

	fill_rnd(x, rows * n, &self->seed);
	fill_rnd(g, n, &self->seed);
	fill_rnd(b, n, &self->seed);
	ASSERT_EQ(0, run(self, &p, sizeof(p), &a));
	for (r = 0; r < rows; r++)
		vnpu_rmsnorm(want + r * n, x + r * n, g, &eps, n);
	EXPECT_EQ(0, memcmp(want, out, rows * n * 4));

	p.kind = VNPU_NORM_LAYER;
	p.beta = self->bo[1].va + 4096 * 4;
	ASSERT_EQ(0, run(self, &p, sizeof(p), &a));
	for (r = 0; r < rows; r++)
		vnpu_layernorm(want + r * n, x + r * n, g, b, &eps, n);
	EXPECT_EQ(0, memcmp(want, out, rows * n * 4));
	free(want);
}

TEST_F(vec, causal_softmax_matches_the_engine)
{
	const uint32_t rows = 9, n = 100, ld = 128;
	float *x = self->bo[0].map, *want = calloc(rows * ld, 4);
	struct drm_vnpu_submit a;
	struct vnpu_cmd_softmax p = {
		.hdr = HDR(VNPU_OP_SOFTMAX, p), .flags = VNPU_SOFTMAX_CAUSAL,
		.offset = 3, .rows = rows, .n = n, .ld = ld,
		.x = self->bo[0].va, .out = self->bo[2].va,
	};
	uint32_t r;

	fill_rnd(x, rows * ld, &self->seed);
	ASSERT_EQ(0, run(self, &p, sizeof(p), &a));
	vnpu_softmax(want, x, rows, n, ld, 1, 3);
	for (r = 0; r < rows; r++)
		EXPECT_EQ(0, memcmp(want + r * ld,
				    (float *)self->bo[2].map + r * ld, n * 4));
	free(want);
}

TEST_F(vec, rope_matches_the_engine_in_both_modes)
{
	const uint32_t heads = 40, dim = 64;
	float *x = self->bo[0].map, *want = malloc(heads * dim * 4);
	float theta = 10000.0f, inv[32];
	struct drm_vnpu_submit a;
	uint32_t mode;

	vnpu_rope_freqs(inv, dim, &theta);
	for (mode = 0; mode < 2; mode++) {
		struct vnpu_cmd_rope p = {
			.hdr = HDR(VNPU_OP_ROPE, p), .heads = heads,
			.dim = dim, .pos = 17, .mode = mode,
			.theta = bits(theta), .x = self->bo[0].va,
		};

		fill_rnd(x, heads * dim, &self->seed);
		memcpy(want, x, heads * dim * 4);
		vnpu_rope(want, heads, dim, 17, inv, mode);
		ASSERT_EQ(0, run(self, &p, sizeof(p), &a));
		EXPECT_EQ(0, memcmp(want, x, heads * dim * 4)) TH_LOG("mode %u", mode);
	}
	free(want);
}

/*
 * A prompt's tokens in one packet: the card cuts its vectors into tiles
 * that end inside a token (256 vectors of 64 per tile, 6 per token); each
 * token still turns by its own position.
 */
TEST_F(vec, rope_of_many_tokens_turns_each_by_its_position)
{
	const uint32_t heads = 6, dim = 64, tokens = 100, pos = 4000;
	const size_t n = (size_t)tokens * heads * dim;
	float *x = self->bo[0].map, *want = malloc(n * 4);
	float theta = 500000.0f, inv[32];
	struct vnpu_cmd_rope p = {
		.hdr = HDR(VNPU_OP_ROPE, p), .heads = heads, .dim = dim,
		.pos = pos, .mode = VNPU_ROPE_HALF, .theta = bits(theta),
		.tokens = tokens, .x = self->bo[0].va,
	};
	struct drm_vnpu_submit a;

	ASSERT_NE(NULL, want);
	vnpu_rope_freqs(inv, dim, &theta);
	fill_rnd(x, n, &self->seed);
	memcpy(want, x, n * 4);
	for (uint32_t t = 0; t < tokens; t++)
		vnpu_rope(want + (size_t)t * heads * dim, heads, dim, pos + t, inv,
			  VNPU_ROPE_HALF);
	ASSERT_EQ(0, run(self, &p, sizeof(p), &a));
	EXPECT_EQ(0, memcmp(want, x, n * 4));
	free(want);
}

TEST_F(vec, grouped_query_attention_matches_the_engine)
{
	const uint32_t nq = 3, pos0 = 5, nh = 4, nkv = 2, dim = 32;
	const uint32_t ctxn = pos0 + nq;
	float scale = 0.17677669f, *q = self->bo[0].map, *out = self->bo[3].map;
	float *want = malloc(nq * nh * dim * 4), *scr = malloc(4096);
	struct drm_vnpu_submit a;
	uint32_t bf;

	/* bf bit 0: BF16 cache; bit 1: head-major, 2 spare rows a head */
	for (bf = 0; bf < 4; bf++) {
		uint32_t rows = bf & 2 ? ctxn + 2 : 0;
		struct vnpu_cmd_attention p = {
			.hdr = HDR(VNPU_OP_ATTENTION, p), .nq = nq,
			.pos0 = pos0, .n_heads = nh, .n_kv_heads = nkv,
			.dim = dim, .kv_bf16 = bf & 1, .scale = bits(scale),
			.kv_rows = rows,
			.q = self->bo[0].va, .k = self->bo[1].va,
			.v = self->bo[2].va, .out = self->bo[3].va,
		};
		struct vnpu_attn at = {
			.q = q, .k = self->bo[1].map, .v = self->bo[2].map,
			.out = want, .scale = &scale, .nq = nq, .pos0 = pos0,
			.n_heads = nh, .n_kv_heads = nkv, .dim = dim,
			.kv_bf16 = bf & 1, .kv_rows = rows,
		};
		struct vnpu_ctx c = {
			.features = vnpu_engine_cpu_features(),
			.scratch = scr, .scratch_size = 4096,
		};
		size_t kvn = (size_t)(rows ? rows : ctxn) * nkv * dim;
		float *tmp = malloc(kvn * 4);

		fill_rnd(q, nq * nh * dim, &self->seed);
		fill_rnd(tmp, kvn, &self->seed);
		if (bf & 1)
			vnpu_convert(VNPU_FMT_BF16, self->bo[1].map,
				     VNPU_FMT_FP32, tmp, kvn);
		else
			memcpy(self->bo[1].map, tmp, kvn * 4);
		fill_rnd(tmp, kvn, &self->seed);
		if (bf & 1)
			vnpu_convert(VNPU_FMT_BF16, self->bo[2].map,
				     VNPU_FMT_FP32, tmp, kvn);
		else
			memcpy(self->bo[2].map, tmp, kvn * 4);
		free(tmp);

		ASSERT_GE(c.scratch_size, vnpu_attention_scratch(&at));
		ASSERT_EQ(0, run(self, &p, sizeof(p), &a));
		ASSERT_EQ(0, vnpu_attention(&at, &c));
		EXPECT_EQ(0, memcmp(want, out, nq * nh * dim * 4)) TH_LOG("case %u", bf);
	}
	free(want);
	free(scr);
}

TEST_F(vec, gather_matches_the_engine_and_faults_on_a_bad_index)
{
	const uint32_t rows = 50, cols = 33, n = 20;
	uint32_t *idx = self->bo[1].map, i;
	float *want = malloc(n * cols * 4);
	struct drm_vnpu_submit a;
	struct vnpu_cmd_gather p = {
		.hdr = HDR(VNPU_OP_GATHER, p), .rows = rows, .cols = cols,
		.n = n, .table = self->bo[0].va, .idx = self->bo[1].va,
		.out = self->bo[2].va,
	};

	fill_rnd(self->bo[0].map, rows * cols, &self->seed);
	for (i = 0; i < n; i++)
		idx[i] = (i * 7) % rows;
	ASSERT_EQ(0, run(self, &p, sizeof(p), &a));
	ASSERT_EQ(0, vnpu_gather(want, self->bo[0].map, 0, rows, cols, idx, n));
	EXPECT_EQ(0, memcmp(want, self->bo[2].map, n * cols * 4));

	p.table_bf16 = 1;
	ASSERT_EQ(0, run(self, &p, sizeof(p), &a));
	ASSERT_EQ(0, vnpu_gather(want, self->bo[0].map, 1, rows, cols, idx, n));
	EXPECT_EQ(0, memcmp(want, self->bo[2].map, n * cols * 4));

	idx[5] = rows;
	EXPECT_EQ(-EFAULT, run(self, &p, sizeof(p), &a));
	free(want);
}

TEST_F(vec, quantize_and_dequantize_match_the_engine)
{
	static const uint32_t fmts[] = {
		VNPU_CMD_FMT_MXFP4, VNPU_CMD_FMT_NVFP4,
		VNPU_CMD_FMT_MXFP8_E4M3, VNPU_CMD_FMT_MXINT8,
	};
	const uint32_t n = 40960;
	float *x = self->bo[0].map, *back = malloc(n * 4), ts = 0.01f;
	uint8_t *codes = malloc(n), *scales = malloc(n / 16);
	struct drm_vnpu_submit a;
	unsigned int i;

	for (i = 0; i < 4; i++) {
		uint32_t f = fmts[i], bpe = (f == VNPU_CMD_FMT_MXFP4 ||
					    f == VNPU_CMD_FMT_NVFP4) ? 4 : 8;
		uint32_t blk = f == VNPU_CMD_FMT_NVFP4 ? 16 : 32;
		struct vnpu_cmd_quant p = {
			.hdr = HDR(VNPU_OP_QUANTIZE, p), .fmt = f, .n = n,
			.tscale = bits(ts), .x = self->bo[0].va,
			.codes = self->bo[1].va, .scales = self->bo[2].va,
		};

		fill_rnd(x, n, &self->seed);
		ASSERT_EQ(0, run(self, &p, sizeof(p), &a));
		ASSERT_EQ(0, vnpu_quantize(f, x, n, codes, scales, &ts, NULL));
		EXPECT_EQ(0, memcmp(codes, self->bo[1].map, n * bpe / 8))
			TH_LOG("codes of fmt %u", f);
		EXPECT_EQ(0, memcmp(scales, self->bo[2].map, n / blk))
			TH_LOG("scales of fmt %u", f);

		p.hdr.op = VNPU_OP_DEQUANTIZE;
		p.x = self->bo[3].va;
		ASSERT_EQ(0, run(self, &p, sizeof(p), &a));
		ASSERT_EQ(0, vnpu_dequantize(f, codes, scales, &ts, n, back));
		EXPECT_EQ(0, memcmp(back, self->bo[3].map, n * 4))
			TH_LOG("dequantized fmt %u", f);
	}
	free(back);
	free(codes);
	free(scales);
}

TEST_F(vec, malformed_vector_packets_are_einval)
{
	struct drm_vnpu_submit a;
	struct vnpu_cmd_eltwise e = {
		.hdr = HDR(VNPU_OP_ELTWISE, e), .op = VNPU_ELT_ADD, .n = 64,
		.x = self->bo[0].va, .out = self->bo[2].va,	/* no y */
	};
	struct vnpu_cmd_rope r = {
		.hdr = HDR(VNPU_OP_ROPE, r), .heads = 1, .dim = 7,
		.x = self->bo[0].va,
	};
	struct vnpu_cmd_attention at = {
		.hdr = HDR(VNPU_OP_ATTENTION, at), .nq = 1, .n_heads = 3,
		.n_kv_heads = 2, .dim = 8, .q = self->bo[0].va,
		.k = self->bo[1].va, .v = self->bo[2].va, .out = self->bo[3].va,
	};
	struct vnpu_cmd_quant q = {
		.hdr = HDR(VNPU_OP_QUANTIZE, q), .fmt = VNPU_CMD_FMT_MXFP4,
		.n = 48, .x = self->bo[0].va, .codes = self->bo[1].va,
		.scales = self->bo[2].va,
	};

	EXPECT_EQ(-EINVAL, run(self, &e, sizeof(e), &a));
	EXPECT_EQ(8, a.error_offset);
	e.y = self->bo[1].va;
	e.out = self->bo[0].va + 4;		/* partly over x */
	EXPECT_EQ(-EINVAL, run(self, &e, sizeof(e), &a));
	e.out = self->bo[2].va;
	e.scale = 1;				/* scale only for SCALE */
	EXPECT_EQ(-EINVAL, run(self, &e, sizeof(e), &a));
	EXPECT_EQ(-EINVAL, run(self, &r, sizeof(r), &a));
	r.dim = 8;
	r.pos = 0xfffffff0u;
	r.tokens = 17;				/* the last position wraps */
	EXPECT_EQ(-EINVAL, run(self, &r, sizeof(r), &a));
	r.tokens = 16;				/* ends at U32_MAX: valid */
	EXPECT_EQ(0, run(self, &r, sizeof(r), &a));
	EXPECT_EQ(-EINVAL, run(self, &at, sizeof(at), &a));
	at.n_heads = 4;
	at.kv_rows = VNPU_CMD_MAX_CTX + 1;	/* a head-major cache too long */
	EXPECT_EQ(-EINVAL, run(self, &at, sizeof(at), &a));
	EXPECT_EQ(-EINVAL, run(self, &q, sizeof(q), &a));
	q.n = 64;
	q.fmt = VNPU_CMD_FMT_BF16;
	EXPECT_EQ(-EINVAL, run(self, &q, sizeof(q), &a));
}

TEST_HARNESS_MAIN
