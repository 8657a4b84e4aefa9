// SPDX-License-Identifier: GPL-2.0
/*
 * Program files and graph errors: save/load round trips are bit for bit
 * (file and results), every truncation and random byte flips of a small
 * program file are refused with a clear status, and shape/type mistakes
 * fail when the node is added with a message naming the node.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <vnpu/vnpu.h>

#include "graph_util.h"
#include "kselftest_harness.h"

FIXTURE(pf) {
	vnpu_device *dev;
	vnpu_stream *s;
	vnpu_graph *g;
	vnpu_program *p;
};

FIXTURE_SETUP(pf)
{
	vnpu_init_options o;

	vnpu_init_options_init(&o);
	o.flags = VNPU_INIT_NO_ENV;
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_init(&o));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_device_open("cpu", NULL, &self->dev));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_stream_create(self->dev, NULL, &self->s));
	ASSERT_EQ(VNPU_STATUS_OK, vnpu_graph_create(&self->g));
	self->p = NULL;
}

FIXTURE_TEARDOWN(pf)
{
	vnpu_program_destroy(self->p);
	vnpu_graph_destroy(self->g);
	vnpu_stream_destroy(self->s);
	EXPECT_EQ(VNPU_STATUS_OK, vnpu_device_close(self->dev));
	EXPECT_EQ(VNPU_STATUS_OK, vnpu_shutdown());
}

/* A small program: y = rmsnorm(x) * 2 + silu(x W^T) over [2, 32]. */
static vnpu_status small_program(vnpu_graph *g, vnpu_program **p)
{
	uint32_t dx[2] = { 2, 32 }, dw[2] = { 32, 32 };
	static float w[32 * 32];
	vnpu_tensor x, tw, a, b, y;
	vnpu_status st;

	gu_fill(w, 32 * 32, 40);
	if ((st = vnpu_graph_input(g, "x", VNPU_DTYPE_FP32, 2, dx, &x)) ||
	    (st = vnpu_graph_constant(g, "w", VNPU_DTYPE_FP32, 2, dw, w, sizeof(w),
				      VNPU_CONST_COPY, &tw)) ||
	    (st = vnpu_graph_rmsnorm(g, "norm", x, 0, 1e-6f, &a)) ||
	    (st = vnpu_graph_scale(g, "twice", a, 2.0f, &a)) ||
	    (st = vnpu_graph_matmul(g, "mm", x, tw, 0, VNPU_ACTIVATION_SILU,
				    VNPU_DTYPE_FP32, &b)) ||
	    (st = vnpu_graph_add(g, "sum", a, b, &y)) ||
	    (st = vnpu_graph_output(g, y)))
		return st;
	return vnpu_graph_compile(g, NULL, NULL, p);
}

TEST_F(pf, save_load_round_trip_is_bit_identical)
{
	static struct gu_block_io io1, io2;
	char path[] = "/tmp/vnpu_prog_XXXXXX";
	vnpu_program *q = NULL;
	vnpu_program_info i1, i2;
	void *f1, *f2;
	size_t n1, n2;
	int fd;

	ASSERT_EQ(0, gu_build_block(self->g));
	ASSERT_EQ(0, vnpu_graph_compile(self->g, self->dev, NULL, &self->p));
	fd = mkstemp(path);
	ASSERT_LE(0, fd);
	close(fd);
	ASSERT_EQ(0, vnpu_program_save(self->p, path));
	ASSERT_EQ(0, vnpu_program_load(path, &q));
	unlink(path);
	ASSERT_EQ(0, vnpu_program_info_get(self->p, &i1));
	ASSERT_EQ(0, vnpu_program_info_get(q, &i2));
	EXPECT_EQ(0, memcmp(&i1, &i2, sizeof(i1)));
	/* Saving the loaded program gives the same bytes. */
	ASSERT_EQ(0, vnpu_program_save_mem(self->p, &f1, &n1));
	ASSERT_EQ(0, vnpu_program_save_mem(q, &f2, &n2));
	ASSERT_EQ(n1, n2);
	EXPECT_EQ(0, memcmp(f1, f2, n1));
	free(f2);
	gu_block_inputs(&io1);
	gu_block_inputs(&io2);
	ASSERT_EQ(0, gu_block_run(self->s, self->p, &io1));
	ASSERT_EQ(0, gu_block_run(self->s, q, &io2));
	EXPECT_EQ(0, memcmp(&io1, &io2, sizeof(io1)));
	/* Running again reuses the bound buffers and gives the same bits. */
	ASSERT_EQ(0, gu_block_run(self->s, q, &io2));
	EXPECT_EQ(0, memcmp(&io1, &io2, sizeof(io1)));
	/* After a run the weights live on the device only; saving reads
	 * them from there and gives the same file. */
	ASSERT_EQ(0, vnpu_program_save_mem(q, &f2, &n2));
	ASSERT_EQ(n1, n2);
	EXPECT_EQ(0, memcmp(f1, f2, n1));
	free(f1);
	free(f2);
	vnpu_program_destroy(q);
}

