// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Comparisons to bytes and the element-wise select (the card's COMPARE
 * and SELECT packets, uapi/drm/vnpu_cmd.h): ONNX's Equal, Less, Greater,
 * LessOrEqual, GreaterOrEqual and Where on run-time tensors. IEEE
 * comparisons and plain copies: exact everywhere.
 */
#include "vnpu_internal.h"
#include <drm/vnpu_cmd.h>
#include <vnpu_engine/ops.h>

int vnpu_compare(uint32_t kind, uint8_t *out, const float *x, const float *y,
		 size_t n)
{
	size_t i;

	switch (kind) {
	case VNPU_CMP_EQ:
		for (i = 0; i < n; i++)
			out[i] = x[i] == y[i];
		break;
	case VNPU_CMP_LT:
		for (i = 0; i < n; i++)
			out[i] = x[i] < y[i];
		break;
	case VNPU_CMP_GT:
		for (i = 0; i < n; i++)
			out[i] = x[i] > y[i];
		break;
	case VNPU_CMP_LE:
		for (i = 0; i < n; i++)
			out[i] = x[i] <= y[i];
		break;
	case VNPU_CMP_GE:
		for (i = 0; i < n; i++)
			out[i] = x[i] >= y[i];
		break;
	default:
		return VNPU_EINVAL;
	}
	return VNPU_OK;
}

int vnpu_select(uint32_t esize, void *out, const uint8_t *cond, const void *x,
		const void *y, size_t n)
{
	size_t i;

	switch (esize) {
	case 4:
		for (i = 0; i < n; i++)
			((uint32_t *)out)[i] = cond[i] ? ((const uint32_t *)x)[i] :
							 ((const uint32_t *)y)[i];
		break;
	case 2:
		for (i = 0; i < n; i++)
			((uint16_t *)out)[i] = cond[i] ? ((const uint16_t *)x)[i] :
							 ((const uint16_t *)y)[i];
		break;
	case 1:
		for (i = 0; i < n; i++)
			((uint8_t *)out)[i] = cond[i] ? ((const uint8_t *)x)[i] :
							((const uint8_t *)y)[i];
		break;
	default:
		return VNPU_EINVAL;
	}
	return VNPU_OK;
}
