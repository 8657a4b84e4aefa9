// SPDX-License-Identifier: MIT
/*
 * The CPU backend's streams: one queue thread per stream runs its jobs in
 * order (packets through the interpreter, whose compute packets use the
 * device's worker pool). A job's failure is kept until the next wait
 * reports it; the jobs after it still run, as on the card. Events are
 * reached when the queue thread gets to their record job.
 *
 * A job whose submitter waits for it anyway (vnpu_program_run(): a decode
 * step) runs on the submitting thread when the stream is idle: no copy of
 * the stream, and no hand-off to the queue thread and back (two wake-ups
 * per step). The queue thread starts no later job meanwhile.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vnpu_cpu.h"
#include "vnpu_profile.h"
#include "vnpu_rt_cmd.h"

/* A dependency on another stream's event record. */
struct vnpu_rt_dep {
	vnpu_event *event;
	uint64_t gen;
};

struct vnpu_rt_cpu_job {
	struct vnpu_rt_cpu_job *next;
	uint64_t seqno;
	void *cmd;			/* NULL for an event record */
	size_t size;
	struct vnpu_rt_use *uses;
	size_t n;
	vnpu_event *event;
	uint64_t gen;
	struct vnpu_rt_dep *deps;
	size_t ndeps;
};

struct vnpu_rt_cpu_stream {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;	/* queue grew, a job finished, stop */
	struct vnpu_rt_cpu_job *head, *tail;
	uint64_t submitted, completed;
	bool stop;
	vnpu_status error;	/* first failure not yet reported */
	char error_msg[512];
	struct vnpu_rt_dep *deps;	/* for the next job */
	size_t ndeps;
	bool caller_runs;	/* a submitter is running a job itself */
	uint32_t waiters;	/* threads asleep in vnpu_rt_cpu_wait() */
	struct vnpu_rt_local local;
};

static void vnpu_rt_cpu_wait_deps(vnpu_device *dev, const struct vnpu_rt_cpu_job *j)
{
	size_t i;

	pthread_mutex_lock(&dev->ev_lock);
	for (i = 0; i < j->ndeps; i++)
		while (j->deps[i].event->reached_gen < j->deps[i].gen)
			pthread_cond_wait(&dev->ev_cond, &dev->ev_lock);
	pthread_mutex_unlock(&dev->ev_lock);
}

static void vnpu_rt_cpu_reach(vnpu_device *dev, vnpu_event *e, uint64_t gen)
{
	pthread_mutex_lock(&dev->ev_lock);
	if (gen > e->reached_gen)
		e->reached_gen = gen;
	if (gen == e->gen) {
		e->ts_ns = vnpu_rt_now_ns();
		e->reached = true;
	}
	pthread_cond_broadcast(&dev->ev_cond);
	pthread_mutex_unlock(&dev->ev_lock);
}

static void vnpu_rt_cpu_job_free(struct vnpu_rt_cpu_job *j)
{
	size_t i;

	for (i = 0; i < j->n; i++)
		vnpu_rt_buffer_unref(j->uses[i].buf);
	for (i = 0; i < j->ndeps; i++)
		vnpu_rt_event_unref(j->deps[i].event);
	if (j->event)
		vnpu_rt_event_unref(j->event);
	free(j->deps);
	free(j->uses);
	free(j->cmd);
	free(j);
}

/* Run J; CALLER: on the submitting thread (vnpu_rt_cpu_run_now()). */
static void vnpu_rt_cpu_run(vnpu_stream *s, struct vnpu_rt_cpu_job *j, bool caller)
{
	struct vnpu_rt_cpu_stream *c = s->cpu;
	struct vnpu_rt_profile *prof = c->local.prof;
	uint64_t t0 = 0;
	uint32_t off;
	vnpu_status st;

	vnpu_rt_cpu_wait_deps(s->dev, j);
	if (j->cmd) {
		/* a skipped job runs as if profiling were off */
		if (prof && !vnpu_rt_prof_counts(prof))
			c->local.prof = NULL;
		if (c->local.prof)
			t0 = vnpu_rt_now_ns();
		st = vnpu_rt_interp_run(s->dev, j->cmd, j->size, j->uses, j->n,
					&c->local, &off);
		if (c->local.prof) {
			vnpu_rt_prof_job(c->local.prof, t0, vnpu_rt_now_ns());
			c->local.prof->caller_jobs += caller;
		}
		c->local.prof = prof;
		if (st) {
			pthread_mutex_lock(&c->lock);
			if (!c->error) {
				c->error = st;
				snprintf(c->error_msg, sizeof(c->error_msg),
					 "job %llu failed: %s",
					 (unsigned long long)j->seqno,
					 vnpu_last_error());
			}
			pthread_mutex_unlock(&c->lock);
		}
	}
	if (j->event)
		vnpu_rt_cpu_reach(s->dev, j->event, j->gen);
}

