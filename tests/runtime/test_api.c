// SPDX-License-Identifier: GPL-2.0
/*
 * libvnpu's API on the CPU backend: status strings, init and shutdown,
 * device discovery and its error messages, buffers, streams, events and
 * command buffers, with every error path a caller can hit.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <drm/vnpu_accel.h>
#include <drm/vnpu_cmd.h>
#include <vnpu/vnpu.h>

#include "kselftest_harness.h"

#define MiB (1ull << 20)

static vnpu_status init_noenv(const char *dev_dir)
{
	vnpu_init_options o;

	vnpu_init_options_init(&o);
	o.flags = VNPU_INIT_NO_ENV;
	o.dev_dir = dev_dir;
	return vnpu_init(&o);
}

static void *last_error_of_new_thread(void *arg)
{
	return (void *)vnpu_last_error();
}

TEST(status_strings_cover_every_status)
{
	pthread_t t;
	void *msg;

	EXPECT_STREQ("ok", vnpu_status_str(VNPU_STATUS_OK));
	EXPECT_STREQ("invalid command stream",
		     vnpu_status_str(VNPU_STATUS_INVALID_STREAM));
	EXPECT_STREQ("I/O error", vnpu_status_str(VNPU_STATUS_IO_ERROR));
	EXPECT_STREQ("unknown status", vnpu_status_str(VNPU_STATUS_IO_ERROR + 1));
	EXPECT_STREQ("unknown status", vnpu_status_str((vnpu_status)-1));
	/* The message is per thread: a new thread has none. */
	EXPECT_EQ(VNPU_STATUS_NOT_INITIALIZED, vnpu_shutdown());
	ASSERT_EQ(0, pthread_create(&t, NULL, last_error_of_new_thread, NULL));
	ASSERT_EQ(0, pthread_join(t, &msg));
	EXPECT_STREQ("", (const char *)msg);
	EXPECT_STREQ("vnpu_shutdown: more shutdowns than inits", vnpu_last_error());
}

TEST(version_is_the_headers)
{
	uint32_t maj = 9, min = 9, pat = 9;

	EXPECT_STREQ("0.1.0", vnpu_version(&maj, &min, &pat));
	EXPECT_EQ(VNPU_VERSION_MAJOR, maj);
	EXPECT_EQ(VNPU_VERSION_MINOR, min);
	EXPECT_EQ(VNPU_VERSION_PATCH, pat);
	EXPECT_STREQ("0.1.0", vnpu_version(NULL, NULL, NULL));
}

TEST(nothing_opens_before_init_and_init_nests)
{
	vnpu_device *dev = (void *)1;

	EXPECT_EQ(VNPU_STATUS_NOT_INITIALIZED, vnpu_device_open("cpu", NULL, &dev));
	EXPECT_EQ(NULL, dev);
	EXPECT_STREQ("vnpu_device_open: call vnpu_init() first", vnpu_last_error());
	ASSERT_EQ(VNPU_STATUS_OK, init_noenv(NULL));
	ASSERT_EQ(VNPU_STATUS_OK, init_noenv(NULL));
	EXPECT_EQ(VNPU_STATUS_OK, vnpu_shutdown());
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_device_open("cpu", NULL, &dev));
	EXPECT_EQ(VNPU_STATUS_BUSY, vnpu_shutdown());
	EXPECT_NE(NULL, strstr(vnpu_last_error(), "1 device(s) still open"));
	EXPECT_EQ(VNPU_STATUS_OK, vnpu_device_close(dev));
	EXPECT_EQ(VNPU_STATUS_OK, vnpu_shutdown());
	EXPECT_EQ(VNPU_STATUS_NOT_INITIALIZED, vnpu_shutdown());
}

TEST(bad_environment_values_fail_init_with_the_accepted_ones)
{
	ASSERT_EQ(0, setenv("VNPU_BACKEND", "gpu", 1));
	EXPECT_EQ(VNPU_STATUS_INVALID_ARGUMENT, vnpu_init(NULL));
	EXPECT_STREQ("VNPU_BACKEND='gpu': expected cpu, device or auto",
		     vnpu_last_error());
	unsetenv("VNPU_BACKEND");
	ASSERT_EQ(0, setenv("VNPU_DEBUG", "sync,loud", 1));
	EXPECT_EQ(VNPU_STATUS_INVALID_ARGUMENT, vnpu_init(NULL));
	EXPECT_STREQ("VNPU_DEBUG='sync,loud': unknown 'loud' (known: sync, log, profile)",
		     vnpu_last_error());
	unsetenv("VNPU_DEBUG");
	/* A failed init leaves the library uninitialized. */
	EXPECT_EQ(VNPU_STATUS_NOT_INITIALIZED, vnpu_shutdown());
}

