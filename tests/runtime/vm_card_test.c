// SPDX-License-Identifier: GPL-2.0
/*
 * In the VM: libvnpu on the card. Every workload of rt_cases.c gives the
 * same bytes on the card as on the CPU backend, also when two streams
 * (two card contexts) run at once; faults, bad streams and events behave
 * as on the CPU backend.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <drm/vnpu_accel.h>
#include <drm/vnpu_cmd.h>
#include <libkmod.h>
#include <vnpu/vnpu.h>

#include "kselftest_harness.h"
#include "graph_util.h"
#include "rt_cases.h"

/* modprobe vnpu (or rmmod it): 0 or a negative errno. */
static int module_ctl(bool load)
{
	struct kmod_ctx *ctx = kmod_new(NULL, NULL);
	struct kmod_module *mod = NULL;
	int ret = -ENOMEM;

	if (ctx && !kmod_module_new_from_name(ctx, "vnpu", &mod))
		ret = load ? kmod_module_probe_insert_module(mod, 0, "", NULL,
							     NULL, NULL) :
			     kmod_module_remove_module(mod, 0);
	kmod_module_unref(mod);
	kmod_unref(ctx);
	return ret;
}

FIXTURE(card) {
	vnpu_device *card, *cpu;
	vnpu_stream *cs, *ps;
	void *a, *b;
};

FIXTURE_SETUP(card)
{
	ASSERT_EQ(0, module_ctl(true));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_init(NULL));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_device_open("0", NULL, &self->card))
		TH_LOG("%s", vnpu_last_error());
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_device_open("cpu", NULL, &self->cpu));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_stream_create(self->card, NULL, &self->cs));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_stream_create(self->cpu, NULL, &self->ps));
	self->a = malloc(RT_MAX_OUT);
	self->b = malloc(RT_MAX_OUT);
}

FIXTURE_TEARDOWN(card)
{
	vnpu_stream_destroy(self->cs);
	vnpu_stream_destroy(self->ps);
	EXPECT_EQ(VNPU_STATUS_OK, vnpu_device_close(self->card));
	EXPECT_EQ(VNPU_STATUS_OK, vnpu_device_close(self->cpu));
	EXPECT_EQ(VNPU_STATUS_OK, vnpu_shutdown());
	free(self->a);
	free(self->b);
	EXPECT_EQ(0, module_ctl(false));
}

TEST_F(card, opens_with_the_abi_handshake_and_reports_its_params)
{
	vnpu_device_info in;
	vnpu_device_desc d[4];
	size_t n = 0;

	ASSERT_EQ(VNPU_STATUS_OK, vnpu_device_enumerate(d, 4, &n));
	EXPECT_EQ(1, n);
	EXPECT_STREQ("/dev/accel/accel0", d[0].path);
	EXPECT_EQ(1, d[0].accessible);
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_device_info_get(self->card, &in));
	EXPECT_EQ(VNPU_BACKEND_DEVICE, in.backend);
	EXPECT_STREQ("Atlas 350", in.name);
	EXPECT_STREQ("atlas350", in.profile);
	EXPECT_EQ(0x19e5, in.vendor_id);
	EXPECT_EQ(DRM_VNPU_ABI_VERSION, in.abi_version);
	EXPECT_EQ(VNPU_CMD_VERSION, in.cmd_version);
	EXPECT_EQ(0x100000000ull, in.va_base);
	EXPECT_EQ(256, in.max_submit_buffers);
	EXPECT_GT(in.ai_cores, 0);
}

TEST_F(card, every_workload_gives_the_cpu_backends_bits)
{
	size_t i, na, nb;

	for (i = 0; i < rt_ncases; i++) {
		ASSERT_EQ(VNPU_STATUS_OK, rt_case_run(&rt_cases[i], self->card,
						      self->cs, self->a, NULL, &na))
			TH_LOG("%s: %s", rt_cases[i].name, vnpu_last_error());
		ASSERT_EQ(VNPU_STATUS_OK, rt_case_run(&rt_cases[i], self->cpu,
						      self->ps, self->b, NULL, &nb));
		ASSERT_EQ(na, nb);
		EXPECT_EQ(0, memcmp(self->a, self->b, na))
			TH_LOG("%s: card and CPU backend differ", rt_cases[i].name);
	}
}

