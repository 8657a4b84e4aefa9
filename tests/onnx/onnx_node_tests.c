// SPDX-License-Identifier: MIT
/*
 * The ONNX conformance runner: the node tests of the ONNX project
 * (Debian's libonnx-testdata: DIR/test_NAME/model.onnx with
 * test_data_set_N/input_K.pb and output_K.pb) for every operator the
 * importer supports, imported with integer inputs bound as constants,
 * compiled with FP32 weights kept, run on a device (the CPU backend by
 * default), outputs compared with ONNX's backend-test tolerance
 * |got - want| <= atol + rtol * |want| (rtol 1e-3, atol 1e-7; NaN matches
 * NaN, infinities match exactly).
 *
 * TAP: one test per ONNX test (SKIP with the importer's reason when it
 * refuses the model), then one per operator asserting its pass count is
 * at least the recorded one (--expect FILE, lines "Operator count").
 * --write-expect FILE records the counts of this run.
 */
/* messages and paths may be cut short: that is fine here */
#pragma GCC diagnostic ignored "-Wformat-truncation"

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vnpu/vnpu.h>

#define RTOL 1e-3
#define ATOL 1e-7
#define MAX_IO 16
#define MAX_TESTS 4096

/* Operators and the name their node tests start with (test_<prefix>). */
static const struct op {
	const char *name, *prefix;
} ops[] = {
	{ "Add", "add" }, { "Sub", "sub" }, { "Mul", "mul" }, { "Div", "div" },
	{ "Pow", "pow" }, { "Max", "max" }, { "Min", "min" }, { "Sum", "sum" },
	{ "Relu", "relu" }, { "Sigmoid", "sigmoid" }, { "Tanh", "tanh" },
	{ "Sqrt", "sqrt" }, { "Erf", "erf" }, { "Exp", "exp" }, { "Neg", "neg" },
	{ "Gelu", "gelu" }, { "MatMul", "matmul" }, { "Gemm", "gemm" },
	{ "Softmax", "softmax" }, { "LayerNormalization", "layer_normalization" },
	{ "ReduceMean", "reduce_mean" }, { "ReduceSum", "reduce_sum" },
	{ "ReduceMax", "reduce_max" }, { "ReduceMin", "reduce_min" },
	{ "Reshape", "reshape" }, { "Flatten", "flatten" },
	{ "Transpose", "transpose" }, { "Concat", "concat" },
	{ "Gather", "gather" }, { "Slice", "slice" }, { "Unsqueeze", "unsqueeze" },
	{ "Squeeze", "squeeze" }, { "Cast", "cast" }, { "Constant", "constant" },
	{ "Identity", "identity" }, { "Shape", "shape" }, { "Expand", "expand" },
	{ "ConstantOfShape", "constantofshape" }, { "Where", "where" },
	{ "QuantizeLinear", "quantizelinear" },
	{ "DequantizeLinear", "dequantizelinear" },
	{ "Equal", "equal" }, { "Less", "less" }, { "Greater", "greater" },
	{ "LessOrEqual", "less_equal" }, { "GreaterOrEqual", "greater_equal" },
	{ "And", "and" }, { "Or", "or" }, { "Xor", "xor" }, { "Not", "not" },
	{ "Conv", "conv" }, { "LSTM", "lstm" },
};
#define NOPS (sizeof(ops) / sizeof(ops[0]))

struct count {
	unsigned pass, skip, fail, expect;
	int expect_set;
};

static struct count counts[NOPS][2];	/* [op][expanded] */
static unsigned tapn;
static vnpu_device *g_dev;
/* --both: the CPU backend too; every output must have the same bits */
static vnpu_device *g_cpu;
static vnpu_stream *g_cpu_stream;

static void *read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)n + 1);
		if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		}
		*size = (size_t)n;
	}
	fclose(f);
	return buf;
}

/* The operator a test exercises: the longest matching prefix (after
 * "test_" and an optional "basic_", as in test_basic_conv_*). */
static int test_op(const char *name, int *expanded)
{
	const char *base = name + 5;
	size_t best = 0;
	int op = -1;

	if (!strncmp(base, "basic_", 6))
		base += 6;
	for (size_t i = 0; i < NOPS; i++) {
		size_t n = strlen(ops[i].prefix);

		if (strncmp(base, ops[i].prefix, n) ||
		    (base[n] && base[n] != '_') || n <= best)
			continue;
		best = n;
		op = (int)i;
	}
	*expanded = strstr(name, "_expanded") != NULL;
	return op;
}

