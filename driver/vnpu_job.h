/* SPDX-License-Identifier: GPL-2.0 */
#ifndef __VNPU_JOB_H__
#define __VNPU_JOB_H__

#include <drm/gpu_scheduler.h>
#include <linux/iosys-map.h>
#include <linux/sizes.h>

#include "vnpu_hw.h"

struct vnpu_ctx;
struct vnpu_device;

/* Documented uAPI limits (GET_PARAM reports them). */
#define VNPU_MAX_CMD_SIZE SZ_1M
#define VNPU_MAX_SUBMIT_BOS 256
#define VNPU_MAX_SUBMIT_SYNCS 64

/**
 * struct vnpu_ring - the driver's side of one hardware ring
 * @sched: scheduler feeding the ring
 * @fence_lock: lock of the ring's hardware fences
 * @fence_context: their dma-fence context
 * @fence_seqno: the last one's seqno
 */
struct vnpu_ring {
	struct drm_gpu_scheduler sched;
	spinlock_t fence_lock; /* of the ring's hardware fences */
	u64 fence_context;
	u64 fence_seqno;
};

/**
 * struct vnpu_job - a submitted command stream
 * @base: scheduler job
 * @vdev: device
 * @ctx: context (a reference)
 * @seqno: sequence number in the context
 * @hw: the ring entry the card executes
 * @stream: validated copy of the command stream
 * @objs: buffer objects (references), pinned and mapped, in list order
 * @writes: whether the job writes each of @objs
 * @maps: their kernel mappings
 * @hw_bos: what the card's translation sees, sorted by VA
 * @bo_count: entries in the three arrays above
 * @hw_fence: signalled by the completion interrupt; allocated at submit
 * @hw_fence_init: @hw_fence was initialized (by the first run_job)
 * @hw_submitted: the card got the job; a re-run after reset waits on it
 */
struct vnpu_job {
	struct drm_sched_job base;
	struct vnpu_device *vdev;
	struct vnpu_ctx *ctx;
	u64 seqno;
	struct vnpu_hw_job hw;
	void *stream;
	struct drm_gem_object **objs;
	bool *writes;
	struct iosys_map *maps;
	struct vnpu_hw_bo *hw_bos;
	u32 bo_count;
	struct dma_fence *hw_fence;
	bool hw_fence_init;
	bool hw_submitted;
};

int vnpu_rings_init(struct vnpu_device *vdev);
int vnpu_submit_ioctl(struct drm_device *drm, void *data,
		      struct drm_file *file);

#endif /* __VNPU_JOB_H__ */