struct worker {
	vnpu_device *dev;
	vnpu_stream *s;
	size_t first;
	int bad;
	void *out, *want;
};

/* Run every other workload (skipping the big matmul) on its own stream. */
static void *worker_run(void *arg)
{
	struct worker *w = arg;
	size_t i, n, m;

	for (i = w->first; i < rt_ncases; i += 2) {
		if (i == 5)
			continue;
		if (rt_case_run(&rt_cases[i], w->dev, w->s, w->out, NULL, &n) ||
		    rt_case_run(&rt_cases[i], w->dev, w->s, w->want, NULL, &m) ||
		    n != m || memcmp(w->out, w->want, n))
			w->bad++;
	}
	return NULL;
}

TEST_F(card, two_streams_at_once_match_the_cpu_backend)
{
	struct worker w[2];
	pthread_t t[2];
	size_t i, n, m;
	int k;

	for (k = 0; k < 2; k++) {
		w[k] = (struct worker){ .dev = self->card, .first = k,
					.out = malloc(RT_MAX_OUT),
					.want = malloc(RT_MAX_OUT) };
		ASSERT_EQ(VNPU_STATUS_OK, vnpu_stream_create(self->card, NULL, &w[k].s));
	}
	for (k = 0; k < 2; k++)
		ASSERT_EQ(0, pthread_create(&t[k], NULL, worker_run, &w[k]));
	for (k = 0; k < 2; k++)
		pthread_join(t[k], NULL);
	/* Repeat runs on the card agree; now against the CPU backend. */
	EXPECT_EQ(0, w[0].bad);
	EXPECT_EQ(0, w[1].bad);
	for (i = 0; i < rt_ncases; i++) {
		if (i == 5)
			continue;
		ASSERT_EQ(VNPU_STATUS_OK, rt_case_run(&rt_cases[i], self->card,
						      w[i % 2].s, self->a, NULL, &n));
		ASSERT_EQ(VNPU_STATUS_OK, rt_case_run(&rt_cases[i], self->cpu,
						      self->ps, self->b, NULL, &m));
		ASSERT_EQ(n, m);
		EXPECT_EQ(0, memcmp(self->a, self->b, n)) TH_LOG("%s", rt_cases[i].name);
	}
	for (k = 0; k < 2; k++) {
		vnpu_stream_destroy(w[k].s);
		free(w[k].out);
		free(w[k].want);
	}
}

TEST_F(card, a_fault_and_a_bad_stream_are_reported_as_on_the_cpu)
{
	vnpu_device *devs[2] = { self->card, self->cpu };
	vnpu_stream *ss[2] = { self->cs, self->ps };
	int k;

	for (k = 0; k < 2; k++) {
		vnpu_buffer *listed, *unlisted;
		struct {
			struct vnpu_cmd_stream_header h;
			struct vnpu_cmd_copy c;
		} cmd = {
			.h = { .magic = VNPU_CMD_MAGIC, .version = VNPU_CMD_VERSION },
			.c = { .hdr = { .op = VNPU_OP_COPY, .size = sizeof(cmd.c) },
			       .size = 64 },
		};
		vnpu_buffer_use use;
		uint64_t seq = 0;

		ASSERT_EQ(VNPU_STATUS_OK, vnpu_buffer_alloc(devs[k], 4096, &listed));
		ASSERT_EQ(VNPU_STATUS_OK, vnpu_buffer_alloc(devs[k], 4096, &unlisted));
		cmd.c.dst = vnpu_buffer_va(listed);
		cmd.c.src = vnpu_buffer_va(unlisted);
		use = (vnpu_buffer_use){ listed, VNPU_ACCESS_WRITE };
		ASSERT_EQ(VNPU_STATUS_OK, vnpu_stream_submit(ss[k], &cmd, sizeof(cmd),
							     &use, 1, &seq));
		EXPECT_EQ(VNPU_STATUS_DEVICE_FAULT, vnpu_stream_sync(ss[k]));
		EXPECT_NE(NULL, strstr(vnpu_last_error(), "packet offset 0x8"))
			TH_LOG("%s", vnpu_last_error());
		EXPECT_EQ(VNPU_STATUS_OK, vnpu_stream_sync(ss[k]));
		cmd.c.src = cmd.c.dst + 16;	/* overlapping: refused */
		EXPECT_EQ(VNPU_STATUS_INVALID_STREAM,
			  vnpu_stream_submit(ss[k], &cmd, sizeof(cmd), &use, 1, NULL));
		EXPECT_NE(NULL, strstr(vnpu_last_error(), "offset 0x8 (COPY)"));
		vnpu_buffer_free(listed);
		vnpu_buffer_free(unlisted);
	}
}

