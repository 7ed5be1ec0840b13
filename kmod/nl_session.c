// SPDX-License-Identifier: MIT OR GPL-2.0
/*
 * Sessions over netlink: one session, a dump of the namespace's registry
 * (kmod/net.c) with filters, aborting one, and the open and close
 * notifications.
 *
 * A dump walks the registry by id. Ids only grow and the registry lists
 * sessions oldest first, so resuming after the last id sent lists no
 * session twice and misses none that lived through the whole dump, however
 * many open and close meanwhile; the registry's generation flags a dump
 * during which it changed (NLM_F_DUMP_INTR), as for TCP's inet_diag.
 * Filling a session takes its socket lock, which sleeps, so sessions are
 * taken from the registry in small batches, each with a reference.
 */
#include <uapi/linux/kcp_netlink.h>
#include <net/genetlink.h>
#include <net/sock.h>

#include "compat.h"
#include "endpoint.h"
#include "lifecycle.h"
#include "net.h"
#include "netlink.h"
#include "session.h"
#include "sock.h"
#include "sockopt.h"

/*
 * A binary sockaddr attribute: AF_INET with room for a sockaddr_in, or
 * AF_INET6 with room for a sockaddr_in6. Checked in the policy, so that
 * a dump's filter is refused with its reason on every kernel (6.1 gives a
 * dump's start callback no extended ack).
 */
static int kcp_nl_validate_addr(const struct nlattr *a,
				struct netlink_ext_ack *extack)
{
	const struct sockaddr *sa = nla_data(a);
	size_t need;

	if (nla_len(a) < sizeof(sa->sa_family)) {
		NL_SET_ERR_MSG_ATTR(extack, a, "address too short");
		return -ERANGE;
	}
	switch (sa->sa_family) {
	case AF_INET:
		need = sizeof(struct sockaddr_in);
		break;
	case AF_INET6:
		need = sizeof(struct sockaddr_in6);
		break;
	default:
		NL_SET_ERR_MSG_ATTR(extack, a, "address family must be AF_INET or AF_INET6");
		return -EAFNOSUPPORT;
	}
	if (nla_len(a) < need) {
		NL_SET_ERR_MSG_ATTR(extack, a, "address too short for its family");
		return -ERANGE;
	}
	return 0;
}

#define KCP_NL_ADDR	NLA_POLICY_VALIDATE_FN(NLA_BINARY, kcp_nl_validate_addr)

const struct nla_policy kcp_nl_session_policy[KCP_SESSION_A_MAX + 1] = {
	[KCP_SESSION_A_ID]	= { .type = NLA_U64 },
	[KCP_SESSION_A_STATE]	= NLA_POLICY_MAX(NLA_U32, TCP_MAX_STATES - 1),
	[KCP_SESSION_A_LOCAL]	= KCP_NL_ADDR,
	[KCP_SESSION_A_PEER]	= KCP_NL_ADDR,
};

/* What a dump lists: addresses and ports set in the filter must match. */
struct kcp_nl_filter {
	union kcp_addr local;
	union kcp_addr peer;
	u32 state;		/* 0: any (no TCP state is 0) */
};

/* A dump's cursor, in cb->ctx. */
struct kcp_nl_dump {
	struct kcp_nl_filter *filter;
	u64 last_id;
};

#define KCP_NL_BATCH	16

/* An address attribute the policy has checked (kcp_nl_validate_addr()). */
static void kcp_nl_get_addr(const struct nlattr *a, union kcp_addr *addr)
{
	const struct sockaddr *sa = nla_data(a);

	memset(addr, 0, sizeof(*addr));
	memcpy(addr, sa, sa->sa_family == AF_INET6 ?
	       sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in));
}

static int kcp_nl_put_addr(struct sk_buff *msg, int type,
			   const union kcp_addr *addr)
{
	size_t len = addr->sa.sa_family == AF_INET6 ?
		     sizeof(addr->v6) : sizeof(addr->v4);

	return nla_put(msg, type, len, addr);
}

