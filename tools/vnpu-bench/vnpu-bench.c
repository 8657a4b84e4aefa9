// SPDX-License-Identifier: GPL-2.0
/*
 * vnpu-bench engine: speed of the compute engine on this machine, each
 * figure next to the machine limit measured in the same run.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <vnpu_engine/engine.h>
#include <vnpu_engine/formats.h>
#include <vnpu_engine/matmul.h>

#include "bench.h"

/* ---- output ------------------------------------------------------------ */

static bool json;
static int nrec;

/*
 * One figure; @mean (> 0: the decode figures) is the value at the runs'
 * mean time next to @value, the best run's.
 */
static void record_mean(const char *what, const char *fmt, const char *shape,
			int threads, const char *variant, double value, double mean,
			const char *unit, double limit, const char *limit_name)
{
	double ratio = limit > 0 ? value / limit : 0;

	if (json) {
		printf("%s  {\"what\": \"%s\", \"format\": \"%s\", \"shape\": \"%s\", "
		       "\"threads\": %d, \"variant\": \"%s\", \"value\": %.4g, "
		       "\"unit\": \"%s\"", nrec ? ",\n" : "", what, fmt, shape,
		       threads, variant, value, unit);
		if (limit > 0)
			printf(", \"limit\": \"%s\", \"limit_value\": %.4g, \"ratio\": %.3f",
			       limit_name, limit, ratio);
		if (mean > 0)
			printf(", \"mean\": %.4g", mean);
		if (mean > 0 && limit > 0)
			printf(", \"mean_ratio\": %.3f", mean / limit);
		printf("}");
	} else {
		printf("%-14s %-16s %-16s %2d %-11s %9.2f %-8s", what, fmt, shape,
		       threads, variant, value, unit);
		if (limit > 0)
			printf("  %5.1f%% of %s", 100 * ratio, limit_name);
		if (mean > 0 && limit > 0)
			printf("; mean %.2f, %.1f%%", mean, 100 * mean / limit);
		printf("\n");
	}
	nrec++;
	fflush(stdout);
}

static void record(const char *what, const char *fmt, const char *shape,
		   int threads, const char *variant, double value, const char *unit,
		   double limit, const char *limit_name)
{
	record_mean(what, fmt, shape, threads, variant, value, 0, unit, limit,
		    limit_name);
}

static int decode_threads;
static const char *decode_variant;

/* One figure of bench_decode(): the tiles go where the shape would. */
static void decode_record(const char *fmt, const char *shape, double gbs,
			  double gbs_mean, double bw, uint32_t tiles)
{
	char what[32];

	snprintf(what, sizeof(what), "decode/%u", tiles);
	record_mean(what, fmt, shape, decode_threads, decode_variant, gbs, gbs_mean,
		    "GB/s", bw / 1e9, decode_threads == 1 ? "read-bw-1" : "read-bw-all");
}

/* ---- engine figures ------------------------------------------------------ */

struct mm_bench {
	struct vnpu_matmul mm[64];	/* one per weight copy */
	int ncopies, cur, nthreads;
	bool split_m;
	uint32_t features;
	void *scratch[64];
	size_t scratch_size;
	int err;
};

static void mm_part(int tid, void *p)
{
	struct mm_bench *b = p;
	const struct vnpu_matmul *mm = &b->mm[b->cur];
	struct vnpu_ctx ctx = {
		.features = b->features, .scratch = b->scratch[tid],
		.scratch_size = b->scratch_size,
	};
	uint32_t m0 = 0, m1 = mm->m, n0 = 0, n1 = mm->n;

	if (b->split_m) {
		m0 = (uint32_t)((uint64_t)mm->m * tid / b->nthreads);
		m1 = (uint32_t)((uint64_t)mm->m * (tid + 1) / b->nthreads);
	} else {
		uint32_t panels = (mm->n + 15) / 16;

		n0 = panels * tid / b->nthreads * 16;
		n1 = panels * (tid + 1) / b->nthreads * 16;
		if (n1 > mm->n)
			n1 = mm->n;
	}
	if (vnpu_matmul_run(mm, m0, m1, n0, n1, &ctx))
		b->err = 1;
}

static void mm_step(int tid, void *p)
{
	mm_part(tid, p);
}

