// SPDX-License-Identifier: MIT OR GPL-2.0
/*
 * A session's data path: the engine between its UDP endpoint, its timer and
 * the syscalls on its socket. Datagrams in are session_rx.c's, datagrams
 * out session_tx.c's.
 *
 * Three contexts touch an engine, and the socket lock serialises them the
 * way TCP's does: syscalls hold lock_sock(); a datagram (softirq) takes
 * bh_lock_sock() and runs the engine, or queues the skb on the backlog when
 * a syscall owns the socket; the timer (softirq, HRTIMER_MODE_ABS_SOFT)
 * likewise runs the engine or leaves KCP_DEFER_TIMER for release_cb. The
 * timer holds a socket reference while queued, as the QUIC module's do.
 *
 * A session ends (kcp_session_halt()) from any of the three: it leaves
 * its endpoint's table, its timer stops, and KCP_HALTED keeps both so.
 */
#include <linux/hrtimer.h>
#include <linux/skbuff.h>
#include <net/dst_cache.h>
#include <net/sock.h>
#include <net/tcp_states.h>

#include "compat.h"
#include "endpoint.h"
#include "handshake.h"
#include "lifecycle.h"
#include "net.h"
#include "netlink.h"
#include "session.h"
#include "segment.h"
#include "sock.h"
#include "wire.h"

/*
 * Connected, below the send buffer, and not more than two windows queued.
 */
static bool kcp_session_writable(const struct kcp_sock *ks)
{
	return ks->sk.sk_state != TCP_SYN_SENT && kcp_session_may_queue(ks) &&
	       kcp_engine_waitsnd(ks->kcp) < 2 * ks->kcp->cfg.snd_wnd;
}

/* Per direction: what a configured window may make the socket hold. */
#define KCP_BUF_AUTO_MAX	(64 << 20)

/**
 * kcp_session_may_queue() - may send() queue more?
 * @ks: a session, locked
 *
 * Below its send buffer, and while its namespace is at its memory limit,
 * only below its minimum (KCP_SOCK_MEM_MIN, as tcp_wmem[0]): each session
 * can still make progress, none can grow.
 *
 * Return: whether it may.
 */
bool kcp_session_may_queue(const struct kcp_sock *ks)
{
	u32 mem = ks->kcp->snd_mem;

	if (mem >= READ_ONCE(ks->sk.sk_sndbuf))
		return false;
	return mem < KCP_SOCK_MEM_MIN ||
	       kcp_net_mem_state(sock_net(&ks->sk)) != KCP_MEM_LIMIT;
}

/**
 * kcp_session_size_buffers() - buffers that hold what the windows need
 * @ks: the socket, locked, with its configuration set
 *
 * As TCP's autotuning grows sk_rcvbuf and sk_sndbuf, a socket's buffers
 * grow to what its windows need, so that the windows the configuration
 * asks for are the ones advertised and used: the receive buffer holds
 * rcv_wnd full segments, the send buffer two send windows (one in flight,
 * one queued). They never shrink, a size set with SO_RCVBUF or SO_SNDBUF
 * stays as set, and neither grows past KCP_BUF_AUTO_MAX nor while the
 * namespace is short of memory.
 */
void kcp_session_size_buffers(struct kcp_sock *ks)
{
	const struct kcp_config *cfg = ks->kcp ? &ks->kcp->cfg : &ks->cfg;
	/* what a full segment costs, as the engine counts it (kcp_seg_mem) */
	u64 seg = cfg->mtu - KCP_HDR_LEN + sizeof(struct kcp_seg);
	struct sock *sk = &ks->sk;
	int need;

	/* as TCP stops growing buffers under memory pressure */
	if (kcp_net_mem_state(sock_net(sk)) != KCP_MEM_NORMAL)
		return;
	if (!(sk->sk_userlocks & SOCK_RCVBUF_LOCK)) {
		need = min_t(u64, cfg->rcv_wnd * seg, KCP_BUF_AUTO_MAX);
		if (need > sk->sk_rcvbuf)
			WRITE_ONCE(sk->sk_rcvbuf, need);
	}
	if (!(sk->sk_userlocks & SOCK_SNDBUF_LOCK)) {
		need = min_t(u64, 2 * cfg->snd_wnd * seg, KCP_BUF_AUTO_MAX);
		if (need > sk->sk_sndbuf)
			WRITE_ONCE(sk->sk_sndbuf, need);
	}
}

