// SPDX-License-Identifier: GPL-2.0
/*
 * npu-smi info: the box table of Huawei's tool (cards, then processes),
 * the card list (-l) and one card's details (-t TYPE -i ID) as
 * "Key : value" lines. Layout and key names follow Huawei's npu-smi so
 * grep/awk scripts written for it keep working.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "smi.h"
#include "smi_fmt.h"
#include "smi_kmod.h"
#include "smi_proc.h"
#include "smi_telem.h"

#define RULE "+---------------------------+---------------+----------------------------------------------------+\n"
#define RULE2 "+===========================+===============+====================================================+\n"
#define MAX_PROCS 1024

/* "%.1f" of attribute A / DIV, or "NA". */
static const char *num(char *buf, int len, const struct smi_telem *t, int a,
		       double div, int prec)
{
	if (!smi_has(t, a))
		return "NA";
	snprintf(buf, len, "%.*f", prec, (double)t->v[a] / div);
	return buf;
}

static const char *mib(char *buf, int len, const struct smi_telem *t, int a)
{
	if (!smi_has(t, a))
		return "NA";
	snprintf(buf, len, "%llu", (unsigned long long)t->v[a] >> 20);
	return buf;
}

static void table_card(const struct smi_card *c, const struct smi_telem *t)
{
	char pw[32], tmp[32], ai[32], used[32], bus[SMI_STR], *p;
	const char *health = smi_has(t, VNPU_ATTR_HEALTH) ?
			     smi_health_name(t->v[VNPU_ATTR_HEALTH]) : "NA";

	snprintf(bus, sizeof(bus), "%s", c->bus_id);
	for (p = bus; *p; p++)
		*p = toupper((unsigned char)*p);
	printf("| %-5d %-20s| %-13s | %-11s %-17s %-5s/ %-13s |\n", c->index,
	       c->name, health, num(pw, sizeof(pw), t, VNPU_ATTR_POWER_UW, 1e6, 1),
	       num(tmp, sizeof(tmp), t, VNPU_ATTR_TEMP_MC, 1e3, 0), "0", "0");
	/* Memory-Usage: the host-backed budget; HBM-Usage: the card's HBM. */
	mib(used, sizeof(used), t, VNPU_ATTR_MEM_USED);
	printf("| %-26d| %-12s  | %-11s %-5s/ %-10llu %-5s/ %-13llu |\n", 0, bus,
	       num(ai, sizeof(ai), t, VNPU_ATTR_AICORE_PCT, 1, 0),
	       smi_has(t, VNPU_ATTR_MEM_USED) ? used : "NA",
	       (unsigned long long)(c->mem_budget >> 20),
	       smi_has(t, VNPU_ATTR_MEM_USED) ? used : "NA",
	       (unsigned long long)(c->mem_size >> 20));
	fputs(RULE2, stdout);
}

static void table_procs(const struct smi *s)
{
	static struct smi_proc procs[MAX_PROCS];
	int n = smi_procs_scan(procs, MAX_PROCS), i, j, any;
	char line[128];

	fputs(RULE, stdout);
	printf("| %-7s %-18s| %-13s | %-24s | %-23s |\n", "NPU", "Chip",
	       "Process id", "Process name", "Process memory(MB)");
	fputs(RULE2, stdout);
	for (i = 0; i < s->ncards; i++) {
		any = 0;
		for (j = 0; j < n; j++) {
			if (procs[j].npu != s->cards[i].index)
				continue;
			printf("| %-7d %-18d| %-13d | %-24.24s | %-23llu |\n",
			       procs[j].npu, 0, (int)procs[j].pid, procs[j].name,
			       (unsigned long long)(procs[j].mem_bytes >> 20));
			any = 1;
		}
		if (!any) {
			snprintf(line, sizeof(line),
				 "No running processes found in NPU %d",
				 s->cards[i].index);
			printf("| %-95s|\n", line);
		}
		fputs(RULE2, stdout);
	}
}

static int info_table(struct smi *s)
{
	static struct smi_telem t[SMI_MAX_CARDS];
	struct smi_genl *nl;
	struct smi_mod_info mi;
	int i, ret;

	ret = smi_telem_open(&nl, 0);
	if (!ret)
		ret = smi_telem_read(nl, s, t);
	smi_genl_close(nl);
	if (ret)
		return ret;
	smi_kmod_query(&mi);

	printf("+%s+\n", "------------------------------------------------"
			 "------------------------------------------------");
	printf("| npu-smi %-24s Version: %-53s|\n", NPU_SMI_VERSION,
	       mi.live_version[0] ? mi.live_version :
	       mi.version[0] ? mi.version : NPU_SMI_VERSION);
	fputs(RULE, stdout);
	printf("| %-5s %-20s| %-13s | %-11s %-17s %-21s|\n", "NPU", "Name",
	       "Health", "Power(W)", "Temp(C)", "Hugepages-Usage(page)");
	printf("| %-26s| %-13s | %-11s %-17s %-20s |\n", "Chip", "Bus-Id",
	       "AICore(%)", "Memory-Usage(MB)", "HBM-Usage(MB)");
	fputs(RULE2, stdout);
	for (i = 0; i < s->ncards; i++)
		table_card(&s->cards[i], &t[i]);
	table_procs(s);
	return SMI_EXIT_OK;
}

