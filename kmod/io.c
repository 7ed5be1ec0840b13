// SPDX-License-Identifier: MIT OR GPL-2.0
/*
 * The data path of a connected AF_KCP socket, as applications see it:
 * send, receive, poll and TCP's queue ioctls. What the engine does with
 * the data is in session.c and the engine's files.
 */
#include <linux/sockios.h>
#include <linux/termios.h>
#include <linux/uio.h>
#include <net/sock.h>
#include <net/tcp_states.h>

#include "af_kcp.h"
#include "session.h"
#include "sock.h"

/* Connected (a handshake may still be under way) and room to queue. */
static bool kcp_can_send(const struct kcp_sock *ks)
{
	return ks->sk.sk_state != TCP_SYN_SENT && kcp_session_may_queue(ks);
}

static bool kcp_can_recv(const struct kcp_sock *ks)
{
	return kcp_engine_peeksize(ks->kcp) >= 0;
}

/*
 * Sleep until @ready, an error, a change of state (a listener that stops
 * listening: EINVAL; a session that ends or shuts down: 0, for the caller
 * to look again), the timeout or a signal. The caller holds the socket
 * lock; it is dropped while sleeping. Listeners wait exclusively: one new
 * session wakes one accept().
 */
int kcp_wait(struct sock *sk, long *timeo,
	     bool (*ready)(const struct kcp_sock *ks))
{
	DEFINE_WAIT_FUNC(wait, woken_wake_function);
	int state = sk->sk_state, shutdown = sk->sk_shutdown;
	int err = 0;

	if (state == TCP_LISTEN)
		add_wait_queue_exclusive(sk_sleep(sk), &wait);
	else
		add_wait_queue(sk_sleep(sk), &wait);
	while (!ready(kcp_sk(sk))) {
		if (sk->sk_err) {
			err = sock_error(sk);	/* already negative */
			break;
		}
		if (sk->sk_state != state || sk->sk_shutdown != shutdown) {
			err = state == TCP_LISTEN ? -EINVAL : 0;
			break;
		}
		if (!*timeo) {
			err = -EAGAIN;
			break;
		}
		if (signal_pending(current)) {
			err = sock_intr_errno(*timeo);
			break;
		}
		release_sock(sk);
		*timeo = wait_woken(&wait, TASK_INTERRUPTIBLE, *timeo);
		lock_sock(sk);
	}
	remove_wait_queue(sk_sleep(sk), &wait);
	return err;
}

__poll_t kcp_poll(struct file *file, struct socket *sock, poll_table *wait)
{
	struct sock *sk = sock->sk;
	struct kcp_sock *ks = kcp_sk(sk);
	__poll_t mask = 0;

	int state = READ_ONCE(sk->sk_state);
	u8 shutdown = READ_ONCE(sk->sk_shutdown);

	sock_poll_wait(file, sock, wait);
	if (READ_ONCE(sk->sk_err))
		mask |= EPOLLERR;
	if (state == TCP_LISTEN) {
		if (READ_ONCE(ks->accept_len))
			mask |= EPOLLIN | EPOLLRDNORM;
		return mask;
	}
	/* not connected yet, or still in the handshake */
	if (state == TCP_SYN_SENT || !READ_ONCE(ks->kcp))
		return mask;
	/* as TCP: hung up once both directions are done */
	if (shutdown == SHUTDOWN_MASK || state == TCP_CLOSE)
		mask |= EPOLLHUP;
	if (shutdown & RCV_SHUTDOWN)
		mask |= EPOLLIN | EPOLLRDNORM | EPOLLRDHUP;
	if (READ_ONCE(ks->readable))
		mask |= EPOLLIN | EPOLLRDNORM;
	if (state == TCP_ESTABLISHED && !(shutdown & SEND_SHUTDOWN) &&
	    READ_ONCE(ks->writable))
		mask |= EPOLLOUT | EPOLLWRNORM;
	return mask;
}

/*
 * TCP's queue ioctls, which tools use to know when everything sent has
 * been acknowledged (SIOCOUTQ reaching 0) and what can be read now.
 */
int kcp_ioctl(struct socket *sock, unsigned int cmd, unsigned long arg)
{
	struct sock *sk = sock->sk;
	struct kcp_sock *ks = kcp_sk(sk);
	int answer = 0;

	if (cmd != SIOCINQ && cmd != SIOCOUTQ)
		return -ENOIOCTLCMD;
	lock_sock(sk);
	if (sk->sk_state == TCP_LISTEN) {
		release_sock(sk);
		return -EINVAL;
	}
	if (ks->kcp && cmd == SIOCINQ)
		answer = max_t(ssize_t, kcp_engine_peeksize(ks->kcp), 0);
	else if (ks->kcp)
		answer = ks->kcp->snd_bytes;
	release_sock(sk);
	return put_user(answer, (int __user *)arg);
}

