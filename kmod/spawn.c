// SPDX-License-Identifier: MIT OR GPL-2.0
/*
 * A listener's sessions: created in softirq by the datagram that opens a
 * conversation (a kcp.ko client's valid ECHO, a stock client's first PUSH:
 * handshake.c decides), queued for accept(), bounded by the backlog and
 * by the namespace's pending places (per source address too). A client
 * that proved its address may take the place of one that did not.
 */
#include <linux/memcontrol.h>
#include <linux/security.h>
#include <linux/skbuff.h>
#include <net/sock.h>
#include <net/tcp_states.h>

#include "endpoint.h"
#include "net.h"
#include "session.h"
#include "sock.h"

/**
 * kcp_accept_unlink() - a session leaves its listener's accept queue
 * @listener: the listener, its accept_lock held
 * @child: a session in its queue
 *
 * Whoever unlinks it (accept(), the listener's close, an eviction) owns the
 * queue's reference to it.
 */
void kcp_accept_unlink(struct kcp_sock *listener, struct kcp_sock *child)
{
	lockdep_assert_held(&listener->accept_lock);
	list_del_init(&child->accept_node);
	WRITE_ONCE(listener->accept_len, listener->accept_len - 1);
	if (child->queued_unproved)
		WRITE_ONCE(listener->accept_unproved, listener->accept_unproved - 1);
	child->queued_unproved = false;
	kcp_net_pending_put(kcp_net(sock_net(&child->sk)), child->pending_bucket);
}

/**
 * kcp_listener_may_evict() - a proved client could take a place in a full
 * accept queue (kcp_listener_evict())
 * @listener: the listener
 */
bool kcp_listener_may_evict(const struct kcp_sock *listener)
{
	return READ_ONCE(listener->accept_unproved);
}

/*
 * A full accept queue, and a kcp.ko client that proved its address (a
 * valid ECHO): the oldest session whose stock peer has proved nothing
 * gives its place, ended as if the listener had closed it. Spoofed first
 * PUSHes, which anyone can send, can then keep a slow server's queue full
 * of strangers, but never keep a kcp.ko client out: as TCP's SYN queue
 * drops requests that never completed before it refuses a SYN cookie's
 * final ACK. Softirq.
 */
static bool kcp_listener_evict(struct kcp_sock *listener)
{
	struct kcp_sock *child, *victim = NULL;

	spin_lock(&listener->accept_lock);
	list_for_each_entry(child, &listener->accept_queue, accept_node) {
		/* it may have proved itself since: it stays, then */
		if (child->queued_unproved && READ_ONCE(child->unproved)) {
			victim = child;
			break;
		}
	}
	if (victim)
		kcp_accept_unlink(listener, victim);
	spin_unlock(&listener->accept_lock);
	if (!victim)
		return false;
	kcp_net_count(sock_net(&listener->sk), KCP_STAT_A_LISTEN_EVICTIONS, 1);
	kcp_session_evicted(victim);
	return true;
}

/* Room for one more session in the listener's queue and the namespace. */
static bool kcp_listener_take_place(struct kcp_sock *listener,
				    const union kcp_addr *from, bool proved,
				    u8 *bucket)
{
	struct kcp_net *kn = kcp_net(sock_net(&listener->sk));
	/* as TCP's sk_acceptq_is_full(): listen(fd, 0) still takes one */
	bool full = READ_ONCE(listener->accept_len) >
		    READ_ONCE(listener->sk.sk_max_ack_backlog);

	if (!full && kcp_net_pending_get(kn, from, bucket))
		return true;
	/* a full namespace or source share is no reason to evict here */
	return proved && full && kcp_listener_evict(listener) &&
	       kcp_net_pending_get(kn, from, bucket);
}

/**
 * kcp_session_spawn() - a datagram starts a new conversation on a listener
 * @listener: the listening socket
 * @from: the peer
 * @to: the address the datagram was sent to, which the session answers from
 * @conv: the conversation id of the datagram
 * @skb: the datagram (not consumed): a valid ECHO, or a stock client's
 *	first data segment (handshake.c decides)
 * @hs: the handshake the ECHO completed, or NULL for a stock client
 *
 * Nothing sent to a broadcast or multicast address starts a session. A
 * full accept queue drops the datagram (the peer will send it again),
 * unless it is a proved client's and a stock stranger can give way.
 *
 * Return: the new session with a reference for the caller, or NULL.
 */
