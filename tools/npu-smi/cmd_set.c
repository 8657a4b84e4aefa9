// SPDX-License-Identifier: GPL-2.0
/* npu-smi set -t power-cap -i ID -d WATTS: the card's power cap (root). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "smi.h"
#include "smi_fmt.h"
#include "smi_telem.h"

static int needs_root(void)
{
	return smi_fail(SMI_EXIT_NEEDS_ROOT,
			"setting the power cap needs root: run 'sudo npu-smi set ...'");
}

int cmd_set(int argc, char **argv)
{
	struct smi_genl *nl = NULL;
	const char *type = NULL;
	double watts = -1;
	char msg[256];
	long id = -1;
	struct smi s;
	int i, ret;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-t") && i + 1 < argc) {
			type = argv[++i];
		} else if (!strcmp(argv[i], "-i") && i + 1 < argc) {
			if (smi_parse_int(argv[++i], 0, 1000000, &id))
				return smi_usage("set", "set -i: '%s' is not a card id",
						 argv[i]);
		} else if (!strcmp(argv[i], "-d") && i + 1 < argc) {
			if (smi_parse_double(argv[++i], 0.001, 1e6, &watts))
				return smi_usage("set", "set -d: '%s' is not a power in watts",
						 argv[i]);
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			smi_help("set");
			return SMI_EXIT_OK;
		} else {
			return smi_usage("set", "set: unexpected argument '%s'",
					 argv[i]);
		}
	}
	if (!type)
		return smi_usage("set", "set needs -t TYPE (known: power-cap)");
	if (strcmp(type, "power-cap"))
		return smi_usage("set", "set -t: unknown type '%s' (known: power-cap)",
				 type);
	if (id < 0 || watts < 0)
		return smi_usage("set", "set -t power-cap needs -i ID and -d WATTS");
	/* Say so before touching anything; the kernel checks CAP_NET_ADMIN too. */
	if (geteuid())
		return needs_root();

	ret = smi_open(&s);
	if (ret)
		return ret;
	if (!smi_card_by_id(&s, id)) {
		smi_close(&s);
		return SMI_EXIT_NO_CARD;
	}
	smi_close(&s);
	ret = smi_telem_open(&nl, 1);
	if (ret)
		return ret;
	ret = smi_genl_set_power_cap(nl, (uint32_t)id,
				     (uint64_t)(watts * 1e6 + 0.5), msg,
				     sizeof(msg));
	smi_genl_close(nl);
	if (ret == -EPERM || ret == -EACCES)
		return needs_root();
	if (ret)
		return smi_fail(SMI_EXIT_FAIL, "NPU %ld refused a power cap of %g W: %s",
				id, watts, msg[0] ? msg : strerror(-ret));
	smi_kv("Status", "OK");
	smi_kv("Message", "The power cap of NPU %ld is set to %g W.", id, watts);
	return SMI_EXIT_OK;
}
