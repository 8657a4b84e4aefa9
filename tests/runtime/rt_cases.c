// SPDX-License-Identifier: GPL-2.0
/*
 * The workloads (see rt_cases.h). Shapes are small (the VM runs them
 * under TCG) but cross the interpreter's tile boundaries: several N
 * tiles, partial last panels, vector packets of several tiles.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <drm/vnpu_cmd.h>
#include <vnpu_engine/formats.h>
#include <vnpu_engine/matmul.h>
#include <vnpu_engine/ops.h>

#include "rt_cases.h"

#define HDR(op_, p) { .op = (op_), .size = sizeof(p) }

static float rnd(uint64_t *s)
{
	*s = *s * 6364136223846793005ull + 1442695040888963407ull;
	return (float)((*s >> 40) & 0xffffff) / (1 << 22) - 2.0f;
}

static void fill_rnd(float *p, size_t n, uint64_t seed)
{
	while (n--)
		*p++ = rnd(&seed);
}

static uint32_t bits(float f)
{
	uint32_t u;

	memcpy(&u, &f, 4);
	return u;
}

void rt_run_free(struct rt_run *run)
{
	unsigned int i;

	for (i = 0; i < run->nbufs; i++)
		vnpu_buffer_free(run->buf[i]);
	memset(run, 0, sizeof(*run));
}

/* A buffer of BYTES holding DATA (NULL: zeros); returns it or NULL. */
static vnpu_buffer *rt_buf(vnpu_device *dev, struct rt_run *run, const void *data,
			   size_t bytes)
{
	vnpu_buffer *b = NULL;

	if (vnpu_buffer_alloc(dev, bytes, &b))
		return NULL;
	run->buf[run->nbufs++] = b;
	if (data && vnpu_buffer_write(b, 0, data, bytes))
		return NULL;
	return b;
}

/* ------------------------------------------------------------ matmul */

struct mm_desc {
	uint32_t m, n, k, w_fmt, a_fmt, a_quant, c_fmt, act;
	int bias;
	uint64_t seed;
};

static size_t esize(uint32_t fmt)
{
	return fmt == VNPU_FMT_BF16 ? 2 : 4;
}

static int mm_build(const struct mm_desc *d, vnpu_device *dev, vnpu_cmdbuf *cb,
		    struct rt_run *run, void *want)
{
	size_t nk = (size_t)d->n * d->k, mk = (size_t)d->m * d->k;
	size_t pbytes = vnpu_panel_size(d->w_fmt, d->n, d->k);
	size_t abytes = mk * esize(d->a_fmt), cbytes = (size_t)d->m * d->n * esize(d->c_fmt);
	float *w = malloc(nk * 4), *a = malloc(mk * 4), *bias = malloc(d->n * 4);
	uint8_t *codes = malloc(nk * 4), *scales = malloc(nk / 16 + 1);
	void *panel = aligned_alloc(64, (pbytes + 63) / 64 * 64), *abuf = malloc(abytes);
	vnpu_buffer *bw, *ba, *bb, *bc;
	float ts = 1.0f;
	int ret = -1;

	fill_rnd(w, nk, d->seed);
	fill_rnd(a, mk, d->seed + 1);
	fill_rnd(bias, d->n, d->seed + 2);
	if (d->w_fmt == VNPU_FMT_FP32) {
		memcpy(codes, w, nk * 4);
	} else if (d->w_fmt == VNPU_FMT_BF16) {
		vnpu_convert(VNPU_FMT_BF16, codes, VNPU_FMT_FP32, w, nk);
	} else {
		if (d->w_fmt == VNPU_FMT_NVFP4)
			vnpu_nvfp4_tensor_scale(w, nk, &ts);
		vnpu_quantize(d->w_fmt, w, nk, codes, scales, &ts, NULL);
	}
	memset(panel, 0, pbytes);
	vnpu_panel_pack(d->w_fmt, codes, scales, d->n, d->k, panel);
	if (d->a_fmt == VNPU_FMT_BF16)
		vnpu_convert(VNPU_FMT_BF16, abuf, VNPU_FMT_FP32, a, mk);
	else
		memcpy(abuf, a, abytes);

