# SPDX-License-Identifier: GPL-2.0
# Helpers for VM test plans (sourced by the VM's init before the plan).

# suite NAME CMD...: run one TAP-printing test program as suite NAME.
# The markers let the host attribute results and notice a suite that
# crashed or printed fewer results than its plan announced.
suite() {
	_name=$1
	shift
	echo "### vnpu-suite-begin $_name"
	"$@" </dev/null 2>&1
	_rc=$?
	echo "### vnpu-suite-end $_name rc=$_rc"
	# A suite must leave the module unloaded for the next one.
	if grep -q '^vnpu ' /proc/modules; then
		rmmod vnpu 2>/dev/null
	fi
	return 0
}
