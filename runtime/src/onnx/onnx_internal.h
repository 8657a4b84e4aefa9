/* SPDX-License-Identifier: MIT */
/*
 * The ONNX importer's internals: the values of the model as it is read
 * (graph tensors, or constants kept on the host so shape arithmetic can
 * be folded), and the operator handlers (onnx_ops_*.c).
 */
#ifndef VNPU_ONNX_INTERNAL_H
#define VNPU_ONNX_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <vnpu/graph.h>
#include <vnpu/onnx.h>

#include "onnx.pb-c.h"

/* TensorProto.DataType values used here */
enum {
	VO_FLOAT = 1, VO_UINT8 = 2, VO_INT8 = 3, VO_UINT16 = 4, VO_INT16 = 5,
	VO_INT32 = 6, VO_INT64 = 7, VO_STRING = 8, VO_BOOL = 9, VO_FLOAT16 = 10,
	VO_DOUBLE = 11, VO_UINT32 = 12, VO_UINT64 = 13, VO_BFLOAT16 = 16,
};

/* The most elements a constant may have (the card's tensor limit). */
#define VO_MAX_ELEMS (1ull << 28)
/* The most elements of a constant computed while importing (folding). */
#define VO_MAX_FOLD (1ull << 24)

/**
 * struct vo_val - an ONNX value
 * @name: its ONNX name (the model's string)
 * @is_const: a host constant (@c) rather than a graph tensor (@t)
 * @c: the constant (onnx_type, shape, data)
 * @t: the graph tensor, FP32 (or I32; I8 and U8 for int8 and uint8), of
 *	the same shape (rank 0: [1])
 * @type: ONNX element type of a graph tensor
 * @rank, @dims: ONNX shape of a graph tensor
 */
struct vo_val {
	const char *name;
	bool is_const;
	vnpu_onnx_tensor c;
	vnpu_tensor t;
	int32_t type;
	uint32_t rank;
	int64_t dims[VNPU_ONNX_MAX_RANK];
};

struct vo_ctx {
	vnpu_graph *g;
	const vnpu_onnx_options *opts;
	int64_t opset;
	struct vo_val **v;
	uint32_t nv, cap;
	/* the node being imported */
	const Onnx__NodeProto *node;
	uint32_t index;
	uint32_t depth;
	char tmp[96];
};

/* ---- onnx_tensor.c */
const char *vo_type_name(int32_t t);
bool vo_is_float(int32_t t);
bool vo_is_int(int32_t t);
/* Decode an unpacked TensorProto into T (allocates). NULL or the error
 * (*UNSUP set for unsupported rather than malformed). */
const char *vo_tensor_from_proto(const Onnx__TensorProto *p, vnpu_onnx_tensor *t,
				 bool *unsup);
/* A new constant of TYPE (float or int kind) and shape, zeroed; false OOM */
bool vo_tensor_alloc(vnpu_onnx_tensor *t, int32_t type, uint32_t rank,
		     const int64_t *dims);
uint64_t vo_count(uint32_t rank, const int64_t *dims);

/* ---- onnx_import.c */
/* Fail the current node: UNSUPPORTED (or ST) with "node N 'name' (Op): ..." */
vnpu_status vo_fail(struct vo_ctx *x, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
vnpu_status vo_fail_st(struct vo_ctx *x, vnpu_status st, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Wrap a graph builder's failure (its message) into the node's message. */
vnpu_status vo_builder(struct vo_ctx *x, vnpu_status st);
/* Input K of the current node (NULL if absent or empty). */
struct vo_val *vo_in(struct vo_ctx *x, uint32_t k);
uint32_t vo_nin(const struct vo_ctx *x);
/* Define output K as graph tensor T of ONNX shape (rank, dims) / a constant
 * (taken over). */
vnpu_status vo_set_tensor(struct vo_ctx *x, uint32_t k, vnpu_tensor t,
			  uint32_t rank, const int64_t *dims);
vnpu_status vo_set_const(struct vo_ctx *x, uint32_t k, vnpu_onnx_tensor *c);
/* vo_set_tensor() of ONNX element type TYPE (int8 and uint8 tensors) */
vnpu_status vo_set_tensor_typed(struct vo_ctx *x, uint32_t k, vnpu_tensor t,
				uint32_t rank, const int64_t *dims, int32_t type);
/* Whether output K is wanted (present and named). */
bool vo_out_wanted(const struct vo_ctx *x, uint32_t k);
/* The graph tensor of V (a constant becomes a graph constant, FP32 or I32). */
vnpu_status vo_tensor(struct vo_ctx *x, struct vo_val *v, vnpu_tensor *t);
/* A graph tensor of V under the shape (RANK, DIMS), same element count. */
vnpu_status vo_as(struct vo_ctx *x, struct vo_val *v, uint32_t rank,
		  const int64_t *dims, vnpu_tensor *t);
/* The ONNX shape and element type of V. */
void vo_shape(const struct vo_val *v, uint32_t *rank, int64_t *dims);
int32_t vo_type(const struct vo_val *v);
/* Attributes of the current node. */
const Onnx__AttributeProto *vo_attr(const struct vo_ctx *x, const char *name);
int64_t vo_attr_int(const struct vo_ctx *x, const char *name, int64_t def);
float vo_attr_float(const struct vo_ctx *x, const char *name, float def);
/* A name for a helper node ("<node>.<what>"). */
const char *vo_name(struct vo_ctx *x, const char *what);
/* Reshape graph tensor T to the ONNX shape (rank, dims) (rank 0: [1]). */
vnpu_status vo_reshape(struct vo_ctx *x, vnpu_tensor t, uint32_t rank,
		       const int64_t *dims, vnpu_tensor *out);
/* Graph shape of an ONNX shape: rank 1..4 (rank 0 is [1]); false if > 4 */
bool vo_gshape(uint32_t rank, const int64_t *dims, uint32_t *grank, uint32_t *gdims);

/* ---- onnx_ops*.c: one handler per op type */
typedef vnpu_status (*vo_handler)(struct vo_ctx *x);

#endif /* VNPU_ONNX_INTERNAL_H */
