// SPDX-License-Identifier: MIT
/*
 * Weight sharing between programs: one device weight buffer, reference
 * counted (the buffer's own count), used by every program sharing it.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vnpu_graph_internal.h"
#include "vnpu_internal.h"

vnpu_status vnpu_program_bind_shared(vnpu_program *p, vnpu_device *dev)
{
	vnpu_buffer *abuf = NULL;
	vnpu_status st;

	if (p->wbuf->dev != dev)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_program_run: the program shares weights that live on device '%s', not on the stream's device '%s'",
				     p->wbuf->dev->info.name, dev->info.name);
	st = vnpu_buffer_alloc(dev, p->info.arena_bytes ? p->info.arena_bytes : 1, &abuf);
	if (st)
		return st;
	vnpu_cmdbuf_destroy(p->cb);
	vnpu_buffer_free(p->abuf);
	p->cb = NULL;
	p->abuf = abuf;
	p->dev = dev;
	return VNPU_STATUS_OK;
}

/* Compare P's packed weights with the LEN bytes at REF: 0 equal, 1 not,
 * -1 error (status in *ST). At most one chunk is read at a time. */
static int weights_differ(vnpu_program *p, const uint8_t *ref, uint64_t len,
			  uint64_t *at, vnpu_status *st)
{
	const uint8_t *mine = p->weights;
	uint8_t *tmp = NULL;
	void *map;
	uint64_t i;

	*st = VNPU_STATUS_OK;
	if (!mine && p->wbuf) {
		*st = vnpu_buffer_map(p->wbuf, &map);
		mine = map;
	} else if (!mine) {
		/* A loaded program's weights are still in its file. */
		tmp = malloc(len ? len : 1);
		if (!tmp) {
			*st = vnpu_rt_error(VNPU_STATUS_OUT_OF_MEMORY,
					    "vnpu_program_share_weights: out of memory");
			return -1;
		}
		*st = vnpu_program_read_weights(p, tmp);
		mine = tmp;
	}
	if (*st) {
		free(tmp);
		return -1;
	}
	for (i = 0; i < len && mine[i] == ref[i]; i++)
		;
	free(tmp);
	*at = i;
	return i < len;
}

vnpu_status vnpu_program_share_weights(vnpu_program *program, vnpu_program *source)
{
	vnpu_program *first, *second;
	vnpu_status st = VNPU_STATUS_OK;
	uint64_t at = 0;
	void *ref;

	if (!program || !source || program == source)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_program_share_weights: program or source is NULL, or they are the same program");
	/* Both locks, in a fixed order so that two calls cannot deadlock. */
	first = program < source ? program : source;
	second = program < source ? source : program;
	pthread_mutex_lock(&first->lock);
	pthread_mutex_lock(&second->lock);
	if (program->info.weight_bytes != source->info.weight_bytes) {
		st = vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				   "vnpu_program_share_weights: the weight sections' sizes differ (%llu and %llu bytes)",
				   (unsigned long long)program->info.weight_bytes,
				   (unsigned long long)source->info.weight_bytes);
		goto out;
	}
	if (!source->wbuf) {
		st = vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				   "vnpu_program_share_weights: the source has no device weights yet (run it once first)");
		goto out;
	}
	if (program->wbuf == source->wbuf)
		goto out;
	st = vnpu_buffer_map(source->wbuf, &ref);
	if (st)
		goto out;
	switch (weights_differ(program, ref, source->info.weight_bytes, &at, &st)) {
	case -1:
		goto out;
	case 1:
		st = vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				   "vnpu_program_share_weights: the weight sections' contents differ (first at byte %llu)",
				   (unsigned long long)at);
		goto out;
	}
	/* Drop the own binding and copies; keep a reference to the source's. */
	vnpu_cmdbuf_destroy(program->cb);
	vnpu_buffer_free(program->wbuf);
	vnpu_buffer_free(program->abuf);
	program->cb = NULL;
	program->abuf = NULL;
	program->dev = NULL;
	vnpu_rt_buffer_ref(source->wbuf);
	program->wbuf = source->wbuf;
	program->wshared = 1;
	free(program->weights);
	program->weights = NULL;
	if (program->wfd >= 0)
		close(program->wfd);
	program->wfd = -1;
out:
	pthread_mutex_unlock(&second->lock);
	pthread_mutex_unlock(&first->lock);
	return st;
}