/* Does @addr match @want (its wildcard address and port 0 match any)? */
static bool kcp_nl_addr_match(const union kcp_addr *want,
			      const union kcp_addr *addr)
{
	if (!want->sa.sa_family)
		return true;
	if (want->sa.sa_family != addr->sa.sa_family)
		return false;
	if (want->sa.sa_family == AF_INET) {
		if (want->v4.sin_port && want->v4.sin_port != addr->v4.sin_port)
			return false;
		return want->v4.sin_addr.s_addr == htonl(INADDR_ANY) ||
		       want->v4.sin_addr.s_addr == addr->v4.sin_addr.s_addr;
	}
	if (want->v6.sin6_port && want->v6.sin6_port != addr->v6.sin6_port)
		return false;
	return ipv6_addr_any(&want->v6.sin6_addr) ||
	       ipv6_addr_equal(&want->v6.sin6_addr, &addr->v6.sin6_addr);
}

/* Socket lock held: the fields the engine and the lifecycle change. */
static bool kcp_nl_filter_match(const struct kcp_nl_filter *f,
				const struct kcp_sock *ks)
{
	if (!f)
		return true;
	if (f->state && f->state != kcp_session_state(ks))
		return false;
	return kcp_nl_addr_match(&f->local, &ks->local) &&
	       kcp_nl_addr_match(&f->peer, &ks->peer);
}

/*
 * The attributes every description of a session has, for replies and
 * notifications alike; the socket lock held, or (for notifications) at a
 * point where the session's fields no longer change.
 */
static int kcp_nl_put_session_id(struct sk_buff *msg, struct kcp_sock *ks,
				 struct user_namespace *user_ns)
{
	struct sock *sk = &ks->sk;

	if (nla_put_u64_64bit(msg, KCP_SESSION_A_ID, ks->id, KCP_SESSION_A_PAD) ||
	    nla_put_u32(msg, KCP_SESSION_A_STATE, kcp_session_state(ks)) ||
	    nla_put_u32(msg, KCP_SESSION_A_CONV, ks->conv) ||
	    (ks->local.sa.sa_family &&
	     kcp_nl_put_addr(msg, KCP_SESSION_A_LOCAL, &ks->local)) ||
	    kcp_nl_put_addr(msg, KCP_SESSION_A_PEER, &ks->peer) ||
	    nla_put_string(msg, KCP_SESSION_A_PROFILE, ks->profile) ||
	    nla_put_u32(msg, KCP_SESSION_A_UID,
			from_kuid_munged(user_ns, sk->sk_uid)))
		return -EMSGSIZE;
	return 0;
}

/* One session as a reply message; its socket lock held. */
static int kcp_nl_fill_session(struct sk_buff *msg, struct kcp_sock *ks,
			       u32 portid, u32 seq, int flags,
			       struct user_namespace *user_ns,
			       struct netlink_callback *cb)
{
	struct kcp_info info;
	struct nlattr *nest;
	void *hdr;

	hdr = genlmsg_put(msg, portid, seq, &kcp_nl_family, flags,
			  KCP_NL_CMD_GET_SESSION);
	if (!hdr)
		return -EMSGSIZE;
	if (cb)
		genl_dump_check_consistent(cb, hdr);
	kcp_sock_fill_info(ks, &info);
	nest = nla_nest_start(msg, KCP_A_SESSION);
	if (!nest || kcp_nl_put_session_id(msg, ks, user_ns) ||
	    nla_put_u64_64bit(msg, KCP_SESSION_A_INODE, sock_i_ino(&ks->sk),
			      KCP_SESSION_A_PAD) ||
	    (test_bit(KCP_ORPHAN, &ks->flags) &&
	     nla_put_flag(msg, KCP_SESSION_A_ORPHAN)) ||
	    nla_put(msg, KCP_SESSION_A_INFO, sizeof(info), &info)) {
		genlmsg_cancel(msg, hdr);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	genlmsg_end(msg, hdr);
	return 0;
}

/* The session with this id, with a reference, or NULL. */
static struct kcp_sock *kcp_nl_find(struct net *net, u64 id)
{
	struct kcp_net *kn = kcp_net(net);
	struct kcp_sock *ks, *found = NULL;

