// SPDX-License-Identifier: MIT OR GPL-2.0
/*
 * How a session ends, as a TCP user expects:
 *
 * - close() is graceful: what the application queued is still delivered,
 *   followed by a FIN when the peer is kcp.ko (the extension; a stock peer
 *   sees no end). The session lives on as an orphan (TCP's FIN_WAIT1)
 *   until the peer has acknowledged everything, waits for the peer's FIN
 *   if it has not come (FIN_WAIT2), then lingers a moment (TIME_WAIT's
 *   job: answer the peer's retransmissions with ACKs) and goes. Orphans are
 *   bounded per namespace in number (beyond it close() discards, as TCP
 *   does past tcp_max_orphans) and in time (the namespace's orphan
 *   timeout).
 * - SO_LINGER with a timeout makes close() wait for the delivery; with 0
 *   it discards at once. Discarding resets a kcp.ko peer, as does closing
 *   with data unread or receiving data after close(), as TCP does.
 * - A peer that stops answering (the dead-link limit, or keepalive) ends
 *   the session with ETIMEDOUT.
 * - A connect() that failed (refused, reset, timed out) can be tried again
 *   on the same socket, as TCP's can; an established session is for life.
 *
 * Keepalive sends a window probe (WASK), which every KCP implementation
 * answers, so it detects dead stock peers too.
 */
#include <linux/minmax.h>
#include <linux/rcupdate.h>
#include <linux/skbuff.h>
#include <net/sock.h>
#include <net/tcp_states.h>

#include "af_kcp.h"
#include "endpoint.h"
#include "handshake.h"
#include "lifecycle.h"
#include "net.h"
#include "session.h"
#include "sock.h"

/* TIME_WAIT: two RTOs, for the peer's last retransmissions, within bounds. */
#define KCP_TIME_WAIT_MIN	200
#define KCP_TIME_WAIT_MAX	2000

/**
 * kcp_keepalive_init() - keepalive's defaults (it is off until SO_KEEPALIVE)
 * @ka: the socket's keepalive state
 */
void kcp_keepalive_init(struct kcp_keepalive *ka)
{
	ka->idle = KCP_KEEPIDLE_DEFAULT * MSEC_PER_SEC;
	ka->intvl = KCP_KEEPINTVL_DEFAULT * MSEC_PER_SEC;
	ka->cnt = KCP_KEEPCNT_DEFAULT;
}

static bool kcp_keepalive_on(const struct kcp_sock *ks)
{
	return sock_flag(&ks->sk, SOCK_KEEPOPEN) &&
	       ks->sk.sk_state == TCP_ESTABLISHED;
}

/* When keepalive next has something to do. */
static u32 kcp_keepalive_due(const struct kcp_keepalive *ka)
{
	return ka->probes ? ka->next : ka->last_rx + ka->idle;
}

static void kcp_keepalive_check(struct kcp_sock *ks, u32 now)
{
	struct kcp_keepalive *ka = &ks->keepalive;

	if (!kcp_keepalive_on(ks) || kcp_before(now, kcp_keepalive_due(ka)))
		return;
	if (ka->probes >= ka->cnt) {
		kcp_net_count(sock_net(&ks->sk), KCP_STAT_A_KEEPALIVE_TIMEOUTS, 1);
		kcp_session_halt(ks, ETIMEDOUT);
		return;
	}
	ka->probes++;
	ka->next = now + ka->intvl;
	kcp_engine_ask_window(ks->kcp);
}

/*
 * The namespace's idle timeout: when a session a listener accepted has
 * heard nothing for that long (0: never). Stock peers cannot say they are
 * gone, so a server would otherwise keep their sessions for ever.
 */
static bool kcp_idle_due(const struct kcp_sock *ks, u32 *when)
{
	u32 idle = READ_ONCE(kcp_net(sock_net(&ks->sk))->idle_timeout);

	if (!idle || !ks->passive || ks->sk.sk_state != TCP_ESTABLISHED)
		return false;
	*when = ks->keepalive.last_rx + idle;
	return true;
}

/* The peer has acknowledged everything sent. */
static bool kcp_delivered(const struct kcp_sock *ks)
{
	return !kcp_engine_waitsnd(ks->kcp);
}

/*
 * Everything sent was acknowledged: linger a moment, then go; but first,
 * if the peer speaks the extension, wait for its FIN (FIN_WAIT2), within
 * the orphan's deadline.
 */
static void kcp_orphan_delivered(struct kcp_sock *ks, u32 now)
{
	u32 wait = clamp_t(u32, 2 * ks->kcp->rx_rto, KCP_TIME_WAIT_MIN,
			   KCP_TIME_WAIT_MAX);

	if (ks->kcp->ext && !ks->kcp->fin_rcvd) {
		WRITE_ONCE(ks->sk.sk_state, TCP_FIN_WAIT2);
		return;
	}
	WRITE_ONCE(ks->sk.sk_state, TCP_TIME_WAIT);
	ks->deadline = now + wait;
}

