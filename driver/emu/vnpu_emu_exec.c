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

#include "vnpu_emu.h"
#include "vnpu_emu_compute.h"

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

/* Returns 0, -EFAULT or -EINTR (reset). */
static int vnpu_emu_fill(struct vnpu_emu_ring *ring,
			 const struct vnpu_hw_job *job,
			 const struct vnpu_cmd_fill *p)
{
	u32 *dst = vnpu_emu_translate(job, p->dst, p->size, true);
	u64 n = p->size / 4, i;

	if (!dst)
		return -EFAULT;
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
			 const struct vnpu_hw_job *job,
			 const struct vnpu_cmd_copy *p)
{
	u8 *dst = vnpu_emu_translate(job, p->dst, p->size, true);
	const u8 *src = vnpu_emu_translate(job, p->src, p->size, false);
	u64 done = 0;

	if (!dst || !src)
		return -EFAULT;
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

static int vnpu_emu_timestamp(const struct vnpu_hw_job *job,
			      const struct vnpu_cmd_timestamp *p)
{
	u64 *dst = vnpu_emu_translate(job, p->dst, sizeof(u64), true);

	if (!dst)
		return -EFAULT;
	*dst = ktime_get_ns();
	return 0;
}

static u64 vnpu_emu_matrix_bytes(u64 rows, u64 cols, u64 ld, u32 fmt)
{
	/* Validated at submit: no overflow here. */
	return ((rows - 1) * ld + cols) * (fmt == VNPU_CMD_FMT_BF16 ? 2 : 4);
}

static int vnpu_emu_matmul(struct vnpu_emu_ring *ring,
			   const struct vnpu_hw_job *job,
			   const struct vnpu_cmd_matmul *p)
{
	struct vnpu_emu_mm mm = {
		.m = p->m, .n = p->n, .k = p->k,
		.lda = p->lda, .ldc = p->ldc,
		.w_fmt = p->w_fmt, .a_fmt = p->a_fmt, .a_quant = p->a_quant,
		.c_fmt = p->c_fmt, .act = p->act, .w_tscale = p->w_tscale,
	};

	mm.w = vnpu_emu_translate(job, p->w,
				  vnpu_cmd_panel_bytes(p->w_fmt, p->n, p->k),
				  false);
	mm.a = vnpu_emu_translate(job, p->a,
				  vnpu_emu_matrix_bytes(p->m, p->k, p->lda,
							p->a_fmt), false);
	mm.c = vnpu_emu_translate(job, p->c,
				  vnpu_emu_matrix_bytes(p->m, p->n, p->ldc,
							p->c_fmt), true);
	if (p->bias)
		mm.bias = vnpu_emu_translate(job, p->bias, (u64)p->n * 4, false);
	if (!mm.w || !mm.a || !mm.c || (p->bias && !mm.bias))
		return -EFAULT;
	return vnpu_emu_cores_matmul(ring->hw, ring, &mm);
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
	int ret = 0;

	if (atomic_cmpxchg(&ring->hw->inject_hang, 1, 0) == 1)
		ret = vnpu_emu_hang(ring);

	while (!ret && off + sizeof(struct vnpu_cmd_header) <= job->size) {
		const struct vnpu_cmd_header *hdr = job->stream + off;

		/* Validated at submit; a card still never trusts a length. */
		if (hdr->size < sizeof(*hdr) || hdr->size > job->size - off) {
			ret = -EINVAL;
			break;
		}
		switch (hdr->op) {
		case VNPU_OP_FILL:
			ret = vnpu_emu_fill(ring, job, (const void *)hdr);
			break;
		case VNPU_OP_COPY:
			ret = vnpu_emu_copy(ring, job, (const void *)hdr);
			break;
		case VNPU_OP_TIMESTAMP:
			ret = vnpu_emu_timestamp(job, (const void *)hdr);
			break;
		case VNPU_OP_MATMUL:
			ret = vnpu_emu_matmul(ring, job, (const void *)hdr);
			break;
		default:
			/* NOP, BARRIER: packets run one after another anyway. */
			break;
		}
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
}