TEST_F(card, events_give_card_timestamps_and_order_streams)
{
	vnpu_event *e0, *e1;
	vnpu_stream *s2;
	vnpu_buffer *big, *small;
	vnpu_cmdbuf *cb;
	uint64_t el = 0;
	uint32_t got[16];
	int i;

	ASSERT_EQ(VNPU_STATUS_OK, vnpu_event_create(self->card, &e0));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_event_create(self->card, &e1));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_stream_create(self->card, NULL, &s2));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_buffer_alloc(self->card, 4 << 20, &big));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_buffer_alloc(self->card, 4096, &small));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_cmdbuf_create(self->card, &cb));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_event_record(e0, self->cs));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_cmdbuf_fill(cb, big, 0, 4 << 20, 9));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_stream_submit_cmdbuf(self->cs, cb, NULL));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_event_record(e1, self->cs));
	/* s2 reads the fill's end only after e1 (no shared write access). */
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_stream_wait_event(s2, e1));
	vnpu_cmdbuf_reset(cb);
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_cmdbuf_copy(cb, small, 0, big, (4 << 20) - 64, 64));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_stream_submit_cmdbuf(s2, cb, NULL));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_stream_sync(s2));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_buffer_read(small, 0, got, 64));
	for (i = 0; i < 16; i++)
		EXPECT_EQ(9, got[i]);
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_event_wait(e1, 10000000000ull));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_event_elapsed(e0, e1, &el));
	EXPECT_GT(el, 0);
	vnpu_cmdbuf_destroy(cb);
	vnpu_buffer_free(big);
	vnpu_buffer_free(small);
	vnpu_stream_destroy(s2);
	vnpu_event_destroy(e0);
	vnpu_event_destroy(e1);
}

/*
 * A compiled program (a transformer block: gather, norms, MXFP4 and BF16
 * matmuls, rope, GQA attention with a KV cache, SwiGLU, residuals) gives
 * the same bits on the card as on the CPU backend, also after a save and
 * load, on the card twice in a row, and at a position offset.
 */
TEST_F(card, a_compiled_program_gives_the_cpu_backends_bits)
{
	static struct gu_block_io cpu, dev, dev2;
	vnpu_program *p = NULL, *q = NULL;
	vnpu_graph *g = NULL;
	size_t n;
	void *f;

	ASSERT_EQ(VNPU_STATUS_OK, vnpu_graph_create(&g));
	ASSERT_EQ(VNPU_STATUS_OK, gu_build_block(g));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_graph_compile(g, self->card, NULL, &p));
	vnpu_graph_destroy(g);
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_program_save_mem(p, &f, &n));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_program_load_mem(f, n, &q));
	free(f);
	gu_block_inputs(&cpu);
	gu_block_inputs(&dev);
	gu_block_inputs(&dev2);
	ASSERT_EQ(VNPU_STATUS_OK, gu_block_run(self->ps, p, &cpu));
	ASSERT_EQ(VNPU_STATUS_OK, gu_block_run(self->cs, q, &dev))
		TH_LOG("%s", vnpu_last_error());
	ASSERT_EQ(VNPU_STATUS_OK, gu_block_run(self->cs, q, &dev2));
	EXPECT_EQ(0, memcmp(&cpu, &dev, sizeof(cpu)));
	EXPECT_EQ(0, memcmp(&dev, &dev2, sizeof(dev)));
	/* At a position offset (patched packets) too. */
	{
		const void *in[3] = { cpu.tokens, cpu.kc, cpu.vc };
		void *oc[3] = { cpu.logits, cpu.kc_out, cpu.vc_out };
		void *od[3] = { dev.logits, dev.kc_out, dev.vc_out };

		ASSERT_EQ(VNPU_STATUS_OK, vnpu_program_run_at(self->ps, p, 2, in, oc));
		ASSERT_EQ(VNPU_STATUS_OK, vnpu_program_run_at(self->cs, q, 2, in, od));
		EXPECT_EQ(0, memcmp(&cpu, &dev, sizeof(cpu)));
		EXPECT_NE(0, memcmp(&dev, &dev2, sizeof(dev)));
	}
	vnpu_program_destroy(p);
	vnpu_program_destroy(q);
}

