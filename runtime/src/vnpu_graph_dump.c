// SPDX-License-Identifier: MIT
/*
 * Text and DOT dumps of graphs (before compilation) and programs (after:
 * buffers and packets). Written into the caller's buffer, snprintf-style,
 * since the library never prints on its own.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <drm/vnpu_cmd.h>

#include "vnpu_graph_internal.h"
#include "vnpu_internal.h"
#include "vnpu_rt_cmd.h"

void vnpu_strbuf_printf(struct vnpu_strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	size_t room = sb->len < sb->size ? sb->size - sb->len : 0;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(room ? sb->buf + sb->len : NULL, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		sb->len += (size_t)n;
}

static const char *const vnpu_kind_names[] = {
	[VNPU_GT_INPUT] = "input", [VNPU_GT_CONST] = "const", [VNPU_GT_NODE] = "",
};

static vnpu_status vnpu_dump_args(const void *obj, uint32_t format, char *buf,
				  size_t size, const char *call)
{
	if (!obj || (!buf && size) || format > VNPU_DUMP_DOT)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "%s: NULL object or buffer, or unknown format %u",
				     call, format);
	if (size)
		buf[0] = 0;
	return VNPU_STATUS_OK;
}

vnpu_status vnpu_graph_dump(const vnpu_graph *graph, uint32_t format, char *buf,
			    size_t size, size_t *needed)
{
	struct vnpu_strbuf sb = { .buf = buf, .size = size };
	vnpu_status st = vnpu_dump_args(graph, format, buf, size, "vnpu_graph_dump");
	char shape[64];
	uint32_t i, k;

	if (st)
		return st;
	if (format == VNPU_DUMP_DOT)
		vnpu_strbuf_printf(&sb, "digraph vnpu_graph {\n  rankdir=TB;\n");
	for (i = 0; i < graph->nt; i++) {
		const struct vnpu_gtensor *t = &graph->t[i];

		if (t->kind == VNPU_GT_NODE)
			continue;
		vnpu_shape_str(shape, sizeof(shape), t->dtype, t->rank, t->dims);
		if (format == VNPU_DUMP_DOT)
			vnpu_strbuf_printf(&sb, "  t%u [shape=%s,label=\"%s\\n%s\"];\n",
					   i + 1, t->kind == VNPU_GT_INPUT ? "box" : "note",
					   t->name, shape);
		else
			vnpu_strbuf_printf(&sb, "%%%u = %s '%s' %s\n", i + 1,
					   vnpu_kind_names[t->kind], t->name, shape);
	}
	for (i = 0; i < graph->nn; i++) {
		const struct vnpu_gnode *n = &graph->n[i];

		if (format == VNPU_DUMP_DOT) {
			vnpu_strbuf_printf(&sb, "  n%u [shape=ellipse,label=\"%u %s\\n%s\"];\n",
					   i, i, vnpu_gop_name(n->op), n->name);
			for (k = 0; k < n->nin; k++) {
				const struct vnpu_gtensor *t = vnpu_gt(graph, n->in[k]);

				if (!t)
					continue;
				vnpu_shape_str(shape, sizeof(shape), t->dtype, t->rank, t->dims);
				if (t->kind == VNPU_GT_NODE)
					vnpu_strbuf_printf(&sb, "  n%u -> n%u [label=\"%s\"];\n",
							   t->producer, i, shape);
				else
					vnpu_strbuf_printf(&sb, "  t%u -> n%u;\n", n->in[k], i);
			}
			continue;
		}
		vnpu_strbuf_printf(&sb, "node %u '%s': ", i, n->name);
		for (k = 0; k < n->nout; k++) {
			const struct vnpu_gtensor *t = &graph->t[n->out[k] - 1];

			vnpu_strbuf_printf(&sb, "%s%%%u %s", k ? ", " : "", n->out[k],
					   vnpu_shape_str(shape, sizeof(shape), t->dtype,
							  t->rank, t->dims));
			if (t->output)
				vnpu_strbuf_printf(&sb, " (output %u)", t->output - 1);
		}
		vnpu_strbuf_printf(&sb, " = %s(", vnpu_gop_name(n->op));
		for (k = 0; k < n->nin; k++)
			vnpu_strbuf_printf(&sb, k ? ", %%%u" : "%%%u", n->in[k]);
		vnpu_strbuf_printf(&sb, ")\n");
	}
	if (format == VNPU_DUMP_DOT) {
		for (i = 0; i < graph->noutputs; i++) {
			const struct vnpu_gtensor *t = &graph->t[graph->outputs[i] - 1];

			vnpu_strbuf_printf(&sb, "  out%u [shape=box,label=\"output %u\"];\n  n%u -> out%u;\n",
					   i, i, t->producer, i);
		}
		vnpu_strbuf_printf(&sb, "}\n");
	}
	if (needed)
		*needed = sb.len;
	return VNPU_STATUS_OK;
}

/* "W+0x40" / "A+0x100" for a program address. */
static const char *vnpu_dump_addr(char *b, size_t n, uint64_t a)
{
	uint64_t r = a >> VNPU_PROG_REGION_SHIFT;

	if (!a)
		return "-";
	snprintf(b, n, "%s+0x%llx", r == VNPU_PROG_WEIGHTS ? "W" : "A",
		 (unsigned long long)(a & ((1ull << VNPU_PROG_REGION_SHIFT) - 1)));
	return b;
}

