/* SPDX-License-Identifier: MIT OR GPL-2.0 */
#ifndef KCPCTL_H
#define KCPCTL_H

#include <stdbool.h>

struct kcp_ctl;

/* The global options, for every subcommand. */
struct kcpctl {
	bool json;		/* -j: JSON, the stable interface */
	bool pretty;		/* -p: indented JSON */
	bool color;		/* a terminal, and NO_COLOR unset */
};

/*
 * One kcpctl subcommand: argv[0] is its name. Returns the exit status:
 * 0, 1 for a failure (one line on stderr), 2 for bad arguments.
 */
int kcpctl_status(struct kcpctl *k, int argc, char **argv);
int kcpctl_info(struct kcpctl *k, int argc, char **argv);
int kcpctl_profile(struct kcpctl *k, int argc, char **argv);
int kcpctl_session(struct kcpctl *k, int argc, char **argv);
int kcpctl_stats(struct kcpctl *k, int argc, char **argv);
int kcpctl_monitor(struct kcpctl *k, int argc, char **argv);
int kcpctl_set(struct kcpctl *k, int argc, char **argv);

/* A handle to kcp.ko, or NULL after saying why ("kcp.ko not loaded"). */
struct kcp_ctl *kcpctl_open(void);

/*
 * Report that @what failed with @err (a negative errno), with the
 * kernel's own words when it gave some. Returns 1, the exit status.
 */
int kcpctl_fail(struct kcp_ctl *ctl, int err, const char *what);

/* Print "usage: kcpctl @text" to stderr. Returns 2. */
int kcpctl_usage(const char *text);

#endif /* KCPCTL_H */