/*
 * The block compiled with Hadamard rotation (HADAMARD packets before the
 * rotated matmuls) gives the CPU backend's bits on the card.
 */
TEST_F(card, a_rotated_program_gives_the_cpu_backends_bits)
{
	static struct gu_block_io cpu, dev;
	vnpu_program *p = NULL, *q = NULL;
	vnpu_compile_options o;
	vnpu_graph *g = NULL;
	size_t n;
	void *f;

	vnpu_compile_options_init(&o);
	o.hadamard = 1;
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_graph_create(&g));
	ASSERT_EQ(VNPU_STATUS_OK, gu_build_block(g));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_graph_compile(g, self->card, &o, &p));
	vnpu_graph_destroy(g);
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_program_save_mem(p, &f, &n));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_program_load_mem(f, n, &q));
	free(f);
	gu_block_inputs(&cpu);
	gu_block_inputs(&dev);
	ASSERT_EQ(VNPU_STATUS_OK, gu_block_run(self->ps, p, &cpu));
	ASSERT_EQ(VNPU_STATUS_OK, gu_block_run(self->cs, q, &dev))
		TH_LOG("%s", vnpu_last_error());
	EXPECT_EQ(0, memcmp(&cpu, &dev, sizeof(cpu)));
	vnpu_program_destroy(p);
	vnpu_program_destroy(q);
}

/* The block with S tokens at position 0, caches as states. */
static vnpu_status state_block(vnpu_device *dev, uint32_t s, vnpu_program **p)
{
	vnpu_graph *g;
	vnpu_status st;

	st = vnpu_graph_create(&g);
	if (!st)
		st = gu_build_block_ex(g, s, 0, 1);
	if (!st)
		st = vnpu_graph_compile(g, dev, NULL, p);
	vnpu_graph_destroy(g);
	return st;
}

#define ST_CACHE (GU_C * GU_KVH * GU_D * 4)
#define ST_V_AT ((ST_CACHE + 63) / 64 * 64)

/*
 * A prefill program and a decode program bound to the same KV-cache
 * buffer (a card BO; host memory on the CPU backend) over several decode
 * steps at position offsets: the logits of every step and the caches left
 * in the buffer are the same bits on the card as on the CPU backend.
 */
