/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The card's power and thermal model (vnpu_emu_power.c documents the
 * equations). All quantities are integers in the units hwmon uses.
 */
#ifndef __VNPU_EMU_POWER_H__
#define __VNPU_EMU_POWER_H__

#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/workqueue.h>

struct vnpu_hw;

/**
 * struct vnpu_emu_thermal - constants of one card model
 * @idle_uw: power with the cores idle, microwatts
 * @r_mc_per_w: thermal resistance, millidegrees per watt
 * @tau_ms: thermal time constant R * C at scale 1, milliseconds
 * @throttle_mc: the clock drops above this temperature
 * @crit_mc: jobs fail at or above this temperature
 * @clock_mhz: the AI cores' full clock
 */
struct vnpu_emu_thermal {
	u64 idle_uw;
	u32 r_mc_per_w;
	u32 tau_ms;
	s32 throttle_mc;
	s32 crit_mc;
	u32 clock_mhz;
};

/**
 * struct vnpu_emu_power - the model's state
 * @lock: protects everything below
 * @work: the periodic update
 * @last_ns: time of the last update
 * @last_busy_ns: cores' busy time at the last update
 * @last_dma_ns: DMA busy time at the last update
 * @util_permille: AI core utilization over the last period
 * @dma_permille: DMA engine utilization over the last period
 * @power_uw: power draw now
 * @power_avg_uw: exponential average over about a second
 * @energy_uj: energy since the card was plugged, only grows
 * @temp_mc: die temperature
 * @cap_uw: power cap (the TDP unless lowered)
 * @clock_permille: clock as a fraction of full, 1000 = full speed
 * @throttle: VNPU_THROTTLE_* reasons active now
 * @critical: the die is at or above the critical temperature
 */
struct vnpu_emu_power {
	spinlock_t lock; /* the model state */
	struct delayed_work work;
	u64 last_ns;
	u64 last_busy_ns;
	u64 last_dma_ns;
	u32 util_permille;
	u32 dma_permille;
	u64 power_uw;
	u64 power_avg_uw;
	u64 energy_uj;
	s32 temp_mc;
	u64 cap_uw;
	u32 clock_permille;
	u32 throttle;
	bool critical;
};

void vnpu_emu_power_start(struct vnpu_hw *hw);
void vnpu_emu_power_stop(struct vnpu_hw *hw);
/* How long to stall after WORK_NS of compute at the current clock, ns. */
u64 vnpu_emu_power_stall_ns(struct vnpu_hw *hw, u64 work_ns);
const struct vnpu_emu_thermal *vnpu_emu_thermal_of(const char *profile);

#endif /* __VNPU_EMU_POWER_H__ */
