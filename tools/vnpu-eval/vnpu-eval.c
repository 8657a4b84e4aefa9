// SPDX-License-Identifier: GPL-2.0
/*
 * vnpu-eval: what the card's weight formats do to accuracy. Trains a small
 * MLP on Fashion-MNIST in FP32 on the host, then runs the test set through
 * libvnpu with the weights in each format and quantization method and
 * compares against the FP32 program. See --help.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <vnpu/vnpu.h>

#include "eval.h"
#include "fmnist.h"
#include "idx.h"
#include "llm_eval.h"
#include "metrics.h"
#include "mlp.h"
#include "mlp_graph.h"

#define EXIT_DATA 1	/* the data set is malformed */
#define EXIT_USAGE 2	/* bad command line */
#define EXIT_IO 3	/* a file cannot be read or written */
#define EXIT_VNPU 4	/* libvnpu failed (device, compile, run) */

static const char help[] =
"Usage: vnpu-eval [OPTIONS]\n"
"\n"
"Measure what the card's weight formats cost in accuracy. A small MLP is\n"
"trained on Fashion-MNIST in FP32 on the host (deterministically: the seed\n"
"fixes the result), built as a libvnpu graph with the trained weights as\n"
"constants and compiled once per weight format and quantization method;\n"
"the test images run through each program, and each is compared with the\n"
"FP32 program: test accuracy, top-1 agreement and the mean KL divergence\n"
"of the logits' softmax. Then the same rows for transformers (--llm):\n"
"synthetic Llama-style models loaded through <vnpu/model.h> with each\n"
"row's options, compared by the KL divergence and top-1 agreement of the\n"
"logits at every position of a fixed token sequence.\n"
"\n"
"Rows: fp32 and bf16 weights, then mxfp8, nvfp4 and mxfp4 weights, each\n"
"with the methods asked for:\n"
"  rtn           the spec's scale, elements rounded to nearest even\n"
"  mse           per block, the scale of least squared error\n"
"  hadamard      Hadamard rotation of the matmul inputs, RTN scales\n"
"  hadamard+mse  both\n"
"A method this libvnpu does not support is reported as such, never\n"
"replaced by another. Bits per weight count the scales: mxfp4 4.25,\n"
"nvfp4 4.5 (+ one FP32 tensor scale), mxfp8 8.25, bf16 16, fp32 32.\n"
"\n"
"Options:\n"
"      --data DIR        the IDX files (train-images-idx3-ubyte.gz and the\n"
"                        other three; default " FMNIST_DEFAULT_DIR ")\n"
"      --quick           a subset for tests: 10000 training images, 3 epochs,\n"
"                        the first 2000 test images, the tiny transformer at\n"
"                        32 positions (options below override)\n"
"      --train N         train on the first N training images (default all)\n"
"      --test N          test on the first N test images (default all)\n"
"      --epochs N        training epochs (default 5; --quick 3)\n"
"      --hidden A[,B..]  hidden layer widths (default 256,128; up to 3)\n"
"      --batch N         SGD minibatch (default 64)\n"
"      --lr X            learning rate of the first epoch, halved after each\n"
"                        (default 0.05; momentum 0.9)\n"
"      --seed N          initial weights and sample order (default 1)\n"
"  -j, --threads N       host threads for training and the CPU backend\n"
"                        (default: online CPUs; results do not depend on it)\n"
"  -b, --backend B       cpu (default), device (the first card), auto (as\n"
"                        VNPU_BACKEND says) or a device node path\n"
"      --infer-batch N   test images per program run (default 1000; smaller\n"
"                        jobs for a slow card, e.g. one emulated under TCG,\n"
"                        whose job timeout a large batch can exceed)\n"
"      --formats LIST    of fp32,bf16,mxfp8,nvfp4,mxfp4 (default all; fp32\n"
"                        always runs: it is the reference)\n"
"      --methods LIST    of rtn,mse,hadamard,hadamard+mse (default\n"
"                        all four)\n"
"      --act A           matmul input quantization: none (default), mxint8,\n"
"                        mxfp8, mxfp4\n"
"      --keep P          mixed-precision policy: default (the output layer\n"
"                        stays BF16 with exact inputs) or none (every layer\n"
"                        in the format)\n"
"      --llm LIST        transformers: vnpu-gen-model presets (written to a\n"
"                        temporary directory with --seed) or model\n"
"                        directories, comma-separated; 'none' skips them\n"
"                        (default tiny,15m; --quick tiny)\n"
"      --llm-tokens N    positions compared per model: the logits of a fixed\n"
"                        random token sequence (default 128; --quick 32)\n"
"      --json            print a JSON document instead of the table\n"
"      --plot FILE       write the plot of error against bits per weight\n"
"                        (SVG) to FILE\n"
"  -q, --quiet           no progress on standard error\n"
"  -h, --help            this text\n"
"\n"
"Exit status: 0 success, 1 malformed data set, 2 bad usage, 3 a file\n"
"cannot be read or written, 4 libvnpu failed (device, compile or run;\n"
"the other rows are still reported).\n"
"\n"
"Examples:\n"
"  vnpu-eval --plot fp4.svg\n"
"  vnpu-eval --quick --json --methods rtn,mse\n"
"  vnpu-eval --backend device --keep none\n";

