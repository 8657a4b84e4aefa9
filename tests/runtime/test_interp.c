// SPDX-License-Identifier: GPL-2.0
/*
 * The CPU backend's interpreter: every workload of rt_cases.c gives the
 * bytes of direct engine calls, for any thread count and SIMD variant;
 * malformed streams are refused at submit naming the packet; faults while
 * running are reported by the next sync, naming the job and the packet.
 */
#include <stdlib.h>
#include <string.h>

#include <drm/vnpu_cmd.h>
#include <vnpu/vnpu.h>
#include <vnpu_engine/engine.h>

#include "kselftest_harness.h"
#include "rt_cases.h"

#define HDR(op_, p) { .op = (op_), .size = sizeof(p) }

FIXTURE(cpu) {
	vnpu_device *dev;
	vnpu_stream *s;
	void *out, *want;
};

static void open_cpu(struct __test_metadata *_metadata, vnpu_device **dev,
		     uint32_t threads, uint32_t features)
{
	vnpu_device_options o;

	vnpu_device_options_init(&o);
	o.cpu_threads = threads;
	o.cpu_features = features;
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_device_open("cpu", &o, dev))
		TH_LOG("%s", vnpu_last_error());
}

FIXTURE_SETUP(cpu)
{
	vnpu_init_options io;

	vnpu_init_options_init(&io);
	io.flags = VNPU_INIT_NO_ENV;
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_init(&io));
	open_cpu(_metadata, &self->dev, 4, UINT32_MAX);
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_stream_create(self->dev, NULL, &self->s));
	self->out = malloc(RT_MAX_OUT);
	self->want = malloc(RT_MAX_OUT);
}

FIXTURE_TEARDOWN(cpu)
{
	vnpu_stream_destroy(self->s);
	EXPECT_EQ(VNPU_STATUS_OK, vnpu_device_close(self->dev));
	EXPECT_EQ(VNPU_STATUS_OK, vnpu_shutdown());
	free(self->out);
	free(self->want);
}

TEST_F(cpu, every_workload_matches_direct_engine_calls_bit_for_bit)
{
	size_t i, bytes;

	for (i = 0; i < rt_ncases; i++) {
		memset(self->want, 0xa5, RT_MAX_OUT);
		ASSERT_EQ(VNPU_STATUS_OK,
			  rt_case_run(&rt_cases[i], self->dev, self->s, self->out,
				      self->want, &bytes))
			TH_LOG("%s: %s", rt_cases[i].name, vnpu_last_error());
		ASSERT_GT(bytes, 0);
		EXPECT_EQ(0, memcmp(self->want, self->out, bytes))
			TH_LOG("%s differs from the engine", rt_cases[i].name);
	}
}

/*
 * Same outputs with 1, 5, 2 and 3 threads and with generic C (both builds) /
 * AVX2 / all.
 */
TEST_F(cpu, results_do_not_depend_on_threads_or_simd_variant)
{
	static const uint32_t features[] = { 0, VNPU_CPU_SSSE3, VNPU_CPU_AVX2,
					     UINT32_MAX };
	static const uint32_t threads[] = { 1, 5, 2, 3 };
	void *other = malloc(RT_MAX_OUT);
	size_t i, v, bytes, b2;

	for (v = 0; v < ARRAY_SIZE(features); v++) {
		vnpu_device *dev;
		vnpu_stream *s;

		open_cpu(_metadata, &dev, threads[v], features[v]);
		ASSERT_EQ(VNPU_STATUS_OK, vnpu_stream_create(dev, NULL, &s));
		for (i = 0; i < rt_ncases; i++) {
			ASSERT_EQ(VNPU_STATUS_OK,
				  rt_case_run(&rt_cases[i], self->dev, self->s,
					      self->out, NULL, &bytes));
			ASSERT_EQ(VNPU_STATUS_OK,
				  rt_case_run(&rt_cases[i], dev, s, other, NULL, &b2));
			ASSERT_EQ(bytes, b2);
			EXPECT_EQ(0, memcmp(self->out, other, bytes))
				TH_LOG("%s: %u threads, features 0x%x differ",
				       rt_cases[i].name, threads[v], features[v]);
		}
		vnpu_stream_destroy(s);
		EXPECT_EQ(VNPU_STATUS_OK, vnpu_device_close(dev));
	}
	free(other);
}

