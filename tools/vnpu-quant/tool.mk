# SPDX-License-Identifier: GPL-2.0
TOOLS += vnpu-quant
vnpu-quant_SRCS := tools/vnpu-quant/vnpu-quant.c
