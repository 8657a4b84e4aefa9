// SPDX-License-Identifier: GPL-2.0
/*
 * The benchmark's worker threads. Workers spin (with pause) on a
 * generation counter instead of sleeping in a barrier: waking a sleeping
 * thread took up to ~100 us in the VM this runs on, which a 300 us GEMV
 * cannot hide. Workers a figure does not use sleep in 20 us steps, so a
 * one-thread figure has the other cores to itself; the timed runs follow
 * warm-up runs, which absorb that wake-up delay.
 */
#include <errno.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"

double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void pool_pause(void)
{
	__builtin_ia32_pause();
}

static void *pool_worker(void *p)
{
	struct pool *pl = ((void **)p)[0];
	int tid = (int)(intptr_t)((void **)p)[1];
	unsigned int seen = 0;

	free(p);
	for (;;) {
		unsigned int g;

		/* workers the current figure does not use doze instead */
		while ((g = __atomic_load_n(&pl->gen, __ATOMIC_ACQUIRE)) == seen) {
			if (tid < __atomic_load_n(&pl->active, __ATOMIC_RELAXED)) {
				pool_pause();
			} else {
				struct timespec ts = { 0, 20000 };

				nanosleep(&ts, NULL);
			}
		}
		seen = g;
		if (pl->quit)
			return NULL;
		if (tid < pl->active) {
			pl->fn(tid, pl->arg);
			__atomic_fetch_add(&pl->done, 1, __ATOMIC_ACQ_REL);
		}
		__atomic_fetch_add(&pl->ack, 1, __ATOMIC_ACQ_REL);
	}
}

/* Stop and join workers 1 .. n - 1. */
static void pool_stop(struct pool *pl, int n)
{
	pl->quit = true;	/* workers leave without reporting done */
	__atomic_fetch_add(&pl->gen, 1, __ATOMIC_ACQ_REL);
	for (int i = 1; i < n; i++)
		pthread_join(pl->th[i], NULL);
}

int pool_init(struct pool *pl, int n)
{
	memset(pl, 0, sizeof(*pl));
	pl->n = n;
	for (int i = 1; i < n; i++) {
		void **a = malloc(2 * sizeof(void *));
		int err = a ? 0 : ENOMEM;

		if (a) {
			a[0] = pl;
			a[1] = (void *)(intptr_t)i;
			err = pthread_create(&pl->th[i], NULL, pool_worker, a);
		}
		if (err) {
			free(a);
			pool_stop(pl, i);	/* the ones already started */
			fprintf(stderr, "vnpu-bench: cannot start the worker threads (%d wanted): %s\n",
				n - 1, strerror(err));
			return err;
		}
	}
	return 0;
}

/* Release the workers for one run of pl->fn and wait for all of them. */
/*
 * One run; returns its wall time: until the workers it uses are done. A
 * dozing worker's wake-up (~60 us here, a quarter of a one-thread 4096^2
 * GEMV) is not part of it; it is waited for afterwards, so no worker ever
 * lags into the next run.
 */
static double pool_run(struct pool *pl)
{
	unsigned int want = pl->active > 1 ? (unsigned int)pl->active - 1 : 0;
	double t0, t;

	__atomic_store_n(&pl->done, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&pl->ack, 0, __ATOMIC_RELEASE);
	t0 = now_s();
	__atomic_fetch_add(&pl->gen, 1, __ATOMIC_ACQ_REL);
	if (pl->active > 0)
		pl->fn(0, pl->arg);
	while (__atomic_load_n(&pl->done, __ATOMIC_ACQUIRE) != want)
		pool_pause();
	t = now_s() - t0;
	while (__atomic_load_n(&pl->ack, __ATOMIC_ACQUIRE) != (unsigned int)pl->n - 1)
		pool_pause();
	return t;
}

void pool_fini(struct pool *pl)
{
	pool_stop(pl, pl->n);
}

double pool_time(struct pool *pl, int nthreads, void (*fn)(int, void *),
		 void *arg, int reps)
{
	double best = 1e30;

	pl->fn = fn;
	pl->arg = arg;
	__atomic_store_n(&pl->active, nthreads, __ATOMIC_RELAXED);
	for (int r = 0; r < reps; r++) {
		double t = pool_run(pl);

		if (t < best)
			best = t;
	}
	return best;
}
