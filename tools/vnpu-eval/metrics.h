/* SPDX-License-Identifier: GPL-2.0 */
/* Comparing logits: accuracy, top-1 agreement, KL divergence. */
#ifndef VNPU_EVAL_METRICS_H
#define VNPU_EVAL_METRICS_H

#include <stdint.h>

/* Index of the largest of N values (the first one on ties). */
uint32_t argmax(const float *v, uint32_t n);

/* Rows of LOGITS [rows, n] whose argmax is LABELS[row]. */
uint32_t count_correct(const float *logits, const uint8_t *labels, uint32_t rows,
		       uint32_t n);

/* Rows where the argmax of A and of B [rows, n] agree. */
uint32_t count_agree(const float *a, const float *b, uint32_t rows, uint32_t n);

/*
 * Mean over rows of KL(softmax(REF) || softmax(X)) in nats, in double;
 * rows of X holding a NaN or Inf give +Inf.
 */
double mean_kl(const float *ref, const float *x, uint32_t rows, uint32_t n);

#endif /* VNPU_EVAL_METRICS_H */
