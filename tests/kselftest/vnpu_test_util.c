// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <libkmod.h>

#include "vnpu_test_util.h"

static struct kmod_module *vnpu_kmod(struct kmod_ctx **ctx)
{
	struct kmod_module *mod = NULL;

	*ctx = kmod_new(NULL, NULL);
	if (!*ctx)
		return NULL;
	if (kmod_module_new_from_name(*ctx, "vnpu", &mod) < 0) {
		kmod_unref(*ctx);
		return NULL;
	}
	return mod;
}

int vnpu_load(const char *params)
{
	struct kmod_ctx *ctx;
	struct kmod_module *mod = vnpu_kmod(&ctx);
	int ret;

	if (!mod)
		return -ENOMEM;
	ret = kmod_module_probe_insert_module(mod, 0, params, NULL, NULL, NULL);
	kmod_module_unref(mod);
	kmod_unref(ctx);
	return ret;
}

int vnpu_unload(void)
{
	struct kmod_ctx *ctx;
	struct kmod_module *mod = vnpu_kmod(&ctx);
	int ret;

	if (!mod)
		return -ENOMEM;
	ret = kmod_module_remove_module(mod, KMOD_REMOVE_NOWAIT);
	kmod_module_unref(mod);
	kmod_unref(ctx);
	return ret;
}

bool vnpu_loaded(void)
{
	return access("/sys/module/vnpu/initstate", F_OK) == 0;
}

bool vnpu_ensure_unloaded(void)
{
	if (!vnpu_loaded())
		return true;
	return vnpu_unload() == 0 && !vnpu_loaded();
}

int vnpu_open_card(int n)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/dev/accel/accel%d", n);
	fd = open(path, O_RDWR | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

bool vnpu_node_exists(int n)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/dev/accel/accel%d", n);
	return stat(path, &st) == 0 && S_ISCHR(st.st_mode);
}

int vnpu_get_param(int fd, struct drm_vnpu_get_param *args)
{
	return ioctl(fd, DRM_IOCTL_VNPU_GET_PARAM, args) ? -errno : 0;
}

int vnpu_param_u64(int fd, uint32_t param, uint64_t *value)
{
	struct drm_vnpu_get_param args = { .param = param };
	int ret = vnpu_get_param(fd, &args);

	if (!ret)
		*value = args.value;
	return ret;
}

int vnpu_param_str(int fd, uint32_t param, char *buf, size_t len)
{
	struct drm_vnpu_get_param args = {
		.param = param,
		.value = (uintptr_t)buf,
		.size = len,
	};

	return vnpu_get_param(fd, &args);
}

int vnpu_read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	int ret = 0;

	if (!f)
		return -errno;
	if (!fgets(buf, len, f))
		ret = -EIO;
	else
		buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
	return ret;
}

int vnpu_write_str(const char *path, const char *str)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;
	int ret = 0;

	if (fd < 0)
		return -errno;
	n = write(fd, str, strlen(str));
	if (n < 0)
		ret = -errno;
	else if ((size_t)n != strlen(str))
		ret = -EIO;
	close(fd);
	return ret;
}

int vnpu_kmsg_mark(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd >= 0)
		lseek(fd, 0, SEEK_END);
	return fd;
}

bool vnpu_kmsg_find(int mark, const char *needle)
{
	char rec[8192];
	bool found = false;
	ssize_t n;

	if (mark < 0)
		return false;
	/* One record per read; EAGAIN once we are at the end. */
	while ((n = read(mark, rec, sizeof(rec) - 1)) != 0) {
		if (n < 0) {
			if (errno == EPIPE)
				continue;
			break;
		}
		rec[n] = '\0';
		if (strstr(rec, needle))
			found = true;
	}
	close(mark);
	return found;
}

int vnpu_bo_new(int fd, uint64_t size, struct vnpu_test_bo *bo)
{
	struct drm_vnpu_bo_create c = { .size = size };
	struct drm_vnpu_bo_info i = { 0 };
	void *p;

	if (ioctl(fd, DRM_IOCTL_VNPU_BO_CREATE, &c))
		return -errno;
	i.handle = c.handle;
	if (ioctl(fd, DRM_IOCTL_VNPU_BO_INFO, &i))
		return -errno;
	p = mmap(NULL, c.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 i.mmap_offset);
	if (p == MAP_FAILED)
		return -errno;
	bo->handle = c.handle;
	bo->size = c.size;
	bo->va = c.va;
	bo->map = p;
	return 0;
}

