// SPDX-License-Identifier: MIT
/*
 * What makes a position-independent command stream safe to bind: every
 * packet passes the submit validator's per-packet rules and every operand
 * lies inside its region. A loaded file is checked with this, so even a
 * crafted file can only produce a stream that touches the program's own
 * buffers (and cannot write its weights).
 */
#include <stddef.h>
#include <pthread.h>
#include <string.h>

#include <drm/vnpu_cmd.h>

#include "vnpu_graph_internal.h"
#include "vnpu_rt_cmd.h"

#define OFF(type, field) ((uint32_t)offsetof(struct type, field))

uint32_t vnpu_prog_addr_fields(uint32_t op, uint32_t *o)
{
	switch (op) {
	case VNPU_OP_FILL:
		o[0] = OFF(vnpu_cmd_fill, dst);
		return 1;
	case VNPU_OP_COPY:
		o[0] = OFF(vnpu_cmd_copy, dst);
		o[1] = OFF(vnpu_cmd_copy, src);
		return 2;
	case VNPU_OP_MATMUL:
		o[0] = OFF(vnpu_cmd_matmul, w);
		o[1] = OFF(vnpu_cmd_matmul, a);
		o[2] = OFF(vnpu_cmd_matmul, bias);
		o[3] = OFF(vnpu_cmd_matmul, c);
		return 4;
	case VNPU_OP_ELTWISE:
		o[0] = OFF(vnpu_cmd_eltwise, x);
		o[1] = OFF(vnpu_cmd_eltwise, y);
		o[2] = OFF(vnpu_cmd_eltwise, out);
		return 3;
	case VNPU_OP_NORM:
		o[0] = OFF(vnpu_cmd_norm, x);
		o[1] = OFF(vnpu_cmd_norm, gamma);
		o[2] = OFF(vnpu_cmd_norm, beta);
		o[3] = OFF(vnpu_cmd_norm, out);
		return 4;
	case VNPU_OP_SOFTMAX:
		o[0] = OFF(vnpu_cmd_softmax, x);
		o[1] = OFF(vnpu_cmd_softmax, out);
		return 2;
	case VNPU_OP_ROPE:
		o[0] = OFF(vnpu_cmd_rope, x);
		return 1;
	case VNPU_OP_ATTENTION:
		o[0] = OFF(vnpu_cmd_attention, q);
		o[1] = OFF(vnpu_cmd_attention, k);
		o[2] = OFF(vnpu_cmd_attention, v);
		o[3] = OFF(vnpu_cmd_attention, out);
		return 4;
	case VNPU_OP_GATHER:
		o[0] = OFF(vnpu_cmd_gather, table);
		o[1] = OFF(vnpu_cmd_gather, idx);
		o[2] = OFF(vnpu_cmd_gather, out);
		return 3;
	case VNPU_OP_QUANTIZE:
	case VNPU_OP_DEQUANTIZE:
		o[0] = OFF(vnpu_cmd_quant, x);
		o[1] = OFF(vnpu_cmd_quant, codes);
		o[2] = OFF(vnpu_cmd_quant, scales);
		return 3;
	case VNPU_OP_HADAMARD:
		o[0] = OFF(vnpu_cmd_hadamard, x);
		o[1] = OFF(vnpu_cmd_hadamard, out);
		return 2;
	case VNPU_OP_STRIDED:
		o[0] = OFF(vnpu_cmd_strided, src);
		o[1] = OFF(vnpu_cmd_strided, dst);
		return 2;
	case VNPU_OP_REDUCE:
		o[0] = OFF(vnpu_cmd_reduce, x);
		o[1] = OFF(vnpu_cmd_reduce, out);
		return 2;
	case VNPU_OP_QLINEAR:
		o[0] = OFF(vnpu_cmd_qlinear, x);
		o[1] = OFF(vnpu_cmd_qlinear, q);
		o[2] = OFF(vnpu_cmd_qlinear, scale);
		o[3] = OFF(vnpu_cmd_qlinear, zero);
		return 4;
	case VNPU_OP_COMPARE:
		o[0] = OFF(vnpu_cmd_compare, x);
		o[1] = OFF(vnpu_cmd_compare, y);
		o[2] = OFF(vnpu_cmd_compare, out);
		return 3;
	case VNPU_OP_SELECT:
		o[0] = OFF(vnpu_cmd_select, cond);
		o[1] = OFF(vnpu_cmd_select, x);
		o[2] = OFF(vnpu_cmd_select, y);
		o[3] = OFF(vnpu_cmd_select, out);
		return 4;
	}
	return 0;	/* NOP, BARRIER; TIMESTAMP is refused by the checker */
}

/* Whether the operand at VA of LEN bytes fits its region. */
static const char *vnpu_prog_check_operand(const struct vnpu_isa_operand *o,
					   const uint64_t *region_bytes,
					   uint32_t nregions)
{
	uint64_t region = o->va >> VNPU_PROG_REGION_SHIFT;
	uint64_t off = o->va & ((1ull << VNPU_PROG_REGION_SHIFT) - 1);
	uint64_t size = region && region < nregions ? region_bytes[region] : 0;

	if (!o->va)
		return o->optional ? NULL : "a required operand is missing";
	if (!size)
		return "an operand names no program buffer or state";
	if (off > size || o->len > size - off)
		return "an operand lies outside its program buffer";
	if (o->align && off % o->align)
		return "a misaligned operand";
	if (o->write && region == VNPU_PROG_WEIGHTS)
		return "a packet writes the weights";
	return NULL;
}

