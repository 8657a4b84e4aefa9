// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The ISA's operand table and stream validation (vnpu_engine/isa.h),
 * written from the field documentation of uapi/drm/vnpu_cmd.h. Sizes use
 * overflow-checked arithmetic: a size that does not fit 64 bits makes the
 * packet invalid.
 */
#include <vnpu_engine/isa.h>

struct vnpu_isa_opinfo {
	const char *name;
	uint32_t size;
};

static const struct vnpu_isa_opinfo vnpu_isa_ops[] = {
	[VNPU_OP_NOP] = { "NOP", sizeof(struct vnpu_cmd_header) },
	[VNPU_OP_FILL] = { "FILL", sizeof(struct vnpu_cmd_fill) },
	[VNPU_OP_COPY] = { "COPY", sizeof(struct vnpu_cmd_copy) },
	[VNPU_OP_BARRIER] = { "BARRIER", sizeof(struct vnpu_cmd_header) },
	[VNPU_OP_TIMESTAMP] = { "TIMESTAMP", sizeof(struct vnpu_cmd_timestamp) },
	[VNPU_OP_MATMUL] = { "MATMUL", sizeof(struct vnpu_cmd_matmul) },
	[VNPU_OP_ELTWISE] = { "ELTWISE", sizeof(struct vnpu_cmd_eltwise) },
	[VNPU_OP_NORM] = { "NORM", sizeof(struct vnpu_cmd_norm) },
	[VNPU_OP_SOFTMAX] = { "SOFTMAX", sizeof(struct vnpu_cmd_softmax) },
	[VNPU_OP_ROPE] = { "ROPE", sizeof(struct vnpu_cmd_rope) },
	[VNPU_OP_ATTENTION] = { "ATTENTION", sizeof(struct vnpu_cmd_attention) },
	[VNPU_OP_GATHER] = { "GATHER", sizeof(struct vnpu_cmd_gather) },
	[VNPU_OP_QUANTIZE] = { "QUANTIZE", sizeof(struct vnpu_cmd_quant) },
	[VNPU_OP_DEQUANTIZE] = { "DEQUANTIZE", sizeof(struct vnpu_cmd_quant) },
	[VNPU_OP_HADAMARD] = { "HADAMARD", sizeof(struct vnpu_cmd_hadamard) },
	[VNPU_OP_STRIDED] = { "STRIDED", sizeof(struct vnpu_cmd_strided) },
	[VNPU_OP_REDUCE] = { "REDUCE", sizeof(struct vnpu_cmd_reduce) },
	[VNPU_OP_QLINEAR] = { "QLINEAR", sizeof(struct vnpu_cmd_qlinear) },
	[VNPU_OP_COMPARE] = { "COMPARE", sizeof(struct vnpu_cmd_compare) },
	[VNPU_OP_SELECT] = { "SELECT", sizeof(struct vnpu_cmd_select) },
};

#define VNPU_ISA_NOPS (sizeof(vnpu_isa_ops) / sizeof(vnpu_isa_ops[0]))

uint32_t vnpu_isa_packet_size(uint32_t op)
{
	return op < VNPU_ISA_NOPS ? vnpu_isa_ops[op].size : 0;
}

const char *vnpu_isa_op_name(uint32_t op)
{
	return op < VNPU_ISA_NOPS ? vnpu_isa_ops[op].name : "unknown";
}

static void vnpu_isa_add(struct vnpu_isa_operands *ops, uint64_t va,
			uint64_t len, uint32_t align, bool write, bool optional)
{
	struct vnpu_isa_operand *o = &ops->o[ops->count++];

	o->va = va;
	o->len = len;
	o->align = align;
	o->write = write;
	o->optional = optional;
}

/* a * b * c, or 0 on overflow (callers reject 0). */
static uint64_t vnpu_isa_mul3(uint64_t a, uint64_t b, uint64_t c)
{
	uint64_t r;

	if (__builtin_mul_overflow(a, b, &r) || __builtin_mul_overflow(r, c, &r))
		return 0;
	return r;
}