/* Submit the raw packets PKTS (SIZE bytes after the header) listing BUF. */
static vnpu_status submit_raw(FIXTURE_DATA(cpu) *self, const void *pkts,
			      size_t size, vnpu_buffer *buf, uint32_t access,
			      uint64_t *seq)
{
	uint8_t cmd[1024];
	struct vnpu_cmd_stream_header h = {
		.magic = VNPU_CMD_MAGIC, .version = VNPU_CMD_VERSION,
	};
	vnpu_buffer_use use = { buf, access };

	memcpy(cmd, &h, sizeof(h));
	memcpy(cmd + sizeof(h), pkts, size);
	return vnpu_stream_submit(self->s, cmd, sizeof(h) + size, &use,
				  buf ? 1 : 0, seq);
}

TEST_F(cpu, a_bad_header_is_refused_at_offset_0)
{
	struct vnpu_cmd_stream_header h = { .magic = 0x12345678, .version = 1 };
	uint64_t seq = 99;

	EXPECT_EQ(VNPU_STATUS_INVALID_STREAM,
		  vnpu_stream_submit(self->s, &h, sizeof(h), NULL, 0, &seq));
	EXPECT_NE(NULL, strstr(vnpu_last_error(), "offset 0:"))
		TH_LOG("%s", vnpu_last_error());
	EXPECT_EQ(99, seq);
	EXPECT_EQ(VNPU_STATUS_INVALID_STREAM,
		  vnpu_stream_submit(self->s, &h, 4, NULL, 0, NULL));
}

TEST_F(cpu, a_bad_packet_is_refused_naming_its_offset_and_reason)
{
	vnpu_buffer *b;
	struct {
		struct vnpu_cmd_header nop;
		struct vnpu_cmd_fill fill;
	} p = {
		.nop = HDR(VNPU_OP_NOP, p.nop),
		.fill = { .hdr = HDR(VNPU_OP_FILL, p.fill), .size = 6 },
	};
	uint64_t done;

	ASSERT_EQ(VNPU_STATUS_OK, vnpu_buffer_alloc(self->dev, 4096, &b));
	p.fill.dst = vnpu_buffer_va(b);
	EXPECT_EQ(VNPU_STATUS_INVALID_STREAM,
		  submit_raw(self, &p, sizeof(p), b, VNPU_ACCESS_WRITE, NULL));
	EXPECT_STREQ("packet at offset 0x10 (FILL): size must be a non-zero multiple of 4",
		     vnpu_last_error());
	/* Nothing was queued. */
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_stream_progress(self->s, &done, NULL));
	EXPECT_EQ(0, done);

	p.fill.size = 8;
	p.fill.hdr.flags = 1;
	EXPECT_EQ(VNPU_STATUS_INVALID_STREAM,
		  submit_raw(self, &p, sizeof(p), b, VNPU_ACCESS_WRITE, NULL));
	EXPECT_STREQ("packet at offset 0x10 (FILL): flags 0x1, must be 0",
		     vnpu_last_error());

	p.fill.hdr.flags = 0;
	p.fill.dst += 2;
	EXPECT_EQ(VNPU_STATUS_INVALID_STREAM,
		  submit_raw(self, &p, sizeof(p), b, VNPU_ACCESS_WRITE, NULL));
	EXPECT_NE(NULL, strstr(vnpu_last_error(), "is misaligned"));

	p.fill.dst = 0x1000;	/* below the device address space */
	EXPECT_EQ(VNPU_STATUS_INVALID_STREAM,
		  submit_raw(self, &p, sizeof(p), b, VNPU_ACCESS_WRITE, NULL));
	EXPECT_NE(NULL, strstr(vnpu_last_error(), "outside the device address space"));

	p.fill.hdr.op = 99;
	EXPECT_EQ(VNPU_STATUS_INVALID_STREAM,
		  submit_raw(self, &p, sizeof(p), b, VNPU_ACCESS_WRITE, NULL));
	EXPECT_STREQ("packet at offset 0x10: unknown opcode 99", vnpu_last_error());

	p.fill.hdr.op = VNPU_OP_FILL;
	p.fill.hdr.size = 4096;	/* runs past the stream */
	EXPECT_EQ(VNPU_STATUS_INVALID_STREAM,
		  submit_raw(self, &p, sizeof(p), b, VNPU_ACCESS_WRITE, NULL));
	EXPECT_NE(NULL, strstr(vnpu_last_error(), "offset 0x10: size 4096"));
	vnpu_buffer_free(b);
}

