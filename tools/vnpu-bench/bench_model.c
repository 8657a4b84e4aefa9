// SPDX-License-Identifier: GPL-2.0
/*
 * vnpu-bench model: no execution. A roofline timing model of a Llama
 * model's prefill and decode on the card profiles (atlas350, 950dt) and
 * the H20 reference, from the FLOPs and bytes of each phase, saying which
 * resource bounds it. The profiles' figures come from the driver's table
 * (driver/emu/vnpu_emu_profile_table.h), not a copy.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vnpu/vnpu.h>

#include "../vnpu-gen-model/gen_model.h"
#include "bench.h"

struct card {
	const char *key, *name;
	double mem_gib, fp4, fp8, bf16, bw;	/* FLOP/s, bytes/s */
};

static const struct card cards[] = {
#define VNPU_EMU_PROFILE(k, n, id, gib, f4, f8, b16, bw, link, tdp) \
	{ k, n, gib, (f4) * 1e12, (f8) * 1e12, (b16) * 1e12, (bw) * 1e9 },
#include "vnpu_emu_profile_table.h"
#undef VNPU_EMU_PROFILE
};
#define NCARDS (sizeof(cards) / sizeof(cards[0]))

static const char help[] =
"Usage: vnpu-bench model [--preset P | --config FILE | --model DIR]\n"
"                        [--prompt N] [--gen N]\n"
"                        [--batch B] [--format F] [--act A] [--json]\n"
"\n"
"Predicts time to first token and decode tokens/s of a model on each card\n"
"profile (the driver's table: atlas350, 950dt, and h20 as the reference)\n"
"with a roofline per phase: time = max(FLOPs / peak, bytes / bandwidth),\n"
"and says which of the two bounds it. Nothing runs.\n"
"\n"
"  FLOPs    2 per multiply-add of every linear layer, causal attention\n"
"           (QK^T and PV), the head for the last token only\n"
"  bytes    the packed weights as the compiler stores them (the format's\n"
"           codes and scales, embeddings and head BF16 under the default\n"
"           precision policy; one embedding row per token), plus the KV\n"
"           cache read and written (FP32, as the model keeps it), plus\n"
"           activations in and out of every matmul once\n"
"  peak     the rate of the narrower operand pair the card can use: FP4\n"
"           only when activations are FP4 too (--act fp4), FP8 with FP8\n"
"           or int8 activations, BF16 otherwise (the default: exact\n"
"           activations). A card without FP4 units (h20) runs FP4 weights\n"
"           at its FP8 rate (dequantized on load, as weight-only kernels\n"
"           do) and FP4 activations at FP8.\n"
"\n"
"With --model DIR the model is loaded and its prefill and decode programs\n"
"compiled (not run) under --format, and the FLOPs and bytes are the\n"
"compiled programs' own (vnpu_program_info.flops/.bytes: every packet's\n"
"reads and writes), decode moved to the mean position; the streamed\n"
"weight bytes of both methods are printed.\n"
"\n"
"Decode is predicted at the mean position of the generation; --batch B\n"
"runs B sequences per step (weights read once, FLOPs and KV reads times\n"
"B). The phase's bound is printed next to each figure.\n"
"\n"
"Options:\n"
"  --preset P    tiny, 15m, 60m, 250m, 1b (default 1b)\n"
"  --config F    a config.json instead of a preset\n"
"  --model DIR   a model directory: compile its programs for the bytes\n"
"  --prompt N    prompt tokens (default 512)\n"
"  --gen N       generated tokens (default 128)\n"
"  --batch B     sequences decoded together (default 1)\n"
"  --format F    weights: mxfp4 (default), nvfp4, mxfp8, bf16\n"
"  --act A       activations: bf16 (default), fp8, int8, fp4\n"
"  --json        one JSON object\n";

struct phase {
	double flops, bytes;
};

/* Packed bytes of an [N, K] weight in DTYPE, as a constant. */
static double wbytes(uint32_t dtype, uint64_t n, uint64_t k)
{
	return (double)vnpu_dtype_bytes(dtype, n * k, 1);
}

