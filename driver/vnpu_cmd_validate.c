// SPDX-License-Identifier: GPL-2.0
/*
 * Submit-time validation of command streams: everything that can be
 * decided without looking at memory. Which buffer an address falls in is
 * the card's business at execution (a miss is a device fault).
 */
#include <linux/errno.h>
#include <linux/overflow.h>

#include <drm/vnpu_cmd.h>

#include "vnpu_cmd_validate.h"
#include "vnpu_gem.h"

/* [va, va + len) is non-empty and inside the device address space. */
static bool vnpu_range_ok(u64 va, u64 len)
{
	u64 end;

	if (!len || check_add_overflow(va, len, &end))
		return false;
	return va >= VNPU_VA_BASE && end <= VNPU_VA_BASE + VNPU_VA_SIZE;
}

/* Both ranges were checked not to wrap. */
static bool vnpu_overlap(u64 a, u64 alen, u64 b, u64 blen)
{
	return a < b + blen && b < a + alen;
}

static const u32 vnpu_cmd_min_size[] = {
	[VNPU_OP_NOP] = sizeof(struct vnpu_cmd_header),
	[VNPU_OP_FILL] = sizeof(struct vnpu_cmd_fill),
	[VNPU_OP_COPY] = sizeof(struct vnpu_cmd_copy),
	[VNPU_OP_BARRIER] = sizeof(struct vnpu_cmd_header),
	[VNPU_OP_TIMESTAMP] = sizeof(struct vnpu_cmd_timestamp),
	[VNPU_OP_MATMUL] = sizeof(struct vnpu_cmd_matmul),
};

static u32 vnpu_fmt_bytes(u8 fmt)
{
	return fmt == VNPU_CMD_FMT_FP32 ? 4 : fmt == VNPU_CMD_FMT_BF16 ? 2 : 0;
}

/*
 * Bytes spanned by ROWS rows of COLS elements of ESIZE bytes, LD elements
 * apart; 0 if that overflows or LD < COLS.
 */
static u64 vnpu_matrix_bytes(u64 rows, u64 cols, u64 ld, u32 esize)
{
	u64 span;

	if (ld < cols || check_mul_overflow(rows - 1, ld, &span) ||
	    check_add_overflow(span, cols, &span) ||
	    check_mul_overflow(span, (u64)esize, &span))
		return 0;
	return span;
}

static bool vnpu_cmd_matmul_ok(const struct vnpu_cmd_matmul *p)
{
	u64 a_len, c_len, w_len, b_len = (u64)p->n * 4;

	if (p->hdr.size != sizeof(*p) || p->reserved[0] || p->reserved[1] ||
	    p->reserved[2] || !p->m || !p->n || !p->k ||
	    p->m > VNPU_CMD_MAX_MN || p->n > VNPU_CMD_MAX_MN ||
	    p->k > VNPU_CMD_MAX_K || p->k % 32 || p->act > VNPU_CMD_ACT_GELU_TANH)
		return false;
	switch (p->a_quant) {
	case VNPU_CMD_FMT_NONE:
	case VNPU_CMD_FMT_MXINT8:
	case VNPU_CMD_FMT_MXFP4:
	case VNPU_CMD_FMT_MXFP8_E4M3:
	case VNPU_CMD_FMT_MXFP8_E5M2:
		break;
	default:
		return false;
	}
	w_len = vnpu_cmd_panel_bytes(p->w_fmt, p->n, p->k);
	a_len = vnpu_matrix_bytes(p->m, p->k, p->lda, vnpu_fmt_bytes(p->a_fmt));
	c_len = vnpu_matrix_bytes(p->m, p->n, p->ldc, vnpu_fmt_bytes(p->c_fmt));
	if (!w_len || !a_len || !c_len)
		return false;
	/* The AI cores load weight panels with aligned vector loads. */
	if (p->w % 64 || p->a % vnpu_fmt_bytes(p->a_fmt) ||
	    p->c % vnpu_fmt_bytes(p->c_fmt) || p->bias % 4)
		return false;
	if (!vnpu_range_ok(p->w, w_len) ||
	    !vnpu_range_ok(p->a, a_len) || !vnpu_range_ok(p->c, c_len) ||
	    (p->bias && !vnpu_range_ok(p->bias, b_len)))
		return false;
	/* Tiles would read what others write if C aliased an input. */
	return !vnpu_overlap(p->c, c_len, p->w, w_len) &&
	       !vnpu_overlap(p->c, c_len, p->a, a_len) &&
	       !(p->bias && vnpu_overlap(p->c, c_len, p->bias, b_len));
}

static bool vnpu_cmd_packet_ok(const struct vnpu_cmd_header *hdr)
{
	const struct vnpu_cmd_fill *fill = (const void *)hdr;
	const struct vnpu_cmd_copy *copy = (const void *)hdr;
	const struct vnpu_cmd_timestamp *ts = (const void *)hdr;

	switch (hdr->op) {
	case VNPU_OP_NOP:
		return true;
	case VNPU_OP_BARRIER:
		return hdr->size == sizeof(*hdr);
	case VNPU_OP_FILL:
		return hdr->size == sizeof(*fill) && !fill->reserved &&
		       !(fill->dst % 4) && !(fill->size % 4) &&
		       vnpu_range_ok(fill->dst, fill->size);
	case VNPU_OP_COPY:
		return hdr->size == sizeof(*copy) &&
		       vnpu_range_ok(copy->dst, copy->size) &&
		       vnpu_range_ok(copy->src, copy->size) &&
		       !vnpu_overlap(copy->dst, copy->size, copy->src, copy->size);
	case VNPU_OP_TIMESTAMP:
		return hdr->size == sizeof(*ts) && !(ts->dst % 8) &&
		       vnpu_range_ok(ts->dst, sizeof(u64));
	case VNPU_OP_MATMUL:
		return vnpu_cmd_matmul_ok((const void *)hdr);
	default:
		return false;
	}
}

int vnpu_cmd_validate(const void *stream, u32 size, u32 *bad_offset)
{
	const struct vnpu_cmd_stream_header *sh = stream;
	u32 off = sizeof(*sh);

	*bad_offset = 0;
	if (size < sizeof(*sh) || size % 8 || sh->magic != VNPU_CMD_MAGIC ||
	    sh->version != VNPU_CMD_VERSION || sh->reserved)
		return -EINVAL;

	while (off < size) {
		const struct vnpu_cmd_header *hdr = stream + off;

		*bad_offset = off;
		if (size - off < sizeof(*hdr) || hdr->size % 8 ||
		    hdr->size > size - off || hdr->flags ||
		    hdr->op >= ARRAY_SIZE(vnpu_cmd_min_size) ||
		    hdr->size < vnpu_cmd_min_size[hdr->op] ||
		    !vnpu_cmd_packet_ok(hdr))
			return -EINVAL;
		off += hdr->size;
	}
	*bad_offset = 0;
	return 0;
}
