// SPDX-License-Identifier: MIT OR GPL-2.0
/*
 * Profiles over netlink: one by name, a dump of all (built-in ones
 * first), creating or changing a namespace's own, deleting one. The
 * profiles themselves live in profile.c; this file maps their tunables to
 * attributes, one table for both directions.
 */
#include <uapi/linux/kcp_netlink.h>
#include <net/genetlink.h>
#include <net/sock.h>

#include "handshake.h"
#include "lifecycle.h"
#include "netlink.h"
#include "profile.h"

static struct netlink_range_validation kcp_range_interval = {
	.min = KCP_INTERVAL_MIN, .max = KCP_INTERVAL_MAX,
};

static struct netlink_range_validation kcp_range_mtu = {
	.min = 0, .max = KCP_MTU_MAX,	/* 0: keep a socket's own */
};

static struct netlink_range_validation kcp_range_wnd = {
	.min = 1, .max = KCP_WND_MAX,
};

static struct netlink_range_validation kcp_range_rcvwnd = {
	.min = KCP_RCV_WND_MIN, .max = KCP_WND_MAX,
};

static struct netlink_range_validation kcp_range_minrto = {
	.min = 1, .max = KCP_RTO_MAX,
};

static struct netlink_range_validation kcp_range_count = {
	.min = 0, .max = KCP_RESEND_MAX,
};

static struct netlink_range_validation kcp_range_deadlink = {
	.min = 1, .max = KCP_DEAD_LINK_MAX,
};

static struct netlink_range_validation kcp_range_ack_delay = {
	.min = 0, .max = KCP_ACK_DELAY_MAX,
};

static struct netlink_range_validation kcp_range_keep_secs = {
	.min = 1, .max = KCP_KEEP_SECS_MAX,
};

static struct netlink_range_validation kcp_range_keepcnt = {
	.min = 1, .max = KCP_KEEPCNT_MAX,
};

static struct netlink_range_validation kcp_range_buf = {
	.min = 0, .max = INT_MAX / 2,
};

static struct netlink_range_validation kcp_range_connect_timeout = {
	.min = KCP_CONNECT_TIMEOUT_MIN, .max = KCP_CONNECT_TIMEOUT_MAX,
};

const struct nla_policy kcp_nl_profile_policy[KCP_PROFILE_A_MAX + 1] = {
	[KCP_PROFILE_A_NAME]		 = KCP_NL_NAME,
	[KCP_PROFILE_A_BASE]		 = KCP_NL_NAME,
	[KCP_PROFILE_A_BUILTIN]		 = KCP_NL_READ_ONLY,
	[KCP_PROFILE_A_DEFAULT]		 = KCP_NL_READ_ONLY,
	[KCP_PROFILE_A_ACTION]		 = KCP_NL_READ_ONLY,
	[KCP_PROFILE_A_NODELAY]		 = NLA_POLICY_MAX(NLA_U32, KCP_NODELAY_MAX),
	[KCP_PROFILE_A_INTERVAL]	 = KCP_NL_U32_RANGE(kcp_range_interval),
	[KCP_PROFILE_A_RESEND]		 = KCP_NL_U32_RANGE(kcp_range_count),
	[KCP_PROFILE_A_NC]		 = KCP_NL_FLAG,
	[KCP_PROFILE_A_MTU]		 = KCP_NL_U32_RANGE(kcp_range_mtu),
	[KCP_PROFILE_A_SNDWND]		 = KCP_NL_U32_RANGE(kcp_range_wnd),
	[KCP_PROFILE_A_RCVWND]		 = KCP_NL_U32_RANGE(kcp_range_rcvwnd),
	[KCP_PROFILE_A_MINRTO]		 = KCP_NL_U32_RANGE(kcp_range_minrto),
	[KCP_PROFILE_A_FASTLIMIT]	 = KCP_NL_U32_RANGE(kcp_range_count),
	[KCP_PROFILE_A_DEADLINK]	 = KCP_NL_U32_RANGE(kcp_range_deadlink),
	[KCP_PROFILE_A_ACK_NODELAY]	 = KCP_NL_FLAG,
	[KCP_PROFILE_A_ACK_DELAY]	 = KCP_NL_U32_RANGE(kcp_range_ack_delay),
	[KCP_PROFILE_A_EARLY_RETRANSMIT] = KCP_NL_FLAG,
	[KCP_PROFILE_A_WRITE_DELAY]	 = KCP_NL_FLAG,
	[KCP_PROFILE_A_PACING]		 = KCP_NL_FLAG,
	[KCP_PROFILE_A_REORDER_TOLERANT] = KCP_NL_FLAG,
	[KCP_PROFILE_A_KEEPALIVE]	 = KCP_NL_FLAG,
	[KCP_PROFILE_A_KEEPIDLE]	 = KCP_NL_U32_RANGE(kcp_range_keep_secs),
	[KCP_PROFILE_A_KEEPINTVL]	 = KCP_NL_U32_RANGE(kcp_range_keep_secs),
	[KCP_PROFILE_A_KEEPCNT]		 = KCP_NL_U32_RANGE(kcp_range_keepcnt),
	[KCP_PROFILE_A_SNDBUF]		 = KCP_NL_U32_RANGE(kcp_range_buf),
	[KCP_PROFILE_A_RCVBUF]		 = KCP_NL_U32_RANGE(kcp_range_buf),
	[KCP_PROFILE_A_STOCK]		 = KCP_NL_FLAG,
	[KCP_PROFILE_A_CONNECT_TIMEOUT]	 =
		KCP_NL_U32_RANGE(kcp_range_connect_timeout),
	[KCP_PROFILE_A_THIN_DUP]	 = KCP_NL_FLAG,
};

