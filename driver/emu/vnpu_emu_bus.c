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

#include "vnpu_emu.h"
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

static DEFINE_IDA(vnpu_emu_ids);
/* Protects the card list and vnpu_emu_bus_open. */
static DEFINE_MUTEX(vnpu_emu_lock);
static LIST_HEAD(vnpu_emu_cards);
/* Cards may come and go through sysfs only between init and exit. */
static bool vnpu_emu_bus_open;

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

static void vnpu_emu_fill_info(struct vnpu_hw_info *info, unsigned int id,
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

static u32 vnpu_emu_default_cores(void)
{
	return ai_cores ? ai_cores :
			  min_t(u32, num_online_cpus(), VNPU_MAX_AI_CORES);
}

/* Plug card ID (-EEXIST if taken) of profile P: 0 or -errno. */
static int vnpu_emu_card_plug(unsigned int id,
			      const struct vnpu_emu_profile *p)
{
	struct vnpu_hw *hw;
	int ret;

	if (id >= VNPU_MAX_DEVICES)
		return -EINVAL;
	ret = ida_alloc_range(&vnpu_emu_ids, id, id, GFP_KERNEL);
	if (ret < 0)
		return ret == -ENOSPC ? -EEXIST : ret;

	hw = kzalloc(sizeof(*hw), GFP_KERNEL);
	if (!hw) {
		ida_free(&vnpu_emu_ids, id);
		return -ENOMEM;
	}
	vnpu_emu_fill_info(&hw->info, id, p, (u64)mem_mb << 20,
			   vnpu_emu_default_cores());

	hw->dev.bus = &vnpu_bus_type;
	hw->dev.id = id;
	hw->dev.release = vnpu_emu_card_release;
	dev_set_name(&hw->dev, "vnpu%u", id);

	/* From here on the release callback owns hw and the id. */
	ret = device_register(&hw->dev);
	if (ret) {
		put_device(&hw->dev);
		return ret;
	}
	list_add_tail(&hw->node, &vnpu_emu_cards);
	return 0;
}

static void vnpu_emu_card_unplug(struct vnpu_hw *hw)
{
	list_del(&hw->node);
	device_unregister(&hw->dev);
}

/* "ID [PROFILE]": plug a card, like inserting it into a hotplug slot. */
static ssize_t new_device_store(const struct bus_type *bus, const char *buf,
				size_t count)
{
	const struct vnpu_emu_profile *p;
	char key[VNPU_HW_STR_LEN] = "";
	unsigned int id;
	int n, ret;

	n = sscanf(buf, "%u %31s", &id, key);
	if (n < 1 || id >= VNPU_MAX_DEVICES) {
		pr_info("vnpu: new_device: expected \"ID [PROFILE]\" with ID 0-%d\n",
			VNPU_MAX_DEVICES - 1);
		return -EINVAL;
	}
	p = vnpu_emu_profile_find(n == 2 ? key : profile);
	if (!p) {
		char keys[64];

		vnpu_emu_profile_keys(keys, sizeof(keys));
		pr_info("vnpu: new_device: unknown profile '%s' (known: %s)\n",
			n == 2 ? key : profile, keys);
		return -EINVAL;
	}

	mutex_lock(&vnpu_emu_lock);
	ret = vnpu_emu_bus_open ? vnpu_emu_card_plug(id, p) : -ENODEV;
	mutex_unlock(&vnpu_emu_lock);
	if (ret == -EEXIST)
		pr_info("vnpu: new_device: card %u exists\n", id);
	return ret ? ret : count;
}
static BUS_ATTR_WO(new_device);

/* "ID": unplug a card; open files on it see -ENODEV from now on. */
static ssize_t del_device_store(const struct bus_type *bus, const char *buf,
				size_t count)
{
	struct vnpu_hw *hw;
	unsigned int id;
	int ret = -ENOENT;

	if (kstrtouint(buf, 10, &id)) {
		pr_info("vnpu: del_device: expected \"ID\"\n");
		return -EINVAL;
	}

	mutex_lock(&vnpu_emu_lock);
	list_for_each_entry(hw, &vnpu_emu_cards, node) {
		if (hw->dev.id == id) {
			vnpu_emu_card_unplug(hw);
			ret = 0;
			break;
		}
	}
	mutex_unlock(&vnpu_emu_lock);
	return ret ? ret : count;
}
static BUS_ATTR_WO(del_device);

static struct attribute *vnpu_bus_attrs[] = {
	&bus_attr_new_device.attr,
	&bus_attr_del_device.attr,
	NULL,
};
ATTRIBUTE_GROUPS(vnpu_bus);

static int vnpu_bus_match(struct device *dev, const struct device_driver *drv)
{
	/* One kind of card, one driver. */
	return 1;
}

const struct bus_type vnpu_bus_type = {
	.name = "vnpu",
	.match = vnpu_bus_match,
	.bus_groups = vnpu_bus_groups,
};

int vnpu_emu_plug_initial(void)
{
	const struct vnpu_emu_profile *p;
	u64 ram_mb = vnpu_emu_host_ram_mb();
	u32 cores = vnpu_emu_default_cores();
	unsigned int i;
	int ret = 0;

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

	mutex_lock(&vnpu_emu_lock);
	for (i = 0; i < num_devices && !ret; i++) {
		ret = vnpu_emu_card_plug(i, p);
		if (ret)
			pr_err("vnpu: cannot create card %u: %d\n", i, ret);
	}
	vnpu_emu_bus_open = !ret;
	mutex_unlock(&vnpu_emu_lock);
	if (ret)
		vnpu_emu_unplug_all();
	return ret;
}

void vnpu_emu_unplug_all(void)
{
	struct vnpu_hw *hw, *tmp;

	mutex_lock(&vnpu_emu_lock);
	vnpu_emu_bus_open = false;
	list_for_each_entry_safe(hw, tmp, &vnpu_emu_cards, node)
		vnpu_emu_card_unplug(hw);
	mutex_unlock(&vnpu_emu_lock);
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
