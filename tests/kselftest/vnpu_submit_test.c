// SPDX-License-Identifier: GPL-2.0
/*
 * Contexts and SUBMIT's validation: every documented errno, and the
 * offset of the first bad packet.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <xf86drm.h>

#include "kselftest_harness.h"
#include "vnpu_test_util.h"

FIXTURE(submit) {
	int fd;
	uint32_t ctx;
	struct vnpu_test_bo bo;
	struct vnpu_stream s;
	struct drm_vnpu_submit args;
};

FIXTURE_SETUP(submit)
{
	ASSERT_TRUE(vnpu_ensure_unloaded());
	ASSERT_EQ(0, vnpu_load(""));
	self->fd = vnpu_open_card(0);
	ASSERT_GE(self->fd, 0);
	ASSERT_EQ(0, vnpu_ctx_new(self->fd, DRM_VNPU_PRIORITY_NORMAL,
				  &self->ctx));
	ASSERT_EQ(0, vnpu_bo_new(self->fd, 4096, &self->bo));
	vnpu_stream_init(&self->s);
	memset(&self->args, 0, sizeof(self->args));
}

FIXTURE_TEARDOWN(submit)
{
	vnpu_bo_free(self->fd, &self->bo);
	close(self->fd);
	EXPECT_TRUE(vnpu_ensure_unloaded());
}

static const uint32_t RW = DRM_VNPU_BO_READ | DRM_VNPU_BO_WRITE;

/* Submit the fixture's stream with the fixture's BO listed read-write. */
static int submit(FIXTURE_DATA(submit) *self)
{
	return vnpu_submit_stream(self->fd, self->ctx, &self->s, &self->bo,
				  &RW, 1, &self->args);
}

TEST_F(submit, context_ids_start_at_one_and_are_distinct)
{
	uint32_t a, b;

	ASSERT_EQ(0, vnpu_ctx_new(self->fd, DRM_VNPU_PRIORITY_LOW, &a));
	ASSERT_EQ(0, vnpu_ctx_new(self->fd, DRM_VNPU_PRIORITY_HIGH, &b));
	EXPECT_EQ(1, self->ctx);
	EXPECT_NE(a, b);
	EXPECT_NE(0, a);
}

