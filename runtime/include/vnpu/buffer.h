/* SPDX-License-Identifier: MIT */
/*
 * libvnpu: device buffers.
 *
 * A buffer is device memory with a device virtual address (what command
 * streams name) and a host mapping. On a card it is a buffer object
 * (BO_CREATE); on the CPU backend, page-aligned shared host memory that
 * the backend gives an address in its own device address space.
 *
 * Reads, writes and mappings do not wait for submitted work: sync the
 * stream (or wait for an event) before reading what a job wrote, and do
 * not change what a pending job reads.
 */
#ifndef VNPU_BUFFER_H
#define VNPU_BUFFER_H

#include <stddef.h>
#include <stdint.h>

#include <vnpu/device.h>
#include <vnpu/status.h>

#if defined(__cplusplus)
extern "C" {
#endif

/* A device buffer (opaque). */
typedef struct vnpu_buffer vnpu_buffer;

/*
 * Allocate a zero-filled buffer of at least SIZE bytes (rounded up to the
 * page size) on DEVICE. OUT_OF_DEVICE_MEMORY when the device's budget is
 * spent, INVALID_ARGUMENT for 0 or more than max_buffer_size.
 */
VNPU_API vnpu_status vnpu_buffer_alloc(vnpu_device *device, uint64_t size,
				       vnpu_buffer **buffer);

/*
 * Release the caller's reference. Work already submitted that uses the
 * buffer still completes (it holds its own reference). NULL does nothing.
 */
VNPU_API void vnpu_buffer_free(vnpu_buffer *buffer);

/* The buffer's size in bytes (after rounding), 0 for NULL. */
VNPU_API uint64_t vnpu_buffer_size(const vnpu_buffer *buffer);

/* The buffer's device virtual address, for command streams; 0 for NULL. */
VNPU_API uint64_t vnpu_buffer_va(const vnpu_buffer *buffer);

/*
 * The buffer's host mapping (read-write, valid until vnpu_buffer_free()).
 * The first call on a card maps the BO.
 */
VNPU_API vnpu_status vnpu_buffer_map(vnpu_buffer *buffer, void **ptr);

/* Copy SIZE bytes between host memory and the buffer at OFFSET;
 * INVALID_ARGUMENT when [OFFSET, OFFSET + SIZE) is outside it. */
VNPU_API vnpu_status vnpu_buffer_write(vnpu_buffer *buffer, uint64_t offset,
				       const void *data, size_t size);
VNPU_API vnpu_status vnpu_buffer_read(vnpu_buffer *buffer, uint64_t offset,
				      void *data, size_t size);

/*
 * Export the buffer as a file descriptor (a dma-buf on a card, a memfd on
 * the CPU backend) that another device or process can import. The caller
 * owns *FD.
 */
VNPU_API vnpu_status vnpu_buffer_export(vnpu_buffer *buffer, int *fd);

/*
 * Import FD (not consumed: the caller still closes it) as a buffer of
 * DEVICE. A card imports dma-bufs; the CPU backend maps any file that
 * supports mmap (memfds and dma-bufs alike).
 */
VNPU_API vnpu_status vnpu_buffer_import(vnpu_device *device, int fd,
					vnpu_buffer **buffer);

#if defined(__cplusplus)
}
#endif

#endif /* VNPU_BUFFER_H */
