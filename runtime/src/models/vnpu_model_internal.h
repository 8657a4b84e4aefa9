/* SPDX-License-Identifier: MIT */
/* Internal state of a vnpu_model, shared by the model's source files. */
#ifndef VNPU_MODEL_INTERNAL_H
#define VNPU_MODEL_INTERNAL_H

#include <vnpu/model.h>
#include <vnpu/vnpu.h>

#include "vnpu_safetensors.h"

/*
 * One weight as the graph declares it: FP32 values (a view into the file
 * or a converted copy), BF16 values (a view: a table or head the policy
 * keeps BF16), or a pre-quantized block type's planes (views into the
 * file, never converted: vnpu_graph_constant_blocks()).
 */
struct vnpu_model_w {
	uint32_t dtype;		/* VNPU_DTYPE_FP32, BF16 or a block type */
	const void *data;	/* FP32 / BF16 values, or the codes */
	const void *scales;	/* block types: one byte per block */
	uint64_t codes_bytes, scale_bytes;
	float tscale;		/* NVFP4 tensor scale */
};

/* Weights of one layer. */
struct vnpu_model_layer {
	const struct vnpu_model_w *attn_norm, *wq, *wk, *wv, *wo;
	const struct vnpu_model_w *mlp_norm, *wg, *wu, *wd;
};

struct vnpu_model {
	vnpu_model_config cfg;
	vnpu_model_options opts;
	vnpu_device *dev;
	vnpu_stream *stream;
	struct vnpu_st_file *st;
	/* FP32 copies of tensors stored as BF16/F16 or misaligned */
	void **owned;
	uint32_t nowned;
	struct vnpu_model_w *w;	/* every weight, 9 per layer + 3 */
	uint32_t nw;
	const struct vnpu_model_w *embed, *final_norm, *head;
	struct vnpu_model_layer *layers;

	uint32_t ctx;		/* KV-cache rows */
	uint32_t pos;		/* tokens in the cache */
	uint32_t faulted;	/* cache rows below it are faulted in */
	/* the caches on the device: state i (l<i/2>.k_cache / v_cache) at
	 * i * state_stride */
	vnpu_buffer *cache;
	uint64_t state_bytes, state_stride;

	vnpu_program *decode;
	vnpu_program *prefill;
	uint32_t prefill_len;
	int prefill_last_only;
	int weights_shared;	/* prefill uses decode's device weights */
	double compile_s;	/* spent compiling since the last stats */

	float *logits;		/* vocab floats: decode's output row */
};

/* Read and check every weight of FILE (the model's st) into m->w. */
vnpu_status vnpu_model_load_weights(struct vnpu_model *m, const char *file);
/* Bind every state of P to the model's cache buffer. */
vnpu_status vnpu_model_bind(struct vnpu_model *m, vnpu_program *p);
/* Build the graph of S tokens (logits of the last only when LAST_ONLY). */
vnpu_status vnpu_model_build(const struct vnpu_model *m, uint32_t s,
			     int last_only, vnpu_graph **graph);

#endif /* VNPU_MODEL_INTERNAL_H */