static void *vnpu_rt_cpu_thread(void *arg)
{
	vnpu_stream *s = arg;
	struct vnpu_rt_cpu_stream *c = s->cpu;
	struct vnpu_rt_cpu_job *j;

	pthread_mutex_lock(&c->lock);
	for (;;) {
		while ((!c->head && !c->stop) || c->caller_runs)
			pthread_cond_wait(&c->cond, &c->lock);
		if (!c->head)
			break;
		j = c->head;
		c->head = j->next;
		if (!c->head)
			c->tail = NULL;
		pthread_mutex_unlock(&c->lock);
		vnpu_rt_cpu_run(s, j, false);
		pthread_mutex_lock(&c->lock);
		c->completed = j->seqno;
		pthread_cond_broadcast(&c->cond);
		pthread_mutex_unlock(&c->lock);
		vnpu_rt_cpu_job_free(j);
		pthread_mutex_lock(&c->lock);
	}
	pthread_mutex_unlock(&c->lock);
	return NULL;
}

vnpu_status vnpu_rt_cpu_stream_init(vnpu_stream *s)
{
	struct vnpu_rt_cpu_stream *c = calloc(1, sizeof(*c));
	vnpu_status st;

	if (!c)
		return vnpu_rt_error(VNPU_STATUS_OUT_OF_MEMORY,
				     "vnpu_stream_create: out of memory");
	c->local.scratch = aligned_alloc(64, VNPU_RT_SCRATCH);
	if (vnpu_rt_lib.profile)
		c->local.prof = calloc(1, sizeof(*c->local.prof));
	if (!c->local.scratch || (vnpu_rt_lib.profile && !c->local.prof)) {
		free(c->local.scratch);
		free(c->local.prof);
		free(c);
		return vnpu_rt_error(VNPU_STATUS_OUT_OF_MEMORY,
				     "vnpu_stream_create: out of memory");
	}
	st = c->local.prof ? vnpu_rt_prof_init(c->local.prof) : VNPU_STATUS_OK;
	if (st) {
		free(c->local.scratch);
		free(c->local.prof);
		free(c);
		return st;
	}
	pthread_mutex_init(&c->lock, NULL);
	vnpu_rt_cond_init(&c->cond);
	s->cpu = c;
	if (pthread_create(&c->thread, NULL, vnpu_rt_cpu_thread, s)) {
		pthread_cond_destroy(&c->cond);
		pthread_mutex_destroy(&c->lock);
		free(c->local.scratch);
		free(c->local.prof);
		free(c);
		s->cpu = NULL;
		return vnpu_rt_error(VNPU_STATUS_OUT_OF_MEMORY,
				     "vnpu_stream_create: cannot start the queue thread");
	}
	return VNPU_STATUS_OK;
}

void vnpu_rt_cpu_stream_fini(vnpu_stream *s)
{
	struct vnpu_rt_cpu_stream *c = s->cpu;
	size_t i;

	/* The thread drains the queue before it honours stop. */
	pthread_mutex_lock(&c->lock);
	c->stop = true;
	pthread_cond_broadcast(&c->cond);
	pthread_mutex_unlock(&c->lock);
	pthread_join(c->thread, NULL);
	for (i = 0; i < c->ndeps; i++)
		vnpu_rt_event_unref(c->deps[i].event);
	free(c->deps);
	pthread_cond_destroy(&c->cond);
	pthread_mutex_destroy(&c->lock);
	if (c->local.prof) {
		vnpu_rt_prof_print(c->local.prof, stderr);
		free(c->local.prof);
	}
	free(c->local.scratch);
	free(c->local.shared);
	free(c);
}

