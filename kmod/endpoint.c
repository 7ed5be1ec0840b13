// SPDX-License-Identifier: MIT OR GPL-2.0
/*
 * UDP endpoints: kernel UDP sockets, set up as UDP tunnel sockets, each
 * shared by every KCP session bound to it. A received datagram goes from
 * the encap callback to its session by (peer address, conv) with an RCU
 * lookup, or to the endpoint's listener when it starts a new conversation.
 *
 * The design follows the in-kernel QUIC work and WireGuard: one refcounted
 * kernel socket per bound address, sk_user_data pointing back at us, and
 * the socket released from a work item, outside the receive path, once the
 * last KCP socket lets go of it.
 */
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/rhashtable.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/udp.h>
#include <net/addrconf.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/udp_tunnel.h>

#include "endpoint.h"
#include "handshake.h"
#include "net.h"
#include "session.h"
#include "wire.h"

static LIST_HEAD(kcp_endpoints);
static DEFINE_SPINLOCK(kcp_endpoints_lock);
static struct workqueue_struct *kcp_endpoint_wq;

static bool kcp_addr_equal(const union kcp_addr *a, const union kcp_addr *b)
{
	if (a->sa.sa_family != b->sa.sa_family)
		return false;
	if (a->sa.sa_family == AF_INET)
		return a->v4.sin_port == b->v4.sin_port &&
		       a->v4.sin_addr.s_addr == b->v4.sin_addr.s_addr;
	return a->v6.sin6_port == b->v6.sin6_port &&
	       ipv6_addr_equal(&a->v6.sin6_addr, &b->v6.sin6_addr);
}

static const struct rhashtable_params kcp_session_params = {
	.key_len = sizeof(struct kcp_session_key),
	.key_offset = offsetof(struct kcp_sock, key),
	.head_offset = offsetof(struct kcp_sock, node),
	.automatic_shrinking = true,
};

static void kcp_session_key(struct kcp_session_key *key,
			    const union kcp_addr *peer, u32 conv)
{
	memset(key, 0, sizeof(*key));
	key->family = peer->sa.sa_family;
	key->conv = conv;
	if (peer->sa.sa_family == AF_INET) {
		key->addr[0] = peer->v4.sin_addr.s_addr;
		key->port = peer->v4.sin_port;
	} else {
		memcpy(key->addr, &peer->v6.sin6_addr, sizeof(key->addr));
		key->port = peer->v6.sin6_port;
	}
}

/* The session for (peer, conv), with a reference, or NULL. RCU held. */
static struct kcp_sock *kcp_endpoint_lookup(struct kcp_endpoint *ep,
					    const union kcp_addr *peer, u32 conv)
{
	struct kcp_session_key key;
	struct kcp_sock *ks;

	kcp_session_key(&key, peer, conv);
	ks = rhashtable_lookup(&ep->sessions, &key, kcp_session_params);
	if (ks && !refcount_inc_not_zero(&ks->sk.sk_refcnt))
		ks = NULL;
	return ks;
}

static bool kcp_skb_source(const struct sk_buff *skb, union kcp_addr *from)
{
	memset(from, 0, sizeof(*from));
	if (skb->protocol == htons(ETH_P_IP)) {
		from->v4.sin_family = AF_INET;
		from->v4.sin_addr.s_addr = ip_hdr(skb)->saddr;
		from->v4.sin_port = udp_hdr(skb)->source;
		return true;
	}
	if (skb->protocol == htons(ETH_P_IPV6)) {
		from->v6.sin6_family = AF_INET6;
		from->v6.sin6_addr = ipv6_hdr(skb)->saddr;
		from->v6.sin6_port = udp_hdr(skb)->source;
		from->v6.sin6_scope_id = ipv6_iface_scope_id(&from->v6.sin6_addr,
							     inet6_iif(skb));
		return true;
	}
	return false;
}

/**
 * kcp_endpoint_skb_dest() - the address a datagram was sent to
 * @skb: a datagram the endpoint received
 * @ep: the endpoint
 * @to: set to its destination address with the endpoint's port: where a
 *	session it starts answers from, and the address the peer knows us by
 */
