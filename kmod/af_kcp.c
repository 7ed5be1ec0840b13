// SPDX-License-Identifier: MIT OR GPL-2.0
/*
 * The AF_KCP socket family: what applications call. SOCK_STREAM carries a
 * byte stream (KCP stream mode), SOCK_SEQPACKET keeps message boundaries
 * (KCP message mode). Sending and receiving are in io.c, what drives the
 * engine in session.c, the UDP side in endpoint.c.
 *
 * An out-of-tree module cannot claim a new AF_ number, so kcp.ko borrows an
 * obsolete one (see include/uapi/linux/kcp.h for why 19). The read-only
 * "family" module parameter moves it and tells userspace the number in use.
 *
 * Stock KCP has no handshake, so connect() completes at once: the first
 * datagram the peer sees is data. The tables are at the bottom of the file.
 */
#include <linux/capability.h>
#include <linux/module.h>
#include <linux/net.h>
#include <linux/random.h>
#include <linux/socket.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/route.h>
#include <net/sock.h>
#include <net/tcp_states.h>
#include <uapi/linux/kcp.h>

#include "af_kcp.h"
#include "compat.h"
#include "endpoint.h"
#include "handshake.h"
#include "lifecycle.h"
#include "net.h"
#include "profile.h"
#include "session.h"
#include "sock.h"
#include "sockopt.h"

static int family = AF_KCP_DEFAULT;
module_param(family, int, 0444);
MODULE_PARM_DESC(family, "address family number to register AF_KCP as (default "
		 __stringify(AF_KCP_DEFAULT) ")");

static struct proto kcp_proto;
static const struct proto_ops kcp_ops;

/**
 * kcp_af_family() - the address family number kcp.ko registered
 *
 * Return: the number (the family module parameter).
 */
int kcp_af_family(void)
{
	return family;
}

/*
 * A new socket starts from its namespace's default profile: unless an
 * administrator chose another, the built-in "default", ikcp's rules with a
 * 10 ms clock and 128-segment windows, usable on today's links, and
 * nothing held for the periodic flush (kmod/profile.c).
 */
static int kcp_sock_config_init(struct kcp_sock *ks, int type)
{
	struct kcp_profile p;

	kcp_config_init(&ks->cfg);
	ks->cfg.stream = type == SOCK_STREAM;
	kcp_profile_default(sock_net(&ks->sk), &p);
	return kcp_sock_take_profile(ks, &p, false);
}

/*
 * Check a sockaddr_kcp from userspace and extract the UDP address.
 * Errors are the ones a TCP user would expect: EINVAL for a short or
 * malformed address, EAFNOSUPPORT for a family we do not carry.
 */
static int kcp_parse_addr(const struct sockaddr *uaddr, int len,
			  union kcp_addr *addr, u32 *conv)
{
	const struct sockaddr_kcp *skcp = (const struct sockaddr_kcp *)uaddr;

	if (len < (int)sizeof(*skcp))
		return -EINVAL;
	if (skcp->kcp_family != family)
		return -EAFNOSUPPORT;
	if (skcp->kcp_reserved)
		return -EINVAL;

	memset(addr, 0, sizeof(*addr));
	switch (skcp->kcp_udp.sin.sin_family) {
	case AF_INET:
		addr->v4 = skcp->kcp_udp.sin;
		break;
	case AF_INET6:
		if (!IS_ENABLED(CONFIG_IPV6))
			return -EAFNOSUPPORT;
		addr->v6 = skcp->kcp_udp.sin6;
		if (ipv6_addr_v4mapped(&addr->v6.sin6_addr))
			return -EAFNOSUPPORT;	/* bind an AF_INET address instead */
		break;
	default:
		return -EAFNOSUPPORT;
	}
	*conv = skcp->kcp_conv;
	return 0;
}

/*
 * The system's rules for a UDP bind, which the kernel socket underneath
 * would not apply to the user: ports below ip_unprivileged_port_start take
 * CAP_NET_BIND_SERVICE. (The LSM's socket_bind hook has already seen the
 * sockaddr_kcp in bind().)
 */
static int kcp_bind_allowed(struct sock *sk, const union kcp_addr *addr)
{
	struct net *net = sock_net(sk);
	unsigned short port = ntohs(addr->sa.sa_family == AF_INET6 ?
				    addr->v6.sin6_port : addr->v4.sin_port);

	if (port && inet_port_requires_bind_service(net, port) &&
	    !ns_capable(net->user_ns, CAP_NET_BIND_SERVICE))
		return -EACCES;
	return 0;
}

