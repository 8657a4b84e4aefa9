/* SPDX-License-Identifier: MIT */
/*
 * vnpu: DRM accel uAPI for the vnpu FP4 NPU (an emulated Ascend-class card).
 *
 * Copyright (c) 2026 The vnpu developers
 *
 * Rules this file follows (Documentation/process/botching-up-ioctls.rst):
 * fixed-size types only, explicit padding that must be zero, unknown flags
 * and parameters rejected with -EINVAL, user pointers as __u64, new fields
 * only ever appended.
 */
#ifndef __VNPU_ACCEL_H__
#define __VNPU_ACCEL_H__

#include "drm.h"

#if defined(__cplusplus)
extern "C" {
#endif

/**
 * DRM_VNPU_ABI_VERSION - version of this interface
 *
 * Bumped when a released interface grows (an ioctl, parameter or field is
 * added). Userspace compares it with %DRM_VNPU_PARAM_ABI_VERSION: a kernel
 * older than the header it was built against lacks the newer features.
 */
#define DRM_VNPU_ABI_VERSION 1

/**
 * enum drm_vnpu_ioctl_nr - ioctl numbers, offsets from %DRM_COMMAND_BASE
 * @DRM_VNPU_GET_PARAM: query a device parameter, &struct drm_vnpu_get_param
 * @DRM_VNPU_BO_CREATE: allocate a buffer object, &struct drm_vnpu_bo_create
 * @DRM_VNPU_BO_INFO: a buffer object's mmap offset, VA and size,
 *	&struct drm_vnpu_bo_info
 * @DRM_VNPU_BO_WAIT: wait for the jobs using a buffer object,
 *	&struct drm_vnpu_bo_wait
 */
enum drm_vnpu_ioctl_nr {
	DRM_VNPU_GET_PARAM = 0x00,
	DRM_VNPU_BO_CREATE = 0x01,
	DRM_VNPU_BO_INFO = 0x02,
	DRM_VNPU_BO_WAIT = 0x03,
};

/**
 * enum drm_vnpu_param - parameters reported by %DRM_IOCTL_VNPU_GET_PARAM
 *
 * Integer parameters are returned in &drm_vnpu_get_param.value. String
 * parameters (marked "string") are copied to the user buffer that
 * &drm_vnpu_get_param.value points at; see &struct drm_vnpu_get_param.
 *
 * @DRM_VNPU_PARAM_ABI_VERSION: the driver's %DRM_VNPU_ABI_VERSION
 * @DRM_VNPU_PARAM_VENDOR_ID: PCI vendor id (0x19e5, Huawei)
 * @DRM_VNPU_PARAM_DEVICE_ID: PCI device id of the card's profile
 * @DRM_VNPU_PARAM_BUS_ID: string, PCI-style bus id, e.g. "0000:c1:00.0"
 * @DRM_VNPU_PARAM_PROFILE: string, the card's profile ("atlas350", "950dt",
 *	"h20")
 * @DRM_VNPU_PARAM_MEM_SIZE: device memory the card reports (its HBM), bytes
 * @DRM_VNPU_PARAM_MEM_BUDGET: device memory actually available to buffer
 *	objects, bytes: the smaller of the HBM size and the mem_mb module
 *	parameter (host memory backs it)
 * @DRM_VNPU_PARAM_AI_CORES: number of AI cores (compute units)
 * @DRM_VNPU_PARAM_PEAK_FP4_FLOPS: dense MXFP4/NVFP4 peak, FLOP/s (0: no FP4)
 * @DRM_VNPU_PARAM_PEAK_FP8_FLOPS: dense FP8 peak, FLOP/s
 * @DRM_VNPU_PARAM_PEAK_BF16_FLOPS: dense BF16 peak, FLOP/s
 * @DRM_VNPU_PARAM_MEM_BANDWIDTH: device memory bandwidth, bytes/s
 * @DRM_VNPU_PARAM_LINK_BANDWIDTH: card-to-card interconnect, bytes/s
 * @DRM_VNPU_PARAM_TDP: thermal design power, microwatts
 * @DRM_VNPU_PARAM_NAME: string, marketing name, e.g. "Atlas 350"
 * @DRM_VNPU_PARAM_MAX_BO_SIZE: largest buffer object BO_CREATE accepts, bytes
 * @DRM_VNPU_PARAM_VA_BASE: lowest device virtual address of a buffer object
 */
enum drm_vnpu_param {
	DRM_VNPU_PARAM_ABI_VERSION = 0,
	DRM_VNPU_PARAM_VENDOR_ID = 1,
	DRM_VNPU_PARAM_DEVICE_ID = 2,
	DRM_VNPU_PARAM_BUS_ID = 3,
	DRM_VNPU_PARAM_PROFILE = 4,
	DRM_VNPU_PARAM_MEM_SIZE = 5,
	DRM_VNPU_PARAM_MEM_BUDGET = 6,
	DRM_VNPU_PARAM_AI_CORES = 7,
	DRM_VNPU_PARAM_PEAK_FP4_FLOPS = 8,
	DRM_VNPU_PARAM_PEAK_FP8_FLOPS = 9,
	DRM_VNPU_PARAM_PEAK_BF16_FLOPS = 10,
	DRM_VNPU_PARAM_MEM_BANDWIDTH = 11,
	DRM_VNPU_PARAM_LINK_BANDWIDTH = 12,
	DRM_VNPU_PARAM_TDP = 13,
	DRM_VNPU_PARAM_NAME = 14,
	DRM_VNPU_PARAM_MAX_BO_SIZE = 15,
	DRM_VNPU_PARAM_VA_BASE = 16,
};

/**
 * struct drm_vnpu_get_param - argument of %DRM_IOCTL_VNPU_GET_PARAM
 *
 * Integer parameters: @size must be 0; the value comes back in @value.
 *
 * String parameters: @value points to a buffer of @size bytes. The driver
 * sets @size to the string's length including its terminating NUL and, when
 * the buffer is large enough, copies the string there. With @value 0 only
 * the length is returned. A non-zero buffer that is too small fails with
 * -ERANGE (and @size still tells the length needed).
 *
 * Errors: -EINVAL for an unknown @param, non-zero @flags or @pad, or a
 * non-zero @size for an integer parameter; -EFAULT for a bad buffer;
 * -ENODEV once the card is gone.
 */
struct drm_vnpu_get_param {
	/** @param: in, one of &enum drm_vnpu_param */
	__u32 param;
	/** @flags: in, must be 0 */
	__u32 flags;
	/** @value: out: the integer value; in: user pointer for strings */
	__u64 value;
	/** @size: in/out, string buffer size and length; 0 for integers */
	__u32 size;
	/** @pad: must be 0 */
	__u32 pad;
};

/**
 * struct drm_vnpu_bo_create - argument of %DRM_IOCTL_VNPU_BO_CREATE
 *
 * Allocates device memory, zero-filled, and maps it into the calling
 * file's device address space. The size is rounded up to the page size.
 * A buffer object counts against the card's memory budget
 * (%DRM_VNPU_PARAM_MEM_BUDGET) until its last handle and mapping are gone.
 *
 * Errors: -EINVAL for a zero size or non-zero @flags; -E2BIG for a
 * size above %DRM_VNPU_PARAM_MAX_BO_SIZE; -ENOSPC when the budget or the
 * device address space is exhausted; -ENOMEM.
 */
struct drm_vnpu_bo_create {
	/** @size: in, bytes; out, the rounded-up size */
	__u64 size;
	/** @flags: in, must be 0 (no flags are defined yet) */
	__u32 flags;
	/** @handle: out, GEM handle of the new buffer object */
	__u32 handle;
	/** @va: out, device virtual address in this file's address space */
	__u64 va;
};

/**
 * struct drm_vnpu_bo_info - argument of %DRM_IOCTL_VNPU_BO_INFO
 *
 * Works for every handle of the file, including imported dma-bufs: each
 * file maps a buffer object at its own device address.
 *
 * Errors: -EINVAL for non-zero @flags; -ENOENT for an unknown @handle.
 */
struct drm_vnpu_bo_info {
	/** @handle: in, GEM handle */
	__u32 handle;
	/** @flags: in, must be 0 */
	__u32 flags;
	/** @mmap_offset: out, offset to mmap() on the device file */
	__u64 mmap_offset;
	/** @va: out, device virtual address in this file's address space */
	__u64 va;
	/** @size: out, bytes */
	__u64 size;
};

/**
 * struct drm_vnpu_bo_wait - argument of %DRM_IOCTL_VNPU_BO_WAIT
 *
 * Waits until every job that reads or writes the buffer object has
 * finished, or until @timeout_ns, an absolute CLOCK_MONOTONIC time in
 * nanoseconds (0 polls).
 *
 * Errors: -EINVAL for non-zero @flags or @pad; -ENOENT for an unknown
 * @handle; -ETIME when the jobs are still running at @timeout_ns;
 * -ERESTARTSYS/-EINTR on a signal.
 */
struct drm_vnpu_bo_wait {
	/** @handle: in, GEM handle */
	__u32 handle;
	/** @flags: in, must be 0 */
	__u32 flags;
	/** @timeout_ns: in, absolute CLOCK_MONOTONIC deadline */
	__s64 timeout_ns;
	/**
	 * @job_status: out, 0 when every finished job succeeded, else the
	 * negative errno of a failed one (-EFAULT device fault, -ETIMEDOUT
	 * hang, -ECANCELED card removed)
	 */
	__s32 job_status;
	/** @pad: must be 0 */
	__u32 pad;
};

#define DRM_IOCTL_VNPU_GET_PARAM \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VNPU_GET_PARAM, struct drm_vnpu_get_param)
#define DRM_IOCTL_VNPU_BO_CREATE \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VNPU_BO_CREATE, struct drm_vnpu_bo_create)
#define DRM_IOCTL_VNPU_BO_INFO \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VNPU_BO_INFO, struct drm_vnpu_bo_info)
#define DRM_IOCTL_VNPU_BO_WAIT \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VNPU_BO_WAIT, struct drm_vnpu_bo_wait)

#if defined(__cplusplus)
}
#endif

#endif /* __VNPU_ACCEL_H__ */
