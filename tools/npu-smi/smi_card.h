/* SPDX-License-Identifier: GPL-2.0 */
/* npu-smi: finding vnpu cards and reading what they report. */
#ifndef SMI_CARD_H
#define SMI_CARD_H

#include <stdint.h>

#define SMI_MAX_CARDS 64
#define SMI_STR 64

struct smi_card {
	int index;		/* N of /dev/accel/accelN */
	int fd;
	char path[32];
	uint64_t abi_version, vendor_id, device_id, mem_size, mem_budget;
	uint64_t ai_cores, fp4, fp8, bf16, mem_bw, link_bw, tdp_uw;
	char bus_id[SMI_STR], profile[SMI_STR], name[SMI_STR];
	char serial[SMI_STR];	/* sysfs serial of the card, "" if none */
};

/*
 * Open every /dev/accel/accelN whose driver is "vnpu", in N order, and read
 * its parameters. Returns the count (1..max), -EACCES when nodes exist but
 * none could be opened, or -ENODEV when there is no vnpu card.
 */
int smi_cards_open(struct smi_card *cards, int max);
void smi_cards_close(struct smi_card *cards, int n);

#endif