static char dir_tmpl[] = "/tmp/vnpu-rt-XXXXXX";

TEST(no_card_means_an_empty_list_and_a_message_about_the_module)
{
	char *dir = mkdtemp(dir_tmpl);
	vnpu_device_desc d[2];
	vnpu_device *dev = NULL;
	size_t n = 7;

	ASSERT_NE(NULL, dir);
	ASSERT_EQ(VNPU_STATUS_OK, init_noenv(dir));
	EXPECT_EQ(VNPU_STATUS_OK, vnpu_device_enumerate(d, 2, &n));
	EXPECT_EQ(0, n);
	EXPECT_EQ(VNPU_STATUS_INVALID_ARGUMENT, vnpu_device_enumerate(NULL, 2, &n));
	EXPECT_EQ(VNPU_STATUS_NOT_FOUND, vnpu_device_open_index(0, NULL, &dev));
	EXPECT_NE(NULL, strstr(vnpu_last_error(), "modprobe vnpu"))
		TH_LOG("%s", vnpu_last_error());
	EXPECT_EQ(NULL, dev);
	EXPECT_EQ(VNPU_STATUS_INVALID_ARGUMENT, vnpu_device_open("gpu0", NULL, &dev));
	EXPECT_STREQ("vnpu_device_open: name 'gpu0' is not \"cpu\", a path or a card index",
		     vnpu_last_error());
	EXPECT_EQ(VNPU_STATUS_NOT_FOUND,
		  vnpu_device_open("/nonexistent/accel0", NULL, &dev));
	EXPECT_NE(NULL, strstr(vnpu_last_error(), "vnpu kernel module"));
	EXPECT_EQ(VNPU_STATUS_OK, vnpu_shutdown());
	rmdir(dir);
}

TEST(a_node_that_is_not_a_vnpu_card_is_skipped_and_refused)
{
	char tmpl[] = "/tmp/vnpu-rt-XXXXXX", path[64];
	char *dir = mkdtemp(tmpl);
	vnpu_device *dev = NULL;
	size_t n = 7;
	int fd;

	ASSERT_NE(NULL, dir);
	snprintf(path, sizeof(path), "%s/accel0", dir);
	fd = open(path, O_CREAT | O_RDWR, 0600);
	ASSERT_GE(fd, 0);
	close(fd);
	ASSERT_EQ(VNPU_STATUS_OK, init_noenv(dir));
	EXPECT_EQ(VNPU_STATUS_OK, vnpu_device_enumerate(NULL, 0, &n));
	EXPECT_EQ(0, n);
	EXPECT_EQ(VNPU_STATUS_NOT_FOUND, vnpu_device_open(path, NULL, &dev));
	EXPECT_NE(NULL, strstr(vnpu_last_error(), "is not a vnpu card (DRM driver 'none')"));
	EXPECT_EQ(VNPU_STATUS_OK, vnpu_shutdown());
	unlink(path);
	rmdir(dir);
}

TEST(a_node_without_permission_says_how_to_get_it)
{
	char tmpl[] = "/tmp/vnpu-rt-XXXXXX", path[64];
	char *dir = mkdtemp(tmpl);
	vnpu_device *dev = NULL;
	int fd;

	ASSERT_NE(NULL, dir);
	ASSERT_EQ(0, chmod(dir, 0755));
	snprintf(path, sizeof(path), "%s/accel0", dir);
	fd = open(path, O_CREAT | O_RDWR, 0600);
	ASSERT_GE(fd, 0);
	close(fd);
	/* Each test runs in its own process: drop root for good here. */
	if (geteuid() == 0)
		ASSERT_EQ(0, setresuid(65534, 65534, 65534));
	ASSERT_EQ(VNPU_STATUS_OK, init_noenv(dir));
	EXPECT_EQ(VNPU_STATUS_PERMISSION_DENIED, vnpu_device_open(path, NULL, &dev));
	EXPECT_NE(NULL, strstr(vnpu_last_error(), "permission denied: add your user"));
	EXPECT_EQ(VNPU_STATUS_OK, vnpu_shutdown());
}

