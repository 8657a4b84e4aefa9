// SPDX-License-Identifier: GPL-2.0
/*
 * The card's power and thermal model, driven by what the emulated AI cores
 * and DMA engine really did. Every VNPU_EMU_POWER_PERIOD_MS:
 *
 *   u      = AI core busy time / (cores * dt)          (0..1)
 *   d      = DMA busy time / dt                        (0..1)
 *   P      = P_idle + (TDP - P_idle) * min(1, u + d/4)
 *   T_ss   = T_ambient + P * R
 *   T     += (T_ss - T) * dt / (tau + dt)    first-order RC, implicit Euler
 *   E     += P * dt                          energy, only grows
 *   P_avg += (P - P_avg) * dt / (1 s + dt)
 *
 * tau = R * C comes from the profile and is scaled by the module parameter
 * thermal_time_scale (percent) so tests can heat a card in seconds;
 * T_ambient is the module parameter ambient_c (a hot aisle throttles
 * sooner).
 *
 * Throttling: above T_throttle (thermal) or above the power cap, the clock
 * f drops 5% per period down to 20%; once both are clear (2 degrees of
 * hysteresis, 5% under the cap) it climbs back 5% per period. A slower
 * clock really slows the work: the cores stall after each tile for
 * work * (1/f - 1), so they are busy (and draw power) a fraction f of the
 * time they would be. At or above T_crit the card fails jobs (-EIO) until it
 * has cooled 5 degrees below. Throttle start/stop and critical temperature
 * raise the card's event interrupt.
 */
#include <linux/delay.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/module.h>
#include <linux/string.h>
#include <linux/timekeeping.h>

#include "vnpu_emu.h"

#define VNPU_EMU_POWER_PERIOD_MS 20

static unsigned int thermal_time_scale = 100;
module_param(thermal_time_scale, uint, 0444);
MODULE_PARM_DESC(thermal_time_scale,
		 "Thermal time constant in percent of the real card's (1-1000, default 100; 1 heats 100x faster)");

static int ambient_c = 35;
module_param(ambient_c, int, 0444);
MODULE_PARM_DESC(ambient_c,
		 "Inlet air temperature the thermal model assumes, Celsius (0-100, default 35)");

static const struct vnpu_emu_thermal vnpu_emu_thermals[] = {
	/* Ascend 950: 600 W, settles at 95 C under full load: throttles. */
	{ .idle_uw = 90000000, .r_mc_per_w = 100,
	  .tau_ms = 30000, .throttle_mc = 85000, .crit_mc = 105000,
	  .clock_mhz = 1650 },
	/* H20: 400 W. */
	{ .idle_uw = 60000000, .r_mc_per_w = 140,
	  .tau_ms = 25000, .throttle_mc = 87000, .crit_mc = 100000,
	  .clock_mhz = 1980 },
};

const struct vnpu_emu_thermal *vnpu_emu_thermal_of(const char *profile)
{
	return strcmp(profile, "h20") ? &vnpu_emu_thermals[0] :
					&vnpu_emu_thermals[1];
}

static s32 vnpu_emu_ambient_mc(void)
{
	return clamp(ambient_c, 0, 100) * 1000;
}

static u32 vnpu_emu_permille(u64 part, u64 whole)
{
	return whole ? min_t(u64, div64_u64(part * 1000, whole), 1000) : 0;
}

static void vnpu_emu_raise(struct vnpu_hw *hw, enum vnpu_hw_event ev, u32 arg)
{
	void (*fn)(void *data, enum vnpu_hw_event ev, u32 arg);
	void *data;

	spin_lock(&hw->event_lock);
	fn = hw->event_fn;
	data = hw->event_data;
	if (fn)
		fn(data, ev, arg);
	spin_unlock(&hw->event_lock);
}

