// SPDX-License-Identifier: GPL-2.0
/*
 * Pre-quantized weights: vnpu_graph_constant_blocks() compiles to the
 * same program, byte for byte, as the FP32 constant quantized by the
 * compiler; a model written pre-quantized by vnpu-gen-model gives the
 * same logits and tokens, bit for bit, as the unquantized model
 * quantized at load; a different weight format is refused; malformed
 * pre-quantized files (wrong shapes, dtypes, missing or misshapen scale
 * tensors, truncated) fail with exact messages.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <vnpu/vnpu.h>
#include <vnpu_engine/formats.h>

#include "vnpu_safetensors.h"
#include "gen_model.h"
#include "model_util.h"
#include "kselftest_harness.h"

FIXTURE(pq) {
	vnpu_device *dev;
	char dir[64];
	char a[96], b[96];	/* dir/a unquantized, dir/b pre-quantized */
};

FIXTURE_SETUP(pq)
{
	vnpu_device_options o;

	ASSERT_EQ(VNPU_STATUS_OK, mu_init_noenv());
	vnpu_device_options_init(&o);
	o.cpu_threads = 2;
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_device_open("cpu", &o, &self->dev));
	strcpy(self->dir, "/tmp/vnpu_prequant_XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->a, sizeof(self->a), "%s/a", self->dir);
	snprintf(self->b, sizeof(self->b), "%s/b", self->dir);
}

FIXTURE_TEARDOWN(pq)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", self->dir);
	EXPECT_EQ(0, system(cmd));
	EXPECT_EQ(VNPU_STATUS_OK, vnpu_device_close(self->dev));
	EXPECT_EQ(VNPU_STATUS_OK, vnpu_shutdown());
}

/* ---- the graph API ------------------------------------------------------- */

/* y = x W^T with W [32, 64] declared by DECL; the program's file bytes. */
enum decl { FP32_W, PLANES, BLOCKS_BORROW, BLOCKS_COPY };

static void *compile_mm(uint32_t dtype, uint32_t wfmt, enum decl decl, const float *w,
			size_t *size)
{
	static const uint32_t dx[2] = { 2, 64 }, dw[2] = { 32, 64 };
	uint32_t fmt = dtype == VNPU_DTYPE_NVFP4 ? VNPU_FMT_NVFP4 :
		       dtype == VNPU_DTYPE_MXFP4 ? VNPU_FMT_MXFP4 : VNPU_FMT_MXFP8_E4M3;
	uint64_t cb = 32 * 64 * vnpu_fmt_bits(fmt) / 8, sb = 32 * 64 / vnpu_fmt_block(fmt);
	uint8_t *planes = malloc(cb + sb + 4);
	vnpu_compile_options o;
	vnpu_graph *g = NULL;
	vnpu_program *p = NULL;
	vnpu_tensor x, wt, y;
	vnpu_status st;
	void *data = NULL;
	float ts = 1.0f;

	if (dtype == VNPU_DTYPE_NVFP4)
		vnpu_nvfp4_tensor_scale(w, 32 * 64, &ts);
	vnpu_quantize(fmt, w, 32 * 64, planes, planes + cb, &ts, NULL);
	memcpy(planes + cb + sb, &ts, 4);
	st = vnpu_graph_create(&g);
	if (!st)
		st = vnpu_graph_input(g, "x", VNPU_DTYPE_FP32, 2, dx, &x);
	if (!st && decl == FP32_W)
		st = vnpu_graph_constant(g, "w", VNPU_DTYPE_FP32, 2, dw, w, 32 * 64 * 4, 0, &wt);
	if (!st && decl == PLANES)
		st = vnpu_graph_constant(g, "w", dtype, 2, dw, planes,
					 vnpu_dtype_bytes(dtype, 32 * 64, 1), 0, &wt);
	if (!st && (decl == BLOCKS_BORROW || decl == BLOCKS_COPY))
		st = vnpu_graph_constant_blocks(g, "w", dtype, 2, dw, planes, cb, planes + cb, sb, ts,
						decl == BLOCKS_BORROW ? VNPU_CONST_BORROW : 0, &wt);
	/* a copy must not read the caller's planes afterwards */
	if (decl == BLOCKS_COPY)
		memset(planes, 0x55, cb + sb);
	if (!st)
		st = vnpu_graph_matmul(g, "mm", x, wt, 0, 0, VNPU_DTYPE_FP32, &y);
	if (!st)
		st = vnpu_graph_output(g, y);
	vnpu_compile_options_init(&o);
	o.weight_format = wfmt;
	o.keep = 0;	/* the matmul is the graph's output: not a kept head */
	if (!st)
		st = vnpu_graph_compile(g, NULL, &o, &p);
	if (!st)
		st = vnpu_program_save_mem(p, &data, size);
	vnpu_program_destroy(p);
	vnpu_graph_destroy(g);
	free(planes);
	return st ? NULL : data;
}

/*
 * A block constant given as its planes apart compiles to the same
 * program, byte for byte, as the FP32 weights quantized by the compiler
 * to that format and as the one-piece planes constant, whatever weight
 * format the options ask for (the policy keeps block constants).
 */
