// SPDX-License-Identifier: GPL-2.0
/*
 * npu-smi info watch: one line per card per interval, in columns like
 * Huawei's "npu-smi info watch" (NpuID(Idx), ChipId(Idx), Pwr(W),
 * Temp(C), AI Core(%) first, so column-number scripts keep working).
 */
#include <stdio.h>
#include <string.h>

#include "smi.h"
#include "smi_fmt.h"
#include "smi_telem.h"

static void cell_num(const struct smi_telem *t, int a, double div, int prec)
{
	char buf[32];

	if (smi_has(t, a))
		snprintf(buf, sizeof(buf), "%.*f", prec, (double)t->v[a] / div);
	else
		snprintf(buf, sizeof(buf), "NA");
	printf("%-12s", buf);
}

static void row(const struct smi_card *c, const struct smi_telem *t)
{
	char mem[32];

	printf("%-12d%-12d", c->index, 0);
	cell_num(t, VNPU_ATTR_POWER_UW, 1e6, 1);
	cell_num(t, VNPU_ATTR_TEMP_MC, 1e3, 1);
	cell_num(t, VNPU_ATTR_AICORE_PCT, 1, 0);
	cell_num(t, VNPU_ATTR_DMA_PCT, 1, 0);
	cell_num(t, VNPU_ATTR_CLOCK_MHZ, 1, 0);
	if (smi_has(t, VNPU_ATTR_MEM_USED) && c->mem_budget)
		snprintf(mem, sizeof(mem), "%llu", (unsigned long long)
			 ((uint64_t)t->v[VNPU_ATTR_MEM_USED] * 100 / c->mem_budget));
	else
		snprintf(mem, sizeof(mem), "NA");
	printf("%-12s%s\n", mem, smi_has(t, VNPU_ATTR_HEALTH) ?
	       smi_health_name(t->v[VNPU_ATTR_HEALTH]) : "NA");
}

int cmd_watch(int argc, char **argv)
{
	static struct smi_telem t[SMI_MAX_CARDS];
	struct smi_genl *nl = NULL;
	struct smi s;
	double delay = 1;
	long id = -1, count = 0, n;
	int i, ret;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-i") && i + 1 < argc) {
			if (smi_parse_int(argv[++i], 0, 1000000, &id))
				return smi_usage("info", "watch -i: '%s' is not a card id",
						 argv[i]);
		} else if (!strcmp(argv[i], "-d") && i + 1 < argc) {
			if (smi_parse_double(argv[++i], 0.05, 86400, &delay))
				return smi_usage("info", "watch -d: '%s' is not a delay in seconds (0.05 to 86400)",
						 argv[i]);
		} else if ((!strcmp(argv[i], "-n") || !strcmp(argv[i], "--count")) &&
			   i + 1 < argc) {
			if (smi_parse_int(argv[++i], 1, 1000000000, &count))
				return smi_usage("info", "watch --count: '%s' is not a positive count",
						 argv[i]);
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			smi_help("info");
			return SMI_EXIT_OK;
		} else {
			return smi_usage("info", "info watch: unexpected argument '%s'",
					 argv[i]);
		}
	}

	ret = smi_open(&s);
	if (ret)
		return ret;
	if (id >= 0 && !smi_card_by_id(&s, id)) {
		smi_close(&s);
		return SMI_EXIT_NO_CARD;
	}
	ret = smi_telem_open(&nl, 1);
	if (ret) {
		smi_close(&s);
		return ret;
	}
	smi_catch_signals();
	printf("%-12s%-12s%-12s%-12s%-12s%-12s%-12s%-12s%s\n", "NpuID(Idx)",
	       "ChipId(Idx)", "Pwr(W)", "Temp(C)", "AI Core(%)", "DMA(%)",
	       "Clock(MHz)", "Memory(%)", "Health");
	for (n = 0; !count || n < count; n++) {
		if (n && !smi_sleep(delay))
			break;
		ret = smi_telem_read(nl, &s, t);
		if (ret)
			break;
		for (i = 0; i < s.ncards; i++)
			if (id < 0 || s.cards[i].index == id)
				row(&s.cards[i], &t[i]);
		fflush(stdout);
	}
	smi_genl_close(nl);
	smi_close(&s);
	return ret;
}
