// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target of the safetensors reader and config checks: any bytes
 * must be rejected with a message or accepted with every tensor's bytes
 * inside the data section; accepted files are then read in full (ASan
 * catches any pointer the checks let through).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vnpu/vnpu.h>

#include "vnpu_safetensors.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vnpu_st_file *f;
	uint8_t *copy = malloc(size ? size : 1);	/* exact size: ASan sees overreads */
	volatile uint32_t sum = 0;

	memcpy(copy, data, size);
	if (vnpu_st_parse(copy, size, "fuzz", &f) == VNPU_STATUS_OK) {
		for (uint32_t i = 0; i < f->count; i++) {
			const struct vnpu_st_tensor *t = &f->tensors[i];

			if (t->data < copy || t->end < t->begin ||
			    t->data + (t->end - t->begin) > copy + size)
				abort();
			for (uint64_t k = 0; k < t->end - t->begin; k++)
				sum += t->data[k];
			if (vnpu_st_find(f, t->name) == NULL)
				abort();
		}
		vnpu_st_close(f);
	} else if (!vnpu_last_error()[0]) {
		abort();	/* a failure always says why */
	}
	free(copy);
	return 0;
}
