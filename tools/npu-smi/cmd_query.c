// SPDX-License-Identifier: GPL-2.0
/*
 * npu-smi query: chosen fields of every card as CSV or JSON, once or in a
 * loop, like nvidia-smi --query-gpu=... --format=csv.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smi.h"
#include "smi_fields.h"
#include "smi_telem.h"

#define MAX_FIELDS 64

static const char default_fields[] =
	"index,name,health,power.draw,temperature.npu,utilization.aicore,memory.used,memory.total";

struct query {
	const struct smi_field *f[MAX_FIELDS];
	int nf;
	int json, header, units;
	long id;
};

static void list_fields(void)
{
	int i;

	printf("%-20s %-5s %s\n", "FIELD", "UNIT", "MEANING");
	for (i = 0; i < smi_nfields; i++)
		printf("%-20s %-5s %s\n", smi_fields[i].name,
		       smi_fields[i].unit[0] ? smi_fields[i].unit : "-",
		       smi_fields[i].help);
}

/* "a,b,c" into Q's fields: 0, or an exit code after a message. */
static int parse_fields(struct query *q, const char *arg)
{
	char *copy = strdup(arg), *tok, *save = NULL;
	int ret = SMI_EXIT_OK;

	if (!copy)
		return smi_fail(SMI_EXIT_FAIL, "out of memory");
	q->nf = 0;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		const struct smi_field *f = smi_field_find(tok);

		if (!f) {
			ret = smi_usage("query", "query: unknown field '%s' (npu-smi query --list-fields lists them)",
					tok);
			break;
		}
		if (q->nf == MAX_FIELDS) {
			ret = smi_usage("query", "query: more than %d fields", MAX_FIELDS);
			break;
		}
		q->f[q->nf++] = f;
	}
	if (!ret && !q->nf)
		ret = smi_usage("query", "query: --fields names no field");
	free(copy);
	return ret;
}

static int parse_format(struct query *q, const char *arg)
{
	char *copy = strdup(arg), *tok, *save = NULL;
	int ret = SMI_EXIT_OK, first = 1;

	if (!copy)
		return smi_fail(SMI_EXIT_FAIL, "out of memory");
	for (tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save), first = 0) {
		if (first && !strcmp(tok, "csv"))
			q->json = 0;
		else if (first && !strcmp(tok, "json"))
			q->json = 1;
		else if (!first && !q->json && !strcmp(tok, "noheader"))
			q->header = 0;
		else if (!first && !q->json && !strcmp(tok, "nounits"))
			q->units = 0;
		else {
			ret = smi_usage("query", "query: bad --format '%s' (csv[,noheader][,nounits] or json)",
					arg);
			break;
		}
	}
	free(copy);
	return ret;
}

static void csv_header(const struct query *q)
{
	int i;

	for (i = 0; i < q->nf; i++) {
		printf("%s%s", i ? ", " : "", q->f[i]->name);
		if (q->units && q->f[i]->unit[0])
			printf(" [%s]", q->f[i]->unit);
	}
	putchar('\n');
}

static void csv_rows(const struct query *q, const struct smi *s,
		     const struct smi_telem *t, const char *ts)
{
	struct smi_val v;
	int c, i;

	for (c = 0; c < s->ncards; c++) {
		if (q->id >= 0 && s->cards[c].index != q->id)
			continue;
		for (i = 0; i < q->nf; i++) {
			smi_field_get(q->f[i], &s->cards[c], &t[c], ts, &v);
			if (i)
				fputs(", ", stdout);
			smi_val_csv(stdout, &v, q->units ? q->f[i]->unit : NULL);
		}
		putchar('\n');
	}
}