vnpu_status vnpu_program_dump(const vnpu_program *program, uint32_t format,
			      char *buf, size_t size, size_t *needed)
{
	struct vnpu_strbuf sb = { .buf = buf, .size = size };
	vnpu_status st = vnpu_dump_args(program, format, buf, size, "vnpu_program_dump");
	const vnpu_program_info *pi;
	uint64_t off = sizeof(struct vnpu_cmd_stream_header);
	uint32_t i, idx = 0;

	if (st)
		return st;
	pi = &program->info;
	if (format == VNPU_DUMP_DOT)
		vnpu_strbuf_printf(&sb, "digraph vnpu_program {\n  rankdir=TB;\n");
	else
		vnpu_strbuf_printf(&sb, "weights W: %llu bytes, arena A: %llu bytes (peak live %llu), %u packets\n",
				   (unsigned long long)pi->weight_bytes,
				   (unsigned long long)pi->arena_bytes,
				   (unsigned long long)pi->peak_live_bytes, pi->packets);
	for (i = 0; format == VNPU_DUMP_TEXT && i < pi->inputs + pi->outputs; i++) {
		const struct vnpu_prog_io *io = &program->io[i];
		char shape[64];

		vnpu_strbuf_printf(&sb, "%s %u '%s' %s at A+0x%llx\n",
				   i < pi->inputs ? "input" : "output",
				   i < pi->inputs ? i : i - pi->inputs, io->name,
				   vnpu_shape_str(shape, sizeof(shape), io->dtype,
						  io->rank, io->dims),
				   (unsigned long long)io->offset);
	}
	while (off < pi->cmd_bytes) {
		struct vnpu_cmd_header h;
		uint32_t fields[4], nf, k;
		char ab[40];

		memcpy(&h, program->cmd + off, sizeof(h));
		nf = vnpu_prog_addr_fields(h.op, fields);
		if (format == VNPU_DUMP_DOT) {
			vnpu_strbuf_printf(&sb, "  p%u [shape=box,label=\"0x%llx %s\"];\n",
					   idx, (unsigned long long)off, vnpu_isa_op_name(h.op));
			if (idx)
				vnpu_strbuf_printf(&sb, "  p%u -> p%u;\n", idx - 1, idx);
		} else {
			vnpu_strbuf_printf(&sb, "0x%06llx %-10s", (unsigned long long)off,
					   vnpu_isa_op_name(h.op));
			for (k = 0; k < nf; k++) {
				uint64_t a;

				memcpy(&a, program->cmd + off + fields[k], 8);
				vnpu_strbuf_printf(&sb, " %s", vnpu_dump_addr(ab, sizeof(ab), a));
			}
			vnpu_strbuf_printf(&sb, "\n");
		}
		off += h.size;
		idx++;
	}
	if (format == VNPU_DUMP_DOT)
		vnpu_strbuf_printf(&sb, "}\n");
	if (needed)
		*needed = sb.len;
	return VNPU_STATUS_OK;
}
