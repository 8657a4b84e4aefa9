// SPDX-License-Identifier: GPL-2.0
/*
 * Models on the CPU backend: config.json and safetensors errors (each
 * message checked), loading, decode against prefill, sampling.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <vnpu/vnpu.h>

#include "vnpu_model_internal.h"
#include "vnpu_safetensors.h"
#include "model_util.h"
#include "kselftest_harness.h"

FIXTURE(md) {
	vnpu_device *dev;
	char dir[64];
	vnpu_model_config c;
};

FIXTURE_SETUP(md)
{
	vnpu_device_options o;

	ASSERT_EQ(VNPU_STATUS_OK, mu_init_noenv());
	vnpu_device_options_init(&o);
	o.cpu_threads = 2;
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_device_open("cpu", &o, &self->dev));
	strcpy(self->dir, "/tmp/vnpu_models_XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	mu_config(&self->c);
}

FIXTURE_TEARDOWN(md)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", self->dir);
	EXPECT_EQ(0, system(cmd));
	EXPECT_EQ(VNPU_STATUS_OK, vnpu_device_close(self->dev));
	EXPECT_EQ(VNPU_STATUS_OK, vnpu_shutdown());
}

/* ---- safetensors ----------------------------------------------------------- */

struct st_case {
	const char *header;
	size_t data;
	const char *msg;	/* a part of the expected message */
};