/* Weights: random, quantized with the engine, packed; @copies of them. */
static void *make_weights(uint32_t fmt, uint32_t n, uint32_t k, float *tscale,
			  size_t *bytes)
{
	size_t ps = vnpu_panel_size(fmt, n, k), bs = vnpu_fmt_block(fmt);
	float *w = malloc(sizeof(float) * k);
	uint8_t *codes = malloc((size_t)n * k / 2), *sc = malloc((size_t)n * k / bs);
	void *panel = bench_alloc_huge(ps);
	uint64_t s = 12345;

	*tscale = 0.01f;
	for (uint32_t r = 0; r < n; r++) {
		for (uint32_t i = 0; i < k; i++) {
			s = s * 6364136223846793005ull + 1442695040888963407ull;
			w[i] = (float)((int64_t)s >> 11) * 0x1p-52f;
		}
		vnpu_quantize(fmt, w, k, codes + (size_t)r * k / 2,
			      sc + (size_t)r * k / bs, tscale, NULL);
	}
	vnpu_panel_pack(fmt, codes, sc, n, k, panel);
	free(w);
	free(codes);
	free(sc);
	*bytes = ps;
	return panel;
}

static double run_mm(struct pool *pl, struct mm_bench *b, int reps)
{
	double best = 1e30;

	for (int r = 0; r < reps; r++) {
		double t = pool_time(pl, b->nthreads, mm_step, b, 1);

		b->cur = (b->cur + 1) % b->ncopies;
		if (t < best)
			best = t;
	}
	return best;
}

struct limits {
	double bw[65], fma[65], i8[65], bf16[65];
};

static void setup_mm(struct mm_bench *b, uint32_t wfmt, uint32_t m, uint32_t n,
		     uint32_t k, uint32_t aq, uint32_t afmt, int copies, void **panels,
		     float ts, void *a, void *c)
{
	memset(b, 0, sizeof(*b));
	b->ncopies = copies;
	for (int i = 0; i < copies; i++) {
		b->mm[i] = (struct vnpu_matmul){
			.m = m, .n = n, .k = k, .w_fmt = wfmt, .w = panels[i],
			.w_tscale = ts, .a_fmt = afmt, .a_quant = aq, .a = a,
			.lda = k, .c_fmt = VNPU_FMT_FP32, .c = c, .ldc = n,
		};
	}
	b->scratch_size = vnpu_matmul_scratch(&b->mm[0], m);
	for (int t = 0; t < 64; t++)
		b->scratch[t] = NULL;
}

static void alloc_scratch(struct mm_bench *b, int nthreads)
{
	for (int t = 0; t < nthreads; t++)
		if (!b->scratch[t])
			b->scratch[t] = aligned_alloc(64, (b->scratch_size + 63) & ~(size_t)63);
}

static void free_scratch(struct mm_bench *b)
{
	for (int t = 0; t < 64; t++) {
		free(b->scratch[t]);
		b->scratch[t] = NULL;
	}
}

static const char *vname(uint32_t f)
{
	return vnpu_variant_name(vnpu_engine_variant(f));
}

/*
 * Weights for a streamed GEMV: enough copies (at most 64, 8 with --quick)
 * to read ~384 MB per rotation, never from cache. Returns the count.
 */
static int make_copies(uint32_t fmt, uint32_t n, uint32_t k, bool quick, void **pc,
		       size_t *bytes, float *ts)
{
	int copies;

	pc[0] = make_weights(fmt, n, k, ts, bytes);
	copies = (int)((384u << 20) / *bytes) + 1;
	if (copies > 64)
		copies = 64;
	if (quick && copies > 8)
		copies = 8;
	for (int i = 1; i < copies; i++) {
		pc[i] = bench_alloc_huge(*bytes);
		memcpy(pc[i], pc[0], *bytes);
	}
	return copies;
}

/* The GEMV shapes and formats, and one row of A for a shape (its name in @shape). */
static const uint32_t gemv_shapes[][2] = { { 4096, 4096 }, { 11008, 4096 } };
static const uint32_t gemv_wf[] = { VNPU_FMT_MXFP4, VNPU_FMT_NVFP4 };

