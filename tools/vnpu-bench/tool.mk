# SPDX-License-Identifier: GPL-2.0
TOOLS += vnpu-bench
vnpu-bench_SRCS := tools/vnpu-bench/vnpu-bench.c tools/vnpu-bench/bench_limits.c \
	tools/vnpu-bench/bench_pool.c tools/vnpu-bench/bench_runtime.c
# `vnpu-bench runtime` loads and runs programs through libvnpu.
vnpu-bench_LIBS = $(RUNTIME_LIBS)
$(eval $(call runtime_prog,vnpu-bench))
