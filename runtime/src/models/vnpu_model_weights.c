// SPDX-License-Identifier: MIT
/*
 * Reading a model's weights from its safetensors file, each tensor's
 * name, type and shape checked against the config.
 *
 * Unquantized tensors (F32, BF16, F16) become FP32: a view into the
 * mapped file when F32 and aligned, else a converted copy (BF16 tables
 * and heads the program stores as BF16 anyway stay BF16 views). Pre-quantized
 * linear layers (config weight_quant) are views into the file, never
 * converted, in the layouts real checkpoints use (docs/models.md):
 *   NVFP4 (ModelOpt)  X.weight U8 [out, in/2], X.weight_scale F8_E4M3
 *                     [out, in/16], X.weight_scale_2 F32 [] or [1]
 *   MXFP8 (ModelOpt)  X.weight F8_E4M3 [out, in], X.weight_scale U8
 *                     (E8M0) [out, in/32]
 *   MXFP4 (gpt-oss)   X.weight_blocks U8 [out, in/32, 16],
 *                     X.weight_scales U8 (E8M0) [out, in/32]
 * FP4 codes: element 2i in the low nibble of byte i, as the engine's
 * planes. A linear layer the checkpoint left unquantized (an F32/BF16/F16
 * X.weight, like ModelOpt's excluded lm_head) is read as such.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../vnpu_internal.h"
#include "vnpu_model_internal.h"

#define BAD(...) vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT, __VA_ARGS__)

static float bf16_to_f32(uint16_t h)
{
	uint32_t u = (uint32_t)h << 16;
	float f;

	memcpy(&f, &u, 4);
	return f;
}

static float f16_to_f32(uint16_t h)
{
	uint32_t s = (uint32_t)(h >> 15) << 31, e = (h >> 10) & 31, mant = h & 1023, u;
	float f;

	if (e == 0) {		/* zero or subnormal: mant * 2^-24 */
		f = (float)mant * 0x1p-24f;
		return s ? -f : f;
	}
	if (e == 31)
		u = s | 0x7f800000u | mant << 13;
	else
		u = s | (e + 112) << 23 | mant << 13;
	memcpy(&f, &u, 4);
	return f;
}

/* "[a, b, c]" of RANK dims into BUF. */
static const char *dims_str(char *buf, size_t size, uint32_t rank, const uint64_t *d)
{
	size_t off = (size_t)snprintf(buf, size, "[");

	for (uint32_t i = 0; i < rank && off < size; i++)
		off += (size_t)snprintf(buf + off, size - off, "%s%llu", i ? ", " : "",
					(unsigned long long)d[i]);
	if (off < size)
		snprintf(buf + off, size - off, "]");
	return buf;
}

/* Tensor NAME of the file with shape WANT[RANK] (one of the dtypes in
 * TYPES, 0-terminated, their names in TNAMES), or an error; WHAT is
 * named when it is missing ("" for a plain weight). */
static vnpu_status find(struct vnpu_model *m, const char *file, const char *name,
			uint32_t rank, const uint64_t *want, const int *types,
			const char *tnames, const char *what,
			const struct vnpu_st_tensor **out)
{
	const struct vnpu_st_tensor *t = vnpu_st_find(m->st, name);
	char a[96], b[96];
	int ok = 0;

	if (!t)
		return BAD("%s: no tensor '%s'%s", file, name, what);
	for (const int *ty = types; *ty; ty++)
		ok |= (int)t->dtype == *ty;
	if (!ok)
		return BAD("%s: tensor '%s' is %s (%s expected)", file, name,
			   vnpu_st_dtype_name(t->dtype), tnames);
	ok = t->rank == rank;
	for (uint32_t i = 0; ok && i < rank; i++)
		ok = t->dims[i] == want[i];
	if (!ok)
		return BAD("%s: tensor '%s' has shape %s (rank %u), the config needs %s",
			   file, name, dims_str(a, sizeof(a), t->rank, t->dims), t->rank,
			   dims_str(b, sizeof(b), rank, want));
	*out = t;
	return VNPU_STATUS_OK;
}

static const int float_types[] = { VNPU_ST_F32, VNPU_ST_BF16, VNPU_ST_F16, 0 };

/* The next free weight slot of the model. */
static struct vnpu_model_w *slot(struct vnpu_model *m)
{
	struct vnpu_model_w *w = &m->w[m->nw++];

	memset(w, 0, sizeof(*w));
	w->dtype = VNPU_DTYPE_FP32;
	return w;
}

/*
 * Plain tensor NAME of shape [D0] or [D0, D1] into a new slot: as FP32,
 * or, when BF16_OK (the program would store it as BF16 anyway: the
 * policy's kept head and embeddings), a BF16 tensor as a view.
 */
