// SPDX-License-Identifier: MIT
/*
 * The CPU backend's device and buffers. Buffers are memfds mapped shared,
 * so they can be exported like a card's dma-bufs; each gets an address in
 * a device address space laid out like the card's (same base and size),
 * with a guard gap after it so a stream that runs past a buffer's end
 * faults instead of landing in the next one.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <drm/vnpu_accel.h>
#include <drm/vnpu_cmd.h>
#include <vnpu_engine/engine.h>

#include "vnpu_internal.h"
#include "vnpu_cpu.h"
#include "vnpu_pool.h"

#define VNPU_RT_VA_ALIGN (64ull << 10)

vnpu_status vnpu_rt_cpu_open(vnpu_device *dev, const vnpu_device_options *o)
{
	vnpu_device_info *in = &dev->info;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	uint64_t mem = (uint64_t)sysconf(_SC_PHYS_PAGES) * VNPU_RT_PAGE;
	uint32_t threads = o->cpu_threads ? o->cpu_threads :
			   (uint32_t)(cpus > 0 ? cpus : 1);
	vnpu_status st;

	st = vnpu_rt_pool_create(threads, &dev->pool);
	if (st)
		return st;
	dev->ops = &vnpu_rt_cpu_ops;
	dev->features = vnpu_engine_cpu_features() & o->cpu_features;
	dev->next_va = VNPU_RT_VA_BASE;
	in->backend = VNPU_BACKEND_CPU;
	strcpy(in->path, "cpu");
	strcpy(in->name, "CPU backend");
	strcpy(in->profile, "cpu");
	in->abi_version = DRM_VNPU_ABI_VERSION;
	in->cmd_version = VNPU_CMD_VERSION;
	in->ai_cores = threads;
	in->mem_size = mem;
	in->mem_budget = mem;
	in->max_buffer_size = mem < VNPU_RT_VA_SIZE / 4 ? mem : VNPU_RT_VA_SIZE / 4;
	in->va_base = VNPU_RT_VA_BASE;
	in->va_size = VNPU_RT_VA_SIZE;
	in->max_cmd_size = VNPU_RT_MAX_CMD;
	in->max_submit_buffers = VNPU_RT_MAX_BUFS;
	in->max_submit_syncs = VNPU_RT_MAX_SYNCS;
	return VNPU_STATUS_OK;
}

static void vnpu_rt_cpu_close(vnpu_device *dev)
{
	vnpu_rt_pool_destroy(dev->pool);
}

/* Give BUF (size set) an address: OUT_OF_DEVICE_MEMORY when none is left. */
static vnpu_status vnpu_rt_cpu_place(vnpu_buffer *buf)
{
	vnpu_device *dev = buf->dev;
	uint64_t span = (buf->size + 2 * VNPU_RT_VA_ALIGN - 1) & ~(VNPU_RT_VA_ALIGN - 1);
	vnpu_status st = VNPU_STATUS_OK;

	pthread_mutex_lock(&dev->lock);
	if (span > VNPU_RT_VA_BASE + VNPU_RT_VA_SIZE - dev->next_va) {
		st = vnpu_rt_error(VNPU_STATUS_OUT_OF_DEVICE_MEMORY,
				   "vnpu_buffer_alloc: the CPU backend's device address space is used up");
	} else {
		buf->va = dev->next_va;
		dev->next_va += span;
	}
	pthread_mutex_unlock(&dev->lock);
	return st;
}

static vnpu_status vnpu_rt_cpu_buffer_alloc(vnpu_buffer *buf, uint64_t size)
{
	vnpu_status st;
	int err;

	buf->size = (size + VNPU_RT_PAGE - 1) & ~(VNPU_RT_PAGE - 1);
	buf->memfd = memfd_create("vnpu-buffer", MFD_CLOEXEC);
	if (buf->memfd < 0 || ftruncate(buf->memfd, (off_t)buf->size))
		goto fail;
	buf->map = mmap(NULL, buf->size, PROT_READ | PROT_WRITE, MAP_SHARED,
			buf->memfd, 0);
	if (buf->map == MAP_FAILED) {
		buf->map = NULL;
		goto fail;
	}
	st = vnpu_rt_cpu_place(buf);
	if (st) {
		munmap(buf->map, buf->size);
		close(buf->memfd);
	}
	return st;
fail:
	err = errno;
	if (buf->memfd >= 0)
		close(buf->memfd);
	return vnpu_rt_error(err == ENOMEM || err == ENOSPC ?
			     VNPU_STATUS_OUT_OF_DEVICE_MEMORY :
			     vnpu_rt_errno_status(err),
			     "vnpu_buffer_alloc: %llu bytes of host memory: %s",
			     (unsigned long long)buf->size, strerror(err));
}

static vnpu_status vnpu_rt_cpu_buffer_map(vnpu_buffer *buf)
{
	return VNPU_STATUS_OK;	/* always mapped */
}

static void vnpu_rt_cpu_buffer_release(vnpu_buffer *buf)
{
	munmap(buf->map, buf->size);
	close(buf->memfd);
}

static vnpu_status vnpu_rt_cpu_buffer_export(vnpu_buffer *buf, int *fd)
{
	*fd = fcntl(buf->memfd, F_DUPFD_CLOEXEC, 0);
	if (*fd < 0)
		return vnpu_rt_error(vnpu_rt_errno_status(errno),
				     "vnpu_buffer_export: %s", strerror(errno));
	return VNPU_STATUS_OK;
}

static vnpu_status vnpu_rt_cpu_buffer_import(vnpu_buffer *buf, int fd)
{
	off_t end = lseek(fd, 0, SEEK_END);
	vnpu_status st;

	if (end <= 0)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_buffer_import: fd %d has no size to map", fd);
	buf->size = (uint64_t)end;
	buf->map = mmap(NULL, buf->size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (buf->map == MAP_FAILED) {
		buf->map = NULL;
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_buffer_import: fd %d cannot be mapped: %s",
				     fd, strerror(errno));
	}
	buf->memfd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	st = buf->memfd < 0 ? vnpu_rt_error(vnpu_rt_errno_status(errno),
					    "vnpu_buffer_import: %s", strerror(errno)) :
			      vnpu_rt_cpu_place(buf);
	if (st) {
		munmap(buf->map, buf->size);
		if (buf->memfd >= 0)
			close(buf->memfd);
	}
	return st;
}

const struct vnpu_backend_ops vnpu_rt_cpu_ops = {
	.buffer_alloc = vnpu_rt_cpu_buffer_alloc,
	.buffer_map = vnpu_rt_cpu_buffer_map,
	.buffer_release = vnpu_rt_cpu_buffer_release,
	.buffer_export = vnpu_rt_cpu_buffer_export,
	.buffer_import = vnpu_rt_cpu_buffer_import,
	.stream_init = vnpu_rt_cpu_stream_init,
	.stream_fini = vnpu_rt_cpu_stream_fini,
	.submit = vnpu_rt_cpu_submit,
	.wait = vnpu_rt_cpu_wait,
	.run = vnpu_rt_cpu_run_now,
	.progress = vnpu_rt_cpu_progress,
	.wait_event = vnpu_rt_cpu_wait_event,
	.event_init = vnpu_rt_cpu_event_init,
	.event_fini = vnpu_rt_cpu_event_fini,
	.event_record = vnpu_rt_cpu_event_record,
	.event_wait = vnpu_rt_cpu_event_wait,
	.close = vnpu_rt_cpu_close,
};
