// SPDX-License-Identifier: MIT OR GPL-2.0
/*
 * kcp_runas UID COMMAND [ARG]...: run COMMAND as UID (and as its group,
 * with no supplementary groups and no capabilities left), for the
 * scenarios that check what an unprivileged user may do. The guest's
 * busybox setpriv cannot change ids, and it has no user database for su.
 */
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char *end;
	long uid;

	if (argc < 3) {
		fprintf(stderr, "usage: kcp_runas UID COMMAND [ARG]...\n");
		return 2;
	}
	uid = strtol(argv[1], &end, 10);
	if (*end || uid <= 0 || uid > 65535) {
		fprintf(stderr, "kcp_runas: bad uid '%s'\n", argv[1]);
		return 2;
	}
	/* groups, then gid, then uid: after setuid() nothing else may change */
	if (setgroups(0, NULL) || setgid((gid_t)uid) || setuid((uid_t)uid)) {
		perror("kcp_runas");
		return 125;
	}
	execvp(argv[2], argv + 2);
	perror("kcp_runas: exec");
	return 127;
}