/*
 * Arm the timer for the next deadline of the engine or the lifecycle. @t
 * is the clock reading @now came from: each event reads the clock once
 * and decides everything at that instant.
 */
static void kcp_session_arm(struct kcp_sock *ks, ktime_t t, u32 now)
{
	ktime_t expires;
	u32 when, life;
	/* the engine starts once the handshake is done */
	bool due = ks->sk.sk_state != TCP_SYN_SENT &&
		   kcp_engine_check(ks->kcp, now, &when);

	if (kcp_lifecycle_due(ks, &life) && (!due || kcp_before(life, when))) {
		when = kcp_before(life, now) ? now : life;
		due = true;
	}
	if (!due)
		return;		/* idle: no wakeup until something happens */
	expires = ktime_add_ms(t, (u32)kcp_diff(when, now));
	if (hrtimer_is_queued(&ks->timer) &&
	    !ktime_after(hrtimer_get_expires(&ks->timer), expires))
		return;		/* already due no later */
	/*
	 * A queued timer holds one socket reference, which its callback drops.
	 * Cancelling a queued timer hands us that reference to reuse; if none
	 * is queued (the callback may be running, with its own reference to
	 * drop), the new one needs its own. Arming is serialised by the socket
	 * lock, so nothing else queues the timer between the two checks.
	 */
	if (hrtimer_try_to_cancel(&ks->timer) != 1 &&
	    !hrtimer_is_queued(&ks->timer))
		sock_hold(&ks->sk);
	hrtimer_start(&ks->timer, expires, HRTIMER_MODE_ABS_SOFT);
}

/* Publish what poll() reads and wake whoever waits for it. */
static void kcp_session_publish(struct kcp_sock *ks)
{
	struct sock *sk = &ks->sk;
	struct kcp_engine *kcp = ks->kcp;
	bool readable = kcp_engine_peeksize(kcp) >= 0;
	bool writable = !test_bit(KCP_HALTED, &ks->flags) &&
			kcp_session_writable(ks);
	/*
	 * Wake only for something new: data the reader has not been told of
	 * (more of it queued than last time), room the writer has not been
	 * told of (less memory held). An ACK for a reader with unread data, or
	 * data for a writer that could already write, wakes nobody: each
	 * wakeup is an epoll event for edge-triggered users.
	 */
	bool wake_reader = readable && (!ks->readable ||
					kcp->nrcv_que > ks->published_rcv);
	bool wake_writer = writable && (!ks->writable ||
					kcp->snd_mem < ks->published_snd_mem);

	ks->published_rcv = kcp->nrcv_que;
	ks->published_snd_mem = kcp->snd_mem;
	WRITE_ONCE(ks->readable, readable);
	WRITE_ONCE(ks->writable, writable);
	if (wake_reader)
		sk->sk_data_ready(sk);
	if (wake_writer)
		sk->sk_write_space(sk);
}

/*
 * After anything ran the engine at clock reading @t: let the lifecycle act
 * on what happened (a dead link, an orphan done, keepalive), publish, and
 * re-arm the timer. Socket lock held.
 */
