// SPDX-License-Identifier: GPL-2.0
/*
 * The CPU backend's streams: VNPU_DEBUG=profile prints, when a stream is
 * destroyed, per packet opcode the count and time of the packets it ran
 * (format in docs/runtime.md, "Profiling"), and nothing when it is off.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <drm/vnpu_cmd.h>
#include <vnpu/vnpu.h>

#include "kselftest_harness.h"

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

		ASSERT_EQ(4, sscanf(line, "vnpu profile: %llu jobs, %lf ms in jobs, %lf ms in packets, %lf ms between jobs%n",
				    &n, &in_jobs, &in_packets, &between, &lines));
		EXPECT_EQ('\n', line[lines]);
		EXPECT_EQ(jobs, n);
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

TEST(without_profile_destroying_a_stream_prints_nothing)
{
	char *text;

	init_debug(_metadata, NULL);
	text = run_and_capture(_metadata, 2, 2);
	EXPECT_STREQ("", text);
	free(text);
	EXPECT_EQ(VNPU_STATUS_OK, vnpu_shutdown());
}

TEST_HARNESS_MAIN
