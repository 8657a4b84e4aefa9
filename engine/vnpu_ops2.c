// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The vector unit's second set of ops (vnpu_engine/ops.h): more
 * element-wise functions, strided copies and row reductions, added for
 * imported (ONNX) graphs. Scalar IEEE arithmetic and the engine's own
 * math functions only, so every build gives the same bits.
 */
#include "vnpu_internal.h"
#include "vnpu_simd.h"
#include <drm/vnpu_cmd.h>
#include <vnpu_engine/ops.h>
#include <vnpu_engine/vmath.h>

#define VNPU_LN2 0.69314718055994530942

static int vnpu_is_nan(float x)
{
	return x != x;
}

static float vnpu_nan(void)
{
	return vnpu_f32(0x7fc00000u);
}

static int vnpu_signbit(float x)
{
	return (vnpu_u32(x) >> 31) != 0;
}

/* 1 if Y is an integer, 2 if an odd one, 0 otherwise (finite Y). */
static int vnpu_int_kind(float y)
{
	float a = vnpu_fabsf(y);
	int32_t i;

	if (a >= 16777216.0f)
		return 1;	/* every float from 2^24 up is an even integer */
	i = (int32_t)y;
	if ((float)i != y)
		return 0;
	return (i & 1) ? 2 : 1;
}

static float vnpu_inf(int neg)
{
	return vnpu_f32(neg ? 0xff800000u : 0x7f800000u);
}

/*
 * x^y with C99's special cases; the general case is exp(y * ln|x|)
 * evaluated in double (the engine's exp and log2, ~1e-15 relative) and
 * rounded once: within 1 ulp of the exact value.
 */
static float vnpu_powf(float x, float y)
{
	float ax = vnpu_fabsf(x), ay = vnpu_fabsf(y);
	int ik, neg;
	double r;

	if (y == 0.0f || x == 1.0f)
		return 1.0f;
	if (vnpu_is_nan(x) || vnpu_is_nan(y))
		return vnpu_nan();
	if (ay == vnpu_inf(0)) {
		if (ax == 1.0f)
			return 1.0f;
		return (ax > 1.0f) == (y > 0.0f) ? vnpu_inf(0) : 0.0f;
	}
	ik = vnpu_int_kind(y);
	neg = vnpu_signbit(x) && ik == 2;
	if (x == 0.0f || ax == vnpu_inf(0)) {
		/* 0^y and inf^y: 0 or inf, odd integer powers keep the sign */
		int big = (x == 0.0f) == (y < 0.0f);

		if (big)
			return vnpu_inf(neg);
		return neg ? -0.0f : 0.0f;
	}
	if (x < 0.0f && !ik)
		return vnpu_nan();
	r = vnpu_exp_dbl((double)y * vnpu_log2_dbl((double)ax) * VNPU_LN2);
	return neg ? (float)-r : (float)r;
}

/* ln x: log2 in double (~1e-16 relative) times ln 2, rounded once. */
static float vnpu_logf(float x)
{
	if (vnpu_is_nan(x) || x < 0.0f)
		return vnpu_nan();
	if (x == 0.0f)
		return vnpu_inf(1);
	if (x == vnpu_inf(0))
		return x;
	return (float)(vnpu_log2_dbl((double)x) * VNPU_LN2);
}

static float vnpu_maxf(float x, float y)
{
	if (vnpu_is_nan(x) || vnpu_is_nan(y))
		return vnpu_nan();
	if (x == y)
		return vnpu_signbit(x) ? y : x;
	return x > y ? x : y;
}

static float vnpu_minf(float x, float y)
{
	if (vnpu_is_nan(x) || vnpu_is_nan(y))
		return vnpu_nan();
	if (x == y)
		return vnpu_signbit(x) ? x : y;
	return x < y ? x : y;
}

static float vnpu_elt1(uint32_t op, float x)
{
	switch (op) {
	case VNPU_ELT_RELU:
		return x > 0.0f || vnpu_is_nan(x) ? x : 0.0f;
	case VNPU_ELT_SIGMOID:
		return vnpu_sigmoidf(x);
	case VNPU_ELT_TANH:
		return vnpu_tanhf(x);
	case VNPU_ELT_SQRT:
		return vnpu_sqrtf(x);
	case VNPU_ELT_ERF:
		return vnpu_erff(x);
	case VNPU_ELT_EXP:
		return vnpu_expf(x);
	case VNPU_ELT_LOG:
		return vnpu_logf(x);
	default:	/* NEG */
		return vnpu_f32(vnpu_u32(x) ^ 0x80000000u);
	}
}

