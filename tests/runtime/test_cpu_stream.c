// SPDX-License-Identifier: GPL-2.0
/*
 * The CPU backend's streams: VNPU_DEBUG=profile prints, when a stream is
 * destroyed, per packet opcode the count and time of the packets it ran
 * (format in docs/runtime.md, "Profiling"), and nothing when it is off;
 * VNPU_PROFILE_SKIP=N leaves a stream's first N jobs uncounted.
 * A job whose submitter waits for it (vnpu_program_run()) runs on the
 * submitting thread when the stream is idle, else behind the queued jobs,
 * with the same results and failure reports either way, and a job queued
 * or a wait begun on another thread meanwhile is still served.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <drm/vnpu_cmd.h>
#include <vnpu/vnpu.h>

#include "kselftest_harness.h"
#include "vnpu_internal.h"

#define HDR(op_, p) { .op = (op_), .size = sizeof(p) }

/* Two FILLs and a COPY in one job. */
struct job {
	struct vnpu_cmd_stream_header h;
	struct vnpu_cmd_fill f1, f2;
	struct vnpu_cmd_copy c;
};

static void make_job(struct job *j, uint64_t va)
{
	*j = (struct job){
		.h = { .magic = VNPU_CMD_MAGIC, .version = VNPU_CMD_VERSION },
		.f1 = { .hdr = HDR(VNPU_OP_FILL, j->f1), .dst = va, .size = 1024,
			.value = 0x3f800000 },
		.f2 = { .hdr = HDR(VNPU_OP_FILL, j->f2), .dst = va + 1024,
			.size = 1024, .value = 7 },
		.c = { .hdr = HDR(VNPU_OP_COPY, j->c), .dst = va + 2048,
		       .src = va, .size = 2048 },
	};
}

/* One FILL of SIZE bytes at DST in a job of its own. */
struct fill_job {
	struct vnpu_cmd_stream_header h;
	struct vnpu_cmd_fill f;
};

static void make_fill(struct fill_job *j, uint64_t dst, uint64_t size)
{
	*j = (struct fill_job){
		.h = { .magic = VNPU_CMD_MAGIC, .version = VNPU_CMD_VERSION },
		.f = { .hdr = HDR(VNPU_OP_FILL, j->f), .dst = dst, .size = size },
	};
}

/* A CPU device of two threads and a stream on it. */
static void open_two_threads(struct __test_metadata *_metadata, vnpu_device **dev,
			     vnpu_stream **s)
{
	vnpu_device_options o;

	vnpu_device_options_init(&o);
	o.cpu_threads = 2;
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_device_open("cpu", &o, dev));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_stream_create(*dev, NULL, s));
}

/*
 * Run JOBS jobs on a fresh stream of a CPU device (THREADS threads) and
 * return what destroying the stream wrote to stderr (malloc'ed).
 */
static char *run_and_capture(struct __test_metadata *_metadata, uint32_t threads,
			     int jobs)
{
	vnpu_device_options o;
	vnpu_device *dev;
	vnpu_stream *s;
	vnpu_buffer *b;
	vnpu_buffer_use use;
	struct job j;
	FILE *tmp = tmpfile();
	char *text = calloc(1, 8192);
	int saved;

	ASSERT_NE(NULL, tmp);
	vnpu_device_options_init(&o);
	o.cpu_threads = threads;
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_device_open("cpu", &o, &dev));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_stream_create(dev, NULL, &s));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_buffer_alloc(dev, 4096, &b));
	make_job(&j, vnpu_buffer_va(b));
	use = (vnpu_buffer_use){ b, VNPU_ACCESS_READ | VNPU_ACCESS_WRITE };
	for (int i = 0; i < jobs; i++)
		ASSERT_EQ(VNPU_STATUS_OK, vnpu_stream_submit(s, &j, sizeof(j), &use,
							     1, NULL));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_stream_sync(s));
	fflush(stderr);
	saved = dup(2);
	ASSERT_EQ(2, dup2(fileno(tmp), 2));
	vnpu_stream_destroy(s);
	fflush(stderr);
	ASSERT_EQ(2, dup2(saved, 2));
	close(saved);
	rewind(tmp);
	fread(text, 1, 8191, tmp);
	fclose(tmp);
	vnpu_buffer_free(b);
	EXPECT_EQ(VNPU_STATUS_OK, vnpu_device_close(dev));
	return text;
}

