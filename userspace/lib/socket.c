// SPDX-License-Identifier: MIT OR GPL-2.0
#include <errno.h>
#include <netdb.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/kcp.h>

#include "libkcp.h"

int kcp_socket(int type)
{
	int family = kcp_family(), fd;

	if (family < 0) {
		errno = -family;
		return -1;
	}
	fd = socket(family, type, 0);
	return fd;
}

int kcp_resolve(const char *host, const char *port, uint32_t conv,
		struct sockaddr_kcp *addr)
{
	struct addrinfo hints = {
		.ai_socktype = SOCK_DGRAM,
		.ai_flags = host ? 0 : AI_PASSIVE,
	}, *ai;
	int family = kcp_family(), err;

	if (family < 0)
		return family;
	err = getaddrinfo(host, port, &hints, &ai);
	if (err)
		return err == EAI_SYSTEM ? -errno : -EHOSTUNREACH;
	memset(addr, 0, sizeof(*addr));
	addr->kcp_family = family;
	addr->kcp_conv = conv;
	memcpy(&addr->kcp_udp, ai->ai_addr, ai->ai_addrlen);
	freeaddrinfo(ai);
	return 0;
}

int kcp_set_stock(int fd, bool on)
{
	int val = on;

	if (setsockopt(fd, SOL_KCP, KCP_STOCK, &val, sizeof(val)))
		return -errno;
	return 0;
}
