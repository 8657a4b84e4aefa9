// SPDX-License-Identifier: GPL-2.0
/*
 * Contexts: a file's job queues, each an entity on the scheduler of the
 * ring its priority selects, with the health record CTX_QUERY reports.
 */
#include <linux/capability.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/xarray.h>

#include <drm/drm_device.h>
#include <drm/drm_file.h>
#include <drm/drm_print.h>
#include <drm/vnpu_accel.h>

#include "vnpu_ctx.h"
#include "vnpu_drv.h"

static void vnpu_ctx_free(struct kref *ref)
{
	struct vnpu_ctx *ctx = container_of(ref, struct vnpu_ctx, refcount);

	mutex_destroy(&ctx->submit_lock);
	kfree(ctx);
}

void vnpu_ctx_put(struct vnpu_ctx *ctx)
{
	kref_put(&ctx->refcount, vnpu_ctx_free);
}

struct vnpu_ctx *vnpu_ctx_get(struct drm_file *file, u32 id)
{
	struct vnpu_file_priv *fpriv = file->driver_priv;
	struct vnpu_ctx *ctx;

	xa_lock(&fpriv->contexts);
	ctx = xa_load(&fpriv->contexts, id);
	if (ctx)
		kref_get(&ctx->refcount);
	xa_unlock(&fpriv->contexts);
	return ctx;
}

bool vnpu_ctx_banned(struct vnpu_ctx *ctx)
{
	bool banned;

	spin_lock(&ctx->lock);
	banned = ctx->banned;
	spin_unlock(&ctx->lock);
	return banned;
}

void vnpu_ctx_record_error(struct vnpu_ctx *ctx, int error, u32 offset,
			   u64 seqno)
{
	spin_lock(&ctx->lock);
	ctx->fault_count++;
	ctx->last_error = error;
	ctx->last_error_offset = offset;
	ctx->last_error_seqno = seqno;
	spin_unlock(&ctx->lock);
}

void vnpu_ctx_record_hang(struct vnpu_ctx *ctx)
{
	spin_lock(&ctx->lock);
	if (++ctx->hangs >= VNPU_BAN_HANGS)
		ctx->banned = true;
	spin_unlock(&ctx->lock);
}

int vnpu_ctx_create_ioctl(struct drm_device *drm, void *data,
			  struct drm_file *file)
{
	struct vnpu_device *vdev = to_vnpu_device(drm);
	struct vnpu_file_priv *fpriv = file->driver_priv;
	struct drm_vnpu_ctx_create *args = data;
	struct drm_gpu_scheduler *sched;
	struct vnpu_ctx *ctx;
	u32 id;
	int ret;

	if (args->flags || args->pad || args->priority > DRM_VNPU_PRIORITY_HIGH)
		return -EINVAL;
	if (args->priority == DRM_VNPU_PRIORITY_HIGH && !capable(CAP_SYS_NICE)) {
		drm_dbg(drm, "CTX_CREATE: high priority needs CAP_SYS_NICE\n");
		return -EACCES;
	}

	ctx = kzalloc(sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return -ENOMEM;
	kref_init(&ctx->refcount);
	ctx->vdev = vdev;
	ctx->ring = args->priority;
	ctx->next_seqno = 1;
	mutex_init(&ctx->submit_lock);
	spin_lock_init(&ctx->lock);

	sched = &vdev->rings[ctx->ring].sched;
	ret = drm_sched_entity_init(&ctx->entity, DRM_SCHED_PRIORITY_NORMAL,
				    &sched, 1, NULL);
	if (ret)
		goto err_free;

	ret = xa_alloc(&fpriv->contexts, &id, ctx,
		       XA_LIMIT(1, VNPU_MAX_CONTEXTS), GFP_KERNEL);
	if (ret) {
		ret = ret == -EBUSY ? -ENOSPC : ret;
		goto err_entity;
	}
	ctx->id = id;
	args->ctx_id = id;
	return 0;

err_entity:
	drm_sched_entity_destroy(&ctx->entity);
err_free:
	vnpu_ctx_put(ctx);
	return ret;
}

static void vnpu_ctx_destroy(struct vnpu_ctx *ctx)
{
	/* Pushes out what is queued; jobs already pushed run to the end. */
	drm_sched_entity_destroy(&ctx->entity);
	vnpu_ctx_put(ctx);
}

int vnpu_ctx_destroy_ioctl(struct drm_device *drm, void *data,
			   struct drm_file *file)
{
	struct vnpu_file_priv *fpriv = file->driver_priv;
	struct drm_vnpu_ctx_destroy *args = data;
	struct vnpu_ctx *ctx;

