// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target of the program loader (vnpu_program_load_mem).
 *
 * Program files are checksummed, so blind mutations would almost never
 * get past the CRCs. A custom mutator therefore repairs the checksums of
 * most mutants (the layout's own fields are left as mutated), and turns a
 * too-short input into a valid program compiled at start-up, so an empty
 * corpus starts from a real file. Whatever loads is dumped and saved
 * again, exercising the rest of what reads a loaded program.
 *
 *   make build/fuzz/fuzz_program_load
 *   build/fuzz/fuzz_program_load -max_total_time=600 corpus/
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <vnpu/vnpu.h>

size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size,
			       unsigned int seed);
/* The library's CRC-32 (linked in from its sources). */
uint32_t vnpu_crc32(uint32_t crc, const void *data, size_t len);

static uint8_t *seed_file;
static size_t seed_size;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	uint32_t dx[2] = { 2, 32 }, dw[2] = { 32, 32 }, dn[3] = { 2, 2, 16 };
	static float w[32 * 32];
	vnpu_tensor x, tw, a, b, y;
	vnpu_program *p = NULL;
	vnpu_graph *g = NULL;
	void *f;
	int i;

	for (i = 0; i < 32 * 32; i++)
		w[i] = (float)((i * 37) % 17) / 8 - 1;
	if (vnpu_graph_create(&g) ||
	    vnpu_graph_input(g, "x", VNPU_DTYPE_FP32, 2, dx, &x) ||
	    vnpu_graph_constant(g, "w", VNPU_DTYPE_FP32, 2, dw, w, sizeof(w), 0, &tw) ||
	    vnpu_graph_matmul(g, "mm", x, tw, 0, VNPU_ACTIVATION_GELU, VNPU_DTYPE_FP32, &a) ||
	    vnpu_graph_reshape(g, "r", a, 3, dn, &b) ||
	    vnpu_graph_rope(g, "rope", b, 3, 10000.0f, 1, &b) ||
	    vnpu_graph_softmax(g, "sm", b, 1, 0, &b) ||
	    vnpu_graph_quantize(g, "q", b, VNPU_DTYPE_MXFP4, 0, &y) ||
	    vnpu_graph_output(g, y) ||
	    vnpu_graph_compile(g, NULL, NULL, &p) ||
	    vnpu_program_save_mem(p, &f, &seed_size))
		abort();
	seed_file = f;
	vnpu_program_destroy(p);
	vnpu_graph_destroy(g);
	return 0;
}

/* Recompute the section and header checksums where the table allows. */
static void fix_crcs(uint8_t *d, size_t size)
{
	uint64_t off, len;
	uint32_t crc, i;

	if (size < 32 + 5 * 32)
		return;
	for (i = 0; i < 5; i++) {
		uint8_t *e = d + 32 + 32 * i;

		memcpy(&off, e + 8, 8);
		memcpy(&len, e + 16, 8);
		if (off <= size && len <= size - off) {
			crc = vnpu_crc32(0, d + off, len);
			memcpy(e + 24, &crc, 4);
		}
	}
	memset(d + 28, 0, 4);
	crc = vnpu_crc32(0, d, 32 + 5 * 32);
	memcpy(d + 28, &crc, 4);
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size,
			       unsigned int seed)
{
	if (size < 32 && seed_size <= max_size) {
		memcpy(data, seed_file, seed_size);
		return seed_size;
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