static const struct st_case st_bad[] = {
	{ "not json at all", 0, "does not start with '{'" },
	{ "{\"a\":", 0, "not valid JSON" },
	{ "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}} x", 4,
	  "not valid JSON" },
	{ "{\"a\":{\"dtype\":\"F8_E4M3FNUZ\",\"shape\":[1],\"data_offsets\":[0,1]}}", 1,
	  "tensor 'a': unsupported dtype 'F8_E4M3FNUZ'" },
	{ "{\"a\":{\"shape\":[1],\"data_offsets\":[0,4]}}", 4, "tensor 'a': no \"dtype\" string" },
	{ "{\"a\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", 4, "no \"shape\" array" },
	{ "{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", 4,
	  "shape[0] is not a non-negative integer" },
	{ "{\"a\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}", 4,
	  "shape[0] is not a non-negative integer" },
	{ "{\"a\":{\"dtype\":\"F32\",\"shape\":[1,2,3,4,5,6,7,8,9],\"data_offsets\":[0,4]}}", 4,
	  "rank 9 above 8" },
	{ "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}", 4,
	  "\"data_offsets\" is not [begin, end]" },
	{ "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,4]}}", 8,
	  "begin 8 after end 4" },
	{ "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 4,
	  "data ends at 8, past the 4 data bytes of the file (truncated?)" },
	{ "{\"a\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,12]}}", 12,
	  "12 bytes for 4 F32 elements (expected 16)" },
	{ "{\"a\":{\"dtype\":\"F32\",\"shape\":[4611686018427387903,4],\"data_offsets\":[0,4]}}", 4,
	  "shape overflows" },
	{ "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
	  "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12, "overlap" },
	{ "{\"__metadata__\":[1],\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4,
	  "\"__metadata__\" is not a JSON object" },
	{ "[1,2]", 0, "does not start with '{'" },
	{ "{\"a\":7}", 0, "tensor 'a': entry is not a JSON object" },
};

TEST_F(md, safetensors_rejects_each_malformed_header)
{
	for (size_t i = 0; i < sizeof(st_bad) / sizeof(st_bad[0]); i++) {
		size_t size;
		uint8_t *b = mu_st_bytes(st_bad[i].header, st_bad[i].data, &size);
		struct vnpu_st_file *f = (void *)1;

		ASSERT_NE(NULL, b);
		EXPECT_EQ(VNPU_STATUS_INVALID_ARGUMENT, vnpu_st_parse(b, size, "t.st", &f));
		EXPECT_EQ(NULL, f);
		if (!strstr(vnpu_last_error(), st_bad[i].msg))
			TH_LOG("case %zu: '%s' lacks '%s'", i, vnpu_last_error(), st_bad[i].msg);
		EXPECT_NE(NULL, strstr(vnpu_last_error(), st_bad[i].msg));
		EXPECT_EQ(0, strncmp(vnpu_last_error(), "t.st: ", 6));
		free(b);
	}
}

TEST_F(md, safetensors_header_length_and_size)
{
	uint8_t b[16] = { 0 };
	struct vnpu_st_file *f;

	EXPECT_EQ(VNPU_STATUS_INVALID_ARGUMENT, vnpu_st_parse(b, 7, "x", &f));
	EXPECT_STREQ("x: 7 bytes, too short for a safetensors header", vnpu_last_error());
	b[0] = 200;	/* claims 200 header bytes, has 8 */
	EXPECT_EQ(VNPU_STATUS_INVALID_ARGUMENT, vnpu_st_parse(b, 16, "x", &f));
	EXPECT_STREQ("x: header of 200 bytes but the file has 8 (truncated?)",
		     vnpu_last_error());
	memset(b, 0xff, 8);
	EXPECT_EQ(VNPU_STATUS_INVALID_ARGUMENT, vnpu_st_parse(b, 16, "x", &f));
	EXPECT_NE(NULL, strstr(vnpu_last_error(), "header length 18446744073709551615 is not in 2.."));
	EXPECT_EQ(VNPU_STATUS_NOT_FOUND, vnpu_st_open("/nonexistent/m.safetensors", &f));
}

TEST_F(md, safetensors_reads_a_valid_file_and_every_truncation_fails)
{
	const char *h = "{\"__metadata__\":{\"k\":\"v\"},"
			"\"w\":{\"dtype\":\"BF16\",\"shape\":[2,3],\"data_offsets\":[4,16]},"
			"\"e\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]},"
			"\"z\":{\"dtype\":\"I32\",\"shape\":[0],\"data_offsets\":[16,16]}}";
	size_t size;
	uint8_t *b = mu_st_bytes(h, 16, &size);
	struct vnpu_st_file *f;
	const struct vnpu_st_tensor *t;

	ASSERT_EQ(VNPU_STATUS_OK, vnpu_st_parse(b, size, "ok", &f));
	ASSERT_EQ(3u, f->count);
	t = vnpu_st_find(f, "w");
	ASSERT_NE(NULL, t);
	EXPECT_EQ(VNPU_ST_BF16, t->dtype);
	EXPECT_EQ(2u, t->rank);
	EXPECT_EQ(3u, t->dims[1]);
	EXPECT_EQ(6u, t->count);
	EXPECT_EQ(b + 8 + strlen(h) + 4, t->data);
	t = vnpu_st_find(f, "e");
	ASSERT_NE(NULL, t);
	EXPECT_EQ(0u, t->rank);
	EXPECT_EQ(1u, t->count);
	EXPECT_EQ(NULL, vnpu_st_find(f, "__metadata__"));
	vnpu_st_close(f);
	for (size_t n = 0; n < size; n++) {
		f = (void *)1;
		EXPECT_EQ(VNPU_STATUS_INVALID_ARGUMENT, vnpu_st_parse(b, n, "cut", &f));
		EXPECT_EQ(NULL, f);
	}
	free(b);
}

/* ---- config.json ------------------------------------------------------------ */

static vnpu_status load_cfg_text(const char *dir, const char *text, vnpu_model_config *c)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/config.json", dir);
	if (mu_write_file(path, text, strlen(text)))
		return VNPU_STATUS_IO_ERROR;
	return vnpu_model_config_load(path, c);
}

