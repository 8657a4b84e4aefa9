/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The trained MLP as a libvnpu graph: input x [batch, K0] FP32, one
 * matmul per layer with its bias and ReLU fused (the last without), the
 * logits [batch, classes] as the output. The weights are FP32 constants,
 * so the compile options decide their format.
 */
#ifndef VNPU_EVAL_MLP_GRAPH_H
#define VNPU_EVAL_MLP_GRAPH_H

#include <vnpu/vnpu.h>

#include "fmnist.h"
#include "mlp.h"

/* Build M's graph for BATCH rows and compile it with OPTS into *P. */
vnpu_status mlp_graph_compile(const struct mlp *m, uint32_t batch, vnpu_device *dev,
			      const vnpu_compile_options *opts, vnpu_program **p);

/*
 * Logits of the first N samples of D through P (compiled for BATCH rows)
 * on stream S into LOGITS [N, classes]; a last partial batch is padded
 * with zero rows.
 */
vnpu_status mlp_graph_logits(vnpu_stream *s, vnpu_program *p, const struct mlp *m,
			     uint32_t batch, const struct dataset *d, uint32_t n,
			     float *logits);

#endif /* VNPU_EVAL_MLP_GRAPH_H */
