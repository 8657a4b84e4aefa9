/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Rewrite a version 2 program file (a program without states) as the
 * version 1 file an older libvnpu saved: five sections (no STATES), a
 * 64-byte META, the same checksummed layout. Tests and the loader fuzzer
 * use it to keep version 1 files loading.
 */
#ifndef PROG_V1_H
#define PROG_V1_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

uint32_t vnpu_crc32(uint32_t crc, const void *data, size_t len);

/* The version 1 file of V2 (N bytes) in *OUT (malloc'ed): its size, or 0
 * if V2 is not a well-formed version 2 file without states. */
static inline size_t prog_to_v1(const uint8_t *v2, size_t n, uint8_t **out)
{
	uint64_t off[6], len[6], pos;
	uint32_t i, v, crc;
	uint8_t *f;

	*out = NULL;
	if (n < 32 + 6 * 32 || (memcpy(&v, v2 + 8, 4), v != 2))
		return 0;
	for (i = 0; i < 6; i++) {
		memcpy(&off[i], v2 + 32 + 32 * i + 8, 8);
		memcpy(&len[i], v2 + 32 + 32 * i + 16, 8);
		if (off[i] > n || len[i] > n - off[i])
			return 0;
	}
	if (len[5] || len[0] != 72)
		return 0;
	f = calloc(1, n);
	if (!f)
		return 0;
	len[0] = 64;
	pos = 32 + 5 * 32;
	for (i = 0; i < 5; i++) {
		uint8_t *e = f + 32 + 32 * i;

		if (i == 3)
			pos = (pos + 63) / 64 * 64;
		memcpy(f + pos, v2 + off[i], len[i]);
		crc = vnpu_crc32(0, f + pos, len[i]);
		memcpy(e, &(uint32_t){ i + 1 }, 4);
		memcpy(e + 8, &pos, 8);
		memcpy(e + 16, &len[i], 8);
		memcpy(e + 24, &crc, 4);
		pos += len[i];
	}
	memcpy(f, v2, 32);
	memcpy(f + 8, &(uint32_t){ 1 }, 4);
	memcpy(f + 12, &(uint32_t){ 5 }, 4);
	memcpy(f + 16, &pos, 8);
	memset(f + 28, 0, 4);
	crc = vnpu_crc32(0, f, 32 + 5 * 32);
	memcpy(f + 28, &crc, 4);
	*out = f;
	return pos;
}

#endif /* PROG_V1_H */