void kcp_endpoint_skb_dest(const struct sk_buff *skb,
			   const struct kcp_endpoint *ep, union kcp_addr *to)
{
	*to = ep->local;
	if (to->sa.sa_family == AF_INET)
		to->v4.sin_addr.s_addr = ip_hdr(skb)->daddr;
	else
		to->v6.sin6_addr = ipv6_hdr(skb)->daddr;
}

/*
 * Called by UDP for every datagram to the endpoint's port, under RCU.
 * Returning 0 tells UDP the datagram was delivered (its InDatagrams); one
 * that no session takes (malformed, for no conversation, refused by a full
 * listener) goes back to UDP instead (> 0), UDP header and all, to the
 * tunnel socket that has no room for it (kcp_endpoint_open()): UDP drops
 * it and counts it in InErrors and RcvbufErrors, and the socket's drops,
 * as any datagram nobody could take. What kcp.ko counted it as tells why.
 */
static int kcp_encap_rcv(struct sock *usk, struct sk_buff *skb)
{
	struct kcp_endpoint *ep = rcu_dereference_sk_user_data(usk);
	union kcp_addr from, to;
	bool taken = false;
	struct kcp_sock *ks;
	__le32 conv;

	if (!ep)
		return 1;
	kcp_net_count(ep->net, KCP_STAT_A_IN_DATAGRAMS, 1);
	kcp_net_count(ep->net, KCP_STAT_A_IN_BYTES,
		      skb->len - sizeof(struct udphdr));
	if (!kcp_skb_source(skb, &from) ||
	    skb->len < sizeof(struct udphdr) + KCP_HDR_LEN ||
	    !pskb_may_pull(skb, sizeof(struct udphdr))) {
		kcp_net_count(ep->net, KCP_STAT_A_IN_ERRORS, 1);
		return 1;
	}
	/*
	 * A session's datagram stays where it is, possibly a page fragment
	 * (kcp_session_rcv() reads it in place); the rest is made linear.
	 */
	if (skb_copy_bits(skb, sizeof(struct udphdr), &conv, sizeof(conv)))
		return 1;
	__skb_pull(skb, sizeof(struct udphdr));

	ks = kcp_endpoint_lookup(ep, &from, le32_to_cpu(conv));
	if (!ks) {
		/* a new conversation, a handshake, or one we do not have */
		if (skb_linearize(skb)) {
			__skb_push(skb, sizeof(struct udphdr));
			return 1;
		}
		kcp_endpoint_skb_dest(skb, ep, &to);
		ks = kcp_handshake_stray(ep, skb, &from, &to, &taken);
		if (!ks) {
			if (taken) {
				consume_skb(skb);
				return 0;
			}
			__skb_push(skb, sizeof(struct udphdr));
			return 1;
		}
	}
	kcp_session_rcv(ks, skb);
	sock_put(&ks->sk);
	return 0;
}

/*
 * An ICMP error quotes the datagram we sent, from its IP header on (at
 * skb->data), which names the session: its destination and the conv in
 * the KCP header that follows the UDP header.
 */
static void kcp_quoted_peer(const struct sk_buff *skb, union kcp_addr *peer)
{
	const struct udphdr *uh;

	memset(peer, 0, sizeof(*peer));
	if (skb->protocol == htons(ETH_P_IP)) {
		const struct iphdr *iph = (const struct iphdr *)skb->data;

		uh = (const struct udphdr *)(skb->data + iph->ihl * 4);
		peer->v4.sin_family = AF_INET;
		peer->v4.sin_addr.s_addr = iph->daddr;
		peer->v4.sin_port = uh->dest;
	} else {
		const struct ipv6hdr *ip6h = (const struct ipv6hdr *)skb->data;

		uh = (const struct udphdr *)(ip6h + 1);
		peer->v6.sin6_family = AF_INET6;
		peer->v6.sin6_addr = ip6h->daddr;
		peer->v6.sin6_port = uh->dest;
		peer->v6.sin6_scope_id = ipv6_iface_scope_id(&ip6h->daddr,
							     inet6_iif(skb));
	}
}