TEST(blocks_constant_compiles_to_the_quantized_fp32_program)
{
	static const uint32_t types[] = { VNPU_DTYPE_NVFP4, VNPU_DTYPE_MXFP4, VNPU_DTYPE_MXFP8 };
	float w[32 * 64];

	ASSERT_EQ(VNPU_STATUS_OK, mu_init_noenv());
	for (int i = 0; i < 32 * 64; i++)
		w[i] = sinf(0.37f * i) * (i % 64 == 17 ? 8.0f : 1.0f);
	for (int k = 0; k < 3; k++) {
		size_t s0, s1, s2, s3, s4;
		void *ref = compile_mm(types[k], types[k], FP32_W, w, &s0);
		void *pl = compile_mm(types[k], types[k], PLANES, w, &s1);
		void *bb = compile_mm(types[k], types[k], BLOCKS_BORROW, w, &s2);
		void *bc = compile_mm(types[k], types[k], BLOCKS_COPY, w, &s3);
		/* asked for BF16 weights: the block constant stays as it is */
		void *kept = compile_mm(types[k], VNPU_DTYPE_BF16, BLOCKS_BORROW, w, &s4);

		ASSERT_NE(NULL, ref);
		ASSERT_NE(NULL, pl);
		ASSERT_NE(NULL, bb);
		ASSERT_NE(NULL, bc);
		ASSERT_NE(NULL, kept);
		EXPECT_EQ(s0, s1);
		EXPECT_EQ(s0, s2);
		EXPECT_EQ(s0, s3);
		EXPECT_EQ(0, memcmp(ref, pl, s0));
		EXPECT_EQ(0, memcmp(ref, bb, s0));
		EXPECT_EQ(0, memcmp(ref, bc, s0));
		EXPECT_EQ(s0, s4);
		free(ref);
		free(pl);
		free(bb);
		free(bc);
		free(kept);
	}
	EXPECT_EQ(VNPU_STATUS_OK, vnpu_shutdown());
}

TEST(blocks_constant_checks_its_arguments)
{
	static const uint32_t dw[2] = { 32, 64 }, odd[2] = { 1, 48 };
	static uint8_t codes[32 * 64], scales[32 * 64 / 16];
	vnpu_graph *g;
	vnpu_tensor t = 0;

	ASSERT_EQ(VNPU_STATUS_OK, mu_init_noenv());
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_graph_create(&g));
	EXPECT_EQ(VNPU_STATUS_INVALID_ARGUMENT,
		  vnpu_graph_constant_blocks(g, "w", VNPU_DTYPE_NVFP4, 2, dw, codes, 1024,
					     scales, 127, 1.0f, 0, &t));
	EXPECT_STREQ("vnpu_graph_constant_blocks: 'w' has 1024 code and 127 scale bytes, nvfp4 of 2048 elements needs 1024 and 128",
		     vnpu_last_error());
	EXPECT_EQ(VNPU_STATUS_INVALID_ARGUMENT,
		  vnpu_graph_constant_blocks(g, "w", VNPU_DTYPE_NVFP4, 2, dw, codes, 1024,
					     scales, 128, 0.0f, 0, &t));
	EXPECT_STREQ("vnpu_graph_constant_blocks: 'w': NVFP4 tensor scale 0 is not positive and finite",
		     vnpu_last_error());
	EXPECT_EQ(VNPU_STATUS_INVALID_ARGUMENT,
		  vnpu_graph_constant_blocks(g, "w", VNPU_DTYPE_BF16, 2, dw, codes, 1024,
					     scales, 128, 1.0f, 0, &t));
	EXPECT_STREQ("vnpu_graph_constant_blocks: 'w' is bf16, not a block type (mxfp4, nvfp4, mxfp8, mxfp8_e5m2)",
		     vnpu_last_error());
	EXPECT_EQ(VNPU_STATUS_INVALID_ARGUMENT,
		  vnpu_graph_constant_blocks(g, "w", VNPU_DTYPE_MXFP4, 2, odd, codes, 24,
					     scales, 1, 1.0f, 0, &t));
	EXPECT_EQ(VNPU_STATUS_INVALID_ARGUMENT,
		  vnpu_graph_constant_blocks(g, "w", VNPU_DTYPE_MXFP4, 2, dw, NULL, 1024,
					     scales, 64, 1.0f, 0, &t));
	EXPECT_EQ(VNPU_STATUS_INVALID_ARGUMENT,
		  vnpu_graph_constant_blocks(g, "w", VNPU_DTYPE_MXFP4, 2, dw, codes, 1024,
					     scales, 64, 1.0f, 0x8, &t));
	EXPECT_EQ(0, t);	/* nothing was added */
	EXPECT_EQ(VNPU_STATUS_OK,
		  vnpu_graph_constant_blocks(g, "w", VNPU_DTYPE_MXFP4, 2, dw, codes, 1024,
					     scales, 64, 0.0f, VNPU_CONST_BORROW, &t));
	EXPECT_EQ(1, t);
	vnpu_graph_destroy(g);
	EXPECT_EQ(VNPU_STATUS_OK, vnpu_shutdown());
}

/* ---- writing test files ---------------------------------------------------- */

/* One tensor to write: DATA (BYTES) as DTYPE of shape DIMS[RANK]. */
struct st_entry {
	char name[VNPU_ST_MAX_NAME];
	const char *dtype;
	uint32_t rank;
	uint64_t dims[3];
	const void *data;
	uint64_t bytes;
};

