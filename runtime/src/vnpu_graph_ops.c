// SPDX-License-Identifier: MIT
/*
 * The operation builders. Each checks its operands against the card's
 * rules (types the ISA reads, shapes, limits) before anything is added,
 * so an error names the node it would have been and the graph is left
 * as it was.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <drm/vnpu_cmd.h>

#include "vnpu_graph_internal.h"
#include "vnpu_graph_ops.h"
#include "vnpu_internal.h"

/* A node being built: where its error messages point. */
struct vnpu_gb {
	vnpu_graph *g;
	uint32_t op;
	const char *name;
};

static vnpu_status vnpu_gb_err(const struct vnpu_gb *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static vnpu_status vnpu_gb_err(const struct vnpu_gb *b, const char *fmt, ...)
{
	char msg[384];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT, "node %u '%s' (%s): %s",
			     b->g ? b->g->nn : 0, b->name ? b->name : "",
			     vnpu_gop_name(b->op), msg);
}

/* The shape of T as text, in one of four rotating per-thread buffers so
 * a message can show several. */
static const char *vnpu_gb_shape(const struct vnpu_gb *b, vnpu_tensor t)
{
	static _Thread_local char bufs[4][64];
	static _Thread_local unsigned int next;
	const struct vnpu_gtensor *gt = vnpu_gt(b->g, t);
	char *buf = bufs[next++ % 4];

	if (!gt)
		return "(none)";
	return vnpu_shape_str(buf, 64, gt->dtype, gt->rank, gt->dims);
}

/* Operand T must exist (WHAT names it). */
static vnpu_status vnpu_gb_get(const struct vnpu_gb *b, const char *what,
			       vnpu_tensor t, const struct vnpu_gtensor **out)
{
	*out = vnpu_gt(b->g, t);
	if (!*out)
		return vnpu_gb_err(b, "%s: no tensor %u", what, t);
	return VNPU_STATUS_OK;
}

static vnpu_status vnpu_gb_fp32(const struct vnpu_gb *b, const char *what,
				vnpu_tensor t, const struct vnpu_gtensor **out)
{
	vnpu_status st = vnpu_gb_get(b, what, t, out);

	if (!st && (*out)->dtype != VNPU_DTYPE_FP32)
		return vnpu_gb_err(b, "%s %s must be fp32", what, vnpu_gb_shape(b, t));
	return st;
}

/* A [N] FP32 vector matching N, or 0 when OPTIONAL. */
static vnpu_status vnpu_gb_vec(const struct vnpu_gb *b, const char *what,
			       vnpu_tensor t, uint32_t n)
{
	const struct vnpu_gtensor *gt;
	vnpu_status st;

	if (!t)
		return VNPU_STATUS_OK;
	st = vnpu_gb_fp32(b, what, t, &gt);
	if (st)
		return st;
	if (gt->rank != 1 || gt->dims[0] != n)
		return vnpu_gb_err(b, "%s %s must be fp32[%u]", what,
				   vnpu_gb_shape(b, t), n);
	return VNPU_STATUS_OK;
}

/*
 * Append the node N (op, inputs and attributes filled in) with NOUT
 * results of the given types and shapes; the ids go to OUTS.
 */
static vnpu_status vnpu_gb_commit(const struct vnpu_gb *b, struct vnpu_gnode *n,
				  uint32_t nout, const uint32_t *dtypes,
				  const uint32_t *ranks,
				  const uint32_t (*dims)[VNPU_MAX_RANK],
				  vnpu_tensor **outs)
{
	vnpu_graph *g = b->g;
	uint32_t i, nt0 = g->nt;

	if (g->nn == g->ncap) {
		uint32_t cap = g->ncap ? g->ncap * 2 : 16;
		void *p = realloc(g->n, cap * sizeof(*g->n));

		if (!p)
			return vnpu_rt_error(VNPU_STATUS_OUT_OF_MEMORY,
					     "node %u: out of memory", g->nn);
		g->n = p;
		g->ncap = cap;
	}
	n->op = b->op;
	if (b->name)
		snprintf(n->name, sizeof(n->name), "%s", b->name);
	for (i = 0; i < nout; i++) {
		vnpu_tensor t = vnpu_gt_add(g, b->name, VNPU_GT_NODE, dtypes[i],
					    ranks[i], dims[i]);

		if (!t) {
			g->nt = nt0;
			return vnpu_rt_error(VNPU_STATUS_OUT_OF_MEMORY,
					     "node %u: out of memory", g->nn);
		}
		g->t[t - 1].producer = g->nn;
		n->out[i] = t;
	}
	n->nout = nout;
	g->n[g->nn++] = *n;
	for (i = 0; i < nout; i++)
		if (outs[i])
			*outs[i] = n->out[i];
	return VNPU_STATUS_OK;
}

/* Commit a node with one result of X's shape and type DTYPE. */
static vnpu_status vnpu_gb_commit1(const struct vnpu_gb *b, struct vnpu_gnode *n,
				   uint32_t dtype, uint32_t rank,
				   const uint32_t *dims, vnpu_tensor *out)
{
	uint32_t d[1][VNPU_MAX_RANK];

	memcpy(d[0], dims, rank * sizeof(*dims));
	return vnpu_gb_commit(b, n, 1, &dtype, &rank, d, &out);
}

#define VNPU_GB_START(op_, what)					\
	struct vnpu_gb b = { .g = graph, .op = (op_), .name = name };	\
	struct vnpu_gnode n = { 0 };					\
	if (!graph || !(what))						\
		return vnpu_gb_err(&b, "graph or out is NULL")