TEST_F(md, config_keys_defaults_and_errors)
{
	static const struct { const char *text, *msg; } bad[] = {
		{ "{\"num_hidden_layers\":2,\"num_attention_heads\":4,\"intermediate_size\":64,\"vocab_size\":9}",
		  "no \"hidden_size\"" },
		{ "{\"hidden_size\":\"64\",\"num_hidden_layers\":2,\"num_attention_heads\":4,\"intermediate_size\":64,\"vocab_size\":9}",
		  "\"hidden_size\" is not an integer" },
		{ "{\"hidden_size\":65,\"num_hidden_layers\":2,\"num_attention_heads\":5,\"intermediate_size\":64,\"vocab_size\":9}",
		  "hidden_size 65 is not a positive multiple of 32" },
		{ "{\"hidden_size\":64,\"num_hidden_layers\":2,\"num_attention_heads\":4,\"num_key_value_heads\":3,\"intermediate_size\":64,\"vocab_size\":9}",
		  "num_attention_heads 4 is not a multiple of num_key_value_heads 3" },
		{ "{\"hidden_size\":64,\"num_hidden_layers\":0,\"num_attention_heads\":4,\"intermediate_size\":64,\"vocab_size\":9}",
		  "\"num_hidden_layers\" = 0 is not in 1.." },
		{ "{\"hidden_size\":64,\"num_hidden_layers\":2,\"num_attention_heads\":4,\"intermediate_size\":64,\"vocab_size\":9,\"rope_theta\":-1}",
		  "\"rope_theta\" = -1 is not a positive finite number" },
		{ "{\"hidden_size\":64,\"num_hidden_layers\":2,\"num_attention_heads\":4,\"intermediate_size\":64,\"vocab_size\":9,\"tie_word_embeddings\":1}",
		  "\"tie_word_embeddings\" is not true or false" },
		{ "{\"hidden_size\":64,", "not a readable JSON file" },
		{ "[]", "not a JSON object" },
	};
	vnpu_model_config c;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_EQ(VNPU_STATUS_INVALID_ARGUMENT, load_cfg_text(self->dir, bad[i].text, &c));
		if (!strstr(vnpu_last_error(), bad[i].msg))
			TH_LOG("case %zu: '%s'", i, vnpu_last_error());
		EXPECT_NE(NULL, strstr(vnpu_last_error(), bad[i].msg));
	}
	ASSERT_EQ(VNPU_STATUS_OK, load_cfg_text(self->dir,
		  "{\"hidden_size\":128,\"num_hidden_layers\":3,\"num_attention_heads\":4,"
		  "\"intermediate_size\":96,\"vocab_size\":1000,\"rms_norm_eps\":1e-6}", &c));
	EXPECT_EQ(128u, c.dim);
	EXPECT_EQ(4u, c.n_kv_heads);	/* defaults to the heads */
	EXPECT_EQ(32u, c.head_dim);	/* dim / heads */
	EXPECT_EQ(2048u, c.max_seq);
	EXPECT_EQ(10000.0f, c.rope_theta);
	EXPECT_EQ(1e-6f, c.norm_eps);
	EXPECT_EQ(0u, c.tied);
	/* save + load is the identity */
	{
		char path[128];
		vnpu_model_config d;

		snprintf(path, sizeof(path), "%s/config.json", self->dir);
		ASSERT_EQ(VNPU_STATUS_OK, vnpu_model_config_save(path, &self->c));
		ASSERT_EQ(VNPU_STATUS_OK, vnpu_model_config_load(path, &d));
		EXPECT_EQ(0, memcmp(&d, &self->c, sizeof(d)));
	}
	EXPECT_EQ(VNPU_STATUS_NOT_FOUND,
		  vnpu_model_config_load("/nonexistent/config.json", &c));
}

/* ---- loading --------------------------------------------------------------- */

TEST_F(md, load_names_the_missing_or_misshapen_tensor)
{
	vnpu_model *m = (void *)1;
	vnpu_model_config c = self->c;
	char path[128];

	ASSERT_EQ(0, mu_write_model(self->dir, &c, 1, 0));
	/* the config asks for a third layer the file lacks */
	c.n_layers = 3;
	snprintf(path, sizeof(path), "%s/config.json", self->dir);
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_model_config_save(path, &c));
	EXPECT_EQ(VNPU_STATUS_INVALID_ARGUMENT, vnpu_model_load(self->dir, self->dev, NULL, &m));
	EXPECT_EQ(NULL, m);
	EXPECT_NE(NULL, strstr(vnpu_last_error(),
			       "model.safetensors: no tensor 'model.layers.2.input_layernorm.weight'"));
	/* a wider FFN than the file's */
	c = self->c;
	c.ffn_dim = 160;
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_model_config_save(path, &c));
	EXPECT_EQ(VNPU_STATUS_INVALID_ARGUMENT, vnpu_model_load(self->dir, self->dev, NULL, &m));
	EXPECT_NE(NULL, strstr(vnpu_last_error(),
			       "tensor 'model.layers.0.mlp.gate_proj.weight' has shape [128, 64] (rank 2), the config needs [160, 64]"));
	/* a truncated weights file */
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_model_config_save(path, &self->c));
	snprintf(path, sizeof(path), "%s/model.safetensors", self->dir);
	ASSERT_EQ(0, truncate(path, 4000));
	EXPECT_EQ(VNPU_STATUS_INVALID_ARGUMENT, vnpu_model_load(self->dir, self->dev, NULL, &m));
	EXPECT_NE(NULL, strstr(vnpu_last_error(), "(truncated?)"));
	EXPECT_EQ(VNPU_STATUS_NOT_FOUND, vnpu_model_load("/nonexistent", self->dev, NULL, &m));
}

