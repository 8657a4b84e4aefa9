#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# npu-smi against real cards in the VM: what needs no telemetry (card
# facts, the table's layout, CSV/JSON forms, exit codes and messages).
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
# code WANT CMD...: CMD exits WANT; its stderr is kept in $err
code() {
	_want=$1
	shift
	err=$("$@" 2>&1 >/dev/null)
	_rc=$?
	[ "$_rc" = "$_want" ] || { echo "# '$*' exited $_rc, want $_want: $err"; return 1; }
}
has() { # TEXT PATTERN
	case $1 in *"$2"*) return 0 ;; esac
	echo "# no '$2' in: $1"
	return 1
}
reload() { rmmod vnpu 2>/dev/null; modprobe vnpu "$@"; }

echo "TAP version 13"
echo "1..16"

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
[ "$(printf '%s\n' "$out" | grep -c 'Chip Count')" = 3 ] || r=1
ok $r list_shows_every_card

# The box table: Huawei's 98-column layout, one two-line block per card.
out=$(npu-smi info 2>/dev/null)
rc=$?
r=0
[ $rc = 0 ] || r=1
printf '%s\n' "$out" | awk 'length($0) != 98 { print "# line " NR " is " length($0) " wide: " $0; bad = 1 } END { exit bad }' || r=1
for h in "| NPU   Name                | Health        | Power(W)    Temp(C)           Hugepages-Usage(page)|" \
	"| Chip                      | Bus-Id        | AICore(%)   Memory-Usage(MB)  HBM-Usage(MB)        |" \
	"| NPU     Chip              | Process id    | Process name             | Process memory(MB)      |"; do
	printf '%s\n' "$out" | grep -qxF "$h" || { echo "# no header line: $h"; r=1; }
done
for i in 0 1 2; do
	printf '%s\n' "$out" | grep -q "^| $i     Atlas 350           | " || { echo "# no row of NPU $i"; r=1; }
	printf '%s\n' "$out" | grep -q "^| No running processes found in NPU $i  *|\$" || r=1
done
# The second line of a card: chip, upper-case bus id, then "used / backed" and "used / HBM".
printf '%s\n' "$out" | grep -q '^| 0                         | 0000:C1:00.0  | ' || { echo "# no bus id row"; r=1; }
[ "$(printf '%s\n' "$out" | awk -F'|' '$3 ~ /0000:C1:00.0/ { split($4, a, " "); print a[4] "," a[7] }')" = "2048,114688" ] ||
	{ echo "# memory totals wrong"; r=1; }
ok $r info_table_keeps_the_ascend_layout

# Card facts as CSV (with and without header/units) and as JSON.
reload num_devices=2 mem_mb=512
out=$(npu-smi query --fields=index,name,memory.total,ai_cores,abi_version --format=csv 2>/dev/null)
r=0
[ "$(printf '%s\n' "$out" | sed -n 1p)" = "index, name, memory.total [MiB], ai_cores, abi_version" ] || r=1
[ "$(printf '%s\n' "$out" | sed -n 2p)" = "0, Atlas 350, 512 MiB, $(nproc), 1" ] || r=1
[ "$(printf '%s\n' "$out" | sed -n 3p)" = "1, Atlas 350, 512 MiB, $(nproc), 1" ] || r=1
[ "$(printf '%s\n' "$out" | wc -l)" = 3 ] || r=1
[ $r = 0 ] || printf '# %s\n' "$out"
out=$(npu-smi query --fields=index,memory.total --format=csv,noheader,nounits -i 1 2>/dev/null)
[ "$out" = "1, 512" ] || { echo "# noheader,nounits: $out"; r=1; }
ok $r query_csv_header_units_and_rows

out=$(npu-smi query --fields=index,name,memory.hbm,serial --format=json 2>/dev/null)
r=0
printf '%s\n' "$out" | json_check -k schema_version -k npus -k index -k memory.hbm > /tmp/jc.out ||
	{ sed 's/^/# /' /tmp/jc.out; r=1; }
