// SPDX-License-Identifier: MIT
/*
 * vnpu_graph_compile(): options, the pass pipeline and turning the
 * compiler's state into a program. The passes are in vnpu_pass_*.c.
 */
#include <stdlib.h>
#include <string.h>

#include <drm/vnpu_cmd.h>

#include "vnpu_graph_internal.h"
#include "vnpu_internal.h"

static const char *const vnpu_gop_names[VNPU_GOP_COUNT] = {
	[VNPU_GOP_MATMUL] = "matmul", [VNPU_GOP_ADD] = "add",
	[VNPU_GOP_MUL] = "mul", [VNPU_GOP_SCALE] = "scale",
	[VNPU_GOP_RMSNORM] = "rmsnorm", [VNPU_GOP_LAYERNORM] = "layernorm",
	[VNPU_GOP_SOFTMAX] = "softmax", [VNPU_GOP_SILU] = "silu",
	[VNPU_GOP_GELU] = "gelu", [VNPU_GOP_SWIGLU] = "swiglu",
	[VNPU_GOP_ROPE] = "rope", [VNPU_GOP_ATTENTION] = "attention",
	[VNPU_GOP_GATHER] = "gather", [VNPU_GOP_RESHAPE] = "reshape",
	[VNPU_GOP_VIEW] = "view", [VNPU_GOP_TRANSPOSE] = "transpose",
	[VNPU_GOP_QUANTIZE] = "quantize", [VNPU_GOP_DEQUANTIZE] = "dequantize",
	[VNPU_GOP_COPY] = "copy", [VNPU_GOP_HADAMARD] = "hadamard",
	[VNPU_GOP_UNARY] = "unary",
	[VNPU_GOP_BINARY] = "binary", [VNPU_GOP_STRIDED] = "strided",
	[VNPU_GOP_CONCAT] = "concat", [VNPU_GOP_REDUCE] = "reduce",
	[VNPU_GOP_PAD] = "pad", [VNPU_GOP_PANEL] = "panel",
	[VNPU_GOP_MATMUL2] = "matmul2",
	[VNPU_GOP_QLINEAR] = "qlinear", [VNPU_GOP_DQLINEAR] = "dqlinear",
	[VNPU_GOP_COMPARE] = "compare", [VNPU_GOP_SELECT] = "select",
};

const char *vnpu_gop_name(uint32_t op)
{
	return op < VNPU_GOP_COUNT && vnpu_gop_names[op] ? vnpu_gop_names[op] : "?";
}

void vnpu_compile_options_init(vnpu_compile_options *opts)
{
	if (!opts)
		return;
	memset(opts, 0, sizeof(*opts));
	opts->weight_format = VNPU_DTYPE_MXFP4;
	opts->act_quant = VNPU_ACT_QUANT_NONE;
	opts->keep = VNPU_KEEP_DEFAULT;
	opts->scale_method = VNPU_SCALE_RTN;
	opts->fuse = 1;
}

static vnpu_status vnpu_compile_check_options(const vnpu_compile_options *o)
{
	switch (o->weight_format) {
	case VNPU_DTYPE_MXFP4: case VNPU_DTYPE_NVFP4: case VNPU_DTYPE_MXFP8:
	case VNPU_DTYPE_MXFP8_E5M2: case VNPU_DTYPE_BF16: case VNPU_DTYPE_FP32:
		break;
	default:
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_graph_compile: weight_format %u is not mxfp4, nvfp4, mxfp8, mxfp8_e5m2, bf16 or fp32",
				     o->weight_format);
	}
	if (o->act_quant > VNPU_ACT_QUANT_MXFP8_E5M2)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_graph_compile: unknown act_quant %u", o->act_quant);
	if (o->keep & ~VNPU_KEEP_DEFAULT)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_graph_compile: unknown keep flags 0x%x", o->keep);
	if (o->scale_method > VNPU_SCALE_MSE)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_graph_compile: unknown scale_method %u",
				     o->scale_method);
	if (o->hadamard > 4096 || (o->hadamard & (o->hadamard - 1)))
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_graph_compile: hadamard %u is not 0 (off), 1 (automatic blocks) or a power of two block up to 4096",
				     o->hadamard);
	return VNPU_STATUS_OK;
}

uint64_t vnpu_gc_addr(const struct vnpu_gc *c, vnpu_tensor t)
{
	if (!t)
		return 0;
	return VNPU_PROG_ADDR(c->t[t - 1].region, c->t[t - 1].offset);
}

