#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# examples/hello.c compiles with `pkg-config --cflags --libs libvnpu`
# against libvnpu staged like an install, and runs on the CPU backend.
# Needs VNPU_BIN (build/host), set by `make check-host`.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
bin=${VNPU_BIN:-$top/build/host}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "TAP version 13"
echo "1..2"

mkdir -p "$tmp/include/vnpu" "$tmp/include/drm" "$tmp/lib/pkgconfig"
cp "$top"/runtime/include/vnpu/*.h "$tmp/include/vnpu/"
cp "$top"/uapi/drm/*.h "$tmp/include/drm/"
cp -P "$bin"/libvnpu.so* "$tmp/lib/"
cp "$bin/libvnpu.pc" "$tmp/lib/pkgconfig/"
flags=$(PKG_CONFIG_PATH="$tmp/lib/pkgconfig" \
	pkg-config --define-variable=prefix="$tmp" --cflags --libs libvnpu)
if cc -Wall -Wextra -Werror "$top/examples/hello.c" $flags -o "$tmp/hello" \
	2> "$tmp/cc.log"; then
	echo "ok 1 hello_compiles_with_pkg_config"
else
	sed 's/^/# /' "$tmp/cc.log"
	echo "not ok 1 hello_compiles_with_pkg_config"
fi
out=$(VNPU_BACKEND=cpu LD_LIBRARY_PATH="$tmp/lib" "$tmp/hello" 2>&1)
if [ "$out" = "CPU backend (cpu)" ]; then
	echo "ok 2 hello_runs_on_the_cpu_backend"
else
	echo "# got: $out"
	echo "not ok 2 hello_runs_on_the_cpu_backend"
fi