TEST_F(cpu, overlapping_copy_and_matmul_rules_are_enforced)
{
	vnpu_buffer *b;
	struct vnpu_cmd_copy c = { .hdr = HDR(VNPU_OP_COPY, c), .size = 64 };
	struct vnpu_cmd_matmul m = {
		.hdr = HDR(VNPU_OP_MATMUL, m), .m = 1, .n = 16, .k = 33,
		.w_fmt = VNPU_CMD_FMT_MXFP4, .a_fmt = VNPU_CMD_FMT_FP32,
		.c_fmt = VNPU_CMD_FMT_FP32, .lda = 33, .ldc = 16,
	};

	ASSERT_EQ(VNPU_STATUS_OK, vnpu_buffer_alloc(self->dev, 1 << 16, &b));
	c.dst = vnpu_buffer_va(b);
	c.src = c.dst + 32;
	EXPECT_EQ(VNPU_STATUS_INVALID_STREAM,
		  submit_raw(self, &c, sizeof(c), b, VNPU_ACCESS_WRITE, NULL));
	EXPECT_STREQ(vnpu_last_error(), "packet at offset 0x8 (COPY): operand 0 [0x100000000, +0x40) overlaps another operand");

	m.w = m.a = m.c = vnpu_buffer_va(b);
	EXPECT_EQ(VNPU_STATUS_INVALID_STREAM,
		  submit_raw(self, &m, sizeof(m), b, VNPU_ACCESS_WRITE, NULL));
	EXPECT_STREQ("packet at offset 0x8 (MATMUL): k must be a multiple of 32 up to VNPU_CMD_MAX_K",
		     vnpu_last_error());
	vnpu_buffer_free(b);
}

TEST_F(cpu, an_address_outside_the_jobs_buffers_faults_at_sync)
{
	vnpu_buffer *listed, *unlisted;
	struct vnpu_cmd_copy c = { .hdr = HDR(VNPU_OP_COPY, c), .size = 64 };
	uint64_t seq = 0;
	uint32_t v = 0;

	ASSERT_EQ(VNPU_STATUS_OK, vnpu_buffer_alloc(self->dev, 4096, &listed));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_buffer_alloc(self->dev, 4096, &unlisted));
	c.dst = vnpu_buffer_va(listed);
	c.src = vnpu_buffer_va(unlisted);
	ASSERT_EQ(VNPU_STATUS_OK, submit_raw(self, &c, sizeof(c), listed,
					     VNPU_ACCESS_WRITE, &seq));
	EXPECT_EQ(1, seq);
	EXPECT_EQ(VNPU_STATUS_DEVICE_FAULT, vnpu_stream_sync(self->s));
	EXPECT_NE(NULL, strstr(vnpu_last_error(),
			       "job 1 failed: device fault at packet offset 0x8 (COPY)"))
		TH_LOG("%s", vnpu_last_error());
	/* Reported once. */
	EXPECT_EQ(VNPU_STATUS_OK, vnpu_stream_sync(self->s));

	/* A later job of the stream still runs. */
	{
		struct vnpu_cmd_fill f = {
			.hdr = HDR(VNPU_OP_FILL, f), .dst = vnpu_buffer_va(listed),
			.size = 4, .value = 0xabcd,
		};

		ASSERT_EQ(VNPU_STATUS_OK, submit_raw(self, &f, sizeof(f), listed,
						     VNPU_ACCESS_WRITE, &seq));
		EXPECT_EQ(2, seq);
	}
	EXPECT_EQ(VNPU_STATUS_OK, vnpu_stream_sync(self->s));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_buffer_read(listed, 0, &v, 4));
	EXPECT_EQ(0xabcd, v);
	vnpu_buffer_free(listed);
	vnpu_buffer_free(unlisted);
}

TEST_F(cpu, writing_a_buffer_listed_read_only_faults)
{
	vnpu_buffer *b;
	struct vnpu_cmd_fill f = { .hdr = HDR(VNPU_OP_FILL, f), .size = 16 };
	uint32_t v = 1;

	ASSERT_EQ(VNPU_STATUS_OK, vnpu_buffer_alloc(self->dev, 4096, &b));
	f.dst = vnpu_buffer_va(b) + 64;
	f.value = 5;
	ASSERT_EQ(VNPU_STATUS_OK, submit_raw(self, &f, sizeof(f), b,
					     VNPU_ACCESS_READ, NULL));
	EXPECT_EQ(VNPU_STATUS_DEVICE_FAULT, vnpu_stream_sync(self->s));
	EXPECT_NE(NULL, strstr(vnpu_last_error(), "read-only"));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_buffer_read(b, 64, &v, 4));
	EXPECT_EQ(0, v);
	vnpu_buffer_free(b);
}