	bw = rt_buf(dev, run, panel, pbytes);
	ba = bw ? rt_buf(dev, run, abuf, abytes) : NULL;
	bb = ba ? rt_buf(dev, run, bias, d->n * 4) : NULL;
	bc = bb ? rt_buf(dev, run, NULL, cbytes) : NULL;
	if (bc) {
		struct vnpu_cmd_matmul p = {
			.hdr = HDR(VNPU_OP_MATMUL, p),
			.m = d->m, .n = d->n, .k = d->k, .w_fmt = d->w_fmt,
			.a_fmt = d->a_fmt, .a_quant = d->a_quant, .c_fmt = d->c_fmt,
			.act = d->act, .w_tscale = bits(ts),
			.w = vnpu_buffer_va(bw), .a = vnpu_buffer_va(ba),
			.bias = d->bias ? vnpu_buffer_va(bb) : 0,
			.c = vnpu_buffer_va(bc), .lda = d->k, .ldc = d->n,
		};

		run->out = bc;
		run->out_bytes = cbytes;
		ret = vnpu_cmdbuf_append(cb, &p, sizeof(p), NULL) ? -1 : 0;
	}
	if (!ret && want) {
		struct vnpu_matmul mm = {
			.m = d->m, .n = d->n, .k = d->k, .w_fmt = d->w_fmt,
			.w = panel, .w_tscale = ts, .a_fmt = d->a_fmt,
			.a_quant = d->a_quant, .a = abuf, .lda = d->k,
			.bias = d->bias ? bias : NULL, .act = d->act,
			.c_fmt = d->c_fmt, .c = want, .ldc = d->n,
		};
		struct vnpu_ctx ctx = {
			.features = vnpu_engine_cpu_features(),
			.scratch_size = vnpu_matmul_scratch(&mm, d->m),
		};

		ctx.scratch = aligned_alloc(64, (ctx.scratch_size + 63) / 64 * 64);
		ret = vnpu_matmul_run(&mm, 0, d->m, 0, d->n, &ctx) ? -1 : 0;
		free(ctx.scratch);
	}
	free(w);
	free(a);
	free(bias);
	free(codes);
	free(scales);
	free(panel);
	free(abuf);
	return ret;
}

#define MM_CASE(fn, ...)							\
static int fn(vnpu_device *dev, vnpu_cmdbuf *cb, struct rt_run *run, void *want) \
{									\
	static const struct mm_desc d = { __VA_ARGS__ };		\
	return mm_build(&d, dev, cb, run, want);			\
}

MM_CASE(mm_mxfp4_mxint8, 5, 40, 96, VNPU_FMT_MXFP4, VNPU_FMT_FP32,
	VNPU_FMT_MXINT8, VNPU_FMT_FP32, VNPU_ACT_SILU, 1, 11)
MM_CASE(mm_nvfp4_exact, 3, 33, 64, VNPU_FMT_NVFP4, VNPU_FMT_FP32,
	VNPU_FMT_NONE, VNPU_FMT_FP32, VNPU_ACT_NONE, 1, 12)
MM_CASE(mm_mxfp8_mxfp4_bf16, 4, 16, 64, VNPU_FMT_MXFP8_E4M3, VNPU_FMT_BF16,
	VNPU_FMT_MXFP4, VNPU_FMT_BF16, VNPU_ACT_GELU, 0, 13)
MM_CASE(mm_bf16_weights, 2, 20, 32, VNPU_FMT_BF16, VNPU_FMT_BF16,
	VNPU_FMT_NONE, VNPU_FMT_FP32, VNPU_ACT_RELU, 1, 14)
MM_CASE(mm_fp32_weights_e5m2, 3, 17, 64, VNPU_FMT_FP32, VNPU_FMT_FP32,
	VNPU_FMT_MXFP8_E5M2, VNPU_FMT_FP32, VNPU_ACT_GELU_TANH, 1, 15)
/* 70 rows and 300 columns with K 512: several row and column tiles. */
MM_CASE(mm_many_tiles, 70, 300, 512, VNPU_FMT_MXFP4, VNPU_FMT_FP32,
	VNPU_FMT_MXINT8, VNPU_FMT_FP32, VNPU_ACT_NONE, 1, 16)
/*
 * Quantized A takes wide tiles (vnpu_isa_exec.c): here 24 + 2 rows and
 * four column tiles of 272 (the last 214 wide: not a multiple of 16).
 */
MM_CASE(mm_prepared_tiles, 26, 1030, 1024, VNPU_FMT_MXFP4, VNPU_FMT_FP32,
	VNPU_FMT_MXINT8, VNPU_FMT_FP32, VNPU_ACT_SILU, 1, 17)
/*
 * GEMVs (decode): one tile of the MAC budget, cut by columns over the
 * workers with A prepared once (MXINT8; E4M3 pieces from BF16 A), or
 * read as it is (exact FP32 A); N not a multiple of 16.
 */
MM_CASE(mm_gemv_mxint8, 1, 1000, 1024, VNPU_FMT_MXFP4, VNPU_FMT_FP32,
	VNPU_FMT_MXINT8, VNPU_FMT_FP32, VNPU_ACT_NONE, 1, 18)
MM_CASE(mm_gemv_e4m3_bf16, 3, 520, 512, VNPU_FMT_NVFP4, VNPU_FMT_BF16,
	VNPU_FMT_MXFP8_E4M3, VNPU_FMT_FP32, VNPU_ACT_NONE, 0, 19)
