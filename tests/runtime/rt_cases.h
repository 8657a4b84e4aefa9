/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Command-stream workloads shared by the runtime's host tests and its VM
 * test: each case allocates its buffers on a libvnpu device, writes
 * deterministic inputs, appends its packets to a command buffer and,
 * when asked, computes the expected output bytes with direct engine
 * calls. The output is one buffer the caller reads back after a sync.
 */
#ifndef RT_CASES_H
#define RT_CASES_H

#include <stddef.h>
#include <stdint.h>

#include <vnpu/vnpu.h>

#define RT_MAX_BUFS 6

struct rt_run {
	vnpu_buffer *buf[RT_MAX_BUFS];
	unsigned int nbufs;
	vnpu_buffer *out;	/* one of buf[] */
	size_t out_bytes;
};

struct rt_case {
	const char *name;
	/*
	 * Set up RUN on DEV and append the packets to CB; if WANT is not
	 * NULL (out_bytes big), also write the expected output there.
	 * 0 or -1 (a libvnpu call failed: vnpu_last_error() says which).
	 */
	int (*build)(vnpu_device *dev, vnpu_cmdbuf *cb, struct rt_run *run,
		     void *want);
};

extern const struct rt_case rt_cases[];
extern const size_t rt_ncases;

/* Upper bound of any case's out_bytes. */
#define RT_MAX_OUT (2u << 20)

/* Free the buffers of RUN. */
void rt_run_free(struct rt_run *run);

/*
 * Run case C on stream S of DEV: build, submit, sync, read the output into OUT
 * (RT_MAX_OUT bytes) and, with WANT, the reference. Returns the first
 * failing status (OK on success); *BYTES gets out_bytes.
 */
vnpu_status rt_case_run(const struct rt_case *c, vnpu_device *dev,
			vnpu_stream *s, void *out, void *want, size_t *bytes);

#endif /* RT_CASES_H */