struct fmt_desc {
	const char *name;
	uint32_t dtype;
	double bits;
	int blocked;	/* has a scale method */
};

static const struct fmt_desc formats[] = {
	{ "fp32", VNPU_DTYPE_FP32, 32.0, 0 },
	{ "bf16", VNPU_DTYPE_BF16, 16.0, 0 },
	{ "mxfp8", VNPU_DTYPE_MXFP8, 8.25, 1 },
	{ "nvfp4", VNPU_DTYPE_NVFP4, 4.5, 1 },
	{ "mxfp4", VNPU_DTYPE_MXFP4, 4.25, 1 },
};
#define NFORMATS (sizeof(formats) / sizeof(formats[0]))

struct method_desc {
	const char *name;
	uint32_t scale, hadamard;
};

static const struct method_desc methods[] = {
	{ "rtn", VNPU_SCALE_RTN, 0 },
	{ "mse", VNPU_SCALE_MSE, 0 },
	{ "hadamard", VNPU_SCALE_RTN, 1 },
	{ "hadamard+mse", VNPU_SCALE_MSE, 1 },
};
#define NMETHODS (sizeof(methods) / sizeof(methods[0]))

static const struct { const char *name; uint32_t v; } acts[] = {
	{ "none", VNPU_ACT_QUANT_NONE },
	{ "mxint8", VNPU_ACT_QUANT_MXINT8 },
	{ "mxfp8", VNPU_ACT_QUANT_MXFP8 },
	{ "mxfp4", VNPU_ACT_QUANT_MXFP4 },
};

struct opts {
	const char *data, *backend, *plot, *act_name, *keep_name, *llm;
	uint32_t train, test, epochs, batch, threads, hidden[3], nhidden, llm_tokens;
	uint32_t infer_batch;
	uint32_t fmt_mask, method_mask, act, keep;
	uint64_t seed;
	float lr;
	int quick, json, quiet;
};

static int usage(const char *fmt, const char *arg)
{
	fprintf(stderr, "vnpu-eval: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry 'vnpu-eval --help'.\n");
	return EXIT_USAGE;
}

static int parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
	char *end;
	unsigned long long v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

/* Comma-separated NAMES into a bit mask; -1 (naming BAD) on an unknown one. */
static int parse_list(const char *s, const char *const *names, uint32_t n,
		      uint32_t *mask, char *bad, size_t badlen)
{
	char buf[256], *tok, *save;
	uint32_t i;

	snprintf(buf, sizeof(buf), "%s", s);
	*mask = 0;
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < n && strcmp(tok, names[i]); i++)
			;
		if (i == n) {
			snprintf(bad, badlen, "%s", tok);
			return -1;
		}
		*mask |= 1u << i;
	}
	return *mask ? 0 : -1;
}

