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
