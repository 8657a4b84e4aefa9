#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# vnpu-compile: exit codes, messages, a program file written, --compare (TAP).
bin=${VNPU_BIN:-build/host}/vnpu-compile
node=/usr/include/onnx/backend/test/data/node
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
fail=0
t() {	# t WANT_RC DESCRIPTION CMD... (stderr in $tmp/err, stdout in $tmp/out)
	want=$1 desc=$2
	shift 2
	n=$((n + 1))
	"$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" = "$want" ]; then
		echo "ok $n $desc"
	else
		echo "not ok $n $desc (exit $rc, want $want)"
		sed 's/^/# /' "$tmp/err"
		fail=1
	fi
}
has() {	# has FILE TEXT DESCRIPTION
	n=$((n + 1))
	if grep -qF -- "$2" "$1"; then echo "ok $n $3"; else
		echo "not ok $n $3"; sed 's/^/# /' "$1"; fail=1; fi
}
echo "TAP version 13"
if [ ! -d "$node" ]; then
	echo "1..0 # SKIP no ONNX node tests (libonnx-testdata)"
	exit 0
fi
echo "1..22"
t 0 "--help" "$bin" --help
has "$tmp/out" "Exit status: 0 success" "--help documents the exit codes"
t 2 "no model" "$bin"
t 2 "unknown format" "$bin" -f fp3 "$node/test_relu/model.onnx" -o "$tmp/x"
has "$tmp/err" "vnpu-compile: unknown weight format 'fp3' (see --help)" "the message names the format"
t 2 "no -o" "$bin" "$node/test_relu/model.onnx"
t 3 "missing model" "$bin" "$tmp/none.onnx" -o "$tmp/x"
t 1 "unsupported operator" "$bin" "$node/test_maxpool_1d_default/model.onnx" -o "$tmp/x"
has "$tmp/err" "node 0 '' (MaxPool): operator MaxPool is not supported" "the message names the node and op"
t 0 "compile Gemm to a program" "$bin" -f nvfp4 "$node/test_gemm_default_no_bias/model.onnx" -o "$tmp/g.vnpu"
n=$((n + 1))
if [ "$(head -c 7 "$tmp/g.vnpu" 2>/dev/null)" = "VNPUPRG" ]; then echo "ok $n the file is a program";
else echo "not ok $n the file is a program"; fail=1; fi
run=${VNPU_BIN:-build/host}/vnpu-run
d=$node/test_gemm_default_no_bias/test_data_set_0
t 0 "vnpu-run runs the program with the test's .pb inputs" "$run" "$tmp/g.vnpu" \
	--backend cpu --input "$d/input_0.pb" --input "$d/input_1.pb"
has "$tmp/out" "output 0 fp32[2,3]:" "vnpu-run prints the output"
t 3 "vnpu-run: a .pb of the wrong size (exit 3)" "$run" "$tmp/g.vnpu" --backend cpu \
	--input "$d/input_1.pb" --input "$d/input_1.pb"
# int8/uint8 graph inputs and outputs through a program file
q=$node/test_quantizelinear_axis
t 0 "compile a run-time QuantizeLinear (uint8 output)" "$bin" "$q/model.onnx" -o "$tmp/q.vnpu"
t 0 "vnpu-run feeds a uint8 .pb input" "$run" "$tmp/q.vnpu" --backend cpu \
	--input "$q/test_data_set_0/input_0.pb" --input "$q/test_data_set_0/input_1.pb" \
	--input "$q/test_data_set_0/input_2.pb"
has "$tmp/out" "output 0 u8[1,3,3,2]: 3 89 34 200 74 59 5 24 24 87 32 13 245 99 4 142 121 102" \
	"vnpu-run prints uint8 outputs as numbers (ONNX's expected values)"
t 3 "vnpu-run: float values for the uint8 input (exit 3)" "$run" "$tmp/q.vnpu" --backend cpu \
	--input "$q/test_data_set_0/input_0.pb" --input "$q/test_data_set_0/input_1.pb" \
	--input "$q/test_data_set_0/input_1.pb"
has "$tmp/err" "3 float values, the input is u8 of 3 bytes" "the message names the type"
t 3 "unwritable output" "$bin" "$node/test_gemm_default_no_bias/model.onnx" -o "$tmp/no/dir/g.vnpu"
t 0 "--compare" "$bin" --compare -d cpu "$node/test_gemm_default_no_bias/model.onnx"
has "$tmp/out" "nvfp4  0" "--compare reports nvfp4 against fp32"
exit $fail
