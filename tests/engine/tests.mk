# SPDX-License-Identifier: GPL-2.0
# Engine host tests.
HOST_TESTS += engine_formats
engine_formats_SRCS := tests/engine/test_formats.c

# All 2^32 FP32 inputs through every element conversion (a few minutes).
HOST_TESTS_LONG += engine_formats_exhaustive
engine_formats_exhaustive_SRCS := tests/engine/test_formats_exhaustive.c

HOST_TESTS += engine_math
engine_math_SRCS := tests/engine/test_math.c
engine_math_CFLAGS := -Iengine

HOST_TESTS += engine_matmul
engine_matmul_SRCS := tests/engine/test_matmul.c

HOST_TESTS += engine_ops
engine_ops_SRCS := tests/engine/test_ops.c
engine_ops_CFLAGS := -Iengine

# The vector ops added for imported (ONNX) graphs.
HOST_TESTS += engine_ops2
engine_ops2_SRCS := tests/engine/test_ops2.c

# The QLINEAR packet: ONNX's 8-bit linear quantization, bit-exact.
HOST_TESTS += engine_qlinear
engine_qlinear_SRCS := tests/engine/test_qlinear.c

# COMPARE and SELECT: ONNX's comparisons, logic ops and Where.
HOST_TESTS += engine_select
engine_select_SRCS := tests/engine/test_select.c
HOST_SCRIPTS += tests/engine/vnpu_quant_test.sh

# What vdpbf16ps computes on this CPU, against exact candidate models; and
# the engine's emulation of the model the BF16-activation matmul uses.
HOST_TESTS += engine_bf16dot
engine_bf16dot_SRCS := tests/engine/test_bf16dot.c
