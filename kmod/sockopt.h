/* SPDX-License-Identifier: MIT OR GPL-2.0 */
#ifndef _KCP_SOCKOPT_H
#define _KCP_SOCKOPT_H

#include <linux/sockptr.h>

struct kcp_info;
struct kcp_profile;
struct kcp_sock;
struct socket;

int kcp_sock_take_profile(struct kcp_sock *ks, const struct kcp_profile *p,
			  bool check);
void kcp_sock_fill_info(struct kcp_sock *ks, struct kcp_info *info);

int kcp_setsockopt(struct socket *sock, int level, int optname,
		   sockptr_t optval, unsigned int optlen);
int kcp_getsockopt(struct socket *sock, int level, int optname,
		   char __user *optval, int __user *optlen);

#endif /* _KCP_SOCKOPT_H */
