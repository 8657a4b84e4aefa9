// SPDX-License-Identifier: MIT
/*
 * Opening and closing devices, their information, and the bookkeeping
 * every backend shares: a count of live objects (so closing a device in
 * use is refused, not a use-after-free) and the address-sorted table of
 * buffers that command buffers resolve addresses with.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vnpu_internal.h"

void vnpu_device_options_init(vnpu_device_options *opts)
{
	if (!opts)
		return;
	memset(opts, 0, sizeof(*opts));
	opts->cpu_features = UINT32_MAX;
}

static vnpu_status vnpu_rt_device_new(vnpu_device **out)
{
	vnpu_device *dev = calloc(1, sizeof(*dev));

	*out = dev;
	if (!dev)
		return vnpu_rt_error(VNPU_STATUS_OUT_OF_MEMORY,
				     "vnpu_device_open: out of memory");
	dev->fd = -1;
	pthread_mutex_init(&dev->lock, NULL);
	pthread_mutex_init(&dev->ev_lock, NULL);
	vnpu_rt_cond_init(&dev->ev_cond);
	return VNPU_STATUS_OK;
}

static void vnpu_rt_device_delete(vnpu_device *dev)
{
	pthread_cond_destroy(&dev->ev_cond);
	pthread_mutex_destroy(&dev->ev_lock);
	pthread_mutex_destroy(&dev->lock);
	free(dev->bufs);
	free(dev);
}

/* Open what NAME names into DEV (see vnpu_device_open()). */
static vnpu_status vnpu_rt_open_name(vnpu_device *dev, const char *name,
				     const vnpu_device_options *o)
{
	vnpu_device_desc descs[16];
	size_t count = 0;
	char *end;
	unsigned long idx;
	vnpu_status st;

	if (name && !strcmp(name, "cpu"))
		return vnpu_rt_cpu_open(dev, o);
	if (name && *name && name[0] != '/' && name[0] != '.') {
		errno = 0;
		idx = strtoul(name, &end, 10);
		if (*end || errno || end == name)
			return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
					     "vnpu_device_open: name '%s' is not \"cpu\", a path or a card index",
					     name);
		st = vnpu_device_enumerate(descs, 16, &count);
		if (st)
			return st;
		if (!count)
			return vnpu_rt_no_card_error("vnpu_device_open");
		if (idx >= count)
			return vnpu_rt_error(VNPU_STATUS_NOT_FOUND,
					     "vnpu_device_open: card index %lu, but there are %zu card(s)",
					     idx, count);
		return vnpu_rt_drm_open(dev, descs[idx].path);
	}
	if (name && *name)
		return vnpu_rt_drm_open(dev, name);
	/* No name: VNPU_BACKEND decides. */
	if (vnpu_rt_lib.backend == VNPU_BACKEND_CPU)
		return vnpu_rt_cpu_open(dev, o);
	st = vnpu_device_enumerate(descs, 16, &count);
	if (st)
		return st;
	if (count)
		return vnpu_rt_drm_open(dev, descs[0].path);
	if (vnpu_rt_lib.backend == VNPU_BACKEND_DEVICE)
		return vnpu_rt_no_card_error("vnpu_device_open (VNPU_BACKEND=device)");
	vnpu_rt_log(VNPU_LOG_INFO, "no vnpu card: using the CPU backend");
	return vnpu_rt_cpu_open(dev, o);
}

vnpu_status vnpu_device_open(const char *name, const vnpu_device_options *opts,
			     vnpu_device **device)
{
	vnpu_device_options o;
	vnpu_device *dev;
	vnpu_status st;

	if (!device)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_device_open: device is NULL");
	*device = NULL;
	if (!vnpu_rt_initialized("vnpu_device_open"))
		return VNPU_STATUS_NOT_INITIALIZED;
	vnpu_device_options_init(&o);
	if (opts)
		o = *opts;
	if (o.cpu_threads > 1024)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_device_open: cpu_threads %u is above 1024",
				     o.cpu_threads);
	st = vnpu_rt_device_new(&dev);
	if (st)
		return st;
	st = vnpu_rt_open_name(dev, name, &o);
	if (st) {
		vnpu_rt_device_delete(dev);
		return st;
	}
	pthread_mutex_lock(&vnpu_rt_lib.lock);
	vnpu_rt_lib.devices++;
	pthread_mutex_unlock(&vnpu_rt_lib.lock);
	vnpu_rt_log(VNPU_LOG_INFO, "opened %s (%s)", dev->info.path, dev->info.name);
	*device = dev;
	return VNPU_STATUS_OK;
}

