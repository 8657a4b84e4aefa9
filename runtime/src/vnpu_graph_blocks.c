// SPDX-License-Identifier: MIT
/*
 * Block constants given as their planes apart (vnpu_graph_constant_blocks):
 * pre-quantized checkpoints keep codes, block scales and the NVFP4 tensor
 * scale in separate tensors, so a loader can borrow all three from the
 * mapped file. The compiler reads every constant through vnpu_gt_planes()
 * and vnpu_gt_const_copy(), which hide where the planes are.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <vnpu_engine/formats.h>

#include "vnpu_graph_internal.h"
#include "vnpu_graph_ops.h"
#include "vnpu_internal.h"

void vnpu_gt_planes(const struct vnpu_gtensor *t, const uint8_t **codes,
		    const uint8_t **scales, float *tscale)
{
	uint64_t n = vnpu_shape_count(t->rank, t->dims);

	*codes = t->data;
	*tscale = 1.0f;
	if (t->scales) {
		*scales = t->scales;
		if (t->dtype == VNPU_DTYPE_NVFP4)
			*tscale = t->tscale;
		return;
	}
	*scales = *codes + vnpu_dtype_codes_bytes(t->dtype, n);
	if (t->dtype == VNPU_DTYPE_NVFP4)
		memcpy(tscale, *codes + t->data_bytes - 4, 4);
}

void vnpu_gt_const_copy(const struct vnpu_gtensor *t, void *dst)
{
	uint64_t n = vnpu_shape_count(t->rank, t->dims);
	uint64_t cb = vnpu_dtype_codes_bytes(t->dtype, n);
	uint8_t *d = dst;

	if (!t->scales) {
		memcpy(dst, t->data, t->data_bytes);
		return;
	}
	memcpy(d, t->data, cb);
	memcpy(d + cb, t->scales, n / vnpu_fmt_block(vnpu_dtype_cmd_fmt(t->dtype)));
	if (t->dtype == VNPU_DTYPE_NVFP4)
		memcpy(d + t->data_bytes - 4, &t->tscale, 4);
}

vnpu_status vnpu_graph_constant_blocks(vnpu_graph *graph, const char *name,
				       vnpu_dtype dtype, uint32_t rank,
				       const uint32_t *dims, const void *codes,
				       size_t codes_size, const void *scales,
				       size_t scales_size, float tscale,
				       uint32_t flags, vnpu_tensor *out)
{
	const char *nm = name ? name : "";
	struct vnpu_gtensor *gt, tmp;
	uint64_t n, cb, sb;
	void *copy = NULL;
	vnpu_status st;
	vnpu_tensor t;

	if (!graph || !out || !codes || !scales)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_graph_constant_blocks: graph, codes, scales or out is NULL");
	if (flags & ~VNPU_CONST_BORROW)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_graph_constant_blocks: unknown flags 0x%x", flags);
	if (!vnpu_dtype_is_block(dtype))
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_graph_constant_blocks: '%s' is %s, not a block type (mxfp4, nvfp4, mxfp8, mxfp8_e5m2)",
				     nm, vnpu_dtype_name(dtype));
	st = vnpu_gt_check_shape("vnpu_graph_constant_blocks", dtype, rank, dims);
	if (st)
		return st;
	n = vnpu_shape_count(rank, dims);
	cb = vnpu_dtype_codes_bytes(dtype, n);
	sb = n / vnpu_fmt_block(vnpu_dtype_cmd_fmt(dtype));
	if (codes_size != cb || scales_size != sb)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_graph_constant_blocks: '%s' has %zu code and %zu scale bytes, %s of %llu elements needs %llu and %llu",
				     nm, codes_size, scales_size, vnpu_dtype_name(dtype),
				     (unsigned long long)n, (unsigned long long)cb,
				     (unsigned long long)sb);
	if (dtype == VNPU_DTYPE_NVFP4 && !(isfinite(tscale) && tscale > 0))
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_graph_constant_blocks: '%s': NVFP4 tensor scale %g is not positive and finite",
				     nm, tscale);
	/* The planes as declared; a copy goes into the one-piece layout,
	 * which makes it an ordinary block constant. */
	memset(&tmp, 0, sizeof(tmp));
	tmp.dtype = dtype;
	tmp.rank = rank;
	memcpy(tmp.dims, dims, rank * sizeof(*dims));
	tmp.data = codes;
	tmp.scales = scales;
	tmp.tscale = dtype == VNPU_DTYPE_NVFP4 ? tscale : 1.0f;
	tmp.data_bytes = vnpu_dtype_bytes(dtype, n, 1);
	if (!(flags & VNPU_CONST_BORROW)) {
		copy = malloc(tmp.data_bytes);
		if (!copy)
			return vnpu_rt_error(VNPU_STATUS_OUT_OF_MEMORY,
					     "vnpu_graph_constant_blocks: out of memory (%llu bytes)",
					     (unsigned long long)tmp.data_bytes);
		vnpu_gt_const_copy(&tmp, copy);
	}
	t = vnpu_gt_add(graph, name, VNPU_GT_CONST, dtype, rank, dims);
	if (!t) {
		free(copy);
		return vnpu_rt_error(VNPU_STATUS_OUT_OF_MEMORY,
				     "vnpu_graph_constant_blocks: out of memory");
	}
	gt = &graph->t[t - 1];
	gt->data_bytes = tmp.data_bytes;
	gt->tscale = tmp.tscale;
	gt->data = copy ? copy : codes;
	gt->owned = copy;
	gt->scales = copy ? NULL : scales;
	*out = t;
	return VNPU_STATUS_OK;
}