static void init_debug(struct __test_metadata *_metadata, const char *debug)
{
	vnpu_init_options io;

	if (debug) {
		ASSERT_EQ(0, setenv("VNPU_DEBUG", debug, 1));
	} else {
		unsetenv("VNPU_DEBUG");
	}
	vnpu_init_options_init(&io);
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_init(&io));
}

TEST(profile_prints_count_and_time_per_opcode_on_destroy)
{
	static const int jobs = 3;

	init_debug(_metadata, "sync,profile");
	for (uint32_t threads = 1; threads <= 3; threads += 2) {
		char *text = run_and_capture(_metadata, threads, jobs);
		char *line = text, name[32];
		unsigned long long n, count;
		double in_jobs, in_packets, between, total, mean, share;
		double sum = 0;
		int lines = 0, fills = 0, copies = 0;

		ASSERT_EQ(5, sscanf(line, "vnpu profile: %llu jobs (%llu run by the caller), %lf ms in jobs, %lf ms in packets, %lf ms between jobs%n",
				    &n, &count, &in_jobs, &in_packets, &between, &lines));
		EXPECT_EQ('\n', line[lines]);
		EXPECT_EQ(jobs, n);
		EXPECT_EQ(0, count);	/* vnpu_stream_submit() queues */
		EXPECT_LE(in_packets, in_jobs);
		EXPECT_LE(0.0, between);
		line = strchr(line, '\n') + 1;
		EXPECT_EQ(0, strncmp(line, "vnpu profile: packet            count     total ms    mean us  % jobs\n",
				     strlen("vnpu profile: packet            count     total ms    mean us  % jobs\n")));
		line = strchr(line, '\n') + 1;
		lines = 0;
		while (*line) {
			ASSERT_EQ(5, sscanf(line, "vnpu profile: %31s %llu %lf %lf %lf",
					    name, &count, &total, &mean, &share))
				TH_LOG("line: %s", line);
			if (!strcmp(name, "FILL")) {
				fills++;
				EXPECT_EQ(2 * jobs, count);
			} else if (!strcmp(name, "COPY")) {
				copies++;
				EXPECT_EQ(jobs, count);
			} else {
				EXPECT_STREQ("FILL or COPY", name);
			}
			/* printed to 3 decimals: mean = total / count */
			EXPECT_GE(0.001 + 1e-6 * count, mean * count / 1e3 - total);
			EXPECT_GE(0.001 + 1e-6 * count, total - mean * count / 1e3);
			EXPECT_LE(0.0, share);
			EXPECT_GE(100.0, share);
			sum += total;
			lines++;
			line = strchr(line, '\n') + 1;
		}
		EXPECT_EQ(2, lines);
		EXPECT_EQ(1, fills);
		EXPECT_EQ(1, copies);
		/* the slots add up to the packets' time */
		EXPECT_GE(0.002, sum - in_packets);
		EXPECT_GE(0.002, in_packets - sum);
		free(text);
	}
	EXPECT_EQ(VNPU_STATUS_OK, vnpu_shutdown());
	unsetenv("VNPU_DEBUG");
}