MM_CASE(mm_gemv_exact, 2, 700, 256, VNPU_FMT_NVFP4, VNPU_FMT_FP32,
	VNPU_FMT_NONE, VNPU_FMT_FP32, VNPU_ACT_NONE, 1, 20)

/*
 * Matmuls that read the same activations (q, k and v of a layer), one
 * after another: the CPU backend runs them as one group (A prepared once,
 * all tiles in one run), the card one by one; each output must be the
 * bytes of its own engine call. Weights of each member have their own
 * seed and (NVFP4) tensor scale; outputs sit side by side in one buffer.
 */
struct mm_group {
	uint32_t m, k, w_fmt, a_quant, n[3];
	uint64_t seed;
};

static int mm_group_build(const struct mm_group *d, vnpu_device *dev,
			  vnpu_cmdbuf *cb, struct rt_run *run, void *want)
{
	size_t mk = (size_t)d->m * d->k, coff = 0, cbytes = 0;
	float *a = malloc(mk * 4), *bias = malloc(d->n[0] * 4);
	vnpu_buffer *ba, *bb, *bc, *bw[3] = { 0 };
	void *panel[3] = { 0 };
	float ts[3];
	int ret = 0;

	fill_rnd(a, mk, d->seed);
	fill_rnd(bias, d->n[0], d->seed + 1);
	for (int i = 0; i < 3; i++)
		cbytes += (size_t)d->m * d->n[i] * 4;
	for (int i = 0; i < 3 && !ret; i++) {
		size_t nk = (size_t)d->n[i] * d->k;
		size_t pbytes = vnpu_panel_size(d->w_fmt, d->n[i], d->k);
		float *w = malloc(nk * 4);
		uint8_t *codes = malloc(nk), *scales = malloc(nk / 16 + 1);

		fill_rnd(w, nk, d->seed + 2 + i);
		for (size_t j = 0; j < nk; j += 7)	/* members' ranges differ */
			w[j] *= (float)(i + 1);
		ts[i] = 1.0f;
		if (d->w_fmt == VNPU_FMT_NVFP4)
			vnpu_nvfp4_tensor_scale(w, nk, &ts[i]);
		vnpu_quantize(d->w_fmt, w, nk, codes, scales, &ts[i], NULL);
		panel[i] = aligned_alloc(64, (pbytes + 63) / 64 * 64);
		memset(panel[i], 0, pbytes);
		vnpu_panel_pack(d->w_fmt, codes, scales, d->n[i], d->k, panel[i]);
		bw[i] = rt_buf(dev, run, panel[i], pbytes);
		ret = bw[i] ? 0 : -1;
		free(w);
		free(codes);
		free(scales);
	}
	ba = !ret ? rt_buf(dev, run, a, mk * 4) : NULL;
	bb = ba ? rt_buf(dev, run, bias, d->n[0] * 4) : NULL;
	bc = bb ? rt_buf(dev, run, NULL, cbytes) : NULL;
	ret = bc ? 0 : -1;
	run->out = bc;
	run->out_bytes = cbytes;
	for (int i = 0; i < 3 && !ret; i++) {
		/* the first member has a bias and SiLU: its epilogue is its own */
		struct vnpu_cmd_matmul p = {
			.hdr = HDR(VNPU_OP_MATMUL, p),
			.m = d->m, .n = d->n[i], .k = d->k, .w_fmt = d->w_fmt,
			.a_fmt = VNPU_FMT_FP32, .a_quant = d->a_quant,
			.c_fmt = VNPU_FMT_FP32, .act = i ? VNPU_ACT_NONE : VNPU_ACT_SILU,
			.w_tscale = bits(ts[i]), .w = vnpu_buffer_va(bw[i]),
			.a = vnpu_buffer_va(ba), .bias = i ? 0 : vnpu_buffer_va(bb),
			.c = vnpu_buffer_va(bc) + coff * 4, .lda = d->k, .ldc = d->n[i],
		};

		ret = vnpu_cmdbuf_append(cb, &p, sizeof(p), NULL) ? -1 : 0;
		if (!ret && want) {
			struct vnpu_matmul mm = {
				.m = d->m, .n = d->n[i], .k = d->k, .w_fmt = d->w_fmt,
				.w = panel[i], .w_tscale = ts[i], .a_fmt = VNPU_FMT_FP32,
				.a_quant = d->a_quant, .a = a, .lda = d->k,
				.bias = i ? NULL : bias, .act = p.act,
				.c_fmt = VNPU_FMT_FP32, .c = (float *)want + coff,
				.ldc = d->n[i],
			};
			struct vnpu_ctx ctx = {
				.features = vnpu_engine_cpu_features(),
				.scratch_size = vnpu_matmul_scratch(&mm, d->m),
			};

			ctx.scratch = aligned_alloc(64, (ctx.scratch_size + 63) / 64 * 64);
			ret = vnpu_matmul_run(&mm, 0, d->m, 0, d->n[i], &ctx) ? -1 : 0;
			free(ctx.scratch);
		}
		coff += (size_t)d->m * d->n[i];
	}
	for (int i = 0; i < 3; i++)
		free(panel[i]);
	free(a);
	free(bias);
	return ret;
}

