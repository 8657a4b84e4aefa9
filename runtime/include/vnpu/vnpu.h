/* SPDX-License-Identifier: MIT */
/*
 * libvnpu: the whole public API. Conventions: vnpu_<object>_<verb>,
 * opaque handles owned by whoever created them, option structs filled by
 * their _init() function before use, every fallible call returns a
 * vnpu_status with a detail message in vnpu_last_error().
 */
#ifndef VNPU_VNPU_H
#define VNPU_VNPU_H

#include <vnpu/status.h>
#include <vnpu/init.h>
#include <vnpu/device.h>
#include <vnpu/buffer.h>
#include <vnpu/stream.h>
#include <vnpu/cmdbuf.h>
#include <vnpu/graph.h>
#include <vnpu/program.h>
#include <vnpu/model.h>
#include <vnpu/onnx.h>

#endif /* VNPU_VNPU_H */
