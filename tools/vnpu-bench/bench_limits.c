// SPDX-License-Identifier: GPL-2.0
/*
 * Machine limits measured in the same run as the engine figures: read
 * bandwidth, FP32 FMA, int8 dot-product and BF16 dot-product peaks.
 */
#include <immintrin.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

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

/* 8 streams over the thread's part, in lockstep, prefetched 2 KiB ahead. */
#define READ_STREAMS 8
static TGT void read_part_streams(int tid, void *p)
{
	struct read_arg *a = p;
	size_t part = a->bytes / a->nthreads & ~(size_t)(256 * READ_STREAMS - 1);
	size_t seg = part / READ_STREAMS / 64;
	const __m512i *v = (const __m512i *)(a->buf + part * tid);
	__m512i s0 = _mm512_setzero_si512(), s1 = s0, s2 = s0, s3 = s0;

	for (size_t i = 0; i < seg; i += 4) {
		for (int k = 0; k < READ_STREAMS; k++) {
			const __m512i *w = v + k * seg + i;

			if (i + 32 < seg)
				_mm_prefetch((const char *)(w + 32), _MM_HINT_T0);
			s0 = _mm512_add_epi64(s0, _mm512_load_si512(w));
			s1 = _mm512_add_epi64(s1, _mm512_load_si512(w + 1));
			s2 = _mm512_add_epi64(s2, _mm512_load_si512(w + 2));
			s3 = _mm512_add_epi64(s3, _mm512_load_si512(w + 3));
		}
	}
	s0 = _mm512_add_epi64(_mm512_add_epi64(s0, s1), _mm512_add_epi64(s2, s3));
	a->sink += (uint64_t)_mm512_reduce_add_epi64(s0);
}

void *bench_alloc_huge(size_t bytes)
{
	size_t huge = (size_t)2 << 20, sz = (bytes + huge - 1) & ~(huge - 1);
	void *p = aligned_alloc(huge, sz);

	if (p)
		madvise(p, sz, MADV_HUGEPAGE);	/* advice only: fine if refused */
	return p;
}

double bench_read_bw(struct pool *pl, int nthreads, size_t bytes)
{
	struct read_arg a = { .bytes = bytes, .nthreads = nthreads };
	uint8_t *buf = bench_alloc_huge(bytes);
	double plain, streams;

	if (!buf)
		return 0.0;
	memset(buf, 1, bytes);	/* fault the pages in */
	a.buf = buf;
	plain = (double)(bytes / nthreads & ~(size_t)255) * nthreads /
		pool_time(pl, nthreads, read_part, &a, 5);
	streams = (double)(bytes / nthreads & ~(size_t)(256 * READ_STREAMS - 1)) *
		  nthreads / pool_time(pl, nthreads, read_part_streams, &a, 5);
	free(buf);
	return plain > streams ? plain : streams;
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

/*
 * A thread spinning on the clock reads it every ~30 ns; a gap of
 * STALL_NS or more between two reads is time it did not run: the kernel
 * ran something else, or the hypervisor ran another guest (time a shared
 * host's /proc/stat may not show as steal).
 */
#define STALL_NS 5000

struct stall_arg {
	int64_t ns;			/* how long each thread spins */
	int64_t lost[64];		/* per thread: ns in gaps */
	uint64_t gaps[64];
};

static int64_t stall_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void stall_part(int tid, void *p)
{
	struct stall_arg *a = p;
	int64_t t0 = stall_now(), prev = t0, t;

	while ((t = stall_now()) - t0 < a->ns) {
		if (t - prev >= STALL_NS) {
			a->lost[tid] += t - prev;
			a->gaps[tid]++;
		}
		prev = t;
	}
}

double bench_cpu_stalls(struct pool *pl, int nthreads, double seconds,
			double *per_ms)
{
	struct stall_arg a = { .ns = (int64_t)(seconds * 1e9) };
	double lost = 0, gaps = 0;

	pool_time(pl, nthreads, stall_part, &a, 1);
	for (int i = 0; i < nthreads; i++) {
		lost += (double)a.lost[i];
		gaps += (double)a.gaps[i];
	}
	if (per_ms)
		*per_ms = gaps / nthreads / (seconds * 1e3);
	return lost / nthreads / (double)a.ns;
}
