// SPDX-License-Identifier: MIT
/*
 * Command buffers: a growing byte array starting with the stream header,
 * and the buffers its packets name. Appending decodes the packet's
 * operands with the same table validation uses, so the list gets exactly
 * the access each buffer needs (a read-only input is never listed for
 * writing, which keeps the card's implicit sync from serializing readers).
 */
#include <stdlib.h>
#include <string.h>

#include "vnpu_internal.h"
#include "vnpu_rt_cmd.h"

struct vnpu_cmdbuf {
	vnpu_device *dev;
	uint8_t *data;
	size_t size, cap;
	struct vnpu_rt_use *uses;
	size_t nuses, capuses;
};

static void vnpu_rt_cmdbuf_header(vnpu_cmdbuf *cb)
{
	struct vnpu_cmd_stream_header h = {
		.magic = VNPU_CMD_MAGIC, .version = VNPU_CMD_VERSION,
	};

	memcpy(cb->data, &h, sizeof(h));
	cb->size = sizeof(h);
	cb->nuses = 0;
}

vnpu_status vnpu_cmdbuf_create(vnpu_device *dev, vnpu_cmdbuf **out)
{
	vnpu_cmdbuf *cb;

	if (!dev || !out)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_cmdbuf_create: %s is NULL",
				     !dev ? "device" : "cb");
	*out = NULL;
	cb = calloc(1, sizeof(*cb));
	if (cb)
		cb->data = malloc(4096);
	if (!cb || !cb->data) {
		free(cb);
		return vnpu_rt_error(VNPU_STATUS_OUT_OF_MEMORY,
				     "vnpu_cmdbuf_create: out of memory");
	}
	cb->dev = dev;
	cb->cap = 4096;
	vnpu_rt_cmdbuf_header(cb);
	vnpu_rt_device_get(dev);
	*out = cb;
	return VNPU_STATUS_OK;
}

void vnpu_cmdbuf_destroy(vnpu_cmdbuf *cb)
{
	if (!cb)
		return;
	vnpu_rt_device_put(cb->dev);
	free(cb->uses);
	free(cb->data);
	free(cb);
}

void vnpu_rt_cmdbuf_overwrite(vnpu_cmdbuf *cb, size_t off, const void *data,
			      size_t size)
{
	if (off <= cb->size && size <= cb->size - off)
		memcpy(cb->data + off, data, size);
}

void vnpu_cmdbuf_reset(vnpu_cmdbuf *cb)
{
	if (cb)
		vnpu_rt_cmdbuf_header(cb);
}

/* Add BUF with ACCESS (merged with an existing entry). */
static vnpu_status vnpu_rt_cmdbuf_add(vnpu_cmdbuf *cb, vnpu_buffer *buf,
				      uint32_t access)
{
	size_t i;

	for (i = 0; i < cb->nuses; i++) {
		if (cb->uses[i].buf == buf) {
			cb->uses[i].access |= access;
			return VNPU_STATUS_OK;
		}
	}
	if (cb->nuses == cb->capuses) {
		size_t cap = cb->capuses ? cb->capuses * 2 : 16;
		struct vnpu_rt_use *u = realloc(cb->uses, cap * sizeof(*u));

		if (!u)
			return vnpu_rt_error(VNPU_STATUS_OUT_OF_MEMORY,
					     "vnpu_cmdbuf: out of memory");
		cb->uses = u;
		cb->capuses = cap;
	}
	cb->uses[cb->nuses].buf = buf;
	cb->uses[cb->nuses++].access = access;
	return VNPU_STATUS_OK;
}

vnpu_status vnpu_cmdbuf_use(vnpu_cmdbuf *cb, vnpu_buffer *buf, uint32_t access)
{
	if (!cb || !buf)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_cmdbuf_use: %s is NULL", !cb ? "cb" : "buffer");
	if (buf->dev != cb->dev)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_cmdbuf_use: the buffer belongs to another device");
	if (!access || (access & ~(VNPU_ACCESS_READ | VNPU_ACCESS_WRITE)))
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_cmdbuf_use: access 0x%x is not READ and/or WRITE",
				     access);
	return vnpu_rt_cmdbuf_add(cb, buf, access);
}

/* List the buffers packet H names (unknown packets name none). */
static vnpu_status vnpu_rt_cmdbuf_track(vnpu_cmdbuf *cb,
					const struct vnpu_cmd_header *h)
{
	struct vnpu_isa_operands ops;
	vnpu_status st = VNPU_STATUS_OK;
	uint32_t i;

	if (vnpu_isa_packet_size(h->op) != h->size ||
	    vnpu_isa_operands(h, &ops))
		return VNPU_STATUS_OK;	/* submit reports it, with its offset */
	pthread_mutex_lock(&cb->dev->lock);
	for (i = 0; i < ops.count && !st; i++) {
		vnpu_buffer *b = ops.o[i].va ?
				 vnpu_rt_buffer_lookup(cb->dev, ops.o[i].va) : NULL;

		if (b)
			st = vnpu_rt_cmdbuf_add(cb, b, ops.o[i].write ?
						VNPU_ACCESS_WRITE : VNPU_ACCESS_READ);
	}
	pthread_mutex_unlock(&cb->dev->lock);
	return st;
}

