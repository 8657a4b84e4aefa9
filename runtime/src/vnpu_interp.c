// SPDX-License-Identifier: MIT
/*
 * The CPU backend's command processor: walk a validated stream, resolve
 * each operand's device address through the job's buffer list (a miss,
 * or a write to a buffer listed read-only, is a device fault, as on the
 * card), and run the packet. Packets run strictly one after another.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "vnpu_interp.h"
#include "vnpu_profile.h"

/* The buffer of USES (sorted by address) holding VA, or NULL. */
static const struct vnpu_rt_use *vnpu_rt_find(const struct vnpu_rt_use *uses,
					      size_t n, uint64_t va)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const vnpu_buffer *b = uses[mid].buf;

		if (va < b->va)
			hi = mid;
		else if (va - b->va >= b->size)
			lo = mid + 1;
		else
			return &uses[mid];
	}
	return NULL;
}

static vnpu_status vnpu_rt_fault(size_t off, const struct vnpu_cmd_header *h,
				 const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static vnpu_status vnpu_rt_fault(size_t off, const struct vnpu_cmd_header *h,
				 const char *fmt, ...)
{
	char why[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return vnpu_rt_error(VNPU_STATUS_DEVICE_FAULT,
			     "device fault at packet offset 0x%zx (%s): %s", off,
			     vnpu_isa_op_name(h->op), why);
}

/* Pointers to the operands of H; DEVICE_FAULT when one is unreachable. */
static vnpu_status vnpu_rt_translate(const struct vnpu_cmd_header *h, size_t off,
				     const struct vnpu_rt_use *uses, size_t n,
				     void *ptr[VNPU_ISA_MAX_OPERANDS])
{
	struct vnpu_isa_operands ops;
	uint32_t i;

	memset(ptr, 0, sizeof(void *) * VNPU_ISA_MAX_OPERANDS);
	/* Validated at submit; decoding again cannot fail. */
	if (vnpu_isa_operands(h, &ops))
		return vnpu_rt_fault(off, h, "undecodable packet");
	for (i = 0; i < ops.count; i++) {
		const struct vnpu_isa_operand *o = &ops.o[i];
		const struct vnpu_rt_use *u;

		if (o->optional && !o->va)
			continue;
		u = vnpu_rt_find(uses, n, o->va);
		if (!u || o->len > u->buf->size - (o->va - u->buf->va))
			return vnpu_rt_fault(off, h,
					     "[0x%" PRIx64 ", +0x%" PRIx64 ") is not inside one buffer of the job",
					     o->va, o->len);
		if (o->write && !(u->access & VNPU_ACCESS_WRITE))
			return vnpu_rt_fault(off, h,
					     "writes 0x%" PRIx64 " in a buffer listed read-only",
					     o->va);
		ptr[i] = (uint8_t *)u->buf->map + (o->va - u->buf->va);
	}
	return VNPU_STATUS_OK;
}

static vnpu_status vnpu_rt_exec_packet(vnpu_device *dev,
				       const struct vnpu_cmd_header *h, size_t off,
				       void *const *ptr, struct vnpu_rt_local *local)
{
	int ret;

	switch (h->op) {
	case VNPU_OP_NOP:
	case VNPU_OP_BARRIER:
		return VNPU_STATUS_OK;
	case VNPU_OP_FILL: {
		const struct vnpu_cmd_fill *f = (const void *)h;
		uint32_t *dst = ptr[0];
		uint64_t i;

		for (i = 0; i < f->size / 4; i++)
			dst[i] = f->value;
		return VNPU_STATUS_OK;
	}
	case VNPU_OP_COPY:
		memcpy(ptr[0], ptr[1], ((const struct vnpu_cmd_copy *)h)->size);
		return VNPU_STATUS_OK;
	case VNPU_OP_TIMESTAMP: {
		uint64_t now = vnpu_rt_now_ns();

		memcpy(ptr[0], &now, sizeof(now));
		return VNPU_STATUS_OK;
	}
	default:
		break;
	}
	ret = vnpu_rt_compute(dev, h, ptr, local);
	switch (ret) {
	case 0:
		return VNPU_STATUS_OK;
	case VNPU_RT_TILE_INDEX:
		return vnpu_rt_fault(off, h, "an index is past the table's %u rows",
				     ((const struct vnpu_cmd_gather *)h)->rows);
	case VNPU_RT_TILE_NOSPACE:
		return vnpu_rt_fault(off, h, "one row needs more than the %u bytes of an AI core's local memory",
				     VNPU_RT_SCRATCH);
	default:
		return vnpu_rt_fault(off, h, "the compute engine rejected the operands");
	}
}

/*
 * The MATMUL at OFF and the MATMULs right after it that can run with it as
 * one group (vnpu_isa_mm_joinable() pairwise: q, k and v read one normed
 * input), up to VNPU_RT_GROUP_MAX: their packets in PK, their operands in
 * PTR (the first's already translated). Returns how many.
 */
static uint32_t vnpu_rt_mm_group(const uint8_t *base, size_t size, size_t off,
				 const struct vnpu_rt_use *uses, size_t n,
				 const struct vnpu_cmd_header **pk,
				 void *ptr[][VNPU_ISA_MAX_OPERANDS])
{
	uint32_t cnt = 1, i;

	pk[0] = (const void *)(base + off);
	off += pk[0]->size;
	while (cnt < VNPU_RT_GROUP_MAX && off + sizeof(struct vnpu_cmd_header) <= size) {
		const struct vnpu_cmd_header *h = (const void *)(base + off);

		for (i = 0; i < cnt && vnpu_isa_mm_joinable(pk[i], h); i++)
			;
		/* one that cannot join, or faults, runs (and reports) alone */
		if (i < cnt || vnpu_rt_translate(h, off, uses, n, ptr[cnt]))
			break;
		pk[cnt++] = h;
		off += h->size;
	}
	return cnt;
}

vnpu_status vnpu_rt_interp_run(vnpu_device *dev, const void *cmd, size_t size,
			       const struct vnpu_rt_use *uses, size_t n,
			       struct vnpu_rt_local *local, uint32_t *fault_off)
{
	const uint8_t *base = cmd;
	size_t off = sizeof(struct vnpu_cmd_stream_header);
	const struct vnpu_cmd_header *pk[VNPU_RT_GROUP_MAX];
	void *ptr[VNPU_RT_GROUP_MAX][VNPU_ISA_MAX_OPERANDS];
	uint32_t cnt, i;
	vnpu_status st;

	*fault_off = 0;
	while (off + sizeof(struct vnpu_cmd_header) <= size) {
		const struct vnpu_cmd_header *h = (const void *)(base + off);
		uint64_t t0 = local->prof ? vnpu_rt_now_ns() : 0;

		st = vnpu_rt_translate(h, off, uses, n, ptr[0]);
		cnt = !st && h->op == VNPU_OP_MATMUL ?
		      vnpu_rt_mm_group(base, size, off, uses, n, pk, ptr) : 1;
		if (cnt > 1 && !vnpu_rt_compute_group(dev, pk, ptr, cnt, local)) {
			/* every member counts; the group's time goes to the first */
			for (i = 0; i < cnt; i++) {
				if (local->prof)
					vnpu_rt_prof_add(local->prof, VNPU_OP_MATMUL,
							 i ? 0 : vnpu_rt_now_ns() - t0);
				off += pk[i]->size;
			}
			continue;
		}
		/*
		 * Alone, or a group that failed: its packets again one by one
		 * (a matmul writes only its output), so a fault names its packet.
		 */
		for (i = 0; i < cnt; i++) {
			h = (const void *)(base + off);
			if (i && !st)
				st = vnpu_rt_translate(h, off, uses, n, ptr[i]);
			if (!st)
				st = vnpu_rt_exec_packet(dev, h, off, ptr[i], local);
			if (local->prof) {
				uint64_t t1 = vnpu_rt_now_ns();

				vnpu_rt_prof_add(local->prof, h->op, t1 - t0);
				t0 = t1;
			}
			if (st) {
				*fault_off = (uint32_t)off;
				return st;
			}
			off += h->size;
		}
	}
	return VNPU_STATUS_OK;
}
