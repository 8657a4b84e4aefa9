#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# npu-smi over the vnpu netlink family in the VM: telemetry in every output
# form, the process table from fdinfo, events under load, the power cap,
# sensors. Prints TAP like the kselftest programs.
n=0
fails=0
ok() { # STATUS NAME
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n $2"; else echo "not ok $n $2"; fails=$((fails + 1)); fi
}
skip() { # NAME REASON
	n=$((n + 1))
	echo "ok $n $1 # SKIP $2"
}
# field OUTPUT KEY REGEX: OUTPUT has the line "<tab>KEY<pad>: VALUE", VALUE matching REGEX
field() {
	printf '%s\n' "$1" | grep -q "^	$(printf '%-31s' "$2"): $3\$" ||
		{ echo "# missing '$2 : $3'"; return 1; }
}
code() { # WANT CMD...: CMD exits WANT; its stderr is kept in $err
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
jcheck() { # KEY...: stdin is valid JSON Lines with every KEY
	_args=
	for _k; do _args="$_args -k $_k"; done
	# shellcheck disable=SC2086
	json_check $_args > /tmp/json_check.out || { sed 's/^/# /' /tmp/json_check.out; return 1; }
}
# between VALUE LOW HIGH: LOW <= VALUE <= HIGH (decimals allowed)
between() {
	awk -v v="$1" -v lo="$2" -v hi="$3" 'BEGIN { exit !(v + 0 >= lo && v + 0 <= hi && v != "") }' ||
		{ echo "# $1 not in [$2, $3]"; return 1; }
}
q() { npu-smi query --format=csv,noheader,nounits "$@"; }
reload() { rmmod vnpu 2>/dev/null; modprobe vnpu "$@"; }
wait_file() { # FILE: up to 60 s
	_i=0
	while [ ! -e "$1" ] && [ $_i -lt 600 ]; do sleep 0.1; _i=$((_i + 1)); done
	[ -e "$1" ]
}
NUM='[0-9][0-9]*\(\.[0-9]*\)\{0,1\}'

echo "TAP version 13"
echo "1..13"

reload
out=$(q --fields=power.draw,power.limit,power.tdp,temperature.max,temperature.crit,clocks.aicore,clocks.max.aicore,health,throttle_reasons,utilization.aicore)
r=0
[ "$out" = "90.00, 600.00, 600.00, 85.0, 105.0, 1650, 1650, OK, none, 0" ] || { echo "# idle: $out"; r=1; }
between "$(q --fields=temperature.npu)" 30 50 || r=1
ok $r idle_readings_match_the_atlas350_profile

out=$(npu-smi info)
r=$?
row=$(printf '%s\n' "$out" | grep '^| 0     Atlas 350')
[ "$(printf '%s\n' "$row" | awk -F'|' '{ print $3 }' | tr -d ' ')" = OK ] || r=1
[ "$(printf '%s\n' "$row" | awk -F'|' '{ split($4, a, " "); print a[1] }')" = 90.0 ] || r=1
between "$(printf '%s\n' "$row" | awk -F'|' '{ split($4, a, " "); print a[2] }')" 30 50 || r=1
[ $r = 0 ] || printf '# %s\n' "$out"
ok $r info_table_shows_health_power_and_temperature

r=0
out=$(npu-smi info -t power -i 0) || r=1
field "$out" "Power Dissipation(W)" "$NUM" || r=1
field "$out" "Average Power(W)" "$NUM" || r=1
field "$out" "Power Cap(W)" "600.0" || r=1
field "$out" "Energy(J)" "$NUM" || r=1
out=$(npu-smi info -t temp -i 0) || r=1
field "$out" "NPU Temperature(C)" "$NUM" || r=1
field "$out" "Throttle Temperature(C)" "85.0" || r=1
field "$out" "Critical Temperature(C)" "105.0" || r=1
field "$out" "Throttle Reasons" "none" || r=1
out=$(npu-smi info -t memory -i 0) || r=1
field "$out" "HBM Usage(MB)" "0" || r=1
field "$out" "HBM Backed(MB)" "2048" || r=1
out=$(npu-smi info -t usages -i 0) || r=1
field "$out" "Aicore Usage Rate(%)" "0" || r=1
field "$out" "Aicore curFreq(MHZ)" "1650" || r=1
out=$(npu-smi info -t health -i 0) || r=1
field "$out" "Health Status" "OK" || r=1
ok $r info_types_report_telemetry_as_key_value_lines

fields=$(npu-smi query --list-fields | awk 'NR > 1 { printf "%s%s", s, $1; s = "," }')
out=$(npu-smi query --fields="$fields" --format=json)
r=$?
# shellcheck disable=SC2046
printf '%s\n' "$out" | jcheck schema_version npus $(echo "$fields" | tr ',' ' ') || r=1
has "$out" '"power.draw": 90.00' || r=1
case $out in *null*) echo "# a null with telemetry present: $out"; r=1 ;; esac
out=$(npu-smi query --fields="$fields" --format=csv)
[ "$(printf '%s\n' "$out" | sed -n 2p | awk -F', ' '{ print NF }')" = \
	"$(echo "$fields" | awk -F, '{ print NF }')" ] || r=1
case $out in *"[N/A]"*) echo "# N/A with telemetry present: $out"; r=1 ;; esac
ok $r query_every_field_as_json_and_csv

