// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target of the program loader (vnpu_program_load_mem).
 *
 * Program files are checksummed, so blind mutations would almost never
 * get past the CRCs. A custom mutator therefore repairs the checksums of
 * most mutants (the layout's own fields are left as mutated), and turns a
 * too-short input into a valid program compiled at start-up, so an empty
 * corpus starts from a real file (a version 2 file with a state, or the
 * version 1 file of a program without one). Whatever loads is dumped and
 * saved again, exercising the rest of what reads a loaded program.
 *
 *   make build/fuzz/fuzz_program_load
 *   build/fuzz/fuzz_program_load -max_total_time=600 corpus/
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <vnpu/vnpu.h>

#include "prog_v1.h"

size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size,
			       unsigned int seed);
static uint8_t *seed_file[2];
static size_t seed_size[2];

/* The seed program; STATE: with a state tensor (else a version 1 file). */
static void make_seed(int state)
{
	uint32_t dx[2] = { 2, 32 }, dw[2] = { 32, 32 }, dn[3] = { 2, 2, 16 };
	static float w[32 * 32];
	vnpu_tensor x, tw, a, b, y, s;
	vnpu_program *p = NULL;
	vnpu_graph *g = NULL;
	size_t n;
	void *f;
	int i;

	for (i = 0; i < 32 * 32; i++)
		w[i] = (float)((i * 37) % 17) / 8 - 1;
	if (vnpu_graph_create(&g) ||
	    vnpu_graph_input(g, "x", VNPU_DTYPE_FP32, 2, dx, &x) ||
	    vnpu_graph_constant(g, "w", VNPU_DTYPE_FP32, 2, dw, w, sizeof(w), 0, &tw) ||
	    vnpu_graph_matmul(g, "mm", x, tw, 0, VNPU_ACTIVATION_GELU, VNPU_DTYPE_FP32, &a) ||
	    vnpu_graph_reshape(g, "r", a, 3, dn, &b) ||
	    vnpu_graph_rope(g, "rope", b, 3, 10000.0f, 1, &b))
		abort();
	if (state && (vnpu_graph_state(g, "s", VNPU_DTYPE_FP32, 3, dn, &s) ||
		      vnpu_graph_add(g, "acc", b, s, &b) ||
		      vnpu_graph_assign(g, "keep", s, b)))
		abort();
	if (vnpu_graph_softmax(g, "sm", b, 1, 0, &b) ||
	    vnpu_graph_quantize(g, "q", b, VNPU_DTYPE_MXFP4, 0, &y) ||
	    vnpu_graph_output(g, y) ||
	    vnpu_graph_compile(g, NULL, NULL, &p) ||
	    vnpu_program_save_mem(p, &f, &n))
		abort();
	if (state) {
		seed_file[0] = f;
		seed_size[0] = n;
	} else {
		seed_size[1] = prog_to_v1(f, n, &seed_file[1]);
		free(f);
		if (!seed_size[1])
			abort();
	}
	vnpu_program_destroy(p);
	vnpu_graph_destroy(g);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	make_seed(1);
	make_seed(0);
	return 0;
}

/* Recompute the section and header checksums where the table allows. */
static void fix_crcs(uint8_t *d, size_t size)
{
	uint64_t off, len;
	uint32_t crc, i, nsect;

	if (size < 32 + 5 * 32)
		return;
	memcpy(&nsect, d + 12, 4);
	nsect = nsect == 5 ? 5 : 6;
	if (size < 32 + nsect * 32)
		return;
	for (i = 0; i < nsect; i++) {
		uint8_t *e = d + 32 + 32 * i;

		memcpy(&off, e + 8, 8);
		memcpy(&len, e + 16, 8);
		if (off <= size && len <= size - off) {
			crc = vnpu_crc32(0, d + off, len);
			memcpy(e + 24, &crc, 4);
		}
	}
	memset(d + 28, 0, 4);
	crc = vnpu_crc32(0, d, 32 + nsect * 32);
	memcpy(d + 28, &crc, 4);
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size,
			       unsigned int seed)
{
	int k = seed & 1;

	if (size < 32 && seed_size[k] <= max_size) {
		memcpy(data, seed_file[k], seed_size[k]);
		return seed_size[k];
	}
	size = LLVMFuzzerMutate(data, size, max_size);
	if (seed % 8)
		fix_crcs(data, size);
	return size;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vnpu_program *p = NULL;
	size_t n;
	void *f;

	if (vnpu_program_load_mem(data, size, &p))
		return 0;
	vnpu_program_dump(p, VNPU_DUMP_TEXT, NULL, 0, &n);
	if (!vnpu_program_save_mem(p, &f, &n))
		free(f);
	vnpu_program_destroy(p);
	return 0;
}
