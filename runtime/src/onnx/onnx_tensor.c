// SPDX-License-Identifier: MIT
/*
 * ONNX TensorProto decoding: raw little-endian bytes or the typed repeated
 * fields, every count checked against the shape before anything is read.
 * Float types become FP32 (DOUBLE rounded once, FLOAT16 and BFLOAT16
 * exactly), integer types and BOOL int64.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vnpu_engine/formats.h>

#include "../vnpu_internal.h"
#include "onnx_internal.h"

static const char *const vo_type_names[] = {
	[0] = "undefined", [VO_FLOAT] = "float", [VO_UINT8] = "uint8",
	[VO_INT8] = "int8", [VO_UINT16] = "uint16", [VO_INT16] = "int16",
	[VO_INT32] = "int32", [VO_INT64] = "int64", [VO_STRING] = "string",
	[VO_BOOL] = "bool", [VO_FLOAT16] = "float16", [VO_DOUBLE] = "double",
	[VO_UINT32] = "uint32", [VO_UINT64] = "uint64", [14] = "complex64",
	[15] = "complex128", [VO_BFLOAT16] = "bfloat16",
};

const char *vo_type_name(int32_t t)
{
	if (t >= 0 && t < (int32_t)(sizeof(vo_type_names) / sizeof(vo_type_names[0])) &&
	    vo_type_names[t])
		return vo_type_names[t];
	return "an unknown type";
}

bool vo_is_float(int32_t t)
{
	return t == VO_FLOAT || t == VO_FLOAT16 || t == VO_DOUBLE || t == VO_BFLOAT16;
}

bool vo_is_int(int32_t t)
{
	return t == VO_UINT8 || t == VO_INT8 || t == VO_UINT16 || t == VO_INT16 ||
	       t == VO_INT32 || t == VO_INT64 || t == VO_BOOL || t == VO_UINT32 ||
	       t == VO_UINT64;
}

/* Bytes per element in raw_data. */
static uint32_t vo_raw_size(int32_t t)
{
	switch (t) {
	case VO_UINT8: case VO_INT8: case VO_BOOL:
		return 1;
	case VO_UINT16: case VO_INT16: case VO_FLOAT16: case VO_BFLOAT16:
		return 2;
	case VO_FLOAT: case VO_INT32: case VO_UINT32:
		return 4;
	default:
		return 8;
	}
}

uint64_t vo_count(uint32_t rank, const int64_t *dims)
{
	uint64_t n = 1;

	for (uint32_t d = 0; d < rank; d++) {
		/* every dimension bounded, even beside an empty one */
		if (dims[d] < 0 || dims[d] > (int64_t)VO_MAX_ELEMS ||
		    (dims[d] && n > VO_MAX_ELEMS / (uint64_t)dims[d]))
			return VO_MAX_ELEMS + 1;
		n *= (uint64_t)dims[d];
	}
	return n;
}

bool vo_tensor_alloc(vnpu_onnx_tensor *t, int32_t type, uint32_t rank,
		     const int64_t *dims)
{
	uint64_t n = vo_count(rank, dims);

	memset(t, 0, sizeof(*t));
	if (n > VO_MAX_ELEMS)
		return false;
	t->onnx_type = type;
	t->rank = rank;
	if (rank)
		memcpy(t->dims, dims, rank * sizeof(*dims));
	t->count = n;
	if (vo_is_float(type))
		t->f = calloc(n ? n : 1, sizeof(float));
	else
		t->i = calloc(n ? n : 1, sizeof(int64_t));
	return t->f || t->i;
}

/* Element I of raw little-endian data of TYPE, as float or int64. */
static void vo_raw_get(const uint8_t *p, int32_t type, uint64_t i, float *f,
		       int64_t *v)
{
	uint64_t u = 0;
	uint32_t es = vo_raw_size(type);

	for (uint32_t b = 0; b < es; b++)
		u |= (uint64_t)p[i * es + b] << (8 * b);
	switch (type) {
	case VO_FLOAT: {
		uint32_t w = (uint32_t)u;

		memcpy(f, &w, 4);
		return;
	}
	case VO_DOUBLE: {
		double d;

		memcpy(&d, &u, 8);
		*f = (float)d;
		return;
	}
	case VO_FLOAT16: {
		uint32_t w = vnpu_fp16_to_fp32((uint16_t)u);

		memcpy(f, &w, 4);
		return;
	}
	case VO_BFLOAT16: {
		uint32_t w = (uint32_t)u << 16;

		memcpy(f, &w, 4);
		return;
	}
	case VO_INT8:
		*v = (int8_t)u;
		return;
	case VO_INT16:
		*v = (int16_t)u;
		return;
	case VO_INT32:
		*v = (int32_t)u;
		return;
	default:	/* unsigned, BOOL, INT64 */
		*v = (int64_t)u;
		return;
	}
}