	spin_lock_bh(&kn->lock);
	list_for_each_entry(ks, &kn->sessions, net_node) {
		if (ks->id != id)
			continue;
		if (refcount_inc_not_zero(&ks->sk.sk_refcnt))
			found = ks;
		break;
	}
	spin_unlock_bh(&kn->lock);
	return found;
}

/* The session a request's KCP_A_SESSION { ID } names, with a reference. */
static struct kcp_sock *kcp_nl_session_of(struct genl_info *info, int *err)
{
	struct nlattr *tb[KCP_SESSION_A_MAX + 1];
	struct nlattr *nest = info->attrs[KCP_A_SESSION];
	struct kcp_sock *ks;

	*err = -EINVAL;
	if (GENL_REQ_ATTR_CHECK(info, KCP_A_SESSION))
		return NULL;
	*err = nla_parse_nested(tb, KCP_SESSION_A_MAX, nest,
				kcp_nl_session_policy, info->extack);
	if (*err)
		return NULL;
	if (!tb[KCP_SESSION_A_ID]) {
		NL_SET_ERR_ATTR_MISS(info->extack, nest, KCP_SESSION_A_ID);
		NL_SET_ERR_MSG(info->extack, "a session id is required");
		*err = -EINVAL;
		return NULL;
	}
	ks = kcp_nl_find(genl_info_net(info), nla_get_u64(tb[KCP_SESSION_A_ID]));
	if (!ks) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[KCP_SESSION_A_ID],
				    "no such session");
		*err = -ENOENT;
	}
	return ks;
}

int kcp_nl_get_session(struct sk_buff *skb, struct genl_info *info)
{
	struct kcp_sock *ks;
	struct sk_buff *msg;
	int err;

	ks = kcp_nl_session_of(info, &err);
	if (!ks)
		return err;
	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg) {
		sock_put(&ks->sk);
		return -ENOMEM;
	}
	lock_sock(&ks->sk);
	err = kcp_nl_fill_session(msg, ks, info->snd_portid, info->snd_seq, 0,
				  sk_user_ns(NETLINK_CB(skb).sk), NULL);
	release_sock(&ks->sk);
	sock_put(&ks->sk);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

int kcp_nl_dump_sessions_start(struct netlink_callback *cb)
{
	struct kcp_nl_dump *d = (struct kcp_nl_dump *)cb->ctx;
	struct nlattr *nest = kcp_dump_attrs(cb)[KCP_A_SESSION];
	struct nlattr *tb[KCP_SESSION_A_MAX + 1];
	struct kcp_nl_filter *f;
	int err;

	BUILD_BUG_ON(sizeof(*d) > sizeof(cb->ctx));
	memset(d, 0, sizeof(*d));
	if (!nest)
		return 0;
	err = nla_parse_nested(tb, KCP_SESSION_A_MAX, nest,
			       kcp_nl_session_policy, cb->extack);
	if (err)
		return err;
	f = kzalloc(sizeof(*f), GFP_KERNEL);
	if (!f)
		return -ENOMEM;
	if (tb[KCP_SESSION_A_LOCAL])
		kcp_nl_get_addr(tb[KCP_SESSION_A_LOCAL], &f->local);
	if (tb[KCP_SESSION_A_PEER])
		kcp_nl_get_addr(tb[KCP_SESSION_A_PEER], &f->peer);
	if (tb[KCP_SESSION_A_STATE])
		f->state = nla_get_u32(tb[KCP_SESSION_A_STATE]);
	d->filter = f;
	return 0;
}

/*
 * Up to KCP_NL_BATCH sessions after @last_id, each with a reference, and
 * the ids they had then (a failed connect() may give its socket a new one).
 */
static int kcp_nl_take_batch(struct kcp_net *kn, u64 last_id,
			     struct kcp_sock **batch, u64 *ids,
			     struct netlink_callback *cb)
{
	struct kcp_sock *ks;
	int n = 0;

