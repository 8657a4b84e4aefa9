// SPDX-License-Identifier: GPL-2.0
/*
 * The CPU backend's worker pool (runtime/src/vnpu_pool.c) under many tiny
 * runs: every tile runs exactly once per run and its writes are visible
 * to the caller when the run returns; a failing tile's code comes back;
 * a run of one tile runs on the caller alone, even while another
 * caller's run holds the pool;
 * helpers that fell asleep (pauses longer than their spin) are woken for
 * the next run, never lost; several callers share one pool; tiles that
 * sleep at random do not confuse who is inside a run. Built natively,
 * under ASan + UBSan, and (runtime_pool_tsan) under ThreadSanitizer.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kselftest_harness.h"
#include "vnpu_pool.h"

#define MAX_TILES 64

#ifdef POOL_ALONE
/* The ThreadSanitizer build links vnpu_pool.c alone: what it uses of libvnpu. */
#include "vnpu_internal.h"

vnpu_status vnpu_rt_error(vnpu_status status, const char *fmt, ...)
{
	return status;
}

uint64_t vnpu_rt_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}
#endif

struct run_arg {
	uint32_t hits[MAX_TILES];	/* plain writes: the pool must order them */
	uint32_t sleep_every;		/* a tile t % sleep_every == 1 sleeps */
	uint64_t seed;
	uint32_t fail_tile;		/* this tile returns fail_code */
	int fail_code;
};

static void sleep_us(uint32_t us)
{
	struct timespec ts = { .tv_sec = 0, .tv_nsec = (long)us * 1000 };

	nanosleep(&ts, NULL);
}

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static int tile(const void *arg, uint32_t t, void *scratch)
{
	struct run_arg *a = (struct run_arg *)arg;

	/* each worker's scratch is its own: write it to catch sharing */
	memset(scratch, (int)t, 64);
	if (a->sleep_every && t % a->sleep_every == 1) {
		uint64_t s = a->seed + t;

		sleep_us((uint32_t)(rnd(&s) % 200));
	}
	a->hits[t]++;
	return t == a->fail_tile ? a->fail_code : 0;
}

/* RUNS runs of 0..MAX_TILES tiles on POOL, pausing at random between. */
static int hammer(struct vnpu_rt_pool *pool, uint32_t runs, uint64_t seed,
		  bool sleepy)
{
	void *scratch = aligned_alloc(64, 1u << 20);
	struct run_arg a;
	int bad = 0;

	for (uint32_t r = 0; r < runs && !bad; r++) {
		uint32_t n = (uint32_t)(rnd(&seed) % (MAX_TILES + 1));
		uint32_t pause = (uint32_t)(rnd(&seed) % 8);
		int ret;

		memset(&a, 0, sizeof(a));
		a.seed = seed;
		a.sleep_every = sleepy && r % 7 == 0 ? 5 : 0;
		a.fail_tile = n && r % 11 == 0 ? (uint32_t)(rnd(&seed) % n) : UINT32_MAX;
		a.fail_code = (int)(r % 5) + 1;
		ret = vnpu_rt_pool_run(pool, tile, &a, n, scratch);
		for (uint32_t t = 0; t < MAX_TILES; t++)
			if (a.hits[t] != (t < n))
				bad = 1;
		if (ret != (a.fail_tile < n ? a.fail_code : 0))
			bad = 2;
		/* sometimes longer than a helper spins: it goes to sleep */
		if (pause == 0)
			sleep_us(60 + (uint32_t)(rnd(&seed) % 200));
		else if (pause == 1)
			sleep_us((uint32_t)(rnd(&seed) % 20));
	}
	free(scratch);
	return bad;
}

TEST(many_tiny_runs_run_every_tile_once_for_any_thread_count)
{
	static const uint32_t threads[] = { 1, 2, 3, 5 };

	for (size_t i = 0; i < sizeof(threads) / sizeof(threads[0]); i++) {
		struct vnpu_rt_pool *pool;

		ASSERT_EQ(VNPU_STATUS_OK, vnpu_rt_pool_create(threads[i], &pool));
		ASSERT_EQ(0, hammer(pool, 3000, 7 + i, false))
			TH_LOG("%u threads", threads[i]);
		ASSERT_EQ(0, hammer(pool, 300, 70 + i, true))
			TH_LOG("%u threads, sleeping tiles", threads[i]);
		vnpu_rt_pool_destroy(pool);
	}
}

TEST(a_failing_tile_returns_its_code_and_the_next_run_starts_clean)
{
	struct vnpu_rt_pool *pool;
	void *scratch = aligned_alloc(64, 1u << 20);
	struct run_arg a = { .fail_tile = 9, .fail_code = 3 };

	ASSERT_EQ(VNPU_STATUS_OK, vnpu_rt_pool_create(2, &pool));
	ASSERT_EQ(3, vnpu_rt_pool_run(pool, tile, &a, 20, scratch));
	for (uint32_t t = 0; t < 20; t++)
		ASSERT_EQ(1u, a.hits[t]);
	memset(&a, 0, sizeof(a));
	a.fail_tile = UINT32_MAX;
	ASSERT_EQ(0, vnpu_rt_pool_run(pool, tile, &a, 20, scratch));
	/* no tiles: nothing runs, nothing fails */
	ASSERT_EQ(0, vnpu_rt_pool_run(pool, tile, &a, 0, scratch));
	vnpu_rt_pool_destroy(pool);
	free(scratch);
}

