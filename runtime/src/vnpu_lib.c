// SPDX-License-Identifier: MIT
/*
 * Library init/shutdown and version. The environment is read once, at
 * the first vnpu_init(), so a program's behaviour cannot change under it.
 */
#include <stdlib.h>
#include <string.h>

#include "vnpu_internal.h"

struct vnpu_rt_lib vnpu_rt_lib = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.backend = -1,
};

void vnpu_init_options_init(vnpu_init_options *opts)
{
	if (opts)
		memset(opts, 0, sizeof(*opts));
}

bool vnpu_rt_initialized(const char *call)
{
	int refs;

	pthread_mutex_lock(&vnpu_rt_lib.lock);
	refs = vnpu_rt_lib.refs;
	pthread_mutex_unlock(&vnpu_rt_lib.lock);
	if (!refs)
		vnpu_rt_error(VNPU_STATUS_NOT_INITIALIZED,
			      "%s: call vnpu_init() first", call);
	return refs > 0;
}

static vnpu_status vnpu_rt_parse_backend(const char *v, int *backend)
{
	if (!v || !*v || !strcmp(v, "auto"))
		*backend = -1;
	else if (!strcmp(v, "cpu"))
		*backend = VNPU_BACKEND_CPU;
	else if (!strcmp(v, "device"))
		*backend = VNPU_BACKEND_DEVICE;
	else
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "VNPU_BACKEND='%s': expected cpu, device or auto",
				     v);
	return VNPU_STATUS_OK;
}

/* VNPU_DEBUG is a comma-separated list of sync, log and profile. */
static vnpu_status vnpu_rt_parse_debug(const char *v, bool *sync, bool *log,
				       bool *profile)
{
	char buf[128], *tok, *save = NULL;

	if (!v)
		return VNPU_STATUS_OK;
	if (strlen(v) >= sizeof(buf))
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "VNPU_DEBUG is too long");
	strcpy(buf, v);
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (!strcmp(tok, "sync"))
			*sync = true;
		else if (!strcmp(tok, "log"))
			*log = true;
		else if (!strcmp(tok, "profile"))
			*profile = true;
		else
			return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
					     "VNPU_DEBUG='%s': unknown '%s' (known: sync, log, profile)",
					     v, tok);
	}
	return VNPU_STATUS_OK;
}

vnpu_status vnpu_init(const vnpu_init_options *opts)
{
	vnpu_init_options o;
	bool sync = false, log = false, profile = false;
	int backend = -1;
	vnpu_status st = VNPU_STATUS_OK;

	vnpu_init_options_init(&o);
	if (opts)
		o = *opts;
	if (o.log_level > VNPU_LOG_DEBUG)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_init: log_level %u is not a vnpu_log_level",
				     (unsigned int)o.log_level);
	if (o.dev_dir && strlen(o.dev_dir) >= sizeof(vnpu_rt_lib.dev_dir))
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_init: dev_dir is longer than %zu bytes",
				     sizeof(vnpu_rt_lib.dev_dir) - 1);
	pthread_mutex_lock(&vnpu_rt_lib.lock);
	if (vnpu_rt_lib.refs) {
		vnpu_rt_lib.refs++;
		goto out;
	}
	if (!(o.flags & VNPU_INIT_NO_ENV)) {
		st = vnpu_rt_parse_backend(getenv("VNPU_BACKEND"), &backend);
		if (!st)
			st = vnpu_rt_parse_debug(getenv("VNPU_DEBUG"), &sync,
						 &log, &profile);
		if (st)
			goto out;
	}
	vnpu_rt_lib.opts = o;
	vnpu_rt_lib.opts.dev_dir = NULL;
	strcpy(vnpu_rt_lib.dev_dir, o.dev_dir ? o.dev_dir : "/dev/accel");
	vnpu_rt_lib.backend = backend;
	vnpu_rt_lib.sync = sync || (o.flags & VNPU_INIT_SYNC);
	vnpu_rt_lib.log_stderr = log;
	vnpu_rt_lib.profile = profile;
	vnpu_rt_lib.devices = 0;
	vnpu_rt_lib.refs = 1;
out:
	pthread_mutex_unlock(&vnpu_rt_lib.lock);
	return st;
}

vnpu_status vnpu_shutdown(void)
{
	vnpu_status st = VNPU_STATUS_OK;

	pthread_mutex_lock(&vnpu_rt_lib.lock);
	if (!vnpu_rt_lib.refs) {
		st = vnpu_rt_error(VNPU_STATUS_NOT_INITIALIZED,
				   "vnpu_shutdown: more shutdowns than inits");
	} else if (vnpu_rt_lib.refs == 1 && vnpu_rt_lib.devices) {
		st = vnpu_rt_error(VNPU_STATUS_BUSY,
				   "vnpu_shutdown: %d device(s) still open; close them first",
				   vnpu_rt_lib.devices);
	} else if (--vnpu_rt_lib.refs == 0) {
		memset(&vnpu_rt_lib.opts, 0, sizeof(vnpu_rt_lib.opts));
		vnpu_rt_lib.sync = false;
		vnpu_rt_lib.log_stderr = false;
		vnpu_rt_lib.profile = false;
		vnpu_rt_lib.backend = -1;
	}
	pthread_mutex_unlock(&vnpu_rt_lib.lock);
	return st;
}

#define VNPU_RT_STR2(x) #x
#define VNPU_RT_STR(x) VNPU_RT_STR2(x)

const char *vnpu_version(uint32_t *major, uint32_t *minor, uint32_t *patch)
{
	if (major)
		*major = VNPU_VERSION_MAJOR;
	if (minor)
		*minor = VNPU_VERSION_MINOR;
	if (patch)
		*patch = VNPU_VERSION_PATCH;
	return VNPU_RT_STR(VNPU_VERSION_MAJOR) "." VNPU_RT_STR(VNPU_VERSION_MINOR)
		"." VNPU_RT_STR(VNPU_VERSION_PATCH);
}
