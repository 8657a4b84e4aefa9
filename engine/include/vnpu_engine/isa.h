/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The card's command-stream ISA (uapi/drm/vnpu_cmd.h) as data: each
 * packet's memory operands and scalar rules, and whole-stream validation.
 *
 * One definition for everyone who reads streams: the kernel driver at
 * submit, the emulated card at execution, and the runtime (its submit-time
 * check and the CPU backend's interpreter). Integer code only: the kernel
 * builds this file without FPU flags and calls it from any context.
 */
#ifndef VNPU_ENGINE_ISA_H
#define VNPU_ENGINE_ISA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <drm/vnpu_cmd.h>

#define VNPU_ISA_MAX_OPERANDS 4

/**
 * struct vnpu_isa_operand - device memory a packet touches
 * @va: address (0: an absent optional operand)
 * @len: bytes
 * @align: required alignment of @va
 * @write: the packet writes it
 * @optional: may be absent
 */
struct vnpu_isa_operand {
	uint64_t va;
	uint64_t len;
	uint32_t align;
	bool write;
	bool optional;
};

/**
 * struct vnpu_isa_operands - the operands of one packet, in field order
 * @o: the operands
 * @count: how many
 * @inplace: an output may coincide exactly with an input
 */
struct vnpu_isa_operands {
	struct vnpu_isa_operand o[VNPU_ISA_MAX_OPERANDS];
	uint32_t count;
	bool inplace;
};

/* The struct size of OP's packet, 0 for an unknown opcode. */
uint32_t vnpu_isa_packet_size(uint32_t op);
/* A short name of OP ("MATMUL"), "unknown" for an unknown opcode. */
const char *vnpu_isa_op_name(uint32_t op);

/*
 * Decode the operands of packet HDR (whose size is its struct's) and check
 * its scalar fields: NULL, or why no card would run it.
 */
const char *vnpu_isa_operands(const struct vnpu_cmd_header *hdr,
			      struct vnpu_isa_operands *ops);

/*
 * NULL, or why the operands cannot be used in an address space of SPACE
 * bytes at BASE (*which: the operand). An output overlapping another
 * operand would make results depend on the tiling, so only an exact
 * in-place match is allowed, and only where the op defines it.
 */
const char *vnpu_isa_check_operands(const struct vnpu_isa_operands *ops,
				    uint64_t base, uint64_t space,
				    uint32_t *which);

/*
 * Validate a whole stream: NULL, or why it is invalid with *bad_off the
 * offset of the packet (0 for the stream header).
 */
const char *vnpu_isa_validate(const void *stream, size_t size, uint64_t base,
			      uint64_t space, size_t *bad_off);

/**
 * struct vnpu_isa_task - a compute packet (MATMUL or a vector-unit op) with
 * its operands translated, cut into tiles for workers
 * @pkt: the validated packet
 * @ptr: its operands in vnpu_isa_operands() order (NULL: absent)
 * @ntiles: tiles, set by vnpu_isa_plan()
 * @per_tile: vector ops: work items (elements, rows, heads...) per tile
 * @items: vector ops: work items in all
 * @tile_rows: MATMUL: rows of C per tile
 * @tile_cols: MATMUL: columns of C per tile, a multiple of 16
 * @tiles_n: MATMUL: tiles across N
 * @workers: set by the caller before vnpu_isa_plan(): the workers that
 *	     will take the tiles, 0 when unknown. With more than one, and
 *	     activations prepared once (vnpu_isa_shared_size()), a matmul of
 *	     a few rows (a GEMV) is cut by columns so every worker gets some.
 * @shared: NULL, or MATMUL: memory holding the activations prepared once
 *	    by vnpu_isa_prepare() for all tiles (vnpu_isa_shared_size()
 *	    bytes, 64-byte aligned); with NULL each tile prepares its rows.
 *
 * Tiles only choose which rows, columns or elements one engine call
 * covers; the engine's per-element arithmetic is fixed, so any tiling,
 * any number of workers and any order give the same bits.
 */
struct vnpu_isa_task {
	const struct vnpu_cmd_header *pkt;
	void *ptr[VNPU_ISA_MAX_OPERANDS];
	uint32_t ntiles;
	uint32_t per_tile;
	uint32_t items;
	uint32_t tile_rows;
	uint32_t tile_cols;
	uint32_t tiles_n;
	uint32_t workers;
	void *shared;
};

/* Tokens a ROPE packet rotates: 0 is one (written before the field). */
static inline uint32_t vnpu_isa_rope_tokens(const struct vnpu_cmd_rope *p)
{
	return p->tokens ? p->tokens : 1;
}

/* MATMUL and the vector unit's ops run as tiles; DMA packets do not. */
bool vnpu_isa_is_compute(uint32_t op);

/*
 * Cut TASK into tiles for workers with SCRATCH bytes of local memory each:
 * the number of tiles, or 0 when not even one tile fits.
 */
uint32_t vnpu_isa_plan(struct vnpu_isa_task *task, size_t scratch);

/*
 * After vnpu_isa_plan(): bytes of activations worth preparing once for all
 * tiles of TASK (a MATMUL whose tiles would each prepare the same rows of
 * A again), else 0. FEATURES: VNPU_CPU_* bits, as for the tiles. *ROWS:
 * the rows to prepare (vnpu_isa_prepare() takes any split of them).
 */
size_t vnpu_isa_shared_size(const struct vnpu_isa_task *task, uint32_t features,
			    uint32_t *rows);

/*
 * Whether MATMUL packets A and B (validated) may run as one group: they
 * read the same activations the same way (address, lda, m, k, formats and
 * the weight format, so the same prepared rows), and neither writes memory
 * the other touches. A group prepares its activations once
 * (vnpu_isa_group_shared_size()) and may run all members' tiles in any
 * order at once; every output column keeps its bits. In a stream, q, k
 * and v of a transformer layer (one normed input) are such a group, and
 * so are gate and up.
 */
bool vnpu_isa_mm_joinable(const struct vnpu_cmd_header *a,
			  const struct vnpu_cmd_header *b);

/*
 * vnpu_isa_shared_size() for the N planned TASKS of a group (pairwise
 * vnpu_isa_mm_joinable()): one preparation serves all their tiles, so it
 * is worth it once they have two tiles across N between them. Set every
 * member's @shared to the same memory.
 */
size_t vnpu_isa_group_shared_size(const struct vnpu_isa_task *tasks, uint32_t n,
				  uint32_t features, uint32_t *rows);

/* Prepare rows [R0, R1) of TASK's activations in task->shared. */
int vnpu_isa_prepare(const struct vnpu_isa_task *task, uint32_t r0, uint32_t r1,
		     uint32_t features);

/*
 * Compute tile T of TASK: VNPU_OK, VNPU_EFAULT (a gather index outside its
 * table: a device fault), or VNPU_EINVAL. FEATURES: VNPU_CPU_* bits.
 */
int vnpu_isa_tile(const struct vnpu_isa_task *task, uint32_t t, void *scratch,
		  size_t scratch_size, uint32_t features);

#endif /* VNPU_ENGINE_ISA_H */