TEST_F(submit, context_create_rejects_bad_arguments)
{
	struct drm_vnpu_ctx_create c = { .priority = 3 };

	EXPECT_EQ(-1, ioctl(self->fd, DRM_IOCTL_VNPU_CTX_CREATE, &c));
	EXPECT_EQ(EINVAL, errno);
	c = (struct drm_vnpu_ctx_create){ .flags = 1 };
	EXPECT_EQ(-1, ioctl(self->fd, DRM_IOCTL_VNPU_CTX_CREATE, &c));
	EXPECT_EQ(EINVAL, errno);
	c = (struct drm_vnpu_ctx_create){ .pad = 1 };
	EXPECT_EQ(-1, ioctl(self->fd, DRM_IOCTL_VNPU_CTX_CREATE, &c));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(submit, high_priority_needs_cap_sys_nice)
{
	pid_t pid = fork();
	int status;

	ASSERT_GE(pid, 0);
	if (pid == 0) {
		uint32_t id;

		/* The fd stays open; the credentials go. */
		if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
			_exit(2);
		_exit(vnpu_ctx_new(self->fd, DRM_VNPU_PRIORITY_HIGH, &id) ==
		      -EACCES ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

TEST_F(submit, contexts_per_file_are_limited)
{
	uint32_t id;
	int i;

	for (i = 1; i < VNPU_MAX_CONTEXTS; i++)
		ASSERT_EQ(0, vnpu_ctx_new(self->fd, DRM_VNPU_PRIORITY_LOW, &id));
	EXPECT_EQ(-ENOSPC, vnpu_ctx_new(self->fd, DRM_VNPU_PRIORITY_LOW, &id));
}

TEST_F(submit, destroy_and_query_of_unknown_context_are_enoent)
{
	struct drm_vnpu_ctx_destroy d = { .ctx_id = 77 };
	struct drm_vnpu_ctx_query q;

	EXPECT_EQ(-1, ioctl(self->fd, DRM_IOCTL_VNPU_CTX_DESTROY, &d));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(-ENOENT, vnpu_ctx_query(self->fd, 77, &q));
	d.ctx_id = self->ctx;
	EXPECT_EQ(0, ioctl(self->fd, DRM_IOCTL_VNPU_CTX_DESTROY, &d));
	EXPECT_EQ(-ENOENT, vnpu_ctx_query(self->fd, self->ctx, &q));
	EXPECT_EQ(-1, ioctl(self->fd, DRM_IOCTL_VNPU_CTX_DESTROY, &d));
	EXPECT_EQ(ENOENT, errno);
}

TEST_F(submit, contexts_belong_to_their_file)
{
	int fd2 = vnpu_open_card(0);
	struct drm_vnpu_ctx_query q;

	ASSERT_GE(fd2, 0);
	EXPECT_EQ(-ENOENT, vnpu_ctx_query(fd2, self->ctx, &q));
	close(fd2);
}

TEST_F(submit, a_valid_stream_gets_sequence_numbers_from_one)
{
	vnpu_stream_fill(&self->s, self->bo.va, 4096, 1);
	ASSERT_EQ(0, submit(self));
	EXPECT_EQ(1, self->args.seqno);
	ASSERT_EQ(0, submit(self));
	EXPECT_EQ(2, self->args.seqno);
}

TEST_F(submit, unknown_context_is_enoent)
{
	self->ctx = 99;
	EXPECT_EQ(-ENOENT, submit(self));
}

TEST_F(submit, nonzero_flags_and_pads_are_einval)
{
	self->args.flags = 1;
	EXPECT_EQ(-EINVAL, submit(self));
	self->args.flags = 0;
	self->args.pad = 1;
	EXPECT_EQ(-EINVAL, submit(self));
	self->args.pad = 0;
	self->args.pad2 = 1;
	EXPECT_EQ(-EINVAL, submit(self));
}

/* Corrupt one field of a valid stream and expect the packet's offset. */
static void expect_bad_packet(struct __test_metadata *_metadata,
			      FIXTURE_DATA(submit) *self, uint32_t off)
{
	EXPECT_EQ(-EINVAL, submit(self));
	EXPECT_EQ(off, self->args.error_offset);
}

TEST_F(submit, bad_stream_header_is_einval_at_offset_zero)
{
	vnpu_stream_fill(&self->s, self->bo.va, 4096, 1);
	self->s.buf[0] ^= 1;
	expect_bad_packet(_metadata, self, 0);
	self->s.buf[0] ^= 1;
	self->s.buf[4] = VNPU_CMD_VERSION + 1;
	expect_bad_packet(_metadata, self, 0);
}

TEST_F(submit, unknown_opcode_names_its_packet)
{
	struct vnpu_cmd_header h = { .op = 0x7777, .size = 8 };
	uint32_t off;

	vnpu_stream_fill(&self->s, self->bo.va, 4096, 1);
	off = vnpu_stream_add(&self->s, &h, sizeof(h));
	expect_bad_packet(_metadata, self, off);
}

TEST_F(submit, packet_flags_are_einval)
{
	uint32_t off = vnpu_stream_fill(&self->s, self->bo.va, 4096, 1);
	struct vnpu_cmd_header *h = (void *)(self->s.buf + off);

	h->flags = 1;
	expect_bad_packet(_metadata, self, off);
}

TEST_F(submit, packet_sizes_are_checked)
{
	uint32_t off = vnpu_stream_fill(&self->s, self->bo.va, 4096, 1);
	struct vnpu_cmd_header *h = (void *)(self->s.buf + off);

	h->size = 12;			/* not a multiple of 8 */
	expect_bad_packet(_metadata, self, off);
	h->size = 16;			/* shorter than a fill */
	expect_bad_packet(_metadata, self, off);
	h->size = 4096;			/* past the end of the stream */
	expect_bad_packet(_metadata, self, off);
	h->size = 0;
	expect_bad_packet(_metadata, self, off);
}

TEST_F(submit, fill_alignment_and_ranges_are_checked)
{
	uint32_t off = vnpu_stream_fill(&self->s, self->bo.va + 2, 4, 1);
	struct vnpu_cmd_fill *f = (void *)(self->s.buf + off);

	expect_bad_packet(_metadata, self, off);	/* unaligned dst */
	f->dst = self->bo.va;
	f->size = 6;
	expect_bad_packet(_metadata, self, off);	/* size % 4 */
	f->size = 0;
	expect_bad_packet(_metadata, self, off);	/* empty */
	f->size = 8;
	f->dst = UINT64_MAX - 3;
	expect_bad_packet(_metadata, self, off);	/* wraps */
	f->dst = 0x1000;
	expect_bad_packet(_metadata, self, off);	/* below VA_BASE */
	f->dst = self->bo.va;
	f->reserved = 1;
	expect_bad_packet(_metadata, self, off);
}

TEST_F(submit, overlapping_copy_is_einval)
{
	uint32_t off;

	vnpu_stream_fill(&self->s, self->bo.va, 16, 0);
	off = vnpu_stream_copy(&self->s, self->bo.va + 8, self->bo.va, 16);
	expect_bad_packet(_metadata, self, off);
}

TEST_F(submit, stream_outside_its_buffer_is_einval)
{
	struct drm_vnpu_submit_bo b = { self->bo.handle, RW };
	struct drm_vnpu_submit a = {
		.ctx_id = self->ctx, .cmd_handle = self->bo.handle,
		.cmd_offset = 4000, .cmd_size = 200,
		.bos = (uintptr_t)&b, .bo_count = 1, .bo_stride = sizeof(b),
	};

	EXPECT_EQ(-1, ioctl(self->fd, DRM_IOCTL_VNPU_SUBMIT, &a));
	EXPECT_EQ(EINVAL, errno);
	a.cmd_offset = UINT64_MAX - 8;
	a.cmd_size = 16;
	EXPECT_EQ(-1, ioctl(self->fd, DRM_IOCTL_VNPU_SUBMIT, &a));
	EXPECT_EQ(EINVAL, errno);
	a.cmd_offset = 0;
	a.cmd_handle = 999;
	EXPECT_EQ(-1, ioctl(self->fd, DRM_IOCTL_VNPU_SUBMIT, &a));
	EXPECT_EQ(ENOENT, errno);
}

TEST_F(submit, limits_are_e2big)
{
	struct drm_vnpu_submit a = { .ctx_id = self->ctx };
	uint64_t max;

	ASSERT_EQ(0, vnpu_param_u64(self->fd, DRM_VNPU_PARAM_MAX_CMD_SIZE, &max));
	a.cmd_size = max + 8;
	EXPECT_EQ(-1, ioctl(self->fd, DRM_IOCTL_VNPU_SUBMIT, &a));
	EXPECT_EQ(E2BIG, errno);
	ASSERT_EQ(0, vnpu_param_u64(self->fd, DRM_VNPU_PARAM_MAX_SUBMIT_BOS, &max));
	a.cmd_size = 8;
	a.bo_count = max + 1;
	EXPECT_EQ(-1, ioctl(self->fd, DRM_IOCTL_VNPU_SUBMIT, &a));
	EXPECT_EQ(E2BIG, errno);
	ASSERT_EQ(0, vnpu_param_u64(self->fd, DRM_VNPU_PARAM_MAX_SUBMIT_SYNCS, &max));
	a.bo_count = 0;
	a.in_sync_count = max + 1;
	EXPECT_EQ(-1, ioctl(self->fd, DRM_IOCTL_VNPU_SUBMIT, &a));
	EXPECT_EQ(E2BIG, errno);
	a.in_sync_count = 0;
	a.out_sync_count = max + 1;
	EXPECT_EQ(-1, ioctl(self->fd, DRM_IOCTL_VNPU_SUBMIT, &a));
	EXPECT_EQ(E2BIG, errno);
}

TEST_F(submit, array_strides_below_the_struct_are_einval)
{
	struct drm_vnpu_submit_bo b = { self->bo.handle, RW };

	vnpu_stream_fill(&self->s, self->bo.va, 4096, 1);
	self->args.in_syncs = (uintptr_t)&b;
	self->args.in_sync_count = 1;
	self->args.in_sync_stride = 8;
	EXPECT_EQ(-EINVAL, submit(self));
}

TEST_F(submit, nonzero_bytes_past_a_known_struct_are_e2big)
{
	struct { struct drm_vnpu_sync s; uint64_t future; } in = {
		.future = 1,
	};

	self->args.in_syncs = (uintptr_t)&in;
	self->args.in_sync_count = 1;
	self->args.in_sync_stride = sizeof(in);
	vnpu_stream_fill(&self->s, self->bo.va, 4096, 1);
	EXPECT_EQ(-E2BIG, submit(self));
}

TEST_F(submit, bad_bo_entries_are_rejected)
{
	struct vnpu_test_bo ghost = { .handle = 4242 };
	uint32_t none = 0, bogus = 4;

	vnpu_stream_fill(&self->s, self->bo.va, 4096, 1);
	EXPECT_EQ(-ENOENT, vnpu_submit_stream(self->fd, self->ctx, &self->s,
					      &ghost, &RW, 1, &self->args));
	EXPECT_EQ(-EINVAL, vnpu_submit_stream(self->fd, self->ctx, &self->s,
					      &self->bo, &none, 1, &self->args));
	EXPECT_EQ(-EINVAL, vnpu_submit_stream(self->fd, self->ctx, &self->s,
					      &self->bo, &bogus, 1, &self->args));
}

TEST_F(submit, unknown_syncobjs_are_enoent)
{
	struct drm_vnpu_sync s = { .handle = 555 };

	vnpu_stream_fill(&self->s, self->bo.va, 4096, 1);
	self->args.in_syncs = (uintptr_t)&s;
	self->args.in_sync_count = 1;
	self->args.in_sync_stride = sizeof(s);
	EXPECT_EQ(-ENOENT, submit(self));
	memset(&self->args, 0, sizeof(self->args));
	self->args.out_syncs = (uintptr_t)&s;
	self->args.out_sync_count = 1;
	self->args.out_sync_stride = sizeof(s);
	EXPECT_EQ(-ENOENT, submit(self));
}

TEST_F(submit, sync_flags_are_einval)
{
	struct drm_vnpu_sync s = { .flags = 1 };

	ASSERT_EQ(0, drmSyncobjCreate(self->fd, 0, &s.handle));
	vnpu_stream_fill(&self->s, self->bo.va, 4096, 1);
	self->args.out_syncs = (uintptr_t)&s;
	self->args.out_sync_count = 1;
	self->args.out_sync_stride = sizeof(s);
	EXPECT_EQ(-EINVAL, submit(self));
}

TEST_F(submit, bad_user_pointers_are_efault)
{
	vnpu_stream_fill(&self->s, self->bo.va, 4096, 1);
	self->args.in_syncs = 16;
	self->args.in_sync_count = 1;
	self->args.in_sync_stride = sizeof(struct drm_vnpu_sync);
	EXPECT_EQ(-EFAULT, submit(self));
}

TEST_HARNESS_MAIN
