// SPDX-License-Identifier: MIT
/*
 * The device backend's streams: a stream is a context (an in-order queue
 * on one of the card's rings) plus a timeline syncobj whose point N
 * signals when job N is done. Submissions copy the stream into a staging
 * BO the stream reuses (the kernel copies it at SUBMIT) and list the job's
 * BOs. Job failures are learnt from CTX_QUERY after a wait. Events are
 * jobs holding one TIMESTAMP packet that also signal the event's syncobj.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <drm/vnpu_accel.h>
#include <drm/vnpu_cmd.h>
#include <xf86drm.h>

#include "vnpu_drm.h"

struct vnpu_rt_drm_stream {
	pthread_mutex_t lock;
	uint32_t ctx;
	uint32_t timeline;
	uint64_t submitted;
	uint32_t faults_seen;
	uint32_t cmd_handle;	/* staging BO for the stream's bytes */
	void *cmd_map;
	uint64_t cmd_size;
	uint32_t *waits;	/* syncobjs the next job waits on */
	size_t nwaits;
};

static vnpu_status vnpu_rt_drm_fail(vnpu_stream *s, const char *call, int err)
{
	return vnpu_rt_error(vnpu_rt_errno_status(err), "%s on %s: %s", call,
			     s->dev->info.path, strerror(err));
}

vnpu_status vnpu_rt_drm_stream_init(vnpu_stream *s)
{
	struct vnpu_rt_drm_stream *d = calloc(1, sizeof(*d));
	struct drm_vnpu_ctx_create c = { .priority = s->priority };
	int err;

	if (!d)
		return vnpu_rt_error(VNPU_STATUS_OUT_OF_MEMORY,
				     "vnpu_stream_create: out of memory");
	err = vnpu_rt_drm_ioctl(s->dev, DRM_IOCTL_VNPU_CTX_CREATE, &c);
	if (err) {
		free(d);
		if (err == EACCES)
			return vnpu_rt_error(VNPU_STATUS_PERMISSION_DENIED,
					     "vnpu_stream_create: high priority needs CAP_SYS_NICE");
		return vnpu_rt_drm_fail(s, "vnpu_stream_create", err);
	}
	d->ctx = c.ctx_id;
	if (drmSyncobjCreate(s->dev->fd, 0, &d->timeline)) {
		struct drm_vnpu_ctx_destroy x = { .ctx_id = d->ctx };

		err = errno;
		vnpu_rt_drm_ioctl(s->dev, DRM_IOCTL_VNPU_CTX_DESTROY, &x);
		free(d);
		return vnpu_rt_drm_fail(s, "vnpu_stream_create: syncobj", err);
	}
	pthread_mutex_init(&d->lock, NULL);
	s->drm = d;
	return VNPU_STATUS_OK;
}

static void vnpu_rt_drm_drop_waits(vnpu_stream *s)
{
	struct vnpu_rt_drm_stream *d = s->drm;
	size_t i;

	for (i = 0; i < d->nwaits; i++)
		drmSyncobjDestroy(s->dev->fd, d->waits[i]);
	d->nwaits = 0;
}

void vnpu_rt_drm_stream_fini(vnpu_stream *s)
{
	struct vnpu_rt_drm_stream *d = s->drm;
	struct drm_vnpu_ctx_destroy x = { .ctx_id = d->ctx };
	struct drm_gem_close gc = { .handle = d->cmd_handle };

	vnpu_rt_drm_wait(s, UINT64_MAX);
	vnpu_rt_drm_drop_waits(s);
	free(d->waits);
	vnpu_rt_drm_ioctl(s->dev, DRM_IOCTL_VNPU_CTX_DESTROY, &x);
	drmSyncobjDestroy(s->dev->fd, d->timeline);
	if (d->cmd_map) {
		munmap(d->cmd_map, d->cmd_size);
		vnpu_rt_drm_ioctl(s->dev, DRM_IOCTL_GEM_CLOSE, &gc);
	}
	pthread_mutex_destroy(&d->lock);
	free(d);
}

