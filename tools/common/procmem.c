// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <string.h>

#include "procmem.h"

uint64_t procmem_status(const char *key)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	unsigned long long kb = 0;
	size_t kl = strlen(key);

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, kl) && line[kl] == ':')
			sscanf(line + kl + 1, "%llu", &kb);
	fclose(f);
	return kb * 1024;
}

int procmem_reset_peak(void)
{
	FILE *f = fopen("/proc/self/clear_refs", "w");
	int ok;

	if (!f)
		return -1;
	ok = fputs("5", f) >= 0;	/* 5: reset the peak RSS */
	return fclose(f) == 0 && ok ? 0 : -1;
}
