// SPDX-License-Identifier: GPL-2.0
/*
 * vnpu.ko life cycle: loading with each parameter, rejecting bad ones with
 * a message, unloading with and without open files.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <libkmod.h>
#include <xf86drm.h>

#include "kselftest_harness.h"
#include "vnpu_test_util.h"

#define UNBIND "/sys/bus/vnpu/drivers/vnpu/unbind"
#define BIND "/sys/bus/vnpu/drivers/vnpu/bind"

FIXTURE(module) {
	int fd;
};

FIXTURE_SETUP(module)
{
	self->fd = -1;
	ASSERT_TRUE(vnpu_ensure_unloaded());
}

FIXTURE_TEARDOWN(module)
{
	if (self->fd >= 0)
		close(self->fd);
	EXPECT_TRUE(vnpu_ensure_unloaded());
}

static void expect_param_file(struct __test_metadata *_metadata,
			      const char *name, const char *value)
{
	char path[128], buf[64];

	snprintf(path, sizeof(path), "/sys/module/vnpu/parameters/%s", name);
	ASSERT_EQ(0, vnpu_read_line(path, buf, sizeof(buf)));
	EXPECT_STREQ(value, buf);
}

TEST_F(module, loads_with_defaults_and_creates_one_accel_node)
{
	drmVersionPtr ver;

	ASSERT_EQ(0, vnpu_load(""));
	EXPECT_TRUE(vnpu_node_exists(0));
	EXPECT_FALSE(vnpu_node_exists(1));

	self->fd = vnpu_open_card(0);
	ASSERT_GE(self->fd, 0);
	ver = drmGetVersion(self->fd);
	ASSERT_NE(NULL, ver);
	EXPECT_STREQ("vnpu", ver->name);
	EXPECT_EQ(1, ver->version_major);
	drmFreeVersion(ver);
}

TEST_F(module, default_parameters_show_in_sysfs)
{
	ASSERT_EQ(0, vnpu_load(""));
	expect_param_file(_metadata, "num_devices", "1");
	expect_param_file(_metadata, "profile", "atlas350");
	expect_param_file(_metadata, "mem_mb", "2048");
	expect_param_file(_metadata, "ai_cores", "0");
}

TEST_F(module, every_parameter_has_a_modinfo_description)
{
	static const char *const names[] = { "num_devices", "profile",
					     "mem_mb", "ai_cores" };
	struct kmod_list *info = NULL, *l;
	struct kmod_module *mod;
	struct kmod_ctx *ctx;
	unsigned int found = 0, i;

	ctx = kmod_new(NULL, NULL);
	ASSERT_NE(NULL, ctx);
	ASSERT_EQ(0, kmod_module_new_from_name(ctx, "vnpu", &mod));
	ASSERT_LT(0, kmod_module_get_info(mod, &info));
	kmod_list_foreach(l, info) {
		const char *key = kmod_module_info_get_key(l);
		const char *val = kmod_module_info_get_value(l);

		if (strcmp(key, "parm"))
			continue;
		for (i = 0; i < 4; i++) {
			size_t n = strlen(names[i]);

			/* "name:description"; type lines are "parmtype" */
			if (!strncmp(val, names[i], n) && val[n] == ':' &&
			    strlen(val + n + 1) > 10)
				found |= 1u << i;
		}
	}
	kmod_module_info_free_list(info);
	kmod_module_unref(mod);
	kmod_unref(ctx);
	EXPECT_EQ(0xfu, found);
}

TEST_F(module, num_devices_creates_that_many_cards)
{
	char bus[32];
	int i, fd;

	ASSERT_EQ(0, vnpu_load("num_devices=3"));
	for (i = 0; i < 3; i++) {
		char want[32];

		fd = vnpu_open_card(i);
		ASSERT_GE(fd, 0);
		ASSERT_EQ(0, vnpu_param_str(fd, DRM_VNPU_PARAM_BUS_ID, bus,
					    sizeof(bus)));
		snprintf(want, sizeof(want), "0000:%02x:00.0", 0xc1 + i);
		EXPECT_STREQ(want, bus);
		close(fd);
	}
	EXPECT_FALSE(vnpu_node_exists(3));
}

TEST_F(module, num_devices_zero_loads_without_cards)
{
	ASSERT_EQ(0, vnpu_load("num_devices=0"));
	EXPECT_TRUE(vnpu_loaded());
	EXPECT_FALSE(vnpu_node_exists(0));
}

TEST_F(module, mem_mb_sets_the_memory_budget)
{
	uint64_t v;

	ASSERT_EQ(0, vnpu_load("mem_mb=512"));
	self->fd = vnpu_open_card(0);
	ASSERT_GE(self->fd, 0);
	ASSERT_EQ(0, vnpu_param_u64(self->fd, DRM_VNPU_PARAM_MEM_BUDGET, &v));
	EXPECT_EQ(512ull << 20, v);
}

TEST_F(module, ai_cores_defaults_to_online_cpus)
{
	uint64_t v;

	ASSERT_EQ(0, vnpu_load(""));
	self->fd = vnpu_open_card(0);
	ASSERT_GE(self->fd, 0);
	ASSERT_EQ(0, vnpu_param_u64(self->fd, DRM_VNPU_PARAM_AI_CORES, &v));
	EXPECT_EQ((uint64_t)sysconf(_SC_NPROCESSORS_ONLN), v);
}

