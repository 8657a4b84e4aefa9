/* SPDX-License-Identifier: MIT */
/*
 * libvnpu internals of graphs, the compiler's passes and programs.
 *
 * A graph is two arrays: tensors (id = index + 1) and nodes in the order
 * they were added, which is a topological order (a node only names
 * tensors that exist). The compiler works on a struct vnpu_gc: per-node
 * and per-tensor decisions of the passes, then builds a vnpu_program.
 *
 * Program command streams are position independent: an address field
 * holds (region << VNPU_PROG_REGION_SHIFT) | offset, with region 1 the
 * weights and 2 the arena; 0 is "no operand". Binding to a device adds
 * the buffers' addresses.
 */
#ifndef VNPU_GRAPH_INTERNAL_H
#define VNPU_GRAPH_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <vnpu/vnpu.h>

#define VNPU_NAME_MAX 32

/* Graph op codes (also in saved programs' dumps only, not in files). */
enum vnpu_gop {
	VNPU_GOP_MATMUL = 1,
	VNPU_GOP_ADD,
	VNPU_GOP_MUL,
	VNPU_GOP_SCALE,
	VNPU_GOP_RMSNORM,
	VNPU_GOP_LAYERNORM,
	VNPU_GOP_SOFTMAX,
	VNPU_GOP_SILU,
	VNPU_GOP_GELU,
	VNPU_GOP_SWIGLU,
	VNPU_GOP_ROPE,
	VNPU_GOP_ATTENTION,
	VNPU_GOP_GATHER,
	VNPU_GOP_RESHAPE,
	VNPU_GOP_VIEW,
	VNPU_GOP_TRANSPOSE,
	VNPU_GOP_QUANTIZE,
	VNPU_GOP_DEQUANTIZE,
	VNPU_GOP_COPY,
	VNPU_GOP_HADAMARD,
	VNPU_GOP_UNARY,		/* u[0]: VNPU_ELT_* */
	VNPU_GOP_BINARY,	/* u[0]: VNPU_ELT_* */
	VNPU_GOP_STRIDED,	/* u[0..3] strides, @off the first element */
	VNPU_GOP_CONCAT,	/* u[0]: axis */
	VNPU_GOP_REDUCE,	/* u[0]: VNPU_REDUCE_* */
	VNPU_GOP_PAD,		/* zeros around x at the origin */
	VNPU_GOP_PANEL,		/* B [.., K, N] as FP32 matmul panels of Kp */
	VNPU_GOP_MATMUL2,	/* a [.., M, Kp] x panels: u[0] N, u[1] Kp, u[2] B batches */
	VNPU_GOP_QLINEAR,	/* x, scale, zero: u[0] axis extent, u[1] inner */
	VNPU_GOP_DQLINEAR,	/* q, scale, zero: as QLINEAR */
	VNPU_GOP_COMPARE,	/* a, b: u[0] VNPU_CMP_* */
	VNPU_GOP_SELECT,	/* cond, x, y */
	VNPU_GOP_COUNT
};

enum vnpu_gkind { VNPU_GT_INPUT = 1, VNPU_GT_CONST, VNPU_GT_NODE, VNPU_GT_STATE };

/**
 * struct vnpu_gtensor - a tensor of a graph
 * @name: optional name
 * @kind: enum vnpu_gkind
 * @dtype: enum vnpu_dtype
 * @rank, @dims: shape
 * @producer: node index (VNPU_GT_NODE)
 * @index: input number (VNPU_GT_INPUT), state number (VNPU_GT_STATE)
 * @data, @owned: constant bytes (@owned when copied), @data_bytes long
 * @alias: for views and reshapes, the tensor whose memory this is (0: own)
 * @alias_off: byte offset into @alias
 * @output: output number + 1, 0 if not an output
 * @value: a state: the tensor vnpu_graph_assign() gave it (0: none)
 * @assigned: how many states take this tensor as their value
 * @scales, @tscale: a block constant declared with its planes apart
 *	(vnpu_graph_constant_blocks(), borrowed): @data holds the codes
 *	only, @scales the block scales, @tscale the NVFP4 tensor scale;
 *	@scales is NULL for every other tensor. Read constants through
 *	vnpu_gt_planes() / vnpu_gt_const_copy().
 */
