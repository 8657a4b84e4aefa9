// SPDX-License-Identifier: GPL-2.0
/* DRM_IOCTL_VNPU_GET_PARAM: what the card is and what it can do. */
#include <linux/minmax.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include <drm/drm_drv.h>
#include <drm/drm_print.h>

#include <drm/vnpu_accel.h>
#include <drm/vnpu_cmd.h>
#include "vnpu_drv.h"

static int vnpu_param_string(struct drm_vnpu_get_param *args, const char *str)
{
	u32 len = strlen(str) + 1;
	u32 room = args->size;

	args->size = len;
	if (!args->value)
		return 0;
	if (room < len)
		return -ERANGE;
	if (copy_to_user(u64_to_user_ptr(args->value), str, len))
		return -EFAULT;
	return 0;
}

static int vnpu_param_u64(struct drm_vnpu_get_param *args, u64 value)
{
	if (args->size)
		return -EINVAL;
	args->value = value;
	return 0;
}

int vnpu_get_param_ioctl(struct drm_device *drm, void *data,
			 struct drm_file *file)
{
	struct vnpu_device *vdev = to_vnpu_device(drm);
	const struct vnpu_hw_info *info = &vdev->info;
	struct drm_vnpu_get_param *args = data;

	if (args->flags || args->pad) {
		drm_dbg(drm, "GET_PARAM: flags %#x or pad %#x not zero\n",
			args->flags, args->pad);
		return -EINVAL;
	}

	switch (args->param) {
	case DRM_VNPU_PARAM_ABI_VERSION:
		return vnpu_param_u64(args, DRM_VNPU_ABI_VERSION);
	case DRM_VNPU_PARAM_VENDOR_ID:
		return vnpu_param_u64(args, info->vendor_id);
	case DRM_VNPU_PARAM_DEVICE_ID:
		return vnpu_param_u64(args, info->device_id);
	case DRM_VNPU_PARAM_BUS_ID:
		return vnpu_param_string(args, info->bus_id);
	case DRM_VNPU_PARAM_PROFILE:
		return vnpu_param_string(args, info->profile);
	case DRM_VNPU_PARAM_MEM_SIZE:
		return vnpu_param_u64(args, info->mem_size);
	case DRM_VNPU_PARAM_MEM_BUDGET:
		return vnpu_param_u64(args, info->mem_budget);
	case DRM_VNPU_PARAM_AI_CORES:
		return vnpu_param_u64(args, info->ai_cores);
	case DRM_VNPU_PARAM_PEAK_FP4_FLOPS:
		return vnpu_param_u64(args, info->peak_fp4_flops);
	case DRM_VNPU_PARAM_PEAK_FP8_FLOPS:
		return vnpu_param_u64(args, info->peak_fp8_flops);
	case DRM_VNPU_PARAM_PEAK_BF16_FLOPS:
		return vnpu_param_u64(args, info->peak_bf16_flops);
	case DRM_VNPU_PARAM_MEM_BANDWIDTH:
		return vnpu_param_u64(args, info->mem_bandwidth);
	case DRM_VNPU_PARAM_LINK_BANDWIDTH:
		return vnpu_param_u64(args, info->link_bandwidth);
	case DRM_VNPU_PARAM_TDP:
		return vnpu_param_u64(args, info->tdp_uw);
	case DRM_VNPU_PARAM_NAME:
		return vnpu_param_string(args, info->name);
	case DRM_VNPU_PARAM_MAX_BO_SIZE:
		return vnpu_param_u64(args, vnpu_max_bo_size(vdev));
	case DRM_VNPU_PARAM_VA_BASE:
		return vnpu_param_u64(args, VNPU_VA_BASE);
	case DRM_VNPU_PARAM_VA_SIZE:
		return vnpu_param_u64(args, VNPU_VA_SIZE);
	case DRM_VNPU_PARAM_MAX_CMD_SIZE:
		return vnpu_param_u64(args, VNPU_MAX_CMD_SIZE);
	case DRM_VNPU_PARAM_MAX_SUBMIT_BOS:
		return vnpu_param_u64(args, VNPU_MAX_SUBMIT_BOS);
	case DRM_VNPU_PARAM_MAX_SUBMIT_SYNCS:
		return vnpu_param_u64(args, VNPU_MAX_SUBMIT_SYNCS);
	case DRM_VNPU_PARAM_CMD_VERSION:
		return vnpu_param_u64(args, VNPU_CMD_VERSION);
	default:
		drm_dbg(drm, "GET_PARAM: unknown param %u\n", args->param);
		return -EINVAL;
	}
}