/* Data the application will never read: TCP resets the peer for it. */
static bool kcp_unread(const struct kcp_sock *ks)
{
	return ks->kcp->ext && ks->kcp->nrcv_que;
}

/**
 * kcp_lifecycle_check() - act on what the engine's latest run changed
 * @ks: a live session, locked
 * @now: the engine clock
 */
void kcp_lifecycle_check(struct kcp_sock *ks, u32 now)
{
	struct sock *sk = &ks->sk;
	struct net *net = sock_net(sk);
	u32 idle;

	sock_owned_by_me(sk);
	if (ks->kcp->dead) {
		kcp_net_count(net, KCP_STAT_A_DEAD_LINKS, 1);
		kcp_session_halt(ks, ETIMEDOUT);
		return;
	}
	kcp_handshake_check(ks, now);
	if (test_bit(KCP_HALTED, &ks->flags))
		return;
	if (test_bit(KCP_ORPHAN, &ks->flags)) {
		if (!kcp_before(now, ks->deadline)) {
			if (sk->sk_state == TCP_FIN_WAIT1)
				kcp_net_count(net, KCP_STAT_A_ORPHAN_TIMEOUTS, 1);
			kcp_session_halt(ks, 0);
		} else if (kcp_unread(ks)) {
			kcp_session_abort(ks, 0);	/* data after close() */
		} else if (sk->sk_state == TCP_FIN_WAIT1 && kcp_delivered(ks)) {
			kcp_orphan_delivered(ks, now);
		} else if (sk->sk_state == TCP_FIN_WAIT2 && ks->kcp->fin_rcvd) {
			kcp_orphan_delivered(ks, now);
		}
		return;
	}
	if (kcp_idle_due(ks, &idle) && !kcp_before(now, idle)) {
		kcp_net_count(net, KCP_STAT_A_IDLE_TIMEOUTS, 1);
		kcp_session_halt(ks, ETIMEDOUT);
		return;
	}
	kcp_keepalive_check(ks, now);
}

/**
 * kcp_lifecycle_due() - when kcp_lifecycle_check() next has work to do
 * @ks: a live session, locked
 * @when: set to that time (ms)
 *
 * Return: whether there is such a time.
 */
bool kcp_lifecycle_due(const struct kcp_sock *ks, u32 *when)
{
	bool due = false;
	u32 idle;

	if (test_bit(KCP_ORPHAN, &ks->flags)) {
		*when = ks->deadline;
		return true;
	}
	if (kcp_handshake_due(ks, when))
		return true;	/* nothing else runs before it is done */
	if (kcp_keepalive_on(ks)) {
		*when = kcp_keepalive_due(&ks->keepalive);
		due = true;
	}
	if (kcp_idle_due(ks, &idle) && (!due || kcp_before(idle, *when))) {
		*when = idle;
		due = true;
	}
	return due;
}

/*
 * SO_LINGER with a timeout: wait in close() for the peer to acknowledge
 * everything, as TCP does, however long the orphan timeout is.
 */
static void kcp_close_linger(struct kcp_sock *ks)
{
	long timeo = ks->sk.sk_lingertime;

	while (!kcp_delivered(ks) && ks->sk.sk_state == TCP_ESTABLISHED &&
	       timeo && !signal_pending(current)) {
		if (kcp_wait(&ks->sk, &timeo, kcp_delivered))
			break;
	}
}

/**
 * kcp_session_close() - the application let go of a session (release)
 * @ks: the socket, locked; its owner's reference is about to be dropped
 *
 * Stops the session at once if nothing is left to deliver or SO_LINGER is
 * 0, or when the namespace has no orphan place left (counted in KCP_INFO
 * terms: what was queued is lost, as with TCP past tcp_max_orphans);
 * otherwise the session becomes an orphan with a reference of its own.
 */
