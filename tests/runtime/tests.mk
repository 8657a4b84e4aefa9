# SPDX-License-Identifier: GPL-2.0
# libvnpu tests: on the host against the CPU backend (natively and under
# ASan + UBSan), and in the VM against the card.
RT_CASES := tests/runtime/rt_cases.c

HOST_TESTS += runtime_interp
runtime_interp_SRCS := tests/runtime/test_interp.c $(RT_CASES)
runtime_interp_LIBS = $(RUNTIME_LIBS)
$(eval $(call runtime_prog,runtime_interp))

# The CPU backend's streams: VNPU_DEBUG=profile, runs on the caller.
HOST_TESTS += runtime_cpu_stream
runtime_cpu_stream_SRCS := tests/runtime/test_cpu_stream.c
runtime_cpu_stream_CFLAGS := -Iruntime/src
runtime_cpu_stream_LIBS = $(RUNTIME_LIBS)
$(eval $(call runtime_prog,runtime_cpu_stream))

# The worker pool under many tiny runs (internal API: runtime/src).
HOST_TESTS += runtime_pool
runtime_pool_SRCS := tests/runtime/test_pool.c
runtime_pool_CFLAGS := -Iruntime/src
runtime_pool_LIBS = $(RUNTIME_LIBS)
$(eval $(call runtime_prog,runtime_pool))
# ... and under ThreadSanitizer, the pool alone, where the compiler has it.
ifneq ($(shell echo 'int main(void){return 0;}' | $(CC) -fsanitize=thread -x c - \
	-o /dev/null 2>/dev/null && echo y),)
HOST_SCRIPTS += tests/runtime/pool_tsan_test.sh
$(B)/host/runtime_pool_tsan: tests/runtime/test_pool.c runtime/src/vnpu_pool.c \
		$(RUNTIME_HDRS) $(KERNEL_STAMP)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(USER_CFLAGS) $(KSFT_CFLAGS) -Iruntime/src -DPOOL_ALONE \
		-fsanitize=thread -O1 -o $@ tests/runtime/test_pool.c \
		runtime/src/vnpu_pool.c -lpthread
host-tests: $(B)/host/runtime_pool_tsan
endif

HOST_TESTS += runtime_api
runtime_api_SRCS := tests/runtime/test_api.c
runtime_api_LIBS = $(RUNTIME_LIBS)
$(eval $(call runtime_prog,runtime_api))
HOST_SCRIPTS += tests/runtime/libvnpu_abi_test.sh tests/runtime/bench_runtime_test.sh \
	tests/runtime/bench_decode_test.sh
# The ABI script reads the shared library: build it with the tests.
$(B)/host/runtime_api: $(B)/host/libvnpu.so.0

# In the VM: the same workloads on the card and the CPU backend.
VM_TESTS += runtime_vm_test
runtime_vm_test_SRCS := tests/runtime/vm_card_test.c $(RT_CASES) \
	tests/runtime/graph_util.c
runtime_vm_test_LIBS = $(RUNTIME_LIBS)
$(eval $(call runtime_prog,runtime_vm_test))

# The graph layer: builder, compiler, programs (CPU backend).
GRAPH_UTIL := tests/runtime/graph_util.c
HOST_TESTS += runtime_graph
runtime_graph_SRCS := tests/runtime/test_graph.c $(GRAPH_UTIL)
runtime_graph_LIBS = $(RUNTIME_LIBS)
$(eval $(call runtime_prog,runtime_graph))

HOST_TESTS += runtime_graph_state
runtime_graph_state_SRCS := tests/runtime/test_graph_state.c $(GRAPH_UTIL)
runtime_graph_state_LIBS = $(RUNTIME_LIBS)
$(eval $(call runtime_prog,runtime_graph_state))

HOST_TESTS += runtime_program_cost
runtime_program_cost_SRCS := tests/runtime/test_program_cost.c $(GRAPH_UTIL)
runtime_program_cost_LIBS = $(RUNTIME_LIBS)
$(eval $(call runtime_prog,runtime_program_cost))

HOST_TESTS += runtime_graph_hadamard
runtime_graph_hadamard_SRCS := tests/runtime/test_graph_hadamard.c $(GRAPH_UTIL)
runtime_graph_hadamard_LIBS = $(RUNTIME_LIBS)
$(eval $(call runtime_prog,runtime_graph_hadamard))

HOST_TESTS += runtime_graph_types
runtime_graph_types_SRCS := tests/runtime/test_graph_types.c $(GRAPH_UTIL)
runtime_graph_types_LIBS = $(RUNTIME_LIBS)
$(eval $(call runtime_prog,runtime_graph_types))

HOST_TESTS += runtime_graph_file
runtime_graph_file_SRCS := tests/runtime/test_graph_file.c $(GRAPH_UTIL)
runtime_graph_file_LIBS = $(RUNTIME_LIBS)
$(eval $(call runtime_prog,runtime_graph_file))

# libFuzzer targets of the program loader and of the graph builder and
# compiler, built with clang when there is
# one (libFuzzer is clang's); the runtime sources are compiled into it
# directly so the whole loader is instrumented. The engine (GCC vector
# builtins clang does not take) is linked from the host build: the loader
# never calls it. A short run is in
# `make check-host` (tests/runtime/fuzz_short.sh); long ones:
#   build/fuzz/fuzz_program_load -max_total_time=3600 build/fuzz/corpus
#   build/fuzz/fuzz_graph_build -max_total_time=3600
FUZZ_CC ?= clang
ifneq ($(shell command -v $(FUZZ_CC) 2>/dev/null),)
$(B)/fuzz/%: tests/runtime/%.c $(RUNTIME_SRCS) $(B)/host/libvnpu_engine.a \
		$(RUNTIME_HDRS)
	@mkdir -p $(dir $@)
	$(Q)$(FUZZ_CC) -g -O1 -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=all -std=gnu11 -D_GNU_SOURCE -w \
		-ffp-contract=off -Iuapi -Iengine/include -Iruntime/include \
		$(DRM_CFLAGS) -o $@ $< $(RUNTIME_SRCS) $(B)/host/libvnpu_engine.a \
		$(RUNTIME_SYSLIBS)
HOST_SCRIPTS += tests/runtime/fuzz_short.sh
# check-host builds the host tests; the fuzzer comes with this one.
$(B)/host/runtime_graph_file: $(B)/fuzz/fuzz_program_load $(B)/fuzz/fuzz_graph_build
endif

HOST_TESTS += runtime_program_share
runtime_program_share_SRCS := tests/runtime/test_program_share.c $(GRAPH_UTIL)
runtime_program_share_LIBS = $(RUNTIME_LIBS)
$(eval $(call runtime_prog,runtime_program_share))
