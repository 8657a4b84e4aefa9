// SPDX-License-Identifier: MIT
/*
 * The device backend's device and buffers: open the node, check it is a
 * vnpu card that speaks our ABI and command-stream version, read every
 * GET_PARAM, and manage buffer objects (BO_CREATE, BO_INFO + mmap,
 * PRIME export/import).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <drm/vnpu_accel.h>
#include <drm/vnpu_cmd.h>
#include <xf86drm.h>

#include "vnpu_drm.h"

int vnpu_rt_drm_ioctl(vnpu_device *dev, unsigned long req, void *arg)
{
	return drmIoctl(dev->fd, req, arg) ? errno : 0;
}

static int vnpu_rt_param(vnpu_device *dev, uint32_t param, uint64_t *value)
{
	struct drm_vnpu_get_param a = { .param = param };
	int err = vnpu_rt_drm_ioctl(dev, DRM_IOCTL_VNPU_GET_PARAM, &a);

	*value = err ? 0 : a.value;
	return err;
}

static int vnpu_rt_param_str(vnpu_device *dev, uint32_t param, char *buf,
			     size_t len)
{
	struct drm_vnpu_get_param a = {
		.param = param, .value = (uintptr_t)buf, .size = (uint32_t)len,
	};

	return vnpu_rt_drm_ioctl(dev, DRM_IOCTL_VNPU_GET_PARAM, &a);
}

/* The ABI handshake: the module must know everything we were built for. */
static vnpu_status vnpu_rt_handshake(vnpu_device *dev, const char *path)
{
	uint64_t abi = 0, cmd = 0;

	if (vnpu_rt_param(dev, DRM_VNPU_PARAM_ABI_VERSION, &abi))
		return vnpu_rt_error(VNPU_STATUS_VERSION_MISMATCH,
				     "%s: the vnpu module does not report an ABI version: upgrade the vnpu kernel module",
				     path);
	if (abi < DRM_VNPU_ABI_VERSION)
		return vnpu_rt_error(VNPU_STATUS_VERSION_MISMATCH,
				     "%s: vnpu.ko speaks ABI %llu, libvnpu %s needs ABI %u: upgrade the vnpu kernel module",
				     path, (unsigned long long)abi,
				     vnpu_version(NULL, NULL, NULL),
				     DRM_VNPU_ABI_VERSION);
	if (vnpu_rt_param(dev, DRM_VNPU_PARAM_CMD_VERSION, &cmd) ||
	    cmd != VNPU_CMD_VERSION)
		return vnpu_rt_error(VNPU_STATUS_VERSION_MISMATCH,
				     "%s: the card runs command streams version %llu, libvnpu emits version %u: upgrade %s",
				     path, (unsigned long long)cmd, VNPU_CMD_VERSION,
				     cmd > VNPU_CMD_VERSION ? "libvnpu" :
							      "the vnpu kernel module");
	dev->info.abi_version = (uint32_t)abi;
	dev->info.cmd_version = (uint32_t)cmd;
	return VNPU_STATUS_OK;
}

