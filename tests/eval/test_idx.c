// SPDX-License-Identifier: GPL-2.0
/*
 * vnpu-eval's IDX reader and data set loader on files made here: a good
 * file (gzip and plain) loads byte for byte; every malformed header,
 * truncation, trailing data and damaged gzip stream fails with
 * IDX_EFORMAT and the exact message; a missing file with IDX_EIO.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "../../tools/vnpu-eval/fmnist.h"
#include "../../tools/vnpu-eval/idx.h"
#include "kselftest_harness.h"

FIXTURE(idx) {
	char dir[64];
	char path[128];
	char err[512];
	struct idx_array a;
};

FIXTURE_SETUP(idx)
{
	strcpy(self->dir, "/tmp/vnpu_idx_XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->path, sizeof(self->path), "%s/f.gz", self->dir);
	memset(&self->a, 0, sizeof(self->a));
}

FIXTURE_TEARDOWN(idx)
{
	char cmd[128];

	idx_free(&self->a);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", self->dir);
	if (system(cmd))
		TH_LOG("could not remove %s", self->dir);
}

/* Write LEN bytes to PATH, gzip-compressed when GZ. */
static int put(const char *path, const void *data, size_t len, int gz)
{
	if (gz) {
		gzFile f = gzopen(path, "wb");
		int ok = f && (len == 0 || gzwrite(f, data, (unsigned int)len) == (int)len);

		return (f && gzclose(f) == Z_OK && ok) ? 0 : -1;
	} else {
		FILE *f = fopen(path, "wb");
		int ok = f && fwrite(data, 1, len, f) == len;

		return (f && !fclose(f) && ok) ? 0 : -1;
	}
}

/* An IDX file of 2 x 2 x 3 bytes 1..12 (14 bytes of header). */
static const uint8_t good3[] = {
	0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 3,
	1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
};

TEST_F(idx, gzip_file_loads_exactly)
{
	ASSERT_EQ(0, put(self->path, good3, sizeof(good3), 1));
	ASSERT_EQ(IDX_OK, idx_load(self->path, 3, &self->a, self->err, sizeof(self->err)));
	ASSERT_EQ(3, self->a.ndims);
	ASSERT_EQ(2, self->a.dims[0]);
	ASSERT_EQ(2, self->a.dims[1]);
	ASSERT_EQ(3, self->a.dims[2]);
	ASSERT_EQ(12, self->a.size);
	ASSERT_EQ(0, memcmp(self->a.data, good3 + 16, 12));
}

TEST_F(idx, plain_file_loads_exactly)
{
	ASSERT_EQ(0, put(self->path, good3, sizeof(good3), 0));
	ASSERT_EQ(IDX_OK, idx_load(self->path, 3, &self->a, self->err, sizeof(self->err)));
	ASSERT_EQ(12, self->a.size);
	ASSERT_EQ(0, memcmp(self->a.data, good3 + 16, 12));
}

/* Load BYTES (gzip) expecting IDX_EFORMAT and the message PATH: WANT. */
static void expect_bad(struct __test_metadata *_metadata, FIXTURE_DATA(idx) *self,
		       const uint8_t *bytes, size_t len, uint32_t ndims, const char *want)
{
	char full[600];

	ASSERT_EQ(0, put(self->path, bytes, len, 1));
	ASSERT_EQ(IDX_EFORMAT, idx_load(self->path, ndims, &self->a, self->err,
					 sizeof(self->err)));
	snprintf(full, sizeof(full), "%s: %s", self->path, want);
	ASSERT_STREQ(full, self->err);
	ASSERT_EQ(NULL, self->a.data);
	ASSERT_EQ(0, self->a.size);
}

TEST_F(idx, bad_magic)
{
	uint8_t b[sizeof(good3)];

	memcpy(b, good3, sizeof(b));
	b[1] = 0x1f;
	expect_bad(_metadata, self, b, sizeof(b), 3,
		   "not an IDX file (magic 00 1f 08 03: the first two bytes must be zero)");
}

TEST_F(idx, element_type_not_bytes)
{
	uint8_t b[sizeof(good3)];

	memcpy(b, good3, sizeof(b));
	b[2] = 0x0d;
	expect_bad(_metadata, self, b, sizeof(b), 3,
		   "element type 0x0d, expected 0x08 (unsigned bytes)");
}

