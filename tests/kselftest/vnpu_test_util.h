/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the in-VM kselftests: load and unload the module with
 * libkmod (so failures come back as exact errnos), open cards, query
 * parameters, read the kernel log.
 */
#ifndef VNPU_TEST_UTIL_H
#define VNPU_TEST_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <drm/vnpu_accel.h>

/* Load vnpu (and what it depends on) with PARAMS: 0 or -errno. */
int vnpu_load(const char *params);
/* Remove vnpu without waiting: 0 or -errno (-EAGAIN while in use). */
int vnpu_unload(void);
bool vnpu_loaded(void);
/* Make sure vnpu is not loaded; false if it could not be removed. */
bool vnpu_ensure_unloaded(void);

/* Open /dev/accel/accelN read-write: fd or -errno. */
int vnpu_open_card(int n);
bool vnpu_node_exists(int n);

/* GET_PARAM of an integer parameter: 0 or -errno. */
int vnpu_param_u64(int fd, uint32_t param, uint64_t *value);
/* GET_PARAM of a string parameter into BUF of LEN bytes: 0 or -errno. */
int vnpu_param_str(int fd, uint32_t param, char *buf, size_t len);
/* Raw GET_PARAM: 0 or -errno; ARGS is updated. */
int vnpu_get_param(int fd, struct drm_vnpu_get_param *args);

/* Read a sysfs/proc file's first line (no newline) into BUF: 0 or -errno. */
int vnpu_read_line(const char *path, char *buf, size_t len);
/* Write STR to a sysfs file: 0 or -errno. */
int vnpu_write_str(const char *path, const char *str);

/* Kernel log: mark the current end, then look for NEEDLE after it. */
int vnpu_kmsg_mark(void);
bool vnpu_kmsg_find(int mark, const char *needle);

#endif

#include <drm/vnpu_cmd.h>

/* A buffer object as the tests use it. */
struct vnpu_test_bo {
	uint32_t handle;
	uint64_t size, va;
	void *map;
};

/* Create and map a BO: 0 or -errno. */
int vnpu_bo_new(int fd, uint64_t size, struct vnpu_test_bo *bo);
void vnpu_bo_free(int fd, struct vnpu_test_bo *bo);
int vnpu_ctx_new(int fd, uint32_t priority, uint32_t *id);

/* Building a command stream in memory. */
struct vnpu_stream {
	uint8_t buf[4096];
	uint32_t len;
};

void vnpu_stream_init(struct vnpu_stream *s);
/* Append a packet of SIZE bytes (header filled in), return its offset. */
uint32_t vnpu_stream_add(struct vnpu_stream *s, const void *pkt, uint32_t size);
uint32_t vnpu_stream_fill(struct vnpu_stream *s, uint64_t dst, uint64_t size,
			  uint32_t value);
uint32_t vnpu_stream_copy(struct vnpu_stream *s, uint64_t dst, uint64_t src,
			  uint64_t size);
uint32_t vnpu_stream_timestamp(struct vnpu_stream *s, uint64_t dst);

/*
 * Submit stream S on CTX: it is written into a fresh command BO (listed
 * read-only for the job), BOS[] are listed with FLAGS[]. ARGS may preset
 * syncs; it returns seqno/error_offset. 0 or -errno.
 */
int vnpu_submit_stream(int fd, uint32_t ctx, const struct vnpu_stream *s,
		       const struct vnpu_test_bo *bos, const uint32_t *flags,
		       uint32_t nbos, struct drm_vnpu_submit *args);
/* BO_WAIT with a relative timeout: 0 or -errno; *status the job status. */
int vnpu_bo_wait(int fd, uint32_t handle, int64_t timeout_ns, int32_t *status);
int vnpu_ctx_query(int fd, uint32_t ctx, struct drm_vnpu_ctx_query *q);
