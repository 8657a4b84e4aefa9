// SPDX-License-Identifier: MIT
/*
 * The decoder as a graph: S tokens at positions 0..S-1 (decode is S = 1,
 * run at its position with vnpu_program_run_at()). Input: the tokens;
 * output: the logits. Each layer's key and value caches are state tensors
 * (l<N>.k_cache, l<N>.v_cache, in that order) bound to the model's device
 * buffer, so they stay on the device across runs and across the prefill
 * and decode programs; attention writes the new rows in place. The
 * caches are head-major, [KVH, ctx, D].
 */
#include <stdio.h>
#include <stdlib.h>

#include "../vnpu_internal.h"
#include "vnpu_model_internal.h"

#define TRY(x) do { vnpu_status _s = (x); if (_s) return _s; } while (0)

static vnpu_status weight(vnpu_graph *g, const char *name, uint32_t rank,
			  uint32_t d0, uint32_t d1, const struct vnpu_model_w *w,
			  vnpu_tensor *t)
{
	uint32_t dims[2] = { d0, d1 };
	uint64_t n = rank == 1 ? d0 : (uint64_t)d0 * d1;

	if (w->scales)	/* pre-quantized: kept bit for bit */
		return vnpu_graph_constant_blocks(g, name, w->dtype, rank, dims, w->data,
						  w->codes_bytes, w->scales, w->scale_bytes,
						  w->tscale, VNPU_CONST_BORROW, t);
	return vnpu_graph_constant(g, name, w->dtype, rank, dims, w->data,
				   vnpu_dtype_bytes(w->dtype, n, 1), VNPU_CONST_BORROW, t);
}

static vnpu_status layer(vnpu_graph *g, const struct vnpu_model *m, uint32_t l,
			 uint32_t s, vnpu_tensor *x, vnpu_tensor kc, vnpu_tensor vc,
			 vnpu_tensor *kco, vnpu_tensor *vco)
{
	const vnpu_model_config *c = &m->cfg;
	const struct vnpu_model_layer *w = &m->layers[l];
	uint32_t qd = c->n_heads * c->head_dim, kvd = c->n_kv_heads * c->head_dim;
	uint32_t d_q[3] = { s, c->n_heads, c->head_dim };
	uint32_t d_k[3] = { s, c->n_kv_heads, c->head_dim }, d_flat[2] = { s, qd };
	vnpu_tensor gn1, gn2, wq, wk, wv, wo, wg, wu, wd;
	vnpu_tensor h, q, k, v, a, o, gate, up, sw, dn;
	vnpu_attention_desc ad = { 0 };
	char n[32];

#define NM(what) (snprintf(n, sizeof(n), "l%u.%s", l, what), n)
	TRY(weight(g, NM("attn_norm"), 1, c->dim, 0, w->attn_norm, &gn1));
	TRY(weight(g, NM("wq"), 2, qd, c->dim, w->wq, &wq));
	TRY(weight(g, NM("wk"), 2, kvd, c->dim, w->wk, &wk));
	TRY(weight(g, NM("wv"), 2, kvd, c->dim, w->wv, &wv));
	TRY(weight(g, NM("wo"), 2, c->dim, qd, w->wo, &wo));
	TRY(weight(g, NM("mlp_norm"), 1, c->dim, 0, w->mlp_norm, &gn2));
	TRY(weight(g, NM("w_gate"), 2, c->ffn_dim, c->dim, w->wg, &wg));
	TRY(weight(g, NM("w_up"), 2, c->ffn_dim, c->dim, w->wu, &wu));
	TRY(weight(g, NM("w_down"), 2, c->dim, c->ffn_dim, w->wd, &wd));

	TRY(vnpu_graph_rmsnorm(g, NM("attn_norm"), *x, gn1, c->norm_eps, &h));
	TRY(vnpu_graph_matmul(g, NM("q"), h, wq, 0, 0, VNPU_DTYPE_FP32, &q));
	TRY(vnpu_graph_matmul(g, NM("k"), h, wk, 0, 0, VNPU_DTYPE_FP32, &k));
	TRY(vnpu_graph_matmul(g, NM("v"), h, wv, 0, 0, VNPU_DTYPE_FP32, &v));
	TRY(vnpu_graph_reshape(g, NM("q3"), q, 3, d_q, &q));
	TRY(vnpu_graph_reshape(g, NM("k3"), k, 3, d_k, &k));
	TRY(vnpu_graph_reshape(g, NM("v3"), v, 3, d_k, &v));
	/* Hugging Face Llama rotates halves (rotate_half) */
	TRY(vnpu_graph_rope(g, NM("rope_q"), q, 0, c->rope_theta,
			    VNPU_ROPE_MODE_HALF, &q));
	TRY(vnpu_graph_rope(g, NM("rope_k"), k, 0, c->rope_theta,
			    VNPU_ROPE_MODE_HALF, &k));
	ad.q = q;
	ad.k = k;
	ad.v = v;
	ad.k_cache = kc;
	ad.v_cache = vc;
	ad.cache_layout = VNPU_KV_HEAD_MAJOR;
	TRY(vnpu_graph_attention(g, NM("attn"), &ad, &a, kco, vco));
	TRY(vnpu_graph_assign(g, NM("k_update"), kc, *kco));
	TRY(vnpu_graph_assign(g, NM("v_update"), vc, *vco));
	TRY(vnpu_graph_reshape(g, NM("attn2"), a, 2, d_flat, &a));
	TRY(vnpu_graph_matmul(g, NM("o"), a, wo, 0, 0, VNPU_DTYPE_FP32, &o));
	TRY(vnpu_graph_add(g, NM("resid1"), o, *x, x));
	TRY(vnpu_graph_rmsnorm(g, NM("mlp_norm"), *x, gn2, c->norm_eps, &h));
	TRY(vnpu_graph_matmul(g, NM("gate"), h, wg, 0, 0, VNPU_DTYPE_FP32, &gate));
	TRY(vnpu_graph_matmul(g, NM("up"), h, wu, 0, 0, VNPU_DTYPE_FP32, &up));
	TRY(vnpu_graph_swiglu(g, NM("swiglu"), gate, up, &sw));
	TRY(vnpu_graph_matmul(g, NM("down"), sw, wd, 0, 0, VNPU_DTYPE_FP32, &dn));
	TRY(vnpu_graph_add(g, NM("resid2"), dn, *x, x));
#undef NM
	return VNPU_STATUS_OK;
}

