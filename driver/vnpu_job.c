// SPDX-License-Identifier: GPL-2.0
/*
 * Job submission: SUBMIT copies and validates the stream, pins the buffer
 * objects, resolves dependencies (syncobjs, implicit fences) and pushes a
 * job to the context's scheduler entity; run_job writes it to the card's
 * ring; the card's completion interrupt signals the hardware fence.
 *
 * Everything the signalling path needs is allocated before
 * drm_sched_job_arm(): the stream copy, the pinned mappings, the hardware
 * fence and the out-syncobj chain nodes.
 */
#include <linux/delay.h>
#include <linux/dma-fence-chain.h>
#include <linux/dma-resv.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/uaccess.h>

#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_managed.h>
#include <drm/drm_print.h>
#include <drm/drm_syncobj.h>
#include <drm/vnpu_accel.h>
#include <linux/vnpu_genl.h>

#include "vnpu_cmd_validate.h"
#include "vnpu_compat.h"
#include "vnpu_ctx.h"
#include "vnpu_drv.h"
#include "vnpu_job.h"

static unsigned int tdr_timeout_ms = 2000;
module_param(tdr_timeout_ms, uint, 0444);
MODULE_PARM_DESC(tdr_timeout_ms,
		 "Time a job may run before the ring is reset, ms (100-60000, default 2000)");

static const char *const vnpu_ring_names[VNPU_HW_RINGS] = {
	"vnpu-low", "vnpu-normal", "vnpu-high",
};

static struct vnpu_job *to_vnpu_job(struct drm_sched_job *sched_job)
{
	return container_of(sched_job, struct vnpu_job, base);
}

/* ---------------------------------------------------------------- fences */

static const char *vnpu_fence_driver_name(struct dma_fence *fence)
{
	return DRIVER_NAME;
}

static const char *vnpu_fence_timeline_name(struct dma_fence *fence)
{
	return "vnpu-ring";
}

static const struct dma_fence_ops vnpu_fence_ops = {
	.get_driver_name = vnpu_fence_driver_name,
	.get_timeline_name = vnpu_fence_timeline_name,
};

/* ---------------------------------------------------------------- jobs */

static void vnpu_job_release(struct vnpu_job *job)
{
	u32 i;

	for (i = 0; i < job->bo_count; i++) {
		if (job->maps && job->maps[i].vaddr)
			vnpu_gem_vunmap(job->objs[i], &job->maps[i]);
		drm_gem_object_put(job->objs[i]);
	}
	kvfree(job->objs);
	kvfree(job->writes);
	kvfree(job->maps);
	kvfree(job->hw_bos);
	kvfree(job->stream);
	if (job->hw_fence_init)
		dma_fence_put(job->hw_fence);
	else
		kfree(job->hw_fence);
	vnpu_ctx_put(job->ctx);
	kfree(job);
}

/* The completion interrupt, on the card's thread. */
static void vnpu_job_hw_done(struct vnpu_hw_job *hw)
{
	struct vnpu_job *job = container_of(hw, struct vnpu_job, hw);
	struct dma_fence *fence = job->hw_fence;
	bool cookie;

	/* Before the signalling section: the event allocates (atomically). */
	if (hw->status == -EFAULT || hw->status == -EIO)
		vnpu_genl_event(job->vdev, VNPU_EVENT_JOB_FAULT, job->ctx->id,
				job->seqno, hw->fault_offset, hw->status);
	cookie = dma_fence_begin_signalling();
	if (hw->status) {
		drm_dbg(&job->vdev->drm, "job %llu failed: %d at offset %u\n",
			job->seqno, hw->status, hw->fault_offset);
		vnpu_ctx_record_error(job->ctx, hw->status, hw->fault_offset,
				      job->seqno);
		dma_fence_set_error(fence, hw->status);
	}
	atomic64_add(hw->busy_ns, &job->ctx->busy_ns);
	atomic64_inc(&job->ctx->completed);
	/* The job may be freed once its fence signals. */
	dma_fence_signal(fence);
	dma_fence_end_signalling(cookie);
}

static struct dma_fence *vnpu_job_run(struct drm_sched_job *sched_job)
{
	struct vnpu_job *job = to_vnpu_job(sched_job);
	struct vnpu_device *vdev = job->vdev;
	struct vnpu_ring *ring = &vdev->rings[job->ctx->ring];
	int err, idx;