static vnpu_model *load_aq(struct __test_metadata *_metadata, FIXTURE_DATA(md) *self,
			   uint32_t fmt, uint32_t aq, uint32_t ctx)
{
	vnpu_model_options o;
	vnpu_model *m = NULL;

	vnpu_model_options_init(&o);
	o.compile.weight_format = fmt;
	o.compile.act_quant = aq;
	o.max_context = ctx;
	if (vnpu_model_load(self->dir, self->dev, &o, &m))
		TH_LOG("load: %s", vnpu_last_error());
	return m;
}

static vnpu_model *load(struct __test_metadata *_metadata, FIXTURE_DATA(md) *self,
			uint32_t fmt, uint32_t ctx)
{
	return load_aq(_metadata, self, fmt, VNPU_ACT_QUANT_NONE, ctx);
}

/*
 * Decoding token by token gives the same logits as one prefill over the
 * whole sequence, bit for bit: every row of a matmul is computed the same
 * way whatever the number of rows (the engine's row kernels do not depend
 * on M, and activations are not quantized by default), attention of one
 * query reads the same cache rows in the same order, and the cache rows
 * are written from the same bits.
 */
TEST_F(md, decode_equals_prefill_of_the_longer_prompt_bit_for_bit)
{
	static const uint32_t fmts[] = { VNPU_DTYPE_MXFP4, VNPU_DTYPE_NVFP4,
					 VNPU_DTYPE_BF16, VNPU_DTYPE_MXFP4 };
	/* the last: MXINT8 activations, quantized per row block */
	static const uint32_t aqs[] = { 0, 0, 0, VNPU_ACT_QUANT_MXINT8 };
	const uint32_t n = 12, k = 5, v = self->c.vocab;
	int32_t tok[12];
	float *all = malloc((size_t)n * v * 4), *one = malloc((size_t)v * 4);

	ASSERT_EQ(0, mu_write_model(self->dir, &self->c, 7, 0));
	for (uint32_t i = 0; i < n; i++)
		tok[i] = (int32_t)((i * 37 + 11) % v);
	for (size_t f = 0; f < sizeof(fmts) / sizeof(fmts[0]); f++) {
		vnpu_model *m = load_aq(_metadata, self, fmts[f], aqs[f], 32);

		ASSERT_NE(NULL, m);
		ASSERT_EQ(VNPU_STATUS_OK, vnpu_model_forward(m, tok, n, all));
		EXPECT_EQ(n, vnpu_model_position(m));
		ASSERT_EQ(VNPU_STATUS_OK, vnpu_model_prefill(m, tok, k, one));
		EXPECT_EQ(0, memcmp(one, all + (size_t)(k - 1) * v, (size_t)v * 4));
		for (uint32_t i = k; i < n; i++) {
			ASSERT_EQ(VNPU_STATUS_OK, vnpu_model_decode(m, tok[i], one));
			EXPECT_EQ(i + 1, vnpu_model_position(m));
			EXPECT_EQ(0, memcmp(one, all + (size_t)i * v, (size_t)v * 4));
		}
		/* logits are finite and not all equal */
		EXPECT_TRUE(isfinite(one[0]) && one[0] != one[1]);
		vnpu_model_destroy(m);
	}
	free(all);
	free(one);
}

TEST_F(md, bad_tokens_and_a_full_cache_are_refused)
{
	vnpu_model *m;
	int32_t tok[4] = { 1, 2, 3, 96 };

	ASSERT_EQ(0, mu_write_model(self->dir, &self->c, 3, 0));
	m = load(_metadata, self, VNPU_DTYPE_MXFP4, 4);
	ASSERT_NE(NULL, m);
	EXPECT_EQ(VNPU_STATUS_INVALID_ARGUMENT, vnpu_model_prefill(m, tok, 4, NULL));
	EXPECT_STREQ("model: token 3 is 96, not in 0..95 (the vocabulary)", vnpu_last_error());
	EXPECT_EQ(VNPU_STATUS_INVALID_ARGUMENT, vnpu_model_prefill(m, tok, 5, NULL));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_model_prefill(m, tok, 3, NULL));
	EXPECT_EQ(VNPU_STATUS_INVALID_ARGUMENT, vnpu_model_decode(m, -1, NULL));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_model_decode(m, 5, NULL));
	EXPECT_EQ(VNPU_STATUS_INVALID_ARGUMENT, vnpu_model_decode(m, 5, NULL));
	EXPECT_STREQ("model: the KV cache is full (4 tokens, the context)", vnpu_last_error());
	vnpu_model_destroy(m);
}

