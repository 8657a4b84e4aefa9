// SPDX-License-Identifier: GPL-2.0
/*
 * Processes using the cards: every fd of every process that points at
 * /dev/accel/accelN, and its DRM fdinfo (Documentation/gpu/drm-usage-stats
 * .rst): drm-driver, drm-client-id, drm-total-memory, drm-engine-aicore.
 * Reading other users' fds needs root, like Huawei's tool.
 */
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "smi_proc.h"

struct client {
	int npu;
	unsigned long long id;
};

struct scan {
	struct smi_proc *out;
	int n, max;
	struct client *seen;
	int nseen, maxseen;
};

/* "123 KiB" -> bytes (units from the kernel's drm_print_memory_stats). */
static uint64_t parse_size(const char *s)
{
	char *end;
	uint64_t v = strtoull(s, &end, 10);

	while (*end == ' ' || *end == '\t')
		end++;
	if (!strncmp(end, "KiB", 3))
		v <<= 10;
	else if (!strncmp(end, "MiB", 3))
		v <<= 20;
	else if (!strncmp(end, "GiB", 3))
		v <<= 30;
	return v;
}

struct fdinfo {
	int vnpu;
	int has_id;
	unsigned long long id;
	uint64_t mem, resident, aicore_ns;
	int has_total;
};

static void read_fdinfo(const char *path, struct fdinfo *fi)
{
	char line[256];
	FILE *f = fopen(path, "re");

	memset(fi, 0, sizeof(*fi));
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *v = strchr(line, ':');

		if (!v)
			continue;
		*v++ = '\0';
		while (*v == ' ' || *v == '\t')
			v++;
		v[strcspn(v, "\n")] = '\0';
		if (!strcmp(line, "drm-driver")) {
			fi->vnpu = !strcmp(v, "vnpu");
		} else if (!strcmp(line, "drm-client-id")) {
			fi->id = strtoull(v, NULL, 10);
			fi->has_id = 1;
		} else if (!strcmp(line, "drm-total-memory")) {
			fi->mem = parse_size(v);
			fi->has_total = 1;
		} else if (!strcmp(line, "drm-resident-memory")) {
			fi->resident = parse_size(v);
		} else if (!strcmp(line, "drm-engine-aicore")) {
			fi->aicore_ns = strtoull(v, NULL, 10);
		}
	}
	fclose(f);
	if (!fi->has_total)
		fi->mem = fi->resident;
}

/* First time this client is seen? Remember it. */
static int new_client(struct scan *sc, int npu, unsigned long long id)
{
	struct client *c;
	int i;

	for (i = 0; i < sc->nseen; i++)
		if (sc->seen[i].npu == npu && sc->seen[i].id == id)
			return 0;
	if (sc->nseen == sc->maxseen) {
		int m = sc->maxseen ? 2 * sc->maxseen : 64;

		c = realloc(sc->seen, m * sizeof(*c));
		if (!c)
			return 1;	/* count it twice rather than fail */
		sc->seen = c;
		sc->maxseen = m;
	}
	sc->seen[sc->nseen++] = (struct client){ .npu = npu, .id = id };
	return 1;
}

static struct smi_proc *entry(struct scan *sc, int npu, pid_t pid)
{
	struct smi_proc *p;
	char path[64];
	FILE *f;
	int i;

	for (i = 0; i < sc->n; i++)
		if (sc->out[i].npu == npu && sc->out[i].pid == pid)
			return &sc->out[i];
	if (sc->n == sc->max)
		return NULL;
	p = &sc->out[sc->n++];
	memset(p, 0, sizeof(*p));
	p->npu = npu;
	p->pid = pid;
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	f = fopen(path, "re");
	if (f) {
		if (fgets(p->name, sizeof(p->name), f))
			p->name[strcspn(p->name, "\n")] = '\0';
		fclose(f);
	}
	return p;
}

static void scan_pid(struct scan *sc, pid_t pid)
{
	char dir[64], path[320], target[64];
	struct dirent *de;
	DIR *d;

	snprintf(dir, sizeof(dir), "/proc/%d/fd", (int)pid);
	d = opendir(dir);
	if (!d)
		return;
	while ((de = readdir(d))) {
		struct fdinfo fi;
		struct smi_proc *p;
		ssize_t len;
		int npu;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		len = readlink(path, target, sizeof(target) - 1);
		if (len <= 0)
			continue;
		target[len] = '\0';
		if (sscanf(target, "/dev/accel/accel%d", &npu) != 1)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/fdinfo/%s", (int)pid,
			 de->d_name);
		read_fdinfo(path, &fi);
		if (!fi.vnpu || (fi.has_id && !new_client(sc, npu, fi.id)))
			continue;
		p = entry(sc, npu, pid);
		if (!p)
			continue;
		p->mem_bytes += fi.mem;
		p->aicore_ns += fi.aicore_ns;
		p->clients++;
	}
	closedir(d);
}

static int by_npu_pid(const void *a, const void *b)
{
	const struct smi_proc *x = a, *y = b;

	if (x->npu != y->npu)
		return x->npu - y->npu;
	return (x->pid > y->pid) - (x->pid < y->pid);
}

static int by_number(const struct dirent **a, const struct dirent **b)
{
	return atoi((*a)->d_name) - atoi((*b)->d_name);
}

static int is_pid_dir(const struct dirent *de)
{
	return isdigit((unsigned char)de->d_name[0]);
}

int smi_procs_scan(struct smi_proc *out, int max)
{
	struct scan sc = { .out = out, .max = max };
	struct dirent **pids;
	pid_t self = getpid();
	int i, n;

	/* In pid order, so a shared client goes to its lowest pid. */
	n = scandir("/proc", &pids, is_pid_dir, by_number);
	if (n < 0)
		return 0;
	for (i = 0; i < n; i++) {
		pid_t pid = atoi(pids[i]->d_name);

		if (pid != self)
			scan_pid(&sc, pid);
		free(pids[i]);
	}
	free(pids);
	free(sc.seen);
	qsort(out, sc.n, sizeof(*out), by_npu_pid);
	return sc.n;
}
