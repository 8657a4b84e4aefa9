// SPDX-License-Identifier: MIT
/*
 * Pass 0, Hadamard rotation (vnpu_compile_options.hadamard). FP4 blocks
 * share one scale, so an outlier channel crushes the other values of its
 * block; rotating spreads it over the block first. For every matmul
 * whose weights are an FP32 constant (not an embedding table) and whose
 * input is FP32, the compiler works on a copy of the graph in which
 *   - the weights are a new constant: W with each row rotated offline by
 *     vnpu_hadamard_rotate() (W H^T, blocks of the inner dimension K),
 *   - the input is the result of a HADAMARD node rotating x the same way
 *     on the card (x H^T; one node per input, shared by the matmuls that
 *     read it, written in place over x when x dies there),
 * so that (x H^T)(W H^T)^T = x W^T in exact arithmetic: only the
 * quantization error changes. The rest of the pipeline then runs on the
 * copy as on any graph.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vnpu_engine/formats.h>

#include "vnpu_graph_internal.h"
#include "vnpu_graph_ops.h"
#include "vnpu_internal.h"

/* The signs of every rotation the compiler emits. */
#define VNPU_HADAMARD_SEED 0x9e3779b97f4a7c15ull
#define VNPU_HADAMARD_AUTO_MAX 4096u

/* Whether constant W is the table of some gather. */
static bool vnpu_had_is_table(const vnpu_graph *g, vnpu_tensor w)
{
	uint32_t i;

	for (i = 0; i < g->nn; i++)
		if (g->n[i].op == VNPU_GOP_GATHER && g->n[i].in[0] == w)
			return true;
	return false;
}

/* The rotation block of matmul node N (0: not rotated), or an error. */
static vnpu_status vnpu_had_block(const vnpu_graph *g, uint32_t i, uint32_t opt,
				  uint32_t *block)
{
	const struct vnpu_gnode *n = &g->n[i];
	const struct vnpu_gtensor *x = &g->t[n->in[0] - 1], *w = &g->t[n->in[1] - 1];
	uint32_t k = x->dims[x->rank - 1];

	*block = 0;
	if (n->op != VNPU_GOP_MATMUL || w->kind != VNPU_GT_CONST ||
	    w->dtype != VNPU_DTYPE_FP32 || x->dtype != VNPU_DTYPE_FP32 ||
	    vnpu_had_is_table(g, n->in[1]))
		return VNPU_STATUS_OK;
	if (opt == 1) {
		/* The largest power of two dividing K (K is a multiple of 32). */
		*block = k & -k;
		if (*block > VNPU_HADAMARD_AUTO_MAX)
			*block = VNPU_HADAMARD_AUTO_MAX;
		return VNPU_STATUS_OK;
	}
	if (k % opt)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "node %u '%s' (matmul): K = %u is not a multiple of the Hadamard block %u",
				     i, n->name, k, opt);
	*block = opt;
	return VNPU_STATUS_OK;
}

/* Append a tensor of T's name, type and shape (kind KIND) to G (whose
 * arrays have room: no reallocation moves T); its id. */
static vnpu_tensor vnpu_had_tensor(vnpu_graph *g, const struct vnpu_gtensor *t,
				   uint32_t kind)
{
	return vnpu_gt_add(g, t->name, kind, t->dtype, t->rank, t->dims);
}

/* W rotated row by row into a new constant of G; its id (0: no memory). */
static vnpu_tensor vnpu_had_weights(vnpu_graph *g, vnpu_tensor w, uint32_t block)
{
	const struct vnpu_gtensor *tw = &g->t[w - 1];
	uint64_t bytes = tw->data_bytes;
	const void *src = tw->data;
	vnpu_tensor id;
	float *rot;

	rot = malloc(bytes);
	if (!rot)
		return 0;
	memcpy(rot, src, bytes);
	vnpu_hadamard_rotate(rot, bytes / 4, block, VNPU_HADAMARD_SEED, false);
	id = vnpu_had_tensor(g, tw, VNPU_GT_CONST);
	if (!id) {
		free(rot);
		return 0;
	}
	g->t[id - 1].data = rot;
	g->t[id - 1].owned = rot;
	g->t[id - 1].data_bytes = bytes;
	return id;
}

