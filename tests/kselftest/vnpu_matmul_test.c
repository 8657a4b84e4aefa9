// SPDX-License-Identifier: GPL-2.0
/*
 * MATMUL on the card's AI cores: bit for bit the result the compute engine
 * gives in userspace (the runtime's CPU backend), for every weight format,
 * activation quantization and output format; plus its validation.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <vnpu_engine/formats.h>
#include <vnpu_engine/matmul.h>

#include "kselftest_harness.h"
#include "vnpu_test_util.h"

#define SEC 1000000000ll

static const uint32_t RW = DRM_VNPU_BO_READ | DRM_VNPU_BO_WRITE;
static const uint32_t RO = DRM_VNPU_BO_READ;

struct case_desc {
	uint32_t m, n, k;
	uint32_t w_fmt, a_fmt, a_quant, c_fmt, act;
	int bias;
};

/* Deterministic pseudo-random values in [-2, 2). */
static float rnd(uint64_t *s)
{
	*s = *s * 6364136223846793005ull + 1442695040888963407ull;
	return (float)((*s >> 40) & 0xffffff) / (1 << 22) - 2.0f;
}

static size_t esize(uint32_t fmt)
{
	return fmt == VNPU_FMT_BF16 ? 2 : 4;
}

/* Weights of c->n x c->k packed into the panel layout; returns bytes. */
static size_t make_weights(const struct case_desc *c, uint64_t *seed,
			   void **panel, uint32_t *tscale_bits)
{
	size_t nk = (size_t)c->n * c->k, bytes;
	float *w = malloc(nk * sizeof(float)), ts = 1.0f;
	uint8_t *codes = malloc(nk * 4), *scales = malloc(nk / 16 + 1);
	size_t i;

	for (i = 0; i < nk; i++)
		w[i] = rnd(seed);
	switch (c->w_fmt) {
	case VNPU_FMT_FP32:
		memcpy(codes, w, nk * 4);
		break;
	case VNPU_FMT_BF16:
		vnpu_convert(VNPU_FMT_BF16, codes, VNPU_FMT_FP32, w, nk);
		break;
	case VNPU_FMT_NVFP4:
		vnpu_nvfp4_tensor_scale(w, nk, &ts);
		vnpu_quantize(c->w_fmt, w, nk, codes, scales, &ts, NULL);
		break;
	default:
		vnpu_quantize(c->w_fmt, w, nk, codes, scales, NULL, NULL);
		break;
	}
	memcpy(tscale_bits, &ts, 4);
	bytes = vnpu_panel_size(c->w_fmt, c->n, c->k);
	/* The engine reads panels with aligned vector loads. */
	*panel = aligned_alloc(64, (bytes + 63) / 64 * 64);
	memset(*panel, 0, bytes);
	vnpu_panel_pack(c->w_fmt, codes, scales, c->n, c->k, *panel);
	free(w);
	free(codes);
	free(scales);
	return bytes;
}