static int info_list(struct smi *s)
{
	int i;

	smi_kv("Total Count", "%d", s->ncards);
	for (i = 0; i < s->ncards; i++) {
		putchar('\n');
		smi_kv("NPU ID", "%d", s->cards[i].index);
		smi_kv("Product Name", "%s", s->cards[i].name);
		smi_kv("Serial Number", "%s",
		       s->cards[i].serial[0] ? s->cards[i].serial : "NA");
		smi_kv("Chip Count", "%d", 1);
	}
	return SMI_EXIT_OK;
}

static void board(const struct smi_card *c)
{
	smi_kv("NPU ID", "%d", c->index);
	smi_kv("Product Name", "%s", c->name);
	smi_kv("Profile", "%s", c->profile);
	smi_kv("Serial Number", "%s", c->serial[0] ? c->serial : "NA");
	smi_kv("PCIe Bus Info", "%s", c->bus_id);
	smi_kv("Vendor ID", "0x%04llx", (unsigned long long)c->vendor_id);
	smi_kv("Device ID", "0x%04llx", (unsigned long long)c->device_id);
	smi_kv("AI Core Count", "%llu", (unsigned long long)c->ai_cores);
	smi_kv("HBM Capacity(MB)", "%llu", (unsigned long long)(c->mem_size >> 20));
	smi_kv("HBM Backed(MB)", "%llu", (unsigned long long)(c->mem_budget >> 20));
	smi_kv("HBM Bandwidth(GB/s)", "%llu",
	       (unsigned long long)(c->mem_bw / 1000000000ull));
	smi_kv("Link Bandwidth(GB/s)", "%llu",
	       (unsigned long long)(c->link_bw / 1000000000ull));
	smi_kv("Peak FP4(TFLOPS)", "%llu",
	       (unsigned long long)(c->fp4 / 1000000000000ull));
	smi_kv("Peak FP8(TFLOPS)", "%llu",
	       (unsigned long long)(c->fp8 / 1000000000000ull));
	smi_kv("Peak BF16(TFLOPS)", "%llu",
	       (unsigned long long)(c->bf16 / 1000000000000ull));
	smi_kv("TDP(W)", "%llu", (unsigned long long)(c->tdp_uw / 1000000ull));
	smi_kv("Driver ABI Version", "%llu", (unsigned long long)c->abi_version);
}

/* "Key : value" of telemetry attribute A / DIV, "NA" when missing. */
static void kv_num(const char *key, const struct smi_telem *t, int a,
		   double div, int prec)
{
	char buf[32];

	smi_kv(key, "%s", num(buf, sizeof(buf), t, a, div, prec));
}

static void power(const struct smi_card *c, const struct smi_telem *t)
{
	smi_kv("NPU ID", "%d", c->index);
	smi_kv("Chip Count", "%d", 1);
	kv_num("Power Dissipation(W)", t, VNPU_ATTR_POWER_UW, 1e6, 1);
	kv_num("Average Power(W)", t, VNPU_ATTR_POWER_AVG_UW, 1e6, 1);
	kv_num("Power Cap(W)", t, VNPU_ATTR_POWER_CAP_UW, 1e6, 1);
	smi_kv("TDP(W)", "%.1f", (double)c->tdp_uw / 1e6);
	kv_num("Energy(J)", t, VNPU_ATTR_ENERGY_UJ, 1e6, 3);
}

static void kv_throttle(const struct smi_telem *t)
{
	char buf[32];

	smi_kv("Throttle Reasons", "%s", smi_has(t, VNPU_ATTR_THROTTLE) ?
	       smi_throttle_str(t->v[VNPU_ATTR_THROTTLE], buf, sizeof(buf)) :
	       "NA");
}

static void temp(const struct smi_card *c, const struct smi_telem *t)
{
	smi_kv("NPU ID", "%d", c->index);
	smi_kv("Chip Count", "%d", 1);
	kv_num("NPU Temperature(C)", t, VNPU_ATTR_TEMP_MC, 1e3, 1);
	kv_num("Throttle Temperature(C)", t, VNPU_ATTR_TEMP_MAX_MC, 1e3, 1);
	kv_num("Critical Temperature(C)", t, VNPU_ATTR_TEMP_CRIT_MC, 1e3, 1);
	kv_throttle(t);
}

static void rate(const char *key, const struct smi_telem *t, uint64_t total)
{
	if (!smi_has(t, VNPU_ATTR_MEM_USED) || !total)
		smi_kv(key, "NA");
	else
		smi_kv(key, "%llu", (unsigned long long)
		       ((uint64_t)t->v[VNPU_ATTR_MEM_USED] * 100 / total));
}