static int parse_args(int argc, char **argv, struct opts *o)
{
	enum { O_DATA = 256, O_QUICK, O_TRAIN, O_TEST, O_EPOCHS, O_HIDDEN, O_BATCH, O_LR,
	       O_SEED, O_FORMATS, O_METHODS, O_ACT, O_KEEP, O_JSON, O_PLOT, O_LLM,
	       O_LLM_TOKENS, O_INFER_BATCH };
	static const struct option lo[] = {
		{ "data", required_argument, NULL, O_DATA },
		{ "quick", no_argument, NULL, O_QUICK },
		{ "train", required_argument, NULL, O_TRAIN },
		{ "test", required_argument, NULL, O_TEST },
		{ "epochs", required_argument, NULL, O_EPOCHS },
		{ "hidden", required_argument, NULL, O_HIDDEN },
		{ "batch", required_argument, NULL, O_BATCH },
		{ "lr", required_argument, NULL, O_LR },
		{ "seed", required_argument, NULL, O_SEED },
		{ "threads", required_argument, NULL, 'j' },
		{ "backend", required_argument, NULL, 'b' },
		{ "formats", required_argument, NULL, O_FORMATS },
		{ "methods", required_argument, NULL, O_METHODS },
		{ "act", required_argument, NULL, O_ACT },
		{ "keep", required_argument, NULL, O_KEEP },
		{ "infer-batch", required_argument, NULL, O_INFER_BATCH },
		{ "llm", required_argument, NULL, O_LLM },
		{ "llm-tokens", required_argument, NULL, O_LLM_TOKENS },
		{ "json", no_argument, NULL, O_JSON },
		{ "plot", required_argument, NULL, O_PLOT },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *fnames[NFORMATS], *mnames[NMETHODS];
	uint32_t i, train = 0, test = 0, epochs = 0, llm_tokens = 0;
	char bad[256], *end;
	int c;

	for (i = 0; i < NFORMATS; i++)
		fnames[i] = formats[i].name;
	for (i = 0; i < NMETHODS; i++)
		mnames[i] = methods[i].name;
	memset(o, 0, sizeof(*o));
	o->data = FMNIST_DEFAULT_DIR;
	o->backend = "cpu";
	o->act_name = "none";
	o->keep_name = "default";
	o->keep = VNPU_KEEP_DEFAULT;
	o->batch = 64;
	o->infer_batch = 1000;
	o->lr = 0.05f;
	o->seed = 1;
	o->hidden[0] = 256;
	o->hidden[1] = 128;
	o->nhidden = 2;
	o->fmt_mask = (1u << NFORMATS) - 1;
	o->method_mask = 15;	/* all four */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":j:b:qh", lo, NULL)) != -1) {
		switch (c) {
		case O_DATA: o->data = optarg; break;
		case O_QUICK: o->quick = 1; break;
		case O_TRAIN:
			if (parse_u32(optarg, 1, UINT32_MAX, &train))
				return usage("--train needs a positive count, not '%s'", optarg);
			break;
		case O_TEST:
			if (parse_u32(optarg, 1, UINT32_MAX, &test))
				return usage("--test needs a positive count, not '%s'", optarg);
			break;
		case O_EPOCHS:
			if (parse_u32(optarg, 1, 1000, &epochs))
				return usage("--epochs needs 1..1000, not '%s'", optarg);
			break;
		case O_HIDDEN: {
			char buf[128], *tok, *save;

			snprintf(buf, sizeof(buf), "%s", optarg);
			o->nhidden = 0;
			for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
				if (o->nhidden == 3)
					return usage("--hidden takes at most 3 widths: '%s'", optarg);
				if (parse_u32(tok, 32, 8192, &o->hidden[o->nhidden]) ||
				    o->hidden[o->nhidden] % 32)
					return usage("--hidden widths are multiples of 32 in 32..8192"
						     " (the card's matmul K): '%s'", optarg);
				o->nhidden++;
			}
			if (!o->nhidden)
				return usage("--hidden needs at least one width: '%s'", optarg);
			break;
		}
		case O_BATCH:
			if (parse_u32(optarg, 1, 65536, &o->batch))
				return usage("--batch needs 1..65536, not '%s'", optarg);
			break;
		case O_LR:
			o->lr = strtof(optarg, &end);
			if (*end || !*optarg || !(o->lr > 0.0f && o->lr < 10.0f))
				return usage("--lr needs a number in (0, 10), not '%s'", optarg);
			break;
		case O_SEED:
			errno = 0;
			o->seed = strtoull(optarg, &end, 0);
			if (errno || *end || !*optarg || *optarg == '-')
				return usage("--seed needs an unsigned integer, not '%s'", optarg);
			break;
		case 'j':
			if (parse_u32(optarg, 1, 64, &o->threads))
				return usage("--threads needs 1..64, not '%s'", optarg);
			break;
		case 'b': o->backend = optarg; break;
		case O_FORMATS:
			if (parse_list(optarg, fnames, NFORMATS, &o->fmt_mask, bad, sizeof(bad)))
				return usage("--formats: unknown or empty format list '%s'", optarg);
			o->fmt_mask |= 1;	/* the reference */
			break;
		case O_METHODS:
			if (parse_list(optarg, mnames, NMETHODS, &o->method_mask, bad, sizeof(bad)))
				return usage("--methods: unknown or empty method list '%s'", optarg);
			break;
		case O_ACT:
			for (i = 0; i < sizeof(acts) / sizeof(acts[0]) && strcmp(optarg, acts[i].name); i++)
				;
			if (i == sizeof(acts) / sizeof(acts[0]))
				return usage("--act: unknown activation quantization '%s'", optarg);
			o->act = acts[i].v;
			o->act_name = acts[i].name;
			break;
		case O_KEEP:
			if (!strcmp(optarg, "default"))
				o->keep = VNPU_KEEP_DEFAULT;
			else if (!strcmp(optarg, "none"))
				o->keep = 0;
			else
				return usage("--keep: 'default' or 'none', not '%s'", optarg);
			o->keep_name = optarg;
			break;
		case O_LLM:
			if (!*optarg || strlen(optarg) >= 1024)
				return usage("--llm needs presets or directories, not '%s'", optarg);
			o->llm = optarg;
			break;
		case O_INFER_BATCH:
			if (parse_u32(optarg, 1, 65536, &o->infer_batch))
				return usage("--infer-batch needs 1..65536, not '%s'", optarg);
			break;
		case O_LLM_TOKENS:
			if (parse_u32(optarg, 1, 4096, &llm_tokens))
				return usage("--llm-tokens needs 1..4096, not '%s'", optarg);
			break;
		case O_JSON: o->json = 1; break;
		case O_PLOT: o->plot = optarg; break;
		case 'q': o->quiet = 1; break;
		case 'h':
			fputs(help, stdout);
			exit(0);
		case ':':
			return usage("option '%s' needs an argument", argv[optind - 1]);
		default:
			return usage("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return usage("unexpected argument '%s'", argv[optind]);
	if (!o->threads) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);

		o->threads = n < 1 ? 1 : n > 64 ? 64 : (uint32_t)n;
	}
	o->train = train ? train : o->quick ? 10000 : UINT32_MAX;
	o->test = test ? test : o->quick ? 2000 : UINT32_MAX;
	o->epochs = epochs ? epochs : o->quick ? 3 : 5;
	o->llm_tokens = llm_tokens ? llm_tokens : o->quick ? 32 : 128;
	if (!o->llm)
		o->llm = o->quick ? "tiny" : "tiny,15m";
	return 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void epoch_done(void *user, uint32_t epoch, double loss, double secs)
{
	const struct opts *o = user;

	if (!o->quiet)
		fprintf(stderr, "vnpu-eval: epoch %u/%u: mean loss %.4f (%.1f s)\n", epoch + 1,
			o->epochs, loss, secs);
}