/* Bytes spanned by ROWS rows of COLS elements of ESIZE bytes, LD apart. */
static uint64_t vnpu_isa_span(uint64_t rows, uint64_t cols, uint64_t ld,
			     uint32_t esize)
{
	uint64_t s;

	if (!rows || !cols || !esize || ld < cols ||
	    __builtin_mul_overflow(rows - 1, ld, &s) ||
	    __builtin_add_overflow(s, cols, &s) ||
	    __builtin_mul_overflow(s, (uint64_t)esize, &s))
		return 0;
	return s;
}

static uint32_t vnpu_isa_act_bytes(uint32_t fmt)
{
	if (fmt == VNPU_CMD_FMT_FP32)
		return 4;
	return fmt == VNPU_CMD_FMT_BF16 ? 2 : 0;
}

#define VNPU_ISA_MAX_BYTES ((uint64_t)VNPU_CMD_MAX_ELEMS * 4)

static const char *vnpu_isa_matmul(const struct vnpu_cmd_matmul *p,
				  struct vnpu_isa_operands *ops)
{
	uint32_t ae = vnpu_isa_act_bytes(p->a_fmt), ce = vnpu_isa_act_bytes(p->c_fmt);
	uint64_t wlen = vnpu_cmd_panel_bytes(p->w_fmt, p->n, p->k);
	uint64_t alen, clen;

	if (p->reserved[0] || p->reserved[1] || p->reserved[2])
		return "reserved bytes are not zero";
	if (!p->m || !p->n || p->m > VNPU_CMD_MAX_MN || p->n > VNPU_CMD_MAX_MN)
		return "m and n must be 1..VNPU_CMD_MAX_MN";
	if (!p->k || p->k % 32 || p->k > VNPU_CMD_MAX_K)
		return "k must be a multiple of 32 up to VNPU_CMD_MAX_K";
	if (p->act > VNPU_CMD_ACT_GELU_TANH)
		return "unknown activation";
	if (p->a_quant != VNPU_CMD_FMT_NONE && p->a_quant != VNPU_CMD_FMT_MXINT8 &&
	    p->a_quant != VNPU_CMD_FMT_MXFP4 &&
	    p->a_quant != VNPU_CMD_FMT_MXFP8_E4M3 &&
	    p->a_quant != VNPU_CMD_FMT_MXFP8_E5M2)
		return "a_quant is not NONE, MXINT8, MXFP4 or MXFP8";
	if (!wlen)
		return "w_fmt is not a weight format";
	if (!ae || !ce)
		return "a_fmt and c_fmt must be FP32 or BF16";
	alen = vnpu_isa_span(p->m, p->k, p->lda, ae);
	clen = vnpu_isa_span(p->m, p->n, p->ldc, ce);
	if (!alen || !clen)
		return "lda < k or ldc < n (or a size overflows)";
	vnpu_isa_add(ops, p->w, wlen, 64, false, false);
	vnpu_isa_add(ops, p->a, alen, ae, false, false);
	vnpu_isa_add(ops, p->bias, (uint64_t)p->n * 4, 4, false, true);
	vnpu_isa_add(ops, p->c, clen, ce, true, false);
	return NULL;
}

static const char *vnpu_isa_eltwise(const struct vnpu_cmd_eltwise *p,
				   struct vnpu_isa_operands *ops)
{
	bool two = p->op == VNPU_ELT_ADD || p->op == VNPU_ELT_MUL ||
		   p->op == VNPU_ELT_SWIGLU ||
		   (p->op >= VNPU_ELT_SUB && p->op <= VNPU_ELT_POW);
	uint64_t len = (uint64_t)p->n * 4;

	if (p->op > VNPU_ELT_LOG)
		return "unknown element-wise op";
	if (p->reserved)
		return "reserved field is not zero";
	if (!p->n || p->n > VNPU_CMD_MAX_ELEMS)
		return "n must be 1..VNPU_CMD_MAX_ELEMS";
	if (p->op != VNPU_ELT_SCALE && p->scale)
		return "scale is set for an op other than SCALE";
	if (two != (p->y != 0))
		return two ? "y is missing" : "y is set for a one-input op";
	ops->inplace = true;
	vnpu_isa_add(ops, p->x, len, 4, false, false);
	vnpu_isa_add(ops, p->y, len, 4, false, true);
	vnpu_isa_add(ops, p->out, len, 4, true, false);
	return NULL;
}

