// SPDX-License-Identifier: MIT
/*
 * Loading a model: config.json and model.safetensors (the tensors read
 * and checked by vnpu_model_weights.c), the weight format of a
 * pre-quantized file settled, the KV caches allocated on the device, then
 * the decode program compiled. Running it:
 * vnpu_model_run.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>

#include "../vnpu_internal.h"
#include "vnpu_model_internal.h"

void vnpu_model_options_init(vnpu_model_options *opts)
{
	memset(opts, 0, sizeof(*opts));
	vnpu_compile_options_init(&opts->compile);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Compile the graph of S tokens into *P (replacing what it held). */
static vnpu_status compile(struct vnpu_model *m, uint32_t s, int last_only,
			   const char *stage, vnpu_program **p)
{
	vnpu_graph *g;
	vnpu_program *np;
	vnpu_status st;
	double t0 = now_s();

	if (m->opts.progress)
		m->opts.progress(m->opts.progress_user, stage, 0, 1);
	st = vnpu_model_build(m, s, last_only, &g);
	if (st)
		return st;
	st = vnpu_graph_compile(g, m->dev, &m->opts.compile, &np);
	vnpu_graph_destroy(g);
	if (!st)
		st = vnpu_model_bind(m, np);
	if (st) {
		vnpu_program_destroy(np);
		return st;
	}
	vnpu_program_destroy(*p);
	*p = np;
	m->compile_s += now_s() - t0;
	if (m->opts.progress)
		m->opts.progress(m->opts.progress_user, stage, 1, 1);
	return VNPU_STATUS_OK;
}

/*
 * Let the kernel drop the file's pages once both programs are compiled:
 * they hold packed copies, and a later compile reads the pages again.
 */
static void release_file(struct vnpu_model *m)
{
	if (m->st && m->st->map)
		madvise(m->st->map, m->st->map_size, MADV_DONTNEED);
}

vnpu_status vnpu_model_prepare_prefill(vnpu_model *m, uint32_t n, int last_only)
{
	vnpu_status st;

	if (!m || !n || n > m->ctx)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "model: prompt of %u tokens (1..%u, the context)",
				     n, m ? m->ctx : 0);
	if (m->prefill && m->prefill_len == n &&
	    m->prefill_last_only == !!last_only)
		return VNPU_STATUS_OK;
	/* Drop the old one first: two programs' weights at once is enough */
	vnpu_program_destroy(m->prefill);
	m->prefill = NULL;
	st = compile(m, n, !!last_only, "compile prefill", &m->prefill);
	if (st)
		return st;
	/* Both graphs pack the same constants in the same order: the prefill
	 * program uses the decode program's device weights (one copy). When
	 * decode has not run (COMPILE_ONLY: not tried, as a refusal would
	 * log an error), or the sections were to differ, prefill keeps its
	 * own copy: sharing is only a saving. */
	m->weights_shared = !(m->opts.flags & VNPU_MODEL_COMPILE_ONLY) &&
			    !vnpu_program_share_weights(m->prefill, m->decode);
	m->prefill_len = n;
	m->prefill_last_only = !!last_only;
	release_file(m);
	return VNPU_STATUS_OK;
}

vnpu_status vnpu_model_bind(struct vnpu_model *m, vnpu_program *p)
{
	vnpu_program_info pi;
	vnpu_status st = vnpu_program_info_get(p, &pi);

	if (!st && pi.states != 2 * m->cfg.n_layers)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "model: program has %u states, expected %u",
				     pi.states, 2 * m->cfg.n_layers);
	for (uint32_t i = 0; i < pi.states && !st; i++)
		st = vnpu_program_bind_state(p, i, m->cache, i * m->state_stride);
	return st;
}

/*
 * The weight format of a pre-quantized file: the file's (with
 * VNPU_MODEL_FILE_FORMAT), or the one asked for if it is the same.
 * Anything else would re-quantize the weights (or dequantize them, which
 * gains no accuracy), so it is refused naming both.
 */
static vnpu_status weight_format(struct vnpu_model *m, const char *file)
{
	vnpu_compile_options *o = &m->opts.compile;
	uint32_t q = m->cfg.weight_quant;

	if (!q)
		return VNPU_STATUS_OK;
	if (m->opts.flags & VNPU_MODEL_FILE_FORMAT)
		o->weight_format = q;
	if (o->weight_format != q)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "%s: the weights are pre-quantized to %s, the requested weight format is %s (re-quantizing them would compound the error: ask for %s, or load an unquantized model)",
				     file, vnpu_dtype_name(q), vnpu_dtype_name(o->weight_format),
				     vnpu_dtype_name(q));
	if (o->hadamard)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "%s: the weights are pre-quantized to %s: they cannot be Hadamard-rotated",
				     file, vnpu_dtype_name(q));
	return VNPU_STATUS_OK;
}

