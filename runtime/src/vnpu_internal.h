/* SPDX-License-Identifier: MIT */
/*
 * libvnpu internals: the objects behind the opaque handles, the backend
 * operations table (a card through vnpu.ko, or the CPU interpreter), and
 * the helpers every file uses. Nothing here is exported.
 */
#ifndef VNPU_INTERNAL_H
#define VNPU_INTERNAL_H

#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include <vnpu/vnpu.h>

/* Limits the CPU backend reports; the card's own, so streams port. */
#define VNPU_RT_VA_BASE 0x100000000ull
#define VNPU_RT_VA_SIZE (1ull << 40)
#define VNPU_RT_MAX_CMD (1u << 20)
#define VNPU_RT_MAX_BUFS 256u
#define VNPU_RT_MAX_SYNCS 64u
#define VNPU_RT_PAGE 4096ull

/* ------------------------------------------------------------ library */

/**
 * struct vnpu_rt_lib - the library's only global state (vnpu_init())
 * @lock: guards everything below
 * @refs: nesting count of vnpu_init()
 * @opts: the first vnpu_init()'s options
 * @dev_dir: accel node directory
 * @backend: VNPU_BACKEND: -1 auto, else enum vnpu_backend
 * @sync: VNPU_DEBUG=sync
 * @log_stderr: VNPU_DEBUG=log
 * @profile: VNPU_DEBUG=profile (CPU backend: per-packet times per stream)
 * @devices: open devices (shutdown refuses while any is open)
 */
struct vnpu_rt_lib {
	pthread_mutex_t lock;
	int refs;
	vnpu_init_options opts;
	char dev_dir[256];
	int backend;
	bool sync;
	bool log_stderr;
	bool profile;
	int devices;
};

extern struct vnpu_rt_lib vnpu_rt_lib;

/* Whether vnpu_init() is in effect; sets the NOT_INITIALIZED message. */
bool vnpu_rt_initialized(const char *call);

/*
 * Record a failure: the thread's detail message becomes the formatted
 * text, the log callback (or VNPU_DEBUG=log) gets it, STATUS is returned.
 */
