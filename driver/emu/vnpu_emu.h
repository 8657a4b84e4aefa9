/* SPDX-License-Identifier: GPL-2.0 */
/* Inside the emulated card: shared by the files of driver/emu/ only. */
#ifndef __VNPU_EMU_H__
#define __VNPU_EMU_H__

#include <linux/completion.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <linux/wait.h>

#include "../vnpu_hw.h"

#include <vnpu_engine/isa.h>

#include "vnpu_emu_power.h"

struct task_struct;

/**
 * struct vnpu_emu_core - one AI core
 * @work: the core's work item
 * @cores: the card's cores
 * @scratch: its local memory
 * @busy_tiles: tiles it has computed (utilization)
 */
struct vnpu_emu_core {
	struct work_struct work;
	struct vnpu_emu_cores *cores;
	void *scratch;
	u64 busy_tiles;
};

/**
 * struct vnpu_emu_cores - the card's AI cores
 * @lock: one compute packet at a time owns the cores
 * @wq: unbound workqueue, one work item per core at most in flight
 * @core: the cores
 * @count: how many
 * @features: engine CPU feature mask (VNPU_CPU_*)
 * @task: the packet being computed, cut into tiles
 * @ring: its ring (for resets)
 * @next_tile: next tile to hand out
 * @error: first tile error
 * @pending: cores still working
 * @done: completed when the last core stops
 * @busy_ns: time the cores spent computing (utilization, power)
 */
struct vnpu_emu_cores {
	struct mutex lock; /* one packet at a time */
	struct workqueue_struct *wq;
	struct vnpu_emu_core *core;
	u32 count;
	u32 features;
	const struct vnpu_isa_task *task;
	struct vnpu_emu_ring *ring;
	atomic_t next_tile;
	atomic_t error;
	atomic_t pending;
	struct completion done;
	atomic64_t busy_ns;
};

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
 * @submitted: entries written (register VNPU_RING_SUBMITTED)
 * @completed: completions raised
 * @faults: jobs stopped by a device fault
 * @resets: ring resets
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
	atomic64_t submitted;
	atomic64_t completed;
	atomic64_t faults;
	atomic64_t resets;
};

/**
 * struct vnpu_hw - one emulated card
 * @dev: the card's device on the vnpu bus
 * @node: entry in the bus's card list
 * @info: board information the card reports
 * @rings: the hardware rings
 * @cores: the AI cores
 * @inject_hang: test knob: the next job started on any ring hangs until the
 *	ring is reset
 * @inject_fault: test knob: the next job started faults at its first packet
 * @dma_ns: time the DMA engine spent copying and filling
 * @thermal: constants of the card's power and thermal model
 * @power: the model's state
 * @power_on: the model runs
 * @event_lock: protects @event_fn and @event_data
 * @event_fn: the driver's handler of the event interrupt
 * @event_data: its argument
 */
struct vnpu_hw {
	struct device dev;
	struct list_head node;
	struct vnpu_hw_info info;
	struct vnpu_emu_ring rings[VNPU_HW_RINGS];
	struct vnpu_emu_cores cores;
	atomic_t inject_hang;
	atomic_t inject_fault;
	atomic64_t dma_ns;
	const struct vnpu_emu_thermal *thermal;
	struct vnpu_emu_power power;
	bool power_on;
	spinlock_t event_lock; /* event_fn, event_data */
	void (*event_fn)(void *data, enum vnpu_hw_event ev, u32 arg);
	void *event_data;
};

bool vnpu_emu_power_critical(struct vnpu_hw *hw);

int vnpu_emu_cores_init(struct vnpu_hw *hw);
void vnpu_emu_cores_fini(struct vnpu_hw *hw);
/*
 * Run a compute packet on the AI cores: 0, -EINTR on a ring reset, -EFAULT
 * for a device fault found by the compute itself, or -errno.
 */
int vnpu_emu_cores_run(struct vnpu_hw *hw, struct vnpu_emu_ring *ring,
		       struct vnpu_isa_task *task);

/* Run JOB's stream to its end, a fault or a reset; sets status/offset. */
void vnpu_emu_exec(struct vnpu_emu_ring *ring, struct vnpu_hw_job *job);

#endif /* __VNPU_EMU_H__ */
