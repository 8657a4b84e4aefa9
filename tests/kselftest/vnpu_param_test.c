// SPDX-License-Identifier: GPL-2.0
/*
 * DRM_IOCTL_VNPU_GET_PARAM: the values each profile reports, and the
 * errno of every malformed request.
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "vnpu_test_util.h"

#define GIB (1ull << 30)
#define TERA 1000000000000ull
#define GIGA 1000000000ull

struct profile_expect {
	const char *key, *name;
	uint64_t device_id, mem_size, fp4, fp8, bf16, mem_bw, link_bw, tdp_uw;
};

static const struct profile_expect atlas350 = {
	"atlas350", "Atlas 350", 0xd807, 112 * GIB, 1560 * TERA, 780 * TERA,
	390 * TERA, 1400 * GIGA, 2000 * GIGA, 600000000,
};
static const struct profile_expect dt950 = {
	"950dt", "Ascend 950DT", 0xd808, 144 * GIB, 1560 * TERA, 780 * TERA,
	390 * TERA, 4000 * GIGA, 2000 * GIGA, 600000000,
};
static const struct profile_expect h20 = {
	"h20", "H20 (reference)", 0xd8f0, 96 * GIB, 0, 296 * TERA, 148 * TERA,
	4000 * GIGA, 900 * GIGA, 400000000,
};

FIXTURE(card) {
	int fd;
};

FIXTURE_VARIANT(card) {
	const char *params;
	const struct profile_expect *p;
};

FIXTURE_VARIANT_ADD(card, atlas350) {
	.params = "",
	.p = &atlas350,
};

FIXTURE_VARIANT_ADD(card, profile_950dt) {
	.params = "profile=950dt",
	.p = &dt950,
};

FIXTURE_VARIANT_ADD(card, profile_h20) {
	.params = "profile=h20",
	.p = &h20,
};

FIXTURE_SETUP(card)
{
	self->fd = -1;
	ASSERT_TRUE(vnpu_ensure_unloaded());
	ASSERT_EQ(0, vnpu_load(variant->params));
	self->fd = vnpu_open_card(0);
	ASSERT_GE(self->fd, 0);
}

FIXTURE_TEARDOWN(card)
{
	if (self->fd >= 0)
		close(self->fd);
	EXPECT_TRUE(vnpu_ensure_unloaded());
}

static uint64_t u64_param(struct __test_metadata *_metadata, int fd,
			  uint32_t param)
{
	uint64_t v = ~0ull;

	EXPECT_EQ(0, vnpu_param_u64(fd, param, &v));
	return v;
}

TEST_F(card, integer_parameters_match_the_profile)
{
	const struct profile_expect *p = variant->p;
	int fd = self->fd;

	EXPECT_EQ(DRM_VNPU_ABI_VERSION,
		  u64_param(_metadata, fd, DRM_VNPU_PARAM_ABI_VERSION));
	EXPECT_EQ(0x19e5, u64_param(_metadata, fd, DRM_VNPU_PARAM_VENDOR_ID));
	EXPECT_EQ(p->device_id,
		  u64_param(_metadata, fd, DRM_VNPU_PARAM_DEVICE_ID));
	EXPECT_EQ(p->mem_size, u64_param(_metadata, fd, DRM_VNPU_PARAM_MEM_SIZE));
	EXPECT_EQ(2048ull << 20,
		  u64_param(_metadata, fd, DRM_VNPU_PARAM_MEM_BUDGET));
	EXPECT_EQ((uint64_t)sysconf(_SC_NPROCESSORS_ONLN),
		  u64_param(_metadata, fd, DRM_VNPU_PARAM_AI_CORES));
	EXPECT_EQ(p->fp4, u64_param(_metadata, fd, DRM_VNPU_PARAM_PEAK_FP4_FLOPS));
	EXPECT_EQ(p->fp8, u64_param(_metadata, fd, DRM_VNPU_PARAM_PEAK_FP8_FLOPS));
	EXPECT_EQ(p->bf16,
		  u64_param(_metadata, fd, DRM_VNPU_PARAM_PEAK_BF16_FLOPS));
	EXPECT_EQ(p->mem_bw,
		  u64_param(_metadata, fd, DRM_VNPU_PARAM_MEM_BANDWIDTH));
	EXPECT_EQ(p->link_bw,
		  u64_param(_metadata, fd, DRM_VNPU_PARAM_LINK_BANDWIDTH));
	EXPECT_EQ(p->tdp_uw, u64_param(_metadata, fd, DRM_VNPU_PARAM_TDP));
}

TEST_F(card, string_parameters_match_the_profile)
{
	char buf[64];

	ASSERT_EQ(0, vnpu_param_str(self->fd, DRM_VNPU_PARAM_PROFILE, buf,
				    sizeof(buf)));
	EXPECT_STREQ(variant->p->key, buf);
	ASSERT_EQ(0, vnpu_param_str(self->fd, DRM_VNPU_PARAM_NAME, buf,
				    sizeof(buf)));
	EXPECT_STREQ(variant->p->name, buf);
	ASSERT_EQ(0, vnpu_param_str(self->fd, DRM_VNPU_PARAM_BUS_ID, buf,
				    sizeof(buf)));
	EXPECT_STREQ("0000:c1:00.0", buf);
}

TEST_F(card, string_length_query_with_null_buffer)
{
	struct drm_vnpu_get_param a = { .param = DRM_VNPU_PARAM_PROFILE };

	ASSERT_EQ(0, vnpu_get_param(self->fd, &a));
	EXPECT_EQ(strlen(variant->p->key) + 1, a.size);
	EXPECT_EQ(0, a.value);
}

TEST_F(card, string_into_short_buffer_is_erange_and_untouched)
{
	char buf[4] = "xyz";
	struct drm_vnpu_get_param a = {
		.param = DRM_VNPU_PARAM_BUS_ID,
		.value = (uintptr_t)buf,
		.size = sizeof(buf),
	};

	EXPECT_EQ(-ERANGE, vnpu_get_param(self->fd, &a));
	EXPECT_EQ(strlen("0000:c1:00.0") + 1, a.size);
	EXPECT_STREQ("xyz", buf);
}

TEST_F(card, string_into_exact_size_buffer_fits)
{
	char buf[13];

	ASSERT_EQ(0, vnpu_param_str(self->fd, DRM_VNPU_PARAM_BUS_ID, buf,
				    sizeof(buf)));
	EXPECT_STREQ("0000:c1:00.0", buf);
}

TEST_F(card, string_into_bad_pointer_is_efault)
{
	struct drm_vnpu_get_param a = {
		.param = DRM_VNPU_PARAM_PROFILE,
		.value = 16, /* never mapped */
		.size = 64,
	};

	EXPECT_EQ(-EFAULT, vnpu_get_param(self->fd, &a));
}

