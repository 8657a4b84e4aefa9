// SPDX-License-Identifier: MIT
/*
 * vnpu_graph_import_onnx(): parse the model, declare inputs and
 * constants, import the nodes in order (ONNX requires a topological
 * order), mark the outputs. The value table and helpers the operator
 * handlers share live here too.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <vnpu_engine/formats.h>

#include "../vnpu_internal.h"
#include "onnx_internal.h"
#include "onnx_ops.h"
#include "onnx_util.h"

/* The ONNX opsets of the default domain this importer reads. */
#define VO_OPSET_MIN 7
#define VO_OPSET_MAX 22

static const char *vo_op(const struct vo_ctx *x)
{
	return x->node && x->node->op_type ? x->node->op_type : "";
}

static vnpu_status vo_vfail(struct vo_ctx *x, vnpu_status st, const char *fmt,
			    va_list ap)
{
	char msg[400];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (!x->node)	/* the graph's outputs */
		return vnpu_rt_error(st, "ONNX model: %s", msg);
	return vnpu_rt_error(st, "node %u '%s' (%s): %s", x->index,
			     x->node && x->node->name ? x->node->name : "",
			     vo_op(x), msg);
}

vnpu_status vo_fail(struct vo_ctx *x, const char *fmt, ...)
{
	vnpu_status st;
	va_list ap;

	va_start(ap, fmt);
	st = vo_vfail(x, VNPU_STATUS_UNSUPPORTED, fmt, ap);
	va_end(ap);
	return st;
}

vnpu_status vo_fail_st(struct vo_ctx *x, vnpu_status status, const char *fmt, ...)
{
	vnpu_status st;
	va_list ap;

	va_start(ap, fmt);
	st = vo_vfail(x, status, fmt, ap);
	va_end(ap);
	return st;
}

vnpu_status vo_builder(struct vo_ctx *x, vnpu_status st)
{
	char msg[400];

	if (!st)
		return st;
	snprintf(msg, sizeof(msg), "%s", vnpu_last_error());
	return vo_fail_st(x, st, "the card cannot do it: %s", msg);
}

static struct vo_val *vo_find(struct vo_ctx *x, const char *name)
{
	for (uint32_t i = x->nv; i-- > 0;)
		if (!strcmp(x->v[i]->name, name))
			return x->v[i];
	return NULL;
}

/* A new value NAME (the latest definition wins lookups). */
static struct vo_val *vo_add(struct vo_ctx *x, const char *name)
{
	if (x->nv == x->cap) {
		uint32_t cap = x->cap ? x->cap * 2 : 64;
		void *p = realloc(x->v, cap * sizeof(*x->v));

		if (!p)
			return NULL;
		x->v = p;
		x->cap = cap;
	}
	x->v[x->nv] = calloc(1, sizeof(*x->v[0]));
	if (!x->v[x->nv])
		return NULL;
	x->v[x->nv]->name = name;
	return x->v[x->nv++];
}

uint32_t vo_nin(const struct vo_ctx *x)
{
	return (uint32_t)x->node->n_input;
}

struct vo_val *vo_in(struct vo_ctx *x, uint32_t k)
{
	if (k >= x->node->n_input || !x->node->input[k] || !x->node->input[k][0])
		return NULL;
	return vo_find(x, x->node->input[k]);
}

bool vo_out_wanted(const struct vo_ctx *x, uint32_t k)
{
	return k < x->node->n_output && x->node->output[k] && x->node->output[k][0];
}

static vnpu_status vo_out(struct vo_ctx *x, uint32_t k, struct vo_val **v)
{
	if (!vo_out_wanted(x, k))
		return vo_fail_st(x, VNPU_STATUS_INVALID_ARGUMENT, "output %u is missing", k);
	*v = vo_add(x, x->node->output[k]);
	if (!*v)
		return vnpu_rt_error(VNPU_STATUS_OUT_OF_MEMORY, "ONNX import: out of memory");
	return VNPU_STATUS_OK;
}

