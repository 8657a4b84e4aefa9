// SPDX-License-Identifier: GPL-2.0
/*
 * vnpu-bench runtime: the host memory libvnpu needs to load and run a
 * program with large weights, against what it must hold (the packed
 * weights and the planned activations), and the times of each step.
 *
 * The program is compiled and saved first, and everything the build held
 * is freed; then the peak RSS is reset (/proc/self/clear_refs, "5") and
 * the growth of the peak (VmHWM) over the resident set just before
 * vnpu_program_load() is what loading and running cost. On the CPU
 * backend the device buffers are host memory of this process, so the
 * packed weights count once there; on a card they are BOs.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <vnpu/vnpu.h>

#include "bench.h"

#define EXIT_USAGE 2
#define EXIT_RUNTIME 1
#define EXIT_OVER 3

static const char help_runtime[] =
"Usage: vnpu-bench runtime [--json] [--size MIB] [--format F] [--device D]\n"
"                          [--file PATH] [--max-ratio R]\n"
"\n"
"Builds a program whose matmul weights are MIB MiB of FP32 (K = 4096,\n"
"N = MIB * 64, 4 tokens), compiles it to format F, saves it, frees all of\n"
"that, then loads the file and runs it twice, measuring the growth of\n"
"this process's peak resident set (VmHWM, reset through\n"
"/proc/self/clear_refs) from just before the load to after the runs.\n"
"Reported next to the packed weights plus the planned activations\n"
"(vnpu_program_info weight_bytes + arena_bytes), which is all a program\n"
"must hold: a ratio near 1 means no second copy of the weights.\n"
"\n"
"Options:\n"
"  --json         one JSON object instead of the table\n"
"  --size MIB     FP32 weights to build, 1..4096 (default 256)\n"
"  --format F     mxfp4 (default), nvfp4, mxfp8, bf16\n"
"  --device D     cpu (default), a card index or an accel node path\n"
"  --file PATH    where to save the program (default: a temporary file,\n"
"                 removed at the end)\n"
"  --max-ratio R  exit 3 if peak growth / (weights + activations) > R\n"
"\n"
"Exit status: 0 measured, 1 a libvnpu or system call failed, 2 bad usage,\n"
"3 the ratio exceeded --max-ratio.\n";

#define K_DIM 4096u
#define M_TOK 4u

/* A field of /proc/self/status in bytes (0 if missing). */
static uint64_t status_bytes(const char *field)
{
	char line[256];
	size_t len = strlen(field);
	uint64_t kb = 0;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, field, len) && line[len] == ':') {
			kb = strtoull(line + len + 1, NULL, 10);
			break;
		}
	fclose(f);
	return kb * 1024;
}

/* Reset VmHWM to the current RSS: 0, or -1 if the kernel refuses. */
static int reset_peak(void)
{
	FILE *f = fopen("/proc/self/clear_refs", "w");
	int ret;

	if (!f)
		return -1;
	ret = fputs("5", f) < 0 ? -1 : 0;
	if (fclose(f))
		ret = -1;
	return ret;
}

static int fail(const char *what, vnpu_status st)
{
	fprintf(stderr, "vnpu-bench runtime: %s: %s: %s\n", what, vnpu_status_str(st),
		vnpu_last_error());
	return EXIT_RUNTIME;
}

struct rt_opts {
	bool json;
	uint32_t size_mib;
	vnpu_dtype fmt;
	const char *device;
	const char *file;
	double max_ratio;
};

