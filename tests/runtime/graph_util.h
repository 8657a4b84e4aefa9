/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of the graph tests: deterministic data, a small transformer
 * block built through the graph API, compile-and-run in one call.
 */
#ifndef GRAPH_UTIL_H
#define GRAPH_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include <vnpu/vnpu.h>

/* Uniform values in [-2, 2) from SEED. */
void gu_fill(float *p, size_t n, uint64_t seed);

/* Unit roundoff of FP32 (2^-24). */
#define GU_U (1.0 / 16777216.0)

/*
 * The block: embedding gather (tied with the output head), RMS norm,
 * Q/K/V projections, RoPE, GQA attention over a KV cache, output
 * projection, residual add, RMS norm, SwiGLU MLP, residual add, final
 * norm, head. Inputs: tokens i32[GU_S], k_cache and v_cache
 * fp32[GU_C][GU_KVH][GU_D]. Outputs: logits fp32[GU_S][GU_V], the two
 * updated caches.
 */
#define GU_S 3
#define GU_V 16
#define GU_DM 64
#define GU_H 4
#define GU_KVH 2
#define GU_D 16
#define GU_C 8
#define GU_FF 96
#define GU_POS0 2

vnpu_status gu_build_block(vnpu_graph *g);
/* The same block with its tokens at POS0 (GU_POS0 above). */
vnpu_status gu_build_block_at(vnpu_graph *g, uint32_t pos0);
/*
 * The block with S tokens at POS0; STATES non-zero: the caches are state
 * tensors 0 (keys) and 1 (values), assigned their updated values, and the
 * only input is the tokens, the only output the logits. STATES with
 * GU_HEAD_MAJOR: the caches are head-major, [GU_KVH][GU_C][GU_D].
 */
#define GU_HEAD_MAJOR 2
vnpu_status gu_build_block_ex(vnpu_graph *g, uint32_t s, uint32_t pos0, int states);

/* Inputs of the block (deterministic); free with gu_block_inputs_free. */
struct gu_block_io {
	int32_t tokens[GU_S];
	float kc[GU_C * GU_KVH * GU_D], vc[GU_C * GU_KVH * GU_D];
	float logits[GU_S * GU_V];
	float kc_out[GU_C * GU_KVH * GU_D], vc_out[GU_C * GU_KVH * GU_D];
};
void gu_block_inputs(struct gu_block_io *io);
vnpu_status gu_block_run(vnpu_stream *s, vnpu_program *p, struct gu_block_io *io);

#endif /* GRAPH_UTIL_H */
