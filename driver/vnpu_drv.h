/* SPDX-License-Identifier: GPL-2.0 */
#ifndef __VNPU_DRV_H__
#define __VNPU_DRV_H__

#include <drm/drm_device.h>
#include <drm/drm_file.h>

#include <linux/xarray.h>

#include "vnpu_gem.h"
#include "vnpu_hw.h"
#include "vnpu_job.h"

#define DRIVER_NAME "vnpu"
#define DRIVER_DESC "vnpu FP4 NPU (emulated Ascend-class card)"

/**
 * struct vnpu_device - the driver's view of one card
 * @drm: the DRM accel device, /dev/accel/accelN
 * @hw: the card; only touched inside drm_dev_enter() sections because it
 *	goes away with the bus device when the card is unplugged
 * @info: the card's board information, copied at probe so queries after
 *	unplug never touch the card
 * @mem_used: bytes of device memory held by buffer objects
 * @bo_count: buffer objects allocated on this card
 * @rings: the driver's side of the card's hardware rings
 * @inject_alloc_fail: debugfs knob: fail the next SUBMIT's allocation
 * @genl_node: entry in the list of cards netlink can name
 */
struct vnpu_device {
	struct drm_device drm;
	struct vnpu_hw *hw;
	struct vnpu_hw_info info;
	atomic64_t mem_used;
	atomic_t bo_count;
	struct vnpu_ring rings[VNPU_HW_RINGS];
	atomic_t inject_alloc_fail;
	struct list_head genl_node;
};

/**
 * struct vnpu_file_priv - per open file state
 * @vdev: the device the file was opened on
 * @vm: the file's device address space
 * @contexts: struct vnpu_ctx by id
 * @retired_busy_ns: AI core time of the file's destroyed contexts (fdinfo)
 */
struct vnpu_file_priv {
	struct vnpu_device *vdev;
	struct vnpu_vm vm;
	struct xarray contexts;
	atomic64_t retired_busy_ns;
};

static inline struct vnpu_device *to_vnpu_device(struct drm_device *drm)
{
	return container_of(drm, struct vnpu_device, drm);
}

/* Largest buffer object: the whole budget (a documented uAPI limit). */
static inline u64 vnpu_max_bo_size(const struct vnpu_device *vdev)
{
	return vdev->info.mem_budget;
}

extern const struct attribute_group *vnpu_dev_groups[];
void vnpu_debugfs_init(struct vnpu_device *vdev);
int vnpu_hwmon_init(struct vnpu_device *vdev);
void vnpu_show_fdinfo(struct drm_printer *p, struct drm_file *file);

int vnpu_genl_init(void);
void vnpu_genl_exit(void);
void vnpu_genl_add_device(struct vnpu_device *vdev);
void vnpu_genl_remove_device(struct vnpu_device *vdev);
void vnpu_genl_event(struct vnpu_device *vdev, u32 event, u32 ctx_id,
		     u64 seqno, u32 offset, s32 error);

int vnpu_get_param_ioctl(struct drm_device *drm, void *data,
			 struct drm_file *file);

#endif /* __VNPU_DRV_H__ */
