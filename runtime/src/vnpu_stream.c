// SPDX-License-Identifier: MIT
/*
 * The public stream calls: argument checks, the buffer list merged and
 * sorted by address, validation of the command stream (the same message
 * for a bad packet on every backend), VNPU_DEBUG=sync, then the backend.
 */
#include <stdlib.h>
#include <string.h>

#include "vnpu_internal.h"
#include "vnpu_rt_cmd.h"

void vnpu_stream_options_init(vnpu_stream_options *opts)
{
	if (!opts)
		return;
	memset(opts, 0, sizeof(*opts));
	opts->priority = VNPU_PRIORITY_NORMAL;
}

vnpu_status vnpu_stream_create(vnpu_device *dev, const vnpu_stream_options *opts,
			       vnpu_stream **stream)
{
	vnpu_stream_options o;
	vnpu_stream *s;
	vnpu_status st;

	if (!dev || !stream)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_stream_create: %s is NULL",
				     !dev ? "device" : "stream");
	*stream = NULL;
	vnpu_stream_options_init(&o);
	if (opts)
		o = *opts;
	if (o.priority > VNPU_PRIORITY_HIGH)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_stream_create: priority %u is not a vnpu_priority",
				     o.priority);
	s = calloc(1, sizeof(*s));
	if (!s)
		return vnpu_rt_error(VNPU_STATUS_OUT_OF_MEMORY,
				     "vnpu_stream_create: out of memory");
	s->dev = dev;
	s->priority = o.priority;
	st = dev->ops->stream_init(s);
	if (st) {
		free(s);
		return st;
	}
	vnpu_rt_device_get(dev);
	*stream = s;
	return VNPU_STATUS_OK;
}

void vnpu_stream_destroy(vnpu_stream *s)
{
	if (!s)
		return;
	s->dev->ops->stream_fini(s);
	vnpu_rt_device_put(s->dev);
	free(s);
}

static int vnpu_rt_use_cmp(const void *a, const void *b)
{
	const struct vnpu_rt_use *x = a, *y = b;

	return x->buf->va < y->buf->va ? -1 : x->buf->va > y->buf->va;
}

vnpu_status vnpu_rt_submit(vnpu_stream *s, const void *cmd, size_t size,
			   struct vnpu_rt_use *uses, size_t n, bool run,
			   uint64_t *seqno)
{
	vnpu_device *dev = s->dev;
	size_t i, j;
	uint64_t seq = 0;
	vnpu_status st;

	if (size > dev->info.max_cmd_size)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_stream_submit: command stream of %zu bytes is longer than max_cmd_size %llu",
				     size, (unsigned long long)dev->info.max_cmd_size);
	/* Sort, then merge a buffer listed twice into one entry. */
	qsort(uses, n, sizeof(*uses), vnpu_rt_use_cmp);
	for (i = 0, j = 0; i < n; i++) {
		if (j && uses[j - 1].buf == uses[i].buf)
			uses[j - 1].access |= uses[i].access;
		else
			uses[j++] = uses[i];
	}
	n = j;
	if (n > dev->info.max_submit_buffers)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_stream_submit: %zu buffers, the device takes at most %u",
				     n, dev->info.max_submit_buffers);
	st = vnpu_rt_cmd_validate(cmd, size, dev->info.va_base, dev->info.va_size);
	if (st)
		return st;
	if (run && dev->ops->run)
		return dev->ops->run(s, cmd, size, uses, n);
	st = dev->ops->submit(s, cmd, size, uses, n, &seq);
	if (st)
		return st;
	if (seqno)
		*seqno = seq;
	vnpu_rt_log(VNPU_LOG_DEBUG, "submitted job %llu (%zu bytes, %zu buffers)",
		    (unsigned long long)seq, size, n);
	/* VNPU_DEBUG=sync: the job's failure is this call's. */
	if (vnpu_rt_lib.sync || run)
		return dev->ops->wait(s, UINT64_MAX);
	return VNPU_STATUS_OK;
}

vnpu_status vnpu_stream_submit(vnpu_stream *s, const void *cmd, size_t size,
			       const vnpu_buffer_use *uses, size_t count,
			       uint64_t *seqno)
{
	struct vnpu_rt_use *list;
	vnpu_status st;
	size_t i;

	if (!s || !cmd || (count && !uses))
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_stream_submit: %s is NULL",
				     !s ? "stream" : !cmd ? "cmd" : "uses");
	if (count > 65536)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_stream_submit: %zu buffers, the device takes at most %u",
				     count, s->dev->info.max_submit_buffers);
	for (i = 0; i < count; i++) {
		if (!uses[i].buffer || uses[i].buffer->dev != s->dev)
			return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
					     "vnpu_stream_submit: uses[%zu].buffer is %s",
					     i, !uses[i].buffer ? "NULL" : "of another device");
		if (!uses[i].access ||
		    (uses[i].access & ~(VNPU_ACCESS_READ | VNPU_ACCESS_WRITE)))
			return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
					     "vnpu_stream_submit: uses[%zu].access 0x%x is not READ and/or WRITE",
					     i, uses[i].access);
	}
	list = malloc((count ? count : 1) * sizeof(*list));
	if (!list)
		return vnpu_rt_error(VNPU_STATUS_OUT_OF_MEMORY,
				     "vnpu_stream_submit: out of memory");
	for (i = 0; i < count; i++) {
		list[i].buf = uses[i].buffer;
		list[i].access = uses[i].access;
	}
	st = vnpu_rt_submit(s, cmd, size, list, count, false, seqno);
	free(list);
	return st;
}

vnpu_status vnpu_stream_wait(vnpu_stream *s, uint64_t timeout_ns)
{
	if (!s)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_stream_wait: stream is NULL");
	return s->dev->ops->wait(s, timeout_ns);
}

vnpu_status vnpu_stream_sync(vnpu_stream *s)
{
	if (!s)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_stream_sync: stream is NULL");
	return s->dev->ops->wait(s, UINT64_MAX);
}

vnpu_status vnpu_stream_progress(vnpu_stream *s, uint64_t *submitted,
				 uint64_t *completed)
{
	uint64_t a, b;
	vnpu_status st;

	if (!s)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_stream_progress: stream is NULL");
	st = s->dev->ops->progress(s, &a, &b);
	if (st)
		return st;
	if (submitted)
		*submitted = a;
	if (completed)
		*completed = b;
	return VNPU_STATUS_OK;
}

vnpu_status vnpu_stream_wait_event(vnpu_stream *s, const vnpu_event *e)
{
	if (!s || !e)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_stream_wait_event: %s is NULL",
				     !s ? "stream" : "event");
	if (e->dev != s->dev)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_stream_wait_event: the event belongs to another device");
	if (!e->recorded)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_stream_wait_event: the event was never recorded");
	return s->dev->ops->wait_event(s, (vnpu_event *)e);
}