vnpu_status vo_set_tensor(struct vo_ctx *x, uint32_t k, vnpu_tensor t,
			  uint32_t rank, const int64_t *dims)
{
	return vo_set_tensor_typed(x, k, t, rank, dims, VO_FLOAT);
}

vnpu_status vo_set_tensor_typed(struct vo_ctx *x, uint32_t k, vnpu_tensor t,
				uint32_t rank, const int64_t *dims, int32_t type)
{
	struct vo_val *v;
	vnpu_status st = vo_out(x, k, &v);

	if (st)
		return st;
	v->t = t;
	v->type = type;
	v->rank = rank;
	memcpy(v->dims, dims, rank * sizeof(*dims));
	return VNPU_STATUS_OK;
}

vnpu_status vo_set_const(struct vo_ctx *x, uint32_t k, vnpu_onnx_tensor *c)
{
	struct vo_val *v;
	vnpu_status st = vo_out(x, k, &v);

	if (st) {
		vnpu_onnx_tensor_free(c);
		return st;
	}
	v->is_const = true;
	v->c = *c;
	return VNPU_STATUS_OK;
}

vnpu_status vo_set(struct vo_ctx *x, uint32_t k, struct vo_val *r)
{
	struct vo_val *v;
	vnpu_status st = vo_out(x, k, &v);
	const char *name;

	if (st) {
		vo_val_free(r);
		return st;
	}
	name = v->name;
	*v = *r;
	v->name = name;
	memset(r, 0, sizeof(*r));
	return VNPU_STATUS_OK;
}

void vo_shape(const struct vo_val *v, uint32_t *rank, int64_t *dims)
{
	*rank = v->is_const ? v->c.rank : v->rank;
	memcpy(dims, v->is_const ? v->c.dims : v->dims, *rank * sizeof(*dims));
}

int32_t vo_type(const struct vo_val *v)
{
	return v->is_const ? v->c.onnx_type : v->type;
}

/*
 * Graph tensors have 1..4 dimensions; an ONNX value of more keeps its
 * leading ones merged (the data is the same, its vo_val keeps the ONNX
 * shape), so views and element-wise ops work at any rank.
 */
bool vo_gshape(uint32_t rank, const int64_t *dims, uint32_t *grank, uint32_t *gdims)
{
	uint32_t skip = rank > VNPU_MAX_RANK ? rank - VNPU_MAX_RANK : 0;
	uint64_t lead = 1;

	if (!rank) {
		*grank = 1;
		gdims[0] = 1;
		return true;
	}
	for (uint32_t d = 0; d < rank; d++)
		if (dims[d] < 1 || dims[d] > UINT32_MAX)
			return false;
	for (uint32_t d = 0; d <= skip; d++)
		lead *= (uint64_t)dims[d];
	if (lead > UINT32_MAX)
		return false;
	gdims[0] = (uint32_t)lead;
	for (uint32_t d = skip + 1; d < rank; d++)
		gdims[d - skip] = (uint32_t)dims[d];
	*grank = rank - skip;
	return true;
}

const char *vo_name(struct vo_ctx *x, const char *what)
{
	const char *base = x->node->name && x->node->name[0] ? x->node->name :
			   x->node->n_output ? x->node->output[0] : "";

	snprintf(x->tmp, sizeof(x->tmp), "%s.%s", base, what);
	return x->tmp;
}

