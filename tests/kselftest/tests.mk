# In-VM kselftests (tests/vm/plan.sh runs them).
KSFT_UTIL := tests/kselftest/vnpu_test_util.c

VM_TESTS += vnpu_module_test vnpu_param_test vnpu_bus_test vnpu_bo_test \
	vnpu_submit_test vnpu_exec_test vnpu_matmul_test vnpu_vecops_test \
	vnpu_telemetry_test
vnpu_module_test_SRCS := tests/kselftest/vnpu_module_test.c $(KSFT_UTIL)
vnpu_module_test_LIBS := -lkmod $(DRM_LIBS)
vnpu_param_test_SRCS := tests/kselftest/vnpu_param_test.c $(KSFT_UTIL)
vnpu_param_test_LIBS := -lkmod
vnpu_bus_test_SRCS := tests/kselftest/vnpu_bus_test.c $(KSFT_UTIL)
vnpu_bus_test_LIBS := -lkmod
vnpu_bo_test_SRCS := tests/kselftest/vnpu_bo_test.c $(KSFT_UTIL)
vnpu_bo_test_LIBS := -lkmod $(DRM_LIBS)
vnpu_submit_test_SRCS := tests/kselftest/vnpu_submit_test.c $(KSFT_UTIL)
vnpu_submit_test_LIBS := -lkmod $(DRM_LIBS)
vnpu_exec_test_SRCS := tests/kselftest/vnpu_exec_test.c $(KSFT_UTIL)
vnpu_exec_test_LIBS := -lkmod $(DRM_LIBS)
vnpu_matmul_test_SRCS := tests/kselftest/vnpu_matmul_test.c $(KSFT_UTIL)
vnpu_matmul_test_LIBS := -lkmod $(DRM_LIBS)
vnpu_vecops_test_SRCS := tests/kselftest/vnpu_vecops_test.c $(KSFT_UTIL)
vnpu_vecops_test_LIBS := -lkmod $(DRM_LIBS)
vnpu_telemetry_test_SRCS := tests/kselftest/vnpu_telemetry_test.c $(KSFT_UTIL)
vnpu_telemetry_test_CFLAGS := $(shell pkg-config --cflags libnl-genl-3.0)
vnpu_telemetry_test_LIBS := -lkmod $(DRM_LIBS) $(shell pkg-config --libs libnl-genl-3.0)

# Shell suites printing TAP, copied into the VM next to the programs.
VM_SCRIPTS += tests/kselftest/npu_smi_test.sh

# npu-smi's VM tests: helpers (a MATMUL workload, a privilege drop, a JSON
# validator; no jq or su in the VM) and the suites.
VM_TESTS += smi_load smi_asuser json_check
smi_load_SRCS := tests/kselftest/smi_load.c $(KSFT_UTIL)
smi_load_LIBS := -lkmod $(DRM_LIBS)
smi_asuser_SRCS := tests/kselftest/smi_asuser.c
json_check_SRCS := tests/kselftest/json_check.c
VM_SCRIPTS += tests/kselftest/npu_smi_telemetry_test.sh