vnpu_status vnpu_device_open_index(uint32_t index, const vnpu_device_options *opts,
				   vnpu_device **device)
{
	char name[16];

	snprintf(name, sizeof(name), "%u", index);
	return vnpu_device_open(name, opts, device);
}

vnpu_status vnpu_device_close(vnpu_device *dev)
{
	uint64_t live;

	if (!dev)
		return VNPU_STATUS_OK;
	pthread_mutex_lock(&dev->lock);
	live = dev->live;
	pthread_mutex_unlock(&dev->lock);
	if (live)
		return vnpu_rt_error(VNPU_STATUS_BUSY,
				     "vnpu_device_close: %s still has %llu buffer(s), stream(s), event(s) or command buffer(s)",
				     dev->info.path, (unsigned long long)live);
	dev->ops->close(dev);
	vnpu_rt_device_delete(dev);
	pthread_mutex_lock(&vnpu_rt_lib.lock);
	vnpu_rt_lib.devices--;
	pthread_mutex_unlock(&vnpu_rt_lib.lock);
	return VNPU_STATUS_OK;
}

vnpu_status vnpu_device_info_get(const vnpu_device *dev, vnpu_device_info *info)
{
	if (!dev || !info)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_device_info_get: %s is NULL",
				     !dev ? "device" : "info");
	*info = dev->info;
	return VNPU_STATUS_OK;
}

void vnpu_rt_device_get(vnpu_device *dev)
{
	pthread_mutex_lock(&dev->lock);
	dev->live++;
	pthread_mutex_unlock(&dev->lock);
}

void vnpu_rt_device_put(vnpu_device *dev)
{
	pthread_mutex_lock(&dev->lock);
	dev->live--;
	pthread_mutex_unlock(&dev->lock);
}

/* Index of the first buffer whose address is >= VA (dev->lock held). */
static size_t vnpu_rt_buffer_slot(vnpu_device *dev, uint64_t va)
{
	size_t lo = 0, hi = dev->nbufs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (dev->bufs[mid]->va < va)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

vnpu_status vnpu_rt_buffer_register(vnpu_buffer *buf)
{
	vnpu_device *dev = buf->dev;
	vnpu_status st = VNPU_STATUS_OK;
	size_t i;

	pthread_mutex_lock(&dev->lock);
	if (dev->nbufs == dev->cap) {
		size_t cap = dev->cap ? dev->cap * 2 : 64;
		vnpu_buffer **b = realloc(dev->bufs, cap * sizeof(*b));

		if (!b) {
			st = vnpu_rt_error(VNPU_STATUS_OUT_OF_MEMORY,
					   "vnpu_buffer_alloc: out of memory");
			goto out;
		}
		dev->bufs = b;
		dev->cap = cap;
	}
	i = vnpu_rt_buffer_slot(dev, buf->va);
	memmove(&dev->bufs[i + 1], &dev->bufs[i],
		(dev->nbufs - i) * sizeof(dev->bufs[0]));
	dev->bufs[i] = buf;
	dev->nbufs++;
	dev->live++;
out:
	pthread_mutex_unlock(&dev->lock);
	return st;
}

/* Remove BUF from the table (its last reference is gone). */
static void vnpu_rt_buffer_unregister(vnpu_buffer *buf)
{
	vnpu_device *dev = buf->dev;
	size_t i;

	pthread_mutex_lock(&dev->lock);
	for (i = vnpu_rt_buffer_slot(dev, buf->va); i < dev->nbufs; i++) {
		if (dev->bufs[i] == buf) {
			memmove(&dev->bufs[i], &dev->bufs[i + 1],
				(dev->nbufs - i - 1) * sizeof(dev->bufs[0]));
			dev->nbufs--;
			break;
		}
	}
	dev->live--;
	pthread_mutex_unlock(&dev->lock);
}

vnpu_buffer *vnpu_rt_buffer_lookup(vnpu_device *dev, uint64_t va)
{
	size_t i = vnpu_rt_buffer_slot(dev, va);

	/* The candidate is the last buffer starting at or below VA. */
	if (i < dev->nbufs && dev->bufs[i]->va == va)
		return dev->bufs[i];
	if (i == 0)
		return NULL;
	i--;
	return va - dev->bufs[i]->va < dev->bufs[i]->size ? dev->bufs[i] : NULL;
}

void vnpu_rt_buffer_ref(vnpu_buffer *buf)
{
	__atomic_add_fetch(&buf->refs, 1, __ATOMIC_RELAXED);
}

void vnpu_rt_buffer_unref(vnpu_buffer *buf)
{
	if (__atomic_sub_fetch(&buf->refs, 1, __ATOMIC_ACQ_REL))
		return;
	vnpu_rt_buffer_unregister(buf);
	buf->dev->ops->buffer_release(buf);
	free(buf);
}