/* Bytes of every weight the model streams per step (embedding table
 * excluded: one row per token is gathered). */
double model_weight_bytes(const vnpu_model_config *c, uint32_t fmt)
{
	uint64_t qd = (uint64_t)c->n_heads * c->head_dim, kvd = (uint64_t)c->n_kv_heads * c->head_dim;
	double layer = wbytes(fmt, qd, c->dim) + 2 * wbytes(fmt, kvd, c->dim) +
		       wbytes(fmt, c->dim, qd) + 2 * wbytes(fmt, c->ffn_dim, c->dim) +
		       wbytes(fmt, c->dim, c->ffn_dim) + 2.0 * 4 * c->dim;
	uint32_t head = fmt == VNPU_DTYPE_FP32 ? VNPU_DTYPE_FP32 : VNPU_DTYPE_BF16;

	return c->n_layers * layer + wbytes(head, c->vocab, c->dim) + 4.0 * c->dim;
}

static void phases(const vnpu_model_config *c, double w, uint32_t p,
		   uint32_t gen, uint32_t batch, struct phase *pf, struct phase *dec)
{
	double qd = (double)c->n_heads * c->head_dim, kvd = (double)c->n_kv_heads * c->head_dim;
	double kv_row = 2.0 * 4 * c->n_layers * kvd;	/* K and V, FP32, all layers */
	double act_row = 4.0 * c->n_layers * (2 * c->dim + qd + 2 * kvd + qd + 3.0 * c->ffn_dim + c->dim);
	double pos = p + gen / 2.0;

	pf->flops = llm_prefill_flops((const struct vnpu_model_config *)c, p);
	pf->bytes = w + kv_row * p + act_row * p + 2.0 * c->dim * p;
	dec->flops = batch * (llm_prefill_flops((const struct vnpu_model_config *)c, 1) +
			      4.0 * qd * pos * c->n_layers);
	dec->bytes = w + batch * (kv_row * (pos + 1) + act_row + 2.0 * c->dim);
}

/* Load DIR, compile its programs (nothing runs) and take the decode
 * program's packed weights, without the gathered embedding table. */
static int compiled_bytes(const char *dir, uint32_t fmt, uint32_t ctx, uint32_t np,
			  uint32_t gen, uint32_t batch, vnpu_model_config *c, double *w,
			  struct phase *pf, struct phase *dec)
{
	vnpu_program_info pp;
	vnpu_model_options mo;
	vnpu_program_info pi;
	vnpu_device *dev = NULL;
	vnpu_model *m = NULL;
	int ret = -1;

	vnpu_model_options_init(&mo);
	mo.compile.weight_format = fmt;
	mo.max_context = ctx;
	mo.flags = VNPU_MODEL_COMPILE_ONLY;
	if (!vnpu_init(NULL) && !vnpu_device_open("cpu", NULL, &dev) &&
	    !vnpu_model_load(dir, dev, &mo, &m) &&
	    !vnpu_model_prepare_prefill(m, np, 1) &&
	    !vnpu_program_info_get(vnpu_model_decode_program(m), &pi) &&
	    !vnpu_program_info_get(vnpu_model_prefill_program(m, NULL), &pp)) {
		double kvd = (double)c->n_kv_heads * c->head_dim, pos = np + gen / 2.0;

		*c = *vnpu_model_get_config(m);
		kvd = (double)c->n_kv_heads * c->head_dim;
		*w = llm_decode_bytes((const struct vnpu_model_config *)c, pi.weight_bytes,
				      mo.compile.keep, 0) -
		     2.0 * 4 * c->n_layers * kvd;
		/* the programs' own counts (vnpu_program_info.flops/.bytes, at
		 * position 0): prefill as is; decode moved to the mean position
		 * (attention over pos more keys) and times the batch, weights
		 * read once */
		pf->flops = (double)pp.flops;
		pf->bytes = (double)pp.bytes;
		dec->flops = batch * ((double)pi.flops +
				      4.0 * c->n_heads * c->head_dim * pos * c->n_layers);
		dec->bytes = *w + batch * ((double)pi.bytes - *w +
					   2.0 * 4 * kvd * pos * c->n_layers);
		ret = 0;
	} else {
		fprintf(stderr, "vnpu-bench: %s\n", vnpu_last_error());
	}
	vnpu_model_destroy(m);
	vnpu_device_close(dev);
	vnpu_shutdown();
	return ret;
}