/* Make the staging BO hold SIZE bytes (d->lock held). */
static vnpu_status vnpu_rt_drm_staging(vnpu_stream *s, size_t size)
{
	struct vnpu_rt_drm_stream *d = s->drm;
	struct drm_vnpu_bo_create c = { .size = 64 << 10 };
	struct drm_vnpu_bo_info i = { 0 };
	struct drm_gem_close gc = { 0 };
	void *p;
	int err;

	if (size <= d->cmd_size)
		return VNPU_STATUS_OK;
	while (c.size < size)
		c.size *= 2;
	err = vnpu_rt_drm_ioctl(s->dev, DRM_IOCTL_VNPU_BO_CREATE, &c);
	if (err)
		return vnpu_rt_drm_fail(s, "vnpu_stream_submit: command buffer", err);
	i.handle = c.handle;
	gc.handle = c.handle;
	err = vnpu_rt_drm_ioctl(s->dev, DRM_IOCTL_VNPU_BO_INFO, &i);
	p = err ? MAP_FAILED : mmap(NULL, c.size, PROT_READ | PROT_WRITE,
				    MAP_SHARED, s->dev->fd, (off_t)i.mmap_offset);
	if (p == MAP_FAILED) {
		err = err ? err : errno;
		vnpu_rt_drm_ioctl(s->dev, DRM_IOCTL_GEM_CLOSE, &gc);
		return vnpu_rt_drm_fail(s, "vnpu_stream_submit: command buffer", err);
	}
	if (d->cmd_map) {
		munmap(d->cmd_map, d->cmd_size);
		gc.handle = d->cmd_handle;
		vnpu_rt_drm_ioctl(s->dev, DRM_IOCTL_GEM_CLOSE, &gc);
	}
	d->cmd_handle = c.handle;
	d->cmd_map = p;
	d->cmd_size = c.size;
	return VNPU_STATUS_OK;
}

/* Submit, signalling timeline point seqno and, if non-zero, SIGNAL too. */
static vnpu_status vnpu_rt_drm_submit_sig(vnpu_stream *s, const void *cmd,
					  size_t size,
					  const struct vnpu_rt_use *uses, size_t n,
					  uint32_t signal, uint64_t *seqno)
{
	struct vnpu_rt_drm_stream *d = s->drm;
	struct drm_vnpu_submit_bo *bos = calloc(n ? n : 1, sizeof(*bos));
	struct drm_vnpu_sync *in = NULL, out[2] = { { 0 } };
	struct drm_vnpu_submit a = { 0 };
	vnpu_status st = VNPU_STATUS_OK;
	size_t i;
	int err;

	if (!bos)
		return vnpu_rt_error(VNPU_STATUS_OUT_OF_MEMORY,
				     "vnpu_stream_submit: out of memory");
	for (i = 0; i < n; i++) {
		bos[i].handle = uses[i].buf->handle;
		bos[i].flags = ((uses[i].access & VNPU_ACCESS_READ) ? DRM_VNPU_BO_READ : 0) |
			       ((uses[i].access & VNPU_ACCESS_WRITE) ? DRM_VNPU_BO_WRITE : 0);
	}
	pthread_mutex_lock(&d->lock);
	st = vnpu_rt_drm_staging(s, size);
	if (st)
		goto out;
	if (d->nwaits) {
		in = calloc(d->nwaits, sizeof(*in));
		if (!in) {
			st = vnpu_rt_error(VNPU_STATUS_OUT_OF_MEMORY,
					   "vnpu_stream_submit: out of memory");
			goto out;
		}
		for (i = 0; i < d->nwaits; i++)
			in[i].handle = d->waits[i];
	}
	memcpy(d->cmd_map, cmd, size);
	out[0].handle = d->timeline;
	out[0].point = d->submitted + 1;
	out[1].handle = signal;
	a.ctx_id = d->ctx;
	a.cmd_handle = d->cmd_handle;
	a.cmd_size = size;
	a.bos = (uintptr_t)bos;
	a.bo_count = (uint32_t)n;
	a.bo_stride = sizeof(*bos);
	a.in_syncs = (uintptr_t)in;
	a.in_sync_count = (uint32_t)d->nwaits;
	a.in_sync_stride = sizeof(*in);
	a.out_syncs = (uintptr_t)out;
	a.out_sync_count = signal ? 2 : 1;
	a.out_sync_stride = sizeof(out[0]);
	err = vnpu_rt_drm_ioctl(s->dev, DRM_IOCTL_VNPU_SUBMIT, &a);
	if (err == EINVAL)
		st = vnpu_rt_error(VNPU_STATUS_INVALID_STREAM,
				   "vnpu_stream_submit: %s rejected the stream at packet offset 0x%x",
				   s->dev->info.path, a.error_offset);
	else if (err == ECANCELED)
		st = vnpu_rt_error(VNPU_STATUS_DEVICE_LOST,
				   "vnpu_stream_submit: the stream's context was banned after repeated hangs");
	else if (err)
		st = vnpu_rt_drm_fail(s, "vnpu_stream_submit", err);
	if (!st) {
		d->submitted = a.seqno;
		*seqno = a.seqno;
		vnpu_rt_drm_drop_waits(s);
	}
out:
	pthread_mutex_unlock(&d->lock);
	free(in);
	free(bos);
	return st;
}

