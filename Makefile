# SPDX-License-Identifier: GPL-2.0
#
# vnpu top-level build. `make help` lists the targets.
#
# Layout of outputs (everything under $(B), never in the source tree except
# the module objects Kbuild insists on writing next to driver/ sources):
#   build/kernel/          pinned Debian test kernel (scripts/fetch-kernel)
#   build/host/            userspace binaries, normal flags
#   build/host-san/        the same binaries under ASan + UBSan (tests only)
#   build/vm/              initramfs and the logs of every VM run
#
# Pieces of the tree add themselves through small fragments so nobody needs
# to edit this file to add a test or a tool:
#   engine/engine.mk       ENGINE_SRCS: the freestanding engine sources
#   runtime/runtime.mk     libvnpu: its sources, rules for build/host/libvnpu.*,
#                          RUNTIME_LIBS (what a program adds to link it)
#   tests/*/tests.mk       HOST_TESTS += name, name_SRCS := ..., name_LIBS :=
#                          HOST_SCRIPTS += path (TAP-printing scripts run on
#                          the host with VNPU_BIN=build/host in the env)
#                          HOST_TESTS_LONG for check-long only
#                          VM_TESTS += name (built like host tests, run in the VM)
#                          VM_SCRIPTS += path (TAP-printing scripts for the VM)
#                          VM_FILES_DEPS += target (fills $(B)/vm-files, the
#                          plan's working directory in the VM)
#   tools/*/tool.mk        TOOLS += name, name_SRCS := ..., name_LIBS := ...

B ?= build
PREFIX ?= /usr/local
DESTDIR ?=
V ?= 0

ifeq ($(V),0)
Q := @
else
Q :=
endif

# ---------------------------------------------------------------- kernel
# The module builds against the running kernel's headers when they exist,
# otherwise against the pinned Debian test kernel fetched into build/.
KERNEL_STAMP := $(B)/kernel/.fetched-$(or $(KVER),current)
RUNNING_KDIR := /lib/modules/$(shell uname -r)/build
ifeq ($(KDIR),)
ifneq ($(wildcard $(RUNNING_KDIR)/Makefile),)
KDIR := $(RUNNING_KDIR)
KDIR_DEP :=
else
TEST_KERNEL := 1
endif
endif
# The VM always uses the pinned kernel, whatever KDIR the default build used.
TKROOT = $(abspath $(B))/kernel/active
TKREL = $(shell cat $(TKROOT)/release 2>/dev/null)
TKDIR = $(TKROOT)/root/usr/src/linux-headers-$(TKREL)
ifeq ($(TEST_KERNEL),1)
KDIR = $(TKDIR)
KDIR_DEP := $(KERNEL_STAMP)
endif
KSRC = $(TKROOT)/src

# ---------------------------------------------------------------- userspace
CC ?= cc
CFLAGS ?= -O2 -g
DRM_CFLAGS := $(shell pkg-config --cflags libdrm 2>/dev/null)
DRM_LIBS := $(shell pkg-config --libs libdrm 2>/dev/null)
USER_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wno-unused-parameter -D_GNU_SOURCE \
	-Iuapi -Iengine/include -Iruntime/include $(DRM_CFLAGS) $(CFLAGS)
SAN_CFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
# The engine promises bit-identical results everywhere: no contraction of
# a*b+c into an FMA unless the source asks for one; no loops turned into
# memset/memcpy calls (the kernel build has no libc behind them).
# -Wno-psabi: the SIMD helpers pass 32/64-byte vectors by value but are
# static and always inlined, so GCC's note on that calling convention
# (changed in GCC 4.6) concerns no call that exists.
ENGINE_CFLAGS := -ffreestanding -ffp-contract=off -fno-tree-loop-distribute-patterns \
	-Wno-psabi
# kselftest_harness.h trips -Wclobbered under -Wextra (its setjmp in
# __TEST_F_IMPL); it is the kernel's file, so treat it as a system header.
KSFT_CFLAGS = -isystem $(KSRC)/tools/testing/selftests -Wno-missing-prototypes

# The fragments below define rules too: `make` alone still means `all`.
.DEFAULT_GOAL := all

ENGINE_SRCS :=
HOST_TESTS :=
HOST_TESTS_LONG :=
VM_TESTS :=
VM_FILES_DEPS :=
VM_SCRIPTS :=
HOST_SCRIPTS :=
TOOLS :=
-include engine/engine.mk
-include runtime/runtime.mk
-include $(sort $(wildcard tests/*/tests.mk))
-include $(sort $(wildcard tools/*/tool.mk))

