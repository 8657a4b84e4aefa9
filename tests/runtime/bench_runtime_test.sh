#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# vnpu-bench runtime (TAP): loading and running a program with 64 MiB of
# FP32 weights (8.5 MiB packed as MXFP4) on the CPU backend grows the peak
# RSS by at most 1.15 times the packed weights plus the planned
# activations (no second copy of the weights; the slack is the loader's
# 256 KiB read buffer and small allocations); --json prints one object with
# the figures; bad usage exits 2.
bench=${VNPU_BIN:-build/host}/vnpu-bench
echo "TAP version 13"
echo "1..3"
out=$("$bench" runtime --size 64 --json --max-ratio 1.15 2>&1)
rc=$?
echo "$out" | sed 's/^/# /'
if [ $rc -eq 0 ]; then
	echo "ok 1 peak RSS growth within 1.15 x (weights + activations)"
else
	echo "not ok 1 peak RSS growth within 1.15 x (weights + activations) (exit $rc)"
fi
if echo "$out" | grep -q '"peak_growth_bytes": [1-9][0-9]*, "ratio": [0-9.]*,' &&
   echo "$out" | grep -q '"weight_bytes": 8912896,'; then
	echo "ok 2 --json reports the growth, the ratio and the packed weights"
else
	echo "not ok 2 --json reports the growth, the ratio and the packed weights"
fi
"$bench" runtime --size 0 >/dev/null 2>&1
rc=$?
if [ $rc -eq 2 ]; then
	echo "ok 3 a bad --size exits 2"
else
	echo "not ok 3 a bad --size exits 2 (exit $rc)"
fi
