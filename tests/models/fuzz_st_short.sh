#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A short libFuzzer run of the safetensors reader from the seed corpus
# (TAP); skipped when clang/libFuzzer is absent.
dir="${VNPU_BIN:-build/host}/../fuzz"
src=$(dirname "$0")
echo "TAP version 13"
echo "1..1"
if [ ! -x "$dir/fuzz_safetensors" ]; then
	echo "ok 1 fuzz_safetensors # SKIP no clang/libFuzzer build"
	exit 0
fi
log=$(mktemp)
work=$(mktemp -d)
cp "$src"/corpus/* "$work"/
if "$dir/fuzz_safetensors" -runs=100000 -seed=1 -max_len=2048 \
	-dict="$src/safetensors.dict" "$work" >"$log" 2>&1; then
	echo "# $(grep -E '^Done' "$log" | tail -1)"
	echo "ok 1 fuzz_safetensors"
else
	grep -v '^ *#[0-9]* 0x' "$log" | sed 's/^/# /' | tail -40
	echo "not ok 1 fuzz_safetensors"
fi
rm -rf "$log" "$work"
