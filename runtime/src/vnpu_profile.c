// SPDX-License-Identifier: MIT
/* VNPU_DEBUG=profile: the report (vnpu_profile.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>

#include <drm/vnpu_cmd.h>
#include <vnpu_engine/isa.h>

#include "vnpu_internal.h"
#include "vnpu_profile.h"

_Static_assert(VNPU_OP_SELECT < VNPU_RT_PROF_OPS, "a slot per opcode");

vnpu_status vnpu_rt_prof_init(struct vnpu_rt_profile *p)
{
	const char *v = getenv("VNPU_PROFILE_SKIP");
	char *end;

	if (!v || !*v)
		return VNPU_STATUS_OK;
	errno = 0;
	p->skip = strtoull(v, &end, 10);
	if (*end || errno || *v < '0' || *v > '9')
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "VNPU_PROFILE_SKIP='%s': not a number of jobs", v);
	return VNPU_STATUS_OK;
}

bool vnpu_rt_prof_counts(struct vnpu_rt_profile *p)
{
	if (!p->skip)
		return true;
	p->skip--;
	p->skipped++;
	return false;
}

void vnpu_rt_prof_job(struct vnpu_rt_profile *p, uint64_t start, uint64_t end)
{
	if (p->last_end && start > p->last_end)
		p->gap_ns += start - p->last_end;
	p->jobs++;
	p->job_ns += end - start;
	p->last_end = end;
}

static const char *vnpu_rt_prof_name(uint32_t slot)
{
	return slot == VNPU_RT_PROF_PREP ? "MATMUL.prep" : vnpu_isa_op_name(slot);
}

void vnpu_rt_prof_print(const struct vnpu_rt_profile *p, FILE *f)
{
	uint32_t order[VNPU_RT_PROF_SLOTS], n = 0, i, j;
	uint64_t packets = 0;

	for (i = 0; i < VNPU_RT_PROF_SLOTS; i++) {
		if (!p->slot[i].count)
			continue;
		if (i != VNPU_RT_PROF_PREP)
			packets += p->slot[i].ns;
		/* insertion sort, longest total first */
		for (j = n++; j && p->slot[order[j - 1]].ns < p->slot[i].ns; j--)
			order[j] = order[j - 1];
		order[j] = i;
	}
	fprintf(f, "vnpu profile: %" PRIu64 " jobs (%" PRIu64 " run by the caller), %.3f ms in jobs, %.3f ms in packets, %.3f ms between jobs",
		p->jobs, p->caller_jobs, p->job_ns / 1e6, packets / 1e6,
		p->gap_ns / 1e6);
	if (p->skipped)
		fprintf(f, " (the first %" PRIu64 " jobs not counted)", p->skipped);
	fputc('\n', f);
	fprintf(f, "vnpu profile: %-12s %10s %12s %10s %7s\n", "packet", "count",
		"total ms", "mean us", "% jobs");
	for (i = 0; i < n; i++) {
		const struct vnpu_rt_prof_slot *s = &p->slot[order[i]];

		fprintf(f, "vnpu profile: %-12s %10" PRIu64 " %12.3f %10.3f %7.1f\n",
			vnpu_rt_prof_name(order[i]), s->count, s->ns / 1e6,
			s->ns / 1e3 / s->count,
			p->job_ns ? 100.0 * s->ns / p->job_ns : 0.0);
	}
}
