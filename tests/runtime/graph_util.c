// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers of the graph tests (see graph_util.h).
 */
#include <stdlib.h>
#include <string.h>

#include "graph_util.h"

void gu_fill(float *p, size_t n, uint64_t seed)
{
	while (n--) {
		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		*p++ = (float)((seed >> 40) & 0xffffff) / (1 << 22) - 2.0f;
	}
}

/* An FP32 constant filled from SEED, scaled by SCALE. */
static vnpu_status gu_const(vnpu_graph *g, const char *name, uint32_t rank,
			    const uint32_t *dims, uint64_t seed, float scale,
			    float bias, vnpu_tensor *t)
{
	size_t n = 1, i;
	vnpu_status st;
	float *d;

	for (i = 0; i < rank; i++)
		n *= dims[i];
	d = malloc(n * 4);
	if (!d)
		return VNPU_STATUS_OUT_OF_MEMORY;
	gu_fill(d, n, seed);
	for (i = 0; i < n; i++)
		d[i] = d[i] * scale + bias;
	st = vnpu_graph_constant(g, name, VNPU_DTYPE_FP32, rank, dims, d, n * 4,
				 VNPU_CONST_COPY, t);
	free(d);
	return st;
}

#define TRY(x) do { vnpu_status st_ = (x); if (st_) return st_; } while (0)

vnpu_status gu_build_block(vnpu_graph *g)
{
	return gu_build_block_at(g, GU_POS0);
}

vnpu_status gu_build_block_at(vnpu_graph *g, uint32_t pos0)
{
	return gu_build_block_ex(g, GU_S, pos0, 0);
}

