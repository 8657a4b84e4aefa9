/* SPDX-License-Identifier: MIT */
/* Internal state of a vnpu_model, shared by the model's source files. */
#ifndef VNPU_MODEL_INTERNAL_H
#define VNPU_MODEL_INTERNAL_H

#include <vnpu/model.h>
#include <vnpu/vnpu.h>

#include "vnpu_safetensors.h"

/* Weights of one layer: FP32 views into the file or converted copies. */
struct vnpu_model_layer {
	const float *attn_norm, *wq, *wk, *wv, *wo;
	const float *mlp_norm, *wg, *wu, *wd;
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
	const float *embed, *final_norm, *head;
	struct vnpu_model_layer *layers;

	uint32_t ctx;		/* KV-cache rows */
	uint32_t pos;		/* tokens in the cache */
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

/* Bind every state of P to the model's cache buffer. */
vnpu_status vnpu_model_bind(struct vnpu_model *m, vnpu_program *p);
/* Build the graph of S tokens (logits of the last only when LAST_ONLY). */
vnpu_status vnpu_model_build(const struct vnpu_model *m, uint32_t s,
			     int last_only, vnpu_graph **graph);

#endif /* VNPU_MODEL_INTERNAL_H */
