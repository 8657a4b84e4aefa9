// SPDX-License-Identifier: MIT
/*
 * The work and the memory traffic of a command stream, for rooflines:
 * computed from the packets themselves (so a loaded program of any file
 * version reports them too) at position offset 0.
 *
 *   flops  2 * m * n * k per MATMUL; per ATTENTION, for each query head
 *          and each key it sees (causal: query i at position pos0 + i
 *          sees pos0 + i + 1 keys), 2 * dim for Q.K and 2 * dim for P.V
 *   bytes  the bytes of every operand of every packet, read or written
 *          (vnpu_isa_operands() lengths: a MATMUL reads its packed
 *          weights once, an in-place op counts its read and its write)
 */
#include <string.h>

#include <drm/vnpu_cmd.h>

#include "vnpu_graph_internal.h"
#include "vnpu_rt_cmd.h"

void vnpu_prog_cost(const uint8_t *cmd, uint64_t size, uint64_t *flops,
		    uint64_t *bytes)
{
	uint64_t off = sizeof(struct vnpu_cmd_stream_header);
	_Alignas(8) uint8_t pkt[256];

	*flops = *bytes = 0;
	while (off + sizeof(struct vnpu_cmd_header) <= size) {
		struct vnpu_cmd_header h;
		struct vnpu_isa_operands ops;
		uint32_t i;

		memcpy(&h, cmd + off, sizeof(h));
		if (!h.size || h.size > sizeof(pkt) || h.size > size - off)
			return;
		memcpy(pkt, cmd + off, h.size);
		off += h.size;
		memset(&ops, 0, sizeof(ops));
		if (vnpu_isa_operands((const struct vnpu_cmd_header *)pkt, &ops))
			continue;
		for (i = 0; i < ops.count; i++)
			if (ops.o[i].va)
				*bytes += ops.o[i].len;
		if (h.op == VNPU_OP_MATMUL) {
			const struct vnpu_cmd_matmul *m = (const void *)pkt;

			*flops += 2ull * m->m * m->n * m->k;
		} else if (h.op == VNPU_OP_ATTENTION) {
			const struct vnpu_cmd_attention *a = (const void *)pkt;
			uint64_t keys = (uint64_t)a->nq * a->pos0 +
					(uint64_t)a->nq * (a->nq + 1) / 2;

			*flops += 4ull * a->dim * a->n_heads * keys;
			/* a head-major cache's operand spans the unused rows
			 * between heads: count the rows read */
			if (a->kv_rows)
				*bytes -= 2ull * (a->n_kv_heads - 1) *
					  (a->kv_rows - a->pos0 - a->nq) * a->dim *
					  (a->kv_bf16 ? 2 : 4);
		}
	}
}