/* Whether the model uses op type OP (a coarse byte search is enough
 * to tell "test_constant_pad" (a Pad test) from a Constant test). */
static int model_has(const char *model, size_t size, const char *op)
{
	size_t n = strlen(op);

	for (size_t i = 0; i + n + 2 <= size; i++)
		/* op_type is field 4, a string: tag 0x22, length, bytes */
		if (model[i] == 0x22 && (size_t)(unsigned char)model[i + 1] == n &&
		    !memcmp(model + i + 2, op, n))
			return 1;
	return 0;
}

static int close_enough(float got, float want)
{
	if (isnan(want))
		return isnan(got);
	if (isinf(want))
		return got == want;
	return fabs((double)got - want) <= ATOL + RTOL * fabs((double)want);
}

enum result { R_PASS, R_SKIP, R_FAIL };

/* ONNX's INT8 (3), UINT8 (2) and BOOL (9): tensors of bytes on the card */
static int is_int8(int32_t onnx_type)
{
	return onnx_type == 2 || onnx_type == 3 || onnx_type == 9;
}

/* One data set: RES and a reason in WHY. */
static enum result run_set(vnpu_stream *stream, const char *model, size_t msize,
			   const char *dir, char *why, size_t wsize)
{
	vnpu_onnx_tensor in[MAX_IO], want[MAX_IO], bind[MAX_IO];
	uint8_t *in8[MAX_IO] = { 0 };
	const void *inputs[MAX_IO];
	uint64_t obytes[MAX_IO] = { 0 };
	int obyte[MAX_IO] = { 0 };	/* an int8/uint8 output: bytes */
	void *outputs[MAX_IO] = { 0 };
	unsigned nin = 0, nout = 0, nbind = 0, nrun = 0, k;
	vnpu_onnx_options opts = { 0 };
	vnpu_compile_options co;
	vnpu_program *prog = NULL;
	vnpu_graph *g = NULL;
	enum result r = R_FAIL;
	vnpu_status st;
	char path[1200];

	for (nin = 0; nin < MAX_IO; nin++) {
		size_t sz;
		void *b;

		snprintf(path, sizeof(path), "%s/input_%u.pb", dir, nin);
		b = read_file(path, &sz);
		if (!b)
			break;
		st = vnpu_onnx_tensor_decode(b, sz, &in[nin]);
		free(b);
		if (st) {
			snprintf(why, wsize, "%s: %s", path, vnpu_last_error());
			r = st == VNPU_STATUS_UNSUPPORTED ? R_SKIP : R_FAIL;
			/* not a tensor (a sequence, an optional): the importer says
			 * whether the model is one it refuses anyway */
			if (vnpu_graph_import_onnx_mem(model, msize, NULL, &g) ==
			    VNPU_STATUS_UNSUPPORTED) {
				snprintf(why, wsize, "%s", vnpu_last_error());
				r = R_SKIP;
			}
			vnpu_graph_destroy(g);
			goto out_in;
		}
		/* int8, uint8 (quantized values) and bool inputs as the card's bytes */
		if (is_int8(in[nin].onnx_type)) {
			in8[nin] = malloc(in[nin].count ? in[nin].count : 1);
			for (uint64_t i = 0; in8[nin] && i < in[nin].count; i++)
				in8[nin][i] = (uint8_t)in[nin].i[i];
		}
	}
	for (nout = 0; nout < MAX_IO; nout++) {
		size_t sz;
		void *b;

		snprintf(path, sizeof(path), "%s/output_%u.pb", dir, nout);
		b = read_file(path, &sz);
		if (!b)
			break;
		st = vnpu_onnx_tensor_decode(b, sz, &want[nout]);
		free(b);
		if (st) {
			snprintf(why, wsize, "%s: %s", path, vnpu_last_error());
			r = st == VNPU_STATUS_UNSUPPORTED ? R_SKIP : R_FAIL;
			goto out;
		}
	}
	/*
	 * Integer inputs feed shapes, axes, indices: known when compiling.
	 * int8, uint8 and bool ones run on the card; where the importer
	 * refuses that (an Add of uint8, an If's condition), they are bound
	 * like the others.
	 */
	for (int bind8 = 0; bind8 < 2; bind8++) {
		int has8 = 0;

		nbind = nrun = 0;
		for (k = 0; k < nin; k++) {
			has8 |= is_int8(in[k].onnx_type);
			if (is_int8(in[k].onnx_type) && !bind8)
				inputs[nrun++] = in8[k];
			else if (in[k].onnx_type != 1)
				bind[nbind++] = in[k];
			else
				inputs[nrun++] = in[k].f;
		}
		opts.nbind = nbind;
		opts.bind = bind;
		st = vnpu_graph_import_onnx_mem(model, msize, &opts, &g);
		if (st != VNPU_STATUS_UNSUPPORTED || !has8)
			break;
	}
	if (st) {
		snprintf(why, wsize, "%s", vnpu_last_error());
		r = st == VNPU_STATUS_UNSUPPORTED ? R_SKIP : R_FAIL;
		goto out;
	}
	vnpu_compile_options_init(&co);
	co.weight_format = VNPU_DTYPE_FP32;
	st = vnpu_graph_compile(g, g_dev, &co, &prog);
	if (st) {
		snprintf(why, wsize, "compile: %s", vnpu_last_error());
		goto out;
	}
	for (k = 0; k < nout; k++) {
		uint64_t bytes = 0;

		vnpu_dtype dt = VNPU_DTYPE_FP32;

		if (vnpu_program_io(prog, 1, k, &dt, NULL, NULL, &bytes) ||
		    (obyte[k] = dt == VNPU_DTYPE_I8 || dt == VNPU_DTYPE_U8,
		     bytes != want[k].count * (obyte[k] ? 1 : 4))) {
			snprintf(why, wsize, "output %u: %llu bytes, the reference has %llu %s values",
				 k, (unsigned long long)bytes,
				 (unsigned long long)want[k].count,
				 want[k].f ? "float" : "integer");
			goto out;
		}
		outputs[k] = calloc(1, bytes ? bytes : 4);
		obytes[k] = bytes;
	}
	st = vnpu_program_run(stream, prog, inputs, outputs);
	if (st) {
		snprintf(why, wsize, "run: %s", vnpu_last_error());
		goto out;
	}
	if (g_cpu_stream) {
		void *cpu_out[MAX_IO] = { 0 };
		int same = 1;

		for (k = 0; k < nout; k++)
			cpu_out[k] = calloc(1, obytes[k] + 4);
		vnpu_program_destroy(prog);	/* bound to the first device */
		prog = NULL;
		st = vnpu_graph_compile(g, g_cpu, &co, &prog);
		if (!st)
			st = vnpu_program_run(g_cpu_stream, prog, inputs, cpu_out);
		for (k = 0; k < nout; k++) {
			same &= !st && !memcmp(cpu_out[k], outputs[k], obytes[k]);
			free(cpu_out[k]);
		}
		if (!same) {
			snprintf(why, wsize, "the card and the CPU backend differ%s%s",
				 st ? ": " : "", st ? vnpu_last_error() : "");
			goto out;
		}
	}
	for (k = 0; k < nout; k++) {
		const float *got = outputs[k];

		/* int8, uint8 and bool outputs are bytes, exact */
		for (uint64_t i = 0; obyte[k] && i < want[k].count; i++) {
			const uint8_t *b = outputs[k];
			int v = want[k].onnx_type == 3 ? (int8_t)b[i] : b[i];	/* INT8 */

			if (v != want[k].i[i]) {
				snprintf(why, wsize, "output %u element %llu: %d, want %lld",
					 k, (unsigned long long)i, v, (long long)want[k].i[i]);
				goto out;
			}
		}
		/* other integer outputs (constants of the model) come as int32 */
		for (uint64_t i = 0; !want[k].f && !obyte[k] && i < want[k].count; i++) {
			if (((const int32_t *)outputs[k])[i] != want[k].i[i]) {
				snprintf(why, wsize, "output %u element %llu: %d, want %lld",
					 k, (unsigned long long)i,
					 ((const int32_t *)outputs[k])[i],
					 (long long)want[k].i[i]);
				goto out;
			}
		}
		for (uint64_t i = 0; want[k].f && i < want[k].count; i++) {
			if (!close_enough(got[i], want[k].f[i])) {
				snprintf(why, wsize, "output %u element %llu: %.9g, want %.9g",
					 k, (unsigned long long)i, got[i], want[k].f[i]);
				goto out;
			}
		}
	}
	r = R_PASS;
out:
	for (k = 0; k < nout; k++) {
		vnpu_onnx_tensor_free(&want[k]);
		free(outputs[k]);
	}
	vnpu_program_destroy(prog);
	vnpu_graph_destroy(g);
out_in:
	for (k = 0; k < nin; k++)
		vnpu_onnx_tensor_free(&in[k]);
	for (k = 0; k < nin; k++)
		free(in8[k]);
	return r;
}

