/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The only interface between the vnpu driver and the card.
 *
 * The card is emulated (driver/emu/) and sits on a private bus, the way
 * netdevsim devices do: plugging a card registers a device on the "vnpu"
 * bus and the driver binds to it like a PCI driver binds to a pci_dev. The
 * driver never reaches into the card's state; it sees a struct vnpu_hw and
 * the calls below. Future work (rings, doorbell, completion interrupt,
 * reset) extends this header, not the driver's knowledge of emu/.
 */
#ifndef __VNPU_HW_H__
#define __VNPU_HW_H__

#include <linux/device.h>
#include <linux/list.h>
#include <linux/types.h>

#define VNPU_HW_STR_LEN 32

struct vnpu_hw;

/**
 * struct vnpu_hw_info - the card's board information
 *
 * What a real card reports through its config space and firmware board-info
 * block. Constant for the card's lifetime.
 */
struct vnpu_hw_info {
	u16 vendor_id;
	u16 device_id;
	char profile[VNPU_HW_STR_LEN];
	char name[VNPU_HW_STR_LEN];
	char bus_id[VNPU_HW_STR_LEN];
	u64 mem_size;
	u64 mem_budget;
	u32 ai_cores;
	u64 peak_fp4_flops;
	u64 peak_fp8_flops;
	u64 peak_bf16_flops;
	u64 mem_bandwidth;
	u64 link_bandwidth;
	u64 tdp_uw;
};

/* Hardware rings: one per context priority, each with its own processor. */
#define VNPU_HW_RINGS 3

/**
 * struct vnpu_hw_bo - a buffer object as a job's page table sees it
 * @va: device virtual address
 * @size: bytes
 * @vaddr: kernel mapping of the pinned pages
 * @write: the job may write it
 */
struct vnpu_hw_bo {
	u64 va;
	u64 size;
	void *vaddr;
	bool write;
};

/**
 * struct vnpu_hw_job - one ring entry
 * @stream: the validated command stream (vnpu_cmd.h), driver-owned copy
 * @size: bytes of @stream
 * @bos: the job's buffer objects sorted by @va, non-overlapping
 * @bo_count: entries in @bos
 * @done: the completion interrupt: the card calls it once per job it was
 *	given, from its own thread, after @status and @fault_offset are set
 * @status: out, 0 or the job's error (-EFAULT device fault, -ETIMEDOUT
 *	reset while running, -ECANCELED card stopped before it ran)
 * @fault_offset: out, stream offset of the packet the job stopped at
 * @busy_ns: out, time the card spent on the job
 * @node: the card's, while the job is queued on a ring
 */
struct vnpu_hw_job {
	const void *stream;
	u32 size;
	const struct vnpu_hw_bo *bos;
	u32 bo_count;
	void (*done)(struct vnpu_hw_job *job);
	int status;
	u32 fault_offset;
	u64 busy_ns;
	struct list_head node;
};

/*
 * Status registers, 64-bit, read-only (the command interface is the
 * rings). An offset the card does not decode reads as all ones, as on a
 * PCIe bus.
 */
#define VNPU_REG_ID		0x000	/* vendor << 16 | device */
#define VNPU_REG_CORES		0x008	/* AI cores */
#define VNPU_REG_RING(r)	(0x100 + (r) * 0x20)
#define  VNPU_RING_SUBMITTED	0x00	/* entries written to the ring */
#define  VNPU_RING_COMPLETED	0x08	/* completion interrupts raised */
#define  VNPU_RING_FAULTS	0x10	/* jobs stopped by a device fault */
#define  VNPU_RING_RESETS	0x18	/* ring resets */
#define VNPU_REG_CORE_TILES(c)	(0x200 + (c) * 8)	/* tiles computed */

/* Why the card runs below its full clock (struct vnpu_hw_telemetry). */
#define VNPU_THROTTLE_THERMAL	0x1
#define VNPU_THROTTLE_POWER_CAP	0x2