/* A new graph constant of C's data under the shape (RANK, DIMS). */
static vnpu_status vo_const_tensor(struct vo_ctx *x, const struct vo_val *v,
				   uint32_t rank, const int64_t *dims, vnpu_tensor *t)
{
	uint32_t grank, gdims[VNPU_MAX_RANK];
	const vnpu_onnx_tensor *c = &v->c;
	vnpu_status st;
	void *buf;

	if (!vo_gshape(rank, dims, &grank, gdims))
		return vo_fail(x, "constant '%s' has %u dimensions or an empty one (the card's tensors have 1..4, none empty)",
			       v->name ? v->name : "", rank);
	buf = malloc(c->count * 4);
	if (!buf)
		return vnpu_rt_error(VNPU_STATUS_OUT_OF_MEMORY, "ONNX import: out of memory");
	if (c->f) {
		memcpy(buf, c->f, c->count * 4);
	} else {
		for (uint64_t i = 0; i < c->count; i++) {
			if (c->i[i] < INT32_MIN || c->i[i] > INT32_MAX) {
				free(buf);
				return vo_fail(x, "constant '%s': value %lld does not fit the card's int32",
					       v->name ? v->name : "", (long long)c->i[i]);
			}
			((int32_t *)buf)[i] = (int32_t)c->i[i];
		}
	}
	st = vnpu_graph_constant(x->g, v->name, c->f ? VNPU_DTYPE_FP32 : VNPU_DTYPE_I32,
				 grank, gdims, buf, c->count * 4, VNPU_CONST_COPY, t);
	free(buf);
	return vo_builder(x, st);
}

vnpu_status vo_tensor(struct vo_ctx *x, struct vo_val *v, vnpu_tensor *t)
{
	vnpu_status st;

	if (!v->is_const || v->t) {	/* a constant materialized before */
		*t = v->t;
		return VNPU_STATUS_OK;
	}
	st = vo_const_tensor(x, v, v->c.rank, v->c.dims, t);
	if (!st)
		v->t = *t;
	return st;
}

vnpu_status vo_as(struct vo_ctx *x, struct vo_val *v, uint32_t rank,
		  const int64_t *dims, vnpu_tensor *t)
{
	uint32_t vr;
	int64_t vd[VNPU_ONNX_MAX_RANK];

	vo_shape(v, &vr, vd);
	if (vo_count(vr, vd) != vo_count(rank, dims))
		return vo_fail_st(x, VNPU_STATUS_INVALID_ARGUMENT,
				  "%llu elements do not make a shape of %llu",
				  (unsigned long long)vo_count(vr, vd),
				  (unsigned long long)vo_count(rank, dims));
	if (!v->is_const)
		return vo_reshape(x, v->t, rank, dims, t);
	if (rank == vr && !memcmp(vd, dims, rank * sizeof(*dims)))
		return vo_tensor(x, v, t);
	return vo_const_tensor(x, v, rank, dims, t);
}

vnpu_status vo_reshape(struct vo_ctx *x, vnpu_tensor t, uint32_t rank,
		       const int64_t *dims, vnpu_tensor *out)
{
	uint32_t grank, gdims[VNPU_MAX_RANK], orank, odims[VNPU_MAX_RANK];

	if (!vo_gshape(rank, dims, &grank, gdims))
		return vo_fail(x, "a result of %u dimensions or an empty one (the card's tensors have 1..4, none empty)",
			       rank);
	if (vnpu_graph_tensor_info(x->g, t, NULL, &orank, odims))
		return vo_builder(x, VNPU_STATUS_INVALID_ARGUMENT);
	if (orank == grank && !memcmp(odims, gdims, grank * sizeof(*gdims))) {
		*out = t;
		return VNPU_STATUS_OK;
	}
	return vo_builder(x, vnpu_graph_reshape(x->g, vo_name(x, "reshape"), t, grank,
						gdims, out));
}

const Onnx__AttributeProto *vo_attr(const struct vo_ctx *x, const char *name)
{
	for (size_t i = 0; i < x->node->n_attribute; i++) {
		const Onnx__AttributeProto *a = x->node->attribute[i];

		if (a && a->name && !strcmp(a->name, name))
			return a;
	}
	return NULL;
}

int64_t vo_attr_int(const struct vo_ctx *x, const char *name, int64_t def)
{
	const Onnx__AttributeProto *a = vo_attr(x, name);

	return a && a->has_i ? a->i : def;
}