/* Write the N tensors E in order as DIR/model.safetensors. */
static int st_write(const char *dir, const struct st_entry *e, uint32_t n)
{
	size_t cap = 1 << 20, hl, size;
	char path[128], *hdr = malloc(cap);
	uint64_t off = 0;
	uint8_t *b;
	int ret;

	if (!hdr)
		return -1;
	hl = (size_t)snprintf(hdr, cap, "{");
	for (uint32_t i = 0; i < n; i++) {
		hl += (size_t)snprintf(hdr + hl, cap - hl, "%s\"%s\":{\"dtype\":\"%s\",\"shape\":[",
				       i ? "," : "", e[i].name, e[i].dtype);
		for (uint32_t k = 0; k < e[i].rank; k++)
			hl += (size_t)snprintf(hdr + hl, cap - hl, "%s%llu", k ? "," : "",
					       (unsigned long long)e[i].dims[k]);
		hl += (size_t)snprintf(hdr + hl, cap - hl, "],\"data_offsets\":[%llu,%llu]}",
				       (unsigned long long)off,
				       (unsigned long long)(off + e[i].bytes));
		off += e[i].bytes;
	}
	snprintf(hdr + hl, cap - hl, "}");
	b = mu_st_bytes(hdr, off, &size);
	free(hdr);
	if (!b)
		return -1;
	off = size - off;
	for (uint32_t i = 0; i < n; i++, off += e[i - 1].bytes)
		memcpy(b + off, e[i].data, e[i].bytes);
	snprintf(path, sizeof(path), "%s/model.safetensors", dir);
	mkdir(dir, 0755);
	ret = mu_write_file(path, b, size);
	free(b);
	return ret;
}

/* The entries of file F as they are (E has room for F->count + 3). */
static uint32_t st_entries(const struct vnpu_st_file *f, struct st_entry *e)
{
	for (uint32_t i = 0; i < f->count; i++) {
		const struct vnpu_st_tensor *t = &f->tensors[i];

		memset(&e[i], 0, sizeof(e[i]));
		snprintf(e[i].name, sizeof(e[i].name), "%s", t->name);
		e[i].dtype = vnpu_st_dtype_name(t->dtype);
		e[i].rank = t->rank;
		memcpy(e[i].dims, t->dims, sizeof(e[i].dims));
		e[i].data = t->data;
		e[i].bytes = t->end - t->begin;
	}
	return f->count;
}

/* Open DIR/model.safetensors. */
static struct vnpu_st_file *st_open(const char *dir)
{
	struct vnpu_st_file *f;
	char path[128];

	snprintf(path, sizeof(path), "%s/model.safetensors", dir);
	return vnpu_st_open(path, &f) ? NULL : f;
}

/* Copy DIR's config.json to DST. */
static int copy_config(const char *dir, const char *dst)
{
	vnpu_model_config c;
	char path[128];

	snprintf(path, sizeof(path), "%s/config.json", dir);
	if (vnpu_model_config_load(path, &c))
		return -1;
	snprintf(path, sizeof(path), "%s/config.json", dst);
	return vnpu_model_config_save(path, &c) ? -1 : 0;
}

/* Copy model SRC to DST with every BF16 tensor widened to F32 (exact). */
static int widen_bf16(const char *src, const char *dst)
{
	struct vnpu_st_file *f = st_open(src);
	struct st_entry *e;
	void **wide;
	uint32_t n;
	int ret = -1;

	if (!f)
		return -1;
	e = calloc(f->count, sizeof(*e));
	wide = calloc(f->count, sizeof(*wide));
	if (!e || !wide)
		goto out;
	n = st_entries(f, e);
	for (uint32_t i = 0; i < n; i++) {
		const struct vnpu_st_tensor *t = &f->tensors[i];
		uint32_t *w;

		if (t->dtype != VNPU_ST_BF16)
			continue;
		w = wide[i] = malloc(t->count * 4);
		if (!w)
			goto out;
		for (uint64_t j = 0; j < t->count; j++) {
			uint16_t h;

			memcpy(&h, t->data + 2 * j, 2);
			w[j] = (uint32_t)h << 16;
		}
		e[i].dtype = "F32";
		e[i].data = w;
		e[i].bytes = t->count * 4;
	}
	ret = st_write(dst, e, n);
	if (!ret)
		ret = copy_config(src, dst);
out:
	for (uint32_t i = 0; wide && i < f->count; i++)
		free(wide[i]);
	free(wide);
	free(e);
	vnpu_st_close(f);
	return ret;
}

/*
 * Rewrite DIR/model.safetensors with tensor NAME changed: dropped (DROP),
 * or given DTYPE (NULL: same) and shape DIMS[RANK] (RANK ~0u: same), its
 * bytes zero, or the first 4 bytes F32 value VAL when VAL is not NaN.
 */
static int rewrite(const char *dir, const char *name, int drop, const char *dtype,
		   uint32_t rank, const uint64_t *dims, float val)
{
	struct vnpu_st_file *f = st_open(dir);
	struct st_entry *e;
	uint8_t *zero = NULL;
	uint32_t n, k = 0;
	int ret = -1;

	if (!f)
		return -1;
	e = calloc(f->count, sizeof(*e));
	if (!e)
		goto out;
	n = st_entries(f, e);
	for (uint32_t i = 0; i < n; i++) {
		uint64_t cnt = 1;

		if (strcmp(e[i].name, name)) {
			e[k++] = e[i];
			continue;
		}
		if (drop)
			continue;
		if (dtype)
			e[i].dtype = dtype;
		if (rank != ~0u) {
			e[i].rank = rank;
			memcpy(e[i].dims, dims, rank * sizeof(*dims));
		}
		for (uint32_t d = 0; d < e[i].rank; d++)
			cnt *= e[i].dims[d];
		e[i].bytes = cnt * (strstr(e[i].dtype, "32") ? 4 : strstr(e[i].dtype, "16") ? 2 : 1);
		zero = calloc(1, e[i].bytes + 4);
		if (!zero)
			goto out;
		if (!isnan(val))
			memcpy(zero, &val, 4);
		e[i].data = zero;
		e[k++] = e[i];
	}
	/* st_write() copies every tensor before it truncates the file */
	ret = st_write(dir, e, k);
out:
	vnpu_st_close(f);
	free(zero);
	free(e);
	return ret;
}

