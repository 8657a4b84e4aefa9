// SPDX-License-Identifier: MIT
/*
 * The public event calls. An event is reference counted because a
 * pending record (a CPU job, or a card job writing its timestamp) may
 * outlive the caller's handle.
 */
#include <stdlib.h>

#include "vnpu_internal.h"

vnpu_status vnpu_event_create(vnpu_device *dev, vnpu_event **event)
{
	vnpu_event *e;
	vnpu_status st;

	if (!dev || !event)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_event_create: %s is NULL",
				     !dev ? "device" : "event");
	*event = NULL;
	e = calloc(1, sizeof(*e));
	if (!e)
		return vnpu_rt_error(VNPU_STATUS_OUT_OF_MEMORY,
				     "vnpu_event_create: out of memory");
	e->dev = dev;
	e->refs = 1;
	st = dev->ops->event_init(e);
	if (st) {
		free(e);
		return st;
	}
	vnpu_rt_device_get(dev);
	*event = e;
	return VNPU_STATUS_OK;
}

void vnpu_rt_event_ref(vnpu_event *e)
{
	__atomic_add_fetch(&e->refs, 1, __ATOMIC_RELAXED);
}

void vnpu_rt_event_unref(vnpu_event *e)
{
	vnpu_device *dev = e->dev;

	if (__atomic_sub_fetch(&e->refs, 1, __ATOMIC_ACQ_REL))
		return;
	dev->ops->event_fini(e);
	free(e);
	vnpu_rt_device_put(dev);
}

void vnpu_event_destroy(vnpu_event *e)
{
	if (e)
		vnpu_rt_event_unref(e);
}

vnpu_status vnpu_event_record(vnpu_event *e, vnpu_stream *s)
{
	vnpu_status st;

	if (!e || !s)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_event_record: %s is NULL",
				     !e ? "event" : "stream");
	if (e->dev != s->dev)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_event_record: event and stream belong to different devices");
	st = s->dev->ops->event_record(e, s);
	if (!st)
		e->recorded = true;
	if (!st && vnpu_rt_lib.sync)
		st = s->dev->ops->wait(s, UINT64_MAX);
	return st;
}

vnpu_status vnpu_event_wait(vnpu_event *e, uint64_t timeout_ns)
{
	if (!e)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_event_wait: event is NULL");
	if (!e->recorded)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_event_wait: the event was never recorded");
	return e->dev->ops->event_wait(e, timeout_ns);
}

vnpu_status vnpu_event_timestamp(vnpu_event *e, uint64_t *ns)
{
	vnpu_status st;

	if (!ns)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_event_timestamp: ns is NULL");
	st = vnpu_event_wait(e, 0);
	if (!st)
		*ns = e->ts_ns;
	return st;
}

vnpu_status vnpu_event_elapsed(vnpu_event *start, vnpu_event *end, uint64_t *ns)
{
	uint64_t a, b;
	vnpu_status st;

	if (!start || !end || !ns)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_event_elapsed: %s is NULL",
				     !start ? "start" : !end ? "end" : "ns");
	st = vnpu_event_timestamp(start, &a);
	if (!st)
		st = vnpu_event_timestamp(end, &b);
	if (st)
		return st;
	if (b < a)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_event_elapsed: end was reached %llu ns before start",
				     (unsigned long long)(a - b));
	*ns = b - a;
	return VNPU_STATUS_OK;
}