/* VNPU_PROFILE_SKIP=N: the first N jobs run uncounted, and the summary says so. */
TEST(profile_skip_leaves_the_first_jobs_uncounted)
{
	unsigned long long n, caller, fills;
	double in_jobs, in_packets, between;
	vnpu_device *dev;
	vnpu_stream *s;
	char *text, *line;
	int end = 0;

	init_debug(_metadata, "sync,profile");
	ASSERT_EQ(0, setenv("VNPU_PROFILE_SKIP", "2", 1));
	text = run_and_capture(_metadata, 2, 3);
	ASSERT_EQ(5, sscanf(text, "vnpu profile: %llu jobs (%llu run by the caller), %lf ms in jobs, %lf ms in packets, %lf ms between jobs%n",
			    &n, &caller, &in_jobs, &in_packets, &between, &end));
	EXPECT_EQ(1, n);
	EXPECT_EQ(0, strncmp(text + end, " (the first 2 jobs not counted)\n",
			     strlen(" (the first 2 jobs not counted)\n")));
	/* one job's two FILLs */
	line = strstr(text, "vnpu profile: FILL");
	ASSERT_NE(NULL, line);
	ASSERT_EQ(1, sscanf(line, "vnpu profile: FILL %llu", &fills));
	EXPECT_EQ(2, fills);
	free(text);
	/* a value that is not a number fails the stream's creation */
	ASSERT_EQ(0, setenv("VNPU_PROFILE_SKIP", "2x", 1));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_device_open("cpu", NULL, &dev));
	EXPECT_EQ(VNPU_STATUS_INVALID_ARGUMENT, vnpu_stream_create(dev, NULL, &s));
	EXPECT_NE(NULL, strstr(vnpu_last_error(), "VNPU_PROFILE_SKIP='2x'"));
	EXPECT_EQ(VNPU_STATUS_OK, vnpu_device_close(dev));
	unsetenv("VNPU_PROFILE_SKIP");
	EXPECT_EQ(VNPU_STATUS_OK, vnpu_shutdown());
	unsetenv("VNPU_DEBUG");
}

TEST(without_profile_destroying_a_stream_prints_nothing)
{
	char *text;

	init_debug(_metadata, NULL);
	text = run_and_capture(_metadata, 2, 2);
	EXPECT_STREQ("", text);
	free(text);
	EXPECT_EQ(VNPU_STATUS_OK, vnpu_shutdown());
}

/* Submit CMD with B read-write and wait for it, the way vnpu_program_run() does. */
static vnpu_status run_now(vnpu_stream *s, const void *cmd, size_t size, vnpu_buffer *b)
{
	struct vnpu_rt_use use = { b, VNPU_ACCESS_READ | VNPU_ACCESS_WRITE };

	return vnpu_rt_submit(s, cmd, size, &use, 1, true, NULL);
}

struct copier {
	vnpu_stream *s;
	vnpu_buffer *b;
	uint32_t slot;	/* its 1 KiB: filled, then copied 1 KiB further */
	int bad;
};

static void *copier_thread(void *arg)
{
	struct copier *c = arg;
	uint64_t va = vnpu_buffer_va(c->b) + c->slot * 2048;
	uint32_t got[256];

	for (uint32_t i = 0; i < 200; i++) {
		struct job j;

		make_job(&j, va);
		j.f1.size = 1024;
		j.f1.value = c->slot << 16 | i;
		j.f2.hdr.op = VNPU_OP_NOP;
		j.c.dst = va + 1024;
		j.c.size = 1024;
		if (run_now(c->s, &j, sizeof(j), c->b) ||
		    vnpu_buffer_read(c->b, c->slot * 2048 + 1024, got, sizeof(got)) ||
		    got[0] != j.f1.value || got[255] != j.f1.value)
			c->bad++;
	}
	return NULL;
}

