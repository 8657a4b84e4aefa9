// SPDX-License-Identifier: GPL-2.0
/* npu-smi: messages, argument parsing, opening the cards, time. */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "smi.h"
#include "smi_kmod.h"

volatile int smi_stop;

int smi_usage(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fputs("npu-smi: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'npu-smi help%s%s'.\n", cmd ? " " : "",
		cmd ? cmd : "");
	return SMI_EXIT_USAGE;
}

int smi_fail(int code, const char *fmt, ...)
{
	va_list ap;

	fputs("npu-smi: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return code;
}

int smi_parse_int(const char *s, long min, long max, long *v)
{
	char *end;
	long x;

	if (!s)
		return -1;
	errno = 0;
	x = strtol(s, &end, 10);
	if (errno || end == s || *end || x < min || x > max)
		return -1;
	*v = x;
	return 0;
}

int smi_parse_double(const char *s, double min, double max, double *v)
{
	char *end;
	double x;

	if (!s)
		return -1;
	errno = 0;
	x = strtod(s, &end);
	if (errno || end == s || *end || !isfinite(x) || x < min || x > max)
		return -1;
	*v = x;
	return 0;
}

/* Why no card could be opened, in the module's terms. */
static int no_card(void)
{
	struct smi_mod_info mi;

	smi_kmod_query(&mi);
	switch (mi.state) {
	case SMI_MOD_NOT_INSTALLED:
		return smi_fail(SMI_EXIT_NOT_INSTALLED,
				"the vnpu kernel module is not installed for kernel %s: install it (make install, or dkms install vnpu), then run 'modprobe vnpu'",
				mi.kernel);
	case SMI_MOD_NOT_LOADED:
		return smi_fail(SMI_EXIT_NOT_LOADED,
				"the vnpu kernel module is not loaded: run 'modprobe vnpu' as root");
	case SMI_MOD_LOADED:
		return smi_fail(SMI_EXIT_NO_CARD,
				"the vnpu module is loaded but has no card (loaded with num_devices=0, or every card unbound)");
	default:
		return smi_fail(SMI_EXIT_NO_CARD,
				"no vnpu card found, and libkmod cannot tell whether the vnpu module is loaded");
	}
}

int smi_open(struct smi *s)
{
	int n = smi_cards_open(s->cards, SMI_MAX_CARDS);

	if (n == -EACCES)
		return smi_fail(SMI_EXIT_PERM,
				"permission denied opening /dev/accel/accel*: run npu-smi as root");
	if (n <= 0)
		return no_card();
	s->ncards = n;
	return SMI_EXIT_OK;
}

void smi_close(struct smi *s)
{
	smi_cards_close(s->cards, s->ncards);
	s->ncards = 0;
}

struct smi_card *smi_card_by_id(struct smi *s, long id)
{
	int i;

	for (i = 0; i < s->ncards; i++)
		if (s->cards[i].index == id)
			return &s->cards[i];
	smi_fail(SMI_EXIT_NO_CARD,
		 "no vnpu card with id %ld (npu-smi info -l lists them)", id);
	return NULL;
}

void smi_timestamp(char *buf, int len)
{
	struct timeval tv;
	struct tm tm;
	char day[32];

	gettimeofday(&tv, NULL);
	localtime_r(&tv.tv_sec, &tm);
	strftime(day, sizeof(day), "%Y/%m/%d %H:%M:%S", &tm);
	snprintf(buf, len, "%s.%03ld", day, (long)(tv.tv_usec / 1000));
}

int smi_sleep(double seconds)
{
	struct timespec ts = {
		.tv_sec = (time_t)seconds,
		.tv_nsec = (long)((seconds - floor(seconds)) * 1e9),
	};

	while (nanosleep(&ts, &ts)) {
		if (errno != EINTR || smi_stop)
			return 0;
	}
	return !smi_stop;
}

static void on_signal(int sig)
{
	smi_stop = 1;
}

void smi_catch_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}
