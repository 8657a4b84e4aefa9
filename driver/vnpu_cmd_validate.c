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

static bool vnpu_ranges_disjoint(u64 a, u64 b, u64 len)
{
	/* Both ranges were checked not to wrap. */
	return a + len <= b || b + len <= a;
}

static const u32 vnpu_cmd_min_size[] = {
	[VNPU_OP_NOP] = sizeof(struct vnpu_cmd_header),
	[VNPU_OP_FILL] = sizeof(struct vnpu_cmd_fill),
	[VNPU_OP_COPY] = sizeof(struct vnpu_cmd_copy),
	[VNPU_OP_BARRIER] = sizeof(struct vnpu_cmd_header),
	[VNPU_OP_TIMESTAMP] = sizeof(struct vnpu_cmd_timestamp),
};

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
		       vnpu_ranges_disjoint(copy->dst, copy->src, copy->size);
	case VNPU_OP_TIMESTAMP:
		return hdr->size == sizeof(*ts) && !(ts->dst % 8) &&
		       vnpu_range_ok(ts->dst, sizeof(u64));
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