struct vnpu_gtensor {
	char name[VNPU_NAME_MAX];
	uint32_t kind;
	uint32_t dtype;
	uint32_t rank;
	uint32_t dims[VNPU_MAX_RANK];
	uint32_t producer;
	uint32_t index;
	const void *data;
	void *owned;
	uint64_t data_bytes;
	vnpu_tensor alias;
	uint64_t alias_off;
	uint32_t output;
	vnpu_tensor value;
	uint32_t assigned;
	const void *scales;
	float tscale;
};

#define VNPU_GNODE_MAX_IN 5
#define VNPU_GNODE_MAX_OUT 3

/**
 * struct vnpu_gnode - an operation
 * @op: enum vnpu_gop
 * @name: optional name
 * @in, @nin: operands (0: an absent optional operand)
 * @out, @nout: results
 * @u: integer attributes (per op: act, out dtype, causal, offset, pos0,
 *	mode, axes, ...)
 * @f: float attributes (eps, scale, theta, tscale)
 * @off: strided: element offset into the operand
 */
struct vnpu_gnode {
	uint32_t op;
	char name[VNPU_NAME_MAX];
	vnpu_tensor in[VNPU_GNODE_MAX_IN];
	uint32_t nin;
	vnpu_tensor out[VNPU_GNODE_MAX_OUT];
	uint32_t nout;
	uint32_t u[4];
	float f[2];
	uint64_t off;
};

struct vnpu_graph {
	struct vnpu_gtensor *t;
	uint32_t nt, tcap;
	struct vnpu_gnode *n;
	uint32_t nn, ncap;
	uint32_t ninputs, noutputs, nstates;
	vnpu_tensor *outputs;
};

/* The tensor of id T or NULL. */
const struct vnpu_gtensor *vnpu_gt(const vnpu_graph *g, vnpu_tensor t);
/* Elements of a shape. */
uint64_t vnpu_shape_count(uint32_t rank, const uint32_t *dims);
/* "fp32[4,64]" into BUF. */
const char *vnpu_shape_str(char *buf, size_t size, uint32_t dtype,
			   uint32_t rank, const uint32_t *dims);
/* Bytes of tensor T in memory (vnpu_dtype_bytes, not as a constant). */
uint64_t vnpu_gt_bytes(const struct vnpu_gtensor *t);
/* The name of graph op OP ("matmul"). */
const char *vnpu_gop_name(uint32_t op);
/* Whether DTYPE is a block type; its codes bytes for COUNT elements. */
bool vnpu_dtype_is_block(uint32_t dtype);
/* Whether FP32 converts to DTYPE element by element (QUANTIZE's element
 * formats: BF16, FP16, FP8). */
bool vnpu_dtype_is_elem(uint32_t dtype);
uint64_t vnpu_dtype_codes_bytes(uint32_t dtype, uint64_t count);
/* The ISA's format (enum vnpu_cmd_fmt) of a dtype, 0 if none. */
uint32_t vnpu_dtype_cmd_fmt(uint32_t dtype);
/* The codes, scales and NVFP4 tensor scale (1.0 for the other types) of
 * block constant T, wherever they are kept (vnpu_graph_blocks.c). */
void vnpu_gt_planes(const struct vnpu_gtensor *t, const uint8_t **codes,
		    const uint8_t **scales, float *tscale);
/* Constant T in the graph's layout (planes, NVFP4 tensor scale last;
 * @data_bytes bytes) into DST. */
void vnpu_gt_const_copy(const struct vnpu_gtensor *t, void *dst);

/* ------------------------------------------------------------ compiler */

