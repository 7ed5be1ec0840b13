// SPDX-License-Identifier: MIT OR GPL-2.0
/*
 * The "kcp" generic netlink family: kcp.ko's control plane, one network
 * namespace at a time (include/uapi/linux/kcp_netlink.h documents it,
 * docs/netlink/kcp.yaml describes it for tools).
 *
 * Read top to bottom: policies, module information, counters, settings,
 * notifications, then the operations table. Profiles and sessions have
 * files of their own (nl_profile.c, nl_session.c). Every rejection names
 * its attribute in an extended ack; a request that fails changes nothing. Reading is open to
 * everyone, changing needs CAP_NET_ADMIN over the namespace
 * (GENL_UNS_ADMIN_PERM), as for WireGuard's and ovpn's families.
 */
#include <linux/capability.h>
#include <uapi/linux/kcp_netlink.h>
#include <linux/module.h>
#include <net/genetlink.h>
#include <net/sock.h>

#include "af_kcp.h"
#include "lifecycle.h"
#include "net.h"
#include "netlink.h"
#include "profile.h"
#include "version.h"

static struct netlink_range_validation kcp_range_orphan_max = {
	.min = 0, .max = KCP_ORPHAN_MAX_LIMIT,
};

static struct netlink_range_validation kcp_range_orphan_timeout = {
	.min = KCP_ORPHAN_TIMEOUT_MIN, .max = KCP_ORPHAN_TIMEOUT_MAX,
};

static struct netlink_range_validation kcp_range_idle_timeout = {
	.min = 0, .max = KCP_IDLE_TIMEOUT_MAX,
};

static struct netlink_range_validation kcp_range_pending_max = {
	.min = 1, .max = KCP_PENDING_MAX_LIMIT,
};

static struct netlink_range_validation kcp_range_mem_max = {
	.min = KCP_MEM_MAX_MIN_KB, .max = KCP_MEM_MAX_MAX_KB,
};

static const struct nla_policy kcp_setting_policy[KCP_SETTING_A_MAX + 1] = {
	[KCP_SETTING_A_DEFAULT_PROFILE]	  = KCP_NL_NAME,
	[KCP_SETTING_A_ORPHAN_MAX]	  = KCP_NL_U32_RANGE(kcp_range_orphan_max),
	[KCP_SETTING_A_ORPHAN_TIMEOUT]	  = KCP_NL_U32_RANGE(kcp_range_orphan_timeout),
	[KCP_SETTING_A_IDLE_TIMEOUT]	  = KCP_NL_U32_RANGE(kcp_range_idle_timeout),
	[KCP_SETTING_A_RESTRICT_TUNABLES] = KCP_NL_FLAG,
	[KCP_SETTING_A_MEM_MAX]		  = KCP_NL_U32_RANGE(kcp_range_mem_max),
	[KCP_SETTING_A_PENDING_MAX]	  = KCP_NL_U32_RANGE(kcp_range_pending_max),
};

static const struct nla_policy kcp_policy[KCP_A_MAX + 1] = {
	[KCP_A_VERSION]		= KCP_NL_READ_ONLY,
	[KCP_A_FAMILY]		= KCP_NL_READ_ONLY,
	[KCP_A_SETTINGS]	= NLA_POLICY_NESTED(kcp_setting_policy),
	[KCP_A_LIMITS]		= KCP_NL_READ_ONLY,
	[KCP_A_SESSIONS]	= KCP_NL_READ_ONLY,
	[KCP_A_ORPHANS]		= KCP_NL_READ_ONLY,
	[KCP_A_PROFILES]	= KCP_NL_READ_ONLY,
	[KCP_A_PROFILE]		= _NLA_POLICY_NESTED(KCP_PROFILE_A_MAX,
						     kcp_nl_profile_policy),
	[KCP_A_SESSION]		= _NLA_POLICY_NESTED(KCP_SESSION_A_MAX,
						     kcp_nl_session_policy),
	[KCP_A_STATS]		= KCP_NL_READ_ONLY,
	[KCP_A_MEMORY]		= KCP_NL_READ_ONLY,
	[KCP_A_PENDING]		= KCP_NL_READ_ONLY,
};