	spin_lock_bh(&kn->lock);
	cb->seq = kn->generation;
	list_for_each_entry(ks, &kn->sessions, net_node) {
		if (ks->id <= last_id ||
		    !refcount_inc_not_zero(&ks->sk.sk_refcnt))
			continue;
		ids[n] = ks->id;
		batch[n++] = ks;
		if (n == KCP_NL_BATCH)
			break;
	}
	spin_unlock_bh(&kn->lock);
	return n;
}

int kcp_nl_dump_sessions(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct kcp_nl_dump *d = (struct kcp_nl_dump *)cb->ctx;
	struct kcp_net *kn = kcp_net(sock_net(skb->sk));
	struct user_namespace *user_ns = sk_user_ns(NETLINK_CB(cb->skb).sk);
	u32 portid = NETLINK_CB(cb->skb).portid, seq = cb->nlh->nlmsg_seq;
	struct kcp_sock *batch[KCP_NL_BATCH];
	u64 ids[KCP_NL_BATCH];
	int i, n, err = 0;

	while (!err &&
	       (n = kcp_nl_take_batch(kn, d->last_id, batch, ids, cb))) {
		for (i = 0; i < n; i++) {
			struct kcp_sock *ks = batch[i];

			if (!err) {
				lock_sock(&ks->sk);
				/* unless a failed connect() discarded it meanwhile */
				if (ks->id == ids[i] &&
				    kcp_nl_filter_match(d->filter, ks))
					err = kcp_nl_fill_session(skb, ks, portid, seq,
								  NLM_F_MULTI,
								  user_ns, cb);
				release_sock(&ks->sk);
				if (!err)
					d->last_id = ids[i];
			}
			sock_put(&ks->sk);
		}
	}
	return skb->len;
}

int kcp_nl_dump_sessions_done(struct netlink_callback *cb)
{
	struct kcp_nl_dump *d = (struct kcp_nl_dump *)cb->ctx;

	kfree(d->filter);
	return 0;
}

int kcp_nl_close_session(struct sk_buff *skb, struct genl_info *info)
{
	struct kcp_sock *ks;
	int err;

	ks = kcp_nl_session_of(info, &err);
	if (!ks)
		return err;
	lock_sock(&ks->sk);
	err = kcp_session_abort(ks, ECONNABORTED);
	release_sock(&ks->sk);
	sock_put(&ks->sk);
	if (err)
		NL_SET_ERR_MSG(info->extack, "the session has already ended");
	return err;
}

/**
 * kcp_nl_session_ended() - announce a session's end, once
 * @ks: a session that ended (halted, stopped, or being freed)
 * @reason: the error it ended with, 0 for a clean end
 */
void kcp_nl_session_ended(struct kcp_sock *ks, int reason)
{
	if (ks->id && !test_and_set_bit(KCP_ENDED, &ks->flags))
		kcp_nl_session_event(ks, KCP_NL_CMD_SESSION_CLOSED, reason);
}

/**
 * kcp_nl_session_event() - announce a session's start or end
 * @ks: a registered session (kcp_net_add() or kcp_net_del())
 * @cmd: KCP_NL_CMD_SESSION_OPENED or KCP_NL_CMD_SESSION_CLOSED
 * @reason: for a close, the error it ended with (0: a clean end)
 */
void kcp_nl_session_event(struct kcp_sock *ks, u8 cmd, int reason)
{
	struct net *net = sock_net(&ks->sk);
	struct sk_buff *msg;
	struct nlattr *nest;
	void *hdr;

	msg = kcp_nl_event_new(net, cmd, KCP_A_SESSION, GFP_ATOMIC, &hdr, &nest);
	if (!msg)
		return;
	if (kcp_nl_put_session_id(msg, ks, net->user_ns) ||
	    (cmd == KCP_NL_CMD_SESSION_CLOSED &&
	     nla_put_u32(msg, KCP_SESSION_A_REASON, reason))) {
		nlmsg_free(msg);
		return;
	}
	kcp_nl_event_send(net, msg, hdr, nest);
}
