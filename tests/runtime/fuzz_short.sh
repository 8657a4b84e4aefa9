#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Short libFuzzer runs of the program loader and of the graph builder +
# compiler (TAP). The targets live next to VNPU_BIN (build/host) in
# build/fuzz; without clang they are not built and the tests are skipped.
dir="${VNPU_BIN:-build/host}/../fuzz"
echo "TAP version 13"
echo "1..2"
n=0
for spec in fuzz_program_load:20000 fuzz_graph_build:5000; do
	t=${spec%%:*}
	runs=${spec#*:}
	n=$((n + 1))
	if [ ! -x "$dir/$t" ]; then
		echo "ok $n $t # SKIP no clang/libFuzzer build"
		continue
	fi
	log=$(mktemp)
	if "$dir/$t" -runs="$runs" -seed=1 -max_len=4096 >"$log" 2>&1; then
		echo "# $(grep -E '^Done' "$log" | tail -1)"
		echo "ok $n $t"
	else
		grep -v '^ *#[0-9]* 0x' "$log" | sed 's/^/# /' | tail -40
		echo "not ok $n $t"
	fi
	rm -f "$log"
done
