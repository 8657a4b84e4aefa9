// SPDX-License-Identifier: GPL-2.0
/*
 * npu-smi: query vnpu cards, in the layout of Huawei's tool so scripts
 * written for it keep working. This version covers the card list and the
 * board information; telemetry views build on the same card access.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smi_card.h"

static const char usage_text[] =
"Usage: npu-smi info -l\n"
"       npu-smi info -t board -i ID\n"
"       npu-smi -h | --help\n"
"\n"
"Show the vnpu NPU cards of this machine (the /dev/accel/accelN nodes whose\n"
"driver is vnpu) and what they report.\n"
"\n"
"Commands:\n"
"  info -l              list the cards: total count, then NPU ID, product\n"
"                       name and chip count of each\n"
"  info -t board -i ID  board information of card ID (the N of\n"
"                       /dev/accel/accelN): product name, profile, PCIe bus\n"
"                       id, vendor and device id, AI cores, HBM capacity and\n"
"                       the part backed by host memory, bandwidths, FP4/FP8/\n"
"                       BF16 peaks, TDP, driver ABI version\n"
"\n"
"Output is \"Key : value\" lines, one per field, units in the key, e.g.\n"
"  HBM Capacity(MB)               : 114688\n"
"so `awk -F' : ' '/HBM Capacity/ {print $2}'` extracts a value.\n"
"\n"
"Exit status: 0 on success, 1 when no card can be read or ID is not a\n"
"card, 2 on a usage error.\n";

static void kv(const char *key, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void kv(const char *key, const char *fmt, ...)
{
	va_list ap;

	printf("\t%-31s: ", key);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "npu-smi: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry 'npu-smi --help'.\n");
	return 2;
}

static int cmd_list(struct smi_card *c, int n)
{
	int i;

	kv("Total Count", "%d", n);
	for (i = 0; i < n; i++) {
		putchar('\n');
		kv("NPU ID", "%d", c[i].index);
		kv("Product Name", "%s", c[i].name);
		kv("Chip Count", "%d", 1);
	}
	return 0;
}

static int cmd_board(const struct smi_card *c)
{
	kv("NPU ID", "%d", c->index);
	kv("Product Name", "%s", c->name);
	kv("Profile", "%s", c->profile);
	kv("PCIe Bus Info", "%s", c->bus_id);
	kv("Vendor ID", "0x%04llx", (unsigned long long)c->vendor_id);
	kv("Device ID", "0x%04llx", (unsigned long long)c->device_id);
	kv("AI Core Count", "%llu", (unsigned long long)c->ai_cores);
	kv("HBM Capacity(MB)", "%llu", (unsigned long long)(c->mem_size >> 20));
	kv("HBM Backed(MB)", "%llu", (unsigned long long)(c->mem_budget >> 20));
	kv("HBM Bandwidth(GB/s)", "%llu",
	   (unsigned long long)(c->mem_bw / 1000000000ull));
	kv("Link Bandwidth(GB/s)", "%llu",
	   (unsigned long long)(c->link_bw / 1000000000ull));
	kv("Peak FP4(TFLOPS)", "%llu", (unsigned long long)(c->fp4 / 1000000000000ull));
	kv("Peak FP8(TFLOPS)", "%llu", (unsigned long long)(c->fp8 / 1000000000000ull));
	kv("Peak BF16(TFLOPS)", "%llu",
	   (unsigned long long)(c->bf16 / 1000000000000ull));
	kv("TDP(W)", "%llu", (unsigned long long)(c->tdp_uw / 1000000ull));
	kv("Driver ABI Version", "%llu", (unsigned long long)c->abi_version);
	return 0;
}

static int parse_id(const char *s, int *id)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 0 || v > 1000000)
		return -1;
	*id = (int)v;
	return 0;
}

int main(int argc, char **argv)
{
	static struct smi_card cards[SMI_MAX_CARDS];
	const char *type = NULL, *why;
	int list = 0, id = -1, n, i, ret;

	if (argc < 2)
		return usage_error("%s", "missing command");
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		fputs(usage_text, stdout);
		return 0;
	}
	if (strcmp(argv[1], "info"))
		return usage_error("unknown command '%s'", argv[1]);

	for (i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "-l")) {
			list = 1;
		} else if (!strcmp(argv[i], "-t") && i + 1 < argc) {
			type = argv[++i];
		} else if (!strcmp(argv[i], "-i") && i + 1 < argc) {
			if (parse_id(argv[++i], &id))
				return usage_error("-i: '%s' is not a card id", argv[i]);
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			fputs(usage_text, stdout);
			return 0;
		} else {
			return usage_error("info: unexpected argument '%s'", argv[i]);
		}
	}
	if (list == !!type)
		return usage_error("%s", "info needs either -l or -t TYPE -i ID");
	if (type && strcmp(type, "board"))
		return usage_error("info -t: unknown type '%s' (known: board)", type);
	if (type && id < 0)
		return usage_error("%s", "info -t board needs -i ID");

	n = smi_cards_open(cards, SMI_MAX_CARDS, &why);
	if (n < 0) {
		fprintf(stderr, "npu-smi: %s\n", why);
		return 1;
	}
	if (list) {
		ret = cmd_list(cards, n);
	} else {
		ret = 1;
		for (i = 0; i < n; i++)
			if (cards[i].index == id)
				ret = cmd_board(&cards[i]);
		if (ret)
			fprintf(stderr, "npu-smi: no vnpu card with id %d (npu-smi info -l lists them)\n",
				id);
	}
	smi_cards_close(cards, n);
	return ret;
}