/* Run case C on the card and in the engine here; compare the bytes. */
static void run_case(struct __test_metadata *_metadata, int fd, uint32_t ctx,
		     const struct case_desc *c, uint64_t seed)
{
	size_t a_bytes = (size_t)c->m * c->k * esize(c->a_fmt);
	size_t c_bytes = (size_t)c->m * c->n * esize(c->c_fmt);
	struct vnpu_test_bo bo[4];
	uint32_t flags[4] = { RO, RO, RO, RW };
	struct drm_vnpu_submit args = { 0 };
	struct vnpu_stream s;
	struct vnpu_matmul mm;
	struct vnpu_ctx ectx;
	struct vnpu_cmd_matmul p;
	void *panel, *want;
	float *a32, *bias;
	uint32_t tsbits;
	size_t w_bytes, i;
	int32_t status = 1;

	w_bytes = make_weights(c, &seed, &panel, &tsbits);
	ASSERT_EQ(vnpu_cmd_panel_bytes(c->w_fmt, c->n, c->k), w_bytes);

	a32 = malloc((size_t)c->m * c->k * 4);
	bias = malloc((size_t)c->n * 4);
	for (i = 0; i < (size_t)c->m * c->k; i++)
		a32[i] = rnd(&seed);
	for (i = 0; i < c->n; i++)
		bias[i] = rnd(&seed);

	ASSERT_EQ(0, vnpu_bo_new(fd, w_bytes, &bo[0]));
	ASSERT_EQ(0, vnpu_bo_new(fd, a_bytes, &bo[1]));
	ASSERT_EQ(0, vnpu_bo_new(fd, (size_t)c->n * 4, &bo[2]));
	ASSERT_EQ(0, vnpu_bo_new(fd, c_bytes, &bo[3]));
	memcpy(bo[0].map, panel, w_bytes);
	if (c->a_fmt == VNPU_FMT_BF16)
		vnpu_convert(VNPU_FMT_BF16, bo[1].map, VNPU_FMT_FP32, a32,
			     (size_t)c->m * c->k);
	else
		memcpy(bo[1].map, a32, a_bytes);
	memcpy(bo[2].map, bias, (size_t)c->n * 4);

	p = (struct vnpu_cmd_matmul){
		.hdr = { .op = VNPU_OP_MATMUL, .size = sizeof(p) },
		.m = c->m, .n = c->n, .k = c->k,
		.w_fmt = c->w_fmt, .a_fmt = c->a_fmt, .a_quant = c->a_quant,
		.c_fmt = c->c_fmt, .act = c->act, .w_tscale = tsbits,
		.w = bo[0].va, .a = bo[1].va,
		.bias = c->bias ? bo[2].va : 0, .c = bo[3].va,
		.lda = c->k, .ldc = c->n,
	};
	vnpu_stream_init(&s);
	vnpu_stream_add(&s, &p, sizeof(p));
	ASSERT_EQ(0, vnpu_submit_stream(fd, ctx, &s, bo, flags, 4, &args));
	ASSERT_EQ(0, vnpu_bo_wait(fd, bo[3].handle, 60 * SEC, &status));
	ASSERT_EQ(0, status);

	/* The same matmul through the engine in this process. */
	want = calloc(1, c_bytes);
	mm = (struct vnpu_matmul){
		.m = c->m, .n = c->n, .k = c->k,
		.w_fmt = c->w_fmt, .w = panel,
		.a_fmt = c->a_fmt, .a_quant = c->a_quant, .a = bo[1].map,
		.lda = c->k, .bias = c->bias ? bias : NULL, .act = c->act,
		.c_fmt = c->c_fmt, .c = want, .ldc = c->n,
	};
	memcpy(&mm.w_tscale, &tsbits, 4);
	ectx = (struct vnpu_ctx){
		.features = vnpu_engine_cpu_features(),
		.scratch_size = vnpu_matmul_scratch(&mm, c->m),
	};
	ectx.scratch = aligned_alloc(64, (ectx.scratch_size + 63) / 64 * 64);
	ASSERT_EQ(0, vnpu_matmul_run(&mm, 0, c->m, 0, c->n, &ectx));
	EXPECT_EQ(0, memcmp(want, bo[3].map, c_bytes))
		TH_LOG("%ux%ux%u w_fmt %u a_quant %u: card differs from engine",
		       c->m, c->n, c->k, c->w_fmt, c->a_quant);

	free(ectx.scratch);
	free(want);
	free(panel);
	free(a32);
	free(bias);
	for (i = 0; i < 4; i++)
		vnpu_bo_free(fd, &bo[i]);
}

FIXTURE(mm) {
	int fd;
	uint32_t ctx;
};

FIXTURE_SETUP(mm)
{
	ASSERT_TRUE(vnpu_ensure_unloaded());
	ASSERT_EQ(0, vnpu_load(""));
	self->fd = vnpu_open_card(0);
	ASSERT_GE(self->fd, 0);
	ASSERT_EQ(0, vnpu_ctx_new(self->fd, DRM_VNPU_PRIORITY_NORMAL,
				  &self->ctx));
}

FIXTURE_TEARDOWN(mm)
{
	close(self->fd);
	EXPECT_TRUE(vnpu_ensure_unloaded());
}

