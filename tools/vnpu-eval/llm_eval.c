// SPDX-License-Identifier: GPL-2.0
/*
 * Transformer accuracy through the model API: each row loads the model
 * with its compile options (the library quantizes at load under its
 * mixed-precision policy) and runs one vnpu_model_forward() over the
 * token sequence, whose logits at every position are compared with the
 * FP32 load's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "llm_eval.h"
#include "metrics.h"

#include "../vnpu-gen-model/gen_model.h"

#define EXIT_IO 3
#define EXIT_VNPU 4

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* splitmix64, as the trainer's: the token sequence from the seed */
static uint64_t next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Remove what gen_write_model() wrote into DIR, then DIR. */
static void remove_model_dir(const char *dir)
{
	char p[4200];

	snprintf(p, sizeof(p), "%s/config.json", dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/model.safetensors", dir);
	unlink(p);
	rmdir(dir);
}

/* One row: load with the row's options, forward, compare with REF. */
static void llm_row(const struct llm_opts *o, vnpu_device *dev, const char *path,
		    const int32_t *tokens, uint32_t vocab, const float *ref, float *logits,
		    struct eval_row *w)
{
	vnpu_model_options mo;
	vnpu_model *m = NULL;
	vnpu_status st;
	double t0 = now();

	vnpu_model_options_init(&mo);
	mo.compile.weight_format = w->weight_format;
	mo.compile.scale_method = w->scale_method;
	mo.compile.hadamard = w->hadamard;
	mo.compile.act_quant = o->act;
	mo.compile.keep = o->keep;
	mo.max_context = o->tokens;
	st = vnpu_model_load(path, dev, &mo, &m);
	if (!st)
		st = vnpu_model_forward(m, tokens, o->tokens, logits);
	if (!st) {
		const vnpu_program *p = vnpu_model_prefill_program(m, NULL);
		vnpu_program_info info;

		if (p && !vnpu_program_info_get(p, &info))
			w->weight_bytes = info.weight_bytes;
	}
	vnpu_model_destroy(m);
	w->seconds = now() - t0;
	if (st) {
		w->state = st == VNPU_STATUS_UNSUPPORTED ? ROW_UNSUPPORTED : ROW_FAILED;
		snprintf(w->note, sizeof(w->note), "%s: %s", vnpu_status_str(st),
			 vnpu_last_error());
		return;
	}
	w->n = o->tokens;
	w->agree = count_agree(ref ? ref : logits, logits, o->tokens, vocab);
	w->kl = mean_kl(ref ? ref : logits, logits, o->tokens, vocab);
}

/* Every row for model SPEC; 0 or an exit status. */
static int llm_model(const struct llm_opts *o, vnpu_device *dev, const char *spec,
		     const struct eval_row *tmpl, uint32_t n, struct eval_report *r)
{
	const struct gen_preset *preset = gen_preset_find(spec);
	char dir[64] = "", cfgpath[4200];
	vnpu_model_config cfg;
	int32_t *tokens = NULL;
	float *ref = NULL, *logits = NULL;
	const char *path = spec;
	uint64_t s = o->seed ^ 0x746f6b656e73ull;	/* own stream for the tokens */
	uint32_t i;
	vnpu_status st;
	int rc = 0;

	if (preset) {
		strcpy(dir, "/tmp/vnpu-eval-XXXXXX");
		if (!mkdtemp(dir)) {
			fprintf(stderr, "vnpu-eval: cannot make a directory for model %s: %s\n",
				spec, strerror(errno));
			return EXIT_IO;
		}
		if (gen_write_model(dir, preset, o->seed, 0, 0)) {
			remove_model_dir(dir);
			return EXIT_IO;
		}
		path = dir;
	}
	snprintf(cfgpath, sizeof(cfgpath), "%s/config.json", path);
	st = vnpu_model_config_load(cfgpath, &cfg);
	if (st) {
		fprintf(stderr, "vnpu-eval: model %s: %s\n", spec, vnpu_last_error());
		rc = st == VNPU_STATUS_NOT_FOUND ? EXIT_IO : EXIT_VNPU;
		goto out;
	}
	tokens = malloc((size_t)o->tokens * sizeof(*tokens));
	ref = malloc((size_t)o->tokens * cfg.vocab * sizeof(float));
	logits = malloc((size_t)o->tokens * cfg.vocab * sizeof(float));
	if (!tokens || !ref || !logits) {
		fprintf(stderr, "vnpu-eval: out of memory for model %s\n", spec);
		rc = EXIT_IO;
		goto out;
	}
	for (i = 0; i < o->tokens; i++)
		tokens[i] = (int32_t)(next(&s) % cfg.vocab);
	for (i = 0; i < n && r->llm_nrows < EVAL_MAX_ROWS; i++) {
		struct eval_row *w = &r->llm_rows[r->llm_nrows];

		*w = tmpl[i];
		snprintf(w->model, sizeof(w->model), "%s", preset ? preset->name : spec);
		llm_row(o, dev, path, tokens, cfg.vocab, i ? ref : NULL, i ? logits : ref, w);
		if (!i && w->state != ROW_OK) {
			fprintf(stderr, "vnpu-eval: model %s in FP32: %s\n", spec, w->note);
			rc = EXIT_VNPU;
			goto out;
		}
		if (!o->quiet)
			fprintf(stderr, "vnpu-eval: %s %s %s: %s (%.1f s)\n", w->model, w->format,
				w->method, w->state == ROW_OK ? "done" :
				w->state == ROW_UNSUPPORTED ? "unsupported" : "failed", w->seconds);
		r->llm_nrows++;
	}
out:
	free(tokens);
	free(ref);
	free(logits);
	if (*dir)
		remove_model_dir(dir);
	return rc;
}

int llm_eval(const struct llm_opts *o, vnpu_device *dev, const struct eval_row *tmpl,
	     uint32_t n, struct eval_report *r)
{
	char buf[1024], *tok, *save;
	int rc = 0;

	snprintf(buf, sizeof(buf), "%s", o->models);
	for (tok = strtok_r(buf, ",", &save); tok && !rc; tok = strtok_r(NULL, ",", &save))
		rc = llm_model(o, dev, tok, tmpl, n, r);
	r->llm_tokens = o->tokens;
	return rc;
}
