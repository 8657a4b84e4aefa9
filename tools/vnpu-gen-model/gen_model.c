// SPDX-License-Identifier: GPL-2.0
/*
 * Synthetic Llama-style models: the presets and the writer, shared by
 * vnpu-gen-model and vnpu-bench.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <vnpu_engine/formats.h>

#include "gen_model.h"

#define P(n, d, l, h, kv, ff, v, what) \
	{ n, { .dim = d, .n_layers = l, .n_heads = h, .n_kv_heads = kv, \
	       .head_dim = (d) / (h), .ffn_dim = ff, .vocab = v, .max_seq = 4096, \
	       .rope_theta = 10000.0f, .norm_eps = 1e-5f }, what }
const struct gen_preset gen_presets[] = {
	P("tiny", 64, 2, 4, 2, 192, 512, "tests and the VM (seconds everywhere)"),
	P("15m", 256, 8, 8, 4, 768, 16384, "quick runs"),
	P("60m", 512, 12, 8, 4, 1536, 20480, "benchmarks that fit in cache-ish sizes"),
	P("250m", 1024, 16, 16, 4, 2816, 32000, "benchmarks bound by memory"),
	P("1b", 2048, 20, 32, 8, 5632, 32000, "TinyLlama-like shapes"),
};
const size_t gen_npresets = sizeof(gen_presets) / sizeof(gen_presets[0]);

const struct gen_preset *gen_preset_find(const char *name)
{
	for (size_t i = 0; i < gen_npresets; i++)
		if (!strcmp(name, gen_presets[i].name))
			return &gen_presets[i];
	return NULL;
}

/* ---- deterministic numbers ------------------------------------------------ */

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint64_t name_seed(uint64_t seed, const char *name)
{
	uint64_t h = 1469598103934665603ull ^ seed;	/* FNV-1a */

	for (; *name; name++)
		h = (h ^ (uint8_t)*name) * 1099511628211ull;
	return h;
}

/* Roughly N(0, 1): Irwin-Hall of four 16-bit uniforms (exact in float). */
static float gauss(uint64_t *s)
{
	uint64_t r = splitmix64(s);
	float sum = (float)(r & 0xffff) + (float)(r >> 16 & 0xffff) +
		    (float)(r >> 32 & 0xffff) + (float)(r >> 48);

	return (sum / 65536.0f - 2.0f) * 1.7320508f;
}

/* ---- the tensors ----------------------------------------------------------- */

enum kind { NORM, EMBED, PROJ_IN, PROJ };

struct tensor {
	char name[96];
	uint32_t rows, cols;	/* cols 0: a vector */
	enum kind kind;
};

static int outlier(uint32_t ch)
{
	return ch % 64 == 17;
}

static void fill(const struct tensor *t, uint64_t seed, float *w)
{
	uint64_t s = name_seed(seed, t->name), n = t->cols ? (uint64_t)t->rows * t->cols : t->rows;
	float scale = t->cols ? 1.0f / sqrtf((float)t->cols) : 0.05f;

	for (uint64_t i = 0; i < n; i++) {
		float g = gauss(&s);
		uint32_t col = t->cols ? (uint32_t)(i % t->cols) : (uint32_t)i;

		switch (t->kind) {
		case NORM:
			w[i] = 1.0f + scale * g;
			break;
		case EMBED:
			w[i] = g * (outlier(col) ? 8.0f : 1.0f);
			break;
		case PROJ_IN:
			w[i] = g * scale * (outlier(col) ? 4.0f : 1.0f);
			break;
		case PROJ:
			w[i] = g * scale;
			break;
		}
	}
}

