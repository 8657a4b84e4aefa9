/* SPDX-License-Identifier: GPL-2.0 */
/* npu-smi: the fields `npu-smi query` knows, nvidia-smi style names. */
#ifndef SMI_FIELDS_H
#define SMI_FIELDS_H

#include "smi_card.h"
#include "smi_fmt.h"
#include "smi_genl.h"

struct smi_field {
	const char *name;	/* e.g. "power.draw" */
	const char *unit;	/* e.g. "W", "" for none */
	const char *help;
};

extern const struct smi_field smi_fields[];
extern const int smi_nfields;

/* The field called NAME, or NULL. */
const struct smi_field *smi_field_find(const char *name);
/*
 * F's value for card C with telemetry T (NULL when the kernel has no
 * telemetry interface). TS is the sample's timestamp.
 */
void smi_field_get(const struct smi_field *f, const struct smi_card *c,
		   const struct smi_telem *t, const char *ts,
		   struct smi_val *v);

#endif