void kcp_session_after(struct kcp_sock *ks, ktime_t t)
{
	struct sock *sk = &ks->sk;
	u32 now = kcp_clock_ms_of(t);

	sock_owned_by_me(sk);
	clear_bit(KCP_DEFER_AFTER, &ks->flags);
	/* the peer's FIN, after all it sent: EOF once that is read */
	if (ks->kcp->fin_rcvd && !(sk->sk_shutdown & RCV_SHUTDOWN)) {
		WRITE_ONCE(sk->sk_shutdown, sk->sk_shutdown | RCV_SHUTDOWN);
		sk->sk_state_change(sk);
	}
	kcp_lifecycle_check(ks, now);
	kcp_session_tx_done(ks);
	kcp_net_mem_charge(ks, ks->kcp->snd_mem + ks->kcp->rcv_mem);
	if (test_bit(KCP_HALTED, &ks->flags))
		return;
	kcp_session_publish(ks);
	kcp_session_arm(ks, t, now);
}

bool kcp_session_live(const struct kcp_sock *ks)
{
	return ks->kcp && !test_bit(KCP_HALTED, &ks->flags);
}

/* Run the engine's clock, once the handshake has started it. */
static void kcp_session_update(struct kcp_sock *ks, ktime_t t)
{
	if (ks->sk.sk_state != TCP_SYN_SENT)
		kcp_engine_update(ks->kcp, kcp_clock_ms_of(t));
}

/*
 * A closed session lets go of its endpoint at once, not when its memory
 * goes (an RCU grace period later), so that a server that closed can bind
 * its port again at once. Only a live session sends, so nothing needs
 * @ks->ep after this.
 */
static void kcp_session_leave_endpoint(struct kcp_sock *ks)
{
	struct kcp_endpoint *ep = ks->ep;

	if (!ep)
		return;
	kcp_endpoint_unhash(ep, ks);
	ks->ep = NULL;
	kcp_endpoint_put(ep);
}

/**
 * kcp_session_halt() - the conversation is over
 * @ks: the session; the caller holds a reference and the socket lock
 *	(or bh_lock_sock() in softirq: this is safe in the timer callback)
 * @err: what the application is told (sk_err), or 0 for a clean end
 *
 * The session leaves its endpoint's table, its timer stops and what was
 * not yet acknowledged is freed; what was received stays readable, then
 * the reader sees @err, then end of file. An orphan gives back its place
 * and its reference.
 */
void kcp_session_halt(struct kcp_sock *ks, int err)
{
	struct sock *sk = &ks->sk;

	sock_owned_by_me(sk);
	if (test_and_set_bit(KCP_HALTED, &ks->flags))
		return;
	kcp_endpoint_unhash(ks->ep, ks);
	/* -1, the callback running, drops its own reference and re-arms not */
	if (hrtimer_try_to_cancel(&ks->timer) == 1)
		__sock_put(sk);
	kcp_engine_purge_send(ks->kcp);
	if (err)
		WRITE_ONCE(sk->sk_err, err);
	WRITE_ONCE(sk->sk_shutdown, SHUTDOWN_MASK);
	sock_set_flag(sk, SOCK_DONE);
	WRITE_ONCE(sk->sk_state, TCP_CLOSE);
	kcp_session_publish(ks);
	kcp_nl_session_ended(ks, err);
	sk->sk_state_change(sk);
	if (err)
		sk_error_report(sk);
	if (test_and_clear_bit(KCP_ORPHAN, &ks->flags)) {
		kcp_session_leave_endpoint(ks);
		kcp_net_orphan_put(kcp_net(sock_net(sk)));
		sock_put(sk);		/* never the last: the caller holds one */
	}
}

/**
 * kcp_session_kick() - a syscall changed the engine, or its timer fired:
 * flush what is due, update poll state and the timer. Socket lock held
 * (or bh_lock_sock() in the timer).
 * @ks: the session
 */
void kcp_session_kick(struct kcp_sock *ks)
{
	ktime_t t = ktime_get();

	if (!kcp_session_live(ks))
		return;
	kcp_session_update(ks, t);
	kcp_session_after(ks, t);
}

static enum hrtimer_restart kcp_session_timer(struct hrtimer *timer)
{
	struct kcp_sock *ks = container_of(timer, struct kcp_sock, timer);
	struct sock *sk = &ks->sk;

