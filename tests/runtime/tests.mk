# SPDX-License-Identifier: GPL-2.0
# libvnpu tests: on the host against the CPU backend (natively and under
# ASan + UBSan), and in the VM against the card.
RT_CASES := tests/runtime/rt_cases.c

HOST_TESTS += runtime_interp
runtime_interp_SRCS := tests/runtime/test_interp.c $(RT_CASES)
runtime_interp_LIBS = $(RUNTIME_LIBS)
$(eval $(call runtime_prog,runtime_interp))

HOST_TESTS += runtime_api
runtime_api_SRCS := tests/runtime/test_api.c
runtime_api_LIBS = $(RUNTIME_LIBS)
$(eval $(call runtime_prog,runtime_api))
HOST_SCRIPTS += tests/runtime/libvnpu_abi_test.sh
# The ABI script reads the shared library: build it with the tests.
$(B)/host/runtime_api: $(B)/host/libvnpu.so.0

# In the VM: the same workloads on the card and the CPU backend.
VM_TESTS += runtime_vm_test
runtime_vm_test_SRCS := tests/runtime/vm_card_test.c $(RT_CASES)
runtime_vm_test_LIBS = $(RUNTIME_LIBS)
$(eval $(call runtime_prog,runtime_vm_test))
