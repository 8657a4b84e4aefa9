// SPDX-License-Identifier: GPL-2.0
/*
 * MLP training and FP32 inference. Weights are kept K x N so that every
 * inner loop runs along a contiguous row (out[n] += x[k] * w[k][n]) and
 * vectorizes without reassociating a sum. Threads split output rows
 * (forward, input gradients) or weight rows (weight gradients), so each
 * element is computed by one thread in one fixed order: results do not
 * depend on the thread count.
 */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mlp.h"

typedef void (*range_fn)(void *ctx, uint32_t lo, uint32_t hi);

struct par_job {
	range_fn fn;
	void *ctx;
	uint32_t lo, hi;
};

static void *par_main(void *arg)
{
	struct par_job *j = arg;

	j->fn(j->ctx, j->lo, j->hi);
	return NULL;
}

/* FN over [0, TOTAL) in THREADS contiguous pieces (the caller runs one). */
static void par_for(uint32_t threads, uint32_t total, range_fn fn, void *ctx)
{
	struct par_job jobs[64];
	pthread_t tid[64];
	int started[64] = { 0 };
	uint32_t t;

	if (threads > 64)
		threads = 64;
	if (threads > total)
		threads = total ? total : 1;
	for (t = 0; t < threads; t++) {
		jobs[t] = (struct par_job){ fn, ctx, (uint32_t)((uint64_t)total * t / threads),
					    (uint32_t)((uint64_t)total * (t + 1) / threads) };
		/* A thread that cannot start is run here: same result. */
		if (t && !pthread_create(&tid[t], NULL, par_main, &jobs[t]))
			started[t] = 1;
	}
	par_main(&jobs[0]);
	for (t = 1; t < threads; t++) {
		if (started[t])
			pthread_join(tid[t], NULL);
		else
			par_main(&jobs[t]);
	}
}

/* splitmix64: a seeded stream of 64-bit values. */
static uint64_t rng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Uniform in [0, 1) with 24 random bits (exact in FP32). */
static float rng_unit(uint64_t *s)
{
	return (float)(rng_next(s) >> 40) * 0x1p-24f;
}

int mlp_init(struct mlp *m, uint32_t layers, const uint32_t *dims,
	     uint32_t real_in, uint64_t seed)
{
	uint64_t s = seed ^ 0x6d6c7020696e6974ull;	/* own stream for the init */
	uint32_t l, k, n;

	memset(m, 0, sizeof(*m));
	if (layers < 1 || layers > MLP_MAX_LAYERS)
		return -1;
	m->layers = layers;
	memcpy(m->dims, dims, (layers + 1) * sizeof(*dims));
	for (l = 0; l < layers; l++) {
		uint32_t kk = dims[l], nn = dims[l + 1];
		uint32_t fan_in = l ? kk : real_in;
		float bound = sqrtf(6.0f / (float)fan_in);

		m->wt[l] = calloc((size_t)kk * nn, sizeof(float));
		m->b[l] = calloc(nn, sizeof(float));
		if (!m->wt[l] || !m->b[l]) {
			mlp_free(m);
			return -1;
		}
		for (k = 0; k < kk; k++)
			for (n = 0; n < nn; n++)
				m->wt[l][(size_t)k * nn + n] = (l || k < real_in) ?
					(2.0f * rng_unit(&s) - 1.0f) * bound : 0.0f;
	}
	return 0;
}

void mlp_free(struct mlp *m)
{
	uint32_t l;

	for (l = 0; l < MLP_MAX_LAYERS; l++) {
		free(m->wt[l]);
		free(m->b[l]);
	}
	memset(m, 0, sizeof(*m));
}

void mlp_weights_nk(const struct mlp *m, uint32_t l, float *out)
{
	uint32_t kk = m->dims[l], nn = m->dims[l + 1], k, n;

	for (n = 0; n < nn; n++)
		for (k = 0; k < kk; k++)
			out[(size_t)n * kk + k] = m->wt[l][(size_t)k * nn + n];
}

/* out[r, :] = act(b + in[r, :] W) for rows lo..hi */
struct fwd_ctx {
	const float *in, *wt, *b;
	float *out;
	uint32_t k, n;
	int relu;
};