vnpu_status vnpu_rt_drm_submit(vnpu_stream *s, const void *cmd, size_t size,
			       const struct vnpu_rt_use *uses, size_t n,
			       uint64_t *seqno)
{
	return vnpu_rt_drm_submit_sig(s, cmd, size, uses, n, 0, seqno);
}

/* Report a job failure the context recorded since the last report. */
static vnpu_status vnpu_rt_drm_faults(vnpu_stream *s)
{
	struct vnpu_rt_drm_stream *d = s->drm;
	struct drm_vnpu_ctx_query q = { .ctx_id = d->ctx };
	int err = vnpu_rt_drm_ioctl(s->dev, DRM_IOCTL_VNPU_CTX_QUERY, &q);
	uint32_t fresh;

	if (err)
		return vnpu_rt_drm_fail(s, "vnpu_stream_sync: CTX_QUERY", err);
	pthread_mutex_lock(&d->lock);
	fresh = q.fault_count - d->faults_seen;
	d->faults_seen = q.fault_count;
	pthread_mutex_unlock(&d->lock);
	if (!fresh)
		return VNPU_STATUS_OK;
	if (q.state == DRM_VNPU_CTX_BANNED || q.last_error == -ECANCELED)
		return vnpu_rt_error(VNPU_STATUS_DEVICE_LOST,
				     "job %llu failed: %s", (unsigned long long)q.last_error_seqno,
				     q.state == DRM_VNPU_CTX_BANNED ?
				     "the context was banned after repeated hangs" :
				     "the card was removed");
	return vnpu_rt_error(VNPU_STATUS_DEVICE_FAULT,
			     "job %llu failed: %s at packet offset 0x%x (%u job(s) failed since the last sync)",
			     (unsigned long long)q.last_error_seqno,
			     q.last_error == -ETIMEDOUT ? "the card hung and was reset" :
							  "device fault",
			     q.last_error_offset, fresh);
}

vnpu_status vnpu_rt_drm_wait(vnpu_stream *s, uint64_t timeout_ns)
{
	struct vnpu_rt_drm_stream *d = s->drm;
	uint64_t point;

	pthread_mutex_lock(&d->lock);
	point = d->submitted;
	pthread_mutex_unlock(&d->lock);
	if (point && drmSyncobjTimelineWait(s->dev->fd, &d->timeline, &point, 1,
					    (int64_t)vnpu_rt_deadline(timeout_ns),
					    0, NULL)) {
		if (errno == ETIME || errno == ETIMEDOUT)
			return vnpu_rt_error(VNPU_STATUS_TIMEOUT,
					     "vnpu_stream_wait: job %llu not finished after %llu ns",
					     (unsigned long long)point,
					     (unsigned long long)timeout_ns);
		return vnpu_rt_drm_fail(s, "vnpu_stream_wait", errno);
	}
	return vnpu_rt_drm_faults(s);
}

vnpu_status vnpu_rt_drm_progress(vnpu_stream *s, uint64_t *submitted,
				 uint64_t *completed)
{
	struct drm_vnpu_ctx_query q = { .ctx_id = s->drm->ctx };
	int err = vnpu_rt_drm_ioctl(s->dev, DRM_IOCTL_VNPU_CTX_QUERY, &q);

	if (err)
		return vnpu_rt_drm_fail(s, "vnpu_stream_progress", err);
	*submitted = q.submitted;
	*completed = q.completed;
	return VNPU_STATUS_OK;
}