TEST_F(idx, wrong_dimension_count)
{
	expect_bad(_metadata, self, good3, sizeof(good3), 1, "3 dimensions, expected 1");
}

TEST_F(idx, zero_dimension)
{
	uint8_t b[sizeof(good3)];

	memcpy(b, good3, sizeof(b));
	b[11] = 0;
	expect_bad(_metadata, self, b, sizeof(b), 3, "dimension 1 is zero");
}

TEST_F(idx, shorter_than_magic)
{
	expect_bad(_metadata, self, good3, 3, 3,
		   "truncated: 3 bytes, shorter than the 4-byte IDX magic");
	expect_bad(_metadata, self, good3, 0, 3,
		   "truncated: 0 bytes, shorter than the 4-byte IDX magic");
}

TEST_F(idx, truncated_header)
{
	expect_bad(_metadata, self, good3, 9, 3,
		   "truncated in the header (5 of 12 dimension bytes)");
}

TEST_F(idx, truncated_data)
{
	expect_bad(_metadata, self, good3, sizeof(good3) - 1, 3,
		   "truncated: the header announces 12 data bytes, the file has 11");
	expect_bad(_metadata, self, good3, 16, 3,
		   "truncated: the header announces 12 data bytes, the file has 0");
}

TEST_F(idx, bytes_after_the_data)
{
	uint8_t b[sizeof(good3) + 1];

	memcpy(b, good3, sizeof(good3));
	b[sizeof(good3)] = 0;
	expect_bad(_metadata, self, b, sizeof(b), 3,
		   "bytes after the 12 data bytes the header announces");
}

TEST_F(idx, lying_size_is_refused_before_allocating)
{
	static const uint8_t b[] = { 0, 0, 8, 3, 0xff, 0xff, 0xff, 0xff,
				     0xff, 0xff, 0xff, 0xff, 0, 0, 0, 1 };

	expect_bad(_metadata, self, b, sizeof(b), 3,
		   "the header announces more than 1073741824 bytes of data");
}

/* The compressed file with its last CUT bytes removed / byte AT flipped. */
static void damage(struct __test_metadata *_metadata, const char *path, long cut, long at)
{
	FILE *f = fopen(path, "r+b");
	long len;
	int c;

	ASSERT_NE(NULL, f);
	ASSERT_EQ(0, fseek(f, 0, SEEK_END));
	len = ftell(f);
	if (at >= 0) {
		ASSERT_EQ(0, fseek(f, len - at, SEEK_SET));
		c = fgetc(f);
		ASSERT_EQ(0, fseek(f, len - at, SEEK_SET));
		fputc(c ^ 0x55, f);
	}
	ASSERT_EQ(0, fclose(f));
	if (cut)
		ASSERT_EQ(0, truncate(path, len - cut));
}

TEST_F(idx, gzip_cut_short_is_truncated)
{
	char want[256];

	ASSERT_EQ(0, put(self->path, good3, sizeof(good3), 1));
	/* only the 8-byte trailer (CRC, size) missing: all data decodes */
	damage(_metadata, self->path, 8, -1);
	ASSERT_EQ(IDX_EFORMAT, idx_load(self->path, 3, &self->a, self->err, sizeof(self->err)));
	snprintf(want, sizeof(want), "%s: gzip stream damaged: unexpected end of file",
		 self->path);
	ASSERT_STREQ(want, self->err);
}

TEST_F(idx, gzip_bad_checksum)
{
	char want[256];

	ASSERT_EQ(0, put(self->path, good3, sizeof(good3), 1));
	damage(_metadata, self->path, 0, 8);	/* first CRC-32 byte */
	ASSERT_EQ(IDX_EFORMAT, idx_load(self->path, 3, &self->a, self->err, sizeof(self->err)));
	snprintf(want, sizeof(want), "%s: gzip stream damaged: incorrect data check",
		 self->path);
	ASSERT_STREQ(want, self->err);
}

