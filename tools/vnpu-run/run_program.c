// SPDX-License-Identifier: GPL-2.0
/*
 * vnpu-run, program mode: run a saved program with raw little-endian
 * input files; write the outputs to files or print them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "run.h"

static void *read_file(const char *path, uint64_t want, int *err)
{
	FILE *f = fopen(path, "rb");
	struct stat sb;
	void *buf;

	*err = RUN_INPUT;
	if (!f || fstat(fileno(f), &sb)) {
		fprintf(stderr, "vnpu-run: %s: %s\n", path, strerror(errno));
		if (f)
			fclose(f);
		return NULL;
	}
	if ((uint64_t)sb.st_size != want) {
		fprintf(stderr, "vnpu-run: %s: %lld bytes, the input needs %llu\n", path,
			(long long)sb.st_size, (unsigned long long)want);
		fclose(f);
		return NULL;
	}
	buf = malloc(want ? want : 1);
	if (!buf || fread(buf, 1, want, f) != want) {
		fprintf(stderr, "vnpu-run: %s: read failed\n", path);
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

/* Bytes per element of the input types a TensorProto can give, else 0. */
static uint64_t esize(vnpu_dtype dt)
{
	if (dt == VNPU_DTYPE_FP32 || dt == VNPU_DTYPE_I32)
		return 4;
	return dt == VNPU_DTYPE_I8 || dt == VNPU_DTYPE_U8 ? 1 : 0;
}

/*
 * An ONNX TensorProto file (an ONNX test's input_0.pb) as the bytes of an
 * input of type DT: floats for FP32, integers for I32, I8 and U8, WANT
 * bytes.
 */
static void *read_pb(const char *path, vnpu_dtype dt, uint64_t want, int *err)
{
	vnpu_onnx_tensor t;
	vnpu_status st;
	void *raw, *buf = NULL;
	FILE *f = fopen(path, "rb");
	struct stat sb;

	*err = RUN_INPUT;
	if (!f || fstat(fileno(f), &sb)) {
		fprintf(stderr, "vnpu-run: %s: %s\n", path, strerror(errno));
		if (f)
			fclose(f);
		return NULL;
	}
	raw = malloc((size_t)sb.st_size + 1);
	if (!raw || fread(raw, 1, (size_t)sb.st_size, f) != (size_t)sb.st_size) {
		fprintf(stderr, "vnpu-run: %s: read failed\n", path);
		free(raw);
		fclose(f);
		return NULL;
	}
	fclose(f);
	st = vnpu_onnx_tensor_decode(raw, (size_t)sb.st_size, &t);
	free(raw);
	if (st) {
		fprintf(stderr, "vnpu-run: %s: %s\n", path, vnpu_last_error());
		return NULL;
	}
	if (t.count * esize(dt) != want || (dt == VNPU_DTYPE_FP32 && !t.f) ||
	    (dt != VNPU_DTYPE_FP32 && !t.i) || !esize(dt)) {
		fprintf(stderr, "vnpu-run: %s: %llu %s values, the input is %s of %llu bytes\n",
			path, (unsigned long long)t.count, t.f ? "float" : "integer",
			vnpu_dtype_name(dt), (unsigned long long)want);
	} else if ((buf = malloc(want ? want : 1))) {
		for (uint64_t i = 0; i < t.count; i++) {
			if (t.f)
				((float *)buf)[i] = t.f[i];
			else if (esize(dt) == 1)	/* int8, uint8: the low byte */
				((uint8_t *)buf)[i] = (uint8_t)t.i[i];
			else
				((int32_t *)buf)[i] = (int32_t)t.i[i];
		}
	}
	vnpu_onnx_tensor_free(&t);
	return buf;
}

static void shape_str(char *s, size_t n, vnpu_dtype dt, uint32_t rank,
		      const uint32_t *dims)
{
	size_t off = (size_t)snprintf(s, n, "%s[", vnpu_dtype_name(dt));

	for (uint32_t i = 0; i < rank && off < n; i++)
		off += (size_t)snprintf(s + off, n - off, "%s%u", i ? "," : "", dims[i]);
	if (off < n)
		snprintf(s + off, n - off, "]");
}

/* Print an output: FP32, I32, I8 and U8 as numbers (all of them), others
 * as hex. */
