/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The AI cores' compute: a matmul packet cut into tiles. Only integers and
 * pointers cross this header: vnpu_emu_compute.c is the one card file
 * built with FPU flags, and its functions run between kernel_fpu_begin()
 * and kernel_fpu_end().
 */
#ifndef __VNPU_EMU_COMPUTE_H__
#define __VNPU_EMU_COMPUTE_H__

#include <linux/types.h>

/**
 * struct vnpu_emu_mm - a matmul packet with its addresses translated
 * @a: A, @w: packed weights, @bias: NULL or n floats, @c: C (kernel pointers)
 * @m: rows, @n: columns of C, @k: inner dimension
 * @lda: row stride of A, @ldc: of C (elements)
 * @w_fmt, @a_fmt, @a_quant, @c_fmt, @act: as in struct vnpu_cmd_matmul
 * @w_tscale: NVFP4 tensor scale, FP32 bits
 * @tile_rows: rows of C per tile (scratch-bound), set by the planner
 * @tile_cols: columns of C per tile, a multiple of 16
 * @tiles_m: tiles down M, @tiles_n: across N
 */
struct vnpu_emu_mm {
	const void *a;
	const void *w;
	const void *bias;
	void *c;
	u32 m, n, k;
	u64 lda, ldc;
	u32 w_fmt, a_fmt, a_quant, c_fmt, act;
	u32 w_tscale;
	u32 tile_rows, tile_cols;
	u32 tiles_m, tiles_n;
};

/*
 * Choose the tiling for AI cores with SCRATCH bytes each: 0, or -ENOSPC
 * when not even one row fits.
 */
int vnpu_emu_mm_plan(struct vnpu_emu_mm *mm, size_t scratch);
/* Compute tile T (row-major over tiles_m x tiles_n): 0 or -errno. */
int vnpu_emu_mm_tile(const struct vnpu_emu_mm *mm, u32 t, void *scratch,
		     size_t scratch_size, u32 features);

#endif /* __VNPU_EMU_COMPUTE_H__ */