static const char *vnpu_isa_norm(const struct vnpu_cmd_norm *p,
				struct vnpu_isa_operands *ops)
{
	uint64_t len = vnpu_isa_mul3(p->rows, p->n, 4);

	if (p->kind > VNPU_NORM_LAYER)
		return "unknown norm kind";
	if (!len || len > VNPU_ISA_MAX_BYTES)
		return "rows * n must be 1..VNPU_CMD_MAX_ELEMS";
	if (p->kind == VNPU_NORM_RMS && p->beta)
		return "beta is set for an RMS norm";
	ops->inplace = true;
	vnpu_isa_add(ops, p->x, len, 4, false, false);
	vnpu_isa_add(ops, p->gamma, (uint64_t)p->n * 4, 4, false, true);
	vnpu_isa_add(ops, p->beta, (uint64_t)p->n * 4, 4, false, true);
	vnpu_isa_add(ops, p->out, len, 4, true, false);
	return NULL;
}

static const char *vnpu_isa_softmax(const struct vnpu_cmd_softmax *p,
				   struct vnpu_isa_operands *ops)
{
	uint64_t len = vnpu_isa_span(p->rows, p->n, p->ld, 4);

	if (p->flags & ~(uint32_t)VNPU_SOFTMAX_CAUSAL)
		return "unknown softmax flags";
	if (p->reserved)
		return "reserved field is not zero";
	if (!len || len > VNPU_ISA_MAX_BYTES)
		return "rows, n and ld (>= n) must span 1..VNPU_CMD_MAX_ELEMS";
	ops->inplace = true;
	vnpu_isa_add(ops, p->x, len, 4, false, false);
	vnpu_isa_add(ops, p->out, len, 4, true, false);
	return NULL;
}

static const char *vnpu_isa_rope(const struct vnpu_cmd_rope *p,
				struct vnpu_isa_operands *ops)
{
	uint32_t tokens = vnpu_isa_rope_tokens(p);
	uint64_t len = vnpu_isa_mul3(tokens, p->heads, (uint64_t)p->dim * 4);

	if (p->dim < 2 || p->dim > 1024 || p->dim % 2)
		return "dim must be even, 2..1024";
	if (p->mode > 1)
		return "mode must be 0 (interleaved) or 1 (half)";
	if (tokens - 1 > (uint32_t)~p->pos)	/* ~pos: U32_MAX - pos */
		return "pos + tokens - 1 exceeds U32_MAX";
	if (!len || len > VNPU_ISA_MAX_BYTES)
		return "tokens * heads * dim must be 1..VNPU_CMD_MAX_ELEMS";
	vnpu_isa_add(ops, p->x, len, 4, true, false);
	return NULL;
}

static const char *vnpu_isa_attention(const struct vnpu_cmd_attention *p,
				     struct vnpu_isa_operands *ops)
{
	uint32_t kve = p->kv_bf16 ? 2 : 4;
	uint64_t ctx = (uint64_t)p->pos0 + p->nq;
	uint64_t qlen = vnpu_isa_mul3(p->nq, p->n_heads, (uint64_t)p->dim * 4);
	/* head-major: the last head's rows start kv_rows * (n_kv_heads - 1) in */
	uint64_t rows = p->kv_rows ? (uint64_t)p->kv_rows * (p->n_kv_heads - 1) +
				     ctx : ctx * p->n_kv_heads;
	uint64_t kvlen = vnpu_isa_mul3(rows, 1, (uint64_t)p->dim * kve);

