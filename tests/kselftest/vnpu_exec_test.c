// SPDX-License-Identifier: GPL-2.0
/*
 * The card executing jobs: results, ordering through syncobjs and
 * implicit fences, device faults, hangs and reset, banning, and removal
 * with work in flight.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <xf86drm.h>

#include "kselftest_harness.h"
#include "vnpu_test_util.h"

#define SEC 1000000000ll
#define MEM_USED "/sys/bus/vnpu/devices/vnpu0/mem_used_bytes"

static const uint32_t RW = DRM_VNPU_BO_READ | DRM_VNPU_BO_WRITE;
static const uint32_t RO = DRM_VNPU_BO_READ;

FIXTURE(exec) {
	int fd;
	uint32_t ctx;
	struct vnpu_stream s;
	struct drm_vnpu_submit args;
};

FIXTURE_SETUP(exec)
{
	ASSERT_TRUE(vnpu_ensure_unloaded());
	/* A short timeout so hang tests take a fraction of a second. */
	ASSERT_EQ(0, vnpu_load("tdr_timeout_ms=300"));
	self->fd = vnpu_open_card(0);
	ASSERT_GE(self->fd, 0);
	ASSERT_EQ(0, vnpu_ctx_new(self->fd, DRM_VNPU_PRIORITY_NORMAL,
				  &self->ctx));
	vnpu_stream_init(&self->s);
	memset(&self->args, 0, sizeof(self->args));
}

