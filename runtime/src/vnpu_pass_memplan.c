// SPDX-License-Identifier: MIT
/*
 * Pass 5, memory planning. Inputs, outputs and intermediates share one
 * arena; each tensor that owns memory (a "root": not a view, not written
 * in place over another) gets an interval of nodes during which it is
 * live, from the node writing it (inputs: before the first node) to the
 * last node reading it or any view of it (outputs: to the end). Roots are
 * placed in order of definition at the lowest 64-byte aligned offset not
 * used by a root whose interval overlaps (first fit); the arena is the
 * highest end. peak_live is the largest sum of live roots at one node,
 * the bound no plan can beat.
 *
 * In place: a node whose result may be one of its operands on the card
 * (element-wise ops, norms, softmax, rope, the KV-cache update) writes
 * over that operand when the operand's memory dies at this node, has the
 * same size and is the operand's own memory (not a view). That is how the
 * residual add costs no buffer: x = x + f(x) overwrites the dying x.
 *
 * States live in their own regions (the buffers the application binds).
 * A state's assigned value is placed in the state's memory when nothing
 * reads the old contents after the value is written: by the in-place rule
 * above when the node writing the value is the state's last reader (an
 * attention's cache update), or outright when every reader runs before
 * the value's node. Otherwise emission copies the value at the end.
 * Memory that is (or is viewed by) a graph output stays in the arena,
 * where runs read outputs from.
 */
#include <stdlib.h>
#include <string.h>

#include <drm/vnpu_cmd.h>

#include "vnpu_graph_internal.h"
#include "vnpu_internal.h"

#define VNPU_ALIGN_UP(x) (((x) + VNPU_PROG_ALIGN - 1) / VNPU_PROG_ALIGN * VNPU_PROG_ALIGN)

/* The memory owner of T (follows views, reshapes and in-place links). */
static vnpu_tensor vnpu_plan_root(const struct vnpu_gc *c, vnpu_tensor t)
{
	while (c->t[t - 1].root != t)
		t = c->t[t - 1].root;
	return t;
}

/* Extend the life of T's memory to node I. */
static void vnpu_plan_touch(struct vnpu_gc *c, vnpu_tensor t, int64_t i)
{
	vnpu_tensor r = vnpu_plan_root(c, t);

	if (c->t[r - 1].last_use < i)
		c->t[r - 1].last_use = i;
}

/* Live intervals of every root from the live nodes after fusion. */
static void vnpu_plan_lifetimes(struct vnpu_gc *c)
{
	const vnpu_graph *g = c->g;
	vnpu_tensor ops[VNPU_GNODE_MAX_IN + 1], outs[VNPU_GNODE_MAX_OUT];
	uint32_t i, k, cnt;

	for (i = 0; i < g->nn; i++) {
		if (c->n[i].dead)
			continue;
		cnt = vnpu_gc_operands(c, i, ops);
		for (k = 0; k < cnt; k++)
			vnpu_plan_touch(c, ops[k], i);
		cnt = vnpu_gc_results(c, i, outs);
		for (k = 0; k < cnt; k++) {
			c->t[outs[k] - 1].def = i;
			vnpu_plan_touch(c, outs[k], i);
		}
	}
	for (i = 0; i < g->noutputs; i++)
		vnpu_plan_touch(c, g->outputs[i], g->nn);
	for (i = 0; i < g->nt; i++) {
		if (g->t[i].kind == VNPU_GT_INPUT || g->t[i].kind == VNPU_GT_STATE)
			vnpu_plan_touch(c, i + 1, -1);
		/* A state's value is copied (or already is) at the end. */
		if (g->t[i].assigned)
			vnpu_plan_touch(c, i + 1, g->nn);
	}
}

/* Whether T or a view of T is a graph output. */
static bool vnpu_plan_viewed_output(const struct vnpu_gc *c, vnpu_tensor t)
{
	const vnpu_graph *g = c->g;
	uint32_t i;

	for (i = 0; i < g->noutputs; i++)
		for (vnpu_tensor o = g->outputs[i]; o; o = g->t[o - 1].alias)
			if (o == t)
				return true;
	return false;
}

/* Whether some graph output's memory is R's. */
static bool vnpu_plan_output_root(const struct vnpu_gc *c, vnpu_tensor r)
{
	uint32_t i;

	for (i = 0; i < c->g->noutputs; i++)
		if (vnpu_plan_root(c, c->g->outputs[i]) == r)
			return true;
	return false;
}

/*
 * Whether node I may write result OUT over operand X: X's memory dies at
 * node I, X covers all of it (no view offset) and has OUT's size, and OUT
 * has no memory of its own yet.
 */
