// SPDX-License-Identifier: MIT
/*
 * Programs: lifetime, queries, and running. Running binds the program to
 * the stream's device once (two buffers: weights uploaded then, and the
 * arena; a command buffer whose addresses are rebased on them and on the
 * state buffers the application bound) and then per run writes the
 * inputs into the arena, submits, syncs and reads the outputs. The same bytes run on the card and on the CPU backend, which
 * is what makes their results identical.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <drm/vnpu_cmd.h>

#include "vnpu_graph_internal.h"
#include "vnpu_internal.h"

vnpu_program *vnpu_program_alloc(void)
{
	vnpu_program *p = calloc(1, sizeof(*p));

	if (p) {
		pthread_mutex_init(&p->lock, NULL);
		p->wfd = -1;
	}
	return p;
}

static void vnpu_program_unbind(vnpu_program *p)
{
	vnpu_cmdbuf_destroy(p->cb);
	vnpu_buffer_free(p->wbuf);
	vnpu_buffer_free(p->abuf);
	p->cb = NULL;
	p->wbuf = p->abuf = NULL;
	p->dev = NULL;
}

void vnpu_program_destroy(vnpu_program *program)
{
	if (!program)
		return;
	vnpu_program_unbind(program);
	pthread_mutex_destroy(&program->lock);
	free(program->io);
	free(program->states);
	vnpu_program_states_free(program);
	free(program->patches);
	free(program->weights);
	if (program->wfd >= 0)
		close(program->wfd);
	free(program->cmd);
	free(program);
}

vnpu_status vnpu_program_info_get(const vnpu_program *program,
				  vnpu_program_info *info)
{
	if (!program || !info)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_program_info_get: program or info is NULL");
	*info = program->info;
	return VNPU_STATUS_OK;
}

vnpu_status vnpu_program_io(const vnpu_program *program, int is_output,
			    uint32_t index, vnpu_dtype *dtype, uint32_t *rank,
			    uint32_t *dims, uint64_t *bytes)
{
	const struct vnpu_prog_io *io;
	uint32_t count;

	if (!program)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_program_io: program is NULL");
	count = is_output ? program->info.outputs : program->info.inputs;
	if (index >= count)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_program_io: the program has %u %s, not %u",
				     count, is_output ? "outputs" : "inputs", index + 1);
	io = &program->io[(is_output ? program->info.inputs : 0) + index];
	if (dtype)
		*dtype = io->dtype;
	if (rank)
		*rank = io->rank;
	if (dims)
		memcpy(dims, io->dims, io->rank * sizeof(*dims));
	if (bytes)
		*bytes = io->bytes;
	return VNPU_STATUS_OK;
}

/* Read the weights from the loaded file into DST, a chunk at a time,
 * checking them against the file's checksum again (the file may have
 * changed since the load). */
static vnpu_status vnpu_program_read_file(vnpu_program *p, uint8_t *dst)
{
	uint64_t off = 0, len = p->info.weight_bytes;
	uint32_t crc = 0;

	while (off < len) {
		size_t want = len - off > (1u << 20) ? 1u << 20 : (size_t)(len - off);
		ssize_t n = pread(p->wfd, dst + off, want, (off_t)(p->woff + off));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return vnpu_rt_error(VNPU_STATUS_IO_ERROR,
					     "vnpu_program: reading the weights from the program file: %s",
					     n < 0 ? strerror(errno) : "the file shrank");
		crc = vnpu_crc32(crc, dst + off, (size_t)n);
		off += (uint64_t)n;
	}
	if (crc != p->wcrc)
		return vnpu_rt_error(VNPU_STATUS_IO_ERROR,
				     "vnpu_program: the program file's weights changed since it was loaded");
	return VNPU_STATUS_OK;
}

vnpu_status vnpu_program_read_weights(vnpu_program *p, void *dst)
{
	void *map;
	vnpu_status st;

	if (!p->info.weight_bytes)
		return VNPU_STATUS_OK;
	if (p->weights) {
		memcpy(dst, p->weights, p->info.weight_bytes);
		return VNPU_STATUS_OK;
	}
	if (p->wfd >= 0)
		return vnpu_program_read_file(p, dst);
	st = vnpu_buffer_map(p->wbuf, &map);
	if (!st)
		memcpy(dst, map, p->info.weight_bytes);
	return st;
}

/* The device address of each region of P (index: the region). */
static void vnpu_program_bases(const vnpu_program *p, uint64_t *base)
{
	uint32_t i;

	memset(base, 0, VNPU_PROG_MAX_REGIONS * sizeof(*base));
	base[VNPU_PROG_WEIGHTS] = vnpu_buffer_va(p->wbuf);
	base[VNPU_PROG_ARENA] = vnpu_buffer_va(p->abuf);
	for (i = 0; i < p->info.states; i++)
		base[VNPU_PROG_STATE0 + i] = vnpu_buffer_va(p->sbind[i].buf) +
					     p->sbind[i].offset;
}

