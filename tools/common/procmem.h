/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The process's own memory figures from /proc/self (Linux): the tools
 * report a run's peak apart from the load's.
 */
#ifndef VNPU_TOOLS_PROCMEM_H
#define VNPU_TOOLS_PROCMEM_H

#include <stdint.h>

/* KEY's value in /proc/self/status ("VmHWM", "VmRSS") in bytes, 0 if absent. */
uint64_t procmem_status(const char *key);

/*
 * Restart the peak (VmHWM) from the current resident size (Linux >= 4.0):
 * 0, or -1 when /proc/self/clear_refs cannot be written.
 */
int procmem_reset_peak(void);

#endif /* VNPU_TOOLS_PROCMEM_H */