static float *gemv_a(uint32_t n, uint32_t k, char *shape, size_t len)
{
	float *a = malloc(sizeof(float) * k);

	for (uint32_t i = 0; i < k; i++)
		a[i] = sinf((float)i);
	snprintf(shape, len, "1x%ux%u", n, k);
	return a;
}

static void bench_gemv(struct pool *pl, const struct limits *L, int maxth,
		       uint32_t feat, bool quick)
{
	static const uint32_t aq[] = { VNPU_FMT_MXINT8, VNPU_FMT_NONE };
	const uint32_t *wf = gemv_wf;

	for (size_t s = 0; s < (quick ? 1 : 2); s++) {
		uint32_t n = gemv_shapes[s][0], k = gemv_shapes[s][1];
		char shape[32];
		float *a = gemv_a(n, k, shape, sizeof(shape)), *c = malloc(sizeof(float) * n);

		for (size_t w = 0; w < 2; w++) {
			void *panels[64];
			size_t bytes;
			float ts;
			int copies;
			struct mm_bench b;

			copies = make_copies(wf[w], n, k, quick, panels, &bytes, &ts);
			for (size_t q = 0; q < 2; q++) {
				for (int th = 1; th <= maxth; th++) {
					char fmt[40];
					double t, gbs;

					setup_mm(&b, wf[w], 1, n, k, aq[q], VNPU_FMT_FP32,
						 copies, panels, ts, a, c);
					b.nthreads = th;
					b.features = feat;
					alloc_scratch(&b, th);
					run_mm(pl, &b, 2);
					t = run_mm(pl, &b, quick ? 10 : 40);
					gbs = bytes / t / 1e9;
					snprintf(fmt, sizeof(fmt), "%s*%s", vnpu_fmt_name(wf[w]),
						 aq[q] ? vnpu_fmt_name(aq[q]) : "fp32");
					record("gemv", fmt, shape, th, vname(feat), gbs, "GB/s",
					       L->bw[th] / 1e9, th == 1 ? "read-bw-1" : "read-bw-all");
					free_scratch(&b);
				}
			}
			for (int i = 0; i < copies; i++)
				free(panels[i]);
		}
		free(a);
		free(c);
	}
}

static void bench_gemm(struct pool *pl, const struct limits *L, int maxth,
		       uint32_t feat, bool quick)
{
	static const uint32_t ms[] = { 64, 512 };
	uint32_t n = 4096, k = 4096;
	void *panels[1];
	size_t bytes;
	float ts;

	panels[0] = make_weights(VNPU_FMT_MXFP4, n, k, &ts, &bytes);
	for (size_t mi = 0; mi < (quick ? 1 : 2); mi++) {
		uint32_t m = ms[mi];
		float *a = malloc(sizeof(float) * m * k), *c = malloc(sizeof(float) * m * n);
		uint16_t *a16 = malloc(2 * (size_t)m * k);
		char shape[32];

		for (size_t i = 0; i < (size_t)m * k; i++) {
			uint32_t u;

			a[i] = sinf((float)i * 0.01f);
			memcpy(&u, &a[i], 4);
			a16[i] = vnpu_fp32_to_bf16(u);
		}
		snprintf(shape, sizeof(shape), "%ux%ux%u", m, n, k);
		for (int path = 0; path < 2; path++) {
			for (int th = 1; th <= maxth; th++) {
				struct mm_bench b;
				double t, ops;

				setup_mm(&b, VNPU_FMT_MXFP4, m, n, k,
					 path ? VNPU_FMT_NONE : VNPU_FMT_MXINT8,
					 path ? VNPU_FMT_BF16 : VNPU_FMT_FP32, 1, panels, ts,
					 path ? (void *)a16 : (void *)a, c);
				b.nthreads = th;
				b.split_m = true;
				b.features = feat;
				b.scratch_size = vnpu_matmul_scratch(&b.mm[0], m);
				alloc_scratch(&b, th);
				run_mm(pl, &b, 1);
				t = run_mm(pl, &b, quick ? 2 : 3);
				ops = 2.0 * m * n * k / t / 1e9;
				if (path)
					record("gemm", "mxfp4*bf16", shape, th, vname(feat), ops,
					       "GOP/s", L->bf16[th] / 1e9, "bf16-dot-peak");
				else
					record("gemm", "mxfp4*mxint8", shape, th, vname(feat), ops,
					       "GOP/s", L->i8[th] / 1e9, "int8-dot-peak");
				free_scratch(&b);
			}
		}
		free(a);
		free(a16);
		free(c);
	}
	free(panels[0]);
}