/* ---- models ----------------------------------------------------------------- */

static const struct gen_preset *tiny(void)
{
	return gen_preset_find("tiny");
}

static vnpu_model *load_fmt(struct __test_metadata *_metadata, FIXTURE_DATA(pq) *self,
			    const char *dir, uint32_t fmt, uint32_t flags)
{
	vnpu_model_options o;
	vnpu_model *m = NULL;

	vnpu_model_options_init(&o);
	o.compile.weight_format = fmt;
	o.flags = flags;
	o.max_context = 32;
	if (vnpu_model_load(dir, self->dev, &o, &m))
		TH_LOG("load %s: %s", dir, vnpu_last_error());
	return m;
}

/*
 * The pre-quantized file and the unquantized one quantized at load give
 * the same decode program (file bytes), the same logits of every
 * position and the same generated tokens, bit for bit (F32 files for the
 * three formats, BF16 files for NVFP4).
 */
TEST_F(pq, prequantized_equals_quantized_at_load_bit_for_bit)
{
	static const uint32_t fmts[] = { VNPU_DTYPE_MXFP4, VNPU_DTYPE_NVFP4,
					 VNPU_DTYPE_MXFP8, VNPU_DTYPE_NVFP4 };
	static const int bf16[] = { 0, 0, 0, 1 };
	const uint32_t n = 10, v = tiny()->c.vocab;
	float *la = malloc((size_t)n * v * 4), *lb = malloc((size_t)n * v * 4);
	int32_t tok[10], ta[8], tb[8];
	vnpu_sampling s = { .temperature = 0.8f, .top_k = 40, .top_p = 0.95f, .seed = 3 };

	for (uint32_t i = 0; i < n; i++)
		tok[i] = (int32_t)((i * 53 + 7) % v);
	for (size_t f = 0; f < sizeof(fmts) / sizeof(fmts[0]); f++) {
		vnpu_model *ma, *mb;
		vnpu_program_info ia, ib;

		ASSERT_EQ(0, gen_write_model_q(self->a, tiny(), 5, bf16[f], 0, 0));
		ASSERT_EQ(0, gen_write_model_q(self->b, tiny(), 5, bf16[f], fmts[f], 0));
		ma = load_fmt(_metadata, self, self->a, fmts[f], 0);
		/* the file's own format, whatever compile.weight_format says */
		mb = load_fmt(_metadata, self, self->b, VNPU_DTYPE_BF16, VNPU_MODEL_FILE_FORMAT);
		ASSERT_NE(NULL, ma);
		ASSERT_NE(NULL, mb);
		EXPECT_EQ(0, vnpu_model_get_config(ma)->weight_quant);
		EXPECT_EQ(fmts[f], vnpu_model_get_config(mb)->weight_quant);
		ASSERT_EQ(VNPU_STATUS_OK, vnpu_program_info_get(vnpu_model_decode_program(ma), &ia));
		ASSERT_EQ(VNPU_STATUS_OK, vnpu_program_info_get(vnpu_model_decode_program(mb), &ib));
		EXPECT_EQ(ia.weight_bytes, ib.weight_bytes);
		{	/* the same decode program, packed weights included */
			void *pa = NULL, *pb = NULL;
			size_t sa = 0, sb = 0;

			ASSERT_EQ(VNPU_STATUS_OK,
				  vnpu_program_save_mem(vnpu_model_decode_program(ma), &pa, &sa));
			ASSERT_EQ(VNPU_STATUS_OK,
				  vnpu_program_save_mem(vnpu_model_decode_program(mb), &pb, &sb));
			EXPECT_EQ(sa, sb);
			EXPECT_EQ(0, memcmp(pa, pb, sa < sb ? sa : sb));
			free(pa);
			free(pb);
		}
		ASSERT_EQ(VNPU_STATUS_OK, vnpu_model_forward(ma, tok, n, la));
		ASSERT_EQ(VNPU_STATUS_OK, vnpu_model_forward(mb, tok, n, lb));
		EXPECT_EQ(0, memcmp(la, lb, (size_t)n * v * 4));
		EXPECT_TRUE(isfinite(lb[0]) && lb[0] != lb[1]);
		ASSERT_EQ(VNPU_STATUS_OK, vnpu_model_generate(ma, tok, 3, 8, NULL, ta, NULL, NULL, NULL));
		ASSERT_EQ(VNPU_STATUS_OK, vnpu_model_generate(mb, tok, 3, 8, NULL, tb, NULL, NULL, NULL));
		EXPECT_EQ(0, memcmp(ta, tb, sizeof(ta)));
		ASSERT_EQ(VNPU_STATUS_OK, vnpu_model_generate(ma, tok, 3, 8, &s, ta, NULL, NULL, NULL));
		ASSERT_EQ(VNPU_STATUS_OK, vnpu_model_generate(mb, tok, 3, 8, &s, tb, NULL, NULL, NULL));
		EXPECT_EQ(0, memcmp(ta, tb, sizeof(ta)));
		vnpu_model_destroy(ma);
		vnpu_model_destroy(mb);
	}
	free(la);
	free(lb);
}

