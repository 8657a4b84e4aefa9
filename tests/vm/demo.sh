# SPDX-License-Identifier: GPL-2.0
# `make demo`: what a user sees on a machine with the card. Sourced by the
# VM's init; its output is shown live. Each step is a suite so a failure
# shows in the result.
step() {
	echo
	echo "\$ $*"
	"$@"
}
demo() {
	step uname -r &&
	step modprobe vnpu &&
	step ls -l /dev/accel/ &&
	step ls /sys/bus/vnpu/devices/ &&
	step npu-smi info -l &&
	step npu-smi info -t board -i 0 &&
	echo && echo "\$ dmesg | grep vnpu" && dmesg | grep vnpu &&
	echo &&
	echo "Next: make check (every test), make vm-shell (a shell in this VM)," &&
	echo "tests/vm/run --exec 'CMD' (run CMD here), README.md (install on a real machine)."
}
suite demo demo