void vnpu_bo_free(int fd, struct vnpu_test_bo *bo)
{
	struct drm_gem_close c = { .handle = bo->handle };

	munmap(bo->map, bo->size);
	ioctl(fd, DRM_IOCTL_GEM_CLOSE, &c);
}

int vnpu_ctx_new(int fd, uint32_t priority, uint32_t *id)
{
	struct drm_vnpu_ctx_create c = { .priority = priority };

	if (ioctl(fd, DRM_IOCTL_VNPU_CTX_CREATE, &c))
		return -errno;
	*id = c.ctx_id;
	return 0;
}

void vnpu_stream_init(struct vnpu_stream *s)
{
	struct vnpu_cmd_stream_header h = {
		.magic = VNPU_CMD_MAGIC,
		.version = VNPU_CMD_VERSION,
	};

	memset(s, 0, sizeof(*s));
	memcpy(s->buf, &h, sizeof(h));
	s->len = sizeof(h);
}

uint32_t vnpu_stream_add(struct vnpu_stream *s, const void *pkt, uint32_t size)
{
	uint32_t off = s->len;

	if (size > sizeof(s->buf) - s->len)
		abort();
	memcpy(s->buf + off, pkt, size);
	s->len += size;
	return off;
}

uint32_t vnpu_stream_fill(struct vnpu_stream *s, uint64_t dst, uint64_t size,
			  uint32_t value)
{
	struct vnpu_cmd_fill p = {
		.hdr = { .op = VNPU_OP_FILL, .size = sizeof(p) },
		.dst = dst, .size = size, .value = value,
	};

	return vnpu_stream_add(s, &p, sizeof(p));
}

uint32_t vnpu_stream_copy(struct vnpu_stream *s, uint64_t dst, uint64_t src,
			  uint64_t size)
{
	struct vnpu_cmd_copy p = {
		.hdr = { .op = VNPU_OP_COPY, .size = sizeof(p) },
		.dst = dst, .src = src, .size = size,
	};

	return vnpu_stream_add(s, &p, sizeof(p));
}

uint32_t vnpu_stream_timestamp(struct vnpu_stream *s, uint64_t dst)
{
	struct vnpu_cmd_timestamp p = {
		.hdr = { .op = VNPU_OP_TIMESTAMP, .size = sizeof(p) },
		.dst = dst,
	};

	return vnpu_stream_add(s, &p, sizeof(p));
}

int vnpu_submit_stream(int fd, uint32_t ctx, const struct vnpu_stream *s,
		       const struct vnpu_test_bo *bos, const uint32_t *flags,
		       uint32_t nbos, struct drm_vnpu_submit *args)
{
	struct drm_vnpu_submit_bo list[64];
	struct vnpu_test_bo cmd;
	uint32_t i;
	int ret;

	if (nbos > 64)
		return -E2BIG;
	ret = vnpu_bo_new(fd, sizeof(s->buf), &cmd);
	if (ret)
		return ret;
	memcpy(cmd.map, s->buf, s->len);
	for (i = 0; i < nbos; i++) {
		list[i].handle = bos[i].handle;
		list[i].flags = flags[i];
	}
	args->ctx_id = ctx;
	args->cmd_handle = cmd.handle;
	args->cmd_size = s->len;
	args->bos = (uintptr_t)list;
	args->bo_count = nbos;
	args->bo_stride = sizeof(list[0]);
	ret = ioctl(fd, DRM_IOCTL_VNPU_SUBMIT, args) ? -errno : 0;
	/* The job holds its own copy of the stream. */
	vnpu_bo_free(fd, &cmd);
	return ret;
}

int vnpu_bo_wait(int fd, uint32_t handle, int64_t timeout_ns, int32_t *status)
{
	struct drm_vnpu_bo_wait w = { .handle = handle };
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	w.timeout_ns = ts.tv_sec * 1000000000ll + ts.tv_nsec + timeout_ns;
	if (ioctl(fd, DRM_IOCTL_VNPU_BO_WAIT, &w))
		return -errno;
	if (status)
		*status = w.job_status;
	return 0;
}

int vnpu_ctx_query(int fd, uint32_t ctx, struct drm_vnpu_ctx_query *q)
{
	memset(q, 0, sizeof(*q));
	q->ctx_id = ctx;
	return ioctl(fd, DRM_IOCTL_VNPU_CTX_QUERY, q) ? -errno : 0;
}
