// SPDX-License-Identifier: GPL-2.0
/*
 * The AI cores' arithmetic: the compute engine (engine/) running a tile of
 * a matmul packet. Built with the kernel's FPU flags; everything here runs
 * inside kernel_fpu_begin()/kernel_fpu_end() (vnpu_emu_cores.c).
 */
#include <linux/errno.h>
#include <linux/math.h>
#include <linux/minmax.h>
#include <linux/sizes.h>

#include <vnpu_engine/matmul.h>

#include "vnpu_emu_compute.h"

/* MACs per tile: a few ms natively, so FPU sections stay short. */
#define VNPU_EMU_TILE_MACS SZ_2M

static void vnpu_emu_mm_desc(const struct vnpu_emu_mm *mm,
			     struct vnpu_matmul *d)
{
	union { u32 u; float f; } ts = { .u = mm->w_tscale };

	*d = (struct vnpu_matmul){
		.m = mm->m, .n = mm->n, .k = mm->k,
		.w_fmt = mm->w_fmt, .w = mm->w, .w_tscale = ts.f,
		.a_fmt = mm->a_fmt, .a_quant = mm->a_quant,
		.a = mm->a, .lda = mm->lda,
		.bias = mm->bias, .act = mm->act,
		.c_fmt = mm->c_fmt, .c = mm->c, .ldc = mm->ldc,
	};
}

int vnpu_emu_mm_plan(struct vnpu_emu_mm *mm, size_t scratch)
{
	struct vnpu_matmul d;
	u32 rows = 1, cols;

	vnpu_emu_mm_desc(mm, &d);
	if (vnpu_matmul_scratch(&d, 1) > scratch)
		return -ENOSPC;
	while (rows < mm->m && rows < 64 &&
	       vnpu_matmul_scratch(&d, rows * 2) <= scratch)
		rows *= 2;
	rows = min(rows, mm->m);
	cols = VNPU_EMU_TILE_MACS / max(rows * mm->k, 1u);
	cols = clamp_t(u32, cols / 16 * 16, 16, round_up(mm->n, 16));
	mm->tile_rows = rows;
	mm->tile_cols = cols;
	mm->tiles_m = DIV_ROUND_UP(mm->m, rows);
	mm->tiles_n = DIV_ROUND_UP(mm->n, cols);
	return 0;
}

int vnpu_emu_mm_tile(const struct vnpu_emu_mm *mm, u32 t, void *scratch,
		     size_t scratch_size, u32 features)
{
	struct vnpu_ctx ctx = {
		.features = features,
		.scratch = scratch,
		.scratch_size = scratch_size,
	};
	struct vnpu_matmul d;
	u32 m0 = (t / mm->tiles_n) * mm->tile_rows;
	u32 n0 = (t % mm->tiles_n) * mm->tile_cols;
	int ret;

	/* Checked at submit; an unaligned panel would fault in the engine. */
	if ((uintptr_t)mm->w % 64)
		return -EINVAL;
	vnpu_emu_mm_desc(mm, &d);
	ret = vnpu_matmul_run(&d, m0, min(m0 + mm->tile_rows, mm->m), n0,
			      min(n0 + mm->tile_cols, mm->n), &ctx);
	return ret ? -EINVAL : 0;
}