TEST(a_waited_job_runs_on_the_caller_when_idle_else_behind_the_queue)
{
	const size_t big = 16u << 20;
	vnpu_device *dev;
	vnpu_stream *s;
	vnpu_buffer *b, *big_buf;
	struct copier cp[3];
	pthread_t th[3];
	uint64_t sub, done;
	uint32_t got;
	struct job j;
	struct fill_job fill;
	struct {
		struct vnpu_cmd_stream_header h;
		struct vnpu_cmd_copy c;
	} copy = {
		.h = { .magic = VNPU_CMD_MAGIC, .version = VNPU_CMD_VERSION },
		.c = { .hdr = HDR(VNPU_OP_COPY, copy.c), .size = 4 },
	};

	init_debug(_metadata, NULL);
	open_two_threads(_metadata, &dev, &s);
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_buffer_alloc(dev, 8192, &b));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_buffer_alloc(dev, big, &big_buf));

	/* idle: the results are there when the call returns */
	make_job(&j, vnpu_buffer_va(b));
	ASSERT_EQ(VNPU_STATUS_OK, run_now(s, &j, sizeof(j), b));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_buffer_read(b, 2048 + 1024, &got, 4));
	EXPECT_EQ(7, got);
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_stream_progress(s, &sub, &done));
	EXPECT_EQ(1, sub);
	EXPECT_EQ(1, done);

	/* behind a queued job: it reads what the queued job wrote */
	make_fill(&fill, vnpu_buffer_va(big_buf), big);
	copy.c.dst = vnpu_buffer_va(b);
	copy.c.src = vnpu_buffer_va(big_buf) + big - 4;
	for (uint32_t i = 1; i <= 20; i++) {
		vnpu_buffer_use use = { big_buf, VNPU_ACCESS_WRITE };
		struct vnpu_rt_use uses[2] = {
			{ b, VNPU_ACCESS_WRITE }, { big_buf, VNPU_ACCESS_READ },
		};

		fill.f.value = i;
		ASSERT_EQ(VNPU_STATUS_OK, vnpu_stream_submit(s, &fill, sizeof(fill),
							     &use, 1, NULL));
		ASSERT_EQ(VNPU_STATUS_OK, vnpu_rt_submit(s, &copy, sizeof(copy), uses,
							 2, true, NULL));
		ASSERT_EQ(VNPU_STATUS_OK, vnpu_buffer_read(b, 0, &got, 4));
		ASSERT_EQ(i, got);
	}
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_stream_progress(s, &sub, &done));
	EXPECT_EQ(41, sub);
	EXPECT_EQ(41, done);

	/* three threads running on one stream at once: each sees its own job */
	for (uint32_t t = 0; t < 3; t++) {
		cp[t] = (struct copier){ .s = s, .b = b, .slot = t + 1 };
		ASSERT_EQ(0, pthread_create(&th[t], NULL, copier_thread, &cp[t]));
	}
	for (uint32_t t = 0; t < 3; t++) {
		pthread_join(th[t], NULL);
		EXPECT_EQ(0, cp[t].bad);
	}
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_stream_progress(s, &sub, &done));
	EXPECT_EQ(641, sub);
	EXPECT_EQ(641, done);

	vnpu_buffer_free(big_buf);
	vnpu_buffer_free(b);
	vnpu_stream_destroy(s);
	EXPECT_EQ(VNPU_STATUS_OK, vnpu_device_close(dev));
	EXPECT_EQ(VNPU_STATUS_OK, vnpu_shutdown());
}

/* A thread that acts on a stream while another thread runs a job on it. */
struct bystander {
	vnpu_stream *s;
	vnpu_buffer *b;
	bool wait;		/* vnpu_stream_wait() instead of a submit */
	bool caller_done;	/* set once the caller's job has returned */
	bool acted_during;	/* it saw the caller's job in flight */
	vnpu_status st;
};

static void *bystander_thread(void *arg)
{
	struct bystander *d = arg;
	uint64_t sub = 0, done = 0;

	/* until the caller's job runs (or it has already finished) */
	while (!__atomic_load_n(&d->caller_done, __ATOMIC_ACQUIRE)) {
		vnpu_stream_progress(d->s, &sub, &done);
		if (sub > done) {
			d->acted_during = true;
			break;
		}
	}
	if (d->wait) {
		d->st = vnpu_stream_wait(d->s, 20ull * 1000 * 1000 * 1000);
	} else {
		vnpu_buffer_use use = { d->b, VNPU_ACCESS_WRITE };
		struct job j;

		make_job(&j, vnpu_buffer_va(d->b));
		d->st = vnpu_stream_submit(d->s, &j, sizeof(j), &use, 1, NULL);
	}
	return NULL;
}

/*
 * The caller's job ends without waking the idle queue thread, unless a
 * job was queued meanwhile or a thread waits: both are still served (a
 * queued job runs before the caller's wait returns; a waiter returns).
 */
