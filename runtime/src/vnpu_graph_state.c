// SPDX-License-Identifier: MIT
/*
 * State tensors: memory outside the program that the application binds
 * (a KV cache shared by the prefill and decode programs), and the
 * assignments that give a state its value at the end of a run. The
 * compiler decides where each value lives (vnpu_pass_memplan.c) and the
 * program binds the states' buffers (vnpu_program_state.c).
 */
#include <stdio.h>
#include <string.h>

#include "vnpu_graph_internal.h"
#include "vnpu_graph_ops.h"
#include "vnpu_internal.h"


vnpu_status vnpu_graph_state(vnpu_graph *graph, const char *name,
			     vnpu_dtype dtype, uint32_t rank,
			     const uint32_t *dims, vnpu_tensor *out)
{
	vnpu_status st;
	vnpu_tensor t;

	if (!graph || !out)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_graph_state: graph or out is NULL");
	st = vnpu_gt_check_shape("vnpu_graph_state", dtype, rank, dims);
	if (st)
		return st;
	if (dtype == VNPU_DTYPE_NVFP4)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_graph_state: state '%s' cannot be NVFP4 (its tensor scale must be known at compile time)",
				     name ? name : "");
	if (graph->nstates >= VNPU_PROG_MAX_STATES)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_graph_state: state '%s': a graph has at most %u states",
				     name ? name : "", VNPU_PROG_MAX_STATES);
	t = vnpu_gt_add(graph, name, VNPU_GT_STATE, dtype, rank, dims);
	if (!t)
		return vnpu_rt_error(VNPU_STATUS_OUT_OF_MEMORY,
				     "vnpu_graph_state: out of memory");
	graph->t[t - 1].index = graph->nstates++;
	*out = t;
	return VNPU_STATUS_OK;
}

vnpu_status vnpu_graph_assign(vnpu_graph *graph, const char *name,
			      vnpu_tensor state, vnpu_tensor value)
{
	struct vnpu_gtensor *s = graph ? (struct vnpu_gtensor *)vnpu_gt(graph, state) : NULL;
	struct vnpu_gtensor *v = graph ? (struct vnpu_gtensor *)vnpu_gt(graph, value) : NULL;
	char ss[64], vs[64];

	if (!name)
		name = "";
	if (!s || !v)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_graph_assign '%s': no tensor %u", name,
				     s ? value : state);
	if (s->kind != VNPU_GT_STATE)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_graph_assign '%s': tensor %u '%s' is not a state (vnpu_graph_state())",
				     name, state, s->name);
	if (s->value)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_graph_assign '%s': state '%s' is already assigned tensor %u",
				     name, s->name, s->value);
	/* Follow views: the value must be memory the graph computes. */
	{
		const struct vnpu_gtensor *r = v;

		while (r->alias)
			r = &graph->t[r->alias - 1];
		if (r->kind != VNPU_GT_NODE)
			return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
					     "vnpu_graph_assign '%s': value %u '%s' is %s%s (copy it first)",
					     name, value, v->name, r == v ? "" : "a view of ",
					     r->kind == VNPU_GT_INPUT ? "an input" :
					     r->kind == VNPU_GT_CONST ? "a constant" : "a state");
	}
	if (v->dtype != s->dtype || v->rank != s->rank ||
	    memcmp(v->dims, s->dims, s->rank * sizeof(s->dims[0])))
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_graph_assign '%s': value %s and state '%s' %s differ in type or shape",
				     name, vnpu_shape_str(vs, sizeof(vs), v->dtype, v->rank, v->dims),
				     s->name, vnpu_shape_str(ss, sizeof(ss), s->dtype, s->rank, s->dims));
	s->value = value;
	v->assigned++;
	return VNPU_STATUS_OK;
}
