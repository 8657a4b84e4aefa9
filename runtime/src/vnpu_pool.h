/* SPDX-License-Identifier: MIT */
/*
 * The CPU backend's worker threads: the emulated AI cores. One packet at
 * a time owns the whole pool (as on the card); the calling stream thread
 * works too, so N threads means N - 1 helpers. A run of one tile needs no
 * helper: it runs on the calling thread without taking the pool.
 */
#ifndef VNPU_POOL_H
#define VNPU_POOL_H

#include <stdint.h>

#include <vnpu/status.h>

struct vnpu_rt_pool;

/* Run tile T of ARG with SCRATCH (VNPU_RT_SCRATCH bytes): 0 or an error
 * code of the tile function's choosing. */
typedef int (*vnpu_rt_tile_fn)(const void *arg, uint32_t t, void *scratch);

/* A pool of THREADS - 1 helper threads, each with its scratch. */
vnpu_status vnpu_rt_pool_create(uint32_t threads, struct vnpu_rt_pool **pool);
void vnpu_rt_pool_destroy(struct vnpu_rt_pool *pool);

/*
 * Run NTILES tiles of FN on the pool and the calling thread (whose
 * scratch is SCRATCH); returns the first non-zero tile result, else 0.
 * With one tile (or no helpers) the calling thread runs them alone.
 */
int vnpu_rt_pool_run(struct vnpu_rt_pool *pool, vnpu_rt_tile_fn fn,
		     const void *arg, uint32_t ntiles, void *scratch);

#endif /* VNPU_POOL_H */
