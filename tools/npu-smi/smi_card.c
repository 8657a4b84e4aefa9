// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <xf86drm.h>
#include <drm/vnpu_accel.h>

#include "smi_card.h"

static int get_u64(int fd, uint32_t param, uint64_t *v)
{
	struct drm_vnpu_get_param a = { .param = param };

	if (drmIoctl(fd, DRM_IOCTL_VNPU_GET_PARAM, &a))
		return -errno;
	*v = a.value;
	return 0;
}

static int get_str(int fd, uint32_t param, char *buf, size_t len)
{
	struct drm_vnpu_get_param a = {
		.param = param,
		.value = (uintptr_t)buf,
		.size = len,
	};

	return drmIoctl(fd, DRM_IOCTL_VNPU_GET_PARAM, &a) ? -errno : 0;
}

static int card_read(struct smi_card *c)
{
	static const struct {
		uint32_t param;
		size_t off;
	} ints[] = {
#define P(p, f) { DRM_VNPU_PARAM_##p, offsetof(struct smi_card, f) }
		P(ABI_VERSION, abi_version), P(VENDOR_ID, vendor_id),
		P(DEVICE_ID, device_id), P(MEM_SIZE, mem_size),
		P(MEM_BUDGET, mem_budget), P(AI_CORES, ai_cores),
		P(PEAK_FP4_FLOPS, fp4), P(PEAK_FP8_FLOPS, fp8),
		P(PEAK_BF16_FLOPS, bf16), P(MEM_BANDWIDTH, mem_bw),
		P(LINK_BANDWIDTH, link_bw), P(TDP, tdp_uw),
#undef P
	};
	size_t i;
	int ret;

	for (i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
		ret = get_u64(c->fd, ints[i].param,
			      (uint64_t *)((char *)c + ints[i].off));
		if (ret)
			return ret;
	}
	if ((ret = get_str(c->fd, DRM_VNPU_PARAM_BUS_ID, c->bus_id, SMI_STR)) ||
	    (ret = get_str(c->fd, DRM_VNPU_PARAM_PROFILE, c->profile, SMI_STR)) ||
	    (ret = get_str(c->fd, DRM_VNPU_PARAM_NAME, c->name, SMI_STR)))
		return ret;
	return 0;
}

static int by_index(const void *a, const void *b)
{
	return ((const struct smi_card *)a)->index -
	       ((const struct smi_card *)b)->index;
}

/* The serial number the card's bus device shows in sysfs. */
static void card_serial(struct smi_card *c)
{
	char path[96];
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/accel/accel%d/device/serial",
		 c->index);
	f = fopen(path, "re");
	if (!f)
		return;
	if (fgets(c->serial, sizeof(c->serial), f))
		c->serial[strcspn(c->serial, "\n")] = '\0';
	fclose(f);
}

int smi_cards_open(struct smi_card *cards, int max)
{
	DIR *dir = opendir("/dev/accel");
	struct dirent *de;
	int n = 0, denied = 0;

	if (!dir)
		return -ENODEV;
	while ((de = readdir(dir)) && n < max) {
		struct smi_card *c = &cards[n];
		drmVersionPtr ver;
		int idx;

		if (sscanf(de->d_name, "accel%d", &idx) != 1)
			continue;
		memset(c, 0, sizeof(*c));
		c->index = idx;
		snprintf(c->path, sizeof(c->path), "/dev/accel/accel%d", idx);
		c->fd = open(c->path, O_RDWR | O_CLOEXEC);
		if (c->fd < 0) {
			denied += errno == EACCES || errno == EPERM;
			continue;
		}
		ver = drmGetVersion(c->fd);
		if (!ver || strcmp(ver->name, "vnpu") || card_read(c)) {
			drmFreeVersion(ver);
			close(c->fd);
			continue;
		}
		drmFreeVersion(ver);
		card_serial(c);
		n++;
	}
	closedir(dir);
	qsort(cards, n, sizeof(*cards), by_index);
	if (!n)
		return denied ? -EACCES : -ENODEV;
	return n;
}

void smi_cards_close(struct smi_card *cards, int n)
{
	int i;

	for (i = 0; i < n; i++)
		close(cards[i].fd);
}
