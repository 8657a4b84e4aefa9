// SPDX-License-Identifier: MIT
/*
 * Graphs: creation, tensors (inputs, constants, outputs) and the small
 * helpers on types and shapes every pass uses. The operation builders are
 * in vnpu_graph_ops.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <drm/vnpu_cmd.h>
#include <vnpu_engine/formats.h>

#include "vnpu_graph_internal.h"
#include "vnpu_graph_ops.h"
#include "vnpu_internal.h"

static const char *const vnpu_dtype_names[] = {
	[VNPU_DTYPE_FP32] = "fp32",
	[VNPU_DTYPE_BF16] = "bf16",
	[VNPU_DTYPE_I32] = "i32",
	[VNPU_DTYPE_MXFP8] = "mxfp8",
	[VNPU_DTYPE_MXFP8_E5M2] = "mxfp8_e5m2",
	[VNPU_DTYPE_MXFP4] = "mxfp4",
	[VNPU_DTYPE_NVFP4] = "nvfp4",
	[VNPU_DTYPE_FP16] = "fp16",
	[VNPU_DTYPE_FP8_E4M3] = "fp8_e4m3",
	[VNPU_DTYPE_FP8_E5M2] = "fp8_e5m2",
	[VNPU_DTYPE_I8] = "i8",
	[VNPU_DTYPE_U8] = "u8",
};

const char *vnpu_dtype_name(vnpu_dtype dtype)
{
	if ((unsigned int)dtype >= sizeof(vnpu_dtype_names) / sizeof(vnpu_dtype_names[0]) ||
	    !vnpu_dtype_names[dtype])
		return "?";
	return vnpu_dtype_names[dtype];
}

uint32_t vnpu_dtype_cmd_fmt(uint32_t dtype)
{
	switch (dtype) {
	case VNPU_DTYPE_FP32: return VNPU_CMD_FMT_FP32;
	case VNPU_DTYPE_BF16: return VNPU_CMD_FMT_BF16;
	case VNPU_DTYPE_MXFP8: return VNPU_CMD_FMT_MXFP8_E4M3;
	case VNPU_DTYPE_MXFP8_E5M2: return VNPU_CMD_FMT_MXFP8_E5M2;
	case VNPU_DTYPE_MXFP4: return VNPU_CMD_FMT_MXFP4;
	case VNPU_DTYPE_NVFP4: return VNPU_CMD_FMT_NVFP4;
	case VNPU_DTYPE_FP16: return VNPU_CMD_FMT_FP16;
	case VNPU_DTYPE_FP8_E4M3: return VNPU_CMD_FMT_FP8_E4M3;
	case VNPU_DTYPE_FP8_E5M2: return VNPU_CMD_FMT_FP8_E5M2;
	}
	return 0;
}

bool vnpu_dtype_is_block(uint32_t dtype)
{
	return dtype >= VNPU_DTYPE_MXFP8 && dtype <= VNPU_DTYPE_NVFP4;
}

bool vnpu_dtype_is_elem(uint32_t dtype)
{
	return dtype == VNPU_DTYPE_BF16 || dtype == VNPU_DTYPE_FP16 ||
	       dtype == VNPU_DTYPE_FP8_E4M3 || dtype == VNPU_DTYPE_FP8_E5M2;
}

uint64_t vnpu_dtype_codes_bytes(uint32_t dtype, uint64_t count)
{
	return count * vnpu_fmt_bits(vnpu_dtype_cmd_fmt(dtype)) / 8;
}

uint64_t vnpu_dtype_bytes(vnpu_dtype dtype, uint64_t count, int constant)
{
	uint32_t fmt = vnpu_dtype_cmd_fmt(dtype);

	if (dtype == VNPU_DTYPE_I32)
		return count * 4;
	if (dtype == VNPU_DTYPE_I8 || dtype == VNPU_DTYPE_U8)
		return count;
	if (!fmt || count > (1ull << 40))
		return 0;
	if (!vnpu_dtype_is_block(dtype))
		return count * (vnpu_fmt_bits(fmt) / 8);
	if (count % 32)
		return 0;
	/* codes, one scale byte per block, and NVFP4 constants' tensor scale */
	return count * vnpu_fmt_bits(fmt) / 8 + count / vnpu_fmt_block(fmt) +
	       (constant && dtype == VNPU_DTYPE_NVFP4 ? 4 : 0);
}

