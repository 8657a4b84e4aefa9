// SPDX-License-Identifier: MIT
/*
 * Finding cards: accel nodes whose DRM driver is "vnpu". A node this
 * process may not open is still identified (through sysfs) so the error
 * can say "permission denied" instead of "no card". When there is no
 * card at all, libkmod tells a module that is not installed from one
 * that is installed but not loaded.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <libkmod.h>
#include <xf86drm.h>

#include "vnpu_internal.h"

/* The DRM driver of the node at PATH is vnpu (through an open file). */
static bool vnpu_rt_fd_is_vnpu(int fd)
{
	drmVersionPtr v = drmGetVersion(fd);
	bool ok = v && v->name && !strcmp(v->name, "vnpu");

	drmFreeVersion(v);
	return ok;
}

/* The same question through sysfs, for a node we cannot open. */
static bool vnpu_rt_sysfs_is_vnpu(uint32_t minor)
{
	char link[128], target[256];
	ssize_t n;

	snprintf(link, sizeof(link), "/sys/class/accel/accel%u/device/driver",
		 minor);
	n = readlink(link, target, sizeof(target) - 1);
	if (n <= 0)
		return false;
	target[n] = '\0';
	return !strcmp(basename(target), "vnpu");
}

static int vnpu_rt_desc_cmp(const void *a, const void *b)
{
	const vnpu_device_desc *x = a, *y = b;

	return x->minor < y->minor ? -1 : x->minor > y->minor;
}

vnpu_status vnpu_device_enumerate(vnpu_device_desc *descs, size_t max,
				  size_t *count)
{
	vnpu_device_desc found[64];
	size_t n = 0, i;
	struct dirent *de;
	DIR *dir;

	if (!count || (max && !descs))
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_device_enumerate: %s is NULL",
				     !count ? "count" : "descs");
	if (!vnpu_rt_initialized("vnpu_device_enumerate"))
		return VNPU_STATUS_NOT_INITIALIZED;
	*count = 0;
	dir = opendir(vnpu_rt_lib.dev_dir);
	if (!dir)	/* no accel node at all: no card */
		return VNPU_STATUS_OK;
	while ((de = readdir(dir)) && n < sizeof(found) / sizeof(found[0])) {
		vnpu_device_desc *d = &found[n];
		unsigned int minor;
		char tail;
		int fd;

		if (sscanf(de->d_name, "accel%u%c", &minor, &tail) != 1)
			continue;
		memset(d, 0, sizeof(*d));
		/* A name that does not fit is no node of ours. */
		if (snprintf(d->path, sizeof(d->path), "%s/%s",
			     vnpu_rt_lib.dev_dir, de->d_name) >= (int)sizeof(d->path))
			continue;
		d->minor = minor;
		fd = open(d->path, O_RDWR | O_CLOEXEC);
		if (fd >= 0) {
			d->accessible = vnpu_rt_fd_is_vnpu(fd);
			close(fd);
			if (!d->accessible)
				continue;
		} else if ((errno != EACCES && errno != EPERM) ||
			   !vnpu_rt_sysfs_is_vnpu(minor)) {
			continue;
		}
		n++;
	}
	closedir(dir);
	qsort(found, n, sizeof(found[0]), vnpu_rt_desc_cmp);
	for (i = 0; i < n && i < max; i++)
		descs[i] = found[i];
	*count = n;
	return VNPU_STATUS_OK;
}

/* 1 loaded, 0 installed but not loaded, -1 not installed (or unknown). */
static int vnpu_rt_module_state(void)
{
	struct kmod_ctx *ctx = kmod_new(NULL, NULL);
	struct kmod_list *list = NULL;
	struct kmod_module *mod = NULL;
	int state = -1;

	if (!ctx)
		return -1;
	if (kmod_module_new_from_name(ctx, "vnpu", &mod) == 0) {
		int init = kmod_module_get_initstate(mod);

		if (init == KMOD_MODULE_LIVE || init == KMOD_MODULE_COMING ||
		    init == KMOD_MODULE_BUILTIN)
			state = 1;
		kmod_module_unref(mod);
	}
	/* Installed means modules.dep of the running kernel knows it. */
	if (state < 0 && kmod_module_new_from_lookup(ctx, "vnpu", &list) == 0 &&
	    list) {
		mod = kmod_module_get_module(list);
		if (mod && kmod_module_get_path(mod))
			state = 0;
		kmod_module_unref(mod);
		kmod_module_unref_list(list);
	}
	kmod_unref(ctx);
	return state;
}

vnpu_status vnpu_rt_no_card_error(const char *what)
{
	struct utsname u;

	if (uname(&u))
		strcpy(u.release, "(unknown)");
	switch (vnpu_rt_module_state()) {
	case 1:
		return vnpu_rt_error(VNPU_STATUS_NOT_FOUND,
				     "%s: the vnpu module is loaded but has no card in %s: check `dmesg | grep vnpu` and `modprobe vnpu num_devices=1`",
				     what, vnpu_rt_lib.dev_dir);
	case 0:
		return vnpu_rt_error(VNPU_STATUS_NOT_FOUND,
				     "%s: the vnpu kernel module is installed but not loaded: run `sudo modprobe vnpu` (or use VNPU_BACKEND=cpu)",
				     what);
	default:
		return vnpu_rt_error(VNPU_STATUS_NOT_FOUND,
				     "%s: the vnpu kernel module is not installed for kernel %s: build and install it (`make && sudo make install`, or DKMS), then `sudo modprobe vnpu`; or use the CPU backend (VNPU_BACKEND=cpu)",
				     what, u.release);
	}
}
