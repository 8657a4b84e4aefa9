// SPDX-License-Identifier: GPL-2.0
/*
 * Card profiles.
 *
 * atlas350 and 950dt are the two Ascend 950 boards: the same chip, so the
 * same compute, with different memory (HiBL 1.0: 112 GB at 1.4 TB/s;
 * HiZQ 2.0: 144 GB at 4.0 TB/s). FP8 and BF16 peaks follow the usual halving
 * per doubling of operand width. h20 carries NVIDIA H20 figures as a
 * comparison point (no FP4 units); it still enumerates as a vnpu card.
 * Capacities use binary GiB, the unit HBM stacks come in.
 */
#include <linux/kernel.h>
#include <linux/sizes.h>
#include <linux/string.h>

#include "vnpu_emu_profile.h"

#define TERA 1000000000000ULL
#define GIGA 1000000000ULL
#define GIB ((u64)SZ_1G)

static const struct vnpu_emu_profile vnpu_emu_profiles[] = {
	{
		.key = "atlas350",
		.name = "Atlas 350",
		.device_id = 0xd807,
		.mem_size = 112 * GIB,
		.peak_fp4_flops = 1560 * TERA,
		.peak_fp8_flops = 780 * TERA,
		.peak_bf16_flops = 390 * TERA,
		.mem_bandwidth = 1400 * GIGA,
		.link_bandwidth = 2000 * GIGA,
		.tdp_uw = 600 * 1000000ULL,
	},
	{
		.key = "950dt",
		.name = "Ascend 950DT",
		.device_id = 0xd808,
		.mem_size = 144 * GIB,
		.peak_fp4_flops = 1560 * TERA,
		.peak_fp8_flops = 780 * TERA,
		.peak_bf16_flops = 390 * TERA,
		.mem_bandwidth = 4000 * GIGA,
		.link_bandwidth = 2000 * GIGA,
		.tdp_uw = 600 * 1000000ULL,
	},
	{
		.key = "h20",
		.name = "H20 (reference)",
		.device_id = 0xd8f0,
		.mem_size = 96 * GIB,
		.peak_fp4_flops = 0,
		.peak_fp8_flops = 296 * TERA,
		.peak_bf16_flops = 148 * TERA,
		.mem_bandwidth = 4000 * GIGA,
		.link_bandwidth = 900 * GIGA,
		.tdp_uw = 400 * 1000000ULL,
	},
};

const struct vnpu_emu_profile *vnpu_emu_profile_find(const char *key)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(vnpu_emu_profiles); i++)
		if (sysfs_streq(key, vnpu_emu_profiles[i].key))
			return &vnpu_emu_profiles[i];
	return NULL;
}

void vnpu_emu_profile_keys(char *buf, size_t len)
{
	size_t i, off = 0;

	buf[0] = '\0';
	for (i = 0; i < ARRAY_SIZE(vnpu_emu_profiles); i++)
		off += scnprintf(buf + off, len - off, "%s%s", i ? ", " : "",
				 vnpu_emu_profiles[i].key);
}