static double peak(const struct card *cd, const char *act)
{
	if (!strcmp(act, "fp4"))
		return cd->fp4 > 0 ? cd->fp4 : cd->fp8;
	if (!strcmp(act, "fp8") || !strcmp(act, "int8"))
		return cd->fp8;
	return cd->bf16;
}

int bench_model_main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "preset", required_argument, NULL, 'p' },
		{ "config", required_argument, NULL, 'c' },
		{ "model", required_argument, NULL, 'm' },
		{ "prompt", required_argument, NULL, 'P' },
		{ "gen", required_argument, NULL, 'g' },
		{ "batch", required_argument, NULL, 'b' },
		{ "format", required_argument, NULL, 'f' },
		{ "act", required_argument, NULL, 'a' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	static const struct { const char *n; uint32_t f; } fm[] = {
		{ "mxfp4", VNPU_DTYPE_MXFP4 }, { "nvfp4", VNPU_DTYPE_NVFP4 },
		{ "mxfp8", VNPU_DTYPE_MXFP8 }, { "bf16", VNPU_DTYPE_BF16 },
	};
	const char *preset = "1b", *cfgpath = NULL, *fname = "mxfp4", *act = "bf16";
	const char *model = NULL;
	double w, w_shapes;
	long np = 512, gen = 128, batch = 1;
	uint32_t fmt = 0;
	vnpu_model_config c;
	struct phase pf, dec;
	int json = 0, o;

	optind = 1;
	while ((o = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (o) {
		case 'p': preset = optarg; break;
		case 'c': cfgpath = optarg; break;
		case 'm': model = optarg; break;
		case 'P': np = strtol(optarg, NULL, 10); break;
		case 'g': gen = strtol(optarg, NULL, 10); break;
		case 'b': batch = strtol(optarg, NULL, 10); break;
		case 'f': fname = optarg; break;
		case 'a': act = optarg; break;
		case 'j': json = 1; break;
		case 'h': fputs(help, stdout); return 0;
		default: return 2;
		}
	}
	for (size_t i = 0; i < sizeof(fm) / sizeof(fm[0]); i++)
		if (!strcmp(fname, fm[i].n))
			fmt = fm[i].f;
	if (optind < argc || !fmt || np < 1 || gen < 1 || batch < 1 || batch > 4096 ||
	    (strcmp(act, "bf16") && strcmp(act, "fp8") && strcmp(act, "int8") &&
	     strcmp(act, "fp4"))) {
		fprintf(stderr, "vnpu-bench model: bad arguments (see --help)\n");
		return 2;
	}
	if (model) {
		if (compiled_bytes(model, fmt, (uint32_t)(np + gen), (uint32_t)np,
				   (uint32_t)gen, (uint32_t)batch, &c, &w, &pf, &dec))
			return 1;
	} else if (cfgpath) {
		if (vnpu_model_config_load(cfgpath, &c)) {
			fprintf(stderr, "vnpu-bench: %s\n", vnpu_last_error());
			return 1;
		}
	} else {
		const struct gen_preset *gp = gen_preset_find(preset);

		if (!gp) {
			fprintf(stderr, "vnpu-bench: unknown preset '%s'\n", preset);
			return 2;
		}
		c = gp->c;
	}
	w_shapes = model_weight_bytes(&c, fmt);
	if (!model) {
		w = w_shapes;
		phases(&c, w, (uint32_t)np, (uint32_t)gen, (uint32_t)batch, &pf, &dec);
	}
	if (json)
		printf("{\"params\": %llu, \"weight_bytes\": %.0f, \"weight_bytes_shapes\": %.0f, "
		       "\"weight_bytes_from\": \"%s\", "
		       "\"format\": \"%s\", \"act\": \"%s\", \"prompt\": %ld, "
		       "\"gen\": %ld, \"batch\": %ld, \"prefill_flops\": %.6g, \"prefill_bytes\": %.6g, "
		       "\"decode_flops\": %.6g, \"decode_bytes\": %.6g, \"cards\": [",
		       (unsigned long long)vnpu_model_config_params(&c), w, w_shapes,
		       model ? "compiled" : "shapes", fname, act, np, gen,
		       batch, pf.flops, pf.bytes, dec.flops, dec.bytes);
	else
		printf("%.1fM parameters, weights %s, activations %s, prompt %ld, gen %ld, batch %ld\n"
		       "streamed weight bytes: %.0f (%s: %.0f from the shapes); FLOPs and bytes from %s\n"
		       "prefill: %.4g FLOP, %.4g bytes (intensity %.0f FLOP/B)\n"
		       "decode:  %.4g FLOP, %.4g bytes per step (intensity %.1f FLOP/B)\n\n"
		       "%-16s %10s %9s %8s  %12s %9s %8s\n",
		       vnpu_model_config_params(&c) / 1e6, fname, act, np, gen, batch,
		       w, model ? "compiled decode program" : "counted", w_shapes,
		       model ? "the compiled programs" : "the shapes",
		       pf.flops, pf.bytes, pf.flops / pf.bytes, dec.flops, dec.bytes,
		       dec.flops / dec.bytes, "card", "TTFT ms", "bound", "ridge", "decode tok/s",
		       "bound", "vs h20");
	{
		double h20_tps = 0, h20_ttft = 0;

		for (size_t i = 0; i < NCARDS; i++)
			if (!strcmp(cards[i].key, "h20")) {
				double pk = peak(&cards[i], act);

				h20_ttft = pf.flops / pk > pf.bytes / cards[i].bw ?
					   pf.flops / pk : pf.bytes / cards[i].bw;
				h20_tps = batch / (dec.flops / pk > dec.bytes / cards[i].bw ?
						   dec.flops / pk : dec.bytes / cards[i].bw);
			}
		for (size_t i = 0; i < NCARDS; i++) {
			const struct card *cd = &cards[i];
			double pk = peak(cd, act);
			double pc = pf.flops / pk, pm = pf.bytes / cd->bw;
			double dc = dec.flops / pk, dm = dec.bytes / cd->bw;
			double ttft = pc > pm ? pc : pm, step = dc > dm ? dc : dm;
			double tps = batch / step;

			if (json)
				printf("%s\n  {\"card\": \"%s\", \"peak_flops\": %.4g, \"bandwidth\": %.4g, "
				       "\"ttft_s\": %.6g, \"prefill_bound\": \"%s\", \"decode_tps\": %.6g, "
				       "\"decode_bound\": \"%s\", \"ttft_speedup_vs_h20\": %.3f, "
				       "\"decode_speedup_vs_h20\": %.3f}", i ? "," : "", cd->key, pk,
				       cd->bw, ttft, pc > pm ? "compute" : "memory", tps,
				       dc > dm ? "compute" : "memory", h20_ttft / ttft, tps / h20_tps);
			else
				printf("%-16s %10.2f %9s %6.0f/B  %12.1f %9s  %4.2fx / %4.2fx\n",
				       cd->name, ttft * 1e3, pc > pm ? "compute" : "memory",
				       pk / cd->bw, tps, dc > dm ? "compute" : "memory",
				       h20_ttft / ttft, tps / h20_tps);
		}
	}
	if (json)
		printf("\n]}\n");
	else
		printf("\nridge: the FLOP/byte above which a phase is compute bound on that card.\n"
		       "vs h20: TTFT speedup / decode speedup over the h20 row (same model,\n"
		       "same weight bytes; h20 computes at its FP8 or BF16 rate).\n");
	return 0;
}