static vnpu_status vnpu_rt_read_info(vnpu_device *dev)
{
	vnpu_device_info *in = &dev->info;
	const struct { uint32_t param; uint64_t *dst; } u64s[] = {
		{ DRM_VNPU_PARAM_MEM_SIZE, &in->mem_size },
		{ DRM_VNPU_PARAM_MEM_BUDGET, &in->mem_budget },
		{ DRM_VNPU_PARAM_PEAK_FP4_FLOPS, &in->peak_fp4_flops },
		{ DRM_VNPU_PARAM_PEAK_FP8_FLOPS, &in->peak_fp8_flops },
		{ DRM_VNPU_PARAM_PEAK_BF16_FLOPS, &in->peak_bf16_flops },
		{ DRM_VNPU_PARAM_MEM_BANDWIDTH, &in->mem_bandwidth },
		{ DRM_VNPU_PARAM_LINK_BANDWIDTH, &in->link_bandwidth },
		{ DRM_VNPU_PARAM_TDP, &in->tdp_uw },
		{ DRM_VNPU_PARAM_MAX_BO_SIZE, &in->max_buffer_size },
		{ DRM_VNPU_PARAM_VA_BASE, &in->va_base },
		{ DRM_VNPU_PARAM_VA_SIZE, &in->va_size },
		{ DRM_VNPU_PARAM_MAX_CMD_SIZE, &in->max_cmd_size },
	};
	uint64_t v[5];
	size_t i;
	int err = 0;

	for (i = 0; i < sizeof(u64s) / sizeof(u64s[0]) && !err; i++)
		err = vnpu_rt_param(dev, u64s[i].param, u64s[i].dst);
	if (!err)
		err = vnpu_rt_param(dev, DRM_VNPU_PARAM_VENDOR_ID, &v[0]) ||
		      vnpu_rt_param(dev, DRM_VNPU_PARAM_DEVICE_ID, &v[1]) ||
		      vnpu_rt_param(dev, DRM_VNPU_PARAM_AI_CORES, &v[2]) ||
		      vnpu_rt_param(dev, DRM_VNPU_PARAM_MAX_SUBMIT_BOS, &v[3]) ||
		      vnpu_rt_param(dev, DRM_VNPU_PARAM_MAX_SUBMIT_SYNCS, &v[4]) ||
		      vnpu_rt_param_str(dev, DRM_VNPU_PARAM_NAME, in->name,
					sizeof(in->name)) ||
		      vnpu_rt_param_str(dev, DRM_VNPU_PARAM_PROFILE, in->profile,
					sizeof(in->profile)) ||
		      vnpu_rt_param_str(dev, DRM_VNPU_PARAM_BUS_ID, in->bus_id,
					sizeof(in->bus_id));
	if (err)
		return vnpu_rt_error(VNPU_STATUS_IO_ERROR,
				     "%s: GET_PARAM failed: %s", in->path,
				     strerror(errno));
	in->vendor_id = (uint32_t)v[0];
	in->device_id = (uint32_t)v[1];
	in->ai_cores = (uint32_t)v[2];
	in->max_submit_buffers = (uint32_t)v[3];
	in->max_submit_syncs = (uint32_t)v[4];
	return VNPU_STATUS_OK;
}

static vnpu_status vnpu_rt_open_error(const char *path, int err)
{
	if (err == EACCES || err == EPERM)
		return vnpu_rt_error(VNPU_STATUS_PERMISSION_DENIED,
				     "%s: permission denied: add your user to the group that owns it (`ls -l %s`, then e.g. `sudo usermod -aG render $USER` and log in again) or install a udev rule giving it access",
				     path, path);
	if (err == ENOENT || err == ENXIO || err == ENODEV)
		return vnpu_rt_no_card_error(path);
	return vnpu_rt_error(vnpu_rt_errno_status(err), "%s: open failed: %s",
			     path, strerror(err));
}

vnpu_status vnpu_rt_drm_open(vnpu_device *dev, const char *path)
{
	drmVersionPtr ver;
	vnpu_status st;
	bool vnpu;

	if (strlen(path) >= sizeof(dev->info.path))
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_device_open: path is longer than %zu bytes",
				     sizeof(dev->info.path) - 1);
	dev->fd = open(path, O_RDWR | O_CLOEXEC);
	if (dev->fd < 0)
		return vnpu_rt_open_error(path, errno);
	ver = drmGetVersion(dev->fd);
	vnpu = ver && ver->name && !strcmp(ver->name, "vnpu");
	if (!vnpu) {
		st = vnpu_rt_error(VNPU_STATUS_NOT_FOUND,
				   "%s is not a vnpu card (DRM driver '%s')", path,
				   ver && ver->name ? ver->name : "none");
		drmFreeVersion(ver);
		goto fail;
	}
	drmFreeVersion(ver);
	dev->ops = &vnpu_rt_drm_ops;
	dev->info.backend = VNPU_BACKEND_DEVICE;
	strcpy(dev->info.path, path);
	st = vnpu_rt_handshake(dev, path);
	if (!st)
		st = vnpu_rt_read_info(dev);
	if (!st)
		return VNPU_STATUS_OK;
fail:
	close(dev->fd);
	dev->fd = -1;
	return st;
}

static void vnpu_rt_drm_close(vnpu_device *dev)
{
	close(dev->fd);
}

static vnpu_status vnpu_rt_drm_bo_error(const char *call, vnpu_buffer *buf, int err)
{
	return vnpu_rt_error(vnpu_rt_errno_status(err), "%s on %s: %s", call,
			     buf->dev->info.path, strerror(err));
}

