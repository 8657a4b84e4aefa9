// SPDX-License-Identifier: MIT
/*
 * Pass 6, emission: one or more ISA packets per live node, in node order
 * (the card runs packets in order, so the node order is the dependency
 * order). Addresses are region-relative (VNPU_PROG_ADDR); vnpu_program_run
 * rebases them on the device's buffers.
 */
#include <stdlib.h>
#include <string.h>

#include <drm/vnpu_cmd.h>

#include "vnpu_graph_internal.h"
#include "vnpu_internal.h"

/* Transposes are copies of contiguous runs; refuse absurd packet counts. */
#define VNPU_EMIT_MAX_TRANSPOSE_PACKETS 65536u

#define HDR(op_, p) ((struct vnpu_cmd_header){ .op = (op_), .size = sizeof(p) })

/* Above this many rows a broadcast operand is expanded by one STRIDED
 * packet instead of one ELTWISE per row; above this many contiguous runs
 * a transpose is one STRIDED packet instead of a COPY per run. */
#define VNPU_EMIT_BCAST_ROWS 2u
#define VNPU_EMIT_TRANSPOSE_RUNS 4u

static uint32_t vnpu_emit_bits(float f)
{
	uint32_t u;

	memcpy(&u, &f, 4);
	return u;
}

static vnpu_status vnpu_emit(struct vnpu_gc *c, uint32_t node, const void *pkt,
			     size_t size)
{
	if (c->cmd_bytes + size > c->max_cmd)
		return vnpu_rt_error(VNPU_STATUS_UNSUPPORTED,
				     "node %u '%s' (%s): the command stream exceeds the device's %llu bytes",
				     node, c->g->n[node].name,
				     vnpu_gop_name(c->g->n[node].op),
				     (unsigned long long)c->max_cmd);
	if (c->cmd_bytes + size > c->cmd_cap) {
		uint64_t cap = c->cmd_cap ? c->cmd_cap * 2 : 4096;
		uint8_t *p = realloc(c->cmd, cap);

		if (!p)
			return vnpu_rt_error(VNPU_STATUS_OUT_OF_MEMORY,
					     "vnpu_graph_compile: out of memory");
		c->cmd = p;
		c->cmd_cap = cap;
	}
	memcpy(c->cmd + c->cmd_bytes, pkt, size);
	c->last_off = c->cmd_bytes;
	c->cmd_bytes += size;
	c->packets++;
	return VNPU_STATUS_OK;
}

static vnpu_status vnpu_emit_copy(struct vnpu_gc *c, uint32_t node, uint64_t dst,
				  uint64_t src, uint64_t size)
{
	struct vnpu_cmd_copy p = {
		.hdr = HDR(VNPU_OP_COPY, p), .dst = dst, .src = src, .size = size,
	};

	if (dst == src)
		return VNPU_STATUS_OK;
	return vnpu_emit(c, node, &p, sizeof(p));
}

/* The last packet moves with the position offset (KIND, ROW bytes). */
static vnpu_status vnpu_emit_patch(struct vnpu_gc *c, uint32_t kind, uint64_t row)
{
	if (c->npatches == c->pcap) {
		uint32_t cap = c->pcap ? c->pcap * 2 : 16;
		void *p = realloc(c->patches, cap * sizeof(*c->patches));

		if (!p)
			return vnpu_rt_error(VNPU_STATUS_OUT_OF_MEMORY,
					     "vnpu_graph_compile: out of memory");
		c->patches = p;
		c->pcap = cap;
	}
	c->patches[c->npatches++] = (struct vnpu_prog_patch){
		.off = (uint32_t)c->last_off, .kind = kind, .row = row,
	};
	return VNPU_STATUS_OK;
}

/* Positions up to LAST may move by at most the returned amount. */
static void vnpu_emit_limit(struct vnpu_gc *c, uint64_t room)
{
	if (room < c->max_pos)
		c->max_pos = (uint32_t)room;
}

#define T(id) (&c->g->t[(id) - 1])
#define A(id) vnpu_gc_addr(c, (id))
#define COUNT(id) vnpu_shape_count(T(id)->rank, T(id)->dims)
#define LAST(id) (T(id)->dims[T(id)->rank - 1])