static uint32_t list_tensors(const vnpu_model_config *c, struct tensor *t)
{
	uint32_t n = 0, qd = c->n_heads * c->head_dim, kvd = c->n_kv_heads * c->head_dim;

#define ADD(k, r, cl, ...) do { snprintf(t[n].name, sizeof(t[n].name), __VA_ARGS__); \
	t[n].rows = r; t[n].cols = cl; t[n].kind = k; n++; } while (0)
	ADD(EMBED, c->vocab, c->dim, "model.embed_tokens.weight");
	for (uint32_t l = 0; l < c->n_layers; l++) {
		ADD(NORM, c->dim, 0, "model.layers.%u.input_layernorm.weight", l);
		ADD(PROJ_IN, qd, c->dim, "model.layers.%u.self_attn.q_proj.weight", l);
		ADD(PROJ_IN, kvd, c->dim, "model.layers.%u.self_attn.k_proj.weight", l);
		ADD(PROJ_IN, kvd, c->dim, "model.layers.%u.self_attn.v_proj.weight", l);
		ADD(PROJ, c->dim, qd, "model.layers.%u.self_attn.o_proj.weight", l);
		ADD(NORM, c->dim, 0, "model.layers.%u.post_attention_layernorm.weight", l);
		ADD(PROJ_IN, c->ffn_dim, c->dim, "model.layers.%u.mlp.gate_proj.weight", l);
		ADD(PROJ_IN, c->ffn_dim, c->dim, "model.layers.%u.mlp.up_proj.weight", l);
		ADD(PROJ, c->dim, c->ffn_dim, "model.layers.%u.mlp.down_proj.weight", l);
	}
	ADD(NORM, c->dim, 0, "model.norm.weight");
	if (!c->tied)
		ADD(PROJ, c->vocab, c->dim, "lm_head.weight");
#undef ADD
	return n;
}

/* One tensor of the file: a source tensor's values, or one of its
 * planes (codes, block scales, NVFP4 tensor scale), in that order. */
struct entry {
	char name[112];
	const char *dtype;
	uint32_t rank, dims[3];
	uint64_t bytes;
};

/* Whether tensor T is stored pre-quantized under QUANT: the linear
 * layers; the head stays unquantized, as the compiler's default policy
 * keeps it BF16 (and ModelOpt / gpt-oss checkpoints leave it out). */
static int quantized(const struct tensor *t, uint32_t quant)
{
	return quant && (t->kind == PROJ_IN || t->kind == PROJ) &&
	       strcmp(t->name, "lm_head.weight");
}

/* X.weight -> X.SUFFIX (e.g. "weight_scale") into E's name. */
static void plane_name(struct entry *e, const char *tname, const char *suffix)
{
	size_t n = strlen(tname) - strlen("weight");

	snprintf(e->name, sizeof(e->name), "%.*s%s", (int)n, tname, suffix);
}

/* The file's entries for tensor T; their count. */
static uint32_t entries_of(const struct tensor *t, uint32_t quant, int bf16,
			   struct entry *e)
{
	uint32_t r = t->rows, c = t->cols;

	memset(e, 0, 3 * sizeof(*e));
	if (!quantized(t, quant)) {
		snprintf(e[0].name, sizeof(e[0].name), "%s", t->name);
		e[0].dtype = bf16 ? "BF16" : "F32";
		e[0].rank = c ? 2 : 1;
		e[0].dims[0] = r;
		e[0].dims[1] = c;
		e[0].bytes = (uint64_t)r * (c ? c : 1) * (bf16 ? 2 : 4);
		return 1;
	}
	if (quant == VNPU_DTYPE_MXFP4) {	/* gpt-oss */
		plane_name(&e[0], t->name, "weight_blocks");
		e[0].dtype = "U8";
		e[0].rank = 3;
		e[0].dims[0] = r;
		e[0].dims[1] = c / 32;
		e[0].dims[2] = 16;
		e[0].bytes = (uint64_t)r * c / 2;
		plane_name(&e[1], t->name, "weight_scales");
		e[1].dtype = "U8";
	} else {			/* ModelOpt */
		snprintf(e[0].name, sizeof(e[0].name), "%s", t->name);
		e[0].dtype = quant == VNPU_DTYPE_NVFP4 ? "U8" : "F8_E4M3";
		e[0].rank = 2;
		e[0].dims[0] = r;
		e[0].dims[1] = quant == VNPU_DTYPE_NVFP4 ? c / 2 : c;
		e[0].bytes = (uint64_t)r * e[0].dims[1];
		plane_name(&e[1], t->name, "weight_scale");
		e[1].dtype = quant == VNPU_DTYPE_NVFP4 ? "F8_E4M3" : "U8";
	}
	e[1].rank = 2;
	e[1].dims[0] = r;
	e[1].dims[1] = c / (quant == VNPU_DTYPE_NVFP4 ? 16 : 32);
	e[1].bytes = (uint64_t)r * e[1].dims[1];
	if (quant != VNPU_DTYPE_NVFP4)
		return 2;
	plane_name(&e[2], t->name, "weight_scale_2");	/* a scalar, shape [] */
	e[2].dtype = "F32";
	e[2].bytes = 4;
	return 3;
}

