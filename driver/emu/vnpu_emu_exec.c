// SPDX-License-Identifier: GPL-2.0
/*
 * The command processor's execution of one job: walk the (validated)
 * stream, translate device addresses through the job's buffer list, and
 * run each packet. An address outside the list is a device fault.
 */
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/timekeeping.h>

#include <drm/vnpu_cmd.h>

#include <vnpu_engine/isa.h>

#include "vnpu_emu.h"

/* Work between checks for a reset, so a reset lands within microseconds. */
#define VNPU_EMU_CHUNK (256 * 1024)

/* Translate [va, va + len) to a kernel pointer, or NULL: a device fault. */
static void *vnpu_emu_translate(const struct vnpu_hw_job *job, u64 va, u64 len,
				bool write)
{
	u32 lo = 0, hi = job->bo_count;

	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;
		const struct vnpu_hw_bo *bo = &job->bos[mid];

		if (va < bo->va) {
			hi = mid;
		} else if (va - bo->va >= bo->size) {
			lo = mid + 1;
		} else {
			if (len > bo->size - (va - bo->va) || (write && !bo->write))
				return NULL;
			return bo->vaddr + (va - bo->va);
		}
	}
	return NULL;
}

static bool vnpu_emu_reset_pending(struct vnpu_emu_ring *ring)
{
	return atomic_read(&ring->reset);
}

/*
 * Translate every operand of HDR (vnpu_engine/isa.h) into PTR: 0, or
 * -EFAULT when one lies outside the job's buffers (or is written but only
 * listed for reading).
 */
static int vnpu_emu_operands(const struct vnpu_hw_job *job,
			     const struct vnpu_cmd_header *hdr,
			     void *ptr[VNPU_ISA_MAX_OPERANDS])
{
	struct vnpu_isa_operands ops;
	u32 i;

	if (vnpu_isa_operands(hdr, &ops))
		return -EINVAL;
	for (i = 0; i < VNPU_ISA_MAX_OPERANDS; i++)
		ptr[i] = NULL;
	for (i = 0; i < ops.count; i++) {
		const struct vnpu_isa_operand *r = &ops.o[i];

		if (r->optional && !r->va)
			continue;
		ptr[i] = vnpu_emu_translate(job, r->va, r->len, r->write);
		if (!ptr[i])
			return -EFAULT;
	}
	return 0;
}

/* DMA fill; 0 or -EINTR (reset). */
static int vnpu_emu_fill(struct vnpu_emu_ring *ring,
			 const struct vnpu_cmd_fill *p, u32 *dst)
{
	u64 n = p->size / 4, i;

	for (i = 0; i < n; i++) {
		dst[i] = p->value;
		if (!((i + 1) % (VNPU_EMU_CHUNK / 4))) {
			if (vnpu_emu_reset_pending(ring))
				return -EINTR;
			cond_resched();
		}
	}
	return 0;
}

static int vnpu_emu_copy(struct vnpu_emu_ring *ring,
			 const struct vnpu_cmd_copy *p, u8 *dst, const u8 *src)
{
	u64 done = 0;

	while (done < p->size) {
		u64 n = min_t(u64, p->size - done, VNPU_EMU_CHUNK);

		memcpy(dst + done, src + done, n);
		done += n;
		if (vnpu_emu_reset_pending(ring))
			return -EINTR;
		cond_resched();
	}
	return 0;
}

/* The DMA engine: fill and copy, timed for the power model. */
static int vnpu_emu_dma(struct vnpu_emu_ring *ring,
			const struct vnpu_cmd_header *hdr, void *ptr[])
{
	u64 t0 = ktime_get_ns();
	int ret;

	if (hdr->op == VNPU_OP_FILL)
		ret = vnpu_emu_fill(ring, (const void *)hdr, ptr[0]);
	else
		ret = vnpu_emu_copy(ring, (const void *)hdr, ptr[0], ptr[1]);
	atomic64_add(ktime_get_ns() - t0, &ring->hw->dma_ns);
	return ret;
}

static int vnpu_emu_packet(struct vnpu_emu_ring *ring,
			   const struct vnpu_hw_job *job,
			   const struct vnpu_cmd_header *hdr)
{
	struct vnpu_isa_task task = { .pkt = hdr };
	void **ptr = task.ptr;
	int ret;

	ret = vnpu_emu_operands(job, hdr, ptr);
	if (ret)
		return ret;
	switch (hdr->op) {
	case VNPU_OP_NOP:
	case VNPU_OP_BARRIER:
		/* Packets run one after another anyway. */
		return 0;
	case VNPU_OP_FILL:
	case VNPU_OP_COPY:
		return vnpu_emu_dma(ring, hdr, ptr);
	case VNPU_OP_TIMESTAMP:
		*(u64 *)ptr[0] = ktime_get_ns();
		return 0;
	default:
		/* MATMUL and the vector unit: tiles on the AI cores. */
		return vnpu_emu_cores_run(ring->hw, ring, &task);
	}
}

/* Test knob: hang until the ring is reset or the card stops. */
static int vnpu_emu_hang(struct vnpu_emu_ring *ring)
{
	while (!vnpu_emu_reset_pending(ring) && !kthread_should_stop())
		msleep(20);
	return -EINTR;
}

void vnpu_emu_exec(struct vnpu_emu_ring *ring, struct vnpu_hw_job *job)
{
	u32 off = sizeof(struct vnpu_cmd_stream_header);
	u64 start = ktime_get_ns();
	int ret = 0;

	if (atomic_cmpxchg(&ring->hw->inject_hang, 1, 0) == 1)
		ret = vnpu_emu_hang(ring);
	else if (atomic_cmpxchg(&ring->hw->inject_fault, 1, 0) == 1)
		ret = -EFAULT;

	while (!ret && off + sizeof(struct vnpu_cmd_header) <= job->size) {
		const struct vnpu_cmd_header *hdr = job->stream + off;

		/* Validated at submit; a card still never trusts a length. */
		if (hdr->size < sizeof(*hdr) || hdr->size > job->size - off) {
			ret = -EINVAL;
			break;
		}
		/* Too hot: the card refuses work until it cools down. */
		if (vnpu_emu_power_critical(ring->hw)) {
			ret = -EIO;
			break;
		}
		ret = vnpu_emu_packet(ring, job, hdr);
		if (!ret && vnpu_emu_reset_pending(ring))
			ret = -EINTR;
		if (ret)
			break;
		off += hdr->size;
	}

	job->fault_offset = ret ? off : 0;
	if (ret == -EINTR)
		ret = ring->stopped ? -ECANCELED : -ETIMEDOUT;
	job->status = ret;
	job->busy_ns = ktime_get_ns() - start;
}
