# SPDX-License-Identifier: GPL-2.0
# The freestanding engine sources (paths from the repository root). The
# same list is built by Kbuild into vnpu.ko with per-file FPU flags.
ENGINE_SRCS := \
	engine/vnpu_cpu.c \
	engine/vnpu_elem.c \
	engine/vnpu_quant.c \
	engine/vnpu_quant_vec.c \
	engine/vnpu_hadamard.c
ENGINE_SRCS += engine/vnpu_math.c
ENGINE_SRCS += engine/vnpu_pack.c engine/vnpu_matmul.c engine/vnpu_mm_generic.c \
	engine/vnpu_mm_generic_v2.c engine/vnpu_mm_generic_scalar.c \
	engine/vnpu_mm_avx2.c engine/vnpu_mm_avx512.c \
	engine/vnpu_mmw_avx2.c engine/vnpu_mmw_avx512.c
ENGINE_SRCS += engine/vnpu_ops.c engine/vnpu_attention.c engine/vnpu_ops2.c \
	engine/vnpu_attention_avx2.c engine/vnpu_attention_avx512.c \
	engine/vnpu_qlinear.c engine/vnpu_select.c engine/vnpu_ops_avx512.c
# Compute packets of the ISA as tiles, for the card and the CPU backend.
ENGINE_SRCS += engine/vnpu_isa_exec.c
# The ISA's operand table and stream validation: integer code the kernel
# driver calls at submit, so Kbuild builds it without FPU flags.
ENGINE_ISA_SRCS := engine/vnpu_isa.c
ENGINE_SRCS += $(ENGINE_ISA_SRCS)
