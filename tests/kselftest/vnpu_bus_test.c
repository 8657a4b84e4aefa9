// SPDX-License-Identifier: GPL-2.0
/*
 * The vnpu bus: adding and removing cards at run time through
 * /sys/bus/vnpu/new_device and del_device, netdevsim style.
 */
#include <errno.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "vnpu_test_util.h"

#define NEW "/sys/bus/vnpu/new_device"
#define DEL "/sys/bus/vnpu/del_device"

FIXTURE(bus) {
	int fd;
};

FIXTURE_SETUP(bus)
{
	self->fd = -1;
	ASSERT_TRUE(vnpu_ensure_unloaded());
}

FIXTURE_TEARDOWN(bus)
{
	if (self->fd >= 0)
		close(self->fd);
	EXPECT_TRUE(vnpu_ensure_unloaded());
}

TEST_F(bus, new_device_adds_a_card_with_its_profile)
{
	char buf[32];

	ASSERT_EQ(0, vnpu_load("num_devices=0"));
	ASSERT_EQ(0, vnpu_write_str(NEW, "3 h20"));
	EXPECT_EQ(0, access("/sys/bus/vnpu/devices/vnpu3", F_OK));
	self->fd = vnpu_open_card(0);
	ASSERT_GE(self->fd, 0);
	ASSERT_EQ(0, vnpu_param_str(self->fd, DRM_VNPU_PARAM_PROFILE, buf,
				    sizeof(buf)));
	EXPECT_STREQ("h20", buf);
	ASSERT_EQ(0, vnpu_param_str(self->fd, DRM_VNPU_PARAM_BUS_ID, buf,
				    sizeof(buf)));
	EXPECT_STREQ("0000:c4:00.0", buf);
}

TEST_F(bus, new_device_without_profile_uses_the_module_parameter)
{
	char buf[32];

	ASSERT_EQ(0, vnpu_load("num_devices=0 profile=950dt"));
	ASSERT_EQ(0, vnpu_write_str(NEW, "0"));
	self->fd = vnpu_open_card(0);
	ASSERT_GE(self->fd, 0);
	ASSERT_EQ(0, vnpu_param_str(self->fd, DRM_VNPU_PARAM_PROFILE, buf,
				    sizeof(buf)));
	EXPECT_STREQ("950dt", buf);
}

TEST_F(bus, new_device_with_a_taken_id_is_eexist)
{
	ASSERT_EQ(0, vnpu_load(""));
	EXPECT_EQ(-EEXIST, vnpu_write_str(NEW, "0"));
	EXPECT_NE(0, access("/sys/bus/vnpu/devices/vnpu1", F_OK));
}

TEST_F(bus, new_device_with_bad_input_is_einval)
{
	ASSERT_EQ(0, vnpu_load("num_devices=0"));
	EXPECT_EQ(-EINVAL, vnpu_write_str(NEW, "abc"));
	EXPECT_EQ(-EINVAL, vnpu_write_str(NEW, "16"));
	EXPECT_EQ(-EINVAL, vnpu_write_str(NEW, "-1"));
	EXPECT_EQ(-EINVAL, vnpu_write_str(NEW, "1 bogus"));
	EXPECT_FALSE(vnpu_node_exists(0));
}

TEST_F(bus, del_device_removes_the_card)
{
	ASSERT_EQ(0, vnpu_load("num_devices=2"));
	ASSERT_EQ(0, vnpu_write_str(DEL, "1"));
	EXPECT_NE(0, access("/sys/bus/vnpu/devices/vnpu1", F_OK));
	EXPECT_EQ(0, access("/sys/bus/vnpu/devices/vnpu0", F_OK));
	EXPECT_TRUE(vnpu_node_exists(0));
	EXPECT_FALSE(vnpu_node_exists(1));
}

TEST_F(bus, del_device_of_a_missing_card_is_enoent)
{
	ASSERT_EQ(0, vnpu_load(""));
	EXPECT_EQ(-ENOENT, vnpu_write_str(DEL, "5"));
	EXPECT_EQ(-EINVAL, vnpu_write_str(DEL, "x"));
	EXPECT_TRUE(vnpu_node_exists(0));
}

TEST_F(bus, del_device_with_an_open_file_unplugs_it)
{
	uint64_t v;

	ASSERT_EQ(0, vnpu_load(""));
	self->fd = vnpu_open_card(0);
	ASSERT_GE(self->fd, 0);
	ASSERT_EQ(0, vnpu_write_str(DEL, "0"));
	EXPECT_EQ(-ENODEV, vnpu_param_u64(self->fd, DRM_VNPU_PARAM_VENDOR_ID,
					  &v));
	close(self->fd);
	self->fd = -1;
	EXPECT_EQ(0, vnpu_unload());
}

TEST_F(bus, a_deleted_id_can_be_added_again)
{
	uint64_t v;

	ASSERT_EQ(0, vnpu_load(""));
	ASSERT_EQ(0, vnpu_write_str(DEL, "0"));
	ASSERT_EQ(0, vnpu_write_str(NEW, "0 h20"));
	self->fd = vnpu_open_card(0);
	ASSERT_GE(self->fd, 0);
	ASSERT_EQ(0, vnpu_param_u64(self->fd, DRM_VNPU_PARAM_DEVICE_ID, &v));
	EXPECT_EQ(0xd8f0, v);
}

TEST_HARNESS_MAIN