TEST_F(mm, uapi_formats_are_the_engines)
{
	EXPECT_EQ(VNPU_FMT_FP32, VNPU_CMD_FMT_FP32);
	EXPECT_EQ(VNPU_FMT_BF16, VNPU_CMD_FMT_BF16);
	EXPECT_EQ(VNPU_FMT_MXFP4, VNPU_CMD_FMT_MXFP4);
	EXPECT_EQ(VNPU_FMT_MXFP8_E4M3, VNPU_CMD_FMT_MXFP8_E4M3);
	EXPECT_EQ(VNPU_FMT_MXFP8_E5M2, VNPU_CMD_FMT_MXFP8_E5M2);
	EXPECT_EQ(VNPU_FMT_MXINT8, VNPU_CMD_FMT_MXINT8);
	EXPECT_EQ(VNPU_FMT_NVFP4, VNPU_CMD_FMT_NVFP4);
	EXPECT_EQ(VNPU_ACT_GELU_TANH, VNPU_CMD_ACT_GELU_TANH);
}

TEST_F(mm, mxfp4_weights_with_mxint8_activations_match_the_engine)
{
	struct case_desc c = { 5, 40, 96, VNPU_FMT_MXFP4, VNPU_FMT_FP32,
			       VNPU_FMT_MXINT8, VNPU_FMT_FP32, VNPU_ACT_SILU, 1 };

	run_case(_metadata, self->fd, self->ctx, &c, 1);
}

TEST_F(mm, nvfp4_weights_with_exact_activations_match_the_engine)
{
	struct case_desc c = { 3, 33, 64, VNPU_FMT_NVFP4, VNPU_FMT_FP32,
			       VNPU_FMT_NONE, VNPU_FMT_FP32, VNPU_ACT_NONE, 1 };

	run_case(_metadata, self->fd, self->ctx, &c, 2);
}

TEST_F(mm, mxfp8_weights_with_mxfp4_activations_and_bf16_output_match)
{
	struct case_desc c = { 4, 16, 64, VNPU_FMT_MXFP8_E4M3, VNPU_FMT_BF16,
			       VNPU_FMT_MXFP4, VNPU_FMT_BF16, VNPU_ACT_GELU, 0 };

	run_case(_metadata, self->fd, self->ctx, &c, 3);
}

TEST_F(mm, bf16_and_fp32_weights_match_the_engine)
{
	struct case_desc b = { 2, 20, 32, VNPU_FMT_BF16, VNPU_FMT_BF16,
			       VNPU_FMT_NONE, VNPU_FMT_FP32, VNPU_ACT_RELU, 1 };
	struct case_desc f = { 3, 17, 64, VNPU_FMT_FP32, VNPU_FMT_FP32,
			       VNPU_FMT_MXFP8_E5M2, VNPU_FMT_FP32,
			       VNPU_ACT_GELU_TANH, 1 };

	run_case(_metadata, self->fd, self->ctx, &b, 4);
	run_case(_metadata, self->fd, self->ctx, &f, 5);
}

TEST_F(mm, a_matmul_spread_over_many_tiles_matches_the_engine)
{
	struct case_desc c = { 70, 300, 512, VNPU_FMT_MXFP4, VNPU_FMT_FP32,
			       VNPU_FMT_MXINT8, VNPU_FMT_FP32, VNPU_ACT_NONE, 1 };

	run_case(_metadata, self->fd, self->ctx, &c, 6);
}

static int submit_one(int fd, uint32_t ctx, struct vnpu_cmd_matmul *p,
		      struct vnpu_test_bo *bo, struct drm_vnpu_submit *args)
{
	struct vnpu_stream s;

	vnpu_stream_init(&s);
	vnpu_stream_add(&s, p, sizeof(*p));
	memset(args, 0, sizeof(*args));
	return vnpu_submit_stream(fd, ctx, &s, bo, &RW, 1, args);
}