	/* Re-run after a ring reset: the card still has it, or finished it. */
	if (job->hw_submitted)
		return dma_fence_get(job->hw_fence);

	if (!job->hw_fence_init) {
		dma_fence_init(job->hw_fence, &vnpu_fence_ops, &ring->fence_lock,
			       ring->fence_context, ++ring->fence_seqno);
		job->hw_fence_init = true;
	}

	err = sched_job->s_fence->finished.error;
	if (!err && vnpu_ctx_banned(job->ctx))
		err = -ECANCELED;
	if (!err) {
		if (drm_dev_enter(&vdev->drm, &idx)) {
			job->hw_submitted = true;
			err = vnpu_hw_ring_submit(vdev->hw, job->ctx->ring,
						  &job->hw);
			if (err)
				job->hw_submitted = false;
			drm_dev_exit(idx);
		} else {
			err = -ENODEV;
		}
	}
	if (err && !dma_fence_is_signaled(job->hw_fence)) {
		dma_fence_set_error(job->hw_fence, err);
		atomic64_inc(&job->ctx->completed);
		dma_fence_signal(job->hw_fence);
	}
	return dma_fence_get(job->hw_fence);
}

/*
 * A job ran past tdr_timeout_ms: reset its ring. The card completes the
 * running job with -ETIMEDOUT and keeps the queued ones, which the
 * scheduler's resubmission then waits on again (vnpu_job_run).
 */
static enum drm_gpu_sched_stat vnpu_job_timedout(struct drm_sched_job *bad)
{
	struct vnpu_job *job = to_vnpu_job(bad);
	struct vnpu_device *vdev = job->vdev;
	struct drm_gpu_scheduler *sched = bad->sched;
	int idx;

	if (!drm_dev_enter(&vdev->drm, &idx))
		return DRM_GPU_SCHED_STAT_ENODEV;

	drm_sched_stop(sched, bad);
	if (job->hw_submitted && !dma_fence_is_signaled(job->hw_fence)) {
		drm_info(&vdev->drm, "%s: job %llu timed out, resetting the ring\n",
			 sched->name, job->seqno);
		vnpu_ctx_record_hang(job->ctx);
		vnpu_genl_event(vdev, VNPU_EVENT_JOB_TIMEOUT, job->ctx->id,
				job->seqno, 0, -ETIMEDOUT);
		vnpu_hw_ring_reset(vdev->hw, job->ctx->ring);
		vnpu_genl_event(vdev, VNPU_EVENT_RESET, 0, 0, 0, 0);
	}
	drm_sched_resubmit_jobs(sched);
	vnpu_sched_start(sched);
	drm_dev_exit(idx);
	return VNPU_SCHED_STAT_RESET;
}

static void vnpu_job_free(struct drm_sched_job *sched_job)
{
	drm_sched_job_cleanup(sched_job);
	vnpu_job_release(to_vnpu_job(sched_job));
}

static const struct drm_sched_backend_ops vnpu_sched_ops = {
	.run_job = vnpu_job_run,
	.timedout_job = vnpu_job_timedout,
	.free_job = vnpu_job_free,
};

static bool vnpu_ring_idle(struct drm_gpu_scheduler *sched)
{
	bool idle;

	spin_lock(&sched->job_list_lock);
	idle = list_empty(&sched->pending_list);
	spin_unlock(&sched->job_list_lock);
	return idle;
}

/*
 * The device is going away with no file open: the card was stopped, so
 * every job's fence has signalled, but the scheduler frees finished jobs
 * from a worker. drm_sched_fini() does not free what is left, and a job
 * holds its buffer objects: wait for the worker first.
 */
static void vnpu_rings_fini(struct drm_device *drm, void *arg)
{
	struct vnpu_device *vdev = to_vnpu_device(drm);
	unsigned int i, waited;

	for (i = 0; i < VNPU_HW_RINGS; i++) {
		struct drm_gpu_scheduler *sched = &vdev->rings[i].sched;

		for (waited = 0; !vnpu_ring_idle(sched) && waited < 10000;
		     waited += 20)
			msleep(20);
		if (!vnpu_ring_idle(sched))
			drm_err(drm, "%s: jobs still pending at teardown\n",
				sched->name);
		drm_sched_fini(sched);
	}
}