/* Whether NAME is one of the comma-separated names in ONLY (all: NULL);
 * a name ending in '*' is a prefix. */
static int wanted(const char *name, const char *only)
{
	const char *p = only;

	if (!only)
		return 1;
	while (*p) {
		size_t n = strcspn(p, ",");

		if (n && p[n - 1] == '*' ? !strncmp(name, p, n - 1) :
		    strlen(name) == n && !strncmp(name, p, n))
			return 1;
		p += n + (p[n] == ',');
	}
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void run_test(vnpu_stream *stream, const char *root, const char *name)
{
	char path[1024], why[600] = "";
	enum result r = R_PASS;
	int expanded, op = test_op(name, &expanded);
	unsigned sets = 0;
	size_t msize;
	char *model;

	snprintf(path, sizeof(path), "%s/%s/model.onnx", root, name);
	model = read_file(path, &msize);
	if (!model)
		return;
	if (op < 0 || (!expanded && !model_has(model, msize, ops[op].name))) {
		free(model);
		return;	/* not a test of a supported operator */
	}
	for (unsigned s = 0; r == R_PASS; s++) {
		char dir[1100];
		FILE *f;

		snprintf(dir, sizeof(dir), "%s/%s/test_data_set_%u", root, name, s);
		snprintf(path, sizeof(path), "%s/input_0.pb", dir);
		f = fopen(path, "rb");
		if (!f && s)
			break;
		if (f)
			fclose(f);
		r = run_set(stream, model, msize, dir, why, sizeof(why));
		sets++;
	}
	free(model);
	tapn++;
	if (r == R_PASS) {
		counts[op][expanded].pass++;
		printf("ok %u %s (%u data sets)\n", tapn, name, sets);
	} else if (r == R_SKIP) {
		counts[op][expanded].skip++;
		printf("ok %u %s # SKIP %s\n", tapn, name, why);
	} else {
		counts[op][expanded].fail++;
		printf("not ok %u %s: %s\n", tapn, name, why);
	}
	fflush(stdout);
}

static int read_expect(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[256], name[128];
	unsigned n;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == '#' || sscanf(line, "%127s %u", name, &n) != 2)
			continue;
		for (size_t i = 0; i < NOPS; i++)
			for (int e = 0; e < 2; e++) {
				char full[160];

				snprintf(full, sizeof(full), "%s%s", ops[i].name,
					 e ? "_expanded" : "");
				if (!strcmp(full, name)) {
					counts[i][e].expect = n;
					counts[i][e].expect_set = 1;
				}
			}
	}
	fclose(f);
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: onnx_node_tests [--data DIR] [--expect FILE] [--write-expect FILE]\n"
		"                       [--device NAME] [--both] [--only NAMES]\n"
		"Run the ONNX node tests of the supported operators (TAP).\n"
		"  --data DIR           node test directory\n"
		"                       (default /usr/include/onnx/backend/test/data/node)\n"
		"  --expect FILE        per-operator pass counts that must be reached\n"
		"                       (default tests/onnx/expected.txt when it exists)\n"
		"  --write-expect FILE  write this run's pass counts there\n"
		"  --device NAME        device (default cpu; \"\" = VNPU_BACKEND)\n"
		"  --both               also run on the CPU backend: outputs must be\n"
		"                       bit-identical to the device's\n"
		"  --only NAMES         only these tests (comma-separated; NAME* is a\n"
		"                       prefix)\n");
}

