/* SPDX-License-Identifier: MIT OR GPL-2.0 */
#ifndef _KCP_SOCKOPT_H
#define _KCP_SOCKOPT_H

#include <linux/sockptr.h>

struct socket;

int kcp_setsockopt(struct socket *sock, int level, int optname,
		   sockptr_t optval, unsigned int optlen);
int kcp_getsockopt(struct socket *sock, int level, int optname,
		   char __user *optval, int __user *optlen);

#endif /* _KCP_SOCKOPT_H */