vnpu_status vnpu_graph_matmul(vnpu_graph *graph, const char *name,
			      vnpu_tensor x, vnpu_tensor w, vnpu_tensor bias,
			      vnpu_activation act, vnpu_dtype out_dtype,
			      vnpu_tensor *out)
{
	const struct vnpu_gtensor *tx, *tw;
	uint32_t dims[VNPU_MAX_RANK], k, nn;
	uint64_t m;
	vnpu_status st;
	VNPU_GB_START(VNPU_GOP_MATMUL, out);

	if ((st = vnpu_gb_get(&b, "x", x, &tx)) || (st = vnpu_gb_get(&b, "w", w, &tw)))
		return st;
	if (tx->dtype != VNPU_DTYPE_FP32 && tx->dtype != VNPU_DTYPE_BF16)
		return vnpu_gb_err(&b, "x %s must be fp32 or bf16", vnpu_gb_shape(&b, x));
	if (tw->kind != VNPU_GT_CONST)
		return vnpu_gb_err(&b, "w %s must be a constant (weights are packed when compiling)",
				   vnpu_gb_shape(&b, w));
	if (tw->rank != 2 || (tw->dtype != VNPU_DTYPE_FP32 && tw->dtype != VNPU_DTYPE_BF16 &&
			      !vnpu_dtype_is_block(tw->dtype)))
		return vnpu_gb_err(&b, "w %s must be [N, K] of fp32, bf16 or a block type",
				   vnpu_gb_shape(&b, w));
	k = tx->dims[tx->rank - 1];
	nn = tw->dims[0];
	if (tw->dims[1] != k)
		return vnpu_gb_err(&b, "x %s and w %s disagree on K (%u vs %u)",
				   vnpu_gb_shape(&b, x), vnpu_gb_shape(&b, w), k,
				   tw->dims[1]);
	if (k % 32 || k > VNPU_CMD_MAX_K)
		return vnpu_gb_err(&b, "K = %u must be a multiple of 32 up to %u (x %s)",
				   k, VNPU_CMD_MAX_K, vnpu_gb_shape(&b, x));
	m = vnpu_shape_count(tx->rank, tx->dims) / k;
	if (m > VNPU_CMD_MAX_MN || nn > VNPU_CMD_MAX_MN)
		return vnpu_gb_err(&b, "M = %llu or N = %u exceeds %u",
				   (unsigned long long)m, nn, VNPU_CMD_MAX_MN);
	if ((st = vnpu_gb_vec(&b, "bias", bias, nn)))
		return st;
	if ((unsigned int)act > VNPU_ACTIVATION_GELU_TANH)
		return vnpu_gb_err(&b, "unknown activation %d", (int)act);
	if (out_dtype != VNPU_DTYPE_FP32 && out_dtype != VNPU_DTYPE_BF16)
		return vnpu_gb_err(&b, "the result must be fp32 or bf16, not %s",
				   vnpu_dtype_name(out_dtype));
	memcpy(dims, tx->dims, sizeof(dims));
	dims[tx->rank - 1] = nn;
	n.in[0] = x;
	n.in[1] = w;
	n.in[2] = bias;
	n.nin = 3;
	n.u[0] = act;
	return vnpu_gb_commit1(&b, &n, out_dtype, tx->rank, dims, out);
}

static vnpu_status vnpu_graph_binary(vnpu_graph *graph, const char *name,
				     uint32_t op, vnpu_tensor a, vnpu_tensor bt,
				     vnpu_tensor *out, int broadcast)
{
	const struct vnpu_gtensor *ta, *tb;
	vnpu_status st;
	VNPU_GB_START(op, out);

	if ((st = vnpu_gb_fp32(&b, "a", a, &ta)) || (st = vnpu_gb_fp32(&b, "b", bt, &tb)))
		return st;
	if (!(tb->rank == ta->rank &&
	      !memcmp(ta->dims, tb->dims, ta->rank * sizeof(ta->dims[0]))) &&
	    !(broadcast && tb->rank == 1 && tb->dims[0] == ta->dims[ta->rank - 1]))
		return vnpu_gb_err(&b, "shapes %s and %s do not match%s",
				   vnpu_gb_shape(&b, a), vnpu_gb_shape(&b, bt),
				   broadcast ? " (b must be a's shape or [last dim])" : "");
	n.in[0] = a;
	n.in[1] = bt;
	n.nin = 2;
	return vnpu_gb_commit1(&b, &n, VNPU_DTYPE_FP32, ta->rank, ta->dims, out);
}

vnpu_status vnpu_graph_add(vnpu_graph *graph, const char *name, vnpu_tensor a,
			   vnpu_tensor b, vnpu_tensor *out)
{
	return vnpu_graph_binary(graph, name, VNPU_GOP_ADD, a, b, out, 1);
}

vnpu_status vnpu_graph_mul(vnpu_graph *graph, const char *name, vnpu_tensor a,
			   vnpu_tensor b, vnpu_tensor *out)
{
	return vnpu_graph_binary(graph, name, VNPU_GOP_MUL, a, b, out, 1);
}

vnpu_status vnpu_graph_swiglu(vnpu_graph *graph, const char *name,
			      vnpu_tensor gate, vnpu_tensor up, vnpu_tensor *out)
{
	return vnpu_graph_binary(graph, name, VNPU_GOP_SWIGLU, gate, up, out, 0);
}

static vnpu_status vnpu_graph_unary(vnpu_graph *graph, const char *name,
				    uint32_t op, vnpu_tensor x, uint32_t u0,
				    float f0, vnpu_tensor *out)
{
	const struct vnpu_gtensor *tx;
	vnpu_status st;
	VNPU_GB_START(op, out);

	if ((st = vnpu_gb_fp32(&b, "x", x, &tx)))
		return st;
	if (op == VNPU_GOP_SCALE && !isfinite(f0))
		return vnpu_gb_err(&b, "the factor is not finite");
	n.in[0] = x;
	n.nin = 1;
	n.u[0] = u0;
	n.f[0] = f0;
	return vnpu_gb_commit1(&b, &n, VNPU_DTYPE_FP32, tx->rank, tx->dims, out);
}

vnpu_status vnpu_graph_scale(vnpu_graph *graph, const char *name, vnpu_tensor x,
			     float factor, vnpu_tensor *out)
{
	return vnpu_graph_unary(graph, name, VNPU_GOP_SCALE, x, 0, factor, out);
}

vnpu_status vnpu_graph_silu(vnpu_graph *graph, const char *name, vnpu_tensor x,
			    vnpu_tensor *out)
{
	return vnpu_graph_unary(graph, name, VNPU_GOP_SILU, x, 0, 0, out);
}

vnpu_status vnpu_graph_gelu(vnpu_graph *graph, const char *name, vnpu_tensor x,
			    int tanh, vnpu_tensor *out)
{
	return vnpu_graph_unary(graph, name, VNPU_GOP_GELU, x, !!tanh, 0, out);
}

static vnpu_status vnpu_graph_norm(vnpu_graph *graph, const char *name,
				   uint32_t op, vnpu_tensor x, vnpu_tensor gamma,
				   vnpu_tensor beta, float eps, vnpu_tensor *out)
{
	const struct vnpu_gtensor *tx;
	vnpu_status st;
	VNPU_GB_START(op, out);

	if ((st = vnpu_gb_fp32(&b, "x", x, &tx)) ||
	    (st = vnpu_gb_vec(&b, "gamma", gamma, tx->dims[tx->rank - 1])) ||
	    (st = vnpu_gb_vec(&b, "beta", beta, tx->dims[tx->rank - 1])))
		return st;
	if (!isfinite(eps) || eps < 0)
		return vnpu_gb_err(&b, "eps must be finite and >= 0");
	n.in[0] = x;
	n.in[1] = gamma;
	n.in[2] = beta;
	n.nin = 3;
	n.f[0] = eps;
	return vnpu_gb_commit1(&b, &n, VNPU_DTYPE_FP32, tx->rank, tx->dims, out);
}