static bool vnpu_plan_can_overwrite(const struct vnpu_gc *c, uint32_t i,
				    vnpu_tensor out, vnpu_tensor x)
{
	const vnpu_graph *g = c->g;
	uint64_t bytes = vnpu_gt_bytes(&g->t[out - 1]);
	vnpu_tensor r, t, ops[VNPU_GNODE_MAX_IN + 1];
	uint32_t k, cnt;

	if (!x || g->t[x - 1].kind == VNPU_GT_CONST || c->t[out - 1].root != out ||
	    vnpu_gt_bytes(&g->t[x - 1]) != bytes)
		return false;
	for (t = x; c->t[t - 1].root != t; t = c->t[t - 1].root)
		if (g->t[t - 1].alias_off)
			return false;
	r = t;
	if (c->t[r - 1].last_use != (int64_t)i || vnpu_gt_bytes(&g->t[r - 1]) != bytes)
		return false;
	/* A state's memory only ever takes the state's own value. */
	if (g->t[r - 1].kind == VNPU_GT_STATE &&
	    (g->t[r - 1].value != out || vnpu_plan_viewed_output(c, out)))
		return false;
	/* No other operand may share the memory: the card allows the output
	 * to coincide with an input exactly, never to overlap one partly. */
	cnt = vnpu_gc_operands(c, i, ops);
	for (k = 0; k < cnt; k++)
		if (ops[k] != x && vnpu_plan_root(c, ops[k]) == r)
			return false;
	return true;
}

/* Make OUT live in X's memory, which now lives as long as OUT. */
static void vnpu_plan_link(struct vnpu_gc *c, vnpu_tensor out, vnpu_tensor x)
{
	c->t[out - 1].root = x;
	vnpu_plan_touch(c, x, c->t[out - 1].last_use);
	c->inplace++;
}

/*
 * Whether node I's result OUT (or a view of it without offset) is a
 * state's value that can be written into the state outright (every read
 * of the state comes before node I): then OUT should not take a dying
 * operand's memory, vnpu_plan_states() gives it the state's.
 */
static bool vnpu_plan_for_state(const struct vnpu_gc *c, uint32_t i, vnpu_tensor out)
{
	const vnpu_graph *g = c->g;
	uint32_t k;

	if (!out)
		return false;
	for (k = 0; k < g->nt; k++) {
		vnpu_tensor v = g->t[k].value;

		if (g->t[k].kind != VNPU_GT_STATE || !v ||
		    c->t[k].last_use >= (int64_t)i ||
		    vnpu_gt_bytes(&g->t[k]) != vnpu_gt_bytes(&g->t[out - 1]))
			continue;
		while (v != out && g->t[v - 1].alias && !g->t[v - 1].alias_off)
			v = g->t[v - 1].alias;
		if (v == out && !vnpu_plan_viewed_output(c, out))
			return true;
	}
	return false;
}

/* Link results to dying operands where the card allows out == input. */
static void vnpu_plan_inplace(struct vnpu_gc *c)
{
	const vnpu_graph *g = c->g;
	uint32_t i;

	for (i = 0; i < g->nn; i++) {
		const struct vnpu_gnode *n = &g->n[i];
		vnpu_tensor out = c->n[i].out;
		uint32_t k, cand = 0;

		if (c->n[i].dead || vnpu_plan_for_state(c, i, out))
			continue;
		/* A broadcast over many rows is cheap only into memory of its
		 * own (vnpu_emit_eltwise): do not write it over A. */
		if ((n->op == VNPU_GOP_ADD || n->op == VNPU_GOP_MUL ||
		     n->op == VNPU_GOP_BINARY) && n->in[1] &&
		    vnpu_shape_count(g->t[n->in[1] - 1].rank, g->t[n->in[1] - 1].dims) !=
		    vnpu_shape_count(g->t[out - 1].rank, g->t[out - 1].dims) &&
		    vnpu_shape_count(g->t[out - 1].rank, g->t[out - 1].dims) /
		    vnpu_shape_count(g->t[n->in[1] - 1].rank, g->t[n->in[1] - 1].dims) > 2)
			continue;
		switch (n->op) {
		case VNPU_GOP_ADD: case VNPU_GOP_MUL: case VNPU_GOP_SWIGLU:
		case VNPU_GOP_BINARY:
			cand = 2;
			break;
		case VNPU_GOP_SCALE: case VNPU_GOP_SILU: case VNPU_GOP_GELU:
		case VNPU_GOP_RMSNORM: case VNPU_GOP_LAYERNORM:
		case VNPU_GOP_SOFTMAX: case VNPU_GOP_ROPE: case VNPU_GOP_HADAMARD:
		case VNPU_GOP_UNARY:
			cand = 1;
			break;
		case VNPU_GOP_ATTENTION:
			/* The cache update: each cache written over its input. */
			for (k = 1; k <= 2; k++) {
				if (vnpu_plan_can_overwrite(c, i, n->out[k], n->in[2 + k]))
					vnpu_plan_link(c, n->out[k], n->in[2 + k]);
			}
			continue;
		default:
			continue;
		}
		for (k = 0; k < cand; k++) {
			if (vnpu_plan_can_overwrite(c, i, out, n->in[k])) {
				vnpu_plan_link(c, out, n->in[k]);
				c->n[i].inplace = k + 1;
				break;
			}
		}
	}
}

/*
 * Put each state's value in the state's memory where nothing reads the
 * old contents after the value is written (the in-place rule did the
 * case of a value written by the state's last reader).
 */
