// SPDX-License-Identifier: GPL-2.0
/*
 * The card's rings: the driver writes entries and rings a doorbell; one
 * command processor thread per ring executes the jobs in order and raises
 * the completion interrupt (the job's done callback) for each.
 */
#include <linux/kthread.h>
#include <linux/sched.h>

#include "vnpu_emu.h"

static struct vnpu_hw_job *vnpu_emu_ring_next(struct vnpu_emu_ring *ring)
{
	struct vnpu_hw_job *job = NULL;

	spin_lock(&ring->lock);
	if (!list_empty(&ring->queue) && !ring->stopped) {
		job = list_first_entry(&ring->queue, struct vnpu_hw_job, node);
		list_del_init(&job->node);
		ring->running = job;
		atomic_set(&ring->reset, 0);
	}
	spin_unlock(&ring->lock);
	return job;
}

static int vnpu_emu_cp(void *data)
{
	struct vnpu_emu_ring *ring = data;
	struct vnpu_hw_job *job;

	while (!kthread_should_stop()) {
		wait_event_interruptible(ring->doorbell,
					 kthread_should_stop() ||
					 (!list_empty(&ring->queue) &&
					  !ring->stopped));
		job = vnpu_emu_ring_next(ring);
		if (!job)
			continue;
		vnpu_emu_exec(ring, job);
		if (job->status == -EFAULT)
			atomic64_inc(&ring->faults);
		atomic64_inc(&ring->completed);
		/* job may be freed once done() signalled its fence. */
		job->done(job);
		spin_lock(&ring->lock);
		ring->running = NULL;
		spin_unlock(&ring->lock);
		wake_up_all(&ring->idle);
	}
	return 0;
}

int vnpu_hw_ring_submit(struct vnpu_hw *hw, unsigned int ring_idx,
			struct vnpu_hw_job *job)
{
	struct vnpu_emu_ring *ring;
	int ret = 0;

	if (ring_idx >= VNPU_HW_RINGS)
		return -EINVAL;
	ring = &hw->rings[ring_idx];
	spin_lock(&ring->lock);
	if (ring->stopped) {
		ret = -ENODEV;
	} else {
		list_add_tail(&job->node, &ring->queue);
		atomic64_inc(&ring->submitted);
	}
	spin_unlock(&ring->lock);
	if (!ret)
		wake_up(&ring->doorbell);
	return ret;
}

static bool vnpu_emu_ring_moved_on(struct vnpu_emu_ring *ring,
				   struct vnpu_hw_job *victim)
{
	bool moved;

	spin_lock(&ring->lock);
	moved = ring->running != victim;
	spin_unlock(&ring->lock);
	return moved;
}

void vnpu_hw_ring_reset(struct vnpu_hw *hw, unsigned int ring_idx)
{
	struct vnpu_emu_ring *ring;
	struct vnpu_hw_job *victim;

	if (ring_idx >= VNPU_HW_RINGS)
		return;
	ring = &hw->rings[ring_idx];
	spin_lock(&ring->lock);
	victim = ring->running;
	spin_unlock(&ring->lock);
	if (!victim)
		return;
	atomic64_inc(&ring->resets);
	atomic_set(&ring->reset, 1);
	/* The processor checks between chunks of work: this is quick. */
	wait_event(ring->idle, vnpu_emu_ring_moved_on(ring, victim));
}

void vnpu_hw_inject_hang(struct vnpu_hw *hw)
{
	atomic_set(&hw->inject_hang, 1);
}

void vnpu_hw_inject_fault(struct vnpu_hw *hw)
{
	atomic_set(&hw->inject_fault, 1);
}

u64 vnpu_hw_read_reg(struct vnpu_hw *hw, u32 off)
{
	struct vnpu_emu_ring *ring;

	if (off == VNPU_REG_ID)
		return (u64)hw->info.vendor_id << 16 | hw->info.device_id;
	if (off == VNPU_REG_CORES)
		return hw->info.ai_cores;
	if (off >= VNPU_REG_RING(0) && off < VNPU_REG_RING(VNPU_HW_RINGS) &&
	    !(off % 8)) {
		ring = &hw->rings[(off - VNPU_REG_RING(0)) / 0x20];
		switch ((off - VNPU_REG_RING(0)) % 0x20) {
		case VNPU_RING_SUBMITTED:
			return atomic64_read(&ring->submitted);
		case VNPU_RING_COMPLETED:
			return atomic64_read(&ring->completed);
		case VNPU_RING_FAULTS:
			return atomic64_read(&ring->faults);
		default:
			return atomic64_read(&ring->resets);
		}
	}
	if (off >= VNPU_REG_CORE_TILES(0) &&
	    off < VNPU_REG_CORE_TILES(hw->cores.count) && !(off % 8) &&
	    hw->cores.core)
		return READ_ONCE(hw->cores.core[(off - VNPU_REG_CORE_TILES(0)) / 8].busy_tiles);
	return ~0ull;
}

int vnpu_hw_start(struct vnpu_hw *hw)
{
	unsigned int i;
	int ret;

	ret = vnpu_emu_cores_init(hw);
	if (ret)
		return ret;

	for (i = 0; i < VNPU_HW_RINGS; i++) {
		struct vnpu_emu_ring *ring = &hw->rings[i];
		struct task_struct *t;

		ring->hw = hw;
		ring->idx = i;
		spin_lock_init(&ring->lock);
		INIT_LIST_HEAD(&ring->queue);
		init_waitqueue_head(&ring->doorbell);
		init_waitqueue_head(&ring->idle);
		atomic_set(&ring->reset, 0);
		atomic64_set(&ring->submitted, 0);
		atomic64_set(&ring->completed, 0);
		atomic64_set(&ring->faults, 0);
		atomic64_set(&ring->resets, 0);
		ring->running = NULL;
		ring->stopped = false;
		t = kthread_run(vnpu_emu_cp, ring, "vnpu%d-cp%u", hw->dev.id, i);
		if (IS_ERR(t)) {
			ring->cp = NULL;
			vnpu_hw_stop(hw);
			return PTR_ERR(t);
		}
		ring->cp = t;
	}
	atomic64_set(&hw->dma_ns, 0);
	vnpu_emu_power_start(hw);
	hw->power_on = true;
	return 0;
}

void vnpu_hw_stop(struct vnpu_hw *hw)
{
	struct vnpu_hw_job *job, *tmp;
	unsigned int i;

	if (hw->power_on)
		vnpu_emu_power_stop(hw);
	hw->power_on = false;

	for (i = 0; i < VNPU_HW_RINGS; i++) {
		struct vnpu_emu_ring *ring = &hw->rings[i];
		LIST_HEAD(dropped);

		if (!ring->hw)
			continue;
		spin_lock(&ring->lock);
		ring->stopped = true;
		list_splice_init(&ring->queue, &dropped);
		spin_unlock(&ring->lock);

		/* A running job stops at its next packet, like on a reset. */
		atomic_set(&ring->reset, 1);
		if (ring->cp)
			kthread_stop(ring->cp);
		ring->cp = NULL;

		list_for_each_entry_safe(job, tmp, &dropped, node) {
			list_del_init(&job->node);
			job->status = -ECANCELED;
			job->fault_offset = 0;
			job->done(job);
		}
		ring->hw = NULL;
	}
	vnpu_emu_cores_fini(hw);
}