/*
 * As UDP's connect(): a broadcast peer takes SO_BROADCAST, so that a
 * program does not flood a subnet by mistake.
 */
static int kcp_peer_allowed(struct sock *sk, const union kcp_addr *addr)
{
	__be32 daddr = addr->v4.sin_addr.s_addr;

	if (addr->sa.sa_family != AF_INET || sock_flag(sk, SOCK_BROADCAST))
		return 0;
	if (ipv4_is_lbcast(daddr) ||
	    inet_addr_type(sock_net(sk), daddr) == RTN_BROADCAST)
		return -EACCES;
	return 0;
}

static int kcp_bind_locked(struct sock *sk, const union kcp_addr *addr)
{
	struct kcp_sock *ks = kcp_sk(sk);
	int err;

	if (ks->ep)
		return -EINVAL;		/* already bound */
	err = kcp_bind_allowed(sk, addr);
	if (err)
		return err;
	return kcp_endpoint_get(sock_net(sk), addr, sk->sk_reuse == SK_CAN_REUSE,
				sk->sk_uid, &ks->ep);
}

static int kcp_bind(struct socket *sock, struct sockaddr *uaddr, int len)
{
	struct sock *sk = sock->sk;
	union kcp_addr addr;
	u32 conv;
	int err;

	err = kcp_parse_addr(uaddr, len, &addr, &conv);
	if (err)
		return err;
	lock_sock(sk);
	err = kcp_bind_locked(sk, &addr);
	release_sock(sk);
	return err;
}

/* A conversation id no other session of the endpoint uses with this peer. */
static u32 kcp_pick_conv(void)
{
	u32 conv;

	do {
		conv = get_random_u32();
	} while (!conv);
	return conv;
}

static bool kcp_connected(const struct kcp_sock *ks)
{
	return ks->sk.sk_state != TCP_SYN_SENT;
}

/*
 * A kcp.ko server's handshake under way: wait for it as TCP's connect()
 * does, unless non-blocking (EINPROGRESS, then EALREADY; the socket polls
 * EPOLLOUT once connected), or SO_SNDTIMEO runs out first (EINPROGRESS).
 */
static int kcp_connect_wait(struct socket *sock, int flags, bool first)
{
	struct sock *sk = sock->sk;
	long timeo = sock_sndtimeo(sk, flags & O_NONBLOCK);
	int err = 0;

	if (sk->sk_state == TCP_SYN_SENT) {
		if (!timeo)
			return first ? -EINPROGRESS : -EALREADY;
		err = kcp_wait(sk, &timeo, kcp_connected);
		if (err == -EAGAIN)
			return -EINPROGRESS;
		if (err && sk->sk_state == TCP_SYN_SENT)
			return err;	/* a signal */
	}
	if (sk->sk_state == TCP_CLOSE) {
		/* refused, reset or timed out: the error, once */
		sock->state = SS_DISCONNECTING;
		return err ?: sock_error(sk) ?: -ECONNABORTED;
	}
	sock->state = SS_CONNECTED;
	return 0;
}

static int kcp_connect(struct socket *sock, struct sockaddr *uaddr, int len,
		       int flags)
{
	struct sock *sk = sock->sk;
	struct kcp_sock *ks = kcp_sk(sk);
	union kcp_addr addr, any;
	int err, tries;
	u32 conv;

	err = kcp_parse_addr(uaddr, len, &addr, &conv);
	if (err)
		return err;

	lock_sock(sk);
	if (sock->state == SS_CONNECTING) {
		err = kcp_connect_wait(sock, flags, false);
		goto out;
	}
	if (ks->kcp) {
		/* as TCP: a failed connect() may try again, a session never */
		if (sock->state != SS_DISCONNECTING) {
			err = -EISCONN;
			goto out;
		}
		kcp_session_discard(ks);
		sock->state = SS_UNCONNECTED;
	}
	if (sk->sk_state == TCP_LISTEN) {
		err = -EINVAL;
		goto out;
	}
	err = kcp_peer_allowed(sk, &addr);
	if (err)
		goto out;
	if (!ks->ep) {
		memset(&any, 0, sizeof(any));
		any.sa.sa_family = addr.sa.sa_family;
		err = kcp_bind_locked(sk, &any);
		if (err)
			goto out;
	}
	if (ks->ep->local.sa.sa_family != addr.sa.sa_family) {
		err = -EAFNOSUPPORT;
		goto out;
	}

	ks->peer = addr;
	ks->local = ks->ep->local;
	for (tries = 0; tries < 8; tries++) {
		ks->conv = conv ? conv : kcp_pick_conv();
		err = kcp_session_start(ks, GFP_KERNEL);
		if (err != -EADDRINUSE || conv)
			break;
	}
	if (err)
		goto out;
	if (ks->stock) {
		/* a stock server has no handshake: connected at once */
		sk->sk_state = TCP_ESTABLISHED;
		kcp_session_opened(ks, KCP_STAT_A_ACTIVE_OPENS);
		sock->state = SS_CONNECTED;
		goto out;
	}
	sk->sk_state = TCP_SYN_SENT;
	kcp_handshake_connect(ks);
	kcp_session_kick(ks);
	sock->state = SS_CONNECTING;
	err = kcp_connect_wait(sock, flags, true);
out:
	release_sock(sk);
	return err;
}