TEST(backend_env_picks_what_a_nameless_open_gets)
{
	char tmpl[] = "/tmp/vnpu-rt-XXXXXX";
	char *dir = mkdtemp(tmpl);
	vnpu_init_options o;
	vnpu_device_info info;
	vnpu_device *dev = NULL;

	ASSERT_NE(NULL, dir);
	vnpu_init_options_init(&o);
	o.dev_dir = dir;
	ASSERT_EQ(0, setenv("VNPU_BACKEND", "device", 1));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_init(&o));
	EXPECT_EQ(VNPU_STATUS_NOT_FOUND, vnpu_device_open(NULL, NULL, &dev));
	EXPECT_NE(NULL, strstr(vnpu_last_error(), "VNPU_BACKEND=device"));
	EXPECT_EQ(VNPU_STATUS_OK, vnpu_shutdown());
	/* auto with no card: the CPU backend. */
	ASSERT_EQ(0, setenv("VNPU_BACKEND", "auto", 1));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_init(&o));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_device_open("", NULL, &dev));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_device_info_get(dev, &info));
	EXPECT_EQ(VNPU_BACKEND_CPU, info.backend);
	EXPECT_EQ(VNPU_STATUS_OK, vnpu_device_close(dev));
	EXPECT_EQ(VNPU_STATUS_OK, vnpu_shutdown());
	unsetenv("VNPU_BACKEND");
	rmdir(dir);
}

static void log_cb(void *user, vnpu_log_level level, const char *msg)
{
	if (level == VNPU_LOG_ERROR)
		snprintf(user, 256, "%s", msg);
}

TEST(the_log_callback_gets_each_error_message)
{
	char got[256] = "";
	vnpu_init_options o;
	vnpu_device *dev;

	vnpu_init_options_init(&o);
	o.flags = VNPU_INIT_NO_ENV;
	o.log = log_cb;
	o.log_user = got;
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_init(&o));
	EXPECT_EQ(VNPU_STATUS_INVALID_ARGUMENT, vnpu_device_open("x", NULL, &dev));
	EXPECT_STREQ(vnpu_last_error(), got);
	EXPECT_EQ(VNPU_STATUS_OK, vnpu_shutdown());
}

FIXTURE(rt) {
	vnpu_device *dev;
	vnpu_stream *s;
};

FIXTURE_SETUP(rt)
{
	vnpu_device_options o;

	ASSERT_EQ(VNPU_STATUS_OK, init_noenv(NULL));
	vnpu_device_options_init(&o);
	o.cpu_threads = 3;
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_device_open("cpu", &o, &self->dev));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_stream_create(self->dev, NULL, &self->s));
}

FIXTURE_TEARDOWN(rt)
{
	vnpu_stream_destroy(self->s);
	EXPECT_EQ(VNPU_STATUS_OK, vnpu_device_close(self->dev));
	EXPECT_EQ(VNPU_STATUS_OK, vnpu_shutdown());
}

TEST_F(rt, cpu_device_reports_the_cards_versions_and_limits)
{
	vnpu_device_info in;

	EXPECT_EQ(VNPU_STATUS_INVALID_ARGUMENT, vnpu_device_info_get(self->dev, NULL));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_device_info_get(self->dev, &in));
	EXPECT_EQ(VNPU_BACKEND_CPU, in.backend);
	EXPECT_STREQ("cpu", in.path);
	EXPECT_STREQ("cpu", in.profile);
	EXPECT_EQ(DRM_VNPU_ABI_VERSION, in.abi_version);
	EXPECT_EQ(VNPU_CMD_VERSION, in.cmd_version);
	EXPECT_EQ(3, in.ai_cores);
	EXPECT_EQ(0x100000000ull, in.va_base);
	EXPECT_EQ(1ull << 40, in.va_size);
	EXPECT_EQ(MiB, in.max_cmd_size);
	EXPECT_EQ(256, in.max_submit_buffers);
	EXPECT_GT(in.mem_budget, 0);
}