.PHONY: all help deps kernel module userspace tools host-tests check check-host \
	check-vm check-long check-style demo vm-shell install clean distclean

all: module userspace

help:
	@sed -n 's/^##//p' $(firstword $(MAKEFILE_LIST))

## Targets:
##   all         the module, the runtime and the tools (default)
##   deps        install the Debian packages the build needs (root), else print
##               the apt-get line; then fetch the pinned test kernel into build/
##   check       every test: host tests (normal and ASan+UBSan), kernel style
##               (checkpatch.pl --strict, sparse), then the VM tests; last
##               line "N passed, N failed"
##   check-host  host tests only       check-vm    VM tests only
##   check-style checkpatch + sparse   check-long  exhaustive tests too slow
##               for check
##   demo        boot the test VM, load the module, show the card
##   vm-shell    interactive shell in the test VM (Ctrl-a x quits)
##   install     module, uapi + runtime headers, libvnpu, tools, pkg-config file
##   clean       remove build outputs (keeps the fetched kernel); distclean: all
##
## Variables: KDIR= kernel build tree, KVER= pin a Debian kernel (e.g.
## 6.12.95+deb12), PREFIX= (/usr/local), DESTDIR=, V=1 verbose.

deps:
	$(Q)scripts/deps
	$(Q)$(MAKE) --no-print-directory kernel

kernel: $(KERNEL_STAMP)
$(KERNEL_STAMP):
	$(Q)KVER=$(KVER) scripts/fetch-kernel $(B) >/dev/null
	$(Q)touch $@

# ---------------------------------------------------------------- module
module: $(KDIR_DEP)
	$(Q)$(MAKE) --no-print-directory -C $(KDIR) M=$(CURDIR) W=1 modules

# The VM needs the module built for the pinned kernel, whatever KDIR is.
VM_MODULE := $(B)/vm/module/vnpu.ko
$(VM_MODULE): $(KERNEL_STAMP) FORCE
	$(Q)mkdir -p $(dir $@)
	$(Q)$(MAKE) --no-print-directory -C $(TKDIR) M=$(CURDIR) W=1 modules
	$(Q)cmp -s driver/vnpu.ko $@ || cp driver/vnpu.ko $@

# ---------------------------------------------------------------- userspace
# $(call host_prog,FLAVOR_DIR,EXTRA_CFLAGS,NAME,ORDER_ONLY_DEPS)
define host_prog
$(1)/$(3): $$($(3)_SRCS) $(1)/libvnpu_engine.a $$(wildcard engine/include/*/*.h uapi/*/*.h runtime/include/*/*.h tests/*/*.h) | $(4)
	@mkdir -p $$(dir $$@)
	$$(Q)$$(CC) $$(USER_CFLAGS) $(2) $$(if $(4),$$(KSFT_CFLAGS)) $$($(3)_CFLAGS) -o $$@ \
		$$($(3)_SRCS) $(1)/libvnpu_engine.a $$($(3)_LIBS) -lpthread -lm
endef

# $(call engine_lib,FLAVOR_DIR,EXTRA_CFLAGS)
define engine_lib
$(1)/libvnpu_engine.a: $$(ENGINE_SRCS) $$(wildcard engine/*.h engine/include/*/*.h) engine/engine.mk
	@mkdir -p $(1)/engine
	$$(Q)rm -f $$@
	$$(Q)set -e; for s in $$(ENGINE_SRCS); do \
		$$(CC) $$(USER_CFLAGS) $$(ENGINE_CFLAGS) $(2) -c $$$$s \
			-o $(1)/engine/$$$$(basename $$$$s .c).o; done
	$$(Q)ar rcs $$@ $$(patsubst %.c,$(1)/engine/%.o,$$(notdir $$(ENGINE_SRCS)))
endef

# Tests need kselftest_harness.h from the fetched linux-source; tools do not.
ALL_TESTS := $(HOST_TESTS) $(HOST_TESTS_LONG) $(VM_TESTS)
$(eval $(call engine_lib,$(B)/host,))
$(eval $(call engine_lib,$(B)/host-san,$(SAN_CFLAGS)))
$(foreach t,$(TOOLS),$(eval $(call host_prog,$(B)/host,,$(t),)))
$(foreach t,$(ALL_TESTS),\
	$(eval $(call host_prog,$(B)/host,,$(t),$(KERNEL_STAMP))))
$(foreach t,$(HOST_TESTS) $(HOST_TESTS_LONG),\
	$(eval $(call host_prog,$(B)/host-san,$(SAN_CFLAGS),$(t),$(KERNEL_STAMP))))

