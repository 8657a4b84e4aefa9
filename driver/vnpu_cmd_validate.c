// SPDX-License-Identifier: GPL-2.0
/*
 * Submit-time validation of command streams: everything that can be
 * decided without looking at memory. Which buffer an address falls in is
 * the card's business at execution (a miss is a device fault).
 */
#include <linux/errno.h>
#include <linux/overflow.h>

#include <drm/vnpu_cmd.h>

#include "vnpu_cmd_ranges.h"
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
static bool vnpu_overlap(const struct vnpu_cmd_range *a,
			 const struct vnpu_cmd_range *b)
{
	return a->va < b->va + b->len && b->va < a->va + a->len;
}

static bool vnpu_cmd_operands_ok(const struct vnpu_cmd_operands *ops)
{
	u32 i, j;

	for (i = 0; i < ops->count; i++) {
		const struct vnpu_cmd_range *r = &ops->r[i];

		if (r->optional && !r->va)
			continue;
		if (!vnpu_range_ok(r->va, r->len) || r->va % r->align)
			return false;
	}
	/*
	 * An output overlapping another operand would make the result depend
	 * on how the card tiles the work; only exact in-place use is allowed,
	 * and only where the operation defines it.
	 */
	for (i = 0; i < ops->count; i++) {
		const struct vnpu_cmd_range *w = &ops->r[i];

		if (!w->write)
			continue;
		for (j = 0; j < ops->count; j++) {
			const struct vnpu_cmd_range *o = &ops->r[j];

			if (j == i || !o->va || !vnpu_overlap(w, o))
				continue;
			if (!ops->inplace || o->write || o->va != w->va ||
			    o->len != w->len)
				return false;
		}
	}
	return true;
}

int vnpu_cmd_validate(const void *stream, u32 size, u32 *bad_offset)
{
	const struct vnpu_cmd_stream_header *sh = stream;
	struct vnpu_cmd_operands ops;
	u32 off = sizeof(*sh);

	*bad_offset = 0;
	if (size < sizeof(*sh) || size % 8 || sh->magic != VNPU_CMD_MAGIC ||
	    sh->version != VNPU_CMD_VERSION || sh->reserved)
		return -EINVAL;

	while (off < size) {
		const struct vnpu_cmd_header *hdr = stream + off;
		u32 psize;

		*bad_offset = off;
		if (size - off < sizeof(*hdr) || hdr->size % 8 ||
		    hdr->size > size - off || hdr->flags)
			return -EINVAL;
		psize = vnpu_cmd_packet_size(hdr->op);
		/* NOP may pad with any length; others are exactly their struct. */
		if (!psize || hdr->size < psize ||
		    (hdr->op != VNPU_OP_NOP && hdr->size != psize))
			return -EINVAL;
		if (vnpu_cmd_operands(hdr, &ops) || !vnpu_cmd_operands_ok(&ops))
			return -EINVAL;
		off += hdr->size;
	}
	*bad_offset = 0;
	return 0;
}
