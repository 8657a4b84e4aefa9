/* SPDX-License-Identifier: MIT */
/*
 * libvnpu: Llama-style decoder models (token embedding, RMSNorm, RoPE,
 * grouped-query attention with a KV cache, SwiGLU MLP, output head).
 *
 * A model is a directory holding config.json (the Hugging Face Llama keys,
 * see vnpu_model_config) and model.safetensors (the Hugging Face Llama
 * tensor names: model.embed_tokens.weight, model.layers.N.self_attn.
 * {q,k,v,o}_proj.weight, model.layers.N.mlp.{gate,up,down}_proj.weight,
 * model.layers.N.{input,post_attention}_layernorm.weight, model.norm.
 * weight, lm_head.weight unless the embeddings are tied), F32, BF16 or
 * F16, or with the linear layers pre-quantized (@weight_quant below, the
 * file layouts in docs/models.md: NVIDIA ModelOpt's NVFP4 / MXFP8 and
 * OpenAI gpt-oss's MXFP4). vnpu-gen-model writes such directories.
 *
 * Loading builds two graphs with the graph API and compiles them under
 * the given compile options (weight format, mixed-precision policy):
 * prefill (the whole prompt at once, compiled for the prompt's length on
 * first use of that length) and decode (one token, compiled once and run
 * at every position with vnpu_program_run_at()). The KV cache is kept by
 * the model and passed to the programs as inputs and outputs.
 *
 * Typical use:
 *   vnpu_model_load("m/", dev, NULL, &m);
 *   vnpu_model_generate(m, prompt, n, 32, &sampling, out, &stats);
 * and, for accuracy studies, vnpu_model_forward(m, tokens, n, logits)
 * which gives the logits of every position of a fresh sequence.
 */
#ifndef VNPU_MODEL_H
#define VNPU_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include <vnpu/device.h>
#include <vnpu/program.h>
#include <vnpu/status.h>

