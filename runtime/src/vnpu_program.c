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

/*
 * Append the position-independent stream CMD of SIZE bytes to CB with its
 * addresses rebased on P's buffers and bound states, and list them.
 */
static vnpu_status vnpu_program_cmdbuf(vnpu_program *p, const uint8_t *cmd,
				       uint64_t size, vnpu_cmdbuf *cb)
{
	uint64_t base[VNPU_PROG_MAX_REGIONS] = { 0 };
	uint64_t off = sizeof(struct vnpu_cmd_stream_header);
	vnpu_status st = VNPU_STATUS_OK;
	uint32_t i;

	base[VNPU_PROG_WEIGHTS] = vnpu_buffer_va(p->wbuf);
	base[VNPU_PROG_ARENA] = vnpu_buffer_va(p->abuf);
	for (i = 0; i < p->info.states; i++)
		base[VNPU_PROG_STATE0 + i] = vnpu_buffer_va(p->sbind[i].buf) +
					     p->sbind[i].offset;
	while (!st && off < size) {
		_Alignas(8) uint8_t pkt[256];
		struct vnpu_cmd_header h;
		uint32_t fields[4], nf;

		memcpy(&h, cmd + off, sizeof(h));
		memcpy(pkt, cmd + off, h.size);
		nf = vnpu_prog_addr_fields(h.op, fields);
		for (i = 0; i < nf; i++) {
			uint64_t a;

			memcpy(&a, pkt + fields[i], 8);
			if (a)
				a = base[a >> VNPU_PROG_REGION_SHIFT] +
				    (a & ((1ull << VNPU_PROG_REGION_SHIFT) - 1));
			memcpy(pkt + fields[i], &a, 8);
		}
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
 * The command buffer of a run at POS_OFFSET: the bound one, or (when the
 * program has position-dependent fields) a patched, re-checked copy in
 * *TMP that the caller destroys.
 */
static vnpu_status vnpu_program_cmdbuf_at(vnpu_program *p, uint32_t pos,
					  vnpu_cmdbuf **cb, vnpu_cmdbuf **tmp)
{
	uint64_t bad, regions[VNPU_PROG_MAX_REGIONS];
	const char *why;
	vnpu_status st;
	uint32_t nreg;
	uint8_t *cmd;

	*tmp = NULL;
	*cb = p->cb;
	if (!pos || !p->info.pos_patches)
		return VNPU_STATUS_OK;
	cmd = malloc(p->info.cmd_bytes);
	if (!cmd)
		return vnpu_rt_error(VNPU_STATUS_OUT_OF_MEMORY,
				     "vnpu_program_run_at: out of memory");
	memcpy(cmd, p->cmd, p->info.cmd_bytes);
	why = vnpu_prog_apply_patches(cmd, p->info.cmd_bytes, p->patches,
				      p->info.pos_patches, pos);
	nreg = vnpu_program_regions(p, regions);
	if (!why)
		why = vnpu_prog_check_stream(cmd, p->info.cmd_bytes, regions, nreg, &bad);
	if (why) {
		free(cmd);
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_program_run_at: position offset %u: %s", pos, why);
	}
	st = vnpu_cmdbuf_create(p->dev, tmp);
	if (!st)
		st = vnpu_program_cmdbuf(p, cmd, p->info.cmd_bytes, *tmp);
	free(cmd);
	if (st) {
		vnpu_cmdbuf_destroy(*tmp);
		*tmp = NULL;
	}
	*cb = *tmp;
	return st;
}

vnpu_status vnpu_program_run_at(vnpu_stream *stream, vnpu_program *program,
				uint32_t pos_offset, const void *const *inputs,
				void *const *outputs)
{
	const vnpu_program_info *pi;
	vnpu_status st = VNPU_STATUS_OK;
	vnpu_cmdbuf *cb = NULL, *tmp = NULL;
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
		st = vnpu_program_cmdbuf_at(program, pos_offset, &cb, &tmp);
	for (i = 0; i < pi->inputs && !st; i++)
		st = vnpu_buffer_write(program->abuf, program->io[i].offset, inputs[i],
				       program->io[i].bytes);
	if (!st)
		st = vnpu_stream_submit_cmdbuf(stream, cb, NULL);
	vnpu_cmdbuf_destroy(tmp);
	if (!st)
		st = vnpu_stream_sync(stream);
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