TEST(a_job_queued_or_a_wait_begun_while_the_caller_runs_is_served)
{
	const size_t big = 64u << 20;
	vnpu_device *dev;
	vnpu_stream *s;
	vnpu_buffer *b, *big_buf;
	int during[2] = { 0, 0 };
	struct fill_job fill;

	init_debug(_metadata, NULL);
	open_two_threads(_metadata, &dev, &s);
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_buffer_alloc(dev, 4096, &b));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_buffer_alloc(dev, big, &big_buf));
	make_fill(&fill, vnpu_buffer_va(big_buf), big);
	for (int round = 0; round < 8; round++) {
		struct bystander d = { .s = s, .b = b, .wait = round % 2 };
		uint32_t got = 0;
		pthread_t th;

		ASSERT_EQ(VNPU_STATUS_OK, vnpu_buffer_write(b, 2048 + 1024, &got, 4));
		ASSERT_EQ(0, pthread_create(&th, NULL, bystander_thread, &d));
		fill.f.value = (uint32_t)round;
		ASSERT_EQ(VNPU_STATUS_OK, run_now(s, &fill, sizeof(fill), big_buf));
		__atomic_store_n(&d.caller_done, true, __ATOMIC_RELEASE);
		pthread_join(th, NULL);
		EXPECT_EQ(VNPU_STATUS_OK, d.st);
		during[d.wait] += d.acted_during;
		ASSERT_EQ(VNPU_STATUS_OK, vnpu_stream_sync(s));
		ASSERT_EQ(VNPU_STATUS_OK, vnpu_buffer_read(b, 2048 + 1024, &got, 4));
		EXPECT_EQ(d.wait ? 0u : 7u, got);
	}
	/* a run where neither acted during the job tested nothing: say so */
	TH_LOG("acted while the caller's job ran: %d of 4 submits, %d of 4 waits",
	       during[0], during[1]);
	EXPECT_LT(0, during[0]);
	EXPECT_LT(0, during[1]);
	vnpu_buffer_free(big_buf);
	vnpu_buffer_free(b);
	vnpu_stream_destroy(s);
	EXPECT_EQ(VNPU_STATUS_OK, vnpu_device_close(dev));
	EXPECT_EQ(VNPU_STATUS_OK, vnpu_shutdown());
}

TEST(a_waited_job_reports_its_fault_or_an_earlier_one_once)
{
	static const char own[] = "job 1 failed: device fault at packet offset 0x8 (FILL): writes";
	static const char earlier[] = "job 2 failed: device fault at packet offset 0x8 (FILL): writes";
	struct vnpu_rt_use ro = { NULL, VNPU_ACCESS_READ };
	vnpu_buffer_use ro_use;
	vnpu_device *dev;
	vnpu_stream *s;
	vnpu_buffer *b;
	struct job j;

	init_debug(_metadata, NULL);
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_device_open("cpu", NULL, &dev));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_stream_create(dev, NULL, &s));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_buffer_alloc(dev, 4096, &b));
	make_job(&j, vnpu_buffer_va(b));
	/* its own fault: a write to a buffer listed read-only */
	ro.buf = b;
	EXPECT_EQ(VNPU_STATUS_DEVICE_FAULT, vnpu_rt_submit(s, &j, sizeof(j), &ro, 1,
							   true, NULL));
	EXPECT_EQ(0, strncmp(vnpu_last_error(), own, strlen(own)))
		TH_LOG("%s", vnpu_last_error());
	EXPECT_EQ(VNPU_STATUS_OK, vnpu_stream_sync(s));	/* reported once */
	/* an earlier queued job's fault is what the next waited job reports */
	ro_use = (vnpu_buffer_use){ b, VNPU_ACCESS_READ };
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_stream_submit(s, &j, sizeof(j), &ro_use, 1, NULL));
	EXPECT_EQ(VNPU_STATUS_DEVICE_FAULT, run_now(s, &j, sizeof(j), b));
	EXPECT_EQ(0, strncmp(vnpu_last_error(), earlier, strlen(earlier)))
		TH_LOG("%s", vnpu_last_error());
	EXPECT_EQ(VNPU_STATUS_OK, vnpu_stream_sync(s));
	EXPECT_EQ(VNPU_STATUS_OK, run_now(s, &j, sizeof(j), b));
	vnpu_buffer_free(b);
	vnpu_stream_destroy(s);
	EXPECT_EQ(VNPU_STATUS_OK, vnpu_device_close(dev));
	EXPECT_EQ(VNPU_STATUS_OK, vnpu_shutdown());
}

TEST_HARNESS_MAIN
