// SPDX-License-Identifier: GPL-2.0
/*
 * Operands of each command-stream packet (see vnpu_cmd_ranges.h). Every
 * size is computed with overflow checks: a product that does not fit makes
 * the packet invalid.
 */
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/overflow.h>

#include <drm/vnpu_cmd.h>

#include "vnpu_cmd_ranges.h"

static void vnpu_op_add(struct vnpu_cmd_operands *ops, u64 va, u64 len,
			u32 align, bool write)
{
	ops->r[ops->count++] = (struct vnpu_cmd_range){
		.va = va, .len = len, .align = align, .write = write,
	};
}

/* An operand that may be absent (address 0). */
static void vnpu_op_add_opt(struct vnpu_cmd_operands *ops, u64 va, u64 len,
			    u32 align)
{
	ops->r[ops->count++] = (struct vnpu_cmd_range){
		.va = va, .len = len, .align = align, .optional = true,
	};
}

/* a * b * c, or 0 when it overflows (every caller treats 0 as invalid). */
static u64 vnpu_mul3(u64 a, u64 b, u64 c)
{
	u64 r;

	if (check_mul_overflow(a, b, &r) || check_mul_overflow(r, c, &r))
		return 0;
	return r;
}

static u32 vnpu_fmt_bytes(u32 fmt)
{
	return fmt == VNPU_CMD_FMT_FP32 ? 4 : fmt == VNPU_CMD_FMT_BF16 ? 2 : 0;
}

/* Bytes of ROWS rows of COLS elements, LD apart; 0 if invalid. */
static u64 vnpu_matrix_bytes(u64 rows, u64 cols, u64 ld, u32 esize)
{
	u64 span;

	if (!rows || !cols || !esize || ld < cols ||
	    check_mul_overflow(rows - 1, ld, &span) ||
	    check_add_overflow(span, cols, &span) ||
	    check_mul_overflow(span, (u64)esize, &span))
		return 0;
	return span;
}

static int vnpu_ops_fill(const struct vnpu_cmd_fill *p,
			 struct vnpu_cmd_operands *ops)
{
	if (p->reserved || !p->size || p->size % 4)
		return -EINVAL;
	vnpu_op_add(ops, p->dst, p->size, 4, true);
	return 0;
}

static int vnpu_ops_copy(const struct vnpu_cmd_copy *p,
			 struct vnpu_cmd_operands *ops)
{
	if (!p->size)
		return -EINVAL;
	vnpu_op_add(ops, p->dst, p->size, 1, true);
	vnpu_op_add(ops, p->src, p->size, 1, false);
	return 0;
}

static int vnpu_ops_matmul(const struct vnpu_cmd_matmul *p,
			   struct vnpu_cmd_operands *ops)
{
	u32 ae = vnpu_fmt_bytes(p->a_fmt), ce = vnpu_fmt_bytes(p->c_fmt);
	u64 w_len = vnpu_cmd_panel_bytes(p->w_fmt, p->n, p->k);

	if (p->reserved[0] || p->reserved[1] || p->reserved[2] || !p->m ||
	    !p->n || !p->k || p->m > VNPU_CMD_MAX_MN || p->n > VNPU_CMD_MAX_MN ||
	    p->k > VNPU_CMD_MAX_K || p->k % 32 || p->act > VNPU_CMD_ACT_GELU_TANH)
		return -EINVAL;
	switch (p->a_quant) {
	case VNPU_CMD_FMT_NONE:
	case VNPU_CMD_FMT_MXINT8:
	case VNPU_CMD_FMT_MXFP4:
	case VNPU_CMD_FMT_MXFP8_E4M3:
	case VNPU_CMD_FMT_MXFP8_E5M2:
		break;
	default:
		return -EINVAL;
	}
	if (!w_len || !ae || !ce)
		return -EINVAL;
	/* The AI cores load weight panels with aligned vector loads. */
	vnpu_op_add(ops, p->w, w_len, 64, false);
	vnpu_op_add(ops, p->a, vnpu_matrix_bytes(p->m, p->k, p->lda, ae), ae,
		    false);
	vnpu_op_add_opt(ops, p->bias, (u64)p->n * 4, 4);
	vnpu_op_add(ops, p->c, vnpu_matrix_bytes(p->m, p->n, p->ldc, ce), ce,
		    true);
	return 0;
}

static int vnpu_ops_eltwise(const struct vnpu_cmd_eltwise *p,
			    struct vnpu_cmd_operands *ops)
{
	bool binary = p->op == VNPU_ELT_ADD || p->op == VNPU_ELT_MUL ||
		      p->op == VNPU_ELT_SWIGLU;
	u64 len = (u64)p->n * 4;