static void print_output(uint32_t i, vnpu_dtype dt, uint32_t rank,
			 const uint32_t *dims, const void *data, uint64_t bytes)
{
	char shape[96];

	shape_str(shape, sizeof(shape), dt, rank, dims);
	printf("output %u %s:", i, shape);
	if (dt == VNPU_DTYPE_FP32 || dt == VNPU_DTYPE_I32) {
		for (uint64_t k = 0; k < bytes / 4; k++) {
			if (dt == VNPU_DTYPE_FP32) {
				float v;

				memcpy(&v, (const char *)data + 4 * k, 4);
				printf(" %.9g", v);
			} else {
				int32_t v;

				memcpy(&v, (const char *)data + 4 * k, 4);
				printf(" %d", v);
			}
		}
	} else if (dt == VNPU_DTYPE_I8 || dt == VNPU_DTYPE_U8) {
		for (uint64_t k = 0; k < bytes; k++)
			printf(" %d", dt == VNPU_DTYPE_I8 ? (int)((const int8_t *)data)[k] :
							 (int)((const uint8_t *)data)[k]);
	} else {
		for (uint64_t k = 0; k < bytes; k++)
			printf("%s%02x", k ? "" : " ", ((const uint8_t *)data)[k]);
	}
	printf("\n");
}

int run_program(const char *path, vnpu_device *dev, char **inputs, int nin,
		char **outputs, int nout)
{
	vnpu_program *p = NULL;
	vnpu_program_info pi;
	vnpu_stream *s = NULL;
	void **in = NULL, **out = NULL;
	int ret = RUN_FAIL, err;
	uint32_t i;

	if (vnpu_program_load(path, &p)) {
		fprintf(stderr, "vnpu-run: %s\n", vnpu_last_error());
		return RUN_FAIL;
	}
	vnpu_program_info_get(p, &pi);
	if ((uint32_t)nin != pi.inputs || (nout && (uint32_t)nout != pi.outputs)) {
		fprintf(stderr, "vnpu-run: %s takes %u inputs and gives %u outputs; got %d --input and %d --output\n",
			path, pi.inputs, pi.outputs, nin, nout);
		for (i = 0; i < pi.inputs + pi.outputs; i++) {
			vnpu_dtype dt;
			uint32_t rank, dims[VNPU_MAX_RANK];
			uint64_t bytes;
			char shape[96];
			int o = i >= pi.inputs;

			vnpu_program_io(p, o, o ? i - pi.inputs : i, &dt, &rank, dims, &bytes);
			shape_str(shape, sizeof(shape), dt, rank, dims);
			fprintf(stderr, "  %s %u: %s, %llu bytes\n", o ? "output" : "input",
				o ? i - pi.inputs : i, shape, (unsigned long long)bytes);
		}
		vnpu_program_destroy(p);
		return RUN_USAGE;
	}
	in = calloc(pi.inputs + 1, sizeof(*in));
	out = calloc(pi.outputs + 1, sizeof(*out));
	if (!in || !out)
		goto done;
	for (i = 0; i < pi.inputs; i++) {
		uint64_t bytes;
		size_t len = strlen(inputs[i]);
		vnpu_dtype dt;

		vnpu_program_io(p, 0, i, &dt, NULL, NULL, &bytes);
		if (len > 3 && !strcmp(inputs[i] + len - 3, ".pb"))
			in[i] = read_pb(inputs[i], dt, bytes, &err);
		else
			in[i] = read_file(inputs[i], bytes, &err);
		if (!in[i]) {
			ret = err;
			goto done;
		}
	}
	for (i = 0; i < pi.outputs; i++) {
		uint64_t bytes;

		vnpu_program_io(p, 1, i, NULL, NULL, NULL, &bytes);
		out[i] = malloc(bytes ? bytes : 1);
		if (!out[i])
			goto done;
	}
	if (vnpu_stream_create(dev, NULL, &s) ||
	    vnpu_program_run(s, p, (const void *const *)in, out)) {
		fprintf(stderr, "vnpu-run: %s: %s\n", path, vnpu_last_error());
		goto done;
	}
	for (i = 0; i < pi.outputs; i++) {
		vnpu_dtype dt;
		uint32_t rank, dims[VNPU_MAX_RANK];
		uint64_t bytes;

		vnpu_program_io(p, 1, i, &dt, &rank, dims, &bytes);
		if (nout) {
			FILE *f = fopen(outputs[i], "wb");

			if (!f || fwrite(out[i], 1, bytes, f) != bytes || fclose(f)) {
				fprintf(stderr, "vnpu-run: %s: write failed\n", outputs[i]);
				goto done;
			}
		} else {
			print_output(i, dt, rank, dims, out[i], bytes);
		}
	}
	ret = RUN_OK;
done:
	for (i = 0; in && i < pi.inputs; i++)
		free(in[i]);
	for (i = 0; out && i < pi.outputs; i++)
		free(out[i]);
	free(in);
	free(out);
	vnpu_stream_destroy(s);
	vnpu_program_destroy(p);
	return ret;
}