static vnpu_status vnpu_emit_matmul(struct vnpu_gc *c, uint32_t i)
{
	const struct vnpu_gnode *n = &c->g->n[i];
	const struct vnpu_gc_tensor *w = &c->t[n->in[1] - 1];
	vnpu_tensor out = c->n[i].out;
	uint32_t k = LAST(n->in[0]), nn = T(n->in[1])->dims[0];
	struct vnpu_cmd_matmul p = {
		.hdr = HDR(VNPU_OP_MATMUL, p),
		.m = (uint32_t)(COUNT(n->in[0]) / k), .n = nn, .k = k,
		.w_fmt = (uint8_t)w->wfmt,
		.a_fmt = (uint8_t)vnpu_dtype_cmd_fmt(T(n->in[0])->dtype),
		.a_quant = (uint8_t)c->n[i].a_quant,
		.c_fmt = (uint8_t)vnpu_dtype_cmd_fmt(T(out)->dtype),
		.act = (uint8_t)c->n[i].act,
		.w_tscale = w->wfmt == VNPU_CMD_FMT_NVFP4 ? vnpu_emit_bits(w->tscale) : 0,
		.w = VNPU_PROG_ADDR(VNPU_PROG_WEIGHTS, w->poff),
		.a = A(n->in[0]), .bias = A(c->n[i].bias), .c = A(out),
		.lda = k, .ldc = nn,
	};

	return vnpu_emit(c, i, &p, sizeof(p));
}

/*
 * One STRIDED packet for a view of RANK dims: SRC with strides SS, DST
 * with strides DS (elements), lifted to 4 dimensions by leading 1s.
 */
static vnpu_status vnpu_emit_strided4(struct vnpu_gc *c, uint32_t i, uint64_t dst,
				      uint64_t src, uint32_t esize, uint32_t rank,
				      const uint32_t *dims, const int64_t *ss,
				      const uint64_t *ds)
{
	struct vnpu_cmd_strided p = {
		.hdr = HDR(VNPU_OP_STRIDED, p), .esize = esize, .src = src, .dst = dst,
	};
	uint32_t pad = 4 - rank, d;

	for (d = 0; d < 4; d++) {
		p.dims[d] = d < pad ? 1 : dims[d - pad];
		p.src_stride[d] = d < pad ? 0 : (int32_t)ss[d - pad];
		p.dst_stride[d] = d < pad ? 0 : (uint32_t)ds[d - pad];
	}
	for (d = pad; d-- > 0;)
		p.dst_stride[d] = p.dst_stride[d + 1] * p.dims[d + 1];
	return vnpu_emit(c, i, &p, sizeof(p));
}

/* Dense row-major element strides of a shape. */
static void vnpu_emit_dense(uint32_t rank, const uint32_t *dims, uint64_t *st)
{
	uint32_t d;

	st[rank - 1] = 1;
	for (d = rank - 1; d > 0; d--)
		st[d - 1] = st[d] * dims[d];
}

static const uint32_t vnpu_emit_elt_op[VNPU_GOP_COUNT] = {
	[VNPU_GOP_ADD] = VNPU_ELT_ADD, [VNPU_GOP_MUL] = VNPU_ELT_MUL,
	[VNPU_GOP_SCALE] = VNPU_ELT_SCALE, [VNPU_GOP_SILU] = VNPU_ELT_SILU,
	[VNPU_GOP_SWIGLU] = VNPU_ELT_SWIGLU,
};

static vnpu_status vnpu_emit_eltwise(struct vnpu_gc *c, uint32_t i)
{
	const struct vnpu_gnode *n = &c->g->n[i];
	vnpu_tensor out = c->n[i].out;
	uint64_t total = COUNT(out), row = total, r;
	struct vnpu_cmd_eltwise p = {
		.hdr = HDR(VNPU_OP_ELTWISE, p),
		.op = vnpu_emit_elt_op[n->op],
	};
	vnpu_status st = VNPU_STATUS_OK;

	if (n->op == VNPU_GOP_GELU)
		p.op = n->u[0] ? VNPU_ELT_GELU_TANH : VNPU_ELT_GELU;
	if (n->op == VNPU_GOP_UNARY || n->op == VNPU_GOP_BINARY)
		p.op = n->u[0];
	if (n->op == VNPU_GOP_SCALE)
		p.scale = vnpu_emit_bits(n->f[0]);
	/* A broadcast [N] operand over more than a few rows, and a result
	 * with memory of its own: one STRIDED packet repeats the vector into
	 * the result, one ELTWISE combines in place (out == y exactly). */
	if (n->nin == 2 && COUNT(n->in[1]) != total)
		row = COUNT(n->in[1]);
	if (row != total && total / row > VNPU_EMIT_BCAST_ROWS && A(out) != A(n->in[0])) {
		uint32_t dims[2] = { (uint32_t)(total / row), (uint32_t)row };
		int64_t ss[2] = { 0, 1 };
		uint64_t ds[2] = { row, 1 };

		st = vnpu_emit_strided4(c, i, A(out), A(n->in[1]), 4, 2, dims, ss, ds);
		p.n = (uint32_t)total;
		p.x = A(n->in[0]);
		p.y = p.out = A(out);
		return st ? st : vnpu_emit(c, i, &p, sizeof(p));
	}
	/* Otherwise (few rows, or written over A): one packet per row. */
	for (r = 0; r < total / row && !st; r++) {
		p.n = (uint32_t)row;
		p.x = A(n->in[0]) + r * row * 4;
		p.y = n->nin == 2 ? A(n->in[1]) + (row == total ? r * row * 4 : 0) : 0;
		p.out = A(out) + r * row * 4;
		st = vnpu_emit(c, i, &p, sizeof(p));
	}
	return st;
}