	if (!p->nq || !p->n_heads || !p->n_kv_heads ||
	    p->n_heads % p->n_kv_heads)
		return "nq, n_heads, n_kv_heads must be non-zero and n_kv_heads divide n_heads";
	if (!p->dim || p->dim > 1024)
		return "dim must be 1..1024";
	if (p->kv_bf16 > 1)
		return "kv_bf16 must be 0 or 1";
	if (ctx > VNPU_CMD_MAX_CTX)
		return "pos0 + nq exceeds VNPU_CMD_MAX_CTX";
	if (p->kv_rows && (p->kv_rows < ctx || p->kv_rows > VNPU_CMD_MAX_CTX))
		return "kv_rows must be 0 or pos0 + nq .. VNPU_CMD_MAX_CTX";
	if (!qlen || qlen > VNPU_ISA_MAX_BYTES || !kvlen ||
	    kvlen > VNPU_ISA_MAX_BYTES)
		return "q or the KV cache exceeds VNPU_CMD_MAX_ELEMS";
	vnpu_isa_add(ops, p->q, qlen, 4, false, false);
	vnpu_isa_add(ops, p->k, kvlen, kve, false, false);
	vnpu_isa_add(ops, p->v, kvlen, kve, false, false);
	vnpu_isa_add(ops, p->out, qlen, 4, true, false);
	return NULL;
}

static const char *vnpu_isa_gather(const struct vnpu_cmd_gather *p,
				  struct vnpu_isa_operands *ops)
{
	uint32_t te = p->table_bf16 ? 2 : 4;
	uint64_t tlen = vnpu_isa_mul3(p->rows, p->cols, te);
	uint64_t olen = vnpu_isa_mul3(p->n, p->cols, 4);

	if (p->table_bf16 > 1)
		return "table_bf16 must be 0 or 1";
	if (!tlen || !olen || tlen > VNPU_ISA_MAX_BYTES || olen > VNPU_ISA_MAX_BYTES)
		return "rows, cols and n must be non-zero and within VNPU_CMD_MAX_ELEMS";
	vnpu_isa_add(ops, p->table, tlen, te, false, false);
	vnpu_isa_add(ops, p->idx, (uint64_t)p->n * 4, 4, false, false);
	vnpu_isa_add(ops, p->out, olen, 4, true, false);
	return NULL;
}

static const char *vnpu_isa_quant(const struct vnpu_cmd_quant *p, bool quantize,
				 struct vnpu_isa_operands *ops)
{
	uint32_t bits = 8, block = 32;

	switch (p->fmt) {
	case VNPU_CMD_FMT_BF16:
	case VNPU_CMD_FMT_FP16:
	case VNPU_CMD_FMT_FP8_E4M3:
	case VNPU_CMD_FMT_FP8_E5M2:
		/* A plain conversion: no blocks, no scales. */
		bits = p->fmt <= VNPU_CMD_FMT_FP16 ? 16 : 8;
		if (!p->n || p->n > VNPU_CMD_MAX_ELEMS)
			return "n must be 1..VNPU_CMD_MAX_ELEMS";
		if (p->reserved)
			return "reserved field is not zero";
		if (p->scales)
			return "scales is set for an element format";
		vnpu_isa_add(ops, p->x, (uint64_t)p->n * 4, 4, !quantize, false);
		vnpu_isa_add(ops, p->codes, (uint64_t)p->n * bits / 8, bits / 8,
			    quantize, false);
		vnpu_isa_add(ops, p->scales, 1, 1, false, true);
		return NULL;
	case VNPU_CMD_FMT_NVFP4:
		bits = 4;
		block = 16;
		break;
	case VNPU_CMD_FMT_MXFP4:
		bits = 4;
		break;
	case VNPU_CMD_FMT_MXFP8_E4M3:
	case VNPU_CMD_FMT_MXFP8_E5M2:
	case VNPU_CMD_FMT_MXINT8:
		break;
	default:
		return "fmt is not MXFP4, NVFP4, MXFP8, MXINT8, BF16, FP16 or FP8";
	}
	if (!p->n || p->n % 32 || p->n > VNPU_CMD_MAX_ELEMS)
		return "n must be a non-zero multiple of 32 up to VNPU_CMD_MAX_ELEMS";
	if (p->reserved)
		return "reserved field is not zero";
	vnpu_isa_add(ops, p->x, (uint64_t)p->n * 4, 4, !quantize, false);
	vnpu_isa_add(ops, p->codes, (uint64_t)p->n * bits / 8, 1, quantize, false);
	vnpu_isa_add(ops, p->scales, p->n / block, 1, quantize, false);
	return NULL;
}

static const char *vnpu_isa_hadamard(const struct vnpu_cmd_hadamard *p,
				     struct vnpu_isa_operands *ops)
{
	uint64_t len = vnpu_isa_mul3(p->rows, p->cols, 4);