TEST_F(card, state_caches_stay_on_the_card_with_the_cpu_backends_bits)
{
	static float init_k[GU_C * GU_KVH * GU_D], init_v[GU_C * GU_KVH * GU_D];
	static uint8_t cache_c[ST_V_AT + ST_CACHE], cache_d[ST_V_AT + ST_CACHE];
	vnpu_program *pre[2] = { NULL, NULL }, *dec[2] = { NULL, NULL };
	vnpu_device *devs[2] = { self->cpu, self->card };
	vnpu_stream *ss[2] = { self->ps, self->cs };
	vnpu_buffer *buf[2] = { NULL, NULL };
	float logits[2][GU_S * GU_V];
	int32_t tok[GU_S] = { 3, 10, 5 }, t1;
	uint32_t i, k, step;

	gu_fill(init_k, GU_C * GU_KVH * GU_D, 31);
	gu_fill(init_v, GU_C * GU_KVH * GU_D, 32);
	for (k = 0; k < 2; k++) {
		ASSERT_EQ(VNPU_STATUS_OK, state_block(devs[k], GU_S, &pre[k]));
		ASSERT_EQ(VNPU_STATUS_OK, state_block(devs[k], 1, &dec[k]));
		ASSERT_EQ(VNPU_STATUS_OK, vnpu_buffer_alloc(devs[k], ST_V_AT + ST_CACHE, &buf[k]));
		ASSERT_EQ(VNPU_STATUS_OK, vnpu_buffer_write(buf[k], 0, init_k, ST_CACHE));
		ASSERT_EQ(VNPU_STATUS_OK, vnpu_buffer_write(buf[k], ST_V_AT, init_v, ST_CACHE));
		for (i = 0; i < 2; i++) {
			ASSERT_EQ(VNPU_STATUS_OK,
				  vnpu_program_bind_state(pre[k], i, buf[k], i ? ST_V_AT : 0));
			ASSERT_EQ(VNPU_STATUS_OK,
				  vnpu_program_bind_state(dec[k], i, buf[k], i ? ST_V_AT : 0));
		}
	}
	for (k = 0; k < 2; k++) {
		const void *in[1] = { tok };
		void *out[1] = { logits[k] };

		ASSERT_EQ(VNPU_STATUS_OK, vnpu_program_run(ss[k], pre[k], in, out))
			TH_LOG("%s", vnpu_last_error());
	}
	EXPECT_EQ(0, memcmp(logits[0], logits[1], sizeof(logits[0])));
	for (step = 0; step < 4; step++) {
		t1 = (int32_t)((step * 5 + 1) % GU_V);
		for (k = 0; k < 2; k++) {
			const void *in[1] = { &t1 };
			void *out[1] = { logits[k] };

			ASSERT_EQ(VNPU_STATUS_OK,
				  vnpu_program_run_at(ss[k], dec[k], GU_S + step, in, out))
				TH_LOG("%s", vnpu_last_error());
		}
		EXPECT_EQ(0, memcmp(logits[0], logits[1], GU_V * 4)) TH_LOG("step %u", step);
	}
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_buffer_read(buf[0], 0, cache_c, sizeof(cache_c)));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_buffer_read(buf[1], 0, cache_d, sizeof(cache_d)));
	EXPECT_EQ(0, memcmp(cache_c, cache_d, sizeof(cache_c)));
	/* The steps did write the caches: row GU_S + 3 changed. */
	EXPECT_NE(0, memcmp(cache_d + (GU_S + 3) * GU_KVH * GU_D * 4,
			    init_k + (GU_S + 3) * GU_KVH * GU_D, GU_KVH * GU_D * 4));
	for (k = 0; k < 2; k++) {
		vnpu_program_destroy(pre[k]);
		vnpu_program_destroy(dec[k]);
		vnpu_buffer_free(buf[k]);
	}
}

/* ------------------------------------------------ processes and streams */

#define CC_PROCS 3
#define CC_THREADS 2
#define CC_RUNS 3

/* One thread of a child: its own program and card stream, CC_RUNS runs. */
struct cc_thread {
	vnpu_device *card;
	const void *file;
	size_t file_size;
	unsigned int proc, idx;
	struct gu_block_io io[CC_RUNS];
	vnpu_status st;
	char err[256];
};

/* The inputs of run R of thread T of process P: distinct everywhere. */
static void cc_inputs(struct gu_block_io *io, unsigned int p, unsigned int t,
		      unsigned int r)
{
	int i;

	gu_block_inputs(io);
	for (i = 0; i < GU_S; i++)
		io->tokens[i] = (int32_t)((p * 7 + t * 5 + r * 3 + i * 11) % GU_V);
	gu_fill(io->kc, GU_C * GU_KVH * GU_D, 100 + p * 10 + t);
	gu_fill(io->vc, GU_C * GU_KVH * GU_D, 200 + p * 10 + r);
}

/* Run the block (at position offset R) with IO's inputs into IO. */
static vnpu_status cc_run(vnpu_stream *s, vnpu_program *p, struct gu_block_io *io,
			  unsigned int r)
{
	const void *in[3] = { io->tokens, io->kc, io->vc };
	void *out[3] = { io->logits, io->kc_out, io->vc_out };

	return vnpu_program_run_at(s, p, r, in, out);
}

static void *cc_thread_main(void *arg)
{
	struct cc_thread *t = arg;
	vnpu_program *p = NULL;
	vnpu_stream *s = NULL;
	unsigned int r;

	t->st = vnpu_program_load_mem(t->file, t->file_size, &p);
	if (!t->st)
		t->st = vnpu_stream_create(t->card, NULL, &s);
	for (r = 0; r < CC_RUNS && !t->st; r++) {
		cc_inputs(&t->io[r], t->proc, t->idx, r);
		t->st = cc_run(s, p, &t->io[r], r);
	}
	if (t->st)
		snprintf(t->err, sizeof(t->err), "%s", vnpu_last_error());
	vnpu_stream_destroy(s);
	vnpu_program_destroy(p);
	return NULL;
}

/*
 * A child process: CC_THREADS threads each run the compiled block on
 * their own card stream at once; then the CPU backend runs the same
 * inputs and every output must be the same bits. 0, or which step
 * failed (as the exit status).
 */
