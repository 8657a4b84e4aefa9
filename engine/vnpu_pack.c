// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Weight packing from the planes layout into the matmul panel layout. */
#include "vnpu_mm.h"

static bool vnpu_panel_fmt(uint32_t f)
{
	return f == VNPU_FMT_MXFP4 || f == VNPU_FMT_NVFP4;
}

size_t vnpu_panel_size(uint32_t w_fmt, uint32_t n, uint32_t k)
{
	size_t panels = (n + VNPU_PANEL_ROWS - 1) / VNPU_PANEL_ROWS;
	size_t nblk, sc;

	if (!vnpu_panel_fmt(w_fmt) || k % 32)
		return 0;
	nblk = k / vnpu_fmt_block(w_fmt);
	sc = (nblk * 16 + 63) & ~(size_t)63;
	return panels * (vnpu_panel_codes_bytes(k) + sc);
}

int vnpu_panel_pack(uint32_t w_fmt, const uint8_t *codes, const uint8_t *scales,
		    uint32_t n, uint32_t k, void *dst)
{
	size_t psize, panels;
	uint32_t wb, nblk;

	if (!vnpu_panel_fmt(w_fmt) || k % 32 || !n || !codes || !scales || !dst)
		return VNPU_EINVAL;
	psize = vnpu_panel_size(w_fmt, VNPU_PANEL_ROWS, k);
	panels = (n + VNPU_PANEL_ROWS - 1) / VNPU_PANEL_ROWS;
	wb = vnpu_fmt_block(w_fmt);
	nblk = k / wb;
	for (size_t p = 0; p < panels; p++) {
		uint8_t *pc = (uint8_t *)dst + p * psize;
		uint8_t *ps = pc + vnpu_panel_codes_bytes(k);

		vnpu_zero(pc, psize);
		for (uint32_t r = 0; r < VNPU_PANEL_ROWS; r++) {
			size_t row = p * VNPU_PANEL_ROWS + r;
			const uint8_t *rc = codes + row * (k / 2);

			if (row >= n)
				break;
			for (uint32_t b = 0; b < nblk; b++)
				ps[b * 16 + r] = scales[row * nblk + b];
			for (uint32_t kk = 0; kk < k; kk++) {
				uint8_t nib = (rc[kk / 2] >> ((kk & 1) * 4)) & 15;
				/* the block-relative column picks chunk and byte */
				uint32_t b = kk / wb, kb = kk % wb;
				uint8_t *byte = pc + (size_t)b * wb * 8 +
						(kb / 8) * 64 + 4 * r + (kb & 3);

				*byte |= (kb & 4) ? (uint8_t)(nib << 4) : nib;
			}
		}
	}
	return VNPU_OK;
}
