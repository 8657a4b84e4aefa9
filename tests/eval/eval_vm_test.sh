#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# In the VM: vnpu-eval --backend device runs every format on the card and
# gets the CPU backend's results exactly (same accuracy, agreement and KL
# to the last digit: the card runs the same engine bit for bit). The data
# set is made here (the VM has no Fashion-MNIST): plain IDX files of 28x28
# images whose class sets a band of bright rows, plus LCG noise.
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"; rmmod vnpu 2>/dev/null' EXIT
echo "TAP version 13"
echo "1..5"

gen() {	# PREFIX COUNT SEED
	awk -v n="$2" -v s="$3" -v im="$tmp/$1-images-idx3-ubyte" \
	    -v lb="$tmp/$1-labels-idx1-ubyte" 'BEGIN {
		printf "%c%c%c%c", 0, 0, 8, 3 > im
		printf "%c%c%c%c", 0, 0, int(n / 256), n % 256 > im
		printf "%c%c%c%c%c%c%c%c", 0, 0, 0, 28, 0, 0, 0, 28 > im
		printf "%c%c%c%c%c%c%c%c", 0, 0, 8, 1, 0, 0, int(n / 256), n % 256 > lb
		for (i = 0; i < n; i++) {
			c = i % 10
			printf "%c", c > lb
			for (p = 0; p < 784; p++) {
				s = (s * 69069 + 1) % 4294967296
				v = int(s / 16777216) % 64
				r = int(p / 28)
				if (r >= 2 * c + 4 && r < 2 * c + 8)
					v += 160
				printf "%c", v > im
			}
		}
	}'
}
gen train 600 1
gen t10k 200 2

modprobe vnpu
# small jobs: the emulated card under TCG must finish each within its
# 2 s job timeout (tdr_timeout_ms) even on a loaded host
args="--data $tmp --hidden 64 --epochs 1 --batch 32 --infer-batch 50 -j 1 --llm none --json -q"
vnpu-eval $args --backend device > "$tmp/dev.json" 2> "$tmp/dev.err"
rc_dev=$?
vnpu-eval $args --backend cpu > "$tmp/cpu.json" 2> "$tmp/cpu.err"
rc_cpu=$?

if [ $rc_dev = 0 ]; then echo "ok 1 device_run_exits_0"
else sed 's/^/# /' "$tmp/dev.err"; echo "not ok 1 device_run_exits_0"; fi
if [ $rc_cpu = 0 ]; then echo "ok 2 cpu_run_exits_0"
else sed 's/^/# /' "$tmp/cpu.err"; echo "not ok 2 cpu_run_exits_0"; fi
if grep -q '"backend": "atlas350"' "$tmp/dev.json"; then echo "ok 3 ran_on_the_card"
else echo "not ok 3 ran_on_the_card"; fi
# the same numbers, apart from the times taken and the backend's name
strip() { sed -e 's/"seconds": [0-9.]*//' -e 's/"train_seconds": [0-9.]*//' -e 's/"backend": "[a-z0-9]*"//' "$1"; }
strip "$tmp/dev.json" > "$tmp/dev.s"
strip "$tmp/cpu.json" > "$tmp/cpu.s"
if [ -s "$tmp/dev.s" ] && cmp -s "$tmp/dev.s" "$tmp/cpu.s"; then
	echo "ok 4 card_results_equal_cpu_backend"
else
	diff "$tmp/cpu.s" "$tmp/dev.s" | sed 's/^/# /'
	echo "not ok 4 card_results_equal_cpu_backend"
fi
# the bands make the classes easy: the FP32 program gets most right
acc=$(sed -n 's/.*"format": "fp32".*"accuracy": \([0-9.]*\).*/\1/p' "$tmp/dev.json")
if awk -v a="${acc:-0}" 'BEGIN { exit !(a >= 0.9) }'; then echo "ok 5 fp32_learns_the_bands"
else echo "# fp32 accuracy: '$acc'"; echo "not ok 5 fp32_learns_the_bands"; fi
