/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * kcp.h - the contract between kcp.ko and userspace.
 *
 * KCP is an ARQ transport carried in UDP datagrams. kcp.ko runs the KCP
 * engine in the kernel and exposes it as a socket family:
 *
 *	int fd = socket(kcp_family(), SOCK_STREAM, 0);
 *
 * THE ADDRESS FAMILY NUMBER
 *
 * An out-of-tree module cannot add a new AF_ constant: sock_register()
 * only takes a family below AF_MAX whose slot is free. kcp.ko therefore
 * borrows an obsolete slot, AF_KCP_DEFAULT = 19, which belonged to AF_ECONET
 * (removed from Linux in 3.5 and never reused). Slots we avoid: 12 (DECnet,
 * still present in 5.15), 25 (used by an out-of-tree WAN driver), 27
 * (AF_IB), 28 (socket(28, ...) autoloads the MPLS module).
 *
 * The slot can be moved at load time (insmod kcp.ko family=N), so programs
 * must not hard-code it: read it from KCP_FAMILY_SYSFS (the userspace
 * library's kcp_family() does) and treat AF_KCP_DEFAULT as a fallback only.
 */
#ifndef _UAPI_LINUX_KCP_H
#define _UAPI_LINUX_KCP_H

#include <linux/types.h>
#include <linux/socket.h>
#include <linux/in.h>
#include <linux/in6.h>

#define AF_KCP_DEFAULT		19
#define PF_KCP_DEFAULT		AF_KCP_DEFAULT

/* Read-only module parameter holding the family number in use. */
#define KCP_FAMILY_SYSFS	"/sys/module/kcp/parameters/family"

/**
 * struct sockaddr_kcp - a KCP endpoint: a UDP endpoint plus a conversation
 * @kcp_family: AF_KCP (the number in use, see above)
 * @kcp_reserved: must be zero
 * @kcp_conv: conversation id in host byte order; 0 lets the stack choose
 * @kcp_udp: the UDP endpoint; its sin_family (AF_INET or AF_INET6) selects
 *	which member is valid. Port and address are in network byte order, as
 *	in any sockaddr_in/sockaddr_in6.
 */
struct sockaddr_kcp {
	__kernel_sa_family_t	kcp_family;
	__u16			kcp_reserved;
	__u32			kcp_conv;
	union {
		struct sockaddr_in	sin;
		struct sockaddr_in6	sin6;
	} kcp_udp;
};

#endif /* _UAPI_LINUX_KCP_H */
