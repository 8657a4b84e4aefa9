# SPDX-License-Identifier: GPL-2.0
# ONNX import: the ONNX project's node tests (Debian libonnx-testdata) on
# the CPU backend, natively and under ASan + UBSan; the pass count per
# operator must not fall below tests/onnx/expected.txt.
HOST_TESTS += onnx_node_tests
onnx_node_tests_SRCS := tests/onnx/onnx_node_tests.c
onnx_node_tests_LIBS = $(RUNTIME_LIBS)
$(eval $(call runtime_prog,onnx_node_tests))

# libFuzzer target of the importer (clang), built like the runtime's
# (tests/runtime/tests.mk) with the ONNX sources and the generated code.
FUZZ_CC ?= clang
ifneq ($(shell command -v $(FUZZ_CC) 2>/dev/null),)
$(B)/fuzz/fuzz_onnx_import: tests/onnx/fuzz_onnx_import.c $(RUNTIME_SRCS) \
		$(ONNX_SRCS) $(ONNX_GEN)/onnx.pb-c.c $(B)/host/libvnpu_engine.a \
		$(RUNTIME_HDRS)
	@mkdir -p $(dir $@)
	$(Q)$(FUZZ_CC) -g -O1 -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=all -std=gnu11 -D_GNU_SOURCE -w \
		-ffp-contract=off -Iuapi -Iengine/include -Iruntime/include \
		-I$(ONNX_GEN) $(DRM_CFLAGS) -o $@ $< $(RUNTIME_SRCS) $(ONNX_SRCS) \
		$(ONNX_GEN)/onnx.pb-c.c $(B)/host/libvnpu_engine.a $(RUNTIME_SYSLIBS)
HOST_SCRIPTS += tests/onnx/fuzz_onnx_short.sh
$(B)/host/onnx_node_tests: $(B)/fuzz/fuzz_onnx_import
endif

# A real model: Silero VAD from npm (tests/onnx/fetch_silero.sh; SKIPs
# without npm), FP32 against onnxruntime's outputs, the FP4 formats' drift.
HOST_TESTS += onnx_silero_vad
onnx_silero_vad_SRCS := tests/onnx/silero_vad_test.c
onnx_silero_vad_LIBS = $(RUNTIME_LIBS)
$(eval $(call runtime_prog,onnx_silero_vad))

# In the VM: a subset of the node tests on the card, each output
# bit-identical to the CPU backend's and within the tolerance (the plan
# runs onnx_node_tests_vm --device 0 --both in $(B)/vm-files).
ONNX_NODE_DIR := /usr/include/onnx/backend/test/data/node
ONNX_VM_TESTS := test_add_bcast test_sub_bcast test_mul_bcast test_div test_pow \
	test_max_example test_relu test_sigmoid test_tanh test_sqrt test_erf \
	test_exp test_neg test_matmul_2d test_matmul_4d test_gemm_all_attributes \
	test_gemm_transposeB test_softmax_axis_0 test_layer_normalization_3d_axis1_epsilon \
	test_reduce_mean_keepdims_random test_reduce_sum_keepdims_random \
	test_transpose_all_permutations_4 test_concat_3d_axis_1 test_slice_neg_steps \
	test_gather_1 test_where_example test_expand_dim_changed test_unsqueeze_two_axes \
	test_quantizelinear_axis test_dequantizelinear_axis test_less_bcast test_or_bcast4v3d \
	test_conv_with_strides_and_asymmetric_padding
VM_TESTS += onnx_node_tests_vm
onnx_node_tests_vm_SRCS := tests/onnx/onnx_node_tests.c
onnx_node_tests_vm_LIBS = $(RUNTIME_LIBS)
$(eval $(call runtime_prog,onnx_node_tests_vm))
VM_FILES_DEPS += $(B)/vm-files/onnx-node/.stamp
$(B)/vm-files/onnx-node/.stamp: tests/onnx/tests.mk
	$(Q)rm -rf $(dir $@) && mkdir -p $(dir $@)
	$(Q)if [ -d $(ONNX_NODE_DIR) ]; then \
		for t in $(ONNX_VM_TESTS); do cp -a $(ONNX_NODE_DIR)/$$t $(dir $@); done; fi
	$(Q)touch $@

# The importer's API, messages and the graph ops it added.
HOST_TESTS += onnx_api
onnx_api_SRCS := tests/onnx/test_onnx_api.c
onnx_api_LIBS = $(RUNTIME_LIBS)
$(eval $(call runtime_prog,onnx_api))

# vnpu-compile's exit codes, messages and output file.
HOST_SCRIPTS += tests/onnx/vnpu_compile_test.sh
