#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A short libFuzzer run of the ONNX importer (TAP), seeded with the node
# tests' models; skipped without clang/libFuzzer or the node tests.
dir="${VNPU_BIN:-build/host}/../fuzz"
data=/usr/include/onnx/backend/test/data/node
echo "TAP version 13"
echo "1..1"
if [ ! -x "$dir/fuzz_onnx_import" ]; then
	echo "ok 1 fuzz_onnx_import # SKIP no clang/libFuzzer build"
	exit 0
fi
if [ ! -d "$data" ]; then
	echo "ok 1 fuzz_onnx_import # SKIP no ONNX node tests (libonnx-testdata)"
	exit 0
fi
corpus=$(mktemp -d)
log=$(mktemp)
trap 'rm -rf "$corpus" "$log"' EXIT
n=0
for m in "$data"/test_*/model.onnx; do
	n=$((n + 1))
	cp "$m" "$corpus/$n.onnx"
done
if "$dir/fuzz_onnx_import" -runs=20000 -seed=1 -max_len=4096 "$corpus" >"$log" 2>&1; then
	echo "# $(grep -E '^Done' "$log" | tail -1)"
	echo "ok 1 fuzz_onnx_import"
else
	grep -v '^ *#[0-9]* 0x' "$log" | sed 's/^/# /' | tail -40
	echo "not ok 1 fuzz_onnx_import"
fi