#define MM_GROUP_CASE(fn, ...)						\
static int fn(vnpu_device *dev, vnpu_cmdbuf *cb, struct rt_run *run, void *want) \
{									\
	static const struct mm_group d = { __VA_ARGS__ };		\
	return mm_group_build(&d, dev, cb, run, want);			\
}

/* prefill-like: several row and column tiles per member */
MM_GROUP_CASE(mm_group_rows, 40, 512, VNPU_FMT_MXFP4, VNPU_FMT_MXINT8,
	      { 400, 64, 64 }, 31)
/* decode-like GEMVs, NVFP4 members with their own tensor scales */
MM_GROUP_CASE(mm_group_gemv, 1, 1024, VNPU_FMT_NVFP4, VNPU_FMT_MXINT8,
	      { 512, 128, 128 }, 32)
/* exact FP32 A: nothing to prepare, still one run of tiles */
MM_GROUP_CASE(mm_group_exact, 3, 256, VNPU_FMT_MXFP4, VNPU_FMT_NONE,
	      { 100, 48, 48 }, 33)

/* ------------------------------------------------------------ vector */

#define ELT_N 40000u	/* three tiles of the interpreter */

static int vec_eltwise(vnpu_device *dev, vnpu_cmdbuf *cb, struct rt_run *run,
		       void *want)
{
	float *x = malloc(ELT_N * 4), *y = malloc(ELT_N * 4), *w = want, s = 0.37f;
	vnpu_buffer *bx, *by, *bo;
	uint32_t op;
	int ret = -1;

	fill_rnd(x, ELT_N, 21);
	fill_rnd(y, ELT_N, 22);
	bx = rt_buf(dev, run, x, ELT_N * 4);
	by = bx ? rt_buf(dev, run, y, ELT_N * 4) : NULL;
	bo = by ? rt_buf(dev, run, NULL, 7 * ELT_N * 4) : NULL;
	if (!bo)
		goto out;
	run->out = bo;
	run->out_bytes = 7 * ELT_N * 4;
	for (op = VNPU_ELT_ADD; op <= VNPU_ELT_SWIGLU; op++) {
		int two = op == VNPU_ELT_ADD || op == VNPU_ELT_MUL ||
			  op == VNPU_ELT_SWIGLU;
		struct vnpu_cmd_eltwise p = {
			.hdr = HDR(VNPU_OP_ELTWISE, p), .op = op, .n = ELT_N,
			.scale = op == VNPU_ELT_SCALE ? bits(s) : 0,
			.x = vnpu_buffer_va(bx), .y = two ? vnpu_buffer_va(by) : 0,
			.out = vnpu_buffer_va(bo) + (uint64_t)op * ELT_N * 4,
		};
		float *o = w ? w + (size_t)op * ELT_N : NULL;

		if (vnpu_cmdbuf_append(cb, &p, sizeof(p), NULL))
			goto out;
		if (!o)
			continue;
		switch (op) {
		case VNPU_ELT_ADD: vnpu_add(o, x, y, ELT_N); break;
		case VNPU_ELT_MUL: vnpu_mul(o, x, y, ELT_N); break;
		case VNPU_ELT_SCALE: vnpu_scale(o, x, &s, ELT_N); break;
		case VNPU_ELT_SILU: vnpu_silu(o, x, ELT_N); break;
		case VNPU_ELT_GELU: vnpu_gelu(o, x, ELT_N); break;
		case VNPU_ELT_GELU_TANH: vnpu_gelu_tanh(o, x, ELT_N); break;
		default: vnpu_swiglu(o, x, y, ELT_N); break;
		}
	}
	ret = 0;
out:
	free(x);
	free(y);
	return ret;
}