static vnpu_status model_paths(const char *path, char **cfg, char **st)
{
	struct stat sb;
	const char *slash;
	int dir;

	if (stat(path, &sb))
		return vnpu_rt_error(VNPU_STATUS_NOT_FOUND, "%s: %s", path, strerror(errno));
	dir = S_ISDIR(sb.st_mode);
	slash = strrchr(path, '/');
	if (dir) {
		if (asprintf(cfg, "%s/config.json", path) < 0)
			*cfg = NULL;
		if (asprintf(st, "%s/model.safetensors", path) < 0)
			*st = NULL;
	} else {
		int len = slash ? (int)(slash - path) : 1;

		if (asprintf(cfg, "%.*s/config.json", len, slash ? path : ".") < 0)
			*cfg = NULL;
		*st = strdup(path);
	}
	if (!*cfg || !*st) {
		free(*cfg);
		free(*st);
		return vnpu_rt_error(VNPU_STATUS_OUT_OF_MEMORY, "model: out of memory");
	}
	return VNPU_STATUS_OK;
}

vnpu_status vnpu_model_load(const char *path, vnpu_device *device,
			    const vnpu_model_options *opts, vnpu_model **model)
{
	struct vnpu_model *m;
	char *cfgp = NULL, *stp = NULL;
	vnpu_status st;

	if (!path || !device || !model)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_model_load: path, device or model is NULL");
	*model = NULL;
	m = calloc(1, sizeof(*m));
	if (!m)
		return vnpu_rt_error(VNPU_STATUS_OUT_OF_MEMORY, "model: out of memory");
	if (opts)
		m->opts = *opts;
	else
		vnpu_model_options_init(&m->opts);
	m->dev = device;
	st = model_paths(path, &cfgp, &stp);
	if (!st)
		st = vnpu_model_config_load(cfgp, &m->cfg);
	if (!st)
		st = vnpu_st_open(stp, &m->st);
	if (st)
		goto fail;
	m->ctx = m->opts.max_context ? m->opts.max_context :
		 (m->cfg.max_seq < 2048 ? m->cfg.max_seq : 2048);
	if (m->ctx > m->cfg.max_seq) {
		st = vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				   "model: context %u above max_position_embeddings %u",
				   m->ctx, m->cfg.max_seq);
		goto fail;
	}
	m->layers = calloc(m->cfg.n_layers, sizeof(*m->layers));
	m->logits = malloc((size_t)m->cfg.vocab * 4);
	if (!m->layers || !m->logits) {
		st = vnpu_rt_error(VNPU_STATUS_OUT_OF_MEMORY, "model: out of memory");
		goto fail;
	}
	/* one device buffer holds every layer's K and V caches */
	m->state_bytes = (uint64_t)m->ctx * m->cfg.n_kv_heads * m->cfg.head_dim * 4;
	m->state_stride = (m->state_bytes + 63) & ~(uint64_t)63;
	st = vnpu_buffer_alloc(device, m->state_stride * 2 * m->cfg.n_layers, &m->cache);
	if (!st)
		st = weight_format(m, stp);
	if (!st)
		st = vnpu_model_load_weights(m, stp);
	if (!st)
		st = vnpu_stream_create(device, NULL, &m->stream);
	if (!st)
		st = compile(m, 1, 1, "compile decode", &m->decode);
	/* One step now binds the decode program to the device (its weights
	 * uploaded), so the first timed step is a steady one. It writes cache
	 * row 0, which every sequence overwrites before reading. */
	if (!st && !(m->opts.flags & VNPU_MODEL_COMPILE_ONLY))
		st = vnpu_model_decode(m, 0, NULL);
	m->pos = 0;
	if (st)
		goto fail;
	free(cfgp);
	free(stp);
	*model = m;
	return VNPU_STATUS_OK;
fail:
	free(cfgp);
	free(stp);
	vnpu_model_destroy(m);
	return st;
}

void vnpu_model_destroy(vnpu_model *m)
{
	if (!m)
		return;
	vnpu_program_destroy(m->decode);
	vnpu_program_destroy(m->prefill);
	vnpu_stream_destroy(m->stream);
	vnpu_buffer_free(m->cache);
	for (uint32_t i = 0; i < m->nowned; i++)
		free(m->owned[i]);
	free(m->owned);
	vnpu_st_close(m->st);
	free(m->w);
	free(m->layers);
	free(m->logits);
	free(m);
}

const vnpu_model_config *vnpu_model_get_config(const vnpu_model *m)
{
	return m ? &m->cfg : NULL;
}

const vnpu_program *vnpu_model_decode_program(const vnpu_model *m)
{
	return m ? m->decode : NULL;
}

const vnpu_program *vnpu_model_prefill_program(const vnpu_model *m,
					       uint32_t *prefill_len)
{
	if (prefill_len)
		*prefill_len = m ? m->prefill_len : 0;
	return m ? m->prefill : NULL;
}
