/* SPDX-License-Identifier: MIT */
/*
 * libvnpu: compiling graphs into programs, running, saving and loading
 * them.
 *
 * vnpu_graph_compile() runs these passes, one file each in runtime/src:
 *   validation       every operand produced before use, at least one output,
 *                    uses and lifetimes of every tensor
 *   fusion           matmul + bias add + activation into one MATMUL packet
 *   precision        the format of every matmul weight, the activation
 *                    quantization of every matmul, the storage of tables
 *                    (options and the mixed-precision flags)
 *   quantization     weights quantized (RTN per spec or MSE scale search)
 *                    and packed into 64-byte aligned panels
 *   memory planning  element-wise ops, norms, rope, the residual add and
 *                    the KV-cache update write in place over an operand
 *                    that dies there (the card allows out == input);
 *                    activations are placed in one arena by liveness
 *   emission         the command stream (uapi/drm/vnpu_cmd.h)
 * A program is device independent: it holds the packed weights, the
 * arena's size and a command stream whose addresses are offsets into the
 * two; vnpu_program_run() binds it to the stream's device on first use.
 */
#ifndef VNPU_PROGRAM_H
#define VNPU_PROGRAM_H

#include <stddef.h>
#include <stdint.h>

#include <vnpu/graph.h>
#include <vnpu/status.h>
#include <vnpu/stream.h>

