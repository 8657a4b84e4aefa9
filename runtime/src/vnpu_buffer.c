// SPDX-License-Identifier: MIT
/*
 * The public buffer calls: argument checks and reference counting here,
 * memory itself in the backend (BOs on a card, memfds on the CPU).
 */
#include <stdlib.h>
#include <string.h>

#include "vnpu_internal.h"

static vnpu_status vnpu_rt_buffer_new(vnpu_device *dev, vnpu_buffer **out)
{
	vnpu_buffer *b = calloc(1, sizeof(*b));

	*out = b;
	if (!b)
		return vnpu_rt_error(VNPU_STATUS_OUT_OF_MEMORY,
				     "vnpu_buffer: out of memory");
	b->dev = dev;
	b->refs = 1;
	b->memfd = -1;
	return VNPU_STATUS_OK;
}

/* Register a buffer the backend has set up; undo it if that fails. */
static vnpu_status vnpu_rt_buffer_publish(vnpu_buffer *b, vnpu_buffer **out)
{
	vnpu_status st = vnpu_rt_buffer_register(b);

	if (st) {
		b->dev->ops->buffer_release(b);
		free(b);
		return st;
	}
	*out = b;
	return VNPU_STATUS_OK;
}

vnpu_status vnpu_buffer_alloc(vnpu_device *dev, uint64_t size, vnpu_buffer **buffer)
{
	vnpu_buffer *b;
	vnpu_status st;

	if (!dev || !buffer)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_buffer_alloc: %s is NULL",
				     !dev ? "device" : "buffer");
	*buffer = NULL;
	if (!size || size > dev->info.max_buffer_size)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_buffer_alloc: size %llu is not 1..%llu (max_buffer_size of %s)",
				     (unsigned long long)size,
				     (unsigned long long)dev->info.max_buffer_size,
				     dev->info.path);
	st = vnpu_rt_buffer_new(dev, &b);
	if (st)
		return st;
	st = dev->ops->buffer_alloc(b, size);
	if (st) {
		free(b);
		return st;
	}
	return vnpu_rt_buffer_publish(b, buffer);
}

void vnpu_buffer_free(vnpu_buffer *buffer)
{
	if (buffer)
		vnpu_rt_buffer_unref(buffer);
}

uint64_t vnpu_buffer_size(const vnpu_buffer *buffer)
{
	return buffer ? buffer->size : 0;
}

uint64_t vnpu_buffer_va(const vnpu_buffer *buffer)
{
	return buffer ? buffer->va : 0;
}

vnpu_status vnpu_buffer_map(vnpu_buffer *buffer, void **ptr)
{
	vnpu_status st;

	if (!buffer || !ptr)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_buffer_map: %s is NULL",
				     !buffer ? "buffer" : "ptr");
	*ptr = NULL;
	if (!buffer->map) {
		st = buffer->dev->ops->buffer_map(buffer);
		if (st)
			return st;
	}
	*ptr = buffer->map;
	return VNPU_STATUS_OK;
}

/* The host address of [OFFSET, OFFSET + SIZE) of BUFFER, or an error. */
static vnpu_status vnpu_rt_buffer_range(vnpu_buffer *buffer, uint64_t offset,
					const void *data, size_t size,
					const char *call, uint8_t **p)
{
	void *map;
	vnpu_status st;

	if (!buffer || (!data && size))
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT, "%s: %s is NULL",
				     call, !buffer ? "buffer" : "data");
	if (offset > buffer->size || size > buffer->size - offset)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "%s: range [%llu, +%zu) is outside the buffer's %llu bytes",
				     call, (unsigned long long)offset, size,
				     (unsigned long long)buffer->size);
	st = vnpu_buffer_map(buffer, &map);
	*p = (uint8_t *)map + offset;
	return st;
}

vnpu_status vnpu_buffer_write(vnpu_buffer *buffer, uint64_t offset,
			      const void *data, size_t size)
{
	uint8_t *p = NULL;
	vnpu_status st = vnpu_rt_buffer_range(buffer, offset, data, size,
					      "vnpu_buffer_write", &p);

	if (!st && size)
		memcpy(p, data, size);
	return st;
}

vnpu_status vnpu_buffer_read(vnpu_buffer *buffer, uint64_t offset, void *data,
			     size_t size)
{
	uint8_t *p = NULL;
	vnpu_status st = vnpu_rt_buffer_range(buffer, offset, data, size,
					      "vnpu_buffer_read", &p);

	if (!st && size)
		memcpy(data, p, size);
	return st;
}

vnpu_status vnpu_buffer_export(vnpu_buffer *buffer, int *fd)
{
	if (!buffer || !fd)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_buffer_export: %s is NULL",
				     !buffer ? "buffer" : "fd");
	*fd = -1;
	return buffer->dev->ops->buffer_export(buffer, fd);
}

vnpu_status vnpu_buffer_import(vnpu_device *dev, int fd, vnpu_buffer **buffer)
{
	vnpu_buffer *b;
	vnpu_status st;

	if (!dev || !buffer)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_buffer_import: %s is NULL",
				     !dev ? "device" : "buffer");
	*buffer = NULL;
	if (fd < 0)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_buffer_import: fd %d is not a file descriptor",
				     fd);
	st = vnpu_rt_buffer_new(dev, &b);
	if (st)
		return st;
	st = dev->ops->buffer_import(b, fd);
	if (st) {
		free(b);
		return st;
	}
	return vnpu_rt_buffer_publish(b, buffer);
}