void kcp_write_space(struct sock *sk)
{
	struct socket_wq *wq;

	rcu_read_lock();
	wq = rcu_dereference(sk->sk_wq);
	if (skwq_has_sleeper(wq))
		wake_up_interruptible_sync_poll(&wq->wait, EPOLLOUT |
						EPOLLWRNORM | EPOLLWRBAND);
	sk_wake_async(sk, SOCK_WAKE_SPACE, POLL_OUT);
	rcu_read_unlock();
}

static int kcp_copy_from_msg(void *dst, size_t len, void *from)
{
	struct msghdr *msg = from;

	return copy_from_iter_full(dst, len, &msg->msg_iter) ? 0 : -EFAULT;
}

static int kcp_copy_to_msg(void *to, const void *src, size_t len)
{
	struct msghdr *msg = to;

	return copy_to_iter(src, len, &msg->msg_iter) == len ? 0 : -EFAULT;
}

/*
 * A stream copies at most this much between looks at the backlog: what
 * arrives while a syscall holds the socket waits in the backlog, and a copy
 * of megabytes (the buffers grow with the windows) would let it overflow
 * and drop the peer's data and ACKs. TCP flushes its backlog likewise.
 */
#define KCP_COPY_CHUNK	(64 * 1024)

int kcp_sendmsg(struct socket *sock, struct msghdr *msg, size_t len)
{
	struct sock *sk = sock->sk;
	struct kcp_sock *ks = kcp_sk(sk);
	long timeo = sock_sndtimeo(sk, msg->msg_flags & MSG_DONTWAIT);
	size_t sent = 0;
	int err = 0;

	if (msg->msg_flags & MSG_OOB)
		return -EOPNOTSUPP;

	lock_sock(sk);
	if (!ks->kcp) {
		err = sk->sk_state == TCP_LISTEN ? -ENOTCONN : -EPIPE;
		goto out;
	}
	if (!ks->cfg.stream && len > KCP_MSG_FRAGMENTS_MAX * ks->kcp->mss) {
		err = -EMSGSIZE;
		goto out;
	}
	while (sent < len || (!len && !ks->cfg.stream && !sent)) {
		ssize_t n;

		/* a session that failed says why once, then EPIPE as TCP */
		err = sock_error(sk);
		if (!err && ((sk->sk_state != TCP_ESTABLISHED &&
			      sk->sk_state != TCP_SYN_SENT) ||
			     (sk->sk_shutdown & SEND_SHUTDOWN)))
			err = -EPIPE;
		if (!err)
			err = kcp_wait(sk, &timeo, kcp_can_send);
		if (err)
			break;
		if (!kcp_can_send(ks))
			continue;	/* woken by a change of state */
		/* message mode: the whole message; stream: up to the buffer */
		n = ks->cfg.stream ?
		    min_t(size_t, min_t(size_t, len - sent, KCP_COPY_CHUNK),
			  READ_ONCE(sk->sk_sndbuf) - ks->kcp->snd_mem) :
		    len;
		n = kcp_engine_send(ks->kcp, n, kcp_copy_from_msg, msg,
				    sk->sk_allocation | __GFP_ACCOUNT);
		if (n < 0) {
			err = n;
			break;
		}
		sent += n;
		kcp_session_kick(ks);
		if (!ks->cfg.stream)
			break;
		sk_flush_backlog(sk);
	}
out:
	if (!sent && err == -EPIPE && !(msg->msg_flags & MSG_NOSIGNAL))
		send_sig(SIGPIPE, current, 0);
	release_sock(sk);
	return sent ? sent : err;
}

/*
 * Drain the backlog with the reader present: the stream's next bytes in it
 * go straight to @msg, up to @room of them (kcp_engine_set_reader()).
 * Return: the bytes copied, or the error of a copy that failed.
 */
static ssize_t kcp_flush_backlog_to(struct kcp_sock *ks, struct msghdr *msg,
				    size_t room)
{
	struct kcp_reader reader = {
		.copy = kcp_copy_to_msg,
		.to = msg,
		.room = room,
	};

	kcp_engine_set_reader(ks->kcp, &reader);
	sk_flush_backlog(&ks->sk);
	kcp_engine_set_reader(ks->kcp, NULL);
	return reader.copied ? reader.copied : reader.err;
}

