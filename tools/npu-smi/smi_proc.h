/* SPDX-License-Identifier: GPL-2.0 */
/* npu-smi: which processes use which card, from /proc/PID/fdinfo. */
#ifndef SMI_PROC_H
#define SMI_PROC_H

#include <stdint.h>
#include <sys/types.h>

struct smi_proc {
	int npu;		/* N of /dev/accel/accelN */
	pid_t pid;
	char name[32];		/* /proc/PID/comm */
	uint64_t mem_bytes;	/* drm-total-memory of its DRM clients */
	uint64_t aicore_ns;	/* drm-engine-aicore of its DRM clients */
	int clients;		/* distinct drm-client-ids */
};

/*
 * Every process with a vnpu card open (this one excluded), one entry per
 * (card, process), sorted by card then pid. A DRM client shared by several
 * fds or processes (dup, fork) counts once, for the lowest pid. Returns
 * the count (at most MAX).
 */
int smi_procs_scan(struct smi_proc *out, int max);

#endif
