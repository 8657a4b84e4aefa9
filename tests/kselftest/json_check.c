// SPDX-License-Identifier: GPL-2.0
/*
 * json_check [-k KEY]...: every non-empty line of stdin must be one JSON
 * document (RFC 8259; JSON Lines), and each must have every KEY as an
 * object key somewhere in it. Prints the number of documents; exit 0 when
 * all pass, 1 (with the line and column of the first problem) otherwise.
 * For tests in the VM, where there is no jq.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_KEYS 32

struct parser {
	const char *s, *p;
	const char *err;
	const char *keys[MAX_KEYS];
	int nkeys, found[MAX_KEYS];
	int depth;
};

static void ws(struct parser *ps)
{
	while (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r')
		ps->p++;
}

static int fail(struct parser *ps, const char *why)
{
	if (!ps->err)
		ps->err = why;
	return -1;
}

static int hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	       (c >= 'A' && c <= 'F');
}

/* A string; its raw text (escapes kept) is copied to OUT when given. */
static int string(struct parser *ps, char *out, size_t len)
{
	size_t n = 0;

	if (*ps->p != '"')
		return fail(ps, "expected a string");
	ps->p++;
	while (*ps->p != '"') {
		unsigned char c = *ps->p;

		if (!c || c < 0x20)
			return fail(ps, "unterminated string or control character");
		if (c == '\\') {
			ps->p++;
			if (*ps->p == 'u') {
				if (!hex(ps->p[1]) || !hex(ps->p[2]) ||
				    !hex(ps->p[3]) || !hex(ps->p[4]))
					return fail(ps, "bad \\u escape");
				ps->p += 4;
			} else if (!strchr("\"\\/bfnrt", *ps->p) || !*ps->p) {
				return fail(ps, "bad escape");
			}
		}
		if (out && n + 1 < len)
			out[n++] = *ps->p;
		ps->p++;
	}
	if (out)
		out[n] = '\0';
	ps->p++;
	return 0;
}

static int number(struct parser *ps)
{
	const char *p = ps->p;

	if (*p == '-')
		p++;
	if (*p == '0')
		p++;
	else if (*p >= '1' && *p <= '9')
		while (*p >= '0' && *p <= '9')
			p++;
	else
		return fail(ps, "bad number");
	if (*p == '.') {
		p++;
		if (!(*p >= '0' && *p <= '9'))
			return fail(ps, "bad fraction");
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!(*p >= '0' && *p <= '9'))
			return fail(ps, "bad exponent");
		while (*p >= '0' && *p <= '9')
			p++;
	}
	ps->p = p;
	return 0;
}

static int value(struct parser *ps);

static int object(struct parser *ps)
{
	char key[128];
	int i;

	ps->p++;
	ws(ps);
	if (*ps->p == '}') {
		ps->p++;
		return 0;
	}
	for (;;) {
		ws(ps);
		if (string(ps, key, sizeof(key)))
			return -1;
		for (i = 0; i < ps->nkeys; i++)
			if (!strcmp(key, ps->keys[i]))
				ps->found[i] = 1;
		ws(ps);
		if (*ps->p != ':')
			return fail(ps, "expected ':'");
		ps->p++;
		if (value(ps))
			return -1;
		ws(ps);
		if (*ps->p == '}') {
			ps->p++;
			return 0;
		}
		if (*ps->p != ',')
			return fail(ps, "expected ',' or '}'");
		ps->p++;
	}
}

static int array(struct parser *ps)
{
	ps->p++;
	ws(ps);
	if (*ps->p == ']') {
		ps->p++;
		return 0;
	}
	for (;;) {
		if (value(ps))
			return -1;
		ws(ps);
		if (*ps->p == ']') {
			ps->p++;
			return 0;
		}
		if (*ps->p != ',')
			return fail(ps, "expected ',' or ']'");
		ps->p++;
	}
}

static int literal(struct parser *ps, const char *word)
{
	size_t n = strlen(word);

	if (strncmp(ps->p, word, n))
		return fail(ps, "unknown literal");
	ps->p += n;
	return 0;
}

static int value(struct parser *ps)
{
	int ret;

	if (++ps->depth > 64)
		return fail(ps, "nested too deep");
	ws(ps);
	switch (*ps->p) {
	case '{': ret = object(ps); break;
	case '[': ret = array(ps); break;
	case '"': ret = string(ps, NULL, 0); break;
	case 't': ret = literal(ps, "true"); break;
	case 'f': ret = literal(ps, "false"); break;
	case 'n': ret = literal(ps, "null"); break;
	default: ret = number(ps); break;
	}
	ps->depth--;
	return ret;
}

int main(int argc, char **argv)
{
	struct parser ps = { 0 };
	static char line[1 << 16];
	int lineno = 0, docs = 0, i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-k") && i + 1 < argc && ps.nkeys < MAX_KEYS) {
			ps.keys[ps.nkeys++] = argv[++i];
		} else {
			fprintf(stderr, "usage: json_check [-k KEY]... < input\n");
			return 2;
		}
	}
	while (fgets(line, sizeof(line), stdin)) {
		lineno++;
		ps.s = ps.p = line;
		ps.err = NULL;
		ps.depth = 0;
		ws(&ps);
		if (!*ps.p)
			continue;
		memset(ps.found, 0, sizeof(ps.found));
		if (!value(&ps)) {
			ws(&ps);
			if (*ps.p)
				fail(&ps, "trailing text after the document");
		}
		if (ps.err) {
			printf("json_check: line %d column %d: %s\n", lineno,
			       (int)(ps.p - ps.s) + 1, ps.err);
			return 1;
		}
		for (i = 0; i < ps.nkeys; i++) {
			if (!ps.found[i]) {
				printf("json_check: line %d: no key \"%s\"\n",
				       lineno, ps.keys[i]);
				return 1;
			}
		}
		docs++;
	}
	printf("json_check: %d documents\n", docs);
	return docs ? 0 : 1;
}
