// SPDX-License-Identifier: GPL-2.0
/*
 * DRM fdinfo (Documentation/gpu/drm-usage-stats.rst): the core prints
 * drm-driver and drm-client-id; this adds the AI cores' busy time of the
 * file's jobs and its buffer objects' memory.
 */
#include <drm/drm_file.h>
#include <drm/drm_print.h>

#include "vnpu_ctx.h"
#include "vnpu_drv.h"

void vnpu_show_fdinfo(struct drm_printer *p, struct drm_file *file)
{
	drm_printf(p, "drm-engine-aicore:\t%llu ns\n", vnpu_ctx_busy_ns(file));
	drm_show_memory_stats(p, file);
}
