// SPDX-License-Identifier: GPL-2.0
/*
 * vnpu-compile: the offline compiler. An ONNX model in, a vnpu program
 * file out (vnpu_program_save), with the weight format and quantization
 * chosen on the command line; --compare reports what each weight format
 * costs in accuracy against FP32.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compile.h"

static const char help[] =
"Usage: vnpu-compile [OPTIONS] MODEL.onnx -o PROGRAM.vnpu\n"
"       vnpu-compile --compare [OPTIONS] MODEL.onnx [--input FILE]...\n"
"\n"
"Import an ONNX model (libvnpu's vnpu_graph_import_onnx), compile it for the\n"
"vnpu card and save the program: packed weights, memory plan and command\n"
"stream, runnable on the card or the CPU backend (vnpu-run PROGRAM.vnpu, or\n"
"vnpu_program_load() and vnpu_program_run()).\n"
"\n"
"Options:\n"
"  -o, --output FILE     write the program to FILE\n"
"  -f, --format FMT      weight format of matmul weights (MatMul, Gemm with a\n"
"                        constant B): mxfp4 (default) | nvfp4 | mxfp8 |\n"
"                        mxfp8_e5m2 | bf16 | fp32 (weights kept exact)\n"
"  -s, --scale METHOD    block scales: rtn (the OCP spec's rule, default) |\n"
"                        mse (per block, the scale of least squared error)\n"
"  -a, --act-quant FMT   quantize matmul inputs on the fly: none (default) |\n"
"                        mxint8 | mxfp4 | mxfp8 | mxfp8_e5m2\n"
"      --no-keep         no mixed precision: the output head and embedding\n"
"                        tables get the weight format too (by default they\n"
"                        keep at least BF16)\n"
"      --no-fuse         do not fuse bias and activation into matmuls\n"
"  -b, --bind NAME=V     give graph input NAME a value known when compiling:\n"
"                        V is an integer list (\"16000\", \"1,64\") or a\n"
"                        TensorProto file (NAME=x.pb); it becomes a constant\n"
"                        (integer inputs that feed shapes, axes or indices)\n"
"  -D, --dim NAME=N      value N of the symbolic dimension NAME\n"
"  -c, --compare         do not write a program: compile with FP32 weights and\n"
"                        with bf16, mxfp8, mxfp4 and nvfp4, run each on the\n"
"                        device with the same inputs and print, per output,\n"
"                        the max and RMS difference from FP32 and the RMS\n"
"                        difference relative to the FP32 output's RMS\n"
"  -i, --input FILE      --compare: data of the next graph input (in the\n"
"                        model's order, bound inputs skipped): a TensorProto\n"
"                        .pb file or raw little-endian FP32; inputs without\n"
"                        one get reproducible values in [-1, 1)\n"
"      --seed N          --compare: seed of those values (default 1)\n"
"  -d, --device NAME     --compare: device (\"cpu\", a card path or index;\n"
"                        default: as VNPU_BACKEND says)\n"
"      --dump            print the program (packets and buffers) to stdout\n"
"  -v, --verbose         print the program's figures (packets, bytes)\n"
"  -h, --help            this text\n"
"\n"
"Supported operators, types and limits: docs/onnx.md. A model the card\n"
"cannot run fails with one message naming the node, its op type and what\n"
"is missing, e.g.\n"
"  node 3 'sm' (Softmax): input is int64: the card computes on float tensors\n"
"\n"
"Exit status: 0 success, 1 the model cannot be imported or compiled,\n"
"2 bad command line, 3 a file cannot be read or written, 4 a --compare\n"
"run failed.\n";

static int parse_fmt(const char *s, uint32_t *out)
{
	static const struct { const char *n; uint32_t v; } f[] = {
		{ "mxfp4", VNPU_DTYPE_MXFP4 }, { "nvfp4", VNPU_DTYPE_NVFP4 },
		{ "mxfp8", VNPU_DTYPE_MXFP8 }, { "mxfp8_e4m3", VNPU_DTYPE_MXFP8 },
		{ "mxfp8_e5m2", VNPU_DTYPE_MXFP8_E5M2 }, { "bf16", VNPU_DTYPE_BF16 },
		{ "fp32", VNPU_DTYPE_FP32 },
	};

	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if (!strcmp(s, f[i].n)) {
			*out = f[i].v;
			return 0;
		}
	return -1;
}

static int parse_act(const char *s, uint32_t *out)
{
	static const struct { const char *n; uint32_t v; } f[] = {
		{ "none", VNPU_ACT_QUANT_NONE }, { "mxint8", VNPU_ACT_QUANT_MXINT8 },
		{ "mxfp4", VNPU_ACT_QUANT_MXFP4 }, { "mxfp8", VNPU_ACT_QUANT_MXFP8 },
		{ "mxfp8_e5m2", VNPU_ACT_QUANT_MXFP8_E5M2 },
	};

	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if (!strcmp(s, f[i].n)) {
			*out = f[i].v;
			return 0;
		}
	return -1;
}

static int usage_err(const char *what, const char *arg)
{
	fprintf(stderr, "vnpu-compile: %s '%s' (see --help)\n", what, arg);
	return EXIT_USAGE;
}

static int parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "output", 1, 0, 'o' }, { "format", 1, 0, 'f' }, { "scale", 1, 0, 's' },
		{ "act-quant", 1, 0, 'a' }, { "no-keep", 0, 0, 'K' }, { "no-fuse", 0, 0, 'F' },
		{ "bind", 1, 0, 'b' }, { "dim", 1, 0, 'D' }, { "compare", 0, 0, 'c' },
		{ "input", 1, 0, 'i' }, { "seed", 1, 0, 'S' }, { "device", 1, 0, 'd' },
		{ "dump", 0, 0, 'P' }, { "verbose", 0, 0, 'v' }, { "help", 0, 0, 'h' },
		{ 0, 0, 0, 0 },
	};
	int c, ret;

	vnpu_compile_options_init(&o->co);
	o->seed = 1;
	while ((c = getopt_long(argc, argv, "o:f:s:a:b:D:ci:d:vh", lo, NULL)) != -1) {
		switch (c) {
		case 'o': o->out = optarg; break;
		case 'f':
			if (parse_fmt(optarg, &o->co.weight_format))
				return usage_err("unknown weight format", optarg);
			break;
		case 's':
			if (!strcmp(optarg, "rtn"))
				o->co.scale_method = VNPU_SCALE_RTN;
			else if (!strcmp(optarg, "mse"))
				o->co.scale_method = VNPU_SCALE_MSE;
			else
				return usage_err("unknown scale method", optarg);
			break;
		case 'a':
			if (parse_act(optarg, &o->co.act_quant))
				return usage_err("unknown activation format", optarg);
			break;
		case 'K': o->co.keep = 0; break;
		case 'F': o->co.fuse = 0; break;
		case 'b':
			if (o->oo.nbind == MAX_ITEMS)
				return usage_err("too many --bind", optarg);
			ret = parse_bind(optarg, &o->binds[o->oo.nbind]);
			if (ret)
				return ret;
			o->oo.nbind++;
			break;
		case 'D': {
			char *eq = strchr(optarg, '='), *end;
			unsigned long v;

			if (!eq || o->oo.ndims == MAX_ITEMS)
				return usage_err("want --dim NAME=N", optarg);
			v = strtoul(eq + 1, &end, 0);
			if (*end || !v || v > 0x10000000)
				return usage_err("bad dimension", optarg);
			*eq = 0;
			o->dim_names[o->oo.ndims] = optarg;
			o->dim_values[o->oo.ndims++] = (uint32_t)v;
			break;
		}
		case 'c': o->compare = 1; break;
		case 'i':
			if (o->ninputs == MAX_ITEMS)
				return usage_err("too many --input", optarg);
			o->inputs[o->ninputs++] = optarg;
			break;
		case 'S': o->seed = (unsigned)strtoul(optarg, NULL, 0); break;
		case 'd': o->device = optarg; break;
		case 'P': o->dump = 1; break;
		case 'v': o->verbose = 1; break;
		case 'h':
			fputs(help, stdout);
			exit(0);
		default:
			return EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "vnpu-compile: one MODEL.onnx expected (see --help)\n");
		return EXIT_USAGE;
	}
	o->model = argv[optind];
	if (!o->compare && !o->out && !o->dump) {
		fprintf(stderr, "vnpu-compile: no -o PROGRAM given (see --help)\n");
		return EXIT_USAGE;
	}
	o->oo.bind = o->binds;
	o->oo.dim_names = o->dim_names;
	o->oo.dim_values = o->dim_values;
	return 0;
}

static int compile_save(const struct opts *o, const vnpu_graph *g)
{
	vnpu_program_info info;
	vnpu_program *p;
	int ret = 0;

	if (vnpu_graph_compile(g, NULL, &o->co, &p)) {
		fprintf(stderr, "vnpu-compile: %s: %s\n", o->model, vnpu_last_error());
		return EXIT_MODEL;
	}
	vnpu_program_info_get(p, &info);
	if (o->verbose)
		fprintf(stderr, "%s: %u inputs, %u outputs, %u nodes (%u fused, %u in place), %u packets, %llu weight + %llu arena bytes\n",
			o->model, info.inputs, info.outputs, info.nodes, info.fused,
			info.inplace, info.packets, (unsigned long long)info.weight_bytes,
			(unsigned long long)info.arena_bytes);
	if (o->dump) {
		size_t need = 0;
		char *buf;

		vnpu_program_dump(p, VNPU_DUMP_TEXT, NULL, 0, &need);
		buf = malloc(need + 1);
		if (buf && !vnpu_program_dump(p, VNPU_DUMP_TEXT, buf, need + 1, NULL))
			fputs(buf, stdout);
		free(buf);
	}
	if (o->out && vnpu_program_save(p, o->out)) {
		fprintf(stderr, "vnpu-compile: %s\n", vnpu_last_error());
		ret = EXIT_IO;
	}
	vnpu_program_destroy(p);
	return ret;
}

int main(int argc, char **argv)
{
	static struct opts o;
	vnpu_graph *g = NULL;
	vnpu_status st;
	int ret = parse_args(argc, argv, &o);

	if (ret)
		return ret;
	st = vnpu_graph_import_onnx(o.model, &o.oo, &g);
	if (st) {
		fprintf(stderr, "vnpu-compile: %s: %s\n", o.model, vnpu_last_error());
		ret = st == VNPU_STATUS_IO_ERROR || st == VNPU_STATUS_NOT_FOUND ? EXIT_IO :
		      EXIT_MODEL;
	} else {
		ret = o.compare ? compare_formats(&o, g) : compile_save(&o, g);
	}
	vnpu_graph_destroy(g);
	for (unsigned i = 0; i < o.oo.nbind; i++)
		vnpu_onnx_tensor_free(&o.binds[i]);
	return ret;
}
