/* SPDX-License-Identifier: MIT OR GPL-2.0 */
#ifndef _KCP_ENDPOINT_H
#define _KCP_ENDPOINT_H

#include <linux/list.h>
#include <linux/refcount.h>
#include <linux/rhashtable-types.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/uidgid.h>
#include <linux/workqueue.h>

#include "sock.h"

struct dst_cache;
struct sk_buff;
struct net;
struct socket;

/**
 * struct kcp_endpoint - a kernel UDP socket shared by KCP sessions
 * @sock: the UDP socket, set up as a UDP tunnel socket
 * @net: its network namespace
 * @local: the address it is bound to, port included
 * @refs: one per socket bound to it, orphans included
 * @users: the sockets among them an application still holds: with none,
 *	the port is free again (kcp_endpoint_get()), orphans or not
 * @reuse: every socket bound to it asked for SO_REUSEADDR
 * @uid: who opened it: only the same user may share it
 * @node: in the module's list of endpoints
 * @lock: serialises changes to @listener
 * @sessions: sessions by (peer, conv) (struct kcp_session_key), read under
 *	RCU; an rhashtable, which grows with them and hashes with a random
 *	seed of its own, so a chosen conv and port cannot make one chain
 * @listener: the listening socket, if any (RCU)
 * @release_work: releases @sock outside the receive path
 */
struct kcp_endpoint {
	struct socket *sock;
	struct net *net;
	union kcp_addr local;
	refcount_t refs;
	atomic_t users;
	bool reuse;
	kuid_t uid;
	struct list_head node;
	spinlock_t lock;		/* listener writers */
	struct rhashtable sessions;
	struct kcp_sock __rcu *listener;
	struct work_struct release_work;
};

int kcp_endpoint_get(struct net *net, const union kcp_addr *addr, bool reuse,
		     kuid_t uid, struct kcp_endpoint **out);
void kcp_endpoint_put(struct kcp_endpoint *ep);
void kcp_endpoint_use(struct kcp_endpoint *ep);
void kcp_endpoint_unuse(struct kcp_endpoint *ep);
int kcp_endpoint_hash(struct kcp_endpoint *ep, struct kcp_sock *ks);
void kcp_endpoint_unhash(struct kcp_endpoint *ep, struct kcp_sock *ks);
int kcp_endpoint_listen(struct kcp_endpoint *ep, struct kcp_sock *ks);
void kcp_endpoint_unlisten(struct kcp_endpoint *ep, struct kcp_sock *ks);
void kcp_endpoint_skb_dest(const struct sk_buff *skb,
			   const struct kcp_endpoint *ep, union kcp_addr *to);
struct sk_buff *kcp_endpoint_alloc_skb(size_t len);
unsigned int kcp_endpoint_batch_room(void);
struct sk_buff *kcp_endpoint_alloc_batch(unsigned int len);
void *kcp_endpoint_batch_tail(struct sk_buff *skb);
void kcp_endpoint_batch_put(struct sk_buff *skb, unsigned int len);
void kcp_endpoint_set_gso(struct sk_buff *skb, unsigned int size,
			  unsigned int segs);
int kcp_endpoint_xmit(struct kcp_endpoint *ep, const union kcp_addr *src,
		      const union kcp_addr *peer, struct dst_cache *cache,
		      struct sk_buff *skb, const struct sock *sk);
int kcp_endpoints_init(void);
void kcp_endpoints_exit(void);

#endif /* _KCP_ENDPOINT_H */
