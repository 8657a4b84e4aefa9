/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small multilayer perceptron trained in FP32 on the host: ReLU hidden
 * layers, a linear output layer (logits), softmax cross-entropy, minibatch
 * SGD with momentum. Deterministic: the seed fixes the initial weights and
 * the order of the samples, and every sum runs in a fixed order whatever
 * the number of threads (each thread owns whole output elements).
 */
#ifndef VNPU_EVAL_MLP_H
#define VNPU_EVAL_MLP_H

#include <stdint.h>

#include "fmnist.h"

#define MLP_MAX_LAYERS 4

struct mlp {
	uint32_t layers;			/* weight layers */
	uint32_t dims[MLP_MAX_LAYERS + 1];	/* dims[0] inputs .. classes */
	float *wt[MLP_MAX_LAYERS];		/* [dims[l], dims[l + 1]] (K x N) */
	float *b[MLP_MAX_LAYERS];		/* [dims[l + 1]] */
};

struct mlp_train_opts {
	uint32_t epochs;
	uint32_t batch;
	uint32_t threads;	/* >= 1 */
	float lr;		/* first epoch; halved every epoch after */
	float momentum;
	uint64_t seed;		/* sample order (the init has its own) */
	/* called after each epoch (may be NULL) */
	void (*epoch_done)(void *user, uint32_t epoch, double mean_loss, double seconds);
	void *user;
};

/*
 * Shapes DIMS[0..LAYERS] (DIMS[0] the padded input width; inputs from
 * REAL_IN on are padding and get zero weights, which training keeps zero),
 * Kaiming-uniform weights from SEED, zero biases. 0 or -1 (out of memory).
 */
int mlp_init(struct mlp *m, uint32_t layers, const uint32_t *dims,
	     uint32_t real_in, uint64_t seed);
void mlp_free(struct mlp *m);

/* Train on D. 0 or -1 (out of memory). */
int mlp_train(struct mlp *m, const struct dataset *d, const struct mlp_train_opts *o);

/*
 * FP32 logits of the first N samples of D into LOGITS [N, classes], with
 * THREADS threads. 0 or -1 (out of memory).
 */
int mlp_logits(const struct mlp *m, const struct dataset *d, uint32_t n,
	       uint32_t threads, float *logits);

/* Layer L's weights as [N, K] (the graph's layout) into OUT. */
void mlp_weights_nk(const struct mlp *m, uint32_t l, float *out);

#endif /* VNPU_EVAL_MLP_H */
