// SPDX-License-Identifier: MIT
/*
 * Pass 1, validation: what the builders could not check node by node.
 * The builders already checked every operand's type and shape, and a
 * node can only name tensors that existed when it was added, so the
 * graph is acyclic by construction; what is left is the whole-graph
 * view: outputs, and the per-node state the later passes start from.
 */
#include "vnpu_graph_internal.h"
#include "vnpu_internal.h"

uint32_t vnpu_gc_operands(const struct vnpu_gc *c, uint32_t i,
			  vnpu_tensor ops[VNPU_GNODE_MAX_IN + 1])
{
	const struct vnpu_gnode *n = &c->g->n[i];
	uint32_t k, cnt = 0;

	for (k = 0; k < n->nin; k++)
		if (n->in[k] && !(n->op == VNPU_GOP_MATMUL && k == 2))
			ops[cnt++] = n->in[k];
	if (n->op == VNPU_GOP_MATMUL && c->n[i].bias)
		ops[cnt++] = c->n[i].bias;
	return cnt;
}

uint32_t vnpu_gc_results(const struct vnpu_gc *c, uint32_t i,
			 vnpu_tensor outs[VNPU_GNODE_MAX_OUT])
{
	const struct vnpu_gnode *n = &c->g->n[i];
	uint32_t k;

	for (k = 0; k < n->nout; k++)
		outs[k] = n->out[k];
	outs[0] = c->n[i].out;
	return n->nout;
}

void vnpu_gc_count_uses(struct vnpu_gc *c)
{
	vnpu_tensor ops[VNPU_GNODE_MAX_IN + 1];
	uint32_t i, k, cnt;

	for (i = 0; i < c->g->nt; i++)
		c->t[i].uses = 0;
	for (i = 0; i < c->g->nn; i++) {
		if (c->n[i].dead)
			continue;
		cnt = vnpu_gc_operands(c, i, ops);
		for (k = 0; k < cnt; k++)
			c->t[ops[k] - 1].uses++;
	}
}

vnpu_status vnpu_pass_validate(struct vnpu_gc *c)
{
	const vnpu_graph *g = c->g;
	uint32_t i;
	bool assigns = false;

	for (i = 0; i < g->nt; i++)
		assigns |= g->t[i].kind == VNPU_GT_STATE && g->t[i].value;
	if (!g->noutputs && !assigns)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_graph_compile: the graph has no outputs (vnpu_graph_output()) and assigns no state (vnpu_graph_assign())");
	for (i = 0; i < g->nn; i++) {
		c->n[i].out = g->n[i].out[0];
		if (g->n[i].op == VNPU_GOP_MATMUL) {
			c->n[i].bias = g->n[i].in[2];
			c->n[i].act = g->n[i].u[0];
		}
	}
	for (i = 0; i < g->nt; i++) {
		c->t[i].def = g->t[i].kind == VNPU_GT_NODE ? (int64_t)g->t[i].producer : -1;
		c->t[i].last_use = -1;
		c->t[i].root = i + 1;
	}
	vnpu_gc_count_uses(c);
	return VNPU_STATUS_OK;
}
