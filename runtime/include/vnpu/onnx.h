/* SPDX-License-Identifier: MIT */
/*
 * libvnpu: importing ONNX models into graphs (docs/onnx.md).
 *
 * vnpu_graph_import_onnx() parses a ModelProto (protobuf-c code generated
 * at build time from Debian's onnx.proto) and builds a vnpu_graph node by
 * node: initializers and Constant nodes become constants (FP32 matmul
 * weights are then quantized by vnpu_graph_compile() under its options),
 * the graph's inputs that are neither initializers nor bound by the
 * options become graph inputs in their ONNX order, its outputs graph
 * outputs in theirs. Shape computations on constants (Shape, Reshape's
 * shape, Slice's starts, ...) are folded while importing.
 *
 * What cannot be imported fails with VNPU_STATUS_UNSUPPORTED and one
 * message naming the node, its op type and what is missing:
 *   node 3 'sm' (Softmax): attribute axis = 0 of a rank-2 input: ...
 * An attribute the operator's importer does not implement (one unknown
 * to it, or a value other than the one it supports) is refused the same
 * way rather than ignored:
 *   node 3 'conv1' (Conv): attribute 'foo' is not supported
 * A malformed or truncated file fails with INVALID_ARGUMENT (never a
 * crash). Operators, types and limits: docs/onnx.md.
 */
#ifndef VNPU_ONNX_H
#define VNPU_ONNX_H

#include <stddef.h>
#include <stdint.h>

#include <vnpu/graph.h>
#include <vnpu/status.h>

#if defined(__cplusplus)
extern "C" {
#endif

/* The most dimensions an ONNX tensor may have here (graph tensors: 4). */
#define VNPU_ONNX_MAX_RANK 8

/**
 * struct vnpu_onnx_tensor - a decoded ONNX TensorProto
 * @name: its name (truncated to 63 bytes)
 * @onnx_type: its TensorProto.DataType (1 FLOAT, 7 INT64, 9 BOOL, ...)
 * @rank: dimensions (0: a scalar)
 * @dims: the dimensions
 * @count: elements
 * @f: @count floats for FLOAT, FLOAT16, BFLOAT16 and DOUBLE (rounded to
 *	FP32), else NULL
 * @i: @count integers for the integer types and BOOL, else NULL
 */
typedef struct vnpu_onnx_tensor {
	char name[64];
	int32_t onnx_type;
	uint32_t rank;
	int64_t dims[VNPU_ONNX_MAX_RANK];
	uint64_t count;
	float *f;
	int64_t *i;
} vnpu_onnx_tensor;

/*
 * Decode a serialized TensorProto (an ONNX test's input_0.pb) of SIZE
 * bytes into *T (free it with vnpu_onnx_tensor_free()). INVALID_ARGUMENT
 * for malformed bytes or data that disagrees with the shape, UNSUPPORTED
 * for strings, complex numbers and external data.
 */
VNPU_API vnpu_status vnpu_onnx_tensor_decode(const void *data, size_t size,
					     vnpu_onnx_tensor *t);
VNPU_API void vnpu_onnx_tensor_free(vnpu_onnx_tensor *t);

/**
 * struct vnpu_onnx_options - how a model is imported
 * @nbind: inputs whose values are known when compiling
 * @bind: those values, matched to graph inputs by @name; they become
 *	constants (so integer inputs feeding shapes, axes or indices can be
 *	folded)
 * @ndims: symbolic dimensions given a value
 * @dim_names: their names (dim_param of the inputs' shapes)
 * @dim_values: their values
 */
typedef struct vnpu_onnx_options {
	uint32_t nbind;
	const vnpu_onnx_tensor *bind;
	uint32_t ndims;
	const char *const *dim_names;
	const uint32_t *dim_values;
} vnpu_onnx_options;

/*
 * Import the ONNX model at PATH (or the SIZE bytes at DATA) into a new
 * *GRAPH (destroy it with vnpu_graph_destroy()). OPTS may be NULL.
 */
VNPU_API vnpu_status vnpu_graph_import_onnx(const char *path,
					    const vnpu_onnx_options *opts,
					    vnpu_graph **graph);
VNPU_API vnpu_status vnpu_graph_import_onnx_mem(const void *data, size_t size,
						const vnpu_onnx_options *opts,
						vnpu_graph **graph);

#if defined(__cplusplus)
}
#endif

#endif /* VNPU_ONNX_H */