int vnpu_rings_init(struct vnpu_device *vdev)
{
	unsigned int i, timeout = clamp(tdr_timeout_ms, 100u, 60000u);
	u64 ctx = dma_fence_context_alloc(VNPU_HW_RINGS);
	int ret;

	for (i = 0; i < VNPU_HW_RINGS; i++) {
		struct vnpu_ring *ring = &vdev->rings[i];

		spin_lock_init(&ring->fence_lock);
		ring->fence_context = ctx + i;
		/* hang_limit INT_MAX: banning is ours (vnpu_ctx_record_hang). */
		ret = vnpu_sched_init(&ring->sched, &vnpu_sched_ops, 64,
				      msecs_to_jiffies(timeout),
				      vnpu_ring_names[i], vdev->drm.dev);
		if (ret) {
			while (i--)
				drm_sched_fini(&vdev->rings[i].sched);
			return ret;
		}
	}
	return drmm_add_action_or_reset(&vdev->drm, vnpu_rings_fini, NULL);
}

/* ---------------------------------------------------------------- submit */

/* Copy element I of a {pointer, count, stride} array into DST. */
static int vnpu_copy_elem(void *dst, size_t size, u64 ptr, u32 stride, u32 i)
{
	return copy_struct_from_user(dst, size,
				     u64_to_user_ptr(ptr + (u64)i * stride),
				     stride);
}

static int vnpu_job_copy_stream(struct vnpu_job *job, struct drm_file *file,
				struct drm_vnpu_submit *args)
{
	struct drm_device *drm = &job->vdev->drm;
	struct drm_gem_object *obj;
	struct iosys_map map;
	u64 end;
	int ret;

	obj = drm_gem_object_lookup(file, args->cmd_handle);
	if (!obj)
		return -ENOENT;
	ret = -EINVAL;
	if (check_add_overflow(args->cmd_offset, args->cmd_size, &end) ||
	    end > obj->size) {
		drm_dbg(drm, "SUBMIT: stream %llu+%llu outside its %zu-byte BO\n",
			args->cmd_offset, args->cmd_size, obj->size);
		goto out;
	}
	job->hw.size = args->cmd_size;
	job->stream = kvmalloc(args->cmd_size, GFP_KERNEL);
	ret = -ENOMEM;
	if (!job->stream)
		goto out;
	ret = vnpu_gem_vmap(obj, &map);
	if (ret)
		goto out;
	memcpy(job->stream, map.vaddr + args->cmd_offset, args->cmd_size);
	vnpu_gem_vunmap(obj, &map);
	job->hw.stream = job->stream;
out:
	drm_gem_object_put(obj);
	return ret;
}

static int vnpu_hw_bo_cmp(const void *a, const void *b)
{
	const struct vnpu_hw_bo *x = a, *y = b;

	return x->va < y->va ? -1 : x->va > y->va;
}

static int vnpu_job_get_bos(struct vnpu_job *job, struct drm_file *file,
			    struct drm_vnpu_submit *args)
{
	u32 n = args->bo_count, i;
	int ret;

	job->objs = kvcalloc(n, sizeof(*job->objs), GFP_KERNEL);
	job->writes = kvcalloc(n, sizeof(*job->writes), GFP_KERNEL);
	job->maps = kvcalloc(n, sizeof(*job->maps), GFP_KERNEL);
	job->hw_bos = kvcalloc(n, sizeof(*job->hw_bos), GFP_KERNEL);
	if (!job->objs || !job->writes || !job->maps || !job->hw_bos)
		return -ENOMEM;

	for (i = 0; i < n; i++) {
		struct drm_vnpu_submit_bo sbo;
		struct drm_gem_object *obj;

		ret = vnpu_copy_elem(&sbo, sizeof(sbo), args->bos,
				     args->bo_stride, i);
		if (ret)
			return ret;
		if (!sbo.flags ||
		    (sbo.flags & ~(DRM_VNPU_BO_READ | DRM_VNPU_BO_WRITE)))
			return -EINVAL;
		obj = drm_gem_object_lookup(file, sbo.handle);
		if (!obj)
			return -ENOENT;
		job->objs[job->bo_count++] = obj;
		job->writes[i] = sbo.flags & DRM_VNPU_BO_WRITE;
		ret = vnpu_gem_vmap(obj, &job->maps[i]);
		if (ret)
			return ret;
		job->hw_bos[i] = (struct vnpu_hw_bo){
			.va = vnpu_vm_va(file, obj),
			.size = obj->size,
			.vaddr = job->maps[i].vaddr,
			.write = job->writes[i],
		};
	}
	/* The card binary-searches this list; duplicates are harmless. */
	sort(job->hw_bos, n, sizeof(*job->hw_bos), vnpu_hw_bo_cmp, NULL);
	job->hw.bos = job->hw_bos;
	job->hw.bo_count = n;
	return 0;
}