static vnpu_status build(vnpu_graph *g, const struct vnpu_model *m, uint32_t s,
			 int last_only)
{
	const vnpu_model_config *c = &m->cfg;
	uint32_t d_tok[1] = { s };
	/* head-major: a decode step streams each head's rows in one run */
	uint32_t d_cache[3] = { c->n_kv_heads, m->ctx, c->head_dim };
	uint32_t d_last[2] = { 1, c->dim };
	vnpu_tensor tok, emb, head, gf, x, h, logits;
	vnpu_tensor *kc, *kco;
	vnpu_status st = VNPU_STATUS_OK;
	char n[32];

	kc = calloc((size_t)c->n_layers * 4, sizeof(*kc));
	if (!kc)
		return vnpu_rt_error(VNPU_STATUS_OUT_OF_MEMORY, "model: out of memory");
	kco = kc + 2 * c->n_layers;
	st = vnpu_graph_input(g, "tokens", VNPU_DTYPE_I32, 1, d_tok, &tok);
	for (uint32_t l = 0; l < c->n_layers && !st; l++) {
		snprintf(n, sizeof(n), "l%u.k_cache", l);
		st = vnpu_graph_state(g, n, VNPU_DTYPE_FP32, 3, d_cache, &kc[2 * l]);
		snprintf(n, sizeof(n), "l%u.v_cache", l);
		if (!st)
			st = vnpu_graph_state(g, n, VNPU_DTYPE_FP32, 3, d_cache,
					      &kc[2 * l + 1]);
	}
	if (!st)
		st = weight(g, "embed", 2, c->vocab, c->dim, m->embed, &emb);
	if (!st)
		st = vnpu_graph_gather(g, "embed", emb, tok, &x);
	for (uint32_t l = 0; l < c->n_layers && !st; l++)
		st = layer(g, m, l, s, &x, kc[2 * l], kc[2 * l + 1], &kco[2 * l],
			   &kco[2 * l + 1]);
	if (!st)
		st = weight(g, "final_norm", 1, c->dim, 0, m->final_norm, &gf);
	if (!st)
		st = vnpu_graph_rmsnorm(g, "final_norm", x, gf, c->norm_eps, &h);
	/* generation needs only the last token's logits: skip the others'
	 * head matmul (S x vocab x dim) */
	if (!st && last_only && s > 1)
		st = vnpu_graph_view(g, "last", h, (uint64_t)(s - 1) * c->dim, 2,
				     d_last, &h);
	head = emb;
	if (!st && !c->tied)
		st = weight(g, "head", 2, c->vocab, c->dim, m->head, &head);
	if (!st)
		st = vnpu_graph_matmul(g, "head", h, head, 0, 0, VNPU_DTYPE_FP32,
				       &logits);
	if (!st)
		st = vnpu_graph_output(g, logits);
	free(kc);
	return st;
}

vnpu_status vnpu_model_build(const struct vnpu_model *m, uint32_t s,
			     int last_only, vnpu_graph **graph)
{
	vnpu_graph *g;
	vnpu_status st;

	*graph = NULL;
	st = vnpu_graph_create(&g);
	if (st)
		return st;
	st = build(g, m, s, last_only);
	if (st) {
		vnpu_graph_destroy(g);
		return st;
	}
	*graph = g;
	return VNPU_STATUS_OK;
}