static uint32_t engine_fmt(uint32_t quant)
{
	return quant == VNPU_DTYPE_NVFP4 ? VNPU_FMT_NVFP4 :
	       quant == VNPU_DTYPE_MXFP4 ? VNPU_FMT_MXFP4 : VNPU_FMT_MXFP8_E4M3;
}

/* Round W[N] to BF16 in place (nearest even), as the file stores it. */
static void round_bf16(float *w, uint64_t n)
{
	for (uint64_t j = 0; j < n; j++) {
		uint32_t u;

		memcpy(&u, &w[j], 4);
		u = (u + 0x7fff + (u >> 16 & 1)) & 0xffff0000u;
		memcpy(&w[j], &u, 4);
	}
}

/* Write tensor T's entries from its values W[N] (CODES, SCALES: room). */
static int write_tensor(FILE *f, const struct tensor *t, uint32_t quant, int bf16,
			float *w, uint64_t n, uint8_t *codes, uint8_t *scales)
{
	float ts = 1.0f;

	if (bf16)
		round_bf16(w, n);
	if (!quantized(t, quant)) {
		if (bf16) {
			uint16_t *h = (uint16_t *)w;

			for (uint64_t j = 0; j < n; j++) {
				uint32_t u;

				memcpy(&u, &w[j], 4);
				h[j] = (uint16_t)(u >> 16);
			}
		}
		return fwrite(w, bf16 ? 2 : 4, n, f) != n;
	}
	/* the engine's quantizer, RTN as the spec: what the compiler does
	 * to these FP32 (or BF16) values when loading them unquantized */
	if (quant == VNPU_DTYPE_NVFP4)
		vnpu_nvfp4_tensor_scale(w, n, &ts);
	if (vnpu_quantize(engine_fmt(quant), w, n, codes, scales, &ts, NULL))
		return 1;
	if (fwrite(codes, 1, n * vnpu_fmt_bits(engine_fmt(quant)) / 8, f) !=
	    n * vnpu_fmt_bits(engine_fmt(quant)) / 8)
		return 1;
	if (fwrite(scales, 1, n / vnpu_fmt_block(engine_fmt(quant)), f) !=
	    n / vnpu_fmt_block(engine_fmt(quant)))
		return 1;
	return quant == VNPU_DTYPE_NVFP4 && fwrite(&ts, 4, 1, f) != 1;
}

int gen_write_model(const char *dir, const struct gen_preset *p, uint64_t seed,
		    int bf16, int progress)
{
	return gen_write_model_q(dir, p, seed, bf16, 0, progress);
}

