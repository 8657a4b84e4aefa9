# SPDX-License-Identifier: GPL-2.0
# vnpu-eval: FP4 accuracy on Fashion-MNIST and the synthetic transformers.
# -ffp-contract=off: no FMA contraction even with -march flags, so a
# seed trains to the same weights on every build. The transformer part
# writes models with vnpu-gen-model's writer (gen_model.c).
VNPU_EVAL_SRCS := tools/vnpu-eval/idx.c tools/vnpu-eval/fmnist.c \
	tools/vnpu-eval/mlp.c tools/vnpu-eval/mlp_graph.c tools/vnpu-eval/metrics.c \
	tools/vnpu-eval/report.c tools/vnpu-eval/svg.c tools/vnpu-eval/llm_eval.c \
	tools/vnpu-gen-model/gen_model.c
TOOLS += vnpu-eval
vnpu-eval_SRCS := tools/vnpu-eval/vnpu-eval.c $(VNPU_EVAL_SRCS)
vnpu-eval_CFLAGS := -O3 -ffp-contract=off
vnpu-eval_LIBS = $(RUNTIME_LIBS) -lz
$(eval $(call runtime_prog,vnpu-eval))
$(B)/host/vnpu-eval: $(wildcard tools/vnpu-eval/*.h)
