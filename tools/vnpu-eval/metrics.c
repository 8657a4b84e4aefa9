// SPDX-License-Identifier: GPL-2.0
/* Logit metrics, in double with max-subtracted log-sum-exp. */
#include <math.h>

#include "metrics.h"

uint32_t argmax(const float *v, uint32_t n)
{
	uint32_t i, best = 0;

	for (i = 1; i < n; i++)
		if (v[i] > v[best])
			best = i;
	return best;
}

uint32_t count_correct(const float *logits, const uint8_t *labels, uint32_t rows,
		       uint32_t n)
{
	uint32_t r, c = 0;

	for (r = 0; r < rows; r++)
		c += argmax(logits + (uint64_t)r * n, n) == labels[r];
	return c;
}

uint32_t count_agree(const float *a, const float *b, uint32_t rows, uint32_t n)
{
	uint32_t r, c = 0;

	for (r = 0; r < rows; r++)
		c += argmax(a + (uint64_t)r * n, n) == argmax(b + (uint64_t)r * n, n);
	return c;
}

static double log_sum_exp(const float *v, uint32_t n, double *mx)
{
	double m = v[0], s = 0.0;
	uint32_t i;

	for (i = 1; i < n; i++)
		m = v[i] > m ? v[i] : m;
	for (i = 0; i < n; i++)
		s += exp((double)v[i] - m);
	*mx = m;
	return log(s);
}

double mean_kl(const float *ref, const float *x, uint32_t rows, uint32_t n)
{
	double total = 0.0;
	uint32_t r, i;

	for (r = 0; r < rows; r++) {
		const float *p = ref + (uint64_t)r * n, *q = x + (uint64_t)r * n;
		double mp, mq, lp, lq, kl = 0.0;

		for (i = 0; i < n; i++)
			if (!isfinite(q[i]))
				return INFINITY;
		lp = log_sum_exp(p, n, &mp);
		lq = log_sum_exp(q, n, &mq);
		for (i = 0; i < n; i++) {
			double lpi = p[i] - mp - lp, lqi = q[i] - mq - lq;

			kl += exp(lpi) * (lpi - lqi);
		}
		total += kl > 0.0 ? kl : 0.0;	/* rounding can give -1e-17 */
	}
	return rows ? total / rows : 0.0;
}
