// SPDX-License-Identifier: GPL-2.0
/* vnpu-compile: reading bound values and input data. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compile.h"

void *read_all(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n = -1;

	if (f && !fseek(f, 0, SEEK_END))
		n = ftell(f);
	if (f && n >= 0 && !fseek(f, 0, SEEK_SET)) {
		buf = malloc((size_t)n + 1);
		if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		}
	}
	if (!buf)
		fprintf(stderr, "vnpu-compile: %s: %s\n", path,
			errno ? strerror(errno) : "cannot read");
	if (f)
		fclose(f);
	*size = buf ? (size_t)n : 0;
	return buf;
}

static int ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && !strcmp(s + a - b, suffix);
}

int parse_bind(const char *arg, vnpu_onnx_tensor *t)
{
	const char *eq = strchr(arg, '=');
	size_t n = 1;
	char *end;

	memset(t, 0, sizeof(*t));
	if (!eq || eq == arg || (size_t)(eq - arg) >= sizeof(t->name)) {
		fprintf(stderr, "vnpu-compile: --bind %s: want NAME=VALUE[,VALUE...] or NAME=FILE.pb\n",
			arg);
		return EXIT_USAGE;
	}
	if (ends_with(eq + 1, ".pb")) {
		size_t size;
		void *data = read_all(eq + 1, &size);
		vnpu_status st;

		if (!data)
			return EXIT_IO;
		st = vnpu_onnx_tensor_decode(data, size, t);
		free(data);
		if (st) {
			fprintf(stderr, "vnpu-compile: %s: %s\n", eq + 1, vnpu_last_error());
			return EXIT_MODEL;
		}
	} else {
		for (const char *p = eq + 1; *p; p++)
			n += *p == ',';
		t->i = calloc(n, sizeof(int64_t));
		if (!t->i)
			return EXIT_IO;
		t->onnx_type = 7;	/* INT64 */
		t->count = n;
		t->rank = n > 1;
		t->dims[0] = (int64_t)n;
		end = (char *)eq;
		for (size_t k = 0; k < n; k++) {
			errno = 0;
			t->i[k] = strtoll(end + 1, &end, 0);
			if (errno || (*end && *end != ',')) {
				fprintf(stderr, "vnpu-compile: --bind %s: not an integer list\n", arg);
				vnpu_onnx_tensor_free(t);
				return EXIT_USAGE;
			}
		}
	}
	memcpy(t->name, arg, (size_t)(eq - arg));
	t->name[eq - arg] = 0;
	return 0;
}

/* xorshift32: reproducible values in [-1, 1) */
static float next_val(unsigned *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return (float)((double)*s / 2147483648.0 - 1.0);
}

float *load_input(const vnpu_program *prog, unsigned i, const char *file, unsigned seed)
{
	uint64_t bytes = 0;
	float *buf;

	if (vnpu_program_io(prog, 0, i, NULL, NULL, NULL, &bytes))
		return NULL;
	buf = calloc(1, bytes ? bytes : 4);
	if (!buf)
		return NULL;
	if (!file) {
		unsigned s = seed * 2654435761u + i + 1;

		for (uint64_t k = 0; k < bytes / 4; k++)
			buf[k] = next_val(&s);
		return buf;
	}
	if (ends_with(file, ".pb")) {
		vnpu_onnx_tensor t;
		size_t size;
		void *data = read_all(file, &size);
		vnpu_status st = data ? vnpu_onnx_tensor_decode(data, size, &t) :
					VNPU_STATUS_IO_ERROR;

		free(data);
		if (st || !t.f || t.count * 4 != bytes) {
			fprintf(stderr, "vnpu-compile: %s: %s\n", file,
				st ? vnpu_last_error() : "not float data of the input's size");
			if (!st)
				vnpu_onnx_tensor_free(&t);
			free(buf);
			return NULL;
		}
		memcpy(buf, t.f, bytes);
		vnpu_onnx_tensor_free(&t);
	} else {
		size_t size;
		void *data = read_all(file, &size);

		if (!data || size != bytes) {
			if (data)
				fprintf(stderr, "vnpu-compile: %s: %zu bytes, input %u takes %llu (FP32)\n",
					file, size, i, (unsigned long long)bytes);
			free(data);
			free(buf);
			return NULL;
		}
		memcpy(buf, data, bytes);
		free(data);
	}
	return buf;
}