FIXTURE_TEARDOWN(exec)
{
	char buf[32] = "";

	if (self->fd >= 0)
		close(self->fd);
	/*
	 * Every job and buffer is gone soon after the file is closed (jobs
	 * are freed by the scheduler's worker, so allow it a moment).
	 */
	if (vnpu_loaded() && !access(MEM_USED, F_OK)) {
		int tries = 100;

		do {
			EXPECT_EQ(0, vnpu_read_line(MEM_USED, buf, sizeof(buf)));
		} while (strcmp(buf, "0") && tries-- && !usleep(20000));
		EXPECT_STREQ("0", buf);
	}
	EXPECT_TRUE(vnpu_ensure_unloaded());
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

TEST_F(exec, fill_and_copy_produce_the_expected_bytes)
{
	struct vnpu_test_bo b[2];
	uint32_t flags[2] = { RW, RW };
	uint32_t *src, *dst;
	int32_t status = 1;
	int i;

	ASSERT_EQ(0, vnpu_bo_new(self->fd, 65536, &b[0]));
	ASSERT_EQ(0, vnpu_bo_new(self->fd, 65536, &b[1]));
	vnpu_stream_fill(&self->s, b[0].va, 65536, 0xdeadbeef);
	vnpu_stream_fill(&self->s, b[0].va + 4096, 8, 0x01020304);
	vnpu_stream_copy(&self->s, b[1].va + 16, b[0].va + 4088, 32);
	ASSERT_EQ(0, vnpu_submit_stream(self->fd, self->ctx, &self->s, b,
					flags, 2, &self->args));
	ASSERT_EQ(0, vnpu_bo_wait(self->fd, b[1].handle, 5 * SEC, &status));
	EXPECT_EQ(0, status);

	src = b[0].map;
	dst = b[1].map;
	EXPECT_EQ(0xdeadbeef, src[0]);
	EXPECT_EQ(0xdeadbeef, src[16383]);
	EXPECT_EQ(0x01020304, src[1024]);
	EXPECT_EQ(0x01020304, src[1025]);
	for (i = 0; i < 4; i++)
		EXPECT_EQ(0, dst[i]);
	EXPECT_EQ(0xdeadbeef, dst[4]);
	EXPECT_EQ(0xdeadbeef, dst[5]);
	EXPECT_EQ(0x01020304, dst[6]);
	EXPECT_EQ(0x01020304, dst[7]);
	EXPECT_EQ(0xdeadbeef, dst[11]);
	EXPECT_EQ(0, dst[12]);
	vnpu_bo_free(self->fd, &b[0]);
	vnpu_bo_free(self->fd, &b[1]);
}

TEST_F(exec, timestamp_is_the_monotonic_clock_at_execution)
{
	struct vnpu_test_bo b;
	uint64_t before, after, *ts;

	ASSERT_EQ(0, vnpu_bo_new(self->fd, 4096, &b));
	vnpu_stream_timestamp(&self->s, b.va + 8);
	before = now_ns();
	ASSERT_EQ(0, vnpu_submit_stream(self->fd, self->ctx, &self->s, &b,
					&RW, 1, &self->args));
	ASSERT_EQ(0, vnpu_bo_wait(self->fd, b.handle, 5 * SEC, NULL));
	after = now_ns();
	ts = b.map;
	EXPECT_EQ(0, ts[0]);
	EXPECT_GE(ts[1], before);
	EXPECT_LE(ts[1], after);
	vnpu_bo_free(self->fd, &b);
}

TEST_F(exec, out_syncobj_signals_when_the_job_is_done)
{
	struct vnpu_test_bo b;
	struct drm_vnpu_sync out = { 0 };

	ASSERT_EQ(0, vnpu_bo_new(self->fd, 1 << 20, &b));
	ASSERT_EQ(0, drmSyncobjCreate(self->fd, 0, &out.handle));
	vnpu_stream_fill(&self->s, b.va, 1 << 20, 7);
	self->args.out_syncs = (uintptr_t)&out;
	self->args.out_sync_count = 1;
	self->args.out_sync_stride = sizeof(out);
	ASSERT_EQ(0, vnpu_submit_stream(self->fd, self->ctx, &self->s, &b, &RW,
					1, &self->args));
	ASSERT_EQ(0, drmSyncobjWait(self->fd, &out.handle, 1,
				    now_ns() + 5 * SEC, 0, NULL));
	EXPECT_EQ(7, ((uint32_t *)b.map)[(1 << 18) - 1]);
	vnpu_bo_free(self->fd, &b);
}

TEST_F(exec, timeline_points_order_jobs_across_rings)
{
	struct vnpu_test_bo b[2];
	uint32_t flags[2] = { RW, RW }, high;
	struct drm_vnpu_sync tl = { .point = 5 };
	uint64_t point = 0;
	uint32_t *dst;

	ASSERT_EQ(0, vnpu_ctx_new(self->fd, DRM_VNPU_PRIORITY_HIGH, &high));
	ASSERT_EQ(0, vnpu_bo_new(self->fd, 4 << 20, &b[0]));
	ASSERT_EQ(0, vnpu_bo_new(self->fd, 4096, &b[1]));
	ASSERT_EQ(0, drmSyncobjCreate(self->fd, 0, &tl.handle));

	/* A long job on the normal ring signals point 5 ... */
	vnpu_stream_fill(&self->s, b[0].va, 4 << 20, 0x11111111);
	self->args.out_syncs = (uintptr_t)&tl;
	self->args.out_sync_count = 1;
	self->args.out_sync_stride = sizeof(tl);
	ASSERT_EQ(0, vnpu_submit_stream(self->fd, self->ctx, &self->s, &b[0],
					&RW, 1, &self->args));

	/* ... which a job on the idle high ring waits for. No BO is shared
	 * with write access, so only the syncobj orders them.
	 */
	vnpu_stream_init(&self->s);
	vnpu_stream_copy(&self->s, b[1].va, b[0].va + (4 << 20) - 64, 64);
	memset(&self->args, 0, sizeof(self->args));
	self->args.in_syncs = (uintptr_t)&tl;
	self->args.in_sync_count = 1;
	self->args.in_sync_stride = sizeof(tl);
	flags[0] = RO;
	ASSERT_EQ(0, vnpu_submit_stream(self->fd, high, &self->s, b, flags, 2,
					&self->args));
	ASSERT_EQ(0, vnpu_bo_wait(self->fd, b[1].handle, 5 * SEC, NULL));
	dst = b[1].map;
	EXPECT_EQ(0x11111111, dst[0]);
	EXPECT_EQ(0x11111111, dst[15]);
	ASSERT_EQ(0, drmSyncobjQuery(self->fd, &tl.handle, &point, 1));
	EXPECT_EQ(5, point);
	vnpu_bo_free(self->fd, &b[0]);
	vnpu_bo_free(self->fd, &b[1]);
}

TEST_F(exec, implicit_fences_order_a_reader_after_a_writer)
{
	struct vnpu_test_bo b[2];
	uint32_t flags[2] = { RO, RW }, low;
	uint32_t *dst;

	ASSERT_EQ(0, vnpu_ctx_new(self->fd, DRM_VNPU_PRIORITY_LOW, &low));
	ASSERT_EQ(0, vnpu_bo_new(self->fd, 8 << 20, &b[0]));
	ASSERT_EQ(0, vnpu_bo_new(self->fd, 4096, &b[1]));
	vnpu_stream_fill(&self->s, b[0].va, 8 << 20, 0x22222222);
	ASSERT_EQ(0, vnpu_submit_stream(self->fd, low, &self->s, &b[0], &RW, 1,
					&self->args));
	vnpu_stream_init(&self->s);
	vnpu_stream_copy(&self->s, b[1].va, b[0].va + (8 << 20) - 4096, 4096);
	ASSERT_EQ(0, vnpu_submit_stream(self->fd, self->ctx, &self->s, b, flags,
					2, &self->args));
	ASSERT_EQ(0, vnpu_bo_wait(self->fd, b[1].handle, 5 * SEC, NULL));
	dst = b[1].map;
	EXPECT_EQ(0x22222222, dst[0]);
	EXPECT_EQ(0x22222222, dst[1023]);
	vnpu_bo_free(self->fd, &b[0]);
	vnpu_bo_free(self->fd, &b[1]);
}

TEST_F(exec, an_address_outside_the_listed_buffers_is_a_device_fault)
{
	struct vnpu_test_bo b, other;
	struct drm_vnpu_ctx_query q;
	int32_t status = 0;
	uint32_t off;

	ASSERT_EQ(0, vnpu_bo_new(self->fd, 4096, &b));
	ASSERT_EQ(0, vnpu_bo_new(self->fd, 4096, &other));
	vnpu_stream_fill(&self->s, b.va, 4096, 3);
	off = vnpu_stream_fill(&self->s, other.va, 4096, 4);	/* not listed */
	vnpu_stream_fill(&self->s, b.va, 4096, 5);
	ASSERT_EQ(0, vnpu_submit_stream(self->fd, self->ctx, &self->s, &b, &RW,
					1, &self->args));
	ASSERT_EQ(0, vnpu_bo_wait(self->fd, b.handle, 5 * SEC, &status));
	EXPECT_EQ(-EFAULT, status);
	/* The job stopped at the fault: the first fill ran, the last not. */
	EXPECT_EQ(3, ((uint32_t *)b.map)[0]);
	EXPECT_EQ(0, ((uint32_t *)other.map)[0]);

	ASSERT_EQ(0, vnpu_ctx_query(self->fd, self->ctx, &q));
	EXPECT_EQ(DRM_VNPU_CTX_FAULTED, q.state);
	EXPECT_EQ(1, q.fault_count);
	EXPECT_EQ(-EFAULT, q.last_error);
	EXPECT_EQ(off, q.last_error_offset);
	EXPECT_EQ(1, q.last_error_seqno);
	EXPECT_EQ(1, q.submitted);
	EXPECT_EQ(1, q.completed);
	vnpu_bo_free(self->fd, &b);
	vnpu_bo_free(self->fd, &other);
}

TEST_F(exec, writing_a_read_only_buffer_is_a_device_fault)
{
	struct vnpu_test_bo b;
	int32_t status = 0;

	ASSERT_EQ(0, vnpu_bo_new(self->fd, 4096, &b));
	vnpu_stream_fill(&self->s, b.va, 4096, 9);
	ASSERT_EQ(0, vnpu_submit_stream(self->fd, self->ctx, &self->s, &b, &RO,
					1, &self->args));
	ASSERT_EQ(0, vnpu_bo_wait(self->fd, b.handle, 5 * SEC, &status));
	EXPECT_EQ(-EFAULT, status);
	EXPECT_EQ(0, ((uint32_t *)b.map)[0]);
	vnpu_bo_free(self->fd, &b);
}

TEST_F(exec, a_faulted_context_keeps_working)
{
	struct vnpu_test_bo b;
	int32_t status = 1;

	ASSERT_EQ(0, vnpu_bo_new(self->fd, 4096, &b));
	vnpu_stream_fill(&self->s, b.va + 4096, 4, 1);	/* past the end */
	ASSERT_EQ(0, vnpu_submit_stream(self->fd, self->ctx, &self->s, &b, &RW,
					1, &self->args));
	vnpu_stream_init(&self->s);
	vnpu_stream_fill(&self->s, b.va, 4096, 6);
	ASSERT_EQ(0, vnpu_submit_stream(self->fd, self->ctx, &self->s, &b, &RW,
					1, &self->args));
	ASSERT_EQ(0, vnpu_bo_wait(self->fd, b.handle, 5 * SEC, &status));
	EXPECT_EQ(6, ((uint32_t *)b.map)[1023]);
	vnpu_bo_free(self->fd, &b);
}

TEST_F(exec, another_file_cannot_reach_my_memory_by_address)
{
	struct vnpu_test_bo pad, mine, theirs;
	int fd2 = vnpu_open_card(0);
	uint32_t ctx2;
	int32_t status = 0;

	ASSERT_GE(fd2, 0);
	/* Address spaces are per file: push mine past theirs. */
	ASSERT_EQ(0, vnpu_bo_new(self->fd, 4096, &pad));
	ASSERT_EQ(0, vnpu_bo_new(self->fd, 4096, &mine));
	memset(mine.map, 0xab, 4096);
	ASSERT_EQ(0, vnpu_ctx_new(fd2, DRM_VNPU_PRIORITY_NORMAL, &ctx2));
	ASSERT_EQ(0, vnpu_bo_new(fd2, 4096, &theirs));
	ASSERT_NE(mine.va, theirs.va);

	vnpu_stream_copy(&self->s, theirs.va, mine.va, 64);
	ASSERT_EQ(0, vnpu_submit_stream(fd2, ctx2, &self->s, &theirs, &RW, 1,
					&self->args));
	ASSERT_EQ(0, vnpu_bo_wait(fd2, theirs.handle, 5 * SEC, &status));
	EXPECT_EQ(-EFAULT, status);
	EXPECT_EQ(0, ((uint8_t *)theirs.map)[0]);
	vnpu_bo_free(fd2, &theirs);
	close(fd2);
	vnpu_bo_free(self->fd, &mine);
	vnpu_bo_free(self->fd, &pad);
}

static int inject_hang(void)
{
	return vnpu_write_str("/sys/kernel/debug/accel/vnpu0/inject_hang", "1");
}

TEST_F(exec, a_hang_is_reset_and_other_contexts_keep_working)
{
	struct vnpu_test_bo b, c;
	struct drm_vnpu_ctx_query q;
	int32_t status = 0;
	uint32_t other;

	ASSERT_EQ(0, vnpu_ctx_new(self->fd, DRM_VNPU_PRIORITY_NORMAL, &other));
	ASSERT_EQ(0, vnpu_bo_new(self->fd, 4096, &b));
	ASSERT_EQ(0, vnpu_bo_new(self->fd, 4096, &c));
	ASSERT_EQ(0, inject_hang());
	vnpu_stream_fill(&self->s, b.va, 4096, 1);
	ASSERT_EQ(0, vnpu_submit_stream(self->fd, self->ctx, &self->s, &b, &RW,
					1, &self->args));
	/* Queued behind the hung job on the same ring: it must still run. */
	vnpu_stream_init(&self->s);
	vnpu_stream_fill(&self->s, c.va, 4096, 2);
	ASSERT_EQ(0, vnpu_submit_stream(self->fd, other, &self->s, &c, &RW, 1,
					&self->args));

	ASSERT_EQ(0, vnpu_bo_wait(self->fd, b.handle, 10 * SEC, &status));
	EXPECT_EQ(-ETIMEDOUT, status);
	EXPECT_EQ(0, ((uint32_t *)b.map)[0]);
	ASSERT_EQ(0, vnpu_bo_wait(self->fd, c.handle, 10 * SEC, &status));
	EXPECT_EQ(0, status);
	EXPECT_EQ(2, ((uint32_t *)c.map)[0]);

	ASSERT_EQ(0, vnpu_ctx_query(self->fd, self->ctx, &q));
	EXPECT_EQ(DRM_VNPU_CTX_FAULTED, q.state);
	EXPECT_EQ(-ETIMEDOUT, q.last_error);
	ASSERT_EQ(0, vnpu_ctx_query(self->fd, other, &q));
	EXPECT_EQ(DRM_VNPU_CTX_OK, q.state);
	vnpu_bo_free(self->fd, &b);
	vnpu_bo_free(self->fd, &c);
}

TEST_F(exec, a_context_that_keeps_hanging_is_banned)
{
	struct vnpu_test_bo b;
	struct drm_vnpu_ctx_query q;
	int32_t status = 0;
	int i;

	ASSERT_EQ(0, vnpu_bo_new(self->fd, 4096, &b));
	vnpu_stream_fill(&self->s, b.va, 4096, 1);
	for (i = 0; i < VNPU_BAN_HANGS; i++) {
		ASSERT_EQ(0, inject_hang());
		ASSERT_EQ(0, vnpu_submit_stream(self->fd, self->ctx, &self->s,
						&b, &RW, 1, &self->args));
		ASSERT_EQ(0, vnpu_bo_wait(self->fd, b.handle, 10 * SEC,
					  &status));
		EXPECT_EQ(-ETIMEDOUT, status);
	}
	ASSERT_EQ(0, vnpu_ctx_query(self->fd, self->ctx, &q));
	EXPECT_EQ(DRM_VNPU_CTX_BANNED, q.state);
	EXPECT_EQ(VNPU_BAN_HANGS, q.fault_count);
	EXPECT_EQ(-ECANCELED, vnpu_submit_stream(self->fd, self->ctx, &self->s,
						 &b, &RW, 1, &self->args));
	vnpu_bo_free(self->fd, &b);
}

TEST_F(exec, removing_the_card_with_a_job_in_flight_fails_it_cleanly)
{
	struct vnpu_test_bo b;
	struct drm_vnpu_sync out = { 0 };
	struct drm_syncobj_wait w = { 0 };
	uint64_t v;

	ASSERT_EQ(0, vnpu_bo_new(self->fd, 4096, &b));
	ASSERT_EQ(0, drmSyncobjCreate(self->fd, 0, &out.handle));
	ASSERT_EQ(0, inject_hang());
	vnpu_stream_fill(&self->s, b.va, 4096, 1);
	self->args.out_syncs = (uintptr_t)&out;
	self->args.out_sync_count = 1;
	self->args.out_sync_stride = sizeof(out);
	ASSERT_EQ(0, vnpu_submit_stream(self->fd, self->ctx, &self->s, &b, &RW,
					1, &self->args));
	usleep(50000);
	ASSERT_EQ(0, vnpu_write_str("/sys/bus/vnpu/del_device", "0"));

	/*
	 * del_device returned, so the card stopped its hung processor and
	 * failed the job; every later call on the file gets -ENODEV.
	 */
	EXPECT_EQ(-ENODEV, vnpu_param_u64(self->fd, DRM_VNPU_PARAM_VENDOR_ID, &v));
	w.handles = (uintptr_t)&out.handle;
	w.count_handles = 1;
	w.timeout_nsec = now_ns() + 5 * SEC;
	EXPECT_EQ(-1, ioctl(self->fd, DRM_IOCTL_SYNCOBJ_WAIT, &w));
	EXPECT_EQ(ENODEV, errno);
	munmap(b.map, b.size);
	close(self->fd);
	self->fd = -1;
}

TEST_F(exec, closing_the_file_with_jobs_queued_releases_everything)
{
	struct vnpu_test_bo b;
	int i;

	ASSERT_EQ(0, vnpu_bo_new(self->fd, 1 << 20, &b));
	vnpu_stream_fill(&self->s, b.va, 1 << 20, 1);
	for (i = 0; i < 20; i++)
		ASSERT_EQ(0, vnpu_submit_stream(self->fd, self->ctx, &self->s,
						&b, &RW, 1, &self->args));
	munmap(b.map, b.size);
	close(self->fd);
	self->fd = -1;
	/* The teardown checks that no device memory is left. */
	usleep(200000);
}

#define DEBUGFS "/sys/kernel/debug/accel/vnpu0/"

/* Read a whole debugfs file into BUF: bytes read or -errno. */
static int read_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), n, total = 0;

	if (fd < 0)
		return -errno;
	while ((n = read(fd, buf + total, len - 1 - total)) > 0)
		total += n;
	close(fd);
	buf[total] = 0;
	return n < 0 ? -errno : total;
}

