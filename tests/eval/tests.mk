# SPDX-License-Identifier: GPL-2.0
# vnpu-eval: the IDX reader and data set loader (host, both flavours), and
# a --quick run of the tool checked for exact results, orderings between
# the formats, its JSON and its SVG (tests/eval/eval_quick_test.sh).
HOST_TESTS += eval_idx
eval_idx_SRCS := tests/eval/test_idx.c tools/vnpu-eval/idx.c tools/vnpu-eval/fmnist.c
eval_idx_LIBS := -lz
$(B)/host/eval_idx $(B)/host-san/eval_idx: $(wildcard tools/vnpu-eval/*.h)

HOST_SCRIPTS += tests/eval/eval_quick_test.sh

# In the VM: --backend device against the CPU backend, on a made-up set.
VM_SCRIPTS += tests/eval/eval_vm_test.sh
