// SPDX-License-Identifier: GPL-2.0
/*
 * Submit-time validation of command streams: everything that can be
 * decided without looking at memory, by the ISA's own table
 * (vnpu_engine/isa.h, shared with the card and the runtime). Which buffer
 * an address falls in is the card's business at execution (a miss is a
 * device fault).
 */
#include <linux/errno.h>

#include <drm/drm_device.h>
#include <drm/drm_print.h>
#include <vnpu_engine/isa.h>

#include "vnpu_cmd_validate.h"
#include "vnpu_gem.h"

int vnpu_cmd_validate(struct drm_device *drm, const void *stream, u32 size,
		      u32 *bad_offset)
{
	size_t off;
	const char *why = vnpu_isa_validate(stream, size, VNPU_VA_BASE,
					    VNPU_VA_SIZE, &off);

	*bad_offset = off;
	if (!why)
		return 0;
	drm_dbg(drm, "SUBMIT: packet at offset %zu: %s\n", off, why);
	return -EINVAL;
}
