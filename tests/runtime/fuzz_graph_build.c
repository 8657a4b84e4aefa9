// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target of the graph builder and the compiler: the input is a
 * little program of builder calls (operands picked among the tensors made
 * so far, shapes from the bytes). Whatever the builders accept must
 * compile or fail with a status (never an "internal error": the compiler
 * checks its own stream like the loader does), save and load back to the
 * same bytes, and run on the CPU backend with zero inputs and zeroed
 * states (index 0 is always a valid row) without the submit validator or
 * the interpreter objecting.
 *
 *   make build/fuzz/fuzz_graph_build
 *   build/fuzz/fuzz_graph_build -max_total_time=600
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vnpu/vnpu.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAXT 48

static vnpu_device *dev;
static vnpu_stream *stream;
static float weights[128 * 128];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	vnpu_init_options o;
	vnpu_device_options d;
	int i;

	vnpu_init_options_init(&o);
	o.flags = VNPU_INIT_NO_ENV;
	vnpu_device_options_init(&d);
	d.cpu_threads = 2;
	if (vnpu_init(&o) || vnpu_device_open("cpu", &d, &dev) ||
	    vnpu_stream_create(dev, NULL, &stream))
		abort();
	for (i = 0; i < 128 * 128; i++)
		weights[i] = (float)((i * 37) % 23) / 11 - 1;
	return 0;
}

struct fz {
	const uint8_t *d;
	size_t n;
	vnpu_tensor t[MAXT];
	uint32_t nt;
};

static uint8_t next(struct fz *f)
{
	if (!f->n)
		return 0;
	f->n--;
	return *f->d++;
}

static vnpu_tensor pick(struct fz *f)
{
	return f->nt ? f->t[next(f) % f->nt] : 1;
}

static void keep(struct fz *f, vnpu_status st, vnpu_tensor t)
{
	if (!st && f->nt < MAXT)
		f->t[f->nt++] = t;
}

static uint32_t dim(struct fz *f)
{
	static const uint32_t d[] = { 1, 2, 3, 4, 8, 16, 32, 64, 96, 5 };

	return d[next(f) % 10];
}

