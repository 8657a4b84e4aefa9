// SPDX-License-Identifier: GPL-2.0
/*
 * Card attributes in sysfs, on the card's bus device
 * (/sys/bus/vnpu/devices/vnpuN/): what monitoring tools and tests read
 * without opening the device.
 */
#include <linux/device.h>
#include <linux/sysfs.h>

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

static struct attribute *vnpu_dev_attrs[] = {
	&dev_attr_mem_used_bytes.attr,
	&dev_attr_mem_total_bytes.attr,
	&dev_attr_bo_count.attr,
	NULL,
};

static const struct attribute_group vnpu_dev_group = {
	.attrs = vnpu_dev_attrs,
};

const struct attribute_group *vnpu_dev_groups[] = {
	&vnpu_dev_group,
	NULL,
};