/* Kinds of position-dependent packet fields. */
enum vnpu_patch_kind {
	VNPU_PATCH_ROPE_POS = 1,	/* vnpu_cmd_rope.pos += offset */
	VNPU_PATCH_ATTN_POS0,		/* vnpu_cmd_attention.pos0 += offset */
	VNPU_PATCH_COPY_DST,		/* vnpu_cmd_copy.dst += offset * row */
	VNPU_PATCH_STRIDED_DST,		/* vnpu_cmd_strided.dst += offset * row */
};

/**
 * struct vnpu_prog_patch - a packet field that moves with the position
 *	offset of vnpu_program_run_at() (saved in files as is: 16 bytes)
 * @off: the packet's offset in the stream
 * @kind: enum vnpu_patch_kind
 * @row: bytes per position (VNPU_PATCH_COPY_DST / _STRIDED_DST: one KV-cache
 *	row of all heads, or of one head in a head-major cache)
 */
struct vnpu_prog_patch {
	uint32_t off;
	uint32_t kind;
	uint64_t row;
};

/*
 * Move the N patched fields of the stream CMD (SIZE bytes) by DELTA
 * positions. NULL, or why a patch does not fit the stream (the stream
 * is then partly patched).
 */
const char *vnpu_prog_apply_patches(uint8_t *cmd, uint64_t size,
				    const struct vnpu_prog_patch *p, uint32_t n,
				    uint32_t delta);

#define VNPU_PROG_REGION_SHIFT 56
#define VNPU_PROG_WEIGHTS 1ull
#define VNPU_PROG_ARENA 2ull
/* State I lives in region VNPU_PROG_STATE0 + I (the buffer bound to it). */
#define VNPU_PROG_STATE0 3ull
#define VNPU_PROG_MAX_STATES 64u
#define VNPU_PROG_MAX_REGIONS (VNPU_PROG_STATE0 + VNPU_PROG_MAX_STATES)
#define VNPU_PROG_ADDR(region, off) (((region) << VNPU_PROG_REGION_SHIFT) | (off))
#define VNPU_PROG_ALIGN 64u

/**
 * struct vnpu_gc_tensor - what the passes decide about a tensor
 * @uses: live nodes reading it directly
 * @def: the node writing it (-1 for inputs and constants)
 * @last_use: the last live node reading it or a view of it (-1: none);
 *	graph outputs live to the end
 * @root: the tensor owning its memory: itself, the end of its alias
 *	chain, or the operand an in-place node overwrote
 * @region: VNPU_PROG_WEIGHTS or VNPU_PROG_ARENA (0: no memory)
 * @offset: byte offset in its region (constants: the raw copy)
 * @mm_use: a constant used as matmul weights (packed at @poff)
 * @raw_use: a constant read as it is by some packet (at @offset)
 * @wfmt: the packed weights' format (enum vnpu_cmd_fmt)
 * @raw_bf16: a FP32 table stored as BF16 (mixed-precision policy)
 * @poff: offset of the packed weights in the weights region
 * @tscale: NVFP4 tensor scale of the packed weights
 */
struct vnpu_gc_tensor {
	uint32_t uses;
	int64_t def, last_use;
	vnpu_tensor root;
	uint64_t region;
	uint64_t offset;
	bool mm_use, raw_use;
	uint32_t wfmt;
	bool raw_bf16;
	uint64_t poff;
	float tscale;
};

/**
 * struct vnpu_gc_node - what the passes decide about a node
 * @dead: folded into another node (fusion)
 * @bias, @act: matmul: fused bias tensor and activation
 * @out: the node's result after fusion (the folded node's result)
 * @a_quant: matmul: activation quantization (enum vnpu_cmd_fmt)
 * @inplace: the result overwrites operand @inplace - 1 (0: no)
 */
struct vnpu_gc_node {
	bool dead;
	vnpu_tensor bias;
	uint32_t act;
	vnpu_tensor out;
	uint32_t a_quant;
	uint32_t inplace;
};