TEST_F(cpu, a_range_running_past_its_buffer_faults)
{
	vnpu_buffer *b;
	struct vnpu_cmd_fill f = { .hdr = HDR(VNPU_OP_FILL, f), .size = 8192 };

	ASSERT_EQ(VNPU_STATUS_OK, vnpu_buffer_alloc(self->dev, 4096, &b));
	f.dst = vnpu_buffer_va(b);
	ASSERT_EQ(VNPU_STATUS_OK, submit_raw(self, &f, sizeof(f), b,
					     VNPU_ACCESS_WRITE, NULL));
	EXPECT_EQ(VNPU_STATUS_DEVICE_FAULT, vnpu_stream_sync(self->s));
	EXPECT_NE(NULL, strstr(vnpu_last_error(), "is not inside one buffer"));
	vnpu_buffer_free(b);
}

TEST_F(cpu, a_gather_index_past_the_table_faults)
{
	vnpu_buffer *b;
	uint32_t idx[2] = { 1, 4 };
	struct vnpu_cmd_gather g = {
		.hdr = HDR(VNPU_OP_GATHER, g), .rows = 4, .cols = 2, .n = 2,
	};

	ASSERT_EQ(VNPU_STATUS_OK, vnpu_buffer_alloc(self->dev, 4096, &b));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_buffer_write(b, 64, idx, sizeof(idx)));
	g.table = vnpu_buffer_va(b);
	g.idx = g.table + 64;
	g.out = g.table + 128;
	ASSERT_EQ(VNPU_STATUS_OK, submit_raw(self, &g, sizeof(g), b,
					     VNPU_ACCESS_READ | VNPU_ACCESS_WRITE,
					     NULL));
	EXPECT_EQ(VNPU_STATUS_DEVICE_FAULT, vnpu_stream_sync(self->s));
	EXPECT_STREQ("job 1 failed: device fault at packet offset 0x8 (GATHER): an index is past the table's 4 rows",
		     vnpu_last_error());
	vnpu_buffer_free(b);
}

TEST(debug_sync_makes_the_faulting_submit_report_it)
{
	vnpu_init_options io;
	vnpu_device *dev;
	vnpu_stream *s;
	vnpu_buffer *b;
	struct {
		struct vnpu_cmd_stream_header h;
		struct vnpu_cmd_fill f;
	} cmd = {
		.h = { .magic = VNPU_CMD_MAGIC, .version = VNPU_CMD_VERSION },
		.f = { .hdr = HDR(VNPU_OP_FILL, cmd.f), .size = 4 },
	};
	vnpu_buffer_use use;

	/* VNPU_DEBUG=sync through the environment, as a user would. */
	ASSERT_EQ(0, setenv("VNPU_DEBUG", "sync", 1));
	vnpu_init_options_init(&io);
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_init(&io));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_device_open("cpu", NULL, &dev));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_stream_create(dev, NULL, &s));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_buffer_alloc(dev, 4096, &b));
	cmd.f.dst = vnpu_buffer_va(b);
	use = (vnpu_buffer_use){ b, VNPU_ACCESS_READ };
	EXPECT_EQ(VNPU_STATUS_DEVICE_FAULT,
		  vnpu_stream_submit(s, &cmd, sizeof(cmd), &use, 1, NULL));
	EXPECT_NE(NULL, strstr(vnpu_last_error(), "job 1 failed"));
	use.access = VNPU_ACCESS_WRITE;
	EXPECT_EQ(VNPU_STATUS_OK,
		  vnpu_stream_submit(s, &cmd, sizeof(cmd), &use, 1, NULL));
	vnpu_buffer_free(b);
	vnpu_stream_destroy(s);
	EXPECT_EQ(VNPU_STATUS_OK, vnpu_device_close(dev));
	EXPECT_EQ(VNPU_STATUS_OK, vnpu_shutdown());
	unsetenv("VNPU_DEBUG");
}

TEST_HARNESS_MAIN