/*
 * The peer's port is closed (port unreachable; other ICMP errors are
 * transient, as they are for TCP): tell the session. RCU held.
 */
static void kcp_encap_refused(struct sock *usk, const struct sk_buff *skb,
			      const u8 *kcp_hdr)
{
	struct kcp_endpoint *ep = rcu_dereference_sk_user_data(usk);
	union kcp_addr peer;
	struct kcp_sock *ks;
	__le32 conv;

	if (!ep || kcp_hdr + sizeof(conv) > skb_tail_pointer(skb))
		return;
	kcp_quoted_peer(skb, &peer);
	memcpy(&conv, kcp_hdr, sizeof(conv));
	ks = kcp_endpoint_lookup(ep, &peer, le32_to_cpu(conv));
	if (!ks)
		return;
	kcp_session_refused(ks);
	sock_put(&ks->sk);
}

#ifdef KCP_HAVE_ENCAP_ERR_RCV_INFO
static void kcp_encap_err_rcv(struct sock *usk, struct sk_buff *skb, int err,
			      __be16 port, u32 info, u8 *payload)
{
	if (err == ECONNREFUSED)
		kcp_encap_refused(usk, skb, payload);
}
#else
static void kcp_encap_err_rcv(struct sock *usk, struct sk_buff *skb,
			      unsigned int udp_offset)
{
	bool refused;

	if (skb->protocol == htons(ETH_P_IP))
		refused = icmp_hdr(skb)->type == ICMP_DEST_UNREACH &&
			  icmp_hdr(skb)->code == ICMP_PORT_UNREACH;
	else
		refused = icmp6_hdr(skb)->icmp6_type == ICMPV6_DEST_UNREACH &&
			  icmp6_hdr(skb)->icmp6_code == ICMPV6_PORT_UNREACH;
	if (refused)
		kcp_encap_refused(usk, skb,
				  skb->data + udp_offset + sizeof(struct udphdr));
}
#endif

static int kcp_endpoint_open(struct kcp_endpoint *ep, const union kcp_addr *addr)
{
	struct udp_tunnel_sock_cfg tunnel = {
		.sk_user_data = ep,
		.encap_type = 1,
		.encap_rcv = kcp_encap_rcv,
		.encap_err_rcv = kcp_encap_err_rcv,
	};
	struct udp_port_cfg port = {
		.family = addr->sa.sa_family,
		.use_udp_checksums = true,
		/* KCP has no checksum of its own: refuse IPv6's zero one */
		.use_udp6_tx_checksums = true,
		.use_udp6_rx_checksums = true,
		.ipv6_v6only = true,
	};
	struct inet_sock *inet;
	int err;

	if (addr->sa.sa_family == AF_INET) {
		port.local_ip = addr->v4.sin_addr;
		port.local_udp_port = addr->v4.sin_port;
	} else {
		port.local_ip6 = addr->v6.sin6_addr;
		port.local_udp_port = addr->v6.sin6_port;
		port.bind_ifindex = addr->v6.sin6_scope_id;
	}
	err = udp_sock_create(ep->net, &port, &ep->sock);
	if (err)
		return err;

	/* learn the port the kernel chose for an ephemeral bind */
	inet = inet_sk(ep->sock->sk);
	ep->local = *addr;
	if (addr->sa.sa_family == AF_INET)
		ep->local.v4.sin_port = inet->inet_sport;
	else
		ep->local.v6.sin6_port = inet->inet_sport;
	/*
	 * Nothing is ever read from the tunnel socket itself: what kcp.ko
	 * gives back to UDP finds no room in it and is dropped as an error
	 * (kcp_encap_rcv()). Only the first waits in its queue, until the
	 * endpoint goes.
	 */
	WRITE_ONCE(ep->sock->sk->sk_rcvbuf, 0);
	setup_udp_tunnel_sock(ep->net, ep->sock, &tunnel);
	return 0;
}

