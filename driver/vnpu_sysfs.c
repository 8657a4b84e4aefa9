// SPDX-License-Identifier: GPL-2.0
/*
 * Card attributes in sysfs, on the card's bus device
 * (/sys/bus/vnpu/devices/vnpuN/): what monitoring tools and tests read
 * without opening the device.
 */
#include <linux/device.h>
#include <linux/sysfs.h>

#include <drm/drm_drv.h>
#include <drm/vnpu_accel.h>

#include "vnpu_drv.h"

static struct vnpu_device *dev_to_vdev(struct device *dev)
{
	return dev_get_drvdata(dev);
}

static ssize_t mem_used_bytes_show(struct device *dev,
				   struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%lld\n",
			  atomic64_read(&dev_to_vdev(dev)->mem_used));
}
static DEVICE_ATTR_RO(mem_used_bytes);

static ssize_t mem_total_bytes_show(struct device *dev,
				    struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%llu\n", dev_to_vdev(dev)->info.mem_budget);
}
static DEVICE_ATTR_RO(mem_total_bytes);

static ssize_t bo_count_show(struct device *dev, struct device_attribute *attr,
			     char *buf)
{
	return sysfs_emit(buf, "%d\n", atomic_read(&dev_to_vdev(dev)->bo_count));
}
static DEVICE_ATTR_RO(bo_count);

/* Read the card's telemetry: 0 or -ENODEV once it is gone. */
static int vnpu_sysfs_telemetry(struct device *dev, struct vnpu_hw_telemetry *t)
{
	struct vnpu_device *vdev = dev_to_vdev(dev);
	int idx;

	if (!drm_dev_enter(&vdev->drm, &idx))
		return -ENODEV;
	vnpu_hw_telemetry(vdev->hw, t);
	drm_dev_exit(idx);
	return 0;
}

#define VNPU_TELEMETRY_ATTR(name, fmt, expr)				\
static ssize_t name##_show(struct device *dev,				\
			   struct device_attribute *attr, char *buf)	\
{									\
	struct vnpu_hw_telemetry t;					\
	int ret = vnpu_sysfs_telemetry(dev, &t);			\
									\
	return ret ? ret : sysfs_emit(buf, fmt "\n", expr);		\
}									\
static DEVICE_ATTR_RO(name)

VNPU_TELEMETRY_ATTR(aicore_util_pct, "%u", t.util_permille / 10);
VNPU_TELEMETRY_ATTR(dma_util_pct, "%u", t.dma_permille / 10);
VNPU_TELEMETRY_ATTR(clock_mhz, "%u", t.clock_mhz);
VNPU_TELEMETRY_ATTR(clock_max_mhz, "%u", t.clock_max_mhz);

static ssize_t throttle_reasons_show(struct device *dev,
				     struct device_attribute *attr, char *buf)
{
	struct vnpu_hw_telemetry t;
	int ret = vnpu_sysfs_telemetry(dev, &t);

	if (ret)
		return ret;
	if (!t.throttle)
		return sysfs_emit(buf, "none\n");
	return sysfs_emit(buf, "%s%s%s\n",
			  t.throttle & VNPU_THROTTLE_THERMAL ? "thermal" : "",
			  t.throttle == (VNPU_THROTTLE_THERMAL |
					 VNPU_THROTTLE_POWER_CAP) ? "," : "",
			  t.throttle & VNPU_THROTTLE_POWER_CAP ? "power_cap" : "");
}
static DEVICE_ATTR_RO(throttle_reasons);

/* OK, Warning (throttled) or Critical (too hot to run jobs). */
static ssize_t health_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	struct vnpu_hw_telemetry t;
	int ret = vnpu_sysfs_telemetry(dev, &t);

	if (ret)
		return ret;
	return sysfs_emit(buf, "%s\n", t.critical ? "Critical" :
			  t.throttle ? "Warning" : "OK");
}
static DEVICE_ATTR_RO(health);

static ssize_t profile_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%s\n", dev_to_vdev(dev)->info.profile);
}
static DEVICE_ATTR_RO(profile);

static ssize_t bus_id_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "%s\n", dev_to_vdev(dev)->info.bus_id);
}
static DEVICE_ATTR_RO(bus_id);

/* Serial numbers: vendor, device and slot, like a board's label. */
static ssize_t serial_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	const struct vnpu_hw_info *info = &dev_to_vdev(dev)->info;

	return sysfs_emit(buf, "%04X%04X%08X\n", info->vendor_id,
			  info->device_id, dev->id);
}
static DEVICE_ATTR_RO(serial);

static ssize_t abi_version_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", DRM_VNPU_ABI_VERSION);
}
static DEVICE_ATTR_RO(abi_version);

static struct attribute *vnpu_dev_attrs[] = {
	&dev_attr_mem_used_bytes.attr,
	&dev_attr_mem_total_bytes.attr,
	&dev_attr_bo_count.attr,
	&dev_attr_aicore_util_pct.attr,
	&dev_attr_dma_util_pct.attr,
	&dev_attr_clock_mhz.attr,
	&dev_attr_clock_max_mhz.attr,
	&dev_attr_throttle_reasons.attr,
	&dev_attr_health.attr,
	&dev_attr_profile.attr,
	&dev_attr_bus_id.attr,
	&dev_attr_serial.attr,
	&dev_attr_abi_version.attr,
	NULL,
};

static const struct attribute_group vnpu_dev_group = {
	.attrs = vnpu_dev_attrs,
};

const struct attribute_group *vnpu_dev_groups[] = {
	&vnpu_dev_group,
	NULL,
};
