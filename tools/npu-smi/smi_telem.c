// SPDX-License-Identifier: GPL-2.0
/* npu-smi: telemetry of the opened cards, through the netlink family. */
#include <errno.h>
#include <string.h>

#include "smi.h"
#include "smi_telem.h"

static int telem_error(int err)
{
	if (err == -ENOENT)
		return smi_fail(SMI_EXIT_MISMATCH,
				"the loaded vnpu module has no telemetry interface (generic netlink family \"vnpu\"): it is older than npu-smi %s; upgrade the vnpu module",
				NPU_SMI_VERSION);
	if (err == -EPERM || err == -EACCES)
		return smi_fail(SMI_EXIT_PERM,
				"permission denied reading telemetry over netlink: run npu-smi as root");
	return smi_fail(SMI_EXIT_FAIL, "cannot read telemetry over netlink: %s",
			strerror(-err));
}

int smi_telem_open(struct smi_genl **nl, int required)
{
	int ret = smi_genl_open(nl);

	*nl = ret ? NULL : *nl;
	if (!ret)
		return SMI_EXIT_OK;
	if (required)
		return telem_error(ret);
	/* Card facts still work; telemetry values show as NA / null. */
	if (ret == -ENOENT)
		fprintf(stderr, "npu-smi: warning: the loaded vnpu module has no telemetry interface; upgrade it for power, temperature and usage\n");
	return SMI_EXIT_OK;
}

int smi_telem_read(struct smi_genl *nl, struct smi *s, struct smi_telem *t)
{
	static struct smi_telem all[SMI_MAX_CARDS];
	int i, j, n;

	memset(t, 0, s->ncards * sizeof(*t));
	if (!nl)
		return SMI_EXIT_OK;
	n = smi_genl_dump(nl, all, SMI_MAX_CARDS);
	if (n < 0)
		return telem_error(n);
	for (i = 0; i < s->ncards; i++)
		for (j = 0; j < n; j++)
			if (smi_has(&all[j], VNPU_ATTR_NPU_ID) &&
			    all[j].v[VNPU_ATTR_NPU_ID] == s->cards[i].index)
				t[i] = all[j];
	return SMI_EXIT_OK;
}
