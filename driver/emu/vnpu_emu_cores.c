// SPDX-License-Identifier: GPL-2.0
/*
 * The AI cores: one work item per core on an unbound workqueue, each with
 * its local memory (scratch). A compute packet owns all cores while it
 * runs; cores pull tiles from a shared counter, each tile inside its own
 * short kernel_fpu_begin()/kernel_fpu_end() section, and stop early on a
 * ring reset.
 */
#include <asm/cpufeature.h>
#include <asm/fpu/api.h>
#include <linux/delay.h>
#include <linux/math64.h>
#include <linux/sched.h>
#include <linux/timekeeping.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>

#include <vnpu_engine/engine.h>

#include "vnpu_emu.h"

/* Local memory of one AI core. */
#define VNPU_EMU_CORE_SCRATCH SZ_1M

static u32 vnpu_emu_cpu_features(void)
{
	u32 f = 0;

	/* the x86-64-v2 build of the generic integer kernel (pshufb) */
	if (boot_cpu_has(X86_FEATURE_SSSE3))
		f |= VNPU_CPU_SSSE3;
	if (boot_cpu_has(X86_FEATURE_AVX2) && boot_cpu_has(X86_FEATURE_FMA) &&
	    boot_cpu_has(X86_FEATURE_F16C))
		f |= VNPU_CPU_AVX2;
	if ((f & VNPU_CPU_AVX2) && boot_cpu_has(X86_FEATURE_AVX512F) &&
	    boot_cpu_has(X86_FEATURE_AVX512BW) &&
	    boot_cpu_has(X86_FEATURE_AVX512VL) &&
	    boot_cpu_has(X86_FEATURE_AVX512DQ) &&
	    boot_cpu_has(X86_FEATURE_AVX512_VNNI))
		f |= VNPU_CPU_AVX512;
	if ((f & VNPU_CPU_AVX512) && boot_cpu_has(X86_FEATURE_AVX512_BF16))
		f |= VNPU_CPU_AVX512_BF16;
	if ((f & VNPU_CPU_AVX512) && boot_cpu_has(X86_FEATURE_AVX512VBMI))
		f |= VNPU_CPU_AVX512_VBMI;
	return f;
}

static void vnpu_emu_core_work(struct work_struct *work)
{
	struct vnpu_emu_core *core = container_of(work, struct vnpu_emu_core,
						  work);
	struct vnpu_emu_cores *cores = core->cores;
	struct vnpu_hw *hw = container_of(cores, struct vnpu_hw, cores);
	u64 t0, busy, stall;
	u32 t;
	int ret;

	/* Busy: everything a core does for a tile but the throttle stall. */
	t0 = ktime_get_ns();
	for (;;) {
		t = atomic_inc_return(&cores->next_tile) - 1;
		if (t >= cores->task->ntiles || atomic_read(&cores->ring->reset))
			break;
		kernel_fpu_begin();
		ret = vnpu_isa_tile(cores->task, t, core->scratch,
				    VNPU_EMU_CORE_SCRATCH, cores->features);
		kernel_fpu_end();
		busy = ktime_get_ns() - t0;
		atomic64_add(busy, &cores->busy_ns);
		t0 = ktime_get_ns();
		if (ret)
			atomic_cmpxchg(&cores->error, 0,
				       ret == VNPU_EFAULT ? -EFAULT : -EINVAL);
		WRITE_ONCE(core->busy_tiles, core->busy_tiles + 1);
		/* A throttled clock: the same tile takes longer. */
		stall = vnpu_emu_power_stall_ns(hw, busy);
		if (stall)
			fsleep(div_u64(stall, NSEC_PER_USEC) + 1);
		else
			cond_resched();
		t0 = ktime_get_ns();
	}
	if (atomic_dec_and_test(&cores->pending))
		complete(&cores->done);
}

int vnpu_emu_cores_run(struct vnpu_hw *hw, struct vnpu_emu_ring *ring,
		       struct vnpu_isa_task *task)
{
	struct vnpu_emu_cores *cores = &hw->cores;
	u32 ntiles, i;
	int ret = -ENOSPC;

	mutex_lock(&cores->lock);
	kernel_fpu_begin();
	ntiles = vnpu_isa_plan(task, VNPU_EMU_CORE_SCRATCH);
	kernel_fpu_end();
	if (!ntiles)
		goto out;

	cores->task = task;
	cores->ring = ring;
	atomic_set(&cores->next_tile, 0);
	atomic_set(&cores->error, 0);
	atomic_set(&cores->pending, cores->count);
	reinit_completion(&cores->done);
	for (i = 0; i < cores->count; i++)
		queue_work(cores->wq, &cores->core[i].work);
	wait_for_completion(&cores->done);
	ret = atomic_read(&cores->error);
	if (!ret && atomic_read(&ring->reset))
		ret = -EINTR;
out:
	mutex_unlock(&cores->lock);
	return ret;
}

int vnpu_emu_cores_init(struct vnpu_hw *hw)
{
	struct vnpu_emu_cores *cores = &hw->cores;
	u32 i;

	mutex_init(&cores->lock);
	atomic64_set(&cores->busy_ns, 0);
	init_completion(&cores->done);
	cores->features = vnpu_emu_cpu_features();
	cores->count = hw->info.ai_cores;
	cores->core = kcalloc(cores->count, sizeof(*cores->core), GFP_KERNEL);
	if (!cores->core)
		return -ENOMEM;
	for (i = 0; i < cores->count; i++) {
		cores->core[i].cores = cores;
		INIT_WORK(&cores->core[i].work, vnpu_emu_core_work);
		cores->core[i].scratch = vmalloc(VNPU_EMU_CORE_SCRATCH);
		if (!cores->core[i].scratch)
			goto err;
	}
	cores->wq = alloc_workqueue("vnpu%d-aicore", WQ_UNBOUND, cores->count,
				    hw->dev.id);
	if (cores->wq)
		return 0;
err:
	vnpu_emu_cores_fini(hw);
	return -ENOMEM;
}

void vnpu_emu_cores_fini(struct vnpu_hw *hw)
{
	struct vnpu_emu_cores *cores = &hw->cores;
	u32 i;

	if (cores->wq)
		destroy_workqueue(cores->wq);
	cores->wq = NULL;
	for (i = 0; cores->core && i < cores->count; i++)
		vfree(cores->core[i].scratch);
	kfree(cores->core);
	cores->core = NULL;
}
