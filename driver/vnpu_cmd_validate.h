/* SPDX-License-Identifier: GPL-2.0 */
#ifndef __VNPU_CMD_VALIDATE_H__
#define __VNPU_CMD_VALIDATE_H__

#include <linux/types.h>

struct drm_device;

/*
 * Check a command stream (vnpu_cmd.h) before it reaches the card: 0, or
 * -EINVAL with *bad_offset set to the offending packet's offset (and the
 * reason in the debug log).
 */
int vnpu_cmd_validate(struct drm_device *drm, const void *stream, u32 size,
		      u32 *bad_offset);

#endif /* __VNPU_CMD_VALIDATE_H__ */
