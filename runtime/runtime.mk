# SPDX-License-Identifier: GPL-2.0
# libvnpu, included by the top-level Makefile (after engine/engine.mk).
#
# Outputs:
#   build/host/libvnpu.a        runtime + engine objects (PIC, hidden)
#   build/host/libvnpu.so.0     soname libvnpu.so.0; exports only VNPU_API
#                               (vnpu_*) symbols; libvnpu.so links to it
#   build/host/libvnpu.pc       pkg-config file for PREFIX
#   build/host-san/libvnpu.a    the same under ASan + UBSan, for host tests
#
# A program that links libvnpu (tool or test):
#   NAME_LIBS = $(RUNTIME_LIBS)          recursive '=': it names the flavour's
#                                        library through $(@D)
#   $(eval $(call runtime_prog,NAME))    the library as a prerequisite
RUNTIME_SRCS := $(sort $(wildcard runtime/src/*.c))
RUNTIME_HDRS := $(wildcard runtime/include/vnpu/*.h runtime/src/*.h)
# Models (runtime/src/models/): safetensors headers are JSON, read with json-c.
RUNTIME_SRCS += $(sort $(wildcard runtime/src/models/*.c))
RUNTIME_HDRS += $(wildcard runtime/src/models/*.h)
JSONC_LIBS := $(shell pkg-config --libs json-c 2>/dev/null || echo -ljson-c)
RUNTIME_VERSION := $(shell sed -n 's/^\#define VNPU_VERSION_[A-Z]* //p' \
	runtime/include/vnpu/init.h | paste -sd.)
RUNTIME_MAJOR := $(firstword $(subst ., ,$(RUNTIME_VERSION)))
RUNTIME_SONAME := libvnpu.so.$(RUNTIME_MAJOR)
# Only VNPU_API symbols leave the shared library; the engine inside it is
# built hidden too, so its vnpu_* helpers are not part of the ABI.
RUNTIME_CFLAGS := -fPIC -fvisibility=hidden -DVNPU_BUILDING_LIBRARY
RUNTIME_SYSLIBS := $(DRM_LIBS) $(JSONC_LIBS) -lkmod -lpthread -lm
RUNTIME_LIBS = $(@D)/libvnpu.a $(RUNTIME_SYSLIBS)

# ONNX import (runtime/src/onnx/, docs/onnx.md): C code generated at build
# time by protoc-c from Debian's onnx.proto (libonnx-dev), libprotobuf-c.
ONNX_PROTO ?= /usr/include/onnx/onnx.proto
ONNX_GEN := $(B)/gen/onnx
ONNX_SRCS := $(sort $(wildcard runtime/src/onnx/*.c))
RUNTIME_HDRS += $(wildcard runtime/src/onnx/*.h) $(ONNX_GEN)/onnx.pb-c.h
RUNTIME_CFLAGS += -I$(ONNX_GEN)
RUNTIME_SYSLIBS += -lprotobuf-c

$(ONNX_GEN)/onnx.pb-c.c: $(ONNX_PROTO)
	@mkdir -p $(dir $@)
	$(Q)cp $< $(ONNX_GEN)/onnx.proto
	$(Q)cd $(ONNX_GEN) && protoc-c --c_out=. onnx.proto
$(ONNX_GEN)/onnx.pb-c.h: $(ONNX_GEN)/onnx.pb-c.c ;

# $(call runtime_objs,FLAVOR_DIR)
runtime_objs = $(patsubst runtime/src/%.c,$(1)/runtime/%.o,$(RUNTIME_SRCS)) \
	$(patsubst engine/%.c,$(1)/runtime/engine/%.o,$(ENGINE_SRCS)) \
	$(patsubst runtime/src/%.c,$(1)/runtime/%.o,$(ONNX_SRCS)) \
	$(1)/runtime/onnx/onnx.pb-c.o

# $(call runtime_lib,FLAVOR_DIR,EXTRA_CFLAGS)
define runtime_lib
$(1)/runtime/%.o: runtime/src/%.c $(RUNTIME_HDRS) $(wildcard uapi/*/*.h engine/include/*/*.h) runtime/runtime.mk
	@mkdir -p $$(dir $$@)
	$$(Q)$$(CC) $$(USER_CFLAGS) $$(RUNTIME_CFLAGS) $(2) -c $$< -o $$@

$(1)/runtime/engine/%.o: engine/%.c $(wildcard engine/*.h engine/include/*/*.h) engine/engine.mk
	@mkdir -p $$(dir $$@)
	$$(Q)$$(CC) $$(USER_CFLAGS) $$(ENGINE_CFLAGS) $$(RUNTIME_CFLAGS) $(2) -c $$< -o $$@

# generated code: its own warnings are not ours
$(1)/runtime/onnx/onnx.pb-c.o: $(ONNX_GEN)/onnx.pb-c.c $(ONNX_GEN)/onnx.pb-c.h
	@mkdir -p $$(dir $$@)
	$$(Q)$$(CC) $$(USER_CFLAGS) $$(RUNTIME_CFLAGS) $(2) -w -c $$< -o $$@

$(1)/libvnpu.a: $(call runtime_objs,$(1))
	$$(Q)rm -f $$@
	$$(Q)ar rcs $$@ $$^
endef

$(eval $(call runtime_lib,$(B)/host,))
$(eval $(call runtime_lib,$(B)/host-san,$(SAN_CFLAGS)))

$(B)/host/$(RUNTIME_SONAME): $(call runtime_objs,$(B)/host)
	$(Q)$(CC) -shared -Wl,-soname,$(RUNTIME_SONAME) -Wl,-z,defs -o $@ $^ \
		$(RUNTIME_SYSLIBS)

$(B)/host/libvnpu.so: $(B)/host/$(RUNTIME_SONAME)
	$(Q)ln -sf $(RUNTIME_SONAME) $@

# Regenerated whenever PREFIX (or the version) differs from what it holds,
# so `make install PREFIX=/usr` installs a file that points at /usr.
$(B)/host/libvnpu.pc: runtime/libvnpu.pc.in runtime/runtime.mk FORCE
	@mkdir -p $(dir $@)
	$(Q)sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(RUNTIME_VERSION)|' $< > $@.tmp
	$(Q)cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@

RUNTIME_OUTPUTS := $(B)/host/libvnpu.a $(B)/host/$(RUNTIME_SONAME) \
	$(B)/host/libvnpu.so $(B)/host/libvnpu.pc
userspace: $(RUNTIME_OUTPUTS)

# $(call runtime_prog,NAME): NAME (in either flavour) needs its libvnpu.a.
define runtime_prog
$(B)/host/$(1): $(B)/host/libvnpu.a
$(B)/host-san/$(1): $(B)/host-san/libvnpu.a
endef

# Installs headers, both libraries and the pkg-config file under PREFIX
# (`make install` runs it).
.PHONY: install-runtime
install-runtime: $(RUNTIME_OUTPUTS)
	install -d $(DESTDIR)$(PREFIX)/include/vnpu $(DESTDIR)$(PREFIX)/lib/pkgconfig
	install -m 644 runtime/include/vnpu/*.h $(DESTDIR)$(PREFIX)/include/vnpu/
	install -m 644 $(B)/host/libvnpu.a $(DESTDIR)$(PREFIX)/lib/
	install -m 755 $(B)/host/$(RUNTIME_SONAME) $(DESTDIR)$(PREFIX)/lib/
	ln -sf $(RUNTIME_SONAME) $(DESTDIR)$(PREFIX)/lib/libvnpu.so
	install -m 644 $(B)/host/libvnpu.pc $(DESTDIR)$(PREFIX)/lib/pkgconfig/
	[ -n "$(DESTDIR)" ] || ldconfig