static vnpu_status get_plain(struct vnpu_model *m, const char *file, const char *name,
			     uint32_t rank, uint32_t d0, uint32_t d1, int bf16_ok,
			     const struct vnpu_model_w **out)
{
	uint64_t want[2] = { d0, d1 }, n = rank == 1 ? d0 : (uint64_t)d0 * d1;
	const struct vnpu_st_tensor *t;
	struct vnpu_model_w *w;
	vnpu_status st;
	float *dst;
	void **ow;

	st = find(m, file, name, rank, want, float_types, "F32, BF16 or F16", "", &t);
	if (st)
		return st;
	w = slot(m);
	*out = w;
	if (t->dtype == VNPU_ST_F32 && !((uintptr_t)t->data & 3)) {
		w->data = t->data;
		return VNPU_STATUS_OK;
	}
	if (t->dtype == VNPU_ST_BF16 && bf16_ok && !((uintptr_t)t->data & 1)) {
		w->dtype = VNPU_DTYPE_BF16;
		w->data = t->data;
		return VNPU_STATUS_OK;
	}
	ow = realloc(m->owned, (m->nowned + 1) * sizeof(*ow));
	if (!ow)
		return vnpu_rt_error(VNPU_STATUS_OUT_OF_MEMORY, "model: out of memory");
	m->owned = ow;
	dst = malloc(n * 4);
	if (!dst)
		return vnpu_rt_error(VNPU_STATUS_OUT_OF_MEMORY,
				     "model: out of memory converting '%s'", name);
	m->owned[m->nowned++] = dst;
	for (uint64_t i = 0; i < n; i++) {
		uint16_t h;

		if (t->dtype == VNPU_ST_F32) {
			memcpy(&dst[i], t->data + 4 * i, 4);
			continue;
		}
		memcpy(&h, t->data + 2 * i, 2);
		dst[i] = t->dtype == VNPU_ST_BF16 ? bf16_to_f32(h) : f16_to_f32(h);
	}
	w->data = dst;
	return VNPU_STATUS_OK;
}

/* The scale plane SUFFIX of linear BASE ([N, K / BLOCK] of type TYPE)
 * into W. */
static vnpu_status get_scales(struct vnpu_model *m, const char *file, const char *base,
			      const char *suffix, uint32_t n, uint32_t k, uint32_t block,
			      int type, struct vnpu_model_w *w)
{
	uint64_t want[2] = { n, k / block };
	const int types[2] = { type, 0 };
	const struct vnpu_st_tensor *t;
	char name[VNPU_ST_MAX_NAME + 32], what[VNPU_ST_MAX_NAME + 48];
	vnpu_status st;

	snprintf(name, sizeof(name), "%s.%s", base, suffix);
	snprintf(what, sizeof(what), " (the %s scales of '%s')", vnpu_dtype_name(w->dtype), base);
	st = find(m, file, name, 2, want, types, vnpu_st_dtype_name(type), what, &t);
	if (st)
		return st;
	w->scales = t->data;
	w->scale_bytes = t->end - t->begin;
	return VNPU_STATUS_OK;
}

/* NVFP4 linear BASE (X.weight U8 found as T) into W. */
static vnpu_status get_nvfp4(struct vnpu_model *m, const char *file, const char *base,
			     uint32_t n, uint32_t k, struct vnpu_model_w *w)
{
	static const int f32[] = { VNPU_ST_F32, 0 };
	const struct vnpu_st_tensor *t = NULL;
	char name[VNPU_ST_MAX_NAME + 32], what[VNPU_ST_MAX_NAME + 48];
	uint64_t one = 1;
	vnpu_status st;

	st = get_scales(m, file, base, "weight_scale", n, k, 16, VNPU_ST_F8_E4M3, w);
	if (st)
		return st;
	snprintf(name, sizeof(name), "%s.weight_scale_2", base);
	snprintf(what, sizeof(what), " (the NVFP4 tensor scale of '%s')", base);
	t = vnpu_st_find(m->st, name);
	/* ModelOpt writes a scalar (shape []); [1] is accepted alike */
	st = find(m, file, name, t && t->rank == 0 ? 0 : 1, &one, f32, "F32", what, &t);
	if (st)
		return st;
	memcpy(&w->tscale, t->data, 4);
	if (!isfinite(w->tscale) || !(w->tscale > 0))
		return BAD("%s: tensor '%s' = %g is not a positive finite tensor scale", file,
			   name, w->tscale);
	return VNPU_STATUS_OK;
}

/*
 * Linear layer BASE ("model.layers.0.self_attn.q_proj"), weights [N, K]:
 * pre-quantized in the config's format, or unquantized.
 */