static float vnpu_elt2(uint32_t op, float x, float y)
{
	switch (op) {
	case VNPU_ELT_SUB:
		return x - y;
	case VNPU_ELT_DIV:
		return x / y;
	case VNPU_ELT_MAX:
		return vnpu_maxf(x, y);
	case VNPU_ELT_MIN:
		return vnpu_minf(x, y);
	default:	/* POW */
		return vnpu_powf(x, y);
	}
}

int vnpu_eltwise_ext(uint32_t op, float *y, const float *a, const float *b,
		     size_t n)
{
	size_t i;

	if (op < VNPU_ELT_SUB || op > VNPU_ELT_LOG)
		return VNPU_EINVAL;
	if (op <= VNPU_ELT_POW) {
		if (!b)
			return VNPU_EINVAL;
		for (i = 0; i < n; i++)
			y[i] = vnpu_elt2(op, a[i], b[i]);
		return VNPU_OK;
	}
	for (i = 0; i < n; i++)
		y[i] = vnpu_elt1(op, a[i]);
	return VNPU_OK;
}

/*
 * N elements of ESIZE bytes from SRC (stride SS) to DST (stride DS), by
 * running offsets (a pointer stepped past the last element could leave
 * the buffer).
 */
static void vnpu_strided_row(uint8_t *dst, const uint8_t *src, uint32_t esize,
			     size_t n, int64_t ss, size_t ds)
{
	int64_t s = 0;
	size_t j, d = 0;

	switch (esize) {
	case 4:
		for (j = 0; j < n; j++, s += ss, d += ds)
			((uint32_t *)dst)[d] = ((const uint32_t *)src)[s];
		break;
	case 2:
		for (j = 0; j < n; j++, s += ss, d += ds)
			((uint16_t *)dst)[d] = ((const uint16_t *)src)[s];
		break;
	default:
		for (j = 0; j < n; j++, s += ss, d += ds)
			dst[d] = src[s];
		break;
	}
}

/*
 * Rows are walked with running indices (no divisions per row). A row
 * whose elements are adjacent on both sides (a K/V row into the
 * head-major cache, a slice, a concatenation) is one block copy: the
 * element loop moved ~2 GB/s.
 */
int vnpu_strided_copy(void *dst, const void *src_lo, uint32_t esize,
		      const uint32_t *dims, const int32_t *sstride,
		      const uint32_t *dstride, size_t row0, size_t nrows)
{
	const uint8_t *src = src_lo;
	uint8_t *out = dst;
	size_t n = dims[3], i0, i1, i2, r;
	bool block = n == 1 || (sstride[3] == 1 && dstride[3] == 1);
	int64_t lo = 0;

	if (esize != 1 && esize != 2 && esize != 4)
		return VNPU_EINVAL;
	for (int d = 0; d < 4; d++)
		if (sstride[d] < 0)
			lo += (int64_t)(dims[d] - 1) * sstride[d];
	i2 = row0 % dims[2];
	i1 = row0 / dims[2] % dims[1];
	i0 = row0 / dims[2] / dims[1];
	for (r = 0; r < nrows; r++) {
		int64_t so = (int64_t)i0 * sstride[0] + (int64_t)i1 * sstride[1] +
			     (int64_t)i2 * sstride[2] - lo;
		size_t d0 = i0 * dstride[0] + i1 * dstride[1] + i2 * dstride[2];

		if (block)
			vnpu_copy_block(out + d0 * esize, src + (size_t)so * esize,
					n * esize);
		else
			vnpu_strided_row(out + d0 * esize, src + (size_t)so * esize,
					 esize, n, sstride[3], dstride[3]);
		if (++i2 == dims[2]) {
			i2 = 0;
			if (++i1 == dims[1]) {
				i1 = 0;
				i0++;
			}
		}
	}
	return VNPU_OK;
}

int vnpu_reduce(float *y, const float *x, size_t rows, size_t n, uint32_t kind)
{
	if (kind > VNPU_REDUCE_MIN || !n)
		return VNPU_EINVAL;
	for (size_t r = 0; r < rows; r++) {
		const float *row = x + r * n;
		float v = row[0];

		switch (kind) {
		case VNPU_REDUCE_SUM:
		case VNPU_REDUCE_MEAN:
			vnpu_sum(&v, row, n);
			if (kind == VNPU_REDUCE_MEAN)
				v = v / (float)n;
			break;
		default:
			for (size_t i = 1; i < n; i++)
				v = kind == VNPU_REDUCE_MAX ? vnpu_maxf(v, row[i]) :
							      vnpu_minf(v, row[i]);
			break;
		}
		y[r] = v;
	}
	return VNPU_OK;
}