static void memory(const struct smi_card *c, const struct smi_telem *t)
{
	char buf[32];

	smi_kv("NPU ID", "%d", c->index);
	smi_kv("Chip Count", "%d", 1);
	smi_kv("HBM Capacity(MB)", "%llu", (unsigned long long)(c->mem_size >> 20));
	smi_kv("HBM Backed(MB)", "%llu", (unsigned long long)(c->mem_budget >> 20));
	smi_kv("HBM Usage(MB)", "%s", mib(buf, sizeof(buf), t, VNPU_ATTR_MEM_USED));
	rate("HBM Usage Rate(%)", t, c->mem_budget);
	smi_kv("HBM Bandwidth(GB/s)", "%llu",
	       (unsigned long long)(c->mem_bw / 1000000000ull));
}

static void usages(const struct smi_card *c, const struct smi_telem *t)
{
	smi_kv("NPU ID", "%d", c->index);
	smi_kv("Chip Count", "%d", 1);
	smi_kv("HBM Capacity(MB)", "%llu", (unsigned long long)(c->mem_size >> 20));
	rate("HBM Usage Rate(%)", t, c->mem_budget);
	kv_num("Aicore Usage Rate(%)", t, VNPU_ATTR_AICORE_PCT, 1, 0);
	kv_num("DMA Usage Rate(%)", t, VNPU_ATTR_DMA_PCT, 1, 0);
	kv_num("Aicore Freq(MHZ)", t, VNPU_ATTR_CLOCK_MAX_MHZ, 1, 0);
	kv_num("Aicore curFreq(MHZ)", t, VNPU_ATTR_CLOCK_MHZ, 1, 0);
}

static void health(const struct smi_card *c, const struct smi_telem *t)
{
	int64_t h = smi_has(t, VNPU_ATTR_HEALTH) ? t->v[VNPU_ATTR_HEALTH] : -1;

	smi_kv("NPU ID", "%d", c->index);
	smi_kv("Chip Count", "%d", 1);
	smi_kv("Health Status", "%s", h < 0 ? "NA" : smi_health_name(h));
	kv_throttle(t);
	smi_kv("Error Information", "%s",
	       h == VNPU_HEALTH_CRITICAL ? "critical temperature: jobs fail until the card cools" :
	       h == VNPU_HEALTH_WARNING ? "throttling: the AI core clock is reduced" :
	       h < 0 ? "NA" : "none");
}

static const struct {
	const char *name;
	void (*show)(const struct smi_card *c, const struct smi_telem *t);
	int telemetry;
} types[] = {
	{ "board", NULL, 0 },
	{ "power", power, 1 },
	{ "temp", temp, 1 },
	{ "memory", memory, 1 },
	{ "usages", usages, 1 },
	{ "health", health, 1 },
};

static int info_type(struct smi *s, int type, long id)
{
	struct smi_card *c = smi_card_by_id(s, id);
	struct smi_genl *nl = NULL;
	struct smi_telem t;
	int ret;

	if (!c)
		return SMI_EXIT_NO_CARD;
	if (!types[type].telemetry) {
		board(c);
		return SMI_EXIT_OK;
	}
	memset(&t, 0, sizeof(t));
	ret = smi_telem_open(&nl, 0);
	if (!ret && nl) {
		ret = smi_genl_get(nl, c->index, &t);
		if (ret)
			ret = smi_fail(SMI_EXIT_FAIL,
				       "cannot read the telemetry of NPU %d over netlink: %s",
				       c->index, strerror(-ret));
	}
	smi_genl_close(nl);
	if (!ret)
		types[type].show(c, &t);
	return ret;
}

int cmd_info(int argc, char **argv)
{
	struct smi s;
	const char *type = NULL;
	int list = 0, i, t = -1, ret;
	long id = -1;

	if (argc > 1 && !strcmp(argv[1], "watch"))
		return cmd_watch(argc - 1, argv + 1);
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-l")) {
			list = 1;
		} else if (!strcmp(argv[i], "-t") && i + 1 < argc) {
			type = argv[++i];
		} else if (!strcmp(argv[i], "-i") && i + 1 < argc) {
			if (smi_parse_int(argv[++i], 0, 1000000, &id))
				return smi_usage("info", "-i: '%s' is not a card id",
						 argv[i]);
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			smi_help("info");
			return SMI_EXIT_OK;
		} else {
			return smi_usage("info", "info: unexpected argument '%s'",
					 argv[i]);
		}
	}
	if (list && type)
		return smi_usage("info", "info: -l and -t do not go together");
	if (type) {
		for (i = 0; i < (int)(sizeof(types) / sizeof(types[0])); i++)
			if (!strcmp(type, types[i].name))
				t = i;
		if (t < 0)
			return smi_usage("info",
					 "info -t: unknown type '%s' (known: board, power, temp, memory, usages, health)",
					 type);
		if (id < 0)
			return smi_usage("info", "info -t %s needs -i ID", type);
	} else if (id >= 0 && !list) {
		return smi_usage("info", "info -i needs -t TYPE");
	}

	ret = smi_open(&s);
	if (ret)
		return ret;
	if (list)
		ret = info_list(&s);
	else if (type)
		ret = info_type(&s, t, id);
	else
		ret = info_table(&s);
	smi_close(&s);
	return ret;
}