vnpu_status vnpu_graph_rmsnorm(vnpu_graph *graph, const char *name,
			       vnpu_tensor x, vnpu_tensor gamma, float eps,
			       vnpu_tensor *out)
{
	return vnpu_graph_norm(graph, name, VNPU_GOP_RMSNORM, x, gamma, 0, eps, out);
}

vnpu_status vnpu_graph_layernorm(vnpu_graph *graph, const char *name,
				 vnpu_tensor x, vnpu_tensor gamma,
				 vnpu_tensor beta, float eps, vnpu_tensor *out)
{
	return vnpu_graph_norm(graph, name, VNPU_GOP_LAYERNORM, x, gamma, beta,
			       eps, out);
}

vnpu_status vnpu_graph_softmax(vnpu_graph *graph, const char *name,
			       vnpu_tensor x, int causal, uint32_t offset,
			       vnpu_tensor *out)
{
	const struct vnpu_gtensor *tx;
	vnpu_status st;
	VNPU_GB_START(VNPU_GOP_SOFTMAX, out);

	if ((st = vnpu_gb_fp32(&b, "x", x, &tx)))
		return st;
	n.in[0] = x;
	n.nin = 1;
	n.u[0] = !!causal;
	n.u[1] = offset;
	return vnpu_gb_commit1(&b, &n, VNPU_DTYPE_FP32, tx->rank, tx->dims, out);
}

vnpu_status vnpu_graph_rope(vnpu_graph *graph, const char *name, vnpu_tensor x,
			    uint32_t pos0, float theta, uint32_t mode,
			    vnpu_tensor *out)
{
	const struct vnpu_gtensor *tx;
	vnpu_status st;
	VNPU_GB_START(VNPU_GOP_ROPE, out);

	if ((st = vnpu_gb_fp32(&b, "x", x, &tx)))
		return st;
	if (tx->rank != 3 || tx->dims[2] % 2 || tx->dims[2] > 1024)
		return vnpu_gb_err(&b, "x %s must be [S, H, D] with D even, up to 1024",
				   vnpu_gb_shape(&b, x));
	if (mode > VNPU_ROPE_MODE_HALF)
		return vnpu_gb_err(&b, "unknown mode %u", mode);
	if (!isfinite(theta) || theta <= 0)
		return vnpu_gb_err(&b, "theta must be finite and > 0");
	if ((uint64_t)pos0 + tx->dims[0] > UINT32_MAX)
		return vnpu_gb_err(&b, "positions overflow 32 bits");
	n.in[0] = x;
	n.nin = 1;
	n.u[0] = pos0;
	n.u[1] = mode;
	n.f[0] = theta;
	return vnpu_gb_commit1(&b, &n, VNPU_DTYPE_FP32, 3, tx->dims, out);
}

vnpu_status vnpu_graph_attention(vnpu_graph *graph, const char *name,
				 const vnpu_attention_desc *d, vnpu_tensor *out,
				 vnpu_tensor *k_cache_out,
				 vnpu_tensor *v_cache_out)
{
	const struct vnpu_gtensor *q, *k, *v, *kc, *vc;
	uint32_t s, h, kvh, dim, ctx, hm, dtypes[3], ranks[3] = { 3, 3, 3 };
	uint32_t dims[3][VNPU_MAX_RANK];
	vnpu_tensor *outs[3] = { out, k_cache_out, v_cache_out };
	vnpu_status st;
	VNPU_GB_START(VNPU_GOP_ATTENTION, out && d);

	if ((st = vnpu_gb_fp32(&b, "q", d->q, &q)) ||
	    (st = vnpu_gb_get(&b, "k", d->k, &k)) ||
	    (st = vnpu_gb_get(&b, "v", d->v, &v)) ||
	    (st = vnpu_gb_get(&b, "k_cache", d->k_cache, &kc)) ||
	    (st = vnpu_gb_get(&b, "v_cache", d->v_cache, &vc)))
		return st;
	if (d->cache_layout > VNPU_KV_HEAD_MAJOR)
		return vnpu_gb_err(&b, "unknown cache_layout %u", d->cache_layout);
	hm = d->cache_layout == VNPU_KV_HEAD_MAJOR;
	if (q->rank != 3 || k->rank != 3 || kc->rank != 3)
		return vnpu_gb_err(&b, "q %s, k %s and k_cache %s must be [S, H, D], [S, KVH, D], %s",
				   vnpu_gb_shape(&b, d->q), vnpu_gb_shape(&b, d->k),
				   vnpu_gb_shape(&b, d->k_cache),
				   hm ? "[KVH, C, D]" : "[C, KVH, D]");
	s = q->dims[0];
	h = q->dims[1];
	dim = q->dims[2];
	kvh = k->dims[1];
	ctx = kc->dims[hm ? 1 : 0];
	if (kc->dtype != VNPU_DTYPE_FP32 && kc->dtype != VNPU_DTYPE_BF16)
		return vnpu_gb_err(&b, "k_cache %s must be fp32 or bf16",
				   vnpu_gb_shape(&b, d->k_cache));
	if (k->dims[0] != s || k->dims[2] != dim || kc->dims[hm ? 0 : 1] != kvh ||
	    kc->dims[2] != dim || k->dtype != kc->dtype ||
	    memcmp(k->dims, v->dims, sizeof(k->dims)) || v->dtype != k->dtype ||
	    v->rank != 3 || memcmp(kc->dims, vc->dims, sizeof(kc->dims)) ||
	    vc->dtype != kc->dtype || vc->rank != 3)
		return vnpu_gb_err(&b, "q %s, k %s, v %s, k_cache %s, v_cache %s do not agree (k, v: [S, KVH, D] of the caches' type; caches %s)",
				   vnpu_gb_shape(&b, d->q), vnpu_gb_shape(&b, d->k),
				   vnpu_gb_shape(&b, d->v), vnpu_gb_shape(&b, d->k_cache),
				   vnpu_gb_shape(&b, d->v_cache),
				   hm ? "[KVH, C, D]" : "[C, KVH, D]");
	if (h % kvh || dim > 1024)
		return vnpu_gb_err(&b, "H = %u must be a multiple of KVH = %u and D = %u at most 1024",
				   h, kvh, dim);
	if ((uint64_t)d->pos0 + s > ctx || ctx > VNPU_CMD_MAX_CTX)
		return vnpu_gb_err(&b, "pos0 %u + S %u exceeds the cache's %u rows (at most %u)",
				   d->pos0, s, ctx, VNPU_CMD_MAX_CTX);
	if (!isfinite(d->scale) || d->scale < 0)
		return vnpu_gb_err(&b, "scale must be finite and >= 0");
	n.in[0] = d->q;
	n.in[1] = d->k;
	n.in[2] = d->v;
	n.in[3] = d->k_cache;
	n.in[4] = d->v_cache;
	n.nin = 5;
	n.u[0] = d->pos0;
	n.u[1] = hm;
	n.f[0] = d->scale ? d->scale : 1.0f / sqrtf((float)dim);
	dtypes[0] = VNPU_DTYPE_FP32;
	dtypes[1] = dtypes[2] = kc->dtype;
	memcpy(dims[0], q->dims, sizeof(dims[0]));
	memcpy(dims[1], kc->dims, sizeof(dims[1]));
	memcpy(dims[2], kc->dims, sizeof(dims[2]));
	return vnpu_gb_commit(&b, &n, 3, dtypes, ranks, dims, outs);
}