/* Queue J (deps of the stream attached), numbering it. */
static uint64_t vnpu_rt_cpu_enqueue(vnpu_stream *s, struct vnpu_rt_cpu_job *j)
{
	struct vnpu_rt_cpu_stream *c = s->cpu;
	uint64_t seq;

	pthread_mutex_lock(&c->lock);
	j->deps = c->deps;
	j->ndeps = c->ndeps;
	c->deps = NULL;
	c->ndeps = 0;
	seq = j->seqno = ++c->submitted;
	if (c->tail)
		c->tail->next = j;
	else
		c->head = j;
	c->tail = j;
	pthread_cond_broadcast(&c->cond);
	pthread_mutex_unlock(&c->lock);
	/* J may already be run and freed by the queue thread. */
	return seq;
}

vnpu_status vnpu_rt_cpu_submit(vnpu_stream *s, const void *cmd, size_t size,
			       const struct vnpu_rt_use *uses, size_t n,
			       uint64_t *seqno)
{
	struct vnpu_rt_cpu_job *j = calloc(1, sizeof(*j));
	size_t i;

	if (!j)
		goto oom;
	j->cmd = malloc(size);
	j->uses = malloc((n ? n : 1) * sizeof(*uses));
	if (!j->cmd || !j->uses) {
		free(j->cmd);
		free(j->uses);
		free(j);
		goto oom;
	}
	memcpy(j->cmd, cmd, size);
	j->size = size;
	memcpy(j->uses, uses, n * sizeof(*uses));
	j->n = n;
	/* The job keeps its buffers alive even if the caller frees them. */
	for (i = 0; i < n; i++)
		vnpu_rt_buffer_ref(uses[i].buf);
	*seqno = vnpu_rt_cpu_enqueue(s, j);
	return VNPU_STATUS_OK;
oom:
	return vnpu_rt_error(VNPU_STATUS_OUT_OF_MEMORY,
			     "vnpu_stream_submit: out of memory");
}

vnpu_status vnpu_rt_cpu_wait(vnpu_stream *s, uint64_t timeout_ns)
{
	struct vnpu_rt_cpu_stream *c = s->cpu;
	uint64_t deadline = vnpu_rt_deadline(timeout_ns), target;
	char msg[sizeof(c->error_msg)];
	vnpu_status st;

	pthread_mutex_lock(&c->lock);
	target = c->submitted;
	while (c->completed < target) {
		bool late;

		c->waiters++;
		late = vnpu_rt_cond_wait(&c->cond, &c->lock, deadline);
		c->waiters--;
		if (late && c->completed < target) {
			uint64_t done = c->completed;

			pthread_mutex_unlock(&c->lock);
			return vnpu_rt_error(VNPU_STATUS_TIMEOUT,
					     "vnpu_stream_wait: %llu of %llu jobs finished after %llu ns",
					     (unsigned long long)done,
					     (unsigned long long)target,
					     (unsigned long long)timeout_ns);
		}
	}
	st = c->error;
	c->error = VNPU_STATUS_OK;
	snprintf(msg, sizeof(msg), "%s", c->error_msg);
	pthread_mutex_unlock(&c->lock);
	if (st)
		return vnpu_rt_error(st, "%s", msg);
	return VNPU_STATUS_OK;
}