struct qarg {
	const float *x;
	uint8_t *codes[64], *sc[64];
	size_t n;
	int nthreads;
};

static void quant_part(int tid, void *p)
{
	struct qarg *q = p;
	size_t part = q->n / q->nthreads / 32 * 32;

	vnpu_quantize(VNPU_FMT_MXFP4, q->x + part * tid, part, q->codes[tid],
		      q->sc[tid], NULL, NULL);
}

static void bench_quant(struct pool *pl, int maxth)
{
	struct qarg q = { .n = (size_t)16 << 20 };
	float *x = malloc(sizeof(float) * q.n);

	for (size_t i = 0; i < q.n; i++)
		x[i] = (float)((int)(i * 2654435761u) >> 8) * 1e-6f;
	q.x = x;
	for (int th = 1; th <= maxth; th++) {
		double t;

		q.nthreads = th;
		for (int i = 0; i < th; i++) {
			q.codes[i] = malloc(q.n / 2 / th + 64);
			q.sc[i] = malloc(q.n / 32 / th + 64);
		}
		t = pool_time(pl, th, quant_part, &q, 3);
		record("quantize", "fp32->mxfp4", "16M", th, "portable",
		       q.n * 4.0 / t / 1e9 / th, "GB/s/thr", 0, NULL);
		for (int i = 0; i < th; i++) {
			free(q.codes[i]);
			free(q.sc[i]);
		}
	}
	free(x);
}

/*
 * The MXINT8 GEMVs (both FP4 formats, both shapes; the first shape with
 * --quick) with each SIMD variant forced, one thread, weights streamed
 * from memory as in bench_gemv(), measured back to back; then the ratios
 * of the AVX2 figure to the two portable builds' (issue 3: within 4x):
 * generic-v2 (x86-64-v2, what an SSSE3 CPU runs) and generic (the SSE2
 * baseline, the fallback).
 */
static void bench_variants(struct pool *pl, const struct limits *L, bool quick)
{
	static const uint32_t vf[] = {
		0, VNPU_CPU_SSSE3, VNPU_CPU_AVX2, VNPU_CPU_AVX2 | VNPU_CPU_AVX512,
	};
	const uint32_t *wf = gemv_wf;

	for (size_t s = 0; s < (quick ? 1 : 2); s++) {
		uint32_t n = gemv_shapes[s][0], k = gemv_shapes[s][1];
		char shape[32];
		float *a = gemv_a(n, k, shape, sizeof(shape)), *cc = malloc(sizeof(float) * n);

		for (size_t w = 0; w < 2; w++) {
			void *pc[64];
			size_t bytes;
			float ts;
			int copies;
			double gbs[4] = { 0 };
			char fmt[40];

			copies = make_copies(wf[w], n, k, quick, pc, &bytes, &ts);
			snprintf(fmt, sizeof(fmt), "%s*mxint8", vnpu_fmt_name(wf[w]));
			for (int v = 0; v < 4; v++) {
				struct mm_bench b;

				if ((vf[v] & vnpu_engine_cpu_features()) != vf[v])
					continue;
				setup_mm(&b, wf[w], 1, n, k, VNPU_FMT_MXINT8, VNPU_FMT_FP32,
					 copies, pc, ts, a, cc);
				b.nthreads = 1;
				b.features = vf[v];
				alloc_scratch(&b, 1);
				run_mm(pl, &b, 2);
				gbs[v] = bytes / run_mm(pl, &b, quick ? 10 : 20) / 1e9;
				record("variant", fmt, shape, 1, vname(vf[v]), gbs[v], "GB/s",
				       L->bw[1] / 1e9, "read-bw-1");
				free_scratch(&b);
			}
			if (gbs[2] > 0 && gbs[1] > 0)
				record("variant-ratio", fmt, shape, 1, "avx2/gen-v2",
				       gbs[2] / gbs[1], "x", 0, NULL);
			if (gbs[2] > 0)
				record("variant-ratio", fmt, shape, 1, "avx2/gen", gbs[2] / gbs[0],
				       "x", 0, NULL);
			for (int i = 0; i < copies; i++)
				free(pc[i]);
		}
		free(a);
		free(cc);
	}
}

