// SPDX-License-Identifier: GPL-2.0
/*
 * IDX reader over zlib's gz* interface, which reads gzip and plain files
 * alike. The element count comes from the header, so the whole read is
 * sized before anything is allocated; a header announcing more than
 * IDX_MAX_BYTES is taken for a lie.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "idx.h"

static int fail(int code, char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int fail(int code, char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return code;
}

/* Read exactly LEN bytes; *GOT says how many came (0..LEN). */
static int read_full(gzFile f, void *buf, size_t len, size_t *got)
{
	size_t n = 0;

	while (n < len) {
		size_t chunk = len - n > (1u << 30) ? (1u << 30) : len - n;
		int r = gzread(f, (char *)buf + n, (unsigned int)chunk);

		if (r < 0) {
			*got = n;
			return -1;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	*got = n;
	return 0;
}

/* zlib's description of a stream error ("" if there is none), without
 * the "PATH: " zlib puts before it. */
static const char *gz_msg(gzFile f, const char *path)
{
	int code;
	const char *m = gzerror(f, &code);
	size_t n = strlen(path);

	if (code == Z_OK || code == Z_STREAM_END || !m)
		return "";
	return !strncmp(m, path, n) && !strncmp(m + n, ": ", 2) ? m + n + 2 : m;
}

static int load(gzFile f, const char *path, uint32_t ndims,
		struct idx_array *out, char *err, size_t errlen)
{
	uint8_t hdr[4], dimb[4 * IDX_MAX_DIMS], extra;
	uint64_t total = 1;
	size_t got;
	uint32_t i;

	if (read_full(f, hdr, sizeof(hdr), &got))
		return fail(IDX_EFORMAT, err, errlen, "%s: gzip stream damaged: %s", path, gz_msg(f, path));
	if (got < sizeof(hdr))
		return fail(IDX_EFORMAT, err, errlen,
			    "%s: truncated: %zu bytes, shorter than the 4-byte IDX magic", path, got);
	if (hdr[0] || hdr[1])
		return fail(IDX_EFORMAT, err, errlen,
			    "%s: not an IDX file (magic %02x %02x %02x %02x: the first two bytes must be zero)",
			    path, hdr[0], hdr[1], hdr[2], hdr[3]);
	if (hdr[2] != IDX_TYPE_U8)
		return fail(IDX_EFORMAT, err, errlen,
			    "%s: element type 0x%02x, expected 0x08 (unsigned bytes)", path, hdr[2]);
	if (hdr[3] != ndims)
		return fail(IDX_EFORMAT, err, errlen, "%s: %u dimensions, expected %u",
			    path, hdr[3], ndims);
	if (read_full(f, dimb, 4 * ndims, &got))
		return fail(IDX_EFORMAT, err, errlen, "%s: gzip stream damaged: %s", path, gz_msg(f, path));
	if (got < 4 * ndims)
		return fail(IDX_EFORMAT, err, errlen,
			    "%s: truncated in the header (%zu of %u dimension bytes)", path, got,
			    4 * ndims);
	for (i = 0; i < ndims; i++) {
		uint32_t d = (uint32_t)dimb[4 * i] << 24 | (uint32_t)dimb[4 * i + 1] << 16 |
			     (uint32_t)dimb[4 * i + 2] << 8 | dimb[4 * i + 3];

		if (!d)
			return fail(IDX_EFORMAT, err, errlen, "%s: dimension %u is zero", path, i);
		total *= d;
		if (total > IDX_MAX_BYTES)
			return fail(IDX_EFORMAT, err, errlen,
				    "%s: the header announces more than %llu bytes of data", path,
				    (unsigned long long)IDX_MAX_BYTES);
		out->dims[i] = d;
	}
	out->ndims = ndims;
	out->size = (size_t)total;
	out->data = malloc(out->size);
	if (!out->data)
		return fail(IDX_EIO, err, errlen, "%s: out of memory for %zu bytes", path, out->size);
	if (read_full(f, out->data, out->size, &got))
		return fail(IDX_EFORMAT, err, errlen, "%s: gzip stream damaged after %zu data bytes: %s",
			    path, got, gz_msg(f, path));
	if (got < out->size)
		return fail(IDX_EFORMAT, err, errlen,
			    "%s: truncated: the header announces %zu data bytes, the file has %zu",
			    path, out->size, got);
	if (read_full(f, &extra, 1, &got))
		return fail(IDX_EFORMAT, err, errlen, "%s: gzip stream damaged after the data: %s",
			    path, gz_msg(f, path));
	if (got)
		return fail(IDX_EFORMAT, err, errlen,
			    "%s: bytes after the %zu data bytes the header announces", path, out->size);
	/* A gzip member cut short reads as a clean end; zlib flags it here. */
	if (*gz_msg(f, path))
		return fail(IDX_EFORMAT, err, errlen, "%s: gzip stream damaged: %s", path, gz_msg(f, path));
	return IDX_OK;
}

int idx_load(const char *path, uint32_t ndims, struct idx_array *out,
	     char *err, size_t errlen)
{
	gzFile f;
	int r;

	memset(out, 0, sizeof(*out));
	if (ndims < 1 || ndims > IDX_MAX_DIMS)
		return fail(IDX_EFORMAT, err, errlen, "%s: cannot read %u dimensions", path, ndims);
	errno = 0;
	f = gzopen(path, "rb");
	if (!f)
		return fail(IDX_EIO, err, errlen, "%s: %s", path,
			    errno ? strerror(errno) : "cannot open");
	r = load(f, path, ndims, out, err, errlen);
	gzclose(f);
	if (r)
		idx_free(out);
	return r;
}

void idx_free(struct idx_array *a)
{
	free(a->data);
	memset(a, 0, sizeof(*a));
}