void kcp_session_close(struct kcp_sock *ks)
{
	struct sock *sk = &ks->sk;
	struct kcp_net *kn = kcp_net(sock_net(sk));

	sock_owned_by_me(sk);
	if (!ks->kcp || sk->sk_state != TCP_ESTABLISHED ||
	    test_bit(KCP_HALTED, &ks->flags))
		goto stop;
	if (sock_flag(sk, SOCK_LINGER) && !sk->sk_lingertime) {
		if (ks->kcp->ext) {
			kcp_session_abort(ks, 0);
			goto stop;
		}
		if (!kcp_delivered(ks))
			kcp_net_count(sock_net(sk), KCP_STAT_A_ABORTS, 1);
		goto stop;
	}
	if (kcp_unread(ks)) {
		kcp_session_abort(ks, 0);
		goto stop;
	}
	/* the end of the stream follows what was queued */
	if (ks->kcp->ext && kcp_engine_send_fin(ks->kcp, GFP_KERNEL)) {
		kcp_session_abort(ks, 0);	/* no memory for a FIN */
		goto stop;
	}
	if (sock_flag(sk, SOCK_LINGER))
		kcp_close_linger(ks);
	if (test_bit(KCP_HALTED, &ks->flags) ||
	    (kcp_delivered(ks) && (!ks->kcp->ext || ks->kcp->fin_rcvd)))
		goto stop;
	if (!kcp_net_orphan_get(kn)) {
		kcp_net_count(sock_net(sk), KCP_STAT_A_ORPHAN_OVERFLOWS, 1);
		goto stop;
	}

	sock_hold(sk);			/* the orphan's, dropped by halt */
	set_bit(KCP_ORPHAN, &ks->flags);
	ks->deadline = kcp_clock_ms() + READ_ONCE(kn->orphan_timeout);
	WRITE_ONCE(sk->sk_state, TCP_FIN_WAIT1);
	kcp_session_kick(ks);
	return;

stop:
	kcp_session_stop(ks);
	WRITE_ONCE(sk->sk_state, TCP_CLOSE);
}

/**
 * kcp_session_state() - where a session stands, in TCP's terms (KCP_INFO,
 * netlink)
 * @ks: the socket, locked
 *
 * A socket still open stays TCP_ESTABLISHED to the socket layer, which
 * lets it send after the peer's FIN and read after its own: the states of
 * the FIN exchange are told from the engine.
 *
 * Return: a TCP_* state.
 */
int kcp_session_state(const struct kcp_sock *ks)
{
	const struct kcp_engine *kcp = ks->kcp;
	int state = READ_ONCE(ks->sk.sk_state);

	if (!kcp || !kcp->ext)
		return state;
	if (state == TCP_FIN_WAIT1 && kcp->fin_rcvd)
		return TCP_LAST_ACK;
	if (state != TCP_ESTABLISHED)
		return state;
	if (!kcp->fin_queued)
		return kcp->fin_rcvd ? TCP_CLOSE_WAIT : TCP_ESTABLISHED;
	if (kcp_engine_fin_acked(kcp))
		return kcp->fin_rcvd ? TCP_TIME_WAIT : TCP_FIN_WAIT2;
	return kcp->fin_rcvd ? TCP_CLOSING : TCP_FIN_WAIT1;
}

/**
 * kcp_session_free() - free what kcp_session_start() and the session's
 * life allocated, and leave the namespace's registry (the socket's
 * destructor, or a failed connect() discarded)
 * @ks: the session, unhashed with no timer, or a socket that never had one
 */
void kcp_session_free(struct kcp_sock *ks)
{
	kcp_net_del(ks);
	kcp_net_mem_charge(ks, 0);
	kfree_skb(ks->tx_skb);		/* what a halted run had not sent */
	kfree_skb(ks->tx_batch);
	if (ks->kcp)
		dst_cache_destroy(&ks->dst_cache);
	kcp_engine_destroy(ks->kcp);
	ks->kcp = NULL;
	ks->tx_skb = NULL;
	ks->tx_batch = NULL;
}

/**
 * kcp_session_discard() - forget a session whose handshake failed, so that
 * connect() may try again on the same socket, as TCP allows
 * @ks: the session, halted before it was established; socket lock held
 *
 * Undoes kcp_session_start(): what the engine counted is folded into the
 * namespace's sums, and the socket keeps its endpoint (its bind). Sleeps
 * a grace period first: a receiver may still hold the session it found in
 * the endpoint's table, and the hash node must not go back into a table
 * while readers may walk it.
 */
void kcp_session_discard(struct kcp_sock *ks)
{
	struct sock *sk = &ks->sk;

	sock_owned_by_me(sk);
	kcp_endpoint_unhash(ks->ep, ks);
	if (hrtimer_cancel(&ks->timer))
		__sock_put(sk);		/* the queued timer's reference */
	if (test_and_clear_bit(KCP_DEFER_TIMER, &ks->flags))
		__sock_put(sk);
	synchronize_rcu();

	kcp_session_free(ks);
	ks->tx_size = 0;
	ks->tx_batch_size = 0;
	ks->tx_batch_segs = 0;
	ks->tx_batches = 0;
	ks->backlog_drops = 0;
	ks->id = 0;
	ks->flags = 0;
	memset(&ks->hs, 0, sizeof(ks->hs));
	ks->keepalive.probes = 0;
	ks->readable = false;
	ks->published_rcv = 0;
	ks->published_snd_mem = 0;
	ks->writable = false;

	WRITE_ONCE(sk->sk_err, 0);
	WRITE_ONCE(sk->sk_err_soft, 0);
	WRITE_ONCE(sk->sk_shutdown, 0);
	sock_reset_flag(sk, SOCK_DONE);
}
