/* SPDX-License-Identifier: MIT OR GPL-2.0 */
#ifndef KCPCTL_H
#define KCPCTL_H

/* One kcpctl subcommand: argv[0] is its name. Returns the exit status. */
int kcpctl_status(int argc, char **argv);

#endif /* KCPCTL_H */