TEST_F(rt, closing_a_device_with_live_objects_is_refused)
{
	vnpu_buffer *b;

	ASSERT_EQ(VNPU_STATUS_OK, vnpu_buffer_alloc(self->dev, 1, &b));
	EXPECT_EQ(VNPU_STATUS_BUSY, vnpu_device_close(self->dev));
	EXPECT_NE(NULL, strstr(vnpu_last_error(), "still has 2 buffer(s)"));
	vnpu_buffer_free(b);
	EXPECT_EQ(VNPU_STATUS_OK, vnpu_device_close(NULL));
}

TEST_F(rt, buffers_are_zeroed_page_rounded_and_disjoint)
{
	vnpu_buffer *a, *b;
	uint8_t *p, byte = 1;
	void *m2;
	size_t i;

	EXPECT_EQ(VNPU_STATUS_INVALID_ARGUMENT, vnpu_buffer_alloc(self->dev, 0, &a));
	EXPECT_EQ(NULL, a);
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_buffer_alloc(self->dev, 1, &a));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_buffer_alloc(self->dev, 5000, &b));
	EXPECT_EQ(4096, vnpu_buffer_size(a));
	EXPECT_EQ(8192, vnpu_buffer_size(b));
	EXPECT_GE(vnpu_buffer_va(a), 0x100000000ull);
	EXPECT_GE(vnpu_buffer_va(b), vnpu_buffer_va(a) + 4096);
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_buffer_map(b, (void **)&p));
	for (i = 0; i < 8192; i++)
		ASSERT_EQ(0, p[i]);
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_buffer_map(b, &m2));
	EXPECT_EQ((void *)p, m2);
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_buffer_write(b, 8191, "x", 1));
	EXPECT_EQ('x', p[8191]);
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_buffer_read(b, 8191, &byte, 1));
	EXPECT_EQ('x', byte);
	EXPECT_EQ(VNPU_STATUS_INVALID_ARGUMENT, vnpu_buffer_read(b, 8191, &byte, 2));
	EXPECT_STREQ("vnpu_buffer_read: range [8191, +2) is outside the buffer's 8192 bytes",
		     vnpu_last_error());
	EXPECT_EQ(VNPU_STATUS_INVALID_ARGUMENT, vnpu_buffer_write(b, 0, NULL, 1));
	EXPECT_EQ(0, vnpu_buffer_size(NULL));
	vnpu_buffer_free(a);
	vnpu_buffer_free(b);
	vnpu_buffer_free(NULL);
}

TEST_F(rt, an_exported_buffer_imports_as_the_same_memory)
{
	vnpu_device *other;
	vnpu_buffer *a, *b;
	uint32_t v = 0;
	int fd = -1, pipefd[2];

	ASSERT_EQ(VNPU_STATUS_OK, vnpu_device_open("cpu", NULL, &other));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_buffer_alloc(self->dev, 4096, &a));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_buffer_export(a, &fd));
	ASSERT_GE(fd, 0);
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_buffer_import(other, fd, &b));
	close(fd);
	EXPECT_EQ(4096, vnpu_buffer_size(b));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_buffer_write(a, 100, &(uint32_t){ 0xfeed }, 4));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_buffer_read(b, 100, &v, 4));
	EXPECT_EQ(0xfeed, v);
	vnpu_buffer_free(a);	/* the import keeps the memory */
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_buffer_read(b, 100, &v, 4));
	EXPECT_EQ(0xfeed, v);
	vnpu_buffer_free(b);
	EXPECT_EQ(VNPU_STATUS_INVALID_ARGUMENT, vnpu_buffer_import(other, -1, &b));
	ASSERT_EQ(0, pipe(pipefd));
	EXPECT_EQ(VNPU_STATUS_INVALID_ARGUMENT, vnpu_buffer_import(other, pipefd[0], &b));
	close(pipefd[0]);
	close(pipefd[1]);
	EXPECT_EQ(VNPU_STATUS_OK, vnpu_device_close(other));
}