	if (p->block < 2 || p->block > 4096 || (p->block & (p->block - 1)))
		return "block must be a power of two, 2..4096";
	if (!p->cols || p->cols % p->block)
		return "cols must be a non-zero multiple of block";
	if (p->flags & ~(uint32_t)VNPU_HADAMARD_INVERSE)
		return "unknown hadamard flags";
	if (!len || len > VNPU_ISA_MAX_BYTES)
		return "rows * cols must be 1..VNPU_CMD_MAX_ELEMS";
	ops->inplace = true;
	vnpu_isa_add(ops, p->x, len, 4, false, false);
	vnpu_isa_add(ops, p->out, len, 4, true, false);
	return NULL;
}

/*
 * The lowest and highest element offsets of a strided view (dims at most
 * 2^28, |strides| below 2^31: no overflow in 64 bits).
 */
static void vnpu_isa_strided_range(const __u32 *dims, const __s32 *stride,
				   int64_t *lo, int64_t *hi)
{
	int d;

	*lo = 0;
	*hi = 0;
	for (d = 0; d < 4; d++) {
		int64_t e = (int64_t)(dims[d] - 1) * stride[d];

		if (e < 0)
			*lo += e;
		else
			*hi += e;
	}
}

static const char *vnpu_isa_strided(const struct vnpu_cmd_strided *p,
				   struct vnpu_isa_operands *ops)
{
	__s32 dst_stride[4];
	uint64_t count = 1;
	int64_t lo, hi;
	int d;

	if (p->esize != 1 && p->esize != 2 && p->esize != 4)
		return "esize must be 1, 2 or 4";
	if (p->reserved)
		return "reserved field is not zero";
	for (d = 0; d < 4; d++) {
		if (!p->dims[d])
			return "a dimension is 0";
		count *= p->dims[d];
		if (count > VNPU_CMD_MAX_ELEMS)
			return "the view exceeds VNPU_CMD_MAX_ELEMS elements";
	}
	if (!p->dst_stride[3])
		return "dst_stride[3] must be at least 1";
	for (d = 0; d < 3; d++)
		if ((uint64_t)p->dst_stride[d] <
		    (uint64_t)p->dst_stride[d + 1] * p->dims[d + 1])
			return "dst strides would write an element twice";
	for (d = 0; d < 4; d++) {
		if (p->dst_stride[d] > 0x7fffffffu ||
		    p->src_stride[d] == (__s32)0x80000000)
			return "a stride exceeds 2^31 - 1 elements";
		dst_stride[d] = (__s32)p->dst_stride[d];
	}
	/* the source operand starts at its lowest element */
	vnpu_isa_strided_range(p->dims, p->src_stride, &lo, &hi);
	vnpu_isa_add(ops, p->src + (uint64_t)(lo * p->esize),
		    (uint64_t)(hi - lo + 1) * p->esize, p->esize, false, false);
	vnpu_isa_strided_range(p->dims, dst_stride, &lo, &hi);
	vnpu_isa_add(ops, p->dst, (uint64_t)(hi + 1) * p->esize, p->esize, true,
		    false);
	return NULL;
}

static const char *vnpu_isa_reduce(const struct vnpu_cmd_reduce *p,
				  struct vnpu_isa_operands *ops)
{
	uint64_t len = vnpu_isa_mul3(p->rows, p->n, 4);

	if (p->kind > VNPU_REDUCE_MIN)
		return "unknown reduction";
	if (p->reserved)
		return "reserved field is not zero";
	if (!len || len > VNPU_ISA_MAX_BYTES)
		return "rows * n must be 1..VNPU_CMD_MAX_ELEMS";
	vnpu_isa_add(ops, p->x, len, 4, false, false);
	vnpu_isa_add(ops, p->out, (uint64_t)p->rows * 4, 4, true, false);
	return NULL;
}

static const char *vnpu_isa_qlinear(const struct vnpu_cmd_qlinear *p,
				   struct vnpu_isa_operands *ops)
{
	uint64_t n = vnpu_isa_mul3(p->rows, p->inner, 1);
	bool deq = p->flags & VNPU_QLINEAR_DEQUANTIZE;