/* Whether the page holding BYTE of the mapping at BASE is resident. */
static int resident(const void *base, uint64_t byte)
{
	uintptr_t page = ((uintptr_t)base + byte) & ~(uintptr_t)4095;
	unsigned char v = 0;

	return !mincore((void *)page, 4096, &v) && (v & 1);
}

/*
 * A caller stepping with vnpu_model_decode() alone has the KV-cache rows
 * ahead faulted in by batches of 64 (CPU backend), as
 * vnpu_model_generate() does for its whole run. Heads of 64 (16 rows a
 * page): the step at position 64 makes rows 64..127 of the last layer's
 * value cache (its last head) resident, three pages past the row it
 * writes, and leaves row 128 alone (the peak stays what the run touches).
 * Rows 0..63 were faulted by the decode warm-up at load.
 */
TEST_F(md, decode_alone_faults_the_cache_rows_ahead_in_batches)
{
	const struct vnpu_model *im;
	int32_t tok[60];
	vnpu_model *m;
	uint64_t row, last;
	void *map;

	self->c.n_heads = 1;
	self->c.n_kv_heads = 1;
	self->c.head_dim = 64;
	row = (uint64_t)self->c.head_dim * 4;
	ASSERT_EQ(0, mu_write_model(self->dir, &self->c, 3, 0));
	for (uint32_t i = 0; i < 60; i++)
		tok[i] = (int32_t)(i % self->c.vocab);
	m = load(_metadata, self, VNPU_DTYPE_MXFP4, 256);
	ASSERT_NE(NULL, m);
	im = (const struct vnpu_model *)m;
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_buffer_map(im->cache, &map));
	/* state 2L - 1 (the last value cache), head n_kv_heads - 1 */
	last = (2ull * self->c.n_layers - 1) * im->state_stride +
	       (uint64_t)(self->c.n_kv_heads - 1) * im->ctx * row;
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_model_prefill(m, tok, 60, NULL));
	for (uint32_t i = 60; i < 64; i++)
		ASSERT_EQ(VNPU_STATUS_OK, vnpu_model_decode(m, 1, NULL));
	EXPECT_FALSE(resident(map, last + 127 * row));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_model_decode(m, 1, NULL));
	EXPECT_TRUE(resident(map, last + 127 * row));
	EXPECT_FALSE(resident(map, last + 128 * row));
	vnpu_model_destroy(m);
}

/* Greedy generation is the argmax of prefill, then of each decode step. */
TEST_F(md, generate_greedy_follows_the_logits)
{
	vnpu_model *m;
	int32_t prompt[3] = { 4, 8, 15 }, out[6], tok;
	float *lg = malloc(self->c.vocab * 4);
	vnpu_program_info pi;
	vnpu_model_stats st;

	ASSERT_EQ(0, mu_write_model(self->dir, &self->c, 5, 1));	/* BF16 file */
	m = load(_metadata, self, VNPU_DTYPE_MXFP4, 16);
	ASSERT_NE(NULL, m);
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_model_generate(m, prompt, 3, 6, NULL, out, &st, NULL, NULL));
	EXPECT_EQ(5u, st.decode_tokens);
	EXPECT_GT(st.ttft_s, 0);
	EXPECT_GT(st.weight_bytes, 0);
	/* The prefill program shares the decode program's weights: one copy. */
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_program_info_get(vnpu_model_decode_program(m), &pi));
	EXPECT_EQ(pi.weight_bytes, st.weight_bytes);
	EXPECT_EQ((uint64_t)2 * 16 * 2 * 16 * 4 * 2, st.kv_bytes);
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_model_prefill(m, prompt, 3, lg));
	for (int i = 0; i < 6; i++) {
		tok = 0;
		for (uint32_t j = 1; j < self->c.vocab; j++)
			if (lg[j] > lg[tok])
				tok = (int32_t)j;
		EXPECT_EQ(tok, out[i]);
		if (i < 5)
			ASSERT_EQ(VNPU_STATUS_OK, vnpu_model_decode(m, tok, lg));
	}
	vnpu_model_destroy(m);
	free(lg);
}

