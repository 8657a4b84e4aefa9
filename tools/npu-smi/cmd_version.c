// SPDX-License-Identifier: GPL-2.0
/*
 * npu-smi version: this tool, libvnpu (if installed), the vnpu module
 * (libkmod: the installed file and the loaded one), and the uAPI version
 * each card speaks; says what to upgrade when they do not match.
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <drm/vnpu_accel.h>

#include "smi.h"
#include "smi_fmt.h"
#include "smi_genl.h"
#include "smi_kmod.h"

/* libvnpu's vnpu_version(), looked up at run time: npu-smi works without it. */
static const char *runtime_version(void)
{
	const char *(*fn)(uint32_t *, uint32_t *, uint32_t *);
	static char buf[64];
	void *h = dlopen("libvnpu.so.0", RTLD_NOW | RTLD_LOCAL);

	if (!h)
		return NULL;
	*(void **)&fn = dlsym(h, "vnpu_version");
	snprintf(buf, sizeof(buf), "%s", fn ? fn(NULL, NULL, NULL) : "unknown");
	dlclose(h);
	return buf;
}

static const char *state_name(enum smi_mod_state st)
{
	switch (st) {
	case SMI_MOD_LOADED:
		return "loaded";
	case SMI_MOD_NOT_LOADED:
		return "installed, not loaded";
	case SMI_MOD_NOT_INSTALLED:
		return "not installed";
	default:
		return "unknown";
	}
}

/* Each card's uAPI version against the one npu-smi was built for. */
static int check_abi(struct smi *s)
{
	int i, ret = SMI_EXIT_OK;

	for (i = 0; i < s->ncards; i++) {
		const struct smi_card *c = &s->cards[i];
		char key[48];

		snprintf(key, sizeof(key), "NPU %d Driver ABI Version", c->index);
		smi_kv(key, "%llu", (unsigned long long)c->abi_version);
		if (c->abi_version < DRM_VNPU_ABI_VERSION)
			ret = smi_fail(SMI_EXIT_MISMATCH,
				       "NPU %d: the vnpu module speaks ABI %llu, npu-smi needs %d: upgrade the vnpu module",
				       c->index, (unsigned long long)c->abi_version,
				       DRM_VNPU_ABI_VERSION);
		else if (c->abi_version > DRM_VNPU_ABI_VERSION)
			fprintf(stderr, "npu-smi: NPU %d: the vnpu module speaks ABI %llu, newer than npu-smi's %d: upgrade npu-smi to see what it adds\n",
				c->index, (unsigned long long)c->abi_version,
				DRM_VNPU_ABI_VERSION);
	}
	return ret;
}

static int check_loaded(const struct smi_mod_info *mi)
{
	struct smi_genl *nl;
	struct smi s;
	int ret, n;

	/* A module rebuilt or reinstalled since it was loaded. */
	if (mi->srcversion[0] && mi->live_srcversion[0] &&
	    strcmp(mi->srcversion, mi->live_srcversion)) {
		return smi_fail(SMI_EXIT_MISMATCH,
				"the loaded vnpu module is not the installed %s: reload it (rmmod vnpu; modprobe vnpu)",
				mi->path);
	}
	ret = smi_genl_open(&nl);
	smi_kv("Telemetry Interface", "%s", !ret ? "netlink family vnpu" :
	       ret == -ENOENT ? "missing" : "unreachable");
	smi_genl_close(ret ? NULL : nl);
	if (ret == -ENOENT)
		return smi_fail(SMI_EXIT_MISMATCH,
				"the loaded vnpu module has no telemetry interface (netlink family \"vnpu\"): upgrade the vnpu module");

	n = smi_cards_open(s.cards, SMI_MAX_CARDS);
	if (n == -EACCES) {
		smi_kv("Driver ABI Version", "NA (permission denied: run as root)");
		return SMI_EXIT_OK;
	}
	if (n <= 0) {
		smi_kv("Driver ABI Version", "NA (no card)");
		return SMI_EXIT_OK;
	}
	s.ncards = n;
	ret = check_abi(&s);
	smi_close(&s);
	return ret;
}

int cmd_version(int argc, char **argv)
{
	const char *rt = runtime_version();
	struct smi_mod_info mi;

	if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		smi_help("version");
		return SMI_EXIT_OK;
	}
	if (argc > 1)
		return smi_usage("version", "version: unexpected argument '%s'",
				 argv[1]);

	smi_kmod_query(&mi);
	smi_kv("npu-smi Version", "%s", NPU_SMI_VERSION);
	smi_kv("npu-smi ABI Version", "%d", DRM_VNPU_ABI_VERSION);
	smi_kv("libvnpu Version", "%s", rt ? rt : "not installed");
	smi_kv("Kernel", "%s", mi.kernel);
	smi_kv("Module State", "%s", state_name(mi.state));
	smi_kv("Module File", "%s", mi.path[0] ? mi.path : "NA");
	smi_kv("Module Version", "%s", mi.version[0] ? mi.version : "NA");
	smi_kv("Module srcversion", "%s", mi.srcversion[0] ? mi.srcversion : "NA");

	switch (mi.state) {
	case SMI_MOD_LOADED:
		smi_kv("Loaded Version", "%s",
		       mi.live_version[0] ? mi.live_version : "NA");
		smi_kv("Loaded srcversion", "%s",
		       mi.live_srcversion[0] ? mi.live_srcversion : "NA");
		return check_loaded(&mi);
	case SMI_MOD_NOT_INSTALLED:
		return smi_fail(SMI_EXIT_NOT_INSTALLED,
				"the vnpu kernel module is not installed for kernel %s: install it (make install, or dkms install vnpu)",
				mi.kernel);
	case SMI_MOD_NOT_LOADED:
		return smi_fail(SMI_EXIT_NOT_LOADED,
				"the vnpu kernel module is not loaded: run 'modprobe vnpu' as root");
	default:
		return smi_fail(SMI_EXIT_FAIL, "libkmod cannot tell whether the vnpu module is loaded");
	}
}