static int vec_norms(vnpu_device *dev, vnpu_cmdbuf *cb, struct rt_run *run,
		     void *want)
{
	enum { R = 7, N = 300 };
	float x[R * N], g[N], b[N], eps = 1e-5f, *w = want;
	vnpu_buffer *bx, *bg, *bb, *bo;
	uint32_t r;

	fill_rnd(x, R * N, 31);
	fill_rnd(g, N, 32);
	fill_rnd(b, N, 33);
	x[0] = -0.0f;
	x[N + 5] = 1e30f;	/* the sum of squares overflows: r = 0 */
	x[2 * N + 7] = NAN;
	bx = rt_buf(dev, run, x, sizeof(x));
	bg = bx ? rt_buf(dev, run, g, sizeof(g)) : NULL;
	bb = bg ? rt_buf(dev, run, b, sizeof(b)) : NULL;
	bo = bb ? rt_buf(dev, run, NULL, 3 * sizeof(x)) : NULL;
	if (!bo)
		return -1;
	run->out = bo;
	run->out_bytes = 3 * sizeof(x);
	{
		struct vnpu_cmd_norm rms = {
			.hdr = HDR(VNPU_OP_NORM, rms), .kind = VNPU_NORM_RMS,
			.eps = bits(eps), .rows = R, .n = N,
			.x = vnpu_buffer_va(bx), .gamma = vnpu_buffer_va(bg),
			.out = vnpu_buffer_va(bo),
		};
		struct vnpu_cmd_norm ln = rms, plain = rms;

		ln.kind = VNPU_NORM_LAYER;
		ln.beta = vnpu_buffer_va(bb);
		ln.out += sizeof(x);
		plain.gamma = 0;
		plain.out += 2 * sizeof(x);
		if (vnpu_cmdbuf_append(cb, &rms, sizeof(rms), NULL) ||
		    vnpu_cmdbuf_append(cb, &ln, sizeof(ln), NULL) ||
		    vnpu_cmdbuf_append(cb, &plain, sizeof(plain), NULL))
			return -1;
	}
	for (r = 0; w && r < R; r++) {
		vnpu_rmsnorm(w + r * N, x + r * N, g, &eps, N);
		vnpu_layernorm(w + R * N + r * N, x + r * N, g, b, &eps, N);
		vnpu_rmsnorm(w + 2 * R * N + r * N, x + r * N, NULL, &eps, N);
	}
	return 0;
}

static int vec_softmax(vnpu_device *dev, vnpu_cmdbuf *cb, struct rt_run *run,
		       void *want)
{
	enum { R = 9, N = 50, LD = 64 };
	float x[R * LD];
	vnpu_buffer *bx, *bo;

	fill_rnd(x, R * LD, 41);
	bx = rt_buf(dev, run, x, sizeof(x));
	bo = bx ? rt_buf(dev, run, NULL, sizeof(x)) : NULL;
	if (!bo)
		return -1;
	run->out = bo;
	run->out_bytes = sizeof(x);
	{
		struct vnpu_cmd_softmax p = {
			.hdr = HDR(VNPU_OP_SOFTMAX, p), .flags = VNPU_SOFTMAX_CAUSAL,
			.offset = 3, .rows = R, .n = N, .ld = LD,
			.x = vnpu_buffer_va(bx), .out = vnpu_buffer_va(bo),
		};

		if (vnpu_cmdbuf_append(cb, &p, sizeof(p), NULL))
			return -1;
	}
	if (want) {
		memset(want, 0, sizeof(x));
		vnpu_softmax(want, x, R, N, LD, 1, 3);
	}
	return 0;
}

/*
 * Two one-token packets (tokens = 0, as written before the field), then
 * 100 tokens in one packet: tiles of 256 vectors end inside a token.
 */
static int vec_rope(vnpu_device *dev, vnpu_cmdbuf *cb, struct rt_run *run,
		    void *want)
{
	enum { H = 6, D = 64, T = 100, POS = 4000 };
	const size_t bytes = (2 + T) * H * D * 4;
	float *x = malloc(bytes), theta = 10000.0f, f[D / 2];
	struct vnpu_cmd_rope many = {
		.hdr = HDR(VNPU_OP_ROPE, many), .heads = H, .dim = D,
		.pos = POS, .mode = 1, .theta = bits(theta), .tokens = T,
	};
	vnpu_buffer *bx;
	uint32_t mode;

	if (!x)
		return -1;
	fill_rnd(x, (2 + T) * H * D, 51);
	bx = rt_buf(dev, run, x, bytes);
	if (!bx)
		goto fail;
	run->out = bx;	/* in place */
	run->out_bytes = bytes;
	for (mode = 0; mode < 2; mode++) {
		struct vnpu_cmd_rope p = {
			.hdr = HDR(VNPU_OP_ROPE, p), .heads = H, .dim = D,
			.pos = 17, .mode = mode, .theta = bits(theta),
			.x = vnpu_buffer_va(bx) + mode * H * D * 4,
		};

		if (vnpu_cmdbuf_append(cb, &p, sizeof(p), NULL))
			goto fail;
	}
	many.x = vnpu_buffer_va(bx) + 2 * H * D * 4;
	if (vnpu_cmdbuf_append(cb, &many, sizeof(many), NULL))
		goto fail;
	if (want) {
		memcpy(want, x, bytes);
		vnpu_rope_freqs(f, D, &theta);
		vnpu_rope(want, H, D, 17, f, 0);
		vnpu_rope((float *)want + H * D, H, D, 17, f, 1);
		for (uint32_t t = 0; t < T; t++)
			vnpu_rope((float *)want + (2 + t) * H * D, H, D, POS + t, f, 1);
	}
	free(x);
	return 0;
fail:
	free(x);
	return -1;
}

