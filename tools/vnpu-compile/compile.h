/* SPDX-License-Identifier: GPL-2.0 */
/* vnpu-compile: shared declarations of its files. */
#ifndef VNPU_COMPILE_TOOL_H
#define VNPU_COMPILE_TOOL_H

#include <stddef.h>

#include <vnpu/vnpu.h>

#define EXIT_MODEL 1	/* the model cannot be imported or compiled */
#define EXIT_USAGE 2	/* bad command line */
#define EXIT_IO 3	/* cannot read or write a file */
#define EXIT_RUN 4	/* a run failed (--compare) */

#define MAX_ITEMS 64

struct opts {
	const char *model, *out;
	vnpu_compile_options co;
	vnpu_onnx_options oo;
	vnpu_onnx_tensor binds[MAX_ITEMS];
	const char *dim_names[MAX_ITEMS];
	uint32_t dim_values[MAX_ITEMS];
	const char *inputs[MAX_ITEMS];
	unsigned ninputs;
	int compare, dump, verbose;
	unsigned seed;
	const char *device;
};

/* compile_io.c: "NAME=VALUE[,VALUE..]" or "NAME=FILE.pb" into T. */
int parse_bind(const char *arg, vnpu_onnx_tensor *t);
/* Read a whole file (malloc'ed), NULL with a message on stderr. */
void *read_all(const char *path, size_t *size);
/* Input data for input I of PROG from FILE (.pb TensorProto or raw FP32),
 * or pseudo-random values from SEED when FILE is NULL. */
float *load_input(const vnpu_program *prog, unsigned i, const char *file,
		  unsigned seed);

/* compile_compare.c: the --compare report. */
int compare_formats(const struct opts *o, const vnpu_graph *g);

#endif /* VNPU_COMPILE_TOOL_H */
