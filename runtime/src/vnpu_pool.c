// SPDX-License-Identifier: MIT
/*
 * Worker pool for many small runs (a decode step is ~100 packets of tens
 * of microseconds each).
 *
 * A run is published as a new generation in one atomic word, which also
 * counts the helpers inside the run and has a CLOSED bit. A helper joins
 * only by a compare-and-swap that finds the run's generation open, takes
 * tiles from a shared counter, and leaves by decrementing the count. The
 * caller works too; when no tile is left it closes the run and waits only
 * for helpers that joined. A helper that has no core at the moment never
 * joins, and the caller does the tiles alone: a busy machine degrades to
 * one thread instead of stalling the run.
 *
 * A run of one tile (most of a decode step's vector packets) or on a pool
 * without helpers runs on the caller alone: no lock, and no write to the
 * lines the helpers spin on, so it costs what its tile costs.
 *
 * Helpers spin (bounded: pause instructions and sched_yield(), see
 * vnpu_rt_spin()) for the next run before they sleep on a condition
 * variable; the caller waits for helpers inside the run the same way.
 * No lost wake-up: a helper counts itself a sleeper before its last look
 * at the generation, the caller publishes the generation before it looks
 * at the sleepers (both sequentially consistent, so one of them sees the
 * other), and the broadcast takes the lock the sleeper holds until it
 * waits. The last helper out of a closed
 * run signals under the lock the caller checks the count under.
 *
 * Tiles are independent (the engine's results never depend on the split),
 * so who runs which tile, and in what order, does not matter.
 */
#include <sched.h>
#include <stdlib.h>

#include "vnpu_internal.h"
#include "vnpu_pool.h"
#include "vnpu_rt_cmd.h"

/* state: generation << 32 | CLOSED | helpers inside the run */
#define VNPU_POOL_CLOSED (1ull << 31)
#define VNPU_POOL_COUNT (VNPU_POOL_CLOSED - 1)
#define VNPU_POOL_GEN(s) ((uint32_t)((s) >> 32))

/*
 * How long a helper spins for the next run before sleeping, and the
 * caller for the helpers still inside a run: a decode step's packets come
 * a few to tens of microseconds apart; a futex wake-up costs about as
 * much and may find the helper's core taken.
 */
#define VNPU_POOL_SPIN_NS 50000u
#define VNPU_POOL_DONE_SPIN_NS 20000u

struct vnpu_rt_worker {
	struct vnpu_rt_pool *pool;
	pthread_t thread;
	void *scratch;
};

/*
 * What spinning helpers read (state, sleepers, stop) has a cache line of
 * its own: the caller's writes of the next run's parameters and the tile
 * counter do not pull it away from them one field at a time.
 */
struct vnpu_rt_pool {
	pthread_mutex_t run_lock;	/* one run at a time */
	pthread_mutex_t lock;		/* sleeping helpers, a sleeping caller */
	pthread_cond_t start, done;
	vnpu_rt_tile_fn fn;
	const void *arg;
	uint32_t ntiles;
	uint32_t nworkers;
	struct vnpu_rt_worker *workers;
	_Alignas(64) uint64_t state;	/* atomic: see above */
	uint32_t sleepers;	/* atomic: helpers asleep or about to be */
	bool stop;		/* atomic */
	_Alignas(64) uint32_t next;	/* atomic: next tile to take */
	int error;		/* atomic: first failure */
};

static inline void vnpu_rt_pause(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#endif
}

/*
 * A bounded spin: rounds of VNPU_POOL_PAUSES pause instructions (a few
 * microseconds), each followed by one sched_yield(), until LIMIT ns have
 * passed. On a busy machine a spinning thread otherwise takes the core
 * from the thread that has the work (measured: 60m decode 2x slower at
 * load 3-4 with pause alone), so a yield that came back late (another
 * thread ran) is followed by yields only. A yield that came back at once
 * (nothing else wanted the core) is followed by pauses again: a
 * sched_yield() is a syscall, ~1.2 us in the VM this runs in, and a
 * thread inside one joins the next run that much later (spinning on
 * yields alone, as before, a helper was inside one most of the time).
 */
#define VNPU_POOL_PAUSES 256u
#define VNPU_POOL_YIELD_FAST_NS 4000u

struct vnpu_rt_spin {
	uint64_t t0;		/* when the spin began */
	uint32_t pauses;	/* pauses left in this round */
	bool busy;		/* a yield came back late: yield only */
};

static void vnpu_rt_spin_init(struct vnpu_rt_spin *sp)
{
	sp->t0 = vnpu_rt_now_ns();
	sp->pauses = VNPU_POOL_PAUSES;
	sp->busy = false;
}

/* One step of the spin; false once LIMIT ns have passed since it began. */
static bool vnpu_rt_spin(struct vnpu_rt_spin *sp, uint64_t limit)
{
	uint64_t now;

	if (sp->pauses) {
		/* the clock only every 64 pauses: a read costs ~25 ns */
		if (--sp->pauses % 64 == 0 &&
		    vnpu_rt_now_ns() - sp->t0 > limit)
			return false;
		vnpu_rt_pause();
		return true;
	}
	now = vnpu_rt_now_ns();
	if (now - sp->t0 > limit)
		return false;
	sched_yield();
	sp->busy = sp->busy || vnpu_rt_now_ns() - now > VNPU_POOL_YIELD_FAST_NS;
	if (!sp->busy)
		sp->pauses = VNPU_POOL_PAUSES;
	return true;
}

