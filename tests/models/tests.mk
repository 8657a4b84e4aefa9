# SPDX-License-Identifier: GPL-2.0
# Models (runtime/src/models/) on the CPU backend: loader errors, decode
# against prefill, sampling; tools: vnpu-gen-model determinism, vnpu-run.
HOST_TESTS += models_test
models_test_SRCS := tests/models/test_models.c tests/models/model_util.c
models_test_CFLAGS := -Iruntime/src/models
models_test_LIBS = $(RUNTIME_LIBS)
$(eval $(call runtime_prog,models_test))
