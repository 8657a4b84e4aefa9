# SPDX-License-Identifier: GPL-2.0
# The test plan `make check-vm` runs inside the VM (sourced by its init;
# `suite NAME CMD...` comes from lib.sh). Each suite starts and ends with
# the module unloaded.
suite module vnpu_module_test
suite param vnpu_param_test
suite bus vnpu_bus_test
suite bo vnpu_bo_test
suite submit vnpu_submit_test
suite exec vnpu_exec_test
suite matmul vnpu_matmul_test
suite vecops vnpu_vecops_test
suite runtime runtime_vm_test
suite telemetry vnpu_telemetry_test
suite sensors sh -c "modprobe vnpu && sensors | grep -q \"^vnpu-\" && rmmod vnpu"
suite hello sh -c "modprobe vnpu && hello | grep -qx \"Atlas 350 (atlas350)\" && rmmod vnpu"
suite npu-smi npu_smi_test.sh
suite npu-smi-telemetry npu_smi_telemetry_test.sh
suite onnx sh -c "modprobe vnpu && onnx_node_tests_vm --device 0 --both --data onnx-node --expect /dev/null"
suite models vm_models_test.sh
suite eval eval_vm_test.sh