/* Rebase the addresses of packet PKT (region, offset) on BASE. */
static void vnpu_program_rebase(const uint64_t *base, uint8_t *pkt)
{
	struct vnpu_cmd_header h;
	uint32_t fields[4], nf, i;

	memcpy(&h, pkt, sizeof(h));
	nf = vnpu_prog_addr_fields(h.op, fields);
	for (i = 0; i < nf; i++) {
		uint64_t a;

		memcpy(&a, pkt + fields[i], 8);
		if (a)
			a = base[a >> VNPU_PROG_REGION_SHIFT] +
			    (a & ((1ull << VNPU_PROG_REGION_SHIFT) - 1));
		memcpy(pkt + fields[i], &a, 8);
	}
}

/*
 * Append the position-independent stream CMD of SIZE bytes to CB with its
 * addresses rebased on P's buffers and bound states, and list them.
 */
static vnpu_status vnpu_program_cmdbuf(vnpu_program *p, const uint8_t *cmd,
				       uint64_t size, vnpu_cmdbuf *cb)
{
	uint64_t base[VNPU_PROG_MAX_REGIONS];
	uint64_t off = sizeof(struct vnpu_cmd_stream_header);
	vnpu_status st = VNPU_STATUS_OK;
	uint32_t i;

	vnpu_program_bases(p, base);
	while (!st && off < size) {
		_Alignas(8) uint8_t pkt[256];
		struct vnpu_cmd_header h;

		memcpy(&h, cmd + off, sizeof(h));
		memcpy(pkt, cmd + off, h.size);
		vnpu_program_rebase(base, pkt);
		st = vnpu_cmdbuf_append(cb, pkt, h.size, NULL);
		off += h.size;
	}
	/* The weights are only read: list them so. */
	if (!st)
		st = vnpu_cmdbuf_use(cb, p->abuf, VNPU_ACCESS_READ | VNPU_ACCESS_WRITE);
	if (!st)
		st = vnpu_cmdbuf_use(cb, p->wbuf, VNPU_ACCESS_READ);
	for (i = 0; i < p->info.states && !st; i++)
		st = vnpu_cmdbuf_use(cb, p->sbind[i].buf,
				     VNPU_ACCESS_READ | VNPU_ACCESS_WRITE);
	return st;
}

/* Build the bound command stream (after binding, or a state rebinding). */
static vnpu_status vnpu_program_build_cb(vnpu_program *p)
{
	vnpu_status st;

	if (p->cb)
		return VNPU_STATUS_OK;
	st = vnpu_cmdbuf_create(p->dev, &p->cb);
	p->cb_pos = 0;	/* the stream as compiled: position offset 0 */
	if (!st)
		st = vnpu_program_cmdbuf(p, p->cmd, p->info.cmd_bytes, p->cb);
	if (st) {
		vnpu_cmdbuf_destroy(p->cb);
		p->cb = NULL;
	}
	return st;
}

/*
 * Allocate the program's buffers on DEV, upload the weights and rebase
 * the stream into a command buffer. The old binding (if any) is released
 * only after the weights were copied out of it.
 */
static vnpu_status vnpu_program_bind(vnpu_program *p, vnpu_device *dev)
{
	vnpu_buffer *wbuf = NULL, *abuf = NULL;
	vnpu_status st;
	void *map;

	if (p->wshared)
		return vnpu_program_bind_shared(p, dev);
	/* A buffer is never empty: an empty region still gets a page. */
	st = vnpu_buffer_alloc(dev, p->info.weight_bytes ? p->info.weight_bytes : 1, &wbuf);
	if (!st)
		st = vnpu_buffer_alloc(dev, p->info.arena_bytes ? p->info.arena_bytes : 1,
				       &abuf);
	/* Straight into the device buffer's mapping: no staging copy. */
	if (!st)
		st = vnpu_buffer_map(wbuf, &map);
	if (!st)
		st = vnpu_program_read_weights(p, map);
	if (st) {
		vnpu_buffer_free(wbuf);
		vnpu_buffer_free(abuf);
		return st;
	}
	vnpu_program_unbind(p);
	p->dev = dev;
	p->wbuf = wbuf;
	p->abuf = abuf;
	/* The device holds the weights now: no second host copy. */
	free(p->weights);
	p->weights = NULL;
	if (p->wfd >= 0)
		close(p->wfd);
	p->wfd = -1;
	return VNPU_STATUS_OK;
}

/*
 * The packet of position patch PP moved to position offset POS, checked
 * like a loaded stream (the patch fits the packet and does not overflow,
 * every operand inside its region) and rebased on BASE, into PKT; its
 * size, or 0 with *WHY set.
 */