has "$out" '"schema_version": 1' || r=1
has "$out" '{"index": 0, "name": "Atlas 350", "memory.hbm": 114688, ' || r=1
has "$out" '{"index": 1, ' || r=1
ok $r query_json_parses_and_has_schema_version

out=$(npu-smi query --fields=timestamp,index --format=csv,noheader -l 0.2 --count 3 -i 0 2>/dev/null)
r=0
[ "$(printf '%s\n' "$out" | grep -c ', 0$')" = 3 ] || { printf '# %s\n' "$out"; r=1; }
out=$(npu-smi query --fields=index --format=json -l 0.2 --count 2 2>/dev/null)
[ "$(printf '%s\n' "$out" | json_check | tail -n 1)" = "json_check: 2 documents" ] || r=1
ok $r query_loop_stops_after_count

out=$(npu-smi query --list-fields)
r=$?
for f in power.draw power.limit energy.total temperature.npu utilization.aicore \
	clocks.aicore throttle_reasons memory.used memory.total health; do
	printf '%s\n' "$out" | grep -q "^$f " || { echo "# field $f not listed"; r=1; }
done
ok $r query_lists_its_fields

r=0
code 3 npu-smi info -t board -i 7 || r=1
has "$err" "no vnpu card with id 7" || r=1
code 3 npu-smi query -i 9 || r=1
ok $r unknown_card_id_exits_3_and_says_so

reload num_devices=0
r=0
code 3 npu-smi info -l || r=1
has "$err" "loaded but has no card" || r=1
ok $r module_without_cards_exits_3

rmmod vnpu
r=0
code 6 npu-smi info -l || r=1
has "$err" "modprobe vnpu" || r=1
code 6 npu-smi version || r=1
ok $r without_module_exits_6_and_suggests_modprobe

# Hide the installed modules: libkmod then finds no vnpu for this kernel.
mount -t tmpfs tmpfs /lib/modules
r=0
code 7 npu-smi info || r=1
has "$err" "not installed" || r=1
[ "$(printf '%s\n' "$err" | wc -l)" = 1 ] || r=1
umount /lib/modules
ok $r module_not_installed_exits_7

reload
r=0
code 4 smi_asuser 65534 npu-smi info -l || r=1
has "$err" "permission denied" || r=1
ok $r no_permission_exits_4

r=0
code 5 smi_asuser 65534 npu-smi set -t power-cap -i 0 -d 300 || r=1
has "$err" "needs root" || r=1
ok $r set_by_non_root_exits_5_needs_root

r=0
code 2 npu-smi || r=1
code 2 npu-smi frobnicate || r=1
code 2 npu-smi info -t board -i x || r=1
code 2 npu-smi info -t nope -i 0 || r=1
code 2 npu-smi info -t board || r=1
code 2 npu-smi info -i 0 || r=1
code 2 npu-smi query --fields=index,nope || r=1
has "$err" "unknown field 'nope'" || r=1
code 2 npu-smi query --format=xml || r=1
code 2 npu-smi query --format=json,noheader || r=1
code 2 npu-smi query -l 0 || r=1
code 2 npu-smi events --count 0 || r=1
code 2 npu-smi set -t clock -i 0 -d 3 || r=1
code 2 npu-smi set -t power-cap -i 0 || r=1
code 2 npu-smi info watch -d x || r=1
code 2 npu-smi help nope || r=1
ok $r usage_errors_exit_2

out=$(npu-smi --help)
rc=$?
r=0
[ $rc = 0 ] || r=1
case $out in *"Usage: npu-smi info"*"Exit status"*) ;; *) r=1 ;; esac
for c in 0 1 2 3 4 5 6 7 8 9; do
	printf '%s\n' "$out" | grep -q "^    $c   " || { echo "# exit code $c undocumented"; r=1; }
done
for c in info query events set version; do
	printf '%s\n' "$out" | grep -q "^  $c" || { echo "# command $c undocumented"; r=1; }
	npu-smi help $c | grep -q "^  $c" || r=1
done
has "$(npu-smi help set)" "anyone else gets exit 5" || r=1
ok $r help_documents_commands_and_exit_codes

rmmod vnpu
[ $fails = 0 ]