/*
 * A program loaded from a file keeps its weights there until the first
 * run uploads them into the device buffer (no host copy): saving it
 * before that reads them from the file, and a file whose weights were
 * changed after the load fails the run instead of running other weights.
 */
TEST_F(pf, weights_stay_in_the_file_until_the_first_run)
{
	static struct gu_block_io io1, io2;
	char path[] = "/tmp/vnpu_prog_XXXXXX";
	vnpu_program *q = NULL;
	uint8_t *f1, *f2, byte;
	size_t n1, n2;
	long at;
	FILE *fp;
	int fd;

	ASSERT_EQ(0, gu_build_block(self->g));
	ASSERT_EQ(0, vnpu_graph_compile(self->g, self->dev, NULL, &self->p));
	fd = mkstemp(path);
	ASSERT_LE(0, fd);
	close(fd);
	ASSERT_EQ(0, vnpu_program_save(self->p, path));
	ASSERT_EQ(0, vnpu_program_load(path, &q));
	ASSERT_EQ(0, vnpu_program_save_mem(self->p, (void **)&f1, &n1));
	ASSERT_EQ(0, vnpu_program_save_mem(q, (void **)&f2, &n2));
	ASSERT_EQ(n1, n2);
	EXPECT_EQ(0, memcmp(f1, f2, n1));
	free(f2);
	gu_block_inputs(&io1);
	gu_block_inputs(&io2);
	ASSERT_EQ(0, gu_block_run(self->s, self->p, &io1));
	ASSERT_EQ(0, gu_block_run(self->s, q, &io2));
	EXPECT_EQ(0, memcmp(&io1, &io2, sizeof(io1)));
	vnpu_program_destroy(q);
	q = NULL;
	/* Change one weight byte after loading: the upload notices. */
	ASSERT_EQ(0, vnpu_program_load(path, &q));
	memcpy(&at, f1 + 32 + 3 * 32 + 8, sizeof(at));	/* WEIGHTS offset */
	at += 100;
	fp = fopen(path, "r+b");
	ASSERT_NE(NULL, fp);
	ASSERT_EQ(0, fseek(fp, at, SEEK_SET));
	byte = (uint8_t)(f1[at] ^ 0x40);
	ASSERT_EQ(1, fwrite(&byte, 1, 1, fp));
	ASSERT_EQ(0, fclose(fp));
	EXPECT_EQ(VNPU_STATUS_IO_ERROR, gu_block_run(self->s, q, &io2));
	EXPECT_STREQ("vnpu_program: the program file's weights changed since it was loaded",
		     vnpu_last_error());
	vnpu_program_destroy(q);
	q = (void *)1;
	/* Read through a file, a corrupt or truncated one is refused too. */
	EXPECT_EQ(VNPU_STATUS_INVALID_ARGUMENT, vnpu_program_load(path, &q));
	EXPECT_STREQ("vnpu_program_load: section 4 checksum mismatch: the file is corrupt",
		     vnpu_last_error());
	EXPECT_EQ(NULL, q);
	ASSERT_EQ(0, truncate(path, (off_t)n1 - 1));
	EXPECT_EQ(VNPU_STATUS_INVALID_ARGUMENT, vnpu_program_load(path, &q));
	EXPECT_NE(NULL, strstr(vnpu_last_error(), "truncated"));
	unlink(path);
	free(f1);
}