/* Every tunable a profile has: its attribute and where it lives. */
static const struct kcp_nl_tunable {
	u16 attr;
	u16 offset;
	bool is_bool;
} kcp_nl_tunables[] = {
#define T(a, f)	{ KCP_PROFILE_A_##a, offsetof(struct kcp_profile, f), false }
#define B(a, f)	{ KCP_PROFILE_A_##a, offsetof(struct kcp_profile, f), true }
	T(NODELAY, cfg.nodelay),
	T(INTERVAL, cfg.interval),
	T(RESEND, cfg.resend),
	B(NC, cfg.nc),
	T(MTU, cfg.mtu),
	T(SNDWND, cfg.snd_wnd),
	T(RCVWND, cfg.rcv_wnd),
	T(MINRTO, cfg.minrto),
	T(FASTLIMIT, cfg.fastlimit),
	T(DEADLINK, cfg.dead_link),
	B(ACK_NODELAY, cfg.ack_nodelay),
	T(ACK_DELAY, cfg.ack_delay),
	B(EARLY_RETRANSMIT, cfg.early_retransmit),
	B(WRITE_DELAY, cfg.write_delay),
	B(PACING, cfg.pacing),
	B(REORDER_TOLERANT, cfg.reorder_tolerant),
	B(KEEPALIVE, keepalive),
	T(KEEPIDLE, keepidle),
	T(KEEPINTVL, keepintvl),
	T(KEEPCNT, keepcnt),
	T(SNDBUF, sndbuf),
	T(RCVBUF, rcvbuf),
	B(STOCK, stock),
	T(CONNECT_TIMEOUT, connect_timeout),
	B(THIN_DUP, cfg.thin_dup),
#undef B
#undef T
};

static int kcp_nl_put_profile(struct sk_buff *msg, const struct kcp_profile *p,
			      bool is_default)
{
	struct nlattr *nest = nla_nest_start(msg, KCP_A_PROFILE);
	size_t i;

	if (!nest || nla_put_string(msg, KCP_PROFILE_A_NAME, p->name) ||
	    (p->builtin && nla_put_flag(msg, KCP_PROFILE_A_BUILTIN)) ||
	    (is_default && nla_put_flag(msg, KCP_PROFILE_A_DEFAULT)))
		return -EMSGSIZE;
	for (i = 0; i < ARRAY_SIZE(kcp_nl_tunables); i++) {
		const struct kcp_nl_tunable *t = &kcp_nl_tunables[i];
		const void *field = (const u8 *)p + t->offset;
		u32 val = t->is_bool ? *(const bool *)field : *(const u32 *)field;

		if (nla_put_u32(msg, t->attr, val))
			return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	return 0;
}

/* The KCP_A_PROFILE nest of a request, parsed; its name required. */
static int kcp_nl_parse_profile(struct genl_info *info, struct nlattr **tb)
{
	struct nlattr *nest = info->attrs[KCP_A_PROFILE];
	int err;

	if (GENL_REQ_ATTR_CHECK(info, KCP_A_PROFILE))
		return -EINVAL;
	err = nla_parse_nested(tb, KCP_PROFILE_A_MAX, nest, kcp_nl_profile_policy,
			       info->extack);
	if (err)
		return err;
	if (!tb[KCP_PROFILE_A_NAME]) {
		NL_SET_ERR_ATTR_MISS(info->extack, nest, KCP_PROFILE_A_NAME);
		NL_SET_ERR_MSG(info->extack, "a profile name is required");
		return -EINVAL;
	}
	if (!nla_len(tb[KCP_PROFILE_A_NAME]) ||
	    !*(char *)nla_data(tb[KCP_PROFILE_A_NAME])) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[KCP_PROFILE_A_NAME],
				    "a profile name cannot be empty");
		return -EINVAL;
	}
	return 0;
}

