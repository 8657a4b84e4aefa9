// SPDX-License-Identifier: MIT
/*
 * QuantizeLinear and DequantizeLinear on the card: one QLINEAR packet
 * (vnpu_graph_qlinear() / vnpu_graph_dqlinear()) on int8 and uint8 graph
 * tensors, per tensor or per axis, with scales and zero points that are
 * constants or computed. The constant cases fold on the host
 * (onnx_ops_shape.c). The same packet with scale 1 is Cast of computed
 * int8, uint8 and bool tensors to float.
 */
#include <stdlib.h>
#include <string.h>

#include "../vnpu_internal.h"
#include "onnx_util.h"

static bool vo_is_int8(int32_t t)
{
	return t == VO_INT8 || t == VO_UINT8;
}

/* A graph constant of 8-bit integer constant V, flattened to [COUNT]. */
static vnpu_status vo_const8(struct vo_ctx *x, const struct vo_val *v,
			     vnpu_tensor *t)
{
	uint32_t dims[1] = { (uint32_t)v->c.count };
	vnpu_status st;
	uint8_t *buf;

	if (!v->c.count || v->c.count > VO_MAX_ELEMS)
		return vo_fail(x, "an 8-bit constant of %llu elements",
			       (unsigned long long)v->c.count);
	buf = malloc(v->c.count);
	if (!buf)
		return vnpu_rt_error(VNPU_STATUS_OUT_OF_MEMORY, "ONNX import: out of memory");
	/* decoded values are in the type's range: the low byte is the code */
	for (uint64_t i = 0; i < v->c.count; i++)
		buf[i] = (uint8_t)v->c.i[i];
	st = vnpu_graph_constant(x->g, v->name,
				 v->c.onnx_type == VO_INT8 ? VNPU_DTYPE_I8 : VNPU_DTYPE_U8,
				 1, dims, buf, v->c.count, VNPU_CONST_COPY, t);
	free(buf);
	return vo_builder(x, st);
}

/* V as a graph tensor of N elements ([N]). */
static vnpu_status vo_flat(struct vo_ctx *x, struct vo_val *v, uint64_t n,
			   vnpu_tensor *t)
{
	int64_t d = (int64_t)n;

	if (v->is_const && vo_is_int8(v->c.onnx_type))
		return vo_const8(x, v, t);
	return vo_as(x, v, 1, &d, t);
}

vnpu_status vo_qlinear_card(struct vo_ctx *x, bool deq)
{
	struct vo_val *v = vo_in(x, 0), *s = vo_in(x, 1), *z = vo_in(x, 2);
	int64_t dims[VNPU_ONNX_MAX_RANK], sd[VNPU_ONNX_MAX_RANK], view[3];
	uint32_t rank, sr, axis = 0;
	vnpu_tensor tv, ts, tz = 0, t;
	int32_t type;
	uint64_t ns;
	vnpu_status st;

	if (deq) {
		type = vo_type(v);
		if (!vo_is_int8(type))
			return vo_fail(x, "x is %s: the card dequantizes int8 and uint8",
				       vo_type_name(type));
	} else {
		type = z ? vo_type(z) : VO_UINT8;
		if (vo_type(v) != VO_FLOAT)
			return vo_fail(x, "x is %s: the card quantizes float",
				       vo_type_name(vo_type(v)));
		if (!vo_is_int8(type))
			return vo_fail(x, "a %s result (the card quantizes to int8 and uint8)",
				       vo_type_name(type));
	}
	if (vo_type(s) != VO_FLOAT)
		return vo_fail(x, "the scale is %s, not float", vo_type_name(vo_type(s)));
	if (z && vo_type(z) != type)
		return vo_fail_st(x, VNPU_STATUS_INVALID_ARGUMENT,
				  "the zero point is %s, x or y %s", vo_type_name(vo_type(z)),
				  vo_type_name(type));
	vo_shape(v, &rank, dims);
	vo_shape(s, &sr, sd);
	ns = vo_count(sr, sd);
	if (ns > 1) {
		if ((st = vo_axis(x, vo_attr_int(x, "axis", 1), rank, &axis)))
			return st;
		if (sr != 1 || ns != (uint64_t)dims[axis])
			return vo_fail(x, "block quantization (a scale of %llu values for axis %u of %lld)",
				       (unsigned long long)ns, axis, (long long)dims[axis]);
	}
	if (z) {
		uint32_t zr;
		int64_t zd[VNPU_ONNX_MAX_RANK];

		vo_shape(z, &zr, zd);
		if (vo_count(zr, zd) != ns)
			return vo_fail_st(x, VNPU_STATUS_INVALID_ARGUMENT,
					  "the zero point has %llu values, the scale %llu",
					  (unsigned long long)vo_count(zr, zd),
					  (unsigned long long)ns);
	}
	/* [outer, C, inner]: the axis in the middle, whatever the rank */
	view[0] = (int64_t)(ns > 1 ? vo_count(axis, dims) : 1);
	view[1] = (int64_t)ns;
	view[2] = (int64_t)(vo_count(rank, dims) / (uint64_t)view[0] / ns);
	if (deq && v->is_const)
		st = vo_const8(x, v, &tv);
	else
		st = vo_as(x, v, 3, view, &tv);
	if (!st && deq && v->is_const)
		st = vo_reshape(x, tv, 3, view, &tv);
	if (!st)
		st = vo_flat(x, s, ns, &ts);
	if (!st && z)
		st = vo_flat(x, z, ns, &tz);
	if (st)
		return st;
	if (deq)
		st = vnpu_graph_dqlinear(x->g, vo_name(x, "dq"), tv, ts, tz, 1, &t);
	else
		st = vnpu_graph_qlinear(x->g, vo_name(x, "q"), tv, ts, tz, 1,
					type == VO_INT8 ? VNPU_DTYPE_I8 : VNPU_DTYPE_U8, &t);
	if ((st = vo_builder(x, st)) || (st = vo_reshape(x, t, rank, dims, &t)))
		return st;
	return vo_set_tensor_typed(x, 0, t, rank, dims, deq ? VO_FLOAT : type);
}

vnpu_status vo_cast_bytes_card(struct vo_ctx *x, struct vo_val *v)
{
	static const float one = 1.0f;
	uint32_t rank, d1[1] = { 1 };
	int64_t dims[VNPU_ONNX_MAX_RANK];
	vnpu_tensor s, t;
	vnpu_status st;

	if (!vo_is_int8(v->type) && v->type != VO_BOOL)
		return vo_fail(x, "%s to float: the card converts int8, uint8 and bool",
			       vo_type_name(v->type));
	vo_shape(v, &rank, dims);
	st = vnpu_graph_constant(x->g, vo_name(x, "one"), VNPU_DTYPE_FP32, 1, d1, &one,
				 sizeof(one), VNPU_CONST_COPY, &s);
	if (!st)
		st = vnpu_graph_dqlinear(x->g, vo_name(x, "to_float"), v->t, s, 0, 0, &t);
	if ((st = vo_builder(x, st)))
		return st;
	return vo_set_tensor(x, 0, t, rank, dims);
}
