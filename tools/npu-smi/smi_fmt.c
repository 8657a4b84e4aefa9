// SPDX-License-Identifier: GPL-2.0
/* npu-smi: output forms shared by the commands. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <linux/vnpu_genl.h>

#include "smi_fmt.h"

void smi_kv(const char *key, const char *fmt, ...)
{
	va_list ap;

	printf("\t%-31s: ", key);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static void val_text(FILE *f, const struct smi_val *v)
{
	switch (v->kind) {
	case SMI_V_INT:
		fprintf(f, "%lld", (long long)v->i);
		break;
	case SMI_V_NUM:
		fprintf(f, "%.*f", v->prec, v->d);
		break;
	case SMI_V_STR:
		fputs(v->s, f);
		break;
	default:
		break;
	}
}

void smi_val_csv(FILE *f, const struct smi_val *v, const char *unit)
{
	if (v->kind == SMI_V_NULL) {
		fputs("[N/A]", f);
		return;
	}
	if (v->kind == SMI_V_STR && strpbrk(v->s, ",\"\n")) {
		const char *p;

		/* RFC 4180 quoting; the values npu-smi prints rarely need it. */
		fputc('"', f);
		for (p = v->s; *p; p++) {
			if (*p == '"')
				fputc('"', f);
			fputc(*p, f);
		}
		fputc('"', f);
	} else {
		val_text(f, v);
	}
	if (unit && *unit)
		fprintf(f, " %s", unit);
}

void smi_json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

void smi_val_json(FILE *f, const struct smi_val *v)
{
	if (v->kind == SMI_V_NULL)
		fputs("null", f);
	else if (v->kind == SMI_V_STR)
		smi_json_str(f, v->s);
	else
		val_text(f, v);
}

const char *smi_health_name(int64_t health)
{
	switch (health) {
	case VNPU_HEALTH_OK:
		return "OK";
	case VNPU_HEALTH_WARNING:
		return "Warning";
	case VNPU_HEALTH_CRITICAL:
		return "Critical";
	default:
		return "Unknown";
	}
}

const char *smi_throttle_str(int64_t bits, char *buf, int len)
{
	snprintf(buf, len, "%s%s%s",
		 bits & VNPU_THROTTLE_REASON_THERMAL ? "thermal" : "",
		 (bits & VNPU_THROTTLE_REASON_THERMAL) &&
		 (bits & VNPU_THROTTLE_REASON_POWER_CAP) ? "," : "",
		 bits & VNPU_THROTTLE_REASON_POWER_CAP ? "power_cap" : "");
	if (!buf[0])
		snprintf(buf, len, "none");
	return buf;
}

const char *smi_event_name(int64_t ev)
{
	switch (ev) {
	case VNPU_EVENT_THROTTLE_START:
		return "throttle_start";
	case VNPU_EVENT_THROTTLE_STOP:
		return "throttle_stop";
	case VNPU_EVENT_CRITICAL_TEMP:
		return "critical_temp";
	case VNPU_EVENT_JOB_FAULT:
		return "job_fault";
	case VNPU_EVENT_JOB_TIMEOUT:
		return "job_timeout";
	case VNPU_EVENT_RESET:
		return "reset";
	default:
		return "unknown";
	}
}
