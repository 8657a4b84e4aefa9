// SPDX-License-Identifier: MIT
/*
 * A program's states: what they are, the buffers the application binds
 * to them, and the checks a run makes before it rebases the stream's
 * state regions on those buffers.
 */
#include <stdlib.h>
#include <string.h>

#include "vnpu_graph_internal.h"
#include "vnpu_internal.h"

vnpu_status vnpu_program_alloc_states(vnpu_program *p)
{
	p->sbind = calloc(p->info.states ? p->info.states : 1, sizeof(*p->sbind));
	if (!p->sbind)
		return vnpu_rt_error(VNPU_STATUS_OUT_OF_MEMORY,
				     "vnpu_program: out of memory");
	return VNPU_STATUS_OK;
}

uint32_t vnpu_program_regions(const vnpu_program *p, uint64_t *bytes)
{
	uint32_t i;

	bytes[0] = 0;
	bytes[VNPU_PROG_WEIGHTS] = p->info.weight_bytes;
	bytes[VNPU_PROG_ARENA] = p->info.arena_bytes;
	for (i = 0; i < p->info.states; i++)
		bytes[VNPU_PROG_STATE0 + i] = p->states[i].bytes;
	return (uint32_t)VNPU_PROG_STATE0 + p->info.states;
}

vnpu_status vnpu_program_state(const vnpu_program *program, uint32_t index,
			       const char **name, vnpu_dtype *dtype,
			       uint32_t *rank, uint32_t *dims, uint64_t *bytes)
{
	const struct vnpu_prog_io *s;

	if (!program)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_program_state: program is NULL");
	if (index >= program->info.states)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_program_state: the program has %u states, not %u",
				     program->info.states, index + 1);
	s = &program->states[index];
	if (name)
		*name = s->name;
	if (dtype)
		*dtype = s->dtype;
	if (rank)
		*rank = s->rank;
	if (dims)
		memcpy(dims, s->dims, s->rank * sizeof(*dims));
	if (bytes)
		*bytes = s->bytes;
	return VNPU_STATUS_OK;
}

/* Whether BUF at OFFSET holds state S: NULL, or what is wrong. */
static const char *vnpu_state_fit(const struct vnpu_prog_io *s, vnpu_buffer *buf,
				  uint64_t offset)
{
	if (offset % VNPU_PROG_ALIGN)
		return "is misaligned (the offset must be a multiple of 64)";
	if (offset > buf->size || s->bytes > buf->size - offset)
		return "does not fit the buffer";
	return NULL;
}

vnpu_status vnpu_program_bind_state(vnpu_program *program, uint32_t index,
				    vnpu_buffer *buf, uint64_t offset)
{
	const struct vnpu_prog_io *s;
	vnpu_buffer *old;
	const char *why;

	if (!program)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_program_bind_state: program is NULL");
	if (index >= program->info.states)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_program_bind_state: the program has %u states, not %u",
				     program->info.states, index + 1);
	s = &program->states[index];
	why = buf ? vnpu_state_fit(s, buf, offset) : NULL;
	if (why)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_program_bind_state: state %u '%s' (%llu bytes) at offset %llu of a %llu-byte buffer %s",
				     index, s->name, (unsigned long long)s->bytes,
				     (unsigned long long)offset,
				     (unsigned long long)buf->size, why);
	/*
	 * The program holds a reference on the bound buffer, as a queued job
	 * does on the buffers it uses: freeing the application's handle while
	 * bound cannot pull the state's memory from under a later run.
	 */
	if (buf)
		vnpu_rt_buffer_ref(buf);
	pthread_mutex_lock(&program->lock);
	old = program->sbind[index].buf;
	program->sbind[index].buf = buf;
	program->sbind[index].offset = buf ? offset : 0;
	/* The bound stream holds the old address: build it again. */
	vnpu_cmdbuf_destroy(program->cb);
	program->cb = NULL;
	pthread_mutex_unlock(&program->lock);
	if (old)
		vnpu_rt_buffer_unref(old);
	return VNPU_STATUS_OK;
}

void vnpu_program_states_free(vnpu_program *p)
{
	uint32_t i;

	for (i = 0; p->sbind && i < p->info.states; i++)
		if (p->sbind[i].buf)
			vnpu_rt_buffer_unref(p->sbind[i].buf);
	free(p->sbind);
	p->sbind = NULL;
}

vnpu_status vnpu_program_check_states(vnpu_program *p, vnpu_device *dev)
{
	uint32_t i, j;

	for (i = 0; i < p->info.states; i++) {
		const struct vnpu_prog_bind *b = &p->sbind[i];
		const struct vnpu_prog_io *s = &p->states[i];
		const char *why = NULL;

		if (!b->buf)
			why = "is not bound (vnpu_program_bind_state())";
		else if (b->buf->dev != dev)
			why = "is bound to a buffer of another device than the stream's";
		else
			why = vnpu_state_fit(s, b->buf, b->offset);
		for (j = 0; j < i && !why; j++) {
			const struct vnpu_prog_bind *o = &p->sbind[j];

			if (o->buf == b->buf && o->offset < b->offset + s->bytes &&
			    b->offset < o->offset + p->states[j].bytes)
				why = "overlaps another state in its buffer";
		}
		if (why)
			return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
					     "vnpu_program_run: state %u '%s' %s", i, s->name, why);
	}
	return VNPU_STATUS_OK;
}
