// SPDX-License-Identifier: GPL-2.0
/*
 * smi_asuser UID COMMAND [ARG...]: run COMMAND as UID (group UID, no
 * supplementary groups), for tests of what non-root users are refused.
 * The VM's busybox has neither su nor chpst.
 */
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	uid_t uid;

	if (argc < 3) {
		fprintf(stderr, "usage: smi_asuser UID COMMAND [ARG...]\n");
		return 2;
	}
	uid = (uid_t)atoi(argv[1]);
	if (setgroups(0, NULL) || setgid(uid) || setuid(uid)) {
		perror("smi_asuser: dropping privileges");
		return 126;
	}
	execvp(argv[2], argv + 2);
	perror("smi_asuser: exec");
	return 127;
}
