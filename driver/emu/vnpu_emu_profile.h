/* SPDX-License-Identifier: GPL-2.0 */
/* Card profiles: what each emulated card model reports and predicts. */
#ifndef __VNPU_EMU_PROFILE_H__
#define __VNPU_EMU_PROFILE_H__

#include <linux/types.h>

#define VNPU_VENDOR_HUAWEI 0x19e5

/**
 * struct vnpu_emu_profile - one card model
 * @key: the profile= module parameter value
 * @name: marketing name reported to userspace
 * @device_id: PCI device id the card reports
 * @mem_size: HBM capacity, bytes
 * @peak_fp4_flops: dense FP4 (MXFP4/NVFP4) peak, FLOP/s; 0: no FP4 units
 * @peak_fp8_flops: dense FP8 peak, FLOP/s
 * @peak_bf16_flops: dense BF16 peak, FLOP/s
 * @mem_bandwidth: HBM bandwidth, bytes/s
 * @link_bandwidth: card-to-card interconnect, bytes/s
 * @tdp_uw: thermal design power, microwatts
 */
struct vnpu_emu_profile {
	const char *key;
	const char *name;
	u16 device_id;
	u64 mem_size;
	u64 peak_fp4_flops;
	u64 peak_fp8_flops;
	u64 peak_bf16_flops;
	u64 mem_bandwidth;
	u64 link_bandwidth;
	u64 tdp_uw;
};

const struct vnpu_emu_profile *vnpu_emu_profile_find(const char *key);
/* The known keys as "a, b, c" into BUF, for error messages. */
void vnpu_emu_profile_keys(char *buf, size_t len);

#endif /* __VNPU_EMU_PROFILE_H__ */