	if (p->op > VNPU_ELT_SWIGLU || p->reserved || !p->n ||
	    p->n > VNPU_CMD_MAX_ELEMS || (p->op != VNPU_ELT_SCALE && p->scale) ||
	    binary != !!p->y)
		return -EINVAL;
	ops->inplace = true;
	vnpu_op_add(ops, p->x, len, 4, false);
	vnpu_op_add_opt(ops, p->y, len, 4);
	vnpu_op_add(ops, p->out, len, 4, true);
	return 0;
}

static int vnpu_ops_norm(const struct vnpu_cmd_norm *p,
			 struct vnpu_cmd_operands *ops)
{
	u64 len = vnpu_mul3(p->rows, p->n, 4);

	if (p->kind > VNPU_NORM_LAYER || !len ||
	    len > (u64)VNPU_CMD_MAX_ELEMS * 4 ||
	    (p->kind == VNPU_NORM_RMS && p->beta))
		return -EINVAL;
	ops->inplace = true;
	vnpu_op_add(ops, p->x, len, 4, false);
	vnpu_op_add_opt(ops, p->gamma, (u64)p->n * 4, 4);
	vnpu_op_add_opt(ops, p->beta, (u64)p->n * 4, 4);
	vnpu_op_add(ops, p->out, len, 4, true);
	return 0;
}

static int vnpu_ops_softmax(const struct vnpu_cmd_softmax *p,
			    struct vnpu_cmd_operands *ops)
{
	u64 len = vnpu_matrix_bytes(p->rows, p->n, p->ld, 4);

	if ((p->flags & ~VNPU_SOFTMAX_CAUSAL) || p->reserved || !len ||
	    len > (u64)VNPU_CMD_MAX_ELEMS * 4)
		return -EINVAL;
	ops->inplace = true;
	vnpu_op_add(ops, p->x, len, 4, false);
	vnpu_op_add(ops, p->out, len, 4, true);
	return 0;
}

static int vnpu_ops_rope(const struct vnpu_cmd_rope *p,
			 struct vnpu_cmd_operands *ops)
{
	u64 len = vnpu_mul3(p->heads, p->dim, 4);

	if (p->dim < 2 || p->dim > 1024 || p->dim % 2 || p->mode > 1 ||
	    p->reserved || !len || len > (u64)VNPU_CMD_MAX_ELEMS * 4)
		return -EINVAL;
	vnpu_op_add(ops, p->x, len, 4, true);
	return 0;
}

static int vnpu_ops_attention(const struct vnpu_cmd_attention *p,
			      struct vnpu_cmd_operands *ops)
{
	u32 kv_e = p->kv_bf16 ? 2 : 4;
	u64 ctx = (u64)p->pos0 + p->nq;
	u64 q_len = vnpu_mul3(p->nq, p->n_heads, (u64)p->dim * 4);
	u64 kv_len = vnpu_mul3(ctx, p->n_kv_heads, (u64)p->dim * kv_e);

	if (!p->nq || !p->n_heads || !p->n_kv_heads ||
	    p->n_heads % p->n_kv_heads || !p->dim || p->dim > 1024 ||
	    p->kv_bf16 > 1 || p->reserved || ctx > VNPU_CMD_MAX_CTX ||
	    !q_len || q_len > (u64)VNPU_CMD_MAX_ELEMS * 4 || !kv_len ||
	    kv_len > (u64)VNPU_CMD_MAX_ELEMS * 4)
		return -EINVAL;
	vnpu_op_add(ops, p->q, q_len, 4, false);
	vnpu_op_add(ops, p->k, kv_len, kv_e, false);
	vnpu_op_add(ops, p->v, kv_len, kv_e, false);
	vnpu_op_add(ops, p->out, q_len, 4, true);
	return 0;
}

static int vnpu_ops_gather(const struct vnpu_cmd_gather *p,
			   struct vnpu_cmd_operands *ops)
{
	u32 te = p->table_bf16 ? 2 : 4;
	u64 t_len = vnpu_mul3(p->rows, p->cols, te);
	u64 o_len = vnpu_mul3(p->n, p->cols, 4);

	if (p->table_bf16 > 1 || !t_len || !o_len ||
	    t_len > (u64)VNPU_CMD_MAX_ELEMS * 4 ||
	    o_len > (u64)VNPU_CMD_MAX_ELEMS * 4)
		return -EINVAL;
	vnpu_op_add(ops, p->table, t_len, te, false);
	vnpu_op_add(ops, p->idx, (u64)p->n * 4, 4, false);
	vnpu_op_add(ops, p->out, o_len, 4, true);
	return 0;
}