TEST_F(md, sampling_is_reproducible_and_honours_top_k_top_p)
{
	float lg[64];
	vnpu_sampling s = { .temperature = 1.0f, .seed = 42 };
	vnpu_sampler a, b;
	int32_t x[200], y[200], seen[64] = { 0 }, differ = 0;

	for (int i = 0; i < 64; i++)
		lg[i] = (float)((i * 29) % 64) / 16.0f;	/* max at i = 11 (63/16) */
	vnpu_sampler_init(&a, &s);
	vnpu_sampler_init(&b, &s);
	for (int i = 0; i < 200; i++) {
		x[i] = vnpu_sampler_next(&a, lg, 64);
		y[i] = vnpu_sampler_next(&b, lg, 64);
		ASSERT_TRUE(x[i] >= 0 && x[i] < 64);
		seen[x[i]]++;
	}
	EXPECT_EQ(0, memcmp(x, y, sizeof(x)));
	vnpu_sampler_fini(&a);
	vnpu_sampler_fini(&b);
	s.seed = 43;
	vnpu_sampler_init(&a, &s);
	for (int i = 0; i < 200; i++)
		differ += vnpu_sampler_next(&a, lg, 64) != x[i];
	vnpu_sampler_fini(&a);
	EXPECT_GT(differ, 50);
	/* top-k 3: only the three largest logits (ids 11, 22, 33) */
	s.top_k = 3;
	vnpu_sampler_init(&a, &s);
	for (int i = 0; i < 200; i++) {
		int32_t t = vnpu_sampler_next(&a, lg, 64);

		EXPECT_TRUE(t == 11 || t == 22 || t == 33);
	}
	vnpu_sampler_fini(&a);
	/* top-p that the first token alone reaches: always the argmax */
	s.top_k = 0;
	s.top_p = 1e-3f;
	vnpu_sampler_init(&a, &s);
	for (int i = 0; i < 50; i++)
		EXPECT_EQ(11, vnpu_sampler_next(&a, lg, 64));
	vnpu_sampler_fini(&a);
	/* greedy: lowest id on ties */
	s.temperature = 0;
	lg[5] = lg[11];
	vnpu_sampler_init(&a, &s);
	EXPECT_EQ(5, vnpu_sampler_next(&a, lg, 64));
	vnpu_sampler_fini(&a);
}

/* The scan greedy sampling replaced: the first of the largest, NaN never wins. */
static int32_t scan_argmax(const float *x, uint32_t n)
{
	uint32_t best = 0;

	for (uint32_t i = 1; i < n; i++)
		if (x[i] > x[best])
			best = i;
	return (int32_t)best;
}

TEST_F(md, greedy_sampling_is_the_first_largest_logit_with_nans_and_zeros)
{
	static const uint32_t sizes[] = { 1, 2, 15, 16, 17, 31, 33, 64, 1000, 20480 };
	vnpu_sampling s = { 0 };
	vnpu_sampler a;
	float *x = malloc(20480 * sizeof(*x));
	uint64_t r = 1;

	ASSERT_NE(NULL, x);
	vnpu_sampler_init(&a, &s);
	for (int trial = 0; trial < 400; trial++) {
		uint32_t n = sizes[trial % 10];

		for (uint32_t i = 0; i < n; i++) {
			r = r * 6364136223846793005ull + 1442695040888963407ull;
			/* few distinct values: many ties; some -0, +0, NaN, -inf */
			switch ((r >> 33) % 11) {
			case 0: x[i] = -0.0f; break;
			case 1: x[i] = 0.0f; break;
			case 2: x[i] = trial % 3 ? 1.0f : NAN; break;
			case 3: x[i] = -INFINITY; break;
			default: x[i] = (float)((int)((r >> 40) % 9) - (trial % 7 ? 4 : 12)); break;
			}
		}
		if (trial % 5 == 0)
			x[0] = NAN;
		if (trial % 5 == 1)
			x[(uint32_t)(r >> 20) % n] = 1e30f;
		ASSERT_EQ(scan_argmax(x, n), vnpu_sampler_next(&a, x, n))
			TH_LOG("trial %d, n %u", trial, n);
	}
	vnpu_sampler_fini(&a);
	free(x);
}