/*
 * A BF16 file's embedding table and head are declared BF16 (no FP32
 * copy) when the program stores them as BF16 anyway: the logits equal
 * those of the same values in an F32 file, bit for bit, with the default
 * policy, without it, and with FP32 weights; and the run's peak memory
 * holds no FP32 copy of them.
 */
TEST_F(pq, bf16_tables_are_not_widened_and_give_the_f32_file_bits)
{
	static const uint32_t keeps[] = { VNPU_KEEP_DEFAULT, 0, VNPU_KEEP_DEFAULT };
	static const uint32_t fmts[] = { VNPU_DTYPE_NVFP4, VNPU_DTYPE_MXFP4, VNPU_DTYPE_FP32 };
	const uint32_t n = 6, v = tiny()->c.vocab;
	float *la = malloc((size_t)n * v * 4), *lb = malloc((size_t)n * v * 4);
	int32_t tok[6] = { 1, 50, 7, 300, 9, 44 };

	ASSERT_EQ(0, gen_write_model_q(self->a, tiny(), 9, 1, VNPU_DTYPE_NVFP4, 0));
	ASSERT_EQ(0, widen_bf16(self->a, self->b));
	for (int k = 0; k < 3; k++) {
		vnpu_model_options o;
		vnpu_model *ma = NULL, *mb = NULL;

		vnpu_model_options_init(&o);
		o.compile.keep = keeps[k];
		o.compile.weight_format = fmts[k];
		o.flags = VNPU_MODEL_FILE_FORMAT;
		o.max_context = 16;
		ASSERT_EQ(VNPU_STATUS_OK, vnpu_model_load(self->a, self->dev, &o, &ma))
			TH_LOG("%s", vnpu_last_error());
		ASSERT_EQ(VNPU_STATUS_OK, vnpu_model_load(self->b, self->dev, &o, &mb))
			TH_LOG("%s", vnpu_last_error());
		ASSERT_EQ(VNPU_STATUS_OK, vnpu_model_forward(ma, tok, n, la));
		ASSERT_EQ(VNPU_STATUS_OK, vnpu_model_forward(mb, tok, n, lb));
		EXPECT_EQ(0, memcmp(la, lb, (size_t)n * v * 4)) TH_LOG("case %d", k);
		vnpu_model_destroy(ma);
		vnpu_model_destroy(mb);
	}
	free(la);
	free(lb);
}

/*
 * A checkpoint that quantized its head too (ModelOpt without lm_head in
 * exclude_modules; gpt-oss-style blocks): the head is read pre-quantized
 * and kept in its format, giving the logits of the unquantized file with
 * the head quantized at load (keep flags without VNPU_KEEP_HEAD_BF16).
 */
TEST_F(pq, prequantized_head_equals_head_quantized_at_load)
{
	static const uint32_t qs[] = { VNPU_DTYPE_NVFP4, VNPU_DTYPE_MXFP4 };
	const struct gen_preset *p = tiny();
	const uint32_t n = 6, v = p->c.vocab, d = p->c.dim;
	float *la = malloc((size_t)n * v * 4), *lb = malloc((size_t)n * v * 4);
	uint8_t *codes = malloc((size_t)v * d), *scales = malloc((size_t)v * d / 16);
	int32_t tok[6] = { 3, 1, 4, 1, 5, 9 };
	char c_dir[128];

	snprintf(c_dir, sizeof(c_dir), "%s/c", self->dir);
	for (int q = 0; q < 2; q++) {
		uint32_t fmt = qs[q] == VNPU_DTYPE_NVFP4 ? VNPU_FMT_NVFP4 : VNPU_FMT_MXFP4;
		struct vnpu_st_file *fa, *fb;
		const struct vnpu_st_tensor *h;
		struct st_entry *e;
		vnpu_model_options o;
		vnpu_model *ma = NULL, *mb = NULL;
		uint32_t ne;
		float ts = 1.0f;

		ASSERT_EQ(0, gen_write_model_q(self->a, p, 2, 0, 0, 0));
		ASSERT_EQ(0, gen_write_model_q(self->b, p, 2, 0, qs[q], 0));
		fa = st_open(self->a);
		fb = st_open(self->b);
		ASSERT_NE(NULL, fa);
		ASSERT_NE(NULL, fb);
		h = vnpu_st_find(fa, "lm_head.weight");
		ASSERT_NE(NULL, h);
		if (qs[q] == VNPU_DTYPE_NVFP4)
			vnpu_nvfp4_tensor_scale((const float *)h->data, (size_t)v * d, &ts);
		ASSERT_EQ(0, vnpu_quantize(fmt, (const float *)h->data, (size_t)v * d, codes,
					   scales, &ts, NULL));
		e = calloc(fb->count + 3, sizeof(*e));
		ASSERT_NE(NULL, e);
		ne = st_entries(fb, e);
		for (uint32_t i = 0; i < ne; i++) {
			if (strcmp(e[i].name, "lm_head.weight"))
				continue;
			e[i].data = codes;
			e[i].bytes = (uint64_t)v * d / 2;
			e[i].dtype = "U8";
			e[i].dims[1] = d / 2;
			if (qs[q] == VNPU_DTYPE_MXFP4) {
				strcpy(e[i].name, "lm_head.weight_blocks");
				e[i].rank = 3;
				e[i].dims[1] = d / 32;
				e[i].dims[2] = 16;
			}
		}
		e[ne] = (struct st_entry){ .dtype = qs[q] == VNPU_DTYPE_NVFP4 ? "F8_E4M3" : "U8",
					   .rank = 2, .dims = { v, d / vnpu_fmt_block(fmt) },
					   .data = scales, .bytes = (uint64_t)v * d / vnpu_fmt_block(fmt) };
		strcpy(e[ne++].name, qs[q] == VNPU_DTYPE_NVFP4 ? "lm_head.weight_scale" :
		       "lm_head.weight_scales");
		if (qs[q] == VNPU_DTYPE_NVFP4) {
			e[ne] = (struct st_entry){ .dtype = "F32", .data = &ts, .bytes = 4 };
			strcpy(e[ne++].name, "lm_head.weight_scale_2");
		}
		ASSERT_EQ(0, st_write(c_dir, e, ne));
		ASSERT_EQ(0, copy_config(self->b, c_dir));
		free(e);
		vnpu_st_close(fa);
		vnpu_st_close(fb);

		vnpu_model_options_init(&o);
		o.compile.weight_format = qs[q];
		o.compile.keep = VNPU_KEEP_EMBEDDINGS_BF16;	/* the head quantized */
		o.max_context = 16;
		ASSERT_EQ(VNPU_STATUS_OK, vnpu_model_load(self->a, self->dev, &o, &ma))
			TH_LOG("%s", vnpu_last_error());
		o.compile.keep = VNPU_KEEP_DEFAULT;	/* kept: a block head stays */
		ASSERT_EQ(VNPU_STATUS_OK, vnpu_model_load(c_dir, self->dev, &o, &mb))
			TH_LOG("%s", vnpu_last_error());
		ASSERT_EQ(VNPU_STATUS_OK, vnpu_model_forward(ma, tok, n, la));
		ASSERT_EQ(VNPU_STATUS_OK, vnpu_model_forward(mb, tok, n, lb));
		EXPECT_EQ(0, memcmp(la, lb, (size_t)n * v * 4)) TH_LOG("%s", vnpu_dtype_name(qs[q]));
		vnpu_model_destroy(ma);
		vnpu_model_destroy(mb);
	}
	free(codes);
	free(scales);
	free(la);
	free(lb);
}

