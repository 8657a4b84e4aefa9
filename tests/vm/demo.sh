# SPDX-License-Identifier: GPL-2.0
# `make demo`: what a user sees on a machine with the card: the card, a
# small model generating on it, the card while it works. Sourced by the
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
	step vnpu-gen-model --preset tiny -o /tmp/tiny &&
	step vnpu-run /tmp/tiny --backend device --prompt-tokens 1,15,27,3 -n 32 &&
	echo && echo "\$ vnpu-run /tmp/tiny --backend device -n 600 -q &   # a longer run; look at the card meanwhile" &&
	{ vnpu-run /tmp/tiny --backend device -n 600 -q >/dev/null & } &&
	sleep 3 &&
	step npu-smi info &&
	wait &&
	echo && echo "\$ dmesg | grep vnpu" && dmesg | grep vnpu &&
	echo &&
	echo "Next: vnpu-bench llm --preset 60m (speed against this machine's limits)," &&
	echo "vnpu-bench model --preset 1b (atlas350 / 950dt / h20 predictions), docs/models.md," &&
	echo "make check (every test), make vm-shell (a shell in this VM)," &&
	echo "tests/vm/run --exec 'CMD' (run CMD here), README.md (install on a real machine)."
}
suite demo demo
