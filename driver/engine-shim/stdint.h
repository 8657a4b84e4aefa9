/* SPDX-License-Identifier: GPL-2.0 */
/* The engine is freestanding C; in the kernel its libc headers map here. */
#include <linux/limits.h>
#include <linux/types.h>