	if (p->flags & ~(uint32_t)(VNPU_QLINEAR_DEQUANTIZE | VNPU_QLINEAR_UNSIGNED))
		return "unknown qlinear flags";
	if (!p->axis || p->rows % p->axis)
		return "rows must be a multiple of axis (>= 1)";
	if (!n || n > VNPU_CMD_MAX_ELEMS)
		return "rows * inner must be 1..VNPU_CMD_MAX_ELEMS";
	vnpu_isa_add(ops, p->x, n * 4, 4, deq, false);
	vnpu_isa_add(ops, p->q, n, 1, !deq, false);
	vnpu_isa_add(ops, p->scale, (uint64_t)p->axis * 4, 4, false, false);
	vnpu_isa_add(ops, p->zero, p->axis, 1, false, true);
	return NULL;
}

static const char *vnpu_isa_compare(const struct vnpu_cmd_compare *p,
				   struct vnpu_isa_operands *ops)
{
	if (p->kind > VNPU_CMP_GE)
		return "unknown comparison";
	if (!p->n || p->n > VNPU_CMD_MAX_ELEMS)
		return "n must be 1..VNPU_CMD_MAX_ELEMS";
	vnpu_isa_add(ops, p->x, (uint64_t)p->n * 4, 4, false, false);
	vnpu_isa_add(ops, p->y, (uint64_t)p->n * 4, 4, false, false);
	vnpu_isa_add(ops, p->out, p->n, 1, true, false);
	return NULL;
}

static const char *vnpu_isa_select(const struct vnpu_cmd_select *p,
				  struct vnpu_isa_operands *ops)
{
	uint64_t len = (uint64_t)p->n * p->esize;

	if (p->esize != 1 && p->esize != 2 && p->esize != 4)
		return "esize must be 1, 2 or 4";
	if (!p->n || p->n > VNPU_CMD_MAX_ELEMS)
		return "n must be 1..VNPU_CMD_MAX_ELEMS";
	ops->inplace = true;
	vnpu_isa_add(ops, p->cond, p->n, 1, false, false);
	vnpu_isa_add(ops, p->x, len, p->esize, false, false);
	vnpu_isa_add(ops, p->y, len, p->esize, false, false);
	vnpu_isa_add(ops, p->out, len, p->esize, true, false);
	return NULL;
}

const char *vnpu_isa_operands(const struct vnpu_cmd_header *hdr,
				    struct vnpu_isa_operands *ops)
{
	const void *p = hdr;

	ops->count = 0;
	ops->inplace = false;
	switch (hdr->op) {
	case VNPU_OP_NOP:
	case VNPU_OP_BARRIER:
		return NULL;
	case VNPU_OP_FILL: {
		const struct vnpu_cmd_fill *f = p;

		if (f->reserved)
			return "reserved field is not zero";
		if (!f->size || f->size % 4)
			return "size must be a non-zero multiple of 4";
		vnpu_isa_add(ops, f->dst, f->size, 4, true, false);
		return NULL;
	}
	case VNPU_OP_COPY: {
		const struct vnpu_cmd_copy *c = p;

		if (!c->size)
			return "size is 0";
		vnpu_isa_add(ops, c->dst, c->size, 1, true, false);
		vnpu_isa_add(ops, c->src, c->size, 1, false, false);
		return NULL;
	}
	case VNPU_OP_TIMESTAMP:
		vnpu_isa_add(ops, ((const struct vnpu_cmd_timestamp *)p)->dst, 8, 8,
			    true, false);
		return NULL;
	case VNPU_OP_MATMUL:
		return vnpu_isa_matmul(p, ops);
	case VNPU_OP_ELTWISE:
		return vnpu_isa_eltwise(p, ops);
	case VNPU_OP_NORM:
		return vnpu_isa_norm(p, ops);
	case VNPU_OP_SOFTMAX:
		return vnpu_isa_softmax(p, ops);
	case VNPU_OP_ROPE:
		return vnpu_isa_rope(p, ops);
	case VNPU_OP_ATTENTION:
		return vnpu_isa_attention(p, ops);
	case VNPU_OP_GATHER:
		return vnpu_isa_gather(p, ops);
	case VNPU_OP_QUANTIZE:
		return vnpu_isa_quant(p, true, ops);
	case VNPU_OP_DEQUANTIZE:
		return vnpu_isa_quant(p, false, ops);
	case VNPU_OP_HADAMARD:
		return vnpu_isa_hadamard(p, ops);
	case VNPU_OP_STRIDED:
		return vnpu_isa_strided(p, ops);
	case VNPU_OP_REDUCE:
		return vnpu_isa_reduce(p, ops);
	case VNPU_OP_QLINEAR:
		return vnpu_isa_qlinear(p, ops);
	case VNPU_OP_COMPARE:
		return vnpu_isa_compare(p, ops);
	case VNPU_OP_SELECT:
		return vnpu_isa_select(p, ops);
	default:
		return "unknown opcode";
	}
}