int gen_write_model_q(const char *dir, const struct gen_preset *p, uint64_t seed,
		      int bf16, uint32_t quant, int progress)
{
	vnpu_model_config cfg = p->c;
	uint32_t nt = 9 * cfg.n_layers + 3, ne = 0;
	struct tensor *t = calloc(nt, sizeof(*t));
	struct entry *e = calloc(3 * (size_t)nt, sizeof(*e));
	char *path = NULL, *hdr = NULL;
	size_t hcap = (size_t)nt * 3 * 224 + 256, hlen = 0;
	uint64_t off = 0, maxn = 0, hl;
	uint8_t *codes = NULL, *scales = NULL;
	float *w = NULL;
	FILE *f = NULL;
	int ret = 1;

	cfg.weight_quant = quant;
	if (!t || !e || !(hdr = malloc(hcap)))
		goto out;
	nt = list_tensors(&cfg, t);
	hlen = (size_t)snprintf(hdr, hcap,
				"{\"__metadata__\":{\"format\":\"pt\",\"generator\":\"vnpu-gen-model\","
				"\"preset\":\"%s\",\"seed\":\"%llu\"}", p->name,
				(unsigned long long)seed);
	for (uint32_t i = 0; i < nt; i++) {
		uint64_t n = t[i].cols ? (uint64_t)t[i].rows * t[i].cols : t[i].rows;

		ne += entries_of(&t[i], quant, bf16, &e[ne]);
		if (n > maxn)
			maxn = n;
	}
	for (uint32_t i = 0; i < ne; i++) {
		char shape[48];

		if (e[i].rank == 3)
			snprintf(shape, sizeof(shape), "[%u,%u,%u]", e[i].dims[0], e[i].dims[1],
				 e[i].dims[2]);
		else if (e[i].rank == 2)
			snprintf(shape, sizeof(shape), "[%u,%u]", e[i].dims[0], e[i].dims[1]);
		else if (e[i].rank == 1)
			snprintf(shape, sizeof(shape), "[%u]", e[i].dims[0]);
		else
			snprintf(shape, sizeof(shape), "[]");
		hlen += (size_t)snprintf(hdr + hlen, hcap - hlen,
			",\"%s\":{\"dtype\":\"%s\",\"shape\":%s,\"data_offsets\":[%llu,%llu]}",
			e[i].name, e[i].dtype, shape, (unsigned long long)off,
			(unsigned long long)(off + e[i].bytes));
		off += e[i].bytes;
	}
	hdr[hlen++] = '}';
	while (hlen % 8)	/* data 8-byte aligned, as the format recommends */
		hdr[hlen++] = ' ';
	if (mkdir(dir, 0755) && errno != EEXIST) {
		fprintf(stderr, "vnpu-gen-model: %s: %s\n", dir, strerror(errno));
		goto out;
	}
	if (asprintf(&path, "%s/config.json", dir) < 0) {
		path = NULL;
		goto out;
	}
	if (vnpu_model_config_save(path, &cfg)) {
		fprintf(stderr, "vnpu-gen-model: %s\n", vnpu_last_error());
		goto out;
	}
	free(path);
	if (asprintf(&path, "%s/model.safetensors", dir) < 0) {
		path = NULL;
		goto out;
	}
	w = malloc(maxn * 4);
	codes = malloc(maxn);
	scales = malloc(maxn / 16 + 1);
	f = fopen(path, "wb");
	if (!w || !codes || !scales || !f) {
		fprintf(stderr, "vnpu-gen-model: %s: %s\n", path, strerror(errno));
		goto out;
	}
	hl = hlen;
	for (int i = 0; i < 8; i++)
		fputc((int)(hl >> (8 * i) & 0xff), f);
	fwrite(hdr, 1, hlen, f);
	for (uint32_t i = 0; i < nt; i++) {
		uint64_t n = t[i].cols ? (uint64_t)t[i].rows * t[i].cols : t[i].rows;

		fill(&t[i], seed, w);
		if (write_tensor(f, &t[i], quant, bf16, w, n, codes, scales))
			break;
		if (progress)
			fprintf(stderr, "\rvnpu-gen-model: %u/%u tensors", i + 1, nt);
	}
	if (progress)
		fputc('\n', stderr);
	if (ferror(f) | fclose(f)) {
		f = NULL;
		fprintf(stderr, "vnpu-gen-model: %s: write failed\n", path);
		goto out;
	}
	f = NULL;
	ret = 0;
out:
	if (f)
		fclose(f);
	free(w);
	free(codes);
	free(scales);
	free(path);
	free(hdr);
	free(e);
	free(t);
	return ret;
}