struct caller {
	struct vnpu_rt_pool *pool;
	uint64_t seed;
	int bad;
};

static void *caller_main(void *arg)
{
	struct caller *c = arg;

	c->bad = hammer(c->pool, 1500, c->seed, c->seed % 2);
	return NULL;
}

/* Two stream threads on one device pool: runs take turns. */
TEST(two_callers_share_one_pool)
{
	struct vnpu_rt_pool *pool;
	struct caller c[2];
	pthread_t th[2];

	ASSERT_EQ(VNPU_STATUS_OK, vnpu_rt_pool_create(3, &pool));
	for (int i = 0; i < 2; i++) {
		c[i] = (struct caller){ .pool = pool, .seed = 100 + (uint64_t)i };
		ASSERT_EQ(0, pthread_create(&th[i], NULL, caller_main, &c[i]));
	}
	for (int i = 0; i < 2; i++) {
		pthread_join(th[i], NULL);
		EXPECT_EQ(0, c[i].bad) TH_LOG("caller %d", i);
	}
	vnpu_rt_pool_destroy(pool);
}

struct blocker {
	struct vnpu_rt_pool *pool;
	uint32_t release;	/* atomic: the blocked tile may return */
	uint32_t entered;	/* atomic: tile 0 is running */
	uint32_t left;		/* atomic: tile 0 returned */
};

/* Tile 0 holds the run until released (or 5 s, so a failure cannot hang). */
static int blocking_tile(const void *arg, uint32_t t, void *scratch)
{
	struct blocker *b = (struct blocker *)arg;

	(void)scratch;
	if (t)
		return 0;
	__atomic_store_n(&b->entered, 1, __ATOMIC_SEQ_CST);
	for (int i = 0; i < 50000 && !__atomic_load_n(&b->release, __ATOMIC_SEQ_CST); i++)
		sleep_us(100);
	__atomic_store_n(&b->left, 1, __ATOMIC_SEQ_CST);
	return 0;
}

static void *blocking_main(void *arg)
{
	struct blocker *b = arg;
	void *scratch = aligned_alloc(64, 1u << 20);

	vnpu_rt_pool_run(b->pool, blocking_tile, b, 8, scratch);
	free(scratch);
	return NULL;
}

struct on_thread {
	pthread_t self;
	uint32_t ran;
};

static int record_thread(const void *arg, uint32_t t, void *scratch)
{
	struct on_thread *o = (struct on_thread *)arg;

	(void)scratch;
	o->self = pthread_self();
	o->ran++;
	return t == 0 ? 7 : 0;
}

/*
 * A run of one tile runs on the calling thread without the pool: it
 * completes while another caller's run holds the pool, and its result
 * comes back.
 */
TEST(a_one_tile_run_runs_on_the_caller_without_the_pool)
{
	struct blocker b = { 0 };
	struct on_thread o = { 0 };
	void *scratch = aligned_alloc(64, 1u << 20);
	pthread_t th;

	ASSERT_EQ(VNPU_STATUS_OK, vnpu_rt_pool_create(2, &b.pool));
	ASSERT_EQ(0, pthread_create(&th, NULL, blocking_main, &b));
	while (!__atomic_load_n(&b.entered, __ATOMIC_SEQ_CST))
		sleep_us(50);
	ASSERT_EQ(7, vnpu_rt_pool_run(b.pool, record_thread, &o, 1, scratch));
	/* it did not wait for the blocked run */
	EXPECT_EQ(0u, __atomic_load_n(&b.left, __ATOMIC_SEQ_CST));
	EXPECT_EQ(1u, o.ran);
	EXPECT_TRUE(pthread_equal(o.self, pthread_self()));
	/* no tiles: nothing runs */
	ASSERT_EQ(0, vnpu_rt_pool_run(b.pool, record_thread, &o, 0, scratch));
	EXPECT_EQ(1u, o.ran);
	__atomic_store_n(&b.release, 1, __ATOMIC_SEQ_CST);
	pthread_join(th, NULL);
	EXPECT_EQ(1u, __atomic_load_n(&b.left, __ATOMIC_SEQ_CST));
	vnpu_rt_pool_destroy(b.pool);
	free(scratch);
}

/* Created and destroyed at once, asleep or spinning: no thread is left. */
TEST(a_pool_is_destroyed_whether_its_helpers_spin_or_sleep)
{
	for (uint32_t i = 0; i < 40; i++) {
		struct vnpu_rt_pool *pool;

		ASSERT_EQ(VNPU_STATUS_OK, vnpu_rt_pool_create(1 + i % 4, &pool));
		if (i % 3 == 1)
			ASSERT_EQ(0, hammer(pool, 5, i, false));
		if (i % 3 == 2)
			sleep_us(100);
		vnpu_rt_pool_destroy(pool);
	}
}

TEST_HARNESS_MAIN
