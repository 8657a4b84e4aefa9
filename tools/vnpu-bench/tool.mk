# SPDX-License-Identifier: GPL-2.0
TOOLS += vnpu-bench
vnpu-bench_SRCS := tools/vnpu-bench/vnpu-bench.c tools/vnpu-bench/bench_limits.c tools/vnpu-bench/bench_decode.c \
	tools/vnpu-bench/bench_pool.c tools/vnpu-bench/bench_llm.c tools/vnpu-bench/bench_model.c \
	tools/vnpu-gen-model/gen_model.c tools/vnpu-bench/bench_runtime.c \
	tools/common/procmem.c
vnpu-bench_LIBS = $(RUNTIME_LIBS)
$(eval $(call runtime_prog,vnpu-bench))
# bench_model.c reads the card profiles from the driver's table
vnpu-bench_CFLAGS := -Idriver/emu
