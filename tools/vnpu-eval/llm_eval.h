/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The transformer part of vnpu-eval: for each synthetic model (a
 * vnpu-gen-model preset, written to a temporary directory, or a model
 * directory), the logits of a fixed token sequence under every row's
 * compile options against the FP32 load: mean KL divergence and top-1
 * agreement over the positions.
 */
#ifndef VNPU_EVAL_LLM_EVAL_H
#define VNPU_EVAL_LLM_EVAL_H

#include <stdint.h>

#include <vnpu/vnpu.h>

#include "eval.h"

struct llm_opts {
	const char *models;	/* comma-separated presets or directories */
	uint32_t tokens;	/* positions compared per model */
	uint64_t seed;		/* model weights (presets) and tokens */
	uint32_t act, keep;	/* compile options shared by every row */
	int quiet;
};

/*
 * Fill R->llm_rows: for each model, one row per template of TMPL[0..N)
 * (format, method, bits and compile fields set; the first is FP32, the
 * reference). Returns 0, or an exit status (the message printed) when a
 * model cannot be written or loaded in FP32.
 */
int llm_eval(const struct llm_opts *o, vnpu_device *dev, const struct eval_row *tmpl,
	     uint32_t n, struct eval_report *r);

#endif /* VNPU_EVAL_LLM_EVAL_H */