static vnpu_status vnpu_emit_norm(struct vnpu_gc *c, uint32_t i)
{
	const struct vnpu_gnode *n = &c->g->n[i];
	struct vnpu_cmd_norm p = {
		.hdr = HDR(VNPU_OP_NORM, p),
		.kind = n->op == VNPU_GOP_RMSNORM ? VNPU_NORM_RMS : VNPU_NORM_LAYER,
		.eps = vnpu_emit_bits(n->f[0]),
		.rows = (uint32_t)(COUNT(n->in[0]) / LAST(n->in[0])),
		.n = LAST(n->in[0]),
		.x = A(n->in[0]), .gamma = A(n->in[1]), .beta = A(n->in[2]),
		.out = A(c->n[i].out),
	};

	return vnpu_emit(c, i, &p, sizeof(p));
}

static vnpu_status vnpu_emit_softmax(struct vnpu_gc *c, uint32_t i)
{
	const struct vnpu_gnode *n = &c->g->n[i];
	struct vnpu_cmd_softmax p = {
		.hdr = HDR(VNPU_OP_SOFTMAX, p),
		.flags = n->u[0] ? VNPU_SOFTMAX_CAUSAL : 0, .offset = n->u[1],
		.rows = (uint32_t)(COUNT(n->in[0]) / LAST(n->in[0])),
		.n = LAST(n->in[0]), .ld = LAST(n->in[0]),
		.x = A(n->in[0]), .out = A(c->n[i].out),
	};

	return vnpu_emit(c, i, &p, sizeof(p));
}

/*
 * ROPE rotates in place: copy, then one packet for all S tokens (the card
 * splits its vectors across cores; a prompt once took S packets).
 */
static vnpu_status vnpu_emit_rope(struct vnpu_gc *c, uint32_t i)
{
	const struct vnpu_gnode *n = &c->g->n[i];
	const uint32_t *d = T(n->in[0])->dims;
	vnpu_tensor out = c->n[i].out;
	struct vnpu_cmd_rope p = {
		.hdr = HDR(VNPU_OP_ROPE, p), .heads = d[1], .dim = d[2],
		.pos = n->u[0], .mode = n->u[1], .theta = vnpu_emit_bits(n->f[0]),
		.tokens = d[0], .x = A(out),
	};
	vnpu_status st;

	st = vnpu_emit_copy(c, i, A(out), A(n->in[0]), vnpu_gt_bytes(T(out)));
	if (!st)
		st = vnpu_emit(c, i, &p, sizeof(p));
	if (!st)
		st = vnpu_emit_patch(c, VNPU_PATCH_ROPE_POS, 0);
	vnpu_emit_limit(c, UINT32_MAX - ((uint64_t)n->u[0] + d[0]));
	return st;
}

/*
 * The new tokens' rows [S, KVH, D] at SRC into a head-major cache
 * [KVH, C, D] at DST (already offset to row pos0): one STRIDED packet
 * whose destination moves with the position offset.
 */
static vnpu_status vnpu_emit_kv_head_major(struct vnpu_gc *c, uint32_t i,
					   uint64_t dst, uint64_t src,
					   uint32_t es, uint32_t s,
					   const uint32_t *kc)
{
	const uint32_t dims[3] = { kc[0], s, kc[2] };
	const int64_t ss[3] = { kc[2], (int64_t)kc[0] * kc[2], 1 };
	const uint64_t ds[3] = { (uint64_t)kc[1] * kc[2], kc[2], 1 };
	vnpu_status st;

	st = vnpu_emit_strided4(c, i, dst, src, es, 3, dims, ss, ds);
	return st ? st : vnpu_emit_patch(c, VNPU_PATCH_STRIDED_DST,
					 (uint64_t)kc[2] * es);
}

