// SPDX-License-Identifier: GPL-2.0
/*
 * The emulated cards' bus.
 *
 * Each card is a struct device on the private "vnpu" bus; the driver binds
 * to it through the bus like a PCI driver binds to a pci_dev, so unbinding
 * (sysfs, module unload) goes through the same remove path a hot-unplugged
 * PCIe card would. The module parameters describe the cards plugged at load.
 */
#include <linux/idr.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>

#include "../vnpu_hw.h"
#include "vnpu_emu_profile.h"

#define VNPU_MAX_DEVICES 16
#define VNPU_MAX_AI_CORES 64
#define VNPU_MIN_MEM_MB 16

static unsigned int num_devices = 1;
module_param(num_devices, uint, 0444);
MODULE_PARM_DESC(num_devices,
		 "Number of emulated cards created at load (0-16, default 1)");

static char *profile = "atlas350";
module_param(profile, charp, 0444);
MODULE_PARM_DESC(profile,
		 "Card model: atlas350 (default, Atlas 350 / Ascend 950PR), 950dt, h20");

static unsigned int mem_mb = 2048;
module_param(mem_mb, uint, 0444);
MODULE_PARM_DESC(mem_mb,
		 "Device memory backed per card, MiB (16 up to the host's RAM, default 2048)");

static unsigned int ai_cores;
module_param(ai_cores, uint, 0444);
MODULE_PARM_DESC(ai_cores,
		 "AI cores (worker threads) per card (1-64, default 0: one per online CPU)");

/**
 * struct vnpu_hw - one emulated card
 * @dev: the card's device on the vnpu bus
 * @node: entry in vnpu_emu_cards
 * @info: board information the card reports
 */
struct vnpu_hw {
	struct device dev;
	struct list_head node;
	struct vnpu_hw_info info;
};

static DEFINE_IDA(vnpu_emu_ids);
static DEFINE_MUTEX(vnpu_emu_lock);
static LIST_HEAD(vnpu_emu_cards);

static int vnpu_bus_match(struct device *dev, const struct device_driver *drv)
{
	/* One kind of card, one driver. */
	return 1;
}

const struct bus_type vnpu_bus_type = {
	.name = "vnpu",
	.match = vnpu_bus_match,
};

struct vnpu_hw *vnpu_hw_from_dev(struct device *dev)
{
	return container_of(dev, struct vnpu_hw, dev);
}

const struct vnpu_hw_info *vnpu_hw_info(const struct vnpu_hw *hw)
{
	return &hw->info;
}

static void vnpu_emu_card_release(struct device *dev)
{
	struct vnpu_hw *hw = vnpu_hw_from_dev(dev);

	ida_free(&vnpu_emu_ids, dev->id);
	kfree(hw);
}

static u64 vnpu_emu_host_ram_mb(void)
{
	return (u64)totalram_pages() >> (20 - PAGE_SHIFT);
}

static void vnpu_emu_fill_info(struct vnpu_hw_info *info, int id,
			       const struct vnpu_emu_profile *p, u64 budget,
			       u32 cores)
{
	info->vendor_id = VNPU_VENDOR_HUAWEI;
	info->device_id = p->device_id;
	strscpy(info->profile, p->key);
	strscpy(info->name, p->name);
	/* Cards enumerate as if in slots behind bus 0xc1, 0xc2, ... */
	snprintf(info->bus_id, sizeof(info->bus_id), "0000:%02x:00.0",
		 0xc1 + id);
	info->mem_size = p->mem_size;
	info->mem_budget = min(budget, p->mem_size);
	info->ai_cores = cores;
	info->peak_fp4_flops = p->peak_fp4_flops;
	info->peak_fp8_flops = p->peak_fp8_flops;
	info->peak_bf16_flops = p->peak_bf16_flops;
	info->mem_bandwidth = p->mem_bandwidth;
	info->link_bandwidth = p->link_bandwidth;
	info->tdp_uw = p->tdp_uw;
}

static int vnpu_emu_card_plug(const struct vnpu_emu_profile *p, u64 budget,
			      u32 cores)
{
	struct vnpu_hw *hw;
	int id, ret;

	id = ida_alloc_max(&vnpu_emu_ids, VNPU_MAX_DEVICES - 1, GFP_KERNEL);
	if (id < 0)
		return id;

	hw = kzalloc(sizeof(*hw), GFP_KERNEL);
	if (!hw) {
		ida_free(&vnpu_emu_ids, id);
		return -ENOMEM;
	}
	vnpu_emu_fill_info(&hw->info, id, p, budget, cores);

	hw->dev.bus = &vnpu_bus_type;
	hw->dev.id = id;
	hw->dev.release = vnpu_emu_card_release;
	dev_set_name(&hw->dev, "vnpu%d", id);

	/* From here on the release callback owns hw and the id. */
	ret = device_register(&hw->dev);
	if (ret) {
		put_device(&hw->dev);
		return ret;
	}

	mutex_lock(&vnpu_emu_lock);
	list_add_tail(&hw->node, &vnpu_emu_cards);
	mutex_unlock(&vnpu_emu_lock);
	return 0;
}

int vnpu_emu_plug_initial(void)
{
	const struct vnpu_emu_profile *p;
	u64 ram_mb = vnpu_emu_host_ram_mb();
	u64 budget_mb = mem_mb;
	u32 cores = ai_cores ? ai_cores :
			    min_t(u32, num_online_cpus(), VNPU_MAX_AI_CORES);
	unsigned int i;
	int ret;

	p = vnpu_emu_profile_find(profile);
	if (!p) {
		char keys[64];

		vnpu_emu_profile_keys(keys, sizeof(keys));
		pr_err("vnpu: unknown profile '%s' (known: %s)\n", profile, keys);
		return -EINVAL;
	}
	if (num_devices > VNPU_MAX_DEVICES) {
		pr_err("vnpu: num_devices=%u is out of range (0-%d)\n",
		       num_devices, VNPU_MAX_DEVICES);
		return -EINVAL;
	}
	if (cores < 1 || cores > VNPU_MAX_AI_CORES) {
		pr_err("vnpu: ai_cores=%u is out of range (1-%d)\n", cores,
		       VNPU_MAX_AI_CORES);
		return -EINVAL;
	}
	if (mem_mb < VNPU_MIN_MEM_MB || mem_mb > ram_mb) {
		pr_err("vnpu: mem_mb=%u is out of range (%d-%llu, the host's RAM)\n",
		       mem_mb, VNPU_MIN_MEM_MB, ram_mb);
		return -EINVAL;
	}

	for (i = 0; i < num_devices; i++) {
		ret = vnpu_emu_card_plug(p, budget_mb << 20, cores);
		if (ret) {
			pr_err("vnpu: cannot create card %u: %d\n", i, ret);
			vnpu_emu_unplug_all();
			return ret;
		}
	}
	return 0;
}

void vnpu_emu_unplug_all(void)
{
	struct vnpu_hw *hw, *tmp;
	LIST_HEAD(cards);

	mutex_lock(&vnpu_emu_lock);
	list_splice_init(&vnpu_emu_cards, &cards);
	mutex_unlock(&vnpu_emu_lock);

	list_for_each_entry_safe(hw, tmp, &cards, node) {
		list_del(&hw->node);
		device_unregister(&hw->dev);
	}
}

int vnpu_emu_bus_init(void)
{
	return bus_register(&vnpu_bus_type);
}

void vnpu_emu_bus_exit(void)
{
	bus_unregister(&vnpu_bus_type);
	ida_destroy(&vnpu_emu_ids);
}