vnpu_status vnpu_rt_cpu_run_now(vnpu_stream *s, const void *cmd, size_t size,
				const struct vnpu_rt_use *uses, size_t n)
{
	struct vnpu_rt_cpu_stream *c = s->cpu;
	/* the caller keeps CMD and the buffers alive until this returns */
	struct vnpu_rt_cpu_job j = {
		.cmd = (void *)cmd, .size = size,
		.uses = (struct vnpu_rt_use *)uses, .n = n,
	};
	vnpu_status st;

	pthread_mutex_lock(&c->lock);
	if (c->head || c->caller_runs || c->ndeps || c->completed != c->submitted) {
		/* earlier work or event dependencies: queue it behind them */
		pthread_mutex_unlock(&c->lock);
		st = vnpu_rt_cpu_submit(s, cmd, size, uses, n, &j.seqno);
		return st ? st : vnpu_rt_cpu_wait(s, UINT64_MAX);
	}
	j.seqno = ++c->submitted;
	c->caller_runs = true;
	pthread_mutex_unlock(&c->lock);
	vnpu_rt_cpu_run(s, &j, true);
	pthread_mutex_lock(&c->lock);
	c->completed = j.seqno;
	c->caller_runs = false;
	/*
	 * Wake only for a job queued meanwhile, a stop or a thread waiting
	 * in vnpu_rt_cpu_wait(): an idle queue thread would only go back to
	 * sleep, a futex call here and a wake-up on a core the pool's helper
	 * is using, every decode step.
	 */
	if (c->head || c->stop || c->waiters)
		pthread_cond_broadcast(&c->cond);
	pthread_mutex_unlock(&c->lock);
	return vnpu_rt_cpu_wait(s, UINT64_MAX);
}

vnpu_status vnpu_rt_cpu_progress(vnpu_stream *s, uint64_t *submitted,
				 uint64_t *completed)
{
	struct vnpu_rt_cpu_stream *c = s->cpu;

	pthread_mutex_lock(&c->lock);
	*submitted = c->submitted;
	*completed = c->completed;
	pthread_mutex_unlock(&c->lock);
	return VNPU_STATUS_OK;
}

vnpu_status vnpu_rt_cpu_wait_event(vnpu_stream *s, vnpu_event *e)
{
	struct vnpu_rt_cpu_stream *c = s->cpu;
	struct vnpu_rt_dep *d;
	vnpu_status st = VNPU_STATUS_OK;

	pthread_mutex_lock(&c->lock);
	d = realloc(c->deps, (c->ndeps + 1) * sizeof(*d));
	if (!d) {
		st = vnpu_rt_error(VNPU_STATUS_OUT_OF_MEMORY,
				   "vnpu_stream_wait_event: out of memory");
	} else {
		c->deps = d;
		pthread_mutex_lock(&s->dev->ev_lock);
		d[c->ndeps].gen = e->gen;
		pthread_mutex_unlock(&s->dev->ev_lock);
		d[c->ndeps++].event = e;
		vnpu_rt_event_ref(e);
	}
	pthread_mutex_unlock(&c->lock);
	return st;
}

vnpu_status vnpu_rt_cpu_event_init(vnpu_event *e)
{
	return VNPU_STATUS_OK;
}

void vnpu_rt_cpu_event_fini(vnpu_event *e)
{
}

vnpu_status vnpu_rt_cpu_event_record(vnpu_event *e, vnpu_stream *s)
{
	struct vnpu_rt_cpu_job *j = calloc(1, sizeof(*j));

	if (!j)
		return vnpu_rt_error(VNPU_STATUS_OUT_OF_MEMORY,
				     "vnpu_event_record: out of memory");
	pthread_mutex_lock(&s->dev->ev_lock);
	j->gen = ++e->gen;
	e->reached = false;
	pthread_mutex_unlock(&s->dev->ev_lock);
	j->event = e;
	vnpu_rt_event_ref(e);
	vnpu_rt_cpu_enqueue(s, j);
	return VNPU_STATUS_OK;
}

vnpu_status vnpu_rt_cpu_event_wait(vnpu_event *e, uint64_t timeout_ns)
{
	vnpu_device *dev = e->dev;
	uint64_t deadline = vnpu_rt_deadline(timeout_ns);
	bool reached;

	pthread_mutex_lock(&dev->ev_lock);
	while (!e->reached &&
	       !vnpu_rt_cond_wait(&dev->ev_cond, &dev->ev_lock, deadline))
		;
	reached = e->reached;
	pthread_mutex_unlock(&dev->ev_lock);
	if (!reached)
		return vnpu_rt_error(VNPU_STATUS_TIMEOUT,
				     "vnpu_event_wait: not reached after %llu ns",
				     (unsigned long long)timeout_ns);
	return VNPU_STATUS_OK;
}
