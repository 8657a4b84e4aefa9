#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The worker pool's stress test (test_pool.c) under ThreadSanitizer: a data
# race in the run protocol fails it (TAP from the kselftest harness).
exec env TSAN_OPTIONS="halt_on_error=1 exitcode=66 ${TSAN_OPTIONS:-}" \
	"${VNPU_BIN:-build/host}/runtime_pool_tsan"