vnpu_status gu_build_block_ex(vnpu_graph *g, uint32_t s, uint32_t pos0, int states)
{
	int hm = states & GU_HEAD_MAJOR;
	uint32_t d_tok[1] = { s }, d_cache[3] = { hm ? GU_KVH : GU_C, hm ? GU_C : GU_KVH, GU_D };
	uint32_t d_emb[2] = { GU_V, GU_DM }, d_vec[1] = { GU_DM };
	uint32_t d_wq[2] = { GU_H * GU_D, GU_DM }, d_wk[2] = { GU_KVH * GU_D, GU_DM };
	uint32_t d_wo[2] = { GU_DM, GU_H * GU_D }, d_wg[2] = { GU_FF, GU_DM };
	uint32_t d_wd[2] = { GU_DM, GU_FF };
	uint32_t d_q[3] = { s, GU_H, GU_D }, d_k[3] = { s, GU_KVH, GU_D };
	uint32_t d_flat[2] = { s, GU_H * GU_D };
	vnpu_tensor tok, kc, vc, emb, g1, g2, g3, wq, wk, wv, wo, wg, wu, wd;
	vnpu_tensor x, h, q, k, v, a, o, r1, gate, up, sw, dn, r2, logits, kco, vco;
	vnpu_attention_desc ad = { 0 };

	TRY(vnpu_graph_input(g, "tokens", VNPU_DTYPE_I32, 1, d_tok, &tok));
	if (states) {
		TRY(vnpu_graph_state(g, "k_cache", VNPU_DTYPE_FP32, 3, d_cache, &kc));
		TRY(vnpu_graph_state(g, "v_cache", VNPU_DTYPE_FP32, 3, d_cache, &vc));
	} else {
		TRY(vnpu_graph_input(g, "k_cache", VNPU_DTYPE_FP32, 3, d_cache, &kc));
		TRY(vnpu_graph_input(g, "v_cache", VNPU_DTYPE_FP32, 3, d_cache, &vc));
	}
	TRY(gu_const(g, "embed", 2, d_emb, 1, 1.0f, 0, &emb));
	TRY(gu_const(g, "norm1", 1, d_vec, 2, 0.1f, 1.0f, &g1));
	TRY(gu_const(g, "norm2", 1, d_vec, 3, 0.1f, 1.0f, &g2));
	TRY(gu_const(g, "norm3", 1, d_vec, 4, 0.1f, 1.0f, &g3));
	TRY(gu_const(g, "wq", 2, d_wq, 5, 0.125f, 0, &wq));
	TRY(gu_const(g, "wk", 2, d_wk, 6, 0.125f, 0, &wk));
	TRY(gu_const(g, "wv", 2, d_wk, 7, 0.125f, 0, &wv));
	TRY(gu_const(g, "wo", 2, d_wo, 8, 0.125f, 0, &wo));
	TRY(gu_const(g, "wg", 2, d_wg, 9, 0.125f, 0, &wg));
	TRY(gu_const(g, "wu", 2, d_wg, 10, 0.125f, 0, &wu));
	TRY(gu_const(g, "wd", 2, d_wd, 11, 0.125f, 0, &wd));

	TRY(vnpu_graph_gather(g, "embed", emb, tok, &x));
	TRY(vnpu_graph_rmsnorm(g, "attn_norm", x, g1, 1e-5f, &h));
	TRY(vnpu_graph_matmul(g, "q", h, wq, 0, 0, VNPU_DTYPE_FP32, &q));
	TRY(vnpu_graph_matmul(g, "k", h, wk, 0, 0, VNPU_DTYPE_FP32, &k));
	TRY(vnpu_graph_matmul(g, "v", h, wv, 0, 0, VNPU_DTYPE_FP32, &v));
	TRY(vnpu_graph_reshape(g, "q3", q, 3, d_q, &q));
	TRY(vnpu_graph_reshape(g, "k3", k, 3, d_k, &k));
	TRY(vnpu_graph_reshape(g, "v3", v, 3, d_k, &v));
	TRY(vnpu_graph_rope(g, "rope_q", q, pos0, 10000.0f, VNPU_ROPE_MODE_HALF, &q));
	TRY(vnpu_graph_rope(g, "rope_k", k, pos0, 10000.0f, VNPU_ROPE_MODE_HALF, &k));
	ad.q = q;
	ad.k = k;
	ad.v = v;
	ad.k_cache = kc;
	ad.v_cache = vc;
	ad.pos0 = pos0;
	ad.cache_layout = hm ? VNPU_KV_HEAD_MAJOR : VNPU_KV_POS_MAJOR;
	TRY(vnpu_graph_attention(g, "attn", &ad, &a, &kco, &vco));
	TRY(vnpu_graph_reshape(g, "attn2", a, 2, d_flat, &a));
	TRY(vnpu_graph_matmul(g, "o", a, wo, 0, 0, VNPU_DTYPE_FP32, &o));
	TRY(vnpu_graph_add(g, "resid1", o, x, &r1));
	TRY(vnpu_graph_rmsnorm(g, "mlp_norm", r1, g2, 1e-5f, &h));
	TRY(vnpu_graph_matmul(g, "gate", h, wg, 0, 0, VNPU_DTYPE_FP32, &gate));
	TRY(vnpu_graph_matmul(g, "up", h, wu, 0, 0, VNPU_DTYPE_FP32, &up));
	TRY(vnpu_graph_swiglu(g, "swiglu", gate, up, &sw));
	TRY(vnpu_graph_matmul(g, "down", sw, wd, 0, 0, VNPU_DTYPE_FP32, &dn));
	TRY(vnpu_graph_add(g, "resid2", dn, r1, &r2));
	TRY(vnpu_graph_rmsnorm(g, "final_norm", r2, g3, 1e-5f, &h));
	TRY(vnpu_graph_matmul(g, "head", h, emb, 0, 0, VNPU_DTYPE_FP32, &logits));
	TRY(vnpu_graph_output(g, logits));
	if (states) {
		TRY(vnpu_graph_assign(g, "k_update", kc, kco));
		TRY(vnpu_graph_assign(g, "v_update", vc, vco));
		return VNPU_STATUS_OK;
	}
	TRY(vnpu_graph_output(g, kco));
	TRY(vnpu_graph_output(g, vco));
	return VNPU_STATUS_OK;
}

void gu_block_inputs(struct gu_block_io *io)
{
	int i;

	memset(io, 0, sizeof(*io));
	for (i = 0; i < GU_S; i++)
		io->tokens[i] = (i * 7 + 3) % GU_V;
	/* Rows before pos0 hold earlier tokens; the rest is stale garbage
	 * that attention must never read. */
	gu_fill(io->kc, GU_C * GU_KVH * GU_D, 21);
	gu_fill(io->vc, GU_C * GU_KVH * GU_D, 22);
}

vnpu_status gu_block_run(vnpu_stream *s, vnpu_program *p, struct gu_block_io *io)
{
	const void *in[3] = { io->tokens, io->kc, io->vc };
	void *out[3] = { io->logits, io->kc_out, io->vc_out };

	return vnpu_program_run(s, p, in, out);
}