static uint32_t vnpu_program_patched(const vnpu_program *p,
				     const struct vnpu_prog_patch *pp, uint32_t pos,
				     const uint64_t *regions, uint32_t nreg,
				     const uint64_t *base, uint8_t *pkt,
				     const char **why)
{
	enum { HDR = sizeof(struct vnpu_cmd_stream_header) };
	_Alignas(8) uint8_t one[HDR + 256];
	struct vnpu_prog_patch at = *pp;
	struct vnpu_cmd_header h;
	uint64_t bad;

	*why = "a position patch lies outside the stream";
	if (pp->off < HDR || pp->off > p->info.cmd_bytes - sizeof(h))
		return 0;
	memcpy(&h, p->cmd + pp->off, sizeof(h));
	if (h.size < sizeof(h) || h.size > 256 || h.size > p->info.cmd_bytes - pp->off)
		return 0;
	/* a stream of this one packet, as compiled (position offset 0) */
	memcpy(one, p->cmd, HDR);
	memcpy(one + HDR, p->cmd + pp->off, h.size);
	at.off = HDR;
	*why = vnpu_prog_apply_patches(one, HDR + h.size, &at, 1, pos);
	if (!*why)
		*why = vnpu_prog_check_stream(one, HDR + h.size, regions, nreg, &bad);
	if (*why)
		return 0;
	vnpu_program_rebase(base, one + HDR);
	memcpy(pkt, one + HDR, h.size);
	return h.size;
}

/*
 * Point the bound command buffer at position offset POS: the packets the
 * position patches name are re-derived from the compiled stream, checked
 * and written over their bound copies (nothing else depends on the
 * position, and the buffers it names stay the same). All are checked
 * before any is written, so a refused offset leaves the buffer as it was.
 * Per decode step this touches a few packets per layer instead of
 * rebuilding and re-checking the whole stream.
 */
static vnpu_status vnpu_program_cmdbuf_at(vnpu_program *p, uint32_t pos)
{
	uint64_t base[VNPU_PROG_MAX_REGIONS], regions[VNPU_PROG_MAX_REGIONS];
	_Alignas(8) uint8_t pkt[256];
	const char *why = NULL;
	uint32_t nreg, i, size;

	if (pos == p->cb_pos || !p->info.pos_patches)
		return VNPU_STATUS_OK;
	nreg = vnpu_program_regions(p, regions);
	vnpu_program_bases(p, base);
	for (i = 0; i < p->info.pos_patches; i++)
		if (!vnpu_program_patched(p, &p->patches[i], pos, regions, nreg,
					  base, pkt, &why))
			return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
					     "vnpu_program_run_at: position offset %u: %s",
					     pos, why);
	for (i = 0; i < p->info.pos_patches; i++) {
		size = vnpu_program_patched(p, &p->patches[i], pos, regions, nreg,
					    base, pkt, &why);
		vnpu_rt_cmdbuf_overwrite(p->cb, p->patches[i].off, pkt, size);
	}
	p->cb_pos = pos;
	return VNPU_STATUS_OK;
}

vnpu_status vnpu_program_run_at(vnpu_stream *stream, vnpu_program *program,
				uint32_t pos_offset, const void *const *inputs,
				void *const *outputs)
{
	const vnpu_program_info *pi;
	vnpu_status st = VNPU_STATUS_OK;
	uint32_t i;

	if (!stream || !program || (program->info.inputs && !inputs) ||
	    (program->info.outputs && !outputs))
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_program_run: stream, program, inputs or outputs is NULL");
	pi = &program->info;
	if (pos_offset > pi->max_pos_offset)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_program_run_at: position offset %u exceeds %u (the KV cache's rows)",
				     pos_offset, pi->max_pos_offset);
	for (i = 0; i < pi->inputs; i++)
		if (!inputs[i])
			return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
					     "vnpu_program_run: input %u '%s' is NULL", i,
					     program->io[i].name);
	for (i = 0; i < pi->outputs; i++)
		if (!outputs[i])
			return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
					     "vnpu_program_run: output %u '%s' is NULL", i,
					     program->io[pi->inputs + i].name);
	pthread_mutex_lock(&program->lock);
	st = vnpu_program_check_states(program, stream->dev);
	if (!st && program->dev != stream->dev)
		st = vnpu_program_bind(program, stream->dev);
	if (!st)
		st = vnpu_program_build_cb(program);
	if (!st)
		st = vnpu_program_cmdbuf_at(program, pos_offset);
	for (i = 0; i < pi->inputs && !st; i++)
		st = vnpu_buffer_write(program->abuf, program->io[i].offset, inputs[i],
				       program->io[i].bytes);
	if (!st)
		st = vnpu_rt_run_cmdbuf(stream, program->cb);
	for (i = 0; i < pi->outputs && !st; i++) {
		const struct vnpu_prog_io *io = &program->io[pi->inputs + i];

		st = vnpu_buffer_read(program->abuf, io->offset, outputs[i], io->bytes);
	}
	pthread_mutex_unlock(&program->lock);
	return st;
}

vnpu_status vnpu_program_run(vnpu_stream *stream, vnpu_program *program,
			     const void *const *inputs, void *const *outputs)
{
	return vnpu_program_run_at(stream, program, 0, inputs, outputs);
}
