/* SPDX-License-Identifier: MIT */
/*
 * VNPU_DEBUG=profile on the CPU backend: per packet opcode, how many ran
 * and how long they took, per stream; printed to stderr when the stream
 * is destroyed. Off (a NULL pointer in struct vnpu_rt_local) costs one
 * branch per packet.
 */
#ifndef VNPU_PROFILE_H
#define VNPU_PROFILE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <vnpu/status.h>

/* Slots: one per opcode, then the matmul's preparation of A. */
#define VNPU_RT_PROF_OPS 24u
#define VNPU_RT_PROF_PREP VNPU_RT_PROF_OPS
#define VNPU_RT_PROF_SLOTS (VNPU_RT_PROF_OPS + 1)

struct vnpu_rt_prof_slot {
	uint64_t count;
	uint64_t ns;
};

/**
 * struct vnpu_rt_profile - one stream's figures
 * @slot: per opcode (VNPU_RT_PROF_PREP: the part of MATMUL preparing A)
 * @jobs: jobs run
 * @caller_jobs: of which the submitting thread ran itself
 * @job_ns: time inside jobs (packets, plus walking and translating them)
 * @gap_ns: time between one job's end and the next one's start
 * @last_end: when the last job ended (0 before the first)
 * @skip: jobs still to run uncounted (VNPU_PROFILE_SKIP)
 * @skipped: jobs run uncounted
 */
struct vnpu_rt_profile {
	struct vnpu_rt_prof_slot slot[VNPU_RT_PROF_SLOTS];
	uint64_t jobs, caller_jobs, job_ns, gap_ns, last_end;
	uint64_t skip, skipped;
};

/* Add NS to SLOT (an opcode past the table counts in its last opcode slot). */
static inline void vnpu_rt_prof_add(struct vnpu_rt_profile *p, uint32_t slot,
				    uint64_t ns)
{
	if (slot > VNPU_RT_PROF_PREP)
		slot = VNPU_RT_PROF_OPS - 1;
	p->slot[slot].count++;
	p->slot[slot].ns += ns;
}

/*
 * VNPU_PROFILE_SKIP=N (decimal, default 0): the first N jobs of each
 * stream run uncounted (a model's warm-up and prefill before its decode
 * steps). Sets P's skip; INVALID_ARGUMENT naming the value if it is not
 * a number.
 */
vnpu_status vnpu_rt_prof_init(struct vnpu_rt_profile *p);

/* Whether the next job counts (false while jobs are being skipped). */
bool vnpu_rt_prof_counts(struct vnpu_rt_profile *p);

/* Count a job that ran from START to END ns. */
void vnpu_rt_prof_job(struct vnpu_rt_profile *p, uint64_t start, uint64_t end);

/*
 * Print P to F: a summary line, a header, then one line per slot that
 * ran, the longest total first (format in docs/runtime.md, "Profiling").
 */
void vnpu_rt_prof_print(const struct vnpu_rt_profile *p, FILE *f);

#endif /* VNPU_PROFILE_H */
