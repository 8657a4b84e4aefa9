/* SPDX-License-Identifier: GPL-2.0 */
#ifndef __VNPU_CMD_VALIDATE_H__
#define __VNPU_CMD_VALIDATE_H__

#include <linux/types.h>

/*
 * Check a command stream (vnpu_cmd.h) before it reaches the card: 0, or
 * -EINVAL with *bad_offset set to the offending packet's offset.
 */
int vnpu_cmd_validate(const void *stream, u32 size, u32 *bad_offset);

#endif /* __VNPU_CMD_VALIDATE_H__ */