static void vnpu_plan_states(struct vnpu_gc *c)
{
	const vnpu_graph *g = c->g;
	uint32_t i;

	for (i = 0; i < g->nt; i++) {
		const struct vnpu_gtensor *s = &g->t[i];
		vnpu_tensor v = s->value, t, r;

		if (s->kind != VNPU_GT_STATE || !v)
			continue;
		for (t = v; c->t[t - 1].root != t; t = c->t[t - 1].root)
			if (g->t[t - 1].alias_off)
				break;
		r = vnpu_plan_root(c, v);
		if (t != r || r == i + 1 || g->t[r - 1].kind != VNPU_GT_NODE ||
		    c->t[r - 1].def < 0 || c->t[i].last_use >= c->t[r - 1].def ||
		    vnpu_gt_bytes(&g->t[r - 1]) != vnpu_gt_bytes(s) ||
		    vnpu_plan_output_root(c, r))
			continue;
		c->t[r - 1].root = i + 1;
		vnpu_plan_touch(c, i + 1, g->nn);
	}
}

/* Place every root (first fit by definition order); the arena's size. */
static vnpu_status vnpu_plan_place(struct vnpu_gc *c)
{
	const vnpu_graph *g = c->g;
	uint32_t *order, nroots = 0, i, j;
	uint64_t end = 0;

	order = malloc((g->nt ? g->nt : 1) * sizeof(*order));
	if (!order)
		return vnpu_rt_error(VNPU_STATUS_OUT_OF_MEMORY,
				     "vnpu_graph_compile: out of memory");
	/* Tensor ids follow definition order already: roots in id order. */
	for (i = 0; i < g->nt; i++) {
		struct vnpu_gc_tensor *t = &c->t[i];
		uint64_t off = 0, bytes = vnpu_gt_bytes(&g->t[i]);
		bool moved = true;

		/* Constants, views, in-place results, and what fusion removed. */
		if (g->t[i].kind == VNPU_GT_CONST || t->root != i + 1 || t->def == -2)
			continue;
		if (g->t[i].kind == VNPU_GT_STATE) {
			t->region = VNPU_PROG_STATE0 + g->t[i].index;
			t->offset = 0;
			continue;
		}
		if (t->last_use < t->def)
			t->last_use = t->def;
		while (moved) {
			moved = false;
			for (j = 0; j < nroots; j++) {
				struct vnpu_gc_tensor *o = &c->t[order[j]];
				uint64_t oend = o->offset + vnpu_gt_bytes(&g->t[order[j]]);

				if (o->last_use < t->def || t->last_use < o->def)
					continue;
				if (off < oend && o->offset < off + bytes) {
					off = VNPU_ALIGN_UP(oend);
					moved = true;
				}
			}
		}
		t->offset = off;
		t->region = VNPU_PROG_ARENA;
		order[nroots++] = i;
		if (off + bytes > end)
			end = off + bytes;
	}
	c->arena_bytes = VNPU_ALIGN_UP(end);
	/* The lower bound: the most bytes live at once. */
	c->peak_live = 0;
	for (i = 0; i <= g->nn + 1; i++) {
		int64_t at = (int64_t)i - 1;
		uint64_t live = 0;

		for (j = 0; j < nroots; j++)
			if (c->t[order[j]].def <= at && at <= c->t[order[j]].last_use)
				live += vnpu_gt_bytes(&g->t[order[j]]);
		if (live > c->peak_live)
			c->peak_live = live;
	}
	free(order);
	return VNPU_STATUS_OK;
}

vnpu_status vnpu_pass_memplan(struct vnpu_gc *c)
{
	const vnpu_graph *g = c->g;
	vnpu_status st;
	uint32_t i;

	/* Views and reshapes live in the memory of what they view; results
	 * are defined by the live node writing them (-2: none, fused away). */
	for (i = 0; i < g->nt; i++) {
		if (g->t[i].alias)
			c->t[i].root = g->t[i].alias;
		if (g->t[i].kind == VNPU_GT_NODE)
			c->t[i].def = -2;
		c->t[i].last_use = -1;
	}
	vnpu_plan_lifetimes(c);
	vnpu_plan_inplace(c);
	vnpu_plan_states(c);
	st = vnpu_plan_place(c);
	if (st)
		return st;
	/* Every arena tensor's address: its root's plus view offsets (ids
	 * are topological, so what a tensor refers to is resolved first). */
	for (i = 0; i < g->nt; i++) {
		struct vnpu_gc_tensor *t = &c->t[i];

		if (g->t[i].kind == VNPU_GT_CONST || t->root == i + 1)
			continue;
		t->region = c->t[t->root - 1].region;
		t->offset = c->t[t->root - 1].offset + g->t[i].alias_off;
	}
	if (c->arena_bytes > VNPU_CMD_MAX_ELEMS * 16ull)
		return vnpu_rt_error(VNPU_STATUS_UNSUPPORTED,
				     "vnpu_graph_compile: the activations need %llu bytes",
				     (unsigned long long)c->arena_bytes);
	return VNPU_STATUS_OK;
}
