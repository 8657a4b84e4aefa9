// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Weight packing from the planes layout into the matmul panel layout. */
#include "vnpu_mm.h"

static bool vnpu_panel_fmt(uint32_t f)
{
	return f == VNPU_FMT_MXFP4 || f == VNPU_FMT_NVFP4 || vnpu_wide_esize(f);
}

/* Scale bytes per block of the weight (0: BF16 and FP32 have none). */
static size_t vnpu_panel_scale_bytes(uint32_t w_fmt, uint32_t k)
{
	size_t nblk;

	if (w_fmt == VNPU_FMT_BF16 || w_fmt == VNPU_FMT_FP32)
		return 0;
	nblk = k / vnpu_fmt_block(w_fmt);
	return (nblk * 16 + 63) & ~(size_t)63;
}

size_t vnpu_panel_size(uint32_t w_fmt, uint32_t n, uint32_t k)
{
	size_t panels = (n + VNPU_PANEL_ROWS - 1) / VNPU_PANEL_ROWS;

	if (!vnpu_panel_fmt(w_fmt) || k % 32)
		return 0;
	return panels * (vnpu_panel_codes_bytes_fmt(w_fmt, k) +
			 vnpu_panel_scale_bytes(w_fmt, k));
}

/* FP4 panel: 64-byte chunks of 8 columns x 16 rows (see matmul.h). */
static void vnpu_pack_fp4(uint8_t *pc, const uint8_t *codes, size_t row,
			  uint32_t r, uint32_t k, uint32_t wb)
{
	const uint8_t *rc = codes + row * (k / 2);

	for (uint32_t kk = 0; kk < k; kk++) {
		uint8_t nib = (rc[kk / 2] >> ((kk & 1) * 4)) & 15;
		/* the block-relative column picks chunk and byte */
		uint32_t b = kk / wb, kb = kk % wb;
		uint8_t *byte = pc + (size_t)b * wb * 8 + (kb / 8) * 64 + 4 * r + (kb & 3);

		*byte |= (kb & 4) ? (uint8_t)(nib << 4) : nib;
	}
}

/* Wide panel: column c holds the 16 rows' elements, es bytes each. */
static void vnpu_pack_wide(uint8_t *pc, const uint8_t *codes, size_t row,
			   uint32_t r, uint32_t k, uint32_t es)
{
	const uint8_t *rc = codes + row * k * es;

	for (uint32_t kk = 0; kk < k; kk++)
		for (uint32_t i = 0; i < es; i++)
			pc[((size_t)kk * 16 + r) * es + i] = rc[(size_t)kk * es + i];
}

int vnpu_panel_pack(uint32_t w_fmt, const uint8_t *codes, const uint8_t *scales,
		    uint32_t n, uint32_t k, void *dst)
{
	size_t psize, panels, sbytes;
	uint32_t wb, nblk, es;

	sbytes = vnpu_panel_scale_bytes(w_fmt, k);
	if (!vnpu_panel_fmt(w_fmt) || k % 32 || !n || !codes || !dst ||
	    (sbytes && !scales))
		return VNPU_EINVAL;
	psize = vnpu_panel_size(w_fmt, VNPU_PANEL_ROWS, k);
	panels = (n + VNPU_PANEL_ROWS - 1) / VNPU_PANEL_ROWS;
	wb = vnpu_fmt_block(w_fmt);
	nblk = k / wb;
	es = vnpu_wide_esize(w_fmt);
	for (size_t p = 0; p < panels; p++) {
		uint8_t *pc = (uint8_t *)dst + p * psize;
		uint8_t *ps = pc + vnpu_panel_codes_bytes_fmt(w_fmt, k);

		vnpu_zero(pc, psize);
		for (uint32_t r = 0; r < VNPU_PANEL_ROWS; r++) {
			size_t row = p * VNPU_PANEL_ROWS + r;

			if (row >= n)
				break;
			if (sbytes)
				for (uint32_t b = 0; b < nblk; b++)
					ps[b * 16 + r] = scales[row * nblk + b];
			if (es)
				vnpu_pack_wide(pc, codes, row, r, k, es);
			else
				vnpu_pack_fp4(pc, codes, row, r, k, wb);
		}
	}
	return VNPU_OK;
}