static void fwd_rows(void *arg, uint32_t lo, uint32_t hi)
{
	const struct fwd_ctx *c = arg;
	uint32_t r, k, j;

	for (r = lo; r < hi; r++) {
		const float *x = c->in + (size_t)r * c->k;
		float *o = c->out + (size_t)r * c->n;

		memcpy(o, c->b, c->n * sizeof(float));
		for (k = 0; k < c->k; k++) {
			const float *w = c->wt + (size_t)k * c->n;
			float a = x[k];

			if (a == 0.0f)	/* pixels and ReLU outputs: often zero */
				continue;
			for (j = 0; j < c->n; j++)
				o[j] += a * w[j];
		}
		if (c->relu)
			for (j = 0; j < c->n; j++)
				o[j] = o[j] > 0.0f ? o[j] : 0.0f;
	}
}

/* acts[0] = input rows, acts[l + 1] = layer l's output */
static void forward(const struct mlp *m, const float *x, uint32_t rows,
		    uint32_t threads, float **acts)
{
	uint32_t l;

	acts[0] = (float *)x;
	for (l = 0; l < m->layers; l++) {
		struct fwd_ctx c = { acts[l], m->wt[l], m->b[l], acts[l + 1], m->dims[l],
				     m->dims[l + 1], l + 1 < m->layers };

		par_for(threads, rows, fwd_rows, &c);
	}
}

/* dwt[k, :] = sum_r in[r, k] d[r, :] for weight rows lo..hi */
struct dw_ctx {
	const float *in, *d;
	float *dwt;
	uint32_t rows, k, n;
};

static void dw_rows(void *arg, uint32_t lo, uint32_t hi)
{
	const struct dw_ctx *c = arg;
	uint32_t k, r, j;

	for (k = lo; k < hi; k++) {
		float *g = c->dwt + (size_t)k * c->n;

		memset(g, 0, c->n * sizeof(float));
		for (r = 0; r < c->rows; r++) {
			const float *dr = c->d + (size_t)r * c->n;
			float a = c->in[(size_t)r * c->k + k];

			if (a == 0.0f)
				continue;
			for (j = 0; j < c->n; j++)
				g[j] += a * dr[j];
		}
	}
}

/* din[r, k] = (in[r, k] > 0) * sum_j d[r, j] wt[k, j] for rows lo..hi */
struct dx_ctx {
	const float *in, *d, *wt;
	float *din;
	uint32_t k, n;
};

static void dx_rows(void *arg, uint32_t lo, uint32_t hi)
{
	const struct dx_ctx *c = arg;
	uint32_t r, k, j;

	for (r = lo; r < hi; r++) {
		const float *dr = c->d + (size_t)r * c->n;

		for (k = 0; k < c->k; k++) {
			const float *w = c->wt + (size_t)k * c->n;
			float s = 0.0f;

			if (c->in[(size_t)r * c->k + k] <= 0.0f) {
				c->din[(size_t)r * c->k + k] = 0.0f;
				continue;
			}
			for (j = 0; j < c->n; j++)
				s += dr[j] * w[j];
			c->din[(size_t)r * c->k + k] = s;
		}
	}
}