int kcp_nl_get_profile(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[KCP_PROFILE_A_MAX + 1];
	char def[KCP_PROFILE_NAME_MAX];
	struct net *net = genl_info_net(info);
	struct kcp_profile p;
	struct sk_buff *msg;
	void *hdr;
	int err;

	err = kcp_nl_parse_profile(info, tb);
	if (err)
		return err;
	if (kcp_profile_find(net, nla_data(tb[KCP_PROFILE_A_NAME]), &p)) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[KCP_PROFILE_A_NAME],
				    "no such profile");
		return -ENOENT;
	}
	kcp_profile_default_name(net, def);
	msg = kcp_nl_reply(info, KCP_NL_CMD_GET_PROFILE, &hdr);
	if (!msg)
		return -ENOMEM;
	if (kcp_nl_put_profile(msg, &p, !strcmp(def, p.name))) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return kcp_nl_send_reply(msg, hdr, info);
}

/* cb->args[0]: the index of the next profile (kcp_profile_nth()). */
int kcp_nl_dump_profiles(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct net *net = sock_net(skb->sk);
	char def[KCP_PROFILE_NAME_MAX];
	struct kcp_profile p;
	void *hdr;

	kcp_profile_default_name(net, def);
	while (!kcp_profile_nth(net, cb->args[0], &p)) {
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &kcp_nl_family,
				  NLM_F_MULTI, KCP_NL_CMD_GET_PROFILE);
		if (!hdr)
			break;
		if (kcp_nl_put_profile(skb, &p, !strcmp(def, p.name))) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		cb->args[0]++;
	}
	return skb->len;
}

int kcp_nl_set_profile(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[KCP_PROFILE_A_MAX + 1];
	struct net *net = genl_info_net(info);
	const char *name, *base = "default";
	struct kcp_profile p;
	bool created;
	size_t i;
	int err;

	err = kcp_nl_parse_profile(info, tb);
	if (err)
		return err;
	name = nla_data(tb[KCP_PROFILE_A_NAME]);
	if (tb[KCP_PROFILE_A_BASE]) {
		base = nla_data(tb[KCP_PROFILE_A_BASE]);
		if (kcp_profile_find(net, base, &p)) {
			NL_SET_ERR_MSG_ATTR(info->extack, tb[KCP_PROFILE_A_BASE],
					    "no such base profile");
			return -ENOENT;
		}
	} else if (kcp_profile_find(net, name, &p) &&
		   kcp_profile_find(net, base, &p)) {
		return -ENOENT;		/* "default" is built in: cannot be */
	}
	if (p.builtin && !strcmp(p.name, name)) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[KCP_PROFILE_A_NAME],
				    "built-in profiles cannot be changed");
		return -EPERM;
	}
	strscpy(p.name, name, sizeof(p.name));
	p.builtin = false;
	for (i = 0; i < ARRAY_SIZE(kcp_nl_tunables); i++) {
		const struct kcp_nl_tunable *t = &kcp_nl_tunables[i];
		void *field = (u8 *)&p + t->offset;

		if (!tb[t->attr])
			continue;
		if (t->is_bool)
			*(bool *)field = nla_get_u32(tb[t->attr]);
		else
			*(u32 *)field = nla_get_u32(tb[t->attr]);
	}
	if (kcp_profile_validate(&p)) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[KCP_A_PROFILE],
				    "values a socket would refuse together (MTU too small for a segment?)");
		return -EINVAL;
	}
	err = kcp_profile_store(net, &p, &created);
	if (err == -ENOSPC)
		NL_SET_ERR_MSG_ATTR(info->extack, tb[KCP_PROFILE_A_NAME],
				    "the namespace has as many profiles as it may");
	else if (err == -EPERM)	/* a built-in name, from another base */
		NL_SET_ERR_MSG_ATTR(info->extack, tb[KCP_PROFILE_A_NAME],
				    "built-in profiles cannot be changed");
	if (err)
		return err;
	kcp_nl_profile_event(net, p.name,
			     created ? KCP_PROFILE_CREATED : KCP_PROFILE_CHANGED);
	return 0;
}

int kcp_nl_del_profile(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[KCP_PROFILE_A_MAX + 1];
	struct net *net = genl_info_net(info);
	const char *name;
	int err;

	err = kcp_nl_parse_profile(info, tb);
	if (err)
		return err;
	name = nla_data(tb[KCP_PROFILE_A_NAME]);
	err = kcp_profile_delete(net, name);
	switch (err) {
	case 0:
		kcp_nl_profile_event(net, name, KCP_PROFILE_DELETED);
		break;
	case -EPERM:
		NL_SET_ERR_MSG_ATTR(info->extack, tb[KCP_PROFILE_A_NAME],
				    "built-in profiles cannot be deleted");
		break;
	case -EBUSY:
		NL_SET_ERR_MSG_ATTR(info->extack, tb[KCP_PROFILE_A_NAME],
				    "the namespace's default profile cannot be deleted");
		break;
	case -ENOENT:
		NL_SET_ERR_MSG_ATTR(info->extack, tb[KCP_PROFILE_A_NAME],
				    "no such profile");
		break;
	}
	return err;
}