e1=$(q --fields=energy.total)
sleep 0.5
e2=$(q --fields=energy.total)
r=0
awk -v a="$e1" -v b="$e2" 'BEGIN { exit !(b > a) }' || { echo "# energy $e1 then $e2"; r=1; }
ok $r energy_only_grows

out=$(npu-smi info watch -i 0 -d 0.2 --count 3)
r=$?
[ "$(printf '%s\n' "$out" | sed -n 1p | awk '{ print $1 }')" = "NpuID(Idx)" ] || r=1
[ "$(printf '%s\n' "$out" | awk 'NR > 1 && $1 == 0 && NF == 9' | wc -l)" = 3 ] || { printf '# %s\n' "$out"; r=1; }
ok $r watch_prints_one_row_per_sample

rm -f /tmp/ready
# -f: a forked child shares the DRM client; it must not count twice.
smi_load -t 60 -m 64 -r /tmp/ready -f > /dev/null &
load=$!
r=0
wait_file /tmp/ready || r=1
out=$(npu-smi info)
row=$(printf '%s\n' "$out" | grep "^| 0       0                 | $load ")
[ "$(printf '%s\n' "$row" | wc -l)" = 1 ] || { printf '# %s\n' "$out"; r=1; }
[ "$(ls -l /proc/[0-9]*/fd 2>/dev/null | grep -c '/dev/accel/accel0$')" -ge 2 ] ||
	{ echo "# the forked child does not hold the card"; r=1; }
[ "$(printf '%s\n' "$out" | grep -c ' smi_load ')" = 1 ] || { echo "# shared client counted twice"; r=1; }
[ "$(printf '%s\n' "$row" | awk -F'|' '{ print $4 }' | tr -d ' ')" = smi_load ] || r=1
between "$(printf '%s\n' "$row" | awk -F'|' '{ print $5 }')" 64 80 || r=1
between "$(q --fields=memory.used)" 64 80 || r=1
kill $load
wait $load 2>/dev/null
ok $r process_table_counts_the_workload_and_its_memory_once

# Heat the card 100x faster than real, with a 60 C inlet: any sustained
# load settles past the 85 C throttle point.
reload thermal_time_scale=1 ambient_c=60
rm -f /tmp/ev.json /tmp/ev.txt
npu-smi events --format=json --count 1 --timeout 60 > /tmp/ev.json &
ej=$!
npu-smi events -i 0 --count 1 --timeout 60 > /tmp/ev.txt &
et=$!
sleep 1
smi_load -t 60 > /dev/null &
load=$!
r=0
wait $ej || { echo "# events --format=json exited $?"; r=1; }
wait $et || { echo "# events exited $?"; r=1; }
kill $load
wait $load 2>/dev/null
jcheck schema_version timestamp npu event throttle_reasons temperature < /tmp/ev.json || r=1
grep -q '"npu": 0, "event": "throttle_start", "throttle_reasons": "thermal' /tmp/ev.json || r=1
grep -q '"ctx_id": null' /tmp/ev.json || r=1	# what an event lacks is null
grep -q '^[0-9/]* [0-9:.]* NPU 0 throttle_start reasons=thermal' /tmp/ev.txt || r=1
[ $r = 0 ] || { sed 's/^/# /' /tmp/ev.json /tmp/ev.txt; }
ok $r throttle_event_arrives_under_sustained_load

# A fresh, idle card: the one just loaded would report throttle_stop
# while it cools down.
reload
r=0
code 9 npu-smi events --count 1 --timeout 0.5 || r=1
has "$err" "timed out" || r=1
ok $r events_timeout_without_events_exits_9

reload
r=0
out=$(npu-smi set -t power-cap -i 0 -d 300) || r=1
field "$out" "Status" "OK" || r=1
[ "$(q --fields=power.limit)" = "300.00" ] || r=1
code 1 npu-smi set -t power-cap -i 0 -d 10 || r=1
has "$err" "refused" || r=1
[ "$(q --fields=power.limit)" = "300.00" ] || r=1
code 3 npu-smi set -t power-cap -i 7 -d 300 || r=1
ok $r set_power_cap_applies_and_refuses_out_of_range

# A low cap under load: the clock falls, and the event says why.
npu-smi set -t power-cap -i 0 -d 150 > /dev/null
rm -f /tmp/ev.txt
npu-smi events --count 1 --timeout 60 > /tmp/ev.txt &
ev=$!
sleep 1
smi_load -t 60 > /dev/null &
load=$!
r=0
wait $ev || r=1
kill $load
wait $load 2>/dev/null
grep -q 'NPU 0 throttle_start reasons=[a-z,]*power_cap' /tmp/ev.txt || { sed 's/^/# /' /tmp/ev.txt; r=1; }
ok $r power_cap_throttle_event_names_the_cap

if command -v sensors > /dev/null; then
	out=$(sensors 2>&1)
	r=0
	printf '%s\n' "$out" | grep -q '^vnpu-' || { printf '# %s\n' "$out"; r=1; }
	printf '%s\n' "$out" | grep -q '^power1: ' || r=1
	printf '%s\n' "$out" | grep -q '^temp1: ' || r=1
	ok $r sensors_lists_vnpu
else
	skip sensors_lists_vnpu "no sensors (lm-sensors) in the VM"
fi

out=$(npu-smi version)
r=$?
field "$out" "Module State" "loaded" || r=1
field "$out" "Telemetry Interface" "netlink family vnpu" || r=1
field "$out" "NPU 0 Driver ABI Version" "1" || r=1
ok $r version_reports_module_telemetry_and_abi

rmmod vnpu
[ $fails = 0 ]