static int vec_attention(vnpu_device *dev, vnpu_cmdbuf *cb, struct rt_run *run,
			 void *want)
{
	enum { NQ = 3, POS0 = 5, NH = 4, NKV = 2, D = 32, CTX = POS0 + NQ };
	float q[NQ * NH * D], k[CTX * NKV * D], v[CTX * NKV * D];
	float scale = 0.17677669f;
	vnpu_buffer *bq, *bk, *bv, *bo;

	fill_rnd(q, sizeof(q) / 4, 61);
	fill_rnd(k, sizeof(k) / 4, 62);
	fill_rnd(v, sizeof(v) / 4, 63);
	bq = rt_buf(dev, run, q, sizeof(q));
	bk = bq ? rt_buf(dev, run, k, sizeof(k)) : NULL;
	bv = bk ? rt_buf(dev, run, v, sizeof(v)) : NULL;
	bo = bv ? rt_buf(dev, run, NULL, sizeof(q)) : NULL;
	if (!bo)
		return -1;
	run->out = bo;
	run->out_bytes = sizeof(q);
	{
		struct vnpu_cmd_attention p = {
			.hdr = HDR(VNPU_OP_ATTENTION, p), .nq = NQ, .pos0 = POS0,
			.n_heads = NH, .n_kv_heads = NKV, .dim = D,
			.scale = bits(scale), .q = vnpu_buffer_va(bq),
			.k = vnpu_buffer_va(bk), .v = vnpu_buffer_va(bv),
			.out = vnpu_buffer_va(bo),
		};

		if (vnpu_cmdbuf_append(cb, &p, sizeof(p), NULL))
			return -1;
	}
	if (want) {
		/* vnpu_attention_scratch(): dim, 256, CTX rounded up */
		float scratch[D + 256 + (CTX + 15) / 16 * 16];
		struct vnpu_ctx ctx = {
			.features = vnpu_engine_cpu_features(),
			.scratch = scratch, .scratch_size = sizeof(scratch),
		};
		struct vnpu_attn at = {
			.q = q, .k = k, .v = v, .out = want, .scale = &scale,
			.nq = NQ, .pos0 = POS0, .n_heads = NH, .n_kv_heads = NKV,
			.dim = D,
		};

		return vnpu_attention(&at, &ctx) ? -1 : 0;
	}
	return 0;
}

static int vec_gather(vnpu_device *dev, vnpu_cmdbuf *cb, struct rt_run *run,
		      void *want)
{
	enum { ROWS = 50, COLS = 24, N = 10 };
	float t32[ROWS * COLS];
	uint16_t t[ROWS * COLS];
	uint32_t idx[N] = { 0, 49, 7, 7, 13, 2, 30, 44, 1, 25 };
	vnpu_buffer *bt, *bi, *bo;

	fill_rnd(t32, ROWS * COLS, 71);
	vnpu_convert(VNPU_FMT_BF16, t, VNPU_FMT_FP32, t32, ROWS * COLS);
	bt = rt_buf(dev, run, t, sizeof(t));
	bi = bt ? rt_buf(dev, run, idx, sizeof(idx)) : NULL;
	bo = bi ? rt_buf(dev, run, NULL, N * COLS * 4) : NULL;
	if (!bo)
		return -1;
	run->out = bo;
	run->out_bytes = N * COLS * 4;
	{
		struct vnpu_cmd_gather p = {
			.hdr = HDR(VNPU_OP_GATHER, p), .rows = ROWS, .cols = COLS,
			.n = N, .table_bf16 = 1, .table = vnpu_buffer_va(bt),
			.idx = vnpu_buffer_va(bi), .out = vnpu_buffer_va(bo),
		};

		if (vnpu_cmdbuf_append(cb, &p, sizeof(p), NULL))
			return -1;
	}
	return want ? vnpu_gather(want, t, 1, ROWS, COLS, idx, N) : 0;
}