TEST_F(rt, stream_arguments_are_checked)
{
	vnpu_stream_options so;
	vnpu_stream *s = (void *)1;
	vnpu_buffer *b;
	vnpu_buffer_use use;
	vnpu_device *other;
	uint8_t hdr[8];

	vnpu_stream_options_init(&so);
	EXPECT_EQ(VNPU_PRIORITY_NORMAL, so.priority);
	so.priority = 7;
	EXPECT_EQ(VNPU_STATUS_INVALID_ARGUMENT, vnpu_stream_create(self->dev, &so, &s));
	EXPECT_EQ(NULL, s);
	EXPECT_EQ(VNPU_STATUS_INVALID_ARGUMENT,
		  vnpu_stream_submit(self->s, NULL, 8, NULL, 0, NULL));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_device_open("cpu", NULL, &other));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_buffer_alloc(other, 1, &b));
	use = (vnpu_buffer_use){ b, VNPU_ACCESS_READ };
	memset(hdr, 0, sizeof(hdr));
	EXPECT_EQ(VNPU_STATUS_INVALID_ARGUMENT,
		  vnpu_stream_submit(self->s, hdr, 8, &use, 1, NULL));
	EXPECT_STREQ("vnpu_stream_submit: uses[0].buffer is of another device",
		     vnpu_last_error());
	vnpu_buffer_free(b);
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_buffer_alloc(self->dev, 1, &b));
	use = (vnpu_buffer_use){ b, 4 };
	EXPECT_EQ(VNPU_STATUS_INVALID_ARGUMENT,
		  vnpu_stream_submit(self->s, hdr, 8, &use, 1, NULL));
	EXPECT_EQ(VNPU_STATUS_INVALID_ARGUMENT,
		  vnpu_stream_submit(self->s, hdr, (1 << 20) + 8, NULL, 0, NULL));
	vnpu_buffer_free(b);
	EXPECT_EQ(VNPU_STATUS_OK, vnpu_device_close(other));
}

TEST_F(rt, jobs_are_numbered_and_run_in_order)
{
	vnpu_cmdbuf *cb;
	vnpu_buffer *b;
	uint64_t seq = 0, sub, done;
	uint32_t v[2];
	int i;

	ASSERT_EQ(VNPU_STATUS_OK, vnpu_cmdbuf_create(self->dev, &cb));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_buffer_alloc(self->dev, 4096, &b));
	for (i = 1; i <= 20; i++) {
		vnpu_cmdbuf_reset(cb);
		/* Each job copies word 0 to word 1, then sets word 0 to i. */
		ASSERT_EQ(VNPU_STATUS_OK, vnpu_cmdbuf_copy(cb, b, 4, b, 0, 4));
		ASSERT_EQ(VNPU_STATUS_OK, vnpu_cmdbuf_fill(cb, b, 0, 4, i));
		ASSERT_EQ(VNPU_STATUS_OK, vnpu_stream_submit_cmdbuf(self->s, cb, &seq));
		EXPECT_EQ(i, seq);
	}
	EXPECT_EQ(VNPU_STATUS_OK, vnpu_stream_sync(self->s));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_stream_progress(self->s, &sub, &done));
	EXPECT_EQ(20, sub);
	EXPECT_EQ(20, done);
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_buffer_read(b, 0, v, 8));
	EXPECT_EQ(20, v[0]);
	EXPECT_EQ(19, v[1]);
	vnpu_buffer_free(b);
	vnpu_cmdbuf_destroy(cb);
}

TEST_F(rt, cmdbuf_lists_buffers_with_the_access_packets_need)
{
	vnpu_cmdbuf *cb;
	vnpu_buffer *a, *b;
	struct vnpu_cmd_header bad = { .op = VNPU_OP_NOP, .size = 16 };
	uint32_t off = 0, v = 0;
	size_t size = 0;

	ASSERT_EQ(VNPU_STATUS_OK, vnpu_cmdbuf_create(self->dev, &cb));
	EXPECT_NE(NULL, vnpu_cmdbuf_data(cb, &size));
	EXPECT_EQ(8, size);
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_buffer_alloc(self->dev, 4096, &a));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_buffer_alloc(self->dev, 4096, &b));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_buffer_write(a, 64, &(uint32_t){ 77 }, 4));
	EXPECT_EQ(VNPU_STATUS_INVALID_ARGUMENT, vnpu_cmdbuf_append(cb, &bad, 8, NULL));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_cmdbuf_barrier(cb));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_cmdbuf_copy(cb, b, 8, a, 64, 4));
	{
		struct vnpu_cmd_timestamp t = {
			.hdr = { .op = VNPU_OP_TIMESTAMP, .size = sizeof(t) },
			.dst = vnpu_buffer_va(b) + 16,
		};

		ASSERT_EQ(VNPU_STATUS_OK, vnpu_cmdbuf_append(cb, &t, sizeof(t), &off));
	}
	EXPECT_EQ(8 + 8 + 32, off);
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_stream_submit_cmdbuf(self->s, cb, NULL));
	EXPECT_EQ(VNPU_STATUS_OK, vnpu_stream_sync(self->s));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_buffer_read(b, 8, &v, 4));
	EXPECT_EQ(77, v);
	/* Listed read-only on purpose: the write faults. */
	vnpu_cmdbuf_reset(cb);
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_cmdbuf_use(cb, a, VNPU_ACCESS_READ));
	EXPECT_EQ(VNPU_STATUS_INVALID_ARGUMENT, vnpu_cmdbuf_use(cb, a, 8));
	vnpu_buffer_free(a);
	vnpu_buffer_free(b);
	vnpu_cmdbuf_destroy(cb);
}

