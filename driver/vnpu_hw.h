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

/* The bus the cards sit on; the driver registers its device_driver on it. */
extern const struct bus_type vnpu_bus_type;

struct vnpu_hw *vnpu_hw_from_dev(struct device *dev);
const struct vnpu_hw_info *vnpu_hw_info(const struct vnpu_hw *hw);

/* Card side: bring up the bus, plug and unplug the cards of the params. */
int vnpu_emu_bus_init(void);
int vnpu_emu_plug_initial(void);
void vnpu_emu_unplug_all(void);
void vnpu_emu_bus_exit(void);

#endif /* __VNPU_HW_H__ */
