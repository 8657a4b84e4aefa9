/* SPDX-License-Identifier: MIT */
/*
 * libvnpu: streams, submissions and events.
 *
 * A stream is an in-order queue of jobs on one device (a context on a
 * card, a queue thread on the CPU backend). A job is a command stream in
 * the card's ISA (uapi/drm/vnpu_cmd.h) plus the buffers it may touch.
 * vnpu_stream_submit() validates the command stream and returns at once;
 * the job runs later. A job that fails while running (a device fault)
 * does not stop the jobs after it; the failure is reported by the next
 * vnpu_stream_sync()/vnpu_stream_wait() of that stream (once), naming the
 * job's sequence number and the packet offset.
 *
 * With VNPU_DEBUG=sync every submission waits for its job and returns
 * the job's own status.
 */
#ifndef VNPU_STREAM_H
#define VNPU_STREAM_H

#include <stddef.h>
#include <stdint.h>

#include <vnpu/buffer.h>
#include <vnpu/device.h>
#include <vnpu/status.h>

#if defined(__cplusplus)
extern "C" {
#endif

/* An in-order queue (opaque). */
typedef struct vnpu_stream vnpu_stream;
/* A point in a stream, with the time it was reached (opaque). */
typedef struct vnpu_event vnpu_event;

/**
 * enum vnpu_priority - stream priority (the card's rings)
 * @VNPU_PRIORITY_LOW: low-priority ring
 * @VNPU_PRIORITY_NORMAL: the default
 * @VNPU_PRIORITY_HIGH: high-priority ring; on a card it needs CAP_SYS_NICE
 *	(PERMISSION_DENIED otherwise)
 */
typedef enum vnpu_priority {
	VNPU_PRIORITY_LOW = 0,
	VNPU_PRIORITY_NORMAL = 1,
	VNPU_PRIORITY_HIGH = 2,
} vnpu_priority;

/**
 * struct vnpu_stream_options - how a stream is created
 * @priority: enum vnpu_priority
 */
typedef struct vnpu_stream_options {
	uint32_t priority;
} vnpu_stream_options;

/* Fill OPTS with the defaults (normal priority). */
VNPU_API void vnpu_stream_options_init(vnpu_stream_options *opts);

/* Create a stream on DEVICE (OPTS may be NULL). */
VNPU_API vnpu_status vnpu_stream_create(vnpu_device *device,
					const vnpu_stream_options *opts,
					vnpu_stream **stream);

/*
 * Wait for the stream's jobs, then destroy it. Errors not yet reported
 * are dropped. NULL does nothing.
 */
VNPU_API void vnpu_stream_destroy(vnpu_stream *stream);

/* Access bits of vnpu_buffer_use.access */
#define VNPU_ACCESS_READ 0x1u
#define VNPU_ACCESS_WRITE 0x2u

/**
 * struct vnpu_buffer_use - a buffer a job may touch
 * @buffer: the buffer (of the stream's device)
 * @access: VNPU_ACCESS_READ and/or VNPU_ACCESS_WRITE; writing a buffer
 *	listed read-only is a device fault
 */
typedef struct vnpu_buffer_use {
	vnpu_buffer *buffer;
	uint32_t access;
} vnpu_buffer_use;

/*
 * Queue the command stream CMD of SIZE bytes (a vnpu_cmd.h stream,
 * header included; it is copied) that may touch the COUNT buffers of
 * USES (a buffer listed twice gets the union of its access bits). Only
 * listed buffers are reachable: an address outside them is a device
 * fault. Returns at once with the job's sequence number in *SEQNO (may
 * be NULL; numbers start at 1 and count every job of the stream,
 * including event records).
 *
 * INVALID_STREAM when the stream is malformed (the message gives the
 * offset of the bad packet, and *SEQNO is untouched); INVALID_ARGUMENT
 * for too many buffers, a buffer of another device, a stream longer than
 * max_cmd_size.
 */
VNPU_API vnpu_status vnpu_stream_submit(vnpu_stream *stream, const void *cmd,
					size_t size, const vnpu_buffer_use *uses,
					size_t count, uint64_t *seqno);

/*
 * Wait until every job submitted so far has finished. Returns the first
 * failure of a job not reported before (DEVICE_FAULT, DEVICE_LOST), else
 * OK.
 */
VNPU_API vnpu_status vnpu_stream_sync(vnpu_stream *stream);

/* vnpu_stream_sync() with a timeout in nanoseconds (0 polls): TIMEOUT if
 * jobs are still running then. */
VNPU_API vnpu_status vnpu_stream_wait(vnpu_stream *stream, uint64_t timeout_ns);

/* Sequence numbers of the last job submitted and the last one finished. */
VNPU_API vnpu_status vnpu_stream_progress(vnpu_stream *stream,
					  uint64_t *submitted,
					  uint64_t *completed);

/*
 * Make the stream's later jobs wait until EVENT (recorded on any stream
 * of the same device) has been reached. INVALID_ARGUMENT for an event
 * never recorded.
 */
VNPU_API vnpu_status vnpu_stream_wait_event(vnpu_stream *stream,
					    const vnpu_event *event);

/* Create an event of DEVICE (not yet recorded). */
VNPU_API vnpu_status vnpu_event_create(vnpu_device *device, vnpu_event **event);
/* Destroy EVENT; a pending record still completes. NULL does nothing. */
VNPU_API void vnpu_event_destroy(vnpu_event *event);

/*
 * Record EVENT at the current end of STREAM: it is reached, with a
 * timestamp (CLOCK_MONOTONIC nanoseconds; the card's clock on a card),
 * when every job submitted before has finished. Recording again moves it.
 */
VNPU_API vnpu_status vnpu_event_record(vnpu_event *event, vnpu_stream *stream);

/*
 * Wait until EVENT is reached, up to TIMEOUT_NS nanoseconds (UINT64_MAX:
 * forever; 0 polls): OK, TIMEOUT, or INVALID_ARGUMENT if never recorded.
 */
VNPU_API vnpu_status vnpu_event_wait(vnpu_event *event, uint64_t timeout_ns);

/* The time EVENT was reached: TIMEOUT if not yet (does not wait). */
VNPU_API vnpu_status vnpu_event_timestamp(vnpu_event *event, uint64_t *ns);

/* Nanoseconds from START to END (both reached): INVALID_ARGUMENT when END
 * was reached before START. */
VNPU_API vnpu_status vnpu_event_elapsed(vnpu_event *start, vnpu_event *end,
					uint64_t *ns);

#if defined(__cplusplus)
}
#endif

#endif /* VNPU_STREAM_H */
