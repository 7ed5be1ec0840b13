/* SPDX-License-Identifier: MIT OR GPL-2.0 */
#ifndef _KCP_AF_KCP_H
#define _KCP_AF_KCP_H

#include <linux/net.h>
#include <linux/poll.h>

struct kcp_sock;
struct msghdr;
struct sock;

int kcp_af_init(void);
int kcp_af_family(void);
void kcp_af_exit(void);

/* io.c */
int kcp_wait(struct sock *sk, long *timeo,
	     bool (*ready)(const struct kcp_sock *ks));
__poll_t kcp_poll(struct file *file, struct socket *sock, poll_table *wait);
int kcp_ioctl(struct socket *sock, unsigned int cmd, unsigned long arg);
void kcp_write_space(struct sock *sk);
int kcp_sendmsg(struct socket *sock, struct msghdr *msg, size_t len);
int kcp_recvmsg(struct socket *sock, struct msghdr *msg, size_t len, int flags);
int kcp_shutdown(struct socket *sock, int how);

#endif /* _KCP_AF_KCP_H */