TEST_F(exec, injected_fault_stops_the_job_at_its_first_packet)
{
	struct vnpu_test_bo b;
	struct drm_vnpu_ctx_query q;
	int32_t status = 0;
	char regs[2048];

	ASSERT_EQ(0, vnpu_bo_new(self->fd, 4096, &b));
	ASSERT_EQ(0, vnpu_write_str(DEBUGFS "inject_fault", "1"));
	vnpu_stream_fill(&self->s, b.va, 4096, 1);
	ASSERT_EQ(0, vnpu_submit_stream(self->fd, self->ctx, &self->s, &b, &RW,
					1, &self->args));
	ASSERT_EQ(0, vnpu_bo_wait(self->fd, b.handle, 5 * SEC, &status));
	EXPECT_EQ(-EFAULT, status);
	EXPECT_EQ(0, ((uint32_t *)b.map)[0]);
	ASSERT_EQ(0, vnpu_ctx_query(self->fd, self->ctx, &q));
	EXPECT_EQ(sizeof(struct vnpu_cmd_stream_header), q.last_error_offset);
	/* The card counts it on the normal-priority ring (ring 1). */
	ASSERT_LT(0, read_file(DEBUGFS "regs", regs, sizeof(regs)));
	EXPECT_NE(NULL, strstr(regs, "ring1       submitted 1 completed 1 faults 1 resets 0"))
		TH_LOG("%s", regs);
	vnpu_bo_free(self->fd, &b);
}

