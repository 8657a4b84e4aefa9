// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs (/sys/kernel/debug/accel/<card>/, e.g. accel/vnpu0/):
 *   regs               the card's status registers
 *   rings              each ring's scheduler and its in-flight jobs
 *   contexts           every open file's contexts and their health
 *   inject_hang        write 1: the next job the card starts hangs until
 *                      the timeout handler resets its ring
 *   inject_fault       write 1: the next job the card starts faults at its
 *                      first packet
 *   inject_alloc_fail  write 1: the next SUBMIT fails an allocation
 *                      (-ENOMEM) after it pinned its buffers
 * The knobs let tests drive every recovery path.
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/seq_file.h>

#include <drm/drm_drv.h>

#include "vnpu_ctx.h"
#include "vnpu_drv.h"

static int vnpu_debugfs_regs_show(struct seq_file *m, void *unused)
{
	struct vnpu_device *vdev = m->private;
	u32 off, r, c;
	int idx;

	if (!drm_dev_enter(&vdev->drm, &idx))
		return -ENODEV;
	seq_printf(m, "0x%03x id          %#llx\n", VNPU_REG_ID,
		   vnpu_hw_read_reg(vdev->hw, VNPU_REG_ID));
	seq_printf(m, "0x%03x cores       %llu\n", VNPU_REG_CORES,
		   vnpu_hw_read_reg(vdev->hw, VNPU_REG_CORES));
	for (r = 0; r < VNPU_HW_RINGS; r++) {
		off = VNPU_REG_RING(r);
		seq_printf(m, "0x%03x ring%u       submitted %llu completed %llu faults %llu resets %llu\n",
			   off, r,
			   vnpu_hw_read_reg(vdev->hw, off + VNPU_RING_SUBMITTED),
			   vnpu_hw_read_reg(vdev->hw, off + VNPU_RING_COMPLETED),
			   vnpu_hw_read_reg(vdev->hw, off + VNPU_RING_FAULTS),
			   vnpu_hw_read_reg(vdev->hw, off + VNPU_RING_RESETS));
	}
	for (c = 0; c < vdev->info.ai_cores; c++)
		seq_printf(m, "0x%03x core%-2u      tiles %llu\n",
			   VNPU_REG_CORE_TILES(c), c,
			   vnpu_hw_read_reg(vdev->hw, VNPU_REG_CORE_TILES(c)));
	drm_dev_exit(idx);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(vnpu_debugfs_regs);

static int vnpu_debugfs_rings_show(struct seq_file *m, void *unused)
{
	struct vnpu_device *vdev = m->private;
	u32 r;

	for (r = 0; r < VNPU_HW_RINGS; r++) {
		struct drm_gpu_scheduler *sched = &vdev->rings[r].sched;
		struct drm_sched_job *s_job;

		seq_printf(m, "ring %u %s: hw fences emitted %llu\n", r,
			   sched->name, vdev->rings[r].fence_seqno);
		spin_lock(&sched->job_list_lock);
		list_for_each_entry(s_job, &sched->pending_list, list) {
			struct vnpu_job *job = container_of(s_job, struct vnpu_job,
							    base);

			seq_printf(m, "  job ctx %u seqno %llu %s\n",
				   job->ctx->id, job->seqno,
				   job->hw_submitted ? "on the card" : "queued");
		}
		spin_unlock(&sched->job_list_lock);
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(vnpu_debugfs_rings);

static int vnpu_debugfs_contexts_show(struct seq_file *m, void *unused)
{
	vnpu_ctx_debugfs_show(m->private, m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(vnpu_debugfs_contexts);

static int vnpu_debugfs_card_knob(struct vnpu_device *vdev, u64 val,
				  void (*knob)(struct vnpu_hw *hw))
{
	int idx;

	if (val != 1)
		return -EINVAL;
	if (!drm_dev_enter(&vdev->drm, &idx))
		return -ENODEV;
	knob(vdev->hw);
	drm_dev_exit(idx);
	return 0;
}

static int vnpu_debugfs_inject_hang_set(void *data, u64 val)
{
	return vnpu_debugfs_card_knob(data, val, vnpu_hw_inject_hang);
}
DEFINE_DEBUGFS_ATTRIBUTE(vnpu_debugfs_inject_hang_fops, NULL,
			 vnpu_debugfs_inject_hang_set, "%llu\n");

static int vnpu_debugfs_inject_fault_set(void *data, u64 val)
{
	return vnpu_debugfs_card_knob(data, val, vnpu_hw_inject_fault);
}
DEFINE_DEBUGFS_ATTRIBUTE(vnpu_debugfs_inject_fault_fops, NULL,
			 vnpu_debugfs_inject_fault_set, "%llu\n");

static int vnpu_debugfs_inject_alloc_fail_set(void *data, u64 val)
{
	struct vnpu_device *vdev = data;

	if (val != 1)
		return -EINVAL;
	atomic_set(&vdev->inject_alloc_fail, 1);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(vnpu_debugfs_inject_alloc_fail_fops, NULL,
			 vnpu_debugfs_inject_alloc_fail_set, "%llu\n");

void vnpu_debugfs_init(struct vnpu_device *vdev)
{
	struct dentry *root = vdev->drm.debugfs_root;

	if (!root)
		return;
	debugfs_create_file("regs", 0400, root, vdev, &vnpu_debugfs_regs_fops);
	debugfs_create_file("rings", 0400, root, vdev,
			    &vnpu_debugfs_rings_fops);
	debugfs_create_file("contexts", 0400, root, vdev,
			    &vnpu_debugfs_contexts_fops);
	debugfs_create_file_unsafe("inject_hang", 0200, root, vdev,
				   &vnpu_debugfs_inject_hang_fops);
	debugfs_create_file_unsafe("inject_fault", 0200, root, vdev,
				   &vnpu_debugfs_inject_fault_fops);
	debugfs_create_file_unsafe("inject_alloc_fail", 0200, root, vdev,
				   &vnpu_debugfs_inject_alloc_fail_fops);
}
