// SPDX-License-Identifier: GPL-2.0
/* Test helpers: small safetensors models written independently of
 * vnpu-gen-model, so the loader is tested against a second writer. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "model_util.h"

vnpu_status mu_init_noenv(void)
{
	vnpu_init_options o;

	vnpu_init_options_init(&o);
	o.flags = VNPU_INIT_NO_ENV;
	return vnpu_init(&o);
}

void mu_config(vnpu_model_config *c)
{
	memset(c, 0, sizeof(*c));
	c->dim = 64;
	c->n_layers = 2;
	c->n_heads = 4;
	c->n_kv_heads = 2;
	c->head_dim = 16;
	c->ffn_dim = 128;
	c->vocab = 96;
	c->max_seq = 256;
	c->rope_theta = 10000.0f;
	c->norm_eps = 1e-5f;
}

int mu_write_file(const char *path, const void *data, size_t size)
{
	FILE *f = fopen(path, "wb");
	int bad;

	if (!f)
		return -1;
	bad = fwrite(data, 1, size, f) != size;
	return fclose(f) || bad ? -1 : 0;
}

uint8_t *mu_st_bytes(const char *header, size_t data_size, size_t *size)
{
	size_t h = strlen(header);
	uint8_t *b = calloc(1, 8 + h + data_size + 1);

	if (!b)
		return NULL;
	for (int i = 0; i < 8; i++)
		b[i] = (uint8_t)((uint64_t)h >> (8 * i));
	memcpy(b + 8, header, h);
	*size = 8 + h + data_size;
	return b;
}

struct mt {
	char name[96];
	uint32_t r, c;	/* c 0: vector */
	int norm;
};

int mu_write_model(const char *dir, const vnpu_model_config *c, uint64_t seed,
		   int bf16)
{
	struct mt t[9 * 16 + 3];
	uint32_t n = 0, qd = c->n_heads * c->head_dim, kvd = c->n_kv_heads * c->head_dim;
	char path[512], *hdr = malloc(65536);
	size_t hl, off = 0, esz = bf16 ? 2 : 4;
	uint64_t s = seed * 2654435761u + 1;
	FILE *f;

	if (!hdr || c->n_layers > 16)
		return -1;
#define ADD(R, C, NORM, ...) do { snprintf(t[n].name, sizeof(t[n].name), __VA_ARGS__); \
	t[n].r = R; t[n].c = C; t[n].norm = NORM; n++; } while (0)
	ADD(c->vocab, c->dim, 0, "model.embed_tokens.weight");
	for (uint32_t l = 0; l < c->n_layers; l++) {
		ADD(c->dim, 0, 1, "model.layers.%u.input_layernorm.weight", l);
		ADD(qd, c->dim, 0, "model.layers.%u.self_attn.q_proj.weight", l);
		ADD(kvd, c->dim, 0, "model.layers.%u.self_attn.k_proj.weight", l);
		ADD(kvd, c->dim, 0, "model.layers.%u.self_attn.v_proj.weight", l);
		ADD(c->dim, qd, 0, "model.layers.%u.self_attn.o_proj.weight", l);
		ADD(c->dim, 0, 1, "model.layers.%u.post_attention_layernorm.weight", l);
		ADD(c->ffn_dim, c->dim, 0, "model.layers.%u.mlp.gate_proj.weight", l);
		ADD(c->ffn_dim, c->dim, 0, "model.layers.%u.mlp.up_proj.weight", l);
		ADD(c->dim, c->ffn_dim, 0, "model.layers.%u.mlp.down_proj.weight", l);
	}
	ADD(c->dim, 0, 1, "model.norm.weight");
	if (!c->tied)
		ADD(c->vocab, c->dim, 0, "lm_head.weight");
#undef ADD
	hl = (size_t)sprintf(hdr, "{\"__metadata__\":{\"format\":\"pt\"}");
	for (uint32_t i = 0; i < n; i++) {
		size_t cnt = t[i].c ? (size_t)t[i].r * t[i].c : t[i].r;

		if (t[i].c)
			hl += (size_t)sprintf(hdr + hl, ",\"%s\":{\"dtype\":\"%s\",\"shape\":[%u,%u],\"data_offsets\":[%zu,%zu]}",
					      t[i].name, bf16 ? "BF16" : "F32", t[i].r, t[i].c, off, off + cnt * esz);
		else
			hl += (size_t)sprintf(hdr + hl, ",\"%s\":{\"dtype\":\"%s\",\"shape\":[%u],\"data_offsets\":[%zu,%zu]}",
					      t[i].name, bf16 ? "BF16" : "F32", t[i].r, off, off + cnt * esz);
		off += cnt * esz;
	}
	hdr[hl++] = '}';
	while (hl % 8)
		hdr[hl++] = ' ';
	if (mkdir(dir, 0755) && errno != EEXIST)
		return -1;
	snprintf(path, sizeof(path), "%s/config.json", dir);
	if (vnpu_model_config_save(path, c))
		return -1;
	snprintf(path, sizeof(path), "%s/model.safetensors", dir);
	f = fopen(path, "wb");
	if (!f)
		return -1;
	for (int i = 0; i < 8; i++)
		fputc((int)((uint64_t)hl >> (8 * i) & 0xff), f);
	fwrite(hdr, 1, hl, f);
	for (uint32_t i = 0; i < n; i++) {
		size_t cnt = t[i].c ? (size_t)t[i].r * t[i].c : t[i].r;
		float sc = t[i].c ? 1.0f / sqrtf((float)t[i].c) : 0.1f;

		for (size_t k = 0; k < cnt; k++) {
			float v;
			uint32_t u;

			s = s * 6364136223846793005ull + 1442695040888963407ull;
			v = ((float)(s >> 40) / 16777216.0f * 2.0f - 1.0f) * 1.7f * sc;
			if (t[i].norm)
				v += 1.0f;
			else if (!i)
				v *= 8.0f;	/* embeddings of order one */
			if (bf16) {
				uint16_t h;

				memcpy(&u, &v, 4);
				h = (uint16_t)(u >> 16);
				fwrite(&h, 2, 1, f);
			} else {
				fwrite(&v, 4, 1, f);
			}
		}
	}
	free(hdr);
	return fclose(f);
}
