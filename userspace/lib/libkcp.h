/* SPDX-License-Identifier: MIT OR GPL-2.0 */
/*
 * libkcp: what programs need to use kcp.ko without knowing its internals.
 */
#ifndef LIBKCP_H
#define LIBKCP_H

/*
 * The address family number kcp.ko registered (read from its module
 * parameter), or a negative errno: -ENOENT when kcp.ko is not loaded.
 * Use it instead of a constant: the slot can move (see <linux/kcp.h>).
 */
int kcp_family(void);

/* kcp_family() reading another file, for tests and unusual sysfs mounts. */
int kcp_family_read(const char *path);

#endif /* LIBKCP_H */
