# SPDX-License-Identifier: GPL-2.0
TOOLS += vnpu-run
vnpu-run_SRCS := tools/vnpu-run/vnpu-run.c tools/vnpu-run/run_program.c \
	tools/common/procmem.c
vnpu-run_LIBS = $(RUNTIME_LIBS)
$(eval $(call runtime_prog,vnpu-run))
