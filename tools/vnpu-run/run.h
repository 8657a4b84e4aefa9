/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VNPU_RUN_H
#define VNPU_RUN_H

#include <vnpu/vnpu.h>

/* Exit statuses */
#define RUN_OK 0
#define RUN_FAIL 1	/* the run failed (device, model or program error) */
#define RUN_USAGE 2	/* bad command line */
#define RUN_INPUT 3	/* an input file is missing or has the wrong size */

/* Program mode: PATH is a compiled program (vnpu_program_save()). */
int run_program(const char *path, vnpu_device *dev, char **inputs, int nin,
		char **outputs, int nout);

#endif