vnpu_status vnpu_cmdbuf_append(vnpu_cmdbuf *cb, const void *packet, size_t size,
			       uint32_t *offset)
{
	const struct vnpu_cmd_header *h = packet;
	size_t old;
	vnpu_status st;

	if (!cb || !packet)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_cmdbuf_append: %s is NULL",
				     !cb ? "cb" : "packet");
	if (size < sizeof(*h) || size % 8 || h->size != size)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_cmdbuf_append: size %zu with hdr.size %u: need equal, non-zero multiples of 8",
				     size, size >= sizeof(*h) ? h->size : 0);
	if (size > cb->cap - cb->size) {
		size_t cap = cb->cap;
		uint8_t *d;

		while (size > cap - cb->size)
			cap *= 2;
		d = realloc(cb->data, cap);
		if (!d)
			return vnpu_rt_error(VNPU_STATUS_OUT_OF_MEMORY,
					     "vnpu_cmdbuf_append: out of memory");
		cb->data = d;
		cb->cap = cap;
	}
	old = cb->size;
	memcpy(cb->data + old, packet, size);
	cb->size += size;
	st = vnpu_rt_cmdbuf_track(cb, (const void *)(cb->data + old));
	if (st) {
		cb->size = old;
		return st;
	}
	if (offset)
		*offset = (uint32_t)old;
	return VNPU_STATUS_OK;
}

const void *vnpu_cmdbuf_data(const vnpu_cmdbuf *cb, size_t *size)
{
	if (size)
		*size = cb ? cb->size : 0;
	return cb ? cb->data : NULL;
}

vnpu_status vnpu_cmdbuf_fill(vnpu_cmdbuf *cb, vnpu_buffer *dst, uint64_t offset,
			     uint64_t size, uint32_t value)
{
	struct vnpu_cmd_fill p = {
		.hdr = { .op = VNPU_OP_FILL, .size = sizeof(p) },
		.dst = vnpu_buffer_va(dst) + offset, .size = size, .value = value,
	};

	if (!dst)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_cmdbuf_fill: dst is NULL");
	return vnpu_cmdbuf_append(cb, &p, sizeof(p), NULL);
}

vnpu_status vnpu_cmdbuf_copy(vnpu_cmdbuf *cb, vnpu_buffer *dst,
			     uint64_t dst_offset, vnpu_buffer *src,
			     uint64_t src_offset, uint64_t size)
{
	struct vnpu_cmd_copy p = {
		.hdr = { .op = VNPU_OP_COPY, .size = sizeof(p) },
		.dst = vnpu_buffer_va(dst) + dst_offset,
		.src = vnpu_buffer_va(src) + src_offset, .size = size,
	};

	if (!dst || !src)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_cmdbuf_copy: %s is NULL", !dst ? "dst" : "src");
	return vnpu_cmdbuf_append(cb, &p, sizeof(p), NULL);
}

vnpu_status vnpu_cmdbuf_timestamp(vnpu_cmdbuf *cb, vnpu_buffer *dst,
				  uint64_t offset)
{
	struct vnpu_cmd_timestamp p = {
		.hdr = { .op = VNPU_OP_TIMESTAMP, .size = sizeof(p) },
		.dst = vnpu_buffer_va(dst) + offset,
	};

	if (!dst)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_cmdbuf_timestamp: dst is NULL");
	return vnpu_cmdbuf_append(cb, &p, sizeof(p), NULL);
}

vnpu_status vnpu_cmdbuf_barrier(vnpu_cmdbuf *cb)
{
	struct vnpu_cmd_header p = { .op = VNPU_OP_BARRIER, .size = sizeof(p) };

	return vnpu_cmdbuf_append(cb, &p, sizeof(p), NULL);
}

static vnpu_status vnpu_rt_cmdbuf_submit(vnpu_stream *s, const vnpu_cmdbuf *cb,
					 bool run, uint64_t *seqno)
{
	struct vnpu_rt_use *list;
	vnpu_status st;

	if (!s || !cb)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_stream_submit_cmdbuf: %s is NULL",
				     !s ? "stream" : "cb");
	if (cb->dev != s->dev)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_stream_submit_cmdbuf: command buffer and stream belong to different devices");
	/* vnpu_rt_submit() sorts its list in place: give it a copy. */
	list = malloc((cb->nuses ? cb->nuses : 1) * sizeof(*list));
	if (!list)
		return vnpu_rt_error(VNPU_STATUS_OUT_OF_MEMORY,
				     "vnpu_stream_submit_cmdbuf: out of memory");
	memcpy(list, cb->uses, cb->nuses * sizeof(*list));
	st = vnpu_rt_submit(s, cb->data, cb->size, list, cb->nuses, run, seqno);
	free(list);
	return st;
}

vnpu_status vnpu_stream_submit_cmdbuf(vnpu_stream *s, const vnpu_cmdbuf *cb,
				      uint64_t *seqno)
{
	return vnpu_rt_cmdbuf_submit(s, cb, false, seqno);
}

vnpu_status vnpu_rt_run_cmdbuf(vnpu_stream *s, const vnpu_cmdbuf *cb)
{
	return vnpu_rt_cmdbuf_submit(s, cb, true, NULL);
}