static void kcp_endpoint_release(struct work_struct *work)
{
	struct kcp_endpoint *ep = container_of(work, struct kcp_endpoint,
					       release_work);

	udp_tunnel_sock_release(ep->sock);
	/*
	 * Listed until its port is free: a bind meanwhile finds it, sees no
	 * reference and waits for this work (kcp_endpoint_get()).
	 */
	spin_lock_bh(&kcp_endpoints_lock);
	list_del(&ep->node);
	spin_unlock_bh(&kcp_endpoints_lock);
	/* a receive path that saw sk_user_data before it was cleared */
	synchronize_net();
	rhashtable_destroy(&ep->sessions);	/* empty: no socket is left */
	put_net(ep->net);
	kfree(ep);
}

/**
 * kcp_endpoint_get() - the endpoint for a local address, shared or new
 * @net: the socket's namespace
 * @addr: the address; port 0 asks for a new endpoint on an ephemeral port
 * @reuse: the caller set SO_REUSEADDR: share a bound endpoint whose users
 *	all did the same and that the same user opened (as SO_REUSEPORT's
 *	rule: nobody else can take over a port, a listening one included)
 * @uid: the caller's socket owner
 * @out: set to the endpoint, with a reference
 *
 * Return: 0, -EADDRINUSE, -ENOMEM, or an error from binding the UDP socket.
 */
/*
 * A bind to a port an endpoint has: the port is shared under SO_REUSEADDR
 * by the same user, and taken over when only orphans finishing (FIN_WAIT,
 * TIME_WAIT) hold it, which still reach their peers from it. Endpoints
 * lock held. Return: 0 with a reference taken, -EADDRINUSE, or -EAGAIN
 * when its release is under way.
 */
static int kcp_endpoint_share(struct kcp_endpoint *ep, bool reuse, kuid_t uid)
{
	bool orphans_only = !atomic_read(&ep->users);

	if (!orphans_only && !(reuse && ep->reuse && uid_eq(uid, ep->uid)))
		return refcount_read(&ep->refs) ? -EADDRINUSE : -EAGAIN;
	if (!refcount_inc_not_zero(&ep->refs))
		return -EAGAIN;
	if (orphans_only) {
		ep->reuse = reuse;
		ep->uid = uid;
	}
	atomic_inc(&ep->users);
	return 0;
}

int kcp_endpoint_get(struct net *net, const union kcp_addr *addr, bool reuse,
		     kuid_t uid, struct kcp_endpoint **out)
{
	struct kcp_endpoint *ep;
	bool any_port = addr->sa.sa_family == AF_INET ? !addr->v4.sin_port :
			!addr->v6.sin6_port;
	int err;

retry:
	if (!any_port) {
		spin_lock_bh(&kcp_endpoints_lock);
		list_for_each_entry(ep, &kcp_endpoints, node) {
			if (!net_eq(ep->net, net) || !kcp_addr_equal(&ep->local, addr))
				continue;
			err = kcp_endpoint_share(ep, reuse, uid);
			spin_unlock_bh(&kcp_endpoints_lock);
			if (err == -EAGAIN) {
				/*
				 * Its last socket closed and its release is
				 * queued: wait for the port, rather than fail
				 * a server restarting at once.
				 */
				flush_workqueue(kcp_endpoint_wq);
				goto retry;
			}
			if (!err)
				*out = ep;
			return err;
		}
		spin_unlock_bh(&kcp_endpoints_lock);
	}

	ep = kzalloc(sizeof(*ep), GFP_KERNEL);
	if (!ep)
		return -ENOMEM;
	ep->net = get_net(net);
	refcount_set(&ep->refs, 1);
	atomic_set(&ep->users, 1);
	ep->reuse = reuse;
	ep->uid = uid;
	spin_lock_init(&ep->lock);
	err = rhashtable_init(&ep->sessions, &kcp_session_params);
	if (err)
		goto err_free;
	INIT_WORK(&ep->release_work, kcp_endpoint_release);

	err = kcp_endpoint_open(ep, addr);
	if (err)
		goto err_sessions;
	spin_lock_bh(&kcp_endpoints_lock);
	list_add(&ep->node, &kcp_endpoints);
	spin_unlock_bh(&kcp_endpoints_lock);
	*out = ep;
	return 0;

err_sessions:
	rhashtable_destroy(&ep->sessions);
err_free:
	put_net(ep->net);
	kfree(ep);
	return err;
}

