// SPDX-License-Identifier: MIT
/*
 * Helpers of the operator handlers: axes, integer operands, numpy
 * broadcasting, and strided views (one STRIDED packet on the card, or the
 * same index arithmetic on host constants).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../vnpu_internal.h"
#include "onnx_util.h"

vnpu_status vo_axis(struct vo_ctx *x, int64_t axis, uint32_t rank, uint32_t *out)
{
	int64_t a = axis < 0 ? axis + rank : axis;

	if (a < 0 || a >= (int64_t)rank)	/* a scalar has no axis */
		return vo_fail_st(x, VNPU_STATUS_INVALID_ARGUMENT,
				  "axis %lld is outside a rank-%u tensor", (long long)axis, rank);
	*out = (uint32_t)a;
	return VNPU_STATUS_OK;
}

vnpu_status vo_ints(struct vo_ctx *x, struct vo_val *v, const char *what,
		    int64_t *out, uint32_t max, uint32_t *n)
{
	if (!v)
		return vo_fail_st(x, VNPU_STATUS_INVALID_ARGUMENT, "%s is missing", what);
	if (!v->is_const || !v->c.i)
		return vo_fail(x, "%s must be an integer constant (known when compiling)",
			       what);
	if (v->c.count > max)
		return vo_fail(x, "%s has %llu values (at most %u)", what,
			       (unsigned long long)v->c.count, max);
	if (v->c.count)
		memcpy(out, v->c.i, v->c.count * sizeof(*out));
	*n = (uint32_t)v->c.count;
	return VNPU_STATUS_OK;
}

vnpu_status vo_attr_ints(struct vo_ctx *x, const char *name, int64_t *out,
			 uint32_t max, uint32_t *n, bool *present)
{
	const Onnx__AttributeProto *a = vo_attr(x, name);

	*present = a != NULL;
	*n = 0;
	if (!a)
		return VNPU_STATUS_OK;
	if (a->n_ints > max)
		return vo_fail(x, "attribute %s has %zu values (at most %u)", name,
			       a->n_ints, max);
	if (a->n_ints)
		memcpy(out, a->ints, a->n_ints * sizeof(*out));
	*n = (uint32_t)a->n_ints;
	return VNPU_STATUS_OK;
}

void vo_dense(uint32_t rank, const int64_t *dims, uint64_t *st)
{
	uint64_t s = 1;

	for (uint32_t d = rank; d-- > 0;) {
		st[d] = s;
		s *= (uint64_t)dims[d];
	}
}

vnpu_status vo_bcast(struct vo_ctx *x, uint32_t ra, const int64_t *da, uint32_t rb,
		     const int64_t *db, uint32_t *rank, int64_t *dims)
{
	uint32_t r = ra > rb ? ra : rb;

	for (uint32_t i = 0; i < r; i++) {
		int64_t a = i < r - ra ? 1 : da[i - (r - ra)];
		int64_t b = i < r - rb ? 1 : db[i - (r - rb)];

		if (a != b && a != 1 && b != 1)
			return vo_fail_st(x, VNPU_STATUS_INVALID_ARGUMENT,
					  "shapes do not broadcast (dimension %u: %lld vs %lld)",
					  i, (long long)a, (long long)b);
		dims[i] = a == 1 ? b : a;
	}
	*rank = r;
	return VNPU_STATUS_OK;
}

/* Host: out[idx] = c[off + sum idx_d * st_d] over (rank, dims). */
static vnpu_status vo_host_strided(struct vo_ctx *x, const vnpu_onnx_tensor *c,
				   uint64_t off, uint32_t rank, const int64_t *dims,
				   const int64_t *st, vnpu_onnx_tensor *out)
{
	uint64_t n, i, idx[VNPU_ONNX_MAX_RANK] = { 0 };

	if (vo_count(rank, dims) > VO_MAX_FOLD)
		return vo_fail(x, "folding a constant of more than 2^24 elements");
	if (!vo_tensor_alloc(out, c->onnx_type, rank, dims))
		return vnpu_rt_error(VNPU_STATUS_OUT_OF_MEMORY, "ONNX import: out of memory");
	n = out->count;
	for (i = 0; i < n; i++) {
		int64_t s = (int64_t)off;

		for (uint32_t d = 0; d < rank; d++)
			s += (int64_t)idx[d] * st[d];
		if (s < 0 || (uint64_t)s >= c->count) {
			vnpu_onnx_tensor_free(out);
			return vo_fail_st(x, VNPU_STATUS_INVALID_ARGUMENT,
					  "an index is outside the constant");
		}
		if (c->f)
			out->f[i] = c->f[s];
		else
			out->i[i] = c->i[s];
		for (uint32_t d = rank; d-- > 0;) {
			if (++idx[d] < (uint64_t)dims[d])
				break;
			idx[d] = 0;
		}
	}
	return VNPU_STATUS_OK;
}