static vnpu_status open_device(const struct opts *o, vnpu_device **dev)
{
	vnpu_device_options d;
	const char *name = o->backend;

	vnpu_device_options_init(&d);
	d.cpu_threads = o->threads;
	if (!strcmp(name, "device"))
		name = "0";
	else if (!strcmp(name, "auto"))
		name = NULL;
	return vnpu_device_open(name, &d, dev);
}

/* Compile and run one row; *LOGITS (test_n x classes) for a reference. */
static void eval_row(const struct opts *o, const struct mlp *m, const struct dataset *test,
		     vnpu_device *dev, vnpu_stream *s, const float *ref, float *logits,
		     struct eval_row *w)
{
	uint32_t classes = m->dims[m->layers];
	uint32_t batch = test->n < o->infer_batch ? test->n : o->infer_batch;
	vnpu_compile_options co;
	vnpu_program *p = NULL;
	vnpu_program_info info;
	vnpu_status st;
	double t0 = now();

	vnpu_compile_options_init(&co);
	co.weight_format = w->weight_format;
	co.scale_method = w->scale_method;
	co.hadamard = w->hadamard;
	co.act_quant = o->act;
	co.keep = o->keep;
	st = mlp_graph_compile(m, batch, dev, &co, &p);
	if (!st)
		st = vnpu_program_info_get(p, &info);
	if (!st) {
		w->weight_bytes = info.weight_bytes;
		st = mlp_graph_logits(s, p, m, batch, test, test->n, logits);
	}
	vnpu_program_destroy(p);
	w->seconds = now() - t0;
	if (st) {
		w->state = st == VNPU_STATUS_UNSUPPORTED ? ROW_UNSUPPORTED : ROW_FAILED;
		snprintf(w->note, sizeof(w->note), "%s: %s", vnpu_status_str(st),
			 vnpu_last_error());
		return;
	}
	w->n = test->n;
	w->correct = count_correct(logits, test->y, test->n, classes);
	w->agree = count_agree(ref ? ref : logits, logits, test->n, classes);
	w->kl = mean_kl(ref ? ref : logits, logits, test->n, classes);
}

