/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fashion-MNIST (or any MNIST-shaped data set) from a directory of the
 * four standard IDX files: images are [n, rows, cols] bytes, labels [n]
 * bytes < 10. Images become FP32 rows pixel / 255, zero-padded to a
 * multiple of 32 (the card's matmul K granularity).
 */
#ifndef VNPU_EVAL_FMNIST_H
#define VNPU_EVAL_FMNIST_H

#include <stddef.h>
#include <stdint.h>

#define FMNIST_DEFAULT_DIR "/usr/share/datasets/fashion-mnist"
#define FMNIST_CLASSES 10

struct dataset {
	uint32_t n;		/* samples */
	uint32_t dim;		/* pixels per image (rows * cols) */
	uint32_t pdim;		/* dim rounded up to a multiple of 32 */
	float *x;		/* [n, pdim] */
	uint8_t *y;		/* [n] labels */
};

/*
 * Load split PREFIX ("train" or "t10k") of DIR: PREFIX-images-idx3-ubyte.gz
 * and PREFIX-labels-idx1-ubyte.gz (without .gz when only that exists).
 * Returns IDX_OK, IDX_EFORMAT or IDX_EIO with a message in ERR.
 */
int dataset_load(const char *dir, const char *prefix, struct dataset *out,
		 char *err, size_t errlen);
/* The same from two explicit files. */
int dataset_load_files(const char *images, const char *labels,
		       struct dataset *out, char *err, size_t errlen);
/* Keep only the first N samples (N >= the count keeps all). */
void dataset_truncate(struct dataset *d, uint32_t n);
void dataset_free(struct dataset *d);

#endif /* VNPU_EVAL_FMNIST_H */