TEST_F(md, seeded_generation_is_reproducible)
{
	vnpu_sampling s = { .temperature = 0.8f, .top_k = 20, .top_p = 0.9f, .seed = 9 };
	int32_t prompt[2] = { 1, 2 }, a[10], b[10];
	vnpu_model *m;

	ASSERT_EQ(0, mu_write_model(self->dir, &self->c, 11, 0));
	m = load(_metadata, self, VNPU_DTYPE_MXFP4, 16);
	ASSERT_NE(NULL, m);
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_model_generate(m, prompt, 2, 10, &s, a, NULL, NULL, NULL));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_model_generate(m, prompt, 2, 10, &s, b, NULL, NULL, NULL));
	EXPECT_EQ(0, memcmp(a, b, sizeof(a)));
	vnpu_model_destroy(m);
}

/* vnpu-run's program mode gives the bytes vnpu_program_run() gives, and
 * refuses input files of the wrong size with exit status 3. */
TEST_F(md, vnpu_run_program_mode_matches_the_library)
{
	uint32_t dx[2] = { 2, 32 }, dw[2] = { 16, 32 };
	static float w[16 * 32], x[2 * 32], ref[2 * 16], got[2 * 16];
	const char *bin = getenv("VNPU_BIN") ? getenv("VNPU_BIN") : "build/host";
	vnpu_graph *g;
	vnpu_program *p;
	vnpu_stream *s;
	vnpu_tensor tx, tw, y;
	char prog[128], xin[128], yout[128], cmd[768];
	FILE *f;

	for (int i = 0; i < 16 * 32; i++)
		w[i] = (float)((i * 37) % 17) / 8 - 1;
	for (int i = 0; i < 2 * 32; i++)
		x[i] = (float)((i * 11) % 7) / 4 - 0.5f;
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_graph_create(&g));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_graph_input(g, "x", VNPU_DTYPE_FP32, 2, dx, &tx));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_graph_constant(g, "w", VNPU_DTYPE_FP32, 2, dw, w,
						       sizeof(w), 0, &tw));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_graph_matmul(g, "mm", tx, tw, 0, VNPU_ACTIVATION_SILU,
						     VNPU_DTYPE_FP32, &y));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_graph_output(g, y));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_graph_compile(g, self->dev, NULL, &p));
	snprintf(prog, sizeof(prog), "%s/p.vnpu", self->dir);
	snprintf(xin, sizeof(xin), "%s/x.bin", self->dir);
	snprintf(yout, sizeof(yout), "%s/y.bin", self->dir);
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_program_save(p, prog));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_stream_create(self->dev, NULL, &s));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_program_run(s, p, (const void *[]){ x },
						    (void *[]){ ref }));
	vnpu_stream_destroy(s);
	vnpu_program_destroy(p);
	vnpu_graph_destroy(g);
	ASSERT_EQ(0, mu_write_file(xin, x, sizeof(x)));
	snprintf(cmd, sizeof(cmd), "%s/vnpu-run %s --backend cpu --input %s --output %s",
		 bin, prog, xin, yout);
	ASSERT_EQ(0, system(cmd));
	f = fopen(yout, "rb");
	ASSERT_NE(NULL, f);
	EXPECT_EQ(sizeof(got), fread(got, 1, sizeof(got) + 1, f));
	fclose(f);
	EXPECT_EQ(0, memcmp(got, ref, sizeof(ref)));
	/* a short input file */
	ASSERT_EQ(0, mu_write_file(xin, x, sizeof(x) - 4));
	snprintf(cmd, sizeof(cmd), "%s/vnpu-run %s --backend cpu --input %s 2>/dev/null",
		 bin, prog, xin);
	EXPECT_EQ(3, WEXITSTATUS(system(cmd)));
	/* the wrong number of inputs */
	snprintf(cmd, sizeof(cmd), "%s/vnpu-run %s --backend cpu 2>/dev/null", bin, prog);
	EXPECT_EQ(2, WEXITSTATUS(system(cmd)));
}

TEST_HARNESS_MAIN
