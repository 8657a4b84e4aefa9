/* SPDX-License-Identifier: MIT */
/* The CPU backend's compute packets (vnpu_interp_compute.c). */
#ifndef VNPU_INTERP_H
#define VNPU_INTERP_H

#include "vnpu_rt_cmd.h"

/* What a failed tile reports. */
#define VNPU_RT_TILE_INDEX 1	/* a GATHER index past the table */
#define VNPU_RT_TILE_ENGINE 2	/* the engine refused the operands */
#define VNPU_RT_TILE_NOSPACE 3	/* one row does not fit local memory */

/*
 * Run compute packet PKT (MATMUL or a vector op) whose operands are at
 * PTR (vnpu_isa_operands() order, NULL when absent) on DEV's pool;
 * LOCAL is the calling thread's memory. 0 or VNPU_RT_TILE_*.
 */
int vnpu_rt_compute(vnpu_device *dev, const struct vnpu_cmd_header *pkt,
		    void *const *ptr, struct vnpu_rt_local *local);

/*
 * Run the N MATMUL packets PKT (pairwise vnpu_isa_mm_joinable(), operands
 * at PTR) as one group: their shared activations prepared once, then all
 * their tiles in one pool run. Each output gets the bits vnpu_rt_compute()
 * gives it alone. 0 or VNPU_RT_TILE_*.
 */
#define VNPU_RT_GROUP_MAX 4
int vnpu_rt_compute_group(vnpu_device *dev,
			  const struct vnpu_cmd_header *const *pkt,
			  void *const (*ptr)[VNPU_ISA_MAX_OPERANDS], uint32_t n,
			  struct vnpu_rt_local *local);

#endif /* VNPU_INTERP_H */
