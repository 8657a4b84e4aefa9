/* SPDX-License-Identifier: MIT */
/*
 * libvnpu: library initialization, version and logging.
 *
 * vnpu_init() must be called before any device is opened; it reads the
 * environment once:
 *   VNPU_BACKEND=cpu|device|auto  what vnpu_device_open(NULL) opens
 *                                 (default auto: the first card, else cpu)
 *   VNPU_DEBUG=sync,log           sync: every submission waits for its job
 *                                 so an error is reported by the submit that
 *                                 caused it; log: messages of failed calls
 *                                 go to stderr when no log callback is set
 * Calls nest: each vnpu_init() needs one vnpu_shutdown().
 */
#ifndef VNPU_INIT_H
#define VNPU_INIT_H

#include <stdint.h>

#include <vnpu/status.h>

#if defined(__cplusplus)
extern "C" {
#endif

/* The library's version; VNPU_VERSION_MAJOR is the soname's number. */
#define VNPU_VERSION_MAJOR 0
#define VNPU_VERSION_MINOR 1
#define VNPU_VERSION_PATCH 0

/**
 * enum vnpu_log_level - severity of a log message
 * @VNPU_LOG_ERROR: a call failed (the message is its vnpu_last_error())
 * @VNPU_LOG_INFO: what the library decided (backend chosen, device opened)
 * @VNPU_LOG_DEBUG: per-submission tracing
 */
typedef enum vnpu_log_level {
	VNPU_LOG_ERROR = 0,
	VNPU_LOG_INFO = 1,
	VNPU_LOG_DEBUG = 2,
} vnpu_log_level;

/* Receives log messages up to the chosen level; may be called from any
 * thread, including the library's worker threads. */
typedef void (*vnpu_log_fn)(void *user, vnpu_log_level level, const char *msg);

/* vnpu_init_options.flags */
/* VNPU_INIT_NO_ENV - ignore VNPU_BACKEND and VNPU_DEBUG (tests) */
#define VNPU_INIT_NO_ENV 0x1u
/* VNPU_INIT_SYNC - as VNPU_DEBUG=sync */
#define VNPU_INIT_SYNC 0x2u

/**
 * struct vnpu_init_options - how the library behaves
 * @log: log callback, or NULL for none
 * @log_user: passed to @log
 * @log_level: the most verbose level @log receives
 * @flags: VNPU_INIT_* bits
 * @dev_dir: where accel nodes are scanned, NULL for "/dev/accel" (tests
 *	and containers point it elsewhere)
 */
typedef struct vnpu_init_options {
	vnpu_log_fn log;
	void *log_user;
	vnpu_log_level log_level;
	uint32_t flags;
	const char *dev_dir;
} vnpu_init_options;

/* Fill OPTS with the defaults (no log, level ERROR, no flags). */
VNPU_API void vnpu_init_options_init(vnpu_init_options *opts);

/*
 * Initialize the library (OPTS may be NULL for the defaults). A nested
 * call only counts; its options are ignored. Returns INVALID_ARGUMENT for
 * an unknown VNPU_BACKEND or VNPU_DEBUG value (the message lists the
 * accepted ones).
 */
VNPU_API vnpu_status vnpu_init(const vnpu_init_options *opts);

/*
 * Undo one vnpu_init(). The last one releases the library's state; every
 * device must be closed by then (BUSY otherwise, and nothing is undone).
 */
VNPU_API vnpu_status vnpu_shutdown(void);

/* The library's version as "MAJOR.MINOR.PATCH"; MAJOR, MINOR, PATCH may
 * be NULL. */
VNPU_API const char *vnpu_version(uint32_t *major, uint32_t *minor,
				  uint32_t *patch);

#if defined(__cplusplus)
}
#endif

#endif /* VNPU_INIT_H */