static int write_plot(const char *path, const struct eval_report *r)
{
	FILE *f = fopen(path, "w");

	if (!f) {
		fprintf(stderr, "vnpu-eval: %s: %s\n", path, strerror(errno));
		return EXIT_IO;
	}
	report_svg(f, r);
	if (ferror(f) | fclose(f)) {
		fprintf(stderr, "vnpu-eval: %s: write failed\n", path);
		return EXIT_IO;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static struct eval_report rep;
	static struct eval_row tmpl[EVAL_MAX_ROWS];
	struct dataset train = { 0 }, test = { 0 };
	struct mlp m = { 0 };
	struct mlp_train_opts to;
	vnpu_device *dev = NULL;
	vnpu_stream *s = NULL;
	vnpu_device_info info;
	vnpu_init_options io;
	struct opts o;
	float *ref = NULL, *logits = NULL;
	uint32_t dims[MLP_MAX_LAYERS + 1], i, f, k, classes, ntmpl = 0;
	char err[512];
	double t0;
	int rc, llm_rc = 0, failed = 0;

	rc = parse_args(argc, argv, &o);
	if (rc)
		return rc;
	rc = dataset_load(o.data, "train", &train, err, sizeof(err));
	if (!rc)
		rc = dataset_load(o.data, "t10k", &test, err, sizeof(err));
	if (!rc && train.pdim != test.pdim) {
		snprintf(err, sizeof(err), "%s: training images of %u pixels, test images of %u",
			 o.data, train.dim, test.dim);
		rc = IDX_EFORMAT;
	}
	if (rc) {
		fprintf(stderr, "vnpu-eval: %s\n", err);
		rc = rc == IDX_EIO ? EXIT_IO : EXIT_DATA;
		goto out;
	}
	dataset_truncate(&train, o.train);
	dataset_truncate(&test, o.test);

	/* train */
	dims[0] = train.pdim;
	for (i = 0; i < o.nhidden; i++)
		dims[i + 1] = o.hidden[i];
	dims[o.nhidden + 1] = classes = FMNIST_CLASSES;
	if (mlp_init(&m, o.nhidden + 1, dims, train.dim, o.seed))
		goto oom;
	to = (struct mlp_train_opts){ o.epochs, o.batch, o.threads, o.lr, 0.9f, o.seed,
				      epoch_done, &o };
	t0 = now();
	if (mlp_train(&m, &train, &to))
		goto oom;
	rep.train_seconds = now() - t0;
	ref = malloc((size_t)test.n * classes * sizeof(float));
	logits = malloc((size_t)test.n * classes * sizeof(float));
	if (!ref || !logits || mlp_logits(&m, &test, test.n, o.threads, ref))
		goto oom;
	rep.host_correct = count_correct(ref, test.y, test.n, classes);
	if (!o.quiet)
		fprintf(stderr, "vnpu-eval: host FP32 forward pass: %u/%u correct\n",
			rep.host_correct, test.n);

	/* the device */
	vnpu_init_options_init(&io);
	if (vnpu_init(&io) || open_device(&o, &dev) || vnpu_device_info_get(dev, &info) ||
	    vnpu_stream_create(dev, NULL, &s)) {
		fprintf(stderr, "vnpu-eval: backend '%s': %s\n", o.backend, vnpu_last_error());
		rc = EXIT_VNPU;
		goto out;
	}

	rep.data_dir = o.data;
	rep.train_n = train.n;
	rep.test_n = test.n;
	rep.epochs = o.epochs;
	rep.batch = o.batch;
	rep.threads = o.threads;
	rep.lr = o.lr;
	rep.seed = o.seed;
	rep.layers = m.layers;
	memcpy(rep.dims, m.dims, (m.layers + 1) * sizeof(m.dims[0]));
	rep.backend = info.profile;
	rep.act_quant = o.act_name;
	rep.keep = o.keep_name;

	/* the rows: FP32 first, its logits are the reference */
	for (f = 0; f < NFORMATS; f++) {
		if (!(o.fmt_mask & (1u << f)))
			continue;
		for (k = 0; k < NMETHODS; k++) {
			struct eval_row *w = &tmpl[ntmpl];

			if (formats[f].blocked ? !(o.method_mask & (1u << k)) : k > 0)
				continue;
			memset(w, 0, sizeof(*w));
			w->format = formats[f].name;
			w->bits = formats[f].bits;
			w->weight_format = formats[f].dtype;
			w->method = formats[f].blocked ? methods[k].name : "-";
			w->scale_method = formats[f].blocked ? methods[k].scale : VNPU_SCALE_RTN;
			w->hadamard = formats[f].blocked ? methods[k].hadamard : 0;
			ntmpl++;
		}
	}
	for (i = 0; i < ntmpl; i++) {
		struct eval_row *w = &rep.rows[rep.nrows];

		*w = tmpl[i];
		eval_row(&o, &m, &test, dev, s, i ? ref : NULL, i ? logits : ref, w);
		failed |= w->state == ROW_FAILED;
		if (!i && w->state != ROW_OK) {
			fprintf(stderr, "vnpu-eval: the FP32 program failed: %s\n", w->note);
			rc = EXIT_VNPU;
			goto out;
		}
		if (!o.quiet && w->state == ROW_OK)
			fprintf(stderr, "vnpu-eval: %s %s: %.2f%% (%.1f s)\n", w->format,
				w->method, 100.0 * w->correct / w->n, w->seconds);
		else if (!o.quiet)
			fprintf(stderr, "vnpu-eval: %s %s: not run (%s)\n", w->format,
				w->method, w->state == ROW_UNSUPPORTED ? "unsupported" : "failed");
		rep.nrows++;
	}

	/* the transformers */
	rep.llm_tokens = o.llm_tokens;
	if (!strcmp(o.llm, "none")) {
		rep.llm_note = "skipped (--llm none)";
	} else {
		struct llm_opts lo = { o.llm, o.llm_tokens, o.seed, o.act, o.keep, o.quiet };

		/* a model that cannot be written or loaded: the MLP rows still count */
		llm_rc = llm_eval(&lo, dev, tmpl, ntmpl, &rep);
		if (llm_rc)
			rep.llm_note = "failed (the reason is on standard error)";
		for (i = 0; i < rep.llm_nrows; i++)
			failed |= rep.llm_rows[i].state == ROW_FAILED;
	}

	if (o.json)
		report_json(stdout, &rep);
	else
		report_table(stdout, &rep);
	rc = llm_rc ? llm_rc : failed ? EXIT_VNPU : 0;
	if (o.plot) {
		int prc = write_plot(o.plot, &rep);

		rc = rc ? rc : prc;
	}
	goto out;
oom:
	fprintf(stderr, "vnpu-eval: out of memory\n");
	rc = EXIT_IO;
out:
	if (s)
		vnpu_stream_destroy(s);
	vnpu_device_close(dev);
	free(ref);
	free(logits);
	mlp_free(&m);
	dataset_free(&train);
	dataset_free(&test);
	return rc;
}