TEST_F(pq, another_weight_format_is_refused_naming_both)
{
	vnpu_model_options o;
	vnpu_model *m = (void *)1;
	char msg[512];

	ASSERT_EQ(0, gen_write_model_q(self->b, tiny(), 1, 0, VNPU_DTYPE_NVFP4, 0));
	vnpu_model_options_init(&o);	/* MXFP4 */
	EXPECT_EQ(VNPU_STATUS_INVALID_ARGUMENT, vnpu_model_load(self->b, self->dev, &o, &m));
	EXPECT_EQ(NULL, m);
	snprintf(msg, sizeof(msg), "%s/model.safetensors: the weights are pre-quantized to nvfp4, the requested weight format is mxfp4 (re-quantizing them would compound the error: ask for nvfp4, or load an unquantized model)",
		 self->b);
	EXPECT_STREQ(msg, vnpu_last_error());
	o.compile.weight_format = VNPU_DTYPE_NVFP4;
	o.compile.hadamard = 1;
	EXPECT_EQ(VNPU_STATUS_INVALID_ARGUMENT, vnpu_model_load(self->b, self->dev, &o, &m));
	snprintf(msg, sizeof(msg), "%s/model.safetensors: the weights are pre-quantized to nvfp4: they cannot be Hadamard-rotated",
		 self->b);
	EXPECT_STREQ(msg, vnpu_last_error());
}

/* ---- malformed files -------------------------------------------------------- */

struct bad_case {
	uint32_t quant;
	const char *name;	/* the tensor changed, under model.layers.0. */
	int drop;
	const char *dtype;
	uint32_t rank;
	uint64_t dims[3];
	float val;
	const char *msg;	/* after "DIR/model.safetensors: " */
};