static int kcp_listen(struct socket *sock, int backlog)
{
	struct sock *sk = sock->sk;
	struct kcp_sock *ks = kcp_sk(sk);
	int err = 0;

	lock_sock(sk);
	if (sock->state != SS_UNCONNECTED || !ks->ep) {
		err = -EINVAL;		/* connected, or not bound */
		goto out;
	}
	if (sk->sk_state != TCP_LISTEN) {
		err = kcp_endpoint_listen(ks->ep, ks);
		if (err)
			goto out;
		sk->sk_state = TCP_LISTEN;
	}
	WRITE_ONCE(sk->sk_max_ack_backlog, backlog);
out:
	release_sock(sk);
	return err;
}

static bool kcp_can_accept(const struct kcp_sock *ks)
{
	return READ_ONCE(ks->accept_len);
}

static struct kcp_sock *kcp_accept_dequeue(struct kcp_sock *listener)
{
	struct kcp_sock *child;

	spin_lock_bh(&listener->accept_lock);
	child = list_first_entry_or_null(&listener->accept_queue,
					 struct kcp_sock, accept_node);
	if (child)
		kcp_accept_unlink(listener, child);
	spin_unlock_bh(&listener->accept_lock);
	return child;
}

static int kcp_accept_impl(struct socket *sock, struct socket *newsock,
			   struct proto_accept_arg *arg)
{
	struct sock *sk = sock->sk;
	long timeo = sock_rcvtimeo(sk, arg->flags & O_NONBLOCK);
	struct kcp_sock *child = NULL;
	int err;

	lock_sock(sk);
	if (sk->sk_state != TCP_LISTEN) {
		err = -EINVAL;
		goto out;
	}
	err = kcp_wait(sk, &timeo, kcp_can_accept);
	if (!err)
		child = kcp_accept_dequeue(kcp_sk(sk));
	if (!err && !child)
		err = -EAGAIN;
	if (err)
		goto out;

	lock_sock_nested(&child->sk, SINGLE_DEPTH_NESTING);	/* under the listener */
	sock_graft(&child->sk, newsock);
	newsock->state = SS_CONNECTED;
	release_sock(&child->sk);
out:
	release_sock(sk);
	return err;
}

KCP_DEFINE_ACCEPT(kcp_accept, kcp_accept_impl)

static int kcp_getname(struct socket *sock, struct sockaddr *uaddr, int peer)
{
	struct sockaddr_kcp *skcp = (struct sockaddr_kcp *)uaddr;
	struct sock *sk = sock->sk;
	struct kcp_sock *ks = kcp_sk(sk);
	int err = sizeof(*skcp);

	memset(skcp, 0, sizeof(*skcp));
	skcp->kcp_family = family;
	lock_sock(sk);
	if (peer) {
		if (sk->sk_state != TCP_ESTABLISHED)
			err = -ENOTCONN;
		else
			memcpy(&skcp->kcp_udp, &ks->peer, sizeof(skcp->kcp_udp));
	} else if (ks->ep) {
		memcpy(&skcp->kcp_udp, &ks->ep->local, sizeof(skcp->kcp_udp));
	}
	if (sk->sk_state == TCP_ESTABLISHED)
		skcp->kcp_conv = ks->conv;
	release_sock(sk);
	return err;
}

/* Sessions that arrived on a listener nobody will accept now. */
static void kcp_release_unaccepted(struct kcp_sock *listener)
{
	struct kcp_sock *child;

	while ((child = kcp_accept_dequeue(listener))) {
		struct sock *csk = &child->sk;

		lock_sock_nested(csk, SINGLE_DEPTH_NESTING);
		kcp_endpoint_unuse(child->ep);
		/* as TCP's listener resets its unaccepted children */
		kcp_session_abort(child, 0);
		kcp_session_stop(child);
		csk->sk_state = TCP_CLOSE;
		sock_orphan(csk);
		release_sock(csk);
		sock_put(csk);
	}
}