uint64_t vnpu_shape_count(uint32_t rank, const uint32_t *dims)
{
	uint64_t n = 1;
	uint32_t i;

	for (i = 0; i < rank; i++)
		n *= dims[i];
	return n;
}

const char *vnpu_shape_str(char *buf, size_t size, uint32_t dtype,
			   uint32_t rank, const uint32_t *dims)
{
	size_t len = (size_t)snprintf(buf, size, "%s[", vnpu_dtype_name(dtype));
	uint32_t i;

	for (i = 0; i < rank && len < size; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s%u", i ? "," : "",
					dims[i]);
	if (len < size)
		snprintf(buf + len, size - len, "]");
	return buf;
}

uint64_t vnpu_gt_bytes(const struct vnpu_gtensor *t)
{
	return vnpu_dtype_bytes(t->dtype, vnpu_shape_count(t->rank, t->dims), 0);
}

const struct vnpu_gtensor *vnpu_gt(const vnpu_graph *g, vnpu_tensor t)
{
	return g && t && t <= g->nt ? &g->t[t - 1] : NULL;
}

vnpu_status vnpu_graph_create(vnpu_graph **graph)
{
	if (!graph)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_graph_create: graph is NULL");
	*graph = calloc(1, sizeof(**graph));
	if (!*graph)
		return vnpu_rt_error(VNPU_STATUS_OUT_OF_MEMORY,
				     "vnpu_graph_create: out of memory");
	return VNPU_STATUS_OK;
}

void vnpu_graph_destroy(vnpu_graph *graph)
{
	uint32_t i;

	if (!graph)
		return;
	for (i = 0; i < graph->nt; i++)
		free(graph->t[i].owned);
	free(graph->t);
	free(graph->n);
	free(graph->outputs);
	free(graph);
}

vnpu_status vnpu_gt_check_shape(const char *what, uint32_t dtype, uint32_t rank,
				const uint32_t *dims)
{
	uint32_t i;

	if (dtype < VNPU_DTYPE_FP32 || dtype > VNPU_DTYPE_MAX)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "%s: unknown dtype %u", what, dtype);
	if (rank < 1 || rank > VNPU_MAX_RANK || !dims)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "%s: rank must be 1..%d with dims", what,
				     VNPU_MAX_RANK);
	for (i = 0; i < rank; i++)
		if (!dims[i] || dims[i] > VNPU_CMD_MAX_ELEMS)
			return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
					     "%s: dimension %u is %u (must be 1..%u)",
					     what, i, dims[i], VNPU_CMD_MAX_ELEMS);
	if (vnpu_shape_count(rank, dims) > VNPU_CMD_MAX_ELEMS)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "%s: more than %u elements", what,
				     VNPU_CMD_MAX_ELEMS);
	if (vnpu_dtype_is_block(dtype) && vnpu_shape_count(rank, dims) % 32)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "%s: a %s tensor needs a multiple of 32 elements",
				     what, vnpu_dtype_name(dtype));
	return VNPU_STATUS_OK;
}

vnpu_tensor vnpu_gt_add(vnpu_graph *g, const char *name, uint32_t kind,
			uint32_t dtype, uint32_t rank, const uint32_t *dims)
{
	struct vnpu_gtensor *t;

	if (g->nt == g->tcap) {
		uint32_t cap = g->tcap ? g->tcap * 2 : 16;
		void *p = realloc(g->t, cap * sizeof(*g->t));

		if (!p)
			return 0;
		g->t = p;
		g->tcap = cap;
	}
	t = &g->t[g->nt];
	memset(t, 0, sizeof(*t));
	if (name)
		snprintf(t->name, sizeof(t->name), "%s", name);
	t->kind = kind;
	t->dtype = dtype;
	t->rank = rank;
	memcpy(t->dims, dims, rank * sizeof(*dims));
	return ++g->nt;
}

vnpu_status vnpu_graph_input(vnpu_graph *graph, const char *name,
			     vnpu_dtype dtype, uint32_t rank,
			     const uint32_t *dims, vnpu_tensor *out)
{
	vnpu_status st;
	vnpu_tensor t;

	if (!graph || !out)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_graph_input: graph or out is NULL");
	st = vnpu_gt_check_shape("vnpu_graph_input", dtype, rank, dims);
	if (st)
		return st;
	if (dtype == VNPU_DTYPE_NVFP4)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_graph_input: input '%s' cannot be NVFP4 (its tensor scale must be known at compile time: quantize inside the graph)",
				     name ? name : "");
	t = vnpu_gt_add(graph, name, VNPU_GT_INPUT, dtype, rank, dims);
	if (!t)
		return vnpu_rt_error(VNPU_STATUS_OUT_OF_MEMORY,
				     "vnpu_graph_input: out of memory");
	graph->t[t - 1].index = graph->ninputs++;
	*out = t;
	return VNPU_STATUS_OK;
}

