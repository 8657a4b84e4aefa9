/* SPDX-License-Identifier: MIT */
/* The ONNX operator tables of onnx_ops_*.c, searched by vo_find_handler(). */
#ifndef VNPU_ONNX_OPS_H
#define VNPU_ONNX_OPS_H

#include "onnx_internal.h"

struct vo_op_entry {
	const char *name;
	vo_handler fn;
};

extern const struct vo_op_entry vo_math_ops[];	/* onnx_ops_math.c */
extern const struct vo_op_entry vo_nn_ops[];	/* onnx_ops_nn.c */
extern const struct vo_op_entry vo_shape_ops[];	/* onnx_ops_shape.c */
extern const struct vo_op_entry vo_conv_ops[];	/* onnx_ops_conv.c */

#endif /* VNPU_ONNX_OPS_H */
