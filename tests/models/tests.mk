# SPDX-License-Identifier: GPL-2.0
# Models (runtime/src/models/) on the CPU backend: loader errors, decode
# against prefill, sampling; tools: vnpu-gen-model determinism, vnpu-run.
HOST_TESTS += models_test
models_test_SRCS := tests/models/test_models.c tests/models/model_util.c
models_test_CFLAGS := -Iruntime/src/models
models_test_LIBS = $(RUNTIME_LIBS)
$(eval $(call runtime_prog,models_test))

# libFuzzer target of the safetensors reader (clang only, like
# tests/runtime's); a short run in `make check-host`, a long one:
#   build/fuzz/fuzz_safetensors -max_total_time=3600 tests/models/corpus
FUZZ_CC ?= clang
ifneq ($(shell command -v $(FUZZ_CC) 2>/dev/null),)
$(B)/fuzz/fuzz_safetensors: tests/models/fuzz_safetensors.c $(RUNTIME_SRCS) \
		$(B)/host/libvnpu_engine.a $(RUNTIME_HDRS)
	@mkdir -p $(dir $@)
	$(Q)$(FUZZ_CC) -g -O1 -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=all -std=gnu11 -D_GNU_SOURCE -w \
		-ffp-contract=off -Iuapi -Iengine/include -Iruntime/include \
		-Iruntime/src/models $(DRM_CFLAGS) -o $@ $< $(RUNTIME_SRCS) \
		$(B)/host/libvnpu_engine.a $(RUNTIME_SYSLIBS)
$(B)/host/models_test: $(B)/fuzz/fuzz_safetensors
endif
HOST_SCRIPTS += tests/models/fuzz_st_short.sh
HOST_SCRIPTS += tests/models/tools_test.sh
# models_test runs vnpu-run's program mode
$(B)/host/models_test $(B)/host-san/models_test: | $(B)/host/vnpu-run
# In the VM: the card's tokens equal the CPU backend's.
VM_SCRIPTS += tests/models/vm_models_test.sh

# Pre-quantized weights: the graph's block constants, files written by
# vnpu-gen-model --quantize against the unquantized model, malformed files.
HOST_TESTS += prequant_test
prequant_test_SRCS := tests/models/test_prequant.c tests/models/model_util.c \
	tools/vnpu-gen-model/gen_model.c
prequant_test_CFLAGS := -Iruntime/src/models -Itools/vnpu-gen-model
prequant_test_LIBS = $(RUNTIME_LIBS)
$(eval $(call runtime_prog,prequant_test))