/**
 * struct vnpu_hw_telemetry - the card's power, thermal and activity readings
 * @power_uw: power draw now, microwatts
 * @power_avg_uw: average over about a second
 * @energy_uj: energy since the card was plugged, microjoules
 * @cap_uw: power cap
 * @tdp_uw: thermal design power (the largest cap)
 * @idle_uw: idle power (the smallest cap)
 * @temp_mc: die temperature, millidegrees Celsius
 * @temp_max_mc: throttle temperature
 * @temp_crit_mc: critical temperature: jobs fail at or above it
 * @util_permille: AI core utilization, last period
 * @dma_permille: DMA utilization, last period
 * @clock_mhz: AI core clock now
 * @clock_max_mhz: full clock
 * @throttle: VNPU_THROTTLE_* reasons for running below full clock
 * @critical: at or above the critical temperature
 */
struct vnpu_hw_telemetry {
	u64 power_uw;
	u64 power_avg_uw;
	u64 energy_uj;
	u64 cap_uw;
	u64 tdp_uw;
	u64 idle_uw;
	s32 temp_mc;
	s32 temp_max_mc;
	s32 temp_crit_mc;
	u32 util_permille;
	u32 dma_permille;
	u32 clock_mhz;
	u32 clock_max_mhz;
	u32 throttle;
	bool critical;
};

/**
 * enum vnpu_hw_event - the card's event interrupt
 * @VNPU_HW_EVENT_THROTTLE_START: the clock dropped; arg: VNPU_THROTTLE_*
 * @VNPU_HW_EVENT_THROTTLE_STOP: back to full clock
 * @VNPU_HW_EVENT_CRITICAL: critical temperature; arg: millidegrees
 */
enum vnpu_hw_event {
	VNPU_HW_EVENT_THROTTLE_START,
	VNPU_HW_EVENT_THROTTLE_STOP,
	VNPU_HW_EVENT_CRITICAL,
};

/* The bus the cards sit on; the driver registers its device_driver on it. */
extern const struct bus_type vnpu_bus_type;

struct vnpu_hw *vnpu_hw_from_dev(struct device *dev);
const struct vnpu_hw_info *vnpu_hw_info(const struct vnpu_hw *hw);

/* Power the card's processors up (probe) and down (remove). Stopping
 * completes every queued or running job with -ECANCELED.
 */
int vnpu_hw_start(struct vnpu_hw *hw);
void vnpu_hw_stop(struct vnpu_hw *hw);
/* Write a ring entry and ring the doorbell: 0, or -ENODEV when stopped. */
int vnpu_hw_ring_submit(struct vnpu_hw *hw, unsigned int ring,
			struct vnpu_hw_job *job);
/*
 * Reset RING: the job it runs completes with -ETIMEDOUT (its done callback
 * has run when this returns); queued jobs stay queued.
 */
void vnpu_hw_ring_reset(struct vnpu_hw *hw, unsigned int ring);
/* Test knob: the next job the card starts hangs until its ring is reset. */
void vnpu_hw_inject_hang(struct vnpu_hw *hw);
/* Test knob: the next job the card starts faults at its first packet. */
void vnpu_hw_inject_fault(struct vnpu_hw *hw);
/* Read status register OFF (VNPU_REG_*). */
u64 vnpu_hw_read_reg(struct vnpu_hw *hw, u32 off);

void vnpu_hw_telemetry(struct vnpu_hw *hw, struct vnpu_hw_telemetry *t);
/* Between idle power and TDP, else -EINVAL. */
int vnpu_hw_set_power_cap(struct vnpu_hw *hw, u64 cap_uw);
/*
 * Route the card's event interrupt to FN (atomic context; NULL: none).
 * After it returns with FN NULL, no call is in flight.
 */
void vnpu_hw_set_event_handler(struct vnpu_hw *hw,
			       void (*fn)(void *data, enum vnpu_hw_event ev,
					  u32 arg),
			       void *data);

/* Card side: bring up the bus, plug and unplug the cards of the params. */
int vnpu_emu_bus_init(void);
int vnpu_emu_plug_initial(void);
void vnpu_emu_unplug_all(void);
void vnpu_emu_bus_exit(void);

#endif /* __VNPU_HW_H__ */
