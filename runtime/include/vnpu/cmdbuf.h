/* SPDX-License-Identifier: MIT */
/*
 * libvnpu: building command streams.
 *
 * A command buffer collects packets of the card's ISA
 * (uapi/drm/vnpu_cmd.h) after a stream header, and the buffers they use:
 * every address a packet names that lies in a buffer of the device adds
 * that buffer to the list with the access the packet needs (read for
 * inputs, write for outputs), so vnpu_stream_submit_cmdbuf() needs no
 * separate list. An address in no buffer is kept as is; running it is a
 * device fault, as on the card.
 *
 * Packets are not validated here (that happens at submit, with the
 * offset of a bad packet); appending only fails for a malformed header
 * or out of memory.
 */
#ifndef VNPU_CMDBUF_H
#define VNPU_CMDBUF_H

#include <stddef.h>
#include <stdint.h>

#include <vnpu/buffer.h>
#include <vnpu/device.h>
#include <vnpu/status.h>
#include <vnpu/stream.h>

#if defined(__cplusplus)
extern "C" {
#endif

/* A command stream being built (opaque). */
typedef struct vnpu_cmdbuf vnpu_cmdbuf;

/* Create an empty command buffer (stream header only) for DEVICE. */
VNPU_API vnpu_status vnpu_cmdbuf_create(vnpu_device *device, vnpu_cmdbuf **cb);
/* Destroy CB (the buffers it lists are not freed). NULL does nothing. */
VNPU_API void vnpu_cmdbuf_destroy(vnpu_cmdbuf *cb);
/* Drop every packet and buffer: back to the stream header. */
VNPU_API void vnpu_cmdbuf_reset(vnpu_cmdbuf *cb);

/*
 * Append PACKET of SIZE bytes (a struct vnpu_cmd_* with its header
 * filled in; SIZE must equal hdr.size, a non-zero multiple of 8). *OFFSET
 * (may be NULL) gets the packet's offset in the stream, the number error
 * messages use.
 */
VNPU_API vnpu_status vnpu_cmdbuf_append(vnpu_cmdbuf *cb, const void *packet,
					size_t size, uint32_t *offset);

/* List BUFFER with ACCESS (VNPU_ACCESS_*) even if no packet names it. */
VNPU_API vnpu_status vnpu_cmdbuf_use(vnpu_cmdbuf *cb, vnpu_buffer *buffer,
				     uint32_t access);

/* The stream so far (header included) and its size in bytes. */
VNPU_API const void *vnpu_cmdbuf_data(const vnpu_cmdbuf *cb, size_t *size);

/* Convenience packets (device addresses as buffer + offset). */
VNPU_API vnpu_status vnpu_cmdbuf_fill(vnpu_cmdbuf *cb, vnpu_buffer *dst,
				      uint64_t offset, uint64_t size,
				      uint32_t value);
VNPU_API vnpu_status vnpu_cmdbuf_copy(vnpu_cmdbuf *cb, vnpu_buffer *dst,
				      uint64_t dst_offset, vnpu_buffer *src,
				      uint64_t src_offset, uint64_t size);
VNPU_API vnpu_status vnpu_cmdbuf_timestamp(vnpu_cmdbuf *cb, vnpu_buffer *dst,
					   uint64_t offset);
VNPU_API vnpu_status vnpu_cmdbuf_barrier(vnpu_cmdbuf *cb);

/* Submit CB's stream with its buffer list on STREAM (CB is copied and
 * can be changed or destroyed right after). */
VNPU_API vnpu_status vnpu_stream_submit_cmdbuf(vnpu_stream *stream,
					       const vnpu_cmdbuf *cb,
					       uint64_t *seqno);

#if defined(__cplusplus)
}
#endif

#endif /* VNPU_CMDBUF_H */
