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

/**
 * struct vnpu_emu_vec - a vector-unit packet with its operands translated
 * @pkt: the packet (validated)
 * @ptr: kernel pointers of its operands, in vnpu_isa_operands() order
 *	(NULL for an absent optional one)
 * @per_tile: work items (elements, rows, heads, indices) per tile
 */
struct vnpu_emu_vec {
	const struct vnpu_cmd_header *pkt;
	void *ptr[4];
	u32 per_tile;
};

/*
 * A tile function: compute tile T of ARG with SCRATCH bytes of local
 * memory; 0 or -errno. Runs inside kernel_fpu_begin()/kernel_fpu_end().
 */
typedef int (*vnpu_emu_tile_fn)(const void *arg, u32 t, void *scratch,
				size_t scratch_size, u32 features);

/*
 * Choose the tiling for AI cores with SCRATCH bytes each; returns the
 * number of tiles, 0 when not even one row fits.
 */
u32 vnpu_emu_mm_plan(struct vnpu_emu_mm *mm, size_t scratch);
/* Tile T (row-major over tiles_m x tiles_n) of the vnpu_emu_mm ARG. */
int vnpu_emu_mm_tile(const void *arg, u32 t, void *scratch,
		     size_t scratch_size, u32 features);
/* Number of tiles of a vector packet; sets per_tile. */
u32 vnpu_emu_vec_plan(struct vnpu_emu_vec *vec);
/* Tile T of the vnpu_emu_vec ARG. */
int vnpu_emu_vec_tile(const void *arg, u32 t, void *scratch,
		      size_t scratch_size, u32 features);

#endif /* __VNPU_EMU_COMPUTE_H__ */
