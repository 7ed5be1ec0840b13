// SPDX-License-Identifier: MIT OR GPL-2.0
/*
 * Sessions over netlink: one by id, a filtered dump, and aborting one.
 * The kernel filters by address, port and state; the local port in
 * either family (kcpctl session port N) is matched here, since a kernel
 * filter address has one family.
 */
#include <errno.h>
#include <string.h>
#include <netinet/in.h>
#include <netlink/netlink.h>
#include <netlink/genl/genl.h>

#include "libkcp.h"
#include "ctl.h"

/* A binary sockaddr_in or sockaddr_in6, checked against its family. */
static int get_addr(const struct nlattr *a, struct sockaddr_storage *ss)
{
	size_t len = (size_t)nla_len(a), need;
	sa_family_t family;

	if (len < sizeof(family))
		return -EBADMSG;
	memcpy(&family, nla_data(a), sizeof(family));
	if (family == AF_INET)
		need = sizeof(struct sockaddr_in);
	else if (family == AF_INET6)
		need = sizeof(struct sockaddr_in6);
	else
		need = sizeof(family);	/* AF_UNSPEC: left its endpoint */
	if (len < need)
		return -EBADMSG;
	memset(ss, 0, sizeof(*ss));
	memcpy(ss, nla_data(a), need);
	return 0;
}

int kcp_ctl_parse_session(struct nlattr *nest, struct kcp_session *s)
{
	static const uint8_t u32_attrs[] = {
		KCP_SESSION_A_STATE, KCP_SESSION_A_CONV, KCP_SESSION_A_UID,
		KCP_SESSION_A_REASON,
	};
	uint32_t *u32_fields[] = { &s->state, &s->conv, &s->uid, &s->reason };
	struct nlattr *tb[KCP_SESSION_A_MAX + 1];
	size_t i;
	int t;

	memset(s, 0, sizeof(*s));
	if (nla_parse_nested(tb, KCP_SESSION_A_MAX, nest, NULL) < 0 ||
	    !tb[KCP_SESSION_A_ID] || kcp_ctl_get_u64(tb[KCP_SESSION_A_ID], &s->id))
		return -EBADMSG;
	for (i = 0; i < sizeof(u32_attrs); i++)
		if (tb[u32_attrs[i]] &&
		    kcp_ctl_get_u32(tb[u32_attrs[i]], u32_fields[i]))
			return -EBADMSG;
	if ((tb[KCP_SESSION_A_INODE] &&
	     kcp_ctl_get_u64(tb[KCP_SESSION_A_INODE], &s->inode)) ||
	    (tb[KCP_SESSION_A_LOCAL] && get_addr(tb[KCP_SESSION_A_LOCAL], &s->local)) ||
	    (tb[KCP_SESSION_A_PEER] && get_addr(tb[KCP_SESSION_A_PEER], &s->peer)))
		return -EBADMSG;
	if (tb[KCP_SESSION_A_PROFILE])
		kcp_ctl_get_string(tb[KCP_SESSION_A_PROFILE], s->profile,
				   sizeof(s->profile));
	s->orphan = tb[KCP_SESSION_A_ORPHAN];
	if (tb[KCP_SESSION_A_INFO]) {
		/* an older kernel's struct is a prefix, a newer one's longer */
		s->info_len = (size_t)nla_len(tb[KCP_SESSION_A_INFO]);
		if (s->info_len > sizeof(s->info))
			s->info_len = sizeof(s->info);
		memcpy(&s->info, nla_data(tb[KCP_SESSION_A_INFO]), s->info_len);
	}
	for (t = 1; t <= KCP_SESSION_A_MAX; t++)
		if (tb[t])
			s->present |= KCP_CTL_BIT(t);
	return 0;
}

static int get_reply(struct nlattr **tb, void *arg)
{
	if (!tb[KCP_A_SESSION])
		return -EBADMSG;
	return kcp_ctl_parse_session(tb[KCP_A_SESSION], arg);
}

static struct nl_msg *session_id_msg(struct kcp_ctl *ctl, uint8_t cmd,
				     uint64_t id)
{
	struct nl_msg *msg = kcp_ctl_msg(ctl, cmd, 0);
	struct nlattr *nest;

	if (!msg)
		return NULL;
	nest = kcp_ctl_nest_start(msg, KCP_A_SESSION);
	if (!nest || nla_put_u64(msg, KCP_SESSION_A_ID, id)) {
		nlmsg_free(msg);
		return NULL;
	}
	nla_nest_end(msg, nest);
	return msg;
}

int kcp_ctl_session_get(struct kcp_ctl *ctl, uint64_t id,
			struct kcp_session *session)
{
	struct nl_msg *msg = session_id_msg(ctl, KCP_NL_CMD_GET_SESSION, id);

	memset(session, 0, sizeof(*session));
	if (!msg)
		return -ENOMEM;
	return kcp_ctl_transact(ctl, msg, get_reply, session);
}

int kcp_ctl_session_close(struct kcp_ctl *ctl, uint64_t id)
{
	struct nl_msg *msg = session_id_msg(ctl, KCP_NL_CMD_CLOSE_SESSION, id);

	if (!msg)
		return -ENOMEM;
	return kcp_ctl_transact(ctl, msg, NULL, NULL);
}

struct session_walk {
	const struct kcp_session_filter *filter;
	kcp_session_fn fn;
	void *arg;
	int listed;
};

static uint16_t port_of(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)ss)->sin_port);
	if (ss->ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
	return 0;
}

static int dump_reply(struct nlattr **tb, void *arg)
{
	struct session_walk *walk = arg;
	struct kcp_session s;
	int ret;

	if (!tb[KCP_A_SESSION] || kcp_ctl_parse_session(tb[KCP_A_SESSION], &s))
		return -EBADMSG;
	if (walk->filter && walk->filter->local_port &&
	    port_of(&s.local) != walk->filter->local_port)
		return 0;
	ret = walk->fn(&s, walk->arg);
	if (!ret)
		walk->listed++;
	return ret;
}

static size_t addr_len(const struct sockaddr_storage *ss)
{
	return ss->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) :
	       sizeof(struct sockaddr_in);
}

/* The filter the kernel applies, in the dump request. */
static int put_filter(struct nl_msg *msg, const struct kcp_session_filter *f)
{
	struct nlattr *nest;

	if (!f || (!f->local.ss_family && !f->peer.ss_family && !f->state))
		return 0;
	nest = kcp_ctl_nest_start(msg, KCP_A_SESSION);
	if (!nest ||
	    (f->local.ss_family &&
	     nla_put(msg, KCP_SESSION_A_LOCAL, addr_len(&f->local), &f->local)) ||
	    (f->peer.ss_family &&
	     nla_put(msg, KCP_SESSION_A_PEER, addr_len(&f->peer), &f->peer)) ||
	    (f->state && nla_put_u32(msg, KCP_SESSION_A_STATE, f->state)))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

int kcp_ctl_session_dump(struct kcp_ctl *ctl,
			 const struct kcp_session_filter *filter,
			 kcp_session_fn fn, void *arg)
{
	struct session_walk walk = { filter, fn, arg, 0 };
	struct nl_msg *msg = kcp_ctl_msg(ctl, KCP_NL_CMD_GET_SESSION, NLM_F_DUMP);
	int ret;

	if (!msg)
		return -ENOMEM;
	if (put_filter(msg, filter)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	ret = kcp_ctl_transact(ctl, msg, dump_reply, &walk);
	return ret ? ret : walk.listed;
}
