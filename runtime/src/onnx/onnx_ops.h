/* SPDX-License-Identifier: MIT */
/* The ONNX operator tables of onnx_ops_*.c, searched by vo_find_handler(). */
#ifndef VNPU_ONNX_OPS_H
#define VNPU_ONNX_OPS_H

#include "onnx_internal.h"

/*
 * @attrs: the attributes @fn understands, space-separated. "name=V" is
 * accepted only with the value V (an int, float or string; every element
 * of an ints attribute): the ONNX default the handler implements. A node
 * with any other attribute is refused before @fn runs (vo_check_attrs()),
 * so a new attribute of a later opset never changes the result silently.
 */
struct vo_op_entry {
	const char *name;
	vo_handler fn;
	const char *attrs;
};

/* The entry of OP_TYPE, NULL when unsupported (onnx_ops_shape.c). */
const struct vo_op_entry *vo_find_op(const char *op_type);
/* Refuse the current node if it has an attribute ATTRS does not allow. */
vnpu_status vo_check_attrs(struct vo_ctx *x, const char *attrs);

extern const struct vo_op_entry vo_math_ops[];	/* onnx_ops_math.c */
extern const struct vo_op_entry vo_nn_ops[];	/* onnx_ops_nn.c */
extern const struct vo_op_entry vo_shape_ops[];	/* onnx_ops_shape.c */
extern const struct vo_op_entry vo_conv_ops[];	/* onnx_ops_conv.c */
extern const struct vo_op_entry vo_logic_ops[];	/* onnx_ops_logic.c */
extern const struct vo_op_entry vo_lstm_ops[];	/* onnx_ops_lstm.c */

#endif /* VNPU_ONNX_OPS_H */