TEST_F(mm, malformed_matmuls_are_rejected_with_their_offset)
{
	struct drm_vnpu_submit args;
	struct vnpu_test_bo bo;
	struct vnpu_cmd_matmul good, p;

	ASSERT_EQ(0, vnpu_bo_new(self->fd, 1 << 20, &bo));
	good = (struct vnpu_cmd_matmul){
		.hdr = { .op = VNPU_OP_MATMUL, .size = sizeof(good) },
		.m = 2, .n = 16, .k = 32, .w_fmt = VNPU_CMD_FMT_MXFP4,
		.a_fmt = VNPU_CMD_FMT_FP32, .c_fmt = VNPU_CMD_FMT_FP32,
		.w = bo.va, .a = bo.va + 4096, .c = bo.va + 8192,
		.lda = 32, .ldc = 16,
	};
	p = good;
	ASSERT_EQ(0, submit_one(self->fd, self->ctx, &p, &bo, &args));

	p = good; p.k = 48;
	EXPECT_EQ(-EINVAL, submit_one(self->fd, self->ctx, &p, &bo, &args));
	EXPECT_EQ(8, args.error_offset);
	p = good; p.w_fmt = VNPU_CMD_FMT_MXINT8;
	EXPECT_EQ(-EINVAL, submit_one(self->fd, self->ctx, &p, &bo, &args));
	p = good; p.a_fmt = VNPU_CMD_FMT_MXFP4;
	EXPECT_EQ(-EINVAL, submit_one(self->fd, self->ctx, &p, &bo, &args));
	p = good; p.a_quant = VNPU_CMD_FMT_BF16;
	EXPECT_EQ(-EINVAL, submit_one(self->fd, self->ctx, &p, &bo, &args));
	p = good; p.act = 9;
	EXPECT_EQ(-EINVAL, submit_one(self->fd, self->ctx, &p, &bo, &args));
	p = good; p.lda = 31;
	EXPECT_EQ(-EINVAL, submit_one(self->fd, self->ctx, &p, &bo, &args));
	p = good; p.m = 0;
	EXPECT_EQ(-EINVAL, submit_one(self->fd, self->ctx, &p, &bo, &args));
	p = good; p.reserved[1] = 1;
	EXPECT_EQ(-EINVAL, submit_one(self->fd, self->ctx, &p, &bo, &args));
	p = good; p.w += 32;			/* panels are 64-byte aligned */
	EXPECT_EQ(-EINVAL, submit_one(self->fd, self->ctx, &p, &bo, &args));
	p = good; p.a += 2;			/* FP32 A off its alignment */
	EXPECT_EQ(-EINVAL, submit_one(self->fd, self->ctx, &p, &bo, &args));
	p = good; p.c = p.a + 64;		/* C overlaps A */
	EXPECT_EQ(-EINVAL, submit_one(self->fd, self->ctx, &p, &bo, &args));
	p = good; p.m = VNPU_CMD_MAX_MN; p.lda = UINT64_MAX / 2;
	EXPECT_EQ(-EINVAL, submit_one(self->fd, self->ctx, &p, &bo, &args));
	vnpu_bo_free(self->fd, &bo);
}

TEST_F(mm, weights_outside_the_listed_buffers_are_a_device_fault)
{
	struct drm_vnpu_submit args;
	struct vnpu_test_bo bo, w;
	struct vnpu_cmd_matmul p;
	int32_t status = 0;

	ASSERT_EQ(0, vnpu_bo_new(self->fd, 65536, &bo));
	ASSERT_EQ(0, vnpu_bo_new(self->fd, 65536, &w));
	p = (struct vnpu_cmd_matmul){
		.hdr = { .op = VNPU_OP_MATMUL, .size = sizeof(p) },
		.m = 2, .n = 16, .k = 32, .w_fmt = VNPU_CMD_FMT_MXFP4,
		.a_fmt = VNPU_CMD_FMT_FP32, .c_fmt = VNPU_CMD_FMT_FP32,
		.w = w.va, .a = bo.va, .c = bo.va + 8192, .lda = 32, .ldc = 16,
	};
	ASSERT_EQ(0, submit_one(self->fd, self->ctx, &p, &bo, &args));
	ASSERT_EQ(0, vnpu_bo_wait(self->fd, bo.handle, 10 * SEC, &status));
	EXPECT_EQ(-EFAULT, status);
	vnpu_bo_free(self->fd, &bo);
	vnpu_bo_free(self->fd, &w);
}

TEST_HARNESS_MAIN