#define Q "model.layers.0.self_attn.q_proj"
#define KEEP ~0u
static const struct bad_case bad[] = {
	/* NVFP4 (ModelOpt) */
	{ VNPU_DTYPE_NVFP4, Q ".weight_scale", 1, NULL, KEEP, { 0 }, NAN,
	  "no tensor '" Q ".weight_scale' (the nvfp4 scales of '" Q "')" },
	{ VNPU_DTYPE_NVFP4, Q ".weight_scale", 0, NULL, 2, { 64, 5 }, NAN,
	  "tensor '" Q ".weight_scale' has shape [64, 5] (rank 2), the config needs [64, 4]" },
	{ VNPU_DTYPE_NVFP4, Q ".weight_scale", 0, NULL, 2, { 64, 3 }, NAN,
	  "tensor '" Q ".weight_scale' has shape [64, 3] (rank 2), the config needs [64, 4]" },
	{ VNPU_DTYPE_NVFP4, Q ".weight_scale", 0, "U8", KEEP, { 0 }, NAN,
	  "tensor '" Q ".weight_scale' is U8 (F8_E4M3 expected)" },
	{ VNPU_DTYPE_NVFP4, Q ".weight", 0, "I8", KEEP, { 0 }, NAN,
	  "tensor '" Q ".weight' is I8 (U8 NVFP4 codes, or F32, BF16, F16 expected)" },
	{ VNPU_DTYPE_NVFP4, Q ".weight", 0, NULL, 2, { 64, 64 }, NAN,
	  "tensor '" Q ".weight' has shape [64, 64] (rank 2), the config needs [64, 32]" },
	{ VNPU_DTYPE_NVFP4, Q ".weight", 1, NULL, KEEP, { 0 }, NAN,
	  "no tensor '" Q ".weight'" },
	{ VNPU_DTYPE_NVFP4, Q ".weight_scale_2", 1, NULL, KEEP, { 0 }, NAN,
	  "no tensor '" Q ".weight_scale_2' (the NVFP4 tensor scale of '" Q "')" },
	{ VNPU_DTYPE_NVFP4, Q ".weight_scale_2", 0, NULL, 1, { 2 }, NAN,
	  "tensor '" Q ".weight_scale_2' has shape [2] (rank 1), the config needs [1]" },
	{ VNPU_DTYPE_NVFP4, Q ".weight_scale_2", 0, "BF16", 0, { 0 }, NAN,
	  "tensor '" Q ".weight_scale_2' is BF16 (F32 expected)" },
	{ VNPU_DTYPE_NVFP4, Q ".weight_scale_2", 0, NULL, KEEP, { 0 }, -1.0f,
	  "tensor '" Q ".weight_scale_2' = -1 is not a positive finite tensor scale" },
	/* MXFP4 (gpt-oss) */
	{ VNPU_DTYPE_MXFP4, Q ".weight_blocks", 1, NULL, KEEP, { 0 }, NAN,
	  "no tensor '" Q ".weight_blocks' (nor an unquantized '" Q ".weight')" },
	{ VNPU_DTYPE_MXFP4, Q ".weight_blocks", 0, NULL, 3, { 64, 2, 15 }, NAN,
	  "tensor '" Q ".weight_blocks' has shape [64, 2, 15] (rank 3), the config needs [64, 2, 16]" },
	{ VNPU_DTYPE_MXFP4, Q ".weight_blocks", 0, "I8", KEEP, { 0 }, NAN,
	  "tensor '" Q ".weight_blocks' is I8 (U8 expected)" },
	{ VNPU_DTYPE_MXFP4, Q ".weight_scales", 1, NULL, KEEP, { 0 }, NAN,
	  "no tensor '" Q ".weight_scales' (the mxfp4 scales of '" Q "')" },
	{ VNPU_DTYPE_MXFP4, Q ".weight_scales", 0, NULL, 2, { 64, 3 }, NAN,
	  "tensor '" Q ".weight_scales' has shape [64, 3] (rank 2), the config needs [64, 2]" },
	{ VNPU_DTYPE_MXFP4, Q ".weight_scales", 0, NULL, 1, { 128 }, NAN,
	  "tensor '" Q ".weight_scales' has shape [128] (rank 1), the config needs [64, 2]" },
	/* MXFP8 (ModelOpt) */
	{ VNPU_DTYPE_MXFP8, Q ".weight", 0, "U8", KEEP, { 0 }, NAN,
	  "tensor '" Q ".weight' is U8 (F8_E4M3 MXFP8 codes, or F32, BF16, F16 expected)" },
	{ VNPU_DTYPE_MXFP8, Q ".weight_scale", 0, "F8_E4M3", KEEP, { 0 }, NAN,
	  "tensor '" Q ".weight_scale' is F8_E4M3 (U8 expected)" },
	{ VNPU_DTYPE_MXFP8, Q ".weight_scale", 0, NULL, 2, { 65, 2 }, NAN,
	  "tensor '" Q ".weight_scale' has shape [65, 2] (rank 2), the config needs [64, 2]" },
	/* embeddings are never pre-quantized (the card gathers FP32/BF16 rows) */
	{ VNPU_DTYPE_NVFP4, "model.embed_tokens.weight", 0, "U8", 2, { 512, 32 }, NAN,
	  "tensor 'model.embed_tokens.weight' is U8 (F32, BF16 or F16 expected)" },
};

TEST_F(pq, malformed_prequantized_files_give_exact_messages)
{
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const struct bad_case *c = &bad[i];
		vnpu_model *m = (void *)1;
		char msg[512];

		ASSERT_EQ(0, gen_write_model_q(self->b, tiny(), 1, 0, c->quant, 0));
		ASSERT_EQ(0, rewrite(self->b, c->name, c->drop, c->dtype, c->rank, c->dims, c->val));
		EXPECT_EQ(VNPU_STATUS_INVALID_ARGUMENT,
			  vnpu_model_load(self->b, self->dev, NULL, &m)) TH_LOG("case %zu", i);
		EXPECT_EQ(NULL, m);
		snprintf(msg, sizeof(msg), "%s/model.safetensors: %s", self->b, c->msg);
		/* NULL options: MXFP4 is asked for; FILE_FORMAT below */
		if (c->quant != VNPU_DTYPE_MXFP4) {
			vnpu_model_options o;

			vnpu_model_options_init(&o);
			o.flags = VNPU_MODEL_FILE_FORMAT;
			EXPECT_EQ(VNPU_STATUS_INVALID_ARGUMENT,
				  vnpu_model_load(self->b, self->dev, &o, &m));
		}
		EXPECT_STREQ(msg, vnpu_last_error()) TH_LOG("case %zu", i);
	}
}

TEST_F(pq, truncated_prequantized_file_is_refused)
{
	vnpu_model *m = (void *)1;
	vnpu_model_options o;
	char path[128];
	off_t sizes[] = { 20000, 200000, 324000 };

	vnpu_model_options_init(&o);
	o.flags = VNPU_MODEL_FILE_FORMAT;
	snprintf(path, sizeof(path), "%s/model.safetensors", self->b);
	for (size_t i = 0; i < 3; i++) {
		ASSERT_EQ(0, gen_write_model_q(self->b, tiny(), 1, 0, VNPU_DTYPE_NVFP4, 0));
		ASSERT_EQ(0, truncate(path, sizes[i]));
		EXPECT_EQ(VNPU_STATUS_INVALID_ARGUMENT, vnpu_model_load(self->b, self->dev, &o, &m));
		EXPECT_EQ(NULL, m);
		EXPECT_NE(NULL, strstr(vnpu_last_error(), "(truncated?)")) TH_LOG("%s", vnpu_last_error());
	}
}

