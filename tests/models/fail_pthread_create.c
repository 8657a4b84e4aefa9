// SPDX-License-Identifier: GPL-2.0
/*
 * LD_PRELOAD shim for tools_test.sh: pthread_create() fails with EAGAIN
 * after FAIL_PTHREAD_AFTER successful calls (default 0), so a tool's
 * handling of a thread it cannot start can be checked.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

typedef int (*create_fn)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);

int pthread_create(pthread_t *t, const pthread_attr_t *attr, void *(*fn)(void *), void *arg)
{
	static int calls;
	const char *after = getenv("FAIL_PTHREAD_AFTER");
	create_fn real = (create_fn)dlsym(RTLD_NEXT, "pthread_create");

	if (!real || calls++ >= (after ? atoi(after) : 0))
		return EAGAIN;
	return real(t, attr, fn, arg);
}