#if defined(__cplusplus)
extern "C" {
#endif

/* A compiled program (opaque). */
typedef struct vnpu_program vnpu_program;

/* vnpu_compile_options.act_quant: how matmul inputs are quantized on the fly */
#define VNPU_ACT_QUANT_NONE 0		/* exact FP32/BF16 activations */
#define VNPU_ACT_QUANT_MXINT8 1
#define VNPU_ACT_QUANT_MXFP4 2
#define VNPU_ACT_QUANT_MXFP8 3		/* E4M3 elements */
#define VNPU_ACT_QUANT_MXFP8_E5M2 4

/* vnpu_compile_options.keep: the mixed-precision policy (flags) */
/* Embedding tables (gather) and matmuls that reuse them (tied output
 * embeddings) keep BF16 instead of FP32 tables / the weight format. */
#define VNPU_KEEP_EMBEDDINGS_BF16 0x1u
/* Norms stay at least BF16: the card's NORM is FP32 with FP32 gamma and
 * beta, so this always holds; the flag exists so policies read fully. */
#define VNPU_KEEP_NORMS_BF16 0x2u
/* The output head (a matmul whose result, through any bias add and
 * activation, is a graph output) keeps weights of at least BF16 (FP32 if
 * that is the weight format) and exact inputs. */
#define VNPU_KEEP_HEAD_BF16 0x4u
#define VNPU_KEEP_DEFAULT \
	(VNPU_KEEP_EMBEDDINGS_BF16 | VNPU_KEEP_NORMS_BF16 | VNPU_KEEP_HEAD_BF16)

/* vnpu_compile_options.scale_method */
#define VNPU_SCALE_RTN 0	/* the spec's scale, round to nearest even */
#define VNPU_SCALE_MSE 1	/* per block, the scale of least squared error */

/**
 * struct vnpu_compile_options - how a graph is compiled
 * @weight_format: VNPU_DTYPE_MXFP4 (default), NVFP4, MXFP8, MXFP8_E5M2,
 *	BF16 or FP32: what FP32 weight constants are quantized to
 * @act_quant: VNPU_ACT_QUANT_* (default NONE)
 * @keep: VNPU_KEEP_* flags (default VNPU_KEEP_DEFAULT)
 * @scale_method: VNPU_SCALE_* (default RTN)
 * @hadamard: 0 (default) off; otherwise every matmul whose weights are
 *	an FP32 constant (not an embedding table) and whose input is FP32
 *	gets its weight rows rotated offline and its input rotated on the
 *	card (a HADAMARD packet) with the same block-wise randomized
 *	Hadamard rotation, which leaves x W^T unchanged in exact arithmetic
 *	but spreads outlier channels before quantization. 1 picks each
 *	matmul's block (the largest power of two dividing K, up to 4096);
 *	a power of two 2..4096 is the block for all (INVALID_ARGUMENT
 *	naming a matmul whose K it does not divide).
 * @fuse: non-zero (default) runs the fusion pass
 */
typedef struct vnpu_compile_options {
	uint32_t weight_format;
	uint32_t act_quant;
	uint32_t keep;
	uint32_t scale_method;
	uint32_t hadamard;
	uint32_t fuse;
} vnpu_compile_options;

/* Fill OPTS with the defaults above. */
VNPU_API void vnpu_compile_options_init(vnpu_compile_options *opts);

/*
 * Compile GRAPH for DEVICE (its limits: max_cmd_size, max_buffer_size;
 * may be NULL for the card's defaults) into *PROGRAM. OPTS may be NULL.
 * The graph is not changed and can be destroyed afterwards.
 */
VNPU_API vnpu_status vnpu_graph_compile(const vnpu_graph *graph,
					vnpu_device *device,
					const vnpu_compile_options *opts,
					vnpu_program **program);

/**
 * struct vnpu_program_info - what a program needs and holds
 * @inputs: inputs, in declaration order
 * @outputs: outputs, in vnpu_graph_output() order
 * @nodes: graph nodes compiled
 * @fused: nodes folded into another node's packet
 * @inplace: nodes writing over an operand (no buffer of their own)
 * @packets: packets of the command stream
 * @cmd_bytes: bytes of the command stream
 * @weight_bytes: packed constants, bytes (one device buffer)
 * @arena_bytes: activations, inputs and outputs as planned (one buffer)
 * @peak_device_bytes: @weight_bytes + @arena_bytes: the device memory a
 *	run allocates (before page rounding)
 * @peak_live_bytes: the largest sum of tensors live at one node, a lower
 *	bound of any plan; @arena_bytes exceeds it only by fragmentation
 *	and 64-byte alignment
 * @pos_patches: packet fields that move with the position offset of
 *	vnpu_program_run_at() (rope positions, attention's first query,
 *	KV-cache rows written)
 * @max_pos_offset: the largest position offset every attention's cache
 *	has room for (UINT32_MAX - the largest position when there is no
 *	attention)
 * @states: state tensors (vnpu_program_state()), in declaration order
 * @flops: floating-point operations of one run at position offset 0:
 *	2 * M * N * K per matmul, and per attention 4 * D per query head
 *	and key it sees (Q.K and P.V; causal, so query i at position
 *	pos0 + i sees pos0 + i + 1 keys)
 * @bytes: device-memory traffic of one run at position offset 0: the
 *	bytes every packet reads plus those it writes (weights counted once
 *	per matmul reading them, caches over the rows attention reads)
 */
typedef struct vnpu_program_info {
	uint32_t inputs;
	uint32_t outputs;
	uint32_t nodes;
	uint32_t fused;
	uint32_t inplace;
	uint32_t packets;
	uint64_t cmd_bytes;
	uint64_t weight_bytes;
	uint64_t arena_bytes;
	uint64_t peak_device_bytes;
	uint64_t peak_live_bytes;
	uint32_t pos_patches;
	uint32_t max_pos_offset;
	uint32_t states;
	uint64_t flops;
	uint64_t bytes;
} vnpu_program_info;

VNPU_API vnpu_status vnpu_program_info_get(const vnpu_program *program,
					   vnpu_program_info *info);

/*
 * Shape, type and bytes of input or output INDEX (IS_OUTPUT selects),
 * any of the out pointers may be NULL.
 */
VNPU_API vnpu_status vnpu_program_io(const vnpu_program *program, int is_output,
				     uint32_t index, vnpu_dtype *dtype,
				     uint32_t *rank, uint32_t *dims,
				     uint64_t *bytes);

/*
 * Name, type, shape and bytes of state INDEX (vnpu_graph_state()); any of
 * the out pointers may be NULL. *NAME stays valid as long as PROGRAM.
 */
VNPU_API vnpu_status vnpu_program_state(const vnpu_program *program,
					uint32_t index, const char **name,
					vnpu_dtype *dtype, uint32_t *rank,
					uint32_t *dims, uint64_t *bytes);

/*
 * Bind state INDEX to BUF at OFFSET (a multiple of 64; the state's bytes
 * must fit): runs read and update the state there, on the device, with
 * no copy to or from the host. BUF is an ordinary buffer of the device
 * the program runs on; several programs may bind the same buffers (a
 * prefill and a decode program sharing their KV caches), and one buffer
 * may hold several states at distinct offsets. The program holds a
 * reference on BUF while bound (vnpu_buffer_free() of the application's
 * handle leaves the state's memory in place until the program is
 * destroyed or bound elsewhere); NULL unbinds. A run with a state unbound, bound to a
 * buffer of another device than the stream's, or overlapping another
 * state fails with INVALID_ARGUMENT naming the state. The contents are
 * the application's: write them (vnpu_buffer_write()) before the first
 * run that reads them.
 */
VNPU_API vnpu_status vnpu_program_bind_state(vnpu_program *program,
					     uint32_t index, vnpu_buffer *buf,
					     uint64_t offset);

/*
 * Make PROGRAM use SOURCE's device weight buffer instead of uploading its
 * own (a prefill and a decode program compiled from the same weights keep
 * one copy). SOURCE must have run once (its weights are on a device);
 * the two packed weight sections must be byte-identical: compared in full,
 * PROGRAM's from its host copy, its file or its device buffer, SOURCE's
 * from its device buffer. Otherwise INVALID_ARGUMENT with "the weight
 * sections' sizes differ (A and B bytes)" or "the weight sections'
 * contents differ (first at byte N)". On success PROGRAM drops its own
 * host copy and device weights; the shared buffer is reference counted,
 * so either program may be destroyed first. PROGRAM's runs then need a
 * stream on the shared buffer's device: on another one they fail with
 * INVALID_ARGUMENT naming both devices (there is no host copy left to
 * upload). Sharing again with the same source does nothing.
 */
VNPU_API vnpu_status vnpu_program_share_weights(vnpu_program *program,
						vnpu_program *source);

/*
 * Destroy PROGRAM and the device buffers it allocated on its last run's
 * device (do this before closing that device). NULL does nothing.
 */
VNPU_API void vnpu_program_destroy(vnpu_program *program);

/*
 * Run PROGRAM on STREAM: INPUTS[i] holds the bytes of input i, OUTPUTS[i]
 * receives output i (vnpu_program_io() gives the sizes). The first run on
 * a device allocates the program's two buffers there and uploads the
 * weights (the host copy is then dropped: the device buffer holds the only
 * one); later runs reuse them. Runs of one program are serialized; the
 * call returns when the outputs are written (the stream is synced), with
 * the job's status (DEVICE_FAULT for a gather index out of range).
 */
VNPU_API vnpu_status vnpu_program_run(vnpu_stream *stream, vnpu_program *program,
				      const void *const *inputs,
				      void *const *outputs);

/*
 * vnpu_program_run() with every position shifted by POS_OFFSET: the
 * tokens' RoPE positions, the position of attention's first query and
 * the KV-cache rows the new keys and values go to, as if the graph had
 * been built with pos0 + POS_OFFSET (bit for bit). This is how one
 * compiled decode step serves every position. INVALID_ARGUMENT above
 * vnpu_program_info.max_pos_offset.
 */
VNPU_API vnpu_status vnpu_program_run_at(vnpu_stream *stream,
					 vnpu_program *program,
					 uint32_t pos_offset,
					 const void *const *inputs,
					 void *const *outputs);

/*
 * Save PROGRAM to PATH. The file: a header (magic "VNPUPRG\0", format
 * version, section count, file size, CRC-32 of the header) then a table
 * of sections (id, offset, size, CRC-32) and the sections: metadata,
 * inputs and outputs, command stream, weights. vnpu_program_save_mem()
 * does the same into memory (*DATA is malloc'ed; the caller frees it).
 */
VNPU_API vnpu_status vnpu_program_save(const vnpu_program *program,
				       const char *path);
VNPU_API vnpu_status vnpu_program_save_mem(const vnpu_program *program,
					   void **data, size_t *size);

/*
 * Load a program saved by vnpu_program_save(). A file that is not a
 * program, truncated, corrupted (any checksum) or inconsistent fails with
 * INVALID_ARGUMENT and a message saying what is wrong; a newer format
 * version gives VERSION_MISMATCH; I/O problems IO_ERROR or NOT_FOUND.
 * Every address of the command stream is checked against the program's
 * buffers, so a loaded program cannot reach memory outside them.
 */
VNPU_API vnpu_status vnpu_program_load(const char *path, vnpu_program **program);
VNPU_API vnpu_status vnpu_program_load_mem(const void *data, size_t size,
					   vnpu_program **program);

/* Like vnpu_graph_dump(), for the compiled program: its buffers and
 * every packet with its operands (after compilation). */
VNPU_API vnpu_status vnpu_program_dump(const vnpu_program *program,
				       uint32_t format, char *buf, size_t size,
				       size_t *needed);

#if defined(__cplusplus)
}
#endif

#endif /* VNPU_PROGRAM_H */
