/* SPDX-License-Identifier: GPL-2.0 */
/* npu-smi: the vnpu kernel module as libkmod sees it. */
#ifndef SMI_KMOD_H
#define SMI_KMOD_H

enum smi_mod_state {
	SMI_MOD_LOADED,
	SMI_MOD_NOT_LOADED,	/* installed for this kernel, not loaded */
	SMI_MOD_NOT_INSTALLED,	/* modprobe would not find it */
	SMI_MOD_UNKNOWN,	/* libkmod itself failed */
};

struct smi_mod_info {
	enum smi_mod_state state;
	char path[256];		/* the installed file, "" if none */
	char version[64];	/* modinfo version of that file, "" if none */
	char srcversion[64];	/* modinfo srcversion of that file */
	char live_srcversion[64]; /* /sys/module/vnpu/srcversion, if loaded */
	char live_version[64];	/* /sys/module/vnpu/version, if loaded */
	char kernel[128];	/* uname -r */
};

void smi_kmod_query(struct smi_mod_info *mi);

#endif
