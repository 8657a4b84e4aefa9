// SPDX-License-Identifier: MIT
/*
 * Submit-time validation of a command stream: everything decidable
 * without memory (vnpu_cmd.h: header, packet sizes, opcodes, flags,
 * reserved fields, sizes, address ranges, alignment, overlaps). Both
 * backends run it so a bad stream gets the same message everywhere; the
 * card's driver checks again.
 */
#include <inttypes.h>

#include "vnpu_rt_cmd.h"

static bool vnpu_rt_in_space(const struct vnpu_rt_operand *o, uint64_t base,
			     uint64_t space)
{
	uint64_t end;

	if (!o->len || __builtin_add_overflow(o->va, o->len, &end))
		return false;
	return o->va >= base && end <= base + space;
}

static bool vnpu_rt_overlap(const struct vnpu_rt_operand *a,
			    const struct vnpu_rt_operand *b)
{
	return a->va < b->va + b->len && b->va < a->va + a->len;
}

/*
 * NULL, or why the operands are unusable. An output overlapping another
 * operand would make results depend on the tiling, so only an exact
 * in-place match is allowed, and only where the op defines it.
 */
static const char *vnpu_rt_check_operands(const struct vnpu_rt_operands *ops,
					  uint64_t base, uint64_t space,
					  uint32_t *which)
{
	uint32_t i, j;

	for (i = 0; i < ops->count; i++) {
		const struct vnpu_rt_operand *o = &ops->o[i];

		*which = i;
		if (o->optional && !o->va)
			continue;
		if (!vnpu_rt_in_space(o, base, space))
			return "lies outside the device address space";
		if (o->va % o->align)
			return "is misaligned";
	}
	for (i = 0; i < ops->count; i++) {
		const struct vnpu_rt_operand *w = &ops->o[i];

		if (!w->write)
			continue;
		for (j = 0; j < ops->count; j++) {
			const struct vnpu_rt_operand *o = &ops->o[j];

			*which = i;
			if (j == i || !o->va || !vnpu_rt_overlap(w, o))
				continue;
			if (!ops->inplace || o->write || o->va != w->va ||
			    o->len != w->len)
				return "overlaps another operand";
		}
	}
	return NULL;
}

vnpu_status vnpu_rt_cmd_validate(const void *cmd, size_t size, uint64_t va_base,
				 uint64_t va_size)
{
	const struct vnpu_cmd_stream_header *sh = cmd;
	const uint8_t *base = cmd;
	struct vnpu_rt_operands ops;
	size_t off = sizeof(*sh);

	if (size < sizeof(*sh) || size % 8)
		return vnpu_rt_error(VNPU_STATUS_INVALID_STREAM,
				     "command stream of %zu bytes: need a header and a multiple of 8 bytes",
				     size);
	if (sh->magic != VNPU_CMD_MAGIC || sh->version != VNPU_CMD_VERSION ||
	    sh->reserved)
		return vnpu_rt_error(VNPU_STATUS_INVALID_STREAM,
				     "command stream header at offset 0: magic 0x%08x version %u reserved %u (want 0x%08x, %u, 0)",
				     sh->magic, sh->version, sh->reserved,
				     VNPU_CMD_MAGIC, VNPU_CMD_VERSION);
	while (off < size) {
		const struct vnpu_cmd_header *h = (const void *)(base + off);
		uint32_t want, which = 0;
		const char *why;

		if (h->size < sizeof(*h) || h->size % 8 || h->size > size - off)
			return vnpu_rt_error(VNPU_STATUS_INVALID_STREAM,
					     "packet at offset 0x%zx: size %u is not a multiple of 8 within the stream's %zu bytes",
					     off, h->size, size);
		want = vnpu_rt_packet_size(h->op);
		if (!want)
			return vnpu_rt_error(VNPU_STATUS_INVALID_STREAM,
					     "packet at offset 0x%zx: unknown opcode %u",
					     off, h->op);
		if (h->flags)
			return vnpu_rt_error(VNPU_STATUS_INVALID_STREAM,
					     "packet at offset 0x%zx (%s): flags 0x%x, must be 0",
					     off, vnpu_rt_op_name(h->op), h->flags);
		/* NOP pads with any length; the rest are exactly their struct. */
		if (h->size < want || (h->op != VNPU_OP_NOP && h->size != want))
			return vnpu_rt_error(VNPU_STATUS_INVALID_STREAM,
					     "packet at offset 0x%zx (%s): size %u, expected %u",
					     off, vnpu_rt_op_name(h->op), h->size, want);
		why = vnpu_rt_packet_operands(h, &ops);
		if (why)
			return vnpu_rt_error(VNPU_STATUS_INVALID_STREAM,
					     "packet at offset 0x%zx (%s): %s",
					     off, vnpu_rt_op_name(h->op), why);
		why = vnpu_rt_check_operands(&ops, va_base, va_size, &which);
		if (why)
			return vnpu_rt_error(VNPU_STATUS_INVALID_STREAM,
					     "packet at offset 0x%zx (%s): operand %u [0x%" PRIx64 ", +0x%" PRIx64 ") %s",
					     off, vnpu_rt_op_name(h->op), which,
					     ops.o[which].va, ops.o[which].len, why);
		off += h->size;
	}
	return VNPU_STATUS_OK;
}