vnpu_status vnpu_rt_drm_wait_event(vnpu_stream *s, vnpu_event *e)
{
	struct vnpu_rt_drm_stream *d = s->drm;
	uint32_t h, *w;
	vnpu_status st = VNPU_STATUS_OK;

	pthread_mutex_lock(&d->lock);
	if (d->nwaits >= s->dev->info.max_submit_syncs) {
		st = vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				   "vnpu_stream_wait_event: more than %u waits before the next submission",
				   s->dev->info.max_submit_syncs);
		goto out;
	}
	w = realloc(d->waits, (d->nwaits + 1) * sizeof(*w));
	if (!w) {
		st = vnpu_rt_error(VNPU_STATUS_OUT_OF_MEMORY,
				   "vnpu_stream_wait_event: out of memory");
		goto out;
	}
	d->waits = w;
	/* A private copy of the record's fence: re-recording cannot move it. */
	if (drmSyncobjCreate(s->dev->fd, 0, &h)) {
		st = vnpu_rt_drm_fail(s, "vnpu_stream_wait_event", errno);
		goto out;
	}
	if (drmSyncobjTransfer(s->dev->fd, h, 0, e->syncobj, 0, 0)) {
		st = vnpu_rt_drm_fail(s, "vnpu_stream_wait_event", errno);
		drmSyncobjDestroy(s->dev->fd, h);
		goto out;
	}
	w[d->nwaits++] = h;
out:
	pthread_mutex_unlock(&d->lock);
	return st;
}

vnpu_status vnpu_rt_drm_event_init(vnpu_event *e)
{
	void *map;
	vnpu_status st = vnpu_buffer_alloc(e->dev, 4096, &e->ts_buf);

	if (!st)
		st = vnpu_buffer_map(e->ts_buf, &map);
	if (!st && drmSyncobjCreate(e->dev->fd, 0, &e->syncobj))
		st = vnpu_rt_error(vnpu_rt_errno_status(errno),
				   "vnpu_event_create: syncobj: %s", strerror(errno));
	if (st)
		vnpu_buffer_free(e->ts_buf);
	return st;
}

void vnpu_rt_drm_event_fini(vnpu_event *e)
{
	drmSyncobjDestroy(e->dev->fd, e->syncobj);
	vnpu_buffer_free(e->ts_buf);
}

vnpu_status vnpu_rt_drm_event_record(vnpu_event *e, vnpu_stream *s)
{
	struct {
		struct vnpu_cmd_stream_header h;
		struct vnpu_cmd_timestamp t;
	} cmd = {
		.h = { .magic = VNPU_CMD_MAGIC, .version = VNPU_CMD_VERSION },
		.t = { .hdr = { .op = VNPU_OP_TIMESTAMP, .size = sizeof(cmd.t) },
		       .dst = e->ts_buf->va },
	};
	struct vnpu_rt_use use = { e->ts_buf, VNPU_ACCESS_WRITE };
	uint64_t seq;

	return vnpu_rt_drm_submit_sig(s, &cmd, sizeof(cmd), &use, 1, e->syncobj,
				      &seq);
}

vnpu_status vnpu_rt_drm_event_wait(vnpu_event *e, uint64_t timeout_ns)
{
	if (drmSyncobjWait(e->dev->fd, &e->syncobj, 1,
			   (int64_t)vnpu_rt_deadline(timeout_ns), 0, NULL)) {
		if (errno == ETIME || errno == ETIMEDOUT)
			return vnpu_rt_error(VNPU_STATUS_TIMEOUT,
					     "vnpu_event_wait: not reached after %llu ns",
					     (unsigned long long)timeout_ns);
		return vnpu_rt_error(vnpu_rt_errno_status(errno),
				     "vnpu_event_wait: %s", strerror(errno));
	}
	memcpy(&e->ts_ns, e->ts_buf->map, sizeof(e->ts_ns));
	return VNPU_STATUS_OK;
}
