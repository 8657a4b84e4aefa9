#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# vnpu-gen-model and vnpu-run on the CPU backend (TAP): same seed same
# bytes, exit statuses, greedy runs reproducible, sampling by seed.
bin=${VNPU_BIN:-build/host}
gen=$bin/vnpu-gen-model
run=$bin/vnpu-run
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
check() {	# check NAME CMD...: ok when CMD succeeds, SKIP when it exits 77
	name=$1
	shift
	n=$((n + 1))
	"$@" >"$tmp/out" 2>&1
	rc=$?
	if [ $rc = 0 ]; then
		echo "ok $n $name"
	elif [ $rc = 77 ]; then
		echo "ok $n $name # SKIP $(tail -1 "$tmp/out")"
	else
		sed 's/^/# /' "$tmp/out" | tail -20
		echo "not ok $n $name"
	fi
}
status_is() {	# status_is WANT CMD...
	want=$1
	shift
	"$@" >/dev/null 2>"$tmp/err"
	got=$?
	[ "$got" = "$want" ] || { echo "exit $got, want $want"; cat "$tmp/err"; return 1; }
}
same_model() {
	$gen --preset tiny --seed 5 -o "$tmp/a" >/dev/null &&
	$gen --preset tiny --seed 5 -o "$tmp/b" >/dev/null &&
	cmp "$tmp/a/model.safetensors" "$tmp/b/model.safetensors" &&
	cmp "$tmp/a/config.json" "$tmp/b/config.json"
}
other_seed_differs() {
	$gen --preset tiny --seed 6 -o "$tmp/c" >/dev/null &&
	! cmp -s "$tmp/a/model.safetensors" "$tmp/c/model.safetensors" &&
	[ "$(stat -c %s "$tmp/a/model.safetensors")" = "$(stat -c %s "$tmp/c/model.safetensors")" ]
}
bf16_is_half() {
	$gen --preset tiny --seed 5 --dtype bf16 -o "$tmp/h" >/dev/null &&
	a=$(stat -c %s "$tmp/a/model.safetensors") &&
	h=$(stat -c %s "$tmp/h/model.safetensors") &&
	# same header length rounding: data halves, header differs by dtype names
	[ $((a - h)) -gt $((a / 2 - 4096)) ] && [ $((a - h)) -lt $((a / 2 + 4096)) ]
}
help_lists_presets() {
	$gen --help | grep -q '^  15m ' && $gen --help | grep -q '^  1b ' &&
	$run --help | grep -q -- '--prompt-tokens'
}
greedy_twice() {
	$run "$tmp/a" --backend cpu --prompt-tokens 3,1,4,1,5 -n 12 -q >"$tmp/g1" &&
	$run "$tmp/a" --backend cpu --prompt-tokens 3,1,4,1,5 -n 12 -q --threads 1 >"$tmp/g2" &&
	cmp "$tmp/g1" "$tmp/g2" && [ "$(wc -w <"$tmp/g1")" = 12 ]
}
report_lines() {
	$run "$tmp/a" --backend cpu --prompt-tokens 1,2 -n 4 >"$tmp/r" &&
	grep -q '^tokens: [0-9]* [0-9]* [0-9]* [0-9]*$' "$tmp/r" &&
	grep -q '^ttft: ' "$tmp/r" && grep -q '^decode: .* tokens/s (3 tokens' "$tmp/r" &&
	grep -q '^peak memory: [0-9.]* MiB generating, budget [0-9.]* MiB (packed weights .*); loading peaked at [0-9.]* MiB$' "$tmp/r" &&
	# the run's peak (the load's apart) stays within its budget
	awk '/^peak memory:/ { exit !($3 + 0 <= $7 + 0) }' "$tmp/r"
}
seeded_sampling() {
	$run "$tmp/a" --backend cpu -n 16 -q --top-k 40 --top-p 0.95 --seed 7 >"$tmp/s1" &&
	$run "$tmp/a" --backend cpu -n 16 -q --top-k 40 --top-p 0.95 --seed 7 >"$tmp/s2" &&
	$run "$tmp/a" --backend cpu -n 16 -q --top-k 40 --top-p 0.95 --seed 8 >"$tmp/s3" &&
	cmp "$tmp/s1" "$tmp/s2" && ! cmp -s "$tmp/s1" "$tmp/s3"
}
formats_run() {
	for f in mxfp4 nvfp4 mxfp8 bf16 fp32; do
		$run "$tmp/a" --backend cpu --format $f -n 3 -q >/dev/null || return 1
	done
}
bench_model() {
	out=$($bin/vnpu-bench model --preset 1b --json) &&
	# h20 is the reference: its ratios are 1; small-batch decode is memory
	# bound everywhere; BF16 prefill speedup is the peak ratio 390/148
	echo "$out" | grep -q '"card": "h20".*"ttft_speedup_vs_h20": 1.000, "decode_speedup_vs_h20": 1.000' &&
	echo "$out" | grep -q '"card": "atlas350".*"decode_bound": "memory".*"decode_speedup_vs_h20": 0.350' &&
	echo "$out" | grep -q '"card": "950dt".*"prefill_bound": "compute".*"ttft_speedup_vs_h20": 2.635'
}
bench_model_compiled() {
	# the compiled decode program's bytes agree with the shapes' count
	# within the panels' padding (3%)
	$bin/vnpu-bench model --model "$tmp/a" --prompt 16 --gen 8 --json >"$tmp/bm" &&
	awk -F'[:,]' '{ for (i = 1; i < NF; i++) {
		if ($i ~ /"weight_bytes"$/) w = $(i + 1);
		if ($i ~ /"weight_bytes_shapes"$/) s = $(i + 1);
		if ($i ~ /"weight_bytes_from"$/) f = $(i + 1) } }
		END { exit !(f ~ /compiled/ && w >= s && w <= s * 1.03) }' "$tmp/bm"
}
bench_llm() {
	if ! grep -q avx512_bf16 /proc/cpuinfo; then
		echo "the limit probes need AVX-512 BF16"
		return 77
	fi
	TMPDIR=$tmp $bin/vnpu-bench llm --preset tiny --prompt 8 --gen 4 --reps 1 \
		--formats mxfp4,bf16 --backend cpu --json >"$tmp/bl" &&
	[ "$(grep -c '"ok": true' "$tmp/bl")" = 2 ] &&
	grep -q '"act_quant": "none"' "$tmp/bl" &&
	grep -q '"read_bw_gbs": [1-9]' "$tmp/bl" &&
	grep -Eq '"cpu_stall": 0\.[0-9]{4}, "cpu_stalls_per_ms": [0-9]+\.[0-9]{3},' "$tmp/bl" &&
	# each run's own probe: a ratio for both formats
	[ "$(grep -Ec '"decode_vs_bound_paired": ([1-9]|0\.0*[1-9])' "$tmp/bl")" = 2 ]
}
bench_llm_stalls() {
	# two spinning threads on one CPU each run at most about half the
	# time: the stall probe must see the rest (other load only adds)
	command -v taskset >/dev/null || { echo "no taskset"; return 77; }
	TMPDIR=$tmp taskset -c 0 $bin/vnpu-bench llm --preset tiny --prompt 8 --gen 2 \
		--reps 1 --formats mxfp4 --backend cpu --threads 2 --json >"$tmp/bs" &&
	awk -F'"cpu_stall": ' 'NF > 1 { split($2, v, ","); f = 1; s = v[1] + 0 }
		END { exit !(f && s >= 0.3 && s < 1) }' "$tmp/bs"
}
prequant_same_tokens() {
	# a pre-quantized file runs in its own format and gives the tokens of
	# the unquantized file quantized at load to that format
	for f in mxfp4 nvfp4 mxfp8; do
		$gen --preset tiny --seed 5 --quantize $f -o "$tmp/q$f" >/dev/null &&
		$gen --preset tiny --seed 5 --quantize $f -o "$tmp/r$f" >/dev/null &&
		cmp "$tmp/q$f/model.safetensors" "$tmp/r$f/model.safetensors" &&
		$run "$tmp/a" --backend cpu --format $f --prompt-tokens 3,1,4 -n 10 -q >"$tmp/t1" &&
		$run "$tmp/q$f" --backend cpu --prompt-tokens 3,1,4 -n 10 -q >"$tmp/t2" &&
		$run "$tmp/q$f" --backend cpu --format $f --prompt-tokens 3,1,4 -n 10 >"$tmp/t3" &&
		cmp "$tmp/t1" "$tmp/t2" && grep -q "weights $f (pre-quantized)" "$tmp/t3" || return 1
	done
	# FP4 files are a bit over a quarter of the F32 file
	a=$(stat -c %s "$tmp/a/model.safetensors")
	q=$(stat -c %s "$tmp/qnvfp4/model.safetensors")
	[ "$q" -lt $((a / 2)) ]
}
prequant_other_format_refused() {
	status_is 1 $run "$tmp/qnvfp4" --backend cpu --format mxfp4 -n 2 &&
	grep -q 'pre-quantized to nvfp4, the requested weight format is mxfp4' "$tmp/err"
}
bench_llm_act_quant() {
	if ! grep -q avx512_bf16 /proc/cpuinfo; then
		echo "the limit probes need AVX-512 BF16"
		return 77
	fi
	TMPDIR=$tmp $bin/vnpu-bench llm --preset tiny --prompt 8 --gen 4 --reps 1 \
		--formats mxfp4 --backend cpu --act-quant mxint8 --json >"$tmp/bq" &&
	[ "$(grep -c '"ok": true' "$tmp/bq")" = 1 ] &&
	grep -q '"act_quant": "mxint8"' "$tmp/bq"
}
bench_llm_prequant() {
	# a pre-quantized --model is measured in its own format by default
	$gen --preset tiny --seed 5 --quantize nvfp4 -o "$tmp/bq4" >/dev/null &&
	TMPDIR=$tmp $bin/vnpu-bench llm --model "$tmp/bq4" --prompt 8 --gen 4 \
		--reps 1 --backend cpu --json >"$tmp/bp" &&
	[ "$(grep -c '"ok": true' "$tmp/bp")" = 1 ] &&
	[ "$(grep -c '"format": ' "$tmp/bp")" = 1 ] &&
	grep -q '"format": "nvfp4"' "$tmp/bp"
}
bench_thread_fails() {
	# a worker thread that cannot start: exit 1 with a message saying so
	if ! grep -q avx512_bf16 /proc/cpuinfo; then
		echo "the limit probes need AVX-512 BF16"
		return 77
	fi
	${CC:-cc} -shared -fPIC -o "$tmp/failpt.so" \
		"$(dirname "$0")/fail_pthread_create.c" -ldl &&
	status_is 1 timeout 120 env FAIL_PTHREAD_AFTER=1 LD_PRELOAD="$tmp/failpt.so" \
		$bin/vnpu-bench engine --threads 3 --quick &&
	grep -q 'cannot start the worker threads (2 wanted): Resource temporarily' "$tmp/err" &&
	status_is 1 timeout 120 env TMPDIR=$tmp LD_PRELOAD="$tmp/failpt.so" \
		$bin/vnpu-bench llm --preset tiny --threads 2 --reps 1 --backend cpu &&
	grep -q 'cannot start the worker threads (1 wanted): Resource temporarily' "$tmp/err"
}
echo "TAP version 13"
echo "1..24"
check "gen-model: same preset and seed give the same bytes" same_model
check "gen-model: another seed gives other weights of the same size" other_seed_differs
check "gen-model: --dtype bf16 halves the data" bf16_is_half
check "--help of both tools" help_lists_presets
check "gen-model: unknown preset exits 2" status_is 2 $gen --preset 7b -o "$tmp/x"
check "gen-model: unwritable directory exits 1" status_is 1 $gen --preset tiny -o /proc/nope/x
check "vnpu-run: greedy tokens are the same on 2 and 1 threads" greedy_twice
check "vnpu-run: tokens, ttft, decode and memory lines" report_lines
check "vnpu-run: same seed same samples, other seed others" seeded_sampling
check "vnpu-run: every weight format runs" formats_run
check "vnpu-run: bad --format exits 2" status_is 2 $run "$tmp/a" --format int3
check "vnpu-run: missing model exits 1" status_is 1 $run "$tmp/none" --backend cpu
check "vnpu-run: token outside the vocabulary exits 1" status_is 1 $run "$tmp/a" --backend cpu --prompt-tokens 512
check "vnpu-bench model: the roofline's ratios and bounds" bench_model
check "vnpu-bench llm: a tiny run per format, JSON" bench_llm
check "vnpu-bench llm: --act-quant mxint8 runs and is reported" bench_llm_act_quant
check "vnpu-bench llm: two threads on one CPU, half their time stalled" bench_llm_stalls
check "vnpu-bench llm: bad --act-quant exits 2" status_is 2 $bin/vnpu-bench llm --act-quant int3
check "vnpu-bench model --model: compiled bytes within 3% of the shapes'" bench_model_compiled
check "gen-model --quantize: same bytes; vnpu-run: the unquantized model's tokens" prequant_same_tokens
check "vnpu-run: another --format than a pre-quantized file's exits 1" prequant_other_format_refused
check "vnpu-bench llm --model: a pre-quantized file in its own format" bench_llm_prequant
check "gen-model: bad --quantize exits 2" status_is 2 $gen --preset tiny --quantize int4 -o "$tmp/x"
check "gen-model --help documents --quantize" sh -c "$gen --help | grep -q -- '--quantize F'"
check "vnpu-bench: a worker thread that cannot start exits 1" bench_thread_fails
