// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs (/sys/kernel/debug/accel/N/): knobs that drive the recovery
 * paths from tests.
 *   inject_hang  write 1: the next job the card starts hangs until its
 *                ring is reset by the timeout handler
 */
#include <linux/debugfs.h>
#include <linux/fs.h>

#include <drm/drm_drv.h>

#include "vnpu_drv.h"

static int vnpu_debugfs_inject_hang_set(void *data, u64 val)
{
	struct vnpu_device *vdev = data;
	int idx;

	if (val != 1)
		return -EINVAL;
	if (!drm_dev_enter(&vdev->drm, &idx))
		return -ENODEV;
	vnpu_hw_inject_hang(vdev->hw);
	drm_dev_exit(idx);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(vnpu_debugfs_inject_hang_fops, NULL,
			 vnpu_debugfs_inject_hang_set, "%llu\n");

void vnpu_debugfs_init(struct vnpu_device *vdev)
{
	struct dentry *root = vdev->drm.debugfs_root;

	if (!root)
		return;
	debugfs_create_file_unsafe("inject_hang", 0200, root, vdev,
				   &vnpu_debugfs_inject_hang_fops);
}