/* Softmax cross-entropy of LOGITS [rows, n]: gradient / rows into D, loss sum. */
static double softmax_xent(const float *logits, const uint8_t *y, uint32_t rows,
			   uint32_t n, float *d)
{
	double loss = 0.0;
	uint32_t r, j;

	for (r = 0; r < rows; r++) {
		const float *z = logits + (size_t)r * n;
		float *g = d + (size_t)r * n;
		float mx = z[0], sum = 0.0f;

		for (j = 1; j < n; j++)
			mx = z[j] > mx ? z[j] : mx;
		for (j = 0; j < n; j++) {
			g[j] = expf(z[j] - mx);
			sum += g[j];
		}
		loss += log(sum) - (z[y[r]] - mx);
		for (j = 0; j < n; j++)
			g[j] = (g[j] / sum - (j == y[r] ? 1.0f : 0.0f)) / (float)rows;
	}
	return loss;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int mlp_train(struct mlp *m, const struct dataset *d, const struct mlp_train_opts *o)
{
	float *acts[MLP_MAX_LAYERS + 1] = { 0 }, *grad[MLP_MAX_LAYERS + 1] = { 0 };
	float *dwt = NULL, *vel_w[MLP_MAX_LAYERS] = { 0 }, *vel_b[MLP_MAX_LAYERS] = { 0 };
	float *xb = NULL;
	uint8_t *yb = NULL;
	uint32_t *order = NULL, maxw = 0, l, e, i, bsz = o->batch;
	uint64_t s = o->seed;
	float lr = o->lr;
	int ret = -1;

	order = malloc((size_t)d->n * sizeof(*order));
	xb = malloc((size_t)bsz * d->pdim * sizeof(float));
	yb = malloc(bsz);
	if (!order || !xb || !yb)
		goto out;
	for (l = 1; l <= m->layers; l++) {
		acts[l] = malloc((size_t)bsz * m->dims[l] * sizeof(float));
		grad[l] = malloc((size_t)bsz * m->dims[l] * sizeof(float));
		if (!acts[l] || !grad[l])
			goto out;
	}
	for (l = 0; l < m->layers; l++) {
		size_t nw = (size_t)m->dims[l] * m->dims[l + 1];

		maxw = nw > maxw ? (uint32_t)nw : maxw;
		vel_w[l] = calloc(nw, sizeof(float));
		vel_b[l] = calloc(m->dims[l + 1], sizeof(float));
		if (!vel_w[l] || !vel_b[l])
			goto out;
	}
	dwt = malloc((size_t)maxw * sizeof(float));
	if (!dwt)
		goto out;
	for (i = 0; i < d->n; i++)
		order[i] = i;

	for (e = 0; e < o->epochs; e++) {
		double t0 = now(), loss = 0.0;

		/* Fisher-Yates from the seed: the epoch's sample order */
		for (i = d->n; i > 1; i--) {
			uint32_t j = (uint32_t)(rng_next(&s) % i), t = order[i - 1];

			order[i - 1] = order[j];
			order[j] = t;
		}
		for (i = 0; i < d->n; i += bsz) {
			uint32_t rows = d->n - i < bsz ? d->n - i : bsz, r, j;

			for (r = 0; r < rows; r++) {
				memcpy(xb + (size_t)r * d->pdim, d->x + (size_t)order[i + r] * d->pdim,
				       d->pdim * sizeof(float));
				yb[r] = d->y[order[i + r]];
			}
			forward(m, xb, rows, o->threads, acts);
			loss += softmax_xent(acts[m->layers], yb, rows, m->dims[m->layers],
					     grad[m->layers]);
			for (l = m->layers; l-- > 0;) {
				uint32_t kk = m->dims[l], nn = m->dims[l + 1];
				struct dw_ctx dc = { acts[l], grad[l + 1], dwt, rows, kk, nn };
				size_t w, nw = (size_t)kk * nn;

				par_for(o->threads, kk, dw_rows, &dc);
				if (l) {
					struct dx_ctx xc = { acts[l], grad[l + 1], m->wt[l], grad[l],
							     kk, nn };

					par_for(o->threads, rows, dx_rows, &xc);
				}
				for (w = 0; w < nw; w++) {
					vel_w[l][w] = o->momentum * vel_w[l][w] + dwt[w];
					m->wt[l][w] -= lr * vel_w[l][w];
				}
				for (j = 0; j < nn; j++) {
					float g = 0.0f;

					for (r = 0; r < rows; r++)
						g += grad[l + 1][(size_t)r * nn + j];
					vel_b[l][j] = o->momentum * vel_b[l][j] + g;
					m->b[l][j] -= lr * vel_b[l][j];
				}
			}
		}
		lr *= 0.5f;
		if (o->epoch_done)
			o->epoch_done(o->user, e, loss / d->n, now() - t0);
	}
	ret = 0;
out:
	for (l = 0; l <= m->layers; l++) {
		if (l)
			free(acts[l]);
		free(grad[l]);
		if (l < m->layers) {
			free(vel_w[l]);
			free(vel_b[l]);
		}
	}
	free(dwt);
	free(xb);
	free(yb);
	free(order);
	return ret;
}

int mlp_logits(const struct mlp *m, const struct dataset *d, uint32_t n,
	       uint32_t threads, float *logits)
{
	float *acts[MLP_MAX_LAYERS + 1] = { 0 };
	uint32_t l, chunk = 1024, i;
	int ret = -1;

	for (l = 1; l < m->layers; l++)
		if (!(acts[l] = malloc((size_t)chunk * m->dims[l] * sizeof(float))))
			goto out;
	for (i = 0; i < n; i += chunk) {
		uint32_t rows = n - i < chunk ? n - i : chunk;

		acts[m->layers] = logits + (size_t)i * m->dims[m->layers];
		forward(m, d->x + (size_t)i * d->pdim, rows, threads, acts);
	}
	ret = 0;
out:
	for (l = 1; l < m->layers; l++)
		free(acts[l]);
	return ret;
}
