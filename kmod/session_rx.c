// SPDX-License-Identifier: MIT OR GPL-2.0
/*
 * A session's datagrams on their way in (session.c has the contexts and
 * their locking): a datagram runs through the handshake and the engine in
 * softirq, or waits in the socket's backlog for the syscall that holds
 * the socket, which drains the backlog and then does once what all of it
 * calls for.
 */
#include <linux/memcontrol.h>
#include <linux/sched/mm.h>
#include <linux/skbuff.h>
#include <net/sock.h>

#include "handshake.h"
#include "net.h"
#include "session.h"
#include "segment.h"
#include "sock.h"

/*
 * What the engine may hold of received data: the receive buffer, and while
 * the namespace is at its memory limit, no more than it holds already or
 * its minimum, whichever is more. As tcp_rmem[0], the minimum keeps every
 * session moving: without it, senders' queued data alone could hold the
 * namespace at its limit while every receiver's window stays shut.
 */
static void kcp_session_rcv_limit(struct kcp_sock *ks)
{
	struct kcp_engine *kcp = ks->kcp;
	u32 limit = READ_ONCE(ks->sk.sk_rcvbuf);
	/*
	 * A message is delivered whole or not at all: in message mode the
	 * minimum is room for the largest one, or its head could never
	 * complete and the window would stay shut.
	 */
	u32 floor = kcp->cfg.stream ? KCP_SOCK_MEM_MIN :
		    KCP_MSG_FRAGMENTS_MAX * (sizeof(struct kcp_seg) + kcp->mss);

	if (kcp_net_mem_state(sock_net(&ks->sk)) == KCP_MEM_LIMIT) {
		limit = min_t(u32, limit, max_t(u32, kcp->rcv_mem, floor));
		kcp_net_count(sock_net(&ks->sk), KCP_STAT_A_MEM_LIMITED, 1);
	}
	kcp->cfg.rcv_limit = limit;
}

/*
 * An address that has not proved it receives may be a victim's, spoofed:
 * it gets at most three times what came from it (QUIC's anti-amplification
 * limit, RFC 9000 8.1), counted in UDP payload bytes.
 */
#define KCP_UNPROVED_FACTOR	3

static void kcp_session_credit(struct kcp_sock *ks, u32 len)
{
	if (ks->unproved)
		ks->unproved_credit = min_t(u64, U32_MAX, (u64)ks->unproved_credit +
					    KCP_UNPROVED_FACTOR * len);
}

/*
 * What a datagram makes a session allocate (segments held for the reader,
 * ACKs owed) is charged to the socket's memory cgroup, as what a writer
 * queues is charged to the writer's (__GFP_ACCOUNT in its syscall). In
 * softirq there is no task to charge, so the socket's sk_memcg (the
 * creator's, or for a listener's session the listener's) is made the
 * active one. Atomic charges are not refused at the cgroup's limit, only
 * counted: SO_RCVBUF and the namespace's mem_max are the limits.
 */
static void kcp_session_input(struct kcp_sock *ks, const u8 *data, u32 len,
			      u32 now)
{
	struct mem_cgroup *old = set_active_memcg(ks->sk.sk_memcg);

	kcp_engine_input(ks->kcp, data, len, now, GFP_ATOMIC | __GFP_ACCOUNT);
	set_active_memcg(old);
}

/*
 * A datagram's bytes in one piece. A batch kcp.ko sent (session_tx.c) is
 * cut up by the stack without copying, each datagram a page fragment of
 * the batch: it is read there. Anything else in pieces is made linear.
 */
static const u8 *kcp_session_datagram(struct sk_buff *skb)
{
	const struct skb_shared_info *shinfo = skb_shinfo(skb);
	const u8 *data;

	if (!skb_is_nonlinear(skb))
		return skb->data;
	/* (a high memory page has no lasting address: copied, as the rest) */
	if (!skb_headlen(skb) && shinfo->nr_frags == 1 &&
	    !skb_has_frag_list(skb) &&
	    skb_frag_size(&shinfo->frags[0]) == skb->len &&
	    !PageHighMem(skb_frag_page(&shinfo->frags[0]))) {
		data = skb_frag_address_safe(&shinfo->frags[0]);
		if (data)
			return data;
	}
	return skb_linearize(skb) ? NULL : skb->data;
}

/*
 * Run a datagram through the handshake and the engine. What follows
 * (kcp_session_after()) is left to the caller, so that a backlog of
 * datagrams is followed by it once. Return: whether it is due.
 */
static bool kcp_session_take(struct kcp_sock *ks, struct sk_buff *skb,
			     u32 now)
{
	bool live = kcp_session_live(ks);
	const u8 *data;
	int skip;

	if (live) {
		ks->keepalive.last_rx = now;
		ks->keepalive.probes = 0;
		kcp_session_rcv_limit(ks);
		kcp_session_credit(ks, skb->len);
		data = kcp_session_datagram(skb);
		skip = data ? kcp_handshake_rcv(ks, skb, data, skb->len) : -1;
		if (!data)	/* no memory to make it linear */
			kcp_net_count(sock_net(&ks->sk),
				      KCP_STAT_A_DROPPED_SEGS, 1);
		else if (skip >= 0 && kcp_session_live(ks))
			kcp_session_input(ks, data + skip, skb->len - skip,
					  now);
		/* acknowledging our data proves it receives where it says */
		live = kcp_session_live(ks);
		if (ks->unproved && live && ks->kcp->snd_una)
			ks->unproved = false;
	}
	consume_skb(skb);
	return live;
}

static void kcp_session_process(struct kcp_sock *ks, struct sk_buff *skb)
{
	ktime_t t = ktime_get();

	if (kcp_session_take(ks, skb, kcp_clock_ms_of(t)))
		kcp_session_after(ks, t);
}

/**
 * kcp_session_rcv() - a datagram for this session (softirq)
 * @ks: the session, referenced by the caller
 * @skb: the datagram, UDP header pulled; consumed
 */
void kcp_session_rcv(struct kcp_sock *ks, struct sk_buff *skb)
{
	struct sock *sk = &ks->sk;

	bh_lock_sock(sk);
	if (!sock_owned_by_user(sk)) {
		kcp_session_process(ks, skb);
	} else if (sk_add_backlog(sk, skb, READ_ONCE(sk->sk_rcvbuf) +
				  READ_ONCE(sk->sk_sndbuf))) {
		/* a slow syscall: a lost datagram, counted for KCP_INFO */
		WRITE_ONCE(ks->backlog_drops, ks->backlog_drops + 1);
		kcp_net_count(sock_net(sk), KCP_STAT_A_BACKLOG_DROPS, 1);
		kfree_skb(skb);
	}
	bh_unlock_sock(sk);
}

/**
 * kcp_session_backlog_rcv() - a datagram queued while a syscall held us
 * @sk: the socket
 * @skb: the datagram
 *
 * Return: 0.
 */
int kcp_session_backlog_rcv(struct sock *sk, struct sk_buff *skb)
{
	struct kcp_sock *ks = kcp_sk(sk);

	/*
	 * A backlog is drained at once (release_sock(), sk_flush_backlog()):
	 * what each datagram's ACKs and freed window call for is done once
	 * after all of them, by the syscall's next kick or by release_cb, as
	 * GRO batches for TCP.
	 */
	if (kcp_session_take(ks, skb, kcp_clock_ms()))
		set_bit(KCP_DEFER_AFTER, &ks->flags);
	return 0;
}
