/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IDX files (the MNIST family's format), plain or gzip-compressed:
 *   bytes 0-1  zero
 *   byte  2    element type (0x08: unsigned bytes, the only one read here)
 *   byte  3    number of dimensions
 *   then one big-endian uint32 per dimension, then the elements, row-major.
 * The loader checks every header field against what the caller expects,
 * reads exactly the elements the header announces and rejects a short
 * file, bytes after the data and a damaged gzip stream, each with a
 * message naming the file and the problem.
 */
#ifndef VNPU_EVAL_IDX_H
#define VNPU_EVAL_IDX_H

#include <stddef.h>
#include <stdint.h>

#define IDX_MAX_DIMS 4
#define IDX_TYPE_U8 0x08
/* Refuse headers announcing more than this (a lying header, not data). */
#define IDX_MAX_BYTES (1ull << 30)

/* idx_load() results */
#define IDX_OK 0
#define IDX_EFORMAT 1	/* the file is not what it should be */
#define IDX_EIO 2	/* cannot open or read it */

struct idx_array {
	uint32_t ndims;
	uint32_t dims[IDX_MAX_DIMS];
	uint8_t *data;		/* dims[0] * ... * dims[ndims - 1] bytes */
	size_t size;
};

/*
 * Load PATH, which must hold unsigned bytes in NDIMS dimensions, into
 * *OUT (idx_free() releases it). On failure returns IDX_EFORMAT or
 * IDX_EIO, leaves *OUT empty and writes a message into ERR (ERRLEN bytes).
 */
int idx_load(const char *path, uint32_t ndims, struct idx_array *out,
	     char *err, size_t errlen);
void idx_free(struct idx_array *a);

#endif /* VNPU_EVAL_IDX_H */
