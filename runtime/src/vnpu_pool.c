// SPDX-License-Identifier: MIT
/*
 * Worker pool: helpers sleep on a condition variable until a run starts,
 * take tiles from a shared counter, and the run ends when every helper
 * has left it. Tiles are independent (the engine's results never depend
 * on the split), so the order they finish in does not matter.
 */
#include <stdlib.h>

#include "vnpu_internal.h"
#include "vnpu_pool.h"
#include "vnpu_rt_cmd.h"

struct vnpu_rt_worker {
	struct vnpu_rt_pool *pool;
	pthread_t thread;
	void *scratch;
};

struct vnpu_rt_pool {
	pthread_mutex_t run_lock;	/* one run at a time */
	pthread_mutex_t lock;
	pthread_cond_t start, done;
	uint64_t gen;
	bool stop;
	vnpu_rt_tile_fn fn;
	const void *arg;
	uint32_t ntiles;
	uint32_t next;		/* atomic: next tile to take */
	int error;		/* atomic: first failure */
	uint32_t busy;		/* helpers still in the current run */
	uint32_t nworkers;
	struct vnpu_rt_worker *workers;
};

static void vnpu_rt_pool_work(struct vnpu_rt_pool *p, void *scratch)
{
	for (;;) {
		uint32_t t = __atomic_fetch_add(&p->next, 1, __ATOMIC_RELAXED);
		int expected = 0, ret;

		if (t >= p->ntiles)
			return;
		ret = p->fn(p->arg, t, scratch);
		if (ret)
			__atomic_compare_exchange_n(&p->error, &expected, ret,
						    false, __ATOMIC_RELAXED,
						    __ATOMIC_RELAXED);
	}
}

static void *vnpu_rt_pool_thread(void *arg)
{
	struct vnpu_rt_worker *w = arg;
	struct vnpu_rt_pool *p = w->pool;
	uint64_t seen = 0;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		while (!p->stop && p->gen == seen)
			pthread_cond_wait(&p->start, &p->lock);
		if (p->stop)
			break;
		seen = p->gen;
		pthread_mutex_unlock(&p->lock);
		vnpu_rt_pool_work(p, w->scratch);
		pthread_mutex_lock(&p->lock);
		if (--p->busy == 0)
			pthread_cond_signal(&p->done);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

vnpu_status vnpu_rt_pool_create(uint32_t threads, struct vnpu_rt_pool **pool)
{
	struct vnpu_rt_pool *p = calloc(1, sizeof(*p));
	uint32_t i;

	*pool = NULL;
	if (!p)
		return vnpu_rt_error(VNPU_STATUS_OUT_OF_MEMORY, "worker pool: out of memory");
	pthread_mutex_init(&p->run_lock, NULL);
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->start, NULL);
	pthread_cond_init(&p->done, NULL);
	p->workers = calloc(threads ? threads : 1, sizeof(*p->workers));
	if (!p->workers)
		goto oom;
	for (i = 0; i + 1 < threads; i++) {
		struct vnpu_rt_worker *w = &p->workers[i];

		w->pool = p;
		w->scratch = aligned_alloc(64, VNPU_RT_SCRATCH);
		if (!w->scratch)
			goto oom;
		if (pthread_create(&w->thread, NULL, vnpu_rt_pool_thread, w)) {
			free(w->scratch);
			goto oom;
		}
		p->nworkers++;
	}
	*pool = p;
	return VNPU_STATUS_OK;
oom:
	vnpu_rt_pool_destroy(p);
	return vnpu_rt_error(VNPU_STATUS_OUT_OF_MEMORY,
			     "worker pool: cannot start %u threads", threads);
}

void vnpu_rt_pool_destroy(struct vnpu_rt_pool *p)
{
	uint32_t i;

	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	p->stop = true;
	pthread_cond_broadcast(&p->start);
	pthread_mutex_unlock(&p->lock);
	for (i = 0; i < p->nworkers; i++) {
		pthread_join(p->workers[i].thread, NULL);
		free(p->workers[i].scratch);
	}
	free(p->workers);
	pthread_cond_destroy(&p->start);
	pthread_cond_destroy(&p->done);
	pthread_mutex_destroy(&p->lock);
	pthread_mutex_destroy(&p->run_lock);
	free(p);
}

int vnpu_rt_pool_run(struct vnpu_rt_pool *p, vnpu_rt_tile_fn fn,
		     const void *arg, uint32_t ntiles, void *scratch)
{
	int ret;

	pthread_mutex_lock(&p->run_lock);
	pthread_mutex_lock(&p->lock);
	p->fn = fn;
	p->arg = arg;
	p->ntiles = ntiles;
	p->next = 0;
	p->error = 0;
	/* A single tile is not worth waking anyone. */
	p->busy = ntiles > 1 ? p->nworkers : 0;
	if (p->busy) {
		p->gen++;
		pthread_cond_broadcast(&p->start);
	}
	pthread_mutex_unlock(&p->lock);
	vnpu_rt_pool_work(p, scratch);
	pthread_mutex_lock(&p->lock);
	while (p->busy)
		pthread_cond_wait(&p->done, &p->lock);
	ret = p->error;
	pthread_mutex_unlock(&p->lock);
	pthread_mutex_unlock(&p->run_lock);
	return ret;
}
