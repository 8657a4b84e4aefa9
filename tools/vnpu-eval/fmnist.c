// SPDX-License-Identifier: GPL-2.0
/* Fashion-MNIST splits: two IDX files checked against each other. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fmnist.h"
#include "idx.h"

int dataset_load_files(const char *images, const char *labels,
		       struct dataset *out, char *err, size_t errlen)
{
	struct idx_array im, lb;
	uint32_t i, j;
	int r;

	memset(out, 0, sizeof(*out));
	r = idx_load(images, 3, &im, err, errlen);
	if (r)
		return r;
	r = idx_load(labels, 1, &lb, err, errlen);
	if (r) {
		idx_free(&im);
		return r;
	}
	if (lb.dims[0] != im.dims[0]) {
		snprintf(err, errlen, "%s has %u labels for the %u images of %s", labels,
			 lb.dims[0], im.dims[0], images);
		r = IDX_EFORMAT;
		goto out;
	}
	if ((uint64_t)im.dims[1] * im.dims[2] > 65536) {
		snprintf(err, errlen, "%s: images of %ux%u pixels are too large (65536 at most)",
			 images, im.dims[1], im.dims[2]);
		r = IDX_EFORMAT;
		goto out;
	}
	for (i = 0; i < lb.dims[0]; i++) {
		if (lb.data[i] >= FMNIST_CLASSES) {
			snprintf(err, errlen, "%s: label %u of sample %u is not a class 0..%d",
				 labels, lb.data[i], i, FMNIST_CLASSES - 1);
			r = IDX_EFORMAT;
			goto out;
		}
	}
	out->n = im.dims[0];
	out->dim = im.dims[1] * im.dims[2];
	out->pdim = (out->dim + 31) / 32 * 32;
	out->x = calloc((size_t)out->n * out->pdim, sizeof(float));
	if (!out->x) {
		snprintf(err, errlen, "out of memory for %u images", out->n);
		r = IDX_EIO;
		goto out;
	}
	for (i = 0; i < out->n; i++)
		for (j = 0; j < out->dim; j++)
			out->x[(size_t)i * out->pdim + j] = im.data[(size_t)i * out->dim + j] / 255.0f;
	out->y = lb.data;
	lb.data = NULL;
out:
	idx_free(&im);
	idx_free(&lb);
	if (r)
		dataset_free(out);
	return r;
}

/* DIR/PREFIX-KIND-idxN-ubyte.gz, or the name without .gz if only it exists. */
static void split_path(char *buf, size_t len, const char *dir, const char *prefix,
		       const char *kind)
{
	snprintf(buf, len, "%s/%s-%s-ubyte.gz", dir, prefix, kind);
	if (access(buf, F_OK)) {
		snprintf(buf, len, "%s/%s-%s-ubyte", dir, prefix, kind);
		if (access(buf, F_OK))
			snprintf(buf, len, "%s/%s-%s-ubyte.gz", dir, prefix, kind);
	}
}

int dataset_load(const char *dir, const char *prefix, struct dataset *out,
		 char *err, size_t errlen)
{
	char im[4096], lb[4096];

	split_path(im, sizeof(im), dir, prefix, "images-idx3");
	split_path(lb, sizeof(lb), dir, prefix, "labels-idx1");
	return dataset_load_files(im, lb, out, err, errlen);
}

void dataset_truncate(struct dataset *d, uint32_t n)
{
	if (n < d->n)
		d->n = n;
}

void dataset_free(struct dataset *d)
{
	free(d->x);
	free(d->y);
	memset(d, 0, sizeof(*d));
}