static void vnpu_emu_power_update(struct work_struct *work)
{
	struct vnpu_emu_power *pw = container_of(to_delayed_work(work),
						 struct vnpu_emu_power, work);
	struct vnpu_hw *hw = container_of(pw, struct vnpu_hw, power);
	const struct vnpu_emu_thermal *th = hw->thermal;
	u64 now = ktime_get_ns(), busy = atomic64_read(&hw->cores.busy_ns);
	u64 dma = atomic64_read(&hw->dma_ns), dt, tau, load, dyn, p, tdp;
	u32 old_throttle, reasons = 0;
	bool was_critical;
	s32 t_ss;

	spin_lock(&pw->lock);
	dt = max_t(u64, now - pw->last_ns, 1);
	pw->util_permille = vnpu_emu_permille(busy - pw->last_busy_ns,
					      dt * hw->info.ai_cores);
	pw->dma_permille = vnpu_emu_permille(dma - pw->last_dma_ns, dt);
	pw->last_ns = now;
	pw->last_busy_ns = busy;
	pw->last_dma_ns = dma;

	tdp = hw->info.tdp_uw;
	load = min_t(u64, pw->util_permille + pw->dma_permille / 4, 1000);
	dyn = div_u64((tdp - th->idle_uw) * load, 1000);
	p = th->idle_uw + dyn;
	pw->power_uw = p;
	pw->energy_uj += div_u64(p * dt, NSEC_PER_SEC);
	if (pw->power_avg_uw > p)
		pw->power_avg_uw -= div64_u64((pw->power_avg_uw - p) * dt,
					      NSEC_PER_SEC + dt);
	else
		pw->power_avg_uw += div64_u64((p - pw->power_avg_uw) * dt,
					      NSEC_PER_SEC + dt);

	t_ss = vnpu_emu_ambient_mc() + (s32)div_u64(p * th->r_mc_per_w, 1000000);
	tau = (u64)th->tau_ms * NSEC_PER_MSEC / 100 *
	      clamp(thermal_time_scale, 1u, 1000u);
	pw->temp_mc += (s32)div64_s64((s64)(t_ss - pw->temp_mc) * (s64)dt,
				      (s64)(tau + dt));

	if (pw->temp_mc > th->throttle_mc)
		reasons |= VNPU_THROTTLE_THERMAL;
	if (p > pw->cap_uw)
		reasons |= VNPU_THROTTLE_POWER_CAP;
	if (reasons)
		pw->clock_permille = max_t(s32, (s32)pw->clock_permille - 50, 200);
	else if (pw->temp_mc < th->throttle_mc - 2000 &&
		 p < div_u64(pw->cap_uw * 95, 100))
		pw->clock_permille = min(pw->clock_permille + 50, 1000u);
	/* Still slowed down: the reason that started it is still the one. */
	old_throttle = pw->throttle;
	if (reasons || pw->clock_permille < 1000)
		pw->throttle = reasons ? reasons : old_throttle;
	else
		pw->throttle = 0;

	was_critical = pw->critical;
	if (pw->temp_mc >= th->crit_mc)
		pw->critical = true;
	else if (pw->temp_mc < th->crit_mc - 5000)
		pw->critical = false;
	spin_unlock(&pw->lock);

	if (!old_throttle && pw->throttle)
		vnpu_emu_raise(hw, VNPU_HW_EVENT_THROTTLE_START, pw->throttle);
	else if (old_throttle && !pw->throttle)
		vnpu_emu_raise(hw, VNPU_HW_EVENT_THROTTLE_STOP, 0);
	if (!was_critical && pw->critical)
		vnpu_emu_raise(hw, VNPU_HW_EVENT_CRITICAL, pw->temp_mc);

	schedule_delayed_work(&pw->work,
			      msecs_to_jiffies(VNPU_EMU_POWER_PERIOD_MS));
}

u64 vnpu_emu_power_stall_ns(struct vnpu_hw *hw, u64 work_ns)
{
	u32 f = READ_ONCE(hw->power.clock_permille);

	return f >= 1000 ? 0 : div_u64(work_ns * (1000 - f), max(f, 1u));
}

void vnpu_emu_power_start(struct vnpu_hw *hw)
{
	struct vnpu_emu_power *pw = &hw->power;

	hw->thermal = vnpu_emu_thermal_of(hw->info.profile);
	spin_lock_init(&pw->lock);
	spin_lock_init(&hw->event_lock);
	pw->last_ns = ktime_get_ns();
	pw->temp_mc = vnpu_emu_ambient_mc() +
		      (s32)div_u64(hw->thermal->idle_uw *
				   hw->thermal->r_mc_per_w, 1000000);
	pw->power_uw = hw->thermal->idle_uw;
	pw->power_avg_uw = hw->thermal->idle_uw;
	pw->cap_uw = hw->info.tdp_uw;
	pw->clock_permille = 1000;
	INIT_DELAYED_WORK(&pw->work, vnpu_emu_power_update);
	schedule_delayed_work(&pw->work,
			      msecs_to_jiffies(VNPU_EMU_POWER_PERIOD_MS));
}

void vnpu_emu_power_stop(struct vnpu_hw *hw)
{
	cancel_delayed_work_sync(&hw->power.work);
	vnpu_hw_set_event_handler(hw, NULL, NULL);
}

void vnpu_hw_telemetry(struct vnpu_hw *hw, struct vnpu_hw_telemetry *t)
{
	struct vnpu_emu_power *pw = &hw->power;

	spin_lock(&pw->lock);
	*t = (struct vnpu_hw_telemetry){
		.power_uw = pw->power_uw,
		.power_avg_uw = pw->power_avg_uw,
		.energy_uj = pw->energy_uj,
		.cap_uw = pw->cap_uw,
		.tdp_uw = hw->info.tdp_uw,
		.idle_uw = hw->thermal->idle_uw,
		.temp_mc = pw->temp_mc,
		.temp_max_mc = hw->thermal->throttle_mc,
		.temp_crit_mc = hw->thermal->crit_mc,
		.util_permille = pw->util_permille,
		.dma_permille = pw->dma_permille,
		.clock_mhz = div_u64((u64)hw->thermal->clock_mhz *
				     pw->clock_permille, 1000),
		.clock_max_mhz = hw->thermal->clock_mhz,
		.throttle = pw->throttle,
		.critical = pw->critical,
	};
	spin_unlock(&pw->lock);
}

int vnpu_hw_set_power_cap(struct vnpu_hw *hw, u64 cap_uw)
{
	if (cap_uw < hw->thermal->idle_uw || cap_uw > hw->info.tdp_uw)
		return -EINVAL;
	spin_lock(&hw->power.lock);
	hw->power.cap_uw = cap_uw;
	spin_unlock(&hw->power.lock);
	return 0;
}

void vnpu_hw_set_event_handler(struct vnpu_hw *hw,
			       void (*fn)(void *data, enum vnpu_hw_event ev,
					  u32 arg),
			       void *data)
{
	spin_lock(&hw->event_lock);
	hw->event_fn = fn;
	hw->event_data = data;
	spin_unlock(&hw->event_lock);
}

bool vnpu_emu_power_critical(struct vnpu_hw *hw)
{
	return READ_ONCE(hw->power.critical);
}
