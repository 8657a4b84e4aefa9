// SPDX-License-Identifier: GPL-2.0
/*
 * Card profiles. The figures are in vnpu_emu_profile_table.h, which
 * userspace tools include too.
 */
#include <linux/kernel.h>
#include <linux/sizes.h>
#include <linux/string.h>

#include "vnpu_emu_profile.h"

#define TERA 1000000000000ULL
#define GIGA 1000000000ULL
#define GIB ((u64)SZ_1G)

#define VNPU_EMU_PROFILE(k, n, id, gib, fp4, fp8, bf16, bw, link, tdp) \
	{								\
		.key = k,						\
		.name = n,						\
		.device_id = id,					\
		.mem_size = (gib) * GIB,				\
		.peak_fp4_flops = (fp4) * TERA,				\
		.peak_fp8_flops = (fp8) * TERA,				\
		.peak_bf16_flops = (bf16) * TERA,			\
		.mem_bandwidth = (bw) * GIGA,				\
		.link_bandwidth = (link) * GIGA,			\
		.tdp_uw = (tdp) * 1000000ULL,				\
	},

static const struct vnpu_emu_profile vnpu_emu_profiles[] = {
#include "vnpu_emu_profile_table.h"
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
