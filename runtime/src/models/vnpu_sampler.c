// SPDX-License-Identifier: MIT
/*
 * Choosing the next token: greedy, or temperature + top-k + top-p with a
 * seeded generator (splitmix64), so a seed always gives the same tokens.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <vnpu/model.h>

void vnpu_sampler_init(vnpu_sampler *sm, const vnpu_sampling *s)
{
	memset(sm, 0, sizeof(*sm));
	sm->s = *s;
	sm->rng = s->seed;
}

void vnpu_sampler_fini(vnpu_sampler *sm)
{
	free(sm->scratch);
	sm->scratch = NULL;
	sm->scratch_n = 0;
}

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

struct cand {
	float p;
	int32_t id;
};

/* Most likely first; ties by id so the order never depends on qsort. */
static int cmp_cand(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;

	if (x->p != y->p)
		return x->p > y->p ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

typedef float vnpu_v4sf __attribute__((vector_size(16)));
typedef int32_t vnpu_v4si __attribute__((vector_size(16)));

/* Lane-wise X > M ? X : M (a NaN in X never wins). */
static inline vnpu_v4sf vmax(vnpu_v4sf m, vnpu_v4sf x)
{
	vnpu_v4si gt = x > m;

	return (vnpu_v4sf)(((vnpu_v4si)x & gt) | ((vnpu_v4si)m & ~gt));
}

/*
 * The first index of the largest of X[0..N): what the scan "best = i when
 * x[i] > x[best]" gives (NaNs never win, a NaN x[0] does), in 16 lanes:
 * that scan's dependency through x[best] cost ~90 us per 60m decode step
 * (20480 logits), ~4% of the step.
 */
static uint32_t vnpu_argmax(const float *x, uint32_t n)
{
	vnpu_v4sf l0, l1, l2, l3;
	uint32_t i = 0;
	float m = x[0], lanes[16];

	if (m != m)
		return 0;
	l0 = l1 = l2 = l3 = (vnpu_v4sf){ m, m, m, m };
	for (; i + 16 <= n; i += 16) {
		vnpu_v4sf v[4];

		memcpy(v, x + i, sizeof(v));
		l0 = vmax(l0, v[0]);
		l1 = vmax(l1, v[1]);
		l2 = vmax(l2, v[2]);
		l3 = vmax(l3, v[3]);
	}
	memcpy(lanes, &l0, 16);
	memcpy(lanes + 4, &l1, 16);
	memcpy(lanes + 8, &l2, 16);
	memcpy(lanes + 12, &l3, 16);
	for (uint32_t j = 0; j < 16; j++)
		m = lanes[j] > m ? lanes[j] : m;
	for (; i < n; i++)
		m = x[i] > m ? x[i] : m;
	/* m is one of x (not NaN): the first equal one (+0 == -0 as in >) */
	for (i = 0; x[i] != m; i++)
		;
	return i;
}

int32_t vnpu_sampler_next(vnpu_sampler *sm, const float *logits, uint32_t vocab)
{
	struct cand *c;
	uint32_t n = vocab, best = vnpu_argmax(logits, vocab);
	double sum = 0, u, acc;
	float mx;
	if (!(sm->s.temperature > 0))
		return (int32_t)best;
	if (sm->scratch_n < vocab) {
		free(sm->scratch);
		sm->scratch = malloc((size_t)vocab * sizeof(struct cand));
		if (!sm->scratch) {
			sm->scratch_n = 0;
			return -1;
		}
		sm->scratch_n = vocab;
	}
	c = (struct cand *)sm->scratch;
	mx = logits[best];
	for (uint32_t i = 0; i < vocab; i++) {
		c[i].p = expf((logits[i] - mx) / sm->s.temperature);
		c[i].id = (int32_t)i;
	}
	qsort(c, vocab, sizeof(*c), cmp_cand);
	if (sm->s.top_k && sm->s.top_k < n)
		n = sm->s.top_k;
	for (uint32_t i = 0; i < n; i++)
		sum += c[i].p;
	if (sm->s.top_p > 0 && sm->s.top_p < 1) {
		acc = 0;
		for (uint32_t i = 0; i < n; i++) {
			acc += c[i].p;
			if (acc >= sm->s.top_p * sum) {
				n = i + 1;
				sum = acc;
				break;
			}
		}
	}
	u = (double)(splitmix64(&sm->rng) >> 11) * 0x1p-53 * sum;
	acc = 0;
	for (uint32_t i = 0; i < n; i++) {
		acc += c[i].p;
		if (u < acc)
			return c[i].id;
	}
	return c[n - 1].id;
}
