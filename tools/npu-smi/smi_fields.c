// SPDX-License-Identifier: GPL-2.0
/*
 * Query fields. Names follow nvidia-smi's --query-gpu where one exists
 * (power.draw, temperature.*, utilization.*, memory.*, clocks.*), so
 * dashboards need only a new device word. Card facts come from DRM
 * GET_PARAM, telemetry from the netlink family.
 */
#include <stdio.h>
#include <string.h>

#include "smi_fields.h"

const struct smi_field smi_fields[] = {
	{ "timestamp", "", "time of the sample, YYYY/MM/DD HH:MM:SS.mmm" },
	{ "index", "", "NPU ID: the N of /dev/accel/accelN" },
	{ "name", "", "product name, e.g. Atlas 350" },
	{ "profile", "", "the card's profile (module parameter profile=)" },
	{ "bus_id", "", "PCI-style bus id, e.g. 0000:c1:00.0" },
	{ "serial", "", "board serial number" },
	{ "health", "", "OK, Warning (throttling) or Critical (too hot to run jobs)" },
	{ "power.draw", "W", "power drawn now" },
	{ "power.average", "W", "power averaged over about a second" },
	{ "power.limit", "W", "power cap the clock holds the card under" },
	{ "power.tdp", "W", "thermal design power" },
	{ "energy.total", "J", "energy used since the card appeared; only grows" },
	{ "temperature.npu", "C", "die temperature" },
	{ "temperature.max", "C", "throttle temperature" },
	{ "temperature.crit", "C", "critical temperature: jobs fail above it" },
	{ "utilization.aicore", "%", "AI core busy time, last sampling period" },
	{ "utilization.dma", "%", "DMA engine busy time, last sampling period" },
	{ "clocks.aicore", "MHz", "AI core clock now" },
	{ "clocks.max.aicore", "MHz", "full AI core clock" },
	{ "throttle_reasons", "", "none, thermal, power_cap or thermal,power_cap" },
	{ "memory.used", "MiB", "device memory held by buffer objects" },
	{ "memory.total", "MiB", "device memory available to buffer objects (host-backed budget)" },
	{ "memory.hbm", "MiB", "HBM size the card reports" },
	{ "ai_cores", "", "number of AI cores" },
	{ "abi_version", "", "the driver's uAPI version (DRM_VNPU_ABI_VERSION)" },
};

const int smi_nfields = sizeof(smi_fields) / sizeof(smi_fields[0]);

const struct smi_field *smi_field_find(const char *name)
{
	int i;

	for (i = 0; i < smi_nfields; i++)
		if (!strcmp(smi_fields[i].name, name))
			return &smi_fields[i];
	return NULL;
}

static void v_int(struct smi_val *v, int64_t i)
{
	v->kind = SMI_V_INT;
	v->i = i;
}

static void v_num(struct smi_val *v, double d, int prec)
{
	v->kind = SMI_V_NUM;
	v->d = d;
	v->prec = prec;
}

static void v_str(struct smi_val *v, const char *s)
{
	v->kind = SMI_V_STR;
	snprintf(v->s, sizeof(v->s), "%s", s);
}

/* Telemetry attribute A scaled by 1/DIV, or null when the kernel sent none. */
static void telem_num(struct smi_val *v, const struct smi_telem *t, int a,
		      double div, int prec)
{
	if (smi_has(t, a))
		v_num(v, (double)t->v[a] / div, prec);
}

static void telem_int(struct smi_val *v, const struct smi_telem *t, int a,
		      int shift)
{
	if (smi_has(t, a))
		v_int(v, (int64_t)((uint64_t)t->v[a] >> shift));
}

void smi_field_get(const struct smi_field *f, const struct smi_card *c,
		   const struct smi_telem *t, const char *ts, struct smi_val *v)
{
	const char *n = f->name;
	char buf[64];

	memset(v, 0, sizeof(*v));
	if (!strcmp(n, "timestamp"))
		v_str(v, ts);
	else if (!strcmp(n, "index"))
		v_int(v, c->index);
	else if (!strcmp(n, "name"))
		v_str(v, c->name);
	else if (!strcmp(n, "profile"))
		v_str(v, c->profile);
	else if (!strcmp(n, "bus_id"))
		v_str(v, c->bus_id);
	else if (!strcmp(n, "serial")) {
		if (c->serial[0])
			v_str(v, c->serial);
	} else if (!strcmp(n, "health")) {
		if (smi_has(t, VNPU_ATTR_HEALTH))
			v_str(v, smi_health_name(t->v[VNPU_ATTR_HEALTH]));
	} else if (!strcmp(n, "power.draw"))
		telem_num(v, t, VNPU_ATTR_POWER_UW, 1e6, 2);
	else if (!strcmp(n, "power.average"))
		telem_num(v, t, VNPU_ATTR_POWER_AVG_UW, 1e6, 2);
	else if (!strcmp(n, "power.limit"))
		telem_num(v, t, VNPU_ATTR_POWER_CAP_UW, 1e6, 2);
	else if (!strcmp(n, "power.tdp"))
		v_num(v, (double)c->tdp_uw / 1e6, 2);
	else if (!strcmp(n, "energy.total"))
		telem_num(v, t, VNPU_ATTR_ENERGY_UJ, 1e6, 3);
	else if (!strcmp(n, "temperature.npu"))
		telem_num(v, t, VNPU_ATTR_TEMP_MC, 1e3, 1);
	else if (!strcmp(n, "temperature.max"))
		telem_num(v, t, VNPU_ATTR_TEMP_MAX_MC, 1e3, 1);
	else if (!strcmp(n, "temperature.crit"))
		telem_num(v, t, VNPU_ATTR_TEMP_CRIT_MC, 1e3, 1);
	else if (!strcmp(n, "utilization.aicore"))
		telem_int(v, t, VNPU_ATTR_AICORE_PCT, 0);
	else if (!strcmp(n, "utilization.dma"))
		telem_int(v, t, VNPU_ATTR_DMA_PCT, 0);
	else if (!strcmp(n, "clocks.aicore"))
		telem_int(v, t, VNPU_ATTR_CLOCK_MHZ, 0);
	else if (!strcmp(n, "clocks.max.aicore"))
		telem_int(v, t, VNPU_ATTR_CLOCK_MAX_MHZ, 0);
	else if (!strcmp(n, "throttle_reasons")) {
		if (smi_has(t, VNPU_ATTR_THROTTLE))
			v_str(v, smi_throttle_str(t->v[VNPU_ATTR_THROTTLE], buf,
						  sizeof(buf)));
	} else if (!strcmp(n, "memory.used"))
		telem_int(v, t, VNPU_ATTR_MEM_USED, 20);
	else if (!strcmp(n, "memory.total"))
		v_int(v, (int64_t)(c->mem_budget >> 20));
	else if (!strcmp(n, "memory.hbm"))
		v_int(v, (int64_t)(c->mem_size >> 20));
	else if (!strcmp(n, "ai_cores"))
		v_int(v, (int64_t)c->ai_cores);
	else if (!strcmp(n, "abi_version"))
		v_int(v, (int64_t)c->abi_version);
}
