/* SPDX-License-Identifier: MIT */
/*
 * libvnpu: status codes and error details.
 *
 * Every libvnpu call that can fail returns a vnpu_status. The code says
 * what kind of failure it was (so a program can branch on it); the detail
 * message of the calling thread, vnpu_last_error(), says which argument,
 * buffer, packet or submission was involved and, where there is one, what
 * to do about it. The library never prints, aborts or exits on its own.
 */
#ifndef VNPU_STATUS_H
#define VNPU_STATUS_H

#if defined(__cplusplus)
extern "C" {
#endif

/* Symbols of the shared library's API (everything else is hidden). */
#if defined(VNPU_BUILDING_LIBRARY)
#define VNPU_API __attribute__((visibility("default")))
#else
#define VNPU_API
#endif

/**
 * enum vnpu_status - result of a libvnpu call
 * @VNPU_STATUS_OK: success
 * @VNPU_STATUS_INVALID_ARGUMENT: a NULL or out-of-range argument, or an
 *	object used with the wrong device
 * @VNPU_STATUS_OUT_OF_MEMORY: host memory allocation failed
 * @VNPU_STATUS_OUT_OF_DEVICE_MEMORY: the device's memory budget or address
 *	space is exhausted
 * @VNPU_STATUS_NOT_FOUND: no such device (or module not loaded)
 * @VNPU_STATUS_PERMISSION_DENIED: the device node cannot be opened
 * @VNPU_STATUS_UNSUPPORTED: the backend cannot do this
 * @VNPU_STATUS_VERSION_MISMATCH: kernel module and library disagree on the
 *	ABI or command-stream version
 * @VNPU_STATUS_NOT_INITIALIZED: vnpu_init() was not called
 * @VNPU_STATUS_BUSY: the object still has dependants (e.g. closing a
 *	device with live buffers)
 * @VNPU_STATUS_TIMEOUT: a wait ran out of time
 * @VNPU_STATUS_INVALID_STREAM: a command stream was rejected at submit;
 *	the message names the packet offset
 * @VNPU_STATUS_DEVICE_FAULT: a submitted job failed while running (an
 *	address outside its buffers, an index past a table, a hang); the
 *	message names the submission's sequence number and packet offset
 * @VNPU_STATUS_DEVICE_LOST: the card was removed or the context banned
 * @VNPU_STATUS_IO_ERROR: an unexpected system call failure (errno in the
 *	message)
 */
typedef enum vnpu_status {
	VNPU_STATUS_OK = 0,
	VNPU_STATUS_INVALID_ARGUMENT,
	VNPU_STATUS_OUT_OF_MEMORY,
	VNPU_STATUS_OUT_OF_DEVICE_MEMORY,
	VNPU_STATUS_NOT_FOUND,
	VNPU_STATUS_PERMISSION_DENIED,
	VNPU_STATUS_UNSUPPORTED,
	VNPU_STATUS_VERSION_MISMATCH,
	VNPU_STATUS_NOT_INITIALIZED,
	VNPU_STATUS_BUSY,
	VNPU_STATUS_TIMEOUT,
	VNPU_STATUS_INVALID_STREAM,
	VNPU_STATUS_DEVICE_FAULT,
	VNPU_STATUS_DEVICE_LOST,
	VNPU_STATUS_IO_ERROR,
} vnpu_status;

/*
 * A short constant name for STATUS ("invalid argument"); "unknown status"
 * for a value outside the enum. Never NULL.
 */
VNPU_API const char *vnpu_status_str(vnpu_status status);

/*
 * The detail message of the last failed libvnpu call on this thread
 * ("" if none failed yet). Successful calls leave it alone. The string
 * belongs to the thread and stays valid until its next failing call.
 */
VNPU_API const char *vnpu_last_error(void);

#if defined(__cplusplus)
}
#endif

#endif /* VNPU_STATUS_H */