	bh_lock_sock(sk);
	if (!sock_owned_by_user(sk))
		kcp_session_kick(ks);
	else if (!test_and_set_bit(KCP_DEFER_TIMER, &ks->flags))
		sock_hold(sk);		/* dropped by release_cb */
	bh_unlock_sock(sk);
	sock_put(sk);
	return HRTIMER_NORESTART;
}

static void kcp_session_refused_locked(struct kcp_sock *ks);

/**
 * kcp_session_release_cb() - run what softirqs deferred while we were owned
 * @sk: the socket
 */
void kcp_session_release_cb(struct sock *sk)
{
	struct kcp_sock *ks = kcp_sk(sk);

	if (test_and_clear_bit(KCP_DEFER_REFUSED, &ks->flags))
		kcp_session_refused_locked(ks);
	if (test_and_clear_bit(KCP_DEFER_TIMER, &ks->flags)) {
		kcp_session_kick(ks);
		__sock_put(sk);
	}
	if (test_bit(KCP_DEFER_AFTER, &ks->flags) && kcp_session_live(ks))
		kcp_session_after(ks, ktime_get());
}

/**
 * kcp_session_init() - a session that has no peer yet
 * @ks: the new socket
 */
void kcp_session_init(struct kcp_sock *ks)
{
	hrtimer_setup(&ks->timer, kcp_session_timer, CLOCK_MONOTONIC,
		      HRTIMER_MODE_ABS_SOFT);
	INIT_LIST_HEAD(&ks->net_node);
	kcp_keepalive_init(&ks->keepalive);
	spin_lock_init(&ks->accept_lock);
	INIT_LIST_HEAD(&ks->accept_queue);
	INIT_LIST_HEAD(&ks->accept_node);
}

/**
 * kcp_session_start() - create the engine and start receiving
 * @ks: a socket with ep, peer, conv and cfg set
 * @gfp: allocation flags
 *
 * Return: 0, -ENOMEM, or -EADDRINUSE if the endpoint already has a session
 * with this peer and conv.
 */
int kcp_session_start(struct kcp_sock *ks, gfp_t gfp)
{
	struct kcp_engine *kcp;
	int err;

	ks->cfg.rcv_limit = READ_ONCE(ks->sk.sk_rcvbuf);
	kcp = kcp_engine_create(ks->conv, &ks->cfg, kcp_session_output, ks, gfp);
	if (IS_ERR(kcp))
		return PTR_ERR(kcp);
	kcp_engine_set_alloc(kcp, kcp_session_alloc);
	err = dst_cache_init(&ks->dst_cache, gfp);
	if (err) {
		kcp_engine_destroy(kcp);
		return err;
	}
	ks->kcp = kcp;
	err = kcp_endpoint_hash(ks->ep, ks);
	if (err) {
		ks->kcp = NULL;
		kcp_engine_destroy(kcp);
		dst_cache_destroy(&ks->dst_cache);
		return err;
	}
	WRITE_ONCE(ks->writable, true);
	ks->keepalive.last_rx = kcp_clock_ms();
	kcp_net_add(ks);
	return 0;
}

/**
 * kcp_session_stop() - the socket is closed: no more datagrams, no more
 * timer, no endpoint. Socket lock held.
 * @ks: the session, or a socket that never had one
 *
 * The engine itself lives until the socket's last reference goes.
 */
void kcp_session_stop(struct kcp_sock *ks)
{
	set_bit(KCP_HALTED, &ks->flags);
	kcp_nl_session_ended(ks, 0);
	kcp_session_leave_endpoint(ks);
	if (hrtimer_cancel(&ks->timer))
		__sock_put(&ks->sk);	/* the queued timer's reference */
	if (test_and_clear_bit(KCP_DEFER_TIMER, &ks->flags))
		__sock_put(&ks->sk);
}

/**
 * kcp_session_evicted() - end a session its listener took off the accept
 * queue to make room (spawn.c), in softirq: as kcp_release_unaccepted()
 * would, but without waiting for a running timer, which drops its own
 * reference once it sees the session halted.
 * @ks: the session, unlinked, with the queue's reference, which this drops
 */
