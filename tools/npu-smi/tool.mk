TOOLS += npu-smi
npu-smi_SRCS := tools/npu-smi/npu-smi.c tools/npu-smi/smi_card.c
npu-smi_LIBS := $(DRM_LIBS)
