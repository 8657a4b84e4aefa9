// SPDX-License-Identifier: MIT
/*
 * The CPU backend's compute packets: MATMUL and the vector unit's ops, cut
 * into tiles by the engine's ISA executor (vnpu_engine/isa.h) and spread
 * over the worker pool. The emulated card's AI cores run the same
 * executor, so both backends give the same bits.
 */
#include <string.h>

#include <vnpu_engine/engine.h>
#include <vnpu_engine/isa.h>

#include "vnpu_interp.h"
#include "vnpu_pool.h"

struct vnpu_rt_task {
	struct vnpu_isa_task isa;
	uint32_t features;
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

int vnpu_rt_compute(vnpu_device *dev, const struct vnpu_cmd_header *pkt,
		    void *const *ptr, void *scratch)
{
	struct vnpu_rt_task k = { .features = dev->features };
	uint32_t ntiles;

	k.isa.pkt = pkt;
	memcpy(k.isa.ptr, ptr, sizeof(k.isa.ptr));
	ntiles = vnpu_isa_plan(&k.isa, VNPU_RT_SCRATCH);
	if (!ntiles)
		return VNPU_RT_TILE_NOSPACE;
	return vnpu_rt_pool_run(dev->pool, vnpu_rt_tile, &k, ntiles, scratch);
}