struct kcp_sock *kcp_session_spawn(struct kcp_sock *listener,
				   const union kcp_addr *from,
				   const union kcp_addr *to, u32 conv,
				   const struct sk_buff *skb,
				   const struct kcp_handshake *hs)
{
	struct sock *lsk = &listener->sk, *sk;
	struct kcp_net *kn = kcp_net(sock_net(lsk));
	struct kcp_sock *ks;
	u8 bucket;

	/* a session answers one host, never a broadcast or a group */
	if (skb->pkt_type != PACKET_HOST ||
	    READ_ONCE(lsk->sk_state) != TCP_LISTEN)
		goto drop;
	if (!kcp_listener_take_place(listener, from, !!hs, &bucket)) {
		kcp_net_count(sock_net(lsk), KCP_STAT_A_LISTEN_OVERFLOWS, 1);
		return NULL;
	}

	sk = sk_alloc(sock_net(lsk), lsk->sk_family, GFP_ATOMIC, lsk->sk_prot, 0);
	if (!sk)
		goto unpend;
	sock_init_data(NULL, sk);
	security_sk_clone(lsk, sk);	/* LSM labels, as inet's accept path */
	sk->sk_type = lsk->sk_type;
	sk->sk_destruct = lsk->sk_destruct;
	sk->sk_write_space = lsk->sk_write_space;
	sk->sk_backlog_rcv = lsk->sk_backlog_rcv;
	sk->sk_rcvbuf = READ_ONCE(lsk->sk_rcvbuf);
	sk->sk_sndbuf = READ_ONCE(lsk->sk_sndbuf);
	/* what a TCP child inherits from its listener, it does too */
	sk->sk_mark = READ_ONCE(lsk->sk_mark);
	sk->sk_bound_dev_if = READ_ONCE(lsk->sk_bound_dev_if);
	sk->sk_priority = READ_ONCE(lsk->sk_priority);
	sk->sk_lingertime = READ_ONCE(lsk->sk_lingertime);
	sock_valbool_flag(sk, SOCK_LINGER, sock_flag(lsk, SOCK_LINGER));
	sock_valbool_flag(sk, SOCK_KEEPOPEN, sock_flag(lsk, SOCK_KEEPOPEN));
	sock_set_flag(sk, SOCK_RCU_FREE);
#ifdef CONFIG_MEMCG
	/*
	 * What it receives before and after accept() is charged where the
	 * listener's is (kcp_session_input()); sk_free() drops the reference.
	 */
	if (lsk->sk_memcg && css_tryget(&lsk->sk_memcg->css))
		sk->sk_memcg = lsk->sk_memcg;
#endif

	ks = kcp_sk(sk);
	kcp_session_init(ks);
	ks->keepalive.idle = READ_ONCE(listener->keepalive.idle);
	ks->keepalive.intvl = READ_ONCE(listener->keepalive.intvl);
	ks->keepalive.cnt = READ_ONCE(listener->keepalive.cnt);
	ks->cfg = listener->cfg;
	strscpy(ks->profile, listener->profile, sizeof(ks->profile));
	ks->peer = *from;
	ks->local = *to;
	ks->conv = conv;
	ks->ep = listener->ep;
	refcount_inc(&ks->ep->refs);
	if (hs)
		ks->hs = *hs;
	if (kcp_session_start(ks, GFP_ATOMIC)) {
		sk_free(sk);	/* the destructor drops the endpoint */
		goto unpend;
	}
	kcp_endpoint_use(ks->ep);	/* for its owner, from accept() on */
	/*
	 * A stock client's first PUSH proves nothing (a cookie would have).
	 * Its answer may need a full datagram before the client can
	 * acknowledge anything: that one is allowed besides the 3x.
	 */
	ks->unproved = !hs;
	ks->unproved_credit = ks->cfg.mtu;
	ks->kcp->ext = ks->hs.version;
	sk->sk_state = TCP_ESTABLISHED;
	sk->sk_uid = lsk->sk_uid;	/* the owner, until accept() grafts it */
	ks->passive = true;
	ks->pending_bucket = bucket;
	kcp_session_opened(ks, KCP_STAT_A_PASSIVE_OPENS);

	spin_lock(&listener->accept_lock);
	list_add_tail(&ks->accept_node, &listener->accept_queue);
	WRITE_ONCE(listener->accept_len, listener->accept_len + 1);
	ks->queued_unproved = ks->unproved;
	if (ks->queued_unproved)
		WRITE_ONCE(listener->accept_unproved, listener->accept_unproved + 1);
	spin_unlock(&listener->accept_lock);
	lsk->sk_data_ready(lsk);

	sock_hold(sk);
	return ks;

unpend:
	kcp_net_pending_put(kn, bucket);
drop:
	kcp_net_count(sock_net(lsk), KCP_STAT_A_LISTEN_DROPS, 1);
	return NULL;
}