/* QUANTIZE then DEQUANTIZE in one stream: codes, scales, values. */
static int vec_quant(vnpu_device *dev, vnpu_cmdbuf *cb, struct rt_run *run,
		     void *want, uint32_t fmt)
{
	enum { N = 4096 };
	uint32_t block = fmt == VNPU_FMT_NVFP4 ? 16 : 32, cb_bytes;
	size_t codes = (size_t)N * vnpu_fmt_bits(fmt) / 8, scales = N / block;
	float x[N], ts = 1.0f;
	vnpu_buffer *bx, *bo;
	uint64_t o;

	fill_rnd(x, N, 81 + fmt);
	if (fmt == VNPU_FMT_NVFP4)
		vnpu_nvfp4_tensor_scale(x, N, &ts);
	cb_bytes = (uint32_t)(codes + scales);
	bx = rt_buf(dev, run, x, sizeof(x));
	bo = bx ? rt_buf(dev, run, NULL, cb_bytes + sizeof(x)) : NULL;
	if (!bo)
		return -1;
	run->out = bo;
	run->out_bytes = cb_bytes + sizeof(x);
	o = vnpu_buffer_va(bo);
	{
		struct vnpu_cmd_quant q = {
			.hdr = HDR(VNPU_OP_QUANTIZE, q), .fmt = fmt, .n = N,
			.tscale = bits(ts), .x = vnpu_buffer_va(bx), .codes = o,
			.scales = o + codes,
		};
		struct vnpu_cmd_quant d = q;

		d.hdr.op = VNPU_OP_DEQUANTIZE;
		d.x = o + cb_bytes;
		if (vnpu_cmdbuf_append(cb, &q, sizeof(q), NULL) ||
		    vnpu_cmdbuf_append(cb, &d, sizeof(d), NULL))
			return -1;
	}
	if (want) {
		uint8_t *w = want;

		if (vnpu_quantize(fmt, x, N, w, w + codes, &ts, NULL) ||
		    vnpu_dequantize(fmt, w, w + codes, &ts, N,
				    (float *)(w + cb_bytes)))
			return -1;
	}
	return 0;
}

static int vec_quant_mxfp4(vnpu_device *dev, vnpu_cmdbuf *cb, struct rt_run *run,
			   void *want)
{
	return vec_quant(dev, cb, run, want, VNPU_FMT_MXFP4);
}

static int vec_quant_nvfp4(vnpu_device *dev, vnpu_cmdbuf *cb, struct rt_run *run,
			   void *want)
{
	return vec_quant(dev, cb, run, want, VNPU_FMT_NVFP4);
}

/*
 * HADAMARD: forward out of place (blocks of 1024), a copy, the inverse in
 * place on the copy, then a forward in place with blocks of 64 and
 * another seed. The reference is vnpu_hadamard_rotate() on the same data.
 */
static int vec_hadamard(vnpu_device *dev, vnpu_cmdbuf *cb, struct rt_run *run,
			void *want)
{
	enum { ROWS = 24, COLS = 3072, N = ROWS * COLS };
	static float x[N];
	vnpu_buffer *bx, *bo;
	uint64_t o;

	fill_rnd(x, N, 91);
	bx = rt_buf(dev, run, x, sizeof(x));
	bo = bx ? rt_buf(dev, run, NULL, 2 * sizeof(x)) : NULL;
	if (!bo)
		return -1;
	run->out = bo;
	run->out_bytes = 2 * sizeof(x);
	o = vnpu_buffer_va(bo);
	{
		struct vnpu_cmd_hadamard f = {
			.hdr = HDR(VNPU_OP_HADAMARD, f), .rows = ROWS, .cols = COLS,
			.block = 1024, .seed = 7, .x = vnpu_buffer_va(bx), .out = o,
		};
		struct vnpu_cmd_copy c = {
			.hdr = HDR(VNPU_OP_COPY, c), .dst = o + sizeof(x), .src = o,
			.size = sizeof(x),
		};
		struct vnpu_cmd_hadamard inv = f, g = f;

		inv.flags = VNPU_HADAMARD_INVERSE;
		inv.x = inv.out = o + sizeof(x);
		g.x = g.out = o + sizeof(x);
		g.block = 64;
		g.seed = 0x123456789abcdefull;
		if (vnpu_cmdbuf_append(cb, &f, sizeof(f), NULL) ||
		    vnpu_cmdbuf_append(cb, &c, sizeof(c), NULL) ||
		    vnpu_cmdbuf_append(cb, &inv, sizeof(inv), NULL) ||
		    vnpu_cmdbuf_append(cb, &g, sizeof(g), NULL))
			return -1;
	}
	if (want) {
		float *w = want;

		memcpy(w, x, sizeof(x));
		if (vnpu_hadamard_rotate(w, N, 1024, 7, false))
			return -1;
		memcpy(w + N, w, sizeof(x));
		if (vnpu_hadamard_rotate(w + N, N, 1024, 7, true) ||
		    vnpu_hadamard_rotate(w + N, N, 64, 0x123456789abcdefull, false))
			return -1;
	}
	return 0;
}

/*
 * QUANTIZE and DEQUANTIZE with the element formats (plain conversions):
 * BF16, FP16, FP8 E4M3 and E5M2 codes of the same values (spread from
 * 2^-20 to 2^20, so subnormals and overflow occur), then decoded back.
 */
