// SPDX-License-Identifier: GPL-2.0
/* The MLP through libvnpu's graph builder, compiler and a stream. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mlp_graph.h"

vnpu_status mlp_graph_compile(const struct mlp *m, uint32_t batch, vnpu_device *dev,
			      const vnpu_compile_options *opts, vnpu_program **p)
{
	vnpu_graph *g = NULL;
	vnpu_tensor x, w, b, h;
	vnpu_status st;
	uint32_t l;
	float *wnk = NULL;

	*p = NULL;
	if ((st = vnpu_graph_create(&g)))
		return st;
	st = vnpu_graph_input(g, "x", VNPU_DTYPE_FP32, 2, (uint32_t[]){ batch, m->dims[0] }, &x);
	h = x;
	for (l = 0; !st && l < m->layers; l++) {
		uint32_t kk = m->dims[l], nn = m->dims[l + 1];
		char name[16];

		free(wnk);
		wnk = malloc((size_t)kk * nn * sizeof(float));
		if (!wnk) {
			st = VNPU_STATUS_OUT_OF_MEMORY;
			break;
		}
		mlp_weights_nk(m, l, wnk);
		snprintf(name, sizeof(name), "w%u", l + 1);
		st = vnpu_graph_constant(g, name, VNPU_DTYPE_FP32, 2, (uint32_t[]){ nn, kk }, wnk,
					 (size_t)kk * nn * sizeof(float), VNPU_CONST_COPY, &w);
		snprintf(name, sizeof(name), "b%u", l + 1);
		if (!st)
			st = vnpu_graph_constant(g, name, VNPU_DTYPE_FP32, 1, &nn, m->b[l],
						 nn * sizeof(float), VNPU_CONST_COPY, &b);
		snprintf(name, sizeof(name), "fc%u", l + 1);
		if (!st)
			st = vnpu_graph_matmul(g, name, h, w, b,
					       l + 1 < m->layers ? VNPU_ACTIVATION_RELU :
								   VNPU_ACTIVATION_NONE,
					       VNPU_DTYPE_FP32, &h);
	}
	free(wnk);
	if (!st)
		st = vnpu_graph_output(g, h);
	if (!st)
		st = vnpu_graph_compile(g, dev, opts, p);
	vnpu_graph_destroy(g);
	return st;
}

vnpu_status mlp_graph_logits(vnpu_stream *s, vnpu_program *p, const struct mlp *m,
			     uint32_t batch, const struct dataset *d, uint32_t n,
			     float *logits)
{
	uint32_t classes = m->dims[m->layers], i;
	size_t xrow = (size_t)d->pdim * sizeof(float), yrow = classes * sizeof(float);
	float *xin = malloc(batch * xrow), *yout = malloc(batch * yrow);
	vnpu_status st = VNPU_STATUS_OK;

	if (!xin || !yout) {
		st = VNPU_STATUS_OUT_OF_MEMORY;
		goto out;
	}
	for (i = 0; i < n && !st; i += batch) {
		uint32_t rows = n - i < batch ? n - i : batch;

		memcpy(xin, d->x + (size_t)i * d->pdim, rows * xrow);
		memset((char *)xin + rows * xrow, 0, (batch - rows) * xrow);
		st = vnpu_program_run(s, p, (const void *[]){ xin }, (void *[]){ yout });
		if (!st)
			memcpy(logits + (size_t)i * classes, yout, rows * yrow);
	}
out:
	free(xin);
	free(yout);
	return st;
}