const char *vnpu_prog_check_stream(const uint8_t *cmd, uint64_t size,
				   const uint64_t *region_bytes, uint32_t nregions,
				   uint64_t *bad_off)
{
	struct vnpu_cmd_stream_header h;
	uint64_t off = sizeof(h);
	_Alignas(8) uint8_t pkt[256];

	*bad_off = 0;
	if (size < sizeof(h))
		return "the stream has no header";
	memcpy(&h, cmd, sizeof(h));
	if (h.magic != VNPU_CMD_MAGIC || h.version != VNPU_CMD_VERSION || h.reserved)
		return "bad stream header";
	while (off < size) {
		struct vnpu_cmd_header ph;
		struct vnpu_isa_operands ops;
		const char *why;
		uint32_t i;

		*bad_off = off;
		if (size - off < sizeof(ph))
			return "truncated packet header";
		memcpy(&ph, cmd + off, sizeof(ph));
		if (ph.op == VNPU_OP_TIMESTAMP || !vnpu_isa_packet_size(ph.op) ||
		    ph.size != vnpu_isa_packet_size(ph.op) || ph.size > sizeof(pkt) ||
		    ph.size > size - off)
			return "bad packet size or opcode";
		/* A copy, so the decoder reads an aligned packet. */
		memcpy(pkt, cmd + off, ph.size);
		memset(&ops, 0, sizeof(ops));
		why = vnpu_isa_operands((const struct vnpu_cmd_header *)pkt, &ops);
		if (why)
			return why;
		for (i = 0; i < ops.count; i++) {
			why = vnpu_prog_check_operand(&ops.o[i], region_bytes, nregions);
			if (why)
				return why;
		}
		off += ph.size;
	}
	return NULL;
}

static uint32_t vnpu_crc_table[256];
static pthread_once_t vnpu_crc_once = PTHREAD_ONCE_INIT;

static void vnpu_crc_init(void)
{
	uint32_t i, k, c;

	for (i = 0; i < 256; i++) {
		for (c = i, k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
		vnpu_crc_table[i] = c;
	}
}

uint32_t vnpu_crc32(uint32_t crc, const void *data, size_t len)
{
	const uint8_t *p = data;

	pthread_once(&vnpu_crc_once, vnpu_crc_init);
	crc = ~crc;
	while (len--)
		crc = vnpu_crc_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

const char *vnpu_prog_apply_patches(uint8_t *cmd, uint64_t size,
				    const struct vnpu_prog_patch *p, uint32_t n,
				    uint32_t delta)
{
	static const uint32_t ops[] = {
		[VNPU_PATCH_ROPE_POS] = VNPU_OP_ROPE,
		[VNPU_PATCH_ATTN_POS0] = VNPU_OP_ATTENTION,
		[VNPU_PATCH_COPY_DST] = VNPU_OP_COPY,
		[VNPU_PATCH_STRIDED_DST] = VNPU_OP_STRIDED,
	};
	static const uint32_t fields[] = {
		[VNPU_PATCH_ROPE_POS] = OFF(vnpu_cmd_rope, pos),
		[VNPU_PATCH_ATTN_POS0] = OFF(vnpu_cmd_attention, pos0),
		[VNPU_PATCH_COPY_DST] = OFF(vnpu_cmd_copy, dst),
		[VNPU_PATCH_STRIDED_DST] = OFF(vnpu_cmd_strided, dst),
	};
	uint32_t i;

	for (i = 0; i < n; i++) {
		struct vnpu_cmd_header h;
		uint64_t v64;
		uint32_t v32;

		if (p[i].kind < VNPU_PATCH_ROPE_POS || p[i].kind > VNPU_PATCH_STRIDED_DST)
			return "unknown position patch";
		if (p[i].off < sizeof(struct vnpu_cmd_stream_header) ||
		    p[i].off % 8 || size < sizeof(h) || p[i].off > size - sizeof(h))
			return "a position patch lies outside the stream";
		memcpy(&h, cmd + p[i].off, sizeof(h));
		if (h.op != ops[p[i].kind] || h.size != vnpu_isa_packet_size(h.op) ||
		    h.size > size - p[i].off)
			return "a position patch names the wrong packet";
		if (p[i].kind >= VNPU_PATCH_COPY_DST) {	/* 64-bit addresses */
			memcpy(&v64, cmd + p[i].off + fields[p[i].kind], 8);
			if (p[i].row > (1ull << 32) ||
			    __builtin_add_overflow(v64, p[i].row * delta, &v64))
				return "a position patch overflows";
			memcpy(cmd + p[i].off + fields[p[i].kind], &v64, 8);
		} else {
			memcpy(&v32, cmd + p[i].off + fields[p[i].kind], 4);
			if (__builtin_add_overflow(v32, delta, &v32))
				return "a position patch overflows";
			memcpy(cmd + p[i].off + fields[p[i].kind], &v32, 4);
		}
	}
	return NULL;
}
