// SPDX-License-Identifier: MIT
/*
 * Pass 3, precision assignment. Decides, for every constant, whether it
 * is packed as matmul weights (and in which format) and/or kept as it is
 * (tables, biases, norm parameters), and for every matmul how its input
 * is quantized on the fly.
 *
 * The policy (vnpu_compile_options.keep):
 *  - weights declared in a block type or BF16 keep their format;
 *  - FP32 weights get the options' weight format, except the output head
 *    (VNPU_KEEP_HEAD_BF16) and weights that are also an embedding table
 *    (VNPU_KEEP_EMBEDDINGS_BF16), which get at least BF16 (FP32 if that
 *    is the weight format); such matmuls also keep
 *    exact activations (quantizing the input of a BF16 matmul would lose
 *    what keeping it was for);
 *  - FP32 embedding tables are stored BF16 with VNPU_KEEP_EMBEDDINGS_BF16
 *    (the card gathers FP32 or BF16 rows only: it cannot keep them in FP4);
 *  - norms run in FP32 with FP32 parameters whatever the flags.
 * A weight shared by several matmuls gets the highest precision any of
 * them asks for, so it is packed once.
 */
#include <drm/vnpu_cmd.h>

#include "vnpu_graph_internal.h"
#include "vnpu_internal.h"

static const uint32_t vnpu_act_quant_fmt[] = {
	[VNPU_ACT_QUANT_NONE] = VNPU_CMD_FMT_NONE,
	[VNPU_ACT_QUANT_MXINT8] = VNPU_CMD_FMT_MXINT8,
	[VNPU_ACT_QUANT_MXFP4] = VNPU_CMD_FMT_MXFP4,
	[VNPU_ACT_QUANT_MXFP8] = VNPU_CMD_FMT_MXFP8_E4M3,
	[VNPU_ACT_QUANT_MXFP8_E5M2] = VNPU_CMD_FMT_MXFP8_E5M2,
};

/* Whether tensor T is read by a live gather as its table. */
static bool vnpu_prec_is_table(const struct vnpu_gc *c, vnpu_tensor t)
{
	uint32_t i;

	for (i = 0; i < c->g->nn; i++)
		if (!c->n[i].dead && c->g->n[i].op == VNPU_GOP_GATHER &&
		    c->g->n[i].in[0] == t)
			return true;
	return false;
}

/* The live node reading T if it is its only reader, else -1. */
static int64_t vnpu_prec_sole_reader(const struct vnpu_gc *c, vnpu_tensor t)
{
	vnpu_tensor ops[VNPU_GNODE_MAX_IN + 1];
	uint32_t i, k, cnt;

	if (c->t[t - 1].uses != 1)
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

/*
 * Whether matmul I is the output head: its result, through any bias add
 * and activation (fused or not, so the policy does not depend on the
 * fusion pass), is a graph output.
 */
static bool vnpu_prec_is_head(const struct vnpu_gc *c, uint32_t i)
{
	const vnpu_graph *g = c->g;
	vnpu_tensor t = c->n[i].out;
	int64_t j;

	while (!g->t[t - 1].output) {
		j = vnpu_prec_sole_reader(c, t);
		if (j < 0 || !(g->n[j].op == VNPU_GOP_SILU || g->n[j].op == VNPU_GOP_GELU ||
			       (g->n[j].op == VNPU_GOP_ADD && g->n[j].in[0] == t &&
				g->t[g->n[j].in[1] - 1].rank == 1)))
			return false;
		t = g->n[j].out[0];
	}
	return true;
}

/* Whether matmul I must keep BF16 weights and exact activations. */
static bool vnpu_prec_keep(const struct vnpu_gc *c, uint32_t i)
{
	vnpu_tensor w = c->g->n[i].in[1];

	if ((c->o.keep & VNPU_KEEP_HEAD_BF16) && vnpu_prec_is_head(c, i))
		return true;
	return (c->o.keep & VNPU_KEEP_EMBEDDINGS_BF16) && vnpu_prec_is_table(c, w);
}

/* A rank of precision, to pick the highest among a weight's matmuls. */
static uint32_t vnpu_prec_rank(uint32_t fmt)
{
	switch (fmt) {
	case VNPU_CMD_FMT_FP32: return 5;
	case VNPU_CMD_FMT_BF16: return 4;
	case VNPU_CMD_FMT_MXFP8_E4M3: return 3;
	case VNPU_CMD_FMT_MXFP8_E5M2: return 2;
	case VNPU_CMD_FMT_NVFP4: return 1;
	}
	return 0;
}

vnpu_status vnpu_pass_precision(struct vnpu_gc *c)
{
	const vnpu_graph *g = c->g;
	vnpu_tensor ops[VNPU_GNODE_MAX_IN + 1];
	uint32_t i, k, cnt;

	for (i = 0; i < g->nn; i++) {
		const struct vnpu_gnode *n = &g->n[i];
		struct vnpu_gc_tensor *w;
		uint32_t fmt;
		bool keep;

		if (c->n[i].dead)
			continue;
		/* Every operand is read as it is, except a matmul's weights
		 * (which may also be its input, or another node's operand). */
		cnt = vnpu_gc_operands(c, i, ops);
		for (k = 0; k < cnt; k++) {
			bool as_weight = n->op == VNPU_GOP_MATMUL && k == 1;

			if (g->t[ops[k] - 1].kind == VNPU_GT_CONST && !as_weight)
				c->t[ops[k] - 1].raw_use = true;
		}
		if (n->op == VNPU_GOP_GATHER && g->t[n->in[0] - 1].dtype == VNPU_DTYPE_FP32)
			c->t[n->in[0] - 1].raw_bf16 =
				!!(c->o.keep & VNPU_KEEP_EMBEDDINGS_BF16);
		if (n->op != VNPU_GOP_MATMUL)
			continue;
		w = &c->t[n->in[1] - 1];
		keep = vnpu_prec_keep(c, i);
		if (g->t[n->in[1] - 1].dtype != VNPU_DTYPE_FP32)
			fmt = vnpu_dtype_cmd_fmt(g->t[n->in[1] - 1].dtype);
		else
			fmt = vnpu_dtype_cmd_fmt(c->o.weight_format);
		/* Kept means at least BF16: FP32 weights asked for stay FP32. */
		if (keep && g->t[n->in[1] - 1].dtype == VNPU_DTYPE_FP32 &&
		    vnpu_prec_rank(fmt) < vnpu_prec_rank(VNPU_CMD_FMT_BF16))
			fmt = VNPU_CMD_FMT_BF16;
		if (!w->mm_use || vnpu_prec_rank(fmt) > vnpu_prec_rank(w->wfmt))
			w->wfmt = fmt;
		w->mm_use = true;
		c->n[i].a_quant = keep ? VNPU_CMD_FMT_NONE : vnpu_act_quant_fmt[c->o.act_quant];
	}
	return VNPU_STATUS_OK;
}