TEST_F(module, ai_cores_sets_the_core_count)
{
	uint64_t v;

	ASSERT_EQ(0, vnpu_load("ai_cores=5"));
	self->fd = vnpu_open_card(0);
	ASSERT_GE(self->fd, 0);
	ASSERT_EQ(0, vnpu_param_u64(self->fd, DRM_VNPU_PARAM_AI_CORES, &v));
	EXPECT_EQ(5, v);
}

/* Loads that must fail with -EINVAL and say why in the kernel log. */
static void expect_rejected(struct __test_metadata *_metadata,
			    const char *params, const char *message)
{
	int mark = vnpu_kmsg_mark();

	EXPECT_EQ(-EINVAL, vnpu_load(params));
	EXPECT_FALSE(vnpu_loaded());
	EXPECT_FALSE(vnpu_node_exists(0));
	EXPECT_TRUE(vnpu_kmsg_find(mark, message))
		TH_LOG("kernel log lacks \"%s\"", message);
}

TEST_F(module, unknown_profile_is_rejected_with_the_known_ones)
{
	expect_rejected(_metadata, "profile=bogus",
			"unknown profile 'bogus' (known: atlas350, 950dt, h20)");
}

TEST_F(module, too_many_devices_are_rejected)
{
	expect_rejected(_metadata, "num_devices=17",
			"num_devices=17 is out of range");
}

TEST_F(module, ai_cores_out_of_range_is_rejected)
{
	expect_rejected(_metadata, "ai_cores=65", "ai_cores=65 is out of range");
}

TEST_F(module, mem_mb_below_minimum_is_rejected)
{
	expect_rejected(_metadata, "mem_mb=8", "mem_mb=8 is out of range");
}

TEST_F(module, mem_mb_above_host_ram_is_rejected)
{
	expect_rejected(_metadata, "mem_mb=1048576",
			"mem_mb=1048576 is out of range");
}

TEST_F(module, non_numeric_parameter_is_rejected)
{
	expect_rejected(_metadata, "num_devices=many",
			"invalid for parameter `num_devices'");
}

TEST_F(module, unload_without_open_files_removes_everything)
{
	ASSERT_EQ(0, vnpu_load("num_devices=2"));
	ASSERT_EQ(0, vnpu_unload());
	EXPECT_FALSE(vnpu_loaded());
	EXPECT_FALSE(vnpu_node_exists(0));
	EXPECT_FALSE(vnpu_node_exists(1));
	EXPECT_NE(0, access("/sys/bus/vnpu", F_OK));
}

TEST_F(module, reload_cycles_are_clean)
{
	int i;

	for (i = 0; i < 5; i++) {
		ASSERT_EQ(0, vnpu_load("num_devices=2"));
		self->fd = vnpu_open_card(1);
		ASSERT_GE(self->fd, 0);
		close(self->fd);
		self->fd = -1;
		ASSERT_EQ(0, vnpu_unload());
	}
}

/*
 * An open file holds a reference on the module (the DRM fops' owner), so
 * the kernel refuses to unload: rmmod gets -EAGAIN and the card keeps
 * working. Taking a card away under open files is unbinding it.
 */
TEST_F(module, unload_with_open_file_is_refused_and_card_keeps_working)
{
	uint64_t v;

	ASSERT_EQ(0, vnpu_load(""));
	self->fd = vnpu_open_card(0);
	ASSERT_GE(self->fd, 0);
	EXPECT_EQ(-EAGAIN, vnpu_unload());
	EXPECT_TRUE(vnpu_loaded());
	EXPECT_EQ(0, vnpu_param_u64(self->fd, DRM_VNPU_PARAM_VENDOR_ID, &v));
	EXPECT_EQ(0x19e5, v);
}

TEST_F(module, unbind_with_open_file_unplugs_and_later_calls_get_enodev)
{
	uint64_t v = 0;

	ASSERT_EQ(0, vnpu_load(""));
	self->fd = vnpu_open_card(0);
	ASSERT_GE(self->fd, 0);

	ASSERT_EQ(0, vnpu_write_str(UNBIND, "vnpu0"));
	EXPECT_FALSE(vnpu_node_exists(0));
	EXPECT_EQ(-ENODEV, vnpu_param_u64(self->fd, DRM_VNPU_PARAM_VENDOR_ID,
					  &v));
	EXPECT_EQ(-ENODEV, vnpu_param_u64(self->fd, DRM_VNPU_PARAM_ABI_VERSION,
					  &v));

	/* The stale file closes cleanly, then the module goes. */
	close(self->fd);
	self->fd = -1;
	EXPECT_EQ(0, vnpu_unload());
}

TEST_F(module, rebind_after_unbind_brings_the_card_back)
{
	uint64_t v = 0;

	ASSERT_EQ(0, vnpu_load(""));
	ASSERT_EQ(0, vnpu_write_str(UNBIND, "vnpu0"));
	EXPECT_FALSE(vnpu_node_exists(0));
	ASSERT_EQ(0, vnpu_write_str(BIND, "vnpu0"));
	self->fd = vnpu_open_card(0);
	ASSERT_GE(self->fd, 0);
	EXPECT_EQ(0, vnpu_param_u64(self->fd, DRM_VNPU_PARAM_DEVICE_ID, &v));
	EXPECT_EQ(0xd807, v);
}

TEST_HARNESS_MAIN
