/* SPDX-License-Identifier: GPL-2.0 */
/* Test helpers: write small safetensors models and broken files. */
#ifndef MODEL_UTIL_H
#define MODEL_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include <vnpu/vnpu.h>

/* vnpu_init() ignoring the environment (the tests choose devices). */
vnpu_status mu_init_noenv(void);
/* The shapes of the tests' model (64 wide, 2 layers, GQA 4/2, vocab 96). */
void mu_config(vnpu_model_config *c);
/* Write DIR/config.json and DIR/model.safetensors for C (F32 or BF16
 * tensors), weights from SEED. 0 on success. */
int mu_write_model(const char *dir, const vnpu_model_config *c, uint64_t seed,
		   int bf16);
/* Write SIZE bytes to PATH. */
int mu_write_file(const char *path, const void *data, size_t size);
/* A safetensors file: 8-byte length + HEADER (as given) + DATA_SIZE zero
 * bytes, into a malloc'ed buffer (*SIZE its length). */
uint8_t *mu_st_bytes(const char *header, size_t data_size, size_t *size);

#endif
