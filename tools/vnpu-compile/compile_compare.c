// SPDX-License-Identifier: GPL-2.0
/*
 * vnpu-compile --compare: the same graph compiled with FP32 weights and
 * with each other weight format, run on one device with the same inputs;
 * the outputs' differences from the FP32 run.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compile.h"

static const struct {
	const char *name;
	vnpu_dtype dtype;
} formats[] = {
	{ "fp32", VNPU_DTYPE_FP32 }, { "bf16", VNPU_DTYPE_BF16 },
	{ "mxfp8", VNPU_DTYPE_MXFP8 }, { "mxfp4", VNPU_DTYPE_MXFP4 },
	{ "nvfp4", VNPU_DTYPE_NVFP4 },
};
#define NFORMATS (sizeof(formats) / sizeof(formats[0]))

/* Run G compiled with weight format F; OUTS[k] (malloc'ed) of COUNTS[k]
 * floats. Inputs are loaded on the first call and reused. */
static int run_format(const struct opts *o, const vnpu_graph *g, vnpu_device *dev,
		      vnpu_stream *stream, vnpu_dtype f, float **ins, float **outs,
		      uint64_t *counts, unsigned *nout)
{
	vnpu_compile_options co = o->co;
	vnpu_program_info info;
	vnpu_program *p;
	int ret = 0;

	co.weight_format = f;
	if (vnpu_graph_compile(g, dev, &co, &p)) {
		fprintf(stderr, "vnpu-compile: %s\n", vnpu_last_error());
		return EXIT_MODEL;
	}
	vnpu_program_info_get(p, &info);
	if (info.inputs > MAX_ITEMS || info.outputs > MAX_ITEMS) {
		fprintf(stderr, "vnpu-compile: more than %d inputs or outputs\n", MAX_ITEMS);
		vnpu_program_destroy(p);
		return EXIT_MODEL;
	}
	for (unsigned i = 0; i < info.inputs && !ret; i++) {
		if (!ins[i])
			ins[i] = load_input(p, i, i < o->ninputs ? o->inputs[i] : NULL, o->seed);
		if (!ins[i])
			ret = EXIT_IO;
	}
	*nout = info.outputs;
	for (unsigned k = 0; k < info.outputs && !ret; k++) {
		uint64_t bytes = 0;
		vnpu_dtype dt = VNPU_DTYPE_FP32;

		vnpu_program_io(p, 1, k, &dt, NULL, NULL, &bytes);
		outs[k] = calloc(1, bytes ? bytes : 4);
		counts[k] = dt == VNPU_DTYPE_FP32 ? bytes / 4 : 0;
	}
	if (!ret && vnpu_program_run(stream, p, (const void *const *)ins,
				     (void *const *)outs)) {
		fprintf(stderr, "vnpu-compile: run (%s weights): %s\n",
			vnpu_dtype_name(f), vnpu_last_error());
		ret = EXIT_RUN;
	}
	vnpu_program_destroy(p);
	return ret;
}

static void report(const char *fmt, unsigned k, const float *ref, const float *got,
		   uint64_t n)
{
	double mx = 0, sd = 0, sr = 0;

	for (uint64_t i = 0; i < n; i++) {
		double d = fabs((double)got[i] - ref[i]);

		if (d > mx || d != d)
			mx = d;
		sd += d * d;
		sr += (double)ref[i] * ref[i];
	}
	sd = n ? sqrt(sd / n) : 0;
	sr = n ? sqrt(sr / n) : 0;
	printf("%-6s %-6u %14.6g %14.6g %14.6g %12.6g\n", fmt, k, mx, sd, sr,
	       sr > 0 ? sd / sr : 0.0);
}

int compare_formats(const struct opts *o, const vnpu_graph *g)
{
	float *ins[MAX_ITEMS] = { 0 }, *ref[MAX_ITEMS] = { 0 }, *got[MAX_ITEMS] = { 0 };
	uint64_t counts[MAX_ITEMS] = { 0 }, c2[MAX_ITEMS];
	vnpu_device *dev = NULL;
	vnpu_stream *stream = NULL;
	unsigned nout = 0, n2 = 0;
	int ret;

	if (vnpu_init(NULL) || vnpu_device_open(o->device, NULL, &dev) ||
	    vnpu_stream_create(dev, NULL, &stream)) {
		fprintf(stderr, "vnpu-compile: %s\n", vnpu_last_error());
		vnpu_device_close(dev);
		return EXIT_RUN;
	}
	ret = run_format(o, g, dev, stream, VNPU_DTYPE_FP32, ins, ref, counts, &nout);
	for (unsigned k = 0; !ret && o->verbose && k < nout; k++) {
		printf("fp32 output %u:", k);
		for (uint64_t i = 0; i < counts[k] && i < 8; i++)
			printf(" %.9g", ref[k][i]);
		printf("%s\n", counts[k] > 8 ? " ..." : "");
	}
	if (!ret)
		printf("%-6s %-6s %14s %14s %14s %12s\n", "format", "output", "max |diff|",
		       "rms diff", "rms fp32", "rel rms");
	for (size_t f = 1; f < NFORMATS && !ret; f++) {
		ret = run_format(o, g, dev, stream, formats[f].dtype, ins, got, c2, &n2);
		for (unsigned k = 0; k < nout && !ret; k++)
			report(formats[f].name, k, ref[k], got[k], counts[k]);
		for (unsigned k = 0; k < n2; k++) {
			free(got[k]);
			got[k] = NULL;
		}
	}
	for (unsigned k = 0; k < MAX_ITEMS; k++) {
		free(ins[k]);
		free(ref[k]);
	}
	vnpu_stream_destroy(stream);
	vnpu_device_close(dev);
	vnpu_shutdown();
	return ret;
}
