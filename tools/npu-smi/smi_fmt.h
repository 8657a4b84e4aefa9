/* SPDX-License-Identifier: GPL-2.0 */
/* npu-smi: output forms - "Key : value" lines, CSV and JSON values. */
#ifndef SMI_FMT_H
#define SMI_FMT_H

#include <stdint.h>
#include <stdio.h>

/* JSON documents carry this; bump it when a key changes meaning or goes. */
#define SMI_JSON_SCHEMA 1

/* "\t<key padded to 31>: <value>", Huawei's npu-smi info -t layout. */
void smi_kv(const char *key, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

enum smi_val_kind { SMI_V_NULL, SMI_V_INT, SMI_V_NUM, SMI_V_STR };

/* One value of a field: missing values are SMI_V_NULL. */
struct smi_val {
	enum smi_val_kind kind;
	int64_t i;
	double d;
	int prec;		/* decimals for SMI_V_NUM */
	char s[64];
};

/* V as CSV text ("[N/A]" when missing, UNIT appended unless NULL/""). */
void smi_val_csv(FILE *f, const struct smi_val *v, const char *unit);
/* V as a JSON value (null when missing). */
void smi_val_json(FILE *f, const struct smi_val *v);
/* S as a JSON string literal. */
void smi_json_str(FILE *f, const char *s);

/* Names of the uapi's enums, as npu-smi prints them. */
const char *smi_health_name(int64_t health);
/* "none", "thermal", "power_cap", "thermal,power_cap" into BUF. */
const char *smi_throttle_str(int64_t bits, char *buf, int len);
const char *smi_event_name(int64_t ev);

#endif