vnpu_status vnpu_graph_gather(vnpu_graph *graph, const char *name,
			      vnpu_tensor table, vnpu_tensor idx,
			      vnpu_tensor *out)
{
	const struct vnpu_gtensor *tt, *ti;
	uint32_t dims[2];
	vnpu_status st;
	VNPU_GB_START(VNPU_GOP_GATHER, out);

	if ((st = vnpu_gb_get(&b, "table", table, &tt)) ||
	    (st = vnpu_gb_get(&b, "idx", idx, &ti)))
		return st;
	if (tt->kind != VNPU_GT_CONST || tt->rank != 2 ||
	    (tt->dtype != VNPU_DTYPE_FP32 && tt->dtype != VNPU_DTYPE_BF16))
		return vnpu_gb_err(&b, "table %s must be an fp32 or bf16 constant [V, D]",
				   vnpu_gb_shape(&b, table));
	if (ti->rank != 1 || ti->dtype != VNPU_DTYPE_I32)
		return vnpu_gb_err(&b, "idx %s must be i32[n]", vnpu_gb_shape(&b, idx));
	if ((uint64_t)ti->dims[0] * tt->dims[1] > VNPU_CMD_MAX_ELEMS)
		return vnpu_gb_err(&b, "the result exceeds %u elements", VNPU_CMD_MAX_ELEMS);
	n.in[0] = table;
	n.in[1] = idx;
	n.nin = 2;
	dims[0] = ti->dims[0];
	dims[1] = tt->dims[1];
	return vnpu_gb_commit1(&b, &n, VNPU_DTYPE_FP32, 2, dims, out);
}

/* Views and reshapes share X's memory: the result records the alias. */
static vnpu_status vnpu_graph_alias(const struct vnpu_gb *b, struct vnpu_gnode *n,
				    vnpu_tensor x, uint64_t off_bytes,
				    uint32_t rank, const uint32_t *dims,
				    vnpu_tensor *out)
{
	const struct vnpu_gtensor *tx = vnpu_gt(b->g, x);
	vnpu_status st;

	n->in[0] = x;
	n->nin = 1;
	st = vnpu_gb_commit1(b, n, tx->dtype, rank, dims, out);
	if (!st) {
		b->g->t[*out - 1].alias = x;
		b->g->t[*out - 1].alias_off = off_bytes;
	}
	return st;
}

vnpu_status vnpu_graph_reshape(vnpu_graph *graph, const char *name,
			       vnpu_tensor x, uint32_t rank,
			       const uint32_t *dims, vnpu_tensor *out)
{
	const struct vnpu_gtensor *tx;
	vnpu_status st;
	VNPU_GB_START(VNPU_GOP_RESHAPE, out);

	if ((st = vnpu_gb_get(&b, "x", x, &tx)))
		return st;
	if (tx->kind == VNPU_GT_CONST)
		return vnpu_gb_err(&b, "x %s is a constant: declare it with the shape wanted",
				   vnpu_gb_shape(&b, x));
	if (vnpu_gt_check_shape("shape", tx->dtype, rank, dims))
		return vnpu_gb_err(&b, "%s", vnpu_last_error());
	if (vnpu_shape_count(rank, dims) != vnpu_shape_count(tx->rank, tx->dims))
		return vnpu_gb_err(&b, "x %s has %llu elements, the new shape %llu",
				   vnpu_gb_shape(&b, x),
				   (unsigned long long)vnpu_shape_count(tx->rank, tx->dims),
				   (unsigned long long)vnpu_shape_count(rank, dims));
	return vnpu_graph_alias(&b, &n, x, 0, rank, dims, out);
}

vnpu_status vnpu_graph_view(vnpu_graph *graph, const char *name, vnpu_tensor x,
			    uint64_t offset, uint32_t rank, const uint32_t *dims,
			    vnpu_tensor *out)
{
	const struct vnpu_gtensor *tx;
	vnpu_status st;
	VNPU_GB_START(VNPU_GOP_VIEW, out);

	if ((st = vnpu_gb_get(&b, "x", x, &tx)))
		return st;
	if (tx->kind == VNPU_GT_CONST || vnpu_dtype_is_block(tx->dtype))
		return vnpu_gb_err(&b, "x %s must be a non-constant fp32, bf16 or i32 tensor",
				   vnpu_gb_shape(&b, x));
	if (vnpu_gt_check_shape("shape", tx->dtype, rank, dims))
		return vnpu_gb_err(&b, "%s", vnpu_last_error());
	if (offset + vnpu_shape_count(rank, dims) > vnpu_shape_count(tx->rank, tx->dims) ||
	    offset > VNPU_CMD_MAX_ELEMS)
		return vnpu_gb_err(&b, "%llu elements at offset %llu do not fit in x %s",
				   (unsigned long long)vnpu_shape_count(rank, dims),
				   (unsigned long long)offset, vnpu_gb_shape(&b, x));
	return vnpu_graph_alias(&b, &n, x, vnpu_dtype_bytes(tx->dtype, offset, 0),
				rank, dims, out);
}