static vnpu_status vnpu_emit_attention(struct vnpu_gc *c, uint32_t i)
{
	const struct vnpu_gnode *n = &c->g->n[i];
	const uint32_t *q = T(n->in[0])->dims, *kc = T(n->in[3])->dims;
	uint32_t es = T(n->in[3])->dtype == VNPU_DTYPE_BF16 ? 2 : 4, k;
	bool hm = n->u[1];
	/* bytes per position: all heads' (position-major) or one head's */
	uint64_t row = hm ? (uint64_t)kc[2] * es : (uint64_t)kc[1] * kc[2] * es;
	uint64_t all = (uint64_t)kc[0] * kc[1] * kc[2] * es;
	uint32_t ctx = hm ? kc[1] : kc[0];
	struct vnpu_cmd_attention p = {
		.hdr = HDR(VNPU_OP_ATTENTION, p),
		.nq = q[0], .pos0 = n->u[0], .n_heads = q[1],
		.n_kv_heads = hm ? kc[0] : kc[1], .dim = q[2], .kv_bf16 = es == 2,
		.kv_rows = hm ? kc[1] : 0, .scale = vnpu_emit_bits(n->f[0]),
		.q = A(n->in[0]), .k = A(n->out[1]), .v = A(n->out[2]),
		.out = A(n->out[0]),
	};
	vnpu_status st = VNPU_STATUS_OK;

	/* Each updated cache: the old one (unless updated in place), then
	 * the new tokens' rows at pos0. */
	for (k = 1; k <= 2 && !st; k++) {
		uint64_t dst = A(n->out[k]) + row * n->u[0];

		st = vnpu_emit_copy(c, i, A(n->out[k]), A(n->in[2 + k]), all);
		/* New rows that already are in place (K is a view of those
		 * very cache rows) cannot move: no position offset then. */
		if (!st && dst == A(n->in[k]) && (!hm || kc[0] == 1))
			vnpu_emit_limit(c, 0);
		else if (!st && hm)
			st = vnpu_emit_kv_head_major(c, i, dst, A(n->in[k]), es, q[0], kc);
		else if (!st)
			st = vnpu_emit_copy(c, i, dst, A(n->in[k]), row * q[0]);
		if (!st && !hm && dst != A(n->in[k]))
			st = vnpu_emit_patch(c, VNPU_PATCH_COPY_DST, row);
	}
	if (!st)
		st = vnpu_emit(c, i, &p, sizeof(p));
	if (!st)
		st = vnpu_emit_patch(c, VNPU_PATCH_ATTN_POS0, 0);
	/* The cache's rows bound how far the tokens may move. */
	vnpu_emit_limit(c, ctx - (uint64_t)n->u[0] - q[0]);
	return st;
}

static vnpu_status vnpu_emit_gather(struct vnpu_gc *c, uint32_t i)
{
	const struct vnpu_gnode *n = &c->g->n[i];
	const struct vnpu_gtensor *tt = T(n->in[0]);
	struct vnpu_cmd_gather p = {
		.hdr = HDR(VNPU_OP_GATHER, p),
		.rows = tt->dims[0], .cols = tt->dims[1], .n = T(n->in[1])->dims[0],
		.table_bf16 = tt->dtype == VNPU_DTYPE_BF16 || c->t[n->in[0] - 1].raw_bf16,
		.table = A(n->in[0]), .idx = A(n->in[1]), .out = A(c->n[i].out),
	};

	return vnpu_emit(c, i, &p, sizeof(p));
}

/*
 * Swap axes a < b: everything after b is a contiguous run in both layouts.
 * A few runs are COPY packets (each a memcpy); more are one STRIDED packet.
 */
