#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# npu-smi against real cards in the VM: exact fields, exit codes, messages.
# Prints TAP like the kselftest programs.
n=0
fails=0
ok() { # STATUS NAME
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n $2"; else echo "not ok $n $2"; fails=$((fails + 1)); fi
}
# field OUTPUT KEY VALUE: OUTPUT has the line "<tab>KEY<pad>: VALUE"
field() {
	printf '%s\n' "$1" | grep -q "^	$(printf '%-31s' "$2"): $3\$" ||
		{ echo "# missing '$2 : $3'"; return 1; }
}
reload() { rmmod vnpu 2>/dev/null; modprobe vnpu "$@"; }

echo "TAP version 13"
echo "1..7"

reload
out=$(npu-smi info -t board -i 0)
rc=$?
r=0
[ $rc = 0 ] || r=1
for kvp in "Product Name|Atlas 350" "Profile|atlas350" "PCIe Bus Info|0000:c1:00.0" \
	"Vendor ID|0x19e5" "Device ID|0xd807" "HBM Capacity(MB)|114688" \
	"HBM Backed(MB)|2048" "HBM Bandwidth(GB/s)|1400" "Peak FP4(TFLOPS)|1560" \
	"Peak FP8(TFLOPS)|780" "Peak BF16(TFLOPS)|390" "TDP(W)|600" \
	"AI Core Count|$(nproc)" "Driver ABI Version|1"; do
	field "$out" "${kvp%%|*}" "${kvp#*|}" || r=1
done
ok $r board_info_reports_the_atlas350_card

reload profile=h20 mem_mb=256
out=$(npu-smi info -t board -i 0)
r=0
field "$out" "Peak FP4(TFLOPS)" 0 || r=1
field "$out" "HBM Capacity(MB)" 98304 || r=1
field "$out" "HBM Backed(MB)" 256 || r=1
field "$out" "TDP(W)" 400 || r=1
ok $r board_info_follows_profile_and_mem_mb

reload num_devices=3
out=$(npu-smi info -l)
r=0
field "$out" "Total Count" 3 || r=1
[ "$(printf '%s\n' "$out" | grep -c 'NPU ID')" = 3 ] || r=1
ok $r list_shows_every_card

err=$(npu-smi info -t board -i 7 2>&1 >/dev/null)
rc=$?
r=0
[ $rc = 1 ] || r=1
case $err in *"no vnpu card with id 7"*) ;; *) r=1 ;; esac
ok $r unknown_card_id_exits_1_and_says_so

rmmod vnpu
err=$(npu-smi info -l 2>&1 >/dev/null)
rc=$?
r=0
[ $rc = 1 ] || r=1
case $err in *"modprobe vnpu"*) ;; *) r=1 ;; esac
ok $r without_module_exits_1_and_suggests_modprobe

r=0
npu-smi >/dev/null 2>&1; [ $? = 2 ] || r=1
npu-smi info >/dev/null 2>&1; [ $? = 2 ] || r=1
npu-smi info -t board -i x >/dev/null 2>&1; [ $? = 2 ] || r=1
npu-smi info -t nope -i 0 >/dev/null 2>&1; [ $? = 2 ] || r=1
npu-smi frobnicate >/dev/null 2>&1; [ $? = 2 ] || r=1
ok $r usage_errors_exit_2

out=$(npu-smi --help)
rc=$?
r=0
[ $rc = 0 ] || r=1
case $out in *"Usage: npu-smi info -l"*"Exit status"*) ;; *) r=1 ;; esac
ok $r help_documents_usage_and_exit_status

[ $fails = 0 ]
