// SPDX-License-Identifier: GPL-2.0
/*
 * Buffer objects: BO_CREATE/BO_INFO/BO_WAIT, mmap, the memory budget,
 * per-file address spaces and handles, PRIME sharing.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xf86drm.h>

#include "kselftest_harness.h"
#include "vnpu_test_util.h"

#define MEM_USED "/sys/bus/vnpu/devices/vnpu0/mem_used_bytes"
#define BO_COUNT "/sys/bus/vnpu/devices/vnpu0/bo_count"

static int bo_create(int fd, uint64_t size, struct drm_vnpu_bo_create *out)
{
	struct drm_vnpu_bo_create a = { .size = size };
	int ret = ioctl(fd, DRM_IOCTL_VNPU_BO_CREATE, &a) ? -errno : 0;

	if (out)
		*out = a;
	return ret;
}

static int bo_info(int fd, uint32_t handle, struct drm_vnpu_bo_info *out)
{
	struct drm_vnpu_bo_info a = { .handle = handle };
	int ret = ioctl(fd, DRM_IOCTL_VNPU_BO_INFO, &a) ? -errno : 0;

	if (out)
		*out = a;
	return ret;
}

static int bo_close(int fd, uint32_t handle)
{
	struct drm_gem_close c = { .handle = handle };

	return ioctl(fd, DRM_IOCTL_GEM_CLOSE, &c) ? -errno : 0;
}

static void *bo_map(int fd, uint32_t handle, size_t size)
{
	struct drm_vnpu_bo_info info;
	void *p;

	if (bo_info(fd, handle, &info))
		return NULL;
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 info.mmap_offset);
	return p == MAP_FAILED ? NULL : p;
}

static long long read_counter(const char *path)
{
	char buf[32];

	if (vnpu_read_line(path, buf, sizeof(buf)))
		return -1;
	return atoll(buf);
}

FIXTURE(bo) {
	int fd;
};

FIXTURE_VARIANT(bo) {
	const char *params;
};

FIXTURE_VARIANT_ADD(bo, budget_16m) {
	.params = "mem_mb=16",
};

FIXTURE_SETUP(bo)
{
	ASSERT_TRUE(vnpu_ensure_unloaded());
	ASSERT_EQ(0, vnpu_load(variant->params));
	self->fd = vnpu_open_card(0);
	ASSERT_GE(self->fd, 0);
}

FIXTURE_TEARDOWN(bo)
{
	close(self->fd);
	EXPECT_EQ(0, read_counter(MEM_USED));
	EXPECT_EQ(0, read_counter(BO_COUNT));
	EXPECT_TRUE(vnpu_ensure_unloaded());
}

TEST_F(bo, create_rounds_up_and_returns_handle_and_va)
{
	struct drm_vnpu_bo_create c;
	uint64_t base;

	ASSERT_EQ(0, vnpu_param_u64(self->fd, DRM_VNPU_PARAM_VA_BASE, &base));
	ASSERT_EQ(0, bo_create(self->fd, 1, &c));
	EXPECT_NE(0, c.handle);
	EXPECT_EQ(4096, c.size);
	EXPECT_GE(c.va, base);
	EXPECT_EQ(0, c.va % 4096);
	EXPECT_EQ(4096, read_counter(MEM_USED));
	EXPECT_EQ(1, read_counter(BO_COUNT));
	EXPECT_EQ(0, bo_close(self->fd, c.handle));
}

TEST_F(bo, buffer_objects_get_disjoint_addresses)
{
	struct drm_vnpu_bo_create c[3];
	int i, j;

	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, bo_create(self->fd, 8192 * (i + 1), &c[i]));
	for (i = 0; i < 3; i++)
		for (j = 0; j < 3; j++)
			if (i != j)
				EXPECT_TRUE(c[i].va + c[i].size <= c[j].va ||
					    c[j].va + c[j].size <= c[i].va);
}

TEST_F(bo, info_reports_what_create_returned)
{
	struct drm_vnpu_bo_create c;
	struct drm_vnpu_bo_info i;

	ASSERT_EQ(0, bo_create(self->fd, 20000, &c));
	ASSERT_EQ(0, bo_info(self->fd, c.handle, &i));
	EXPECT_EQ(c.va, i.va);
	EXPECT_EQ(20480, i.size);
	EXPECT_NE(0, i.mmap_offset);
}

TEST_F(bo, new_memory_is_zeroed_and_mmap_round_trips)
{
	struct drm_vnpu_bo_create c;
	unsigned char *p;
	size_t k;

	ASSERT_EQ(0, bo_create(self->fd, 65536, &c));
	p = bo_map(self->fd, c.handle, 65536);
	ASSERT_NE(NULL, p);
	for (k = 0; k < 65536; k++)
		ASSERT_EQ(0, p[k]);
	for (k = 0; k < 65536; k++)
		p[k] = (unsigned char)(k * 7);
	munmap(p, 65536);
	p = bo_map(self->fd, c.handle, 65536);
	ASSERT_NE(NULL, p);
	for (k = 0; k < 65536; k++)
		ASSERT_EQ((unsigned char)(k * 7), p[k]);
	munmap(p, 65536);
}

TEST_F(bo, zero_size_is_einval)
{
	EXPECT_EQ(-EINVAL, bo_create(self->fd, 0, NULL));
}

TEST_F(bo, unknown_flags_are_einval)
{
	struct drm_vnpu_bo_create a = { .size = 4096, .flags = 1 };

	EXPECT_EQ(-1, ioctl(self->fd, DRM_IOCTL_VNPU_BO_CREATE, &a));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(bo, size_above_the_limit_is_e2big)
{
	uint64_t max;

	ASSERT_EQ(0, vnpu_param_u64(self->fd, DRM_VNPU_PARAM_MAX_BO_SIZE, &max));
	EXPECT_EQ(16ull << 20, max);
	EXPECT_EQ(-E2BIG, bo_create(self->fd, max + 1, NULL));
	EXPECT_EQ(-E2BIG, bo_create(self->fd, UINT64_MAX, NULL));
	EXPECT_EQ(-E2BIG, bo_create(self->fd, UINT64_MAX - 4094, NULL));
}

TEST_F(bo, budget_exhaustion_is_enospc_until_memory_is_freed)
{
	struct drm_vnpu_bo_create big, c;

	ASSERT_EQ(0, bo_create(self->fd, 16 << 20, &big));
	EXPECT_EQ(16 << 20, read_counter(MEM_USED));
	EXPECT_EQ(-ENOSPC, bo_create(self->fd, 4096, NULL));
	ASSERT_EQ(0, bo_close(self->fd, big.handle));
	EXPECT_EQ(0, read_counter(MEM_USED));
	EXPECT_EQ(0, bo_create(self->fd, 4096, &c));
}

TEST_F(bo, unknown_handle_is_enoent)
{
	struct drm_vnpu_bo_wait w = { .handle = 1234 };

	EXPECT_EQ(-ENOENT, bo_info(self->fd, 1234, NULL));
	EXPECT_EQ(-1, ioctl(self->fd, DRM_IOCTL_VNPU_BO_WAIT, &w));
	EXPECT_EQ(ENOENT, errno);
}

TEST_F(bo, info_with_flags_is_einval)
{
	struct drm_vnpu_bo_create c;
	struct drm_vnpu_bo_info i = { .flags = 1 };

	ASSERT_EQ(0, bo_create(self->fd, 4096, &c));
	i.handle = c.handle;
	EXPECT_EQ(-1, ioctl(self->fd, DRM_IOCTL_VNPU_BO_INFO, &i));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(bo, wait_with_flags_or_pad_is_einval)
{
	struct drm_vnpu_bo_create c;
	struct drm_vnpu_bo_wait w = { .flags = 1 };

	ASSERT_EQ(0, bo_create(self->fd, 4096, &c));
	w.handle = c.handle;
	EXPECT_EQ(-1, ioctl(self->fd, DRM_IOCTL_VNPU_BO_WAIT, &w));
	EXPECT_EQ(EINVAL, errno);
	w.flags = 0;
	w.pad = 1;
	EXPECT_EQ(-1, ioctl(self->fd, DRM_IOCTL_VNPU_BO_WAIT, &w));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(bo, wait_on_an_idle_buffer_returns_at_once)
{
	struct drm_vnpu_bo_create c;
	struct drm_vnpu_bo_wait w = { 0 };

	ASSERT_EQ(0, bo_create(self->fd, 4096, &c));
	w.handle = c.handle;
	w.job_status = 99;
	EXPECT_EQ(0, ioctl(self->fd, DRM_IOCTL_VNPU_BO_WAIT, &w));
	EXPECT_EQ(0, w.job_status);
}

TEST_F(bo, closing_the_file_frees_its_buffers)
{
	int fd2 = vnpu_open_card(0);

	ASSERT_GE(fd2, 0);
	ASSERT_EQ(0, bo_create(fd2, 1 << 20, NULL));
	ASSERT_EQ(0, bo_create(fd2, 1 << 20, NULL));
	EXPECT_EQ(2 << 20, read_counter(MEM_USED));
	EXPECT_EQ(2, read_counter(BO_COUNT));
	close(fd2);
	EXPECT_EQ(0, read_counter(MEM_USED));
	EXPECT_EQ(0, read_counter(BO_COUNT));
}

TEST_F(bo, handles_belong_to_their_file)
{
	struct drm_vnpu_bo_create c;
	int fd2 = vnpu_open_card(0);

	ASSERT_GE(fd2, 0);
	ASSERT_EQ(0, bo_create(self->fd, 4096, &c));
	EXPECT_EQ(-ENOENT, bo_info(fd2, c.handle, NULL));
	/* DRM core's GEM_CLOSE answers an unknown handle with -EINVAL. */
	EXPECT_EQ(-EINVAL, bo_close(fd2, c.handle));
	EXPECT_EQ(0, bo_info(self->fd, c.handle, NULL));
	close(fd2);
}

