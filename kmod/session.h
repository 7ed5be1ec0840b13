/* SPDX-License-Identifier: MIT OR GPL-2.0 */
#ifndef _KCP_SESSION_H
#define _KCP_SESSION_H

#include <uapi/linux/kcp_netlink.h>
#include <linux/ktime.h>
#include <linux/types.h>

struct kcp_engine;
struct kcp_handshake;
struct kcp_sock;
struct sk_buff;
struct sock;
union kcp_addr;

void kcp_session_init(struct kcp_sock *ks);

/* session_tx.c: the engine's datagrams out, in UDP GSO batches */
void *kcp_session_alloc(struct kcp_engine *kcp, size_t size, void *priv);
int kcp_session_output(struct kcp_engine *kcp, const void *buf, size_t len,
		       void *priv);
void kcp_session_tx_done(struct kcp_sock *ks);

/* session.c, for session_rx.c: after the engine ran, and whether it may */
void kcp_session_after(struct kcp_sock *ks, ktime_t t);
bool kcp_session_live(const struct kcp_sock *ks);

void kcp_session_size_buffers(struct kcp_sock *ks);
bool kcp_session_may_queue(const struct kcp_sock *ks);
int kcp_session_start(struct kcp_sock *ks, gfp_t gfp);
void kcp_session_stop(struct kcp_sock *ks);
void kcp_session_kick(struct kcp_sock *ks);
void kcp_session_rcv(struct kcp_sock *ks, struct sk_buff *skb);
struct kcp_sock *kcp_session_spawn(struct kcp_sock *listener,
				   const union kcp_addr *from,
				   const union kcp_addr *to, u32 conv,
				   const struct sk_buff *skb,
				   const struct kcp_handshake *hs);
void kcp_accept_unlink(struct kcp_sock *listener, struct kcp_sock *child);
bool kcp_listener_may_evict(const struct kcp_sock *listener);
void kcp_session_evicted(struct kcp_sock *ks);
int kcp_session_backlog_rcv(struct sock *sk, struct sk_buff *skb);
void kcp_session_release_cb(struct sock *sk);
void kcp_session_keepalive(struct sock *sk, int on);
void kcp_session_refused(struct kcp_sock *ks);
void kcp_session_opened(struct kcp_sock *ks, enum kcp_stat_attr how);
int kcp_session_abort(struct kcp_sock *ks, int err);

#endif /* _KCP_SESSION_H */