int kcp_recvmsg(struct socket *sock, struct msghdr *msg, size_t len,
		int flags)
{
	struct sock *sk = sock->sk;
	struct kcp_sock *ks = kcp_sk(sk);
	long timeo = sock_rcvtimeo(sk, flags & MSG_DONTWAIT);
	unsigned int kflags = flags & MSG_PEEK ? KCP_RECV_PEEK : 0;
	size_t copied = 0, msg_len = 0;
	ssize_t direct;
	int err = 0;

	if (flags & (MSG_OOB | MSG_ERRQUEUE))
		return -EOPNOTSUPP;

	lock_sock(sk);
	if (!ks->kcp) {
		err = -ENOTCONN;
		goto out;
	}
	for (;;) {
		size_t want = ks->cfg.stream && !kflags ?
			      min_t(size_t, len - copied, KCP_COPY_CHUNK) :
			      len - copied;
		ssize_t n = kcp_engine_recv(ks->kcp, want, kcp_copy_to_msg,
					    msg, kflags, &msg_len);

		if (n >= 0) {
			copied += n;
			kcp_session_kick(ks);
			if (!ks->cfg.stream || copied == len || kflags)
				break;
			direct = kcp_flush_backlog_to(ks, msg, len - copied);
			if (direct < 0) {
				err = direct;
				break;
			}
			copied += direct;
			if (copied == len)
				break;
			if (n == want || direct || (flags & MSG_WAITALL))
				continue;
			/* what the backlog held may have made more ready */
			if (kcp_engine_peeksize(ks->kcp) > 0)
				continue;
			break;
		}
		if (n != -EAGAIN) {
			err = n;
			break;
		}
		if (copied && !(flags & MSG_WAITALL))
			break;
		/* what came while we held the socket, before waiting */
		if (ks->cfg.stream && !kflags) {
			direct = kcp_flush_backlog_to(ks, msg, len - copied);
			if (direct < 0) {
				err = direct;
				break;
			}
			copied += direct;
			if (direct) {
				kcp_session_kick(ks);
				if (copied == len || !(flags & MSG_WAITALL))
					break;
				continue;
			}
		}
		/* nothing left to read: the error once, then end of file */
		err = sock_error(sk);
		if (err || (sk->sk_shutdown & RCV_SHUTDOWN) ||
		    sk->sk_state == TCP_CLOSE)
			break;
		err = kcp_wait(sk, &timeo, kcp_can_recv);
		if (err)
			break;
	}
	if (!ks->cfg.stream && msg_len > copied) {
		msg->msg_flags |= MSG_TRUNC;
		if (flags & MSG_TRUNC)
			copied = msg_len;
	}
out:
	release_sock(sk);
	return copied || !err ? copied : err;
}

/**
 * kcp_shutdown() - proto_ops.shutdown: TCP's meaning for each direction
 * @sock: a connected socket
 * @how: SHUT_RD, SHUT_WR or SHUT_RDWR
 *
 * SHUT_RD: reads return what is buffered, then 0. SHUT_WR: writes fail
 * with EPIPE; what was written is still delivered, then a kcp.ko peer gets
 * the FIN (EOF).
 *
 * Return: 0, -EINVAL for another @how, -ENOTCONN without a session (or
 * during the handshake), -ENOMEM without memory for the FIN.
 */
int kcp_shutdown(struct socket *sock, int how)
{
	struct sock *sk = sock->sk;
	struct kcp_sock *ks = kcp_sk(sk);
	int err = 0;

	how++;			/* SHUT_RD 0 -> RCV_SHUTDOWN 1, and so on */
	if (!how || (how & ~SHUTDOWN_MASK))
		return -EINVAL;
	lock_sock(sk);
	if (!ks->kcp || sk->sk_state == TCP_SYN_SENT) {
		err = -ENOTCONN;
		goto out;
	}
	if ((how & SEND_SHUTDOWN) && ks->kcp->ext &&
	    !test_bit(KCP_HALTED, &ks->flags)) {
		err = kcp_engine_send_fin(ks->kcp, sk->sk_allocation);
		if (err)
			goto out;
		kcp_session_kick(ks);
	}
	WRITE_ONCE(sk->sk_shutdown, sk->sk_shutdown | how);
	sk->sk_state_change(sk);
out:
	release_sock(sk);
	return err;
}