vnpu_status vnpu_rt_error(vnpu_status status, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The status an errno stands for (ENOMEM, EACCES, ENODEV, ...). */
vnpu_status vnpu_rt_errno_status(int err);
/* Log a message at LEVEL if a receiver wants it. */
void vnpu_rt_log(vnpu_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* CLOCK_MONOTONIC now, and now + REL clamped (UINT64_MAX: forever). */
uint64_t vnpu_rt_now_ns(void);
uint64_t vnpu_rt_deadline(uint64_t rel_ns);
/* A condition variable timed on CLOCK_MONOTONIC, and a wait on it until
 * DEADLINE (INT64_MAX: forever): 0 or ETIMEDOUT. */
void vnpu_rt_cond_init(pthread_cond_t *cond);
int vnpu_rt_cond_wait(pthread_cond_t *cond, pthread_mutex_t *lock,
		      uint64_t deadline);

/* ------------------------------------------------------------ objects */

struct vnpu_rt_pool;

/**
 * struct vnpu_device - an open device
 * @ops: the backend
 * @info: what vnpu_device_info_get() reports
 * @fd: the card's file (device backend), -1 for the CPU backend
 * @lock: guards @bufs, @nbufs, @cap, @next_va, @live
 * @bufs: live buffers sorted by device address (command buffers look
 *	addresses up here)
 * @live: buffers, streams, events and command buffers not yet destroyed
 * @next_va: CPU backend: next free device address
 * @pool: CPU backend: the worker threads
 * @features: CPU backend: engine SIMD features
 * @ev_lock, @ev_cond: CPU backend: event state changes
 */
struct vnpu_device {
	const struct vnpu_backend_ops *ops;
	vnpu_device_info info;
	int fd;
	pthread_mutex_t lock;
	vnpu_buffer **bufs;
	size_t nbufs, cap;
	uint64_t live;
	uint64_t next_va;
	struct vnpu_rt_pool *pool;
	uint32_t features;
	pthread_mutex_t ev_lock;
	pthread_cond_t ev_cond;
};

/**
 * struct vnpu_buffer - device memory
 * @dev: its device
 * @refs: the caller's reference plus one per pending CPU job
 * @size: bytes (page-rounded)
 * @va: device address
 * @map: host mapping, NULL until mapped (a card maps on first use)
 * @handle: GEM handle (device backend)
 * @memfd: backing file (CPU backend)
 */
struct vnpu_buffer {
	vnpu_device *dev;
	int refs;
	uint64_t size;
	uint64_t va;
	void *map;
	uint32_t handle;
	int memfd;
};

/* A buffer of a job, resolved and merged (sorted by device address). */
struct vnpu_rt_use {
	vnpu_buffer *buf;
	uint32_t access;
};

struct vnpu_rt_cpu_stream;
struct vnpu_rt_drm_stream;

/**
 * struct vnpu_stream - an in-order queue
 * @dev: its device
 * @priority: enum vnpu_priority
 * @cpu: CPU backend state
 * @drm: device backend state
 */
struct vnpu_stream {
	vnpu_device *dev;
	uint32_t priority;
	struct vnpu_rt_cpu_stream *cpu;
	struct vnpu_rt_drm_stream *drm;
};

/**
 * struct vnpu_event - a point in a stream
 * @dev: its device
 * @refs: the caller's plus one per pending CPU job naming it
 * @gen: bumped by every record (a CPU job only completes its own record)
 * @reached_gen: CPU backend: the newest record reached
 * @recorded: recorded at least once
 * @reached: the latest record has been reached
 * @ts_ns: when (valid once @reached)
 * @ts_buf: device backend: the 8-byte TIMESTAMP target
 * @syncobj: device backend: signalled by the latest record
 */
struct vnpu_event {
	vnpu_device *dev;
	int refs;
	uint64_t gen;
	uint64_t reached_gen;
	bool recorded;
	bool reached;
	uint64_t ts_ns;
	vnpu_buffer *ts_buf;
	uint32_t syncobj;
};

/**
 * struct vnpu_backend_ops - what a backend implements
 *
 * Arguments are checked by the common layer; command streams are
 * validated before @submit. @submit gets the merged buffer list and
 * returns the job's sequence number. @wait waits for every job submitted
 * so far and then hands over the first unreported job failure. @run
 * (optional; else @submit then @wait) does both for a job whose caller
 * waits anyway, and may run it on the calling thread.
 */
struct vnpu_backend_ops {
	vnpu_status (*buffer_alloc)(vnpu_buffer *buf, uint64_t size);
	vnpu_status (*buffer_map)(vnpu_buffer *buf);
	void (*buffer_release)(vnpu_buffer *buf);
	vnpu_status (*buffer_export)(vnpu_buffer *buf, int *fd);
	vnpu_status (*buffer_import)(vnpu_buffer *buf, int fd);
	vnpu_status (*stream_init)(vnpu_stream *s);
	void (*stream_fini)(vnpu_stream *s);
	vnpu_status (*submit)(vnpu_stream *s, const void *cmd, size_t size,
			      const struct vnpu_rt_use *uses, size_t n,
			      uint64_t *seqno);
	vnpu_status (*wait)(vnpu_stream *s, uint64_t timeout_ns);
	vnpu_status (*run)(vnpu_stream *s, const void *cmd, size_t size,
			   const struct vnpu_rt_use *uses, size_t n);
	vnpu_status (*progress)(vnpu_stream *s, uint64_t *submitted,
				uint64_t *completed);
	vnpu_status (*wait_event)(vnpu_stream *s, vnpu_event *e);
	vnpu_status (*event_init)(vnpu_event *e);
	void (*event_fini)(vnpu_event *e);
	vnpu_status (*event_record)(vnpu_event *e, vnpu_stream *s);
	vnpu_status (*event_wait)(vnpu_event *e, uint64_t timeout_ns);
	void (*close)(vnpu_device *dev);
};

extern const struct vnpu_backend_ops vnpu_rt_cpu_ops;
extern const struct vnpu_backend_ops vnpu_rt_drm_ops;

/* Open the CPU backend / the card at PATH into DEV (info filled in). */
vnpu_status vnpu_rt_cpu_open(vnpu_device *dev, const vnpu_device_options *o);
vnpu_status vnpu_rt_drm_open(vnpu_device *dev, const char *path);

/* Device bookkeeping: live objects, the address-sorted buffer table. */
void vnpu_rt_device_get(vnpu_device *dev);
void vnpu_rt_device_put(vnpu_device *dev);
vnpu_status vnpu_rt_buffer_register(vnpu_buffer *buf);
/* The live buffer containing device address VA, or NULL (dev->lock held
 * by the caller). */
vnpu_buffer *vnpu_rt_buffer_lookup(vnpu_device *dev, uint64_t va);

void vnpu_rt_buffer_ref(vnpu_buffer *buf);
void vnpu_rt_buffer_unref(vnpu_buffer *buf);
void vnpu_rt_event_ref(vnpu_event *e);
void vnpu_rt_event_unref(vnpu_event *e);

/* Diagnose why no card could be opened: a NOT_FOUND message saying
 * whether vnpu.ko is missing, installed but not loaded, or loaded. */
vnpu_status vnpu_rt_no_card_error(const char *what);

/*
 * Write SIZE bytes of packet data over CB's stream at byte OFF (an offset
 * in the stream as appended, header included). The caller keeps the
 * packet valid and naming the buffers CB already lists.
 */
void vnpu_rt_cmdbuf_overwrite(vnpu_cmdbuf *cb, size_t off, const void *data,
			      size_t size);

/*
 * Submit with the merged list (common path of submit and cmdbuf); with
 * RUN, also wait for it (and every earlier job) and return what the wait
 * returns: the backend may then run the job on the calling thread.
 */
vnpu_status vnpu_rt_submit(vnpu_stream *s, const void *cmd, size_t size,
			   struct vnpu_rt_use *uses, size_t n, bool run,
			   uint64_t *seqno);

/* Submit CB to S and wait for it: vnpu_program_run()'s path. */
vnpu_status vnpu_rt_run_cmdbuf(vnpu_stream *s, const vnpu_cmdbuf *cb);

#endif /* VNPU_INTERNAL_H */