vnpu_status vnpu_graph_transpose(vnpu_graph *graph, const char *name,
				 vnpu_tensor x, uint32_t axis0, uint32_t axis1,
				 vnpu_tensor *out)
{
	const struct vnpu_gtensor *tx;
	uint32_t dims[VNPU_MAX_RANK], tmp;
	vnpu_status st;
	VNPU_GB_START(VNPU_GOP_TRANSPOSE, out);

	if ((st = vnpu_gb_get(&b, "x", x, &tx)))
		return st;
	if (vnpu_dtype_is_block(tx->dtype))
		return vnpu_gb_err(&b, "x %s: block types cannot be transposed",
				   vnpu_gb_shape(&b, x));
	if (axis0 >= tx->rank || axis1 >= tx->rank || axis0 == axis1)
		return vnpu_gb_err(&b, "axes %u and %u must be distinct dimensions of x %s",
				   axis0, axis1, vnpu_gb_shape(&b, x));
	memcpy(dims, tx->dims, sizeof(dims));
	tmp = dims[axis0];
	dims[axis0] = dims[axis1];
	dims[axis1] = tmp;
	n.in[0] = x;
	n.nin = 1;
	n.u[0] = axis0 < axis1 ? axis0 : axis1;
	n.u[1] = axis0 < axis1 ? axis1 : axis0;
	return vnpu_gb_commit1(&b, &n, tx->dtype, tx->rank, dims, out);
}

vnpu_status vnpu_graph_quantize(vnpu_graph *graph, const char *name,
				vnpu_tensor x, vnpu_dtype dtype, float tscale,
				vnpu_tensor *out)
{
	const struct vnpu_gtensor *tx;
	vnpu_status st;
	VNPU_GB_START(VNPU_GOP_QUANTIZE, out);

	if ((st = vnpu_gb_fp32(&b, "x", x, &tx)))
		return st;
	if (!vnpu_dtype_is_block(dtype) && !vnpu_dtype_is_elem(dtype))
		return vnpu_gb_err(&b, "%s is not a block type or bf16, fp16, fp8_e4m3, fp8_e5m2",
				   vnpu_dtype_name(dtype));
	if (vnpu_dtype_is_block(dtype) && vnpu_shape_count(tx->rank, tx->dims) % 32)
		return vnpu_gb_err(&b, "x %s: the element count must be a multiple of 32",
				   vnpu_gb_shape(&b, x));
	if (dtype == VNPU_DTYPE_NVFP4 && (!isfinite(tscale) || tscale <= 0))
		return vnpu_gb_err(&b, "nvfp4 needs a finite tensor scale > 0");
	n.in[0] = x;
	n.nin = 1;
	n.f[0] = dtype == VNPU_DTYPE_NVFP4 ? tscale : 0;
	return vnpu_gb_commit1(&b, &n, dtype, tx->rank, tx->dims, out);
}

vnpu_status vnpu_graph_dequantize(vnpu_graph *graph, const char *name,
				  vnpu_tensor x, vnpu_tensor *out)
{
	const struct vnpu_gtensor *tx;
	vnpu_status st;
	VNPU_GB_START(VNPU_GOP_DEQUANTIZE, out);

	if ((st = vnpu_gb_get(&b, "x", x, &tx)))
		return st;
	if (!vnpu_dtype_is_block(tx->dtype) && !vnpu_dtype_is_elem(tx->dtype))
		return vnpu_gb_err(&b, "x %s is not of a block type or bf16, fp16, fp8_e4m3, fp8_e5m2",
				   vnpu_gb_shape(&b, x));
	n.in[0] = x;
	n.nin = 1;
	return vnpu_gb_commit1(&b, &n, VNPU_DTYPE_FP32, tx->rank, tx->dims, out);
}

vnpu_status vnpu_graph_copy(vnpu_graph *graph, const char *name, vnpu_tensor x,
			    vnpu_tensor *out)
{
	const struct vnpu_gtensor *tx;
	vnpu_status st;
	VNPU_GB_START(VNPU_GOP_COPY, out);

	if ((st = vnpu_gb_get(&b, "x", x, &tx)))
		return st;
	if (tx->kind == VNPU_GT_CONST && tx->dtype == VNPU_DTYPE_NVFP4)
		return vnpu_gb_err(&b, "x %s: copy an nvfp4 constant by using it directly",
				   vnpu_gb_shape(&b, x));
	n.in[0] = x;
	n.nin = 1;
	return vnpu_gb_commit1(&b, &n, tx->dtype, tx->rank, tx->dims, out);
}

vnpu_status vnpu_graph_hadamard(vnpu_graph *graph, const char *name,
				vnpu_tensor x, uint32_t block, uint64_t seed,
				int inverse, vnpu_tensor *out)
{
	const struct vnpu_gtensor *tx;
	vnpu_status st;
	VNPU_GB_START(VNPU_GOP_HADAMARD, out);

	if ((st = vnpu_gb_fp32(&b, "x", x, &tx)))
		return st;
	if (block < 2 || block > 4096 || (block & (block - 1)))
		return vnpu_gb_err(&b, "block %u must be a power of two, 2..4096", block);
	if (tx->dims[tx->rank - 1] % block)
		return vnpu_gb_err(&b, "the last dimension of x %s is not a multiple of block %u",
				   vnpu_gb_shape(&b, x), block);
	n.in[0] = x;
	n.nin = 1;
	n.u[0] = block;
	n.u[1] = !!inverse;
	n.u[2] = (uint32_t)seed;
	n.u[3] = (uint32_t)(seed >> 32);
	return vnpu_gb_commit1(&b, &n, VNPU_DTYPE_FP32, tx->rank, tx->dims, out);
}

/* ------------------------------------------ ops added for imported graphs */

static const uint32_t vnpu_unary_elt[] = {
	[VNPU_UNARY_RELU] = VNPU_ELT_RELU, [VNPU_UNARY_SIGMOID] = VNPU_ELT_SIGMOID,
	[VNPU_UNARY_TANH] = VNPU_ELT_TANH, [VNPU_UNARY_SQRT] = VNPU_ELT_SQRT,
	[VNPU_UNARY_ERF] = VNPU_ELT_ERF, [VNPU_UNARY_EXP] = VNPU_ELT_EXP,
	[VNPU_UNARY_NEG] = VNPU_ELT_NEG, [VNPU_UNARY_LOG] = VNPU_ELT_LOG,
};

static const uint32_t vnpu_binary_elt[] = {
	[VNPU_BINARY_SUB] = VNPU_ELT_SUB, [VNPU_BINARY_DIV] = VNPU_ELT_DIV,
	[VNPU_BINARY_MAX] = VNPU_ELT_MAX, [VNPU_BINARY_MIN] = VNPU_ELT_MIN,
	[VNPU_BINARY_POW] = VNPU_ELT_POW,
};

vnpu_status vnpu_graph_unary_op(vnpu_graph *graph, const char *name,
				vnpu_unary op, vnpu_tensor x, vnpu_tensor *out)
{
	const struct vnpu_gtensor *tx;
	vnpu_status st;
	VNPU_GB_START(VNPU_GOP_UNARY, out);

	if ((unsigned int)op < VNPU_UNARY_RELU || (unsigned int)op > VNPU_UNARY_LOG)
		return vnpu_gb_err(&b, "unknown unary op %d", (int)op);
	if ((st = vnpu_gb_fp32(&b, "x", x, &tx)))
		return st;
	n.in[0] = x;
	n.nin = 1;
	n.u[0] = vnpu_unary_elt[op];
	return vnpu_gb_commit1(&b, &n, VNPU_DTYPE_FP32, tx->rank, tx->dims, out);
}