static vnpu_status vnpu_emit_transpose(struct vnpu_gc *c, uint32_t i)
{
	const struct vnpu_gnode *n = &c->g->n[i];
	const struct vnpu_gtensor *tx = T(n->in[0]);
	uint32_t a = n->u[0], b = n->u[1], r = tx->rank, d, idx[VNPU_MAX_RANK] = { 0 };
	uint64_t es = vnpu_gt_bytes(tx) / COUNT(n->in[0]), run = es, runs, j;
	uint64_t sstride[VNPU_MAX_RANK], dstride[VNPU_MAX_RANK], ddims[VNPU_MAX_RANK];
	vnpu_status st = VNPU_STATUS_OK;

	for (d = b + 1; d < r; d++)
		run *= tx->dims[d];
	runs = vnpu_gt_bytes(tx) / run;
	if (runs > VNPU_EMIT_MAX_TRANSPOSE_PACKETS)
		return vnpu_rt_error(VNPU_STATUS_UNSUPPORTED,
				     "node %u '%s' (transpose): %llu copies of %llu bytes (at most %u: move the transposed axes outward)",
				     i, n->name, (unsigned long long)runs,
				     (unsigned long long)run, VNPU_EMIT_MAX_TRANSPOSE_PACKETS);
	for (d = 0; d < r; d++)
		ddims[d] = tx->dims[d];
	ddims[a] = tx->dims[b];
	ddims[b] = tx->dims[a];
	if (runs > VNPU_EMIT_TRANSPOSE_RUNS) {
		/* One STRIDED packet: the result's dimension d reads the
		 * source's dimension d with a and b swapped. */
		uint32_t od[VNPU_MAX_RANK];
		uint64_t se[VNPU_MAX_RANK], de[VNPU_MAX_RANK];
		int64_t ss[VNPU_MAX_RANK];

		for (d = 0; d < r; d++)
			od[d] = (uint32_t)ddims[d];
		vnpu_emit_dense(r, tx->dims, se);
		vnpu_emit_dense(r, od, de);
		for (d = 0; d < r; d++)
			ss[d] = (int64_t)se[d == a ? b : d == b ? a : d];
		return vnpu_emit_strided4(c, i, A(c->n[i].out), A(n->in[0]), (uint32_t)es,
					  r, od, ss, de);
	}
	sstride[r - 1] = dstride[r - 1] = es;
	for (d = r - 1; d > 0; d--) {
		sstride[d - 1] = sstride[d] * tx->dims[d];
		dstride[d - 1] = dstride[d] * ddims[d];
	}
	for (j = 0; j < runs && !st; j++) {
		uint64_t so = 0, dof = 0;

		for (d = 0; d <= b; d++) {
			uint32_t di = d == a ? idx[b] : d == b ? idx[a] : idx[d];

			so += idx[d] * sstride[d];
			dof += di * dstride[d];
		}
		st = vnpu_emit_copy(c, i, A(c->n[i].out) + dof, A(n->in[0]) + so, run);
		/* Next index over dimensions 0..b, last fastest. */
		for (d = b + 1; d-- > 0;) {
			if (++idx[d] < tx->dims[d])
				break;
			idx[d] = 0;
		}
	}
	return st;
}

/* The NVFP4 tensor scale of T: from its quantize node or its constant. */
static float vnpu_emit_tscale(const struct vnpu_gc *c, vnpu_tensor t)
{
	for (;;) {
		const struct vnpu_gtensor *gt = T(t);
		const struct vnpu_gnode *n;
		float ts;

		if (gt->alias) {
			t = gt->alias;
			continue;
		}
		if (gt->kind == VNPU_GT_CONST) {
			const uint8_t *codes, *scales;

			vnpu_gt_planes(gt, &codes, &scales, &ts);
			return ts;
		}
		if (gt->kind != VNPU_GT_NODE)
			return 1.0f;
		n = &c->g->n[gt->producer];
		if (n->op == VNPU_GOP_QUANTIZE)
			return n->f[0];
		if (n->op != VNPU_GOP_COPY)
			return 1.0f;
		t = n->in[0];
	}
}

static vnpu_status vnpu_emit_quant(struct vnpu_gc *c, uint32_t i)
{
	const struct vnpu_gnode *n = &c->g->n[i];
	bool q = n->op == VNPU_GOP_QUANTIZE;
	vnpu_tensor blk = q ? c->n[i].out : n->in[0], fp = q ? n->in[0] : c->n[i].out;
	uint64_t cnt = COUNT(blk);
	struct vnpu_cmd_quant p = {
		.hdr = HDR(q ? VNPU_OP_QUANTIZE : VNPU_OP_DEQUANTIZE, p),
		.fmt = vnpu_dtype_cmd_fmt(T(blk)->dtype), .n = (uint32_t)cnt,
		.x = A(fp), .codes = A(blk),
		.scales = vnpu_dtype_is_block(T(blk)->dtype) ?
			  A(blk) + vnpu_dtype_codes_bytes(T(blk)->dtype, cnt) : 0,
	};

	if (T(blk)->dtype == VNPU_DTYPE_NVFP4)
		p.tscale = vnpu_emit_bits(q ? n->f[0] : vnpu_emit_tscale(c, blk));
	return vnpu_emit(c, i, &p, sizeof(p));
}