int main(int argc, char **argv)
{
	const char *root = "/usr/include/onnx/backend/test/data/node";
	const char *expect = "tests/onnx/expected.txt", *write = NULL, *devname = "cpu";
	const char *only = NULL;
	char **names = NULL;
	size_t nnames = 0;
	vnpu_device *dev = NULL;
	vnpu_stream *stream = NULL;
	struct dirent *de;
	int explicit_expect = 0, explicit_device = 0, bad = 0, both = 0;
	DIR *d;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		} else if (i + 1 < argc && !strcmp(argv[i], "--data")) {
			root = argv[++i];
		} else if (i + 1 < argc && !strcmp(argv[i], "--expect")) {
			expect = argv[++i];
			explicit_expect = 1;
		} else if (i + 1 < argc && !strcmp(argv[i], "--write-expect")) {
			write = argv[++i];
		} else if (i + 1 < argc && !strcmp(argv[i], "--device")) {
			devname = argv[++i];
			explicit_device = 1;
		} else if (!strcmp(argv[i], "--both")) {
			both = 1;
		} else if (i + 1 < argc && !strcmp(argv[i], "--only")) {
			only = argv[++i];
		} else {
			usage(stderr);
			return 2;
		}
	}
	printf("TAP version 13\n");
	d = opendir(root);
	if (!d) {
		printf("1..0 # SKIP no ONNX node tests at %s (libonnx-testdata)\n", root);
		return 0;
	}
	if (read_expect(expect) && explicit_expect) {
		fprintf(stderr, "onnx_node_tests: cannot read %s\n", expect);
		return 2;
	}
	if (vnpu_init(NULL) || vnpu_device_open(devname, NULL, &dev) ||
	    vnpu_stream_create(dev, NULL, &stream)) {
		vnpu_device_close(dev);
		/* a device asked for by name must be there */
		if (explicit_device) {
			printf("1..1\nnot ok 1 device '%s': %s\n", devname, vnpu_last_error());
			return 1;
		}
		printf("1..0 # SKIP device '%s': %s\n", devname, vnpu_last_error());
		return 0;
	}
	g_dev = dev;
	if (both && (vnpu_device_open("cpu", NULL, &g_cpu) ||
		     vnpu_stream_create(g_cpu, NULL, &g_cpu_stream))) {
		printf("1..0 # SKIP CPU backend: %s\n", vnpu_last_error());
		return 0;
	}
	names = calloc(MAX_TESTS, sizeof(*names));
	while (names && (de = readdir(d)) && nnames < MAX_TESTS)
		if (!strncmp(de->d_name, "test_", 5) && wanted(de->d_name, only))
			names[nnames++] = strdup(de->d_name);
	closedir(d);
	qsort(names, nnames, sizeof(*names), cmp_str);
	for (size_t i = 0; i < nnames; i++) {
		run_test(stream, root, names[i]);
		free(names[i]);
	}
	free(names);
	/* per operator: counts, and the recorded pass counts reached */
	for (size_t i = 0; i < NOPS; i++)
		for (int e = 0; e < 2; e++) {
			struct count *c = &counts[i][e];

			if (!c->pass && !c->skip && !c->fail && !c->expect_set)
				continue;
			tapn++;
			printf("# %s%s: %u passed, %u skipped, %u failed\n", ops[i].name,
			       e ? "_expanded" : "", c->pass, c->skip, c->fail);
			if (c->pass >= c->expect) {
				printf("ok %u %s%s passes at least %u\n", tapn, ops[i].name,
				       e ? "_expanded" : "", c->expect);
			} else {
				printf("not ok %u %s%s passes %u, fewer than the recorded %u\n",
				       tapn, ops[i].name, e ? "_expanded" : "", c->pass,
				       c->expect);
				bad = 1;
			}
		}
	printf("1..%u\n", tapn);
	if (write) {
		FILE *f = fopen(write, "w");

		if (!f) {
			perror(write);
			return 2;
		}
		fprintf(f, "# ONNX node tests passing per operator (tests/onnx/onnx_node_tests.c):\n"
			   "# the runner fails when a count drops. Regenerate with --write-expect.\n");
		for (size_t i = 0; i < NOPS; i++)
			for (int e = 0; e < 2; e++)
				if (counts[i][e].pass || counts[i][e].skip || counts[i][e].fail)
					fprintf(f, "%s%s %u\n", ops[i].name, e ? "_expanded" : "",
						counts[i][e].pass);
		fclose(f);
	}
	vnpu_stream_destroy(stream);
	vnpu_device_close(dev);
	vnpu_stream_destroy(g_cpu_stream);
	vnpu_device_close(g_cpu);
	vnpu_shutdown();
	return bad;
}
