// SPDX-License-Identifier: GPL-2.0
/*
 * vnpu-run: generate tokens with a model (config.json + model.safetensors)
 * on the card or the CPU backend, or run a compiled program file.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../common/procmem.h"
#include "run.h"

static const char help[] =
"Usage: vnpu-run MODEL [--prompt-tokens 1,2,3] [-n N] [options]\n"
"       vnpu-run PROGRAM.vnpu --input FILE... [--output FILE...] [--backend B]\n"
"\n"
"Model mode: MODEL is a directory with config.json and model.safetensors\n"
"(Hugging Face Llama layout; vnpu-gen-model writes them) or its\n"
"model.safetensors. The model is quantized at load to --format under the\n"
"compiler's mixed-precision policy (embeddings and head BF16); a model\n"
"whose linear layers are pre-quantized (NVFP4 / MXFP8 as NVIDIA ModelOpt\n"
"writes them, MXFP4 as gpt-oss; vnpu-gen-model --quantize) runs in its own\n"
"format, never re-quantized (another --format is refused, exit 1). The prompt\n"
"is run as one prefill program, then N-1 tokens one decode step each.\n"
"Prints the generated token ids, the time to first token (prefill +\n"
"sampling; compiling excluded and shown apart; it is a cold start: the\n"
"prefill program's first run also uploads its weights to the device,\n"
"which vnpu-bench llm excludes by warming up), decode tokens/s (the decode\n"
"program is warmed up at load) and the peak resident memory while\n"
"generating next to its budget (packed weights + KV cache + planned\n"
"activations + 64 MiB), with the peak of loading apart (loading reads the\n"
"unquantized weights). A progress bar is drawn on stderr while loading\n"
"when stderr is a terminal.\n"
"\n"
"Program mode: when the file starts with \"VNPUPRG\\0\" (vnpu_program_save,\n"
"vnpu-compile), it runs once with one --input per program input, in order:\n"
"raw little-endian bytes whose size must match the input exactly, or an\n"
"ONNX TensorProto file (NAME.pb, as in ONNX's test data) of the input's\n"
"element count, for FP32, I32, I8 and U8 inputs (int8 and uint8\n"
"tensors: one byte each). Outputs go to the --output files (one per\n"
"output) or are printed (FP32, I32, I8 and U8 as numbers, other types as\n"
"hex).\n"
"\n"
"Options:\n"
"  --prompt-tokens LIST  comma-separated token ids (default 1)\n"
"  -n, --tokens N        tokens to generate (default 16)\n"
"  --backend B           cpu, device (the first card) or auto (default: a\n"
"                        card if there is one, else the CPU backend)\n"
"  --format F            weights: mxfp4 (default; a pre-quantized model's\n"
"                        own), nvfp4, mxfp8, bf16, fp32\n"
"  --mse                 MSE scale search instead of round-to-nearest scales\n"
"  --act-quant A         matmul inputs: none (default, exact), mxint8, mxfp8\n"
"                        (the card's int8 / fp8 dot paths)\n"
"  --temperature T       sampling temperature (default 0 = greedy, or 1 when\n"
"                        --top-k or --top-p is given)\n"
"  --top-k K             sample among the K most likely tokens\n"
"  --top-p P             sample among the most likely tokens totalling P\n"
"  --seed S              sampling seed (default 0); same seed, same tokens\n"
"  --context N           KV-cache rows (default prompt + N)\n"
"  --threads N           CPU backend threads (default: all CPUs)\n"
"  --input FILE          program mode: the next input's bytes\n"
"  --output FILE         program mode: where the next output goes\n"
"  -q, --quiet           print only the token ids\n"
"  -h, --help            this text\n"
"\n"
"Exit status: 0 done, 1 the model, program or device failed, 2 bad usage,\n"
"3 an input file is missing or has the wrong size.\n";

struct bar {
	int on;
	const char *stage;
};

static void progress(void *user, const char *stage, uint64_t done, uint64_t total)
{
	struct bar *b = user;
	int w = 30, fill = total ? (int)(done * w / total) : w;

	if (!b->on)
		return;
	fprintf(stderr, "\r%-16s [%.*s%*s] %3d%%", stage, fill,
		"##############################", w - fill, "",
		total ? (int)(done * 100 / total) : 100);
	b->stage = stage;
	fflush(stderr);
}

static int parse_tokens(const char *s, int32_t **out, uint32_t *n)
{
	uint32_t cap = 16;
	int32_t *t = malloc(cap * sizeof(*t));
	char *end;

	*n = 0;
	while (t && *s) {
		long v;

		errno = 0;
		v = strtol(s, &end, 10);
		if (errno || end == s || v < 0 || v > INT32_MAX || (*end && *end != ',')) {
			free(t);
			return -1;
		}
		if (*n == cap) {
			int32_t *nt = realloc(t, (cap *= 2) * sizeof(*t));

			if (!nt) {
				free(t);
				return -1;
			}
			t = nt;
		}
		t[(*n)++] = (int32_t)v;
		s = *end ? end + 1 : end;
	}
	if (!t || !*n) {
		free(t);
		return -1;
	}
	*out = t;
	return 0;
}

static int is_program(const char *path)
{
	char magic[8] = { 0 };
	FILE *f = fopen(path, "rb");
	int r;

	if (!f)
		return 0;
	r = fread(magic, 1, 8, f) == 8 && !memcmp(magic, "VNPUPRG", 8);
	fclose(f);
	return r;
}

static int parse_u32(const char *opt, const char *s, uint32_t *v)
{
	char *end;
	unsigned long x;

	errno = 0;
	x = strtoul(s, &end, 10);
	if (errno || *end || !*s || *s == '-' || x > UINT32_MAX) {
		fprintf(stderr, "vnpu-run: bad %s '%s'\n", opt, s);
		return -1;
	}
	*v = (uint32_t)x;
	return 0;
}

static int parse_float(const char *opt, const char *s, float *v)
{
	char *end;

	errno = 0;
	*v = strtof(s, &end);
	if (errno || *end || !*s || !(*v >= 0)) {
		fprintf(stderr, "vnpu-run: bad %s '%s'\n", opt, s);
		return -1;
	}
	return 0;
}

static int format_of(const char *s, uint32_t *f)
{
	static const struct { const char *n; uint32_t f; } fm[] = {
		{ "mxfp4", VNPU_DTYPE_MXFP4 }, { "nvfp4", VNPU_DTYPE_NVFP4 },
		{ "mxfp8", VNPU_DTYPE_MXFP8 }, { "bf16", VNPU_DTYPE_BF16 },
		{ "fp32", VNPU_DTYPE_FP32 },
	};

	for (size_t i = 0; i < sizeof(fm) / sizeof(fm[0]); i++)
		if (!strcmp(s, fm[i].n)) {
			*f = fm[i].f;
			return 0;
		}
	fprintf(stderr, "vnpu-run: unknown --format '%s' (mxfp4, nvfp4, mxfp8, bf16, fp32)\n", s);
	return -1;
}

#define MIB(bytes) ((double)(bytes) / 1048576.0)

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int run_model(const char *path, vnpu_device *dev, vnpu_model_options *mo,
		     const int32_t *prompt, uint32_t np, uint32_t gen,
		     const vnpu_sampling *s, int quiet, const char *backend)
{
	struct bar b = { .on = isatty(2) && !quiet };
	uint64_t load_peak, run_peak, budget;
	double t0, compile_s;
	vnpu_model_stats st;
	vnpu_model *m;
	int32_t *out;
	int reset;
	uint32_t ctx = np + (gen ? gen - 1 : 0);

	if (!mo->max_context)
		mo->max_context = ctx;
	mo->progress = progress;
	mo->progress_user = &b;
	if (vnpu_model_load(path, dev, mo, &m)) {
		if (b.on)
			fputc('\n', stderr);
		fprintf(stderr, "vnpu-run: %s\n", vnpu_last_error());
		return RUN_FAIL;
	}
	/*
	 * Compile the prefill first, then restart the peak: the run's peak
	 * is what generating holds, apart from loading (which reads the
	 * unquantized weights) and compiling.
	 */
	t0 = now_s();
	if (vnpu_model_prepare_prefill(m, np, 1)) {
		if (b.on)
			fputc('\n', stderr);
		fprintf(stderr, "vnpu-run: %s\n", vnpu_last_error());
		vnpu_model_destroy(m);
		return RUN_FAIL;
	}
	compile_s = now_s() - t0;
	load_peak = procmem_status("VmHWM");
	reset = !procmem_reset_peak();
	out = calloc(gen + 1, sizeof(*out));
	if (!out || vnpu_model_generate(m, prompt, np, gen, s, out, &st, NULL, NULL)) {
		if (b.on)
			fputc('\n', stderr);
		fprintf(stderr, "vnpu-run: %s\n", out ? vnpu_last_error() : "out of memory");
		free(out);
		vnpu_model_destroy(m);
		return RUN_FAIL;
	}
	if (b.on)
		fprintf(stderr, "\r%60s\r", "");
	if (!quiet)
		printf("tokens:");
	for (uint32_t i = 0; i < gen; i++)
		printf(i || !quiet ? " %d" : "%d", out[i]);
	printf("\n");
	if (!quiet) {
		const vnpu_model_config *c = vnpu_model_get_config(m);

		printf("model: %.1fM parameters, %u layers, backend %s, weights %s%s\n",
		       vnpu_model_config_params(c) / 1e6, c->n_layers, backend,
		       vnpu_dtype_name(c->weight_quant ? c->weight_quant :
				       mo->compile.weight_format),
		       c->weight_quant ? " (pre-quantized)" : "");
		printf("ttft: %.2f ms (%u prompt tokens; compile %.2f s apart)\n",
		       st.ttft_s * 1e3, np, compile_s + st.compile_s);
		if (st.decode_tokens)
			printf("decode: %.2f tokens/s (%u tokens in %.3f s)\n",
			       st.decode_tokens / st.decode_s, st.decode_tokens, st.decode_s);
		run_peak = procmem_status("VmHWM");
		budget = st.weight_bytes + st.kv_bytes + st.arena_bytes + (64ull << 20);
		if (reset && run_peak)
			printf("peak memory: %.1f MiB generating, budget %.1f MiB "
			       "(packed weights %.1f + KV cache %.1f + planned "
			       "activations %.1f + 64); loading peaked at %.1f MiB\n",
			       MIB(run_peak), MIB(budget), MIB(st.weight_bytes),
			       MIB(st.kv_bytes), MIB(st.arena_bytes), MIB(load_peak));
		else	/* no /proc: the peak includes loading */
			printf("peak memory: %.1f MiB, loading included (packed "
			       "weights %.1f MiB, KV cache %.1f MiB, planned "
			       "activations %.1f MiB)\n", MIB(st.peak_rss_bytes),
			       MIB(st.weight_bytes), MIB(st.kv_bytes),
			       MIB(st.arena_bytes));
	}
	free(out);
	vnpu_model_destroy(m);
	return RUN_OK;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "prompt-tokens", required_argument, NULL, 'P' },
		{ "tokens", required_argument, NULL, 'n' },
		{ "backend", required_argument, NULL, 'b' },
		{ "format", required_argument, NULL, 'f' },
		{ "mse", no_argument, NULL, 'M' },
		{ "act-quant", required_argument, NULL, 'A' },
		{ "temperature", required_argument, NULL, 'T' },
		{ "top-k", required_argument, NULL, 'k' },
		{ "top-p", required_argument, NULL, 'p' },
		{ "seed", required_argument, NULL, 's' },
		{ "context", required_argument, NULL, 'c' },
		{ "threads", required_argument, NULL, 't' },
		{ "input", required_argument, NULL, 'i' },
		{ "output", required_argument, NULL, 'o' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *backend = "auto", *prompt_s = "1";
	vnpu_sampling smp = { 0 };
	vnpu_model_options mo;
	vnpu_device_options dopt;
	vnpu_device *dev = NULL;
	char **inputs = calloc((size_t)argc, sizeof(char *));
	char **outputs = calloc((size_t)argc, sizeof(char *));
	int nin = 0, nout = 0, quiet = 0, c, ret, temp_set = 0;
	uint32_t gen = 16, np = 0;
	int32_t *prompt = NULL;
	vnpu_status st;

	vnpu_model_options_init(&mo);
	mo.flags |= VNPU_MODEL_FILE_FORMAT;	/* until --format asks for one */
	vnpu_device_options_init(&dopt);
	if (!inputs || !outputs)
		return RUN_FAIL;
	while ((c = getopt_long(argc, argv, "n:qh", lo, NULL)) != -1) {
		switch (c) {
		case 'P':
			prompt_s = optarg;
			break;
		case 'n':
			if (parse_u32("-n", optarg, &gen))
				return RUN_USAGE;
			break;
		case 'b':
			if (strcmp(optarg, "cpu") && strcmp(optarg, "device") &&
			    strcmp(optarg, "auto")) {
				fprintf(stderr, "vnpu-run: --backend is cpu, device or auto, not '%s'\n",
					optarg);
				return RUN_USAGE;
			}
			backend = optarg;
			break;
		case 'f':
			if (format_of(optarg, &mo.compile.weight_format))
				return RUN_USAGE;
			mo.flags &= ~VNPU_MODEL_FILE_FORMAT;
			break;
		case 'M':
			mo.compile.scale_method = VNPU_SCALE_MSE;
			break;
		case 'A':
			if (!strcmp(optarg, "none"))
				mo.compile.act_quant = VNPU_ACT_QUANT_NONE;
			else if (!strcmp(optarg, "mxint8"))
				mo.compile.act_quant = VNPU_ACT_QUANT_MXINT8;
			else if (!strcmp(optarg, "mxfp8"))
				mo.compile.act_quant = VNPU_ACT_QUANT_MXFP8;
			else {
				fprintf(stderr, "vnpu-run: --act-quant is none, mxint8 or mxfp8\n");
				return RUN_USAGE;
			}
			break;
		case 'T':
			if (parse_float("--temperature", optarg, &smp.temperature))
				return RUN_USAGE;
			temp_set = 1;
			break;
		case 'k':
			if (parse_u32("--top-k", optarg, &smp.top_k))
				return RUN_USAGE;
			break;
		case 'p':
			if (parse_float("--top-p", optarg, &smp.top_p) || smp.top_p > 1) {
				fprintf(stderr, "vnpu-run: --top-p is in [0, 1]\n");
				return RUN_USAGE;
			}
			break;
		case 's':
			errno = 0;
			smp.seed = strtoull(optarg, NULL, 0);
			if (errno) {
				fprintf(stderr, "vnpu-run: bad --seed '%s'\n", optarg);
				return RUN_USAGE;
			}
			break;
		case 'c':
			if (parse_u32("--context", optarg, &mo.max_context))
				return RUN_USAGE;
			break;
		case 't':
			if (parse_u32("--threads", optarg, &dopt.cpu_threads))
				return RUN_USAGE;
			break;
		case 'i':
			inputs[nin++] = optarg;
			break;
		case 'o':
			outputs[nout++] = optarg;
			break;
		case 'q':
			quiet = 1;
			break;
		case 'h':
			fputs(help, stdout);
			return RUN_OK;
		default:
			fprintf(stderr, "Try 'vnpu-run --help'.\n");
			return RUN_USAGE;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "vnpu-run: %s\nTry 'vnpu-run --help'.\n",
			optind == argc ? "MODEL or PROGRAM is required" : "one MODEL only");
		return RUN_USAGE;
	}
	if (!temp_set && (smp.top_k || smp.top_p > 0))
		smp.temperature = 1.0f;
	if (!is_program(argv[optind]) && (nin || nout)) {
		fprintf(stderr, "vnpu-run: --input/--output are for program files; %s is not one\n",
			argv[optind]);
		return RUN_USAGE;
	}
	if (!is_program(argv[optind]) && parse_tokens(prompt_s, &prompt, &np)) {
		fprintf(stderr, "vnpu-run: bad --prompt-tokens '%s' (comma-separated ids)\n",
			prompt_s);
		return RUN_USAGE;
	}
	st = vnpu_init(NULL);
	if (!st) {
		if (!strcmp(backend, "cpu"))
			st = vnpu_device_open("cpu", &dopt, &dev);
		else if (!strcmp(backend, "device"))
			st = vnpu_device_open_index(0, &dopt, &dev);
		else
			st = vnpu_device_open(NULL, &dopt, &dev);
	}
	if (st) {
		fprintf(stderr, "vnpu-run: %s\n", vnpu_last_error());
		return RUN_FAIL;
	}
	if (is_program(argv[optind]))
		ret = run_program(argv[optind], dev, inputs, nin, outputs, nout);
	else
		ret = run_model(argv[optind], dev, &mo, prompt, np, gen, &smp, quiet,
				backend);
	free(prompt);
	free(inputs);
	free(outputs);
	vnpu_device_close(dev);
	vnpu_shutdown();
	return ret;
}