TEST_F(card, unknown_param_is_einval)
{
	/* Far past the last parameter, so new parameters do not break it. */
	struct drm_vnpu_get_param a = { .param = 1000 };

	EXPECT_EQ(-EINVAL, vnpu_get_param(self->fd, &a));
	a.param = 0xffffffff;
	EXPECT_EQ(-EINVAL, vnpu_get_param(self->fd, &a));
}

TEST_F(card, nonzero_flags_are_einval)
{
	struct drm_vnpu_get_param a = { .param = 0, .flags = 1 };

	EXPECT_EQ(-EINVAL, vnpu_get_param(self->fd, &a));
	a.flags = 0x80000000;
	EXPECT_EQ(-EINVAL, vnpu_get_param(self->fd, &a));
}

TEST_F(card, nonzero_pad_is_einval)
{
	struct drm_vnpu_get_param a = { .param = 0, .pad = 1 };

	EXPECT_EQ(-EINVAL, vnpu_get_param(self->fd, &a));
}

TEST_F(card, nonzero_size_for_integer_param_is_einval)
{
	struct drm_vnpu_get_param a = { .param = DRM_VNPU_PARAM_TDP, .size = 8 };

	EXPECT_EQ(-EINVAL, vnpu_get_param(self->fd, &a));
}

TEST_F(card, unknown_driver_ioctl_is_einval)
{
	struct drm_vnpu_get_param a = { 0 };
	unsigned long nr = DRM_IOWR(DRM_COMMAND_BASE + 0x3f,
				    struct drm_vnpu_get_param);

	EXPECT_EQ(-1, ioctl(self->fd, nr, &a));
	EXPECT_EQ(EINVAL, errno);
}

TEST_HARNESS_MAIN