/* ---- config ----------------------------------------------------------------- */

static vnpu_status cfg_with(FIXTURE_DATA(pq) *self, const char *quant, const char *hf,
			    vnpu_model_config *c)
{
	char path[128], text[1024];

	mkdir(self->a, 0755);
	snprintf(path, sizeof(path), "%s/hf_quant_config.json", self->a);
	unlink(path);
	if (hf && mu_write_file(path, hf, strlen(hf)))
		return VNPU_STATUS_IO_ERROR;
	snprintf(text, sizeof(text), "{\"hidden_size\": 64, \"num_hidden_layers\": 1, "
		 "\"num_attention_heads\": 2, \"intermediate_size\": 64, \"vocab_size\": 8%s%s}",
		 quant ? ", \"quantization_config\": " : "", quant ? quant : "");
	snprintf(path, sizeof(path), "%s/config.json", self->a);
	if (mu_write_file(path, text, strlen(text)))
		return VNPU_STATUS_IO_ERROR;
	return vnpu_model_config_load(path, c);
}

TEST_F(pq, config_declares_the_quantization)
{
	static const struct { const char *q, *hf; uint32_t want; const char *msg; } cs[] = {
		{ NULL, NULL, 0, NULL },
		{ "{\"quant_method\": \"mxfp4\"}", NULL, VNPU_DTYPE_MXFP4, NULL },
		{ "{\"quant_method\": \"modelopt\", \"quant_algo\": \"NVFP4\", \"group_size\": 16}",
		  NULL, VNPU_DTYPE_NVFP4, NULL },
		{ "{\"quant_method\": \"modelopt\", \"quant_algo\": \"MXFP8\"}", NULL,
		  VNPU_DTYPE_MXFP8, NULL },
		{ NULL, "{\"producer\": {\"name\": \"modelopt\"}, \"quantization\": "
		  "{\"quant_algo\": \"NVFP4\", \"group_size\": 16, \"exclude_modules\": [\"lm_head\"]}}",
		  VNPU_DTYPE_NVFP4, NULL },
		{ "{\"quant_method\": \"gptq\"}", NULL, 0,
		  "config.json: quantization_config.quant_method 'gptq' is not supported (modelopt or mxfp4)" },
		{ "{\"quant_method\": \"modelopt\", \"quant_algo\": \"FP8\"}", NULL, 0,
		  "config.json: quantization_config.quant_algo 'FP8' is not supported (NVFP4 or MXFP8)" },
		{ "{\"quant_method\": \"modelopt\", \"quant_algo\": \"NVFP4\", \"group_size\": 32}",
		  NULL, 0, "config.json: quantization_config.group_size 32, nvfp4 has blocks of 16" },
		{ "[1]", NULL, 0, "config.json: \"quantization_config\" is not an object" },
		{ NULL, "{\"quantization\": {\"quant_algo\": \"W4A16_AWQ\"}}", 0,
		  "hf_quant_config.json: quantization.quant_algo 'W4A16_AWQ' is not supported (NVFP4 or MXFP8)" },
		{ NULL, "{\"quant\": 1}", 0, "hf_quant_config.json: no \"quantization\" object" },
		{ NULL, "{", 0, "hf_quant_config.json: not a readable JSON file" },
	};

	for (size_t i = 0; i < sizeof(cs) / sizeof(cs[0]); i++) {
		vnpu_model_config c;
		vnpu_status st = cfg_with(self, cs[i].q, cs[i].hf, &c);

		if (!cs[i].msg) {
			EXPECT_EQ(VNPU_STATUS_OK, st) TH_LOG("case %zu: %s", i, vnpu_last_error());
			EXPECT_EQ(cs[i].want, c.weight_quant) TH_LOG("case %zu", i);
			continue;
		}
		EXPECT_EQ(VNPU_STATUS_INVALID_ARGUMENT, st) TH_LOG("case %zu", i);
		EXPECT_NE(NULL, strstr(vnpu_last_error(), cs[i].msg))
			TH_LOG("case %zu: %s", i, vnpu_last_error());
	}
}

/* config.json round trip: a pre-quantized config saves and loads back. */
TEST_F(pq, config_save_writes_the_quantization)
{
	static const uint32_t qs[] = { VNPU_DTYPE_NVFP4, VNPU_DTYPE_MXFP4, VNPU_DTYPE_MXFP8 };
	vnpu_model_config c = tiny()->c, back;
	char path[128];

	snprintf(path, sizeof(path), "%s/config.json", self->dir);
	for (int i = 0; i < 3; i++) {
		c.weight_quant = qs[i];
		ASSERT_EQ(VNPU_STATUS_OK, vnpu_model_config_save(path, &c));
		ASSERT_EQ(VNPU_STATUS_OK, vnpu_model_config_load(path, &back));
		EXPECT_EQ(0, memcmp(&c, &back, sizeof(c)));
	}
	c.weight_quant = VNPU_DTYPE_BF16;
	EXPECT_EQ(VNPU_STATUS_INVALID_ARGUMENT, vnpu_model_config_check(&c));
	EXPECT_STREQ("config: pre-quantized weights are NVFP4, MXFP4 or MXFP8, not bf16",
		     vnpu_last_error());
}

TEST_HARNESS_MAIN
