/* SPDX-License-Identifier: GPL-2.0 */
/* Inside the emulated card: shared by the files of driver/emu/ only. */
#ifndef __VNPU_EMU_H__
#define __VNPU_EMU_H__

#include <linux/spinlock.h>
#include <linux/wait.h>

#include "../vnpu_hw.h"

struct task_struct;

/**
 * struct vnpu_emu_ring - a hardware ring and its command processor
 * @hw: the card
 * @idx: ring number
 * @lock: protects @queue, @running and @stopped
 * @queue: jobs written to the ring, not yet started
 * @running: the job the command processor executes, or NULL
 * @stopped: the card is powered down: no new entries
 * @doorbell: the command processor sleeps here
 * @idle: woken each time the processor finishes a job
 * @reset: set by a ring reset, seen by the running job
 * @cp: the command processor thread
 */
struct vnpu_emu_ring {
	struct vnpu_hw *hw;
	unsigned int idx;
	spinlock_t lock; /* queue, running, stopped */
	struct list_head queue;
	struct vnpu_hw_job *running;
	bool stopped;
	wait_queue_head_t doorbell;
	wait_queue_head_t idle;
	atomic_t reset;
	struct task_struct *cp;
};

/**
 * struct vnpu_hw - one emulated card
 * @dev: the card's device on the vnpu bus
 * @node: entry in the bus's card list
 * @info: board information the card reports
 * @rings: the hardware rings
 * @inject_hang: test knob: the next job started on any ring hangs until the
 *	ring is reset
 */
struct vnpu_hw {
	struct device dev;
	struct list_head node;
	struct vnpu_hw_info info;
	struct vnpu_emu_ring rings[VNPU_HW_RINGS];
	atomic_t inject_hang;
};

/* Run JOB's stream to its end, a fault or a reset; sets status/offset. */
void vnpu_emu_exec(struct vnpu_emu_ring *ring, struct vnpu_hw_job *job);

#endif /* __VNPU_EMU_H__ */