static vnpu_status vnpu_emit_hadamard(struct vnpu_gc *c, uint32_t i)
{
	const struct vnpu_gnode *n = &c->g->n[i];
	struct vnpu_cmd_hadamard p = {
		.hdr = HDR(VNPU_OP_HADAMARD, p),
		.rows = (uint32_t)(COUNT(n->in[0]) / LAST(n->in[0])),
		.cols = LAST(n->in[0]), .block = n->u[0],
		.flags = n->u[1] ? VNPU_HADAMARD_INVERSE : 0,
		.seed = n->u[2] | (uint64_t)n->u[3] << 32,
		.x = A(n->in[0]), .out = A(c->n[i].out),
	};

	return vnpu_emit(c, i, &p, sizeof(p));
}

#define ESIZE(id) ((uint32_t)(vnpu_gt_bytes(T(id)) / COUNT(id)))

static vnpu_status vnpu_emit_strided(struct vnpu_gc *c, uint32_t i)
{
	const struct vnpu_gnode *n = &c->g->n[i];
	vnpu_tensor out = c->n[i].out;
	uint32_t es = ESIZE(out), d;
	int64_t ss[VNPU_MAX_RANK];
	uint64_t ds[VNPU_MAX_RANK];

	for (d = 0; d < T(out)->rank; d++)
		ss[d] = (int32_t)n->u[d];
	vnpu_emit_dense(T(out)->rank, T(out)->dims, ds);
	return vnpu_emit_strided4(c, i, A(out), A(n->in[0]) + n->off * es, es,
				  T(out)->rank, T(out)->dims, ss, ds);
}

static vnpu_status vnpu_emit_concat(struct vnpu_gc *c, uint32_t i)
{
	const struct vnpu_gnode *n = &c->g->n[i];
	vnpu_tensor out = c->n[i].out;
	uint32_t es = ESIZE(out), axis = n->u[0], k, r = T(out)->rank;
	uint64_t ss[VNPU_MAX_RANK], ds[VNPU_MAX_RANK], at = 0;
	int64_t si[VNPU_MAX_RANK];
	vnpu_status st = VNPU_STATUS_OK;
	uint32_t d;

	vnpu_emit_dense(r, T(out)->dims, ds);
	for (k = 0; k < n->nin && !st; k++) {
		vnpu_emit_dense(r, T(n->in[k])->dims, ss);
		for (d = 0; d < r; d++)
			si[d] = (int64_t)ss[d];
		st = vnpu_emit_strided4(c, i, A(out) + at * ds[axis] * es,
					A(n->in[k]), es, r, T(n->in[k])->dims, si, ds);
		at += T(n->in[k])->dims[axis];
	}
	return st;
}

static vnpu_status vnpu_emit_reduce(struct vnpu_gc *c, uint32_t i)
{
	const struct vnpu_gnode *n = &c->g->n[i];
	struct vnpu_cmd_reduce p = {
		.hdr = HDR(VNPU_OP_REDUCE, p), .kind = n->u[0],
		.rows = (uint32_t)(COUNT(n->in[0]) / LAST(n->in[0])),
		.n = LAST(n->in[0]), .x = A(n->in[0]), .out = A(c->n[i].out),
	};

	return vnpu_emit(c, i, &p, sizeof(p));
}

static vnpu_status vnpu_emit_zero(struct vnpu_gc *c, uint32_t i, vnpu_tensor t)
{
	struct vnpu_cmd_fill p = {
		.hdr = HDR(VNPU_OP_FILL, p), .dst = A(t), .size = vnpu_gt_bytes(T(t)),
	};

	return vnpu_emit(c, i, &p, sizeof(p));
}

static vnpu_status vnpu_emit_pad(struct vnpu_gc *c, uint32_t i)
{
	const struct vnpu_gnode *n = &c->g->n[i];
	vnpu_tensor out = c->n[i].out, x = n->in[0];
	uint64_t ss[VNPU_MAX_RANK], ds[VNPU_MAX_RANK];
	int64_t si[VNPU_MAX_RANK];
	vnpu_status st = vnpu_emit_zero(c, i, out);
	uint32_t d;

	vnpu_emit_dense(T(x)->rank, T(x)->dims, ss);
	for (d = 0; d < T(x)->rank; d++)
		si[d] = (int64_t)ss[d];
	vnpu_emit_dense(T(out)->rank, T(out)->dims, ds);
	if (!st)
		st = vnpu_emit_strided4(c, i, A(out), A(x), 4, T(x)->rank,
					T(x)->dims, si, ds);
	return st;
}

/*
 * B [.., K, N] into FP32 weight panels (vnpu_cmd_panel_bytes): W[n][k] =
 * B[k][n] at ((n / 16) * 16 * Kp + k * 16 + n % 16); zeros elsewhere.
 */
