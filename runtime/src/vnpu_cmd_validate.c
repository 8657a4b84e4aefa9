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

vnpu_status vnpu_rt_cmd_validate(const void *cmd, size_t size, uint64_t va_base,
				 uint64_t va_size)
{
	const struct vnpu_cmd_stream_header *sh = cmd;
	const uint8_t *base = cmd;
	struct vnpu_isa_operands ops;
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
		want = vnpu_isa_packet_size(h->op);
		if (!want)
			return vnpu_rt_error(VNPU_STATUS_INVALID_STREAM,
					     "packet at offset 0x%zx: unknown opcode %u",
					     off, h->op);
		if (h->flags)
			return vnpu_rt_error(VNPU_STATUS_INVALID_STREAM,
					     "packet at offset 0x%zx (%s): flags 0x%x, must be 0",
					     off, vnpu_isa_op_name(h->op), h->flags);
		/* NOP pads with any length; the rest are exactly their struct. */
		if (h->size < want || (h->op != VNPU_OP_NOP && h->size != want))
			return vnpu_rt_error(VNPU_STATUS_INVALID_STREAM,
					     "packet at offset 0x%zx (%s): size %u, expected %u",
					     off, vnpu_isa_op_name(h->op), h->size, want);
		why = vnpu_isa_operands(h, &ops);
		if (why)
			return vnpu_rt_error(VNPU_STATUS_INVALID_STREAM,
					     "packet at offset 0x%zx (%s): %s",
					     off, vnpu_isa_op_name(h->op), why);
		why = vnpu_isa_check_operands(&ops, va_base, va_size, &which);
		if (why)
			return vnpu_rt_error(VNPU_STATUS_INVALID_STREAM,
					     "packet at offset 0x%zx (%s): operand %u [0x%" PRIx64 ", +0x%" PRIx64 ") %s",
					     off, vnpu_isa_op_name(h->op), which,
					     ops.o[which].va, ops.o[which].len, why);
		off += h->size;
	}
	return VNPU_STATUS_OK;
}