tools: $(addprefix $(B)/host/,$(TOOLS))
userspace: tools
host-tests: $(addprefix $(B)/host/,$(HOST_TESTS)) \
	$(addprefix $(B)/host-san/,$(HOST_TESTS))

# ---------------------------------------------------------------- tests
TAP_RUN := tests/tap-run
VM_PROGS = $(addprefix $(B)/host/,$(VM_TESTS) $(TOOLS)) $(VM_SCRIPTS)
# $(B)/vm-files (filled by the VM_FILES_DEPS targets of the fragments) is
# the plan's working directory in the VM.
VM_RUN = tests/vm/run --build $(B) --module $(VM_MODULE) --progs "$(VM_PROGS)" \
	$(if $(strip $(VM_FILES_DEPS)),--files $(B)/vm-files)

# Each part writes $(B)/results/PART.tap; `check` runs every part even when
# one fails, then prints the one summary line (and fails if anything did).
check-host: host-tests userspace
	$(Q)VNPU_BIN=$(abspath $(B)/host) $(TAP_RUN) --out $(B)/results/host.tap \
		$(addprefix $(B)/host/,$(HOST_TESTS)) \
		$(addprefix $(B)/host-san/,$(HOST_TESTS)) $(HOST_SCRIPTS)

check-long: $(addprefix $(B)/host/,$(HOST_TESTS_LONG))
	$(Q)$(TAP_RUN) --out $(B)/results/long.tap $^
	$(Q)tests/tap-summary $(B)/results/long.tap

check-vm: $(VM_MODULE) $(VM_PROGS) $(VM_FILES_DEPS)
	$(Q)$(VM_RUN) --plan tests/vm/plan.sh --out $(B)/results/vm.tap

# checkpatch.pl and sparse on the kernel side, as test results.
check-style: $(KERNEL_STAMP)
	$(Q)tests/style-check --out $(B)/results/style.tap --ksrc $(KSRC) \
		--kdir $(TKDIR) -- $(filter-out %.mod.c,$(wildcard driver/*.[ch] driver/*/*.[ch] uapi/*/*.h))

CHECK_PARTS := host style vm
check: deps
	$(Q)rm -rf $(B)/results
	$(Q)for part in $(CHECK_PARTS); do \
		echo "== check-$$part"; \
		$(MAKE) --no-print-directory check-$$part || true; \
	done
	$(Q)echo "== summary"
	$(Q)tests/tap-summary $(addprefix $(B)/results/,$(addsuffix .tap,$(CHECK_PARTS)))

demo: deps $(VM_MODULE) $(VM_PROGS)
	$(Q)$(VM_RUN) --plan tests/vm/demo.sh --interactive-output \
		--out $(B)/results/demo.tap

vm-shell: $(VM_MODULE) $(VM_PROGS)
	$(Q)$(VM_RUN) --shell

# ---------------------------------------------------------------- install
# The module goes where the kernel looks (INSTALL_MOD_PATH follows DESTDIR;
# unsigned: the distribution's signing key is not ours, DKMS can sign with a
# MOK); the rest under PREFIX.
install: all
	$(Q)$(MAKE) --no-print-directory -C $(KDIR) M=$(CURDIR) \
		INSTALL_MOD_PATH=$(DESTDIR) CONFIG_MODULE_SIG_ALL= modules_install
	$(Q)[ -n "$(DESTDIR)" ] || depmod -a $$($(MAKE) -s -C $(KDIR) kernelrelease)
	install -d $(DESTDIR)$(PREFIX)/include/drm $(DESTDIR)$(PREFIX)/include/linux \
		$(DESTDIR)$(PREFIX)/bin
	install -m 644 uapi/drm/*.h $(DESTDIR)$(PREFIX)/include/drm/
	install -m 644 uapi/linux/*.h $(DESTDIR)$(PREFIX)/include/linux/
	$(if $(TOOLS),install -m 755 $(addprefix $(B)/host/,$(TOOLS)) $(DESTDIR)$(PREFIX)/bin/)
	$(Q)$(MAKE) --no-print-directory install-runtime
clean:
	$(Q)[ ! -d "$(KDIR)" ] || $(MAKE) --no-print-directory -C $(KDIR) M=$(CURDIR) clean >/dev/null 2>&1 || true
	$(Q)rm -rf $(B)/host $(B)/host-san $(B)/vm $(B)/results

distclean: clean
	$(Q)rm -rf $(B)

.PHONY: FORCE
FORCE:
