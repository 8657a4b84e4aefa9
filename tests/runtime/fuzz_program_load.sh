#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A short libFuzzer run of the program loader (TAP). The target lives
# next to VNPU_BIN (build/host) in build/fuzz; without clang it is not
# built and the test is skipped.
fuzz="${VNPU_BIN:-build/host}/../fuzz/fuzz_program_load"
echo "TAP version 13"
echo "1..1"
if [ ! -x "$fuzz" ]; then
	echo "ok 1 fuzz_program_load # SKIP no clang/libFuzzer build"
	exit 0
fi
log=$(mktemp)
if "$fuzz" -runs=20000 -seed=1 -max_len=4096 >"$log" 2>&1; then
	echo "# $(grep -E '^(#[0-9]+|Done)' "$log" | tail -1)"
	echo "ok 1 fuzz_program_load"
else
	sed 's/^/# /' "$log" | tail -40
	echo "not ok 1 fuzz_program_load"
fi
rm -f "$log"