static bool vnpu_isa_in_space(const struct vnpu_isa_operand *o, uint64_t base,
			     uint64_t space)
{
	uint64_t end;

	if (!o->len || __builtin_add_overflow(o->va, o->len, &end))
		return false;
	return o->va >= base && end <= base + space;
}

static bool vnpu_isa_overlap(const struct vnpu_isa_operand *a,
			    const struct vnpu_isa_operand *b)
{
	return a->va < b->va + b->len && b->va < a->va + a->len;
}

/*
 * NULL, or why the operands are unusable. An output overlapping another
 * operand would make results depend on the tiling, so only an exact
 * in-place match is allowed, and only where the op defines it.
 */
const char *vnpu_isa_check_operands(const struct vnpu_isa_operands *ops,
					  uint64_t base, uint64_t space,
					  uint32_t *which)
{
	uint32_t i, j;

	for (i = 0; i < ops->count; i++) {
		const struct vnpu_isa_operand *o = &ops->o[i];

		*which = i;
		if (o->optional && !o->va)
			continue;
		if (!vnpu_isa_in_space(o, base, space))
			return "lies outside the device address space";
		if (o->va % o->align)
			return "is misaligned";
	}
	for (i = 0; i < ops->count; i++) {
		const struct vnpu_isa_operand *w = &ops->o[i];

		if (!w->write)
			continue;
		for (j = 0; j < ops->count; j++) {
			const struct vnpu_isa_operand *o = &ops->o[j];

			*which = i;
			if (j == i || !o->va || !vnpu_isa_overlap(w, o))
				continue;
			if (!ops->inplace || o->write || o->va != w->va ||
			    o->len != w->len)
				return "overlaps another operand";
		}
	}
	return NULL;
}

const char *vnpu_isa_validate(const void *stream, size_t size, uint64_t base,
			      uint64_t space, size_t *bad_off)
{
	const struct vnpu_cmd_stream_header *sh = stream;
	const uint8_t *bytes = stream;
	struct vnpu_isa_operands ops;
	size_t off = sizeof(*sh);
	uint32_t which;
	const char *why;

	*bad_off = 0;
	if (size < sizeof(*sh) || size % 8)
		return "a stream is a header and a multiple of 8 bytes";
	if (sh->magic != VNPU_CMD_MAGIC || sh->version != VNPU_CMD_VERSION ||
	    sh->reserved)
		return "bad stream header (magic, version or reserved field)";
	while (off < size) {
		const struct vnpu_cmd_header *h = (const void *)(bytes + off);
		uint32_t want;

		*bad_off = off;
		if (size - off < sizeof(*h) || h->size < sizeof(*h) ||
		    h->size % 8 || h->size > size - off)
			return "packet size is not a multiple of 8 within the stream";
		want = vnpu_isa_packet_size(h->op);
		if (!want)
			return "unknown opcode";
		if (h->flags)
			return "packet flags must be 0";
		/* NOP pads with any length; the rest are exactly their struct. */
		if (h->size < want || (h->op != VNPU_OP_NOP && h->size != want))
			return "packet size does not match its opcode";
		why = vnpu_isa_operands(h, &ops);
		if (!why)
			why = vnpu_isa_check_operands(&ops, base, space, &which);
		if (why)
			return why;
		off += h->size;
	}
	*bad_off = 0;
	return NULL;
}
