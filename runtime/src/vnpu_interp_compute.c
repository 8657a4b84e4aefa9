// SPDX-License-Identifier: MIT
/*
 * The CPU backend's compute packets: MATMUL and the vector unit's ops, cut
 * into tiles by the engine's ISA executor (vnpu_engine/isa.h) and spread
 * over the worker pool. The emulated card's AI cores run the same
 * executor, so both backends give the same bits.
 */
#include <stdlib.h>
#include <string.h>

#include <vnpu_engine/engine.h>
#include <vnpu_engine/isa.h>

#include "vnpu_interp.h"
#include "vnpu_pool.h"
#include "vnpu_profile.h"

/*
 * A matmul's activations prepared once for all its tiles take up to this
 * much memory (the 250m prefill's down projection, 512 x 2816: ~11 MiB);
 * a larger matmul lets each tile prepare its own rows (same bits).
 */
#define VNPU_RT_SHARED_MAX (32u << 20)
/* Rows of A per preparation tile: enough work to be worth a worker. */
#define VNPU_RT_PREP_ROWS 16u

struct vnpu_rt_task {
	struct vnpu_isa_task isa;
	uint32_t features;
	uint32_t prep_rows;
};

static int vnpu_rt_tile(const void *arg, uint32_t t, void *scratch)
{
	const struct vnpu_rt_task *k = arg;
	int ret = vnpu_isa_tile(&k->isa, t, scratch, VNPU_RT_SCRATCH,
				k->features);

	if (!ret)
		return 0;
	return ret == VNPU_EFAULT ? VNPU_RT_TILE_INDEX : VNPU_RT_TILE_ENGINE;
}

static int vnpu_rt_prep_tile(const void *arg, uint32_t t, void *scratch)
{
	const struct vnpu_rt_task *k = arg;
	uint32_t r0 = t * VNPU_RT_PREP_ROWS;
	uint32_t r1 = r0 + VNPU_RT_PREP_ROWS < k->prep_rows ?
		      r0 + VNPU_RT_PREP_ROWS : k->prep_rows;

	(void)scratch;
	return vnpu_isa_prepare(&k->isa, r0, r1, k->features) ?
	       VNPU_RT_TILE_ENGINE : 0;
}

/* LOCAL's shared memory of at least SIZE bytes, or NULL (tiles then prepare). */
static void *vnpu_rt_shared(struct vnpu_rt_local *local, size_t size)
{
	void *p;

	if (size > VNPU_RT_SHARED_MAX)
		return NULL;
	if (local->shared_size >= size)
		return local->shared;
	size = (size + 63) & ~(size_t)63;
	p = aligned_alloc(64, size);
	if (!p)
		return NULL;
	free(local->shared);
	local->shared = p;
	local->shared_size = size;
	return p;
}

int vnpu_rt_compute(vnpu_device *dev, const struct vnpu_cmd_header *pkt,
		    void *const *ptr, struct vnpu_rt_local *local)
{
	struct vnpu_rt_task k = { .features = dev->features };
	uint32_t ntiles;
	size_t size;
	int ret;

	k.isa.pkt = pkt;
	k.isa.workers = dev->info.ai_cores;
	memcpy(k.isa.ptr, ptr, sizeof(k.isa.ptr));
	ntiles = vnpu_isa_plan(&k.isa, VNPU_RT_SCRATCH);
	if (!ntiles)
		return VNPU_RT_TILE_NOSPACE;
	size = vnpu_isa_shared_size(&k.isa, k.features, &k.prep_rows);
	if (size)
		k.isa.shared = vnpu_rt_shared(local, size);
	if (k.isa.shared) {
		uint64_t t0 = local->prof ? vnpu_rt_now_ns() : 0;

		ret = vnpu_rt_pool_run(dev->pool, vnpu_rt_prep_tile, &k,
				       (k.prep_rows + VNPU_RT_PREP_ROWS - 1) /
				       VNPU_RT_PREP_ROWS, local->scratch);
		if (local->prof)
			vnpu_rt_prof_add(local->prof, VNPU_RT_PROF_PREP,
					 vnpu_rt_now_ns() - t0);
		if (ret)
			return ret;
	}
	return vnpu_rt_pool_run(dev->pool, vnpu_rt_tile, &k, ntiles, local->scratch);
}