static void vnpu_rt_pool_work(struct vnpu_rt_pool *p, void *scratch)
{
	uint32_t n = p->ntiles;

	for (;;) {
		uint32_t t = __atomic_fetch_add(&p->next, 1, __ATOMIC_RELAXED);
		int expected = 0, ret;

		if (t >= n)
			return;
		ret = p->fn(p->arg, t, scratch);
		if (ret)
			__atomic_compare_exchange_n(&p->error, &expected, ret,
						    false, __ATOMIC_RELAXED,
						    __ATOMIC_RELAXED);
	}
}

/* Spin, then sleep, until a run newer than SEEN or stop: the state seen. */
static uint64_t vnpu_rt_pool_await(struct vnpu_rt_pool *p, uint32_t seen)
{
	struct vnpu_rt_spin sp;
	uint64_t s;

	for (vnpu_rt_spin_init(&sp); vnpu_rt_spin(&sp, VNPU_POOL_SPIN_NS);) {
		s = __atomic_load_n(&p->state, __ATOMIC_ACQUIRE);
		if (VNPU_POOL_GEN(s) != seen || __atomic_load_n(&p->stop, __ATOMIC_RELAXED))
			return s;
	}
	pthread_mutex_lock(&p->lock);
	__atomic_add_fetch(&p->sleepers, 1, __ATOMIC_SEQ_CST);
	for (;;) {
		s = __atomic_load_n(&p->state, __ATOMIC_SEQ_CST);
		if (VNPU_POOL_GEN(s) != seen || __atomic_load_n(&p->stop, __ATOMIC_RELAXED))
			break;
		pthread_cond_wait(&p->start, &p->lock);
	}
	__atomic_sub_fetch(&p->sleepers, 1, __ATOMIC_SEQ_CST);
	pthread_mutex_unlock(&p->lock);
	return s;
}

static void *vnpu_rt_pool_thread(void *arg)
{
	struct vnpu_rt_worker *w = arg;
	struct vnpu_rt_pool *p = w->pool;
	uint32_t seen = 0;

	for (;;) {
		uint64_t s = vnpu_rt_pool_await(p, seen);
		bool joined = false;

		if (__atomic_load_n(&p->stop, __ATOMIC_ACQUIRE))
			break;
		seen = VNPU_POOL_GEN(s);
		/* join only the run seen, and only while it is open */
		while (VNPU_POOL_GEN(s) == seen && !(s & VNPU_POOL_CLOSED)) {
			if (__atomic_compare_exchange_n(&p->state, &s, s + 1, true,
							__ATOMIC_ACQUIRE,
							__ATOMIC_ACQUIRE)) {
				joined = true;
				break;
			}
		}
		if (!joined)
			continue;
		vnpu_rt_pool_work(p, w->scratch);
		s = __atomic_sub_fetch(&p->state, 1, __ATOMIC_SEQ_CST);
		if (!(s & VNPU_POOL_COUNT) && (s & VNPU_POOL_CLOSED)) {
			/* the caller may be asleep waiting for the last one out */
			pthread_mutex_lock(&p->lock);
			pthread_cond_broadcast(&p->done);
			pthread_mutex_unlock(&p->lock);
		}
	}
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
	p->state = VNPU_POOL_CLOSED;	/* generation 0, closed */
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
	__atomic_store_n(&p->stop, true, __ATOMIC_SEQ_CST);
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

/* Close the current run and wait until no helper is inside it. */
static void vnpu_rt_pool_close(struct vnpu_rt_pool *p)
{
	uint64_t s = __atomic_or_fetch(&p->state, VNPU_POOL_CLOSED, __ATOMIC_SEQ_CST);
	struct vnpu_rt_spin sp;

	if (!(s & VNPU_POOL_COUNT))
		return;
	for (vnpu_rt_spin_init(&sp); (s & VNPU_POOL_COUNT) &&
	     vnpu_rt_spin(&sp, VNPU_POOL_DONE_SPIN_NS);)
		s = __atomic_load_n(&p->state, __ATOMIC_ACQUIRE);
	if (!(s & VNPU_POOL_COUNT))
		return;
	pthread_mutex_lock(&p->lock);
	while (__atomic_load_n(&p->state, __ATOMIC_SEQ_CST) & VNPU_POOL_COUNT)
		pthread_cond_wait(&p->done, &p->lock);
	pthread_mutex_unlock(&p->lock);
}

int vnpu_rt_pool_run(struct vnpu_rt_pool *p, vnpu_rt_tile_fn fn,
		     const void *arg, uint32_t ntiles, void *scratch)
{
	uint64_t s;
	int ret = 0;

	/* A single tile is not worth waking anyone: the caller runs it. */
	if (ntiles <= 1 || !p->nworkers) {
		for (uint32_t t = 0; t < ntiles; t++) {
			int r = fn(arg, t, scratch);

			ret = ret ? ret : r;
		}
		return ret;
	}
	pthread_mutex_lock(&p->run_lock);
	p->fn = fn;
	p->arg = arg;
	p->ntiles = ntiles;
	__atomic_store_n(&p->next, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&p->error, 0, __ATOMIC_RELAXED);
	/* the previous run is closed and empty: nobody reads these */
	s = __atomic_load_n(&p->state, __ATOMIC_RELAXED);
	__atomic_store_n(&p->state, (uint64_t)(VNPU_POOL_GEN(s) + 1) << 32,
			 __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&p->sleepers, __ATOMIC_SEQ_CST)) {
		pthread_mutex_lock(&p->lock);
		pthread_cond_broadcast(&p->start);
		pthread_mutex_unlock(&p->lock);
	}
	vnpu_rt_pool_work(p, scratch);
	vnpu_rt_pool_close(p);
	ret = __atomic_load_n(&p->error, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&p->run_lock);
	return ret;
}