static int kcp_release(struct socket *sock)
{
	struct sock *sk = sock->sk;
	struct kcp_sock *ks;

	if (!sk)
		return 0;
	ks = kcp_sk(sk);

	lock_sock(sk);
	if (sk->sk_state == TCP_LISTEN) {
		sk->sk_state = TCP_CLOSE;
		kcp_endpoint_unlisten(ks->ep, ks);
		kcp_release_unaccepted(ks);
	}
	if (ks->ep)
		kcp_endpoint_unuse(ks->ep);
	kcp_session_close(ks);		/* stopped, or an orphan delivering */
	sock_orphan(sk);
	sock->sk = NULL;
	release_sock(sk);
	sock_put(sk);
	return 0;
}

static void kcp_sock_destruct(struct sock *sk)
{
	struct kcp_sock *ks = kcp_sk(sk);

	kcp_session_free(ks);
	if (ks->ep)
		kcp_endpoint_put(ks->ep);
}

static int kcp_create(struct net *net, struct socket *sock, int protocol,
		      int kern)
{
	struct kcp_sock *ks;
	struct sock *sk;

	if (sock->type != SOCK_STREAM && sock->type != SOCK_SEQPACKET)
		return -ESOCKTNOSUPPORT;
	if (protocol)
		return -EPROTONOSUPPORT;

	sk = sk_alloc(net, family, GFP_KERNEL, &kcp_proto, kern);
	if (!sk)
		return -ENOMEM;
	sock->ops = &kcp_ops;
	sock_init_data(sock, sk);
	sk->sk_destruct = kcp_sock_destruct;
	sk->sk_write_space = kcp_write_space;
	sk->sk_backlog_rcv = kcp_proto.backlog_rcv;
	sock_set_flag(sk, SOCK_RCU_FREE);

	ks = kcp_sk(sk);
	kcp_session_init(ks);
	/* a stored profile is valid: only a changed kcp.ko could refuse it */
	if (WARN_ON_ONCE(kcp_sock_config_init(ks, sock->type))) {
		sock_orphan(sk);
		sock->sk = NULL;
		sk_free(sk);
		return -EINVAL;
	}
	return 0;
}

static struct proto kcp_proto = {
	.name		= "KCP",
	.owner		= THIS_MODULE,
	.obj_size	= sizeof(struct kcp_sock),
	.backlog_rcv	= kcp_session_backlog_rcv,
	.release_cb	= kcp_session_release_cb,
	.keepalive	= kcp_session_keepalive,
};

static const struct proto_ops kcp_ops = {
	.owner		= THIS_MODULE,
	.release	= kcp_release,
	.bind		= kcp_bind,
	.connect	= kcp_connect,
	.socketpair	= sock_no_socketpair,
	.accept		= kcp_accept,
	.getname	= kcp_getname,
	.poll		= kcp_poll,
	.ioctl		= kcp_ioctl,
	.listen		= kcp_listen,
	.shutdown	= kcp_shutdown,
	.setsockopt	= kcp_setsockopt,
	.getsockopt	= kcp_getsockopt,
	.sendmsg	= kcp_sendmsg,
	.recvmsg	= kcp_recvmsg,
	.mmap		= sock_no_mmap,
};

static struct net_proto_family kcp_family_ops = {
	.owner	= THIS_MODULE,
	.create	= kcp_create,
};

/**
 * kcp_af_init() - register the protocol and claim the AF_KCP slot
 *
 * Return: 0, -EINVAL for a family number outside 1..AF_MAX-1, -EEXIST
 * when another family already holds the slot, or a registration error.
 */
int kcp_af_init(void)
{
	int err;

	if (family <= AF_UNSPEC || family >= AF_MAX) {
		pr_err("family=%d is outside 1..%d\n", family, AF_MAX - 1);
		return -EINVAL;
	}
	kcp_family_ops.family = family;

	err = proto_register(&kcp_proto, 1);	/* sockets get a slab cache */
	if (err)
		return err;
	err = sock_register(&kcp_family_ops);
	if (err) {
		pr_err("address family %d is taken (%d); load with family=N to move AF_KCP\n",
		       family, err);
		proto_unregister(&kcp_proto);
	}
	return err;
}

/**
 * kcp_af_exit() - release the AF_KCP slot and the protocol
 */
void kcp_af_exit(void)
{
	sock_unregister(family);
	proto_unregister(&kcp_proto);
}
