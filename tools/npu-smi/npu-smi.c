// SPDX-License-Identifier: GPL-2.0
/*
 * npu-smi: show and set the state of vnpu cards, in the layout of Huawei's
 * tool so scripts written for it keep working. This file only dispatches;
 * each command lives in cmd_<name>.c.
 */
#include <stdio.h>
#include <string.h>

#include "smi.h"

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
} commands[] = {
	{ "info", cmd_info },
	{ "query", cmd_query },
	{ "events", cmd_events },
	{ "set", cmd_set },
	{ "version", cmd_version },
};

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2)
		return smi_usage(NULL, "missing command");
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
	    (!strcmp(argv[1], "help") && argc == 2)) {
		smi_help_all();
		return SMI_EXIT_OK;
	}
	if (!strcmp(argv[1], "help")) {
		if (argc > 3)
			return smi_usage(NULL, "help takes one command");
		if (!smi_help(argv[2]))
			return smi_usage(NULL, "help: unknown command '%s'", argv[2]);
		return SMI_EXIT_OK;
	}
	if (!strcmp(argv[1], "-v") || !strcmp(argv[1], "--version"))
		return cmd_version(1, argv + 1);
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	return smi_usage(NULL, "unknown command '%s'", argv[1]);
}
