#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# vnpu-bench engine --decode (TAP): the 250m decode step's packets run
# through the ISA executor (8 FP4 GEMVs, the BF16 head, attention), each
# reported once with its tile count, a positive speed and its ratio to the
# read-bandwidth probe of the same run, and the figure at the runs' mean
# time, above 0 and at most the best run's; nothing else of the engine
# section runs but the stall probe. Needs the limit probes' AVX-512 VNNI
# and BF16.
bench=${VNPU_BIN:-build/host}/vnpu-bench
echo "TAP version 13"
echo "1..4"
out=$("$bench" engine --decode --quick --threads 1 --json 2>&1)
rc=$?
if [ $rc -eq 1 ] && echo "$out" | grep -q "need AVX-512"; then
	for i in 1 2 3 4; do echo "ok $i # SKIP no AVX-512 VNNI/BF16"; done
	exit 0
fi
echo "$out" | sed 's/^/# /'
if [ $rc -eq 0 ]; then
	echo "ok 1 --decode runs"
else
	echo "not ok 1 --decode runs (exit $rc)"
fi
n=0
for s in "mxfp4\*mxint8\", \"shape\": \"1x1024x1024" "mxfp4\*mxint8\", \"shape\": \"1x256x1024" \
	 "mxfp4\*mxint8\", \"shape\": \"1x2816x1024" "mxfp4\*mxint8\", \"shape\": \"1x1024x2816" \
	 "nvfp4\*mxint8\", \"shape\": \"1x1024x1024" "nvfp4\*mxint8\", \"shape\": \"1x256x1024" \
	 "nvfp4\*mxint8\", \"shape\": \"1x2816x1024" "nvfp4\*mxint8\", \"shape\": \"1x1024x2816" \
	 "bf16\*fp32\", \"shape\": \"1x32000x1024" "attn-fp32\", \"shape\": \"h16/4x64@576"; do
	if echo "$out" | grep -q "\"what\": \"decode/[1-9][0-9]*\", \"format\": \"$s\", \"threads\": 1, \"variant\": \"[a-z0-9-]*\", \"value\": [1-9][0-9.e+]*, \"unit\": \"GB/s\", \"limit\": \"read-bw-1\""; then
		n=$((n + 1))
	else
		echo "# missing: $s"
	fi
done
if [ $n -eq 10 ] && [ "$(echo "$out" | grep -c '"what": "decode/')" -eq 10 ]; then
	echo "ok 2 every packet once, with tiles, GB/s and the probe"
else
	echo "not ok 2 every packet once, with tiles, GB/s and the probe ($n of 10)"
fi
if [ "$(echo "$out" | grep -c '"what": "')" -eq 12 ] &&
   echo "$out" | grep -Eq '"what": "limit", "format": "cpu-stall", "shape": "", "threads": 1, "variant": "", "value": [0-9.e+-]+, "unit": "%"'; then
	echo "ok 3 only the stall and read-bandwidth probes and the decode figures"
else
	echo "not ok 3 only the stall and read-bandwidth probes and the decode figures"
fi
# the mean run is no faster than the best one, and within 10x of it (a
# sum taken for the mean would be 50x below)
bad=$(echo "$out" | grep '"what": "decode/' | awk '{
	v = $0; sub(/.*"value": /, "", v); sub(/,.*/, "", v)
	m = $0; if (!sub(/.*"mean": /, "", m)) { print "no mean: " $0; next }
	sub(/,.*/, "", m)
	if (!(m * 10 >= v + 0 && m + 0 <= v + 0)) print "mean " m " best " v
}')
if [ -z "$bad" ] && [ "$(echo "$out" | grep -c '"mean_ratio": 0*[.0-9]*[1-9]')" -eq 10 ]; then
	echo "ok 4 every decode figure has its mean, at most the best"
else
	echo "$bad" | sed 's/^/# /'
	echo "not ok 4 every decode figure has its mean, at most the best"
fi