static int vnpu_job_add_in_syncs(struct vnpu_job *job, struct drm_file *file,
				 struct drm_vnpu_submit *args)
{
	u32 i;
	int ret;

	for (i = 0; i < args->in_sync_count; i++) {
		struct drm_vnpu_sync s;

		ret = vnpu_copy_elem(&s, sizeof(s), args->in_syncs,
				     args->in_sync_stride, i);
		if (ret)
			return ret;
		if (s.flags)
			return -EINVAL;
		ret = drm_sched_job_add_syncobj_dependency(&job->base, file,
							   s.handle, s.point);
		if (ret)
			return ret;
	}
	return 0;
}

/**
 * struct vnpu_out_sync - an out syncobj, looked up before the job is armed
 * @syncobj: the syncobj (a reference)
 * @chain: node for a timeline point, or NULL for a binary syncobj
 * @point: the timeline point
 */
struct vnpu_out_sync {
	struct drm_syncobj *syncobj;
	struct dma_fence_chain *chain;
	u64 point;
};

static void vnpu_out_syncs_free(struct vnpu_out_sync *out, u32 n)
{
	u32 i;

	for (i = 0; out && i < n; i++) {
		if (out[i].syncobj)
			drm_syncobj_put(out[i].syncobj);
		dma_fence_chain_free(out[i].chain);
	}
	kvfree(out);
}

static int vnpu_out_syncs_get(struct drm_file *file,
			      struct drm_vnpu_submit *args,
			      struct vnpu_out_sync **outp)
{
	struct vnpu_out_sync *out;
	u32 i;
	int ret = 0;

	*outp = NULL;
	if (!args->out_sync_count)
		return 0;
	out = kvcalloc(args->out_sync_count, sizeof(*out), GFP_KERNEL);
	if (!out)
		return -ENOMEM;
	*outp = out;
	for (i = 0; i < args->out_sync_count; i++) {
		struct drm_vnpu_sync s;

		ret = vnpu_copy_elem(&s, sizeof(s), args->out_syncs,
				     args->out_sync_stride, i);
		if (ret)
			return ret;
		if (s.flags)
			return -EINVAL;
		out[i].syncobj = drm_syncobj_find(file, s.handle);
		if (!out[i].syncobj)
			return -ENOENT;
		out[i].point = s.point;
		if (s.point) {
			out[i].chain = dma_fence_chain_alloc();
			if (!out[i].chain)
				return -ENOMEM;
		}
	}
	return 0;
}

static void vnpu_out_syncs_signal(struct vnpu_out_sync *out, u32 n,
				  struct dma_fence *fence)
{
	u32 i;

	for (i = 0; i < n; i++) {
		if (out[i].chain) {
			drm_syncobj_add_point(out[i].syncobj, out[i].chain,
					      fence, out[i].point);
			out[i].chain = NULL;
		} else {
			drm_syncobj_replace_fence(out[i].syncobj, fence);
		}
	}
}

static int vnpu_submit_check_args(struct drm_device *drm,
				  const struct drm_vnpu_submit *args)
{
	if (args->flags || args->pad || args->pad2)
		return -EINVAL;
	if (args->cmd_size > VNPU_MAX_CMD_SIZE ||
	    args->bo_count > VNPU_MAX_SUBMIT_BOS ||
	    args->in_sync_count > VNPU_MAX_SUBMIT_SYNCS ||
	    args->out_sync_count > VNPU_MAX_SUBMIT_SYNCS) {
		drm_dbg(drm, "SUBMIT: over a limit (stream %llu, %u BOs, %u/%u syncs)\n",
			args->cmd_size, args->bo_count, args->in_sync_count,
			args->out_sync_count);
		return -E2BIG;
	}
	if ((args->bo_count && args->bo_stride < sizeof(struct drm_vnpu_submit_bo)) ||
	    (args->in_sync_count && args->in_sync_stride < sizeof(struct drm_vnpu_sync)) ||
	    (args->out_sync_count && args->out_sync_stride < sizeof(struct drm_vnpu_sync)))
		return -EINVAL;
	return 0;
}

