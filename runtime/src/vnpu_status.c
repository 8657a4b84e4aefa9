// SPDX-License-Identifier: MIT
/*
 * Status names, the per-thread detail message, logging. The message is
 * thread-local so concurrent callers never see each other's errors.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "vnpu_internal.h"

static _Thread_local char vnpu_rt_msg[512];

static const char *const vnpu_rt_status_names[] = {
	[VNPU_STATUS_OK] = "ok",
	[VNPU_STATUS_INVALID_ARGUMENT] = "invalid argument",
	[VNPU_STATUS_OUT_OF_MEMORY] = "out of memory",
	[VNPU_STATUS_OUT_OF_DEVICE_MEMORY] = "out of device memory",
	[VNPU_STATUS_NOT_FOUND] = "not found",
	[VNPU_STATUS_PERMISSION_DENIED] = "permission denied",
	[VNPU_STATUS_UNSUPPORTED] = "unsupported",
	[VNPU_STATUS_VERSION_MISMATCH] = "version mismatch",
	[VNPU_STATUS_NOT_INITIALIZED] = "not initialized",
	[VNPU_STATUS_BUSY] = "busy",
	[VNPU_STATUS_TIMEOUT] = "timeout",
	[VNPU_STATUS_INVALID_STREAM] = "invalid command stream",
	[VNPU_STATUS_DEVICE_FAULT] = "device fault",
	[VNPU_STATUS_DEVICE_LOST] = "device lost",
	[VNPU_STATUS_IO_ERROR] = "I/O error",
};

const char *vnpu_status_str(vnpu_status status)
{
	if ((unsigned int)status >= sizeof(vnpu_rt_status_names) /
				    sizeof(vnpu_rt_status_names[0]))
		return "unknown status";
	return vnpu_rt_status_names[status];
}

const char *vnpu_last_error(void)
{
	return vnpu_rt_msg;
}

static void vnpu_rt_vlog(vnpu_log_level level, const char *fmt, va_list ap)
{
	char msg[512];
	vnpu_log_fn fn = vnpu_rt_lib.opts.log;

	if (fn && level <= vnpu_rt_lib.opts.log_level) {
		vsnprintf(msg, sizeof(msg), fmt, ap);
		fn(vnpu_rt_lib.opts.log_user, level, msg);
	} else if (!fn && vnpu_rt_lib.log_stderr) {
		vsnprintf(msg, sizeof(msg), fmt, ap);
		fprintf(stderr, "libvnpu: %s\n", msg);
	}
}

void vnpu_rt_log(vnpu_log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vnpu_rt_vlog(level, fmt, ap);
	va_end(ap);
}

vnpu_status vnpu_rt_error(vnpu_status status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(vnpu_rt_msg, sizeof(vnpu_rt_msg), fmt, ap);
	va_end(ap);
	vnpu_rt_log(VNPU_LOG_ERROR, "%s", vnpu_rt_msg);
	return status;
}

vnpu_status vnpu_rt_errno_status(int err)
{
	switch (err) {
	case 0:
		return VNPU_STATUS_OK;
	case ENOMEM:
		return VNPU_STATUS_OUT_OF_MEMORY;
	case ENOSPC:
		return VNPU_STATUS_OUT_OF_DEVICE_MEMORY;
	case EACCES:
	case EPERM:
		return VNPU_STATUS_PERMISSION_DENIED;
	case ENODEV:
	case ECANCELED:
		return VNPU_STATUS_DEVICE_LOST;
	case ENOENT:
		return VNPU_STATUS_NOT_FOUND;
	case ETIME:
	case ETIMEDOUT:
		return VNPU_STATUS_TIMEOUT;
	case EINVAL:
	case E2BIG:
		return VNPU_STATUS_INVALID_ARGUMENT;
	case EFAULT:
		return VNPU_STATUS_DEVICE_FAULT;
	default:
		return VNPU_STATUS_IO_ERROR;
	}
}

uint64_t vnpu_rt_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t vnpu_rt_deadline(uint64_t rel_ns)
{
	uint64_t now = vnpu_rt_now_ns();

	/* INT64_MAX is "forever" for both the kernel and pthreads. */
	if (rel_ns >= (uint64_t)INT64_MAX - now)
		return (uint64_t)INT64_MAX;
	return now + rel_ns;
}

void vnpu_rt_cond_init(pthread_cond_t *cond)
{
	pthread_condattr_t attr;

	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(cond, &attr);
	pthread_condattr_destroy(&attr);
}

int vnpu_rt_cond_wait(pthread_cond_t *cond, pthread_mutex_t *lock,
		      uint64_t deadline)
{
	struct timespec ts;

	if (deadline >= (uint64_t)INT64_MAX)
		return pthread_cond_wait(cond, lock);
	ts.tv_sec = (time_t)(deadline / 1000000000ull);
	ts.tv_nsec = (long)(deadline % 1000000000ull);
	return pthread_cond_timedwait(cond, lock, &ts);
}
