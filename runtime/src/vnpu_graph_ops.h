/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the graph's tensor and node builders.
 */
#ifndef VNPU_GRAPH_OPS_H
#define VNPU_GRAPH_OPS_H

#include "vnpu_graph_internal.h"

/* Check a declared dtype and shape; WHAT prefixes the message. */
vnpu_status vnpu_gt_check_shape(const char *what, uint32_t dtype, uint32_t rank,
				const uint32_t *dims);
/* Append a tensor; its id, or 0 when out of memory. */
vnpu_tensor vnpu_gt_add(vnpu_graph *g, const char *name, uint32_t kind,
			uint32_t dtype, uint32_t rank, const uint32_t *dims);

#endif /* VNPU_GRAPH_OPS_H */
