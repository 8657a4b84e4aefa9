# SPDX-License-Identifier: GPL-2.0
# ONNX import: the ONNX project's node tests (Debian libonnx-testdata) on
# the CPU backend, natively and under ASan + UBSan; the pass count per
# operator must not fall below tests/onnx/expected.txt.
HOST_TESTS += onnx_node_tests
onnx_node_tests_SRCS := tests/onnx/onnx_node_tests.c
onnx_node_tests_LIBS = $(RUNTIME_LIBS)
$(eval $(call runtime_prog,onnx_node_tests))