float vo_attr_float(const struct vo_ctx *x, const char *name, float def)
{
	const Onnx__AttributeProto *a = vo_attr(x, name);

	return a && a->has_f ? a->f : def;
}

/* Whether attribute A holds the value V ("1", "0.5", "NOTSET"; an ints
 * attribute: every element). */
static bool vo_attr_is(const Onnx__AttributeProto *a, const char *v, size_t len)
{
	char buf[32], *end;
	long long i;

	if (len >= sizeof(buf))
		return false;
	memcpy(buf, v, len);
	buf[len] = 0;
	i = strtoll(buf, &end, 10);
	if (a->has_s)
		return a->s.len == len && !memcmp(a->s.data, v, len);
	if (a->has_f)
		return a->f == strtof(buf, NULL);
	if (*end)	/* not an integer */
		return false;
	if (a->has_i)
		return a->i == i;
	for (size_t k = 0; k < a->n_ints; k++)
		if (a->ints[k] != i)
			return false;
	return a->n_ints > 0;
}

vnpu_status vo_check_attrs(struct vo_ctx *x, const char *attrs)
{
	for (size_t i = 0; i < x->node->n_attribute; i++) {
		const Onnx__AttributeProto *a = x->node->attribute[i];
		const char *p = attrs, *val = NULL;
		size_t nlen, vlen = 0;

		if (!a || !a->name)
			return vo_fail_st(x, VNPU_STATUS_INVALID_ARGUMENT,
					  "attribute %zu has no name", i);
		nlen = strlen(a->name);
		while (*p) {
			size_t w = strcspn(p, " "), n = strcspn(p, "= ");

			if (n == nlen && !memcmp(p, a->name, n)) {
				val = p + n;
				vlen = w - n;
				break;
			}
			p += w + (p[w] == ' ');
		}
		if (!val)
			return vo_fail(x, "attribute '%s' is not supported", a->name);
		if (vlen && !vo_attr_is(a, val + 1, vlen - 1))
			return vo_fail(x, "attribute '%s' is supported only as %.*s", a->name,
				       (int)vlen - 1, val + 1);
	}
	return VNPU_STATUS_OK;
}

/* ------------------------------------------------------------ the model */

static const vnpu_onnx_tensor *vo_bound(const struct vo_ctx *x, const char *name)
{
	if (!x->opts)
		return NULL;
	for (uint32_t i = 0; i < x->opts->nbind; i++)
		if (!strcmp(x->opts->bind[i].name, name))
			return &x->opts->bind[i];
	return NULL;
}

