// SPDX-License-Identifier: GPL-2.0
/* vnpu-eval's text table and JSON document. */
#include <math.h>
#include <stdio.h>

#include "eval.h"

static double pct(uint32_t a, uint32_t n)
{
	return n ? 100.0 * a / n : 0.0;
}

/* The FP32 row's accuracy (the reference), or -1 without one. */
static double ref_accuracy(const struct eval_row *rows, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		if (rows[i].state == ROW_OK && rows[i].weight_format == 1 /* FP32 */)
			return pct(rows[i].correct, rows[i].n);
	return -1.0;
}

static void table_rows(FILE *f, const struct eval_row *rows, uint32_t n, int accuracy)
{
	double ref = ref_accuracy(rows, n);
	uint32_t i;

	if (accuracy)
		fprintf(f, "%-6s %6s  %-12s %8s %8s %8s %8s %11s %10s\n", "format", "bits/w",
			"method", "accuracy", "error", "vs fp32", "top-1", "KL", "weights");
	else
		fprintf(f, "%-8s %-6s %6s  %-12s %8s %11s %10s\n", "model", "format", "bits/w",
			"method", "top-1", "KL", "weights");
	for (i = 0; i < n; i++) {
		const struct eval_row *w = &rows[i];

		if (!accuracy)
			fprintf(f, "%-8s ", w->model);
		fprintf(f, "%-6s %6.2f  %-12s ", w->format, w->bits, w->method);
		if (w->state != ROW_OK) {
			fprintf(f, "%s: %s\n",
				w->state == ROW_UNSUPPORTED ? "unsupported by this libvnpu" : "failed",
				w->note);
			continue;
		}
		if (accuracy) {
			double acc = pct(w->correct, w->n);

			fprintf(f, "%7.2f%% %7.2f%% ", acc, 100.0 - acc);
			if (ref >= 0)
				fprintf(f, "%+8.2f ", acc - ref);
			else
				fprintf(f, "%8s ", "-");
		}
		fprintf(f, "%7.2f%% %11.3e %8.1fKiB\n", pct(w->agree, w->n), w->kl,
			w->weight_bytes / 1024.0);
	}
}

void report_table(FILE *f, const struct eval_report *r)
{
	uint32_t i;

	fprintf(f, "MLP ");
	for (i = 0; i <= r->layers; i++)
		fprintf(f, "%s%u", i ? "-" : "", r->dims[i]);
	fprintf(f, " (ReLU) on %s\nTrained in FP32 on %u images, %u epoch%s, batch %u, seed %llu"
		" (%.1f s, %u thread%s)\n",
		r->data_dir, r->train_n, r->epochs, r->epochs == 1 ? "" : "s", r->batch,
		(unsigned long long)r->seed, r->train_seconds, r->threads,
		r->threads == 1 ? "" : "s");
	fprintf(f, "Test: %u images on the %s backend; activations %s; keep policy %s; "
		"host FP32 forward pass %.2f%%\n",
		r->test_n, r->backend, r->act_quant, r->keep, pct(r->host_correct, r->test_n));
	fprintf(f, "(vs fp32: accuracy points against the FP32 program; top-1: predictions"
		" equal to its; KL: mean KL(fp32 || format) of the logits' softmax, nats)\n\n");
	table_rows(f, r->rows, r->nrows, 1);
	fprintf(f, "\nTransformer (logits at %u positions of a fixed token sequence against"
		" the FP32 load):\n", r->llm_tokens);
	if (r->llm_note)
		fprintf(f, "  not measured: %s\n", r->llm_note);
	else
		table_rows(f, r->llm_rows, r->llm_nrows, 0);
}

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

/* JSON has no Inf or NaN: null stands for them. */
static void json_num(FILE *f, double v)
{
	if (isfinite(v))
		fprintf(f, "%.9g", v);
	else
		fputs("null", f);
}

static void json_rows(FILE *f, const struct eval_row *rows, uint32_t n, int accuracy)
{
	uint32_t i;

	fputs("[", f);
	for (i = 0; i < n; i++) {
		const struct eval_row *w = &rows[i];
		static const char *const states[] = { "ok", "unsupported", "failed" };

		fprintf(f, "%s\n    {", i ? "," : "");
		if (!accuracy) {
			fputs("\"model\": ", f);
			json_str(f, w->model);
			fputs(", ", f);
		}
		fputs("\"format\": ", f);
		json_str(f, w->format);
		fputs(", \"method\": ", f);
		json_str(f, w->method);
		fprintf(f, ", \"bits_per_weight\": %.2f, \"status\": \"%s\"", w->bits,
			states[w->state]);
		if (w->state != ROW_OK) {
			fputs(", \"reason\": ", f);
			json_str(f, w->note);
			fputs("}", f);
			continue;
		}
		fprintf(f, ", \"samples\": %u", w->n);
		if (accuracy)
			fprintf(f, ", \"correct\": %u, \"accuracy\": %.4f", w->correct,
				pct(w->correct, w->n) / 100.0);
		fprintf(f, ", \"agree\": %u, \"top1_agreement\": %.4f, \"kl\": ", w->agree,
			pct(w->agree, w->n) / 100.0);
		json_num(f, w->kl);
		fprintf(f, ", \"weight_bytes\": %llu, \"seconds\": %.3f}",
			(unsigned long long)w->weight_bytes, w->seconds);
	}
	fputs(n ? "\n  ]" : "]", f);
}

void report_json(FILE *f, const struct eval_report *r)
{
	uint32_t i;

	fputs("{\n  \"mlp\": {\"data\": ", f);
	json_str(f, r->data_dir);
	fputs(", \"dims\": [", f);
	for (i = 0; i <= r->layers; i++)
		fprintf(f, "%s%u", i ? ", " : "", r->dims[i]);
	fprintf(f, "], \"train_images\": %u, \"test_images\": %u, \"epochs\": %u, "
		"\"batch\": %u, \"lr\": %g, \"seed\": %llu, \"threads\": %u, "
		"\"train_seconds\": %.3f, \"host_correct\": %u, \"backend\": ",
		r->train_n, r->test_n, r->epochs, r->batch, r->lr, (unsigned long long)r->seed,
		r->threads, r->train_seconds, r->host_correct);
	json_str(f, r->backend);
	fputs(", \"act_quant\": ", f);
	json_str(f, r->act_quant);
	fputs(", \"keep\": ", f);
	json_str(f, r->keep);
	fputs("},\n  \"mlp_results\": ", f);
	json_rows(f, r->rows, r->nrows, 1);
	fputs(",\n  \"transformer\": ", f);
	if (r->llm_note) {
		fputs("{\"status\": \"not measured\", \"reason\": ", f);
		json_str(f, r->llm_note);
		fputs("}", f);
	} else {
		fprintf(f, "{\"status\": \"measured\", \"positions\": %u, \"results\": ",
			r->llm_tokens);
		json_rows(f, r->llm_rows, r->llm_nrows, 0);
		fputs("}", f);
	}
	fputs("\n}\n", f);
}