static int parse(int argc, char **argv, struct rt_opts *o)
{
	static const struct option lo[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "size", required_argument, NULL, 's' },
		{ "format", required_argument, NULL, 'f' },
		{ "device", required_argument, NULL, 'd' },
		{ "file", required_argument, NULL, 'o' },
		{ "max-ratio", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	static const struct { const char *name; vnpu_dtype d; } fmts[] = {
		{ "mxfp4", VNPU_DTYPE_MXFP4 }, { "nvfp4", VNPU_DTYPE_NVFP4 },
		{ "mxfp8", VNPU_DTYPE_MXFP8 }, { "bf16", VNPU_DTYPE_BF16 },
	};
	char *end;
	int c;
	size_t i;

	*o = (struct rt_opts){ .size_mib = 256, .fmt = VNPU_DTYPE_MXFP4, .device = "cpu" };
	optind = 1;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'j':
			o->json = true;
			break;
		case 's':
			errno = 0;
			o->size_mib = (uint32_t)strtoul(optarg, &end, 10);
			if (errno || *end || o->size_mib < 1 || o->size_mib > 4096) {
				fprintf(stderr, "vnpu-bench runtime: bad --size '%s' (1..4096)\n", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'f':
			for (i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++)
				if (!strcmp(optarg, fmts[i].name))
					break;
			if (i == sizeof(fmts) / sizeof(fmts[0])) {
				fprintf(stderr, "vnpu-bench runtime: bad --format '%s'\n", optarg);
				return EXIT_USAGE;
			}
			o->fmt = fmts[i].d;
			break;
		case 'd':
			o->device = optarg;
			break;
		case 'o':
			o->file = optarg;
			break;
		case 'r':
			o->max_ratio = strtod(optarg, &end);
			if (*end || !(o->max_ratio > 0)) {
				fprintf(stderr, "vnpu-bench runtime: bad --max-ratio '%s'\n", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'h':
			fputs(help_runtime, stdout);
			return -1;
		default:
			fputs(help_runtime, stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "vnpu-bench runtime: unexpected argument '%s'\n", argv[optind]);
		return EXIT_USAGE;
	}
	return 0;
}

/* Build, compile and save the program to PATH; everything is freed. */
static int build(const struct rt_opts *o, vnpu_device *dev, const char *path,
		 double *t_compile, uint64_t *file_bytes)
{
	uint32_t n = o->size_mib * (1u << 20) / (4 * K_DIM);
	uint32_t dx[2] = { M_TOK, K_DIM }, dw[2] = { n, K_DIM };
	size_t count = (size_t)n * K_DIM, i;
	vnpu_compile_options co;
	vnpu_program *p = NULL;
	vnpu_graph *g = NULL;
	vnpu_tensor x, w, y;
	uint64_t s = 2024;
	vnpu_status st;
	float *wd;
	double t0;
	FILE *f;

	wd = malloc(count * 4);
	if (!wd) {
		fprintf(stderr, "vnpu-bench runtime: out of memory for %u MiB of weights\n",
			o->size_mib);
		return EXIT_RUNTIME;
	}
	for (i = 0; i < count; i++) {
		s = s * 6364136223846793005ull + 1442695040888963407ull;
		wd[i] = (float)((int64_t)s >> 40) * 0x1p-23f;
	}
	vnpu_compile_options_init(&co);
	co.weight_format = o->fmt;
	co.keep = 0;	/* the matmul is the output: quantize it anyway */
	t0 = now_s();
	st = vnpu_graph_create(&g);
	if (!st)
		st = vnpu_graph_input(g, "x", VNPU_DTYPE_FP32, 2, dx, &x);
	if (!st)
		st = vnpu_graph_constant(g, "w", VNPU_DTYPE_FP32, 2, dw, wd, count * 4,
					 VNPU_CONST_BORROW, &w);
	if (!st)
		st = vnpu_graph_matmul(g, "fc", x, w, 0, 0, VNPU_DTYPE_FP32, &y);
	if (!st)
		st = vnpu_graph_output(g, y);
	if (!st)
		st = vnpu_graph_compile(g, dev, &co, &p);
	*t_compile = now_s() - t0;
	vnpu_graph_destroy(g);
	free(wd);
	if (!st)
		st = vnpu_program_save(p, path);
	vnpu_program_destroy(p);
	if (st)
		return fail("building the program", st);
	f = fopen(path, "rb");
	if (!f || fseek(f, 0, SEEK_END)) {
		fprintf(stderr, "vnpu-bench runtime: %s: %s\n", path, strerror(errno));
		if (f)
			fclose(f);
		return EXIT_RUNTIME;
	}
	*file_bytes = (uint64_t)ftell(f);
	fclose(f);
	return 0;
}

static void report(const struct rt_opts *o, const vnpu_program_info *pi,
		   uint64_t file_bytes, uint64_t base, uint64_t growth,
		   double t_compile, double t_load, double t_run1, double t_run2)
{
	double need = (double)(pi->weight_bytes + pi->arena_bytes);
	double ratio = growth / need, mib = 1 << 20;

	if (o->json) {
		printf("{\"what\": \"runtime-peak-memory\", \"device\": \"%s\", "
		       "\"format\": \"%s\", \"fp32_weight_bytes\": %llu, "
		       "\"file_bytes\": %llu, \"weight_bytes\": %llu, "
		       "\"arena_bytes\": %llu, \"rss_before_load\": %llu, "
		       "\"peak_growth_bytes\": %llu, \"ratio\": %.4f, "
		       "\"compile_s\": %.4f, \"load_s\": %.4f, \"first_run_s\": %.4f, "
		       "\"run_s\": %.4f}\n",
		       o->device, vnpu_dtype_name(o->fmt),
		       (unsigned long long)o->size_mib << 20,
		       (unsigned long long)file_bytes,
		       (unsigned long long)pi->weight_bytes,
		       (unsigned long long)pi->arena_bytes, (unsigned long long)base,
		       (unsigned long long)growth, ratio, t_compile, t_load, t_run1,
		       t_run2);
		return;
	}
	printf("program          %u MiB FP32 weights -> %s on %s\n", o->size_mib,
	       vnpu_dtype_name(o->fmt), o->device);
	printf("file             %10.2f MiB\n", file_bytes / mib);
	printf("packed weights   %10.2f MiB\n", pi->weight_bytes / mib);
	printf("activations      %10.2f MiB (arena)\n", pi->arena_bytes / mib);
	printf("peak RSS growth  %10.2f MiB (load + 2 runs; RSS before load %.2f MiB)\n",
	       growth / mib, base / mib);
	printf("ratio            %10.3f (peak growth / (weights + activations))\n", ratio);
	printf("times            compile %.3f s, load %.3f s, first run %.3f s, run %.3f s\n",
	       t_compile, t_load, t_run1, t_run2);
}

int bench_runtime_main(int argc, char **argv)
{
	char tmp[] = "/tmp/vnpu-bench-runtime-XXXXXX";
	static float x[M_TOK * K_DIM];
	struct rt_opts o;
	vnpu_program_info pi;
	vnpu_device *dev = NULL;
	vnpu_stream *s = NULL;
	vnpu_program *p = NULL;
	uint64_t file_bytes = 0, base, peak;
	double t_compile = 0, t_load, t_run1, t_run2, t0;
	const char *path;
	float *out = NULL;
	vnpu_status st;
	int ret, fd;

	ret = parse(argc, argv, &o);
	if (ret)
		return ret < 0 ? 0 : ret;
	path = o.file;
	if (!path) {
		fd = mkstemp(tmp);
		if (fd < 0) {
			fprintf(stderr, "vnpu-bench runtime: %s: %s\n", tmp, strerror(errno));
			return EXIT_RUNTIME;
		}
		close(fd);
		path = tmp;
	}
	st = vnpu_init(NULL);
	if (!st)
		st = vnpu_device_open(o.device, NULL, &dev);
	if (!st)
		st = vnpu_stream_create(dev, NULL, &s);
	if (st) {
		ret = fail("opening the device", st);
		goto out;
	}
	ret = build(&o, dev, path, &t_compile, &file_bytes);
	if (ret)
		goto out;
	/* Everything the measurement needs besides the program, first. */
	out = calloc((size_t)M_TOK * (o.size_mib * (1u << 20) / (4 * K_DIM)), 4);
	if (!out) {
		ret = EXIT_RUNTIME;
		goto out;
	}
	for (size_t i = 0; i < M_TOK * K_DIM; i++)
		x[i] = (float)(i % 17) / 16 - 0.5f;
	if (reset_peak()) {
		fprintf(stderr, "vnpu-bench runtime: cannot reset the peak RSS (/proc/self/clear_refs)\n");
		ret = EXIT_RUNTIME;
		goto out;
	}
	base = status_bytes("VmRSS");
	t0 = now_s();
	st = vnpu_program_load(path, &p);
	t_load = now_s() - t0;
	if (!st) {
		t0 = now_s();
		st = vnpu_program_run(s, p, (const void *[]){ x }, (void *[]){ out });
		t_run1 = now_s() - t0;
	}
	if (!st) {
		t0 = now_s();
		st = vnpu_program_run(s, p, (const void *[]){ x }, (void *[]){ out });
		t_run2 = now_s() - t0;
	}
	peak = status_bytes("VmHWM");
	if (st) {
		ret = fail("loading and running", st);
		goto out;
	}
	vnpu_program_info_get(p, &pi);
	report(&o, &pi, file_bytes, base, peak - base, t_compile, t_load, t_run1, t_run2);
	if (o.max_ratio > 0 &&
	    (double)(peak - base) / (double)(pi.weight_bytes + pi.arena_bytes) > o.max_ratio) {
		fprintf(stderr, "vnpu-bench runtime: peak growth exceeds %.3f times weights + activations\n",
			o.max_ratio);
		ret = EXIT_OVER;
	}
out:
	vnpu_program_destroy(p);
	free(out);
	vnpu_stream_destroy(s);
	if (dev)
		vnpu_device_close(dev);
	vnpu_shutdown();
	if (!o.file)
		unlink(tmp);
	return ret;
}