TEST_F(idx, missing_file_is_io_error)
{
	char want[256];

	snprintf(self->path, sizeof(self->path), "%s/none.gz", self->dir);
	ASSERT_EQ(IDX_EIO, idx_load(self->path, 1, &self->a, self->err, sizeof(self->err)));
	snprintf(want, sizeof(want), "%s: No such file or directory", self->path);
	ASSERT_STREQ(want, self->err);
}

/* A data set of N 28x28 images and labels LABELS[0..NL). */
static void write_split(struct __test_metadata *_metadata, const char *dir, uint32_t n,
			const uint8_t *labels, uint32_t nl)
{
	size_t isz = 16 + (size_t)n * 784;
	uint8_t *im = calloc(1, isz), lb[64] = { 0, 0, 8, 1, 0, 0, 0, (uint8_t)nl };
	char path[160];
	uint32_t i;

	ASSERT_NE(NULL, im);
	memcpy(im, (uint8_t[]){ 0, 0, 8, 3, 0, 0, 0, (uint8_t)n, 0, 0, 0, 28, 0, 0, 0, 28 }, 16);
	for (i = 0; i < n * 784; i++)
		im[16 + i] = (uint8_t)(i * 7);
	memcpy(lb + 8, labels, nl);
	snprintf(path, sizeof(path), "%s/train-images-idx3-ubyte.gz", dir);
	ASSERT_EQ(0, put(path, im, isz, 1));
	snprintf(path, sizeof(path), "%s/train-labels-idx1-ubyte", dir);	/* plain */
	ASSERT_EQ(0, put(path, lb, 8 + nl, 0));
	free(im);
}

TEST_F(idx, dataset_pads_and_scales)
{
	struct dataset d;
	uint32_t i;

	write_split(_metadata, self->dir, 3, (const uint8_t[]){ 0, 9, 4 }, 3);
	ASSERT_EQ(IDX_OK, dataset_load(self->dir, "train", &d, self->err, sizeof(self->err)));
	ASSERT_EQ(3, d.n);
	ASSERT_EQ(784, d.dim);
	ASSERT_EQ(800, d.pdim);
	ASSERT_EQ(9, d.y[1]);
	for (i = 0; i < 784; i++)
		ASSERT_EQ((float)(uint8_t)((784 + i) * 7) / 255.0f, d.x[800 + i]);
	for (i = 784; i < 800; i++)
		ASSERT_EQ(0.0f, d.x[800 + i]);
	dataset_truncate(&d, 2);
	ASSERT_EQ(2, d.n);
	dataset_truncate(&d, 5);
	ASSERT_EQ(2, d.n);
	dataset_free(&d);
}

TEST_F(idx, dataset_label_count_mismatch)
{
	struct dataset d;
	char want[512];

	write_split(_metadata, self->dir, 3, (const uint8_t[]){ 0, 9 }, 2);
	ASSERT_EQ(IDX_EFORMAT, dataset_load(self->dir, "train", &d, self->err, sizeof(self->err)));
	snprintf(want, sizeof(want), "%s/train-labels-idx1-ubyte has 2 labels for the 3 images"
		 " of %s/train-images-idx3-ubyte.gz", self->dir, self->dir);
	ASSERT_STREQ(want, self->err);
	ASSERT_EQ(NULL, d.x);
}

TEST_F(idx, dataset_label_out_of_range)
{
	struct dataset d;
	char want[512];

	write_split(_metadata, self->dir, 3, (const uint8_t[]){ 0, 10, 1 }, 3);
	ASSERT_EQ(IDX_EFORMAT, dataset_load(self->dir, "train", &d, self->err, sizeof(self->err)));
	snprintf(want, sizeof(want), "%s/train-labels-idx1-ubyte: label 10 of sample 1 is not"
		 " a class 0..9", self->dir);
	ASSERT_STREQ(want, self->err);
}

TEST_F(idx, dataset_missing_split)
{
	struct dataset d;
	char want[512];

	ASSERT_EQ(IDX_EIO, dataset_load(self->dir, "t10k", &d, self->err, sizeof(self->err)));
	snprintf(want, sizeof(want), "%s/t10k-images-idx3-ubyte.gz: No such file or directory",
		 self->dir);
	ASSERT_STREQ(want, self->err);
}

TEST_HARNESS_MAIN
