/* SPDX-License-Identifier: GPL-2.0 */
/* npu-smi: telemetry of the opened cards. */
#ifndef SMI_TELEM_H
#define SMI_TELEM_H

#include <stdio.h>

#include "smi.h"
#include "smi_genl.h"

/*
 * Connect to the netlink family. REQUIRED: a module without it is an error
 * (exit code returned after a message); otherwise *NL is NULL, a warning
 * is printed, and telemetry reads come back empty (NA / null).
 */
int smi_telem_open(struct smi_genl **nl, int required);
/* T[i] is the telemetry of s->cards[i] (empty when missing): exit code. */
int smi_telem_read(struct smi_genl *nl, struct smi *s, struct smi_telem *t);

#endif
