// SPDX-License-Identifier: GPL-2.0
/*
 * Is vnpu loaded, installed, which version: libkmod answers the way
 * modprobe and modinfo would (same module directory, same aliases).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include <libkmod.h>

#include "smi_kmod.h"

static void read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");

	buf[0] = '\0';
	if (!f)
		return;
	if (fgets(buf, len, f))
		buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
}

static void copy(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src ? src : "");
}

/* modinfo version/srcversion of the module's file. */
static void file_info(struct kmod_module *mod, struct smi_mod_info *mi)
{
	struct kmod_list *info = NULL, *l;

	if (kmod_module_get_info(mod, &info) < 0)
		return;
	kmod_list_foreach(l, info) {
		const char *key = kmod_module_info_get_key(l);
		const char *val = kmod_module_info_get_value(l);

		if (!strcmp(key, "version"))
			copy(mi->version, sizeof(mi->version), val);
		else if (!strcmp(key, "srcversion"))
			copy(mi->srcversion, sizeof(mi->srcversion), val);
	}
	kmod_module_info_free_list(info);
}

void smi_kmod_query(struct smi_mod_info *mi)
{
	struct kmod_ctx *ctx;
	struct kmod_module *mod = NULL;
	struct kmod_list *list = NULL;
	struct utsname u;
	int state;

	memset(mi, 0, sizeof(*mi));
	mi->state = SMI_MOD_UNKNOWN;
	if (!uname(&u))
		copy(mi->kernel, sizeof(mi->kernel), u.release);
	ctx = kmod_new(NULL, NULL);
	if (!ctx)
		return;

	/* The installed file, found through modules.dep like modprobe does. */
	if (!kmod_module_new_from_lookup(ctx, "vnpu", &list) && list) {
		mod = kmod_module_get_module(list);
		kmod_module_unref_list(list);
	}
	if (!mod && kmod_module_new_from_name(ctx, "vnpu", &mod))
		mod = NULL;
	if (!mod) {
		kmod_unref(ctx);
		return;
	}
	copy(mi->path, sizeof(mi->path), kmod_module_get_path(mod));
	if (mi->path[0])
		file_info(mod, mi);

	state = kmod_module_get_initstate(mod);
	if (state == KMOD_MODULE_LIVE || state == KMOD_MODULE_BUILTIN ||
	    state == KMOD_MODULE_COMING) {
		mi->state = SMI_MOD_LOADED;
		read_line("/sys/module/vnpu/srcversion", mi->live_srcversion,
			  sizeof(mi->live_srcversion));
		read_line("/sys/module/vnpu/version", mi->live_version,
			  sizeof(mi->live_version));
	} else {
		mi->state = mi->path[0] ? SMI_MOD_NOT_LOADED :
					  SMI_MOD_NOT_INSTALLED;
	}
	kmod_module_unref(mod);
	kmod_unref(ctx);
}