vnpu_status vnpu_graph_binary_op(vnpu_graph *graph, const char *name,
				 vnpu_binary op, vnpu_tensor a, vnpu_tensor bt,
				 vnpu_tensor *out)
{
	const struct vnpu_gtensor *ta, *tb;
	vnpu_status st;
	VNPU_GB_START(VNPU_GOP_BINARY, out);

	if ((unsigned int)op < VNPU_BINARY_SUB || (unsigned int)op > VNPU_BINARY_POW)
		return vnpu_gb_err(&b, "unknown binary op %d", (int)op);
	if ((st = vnpu_gb_fp32(&b, "a", a, &ta)) || (st = vnpu_gb_fp32(&b, "b", bt, &tb)))
		return st;
	if (!(tb->rank == ta->rank &&
	      !memcmp(ta->dims, tb->dims, ta->rank * sizeof(ta->dims[0]))) &&
	    !(tb->rank == 1 && tb->dims[0] == ta->dims[ta->rank - 1]))
		return vnpu_gb_err(&b, "shapes %s and %s do not match (b must be a's shape or [last dim])",
				   vnpu_gb_shape(&b, a), vnpu_gb_shape(&b, bt));
	n.in[0] = a;
	n.in[1] = bt;
	n.nin = 2;
	n.u[0] = vnpu_binary_elt[op];
	return vnpu_gb_commit1(&b, &n, VNPU_DTYPE_FP32, ta->rank, ta->dims, out);
}

vnpu_status vnpu_graph_strided(vnpu_graph *graph, const char *name,
			       vnpu_tensor x, uint64_t offset, uint32_t rank,
			       const uint32_t *dims, const int32_t *strides,
			       vnpu_tensor *out)
{
	const struct vnpu_gtensor *tx;
	int64_t lo = (int64_t)offset, hi = (int64_t)offset;
	vnpu_status st;
	uint32_t d;
	VNPU_GB_START(VNPU_GOP_STRIDED, out && dims && strides);

	if ((st = vnpu_gb_get(&b, "x", x, &tx)))
		return st;
	if (vnpu_dtype_is_block(tx->dtype))
		return vnpu_gb_err(&b, "x %s: block types have no elements to pick",
				   vnpu_gb_shape(&b, x));
	if (vnpu_gt_check_shape("shape", tx->dtype, rank, dims))
		return vnpu_gb_err(&b, "%s", vnpu_last_error());
	if (offset > VNPU_CMD_MAX_ELEMS)
		return vnpu_gb_err(&b, "offset %llu is past x %s",
				   (unsigned long long)offset, vnpu_gb_shape(&b, x));
	for (d = 0; d < rank; d++) {
		int64_t e = (int64_t)(dims[d] - 1) * strides[d];

		if (strides[d] == INT32_MIN)
			return vnpu_gb_err(&b, "stride %d", strides[d]);
		if (e < 0)
			lo += e;
		else
			hi += e;
	}
	if (lo < 0 || (uint64_t)hi >= vnpu_shape_count(tx->rank, tx->dims))
		return vnpu_gb_err(&b, "the view reaches elements %lld..%lld of x %s",
				   (long long)lo, (long long)hi, vnpu_gb_shape(&b, x));
	n.in[0] = x;
	n.nin = 1;
	for (d = 0; d < VNPU_MAX_RANK; d++)
		n.u[d] = d < rank ? (uint32_t)strides[d] : 0;
	n.off = offset;
	return vnpu_gb_commit1(&b, &n, tx->dtype, rank, dims, out);
}

vnpu_status vnpu_graph_concat(vnpu_graph *graph, const char *name, uint32_t count,
			      const vnpu_tensor *xs, uint32_t axis,
			      vnpu_tensor *out)
{
	const struct vnpu_gtensor *t0, *ti;
	uint32_t dims[VNPU_MAX_RANK], i, d;
	uint64_t sum = 0;
	vnpu_status st;
	VNPU_GB_START(VNPU_GOP_CONCAT, out && xs);

	if (!count || count > VNPU_GNODE_MAX_IN)
		return vnpu_gb_err(&b, "%u inputs (1..%u)", count, VNPU_GNODE_MAX_IN);
	if ((st = vnpu_gb_get(&b, "x0", xs[0], &t0)))
		return st;
	if (vnpu_dtype_is_block(t0->dtype) || axis >= t0->rank)
		return vnpu_gb_err(&b, "x0 %s: axis %u of a non-block tensor needed",
				   vnpu_gb_shape(&b, xs[0]), axis);
	for (i = 0; i < count; i++) {
		if ((st = vnpu_gb_get(&b, "x", xs[i], &ti)))
			return st;
		for (d = 0; d < t0->rank; d++)
			if (ti->rank != t0->rank || ti->dtype != t0->dtype ||
			    (d != axis && ti->dims[d] != t0->dims[d]))
				return vnpu_gb_err(&b, "x%u %s and x0 %s differ beyond axis %u",
						   i, vnpu_gb_shape(&b, xs[i]),
						   vnpu_gb_shape(&b, xs[0]), axis);
		sum += ti->dims[axis];
		n.in[i] = xs[i];
	}
	memcpy(dims, t0->dims, sizeof(dims));
	if (sum > VNPU_CMD_MAX_ELEMS)
		return vnpu_gb_err(&b, "axis %u grows to %llu", axis,
				   (unsigned long long)sum);
	dims[axis] = (uint32_t)sum;
	if (vnpu_gt_check_shape("result", t0->dtype, t0->rank, dims))
		return vnpu_gb_err(&b, "%s", vnpu_last_error());
	n.nin = count;
	n.u[0] = axis;
	return vnpu_gb_commit1(&b, &n, t0->dtype, t0->rank, dims, out);
}

vnpu_status vnpu_graph_reduce(vnpu_graph *graph, const char *name,
			      vnpu_reduction kind, vnpu_tensor x, vnpu_tensor *out)
{
	const struct vnpu_gtensor *tx;
	uint32_t dims[VNPU_MAX_RANK];
	vnpu_status st;
	VNPU_GB_START(VNPU_GOP_REDUCE, out);

	if ((unsigned int)kind > VNPU_REDUCTION_MIN)
		return vnpu_gb_err(&b, "unknown reduction %d", (int)kind);
	if ((st = vnpu_gb_fp32(&b, "x", x, &tx)))
		return st;
	memcpy(dims, tx->dims, sizeof(dims));
	dims[tx->rank - 1] = 1;
	n.in[0] = x;
	n.nin = 1;
	n.u[0] = (uint32_t)kind;
	return vnpu_gb_commit1(&b, &n, VNPU_DTYPE_FP32, tx->rank, dims, out);
}