static const char help[] =
"Usage: vnpu-bench engine [--json] [--threads N] [--variant V] [--quick]\n"
"                         [--decode]\n"
"       vnpu-bench llm [--preset P] [--prompt N] [--gen N] [--json] ...\n"
"       vnpu-bench model [--preset P] [--prompt N] [--gen N] [--json] ...\n"
"\n"
"llm: TTFT and decode speed of a synthetic model per format and backend\n"
"against the machine's limits (vnpu-bench llm --help). model: the card\n"
"profiles' roofline timing model of the same model, no execution\n"
"(vnpu-bench model --help). The rest of this text is about engine.\n"
"\n"
"Measures the compute engine on this machine and, in the same run, the\n"
"machine's limits: read bandwidth (one thread, all threads), FP32 FMA,\n"
"int8 dot-product (VNNI) and BF16 dot-product peaks, each counting 2 ops\n"
"per multiply-add. Every engine figure is printed with its ratio to the\n"
"relevant limit. First, cpu-stall: the share of 0.5 s (--quick: 0.2)\n"
"the threads, spinning on the clock, did not run (gaps of 5 us or more;\n"
"on a shared host, mostly the hypervisor running other guests), part of\n"
"why a decode figure's mean run is slower than its best.\n"
"\n"
"  engine figures:\n"
"    gemv      MXFP4/NVFP4 weights (4096x4096, 11008x4096), batch 1, MXINT8\n"
"              or exact FP32 activations: weight bytes streamed per second,\n"
"              weights rotated through copies totalling ~384 MB so they\n"
"              come from memory, not cache (2 MiB pages where the kernel\n"
"              grants them: madvise MADV_HUGEPAGE); threads split the rows.\n"
"    gemm      MXFP4 weights 4096x4096, M = 64 and 512, MXINT8 or BF16\n"
"              activations: ops per second; threads split M.\n"
"    quantize  FP32 -> MXFP4, GB/s of FP32 input per thread.\n"
"    decode/T  the packets of one 250m decode step as the ISA executor\n"
"              tiles them (T tiles), all threads taking tiles from a shared\n"
"              counter: MXFP4/NVFP4 x MXINT8 GEMVs of the model's shapes\n"
"              (N x K: q/o 1024x1024, k/v 256x1024, gate/up 2816x1024,\n"
"              down 1024x2816), the BF16 head 32000x1024 with FP32\n"
"              activations, and attention of one query over the FP32\n"
"              head-major KV cache at position 576 (16 heads, 4 KV heads\n"
"              of 64); bytes read per second (weights, or the K and V rows\n"
"              read), operands rotated through ~384 MB of copies. The\n"
"              best run's figure, then the one at the runs' mean time\n"
"              (\"mean\" in JSON): a decode step sees the mean, and on a\n"
"              shared host it can be 10-30% below the best.\n"
"    variants  the MXINT8 GEMVs (both formats and shapes) with each SIMD\n"
"              variant forced, one thread, weights streamed from memory as\n"
"              above, back to back; variant-ratio: the AVX2 figure over\n"
"              each portable build's (issue 3 target: at most 4):\n"
"              avx2/gen-v2 over generic-v2 (x86-64-v2: SSSE3, what such a\n"
"              CPU runs), avx2/gen over generic (the SSE2 baseline).\n"
"\n"
"Options:\n"
"  --json        one JSON array of records instead of the table\n"
"  --threads N   up to N threads (default: all online CPUs)\n"
"  --variant V   generic | generic-v2 | avx2 | avx512 (default: best\n"
"                available); generic is the SSE2 baseline build of the\n"
"                portable C kernels, generic-v2 their x86-64-v2 build\n"
"  --quick       smaller shapes and fewer repetitions\n"
"\n"
"vnpu-bench runtime --help: peak host memory of loading and running a\n"
"program with large weights (libvnpu).\n";

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "threads", required_argument, NULL, 't' },
		{ "variant", required_argument, NULL, 'v' },
		{ "quick", no_argument, NULL, 'q' },
		{ "decode", no_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	int maxth = (int)sysconf(_SC_NPROCESSORS_ONLN), c;
	uint32_t feat = vnpu_engine_cpu_features();
	bool quick = false, decode_only = false;
	struct limits L = { 0 };
	struct pool pl;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(help, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (!strcmp(argv[1], "runtime"))
		return bench_runtime_main(argc - 1, argv + 1);
	if (!strcmp(argv[1], "llm"))
		return bench_llm_main(argc - 1, argv + 1);
	if (!strcmp(argv[1], "model"))
		return bench_model_main(argc - 1, argv + 1);
	if (strcmp(argv[1], "engine")) {
		fprintf(stderr, "vnpu-bench: unknown mode '%s' (engine, llm, model, runtime)\n", argv[1]);
		return 2;
	}
	optind = 2;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 't':
			maxth = atoi(optarg);
			if (maxth < 1 || maxth > 63) {
				fprintf(stderr, "vnpu-bench: bad --threads '%s'\n", optarg);
				return 2;
			}
			break;
		case 'v':
			if (!strcmp(optarg, "generic"))
				feat = 0;
			else if (!strcmp(optarg, "generic-v2"))
				feat &= VNPU_CPU_SSSE3;
			else if (!strcmp(optarg, "avx2"))
				feat &= VNPU_CPU_AVX2;
			else if (strcmp(optarg, "avx512")) {
				fprintf(stderr, "vnpu-bench: bad --variant '%s'\n", optarg);
				return 2;
			}
			break;
		case 'q':
			quick = true;
			break;
		case 'd':
			decode_only = true;
			break;
		case 'h':
			fputs(help, stdout);
			return 0;
		default:
			return 2;
		}
	}
	if (maxth > 63)
		maxth = 63;
	if (!(vnpu_engine_cpu_features() & VNPU_CPU_AVX512_BF16)) {
		fprintf(stderr, "vnpu-bench: the limit probes need AVX-512 VNNI and BF16\n");
		return 1;
	}
	if (pool_init(&pl, maxth))
		return 1;
	if (json)
		printf("[\n");
	else
		printf("%-14s %-16s %-16s %2s %-11s %9s %-8s  %s\n", "what", "format",
		       "shape", "th", "variant", "value", "unit", "ratio to limit");
	for (int th = 1; th <= maxth; th += (th == 1 ? maxth - 1 : 1)) {
		double stall = bench_cpu_stalls(&pl, th, quick ? 0.2 : 0.5, NULL);

		record("limit", "cpu-stall", "", th, "", 100 * stall, "%", 0, NULL);
		L.bw[th] = bench_read_bw(&pl, th, (size_t)(quick ? 256 : 1024) << 20);
		record("limit", "read-bw", "", th, "", L.bw[th] / 1e9, "GB/s", 0, NULL);
		if (decode_only)
			goto next;
		L.fma[th] = bench_fma_peak(&pl, th);
		L.i8[th] = bench_int8_peak(&pl, th);
		L.bf16[th] = bench_bf16_peak(&pl, th);
		record("limit", "fp32-fma-peak", "", th, "", L.fma[th] / 1e9, "GFLOP/s", 0, NULL);
		record("limit", "int8-dot-peak", "", th, "", L.i8[th] / 1e9, "GOP/s", 0, NULL);
		record("limit", "bf16-dot-peak", "", th, "", L.bf16[th] / 1e9, "GFLOP/s", 0, NULL);
next:
		if (th == maxth)
			break;
	}
	for (int th = 2; th < maxth; th++) {
		L.bw[th] = L.bw[maxth];
		L.i8[th] = L.i8[maxth];
		L.bf16[th] = L.bf16[maxth];
	}
	decode_threads = maxth;
	decode_variant = vname(feat);
	bench_decode(&pl, maxth, feat, L.bw[maxth], quick, decode_record);
	if (decode_only)
		goto out;
	bench_gemv(&pl, &L, maxth, feat, quick);
	bench_gemm(&pl, &L, maxth, feat, quick);
	bench_quant(&pl, maxth);
	bench_variants(&pl, &L, quick);
out:
	if (json)
		printf("\n]\n");
	pool_fini(&pl);
	return 0;
}
