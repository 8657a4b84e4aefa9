/* SPDX-License-Identifier: GPL-2.0 */
#ifndef __VNPU_CTX_H__
#define __VNPU_CTX_H__

#include <drm/gpu_scheduler.h>
#include <linux/kref.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>

struct drm_file;
struct vnpu_device;

/**
 * struct vnpu_ctx - a context: an in-order job queue on one ring
 * @refcount: the file's id and every job hold one
 * @vdev: the device
 * @id: its id in the file
 * @ring: the hardware ring its jobs run on (its priority)
 * @entity: the scheduler entity feeding that ring
 * @submit_lock: makes job arm + seqno + push one step
 * @next_seqno: sequence number of the next job (from 1)
 * @completed: jobs that finished
 * @busy_ns: time its jobs ran on the card (fdinfo)
 * @lock: protects the fields below (taken in the completion path)
 * @fault_count: jobs that failed
 * @hangs: jobs that timed out
 * @banned: hung %VNPU_BAN_HANGS times; queued and new jobs are cancelled
 * @last_error: errno of the last failed job
 * @last_error_offset: stream offset where it stopped
 * @last_error_seqno: its sequence number
 */
struct vnpu_ctx {
	struct kref refcount;
	struct vnpu_device *vdev;
	u32 id;
	unsigned int ring;
	struct drm_sched_entity entity;
	struct mutex submit_lock; /* arm + seqno + push as one step */
	u64 next_seqno;
	atomic64_t completed;
	atomic64_t busy_ns;
	spinlock_t lock; /* the health record below */
	u32 fault_count;
	u32 hangs;
	bool banned;
	int last_error;
	u32 last_error_offset;
	u64 last_error_seqno;
};

/* Look up context ID of FILE and take a reference, or NULL. */
struct vnpu_ctx *vnpu_ctx_get(struct drm_file *file, u32 id);
void vnpu_ctx_put(struct vnpu_ctx *ctx);
bool vnpu_ctx_banned(struct vnpu_ctx *ctx);
/* A job of CTX failed with ERROR at stream OFFSET. */
void vnpu_ctx_record_error(struct vnpu_ctx *ctx, int error, u32 offset,
			   u64 seqno);
/* A job of CTX hung; may ban it. */
void vnpu_ctx_record_hang(struct vnpu_ctx *ctx);
struct seq_file;
/* debugfs: the contexts of every open file. */
void vnpu_ctx_debugfs_show(struct vnpu_device *vdev, struct seq_file *m);
/* fdinfo: AI core time of FILE's jobs, ns. */
u64 vnpu_ctx_busy_ns(struct drm_file *file);
/* Destroy every context of a closing file. */
void vnpu_ctx_release_all(struct drm_file *file);

int vnpu_ctx_create_ioctl(struct drm_device *drm, void *data,
			  struct drm_file *file);
int vnpu_ctx_destroy_ioctl(struct drm_device *drm, void *data,
			   struct drm_file *file);
int vnpu_ctx_query_ioctl(struct drm_device *drm, void *data,
			 struct drm_file *file);

#endif /* __VNPU_CTX_H__ */
