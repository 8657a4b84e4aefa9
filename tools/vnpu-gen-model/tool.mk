# SPDX-License-Identifier: GPL-2.0
TOOLS += vnpu-gen-model
vnpu-gen-model_SRCS := tools/vnpu-gen-model/vnpu-gen-model.c tools/vnpu-gen-model/gen_model.c
vnpu-gen-model_LIBS = $(RUNTIME_LIBS)
$(eval $(call runtime_prog,vnpu-gen-model))
