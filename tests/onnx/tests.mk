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