TEST_F(rt, events_time_jobs_and_order_other_streams)
{
	vnpu_event *e0, *e1, *never;
	vnpu_stream *s2;
	vnpu_buffer *big, *small;
	uint64_t t0 = 0, t1 = 0, el = 0, before = 0;
	uint32_t got[16];
	vnpu_cmdbuf *cb;
	int i;

	ASSERT_EQ(VNPU_STATUS_OK, vnpu_event_create(self->dev, &e0));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_event_create(self->dev, &e1));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_event_create(self->dev, &never));
	EXPECT_EQ(VNPU_STATUS_INVALID_ARGUMENT, vnpu_event_wait(never, 0));
	EXPECT_EQ(VNPU_STATUS_INVALID_ARGUMENT, vnpu_stream_wait_event(self->s, never));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_stream_create(self->dev, NULL, &s2));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_buffer_alloc(self->dev, 64 * MiB, &big));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_buffer_alloc(self->dev, 4096, &small));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_cmdbuf_create(self->dev, &cb));

	{
		struct timespec ts;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		before = ts.tv_sec * 1000000000ull + ts.tv_nsec;
	}
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_event_record(e0, self->s));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_cmdbuf_fill(cb, big, 0, 64 * MiB, 7));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_stream_submit_cmdbuf(self->s, cb, NULL));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_event_record(e1, self->s));
	/* A 64 MiB fill is still running: polls time out. */
	EXPECT_EQ(VNPU_STATUS_TIMEOUT, vnpu_event_timestamp(e1, &t1));
	EXPECT_EQ(VNPU_STATUS_TIMEOUT, vnpu_stream_wait(self->s, 0));

	/* s2 copies the end of the fill only after e1. */
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_stream_wait_event(s2, e1));
	vnpu_cmdbuf_reset(cb);
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_cmdbuf_copy(cb, small, 0, big, 64 * MiB - 64, 64));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_stream_submit_cmdbuf(s2, cb, NULL));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_stream_sync(s2));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_buffer_read(small, 0, got, 64));
	for (i = 0; i < 16; i++)
		EXPECT_EQ(7, got[i]);

	ASSERT_EQ(VNPU_STATUS_OK, vnpu_event_wait(e1, UINT64_MAX));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_event_timestamp(e0, &t0));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_event_timestamp(e1, &t1));
	EXPECT_GE(t0, before);
	EXPECT_GT(t1, t0);
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_event_elapsed(e0, e1, &el));
	EXPECT_EQ(t1 - t0, el);
	EXPECT_EQ(VNPU_STATUS_INVALID_ARGUMENT, vnpu_event_elapsed(e1, e0, &el));

	vnpu_cmdbuf_destroy(cb);
	vnpu_buffer_free(big);
	vnpu_buffer_free(small);
	vnpu_stream_destroy(s2);
	vnpu_event_destroy(e0);
	vnpu_event_destroy(e1);
	vnpu_event_destroy(never);
}

TEST_F(rt, a_buffer_freed_while_its_job_is_queued_stays_alive)
{
	vnpu_buffer *b;
	vnpu_cmdbuf *cb;

	ASSERT_EQ(VNPU_STATUS_OK, vnpu_cmdbuf_create(self->dev, &cb));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_buffer_alloc(self->dev, 32 * MiB, &b));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_cmdbuf_fill(cb, b, 0, 32 * MiB, 1));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_stream_submit_cmdbuf(self->s, cb, NULL));
	vnpu_buffer_free(b);	/* ASan would catch a write after unmap */
	vnpu_cmdbuf_destroy(cb);
	EXPECT_EQ(VNPU_STATUS_OK, vnpu_stream_sync(self->s));
}

TEST_HARNESS_MAIN