static int cc_child(unsigned int proc, int ready, int go)
{
	char byte = 1;
	static struct cc_thread th[CC_THREADS];
	static struct gu_block_io ref;
	pthread_t tid[CC_THREADS];
	vnpu_device *card = NULL, *cpu = NULL;
	vnpu_program *p = NULL, *c = NULL;
	vnpu_stream *cs = NULL;
	vnpu_graph *g = NULL;
	unsigned int i, r;
	int ret = 0;
	size_t n;
	void *f;

	if (vnpu_init(NULL) || vnpu_device_open("0", NULL, &card) ||
	    vnpu_device_open("cpu", NULL, &cpu) || vnpu_stream_create(cpu, NULL, &cs) ||
	    vnpu_graph_create(&g) || gu_build_block(g) ||
	    vnpu_graph_compile(g, card, NULL, &p) || vnpu_program_save_mem(p, &f, &n) ||
	    vnpu_program_load_mem(f, n, &c)) {
		fprintf(stderr, "# process %u: setup: %s\n", proc, vnpu_last_error());
		close(ready);
		return 10;
	}
	/* Every process compiled: start the card runs together. (Closing
	 * READY lets the parent see EOF if a process died before.) */
	if (write(ready, &byte, 1) != 1 || close(ready) || read(go, &byte, 1) != 0)
		return 15;
	for (i = 0; i < CC_THREADS; i++) {
		th[i] = (struct cc_thread){ .card = card, .file = f, .file_size = n,
					    .proc = proc, .idx = i };
		if (pthread_create(&tid[i], NULL, cc_thread_main, &th[i]))
			return 11;
	}
	for (i = 0; i < CC_THREADS; i++)
		pthread_join(tid[i], NULL);
	for (i = 0; i < CC_THREADS && !ret; i++) {
		if (th[i].st) {
			fprintf(stderr, "# process %u thread %u: %s\n", proc, i, th[i].err);
			ret = 12;
		}
		for (r = 0; r < CC_RUNS && !ret; r++) {
			cc_inputs(&ref, proc, i, r);
			if (cc_run(cs, c, &ref, r)) {
				ret = 13;
			} else if (memcmp(&ref, &th[i].io[r], sizeof(ref))) {
				fprintf(stderr, "# process %u thread %u run %u differs from the CPU backend\n",
					proc, i, r);
				ret = 14;
			}
		}
	}
	free(f);
	vnpu_program_destroy(p);
	vnpu_program_destroy(c);
	vnpu_graph_destroy(g);
	vnpu_stream_destroy(cs);
	vnpu_device_close(card);
	vnpu_device_close(cpu);
	vnpu_shutdown();
	return ret;
}

/*
 * CC_PROCS processes, each with CC_THREADS card streams running a
 * compiled program at once (different inputs and position offsets, so
 * six card contexts interleave their jobs on the two AI cores): every
 * output equals the CPU backend's bits.
 */
TEST(processes_and_streams_at_once_give_the_cpu_backends_bits)
{
	pid_t pid[CC_PROCS];
	int status, ready[2], go[2];
	unsigned int i;
	char byte;

	ASSERT_EQ(0, module_ctl(true));
	ASSERT_EQ(0, pipe(ready));
	ASSERT_EQ(0, pipe(go));
	for (i = 0; i < CC_PROCS; i++) {
		pid[i] = fork();
		ASSERT_LE(0, pid[i]);
		if (!pid[i]) {
			close(ready[0]);
			close(go[1]);
			_exit(cc_child(i, ready[1], go[0]));
		}
	}
	close(ready[1]);
	close(go[0]);
	/* Release the children once all are ready (or gone). */
	for (i = 0; i < CC_PROCS; i++)
		if (read(ready[0], &byte, 1) != 1)
			break;
	close(go[1]);
	close(ready[0]);
	for (i = 0; i < CC_PROCS; i++) {
		ASSERT_EQ(pid[i], waitpid(pid[i], &status, 0));
		EXPECT_TRUE(WIFEXITED(status));
		EXPECT_EQ(0, WEXITSTATUS(status)) TH_LOG("process %u", i);
	}
	EXPECT_EQ(0, module_ctl(false));
}

TEST_HARNESS_MAIN