/**
 * kcp_endpoint_put() - drop a reference; the last one releases the socket
 * @ep: the endpoint
 *
 * Safe in any context: the release itself runs from a work item.
 */
void kcp_endpoint_put(struct kcp_endpoint *ep)
{
	if (refcount_dec_and_test(&ep->refs))
		queue_work(kcp_endpoint_wq, &ep->release_work);
}

/**
 * kcp_endpoint_hash() - make a session reachable by (peer, conv)
 * @ep: its endpoint
 * @ks: the session, with peer and conv set
 *
 * Return: 0, -EADDRINUSE if the endpoint already has that conversation, or
 * -ENOMEM.
 */
/**
 * kcp_endpoint_use() - one more socket an application holds uses @ep
 * @ep: the endpoint, referenced by the caller for it
 */
void kcp_endpoint_use(struct kcp_endpoint *ep)
{
	atomic_inc(&ep->users);
}

/**
 * kcp_endpoint_unuse() - an application let go of a socket using @ep
 * @ep: the endpoint; the socket's reference stays until it is done
 */
void kcp_endpoint_unuse(struct kcp_endpoint *ep)
{
	atomic_dec(&ep->users);
}

int kcp_endpoint_hash(struct kcp_endpoint *ep, struct kcp_sock *ks)
{
	int err;

	kcp_session_key(&ks->key, &ks->peer, ks->conv);
	err = rhashtable_lookup_insert_fast(&ep->sessions, &ks->node,
					    kcp_session_params);
	if (err == -EEXIST)
		return -EADDRINUSE;
	if (!err)
		ks->hashed = true;
	return err;
}

/**
 * kcp_endpoint_unhash() - stop delivering datagrams to a session
 * @ep: its endpoint
 * @ks: the session (hashed or not)
 */
void kcp_endpoint_unhash(struct kcp_endpoint *ep, struct kcp_sock *ks)
{
	if (ks->hashed)
		rhashtable_remove_fast(&ep->sessions, &ks->node,
				       kcp_session_params);
	ks->hashed = false;
}

/**
 * kcp_endpoint_listen() - route new conversations to @ks
 * @ep: the endpoint
 * @ks: the listening socket
 *
 * Return: 0, or -EADDRINUSE if another socket listens there.
 */
int kcp_endpoint_listen(struct kcp_endpoint *ep, struct kcp_sock *ks)
{
	int err = 0;

	spin_lock_bh(&ep->lock);
	if (rcu_access_pointer(ep->listener))
		err = -EADDRINUSE;
	else
		rcu_assign_pointer(ep->listener, ks);
	spin_unlock_bh(&ep->lock);
	return err;
}

/**
 * kcp_endpoint_unlisten() - stop routing new conversations to @ks
 * @ep: the endpoint
 * @ks: the socket that listened
 */
void kcp_endpoint_unlisten(struct kcp_endpoint *ep, struct kcp_sock *ks)
{
	spin_lock_bh(&ep->lock);
	if (rcu_access_pointer(ep->listener) == ks)
		RCU_INIT_POINTER(ep->listener, NULL);
	spin_unlock_bh(&ep->lock);
	synchronize_net();
}

/**
 * kcp_endpoints_init() - before any socket exists
 *
 * Return: 0 or -ENOMEM.
 */
int kcp_endpoints_init(void)
{
	kcp_endpoint_wq = alloc_workqueue("kcp_endpoint", 0, 0);
	return kcp_endpoint_wq ? 0 : -ENOMEM;
}

/**
 * kcp_endpoints_exit() - after the last socket is gone: wait for every
 * endpoint release to finish
 */
void kcp_endpoints_exit(void)
{
	destroy_workqueue(kcp_endpoint_wq);
	WARN_ON(!list_empty(&kcp_endpoints));
}
