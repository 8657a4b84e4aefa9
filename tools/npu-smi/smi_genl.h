/* SPDX-License-Identifier: GPL-2.0 */
/* npu-smi: the vnpu generic netlink family (telemetry, power cap, events). */
#ifndef SMI_GENL_H
#define SMI_GENL_H

#include <stdint.h>

#include <linux/vnpu_genl.h>

/*
 * One card's telemetry, or one event: every attribute the kernel sent,
 * indexed by its VNPU_ATTR_* number (signed ones sign-extended).
 */
struct smi_telem {
	uint64_t have;			/* bit (1 << VNPU_ATTR_x) per attribute */
	int64_t v[VNPU_ATTR_MAX + 1];
	char name[64], profile[64], bus_id[64];
};

static inline int smi_has(const struct smi_telem *t, int attr)
{
	return t && (t->have >> attr) & 1;
}

struct smi_genl;

/*
 * Connect and resolve the family: 0, -ENOENT when the loaded module has no
 * "vnpu" family (older than this npu-smi), or another -errno.
 */
int smi_genl_open(struct smi_genl **nl);
void smi_genl_close(struct smi_genl *nl);

/* GET_DEVICE of one card (doit): 0 or -errno (-ENODEV: no such card). */
int smi_genl_get(struct smi_genl *nl, uint32_t npu, struct smi_telem *t);
/* GET_DEVICE of every card (dumpit) into T[MAX]: count or -errno. */
int smi_genl_dump(struct smi_genl *nl, struct smi_telem *t, int max);
/*
 * SET_POWER_CAP: 0 or -errno (-EPERM without CAP_NET_ADMIN); the kernel's
 * extack message, if any, lands in MSG.
 */
int smi_genl_set_power_cap(struct smi_genl *nl, uint32_t npu, uint64_t uw,
			   char *msg, int len);

/* Join the "events" multicast group: 0 or -errno. */
int smi_genl_subscribe(struct smi_genl *nl);
/*
 * Wait up to TIMEOUT_MS (-1: forever) for events; FN is called for each.
 * Returns 0 on timeout or after events, -EINTR on a signal, or -errno.
 */
int smi_genl_wait_events(struct smi_genl *nl, int timeout_ms,
			 void (*fn)(const struct smi_telem *ev, void *arg),
			 void *arg);

#endif
