/* SPDX-License-Identifier: MIT OR GPL-2.0 */
/*
 * libkcp: what programs need to use kcp.ko without knowing its internals.
 */
#ifndef LIBKCP_H
#define LIBKCP_H

#include <stdint.h>

struct sockaddr_kcp;

/*
 * The address family number kcp.ko registered (read from its module
 * parameter), or a negative errno: -ENOENT when kcp.ko is not loaded.
 * Use it instead of a constant: the slot can move (see <linux/kcp.h>).
 */
int kcp_family(void);

/* kcp_family() reading another file, for tests and unusual sysfs mounts. */
int kcp_family_read(const char *path);

/* socket(kcp_family(), type, 0): SOCK_STREAM or SOCK_SEQPACKET. */
int kcp_socket(int type);

/*
 * Fill @addr for HOST (NULL: any address) and PORT, with conversation
 * @conv (0: let the stack choose). Returns 0 or a negative errno.
 */
int kcp_resolve(const char *host, const char *port, uint32_t conv,
		struct sockaddr_kcp *addr);

#endif /* LIBKCP_H */
