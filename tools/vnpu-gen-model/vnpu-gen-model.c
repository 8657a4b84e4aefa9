// SPDX-License-Identifier: GPL-2.0
/*
 * vnpu-gen-model: deterministic synthetic Llama-style models (config.json
 * + model.safetensors) so benchmarks and tests need nothing from outside.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <vnpu/vnpu.h>

#include "gen_model.h"

static const char help[] =
"Usage: vnpu-gen-model --preset P -o DIR [--seed N] [--dtype f32|bf16]\n"
"                      [--quantize mxfp4|nvfp4|mxfp8]\n"
"       vnpu-gen-model --list\n"
"\n"
"Writes a synthetic Llama-style decoder to DIR/config.json (Hugging Face\n"
"Llama keys) and DIR/model.safetensors (Hugging Face Llama tensor names),\n"
"the layout vnpu-run and vnpu_model_load() read. The same preset, seed\n"
"and dtype always give the same bytes.\n"
"\n"
"Weights are random (seeded per tensor from the seed and the tensor's\n"
"name), scaled 1/sqrt(fan-in) so activations stay of order one, with\n"
"outlier channels like trained LLMs: one hidden channel in 64 has 8x\n"
"larger embedding entries and 4x larger input columns in the q/k/v and\n"
"gate/up projections, so block-scaled FP4 formats see the spread they\n"
"see on real models. Norm weights are 1 + small noise.\n"
"\n"
"With --quantize the linear layers (q/k/v/o, gate/up/down) are written\n"
"pre-quantized, as real checkpoints store them: nvfp4 and mxfp8 as NVIDIA\n"
"ModelOpt exports them (X.weight codes, X.weight_scale block scales, for\n"
"NVFP4 X.weight_scale_2 the FP32 tensor scale), mxfp4 as OpenAI's gpt-oss\n"
"(X.weight_blocks, X.weight_scales), declared in config.json's\n"
"quantization_config. The values are those of the unquantized file of the\n"
"same preset, seed and dtype, quantized by the engine's quantizer (RTN,\n"
"the OCP MX spec and NVIDIA's NVFP4 recipe): loading it gives the same\n"
"programs, logits and tokens, bit for bit, as loading that file with the\n"
"same weight format.\n"
"Embeddings, norms and the head stay in --dtype (the default policy keeps\n"
"the head BF16).\n"
"\n"
"Presets (dim, layers, heads/kv heads, ffn, vocab, parameters):\n"
"%s"
"\n"
"Options:\n"
"  --preset P    one of the presets above (required)\n"
"  -o, --output DIR  directory to write (created if missing)\n"
"  --seed N      random seed (default 1)\n"
"  --dtype T     f32 (default) or bf16 tensors in the file\n"
"  --quantize F  write the linear layers pre-quantized: mxfp4, nvfp4, mxfp8\n"
"  --list        print the presets and exit\n"
"  -h, --help    this text\n"
"\n"
"Exit status: 0 written, 1 could not write, 2 bad usage.\n";

static void preset_table(char *buf, size_t size)
{
	size_t off = 0;

	for (size_t i = 0; i < gen_npresets; i++) {
		const vnpu_model_config *c = &gen_presets[i].c;
		int n = snprintf(buf + off, size - off,
				 "  %-5s %5u %3u %3u/%-2u %5u %6u %6.1fM  %s\n",
				 gen_presets[i].name, c->dim, c->n_layers, c->n_heads,
				 c->n_kv_heads, c->ffn_dim, c->vocab,
				 vnpu_model_config_params(c) / 1e6, gen_presets[i].what);

		if (n < 0 || (size_t)n >= size - off)
			break;
		off += (size_t)n;
	}
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "preset", required_argument, NULL, 'p' },
		{ "output", required_argument, NULL, 'o' },
		{ "seed", required_argument, NULL, 's' },
		{ "dtype", required_argument, NULL, 'd' },
		{ "quantize", required_argument, NULL, 'q' },
		{ "list", no_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const struct gen_preset *p = NULL;
	const char *out = NULL;
	uint64_t seed = 1;
	uint32_t quant = 0;
	int bf16 = 0, c;
	char table[2048], *end;

	preset_table(table, sizeof(table));
	while ((c = getopt_long(argc, argv, "o:h", lo, NULL)) != -1) {
		switch (c) {
		case 'p':
			p = gen_preset_find(optarg);
			if (!p) {
				fprintf(stderr, "vnpu-gen-model: unknown preset '%s' (--list shows them)\n",
					optarg);
				return 2;
			}
			break;
		case 'o':
			out = optarg;
			break;
		case 's':
			errno = 0;
			seed = strtoull(optarg, &end, 0);
			if (errno || *end || !*optarg || *optarg == '-') {
				fprintf(stderr, "vnpu-gen-model: bad --seed '%s'\n", optarg);
				return 2;
			}
			break;
		case 'd':
			if (!strcmp(optarg, "bf16"))
				bf16 = 1;
			else if (strcmp(optarg, "f32")) {
				fprintf(stderr, "vnpu-gen-model: --dtype is f32 or bf16, not '%s'\n",
					optarg);
				return 2;
			}
			break;
		case 'q':
			if (!strcmp(optarg, "mxfp4"))
				quant = VNPU_DTYPE_MXFP4;
			else if (!strcmp(optarg, "nvfp4"))
				quant = VNPU_DTYPE_NVFP4;
			else if (!strcmp(optarg, "mxfp8"))
				quant = VNPU_DTYPE_MXFP8;
			else {
				fprintf(stderr, "vnpu-gen-model: --quantize is mxfp4, nvfp4 or mxfp8, not '%s'\n",
					optarg);
				return 2;
			}
			break;
		case 'l':
			fputs(table, stdout);
			return 0;
		case 'h':
			printf(help, table);
			return 0;
		default:
			fprintf(stderr, "Try 'vnpu-gen-model --help'.\n");
			return 2;
		}
	}
	if (optind < argc || !p || !out) {
		fprintf(stderr, "vnpu-gen-model: %s\nTry 'vnpu-gen-model --help'.\n",
			optind < argc ? "unexpected argument" :
			!p ? "--preset is required" : "-o DIR is required");
		return 2;
	}
	if (gen_write_model_q(out, p, seed, bf16, quant, isatty(2)))
		return 1;
	printf("%s: preset %s, seed %llu, %s%s%s, %.1fM parameters\n", out, p->name,
	       (unsigned long long)seed, bf16 ? "bf16" : "f32", quant ? ", linear layers " : "",
	       quant ? vnpu_dtype_name(quant) : "", vnpu_model_config_params(&p->c) / 1e6);
	return 0;
}