/* Size and address of BUF's handle (BO_INFO). */
static vnpu_status vnpu_rt_drm_bo_info(vnpu_buffer *buf, uint64_t *mmap_off)
{
	struct drm_vnpu_bo_info i = { .handle = buf->handle };
	int err = vnpu_rt_drm_ioctl(buf->dev, DRM_IOCTL_VNPU_BO_INFO, &i);

	if (err)
		return vnpu_rt_drm_bo_error("BO_INFO", buf, err);
	buf->size = i.size;
	buf->va = i.va;
	if (mmap_off)
		*mmap_off = i.mmap_offset;
	return VNPU_STATUS_OK;
}

static void vnpu_rt_drm_gem_close(vnpu_buffer *buf)
{
	struct drm_gem_close c = { .handle = buf->handle };

	vnpu_rt_drm_ioctl(buf->dev, DRM_IOCTL_GEM_CLOSE, &c);
}

static vnpu_status vnpu_rt_drm_buffer_alloc(vnpu_buffer *buf, uint64_t size)
{
	struct drm_vnpu_bo_create c = { .size = size };
	int err = vnpu_rt_drm_ioctl(buf->dev, DRM_IOCTL_VNPU_BO_CREATE, &c);

	if (err == ENOSPC)
		return vnpu_rt_error(VNPU_STATUS_OUT_OF_DEVICE_MEMORY,
				     "vnpu_buffer_alloc: %llu bytes: %s's memory budget (%llu bytes) or address space is used up",
				     (unsigned long long)size, buf->dev->info.path,
				     (unsigned long long)buf->dev->info.mem_budget);
	if (err)
		return vnpu_rt_drm_bo_error("BO_CREATE", buf, err);
	buf->handle = c.handle;
	buf->size = c.size;
	buf->va = c.va;
	return VNPU_STATUS_OK;
}

static vnpu_status vnpu_rt_drm_buffer_map(vnpu_buffer *buf)
{
	uint64_t off = 0;
	vnpu_status st = vnpu_rt_drm_bo_info(buf, &off);
	void *p;

	if (st)
		return st;
	p = mmap(NULL, buf->size, PROT_READ | PROT_WRITE, MAP_SHARED,
		 buf->dev->fd, (off_t)off);
	if (p == MAP_FAILED)
		return vnpu_rt_drm_bo_error("mmap", buf, errno);
	/* Two threads mapping at once: keep the first mapping. */
	if (!__atomic_compare_exchange_n(&buf->map, &(void *){ NULL }, p, false,
					 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		munmap(p, buf->size);
	return VNPU_STATUS_OK;
}

static void vnpu_rt_drm_buffer_release(vnpu_buffer *buf)
{
	if (buf->map)
		munmap(buf->map, buf->size);
	vnpu_rt_drm_gem_close(buf);
}

static vnpu_status vnpu_rt_drm_buffer_export(vnpu_buffer *buf, int *fd)
{
	if (drmPrimeHandleToFD(buf->dev->fd, buf->handle, DRM_CLOEXEC | DRM_RDWR,
			       fd))
		return vnpu_rt_drm_bo_error("vnpu_buffer_export", buf, errno);
	return VNPU_STATUS_OK;
}

static vnpu_status vnpu_rt_drm_buffer_import(vnpu_buffer *buf, int fd)
{
	vnpu_status st;

	if (drmPrimeFDToHandle(buf->dev->fd, fd, &buf->handle))
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_buffer_import: fd %d is not a dma-buf %s can import: %s",
				     fd, buf->dev->info.path, strerror(errno));
	st = vnpu_rt_drm_bo_info(buf, NULL);
	if (st)
		vnpu_rt_drm_gem_close(buf);
	return st;
}

const struct vnpu_backend_ops vnpu_rt_drm_ops = {
	.buffer_alloc = vnpu_rt_drm_buffer_alloc,
	.buffer_map = vnpu_rt_drm_buffer_map,
	.buffer_release = vnpu_rt_drm_buffer_release,
	.buffer_export = vnpu_rt_drm_buffer_export,
	.buffer_import = vnpu_rt_drm_buffer_import,
	.stream_init = vnpu_rt_drm_stream_init,
	.stream_fini = vnpu_rt_drm_stream_fini,
	.submit = vnpu_rt_drm_submit,
	.wait = vnpu_rt_drm_wait,
	.progress = vnpu_rt_drm_progress,
	.wait_event = vnpu_rt_drm_wait_event,
	.event_init = vnpu_rt_drm_event_init,
	.event_fini = vnpu_rt_drm_event_fini,
	.event_record = vnpu_rt_drm_event_record,
	.event_wait = vnpu_rt_drm_event_wait,
	.close = vnpu_rt_drm_close,
};