vnpu_status vnpu_graph_pad(vnpu_graph *graph, const char *name, vnpu_tensor x,
			   const uint32_t *dims, vnpu_tensor *out)
{
	const struct vnpu_gtensor *tx;
	vnpu_status st;
	uint32_t d;
	VNPU_GB_START(VNPU_GOP_PAD, out && dims);

	if ((st = vnpu_gb_get(&b, "x", x, &tx)))
		return st;
	if (tx->dtype != VNPU_DTYPE_FP32 && tx->dtype != VNPU_DTYPE_I32)
		return vnpu_gb_err(&b, "x %s must be fp32 or i32", vnpu_gb_shape(&b, x));
	for (d = 0; d < tx->rank; d++)
		if (dims[d] < tx->dims[d])
			return vnpu_gb_err(&b, "dimension %u: %u is smaller than x %s",
					   d, dims[d], vnpu_gb_shape(&b, x));
	if (vnpu_gt_check_shape("result", tx->dtype, tx->rank, dims))
		return vnpu_gb_err(&b, "%s", vnpu_last_error());
	n.in[0] = x;
	n.nin = 1;
	return vnpu_gb_commit1(&b, &n, tx->dtype, tx->rank, dims, out);
}

/* Batches of a tensor of rank R >= 2: the product of its first R - 2 dims. */
static uint64_t vnpu_gb_batches(const struct vnpu_gtensor *t)
{
	return vnpu_shape_count(t->rank, t->dims) / t->dims[t->rank - 1] /
	       t->dims[t->rank - 2];
}

vnpu_status vnpu_graph_matmul_dyn(vnpu_graph *graph, const char *name,
				  vnpu_tensor a, vnpu_tensor bt, vnpu_tensor *out)
{
	const struct vnpu_gtensor *ta, *tb;
	uint32_t m, k, nn, kp, dims[VNPU_MAX_RANK], pdims[2], adims[VNPU_MAX_RANK], arank;
	uint64_t ab, bb, panels;
	vnpu_tensor ap = a, w, o;
	uint32_t nn0 = graph ? graph->nn : 0, nt0 = graph ? graph->nt : 0;
	vnpu_status st;
	VNPU_GB_START(VNPU_GOP_MATMUL2, out);

	if ((st = vnpu_gb_fp32(&b, "a", a, &ta)) || (st = vnpu_gb_fp32(&b, "b", bt, &tb)))
		return st;
	if (ta->rank < 2 || tb->rank < 2 || tb->rank > ta->rank)
		return vnpu_gb_err(&b, "a %s and b %s must be [.., M, K] and [.., K, N] (rank of b <= rank of a)",
				   vnpu_gb_shape(&b, a), vnpu_gb_shape(&b, bt));
	m = ta->dims[ta->rank - 2];
	k = ta->dims[ta->rank - 1];
	nn = tb->dims[tb->rank - 1];
	ab = vnpu_gb_batches(ta);
	bb = vnpu_gb_batches(tb);
	if (tb->dims[tb->rank - 2] != k)
		return vnpu_gb_err(&b, "a %s and b %s disagree on K",
				   vnpu_gb_shape(&b, a), vnpu_gb_shape(&b, bt));
	if (bb != 1 && (bb != ab || memcmp(ta->dims + ta->rank - tb->rank, tb->dims,
					   (tb->rank - 2) * sizeof(tb->dims[0]))))
		return vnpu_gb_err(&b, "b %s: its batch dimensions must be a's %s or none",
				   vnpu_gb_shape(&b, bt), vnpu_gb_shape(&b, a));
	kp = (k + 31) / 32 * 32;
	panels = (nn + 15) / 16 * 16ull * kp;
	if (kp > VNPU_CMD_MAX_K || m > VNPU_CMD_MAX_MN || nn > VNPU_CMD_MAX_MN ||
	    bb * panels > VNPU_CMD_MAX_ELEMS ||
	    (uint64_t)m * kp * ab > VNPU_CMD_MAX_ELEMS)
		return vnpu_gb_err(&b, "a %s, b %s exceed the card's matmul limits",
				   vnpu_gb_shape(&b, a), vnpu_gb_shape(&b, bt));
	/* The card's MATMUL reads B as FP32 weight panels of K a multiple
	 * of 32: pad A's K with zeros (exact: x + 0 * 0 = x), pack B. The
	 * nodes added below may move the tensor array: keep A's shape. */
	memcpy(adims, ta->dims, sizeof(adims));
	arank = ta->rank;
	ta = NULL;
	memcpy(dims, adims, sizeof(dims));
	dims[arank - 1] = kp;
	if (kp != k)
		st = vnpu_graph_pad(graph, name, a, dims, &ap);
	pdims[0] = (uint32_t)bb;
	pdims[1] = (uint32_t)panels;
	n.op = VNPU_GOP_PANEL;
	n.in[0] = bt;
	n.nin = 1;
	n.u[0] = kp;
	b.op = VNPU_GOP_PANEL;
	if (!st)
		st = vnpu_gb_commit1(&b, &n, VNPU_DTYPE_FP32, 2, pdims, &w);
	memcpy(dims, adims, sizeof(dims));
	dims[arank - 1] = nn;
	memset(&n, 0, sizeof(n));
	n.in[0] = ap;
	n.in[1] = w;
	n.nin = 2;
	n.u[0] = nn;
	n.u[1] = kp;
	n.u[2] = (uint32_t)bb;
	b.op = VNPU_GOP_MATMUL2;
	if (!st)
		st = vnpu_gb_commit1(&b, &n, VNPU_DTYPE_FP32, arank, dims, &o);
	if (st) {
		/* a failed call adds nothing */
		graph->nn = nn0;
		graph->nt = nt0;
		return st;
	}
	*out = o;
	return VNPU_STATUS_OK;
}

/* ---- linear 8-bit quantization (QLINEAR packets) */

static bool vnpu_dtype_is_int8(uint32_t dtype)
{
	return dtype == VNPU_DTYPE_I8 || dtype == VNPU_DTYPE_U8;
}

/*
 * The operands shared by qlinear and dqlinear: X's shape against SCALE
 * and ZERO (of type DTYPE), the axis extent and inner count into N.
 */
