// SPDX-License-Identifier: GPL-2.0
/*
 * hwmon: the card's power, energy and temperature, so lm-sensors and
 * anything else that reads hwmon see the card ("vnpu").
 */
#include <linux/hwmon.h>

#include <drm/drm_drv.h>

#include "vnpu_drv.h"

static umode_t vnpu_hwmon_is_visible(const void *data,
				     enum hwmon_sensor_types type, u32 attr,
				     int channel)
{
	if (type == hwmon_power && attr == hwmon_power_cap)
		return 0644;
	return 0444;
}

static int vnpu_hwmon_read(struct device *dev, enum hwmon_sensor_types type,
			   u32 attr, int channel, long *val)
{
	struct vnpu_device *vdev = dev_get_drvdata(dev);
	struct vnpu_hw_telemetry t;
	int idx;

	if (!drm_dev_enter(&vdev->drm, &idx))
		return -ENODEV;
	vnpu_hw_telemetry(vdev->hw, &t);
	drm_dev_exit(idx);

	switch (type) {
	case hwmon_power:
		switch (attr) {
		case hwmon_power_input:
			*val = t.power_uw;
			return 0;
		case hwmon_power_average:
			*val = t.power_avg_uw;
			return 0;
		case hwmon_power_cap:
			*val = t.cap_uw;
			return 0;
		case hwmon_power_cap_max:
			*val = t.tdp_uw;
			return 0;
		case hwmon_power_cap_min:
			*val = t.idle_uw;
			return 0;
		}
		break;
	case hwmon_energy:
		*val = t.energy_uj;
		return 0;
	case hwmon_temp:
		switch (attr) {
		case hwmon_temp_input:
			*val = t.temp_mc;
			return 0;
		case hwmon_temp_max:
			*val = t.temp_max_mc;
			return 0;
		case hwmon_temp_crit:
			*val = t.temp_crit_mc;
			return 0;
		}
		break;
	default:
		break;
	}
	return -EOPNOTSUPP;
}

static int vnpu_hwmon_write(struct device *dev, enum hwmon_sensor_types type,
			    u32 attr, int channel, long val)
{
	struct vnpu_device *vdev = dev_get_drvdata(dev);
	int idx, ret;

	if (type != hwmon_power || attr != hwmon_power_cap || val < 0)
		return -EINVAL;
	if (!drm_dev_enter(&vdev->drm, &idx))
		return -ENODEV;
	ret = vnpu_hw_set_power_cap(vdev->hw, val);
	drm_dev_exit(idx);
	return ret;
}

static const struct hwmon_channel_info *const vnpu_hwmon_info[] = {
	HWMON_CHANNEL_INFO(power, HWMON_P_INPUT | HWMON_P_AVERAGE |
			   HWMON_P_CAP | HWMON_P_CAP_MAX | HWMON_P_CAP_MIN),
	HWMON_CHANNEL_INFO(energy, HWMON_E_INPUT),
	HWMON_CHANNEL_INFO(temp, HWMON_T_INPUT | HWMON_T_MAX | HWMON_T_CRIT),
	NULL,
};

static const struct hwmon_ops vnpu_hwmon_ops = {
	.is_visible = vnpu_hwmon_is_visible,
	.read = vnpu_hwmon_read,
	.write = vnpu_hwmon_write,
};

static const struct hwmon_chip_info vnpu_hwmon_chip = {
	.ops = &vnpu_hwmon_ops,
	.info = vnpu_hwmon_info,
};

int vnpu_hwmon_init(struct vnpu_device *vdev)
{
	struct device *hwmon;

	/* devm on the card's device: it goes when the card is unbound. */
	hwmon = devm_hwmon_device_register_with_info(vdev->drm.dev, "vnpu",
						     vdev, &vnpu_hwmon_chip,
						     NULL);
	return PTR_ERR_OR_ZERO(hwmon);
}