/* Append a HADAMARD node rotating X (as node NAME's input) to G; its result. */
static vnpu_tensor vnpu_had_node(vnpu_graph *g, vnpu_tensor x, uint32_t block,
				 const char *name)
{
	struct vnpu_gnode *n = &g->n[g->nn];
	vnpu_tensor id = vnpu_had_tensor(g, &g->t[x - 1], VNPU_GT_NODE);

	if (!id)
		return 0;
	memset(n, 0, sizeof(*n));
	n->op = VNPU_GOP_HADAMARD;
	snprintf(n->name, sizeof(n->name), "%.27s.rot", name);
	n->in[0] = x;
	n->nin = 1;
	n->out[0] = id;
	n->nout = 1;
	n->u[0] = block;
	n->u[2] = (uint32_t)VNPU_HADAMARD_SEED;
	n->u[3] = (uint32_t)(VNPU_HADAMARD_SEED >> 32);
	memcpy(g->t[id - 1].name, n->name, sizeof(n->name));
	g->t[id - 1].producer = g->nn++;
	return id;
}

vnpu_status vnpu_hadamard_rewrite(const vnpu_graph *g, uint32_t opt, vnpu_graph **out)
{
	vnpu_tensor *xrot = NULL, *wrot = NULL;
	vnpu_status st = VNPU_STATUS_OK;
	uint32_t i, k, nt = g->nt, nmm = 0;
	vnpu_graph *ng;

	*out = NULL;
	for (i = 0; i < g->nn; i++)
		nmm += g->n[i].op == VNPU_GOP_MATMUL;
	ng = calloc(1, sizeof(*ng));
	if (!ng)
		goto oom;
	*ng = *g;
	ng->nt = 0;	/* until the tensors are copied */
	ng->tcap = nt + 2 * nmm + 1;
	ng->ncap = g->nn + nmm + 1;
	ng->t = calloc(ng->tcap, sizeof(*ng->t));
	ng->n = calloc(ng->ncap, sizeof(*ng->n));
	ng->outputs = malloc((g->noutputs + 1) * sizeof(*ng->outputs));
	xrot = calloc(nt + 1, sizeof(*xrot));
	wrot = calloc(nt + 1, sizeof(*wrot));
	if (!ng->t || !ng->n || !ng->outputs || !xrot || !wrot)
		goto oom;
	/* The copy borrows the original's constant data. */
	if (nt)
		memcpy(ng->t, g->t, nt * sizeof(*ng->t));
	ng->nt = nt;
	for (i = 0; i < nt; i++)
		ng->t[i].owned = NULL;
	if (g->noutputs)
		memcpy(ng->outputs, g->outputs, g->noutputs * sizeof(*ng->outputs));
	ng->nn = 0;
	for (i = 0; i < g->nn && !st; i++) {
		struct vnpu_gnode n = g->n[i];
		uint32_t block;

		st = vnpu_had_block(g, i, opt, &block);
		if (st || !block)
			goto append;
		if (!xrot[n.in[0]])
			xrot[n.in[0]] = vnpu_had_node(ng, n.in[0], block, n.name);
		if (!wrot[n.in[1]])
			wrot[n.in[1]] = vnpu_had_weights(ng, n.in[1], block);
		if (!xrot[n.in[0]] || !wrot[n.in[1]])
			goto oom;
		n.in[0] = xrot[n.in[0]];
		n.in[1] = wrot[n.in[1]];
append:
		for (k = 0; k < n.nout; k++)
			ng->t[n.out[k] - 1].producer = ng->nn;
		ng->n[ng->nn++] = n;
	}
	free(xrot);
	free(wrot);
	if (st) {
		vnpu_graph_destroy(ng);
		return st;
	}
	*out = ng;
	return VNPU_STATUS_OK;
oom:
	free(xrot);
	free(wrot);
	vnpu_graph_destroy(ng);
	return vnpu_rt_error(VNPU_STATUS_OUT_OF_MEMORY, "vnpu_graph_compile: out of memory");
}