static vnpu_status get_linear(struct vnpu_model *m, const char *file, const char *base,
			      uint32_t n, uint32_t k, int bf16_ok,
			      const struct vnpu_model_w **out)
{
	static const int u8[] = { VNPU_ST_U8, 0 }, e4m3[] = { VNPU_ST_F8_E4M3, 0 };
	uint32_t q = m->cfg.weight_quant;
	char name[VNPU_ST_MAX_NAME + 32], what[VNPU_ST_MAX_NAME + 48];
	const struct vnpu_st_tensor *t;
	struct vnpu_model_w *w;
	uint64_t want[3] = { n, k, 0 };
	vnpu_status st;

	snprintf(name, sizeof(name), "%s.weight", base);
	t = vnpu_st_find(m->st, name);
	if (q == VNPU_DTYPE_MXFP4 && !t) {
		/* gpt-oss: X.weight_blocks [N, K/32, 16] and X.weight_scales */
		snprintf(name, sizeof(name), "%s.weight_blocks", base);
		snprintf(what, sizeof(what), " (nor an unquantized '%s.weight')", base);
		want[1] = k / 32;
		want[2] = 16;
		st = find(m, file, name, 3, want, u8, "U8", what, &t);
		if (st)
			return st;
		w = slot(m);
		w->dtype = VNPU_DTYPE_MXFP4;
		w->data = t->data;
		w->codes_bytes = t->end - t->begin;
		*out = w;
		return get_scales(m, file, base, "weight_scales", n, k, 32, VNPU_ST_U8, w);
	}
	if (!t || !q || t->dtype == VNPU_ST_F32 || t->dtype == VNPU_ST_BF16 ||
	    t->dtype == VNPU_ST_F16 || q == VNPU_DTYPE_MXFP4)
		return get_plain(m, file, name, 2, n, k, bf16_ok, out);
	/* ModelOpt: X.weight holds the codes, X.weight_scale the scales */
	if (q == VNPU_DTYPE_NVFP4)
		want[1] = k / 2;
	st = find(m, file, name, 2, want, q == VNPU_DTYPE_NVFP4 ? u8 : e4m3,
		  q == VNPU_DTYPE_NVFP4 ? "U8 NVFP4 codes, or F32, BF16, F16" :
		  "F8_E4M3 MXFP8 codes, or F32, BF16, F16", "", &t);
	if (st)
		return st;
	w = slot(m);
	w->dtype = q;
	w->data = t->data;
	w->codes_bytes = t->end - t->begin;
	*out = w;
	if (q == VNPU_DTYPE_NVFP4)
		return get_nvfp4(m, file, base, n, k, w);
	return get_scales(m, file, base, "weight_scale", n, k, 32, VNPU_ST_U8, w);
}

vnpu_status vnpu_model_load_weights(struct vnpu_model *m, const char *file)
{
	const vnpu_model_config *c = &m->cfg;
	uint32_t qd = c->n_heads * c->head_dim, kvd = c->n_kv_heads * c->head_dim;
	uint32_t keep = m->opts.compile.keep;
	char n[128];
	vnpu_status st;

	m->w = calloc(9 * (size_t)c->n_layers + 3, sizeof(*m->w));
	if (!m->w)
		return vnpu_rt_error(VNPU_STATUS_OUT_OF_MEMORY, "model: out of memory");
#define TRY(x) do { st = (x); if (st) return st; } while (0)
	/* The card gathers FP32 or BF16 rows: embeddings stay unquantized.
	 * BF16 tables and heads stay BF16 (no FP32 copy) where the program
	 * gets the same bits: a table only gathered (rows read exactly), a
	 * head or tied table the policy packs as BF16 (kept, and FP32
	 * weights not asked for). */
	if (m->opts.compile.weight_format == VNPU_DTYPE_FP32)
		keep = 0;
	TRY(get_plain(m, file, "model.embed_tokens.weight", 2, c->vocab, c->dim,
		      !c->tied || (keep & (VNPU_KEEP_HEAD_BF16 | VNPU_KEEP_EMBEDDINGS_BF16)),
		      &m->embed));
	TRY(get_plain(m, file, "model.norm.weight", 1, c->dim, 0, 0, &m->final_norm));
	if (c->tied)
		m->head = m->embed;
	else
		TRY(get_linear(m, file, "lm_head", c->vocab, c->dim,
			       !!(keep & VNPU_KEEP_HEAD_BF16), &m->head));
	for (uint32_t l = 0; l < c->n_layers; l++) {
		struct vnpu_model_layer *w = &m->layers[l];

#define L(what) (snprintf(n, sizeof(n), "model.layers.%u.%s", l, what), n)
		TRY(get_plain(m, file, L("input_layernorm.weight"), 1, c->dim, 0, 0, &w->attn_norm));
		TRY(get_linear(m, file, L("self_attn.q_proj"), qd, c->dim, 0, &w->wq));
		TRY(get_linear(m, file, L("self_attn.k_proj"), kvd, c->dim, 0, &w->wk));
		TRY(get_linear(m, file, L("self_attn.v_proj"), kvd, c->dim, 0, &w->wv));
		TRY(get_linear(m, file, L("self_attn.o_proj"), c->dim, qd, 0, &w->wo));
		TRY(get_plain(m, file, L("post_attention_layernorm.weight"), 1, c->dim, 0, 0,
			      &w->mlp_norm));
		TRY(get_linear(m, file, L("mlp.gate_proj"), c->ffn_dim, c->dim, 0, &w->wg));
		TRY(get_linear(m, file, L("mlp.up_proj"), c->ffn_dim, c->dim, 0, &w->wu));
		TRY(get_linear(m, file, L("mlp.down_proj"), c->dim, c->ffn_dim, 0, &w->wd));
		if (m->opts.progress)
			m->opts.progress(m->opts.progress_user, "read", l + 1, c->n_layers);
#undef L
	}
#undef TRY
	return VNPU_STATUS_OK;
}
