/* SPDX-License-Identifier: GPL-2.0 */
/* The engine is freestanding C; in the kernel its libc headers map here. */
#ifndef VNPU_SHIM_FLOAT_H
#define VNPU_SHIM_FLOAT_H
/* 2^128 - 2^104, spelled out: sparse lacks __FLT_MAX__ */
#define FLT_MAX 340282346638528859811704183484516925440.0F
#endif