#if defined(__cplusplus)
extern "C" {
#endif

/**
 * struct vnpu_model_config - shapes of a model (config.json)
 * @dim: hidden_size (a multiple of 32)
 * @n_layers: num_hidden_layers
 * @n_heads: num_attention_heads
 * @n_kv_heads: num_key_value_heads (divides @n_heads; default @n_heads)
 * @head_dim: head_dim (default @dim / @n_heads; even; @n_heads * @head_dim
 *	a multiple of 32)
 * @ffn_dim: intermediate_size (a multiple of 32)
 * @vocab: vocab_size
 * @max_seq: max_position_embeddings (default 2048)
 * @rope_theta: rope_theta (default 10000)
 * @norm_eps: rms_norm_eps (default 1e-5)
 * @tied: tie_word_embeddings (default 0): the head reuses the embeddings
 * @weight_quant: 0, or the block type the file's linear layers are
 *	pre-quantized to (VNPU_DTYPE_NVFP4, VNPU_DTYPE_MXFP4 or
 *	VNPU_DTYPE_MXFP8): config.json's "quantization_config"
 *	(quant_method "modelopt" with quant_algo "NVFP4" or "MXFP8", or
 *	quant_method "mxfp4") or, without it, hf_quant_config.json next to
 *	config.json ("quantization": {"quant_algo": ...})
 */
typedef struct vnpu_model_config {
	uint32_t dim;
	uint32_t n_layers;
	uint32_t n_heads;
	uint32_t n_kv_heads;
	uint32_t head_dim;
	uint32_t ffn_dim;
	uint32_t vocab;
	uint32_t max_seq;
	float rope_theta;
	float norm_eps;
	uint32_t tied;
	uint32_t weight_quant;
} vnpu_model_config;

/*
 * Read and check a config.json. Missing required keys, wrong types and
 * shapes the card cannot run fail with INVALID_ARGUMENT naming the key.
 */
VNPU_API vnpu_status vnpu_model_config_load(const char *path,
					    vnpu_model_config *cfg);
/* Check CFG as vnpu_model_config_load() does (the message names the
 * field). */
VNPU_API vnpu_status vnpu_model_config_check(const vnpu_model_config *cfg);
/* Write CFG as config.json (the keys vnpu_model_config_load() reads; a
 * pre-quantized CFG gets the "quantization_config" its checkpoint
 * convention declares). */
VNPU_API vnpu_status vnpu_model_config_save(const char *path,
					    const vnpu_model_config *cfg);
/* Parameters of a model of shape CFG (embeddings and head counted once
 * each; once when tied). */
VNPU_API uint64_t vnpu_model_config_params(const vnpu_model_config *cfg);

/* Progress of loading: STAGE ("read", "compile decode", ...), DONE of
 * TOTAL units. Called from the loading thread. */
typedef void (*vnpu_model_progress_fn)(void *user, const char *stage,
				       uint64_t done, uint64_t total);

/**
 * struct vnpu_model_options - how a model is loaded
 * @compile: compile options of both programs (weight format, precision
 *	policy); vnpu_model_options_init() sets the library defaults
 * @max_context: rows of the KV cache: the longest prompt + generation
 *	(0: min(max_seq, 2048))
 * @progress: called while loading and compiling, or NULL
 * @progress_user: passed to @progress
 * @flags: VNPU_MODEL_* bits
 */
typedef struct vnpu_model_options {
	vnpu_compile_options compile;
	uint32_t max_context;
	vnpu_model_progress_fn progress;
	void *progress_user;
	uint32_t flags;
} vnpu_model_options;

/* VNPU_MODEL_COMPILE_ONLY - vnpu_model_load() compiles the decode program
 * but does not run it (timing models read the programs; nothing runs) */
#define VNPU_MODEL_COMPILE_ONLY 0x1u
/* VNPU_MODEL_FILE_FORMAT - a pre-quantized file's weight format replaces
 * compile.weight_format (an unquantized file uses compile.weight_format).
 * Without it, a pre-quantized file whose format differs from
 * compile.weight_format is refused, naming both: re-quantizing FP4 weights
 * compounds their error, and dequantizing them gains no accuracy. */
#define VNPU_MODEL_FILE_FORMAT 0x2u

VNPU_API void vnpu_model_options_init(vnpu_model_options *opts);

/* A loaded model (opaque). */
typedef struct vnpu_model vnpu_model;

/*
 * Load the model at PATH (a directory, or its model.safetensors) for
 * DEVICE (which must outlive the model), compile its decode program and
 * run it once (its weights uploaded, so later steps are steady ones).
 * OPTS may be NULL. Missing or malformed files fail with NOT_FOUND /
 * INVALID_ARGUMENT and a message naming the file, tensor and problem.
 */
VNPU_API vnpu_status vnpu_model_load(const char *path, vnpu_device *device,
				     const vnpu_model_options *opts,
				     vnpu_model **model);
VNPU_API void vnpu_model_destroy(vnpu_model *model);
VNPU_API const vnpu_model_config *vnpu_model_get_config(const vnpu_model *model);

/*
 * A fresh sequence of N tokens (the KV cache is reset): LOGITS receives
 * N * vocab floats, row i the logits after token i. N <= max_context.
 * The prefill program for N tokens and all rows is compiled on first use.
 */
VNPU_API vnpu_status vnpu_model_forward(vnpu_model *model, const int32_t *tokens,
					uint32_t n, float *logits);

/*
 * Start a sequence with N prompt tokens (KV cache reset); LOGITS (may be
 * NULL) receives the vocab logits after the last one. Then each
 * vnpu_model_decode() appends one token at the next position and gives
 * the logits after it. A token >= vocab is INVALID_ARGUMENT; running past
 * max_context is INVALID_ARGUMENT.
 */
VNPU_API vnpu_status vnpu_model_prefill(vnpu_model *model, const int32_t *tokens,
					uint32_t n, float *logits);
VNPU_API vnpu_status vnpu_model_decode(vnpu_model *model, int32_t token,
				       float *logits);
/* Tokens in the KV cache (the next position). */
VNPU_API uint32_t vnpu_model_position(const vnpu_model *model);

/**
 * struct vnpu_sampling - how the next token is chosen
 * @temperature: 0 is greedy (argmax, the lowest id on ties); else logits
 *	are divided by it before the softmax
 * @top_k: keep the K most likely tokens (0: all)
 * @top_p: then the smallest set whose probability reaches P (0 or 1: all)
 * @seed: seed of the sampler's random numbers (same seed, same tokens)
 */
typedef struct vnpu_sampling {
	float temperature;
	uint32_t top_k;
	float top_p;
	uint64_t seed;
} vnpu_sampling;

/* A sampler's state: seeded from vnpu_sampling.seed. */
typedef struct vnpu_sampler {
	vnpu_sampling s;
	uint64_t rng;
	void *scratch;		/* vocab (probability, id) pairs */
	uint32_t scratch_n;
} vnpu_sampler;

VNPU_API void vnpu_sampler_init(vnpu_sampler *sampler, const vnpu_sampling *s);
VNPU_API void vnpu_sampler_fini(vnpu_sampler *sampler);
/* The next token from LOGITS[VOCAB]; -1 if out of memory. */
VNPU_API int32_t vnpu_sampler_next(vnpu_sampler *sampler, const float *logits,
				   uint32_t vocab);

/**
 * struct vnpu_model_stats - what generation measured
 * @ttft_s: prefill + first sampling, seconds (prefill compile excluded
 *	and reported in @compile_s)
 * @decode_s: all decode steps after the first token
 * @decode_tokens: tokens produced by decode steps (@decode_s covers them)
 * @compile_s: compiling programs during this call
 * @peak_rss_bytes: the process's peak resident memory so far
 * @weight_bytes: packed weights of the programs held: one copy when the
 *	prefill program shares the decode program's (the usual case),
 *	else prefill + decode
 * @kv_bytes: the KV cache
 * @arena_bytes: the programs' planned activations (prefill + decode)
 */
typedef struct vnpu_model_stats {
	double ttft_s;
	double decode_s;
	uint32_t decode_tokens;
	double compile_s;
	uint64_t peak_rss_bytes;
	uint64_t weight_bytes;
	uint64_t kv_bytes;
	uint64_t arena_bytes;
} vnpu_model_stats;

/* Called after each generated token (I of N); may be NULL. */
typedef void (*vnpu_model_token_fn)(void *user, uint32_t i, uint32_t n,
				    int32_t token);

/*
 * Prefill PROMPT[N], then generate GEN tokens into OUT with sampling S
 * (NULL: greedy). STATS (may be NULL) receives the timings. ON_TOKEN
 * (may be NULL) is told of each token.
 */
VNPU_API vnpu_status vnpu_model_generate(vnpu_model *model, const int32_t *prompt,
					 uint32_t n, uint32_t gen,
					 const vnpu_sampling *s, int32_t *out,
					 vnpu_model_stats *stats,
					 vnpu_model_token_fn on_token, void *user);

/* The model's compiled programs (NULL if not compiled yet): decode, and
 * the last prefill compiled (its prompt length in *PREFILL_LEN). For
 * benchmarks and the timing model. */
VNPU_API const vnpu_program *vnpu_model_decode_program(const vnpu_model *model);
VNPU_API const vnpu_program *vnpu_model_prefill_program(const vnpu_model *model,
							uint32_t *prefill_len);
/* Compile the prefill program for N tokens now (LAST_ONLY: logits of the
 * last token only, as vnpu_model_prefill() uses). */
VNPU_API vnpu_status vnpu_model_prepare_prefill(vnpu_model *model, uint32_t n,
						int last_only);

#if defined(__cplusplus)
}
#endif

#endif /* VNPU_MODEL_H */
