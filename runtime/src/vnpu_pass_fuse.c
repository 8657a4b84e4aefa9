// SPDX-License-Identifier: MIT
/*
 * Pass 2, fusion: a matmul followed by a bias add and an activation
 * becomes one MATMUL packet (the card applies bias and activation in the
 * matmul's epilogue, so the intermediate never reaches memory). A step is
 * folded only when the intermediate has that single consumer and is not a
 * graph output or a state's value: otherwise someone still needs it.
 *
 * The residual add cannot fold into the matmul (the packet has no
 * accumulate input); it is handled by the memory planner, which lets it
 * write in place over the operand that dies there.
 */
#include "vnpu_graph_internal.h"
#include "vnpu_internal.h"

/* The only live node reading T, or -1. */
static int64_t vnpu_fuse_consumer(const struct vnpu_gc *c, vnpu_tensor t)
{
	vnpu_tensor ops[VNPU_GNODE_MAX_IN + 1];
	uint32_t i, k, cnt;

	if (c->t[t - 1].uses != 1 || c->g->t[t - 1].output || c->g->t[t - 1].assigned)
		return -1;
	for (i = 0; i < c->g->nn; i++) {
		if (c->n[i].dead)
			continue;
		cnt = vnpu_gc_operands(c, i, ops);
		for (k = 0; k < cnt; k++)
			if (ops[k] == t)
				return i;
	}
	return -1;
}

/* Fold a bias add into matmul I if its result's consumer is one. */
static bool vnpu_fuse_bias(struct vnpu_gc *c, uint32_t i)
{
	const vnpu_graph *g = c->g;
	vnpu_tensor t = c->n[i].out, bias;
	const struct vnpu_gtensor *tb;
	int64_t j;

	if (c->n[i].bias || c->n[i].act || g->t[t - 1].dtype != VNPU_DTYPE_FP32)
		return false;
	j = vnpu_fuse_consumer(c, t);
	if (j < 0 || g->n[j].op != VNPU_GOP_ADD || g->n[j].in[0] != t)
		return false;
	bias = g->n[j].in[1];
	tb = vnpu_gt(g, bias);
	/* A broadcast [N] vector that exists before the matmul runs. */
	if (tb->rank != 1 || c->t[bias - 1].def >= (int64_t)i)
		return false;
	c->n[i].bias = bias;
	c->n[i].out = g->n[j].out[0];
	c->n[j].dead = true;
	return true;
}

static bool vnpu_fuse_act(struct vnpu_gc *c, uint32_t i)
{
	const vnpu_graph *g = c->g;
	vnpu_tensor t = c->n[i].out;
	int64_t j;

	if (c->n[i].act || g->t[t - 1].dtype != VNPU_DTYPE_FP32)
		return false;
	j = vnpu_fuse_consumer(c, t);
	if (j < 0)
		return false;
	if (g->n[j].op == VNPU_GOP_SILU)
		c->n[i].act = VNPU_ACTIVATION_SILU;
	else if (g->n[j].op == VNPU_GOP_GELU)
		c->n[i].act = g->n[j].u[0] ? VNPU_ACTIVATION_GELU_TANH : VNPU_ACTIVATION_GELU;
	else
		return false;
	c->n[i].out = g->n[j].out[0];
	c->n[j].dead = true;
	return true;
}

vnpu_status vnpu_pass_fuse(struct vnpu_gc *c)
{
	uint32_t i;

	if (!c->o.fuse)
		return VNPU_STATUS_OK;
	for (i = 0; i < c->g->nn; i++) {
		if (c->n[i].dead || c->g->n[i].op != VNPU_GOP_MATMUL)
			continue;
		if (vnpu_fuse_bias(c, i)) {
			c->fused++;
			vnpu_gc_count_uses(c);
		}
		if (vnpu_fuse_act(c, i)) {
			c->fused++;
			vnpu_gc_count_uses(c);
		}
	}
	return VNPU_STATUS_OK;
}
