// SPDX-License-Identifier: GPL-2.0
/*
 * smi_load: keep a card's AI cores busy with MATMUL jobs for a while, and
 * hold some device memory, so npu-smi tests see power, heat, throttling
 * and a process in fdinfo.
 *
 *   smi_load [-i CARD] [-t SECONDS] [-m MIB] [-r READY_FILE] [-f]
 *
 * READY_FILE is created once the memory is held and the first job ran.
 * -f forks a child that inherits the open card (the same DRM client in
 * two processes) and just sleeps, for npu-smi's client-id dedup.
 * Two jobs are kept in flight (alternating output buffers) so the card
 * never idles between them. Exit 0, or 1 with a message.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <drm/vnpu_cmd.h>

#include "vnpu_test_util.h"

#define M 64
#define N 256
#define K 256
#define PACKETS 8		/* matmuls per job */
#define SEC 1000000000ll

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	stop = 1;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int die(const char *what, int err)
{
	fprintf(stderr, "smi_load: %s: %s\n", what, strerror(-err));
	return 1;
}

int main(int argc, char **argv)
{
	static const uint32_t flags[] = {
		DRM_VNPU_BO_READ, DRM_VNPU_BO_READ,
		DRM_VNPU_BO_READ | DRM_VNPU_BO_WRITE,
	};
	struct vnpu_test_bo hold = { 0 }, bo[4];
	const char *ready = NULL;
	double secs = 5, end;
	long card = 0, mib = 0;
	int fork_child = 0;
	pid_t child = 0;
	struct sigaction sa = { .sa_handler = on_term };
	int fd, opt, ret, i;
	uint32_t ctx;
	long jobs = 0;

	while ((opt = getopt(argc, argv, "i:t:m:r:f")) != -1) {
		switch (opt) {
		case 'i': card = atol(optarg); break;
		case 't': secs = atof(optarg); break;
		case 'm': mib = atol(optarg); break;
		case 'r': ready = optarg; break;
		case 'f': fork_child = 1; break;
		default:
			fprintf(stderr, "usage: smi_load [-i CARD] [-t SECONDS] [-m MIB] [-r READY_FILE] [-f]\n");
			return 2;
		}
	}
	fd = vnpu_open_card((int)card);
	if (fd < 0)
		return die("open", fd);
	if (mib && (ret = vnpu_bo_new(fd, (uint64_t)mib << 20, &hold)))
		return die("hold memory", ret);
	/* bo[0] weights, bo[1] activations, bo[2..3] alternating outputs. */
	if ((ret = vnpu_bo_new(fd, vnpu_cmd_panel_bytes(VNPU_CMD_FMT_MXFP4, N, K), &bo[0])) ||
	    (ret = vnpu_bo_new(fd, M * K * 4, &bo[1])) ||
	    (ret = vnpu_bo_new(fd, M * N * 4, &bo[2])) ||
	    (ret = vnpu_bo_new(fd, M * N * 4, &bo[3])))
		return die("buffers", ret);
	ret = vnpu_ctx_new(fd, DRM_VNPU_PRIORITY_NORMAL, &ctx);
	if (ret)
		return die("context", ret);

	/* SIGTERM ends the loop (no SA_RESTART: a blocked wait returns). */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	end = now() + secs;
	for (jobs = 0; !stop && (jobs < 2 || now() < end); jobs++) {
		struct vnpu_test_bo list[3] = { bo[0], bo[1], bo[2 + jobs % 2] };
		struct drm_vnpu_submit args = { 0 };
		struct vnpu_stream s;
		int32_t status;

		vnpu_stream_init(&s);
		for (i = 0; i < PACKETS; i++) {
			struct vnpu_cmd_matmul p = {
				.hdr = { .op = VNPU_OP_MATMUL, .size = sizeof(p) },
				.m = M, .n = N, .k = K,
				.w_fmt = VNPU_CMD_FMT_MXFP4,
				.a_fmt = VNPU_CMD_FMT_FP32,
				.c_fmt = VNPU_CMD_FMT_FP32,
				.w = list[0].va, .a = list[1].va, .c = list[2].va,
				.lda = K, .ldc = N,
			};

			vnpu_stream_add(&s, &p, sizeof(p));
		}
		ret = vnpu_submit_stream(fd, ctx, &s, list, flags, 3, &args);
		if (ret)
			return die("submit", ret);
		/* Wait for the job before this one: one always stays queued. */
		if (jobs) {
			ret = vnpu_bo_wait(fd, bo[2 + (jobs - 1) % 2].handle,
					   120 * SEC, &status);
			if (ret && stop)
				break;
			if (ret)
				return die("wait", ret);
			if (status && status != -EIO)	/* -EIO: too hot */
				return die("job", status);
		}
		if (jobs == 1 && fork_child) {
			child = fork();
			if (child == 0) {
				prctl(PR_SET_PDEATHSIG, SIGTERM);
				sleep((unsigned int)secs + 1);
				_exit(0);
			}
		}
		if (jobs == 1 && ready) {
			FILE *f = fopen(ready, "w");

			if (f)
				fclose(f);
		}
	}
	if (child > 0) {
		kill(child, SIGTERM);
		waitpid(child, NULL, 0);
	}
	vnpu_bo_wait(fd, bo[2 + (jobs - 1) % 2].handle, 120 * SEC, NULL);
	printf("smi_load: %ld jobs\n", jobs);
	return 0;
}