static int vec_convert(vnpu_device *dev, vnpu_cmdbuf *cb, struct rt_run *run,
		       void *want)
{
	enum { N = 5000 };
	static const uint32_t fmts[4] = { VNPU_FMT_BF16, VNPU_FMT_FP16,
		VNPU_FMT_E4M3, VNPU_FMT_E5M2 };
	static float x[N];
	size_t off = 0, at[4];
	vnpu_buffer *bx, *bo;
	unsigned int f;
	uint64_t o;

	fill_rnd(x, N, 93);
	for (f = 0; f < N; f++)
		x[f] = ldexpf(x[f], (int)(f % 41) - 20);
	for (f = 0; f < 4; f++) {
		at[f] = off;
		off += (size_t)N * vnpu_fmt_bits(fmts[f]) / 8 + (size_t)N * 4;
	}
	bx = rt_buf(dev, run, x, sizeof(x));
	bo = bx ? rt_buf(dev, run, NULL, off) : NULL;
	if (!bo)
		return -1;
	run->out = bo;
	run->out_bytes = off;
	o = vnpu_buffer_va(bo);
	for (f = 0; f < 4; f++) {
		size_t codes = (size_t)N * vnpu_fmt_bits(fmts[f]) / 8;
		struct vnpu_cmd_quant q = {
			.hdr = HDR(VNPU_OP_QUANTIZE, q), .fmt = fmts[f], .n = N,
			.x = vnpu_buffer_va(bx), .codes = o + at[f],
		};
		struct vnpu_cmd_quant d = q;

		d.hdr.op = VNPU_OP_DEQUANTIZE;
		d.x = o + at[f] + codes;
		if (vnpu_cmdbuf_append(cb, &q, sizeof(q), NULL) ||
		    vnpu_cmdbuf_append(cb, &d, sizeof(d), NULL))
			return -1;
		if (want) {
			uint8_t *w = (uint8_t *)want + at[f];

			if (vnpu_convert(fmts[f], w, VNPU_FMT_FP32, x, N) ||
			    vnpu_convert(VNPU_FMT_FP32, w + codes, fmts[f], w, N))
				return -1;
		}
	}
	return 0;
}

const struct rt_case rt_cases[] = {
	{ "matmul MXFP4 x MXINT8, SiLU, bias", mm_mxfp4_mxint8 },
	{ "matmul NVFP4 x exact FP32", mm_nvfp4_exact },
	{ "matmul MXFP8 x MXFP4 (BF16 A and C), GELU", mm_mxfp8_mxfp4_bf16 },
	{ "matmul BF16 weights, ReLU", mm_bf16_weights },
	{ "matmul FP32 weights x MXFP8 E5M2, GELU-tanh", mm_fp32_weights_e5m2 },
	{ "matmul 70x300x512 over many tiles", mm_many_tiles },
	{ "matmul 26x1030x1024, MXINT8 A: wide tiles", mm_prepared_tiles },
	{ "matmul 1x1000x1024 GEMV, MXINT8 A", mm_gemv_mxint8 },
	{ "matmul 3x520x512 GEMV, BF16 A as MXFP8 E4M3", mm_gemv_e4m3_bf16 },
	{ "matmul 2x700x256 GEMV, exact FP32 A", mm_gemv_exact },
	{ "three matmuls reading one A, 40 rows", mm_group_rows },
	{ "three NVFP4 GEMVs reading one A", mm_group_gemv },
	{ "three matmuls reading one exact FP32 A", mm_group_exact },
	{ "eltwise: all seven ops", vec_eltwise },
	{ "rms and layer norm", vec_norms },
	{ "causal softmax with a row stride", vec_softmax },
	{ "rope, both pairings, in place", vec_rope },
	{ "grouped-query attention over a KV cache", vec_attention },
	{ "gather from a BF16 table", vec_gather },
	{ "MXFP4 quantize and dequantize", vec_quant_mxfp4 },
	{ "NVFP4 quantize and dequantize", vec_quant_nvfp4 },
	{ "Hadamard rotation: forward, inverse, in place", vec_hadamard },
	{ "BF16, FP16 and FP8 conversions both ways", vec_convert },
};

const size_t rt_ncases = sizeof(rt_cases) / sizeof(rt_cases[0]);

vnpu_status rt_case_run(const struct rt_case *c, vnpu_device *dev,
			vnpu_stream *s, void *out, void *want, size_t *bytes)
{
	struct rt_run run = { 0 };
	vnpu_cmdbuf *cb = NULL;
	vnpu_status st;

	*bytes = 0;
	st = vnpu_cmdbuf_create(dev, &cb);
	if (st)
		return st;
	if (c->build(dev, cb, &run, want)) {
		st = VNPU_STATUS_INVALID_ARGUMENT;
		goto out;
	}
	st = vnpu_stream_submit_cmdbuf(s, cb, NULL);
	if (!st)
		st = vnpu_stream_sync(s);
	if (!st)
		st = vnpu_buffer_read(run.out, 0, out, run.out_bytes);
	*bytes = run.out_bytes;
out:
	rt_run_free(&run);
	vnpu_cmdbuf_destroy(cb);
	return st;
}