/**
 * kcp_nl_reply() - start the reply to a request
 * @info: the request
 * @cmd: the reply's command
 * @hdr: set to its header, for kcp_nl_send_reply()
 *
 * Return: the message, or NULL without memory.
 */
struct sk_buff *kcp_nl_reply(struct genl_info *info, u8 cmd, void **hdr)
{
	struct sk_buff *msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);

	if (!msg)
		return NULL;
	*hdr = genlmsg_put_reply(msg, info, &kcp_nl_family, 0, cmd);
	if (!*hdr) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/**
 * kcp_nl_send_reply() - finish and send a kcp_nl_reply() message
 * @msg: the message
 * @hdr: its header
 * @info: the request it answers
 *
 * Return: 0 or genlmsg_reply()'s error.
 */
int kcp_nl_send_reply(struct sk_buff *msg, void *hdr, struct genl_info *info)
{
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/* ---- module information ------------------------------------------------ */

static int kcp_nl_put_settings(struct sk_buff *msg, struct net *net)
{
	struct kcp_net *kn = kcp_net(net);
	char name[KCP_PROFILE_NAME_MAX];
	struct nlattr *nest;

	kcp_profile_default_name(net, name);
	nest = nla_nest_start(msg, KCP_A_SETTINGS);
	if (!nest ||
	    nla_put_string(msg, KCP_SETTING_A_DEFAULT_PROFILE, name) ||
	    nla_put_u32(msg, KCP_SETTING_A_ORPHAN_MAX, READ_ONCE(kn->orphan_max)) ||
	    nla_put_u32(msg, KCP_SETTING_A_ORPHAN_TIMEOUT,
			READ_ONCE(kn->orphan_timeout)) ||
	    nla_put_u32(msg, KCP_SETTING_A_IDLE_TIMEOUT,
			READ_ONCE(kn->idle_timeout)) ||
	    nla_put_u32(msg, KCP_SETTING_A_RESTRICT_TUNABLES,
			READ_ONCE(kn->restrict_tunables)) ||
	    nla_put_u32(msg, KCP_SETTING_A_MEM_MAX, READ_ONCE(kn->mem_max_kb)) ||
	    nla_put_u32(msg, KCP_SETTING_A_PENDING_MAX, READ_ONCE(kn->pending_max)))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

static int kcp_nl_put_limits(struct sk_buff *msg)
{
	struct nlattr *nest = nla_nest_start(msg, KCP_A_LIMITS);

	if (!nest ||
	    nla_put_u32(msg, KCP_LIMIT_A_PROFILES_MAX, KCP_PROFILES_MAX) ||
	    nla_put_u32(msg, KCP_LIMIT_A_PROFILE_NAME_MAX, KCP_PROFILE_NAME_MAX) ||
	    nla_put_u32(msg, KCP_LIMIT_A_WND_MAX, KCP_WND_MAX) ||
	    nla_put_u32(msg, KCP_LIMIT_A_MTU_MIN, KCP_MTU_MIN) ||
	    nla_put_u32(msg, KCP_LIMIT_A_MTU_MAX, KCP_MTU_MAX))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

static int kcp_nl_get_info(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct kcp_net *kn = kcp_net(net);
	struct sk_buff *msg;
	void *hdr;

	msg = kcp_nl_reply(info, KCP_NL_CMD_GET_INFO, &hdr);
	if (!msg)
		return -ENOMEM;
	if (nla_put_string(msg, KCP_A_VERSION, KCP_VERSION) ||
	    nla_put_u32(msg, KCP_A_FAMILY, kcp_af_family()) ||
	    kcp_nl_put_settings(msg, net) || kcp_nl_put_limits(msg) ||
	    nla_put_u32(msg, KCP_A_SESSIONS, kcp_net_sessions(net)) ||
	    nla_put_u32(msg, KCP_A_ORPHANS, atomic_read(&kn->orphans)) ||
	    nla_put_u32(msg, KCP_A_PROFILES, READ_ONCE(kn->nprofiles)) ||
	    nla_put_u64_64bit(msg, KCP_A_MEMORY, atomic_long_read(&kn->mem),
			      KCP_A_PAD) ||
	    nla_put_u32(msg, KCP_A_PENDING, atomic_read(&kn->pending))) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return kcp_nl_send_reply(msg, hdr, info);
}

/* ---- counters ------------------------------------------------------------ */

static int kcp_nl_get_stats(struct sk_buff *skb, struct genl_info *info)
{
	u64 stats[__KCP_STAT_A_MAX];
	struct sk_buff *msg;
	struct nlattr *nest;
	void *hdr;
	int i;

	kcp_net_stats(genl_info_net(info), stats);
	msg = kcp_nl_reply(info, KCP_NL_CMD_GET_STATS, &hdr);
	if (!msg)
		return -ENOMEM;
	nest = nla_nest_start(msg, KCP_A_STATS);
	if (!nest)
		goto nospace;
	for (i = KCP_STAT_A_PAD + 1; i < __KCP_STAT_A_MAX; i++)
		if (nla_put_u64_64bit(msg, i, stats[i], KCP_STAT_A_PAD))
			goto nospace;
	nla_nest_end(msg, nest);
	return kcp_nl_send_reply(msg, hdr, info);

nospace:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

/* ---- settings ------------------------------------------------------------ */

static int kcp_nl_set_settings(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[KCP_SETTING_A_MAX + 1];
	struct net *net = genl_info_net(info);
	struct kcp_net *kn = kcp_net(net);
	struct nlattr *a;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, KCP_A_SETTINGS))
		return -EINVAL;
	err = nla_parse_nested(tb, KCP_SETTING_A_MAX, info->attrs[KCP_A_SETTINGS],
			       kcp_setting_policy, info->extack);
	if (err)
		return err;

	/* the one setting that can fail goes first: then nothing changed */
	a = tb[KCP_SETTING_A_DEFAULT_PROFILE];
	if (a) {
		err = kcp_profile_set_default(net, nla_data(a));
		if (err) {
			NL_SET_ERR_MSG_ATTR(info->extack, a, "no such profile");
			return err;
		}
		kcp_nl_profile_event(net, nla_data(a), KCP_PROFILE_MADE_DEFAULT);
	}
	a = tb[KCP_SETTING_A_ORPHAN_MAX];
	if (a)
		WRITE_ONCE(kn->orphan_max, nla_get_u32(a));
	a = tb[KCP_SETTING_A_ORPHAN_TIMEOUT];
	if (a)
		WRITE_ONCE(kn->orphan_timeout, nla_get_u32(a));
	a = tb[KCP_SETTING_A_IDLE_TIMEOUT];
	if (a)
		WRITE_ONCE(kn->idle_timeout, nla_get_u32(a));
	a = tb[KCP_SETTING_A_RESTRICT_TUNABLES];
	if (a)
		WRITE_ONCE(kn->restrict_tunables, nla_get_u32(a));
	a = tb[KCP_SETTING_A_MEM_MAX];
	if (a)
		WRITE_ONCE(kn->mem_max_kb, nla_get_u32(a));
	a = tb[KCP_SETTING_A_PENDING_MAX];
	if (a)
		WRITE_ONCE(kn->pending_max, nla_get_u32(a));
	return 0;
}

/* ---- notifications ------------------------------------------------------- */

enum { KCP_NL_MCGRP_EVENTS };

static const struct genl_multicast_group kcp_nl_mcgrps[] = {
	[KCP_NL_MCGRP_EVENTS] = { .name = KCP_GENL_MCGRP_EVENTS },
};

/**
 * kcp_nl_event_new() - start a notification, if anyone listens for it
 * @net: the namespace it is about
 * @cmd: KCP_NL_CMD_SESSION_OPENED and the like
 * @nest_type: the nest its attributes go in (KCP_A_SESSION, KCP_A_PROFILE)
 * @gfp: allocation flags (GFP_ATOMIC from softirq)
 * @hdr: set to the message's header, for kcp_nl_event_send()
 * @nest: set to the open nest, for kcp_nl_event_send()
 *
 * Return: the message, or NULL when nobody in @net is subscribed (building
 * one would be wasted) or without memory.
 */
struct sk_buff *kcp_nl_event_new(struct net *net, u8 cmd, int nest_type,
				 gfp_t gfp, void **hdr, struct nlattr **nest)
{
	struct sk_buff *msg;

	if (!genl_has_listeners(&kcp_nl_family, net, KCP_NL_MCGRP_EVENTS))
		return NULL;
	msg = genlmsg_new(NLMSG_GOODSIZE, gfp);
	if (!msg)
		return NULL;
	*hdr = genlmsg_put(msg, 0, 0, &kcp_nl_family, 0, cmd);
	*nest = *hdr ? nla_nest_start(msg, nest_type) : NULL;
	if (!*nest) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/**
 * kcp_nl_event_send() - finish a kcp_nl_event_new() message and send it
 * @net: the namespace whose listeners get it
 * @msg: the message; consumed
 * @hdr: its header
 * @nest: its nest
 */
void kcp_nl_event_send(struct net *net, struct sk_buff *msg, void *hdr,
		       struct nlattr *nest)
{
	nla_nest_end(msg, nest);
	genlmsg_end(msg, hdr);
	genlmsg_multicast_netns(&kcp_nl_family, net, msg, 0,
				KCP_NL_MCGRP_EVENTS, GFP_ATOMIC);
}

/**
 * kcp_nl_profile_event() - announce a change to a profile
 * @net: its namespace
 * @name: the profile
 * @action: enum kcp_profile_action
 */
void kcp_nl_profile_event(struct net *net, const char *name, u32 action)
{
	struct sk_buff *msg;
	struct nlattr *nest;
	void *hdr;

	msg = kcp_nl_event_new(net, KCP_NL_CMD_PROFILE_CHANGED, KCP_A_PROFILE,
			       GFP_KERNEL, &hdr, &nest);
	if (!msg)
		return;
	if (nla_put_string(msg, KCP_PROFILE_A_NAME, name) ||
	    nla_put_u32(msg, KCP_PROFILE_A_ACTION, action)) {
		nlmsg_free(msg);
		return;
	}
	kcp_nl_event_send(net, msg, hdr, nest);
}

/* ---- the family ---------------------------------------------------------- */

static const struct genl_ops kcp_nl_ops[] = {
	{
		.cmd = KCP_NL_CMD_GET_INFO,
		.doit = kcp_nl_get_info,
	},
	{
		.cmd = KCP_NL_CMD_GET_PROFILE,
		.doit = kcp_nl_get_profile,
		.dumpit = kcp_nl_dump_profiles,
	},
	{
		.cmd = KCP_NL_CMD_SET_PROFILE,
		.doit = kcp_nl_set_profile,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = KCP_NL_CMD_DEL_PROFILE,
		.doit = kcp_nl_del_profile,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = KCP_NL_CMD_GET_SESSION,
		.doit = kcp_nl_get_session,
		.start = kcp_nl_dump_sessions_start,
		.dumpit = kcp_nl_dump_sessions,
		.done = kcp_nl_dump_sessions_done,
	},
	{
		.cmd = KCP_NL_CMD_CLOSE_SESSION,
		.doit = kcp_nl_close_session,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = KCP_NL_CMD_GET_STATS,
		.doit = kcp_nl_get_stats,
	},
	{
		.cmd = KCP_NL_CMD_SET_SETTINGS,
		.doit = kcp_nl_set_settings,
		.flags = GENL_UNS_ADMIN_PERM,
	},
};

struct genl_family kcp_nl_family __ro_after_init = {
	.name = KCP_GENL_NAME,
	.version = KCP_GENL_VERSION,
	.maxattr = KCP_A_MAX,
	.policy = kcp_policy,
	.netnsok = true,
	.module = THIS_MODULE,
	.ops = kcp_nl_ops,
	.n_ops = ARRAY_SIZE(kcp_nl_ops),
	.mcgrps = kcp_nl_mcgrps,
	.n_mcgrps = ARRAY_SIZE(kcp_nl_mcgrps),
};

/**
 * kcp_nl_init() - register the family
 *
 * Return: 0 or genl_register_family()'s error.
 */
int kcp_nl_init(void)
{
	return genl_register_family(&kcp_nl_family);
}

/**
 * kcp_nl_exit() - unregister the family
 */
void kcp_nl_exit(void)
{
	genl_unregister_family(&kcp_nl_family);
}

MODULE_ALIAS_GENL_FAMILY(KCP_GENL_NAME);