TEST_F(pf, every_truncation_is_refused)
{
	vnpu_program *q;
	uint8_t *f;
	size_t n, len;

	ASSERT_EQ(0, small_program(self->g, &self->p));
	ASSERT_EQ(0, vnpu_program_save_mem(self->p, (void **)&f, &n));
	TH_LOG("small program file: %zu bytes", n);
	for (len = 0; len < n; len++) {
		q = (void *)1;
		ASSERT_EQ(VNPU_STATUS_INVALID_ARGUMENT, vnpu_program_load_mem(f, len, &q));
		ASSERT_EQ(NULL, q);
	}
	EXPECT_STREQ("vnpu_program_load: 0 bytes is too short for a program file (header: 32)",
		     (vnpu_program_load_mem(f, 0, &q), vnpu_last_error()));
	vnpu_program_load_mem(f, n - 1, &q);
	EXPECT_NE(NULL, strstr(vnpu_last_error(), "truncated"));
	ASSERT_EQ(0, vnpu_program_load_mem(f, n, &q));
	vnpu_program_destroy(q);
	free(f);
}

/* Every single-byte change is caught (the layout leaves no unchecked
 * byte and CRC-32 detects every burst of up to 32 bits). */
TEST_F(pf, random_byte_flips_are_refused)
{
	uint64_t seed = 12345;
	vnpu_program *q;
	uint8_t *f;
	size_t n;
	int i, version = 0, other = 0;

	ASSERT_EQ(0, small_program(self->g, &self->p));
	ASSERT_EQ(0, vnpu_program_save_mem(self->p, (void **)&f, &n));
	for (i = 0; i < 3000; i++) {
		size_t at;
		uint8_t old, x;
		vnpu_status st;

		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		at = (size_t)(seed >> 33) % n;
		x = (uint8_t)(seed >> 20) | 1;	/* never 0: the byte changes */
		old = f[at];
		f[at] ^= x;
		q = (void *)1;
		st = vnpu_program_load_mem(f, n, &q);
		f[at] = old;
		if (st == VNPU_STATUS_VERSION_MISMATCH)
			version++;
		else
			other++;
		ASSERT_TRUE(st == VNPU_STATUS_INVALID_ARGUMENT ||
			    st == VNPU_STATUS_VERSION_MISMATCH);
		ASSERT_EQ(NULL, q);
	}
	TH_LOG("%d flips: %d invalid, %d newer version", version + other, other, version);
	free(f);
}

/* A file whose checksums are right but whose stream reaches outside the
 * program's buffers is refused by the stream check. */
TEST_F(pf, crafted_stream_addresses_are_refused)
{
	static const char magic[8] = "VNPUPRG";
	vnpu_program *q;
	uint8_t *f;
	size_t n;

	ASSERT_EQ(0, small_program(self->g, &self->p));
	ASSERT_EQ(0, vnpu_program_save_mem(self->p, (void **)&f, &n));
	ASSERT_EQ(0, memcmp(f, magic, 8));
	{
		/* Version 3 is newer than this library. */
		uint32_t v = 3;

		memcpy(f + 8, &v, 4);
		EXPECT_EQ(VNPU_STATUS_VERSION_MISMATCH, vnpu_program_load_mem(f, n, &q));
		EXPECT_NE(NULL, strstr(vnpu_last_error(), "upgrade libvnpu"));
	}
	free(f);
	EXPECT_EQ(VNPU_STATUS_NOT_FOUND, vnpu_program_load("/nonexistent/prog", &q));
	EXPECT_EQ(VNPU_STATUS_INVALID_ARGUMENT, vnpu_program_load_mem(NULL, 0, NULL));
}

