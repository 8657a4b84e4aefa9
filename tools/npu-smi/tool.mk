TOOLS += npu-smi
npu-smi_SRCS := $(addprefix tools/npu-smi/,npu-smi.c smi_util.c smi_help.c \
	smi_card.c smi_kmod.c smi_genl.c smi_telem.c smi_proc.c smi_fmt.c \
	smi_fields.c cmd_info.c cmd_watch.c cmd_query.c cmd_events.c cmd_set.c \
	cmd_version.c)
npu-smi_CFLAGS := $(shell pkg-config --cflags libnl-genl-3.0 2>/dev/null)
npu-smi_LIBS := $(DRM_LIBS) $(shell pkg-config --libs libnl-genl-3.0 libkmod 2>/dev/null) -ldl
# The rule in the Makefile knows the sources, not this tool's headers.
$(B)/host/npu-smi: $(wildcard tools/npu-smi/*.h) tools/npu-smi/tool.mk