TEST_F(exec, injected_allocation_failure_is_enomem_and_leaks_nothing)
{
	struct vnpu_test_bo b;
	char before[32], after[32];
	int32_t status = 1;

	ASSERT_EQ(0, vnpu_bo_new(self->fd, 4096, &b));
	ASSERT_EQ(0, vnpu_read_line(MEM_USED, before, sizeof(before)));
	ASSERT_EQ(0, vnpu_write_str(DEBUGFS "inject_alloc_fail", "1"));
	vnpu_stream_fill(&self->s, b.va, 4096, 5);
	EXPECT_EQ(-ENOMEM, vnpu_submit_stream(self->fd, self->ctx, &self->s,
					      &b, &RW, 1, &self->args));
	ASSERT_EQ(0, vnpu_read_line(MEM_USED, after, sizeof(after)));
	EXPECT_STREQ(before, after);
	/* The next submission goes through. */
	ASSERT_EQ(0, vnpu_submit_stream(self->fd, self->ctx, &self->s, &b, &RW,
					1, &self->args));
	EXPECT_EQ(1, self->args.seqno);
	ASSERT_EQ(0, vnpu_bo_wait(self->fd, b.handle, 5 * SEC, &status));
	EXPECT_EQ(0, status);
	EXPECT_EQ(5, ((uint32_t *)b.map)[0]);
	vnpu_bo_free(self->fd, &b);
}

