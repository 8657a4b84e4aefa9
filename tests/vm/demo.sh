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
	step npu-smi info &&
	step npu-smi info -t board -i 0 &&
	step npu-smi query --fields=index,name,power.draw,temperature.npu,memory.used,memory.total --format=csv &&
	step sensors &&
	echo && echo "\$ smi_load -t 4 -m 256 &   # MATMUL jobs on the card for 4 s, 256 MiB held" &&
	{ smi_load -t 4 -m 256 -r /tmp/ready & } &&
	while [ ! -e /tmp/ready ]; do sleep 0.2; done && sleep 2 &&
	step npu-smi info &&
	wait &&
	echo && echo "\$ dmesg | grep vnpu" && dmesg | grep vnpu &&
	echo &&
	echo "Next: make check (every test), make vm-shell (a shell in this VM)," &&
	echo "tests/vm/run --exec 'CMD' (run CMD here), README.md (install on a real machine)."
}
suite demo demo
