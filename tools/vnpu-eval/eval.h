/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vnpu-eval's results: one row per weight format and quantization method,
 * filled by the evaluation and read by the table, JSON and SVG writers.
 */
#ifndef VNPU_EVAL_EVAL_H
#define VNPU_EVAL_EVAL_H

#include <stdint.h>
#include <stdio.h>

#define EVAL_MAX_ROWS 64

/* eval_row.state */
#define ROW_OK 0
#define ROW_UNSUPPORTED 1	/* this libvnpu refuses the options */
#define ROW_FAILED 2		/* compile or run failed otherwise */

struct eval_row {
	char model[64];		/* transformer rows: preset or directory */
	const char *format;	/* "fp32", "bf16", "mxfp8", "nvfp4", "mxfp4" */
	const char *method;	/* "-", "rtn", "mse", "hadamard", "hadamard+mse" */
	double bits;		/* bits per weight, scales included */
	uint32_t weight_format, scale_method, hadamard;
	int state;
	char note[256];		/* why a row is unsupported or failed */
	uint32_t n;		/* samples (MLP: test images; transformer: positions) */
	uint32_t correct;	/* MLP: right labels */
	uint32_t agree;		/* argmax equal to the FP32 program's */
	double kl;		/* mean KL(FP32 program || this), nats */
	uint64_t weight_bytes;	/* the program's packed constants */
	double seconds;		/* compile + inference */
};

struct eval_report {
	/* the MLP experiment */
	const char *data_dir;
	uint32_t train_n, test_n, epochs, batch, threads;
	uint32_t layers, dims[8];
	uint64_t seed;
	float lr;
	double train_seconds;
	uint32_t host_correct;	/* the trainer's own FP32 forward pass */
	const char *backend;	/* device info profile ("cpu", "atlas350") */
	const char *act_quant;	/* "none", "mxint8", ... */
	const char *keep;	/* "default" or "none" */
	uint32_t nrows;
	struct eval_row rows[EVAL_MAX_ROWS];
	/* the transformer experiment */
	const char *llm_note;	/* why it did not run (NULL when it did) */
	uint32_t llm_tokens;	/* positions compared per model */
	uint32_t llm_nrows;
	struct eval_row llm_rows[EVAL_MAX_ROWS];
};

/* The text table and the JSON document of R. */
void report_table(FILE *f, const struct eval_report *r);
void report_json(FILE *f, const struct eval_report *r);

/* The SVG plot of error against bits per weight. */
void report_svg(FILE *f, const struct eval_report *r);

#endif /* VNPU_EVAL_EVAL_H */
