# SPDX-License-Identifier: GPL-2.0
TOOLS += vnpu-compile
vnpu-compile_SRCS := tools/vnpu-compile/vnpu-compile.c tools/vnpu-compile/compile_io.c \
	tools/vnpu-compile/compile_compare.c
vnpu-compile_LIBS = $(RUNTIME_LIBS)
$(eval $(call runtime_prog,vnpu-compile))
