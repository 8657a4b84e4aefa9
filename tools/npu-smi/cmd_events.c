// SPDX-License-Identifier: GPL-2.0
/*
 * npu-smi events: follow the vnpu family's "events" multicast group and
 * print one line per event, as text or JSON.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "smi.h"
#include "smi_fmt.h"
#include "smi_telem.h"

struct events {
	long id;		/* only this NPU, or -1 */
	int json;
	long count;		/* stop after this many, 0: never */
	long seen;
};

/* Attribute A as a JSON number scaled by 1/DIV, or null. */
static void json_num(const char *key, const struct smi_telem *ev, int a,
		     double div, int prec)
{
	printf(", \"%s\": ", key);
	if (!smi_has(ev, a))
		fputs("null", stdout);
	else if (div == 1)
		printf("%lld", (long long)ev->v[a]);
	else
		printf("%.*f", prec, (double)ev->v[a] / div);
}

static void print_json(const struct smi_telem *ev, const char *ts)
{
	char buf[32];

	printf("{\"schema_version\": %d, \"timestamp\": ", SMI_JSON_SCHEMA);
	smi_json_str(stdout, ts);
	printf(", \"npu\": %lld, \"event\": ", (long long)ev->v[VNPU_ATTR_NPU_ID]);
	smi_json_str(stdout, smi_event_name(ev->v[VNPU_ATTR_EVENT]));
	fputs(", \"throttle_reasons\": ", stdout);
	if (smi_has(ev, VNPU_ATTR_THROTTLE))
		smi_json_str(stdout, smi_throttle_str(ev->v[VNPU_ATTR_THROTTLE],
						      buf, sizeof(buf)));
	else
		fputs("null", stdout);
	json_num("temperature", ev, VNPU_ATTR_TEMP_MC, 1e3, 1);
	json_num("ctx_id", ev, VNPU_ATTR_CTX_ID, 1, 0);
	json_num("seqno", ev, VNPU_ATTR_SEQNO, 1, 0);
	json_num("offset", ev, VNPU_ATTR_OFFSET, 1, 0);
	json_num("error", ev, VNPU_ATTR_ERROR, 1, 0);
	fputs("}\n", stdout);
}

/* "TIMESTAMP NPU 0 throttle_start reasons=thermal temp=86.0C" */
static void print_text(const struct smi_telem *ev, const char *ts)
{
	char buf[32];

	printf("%s NPU %lld %s", ts, (long long)ev->v[VNPU_ATTR_NPU_ID],
	       smi_event_name(ev->v[VNPU_ATTR_EVENT]));
	if (smi_has(ev, VNPU_ATTR_THROTTLE))
		printf(" reasons=%s", smi_throttle_str(ev->v[VNPU_ATTR_THROTTLE],
							buf, sizeof(buf)));
	if (smi_has(ev, VNPU_ATTR_TEMP_MC))
		printf(" temp=%.1fC", (double)ev->v[VNPU_ATTR_TEMP_MC] / 1e3);
	if (smi_has(ev, VNPU_ATTR_CTX_ID))
		printf(" ctx=%lld", (long long)ev->v[VNPU_ATTR_CTX_ID]);
	if (smi_has(ev, VNPU_ATTR_SEQNO))
		printf(" seqno=%lld", (long long)ev->v[VNPU_ATTR_SEQNO]);
	if (smi_has(ev, VNPU_ATTR_OFFSET))
		printf(" offset=%lld", (long long)ev->v[VNPU_ATTR_OFFSET]);
	if (smi_has(ev, VNPU_ATTR_ERROR))
		printf(" error=%lld", (long long)ev->v[VNPU_ATTR_ERROR]);
	putchar('\n');
}

static void on_event(const struct smi_telem *ev, void *arg)
{
	struct events *e = arg;
	char ts[64];

	if (!smi_has(ev, VNPU_ATTR_NPU_ID) || !smi_has(ev, VNPU_ATTR_EVENT))
		return;
	if (e->id >= 0 && ev->v[VNPU_ATTR_NPU_ID] != e->id)
		return;
	if (e->count && e->seen >= e->count)
		return;
	smi_timestamp(ts, sizeof(ts));
	if (e->json)
		print_json(ev, ts);
	else
		print_text(ev, ts);
	fflush(stdout);
	e->seen++;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int cmd_events(int argc, char **argv)
{
	struct events e = { .id = -1 };
	struct smi_genl *nl = NULL;
	double timeout = 0, end = 0;
	struct smi s;
	int i, ret, wait_ms;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-i") && i + 1 < argc) {
			if (smi_parse_int(argv[++i], 0, 1000000, &e.id))
				return smi_usage("events", "events -i: '%s' is not a card id",
						 argv[i]);
		} else if (!strcmp(argv[i], "--format=json") ||
			   (!strcmp(argv[i], "--format") && i + 1 < argc &&
			    !strcmp(argv[i + 1], "json"))) {
			i += argv[i][8] != '=';
			e.json = 1;
		} else if (!strcmp(argv[i], "--format=text") ||
			   (!strcmp(argv[i], "--format") && i + 1 < argc &&
			    !strcmp(argv[i + 1], "text"))) {
			i += argv[i][8] != '=';
			e.json = 0;
		} else if (!strcmp(argv[i], "--count") && i + 1 < argc) {
			if (smi_parse_int(argv[++i], 1, 1000000000, &e.count))
				return smi_usage("events", "events --count: '%s' is not a positive count",
						 argv[i]);
		} else if (!strcmp(argv[i], "--timeout") && i + 1 < argc) {
			if (smi_parse_double(argv[++i], 0.001, 1e7, &timeout))
				return smi_usage("events", "events --timeout: '%s' is not a time in seconds",
						 argv[i]);
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			smi_help("events");
			return SMI_EXIT_OK;
		} else {
			return smi_usage("events", "events: unexpected argument '%s'",
					 argv[i]);
		}
	}

	ret = smi_open(&s);
	if (ret)
		return ret;
	if (e.id >= 0 && !smi_card_by_id(&s, e.id)) {
		smi_close(&s);
		return SMI_EXIT_NO_CARD;
	}
	smi_close(&s);
	ret = smi_telem_open(&nl, 1);
	if (ret)
		return ret;
	ret = smi_genl_subscribe(nl);
	if (ret) {
		smi_genl_close(nl);
		return smi_fail(SMI_EXIT_FAIL, "cannot join the vnpu events multicast group: %s",
				strerror(-ret));
	}
	smi_catch_signals();
	if (timeout)
		end = now() + timeout;
	while (!smi_stop && (!e.count || e.seen < e.count)) {
		wait_ms = -1;
		if (timeout) {
			double left = end - now();

			if (left <= 0)
				break;
			wait_ms = (int)(left * 1000) + 1;
		}
		ret = smi_genl_wait_events(nl, wait_ms, on_event, &e);
		if (ret == -EINTR) {
			ret = 0;
			continue;
		}
		if (ret) {
			smi_genl_close(nl);
			return smi_fail(SMI_EXIT_FAIL, "reading vnpu events: %s",
					strerror(-ret));
		}
	}
	smi_genl_close(nl);
	if (e.count && e.seen < e.count && !smi_stop)
		return smi_fail(SMI_EXIT_TIMEOUT,
				"timed out after %g s with %ld of %ld events",
				timeout, e.seen, e.count);
	return SMI_EXIT_OK;
}