/**
 * struct vnpu_gc - one compilation
 * @g: the graph
 * @o: the options
 * @t, @n: per tensor (index id - 1), per node
 * @weights, @weight_bytes, @wcap: the packed constants being built
 * @arena_bytes, @peak_live: the memory plan
 * @cmd, @cmd_bytes, @cmd_cap, @packets: the command stream being built
 * @max_cmd: the device's stream limit
 * @fused, @inplace: counts for the info
 * @patches, @npatches, @pcap: position-dependent fields (see
 *	struct vnpu_prog_patch)
 * @max_pos: the largest position offset every node allows
 * @last_off: offset of the last packet emitted
 */
struct vnpu_gc {
	const vnpu_graph *g;
	vnpu_compile_options o;
	struct vnpu_gc_tensor *t;
	struct vnpu_gc_node *n;
	uint8_t *weights;
	uint64_t weight_bytes, wcap;
	uint64_t arena_bytes, peak_live;
	uint8_t *cmd;
	uint64_t cmd_bytes, cmd_cap;
	uint32_t packets;
	uint64_t max_cmd;
	uint32_t fused, inplace;
	struct vnpu_prog_patch *patches;
	uint32_t npatches, pcap;
	uint32_t max_pos;
	uint64_t last_off;
};

/*
 * Pass 0 (vnpu_pass_hadamard.c), when the options ask for a rotation:
 * the copy of G, in *OUT, in which every eligible matmul reads rotated
 * weights and a rotated input (OPT: 1 automatic blocks, else the block).
 */
vnpu_status vnpu_hadamard_rewrite(const vnpu_graph *g, uint32_t opt, vnpu_graph **out);

/* The passes, in order (each in vnpu_pass_<name>.c). */
vnpu_status vnpu_pass_validate(struct vnpu_gc *c);
vnpu_status vnpu_pass_precision(struct vnpu_gc *c);
vnpu_status vnpu_pass_fuse(struct vnpu_gc *c);
vnpu_status vnpu_pass_quantize(struct vnpu_gc *c);
vnpu_status vnpu_pass_memplan(struct vnpu_gc *c);
vnpu_status vnpu_pass_emit(struct vnpu_gc *c);

/*
 * The operands node I reads after fusion (a matmul's fused bias
 * included) into OPS; returns how many (absent ones are skipped).
 */
uint32_t vnpu_gc_operands(const struct vnpu_gc *c, uint32_t i,
			  vnpu_tensor ops[VNPU_GNODE_MAX_IN + 1]);
/* The results node I writes after fusion into OUTS; returns how many. */
uint32_t vnpu_gc_results(const struct vnpu_gc *c, uint32_t i,
			 vnpu_tensor outs[VNPU_GNODE_MAX_OUT]);
/* Count the live uses of every tensor into c->t[].uses. */
void vnpu_gc_count_uses(struct vnpu_gc *c);

/* Program address of tensor T (its region, root and view offset). */
uint64_t vnpu_gc_addr(const struct vnpu_gc *c, vnpu_tensor t);

/* ------------------------------------------------------------ programs */

/**
 * struct vnpu_prog_io - an input or output of a program
 * @dtype, @rank, @dims: its type and shape
 * @offset: where it lives in the arena
 * @bytes: its size
 * @name: its name
 */
struct vnpu_prog_io {
	uint32_t dtype;
	uint32_t rank;
	uint32_t dims[VNPU_MAX_RANK];
	uint64_t offset;
	uint64_t bytes;
	char name[VNPU_NAME_MAX];
};

/**
 * struct vnpu_program - a compiled program
 * @info: its vnpu_program_info
 * @io: inputs then outputs (@info.inputs + @info.outputs entries)
 * @weights: the packed constants, @info.weight_bytes; NULL once a run
 *	uploaded them to @wbuf (the device copy is then the only one), and
 *	for a program loaded from a file, whose weights stay there (@wfd)
 *	until that upload
 * @wfd, @woff, @wcrc: that file (-1: none), the weights' offset and
 *	CRC-32 in it
 * @cmd: the position-independent stream, @info.cmd_bytes
 * @lock: serializes runs and binding
 * @dev: the device the buffers below belong to (NULL: unbound)
 * @wbuf, @abuf: weights and arena on @dev
 * @wshared: @wbuf is another program's weight buffer (one reference held,
 *	vnpu_program_share_weights()); it stays bound to its device
 * @cb: the bound command stream (position offset 0; NULL: to build,
 *	again after a state binding changed)
 * @patches: @info.pos_patches position-dependent fields
 * @states: @info.states state tensors (offset unused: 0)
 * @sbind: the buffer and offset bound to each state (buf NULL: unbound)
 */