vnpu_status vnpu_graph_constant(vnpu_graph *graph, const char *name,
				vnpu_dtype dtype, uint32_t rank,
				const uint32_t *dims, const void *data,
				size_t size, uint32_t flags, vnpu_tensor *out)
{
	uint64_t want;
	vnpu_status st;
	vnpu_tensor t;
	void *copy = NULL;

	if (!graph || !out || !data)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_graph_constant: graph, data or out is NULL");
	if (flags & ~VNPU_CONST_BORROW)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_graph_constant: unknown flags 0x%x", flags);
	st = vnpu_gt_check_shape("vnpu_graph_constant", dtype, rank, dims);
	if (st)
		return st;
	want = vnpu_dtype_bytes(dtype, vnpu_shape_count(rank, dims), 1);
	if (size != want)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_graph_constant: '%s' is %zu bytes, a %s constant of %llu elements needs %llu",
				     name ? name : "", size, vnpu_dtype_name(dtype),
				     (unsigned long long)vnpu_shape_count(rank, dims),
				     (unsigned long long)want);
	if (!(flags & VNPU_CONST_BORROW)) {
		copy = malloc(size);
		if (!copy)
			return vnpu_rt_error(VNPU_STATUS_OUT_OF_MEMORY,
					     "vnpu_graph_constant: out of memory (%zu bytes)",
					     size);
		memcpy(copy, data, size);
	}
	t = vnpu_gt_add(graph, name, VNPU_GT_CONST, dtype, rank, dims);
	if (!t) {
		free(copy);
		return vnpu_rt_error(VNPU_STATUS_OUT_OF_MEMORY,
				     "vnpu_graph_constant: out of memory");
	}
	graph->t[t - 1].owned = copy;
	graph->t[t - 1].data = copy ? copy : data;
	graph->t[t - 1].data_bytes = size;
	*out = t;
	return VNPU_STATUS_OK;
}

vnpu_status vnpu_graph_output(vnpu_graph *graph, vnpu_tensor t)
{
	struct vnpu_gtensor *gt = graph ? (struct vnpu_gtensor *)vnpu_gt(graph, t) : NULL;
	vnpu_tensor *p;

	if (!gt)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_graph_output: no tensor %u", t);
	if (gt->kind != VNPU_GT_NODE)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_graph_output: tensor %u '%s' is %s (copy it to output it)",
				     t, gt->name,
				     gt->kind == VNPU_GT_INPUT ? "an input" :
				     gt->kind == VNPU_GT_CONST ? "a constant" : "a state");
	if (gt->output)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_graph_output: tensor %u '%s' is already output %u",
				     t, gt->name, gt->output - 1);
	/* Outputs are read from the arena; a state's memory is elsewhere. */
	for (vnpu_tensor a = gt->alias; a; a = graph->t[a - 1].alias)
		if (graph->t[a - 1].kind == VNPU_GT_STATE)
			return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
					     "vnpu_graph_output: tensor %u '%s' is a view of state '%s' (copy it to output it)",
					     t, gt->name, graph->t[a - 1].name);
	p = realloc(graph->outputs, (graph->noutputs + 1) * sizeof(*p));
	if (!p)
		return vnpu_rt_error(VNPU_STATUS_OUT_OF_MEMORY,
				     "vnpu_graph_output: out of memory");
	graph->outputs = p;
	p[graph->noutputs++] = t;
	gt->output = graph->noutputs;
	return VNPU_STATUS_OK;
}

vnpu_status vnpu_graph_tensor_info(const vnpu_graph *graph, vnpu_tensor t,
				   vnpu_dtype *dtype, uint32_t *rank,
				   uint32_t *dims)
{
	const struct vnpu_gtensor *gt = vnpu_gt(graph, t);

	if (!gt)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_graph_tensor_info: no tensor %u", t);
	if (dtype)
		*dtype = gt->dtype;
	if (rank)
		*rank = gt->rank;
	if (dims)
		memcpy(dims, gt->dims, gt->rank * sizeof(*dims));
	return VNPU_STATUS_OK;
}
