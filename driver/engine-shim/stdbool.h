/* SPDX-License-Identifier: GPL-2.0 */
/* The engine is freestanding C; in the kernel its libc headers map here. */
#include <linux/stddef.h>
#include <linux/types.h>