vnpu_status vo_strided(struct vo_ctx *x, struct vo_val *v, uint64_t off,
		       uint32_t rank, const int64_t *dims, const int64_t *st,
		       struct vo_val *r)
{
	uint32_t grank, gdims[VNPU_MAX_RANK], vr;
	int32_t gst[VNPU_MAX_RANK];
	uint64_t dense[VNPU_ONNX_MAX_RANK];
	int64_t vd[VNPU_ONNX_MAX_RANK];
	bool ident = true;
	vnpu_status s;

	memset(r, 0, sizeof(*r));
	if (v->is_const) {
		r->is_const = true;
		return vo_host_strided(x, &v->c, off, rank, dims, st, &r->c);
	}
	r->type = v->type;
	r->rank = rank;
	memcpy(r->dims, dims, rank * sizeof(*dims));
	/* The identity view needs no copy. */
	vo_shape(v, &vr, vd);
	vo_dense(rank, dims, dense);
	if (off || vo_count(vr, vd) != vo_count(rank, dims))
		ident = false;
	for (uint32_t d = 0; d < rank && ident; d++)
		if (dims[d] != 1 && st[d] != (int64_t)dense[d])
			ident = false;
	if (ident)
		return vo_reshape(x, v->t, rank, dims, &r->t);
	if (!vo_gshape(rank, dims, &grank, gdims) || (rank && grank != rank))
		return vo_fail(x, "a strided copy of %u dimensions or an empty one (the card's strided copies have 1..4, none empty)",
			       rank);
	for (uint32_t d = 0; d < grank; d++) {
		int64_t sd = rank ? st[d] : 0;

		if (sd > INT32_MAX || sd <= INT32_MIN)
			return vo_fail(x, "a stride of %lld elements", (long long)sd);
		gst[d] = (int32_t)sd;
	}
	s = vnpu_graph_strided(x->g, vo_name(x, "strided"), v->t, off, grank, gdims,
			       gst, &r->t);
	return vo_builder(x, s);
}

vnpu_status vo_expand(struct vo_ctx *x, struct vo_val *v, uint32_t rank,
		      const int64_t *dims, struct vo_val *r)
{
	uint32_t vr;
	int64_t vd[VNPU_ONNX_MAX_RANK], st[VNPU_ONNX_MAX_RANK];
	uint64_t vst[VNPU_ONNX_MAX_RANK];

	vo_shape(v, &vr, vd);
	if (vr > rank)
		return vo_fail_st(x, VNPU_STATUS_INVALID_ARGUMENT,
				  "cannot expand rank %u to rank %u", vr, rank);
	vo_dense(vr, vd, vst);
	for (uint32_t d = 0; d < rank; d++) {
		int64_t have = d < rank - vr ? 1 : vd[d - (rank - vr)];

		if (have != 1 && have != dims[d])
			return vo_fail_st(x, VNPU_STATUS_INVALID_ARGUMENT,
					  "dimension %u of %lld does not expand to %lld",
					  d, (long long)have, (long long)dims[d]);
		st[d] = have == 1 ? 0 : (int64_t)vst[d - (rank - vr)];
	}
	return vo_strided(x, v, 0, rank, dims, st, r);
}

vnpu_status vo_transpose(struct vo_ctx *x, struct vo_val *v, const uint32_t *perm,
			 struct vo_val *r)
{
	uint32_t rank;
	int64_t vd[VNPU_ONNX_MAX_RANK], dims[VNPU_ONNX_MAX_RANK], st[VNPU_ONNX_MAX_RANK];
	uint64_t vst[VNPU_ONNX_MAX_RANK];

	vo_shape(v, &rank, vd);
	vo_dense(rank, vd, vst);
	for (uint32_t d = 0; d < rank; d++) {
		dims[d] = vd[perm[d]];
		st[d] = (int64_t)vst[perm[d]];
	}
	return vo_strided(x, v, 0, rank, dims, st, r);
}

void vo_val_free(struct vo_val *v)
{
	vnpu_onnx_tensor_free(&v->c);
}