/* One JSON document per sample, on one line (JSON Lines when looping). */
static void json_doc(const struct query *q, const struct smi *s,
		     const struct smi_telem *t, const char *ts)
{
	struct smi_val v;
	int c, i, first = 1;

	printf("{\"schema_version\": %d, \"npu_smi_version\": ", SMI_JSON_SCHEMA);
	smi_json_str(stdout, NPU_SMI_VERSION);
	fputs(", \"timestamp\": ", stdout);
	smi_json_str(stdout, ts);
	fputs(", \"npus\": [", stdout);
	for (c = 0; c < s->ncards; c++) {
		if (q->id >= 0 && s->cards[c].index != q->id)
			continue;
		fputs(first ? "{" : ", {", stdout);
		first = 0;
		for (i = 0; i < q->nf; i++) {
			smi_field_get(q->f[i], &s->cards[c], &t[c], ts, &v);
			if (i)
				fputs(", ", stdout);
			smi_json_str(stdout, q->f[i]->name);
			fputs(": ", stdout);
			smi_val_json(stdout, &v);
		}
		putchar('}');
	}
	fputs("]}\n", stdout);
}

/* "--opt=value" or "--opt value": the value, or NULL if ARG is not OPT. */
static const char *opt_value(const char *opt, int argc, char **argv, int *i)
{
	size_t len = strlen(opt);

	if (strncmp(argv[*i], opt, len))
		return NULL;
	if (argv[*i][len] == '=')
		return argv[*i] + len + 1;
	if (!argv[*i][len] && *i + 1 < argc)
		return argv[++*i];
	return NULL;
}

int cmd_query(int argc, char **argv)
{
	static struct smi_telem t[SMI_MAX_CARDS];
	struct query q = { .header = 1, .units = 1, .id = -1 };
	struct smi_genl *nl = NULL;
	const char *fields = default_fields, *val;
	double loop = 0;
	long count = 0, n;
	char ts[64];
	struct smi s;
	int i, ret;

	for (i = 1; i < argc; i++) {
		if ((val = opt_value("--fields", argc, argv, &i)) ||
		    (val = opt_value("--query", argc, argv, &i))) {
			fields = val;
		} else if ((val = opt_value("--format", argc, argv, &i))) {
			ret = parse_format(&q, val);
			if (ret)
				return ret;
		} else if ((val = opt_value("--loop", argc, argv, &i)) ||
			   (val = opt_value("-l", argc, argv, &i))) {
			if (smi_parse_double(val, 0.05, 86400, &loop))
				return smi_usage("query", "query --loop: '%s' is not an interval in seconds (0.05 to 86400)",
						 val);
		} else if ((val = opt_value("--count", argc, argv, &i))) {
			if (smi_parse_int(val, 1, 1000000000, &count))
				return smi_usage("query", "query --count: '%s' is not a positive count",
						 val);
		} else if ((val = opt_value("--id", argc, argv, &i)) ||
			   (val = opt_value("-i", argc, argv, &i))) {
			if (smi_parse_int(val, 0, 1000000, &q.id))
				return smi_usage("query", "query -i: '%s' is not a card id",
						 val);
		} else if (!strcmp(argv[i], "--list-fields")) {
			list_fields();
			return SMI_EXIT_OK;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			smi_help("query");
			return SMI_EXIT_OK;
		} else {
			return smi_usage("query", "query: unexpected argument '%s'",
					 argv[i]);
		}
	}
	ret = parse_fields(&q, fields);
	if (ret)
		return ret;
	if (!loop)
		count = 1;

	ret = smi_open(&s);
	if (ret)
		return ret;
	if (q.id >= 0 && !smi_card_by_id(&s, q.id)) {
		smi_close(&s);
		return SMI_EXIT_NO_CARD;
	}
	ret = smi_telem_open(&nl, 0);
	if (ret)
		goto out;
	smi_catch_signals();
	if (!q.json && q.header)
		csv_header(&q);
	for (n = 0; !count || n < count; n++) {
		if (n && !smi_sleep(loop))
			break;
		ret = smi_telem_read(nl, &s, t);
		if (ret)
			break;
		smi_timestamp(ts, sizeof(ts));
		if (q.json)
			json_doc(&q, &s, t, ts);
		else
			csv_rows(&q, &s, t, ts);
		fflush(stdout);
	}
out:
	smi_genl_close(nl);
	smi_close(&s);
	return ret;
}