struct vnpu_prog_bind {
	vnpu_buffer *buf;
	uint64_t offset;
};

struct vnpu_program {
	vnpu_program_info info;
	struct vnpu_prog_io *io;
	struct vnpu_prog_io *states;
	struct vnpu_prog_bind *sbind;
	uint8_t *weights;
	int wfd;
	uint64_t woff;
	uint32_t wcrc;
	uint8_t *cmd;
	pthread_mutex_t lock;
	vnpu_device *dev;
	vnpu_buffer *wbuf, *abuf;
	int wshared;
	vnpu_cmdbuf *cb;
	uint32_t cb_pos;	/* the position offset cb is patched for */
	struct vnpu_prog_patch *patches;
};

/*
 * Copy the packed weights (@info.weight_bytes) into DST from wherever
 * they are: the host copy, the file a program was loaded from (checked
 * against its checksum again) or the bound device buffer. Call with the
 * program's lock held.
 */
vnpu_status vnpu_program_read_weights(vnpu_program *p, void *dst);

/*
 * Bind P, whose weights are shared, to DEV: a new arena only; the shared
 * weight buffer must be on DEV. Call with the program's lock held.
 */
vnpu_status vnpu_program_bind_shared(vnpu_program *p, vnpu_device *dev);

/* An empty program (lock initialized); NULL when out of memory. */
vnpu_program *vnpu_program_alloc(void);
/* Allocate P's state bindings (all unbound) for @info.states. */
vnpu_status vnpu_program_alloc_states(vnpu_program *p);
/*
 * Check that every state of P is bound to a buffer of DEV that holds it
 * (aligned, inside, not overlapping another state): INVALID_ARGUMENT
 * naming the state otherwise. Call with the program's lock held.
 */
vnpu_status vnpu_program_check_states(vnpu_program *p, vnpu_device *dev);
/* Drop the bound buffers' references and the binding table. */
void vnpu_program_states_free(vnpu_program *p);

/*
 * Check a position-independent stream: header, every packet as the
 * submit validator does, every operand inside its region (weights
 * read-only). REGION_BYTES[r] is the size of region r for r < NREGIONS
 * (index 0 unused; vnpu_program_regions() fills them). NULL or the
 * reason, with *BAD_OFF the packet's offset.
 */
const char *vnpu_prog_check_stream(const uint8_t *cmd, uint64_t size,
				   const uint64_t *region_bytes, uint32_t nregions,
				   uint64_t *bad_off);
/* The sizes of P's regions into BYTES (VNPU_PROG_MAX_REGIONS entries);
 * returns how many regions P has. */
uint32_t vnpu_program_regions(const vnpu_program *p, uint64_t *bytes);

/* The FLOPs and the device-memory bytes the packets of a (checked)
 * stream perform and move, at position offset 0 (vnpu_program_cost.c). */
void vnpu_prog_cost(const uint8_t *cmd, uint64_t size, uint64_t *flops,
		    uint64_t *bytes);

/* The byte offsets of the address fields of a packet of opcode OP in
 * OFFS (at most 4); returns how many. */
uint32_t vnpu_prog_addr_fields(uint32_t op, uint32_t *offs);

/* CRC-32 (IEEE, as zlib's) of LEN bytes, continuing from CRC (0 first). */
uint32_t vnpu_crc32(uint32_t crc, const void *data, size_t len);

/* A growing text buffer for the dumps. */
struct vnpu_strbuf {
	char *buf;
	size_t size, len;
};
void vnpu_strbuf_printf(struct vnpu_strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif /* VNPU_GRAPH_INTERNAL_H */
