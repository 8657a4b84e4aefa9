/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VNPU_GEN_MODEL_H
#define VNPU_GEN_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include <vnpu/vnpu.h>

struct gen_preset {
	const char *name;
	vnpu_model_config c;
	const char *what;
};

extern const struct gen_preset gen_presets[];
extern const size_t gen_npresets;

/* The preset called NAME, or NULL. */
const struct gen_preset *gen_preset_find(const char *name);
/*
 * Write DIR/config.json and DIR/model.safetensors of preset P with SEED
 * (BF16 tensors when BF16, else F32); PROGRESS draws a counter on stderr.
 * 0 on success, 1 on an I/O error
 * (reported on stderr).
 */
int gen_write_model(const char *dir, const struct gen_preset *p, uint64_t seed,
		    int bf16, int progress);
/*
 * The same, with the linear layers (not the embeddings, norms or head)
 * pre-quantized when QUANT is VNPU_DTYPE_NVFP4, MXFP4 or MXFP8 (0: none)
 * by the engine's quantizer (RTN) from the values the file would hold
 * unquantized (BF16-rounded when BF16), in the checkpoint layouts
 * vnpu_model_load() reads (docs/models.md).
 */
int gen_write_model_q(const char *dir, const struct gen_preset *p, uint64_t seed,
		      int bf16, uint32_t quant, int progress);

#endif
