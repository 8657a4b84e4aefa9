// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
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