static vnpu_status vo_model_err(vnpu_status st, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static vnpu_status vo_model_err(vnpu_status st, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return vnpu_rt_error(st, "ONNX model: %s", msg);
}

static vnpu_status vo_copy_tensor(vnpu_onnx_tensor *dst, const vnpu_onnx_tensor *src)
{
	if (!vo_tensor_alloc(dst, src->onnx_type, src->rank, src->dims))
		return vnpu_rt_error(VNPU_STATUS_OUT_OF_MEMORY, "ONNX import: out of memory");
	memcpy(dst->name, src->name, sizeof(dst->name));
	if (src->f && src->count)
		memcpy(dst->f, src->f, src->count * sizeof(float));
	else if (src->count)
		memcpy(dst->i, src->i, src->count * sizeof(int64_t));
	return VNPU_STATUS_OK;
}

/* The static shape of graph input VI (symbolic dims from the options). */
static vnpu_status vo_input_shape(struct vo_ctx *x, const Onnx__ValueInfoProto *vi,
				  int32_t *type, uint32_t *rank, int64_t *dims)
{
	const Onnx__TypeProto *tp = vi->type;
	const Onnx__TypeProto__Tensor *tt;
	const Onnx__TensorShapeProto *sh;

	if (!tp || tp->value_case != ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE ||
	    !tp->tensor_type)
		return vo_model_err(VNPU_STATUS_UNSUPPORTED, "input '%s' is not a tensor",
				    vi->name);
	tt = tp->tensor_type;
	*type = tt->has_elem_type ? tt->elem_type : 0;
	sh = tt->shape;
	if (!sh)
		return vo_model_err(VNPU_STATUS_UNSUPPORTED,
				    "input '%s' has no shape (a static shape is needed)",
				    vi->name);
	if (sh->n_dim > VNPU_ONNX_MAX_RANK)
		return vo_model_err(VNPU_STATUS_UNSUPPORTED,
				    "input '%s' has %zu dimensions (up to 8 are imported)",
				    vi->name, sh->n_dim);
	*rank = (uint32_t)sh->n_dim;
	for (size_t d = 0; d < sh->n_dim; d++) {
		const Onnx__TensorShapeProto__Dimension *dm = sh->dim[d];
		bool found = false;

		if (dm && dm->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE) {
			if (dm->dim_value < 1 || dm->dim_value > (int64_t)VO_MAX_ELEMS)
				return vo_model_err(VNPU_STATUS_UNSUPPORTED,
						    "input '%s': dimension %zu is %lld",
						    vi->name, d, (long long)dm->dim_value);
			dims[d] = dm->dim_value;
			continue;
		}
		if (dm && dm->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM &&
		    x->opts) {
			for (uint32_t i = 0; i < x->opts->ndims; i++) {
				if (!strcmp(x->opts->dim_names[i], dm->dim_param) &&
				    x->opts->dim_values[i]) {
					dims[d] = x->opts->dim_values[i];
					found = true;
				}
			}
		}
		if (!found)
			return vo_model_err(VNPU_STATUS_UNSUPPORTED,
					    "input '%s': dimension %zu ('%s') is symbolic: give its value in the import options",
					    vi->name, d,
					    dm && dm->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM ?
					    dm->dim_param : "?");
	}
	if (vo_count(*rank, dims) > VO_MAX_ELEMS)
		return vo_model_err(VNPU_STATUS_UNSUPPORTED, "input '%s' is too large", vi->name);
	return VNPU_STATUS_OK;
}

/*
 * A value bound to a FLOAT16 or BFLOAT16 input given as UINT16 bits (as
 * ONNX's own test data stores them): the floats those bits are.
 */
static void vo_bound_bits(const Onnx__ValueInfoProto *vi, vnpu_onnx_tensor *c)
{
	const Onnx__TypeProto *tp = vi->type;
	int32_t want;
	float *f;

	if (!tp || tp->value_case != ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE ||
	    !tp->tensor_type || !c->i || c->onnx_type != VO_UINT16)
		return;
	want = tp->tensor_type->elem_type;
	if (want != VO_FLOAT16 && want != VO_BFLOAT16)
		return;
	f = malloc((c->count ? c->count : 1) * sizeof(float));
	if (!f)
		return;
	for (uint64_t i = 0; i < c->count; i++) {
		uint16_t h = (uint16_t)c->i[i];
		uint32_t w = want == VO_BFLOAT16 ? (uint32_t)h << 16 : vnpu_fp16_to_fp32(h);

		memcpy(&f[i], &w, 4);
	}
	free(c->i);
	c->i = NULL;
	c->f = f;
	c->onnx_type = want;
}

static bool vo_is_initializer(const Onnx__GraphProto *g, const char *name)
{
	for (size_t i = 0; i < g->n_initializer; i++)
		if (g->initializer[i] && g->initializer[i]->name &&
		    !strcmp(g->initializer[i]->name, name))
			return true;
	return false;
}

static vnpu_status vo_initializers(struct vo_ctx *x, const Onnx__GraphProto *g)
{
	for (size_t i = 0; i < g->n_initializer; i++) {
		const Onnx__TensorProto *p = g->initializer[i];
		struct vo_val *v;
		const char *why;
		bool unsup;

		if (!p || !p->name)
			return vo_model_err(VNPU_STATUS_INVALID_ARGUMENT,
					    "initializer %zu has no name", i);
		v = vo_add(x, p->name);
		if (!v)
			return vnpu_rt_error(VNPU_STATUS_OUT_OF_MEMORY, "ONNX import: out of memory");
		why = vo_tensor_from_proto(p, &v->c, &unsup);
		if (why) {
			free(x->v[--x->nv]);
			return vo_model_err(unsup ? VNPU_STATUS_UNSUPPORTED :
					    VNPU_STATUS_INVALID_ARGUMENT,
					    "initializer '%s': %s", p->name, why);
		}
		v->is_const = true;
	}
	return VNPU_STATUS_OK;
}

static vnpu_status vo_inputs(struct vo_ctx *x, const Onnx__GraphProto *g)
{
	vnpu_status st0 = vo_initializers(x, g);

	if (st0)
		return st0;
	for (size_t i = 0; i < g->n_input; i++) {
		const Onnx__ValueInfoProto *vi = g->input[i];
		uint32_t grank, gdims[VNPU_MAX_RANK];
		const vnpu_onnx_tensor *b;
		struct vo_val *v;
		vnpu_status st;

		if (!vi || !vi->name)
			return vo_model_err(VNPU_STATUS_INVALID_ARGUMENT, "input %zu has no name", i);
		if (vo_is_initializer(g, vi->name))
			continue;	/* an initializer with a default value */
		v = vo_add(x, vi->name);
		if (!v)
			return vnpu_rt_error(VNPU_STATUS_OUT_OF_MEMORY, "ONNX import: out of memory");
		b = vo_bound(x, vi->name);
		if (b) {
			st = vo_copy_tensor(&v->c, b);
			if (st) {
				free(x->v[--x->nv]);
				return st;
			}
			v->is_const = true;
			vo_bound_bits(vi, &v->c);
			continue;
		}
		st = vo_input_shape(x, vi, &v->type, &v->rank, v->dims);
		if (st)
			return st;
		if (v->type != VO_FLOAT && v->type != VO_INT8 && v->type != VO_UINT8 &&
		    v->type != VO_BOOL)
			return vo_model_err(VNPU_STATUS_UNSUPPORTED,
					    "input '%s' is %s: only float, int8, uint8 and bool inputs run on the card (bind other inputs as constants)",
					    vi->name, vo_type_name(v->type));
		if (!vo_gshape(v->rank, v->dims, &grank, gdims))
			return vo_model_err(VNPU_STATUS_UNSUPPORTED,
					    "input '%s' has an empty or huge dimension",
					    vi->name);
		st = vnpu_graph_input(x->g, vi->name,
				      v->type == VO_INT8 ? VNPU_DTYPE_I8 :
				      v->type == VO_UINT8 || v->type == VO_BOOL ? VNPU_DTYPE_U8 :
				      VNPU_DTYPE_FP32,
				      grank, gdims, &v->t);
		if (st)
			return st;
	}
	return VNPU_STATUS_OK;
}

static vnpu_status vo_outputs(struct vo_ctx *x, const Onnx__GraphProto *g)
{
	for (size_t i = 0; i < g->n_output; i++) {
		const Onnx__ValueInfoProto *vi = g->output[i];
		struct vo_val *v = vi && vi->name ? vo_find(x, vi->name) : NULL;
		vnpu_tensor t, c;
		vnpu_status st;

		x->node = NULL;
		if (!v)
			return vo_model_err(VNPU_STATUS_INVALID_ARGUMENT,
					    "output %zu '%s' is never computed", i,
					    vi && vi->name ? vi->name : "");
		/* integer outputs: int8, uint8 and bool tensors (a byte each), or
		 * constants known when compiling (given as int32) */
		if (vo_type(v) != VO_FLOAT && !(v->is_const && v->c.i) &&
		    vo_type(v) != VO_INT8 && vo_type(v) != VO_UINT8 && vo_type(v) != VO_BOOL)
			return vo_model_err(VNPU_STATUS_UNSUPPORTED,
					    "output '%s' is %s: only float, int8, uint8 and bool outputs (or integer constants) come from the card",
					    vi->name, vo_type_name(vo_type(v)));
		st = vo_tensor(x, v, &t);
		if (st)
			return st;
		/* Outputs own their memory: copy inputs, constants and views. */
		st = vnpu_graph_copy(x->g, vi->name, t, &c);
		if (!st)
			st = vnpu_graph_output(x->g, c);
		if (st)
			return st;
	}
	return VNPU_STATUS_OK;
}

static vnpu_status vo_opset(struct vo_ctx *x, const Onnx__ModelProto *m)
{
	x->opset = 0;
	for (size_t i = 0; i < m->n_opset_import; i++) {
		const Onnx__OperatorSetIdProto *o = m->opset_import[i];

		if (o && (!o->domain || !o->domain[0] || !strcmp(o->domain, "ai.onnx")))
			x->opset = o->has_version ? o->version : 0;
	}
	if (x->opset < VO_OPSET_MIN || x->opset > VO_OPSET_MAX)
		return vo_model_err(VNPU_STATUS_UNSUPPORTED,
				    "opset %lld of the default domain (supported: %d..%d)",
				    (long long)x->opset, VO_OPSET_MIN, VO_OPSET_MAX);
	return VNPU_STATUS_OK;
}

static vnpu_status vo_nodes(struct vo_ctx *x, const Onnx__GraphProto *g);
static vnpu_status vo_initializers(struct vo_ctx *x, const Onnx__GraphProto *g);
static vnpu_status vo_copy_tensor(vnpu_onnx_tensor *dst, const vnpu_onnx_tensor *src);

/*
 * If with a condition known when compiling: the chosen branch's nodes are
 * imported in place (they may read every value defined so far) and its
 * outputs become the If's.
 */
static vnpu_status vo_if_op(struct vo_ctx *x)
{
	const Onnx__NodeProto *node = x->node;
	struct vo_val *c = vo_in(x, 0);
	const Onnx__AttributeProto *br;
	vnpu_status st;
	uint32_t index = x->index;

	if (!c || !c->is_const || !c->c.i || c->c.count != 1)
		return vo_fail(x, "a condition computed at run time (the card has no branches; a constant one picks its branch when importing)");
	br = vo_attr(x, c->c.i[0] ? "then_branch" : "else_branch");
	if (!br || !br->g)
		return vo_fail_st(x, VNPU_STATUS_INVALID_ARGUMENT, "the %s branch is missing",
				  c->c.i[0] ? "then" : "else");
	if (br->g->n_output != node->n_output)
		return vo_fail_st(x, VNPU_STATUS_INVALID_ARGUMENT,
				  "the branch has %zu outputs, the node %zu", br->g->n_output,
				  node->n_output);
	if (++x->depth > 8)
		return vo_fail(x, "branches nested more than 8 deep");
	st = vo_initializers(x, br->g);
	if (!st)
		st = vo_nodes(x, br->g);
	x->depth--;
	x->node = node;
	x->index = index;
	for (size_t k = 0; k < node->n_output && !st; k++) {
		const Onnx__ValueInfoProto *vi = br->g->output[k];
		struct vo_val *v = vi && vi->name ? vo_find(x, vi->name) : NULL, r;

		if (!v)
			return vo_fail_st(x, VNPU_STATUS_INVALID_ARGUMENT,
					  "branch output %zu is never computed", k);
		if (!vo_out_wanted(x, (uint32_t)k))
			continue;
		r = *v;
		if (v->is_const) {
			st = vo_copy_tensor(&r.c, &v->c);
			if (st)
				return st;
		}
		st = vo_set(x, (uint32_t)k, &r);
	}
	return st;
}

static vnpu_status vo_nodes(struct vo_ctx *x, const Onnx__GraphProto *g)
{
	for (size_t i = 0; i < g->n_node; i++) {
		const Onnx__NodeProto *n = g->node[i];
		static const struct vo_op_entry if_op = { "If", vo_if_op, "else_branch then_branch" };
		const struct vo_op_entry *op;
		vnpu_status st;

		x->node = n;
		x->index = (uint32_t)i;
		if (!n || !n->op_type)
			return vo_model_err(VNPU_STATUS_INVALID_ARGUMENT, "node %zu has no op type", i);
		if (n->domain && n->domain[0] && strcmp(n->domain, "ai.onnx"))
			return vo_fail(x, "domain '%s' is not supported (only the default ONNX domain)",
				       n->domain);
		for (size_t k = 0; k < n->n_input; k++)
			if (n->input[k] && n->input[k][0] && !vo_find(x, n->input[k]))
				return vo_fail_st(x, VNPU_STATUS_INVALID_ARGUMENT,
						  "input '%s' is not defined before the node",
						  n->input[k]);
		op = !strcmp(n->op_type, "If") ? &if_op : vo_find_op(n->op_type);
		if (!op)
			return vo_fail(x, "operator %s is not supported", n->op_type);
		st = vo_check_attrs(x, op->attrs);
		if (!st)
			st = op->fn(x);
		if (st)
			return st;
	}
	x->node = NULL;
	return VNPU_STATUS_OK;
}

vnpu_status vnpu_graph_import_onnx_mem(const void *data, size_t size,
				       const vnpu_onnx_options *opts,
				       vnpu_graph **graph)
{
	struct vo_ctx x = { .opts = opts };
	Onnx__ModelProto *m;
	vnpu_status st;

	if (!graph || (!data && size))
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_graph_import_onnx: NULL argument");
	*graph = NULL;
	m = onnx__model_proto__unpack(NULL, size, data);
	if (!m)
		return vo_model_err(VNPU_STATUS_INVALID_ARGUMENT,
				    "not a valid ModelProto (%zu bytes: truncated or not ONNX)",
				    size);
	if (!m->graph) {
		onnx__model_proto__free_unpacked(m, NULL);
		return vo_model_err(VNPU_STATUS_INVALID_ARGUMENT, "the model has no graph");
	}
	st = vo_opset(&x, m);
	if (!st)
		st = vnpu_graph_create(&x.g);
	if (!st)
		st = vo_inputs(&x, m->graph);
	if (!st)
		st = vo_nodes(&x, m->graph);
	if (!st)
		st = vo_outputs(&x, m->graph);
	for (uint32_t i = 0; i < x.nv; i++) {
		vnpu_onnx_tensor_free(&x.v[i]->c);
		free(x.v[i]);
	}
	free(x.v);
	onnx__model_proto__free_unpacked(m, NULL);
	if (st) {
		vnpu_graph_destroy(x.g);
		return st;
	}
	*graph = x.g;
	return VNPU_STATUS_OK;
}

vnpu_status vnpu_graph_import_onnx(const char *path, const vnpu_onnx_options *opts,
				   vnpu_graph **graph)
{
	struct stat sb;
	vnpu_status st;
	void *map;
	int fd;

	if (!path || !graph)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_graph_import_onnx: NULL argument");
	*graph = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return vnpu_rt_error(VNPU_STATUS_IO_ERROR, "%s: %s", path, strerror(errno));
	if (fstat(fd, &sb) || !S_ISREG(sb.st_mode)) {
		close(fd);
		return vnpu_rt_error(VNPU_STATUS_IO_ERROR, "%s: not a regular file", path);
	}
	if (!sb.st_size) {
		close(fd);
		return vo_model_err(VNPU_STATUS_INVALID_ARGUMENT, "%s is empty", path);
	}
	map = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return vnpu_rt_error(VNPU_STATUS_IO_ERROR, "%s: %s", path, strerror(errno));
	st = vnpu_graph_import_onnx_mem(map, (size_t)sb.st_size, opts, graph);
	munmap(map, (size_t)sb.st_size);
	return st;
}
