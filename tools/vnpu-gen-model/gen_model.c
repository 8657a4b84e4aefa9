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

int gen_write_model(const char *dir, const struct gen_preset *p, uint64_t seed,
		       int bf16, int progress)
{
	const vnpu_model_config *c = &p->c;
	uint32_t nt = 9 * c->n_layers + 3, esz = bf16 ? 2 : 4;
	struct tensor *t = calloc(nt, sizeof(*t));
	char *path = NULL, *hdr = NULL;
	size_t hcap = (size_t)nt * 192 + 256, hlen = 0;
	uint64_t off = 0, maxn = 0, hl;
	float *w = NULL;
	FILE *f = NULL;
	int ret = 1;

	if (!t || !(hdr = malloc(hcap)))
		goto out;
	nt = list_tensors(c, t);
	hlen = (size_t)snprintf(hdr, hcap,
				"{\"__metadata__\":{\"format\":\"pt\",\"generator\":\"vnpu-gen-model\","
				"\"preset\":\"%s\",\"seed\":\"%llu\"}", p->name,
				(unsigned long long)seed);
	for (uint32_t i = 0; i < nt; i++) {
		uint64_t n = t[i].cols ? (uint64_t)t[i].rows * t[i].cols : t[i].rows;

		if (t[i].cols)
			hlen += (size_t)snprintf(hdr + hlen, hcap - hlen,
				",\"%s\":{\"dtype\":\"%s\",\"shape\":[%u,%u],\"data_offsets\":[%llu,%llu]}",
				t[i].name, bf16 ? "BF16" : "F32", t[i].rows, t[i].cols,
				(unsigned long long)off, (unsigned long long)(off + n * esz));
		else
			hlen += (size_t)snprintf(hdr + hlen, hcap - hlen,
				",\"%s\":{\"dtype\":\"%s\",\"shape\":[%u],\"data_offsets\":[%llu,%llu]}",
				t[i].name, bf16 ? "BF16" : "F32", t[i].rows,
				(unsigned long long)off, (unsigned long long)(off + n * esz));
		off += n * esz;
		if (n > maxn)
			maxn = n;
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
	if (vnpu_model_config_save(path, c)) {
		fprintf(stderr, "vnpu-gen-model: %s\n", vnpu_last_error());
		goto out;
	}
	free(path);
	if (asprintf(&path, "%s/model.safetensors", dir) < 0) {
		path = NULL;
		goto out;
	}
	w = malloc(maxn * 4);
	f = fopen(path, "wb");
	if (!w || !f) {
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
		if (bf16) {
			uint16_t *h = (uint16_t *)w;

			for (uint64_t j = 0; j < n; j++) {	/* round to nearest even */
				uint32_t u;

				memcpy(&u, &w[j], 4);
				h[j] = (uint16_t)((u + 0x7fff + (u >> 16 & 1)) >> 16);
			}
		}
		if (fwrite(w, esz, n, f) != n)
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
	free(path);
	free(hdr);
	free(t);
	return ret;
}

