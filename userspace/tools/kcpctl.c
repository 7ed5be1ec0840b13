// SPDX-License-Identifier: MIT OR GPL-2.0
/*
 * kcpctl: inspect and control kcp.ko. One file per subcommand, dispatched
 * from the table below.
 */
#include <stdio.h>
#include <string.h>

#include "kcpctl.h"

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *help;
} subcommands[] = {
	{ "status", kcpctl_status, "is kcp.ko loaded, which version, which family" },
};

static void usage(FILE *out)
{
	size_t i;

	fprintf(out, "usage: kcpctl COMMAND [ARGS]\n\ncommands:\n");
	for (i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		fprintf(out, "  %-10s %s\n", subcommands[i].name, subcommands[i].help);
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "-h")) {
		usage(stdout);
		return 0;
	}
	for (i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		if (!strcmp(argv[1], subcommands[i].name))
			return subcommands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "kcpctl: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