TEST_F(exec, debugfs_shows_registers_rings_and_contexts)
{
	struct vnpu_test_bo b;
	char buf[4096];

	ASSERT_EQ(0, vnpu_bo_new(self->fd, 4096, &b));
	vnpu_stream_fill(&self->s, b.va, 4096, 1);
	ASSERT_EQ(0, vnpu_submit_stream(self->fd, self->ctx, &self->s, &b, &RW,
					1, &self->args));
	ASSERT_EQ(0, vnpu_bo_wait(self->fd, b.handle, 5 * SEC, NULL));

	ASSERT_LT(0, read_file(DEBUGFS "regs", buf, sizeof(buf)));
	EXPECT_NE(NULL, strstr(buf, "0x000 id          0x19e5d807")) TH_LOG("%s", buf);
	ASSERT_LT(0, read_file(DEBUGFS "contexts", buf, sizeof(buf)));
	EXPECT_NE(NULL, strstr(buf, "ctx 1 ring 1 ok submitted 1 completed 1 faults 0"))
		TH_LOG("%s", buf);
	ASSERT_LT(0, read_file(DEBUGFS "rings", buf, sizeof(buf)));
	EXPECT_NE(NULL, strstr(buf, "ring 1 vnpu-normal: hw fences emitted 1"))
		TH_LOG("%s", buf);
	EXPECT_EQ(-EINVAL, vnpu_write_str(DEBUGFS "inject_fault", "2"));
	vnpu_bo_free(self->fd, &b);
}

TEST_HARNESS_MAIN