/* Lock the BOs, wait for their users implicitly, and reserve fence slots. */
static int vnpu_job_lock_bos(struct vnpu_job *job,
			     struct ww_acquire_ctx *acquire)
{
	u32 i;
	int ret;

	ret = drm_gem_lock_reservations(job->objs, job->bo_count, acquire);
	if (ret)
		return ret;
	for (i = 0; i < job->bo_count; i++) {
		ret = dma_resv_reserve_fences(job->objs[i]->resv, 1);
		if (ret)
			goto err;
		ret = drm_sched_job_add_implicit_dependencies(&job->base,
							      job->objs[i],
							      job->writes[i]);
		if (ret)
			goto err;
	}
	return 0;
err:
	drm_gem_unlock_reservations(job->objs, job->bo_count, acquire);
	return ret;
}

int vnpu_submit_ioctl(struct drm_device *drm, void *data,
		      struct drm_file *file)
{
	struct vnpu_device *vdev = to_vnpu_device(drm);
	struct drm_vnpu_submit *args = data;
	struct vnpu_out_sync *out = NULL;
	struct ww_acquire_ctx acquire;
	struct dma_fence *finished;
	struct vnpu_ctx *ctx;
	struct vnpu_job *job;
	u32 i;
	int ret;

	args->error_offset = 0;
	ret = vnpu_submit_check_args(drm, args);
	if (ret)
		return ret;
	ctx = vnpu_ctx_get(file, args->ctx_id);
	if (!ctx)
		return -ENOENT;
	if (vnpu_ctx_banned(ctx)) {
		vnpu_ctx_put(ctx);
		return -ECANCELED;
	}

	job = kzalloc(sizeof(*job), GFP_KERNEL);
	if (!job) {
		vnpu_ctx_put(ctx);
		return -ENOMEM;
	}
	job->vdev = vdev;
	job->ctx = ctx;
	job->hw.done = vnpu_job_hw_done;
	INIT_LIST_HEAD(&job->hw.node);

	ret = vnpu_job_copy_stream(job, file, args);
	if (ret)
		goto err_release;
	ret = vnpu_cmd_validate(drm, job->stream, job->hw.size,
				&args->error_offset);
	if (ret)
		goto err_release;
	ret = vnpu_job_get_bos(job, file, args);
	if (ret)
		goto err_release;
	/* The alloc-fail knob lands here: after the BOs are pinned. */
	if (atomic_cmpxchg(&vdev->inject_alloc_fail, 1, 0) != 1)
		job->hw_fence = kzalloc(sizeof(*job->hw_fence), GFP_KERNEL);
	if (!job->hw_fence) {
		ret = -ENOMEM;
		goto err_release;
	}
	ret = vnpu_out_syncs_get(file, args, &out);
	if (ret)
		goto err_release;

	ret = vnpu_sched_job_init(&job->base, &ctx->entity, file);
	if (ret)
		goto err_release;
	ret = vnpu_job_add_in_syncs(job, file, args);
	if (ret)
		goto err_cleanup;
	ret = vnpu_job_lock_bos(job, &acquire);
	if (ret)
		goto err_cleanup;

	/* From here on nothing can fail. */
	mutex_lock(&ctx->submit_lock);
	drm_sched_job_arm(&job->base);
	finished = dma_fence_get(&job->base.s_fence->finished);
	job->seqno = ctx->next_seqno++;
	for (i = 0; i < job->bo_count; i++)
		dma_resv_add_fence(job->objs[i]->resv, finished,
				   job->writes[i] ? DMA_RESV_USAGE_WRITE :
						    DMA_RESV_USAGE_READ);
	args->seqno = job->seqno;
	drm_sched_entity_push_job(&job->base);
	mutex_unlock(&ctx->submit_lock);
	drm_gem_unlock_reservations(job->objs, job->bo_count, &acquire);

	vnpu_out_syncs_signal(out, args->out_sync_count, finished);
	vnpu_out_syncs_free(out, args->out_sync_count);
	dma_fence_put(finished);
	return 0;

err_cleanup:
	drm_sched_job_cleanup(&job->base);
err_release:
	vnpu_out_syncs_free(out, args->out_sync_count);
	vnpu_job_release(job);
	return ret;
}