static int vnpu_ops_quant(const struct vnpu_cmd_quant *p, bool quantize,
			  struct vnpu_cmd_operands *ops)
{
	u32 bits, block = 32;

	switch (p->fmt) {
	case VNPU_CMD_FMT_MXFP4:
		bits = 4;
		break;
	case VNPU_CMD_FMT_NVFP4:
		bits = 4;
		block = 16;
		break;
	case VNPU_CMD_FMT_MXFP8_E4M3:
	case VNPU_CMD_FMT_MXFP8_E5M2:
	case VNPU_CMD_FMT_MXINT8:
		bits = 8;
		break;
	default:
		return -EINVAL;
	}
	if (!p->n || p->n % 32 || p->n > VNPU_CMD_MAX_ELEMS || p->reserved)
		return -EINVAL;
	vnpu_op_add(ops, p->x, (u64)p->n * 4, 4, !quantize);
	vnpu_op_add(ops, p->codes, (u64)p->n * bits / 8, 1, quantize);
	vnpu_op_add(ops, p->scales, p->n / block, 1, quantize);
	return 0;
}

static const u32 vnpu_cmd_sizes[] = {
	[VNPU_OP_NOP] = sizeof(struct vnpu_cmd_header),
	[VNPU_OP_FILL] = sizeof(struct vnpu_cmd_fill),
	[VNPU_OP_COPY] = sizeof(struct vnpu_cmd_copy),
	[VNPU_OP_BARRIER] = sizeof(struct vnpu_cmd_header),
	[VNPU_OP_TIMESTAMP] = sizeof(struct vnpu_cmd_timestamp),
	[VNPU_OP_MATMUL] = sizeof(struct vnpu_cmd_matmul),
	[VNPU_OP_ELTWISE] = sizeof(struct vnpu_cmd_eltwise),
	[VNPU_OP_NORM] = sizeof(struct vnpu_cmd_norm),
	[VNPU_OP_SOFTMAX] = sizeof(struct vnpu_cmd_softmax),
	[VNPU_OP_ROPE] = sizeof(struct vnpu_cmd_rope),
	[VNPU_OP_ATTENTION] = sizeof(struct vnpu_cmd_attention),
	[VNPU_OP_GATHER] = sizeof(struct vnpu_cmd_gather),
	[VNPU_OP_QUANTIZE] = sizeof(struct vnpu_cmd_quant),
	[VNPU_OP_DEQUANTIZE] = sizeof(struct vnpu_cmd_quant),
};

u32 vnpu_cmd_packet_size(u32 op)
{
	return op < ARRAY_SIZE(vnpu_cmd_sizes) ? vnpu_cmd_sizes[op] : 0;
}

int vnpu_cmd_operands(const struct vnpu_cmd_header *hdr,
		      struct vnpu_cmd_operands *ops)
{
	const void *p = hdr;

	ops->count = 0;
	ops->inplace = false;
	switch (hdr->op) {
	case VNPU_OP_NOP:
	case VNPU_OP_BARRIER:
		return 0;
	case VNPU_OP_FILL:
		return vnpu_ops_fill(p, ops);
	case VNPU_OP_COPY:
		return vnpu_ops_copy(p, ops);
	case VNPU_OP_TIMESTAMP:
		vnpu_op_add(ops, ((const struct vnpu_cmd_timestamp *)p)->dst,
			    sizeof(u64), 8, true);
		return 0;
	case VNPU_OP_MATMUL:
		return vnpu_ops_matmul(p, ops);
	case VNPU_OP_ELTWISE:
		return vnpu_ops_eltwise(p, ops);
	case VNPU_OP_NORM:
		return vnpu_ops_norm(p, ops);
	case VNPU_OP_SOFTMAX:
		return vnpu_ops_softmax(p, ops);
	case VNPU_OP_ROPE:
		return vnpu_ops_rope(p, ops);
	case VNPU_OP_ATTENTION:
		return vnpu_ops_attention(p, ops);
	case VNPU_OP_GATHER:
		return vnpu_ops_gather(p, ops);
	case VNPU_OP_QUANTIZE:
		return vnpu_ops_quant(p, true, ops);
	case VNPU_OP_DEQUANTIZE:
		return vnpu_ops_quant(p, false, ops);
	default:
		return -EINVAL;
	}
}