/* Fill PROG's inputs, outputs, weights, stream and info from C. */
static vnpu_status vnpu_compile_finish(struct vnpu_gc *c, vnpu_program *p)
{
	const vnpu_graph *g = c->g;
	uint32_t i, nio = g->ninputs + g->noutputs, nreg;
	uint64_t bad, regions[VNPU_PROG_MAX_REGIONS];
	const char *why;

	p->io = calloc(nio ? nio : 1, sizeof(*p->io));
	p->states = calloc(g->nstates ? g->nstates : 1, sizeof(*p->states));
	p->info.states = g->nstates;
	if (!p->io || !p->states || vnpu_program_alloc_states(p))
		return vnpu_rt_error(VNPU_STATUS_OUT_OF_MEMORY,
				     "vnpu_graph_compile: out of memory");
	for (i = 0; i < g->nt; i++) {
		const struct vnpu_gtensor *t = &g->t[i];
		struct vnpu_prog_io *io;

		if (t->kind == VNPU_GT_INPUT)
			io = &p->io[t->index];
		else if (t->kind == VNPU_GT_STATE)
			io = &p->states[t->index];
		else if (t->output)
			io = &p->io[g->ninputs + t->output - 1];
		else
			continue;
		io->dtype = t->dtype;
		io->rank = t->rank;
		memcpy(io->dims, t->dims, sizeof(io->dims));
		io->offset = t->kind == VNPU_GT_STATE ? 0 : c->t[i].offset;
		io->bytes = vnpu_gt_bytes(t);
		memcpy(io->name, t->name, sizeof(io->name));
	}
	p->weights = c->weights;
	c->weights = NULL;
	p->cmd = c->cmd;
	c->cmd = NULL;
	p->info.inputs = g->ninputs;
	p->info.outputs = g->noutputs;
	p->info.nodes = g->nn;
	p->info.fused = c->fused;
	p->info.inplace = c->inplace;
	p->info.packets = c->packets;
	p->info.cmd_bytes = c->cmd_bytes;
	p->info.weight_bytes = c->weight_bytes;
	p->info.arena_bytes = c->arena_bytes;
	p->info.peak_device_bytes = c->weight_bytes + c->arena_bytes;
	p->info.peak_live_bytes = c->peak_live;
	p->info.pos_patches = c->npatches;
	p->info.max_pos_offset = c->max_pos;
	p->patches = c->patches;
	c->patches = NULL;
	vnpu_prog_cost(p->cmd, p->info.cmd_bytes, &p->info.flops, &p->info.bytes);
	/* What the loader accepts, the compiler must produce. */
	nreg = vnpu_program_regions(p, regions);
	why = vnpu_prog_check_stream(p->cmd, p->info.cmd_bytes, regions, nreg, &bad);
	if (why)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_graph_compile: internal error: packet at 0x%llx: %s",
				     (unsigned long long)bad, why);
	return VNPU_STATUS_OK;
}

vnpu_status vnpu_graph_compile(const vnpu_graph *graph, vnpu_device *device,
			       const vnpu_compile_options *opts,
			       vnpu_program **program)
{
	static vnpu_status (*const passes[])(struct vnpu_gc *) = {
		vnpu_pass_validate, vnpu_pass_fuse, vnpu_pass_precision,
		vnpu_pass_quantize, vnpu_pass_memplan, vnpu_pass_emit,
	};
	struct vnpu_gc c = { 0 };
	vnpu_program *p = NULL;
	vnpu_status st;
	size_t i;

	if (!graph || !program)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_graph_compile: graph or program is NULL");
	*program = NULL;
	if (opts)
		c.o = *opts;
	else
		vnpu_compile_options_init(&c.o);
	st = vnpu_compile_check_options(&c.o);
	if (st)
		return st;
	if (c.o.hadamard) {
		/* Compile the rotated copy of the graph instead. */
		vnpu_graph *rg;

		st = vnpu_hadamard_rewrite(graph, c.o.hadamard, &rg);
		if (st)
			return st;
		c.o.hadamard = 0;
		st = vnpu_graph_compile(rg, device, &c.o, program);
		vnpu_graph_destroy(rg);
		return st;
	}
	c.g = graph;
	c.max_cmd = device ? device->info.max_cmd_size : VNPU_RT_MAX_CMD;
	c.t = calloc(graph->nt ? graph->nt : 1, sizeof(*c.t));
	c.n = calloc(graph->nn ? graph->nn : 1, sizeof(*c.n));
	p = vnpu_program_alloc();
	if (!c.t || !c.n || !p) {
		st = vnpu_rt_error(VNPU_STATUS_OUT_OF_MEMORY,
				   "vnpu_graph_compile: out of memory");
		goto out;
	}
	for (i = 0; i < sizeof(passes) / sizeof(passes[0]) && !st; i++)
		st = passes[i](&c);
	if (!st)
		st = vnpu_compile_finish(&c, p);
out:
	free(c.t);
	free(c.n);
	free(c.weights);
	free(c.cmd);
	free(c.patches);
	if (st)
		vnpu_program_destroy(p);
	else
		*program = p;
	return st;
}