void kcp_session_evicted(struct kcp_sock *ks)
{
	struct sock *sk = &ks->sk;

	bh_lock_sock(sk);
	kcp_endpoint_unuse(ks->ep);
	kcp_session_abort(ks, 0);
	kcp_session_leave_endpoint(ks);
	/* never owned by a task, so never deferred; but be sure */
	if (test_and_clear_bit(KCP_DEFER_TIMER, &ks->flags))
		__sock_put(sk);
	sk->sk_state = TCP_CLOSE;
	sock_orphan(sk);
	bh_unlock_sock(sk);
	sock_put(sk);
}

/**
 * kcp_session_opened() - count and announce a session that just started
 * @ks: the session, established
 * @how: KCP_STAT_A_ACTIVE_OPENS or KCP_STAT_A_PASSIVE_OPENS
 */
void kcp_session_opened(struct kcp_sock *ks, enum kcp_stat_attr how)
{
	kcp_net_count(sock_net(&ks->sk), how, 1);
	kcp_nl_session_event(ks, KCP_NL_CMD_SESSION_OPENED, 0);
}

/**
 * kcp_session_abort() - end a live session at once (an administrator's
 * KCP_NL_CMD_CLOSE_SESSION, as ss -K destroys a TCP socket; SO_LINGER 0,
 * close() with data unread, data after close())
 * @ks: the session; the caller holds a reference and the socket lock
 * @err: what its owner is told, 0 for nothing
 *
 * A kcp.ko peer is reset, so that it learns of the end at once.
 *
 * Return: 0, or -ENOENT if it had already ended.
 */
int kcp_session_abort(struct kcp_sock *ks, int err)
{
	sock_owned_by_me(&ks->sk);
	if (!kcp_session_live(ks))
		return -ENOENT;
	kcp_net_count(sock_net(&ks->sk), KCP_STAT_A_ABORTS, 1);
	kcp_reset_send(ks);
	kcp_session_halt(ks, err);
	return 0;
}

/**
 * kcp_session_keepalive() - proto.keepalive: SO_KEEPALIVE was set or cleared
 * @sk: the socket, locked
 * @on: its new value
 *
 * Called before the socket layer records @on, which the timer must see.
 */
void kcp_session_keepalive(struct sock *sk, int on)
{
	struct kcp_sock *ks = kcp_sk(sk);

	sock_valbool_flag(sk, SOCK_KEEPOPEN, on);
	ks->keepalive.probes = 0;
	if (ks->kcp)
		kcp_session_kick(ks);
}

/*
 * The peer's port is closed (ICMP port unreachable). A session that never
 * heard from its peer, or an orphan still delivering, ends with
 * ECONNREFUSED; one that has heard from it only notes the error (a soft
 * error, as TCP keeps for an established connection): its peer may be
 * restarting, and the dead-link limit or keepalive will tell.
 */
static void kcp_session_refused_locked(struct kcp_sock *ks)
{
	if (!kcp_session_live(ks))
		return;
	if (ks->kcp->stats.in_pkts && !test_bit(KCP_ORPHAN, &ks->flags)) {
		WRITE_ONCE(ks->sk.sk_err_soft, ECONNREFUSED);
		return;
	}
	kcp_net_count(sock_net(&ks->sk), KCP_STAT_A_ICMP_UNREACH, 1);
	kcp_session_halt(ks, ECONNREFUSED);
}

/**
 * kcp_session_refused() - an ICMP port unreachable for this session
 * @ks: the session, referenced by the caller (softirq)
 */
void kcp_session_refused(struct kcp_sock *ks)
{
	struct sock *sk = &ks->sk;

	bh_lock_sock(sk);
	if (!sock_owned_by_user(sk))
		kcp_session_refused_locked(ks);
	else
		set_bit(KCP_DEFER_REFUSED, &ks->flags);
	bh_unlock_sock(sk);
}