static vnpu_status vnpu_gb_qparams(struct vnpu_gb *b, const struct vnpu_gtensor *tx,
				   vnpu_tensor x, vnpu_tensor scale,
				   vnpu_tensor zero, uint32_t axis,
				   uint32_t dtype, struct vnpu_gnode *n)
{
	const struct vnpu_gtensor *ts, *tz;
	uint64_t cnt;
	vnpu_status st;

	if ((st = vnpu_gb_fp32(b, "scale", scale, &ts)))
		return st;
	cnt = vnpu_shape_count(ts->rank, ts->dims);
	if (cnt > 1 && (axis >= tx->rank || cnt != tx->dims[axis]))
		return vnpu_gb_err(b, "scale %s: per axis %u of x %s it needs that dimension's %u values",
				   vnpu_gb_shape(b, scale), axis, vnpu_gb_shape(b, x),
				   axis < tx->rank ? tx->dims[axis] : 0);
	if (zero) {
		if ((st = vnpu_gb_get(b, "zero", zero, &tz)))
			return st;
		if (tz->dtype != dtype || vnpu_shape_count(tz->rank, tz->dims) != cnt)
			return vnpu_gb_err(b, "zero %s must be %s with scale's %llu values",
					   vnpu_gb_shape(b, zero), vnpu_dtype_name(dtype),
					   (unsigned long long)cnt);
	}
	n->in[0] = x;
	n->in[1] = scale;
	n->in[2] = zero;
	n->nin = 3;
	n->u[0] = (uint32_t)cnt;
	n->u[1] = (uint32_t)(cnt > 1 ? vnpu_shape_count(tx->rank - axis - 1,
							tx->dims + axis + 1) :
			     vnpu_shape_count(tx->rank, tx->dims));
	return VNPU_STATUS_OK;
}

vnpu_status vnpu_graph_qlinear(vnpu_graph *graph, const char *name,
			       vnpu_tensor x, vnpu_tensor scale,
			       vnpu_tensor zero, uint32_t axis,
			       vnpu_dtype dtype, vnpu_tensor *out)
{
	const struct vnpu_gtensor *tx;
	vnpu_status st;
	VNPU_GB_START(VNPU_GOP_QLINEAR, out);

	if ((st = vnpu_gb_fp32(&b, "x", x, &tx)))
		return st;
	if (!vnpu_dtype_is_int8(dtype))
		return vnpu_gb_err(&b, "the result must be i8 or u8, not %s",
				   vnpu_dtype_name(dtype));
	if ((st = vnpu_gb_qparams(&b, tx, x, scale, zero, axis, dtype, &n)))
		return st;
	return vnpu_gb_commit1(&b, &n, dtype, tx->rank, tx->dims, out);
}

vnpu_status vnpu_graph_dqlinear(vnpu_graph *graph, const char *name,
				vnpu_tensor q, vnpu_tensor scale,
				vnpu_tensor zero, uint32_t axis,
				vnpu_tensor *out)
{
	const struct vnpu_gtensor *tq;
	vnpu_status st;
	VNPU_GB_START(VNPU_GOP_DQLINEAR, out);

	if ((st = vnpu_gb_get(&b, "q", q, &tq)))
		return st;
	if (!vnpu_dtype_is_int8(tq->dtype))
		return vnpu_gb_err(&b, "q %s must be i8 or u8", vnpu_gb_shape(&b, q));
	if ((st = vnpu_gb_qparams(&b, tq, q, scale, zero, axis, tq->dtype, &n)))
		return st;
	return vnpu_gb_commit1(&b, &n, VNPU_DTYPE_FP32, tq->rank, tq->dims, out);
}

/* ---- comparisons and select (COMPARE, SELECT packets) */

static bool vnpu_gb_same_shape(const struct vnpu_gtensor *a, const struct vnpu_gtensor *b)
{
	return a->rank == b->rank && !memcmp(a->dims, b->dims, a->rank * sizeof(*a->dims));
}

vnpu_status vnpu_graph_compare(vnpu_graph *graph, const char *name,
			       vnpu_comparison kind, vnpu_tensor a,
			       vnpu_tensor b_, vnpu_tensor *out)
{
	const struct vnpu_gtensor *ta, *tb;
	vnpu_status st;
	VNPU_GB_START(VNPU_GOP_COMPARE, out);

	if ((unsigned int)kind > VNPU_COMPARE_GE)
		return vnpu_gb_err(&b, "unknown comparison %d", (int)kind);
	if ((st = vnpu_gb_fp32(&b, "a", a, &ta)) || (st = vnpu_gb_fp32(&b, "b", b_, &tb)))
		return st;
	if (!vnpu_gb_same_shape(ta, tb))
		return vnpu_gb_err(&b, "shapes %s and %s differ", vnpu_gb_shape(&b, a),
				   vnpu_gb_shape(&b, b_));
	n.in[0] = a;
	n.in[1] = b_;
	n.nin = 2;
	n.u[0] = (uint32_t)kind;
	return vnpu_gb_commit1(&b, &n, VNPU_DTYPE_U8, ta->rank, ta->dims, out);
}

vnpu_status vnpu_graph_select(vnpu_graph *graph, const char *name,
			      vnpu_tensor cond, vnpu_tensor x, vnpu_tensor y,
			      vnpu_tensor *out)
{
	const struct vnpu_gtensor *tc, *tx, *ty;
	uint64_t es;
	vnpu_status st;
	VNPU_GB_START(VNPU_GOP_SELECT, out);

	if ((st = vnpu_gb_get(&b, "cond", cond, &tc)) || (st = vnpu_gb_get(&b, "x", x, &tx)) ||
	    (st = vnpu_gb_get(&b, "y", y, &ty)))
		return st;
	es = vnpu_gt_bytes(tx) / vnpu_shape_count(tx->rank, tx->dims);
	if (tc->dtype != VNPU_DTYPE_U8 ||
	    vnpu_shape_count(tc->rank, tc->dims) != vnpu_shape_count(tx->rank, tx->dims))
		return vnpu_gb_err(&b, "cond %s must be u8 with the elements of x %s",
				   vnpu_gb_shape(&b, cond), vnpu_gb_shape(&b, x));
	if (tx->dtype != ty->dtype || !vnpu_gb_same_shape(tx, ty))
		return vnpu_gb_err(&b, "x %s and y %s differ", vnpu_gb_shape(&b, x),
				   vnpu_gb_shape(&b, y));
	if (vnpu_dtype_is_block(tx->dtype) || (es != 1 && es != 2 && es != 4))
		return vnpu_gb_err(&b, "x %s: elements of 1, 2 or 4 bytes", vnpu_gb_shape(&b, x));
	n.in[0] = cond;
	n.in[1] = x;
	n.in[2] = y;
	n.nin = 3;
	return vnpu_gb_commit1(&b, &n, tx->dtype, tx->rank, tx->dims, out);
}
