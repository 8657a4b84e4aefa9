/* SPDX-License-Identifier: GPL-2.0 */
/* npu-smi: what every command shares - exit codes, messages, the cards. */
#ifndef SMI_H
#define SMI_H

#include <stdint.h>

#include "smi_card.h"

#define NPU_SMI_VERSION "0.2.0"

/*
 * Exit codes. Each failure a script may want to tell apart has its own;
 * `npu-smi help` documents them (keep the two in step).
 */
enum smi_exit {
	SMI_EXIT_OK = 0,
	SMI_EXIT_FAIL = 1,		/* anything else, said on stderr */
	SMI_EXIT_USAGE = 2,
	SMI_EXIT_NO_CARD = 3,		/* module loaded, no (such) card */
	SMI_EXIT_PERM = 4,		/* device nodes not accessible */
	SMI_EXIT_NEEDS_ROOT = 5,	/* a setting only root may change */
	SMI_EXIT_NOT_LOADED = 6,	/* vnpu installed but not loaded */
	SMI_EXIT_NOT_INSTALLED = 7,	/* no vnpu module for this kernel */
	SMI_EXIT_MISMATCH = 8,		/* module and npu-smi do not match */
	SMI_EXIT_TIMEOUT = 9,		/* events: --timeout before --count */
};

/* "npu-smi: <message>\nTry 'npu-smi help CMD'." on stderr; returns 2. */
int smi_usage(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* "npu-smi: <message>" on stderr; returns CODE. */
int smi_fail(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Numbers from the command line: 0, or -1 when S is not one. */
int smi_parse_int(const char *s, long min, long max, long *v);
int smi_parse_double(const char *s, double min, double max, double *v);

/* The cards of this machine, opened through DRM. */
struct smi {
	struct smi_card cards[SMI_MAX_CARDS];
	int ncards;
};

/*
 * Open every card. On failure, say why in one sentence (module not
 * installed, not loaded, no card, permission) and return the exit code.
 */
int smi_open(struct smi *s);
void smi_close(struct smi *s);
/* The card with NPU ID ID, or NULL after saying so on stderr. */
struct smi_card *smi_card_by_id(struct smi *s, long id);

/* Wall-clock timestamp "YYYY/MM/DD HH:MM:SS.mmm" (nvidia-smi's form). */
void smi_timestamp(char *buf, int len);
/* Sleep SECONDS (fractions allowed); false when interrupted by a signal. */
int smi_sleep(double seconds);
/* Set by SIGINT/SIGTERM when a looping command was asked to stop. */
extern volatile int smi_stop;
void smi_catch_signals(void);

/* Commands: argv[0] is the command's name. Each returns an exit code. */
int cmd_info(int argc, char **argv);
int cmd_query(int argc, char **argv);
int cmd_events(int argc, char **argv);
int cmd_set(int argc, char **argv);
int cmd_version(int argc, char **argv);
int cmd_watch(int argc, char **argv);	/* "info watch" */

/* Help: the whole page, or one command's section; false if unknown. */
void smi_help_all(void);
int smi_help(const char *cmd);

#endif
