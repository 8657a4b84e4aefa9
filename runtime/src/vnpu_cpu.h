/* SPDX-License-Identifier: MIT */
/* The CPU backend's streams and events (vnpu_cpu_stream.c), for its ops
 * table in vnpu_cpu_device.c. */
#ifndef VNPU_CPU_H
#define VNPU_CPU_H

#include "vnpu_internal.h"

vnpu_status vnpu_rt_cpu_stream_init(vnpu_stream *s);
void vnpu_rt_cpu_stream_fini(vnpu_stream *s);
vnpu_status vnpu_rt_cpu_submit(vnpu_stream *s, const void *cmd, size_t size,
			       const struct vnpu_rt_use *uses, size_t n,
			       uint64_t *seqno);
vnpu_status vnpu_rt_cpu_wait(vnpu_stream *s, uint64_t timeout_ns);
vnpu_status vnpu_rt_cpu_run_now(vnpu_stream *s, const void *cmd, size_t size,
				const struct vnpu_rt_use *uses, size_t n);
vnpu_status vnpu_rt_cpu_progress(vnpu_stream *s, uint64_t *submitted,
				 uint64_t *completed);
vnpu_status vnpu_rt_cpu_wait_event(vnpu_stream *s, vnpu_event *e);
vnpu_status vnpu_rt_cpu_event_init(vnpu_event *e);
void vnpu_rt_cpu_event_fini(vnpu_event *e);
vnpu_status vnpu_rt_cpu_event_record(vnpu_event *e, vnpu_stream *s);
vnpu_status vnpu_rt_cpu_event_wait(vnpu_event *e, uint64_t timeout_ns);

#endif /* VNPU_CPU_H */