static vnpu_status vnpu_emit_panel(struct vnpu_gc *c, uint32_t i)
{
	const struct vnpu_gnode *n = &c->g->n[i];
	const struct vnpu_gtensor *tb = T(n->in[0]);
	vnpu_tensor w = c->n[i].out;
	uint32_t k = tb->dims[tb->rank - 2], nn = tb->dims[tb->rank - 1];
	uint32_t kp = n->u[0], bb = T(w)->dims[0], full = nn / 16, rest = nn % 16;
	uint64_t pb = T(w)->dims[1];
	int64_t ss[4] = { (int64_t)k * nn, 16, nn, 1 };
	uint64_t ds[4] = { pb, 16ull * kp, 16, 1 };
	uint32_t dims[4] = { bb, full, k, 16 };
	vnpu_status st = vnpu_emit_zero(c, i, w);

	if (!st && full)
		st = vnpu_emit_strided4(c, i, A(w), A(n->in[0]), 4, 4, dims, ss, ds);
	dims[1] = 1;
	dims[3] = rest;
	if (!st && rest)
		st = vnpu_emit_strided4(c, i, A(w) + (uint64_t)full * 16 * kp * 4,
					A(n->in[0]) + (uint64_t)full * 16 * 4, 4, 4,
					dims, ss, ds);
	return st;
}

static vnpu_status vnpu_emit_matmul2(struct vnpu_gc *c, uint32_t i)
{
	const struct vnpu_gnode *n = &c->g->n[i];
	vnpu_tensor out = c->n[i].out;
	uint32_t nn = n->u[0], kp = n->u[1], bb = n->u[2];
	uint32_t m = T(out)->dims[T(out)->rank - 2];
	uint64_t batches = COUNT(out) / ((uint64_t)m * nn), pb = T(n->in[1])->dims[1], b;
	struct vnpu_cmd_matmul p = {
		.hdr = HDR(VNPU_OP_MATMUL, p), .m = m, .n = nn, .k = kp,
		.w_fmt = VNPU_CMD_FMT_FP32, .a_fmt = VNPU_CMD_FMT_FP32,
		.c_fmt = VNPU_CMD_FMT_FP32, .lda = kp, .ldc = nn,
	};
	vnpu_status st = VNPU_STATUS_OK;

	for (b = 0; b < batches && !st; b++) {
		p.a = A(n->in[0]) + b * m * kp * 4;
		p.w = A(n->in[1]) + (bb == 1 ? 0 : b * pb * 4);
		p.c = A(out) + b * m * nn * 4;
		st = vnpu_emit(c, i, &p, sizeof(p));
	}
	return st;
}

/* QLINEAR: rows of u[1] values, u[0] scales (vnpu_graph_qlinear()). */
static vnpu_status vnpu_emit_qlinear(struct vnpu_gc *c, uint32_t i)
{
	const struct vnpu_gnode *n = &c->g->n[i];
	bool deq = n->op == VNPU_GOP_DQLINEAR;
	vnpu_tensor x = deq ? c->n[i].out : n->in[0];
	vnpu_tensor q = deq ? n->in[0] : c->n[i].out;
	struct vnpu_cmd_qlinear p = {
		.hdr = HDR(VNPU_OP_QLINEAR, p),
		.flags = (deq ? VNPU_QLINEAR_DEQUANTIZE : 0) |
			 (T(q)->dtype == VNPU_DTYPE_U8 ? VNPU_QLINEAR_UNSIGNED : 0),
		.rows = (uint32_t)(COUNT(x) / n->u[1]), .axis = n->u[0],
		.inner = n->u[1], .x = A(x), .q = A(q), .scale = A(n->in[1]),
		.zero = A(n->in[2]),
	};

	return vnpu_emit(c, i, &p, sizeof(p));
}

static vnpu_status vnpu_emit_compare(struct vnpu_gc *c, uint32_t i)
{
	const struct vnpu_gnode *n = &c->g->n[i];
	struct vnpu_cmd_compare p = {
		.hdr = HDR(VNPU_OP_COMPARE, p), .kind = n->u[0],
		.n = (uint32_t)COUNT(n->in[0]), .x = A(n->in[0]), .y = A(n->in[1]),
		.out = A(c->n[i].out),
	};

	return vnpu_emit(c, i, &p, sizeof(p));
}

