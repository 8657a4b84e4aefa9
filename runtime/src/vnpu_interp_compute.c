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

/* A compute packet, or a group of MATMULs that read the same activations. */
struct vnpu_rt_task {
	struct vnpu_isa_task isa[VNPU_RT_GROUP_MAX];
	uint32_t first[VNPU_RT_GROUP_MAX + 1];	/* each member's first tile */
	uint32_t n;
	uint32_t features;
	uint32_t prep_rows;
};

static int vnpu_rt_tile(const void *arg, uint32_t t, void *scratch)
{
	const struct vnpu_rt_task *k = arg;
	uint32_t i = 0;
	int ret;

	while (t >= k->first[i + 1])
		i++;
	ret = vnpu_isa_tile(&k->isa[i], t - k->first[i], scratch,
			    VNPU_RT_SCRATCH, k->features);
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
	return vnpu_isa_prepare(&k->isa[0], r0, r1, k->features) ?
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

int vnpu_rt_compute_group(vnpu_device *dev,
			  const struct vnpu_cmd_header *const *pkt,
			  void *const (*ptr)[VNPU_ISA_MAX_OPERANDS], uint32_t n,
			  struct vnpu_rt_local *local)
{
	struct vnpu_rt_task k = { .features = dev->features, .n = n };
	size_t size;
	uint32_t i;
	int ret;

	if (!n || n > VNPU_RT_GROUP_MAX)
		return VNPU_RT_TILE_ENGINE;
	for (i = 0; i < n; i++) {
		struct vnpu_isa_task *t = &k.isa[i];
		uint32_t tiles;

		t->pkt = pkt[i];
		t->workers = dev->info.ai_cores;
		memcpy(t->ptr, ptr[i], sizeof(t->ptr));
		tiles = vnpu_isa_plan(t, VNPU_RT_SCRATCH);
		if (!tiles)
			return VNPU_RT_TILE_NOSPACE;
		k.first[i + 1] = k.first[i] + tiles;
	}
	size = vnpu_isa_group_shared_size(k.isa, n, k.features, &k.prep_rows);
	if (size)
		k.isa[0].shared = vnpu_rt_shared(local, size);
	if (k.isa[0].shared) {
		uint64_t t0 = local->prof ? vnpu_rt_now_ns() : 0;

		for (i = 1; i < n; i++)
			k.isa[i].shared = k.isa[0].shared;
		ret = vnpu_rt_pool_run(dev->pool, vnpu_rt_prep_tile, &k,
				       (k.prep_rows + VNPU_RT_PREP_ROWS - 1) /
				       VNPU_RT_PREP_ROWS, local->scratch);
		if (local->prof)
			vnpu_rt_prof_add(local->prof, VNPU_RT_PROF_PREP,
					 vnpu_rt_now_ns() - t0);
		if (ret)
			return ret;
	}
	/* all members' tiles in one run: one wait for the group */
	return vnpu_rt_pool_run(dev->pool, vnpu_rt_tile, &k, k.first[n],
				local->scratch);
}

int vnpu_rt_compute(vnpu_device *dev, const struct vnpu_cmd_header *pkt,
		    void *const *ptr, struct vnpu_rt_local *local)
{
	void *p[1][VNPU_ISA_MAX_OPERANDS];

	memcpy(p[0], ptr, sizeof(p[0]));
	return vnpu_rt_compute_group(dev, &pkt, (void *const (*)[VNPU_ISA_MAX_OPERANDS])p,
				     1, local);
}
