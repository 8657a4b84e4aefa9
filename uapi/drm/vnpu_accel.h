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
 * @DRM_VNPU_CTX_CREATE: create a context, &struct drm_vnpu_ctx_create
 * @DRM_VNPU_CTX_DESTROY: destroy a context, &struct drm_vnpu_ctx_destroy
 * @DRM_VNPU_CTX_QUERY: a context's state and errors,
 *	&struct drm_vnpu_ctx_query
 * @DRM_VNPU_SUBMIT: queue a command stream, &struct drm_vnpu_submit
 */
enum drm_vnpu_ioctl_nr {
	DRM_VNPU_GET_PARAM = 0x00,
	DRM_VNPU_BO_CREATE = 0x01,
	DRM_VNPU_BO_INFO = 0x02,
	DRM_VNPU_BO_WAIT = 0x03,
	DRM_VNPU_CTX_CREATE = 0x04,
	DRM_VNPU_CTX_DESTROY = 0x05,
	DRM_VNPU_CTX_QUERY = 0x06,
	DRM_VNPU_SUBMIT = 0x07,
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
 * @DRM_VNPU_PARAM_VA_SIZE: size of each file's device address space, bytes
 * @DRM_VNPU_PARAM_MAX_CMD_SIZE: longest command stream SUBMIT accepts, bytes
 * @DRM_VNPU_PARAM_MAX_SUBMIT_BOS: most buffer objects in one SUBMIT
 * @DRM_VNPU_PARAM_MAX_SUBMIT_SYNCS: most in (and, separately, out) syncobjs
 *	in one SUBMIT
 * @DRM_VNPU_PARAM_CMD_VERSION: the command-stream version the card runs
 *	(%VNPU_CMD_VERSION of vnpu_cmd.h)
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
	DRM_VNPU_PARAM_VA_SIZE = 17,
	DRM_VNPU_PARAM_MAX_CMD_SIZE = 18,
	DRM_VNPU_PARAM_MAX_SUBMIT_BOS = 19,
	DRM_VNPU_PARAM_MAX_SUBMIT_SYNCS = 20,
	DRM_VNPU_PARAM_CMD_VERSION = 21,
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

/**
 * enum drm_vnpu_ctx_priority - scheduling priority of a context
 * @DRM_VNPU_PRIORITY_LOW: the card's low-priority ring
 * @DRM_VNPU_PRIORITY_NORMAL: the normal ring (the default)
 * @DRM_VNPU_PRIORITY_HIGH: the high-priority ring; needs CAP_SYS_NICE
 *
 * Each priority has a hardware ring of its own; rings run concurrently.
 */
enum drm_vnpu_ctx_priority {
	DRM_VNPU_PRIORITY_LOW = 0,
	DRM_VNPU_PRIORITY_NORMAL = 1,
	DRM_VNPU_PRIORITY_HIGH = 2,
};

/**
 * struct drm_vnpu_ctx_create - argument of %DRM_IOCTL_VNPU_CTX_CREATE
 *
 * A context is an in-order queue of jobs on one of the card's rings.
 *
 * Errors: -EINVAL for an unknown @priority or non-zero @flags, @pad;
 * -EACCES for %DRM_VNPU_PRIORITY_HIGH without CAP_SYS_NICE; -ENOSPC past
 * %VNPU_MAX_CONTEXTS contexts in the file.
 */
struct drm_vnpu_ctx_create {
	/** @priority: in, one of &enum drm_vnpu_ctx_priority */
	__u32 priority;
	/** @flags: in, must be 0 */
	__u32 flags;
	/** @ctx_id: out, the context's id in this file (never 0) */
	__u32 ctx_id;
	/** @pad: must be 0 */
	__u32 pad;
};

/** VNPU_MAX_CONTEXTS - contexts one file may hold at once */
#define VNPU_MAX_CONTEXTS 256

/**
 * struct drm_vnpu_ctx_destroy - argument of %DRM_IOCTL_VNPU_CTX_DESTROY
 *
 * Jobs already submitted still run to completion; their fences signal.
 *
 * Errors: -EINVAL for non-zero @pad; -ENOENT for an unknown @ctx_id.
 */
struct drm_vnpu_ctx_destroy {
	/** @ctx_id: in */
	__u32 ctx_id;
	/** @pad: must be 0 */
	__u32 pad;
};

/**
 * enum drm_vnpu_ctx_state - health of a context
 * @DRM_VNPU_CTX_OK: no job of the context has failed
 * @DRM_VNPU_CTX_FAULTED: a job failed (device fault or hang); new
 *	submissions are still accepted
 * @DRM_VNPU_CTX_BANNED: the context hung %VNPU_BAN_HANGS times; its queued
 *	jobs fail with -ECANCELED and SUBMIT answers -ECANCELED
 */
enum drm_vnpu_ctx_state {
	DRM_VNPU_CTX_OK = 0,
	DRM_VNPU_CTX_FAULTED = 1,
	DRM_VNPU_CTX_BANNED = 2,
};

/** VNPU_BAN_HANGS - hangs after which a context is banned */
#define VNPU_BAN_HANGS 3

/**
 * struct drm_vnpu_ctx_query - argument of %DRM_IOCTL_VNPU_CTX_QUERY
 *
 * Errors: -EINVAL for non-zero @flags; -ENOENT for an unknown @ctx_id.
 */
struct drm_vnpu_ctx_query {
	/** @ctx_id: in */
	__u32 ctx_id;
	/** @flags: in, must be 0 */
	__u32 flags;
	/** @state: out, one of &enum drm_vnpu_ctx_state */
	__u32 state;
	/** @fault_count: out, jobs of the context that failed */
	__u32 fault_count;
	/** @last_error: out, negative errno of the last failed job, or 0 */
	__s32 last_error;
	/**
	 * @last_error_offset: out, byte offset in its command stream of the
	 * packet the last failed job stopped at
	 */
	__u32 last_error_offset;
	/** @last_error_seqno: out, sequence number of the last failed job */
	__u64 last_error_seqno;
	/** @submitted: out, sequence number of the last submitted job */
	__u64 submitted;
	/** @completed: out, jobs of the context that have finished */
	__u64 completed;
};

/** DRM_VNPU_BO_READ - the job reads the buffer object */
#define DRM_VNPU_BO_READ 0x1
/** DRM_VNPU_BO_WRITE - the job writes the buffer object */
#define DRM_VNPU_BO_WRITE 0x2

/**
 * struct drm_vnpu_submit_bo - a buffer object a job uses
 *
 * Only listed buffer objects are reachable by the job's command stream.
 * Jobs wait for earlier writers of what they read and for earlier users
 * of what they write (implicit sync through the buffer's dma_resv).
 */
struct drm_vnpu_submit_bo {
	/** @handle: GEM handle */
	__u32 handle;
	/** @flags: %DRM_VNPU_BO_READ and/or %DRM_VNPU_BO_WRITE, not 0 */
	__u32 flags;
};

/**
 * struct drm_vnpu_sync - a DRM syncobj a job waits on or signals
 *
 * Binary syncobjs use @point 0; timeline syncobjs name a point.
 */
struct drm_vnpu_sync {
	/** @handle: syncobj handle */
	__u32 handle;
	/** @flags: must be 0 */
	__u32 flags;
	/** @point: timeline point, 0 for a binary syncobj */
	__u64 point;
};

/**
 * struct drm_vnpu_submit - argument of %DRM_IOCTL_VNPU_SUBMIT
 *
 * Queues the command stream at @cmd_offset of buffer object @cmd_handle
 * on context @ctx_id. The stream is copied and validated before the ioctl
 * returns (later changes to the buffer do not affect the job). Arrays are
 * {pointer, count, stride}: elements are @..._stride bytes apart and at
 * least as large as their struct; bytes past the struct must be zero.
 *
 * Errors: -EINVAL for non-zero @flags or @pad, a stride below the struct
 * size, a range outside the command buffer, a bad BO flag, or a bad stream
 * (@error_offset names the packet); -E2BIG past %DRM_VNPU_PARAM_MAX_CMD_SIZE,
 * %DRM_VNPU_PARAM_MAX_SUBMIT_BOS or %DRM_VNPU_PARAM_MAX_SUBMIT_SYNCS, or for
 * non-zero bytes past a known struct in an array element; -ENOENT for an
 * unknown context, buffer object or syncobj (or a missing timeline point);
 * -ECANCELED for a banned context; -EFAULT for bad pointers; -ENODEV once
 * the card is gone.
 */
struct drm_vnpu_submit {
	/** @ctx_id: in, the context */
	__u32 ctx_id;
	/** @flags: in, must be 0 */
	__u32 flags;
	/** @cmd_handle: in, buffer object holding the stream */
	__u32 cmd_handle;
	/** @pad: must be 0 */
	__u32 pad;
	/** @cmd_offset: in, byte offset of the stream in @cmd_handle */
	__u64 cmd_offset;
	/** @cmd_size: in, bytes of the stream */
	__u64 cmd_size;
	/** @bos: in, user pointer to &struct drm_vnpu_submit_bo elements */
	__u64 bos;
	/** @bo_count: in */
	__u32 bo_count;
	/** @bo_stride: in */
	__u32 bo_stride;
	/** @in_syncs: in, user pointer to &struct drm_vnpu_sync to wait on */
	__u64 in_syncs;
	/** @in_sync_count: in */
	__u32 in_sync_count;
	/** @in_sync_stride: in */
	__u32 in_sync_stride;
	/** @out_syncs: in, user pointer to &struct drm_vnpu_sync to signal */
	__u64 out_syncs;
	/** @out_sync_count: in */
	__u32 out_sync_count;
	/** @out_sync_stride: in */
	__u32 out_sync_stride;
	/** @seqno: out, the job's sequence number in the context (from 1) */
	__u64 seqno;
	/** @error_offset: out, stream offset of the first bad packet */
	__u32 error_offset;
	/** @pad2: must be 0 */
	__u32 pad2;
};

#define DRM_IOCTL_VNPU_GET_PARAM \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VNPU_GET_PARAM, struct drm_vnpu_get_param)
#define DRM_IOCTL_VNPU_BO_CREATE \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VNPU_BO_CREATE, struct drm_vnpu_bo_create)
#define DRM_IOCTL_VNPU_BO_INFO \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VNPU_BO_INFO, struct drm_vnpu_bo_info)
#define DRM_IOCTL_VNPU_BO_WAIT \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VNPU_BO_WAIT, struct drm_vnpu_bo_wait)
#define DRM_IOCTL_VNPU_CTX_CREATE \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VNPU_CTX_CREATE, struct drm_vnpu_ctx_create)
#define DRM_IOCTL_VNPU_CTX_DESTROY \
	DRM_IOW(DRM_COMMAND_BASE + DRM_VNPU_CTX_DESTROY, struct drm_vnpu_ctx_destroy)
#define DRM_IOCTL_VNPU_CTX_QUERY \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VNPU_CTX_QUERY, struct drm_vnpu_ctx_query)
#define DRM_IOCTL_VNPU_SUBMIT \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VNPU_SUBMIT, struct drm_vnpu_submit)

#if defined(__cplusplus)
}
#endif

#endif /* __VNPU_ACCEL_H__ */
