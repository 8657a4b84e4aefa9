// SPDX-License-Identifier: GPL-2.0
/*
 * Machine limits measured in the same run as the engine figures: read
 * bandwidth, FP32 FMA, int8 dot-product and BF16 dot-product peaks.
 */
#include <immintrin.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

#define TGT __attribute__((target("avx2,fma,avx512f,avx512bw,avx512vl,avx512vnni,avx512bf16")))

struct read_arg {
	const uint8_t *buf;
	size_t bytes;
	int nthreads;
	volatile uint64_t sink;
};

static TGT void read_part(int tid, void *p)
{
	struct read_arg *a = p;
	size_t part = a->bytes / a->nthreads & ~(size_t)255;
	const __m512i *v = (const __m512i *)(a->buf + part * tid);
	__m512i s0 = _mm512_setzero_si512(), s1 = s0, s2 = s0, s3 = s0;

	for (size_t i = 0; i < part / 64; i += 4) {
		s0 = _mm512_add_epi64(s0, _mm512_load_si512(v + i));
		s1 = _mm512_add_epi64(s1, _mm512_load_si512(v + i + 1));
		s2 = _mm512_add_epi64(s2, _mm512_load_si512(v + i + 2));
		s3 = _mm512_add_epi64(s3, _mm512_load_si512(v + i + 3));
	}
	s0 = _mm512_add_epi64(_mm512_add_epi64(s0, s1), _mm512_add_epi64(s2, s3));
	a->sink += (uint64_t)_mm512_reduce_add_epi64(s0);
}

double bench_read_bw(struct pool *pl, int nthreads, size_t bytes)
{
	struct read_arg a = { .bytes = bytes, .nthreads = nthreads };
	uint8_t *buf = aligned_alloc(4096, bytes);
	double t;

	memset(buf, 1, bytes);	/* fault the pages in */
	a.buf = buf;
	t = pool_time(pl, nthreads, read_part, &a, 5);
	free(buf);
	return (double)(bytes / nthreads & ~(size_t)255) * nthreads / t;
}

/*
 * 12 independent accumulators, fully unrolled so they live in registers
 * (a rolled loop kept them in memory and measured the store-to-load
 * latency, not the dot-product units).
 */
#define PEAK_ITERS 2000000

static TGT void fma_loop(int tid, void *p)
{
	__m512 a[12], m = _mm512_set1_ps(1.0000001f), c = _mm512_set1_ps(1e-7f);

	for (int j = 0; j < 12; j++)
		a[j] = _mm512_set1_ps((float)j);
	for (int i = 0; i < PEAK_ITERS; i++) {
		#pragma GCC unroll 12
		for (int j = 0; j < 12; j++)
			a[j] = _mm512_fmadd_ps(a[j], m, c);
	}
	for (int j = 1; j < 12; j++)
		a[0] = _mm512_add_ps(a[0], a[j]);
	*(volatile float *)p = _mm512_reduce_add_ps(a[0]);
}

static TGT void dot8_loop(int tid, void *p)
{
	__m512i a[12], x = _mm512_set1_epi8(3), y = _mm512_set1_epi8(-2);

	for (int j = 0; j < 12; j++)
		a[j] = _mm512_set1_epi32(j);
	for (int i = 0; i < PEAK_ITERS; i++) {
		#pragma GCC unroll 12
		for (int j = 0; j < 12; j++)
			a[j] = _mm512_dpbusd_epi32(a[j], x, y);
	}
	for (int j = 1; j < 12; j++)
		a[0] = _mm512_add_epi32(a[0], a[j]);
	*(volatile int *)p = _mm512_reduce_add_epi32(a[0]);
}

static TGT void bf16_loop(int tid, void *p)
{
	__m512 a[12];
	__m512bh x = (__m512bh)_mm512_set1_epi16(0x3f80);

	for (int j = 0; j < 12; j++)
		a[j] = _mm512_set1_ps((float)j);
	for (int i = 0; i < PEAK_ITERS; i++) {
		#pragma GCC unroll 12
		for (int j = 0; j < 12; j++)
			a[j] = _mm512_dpbf16_ps(a[j], x, x);
	}
	for (int j = 1; j < 12; j++)
		a[0] = _mm512_add_ps(a[0], a[j]);
	*(volatile float *)p = _mm512_reduce_add_ps(a[0]);
}

/* Operations per second: 2 per multiply-add, all lanes, all threads. */
double bench_fma_peak(struct pool *pl, int nthreads)
{
	float sink[64];

	return 2.0 * 16 * 12 * PEAK_ITERS * nthreads /
	       pool_time(pl, nthreads, fma_loop, sink, 3);
}

double bench_int8_peak(struct pool *pl, int nthreads)
{
	int sink[64];

	return 2.0 * 64 * 12 * PEAK_ITERS * nthreads /
	       pool_time(pl, nthreads, dot8_loop, sink, 3);
}

double bench_bf16_peak(struct pool *pl, int nthreads)
{
	float sink[64];

	return 2.0 * 32 * 12 * PEAK_ITERS * nthreads /
	       pool_time(pl, nthreads, bf16_loop, sink, 3);
}
