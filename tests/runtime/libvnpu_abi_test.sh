#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# libvnpu's shared library: its soname carries the major version and it
# exports the public API and nothing else (TAP).
lib=${VNPU_BIN:-build/host}/libvnpu.so.0
echo "TAP version 13"
echo "1..3"
if readelf -d "$lib" 2>/dev/null | grep -q 'SONAME.*\[libvnpu\.so\.0\]'; then
	echo "ok 1 soname is libvnpu.so.0"
else
	echo "not ok 1 soname is libvnpu.so.0"
fi
others=$(nm -D --defined-only "$lib" 2>/dev/null | awk '{print $3}' | grep -v '^vnpu_')
internal=$(nm -D --defined-only "$lib" 2>/dev/null | awk '{print $3}' |
	grep -E '^vnpu_(rt_|matmul|quant|panel|engine|add$|mul$)')
if [ -s "$lib" ] && [ -z "$others" ] && [ -z "$internal" ]; then
	echo "ok 2 only public vnpu_* symbols are exported"
else
	echo "not ok 2 only public vnpu_* symbols are exported: $others $internal"
fi
if nm -D --defined-only "$lib" 2>/dev/null | grep -q ' T vnpu_stream_submit$'; then
	echo "ok 3 vnpu_stream_submit is exported"
else
	echo "not ok 3 vnpu_stream_submit is exported"
fi