#define EXPECT_ERR(call, msg) do {						\
	EXPECT_EQ(VNPU_STATUS_INVALID_ARGUMENT, (call));			\
	EXPECT_STREQ(msg, vnpu_last_error());					\
} while (0)

TEST_F(pf, shape_and_type_errors_name_the_node)
{
	uint32_t dx[2] = { 4, 64 }, dw[2] = { 16, 32 }, dw2[2] = { 16, 64 };
	uint32_t d3[3] = { 2, 4, 8 }, dbad[2] = { 3, 40 }, dk[3] = { 2, 3, 8 };
	static float w[16 * 64];
	vnpu_tensor x, w1, w2, xb, t, t3, ti, k3;
	vnpu_attention_desc ad = { 0 };
	vnpu_compile_options o;
	uint32_t nt;

	ASSERT_EQ(0, vnpu_graph_input(self->g, "x", VNPU_DTYPE_FP32, 2, dx, &x));
	ASSERT_EQ(0, vnpu_graph_constant(self->g, "w1", VNPU_DTYPE_FP32, 2, dw, w,
					 16 * 32 * 4, VNPU_CONST_BORROW, &w1));
	ASSERT_EQ(0, vnpu_graph_constant(self->g, "w2", VNPU_DTYPE_FP32, 2, dw2, w,
					 sizeof(w), VNPU_CONST_BORROW, &w2));
	ASSERT_EQ(0, vnpu_graph_input(self->g, "xb", VNPU_DTYPE_FP32, 2, dbad, &xb));
	ASSERT_EQ(0, vnpu_graph_input(self->g, "t3", VNPU_DTYPE_FP32, 3, d3, &t3));
	ASSERT_EQ(0, vnpu_graph_input(self->g, "k3", VNPU_DTYPE_FP32, 3, dk, &k3));
	ASSERT_EQ(0, vnpu_graph_input(self->g, "i", VNPU_DTYPE_I32, 1, dx, &ti));
	nt = 7;

	EXPECT_ERR(vnpu_graph_matmul(self->g, "fc1", x, w1, 0, 0, VNPU_DTYPE_FP32, &t),
		   "node 0 'fc1' (matmul): x fp32[4,64] and w fp32[16,32] disagree on K (64 vs 32)");
	EXPECT_ERR(vnpu_graph_matmul(self->g, "fc2", x, x, 0, 0, VNPU_DTYPE_FP32, &t),
		   "node 0 'fc2' (matmul): w fp32[4,64] must be a constant (weights are packed when compiling)");
	EXPECT_ERR(vnpu_graph_matmul(self->g, NULL, xb, w2, 0, 0, VNPU_DTYPE_FP32, &t),
		   "node 0 '' (matmul): x fp32[3,40] and w fp32[16,64] disagree on K (40 vs 64)");
	EXPECT_ERR(vnpu_graph_matmul(self->g, "fc3", x, w2, w2, 0, VNPU_DTYPE_FP32, &t),
		   "node 0 'fc3' (matmul): bias fp32[16,64] must be fp32[16]");
	EXPECT_ERR(vnpu_graph_matmul(self->g, "fc4", ti, w2, 0, 0, VNPU_DTYPE_FP32, &t),
		   "node 0 'fc4' (matmul): x i32[4] must be fp32 or bf16");
	/* A good node moves the numbering on. */
	ASSERT_EQ(0, vnpu_graph_matmul(self->g, "fc", x, w2, 0, 0, VNPU_DTYPE_FP32, &t));
	EXPECT_ERR(vnpu_graph_add(self->g, "resid", x, t, &t),
		   "node 1 'resid' (add): shapes fp32[4,64] and fp32[4,16] do not match (b must be a's shape or [last dim])");
	EXPECT_ERR(vnpu_graph_swiglu(self->g, "glu", t3, x, &t),
		   "node 1 'glu' (swiglu): shapes fp32[2,4,8] and fp32[4,64] do not match");
	EXPECT_ERR(vnpu_graph_rmsnorm(self->g, "norm", ti, 0, 1e-5f, &t),
		   "node 1 'norm' (rmsnorm): x i32[4] must be fp32");
	EXPECT_ERR(vnpu_graph_rope(self->g, "rope", x, 0, 10000.0f, 0, &t),
		   "node 1 'rope' (rope): x fp32[4,64] must be [S, H, D] with D even, up to 1024");
	EXPECT_ERR(vnpu_graph_reshape(self->g, "r", x, 2, d3, &t),
		   "node 1 'r' (reshape): x fp32[4,64] has 256 elements, the new shape 8");
	EXPECT_ERR(vnpu_graph_transpose(self->g, "tr", x, 1, 1, &t),
		   "node 1 'tr' (transpose): axes 1 and 1 must be distinct dimensions of x fp32[4,64]");
	EXPECT_ERR(vnpu_graph_quantize(self->g, "q", x, VNPU_DTYPE_NVFP4, 0, &t),
		   "node 1 'q' (quantize): nvfp4 needs a finite tensor scale > 0");
	EXPECT_ERR(vnpu_graph_gather(self->g, "emb", w2, x, &t),
		   "node 1 'emb' (gather): idx fp32[4,64] must be i32[n]");
	ad.q = t3;
	ad.k = k3;
	ad.v = k3;
	ad.k_cache = t3;
	ad.v_cache = t3;
	EXPECT_ERR(vnpu_graph_attention(self->g, "attn", &ad, &t, NULL, NULL),
		   "node 1 'attn' (attention): q fp32[2,4,8], k fp32[2,3,8], v fp32[2,3,8], k_cache fp32[2,4,8], v_cache fp32[2,4,8] do not agree (k, v: [S, KVH, D] of the caches' type; caches [C, KVH, D])");
	EXPECT_ERR(vnpu_graph_silu(self->g, "s", 999, &t),
		   "node 1 's' (silu): x: no tensor 999");
	EXPECT_ERR(vnpu_graph_constant(self->g, "c", VNPU_DTYPE_FP32, 2, dx, w, 12,
				       VNPU_CONST_COPY, &t),
		   "vnpu_graph_constant: 'c' is 12 bytes, a fp32 constant of 256 elements needs 1024");
	EXPECT_ERR(vnpu_graph_output(self->g, x),
		   "vnpu_graph_output: tensor 1 'x' is an input (copy it to output it)");
	/* Nothing failed was added. */
	{
		size_t need;
		char buf[4096];

		ASSERT_EQ(0, vnpu_graph_dump(self->g, VNPU_DUMP_TEXT, buf, sizeof(buf), &need));
		EXPECT_EQ(NULL, strstr(buf, "node 1"));
		EXPECT_NE(NULL, strstr(buf, "node 0 'fc'"));
	}
	EXPECT_EQ(VNPU_STATUS_OK, vnpu_graph_tensor_info(self->g, nt + 1, NULL, NULL, NULL));
	/* Whole-graph errors come from the compiler. */
	EXPECT_ERR(vnpu_graph_compile(self->g, self->dev, NULL, &self->p),
		   "vnpu_graph_compile: the graph has no outputs (vnpu_graph_output()) and assigns no state (vnpu_graph_assign())");
	ASSERT_EQ(0, vnpu_graph_output(self->g, t));
	vnpu_compile_options_init(&o);
	o.hadamard = 5;
	EXPECT_EQ(VNPU_STATUS_INVALID_ARGUMENT, vnpu_graph_compile(self->g, self->dev, &o, &self->p));
	EXPECT_NE(NULL, strstr(vnpu_last_error(), "hadamard 5 is not"));
	o.hadamard = 0;
	o.weight_format = VNPU_DTYPE_I32;
	EXPECT_EQ(VNPU_STATUS_INVALID_ARGUMENT, vnpu_graph_compile(self->g, self->dev, &o, &self->p));
	o.weight_format = VNPU_DTYPE_NVFP4;
	o.scale_method = VNPU_SCALE_MSE;
	EXPECT_EQ(VNPU_STATUS_OK, vnpu_graph_compile(self->g, self->dev, &o, &self->p));
}

TEST_HARNESS_MAIN
