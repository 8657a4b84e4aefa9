/* SPDX-License-Identifier: MIT */
/*
 * Safetensors reader (internal to libvnpu; the model loader and the tests
 * use it).
 *
 * The format: an 8-byte little-endian header length N, N bytes of JSON
 * {"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]},
 *  "__metadata__": {...}}, then the data; offsets count from the first
 * data byte. Everything is checked before a tensor is handed out: the
 * header length against the file, the JSON, each dtype, shape and offset
 * pair, that a tensor's bytes are exactly its shape times its element
 * size, and that no two tensors overlap. A bad file fails with
 * INVALID_ARGUMENT and a message naming the file, the tensor and what is
 * wrong.
 */
#ifndef VNPU_SAFETENSORS_H
#define VNPU_SAFETENSORS_H

#include <stddef.h>
#include <stdint.h>

#include <vnpu/status.h>

/* Element types a safetensors file may hold (the ones we read). */
enum vnpu_st_dtype {
	VNPU_ST_F32 = 1,
	VNPU_ST_F16,
	VNPU_ST_BF16,
	VNPU_ST_I32,
	VNPU_ST_I64,
	VNPU_ST_U8,
	VNPU_ST_I8,
	VNPU_ST_F64,
	VNPU_ST_F8_E4M3,	/* NVFP4 block scales, MXFP8 elements */
	VNPU_ST_F8_E5M2,
};

#define VNPU_ST_MAX_RANK 8
#define VNPU_ST_MAX_NAME 160
/* Headers above this are refused (real ones are well under 1 MiB). */
#define VNPU_ST_MAX_HEADER (64u << 20)

struct vnpu_st_tensor {
	char name[VNPU_ST_MAX_NAME];
	enum vnpu_st_dtype dtype;
	uint32_t rank;
	uint64_t dims[VNPU_ST_MAX_RANK];
	uint64_t count;		/* elements */
	uint64_t begin, end;	/* byte offsets into the data section */
	const uint8_t *data;	/* begin's address in the mapping */
};

struct vnpu_st_file {
	void *map;		/* whole file (mmap), or NULL for parse_mem */
	size_t map_size;
	uint64_t data_offset;	/* 8 + header length */
	uint32_t count;
	struct vnpu_st_tensor *tensors;	/* in file (data offset) order */
};

/* Bytes of one element of DTYPE; 0 if unknown. */
uint32_t vnpu_st_dtype_size(enum vnpu_st_dtype dtype);
const char *vnpu_st_dtype_name(enum vnpu_st_dtype dtype);

/* Map and check PATH. NOT_FOUND / IO_ERROR for I/O, INVALID_ARGUMENT for
 * a malformed file. */
vnpu_status vnpu_st_open(const char *path, struct vnpu_st_file **out);
/* Check SIZE bytes at DATA (kept, not copied: it must outlive *OUT).
 * WHAT names the source in messages. */
vnpu_status vnpu_st_parse(const void *data, size_t size, const char *what,
			  struct vnpu_st_file **out);
/* The tensor called NAME, or NULL. */
const struct vnpu_st_tensor *vnpu_st_find(const struct vnpu_st_file *f,
					  const char *name);
void vnpu_st_close(struct vnpu_st_file *f);

#endif /* VNPU_SAFETENSORS_H */
