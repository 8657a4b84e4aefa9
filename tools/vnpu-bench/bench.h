/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VNPU_BENCH_H
#define VNPU_BENCH_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A fixed set of worker threads released together for each timed run. */
struct pool {
	int n;
	pthread_t th[64];
	unsigned int gen, done;	/* run generation; workers used that finished */
	unsigned int ack;	/* workers (used or not) that saw the run */
	void (*fn)(int tid, void *arg);
	void *arg;
	int active;
	bool quit;
};

/*
 * Start workers 1 .. n - 1: 0, or an errno with none left running (the
 * failure reported on stderr).
 */
int pool_init(struct pool *pl, int n);
void pool_fini(struct pool *pl);
/* Best wall time of @reps runs of fn on threads 0..nthreads-1 (seconds). */
double pool_time(struct pool *pl, int nthreads, void (*fn)(int, void *),
		 void *arg, int reps);
double now_s(void);

/*
 * Read bandwidth: the best of a plain sequential read and of 8 interleaved
 * streams with software prefetch (the GEMV kernels' pattern), both over
 * 2 MiB pages, so no kernel can beat its "limit" by reading smarter.
 */
double bench_read_bw(struct pool *pl, int nthreads, size_t bytes);
/*
 * BYTES rounded up to 2 MiB, 2 MiB aligned and advised to be backed by
 * 2 MiB pages, as a runtime places large weights: a streamed read touches
 * a new 4 KiB page every 4 KiB otherwise, and page walks cost memory-level
 * parallelism. Free with free().
 */
void *bench_alloc_huge(size_t bytes);
double bench_fma_peak(struct pool *pl, int nthreads);
/*
 * The share of @seconds that each of @nthreads threads, spinning on the
 * clock, did not run (gaps of 5 us or more; the mean over the threads),
 * and in *@per_ms (if not NULL) such gaps a millisecond. Portable C: no
 * AVX-512 needed.
 */
double bench_cpu_stalls(struct pool *pl, int nthreads, double seconds,
			double *per_ms);
double bench_int8_peak(struct pool *pl, int nthreads);
double bench_bf16_peak(struct pool *pl, int nthreads);

/*
 * The decode figures of vnpu-bench engine (bench_decode.c) on @th threads
 * against read bandwidth @bw (B/s); @rec prints one: format, shape, GB/s
 * of the best run and of the mean run time, the limit, the tiles the ISA
 * executor cut the packet into.
 */
void bench_decode(struct pool *pl, int th, uint32_t feat, double bw, bool quick,
		  void (*rec)(const char *fmt, const char *shape, double gbs,
			      double gbs_mean, double bw, uint32_t tiles));

/* `vnpu-bench runtime ARGS...` (bench_runtime.c); ARGV[0] is "runtime". */
int bench_runtime_main(int argc, char **argv);

/* vnpu-bench llm / model: argv[0] is the mode */
int bench_llm_main(int argc, char **argv);
int bench_model_main(int argc, char **argv);

struct vnpu_model_config;
/* Matmul FLOPs of a P-token prefill (linear layers, causal attention,
 * the head for the last token). */
double llm_prefill_flops(const struct vnpu_model_config *c, uint32_t p);
/* Bytes a decode step reads at position POS (see bench_llm.c). */
double llm_decode_bytes(const struct vnpu_model_config *c, uint64_t weight_bytes,
			uint32_t keep, uint32_t pos);

/* Packed bytes of the weights a step streams (bench_model.c). */
double model_weight_bytes(const struct vnpu_model_config *c, uint32_t fmt);

#endif