	if (args->pad)
		return -EINVAL;
	ctx = xa_erase(&fpriv->contexts, args->ctx_id);
	if (!ctx)
		return -ENOENT;
	/* Jobs still running after this are not counted in fdinfo. */
	atomic64_add(atomic64_read(&ctx->busy_ns), &fpriv->retired_busy_ns);
	vnpu_ctx_destroy(ctx);
	return 0;
}

void vnpu_ctx_release_all(struct drm_file *file)
{
	struct vnpu_file_priv *fpriv = file->driver_priv;
	struct vnpu_ctx *ctx;
	unsigned long id;

	xa_for_each(&fpriv->contexts, id, ctx) {
		xa_erase(&fpriv->contexts, id);
		vnpu_ctx_destroy(ctx);
	}
}

static void vnpu_ctx_fill_query(struct vnpu_ctx *ctx,
				struct drm_vnpu_ctx_query *args)
{
	mutex_lock(&ctx->submit_lock);
	args->submitted = ctx->next_seqno - 1;
	mutex_unlock(&ctx->submit_lock);
	args->completed = atomic64_read(&ctx->completed);

	spin_lock(&ctx->lock);
	args->state = ctx->banned ? DRM_VNPU_CTX_BANNED :
		      ctx->fault_count ? DRM_VNPU_CTX_FAULTED :
					 DRM_VNPU_CTX_OK;
	args->fault_count = ctx->fault_count;
	args->last_error = ctx->last_error;
	args->last_error_offset = ctx->last_error_offset;
	args->last_error_seqno = ctx->last_error_seqno;
	spin_unlock(&ctx->lock);
}

int vnpu_ctx_query_ioctl(struct drm_device *drm, void *data,
			 struct drm_file *file)
{
	struct drm_vnpu_ctx_query *args = data;
	struct vnpu_ctx *ctx;

	if (args->flags)
		return -EINVAL;
	ctx = vnpu_ctx_get(file, args->ctx_id);
	if (!ctx)
		return -ENOENT;
	vnpu_ctx_fill_query(ctx, args);
	vnpu_ctx_put(ctx);
	return 0;
}

static const char *const vnpu_ctx_state_names[] = { "ok", "faulted", "banned" };

void vnpu_ctx_debugfs_show(struct vnpu_device *vdev, struct seq_file *m)
{
	struct drm_device *drm = &vdev->drm;
	struct drm_file *file;

	mutex_lock(&drm->filelist_mutex);
	list_for_each_entry(file, &drm->filelist, lhead) {
		struct vnpu_file_priv *fpriv = file->driver_priv;
		struct drm_vnpu_ctx_query q;
		struct vnpu_ctx *ctx;
		unsigned long id;

		seq_printf(m, "client %llu\n", file->client_id);
		xa_for_each(&fpriv->contexts, id, ctx) {
			q = (struct drm_vnpu_ctx_query){ .ctx_id = id };
			vnpu_ctx_fill_query(ctx, &q);
			seq_printf(m, "  ctx %lu ring %u %s submitted %llu completed %llu faults %u last_error %d at %u (job %llu)\n",
				   id, ctx->ring, vnpu_ctx_state_names[q.state],
				   q.submitted, q.completed, q.fault_count,
				   q.last_error, q.last_error_offset,
				   q.last_error_seqno);
		}
	}
	mutex_unlock(&drm->filelist_mutex);
}

u64 vnpu_ctx_busy_ns(struct drm_file *file)
{
	struct vnpu_file_priv *fpriv = file->driver_priv;
	u64 busy = atomic64_read(&fpriv->retired_busy_ns);
	struct vnpu_ctx *ctx;
	unsigned long id;

	xa_lock(&fpriv->contexts);
	xa_for_each(&fpriv->contexts, id, ctx)
		busy += atomic64_read(&ctx->busy_ns);
	xa_unlock(&fpriv->contexts);
	return busy;
}