static vnpu_status vnpu_emit_select(struct vnpu_gc *c, uint32_t i)
{
	const struct vnpu_gnode *n = &c->g->n[i];
	vnpu_tensor out = c->n[i].out;
	struct vnpu_cmd_select p = {
		.hdr = HDR(VNPU_OP_SELECT, p), .esize = ESIZE(out),
		.n = (uint32_t)COUNT(out), .cond = A(n->in[0]), .x = A(n->in[1]),
		.y = A(n->in[2]), .out = A(out),
	};

	return vnpu_emit(c, i, &p, sizeof(p));
}

static vnpu_status vnpu_emit_node(struct vnpu_gc *c, uint32_t i)
{
	const struct vnpu_gnode *n = &c->g->n[i];

	switch (n->op) {
	case VNPU_GOP_MATMUL:
		return vnpu_emit_matmul(c, i);
	case VNPU_GOP_ADD: case VNPU_GOP_MUL: case VNPU_GOP_SCALE:
	case VNPU_GOP_SILU: case VNPU_GOP_GELU: case VNPU_GOP_SWIGLU:
	case VNPU_GOP_UNARY: case VNPU_GOP_BINARY:
		return vnpu_emit_eltwise(c, i);
	case VNPU_GOP_STRIDED:
		return vnpu_emit_strided(c, i);
	case VNPU_GOP_CONCAT:
		return vnpu_emit_concat(c, i);
	case VNPU_GOP_REDUCE:
		return vnpu_emit_reduce(c, i);
	case VNPU_GOP_PAD:
		return vnpu_emit_pad(c, i);
	case VNPU_GOP_PANEL:
		return vnpu_emit_panel(c, i);
	case VNPU_GOP_MATMUL2:
		return vnpu_emit_matmul2(c, i);
	case VNPU_GOP_RMSNORM: case VNPU_GOP_LAYERNORM:
		return vnpu_emit_norm(c, i);
	case VNPU_GOP_SOFTMAX:
		return vnpu_emit_softmax(c, i);
	case VNPU_GOP_ROPE:
		return vnpu_emit_rope(c, i);
	case VNPU_GOP_ATTENTION:
		return vnpu_emit_attention(c, i);
	case VNPU_GOP_GATHER:
		return vnpu_emit_gather(c, i);
	case VNPU_GOP_TRANSPOSE:
		return vnpu_emit_transpose(c, i);
	case VNPU_GOP_QUANTIZE: case VNPU_GOP_DEQUANTIZE:
		return vnpu_emit_quant(c, i);
	case VNPU_GOP_COPY:
		return vnpu_emit_copy(c, i, A(c->n[i].out), A(n->in[0]),
				      vnpu_gt_bytes(T(c->n[i].out)));
	case VNPU_GOP_HADAMARD:
		return vnpu_emit_hadamard(c, i);
	case VNPU_GOP_QLINEAR: case VNPU_GOP_DQLINEAR:
		return vnpu_emit_qlinear(c, i);
	case VNPU_GOP_COMPARE:
		return vnpu_emit_compare(c, i);
	case VNPU_GOP_SELECT:
		return vnpu_emit_select(c, i);
	}
	return VNPU_STATUS_OK;	/* reshape, view: no data moves */
}

vnpu_status vnpu_pass_emit(struct vnpu_gc *c)
{
	struct vnpu_cmd_stream_header h = {
		.magic = VNPU_CMD_MAGIC, .version = VNPU_CMD_VERSION,
	};
	vnpu_status st = VNPU_STATUS_OK;
	uint32_t i;

	if (c->max_cmd < sizeof(h))
		c->max_cmd = VNPU_RT_MAX_CMD;
	c->cmd = malloc(4096);
	if (!c->cmd)
		return vnpu_rt_error(VNPU_STATUS_OUT_OF_MEMORY,
				     "vnpu_graph_compile: out of memory");
	c->cmd_cap = 4096;
	c->max_pos = UINT32_MAX;
	memcpy(c->cmd, &h, sizeof(h));
	c->cmd_bytes = sizeof(h);
	for (i = 0; i < c->g->nn && !st; i++)
		if (!c->n[i].dead)
			st = vnpu_emit_node(c, i);
	/* States whose value the plan could not put in their memory. */
	for (i = 0; i < c->g->nt && !st; i++) {
		const struct vnpu_gtensor *t = &c->g->t[i];
		vnpu_tensor v = t->value;

		if (t->kind == VNPU_GT_STATE && v)
			st = vnpu_emit_copy(c, T(v)->kind == VNPU_GT_NODE ? T(v)->producer : 0,
					    A(i + 1), A(v), vnpu_gt_bytes(t));
	}
	return st;
}