static void step(struct fz *f, vnpu_graph *g)
{
	uint32_t dims[4] = { dim(f), dim(f), dim(f), dim(f) }, rank = 1 + next(f) % 3;
	static const vnpu_dtype types[] = { VNPU_DTYPE_FP32, VNPU_DTYPE_FP32,
		VNPU_DTYPE_BF16, VNPU_DTYPE_I32, VNPU_DTYPE_MXFP4, VNPU_DTYPE_MXFP8,
		VNPU_DTYPE_FP16, VNPU_DTYPE_FP8_E4M3, VNPU_DTYPE_FP8_E5M2 };
	vnpu_attention_desc ad;
	vnpu_tensor r = 0, r2, r3;
	vnpu_status st;
	uint8_t op = next(f) % 27;

	switch (op) {
	case 0: case 1:
		st = vnpu_graph_input(g, NULL, types[next(f) % 9], rank, dims, &r);
		break;
	case 2: case 3: {
		uint32_t wd[2] = { dim(f), 32 * (1 + next(f) % 3) };

		st = vnpu_graph_constant(g, "w", next(f) & 1 ? VNPU_DTYPE_FP32 : VNPU_DTYPE_BF16,
					 op == 2 ? 2 : 1, op == 2 ? wd : wd + 1, weights,
					 0, VNPU_CONST_BORROW, &r);
		if (st) {	/* the size must match: retry with the right one */
			vnpu_dtype dt = next(f) & 1 ? VNPU_DTYPE_FP32 : VNPU_DTYPE_BF16;
			uint64_t cnt = op == 2 ? (uint64_t)wd[0] * wd[1] : wd[1];

			st = vnpu_graph_constant(g, "w", dt, op == 2 ? 2 : 1,
						 op == 2 ? wd : wd + 1, weights,
						 vnpu_dtype_bytes(dt, cnt, 1),
						 VNPU_CONST_BORROW, &r);
		}
		break;
	}
	case 4:
		st = vnpu_graph_matmul(g, NULL, pick(f), pick(f), next(f) & 1 ? pick(f) : 0,
				       next(f) % 5, next(f) & 1 ? VNPU_DTYPE_BF16 : VNPU_DTYPE_FP32, &r);
		break;
	case 5: st = vnpu_graph_add(g, NULL, pick(f), pick(f), &r); break;
	case 6: st = vnpu_graph_mul(g, NULL, pick(f), pick(f), &r); break;
	case 7: st = vnpu_graph_scale(g, NULL, pick(f), 0.5f, &r); break;
	case 8: st = vnpu_graph_rmsnorm(g, NULL, pick(f), next(f) & 1 ? pick(f) : 0, 1e-5f, &r); break;
	case 9: st = vnpu_graph_layernorm(g, NULL, pick(f), 0, next(f) & 1 ? pick(f) : 0, 1e-5f, &r); break;
	case 10: st = vnpu_graph_softmax(g, NULL, pick(f), next(f) & 1, next(f) % 4, &r); break;
	case 11: st = vnpu_graph_silu(g, NULL, pick(f), &r); break;
	case 12: st = vnpu_graph_gelu(g, NULL, pick(f), next(f) & 1, &r); break;
	case 13: st = vnpu_graph_swiglu(g, NULL, pick(f), pick(f), &r); break;
	case 14: st = vnpu_graph_rope(g, NULL, pick(f), next(f) % 8, 10000.0f, next(f) & 1, &r); break;
	case 15:
		memset(&ad, 0, sizeof(ad));
		ad.q = pick(f);
		ad.k = pick(f);
		ad.v = pick(f);
		ad.k_cache = pick(f);
		ad.v_cache = pick(f);
		ad.pos0 = next(f) % 4;
		st = vnpu_graph_attention(g, NULL, &ad, &r, &r2, &r3);
		if (!st) {
			keep(f, st, r2);
			keep(f, st, r3);
		}
		break;
	case 16: st = vnpu_graph_gather(g, NULL, pick(f), pick(f), &r); break;
	case 17: st = vnpu_graph_reshape(g, NULL, pick(f), rank, dims, &r); break;
	case 18: st = vnpu_graph_view(g, NULL, pick(f), next(f) % 8, rank, dims, &r); break;
	case 19: st = vnpu_graph_transpose(g, NULL, pick(f), next(f) % 3, next(f) % 3, &r); break;
	case 20: st = vnpu_graph_quantize(g, NULL, pick(f), types[2 + next(f) % 7], 1.0f, &r); break;
	case 21: st = vnpu_graph_dequantize(g, NULL, pick(f), &r); break;
	case 22: st = vnpu_graph_copy(g, NULL, pick(f), &r); break;
	case 23:
		st = vnpu_graph_state(g, NULL, types[next(f) % 9], rank, dims, &r);
		break;
	case 24:
		vnpu_graph_assign(g, NULL, pick(f), pick(f));
		return;
	case 25:
		st = vnpu_graph_hadamard(g, NULL, pick(f), 2u << (next(f) % 7), next(f),
					 next(f) & 1, &r);
		break;
	default:
		vnpu_graph_output(g, pick(f));
		return;
	}
	keep(f, st, r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { .d = data, .n = size };
	vnpu_program *p = NULL, *q = NULL;
	vnpu_compile_options o;
	vnpu_program_info info;
	vnpu_graph *g = NULL;
	void *f1 = NULL, *f2 = NULL, **bufs;
	size_t n1, n2;
	vnpu_status st;
	uint32_t i;

	if (vnpu_graph_create(&g))
		abort();
	vnpu_compile_options_init(&o);
	o.fuse = next(&f) & 1;
	o.keep = next(&f) & 7;
	o.act_quant = next(&f) % 5;
	o.hadamard = next(&f) % 4 ? 0 : 1;
	while (f.n)
		step(&f, g);
	st = vnpu_graph_compile(g, dev, &o, &p);
	if (st && strstr(vnpu_last_error(), "internal error")) {
		static char dump[1 << 16];

		fprintf(stderr, "%s\n", vnpu_last_error());
		vnpu_graph_dump(g, VNPU_DUMP_TEXT, dump, sizeof(dump), NULL);
		fprintf(stderr, "fuse %u keep %u act_quant %u hadamard %u\n%s", o.fuse,
			o.keep, o.act_quant, o.hadamard, dump);
		abort();
	}
	vnpu_graph_destroy(g);
	if (st)
		return 0;
	if (vnpu_program_save_mem(p, &f1, &n1) || vnpu_program_load_mem(f1, n1, &q) ||
	    vnpu_program_save_mem(q, &f2, &n2) || n1 != n2 || memcmp(f1, f2, n1)) {
		fprintf(stderr, "save/load: %s\n", vnpu_last_error());
		abort();
	}
	vnpu_program_info_get(p, &info);
	bufs = calloc(info.inputs + info.outputs + 1, sizeof(*bufs));
	for (i = 0; i < info.inputs + info.outputs; i++) {
		uint64_t bytes;

		vnpu_program_io(p, i >= info.inputs, i >= info.inputs ? i - info.inputs : i,
				NULL, NULL, NULL, &bytes);
		bufs[i] = calloc(1, bytes);
	}
	/* All states in one zeroed buffer, 64-byte aligned slots. */
	{
		uint64_t total = 0, at = 0, bytes;
		vnpu_buffer *sb = NULL;

		for (i = 0; i < info.states; i++) {
			vnpu_program_state(q, i, NULL, NULL, NULL, NULL, &bytes);
			total += (bytes + 63) / 64 * 64;
		}
		if (vnpu_buffer_alloc(dev, total ? total : 1, &sb))
			abort();
		for (i = 0; i < info.states; i++) {
			vnpu_program_state(q, i, NULL, NULL, NULL, NULL, &bytes);
			if (vnpu_program_bind_state(q, i, sb, at))
				abort();
			at += (bytes + 63) / 64 * 64;
		}
		st = vnpu_program_run(stream, q, (const void *const *)bufs,
				      bufs + info.inputs);
		if (st) {
			fprintf(stderr, "run: %s\n", vnpu_last_error());
			abort();
		}
		/* Destroyed before its state buffer goes. */
		vnpu_program_destroy(q);
		q = NULL;
		vnpu_buffer_free(sb);
	}
	for (i = 0; i < info.inputs + info.outputs; i++)
		free(bufs[i]);
	free(bufs);
	free(f1);
	free(f2);
	vnpu_program_destroy(p);
	vnpu_program_destroy(q);
	return 0;
}