TEST_F(bo, another_file_cannot_map_a_buffer_it_has_no_handle_for)
{
	struct drm_vnpu_bo_create c;
	struct drm_vnpu_bo_info i;
	int fd2 = vnpu_open_card(0);
	void *p;

	ASSERT_GE(fd2, 0);
	ASSERT_EQ(0, bo_create(self->fd, 4096, &c));
	ASSERT_EQ(0, bo_info(self->fd, c.handle, &i));
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd2, i.mmap_offset);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EACCES, errno);
	close(fd2);
}

TEST_F(bo, prime_shares_memory_and_maps_it_in_the_importer)
{
	struct drm_vnpu_bo_create c;
	struct drm_vnpu_bo_info i;
	uint32_t h2;
	int fd2 = vnpu_open_card(0), dmabuf;
	unsigned char *p, *q;

	ASSERT_GE(fd2, 0);
	ASSERT_EQ(0, bo_create(self->fd, 8192, &c));
	p = bo_map(self->fd, c.handle, 8192);
	ASSERT_NE(NULL, p);
	memset(p, 0x5a, 8192);

	ASSERT_EQ(0, drmPrimeHandleToFD(self->fd, c.handle, DRM_CLOEXEC,
					&dmabuf));
	ASSERT_EQ(0, drmPrimeFDToHandle(fd2, dmabuf, &h2));
	ASSERT_EQ(0, bo_info(fd2, h2, &i));
	EXPECT_EQ(8192, i.size);
	EXPECT_NE(0, i.va);
	q = bo_map(fd2, h2, 8192);
	ASSERT_NE(NULL, q);
	EXPECT_EQ(0x5a, q[0]);
	EXPECT_EQ(0x5a, q[8191]);
	/* Counted once: it is one buffer. */
	EXPECT_EQ(8192, read_counter(MEM_USED));

	munmap(p, 8192);
	munmap(q, 8192);
	close(dmabuf);
	close(fd2);
}

TEST_F(bo, exported_buffer_outlives_its_handle_until_the_dmabuf_closes)
{
	struct drm_vnpu_bo_create c;
	int dmabuf;

	ASSERT_EQ(0, bo_create(self->fd, 4096, &c));
	ASSERT_EQ(0, drmPrimeHandleToFD(self->fd, c.handle, DRM_CLOEXEC,
					&dmabuf));
	ASSERT_EQ(0, bo_close(self->fd, c.handle));
	EXPECT_EQ(4096, read_counter(MEM_USED));
	close(dmabuf);
	EXPECT_EQ(0, read_counter(MEM_USED));
}

TEST_HARNESS_MAIN
