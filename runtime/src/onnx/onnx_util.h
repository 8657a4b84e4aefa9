/* SPDX-License-Identifier: MIT */
/*
 * Helpers of the ONNX operator handlers (onnx_util.c). Values returned in
 * a struct vo_val *R are temporaries: define an output with vo_set()
 * (which takes a constant's data over) or free them with vo_val_free().
 */
#ifndef VNPU_ONNX_UTIL_H
#define VNPU_ONNX_UTIL_H

#include "onnx_internal.h"

/* AXIS (negative counts from the end) of a rank-RANK tensor. */
vnpu_status vo_axis(struct vo_ctx *x, int64_t axis, uint32_t rank, uint32_t *out);
/* The values of integer constant V (WHAT names it in errors), at most MAX. */
vnpu_status vo_ints(struct vo_ctx *x, struct vo_val *v, const char *what,
		    int64_t *out, uint32_t max, uint32_t *n);
/* An ints attribute: *PRESENT, its values. */
vnpu_status vo_attr_ints(struct vo_ctx *x, const char *name, int64_t *out,
			 uint32_t max, uint32_t *n, bool *present);
/* Dense row-major element strides. */
void vo_dense(uint32_t rank, const int64_t *dims, uint64_t *st);
/* The numpy broadcast of two shapes. */
vnpu_status vo_bcast(struct vo_ctx *x, uint32_t ra, const int64_t *da, uint32_t rb,
		     const int64_t *db, uint32_t *rank, int64_t *dims);
/* R = V.flat[OFF + sum i_d * ST[d]] over shape (RANK, DIMS). */
vnpu_status vo_strided(struct vo_ctx *x, struct vo_val *v, uint64_t off,
		       uint32_t rank, const int64_t *dims, const int64_t *st,
		       struct vo_val *r);
/* R = V broadcast to (RANK, DIMS). */
vnpu_status vo_expand(struct vo_ctx *x, struct vo_val *v, uint32_t rank,
		      const int64_t *dims, struct vo_val *r);
/* R = V with its dimensions permuted (R dim d = V dim PERM[d]). */
vnpu_status vo_transpose(struct vo_ctx *x, struct vo_val *v, const uint32_t *perm,
			 struct vo_val *r);
/* R = A * B with numpy broadcasting, on the card (onnx_ops_math.c). */
vnpu_status vo_mul_vals(struct vo_ctx *x, struct vo_val *a, struct vo_val *b,
			struct vo_val *r);
vnpu_status vo_add_vals(struct vo_ctx *x, struct vo_val *a, struct vo_val *b,
			struct vo_val *r);
/*
 * Y [ROWS, N] = T [ROWS, K] W^T (+ BIAS) with host weights W [N, K]
 * (row-major): the card's MATMUL, the compiler quantizes W
 * (onnx_ops_nn.c).
 */
vnpu_status vo_matmul_rows(struct vo_ctx *x, vnpu_tensor t, int64_t rows, int64_t k,
			   const float *w, int64_t n, const float *bias, vnpu_tensor *y);
/*
 * (De)QuantizeLinear of the current node on the card (onnx_ops_quant.c):
 * a QLINEAR packet on int8/uint8 graph tensors.
 */
vnpu_status vo_qlinear_card(struct vo_ctx *x, bool deq);
/* Cast of a computed int8, uint8 or bool V to float: a QLINEAR
 * dequantization with scale 1 (exact). */
vnpu_status vo_cast_bytes_card(struct vo_ctx *x, struct vo_val *v);
/* Where with a condition computed at run time: one SELECT packet
 * (onnx_ops_logic.c). */
vnpu_status vo_where_select(struct vo_ctx *x, struct vo_val *c, struct vo_val *a,
			    struct vo_val *b);
/* ---- onnx_ops_conv.c */
/* A graph-tensor value R of shape (RANK, DIMS) for tensor T. */
void vo_gval(struct vo_val *r, vnpu_tensor t, uint32_t rank, const int64_t *dims);
/* Join graph tensors TS[0..N-1] along AXIS (chains of the card's 5). */
vnpu_status vo_join(struct vo_ctx *x, vnpu_tensor *ts, uint32_t n, uint32_t axis,
		    vnpu_tensor *out);
/* V padded along AXIS by B before and E after (MODE 0 constant VAL,
 * 1 reflect, 2 edge) into R. */
vnpu_status vo_pad_axis(struct vo_ctx *x, struct vo_val *v, uint32_t axis,
			int64_t b, int64_t e, int mode, float val, struct vo_val *r);
/* ---- onnx_ops_conv2d.c */
/*
 * Conv's auto_pad for one spatial axis of IN values, kernel K, STRIDE,
 * DIL: NOTSET (or absent) keeps *B and *E (the pads attribute), VALID
 * sets 0, SAME_UPPER / SAME_LOWER the pads giving ceil(IN / STRIDE)
 * outputs (the odd one at the end / the beginning).
 */
vnpu_status vo_auto_pad(struct vo_ctx *x, int64_t in, int64_t k, int64_t stride,
			int64_t dil, int64_t *b, int64_t *e);
/* 2-D Conv of the current node (X [N, C, H, W], group 1). */
vnpu_status vo_conv2d(struct vo_ctx *x);
/* Define output K as R (a constant's data is taken over). */
vnpu_status vo_set(struct vo_ctx *x, uint32_t k, struct vo_val *r);
void vo_val_free(struct vo_val *v);

#endif /* VNPU_ONNX_UTIL_H */
