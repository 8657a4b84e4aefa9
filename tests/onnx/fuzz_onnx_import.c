// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target of the ONNX importer: the input is a model file (and,
 * read the other way, a TensorProto). Whatever parses must import or fail
 * with a status and a message, never crash; what imports must compile or
 * fail with a status, and what compiles must run on the CPU backend with
 * zero inputs without the submit validator or the interpreter objecting.
 *
 *   make build/fuzz/fuzz_onnx_import
 *   build/fuzz/fuzz_onnx_import -max_total_time=600 CORPUS_DIR
 * (a corpus: copies of /usr/include/onnx/backend/test/data/node/ * /model.onnx)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vnpu/vnpu.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static vnpu_device *dev;
static vnpu_stream *stream;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	vnpu_init_options o;
	vnpu_device_options d;

	vnpu_init_options_init(&o);
	o.flags = VNPU_INIT_NO_ENV;
	vnpu_device_options_init(&d);
	d.cpu_threads = 1;
	if (vnpu_init(&o) || vnpu_device_open("cpu", &d, &dev) ||
	    vnpu_stream_create(dev, NULL, &stream))
		abort();
	return 0;
}

static void run(vnpu_program *p)
{
	void *bufs[32] = { 0 };
	vnpu_program_info info;
	vnpu_status st;
	uint32_t i;

	if (vnpu_program_info_get(p, &info) || info.inputs + info.outputs > 32 ||
	    info.arena_bytes > (64u << 20))
		return;
	for (i = 0; i < info.inputs + info.outputs; i++) {
		uint64_t bytes = 0;

		vnpu_program_io(p, i >= info.inputs, i >= info.inputs ? i - info.inputs : i,
				NULL, NULL, NULL, &bytes);
		bufs[i] = calloc(1, bytes ? bytes : 1);
	}
	st = vnpu_program_run(stream, p, (const void *const *)bufs,
			      (void *const *)(bufs + info.inputs));
	/* the compiler's streams always pass the submit validator */
	if (st == VNPU_STATUS_INVALID_STREAM || st == VNPU_STATUS_INVALID_ARGUMENT) {
		fprintf(stderr, "run: %s\n", vnpu_last_error());
		abort();
	}
	for (i = 0; i < info.inputs + info.outputs; i++)
		free(bufs[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vnpu_compile_options co;
	vnpu_onnx_tensor t;
	vnpu_program *p;
	vnpu_graph *g;
	vnpu_status st;

	if (!vnpu_onnx_tensor_decode(data, size, &t))
		vnpu_onnx_tensor_free(&t);
	st = vnpu_graph_import_onnx_mem(data, size, NULL, &g);
	if (st) {
		if (!vnpu_last_error()[0])
			abort();	/* every failure says why */
		return 0;
	}
	vnpu_compile_options_init(&co);
	co.weight_format = VNPU_DTYPE_FP32;
	st = vnpu_graph_compile(g, dev, &co, &p);
	if (!st) {
		run(p);
		vnpu_program_destroy(p);
	} else if (strstr(vnpu_last_error(), "internal")) {
		fprintf(stderr, "compile: %s\n", vnpu_last_error());
		abort();
	}
	vnpu_graph_destroy(g);
	return 0;
}
