// SPDX-License-Identifier: MIT OR GPL-2.0
/*
 * kcpctl: inspect and control kcp.ko. One file per subcommand, dispatched
 * from the table below; the global options (-j, -p) and the error
 * reporting every subcommand shares live here.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libkcp.h"
#include "kcpctl.h"

static const struct {
	const char *name;
	int (*run)(struct kcpctl *k, int argc, char **argv);
	const char *help;
} subcommands[] = {
	{ "status", kcpctl_status, "is kcp.ko loaded, which version, which family" },
	/* a build without libnl (make CONTROL=0) has status alone */
#ifndef KCPCTL_STATUS_ONLY
	{ "info", kcpctl_info, "the module, the namespace's settings and limits" },
	{ "profile", kcpctl_profile, "list, show, set, delete profiles; choose the default" },
	{ "session", kcpctl_session, "list, show or close sessions" },
	{ "stats", kcpctl_stats, "the namespace's counters, or their change per interval" },
	{ "monitor", kcpctl_monitor, "print events as they happen" },
	{ "set", kcpctl_set, "change the namespace's settings" },
#endif
};

static void usage(FILE *out)
{
	size_t i;

	fprintf(out, "usage: kcpctl [-j] [-p] COMMAND [ARGS]\n\n"
		"  -j  JSON output (a stable interface, see kcpctl(8))\n"
		"  -p  pretty JSON (implies -j)\n\ncommands:\n");
	for (i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		fprintf(out, "  %-10s %s\n", subcommands[i].name, subcommands[i].help);
}

#ifndef KCPCTL_STATUS_ONLY
struct kcp_ctl *kcpctl_open(void)
{
	struct kcp_ctl *ctl;
	int err = kcp_ctl_open(&ctl);

	if (!err)
		return ctl;
	if (err == -ENOENT)
		fprintf(stderr, "kcpctl: kcp.ko not loaded (no \"%s\" generic netlink family)\n",
			KCP_GENL_NAME);
	else
		fprintf(stderr, "kcpctl: cannot reach kcp.ko: %s\n", strerror(-err));
	return NULL;
}

int kcpctl_fail(struct kcp_ctl *ctl, int err, const char *what)
{
	const char *why = ctl ? kcp_ctl_error(ctl) : "";
	const char *text;

	switch (-err) {
	case EPERM:
		/* the kernel names other reasons (a built-in profile) itself */
		text = why[0] ? "not permitted" :
		       "not permitted (needs CAP_NET_ADMIN)";
		break;
	case ENOENT:
		text = "does not exist";
		break;
	default:
		text = strerror(-err);
	}
	fprintf(stderr, "kcpctl: %s: %s%s%s\n", what, text, why[0] ? ": " : "", why);
	return 1;
}

#endif

int kcpctl_usage(const char *text)
{
	fprintf(stderr, "usage: kcpctl %s\n", text);
	return 2;
}

int main(int argc, char **argv)
{
	struct kcpctl k = { 0 };
	int i = 1;
	size_t c;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json")) {
			k.json = true;
		} else if (!strcmp(argv[i], "-p") || !strcmp(argv[i], "--pretty")) {
			k.json = k.pretty = true;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		} else {
			fprintf(stderr, "kcpctl: unknown option '%s'\n", argv[i]);
			usage(stderr);
			return 2;
		}
	}
	if (i >= argc) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[i], "help")) {
		usage(stdout);
		return 0;
	}
	k.color = !k.json && isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
	for (c = 0; c < sizeof(subcommands) / sizeof(subcommands[0]); c++)
		if (!strcmp(argv[i], subcommands[c].name))
			return subcommands[c].run(&k, argc - i, argv + i);
	fprintf(stderr, "kcpctl: unknown command '%s'\n", argv[i]);
	usage(stderr);
	return 2;
}