const char *vo_tensor_from_proto(const Onnx__TensorProto *p, vnpu_onnx_tensor *t,
				 bool *unsup)
{
	int32_t type = p->has_data_type ? p->data_type : 0;
	uint64_t n, i;

	*unsup = false;
	memset(t, 0, sizeof(*t));
	if (p->n_dims > VNPU_ONNX_MAX_RANK) {
		*unsup = true;
		return "more than 8 dimensions";
	}
	for (i = 0; i < p->n_dims; i++)
		if (p->dims[i] < 0)
			return "a negative dimension";
	n = vo_count((uint32_t)p->n_dims, p->dims);
	if (n > VO_MAX_ELEMS) {
		*unsup = true;
		return "more than 2^28 elements";
	}
	if (p->n_external_data || (p->has_data_location && p->data_location)) {
		*unsup = true;
		return "external data";
	}
	if (!vo_is_float(type) && !vo_is_int(type)) {
		*unsup = true;
		return type == VO_STRING ? "string tensors" : "its element type";
	}
	if (!vo_tensor_alloc(t, type, (uint32_t)p->n_dims, p->dims))
		return "out of memory";
	if (p->name)
		snprintf(t->name, sizeof(t->name), "%s", p->name);
	if (p->has_raw_data) {
		if (p->raw_data.len != n * vo_raw_size(type))
			goto bad;
		for (i = 0; i < n; i++)
			vo_raw_get(p->raw_data.data, type, i, t->f ? &t->f[i] : NULL,
				   t->i ? &t->i[i] : NULL);
		return NULL;
	}
	switch (type) {
	case VO_FLOAT:
		if (p->n_float_data != n)
			goto bad;
		if (n)
			memcpy(t->f, p->float_data, n * sizeof(float));
		return NULL;
	case VO_DOUBLE:
		if (p->n_double_data != n)
			goto bad;
		for (i = 0; i < n; i++)
			t->f[i] = (float)p->double_data[i];
		return NULL;
	case VO_INT64:
		if (p->n_int64_data != n)
			goto bad;
		if (n)
			memcpy(t->i, p->int64_data, n * sizeof(int64_t));
		return NULL;
	case VO_UINT32: case VO_UINT64:
		if (p->n_uint64_data != n)
			goto bad;
		for (i = 0; i < n; i++)
			t->i[i] = (int64_t)p->uint64_data[i];
		return NULL;
	default:	/* int32_data: small ints, BOOL, FLOAT16, BFLOAT16 bits */
		if (p->n_int32_data != n)
			goto bad;
		for (i = 0; i < n; i++) {
			uint8_t raw[2] = { (uint8_t)p->int32_data[i],
					   (uint8_t)(p->int32_data[i] >> 8) };

			if (t->f)
				vo_raw_get(raw, type, 0, &t->f[i], NULL);
			else
				t->i[i] = p->int32_data[i];
		}
		return NULL;
	}
bad:
	vnpu_onnx_tensor_free(t);
	return "its data does not match its shape";
}

void vnpu_onnx_tensor_free(vnpu_onnx_tensor *t)
{
	if (!t)
		return;
	free(t->f);
	free(t->i);
	t->f = NULL;
	t->i = NULL;
}

vnpu_status vnpu_onnx_tensor_decode(const void *data, size_t size,
				    vnpu_onnx_tensor *t)
{
	Onnx__TensorProto *p;
	const char *why;
	bool unsup;

	if (!t || (!data && size))
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_onnx_tensor_decode: NULL argument");
	memset(t, 0, sizeof(*t));
	p = onnx__tensor_proto__unpack(NULL, size, data);
	if (!p)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "ONNX tensor: not a valid TensorProto (%zu bytes)",
				     size);
	why = vo_tensor_from_proto(p, t, &unsup);
	onnx__tensor_proto__free_unpacked(p, NULL);
	if (why)
		return vnpu_rt_error(unsup ? VNPU_STATUS_UNSUPPORTED :
				     VNPU_STATUS_INVALID_ARGUMENT,
				     "ONNX tensor: %s", why);
	return VNPU_STATUS_OK;
}
