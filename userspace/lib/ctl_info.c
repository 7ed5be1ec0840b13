// SPDX-License-Identifier: MIT OR GPL-2.0
/*
 * The namespace as a whole: GET_INFO (the module, its limits, the
 * settings), GET_STATS (the counters) and SET_SETTINGS.
 */
#include <errno.h>
#include <string.h>
#include <netlink/netlink.h>
#include <netlink/genl/genl.h>

#include "libkcp.h"
#include "ctl.h"

static int parse_settings(struct nlattr *nest, struct kcp_settings *s)
{
	struct nlattr *tb[KCP_SETTING_A_MAX + 1];
	int i;

	if (nla_parse_nested(tb, KCP_SETTING_A_MAX, nest, NULL) < 0)
		return -EBADMSG;
	for (i = 1; i <= KCP_SETTING_A_MAX; i++) {
		if (!tb[i])
			continue;
		if (i == KCP_SETTING_A_DEFAULT_PROFILE)
			kcp_ctl_get_string(tb[i], s->default_profile,
					   sizeof(s->default_profile));
		else if (kcp_ctl_get_u32(tb[i], &s->value[i]))
			return -EBADMSG;
		s->present |= KCP_CTL_BIT(i);
	}
	return 0;
}

static int parse_limits(struct nlattr *nest, struct kcp_module_info *info)
{
	struct nlattr *tb[KCP_LIMIT_A_MAX + 1];
	int i;

	if (nla_parse_nested(tb, KCP_LIMIT_A_MAX, nest, NULL) < 0)
		return -EBADMSG;
	for (i = 1; i <= KCP_LIMIT_A_MAX; i++) {
		if (!tb[i])
			continue;
		if (kcp_ctl_get_u32(tb[i], &info->limit[i]))
			return -EBADMSG;
		info->limits_present |= KCP_CTL_BIT(i);
	}
	return 0;
}

static int info_reply(struct nlattr **tb, void *arg)
{
	struct kcp_module_info *info = arg;
	int ret = 0;

	if (tb[KCP_A_VERSION])
		kcp_ctl_get_string(tb[KCP_A_VERSION], info->version,
				   sizeof(info->version));
	if (tb[KCP_A_FAMILY])
		ret |= kcp_ctl_get_u32(tb[KCP_A_FAMILY], &info->family);
	if (tb[KCP_A_SESSIONS])
		ret |= kcp_ctl_get_u32(tb[KCP_A_SESSIONS], &info->sessions);
	if (tb[KCP_A_ORPHANS])
		ret |= kcp_ctl_get_u32(tb[KCP_A_ORPHANS], &info->orphans);
	if (tb[KCP_A_PROFILES])
		ret |= kcp_ctl_get_u32(tb[KCP_A_PROFILES], &info->profiles);
	if (tb[KCP_A_PENDING])
		ret |= kcp_ctl_get_u32(tb[KCP_A_PENDING], &info->pending);
	if (tb[KCP_A_MEMORY])
		ret |= kcp_ctl_get_u64(tb[KCP_A_MEMORY], &info->memory);
	if (ret)
		return -EBADMSG;
	if (tb[KCP_A_SETTINGS] && parse_settings(tb[KCP_A_SETTINGS], &info->settings))
		return -EBADMSG;
	if (tb[KCP_A_LIMITS] && parse_limits(tb[KCP_A_LIMITS], info))
		return -EBADMSG;
	return 0;
}

int kcp_ctl_info(struct kcp_ctl *ctl, struct kcp_module_info *info)
{
	struct nl_msg *msg = kcp_ctl_msg(ctl, KCP_NL_CMD_GET_INFO, 0);

	memset(info, 0, sizeof(*info));
	if (!msg)
		return -ENOMEM;
	return kcp_ctl_transact(ctl, msg, info_reply, info);
}

static int stats_reply(struct nlattr **tb, void *arg)
{
	struct nlattr *st[KCP_STAT_A_MAX + 1];
	struct kcp_stats *stats = arg;
	int i;

	if (!tb[KCP_A_STATS] ||
	    nla_parse_nested(st, KCP_STAT_A_MAX, tb[KCP_A_STATS], NULL) < 0)
		return -EBADMSG;
	for (i = KCP_STAT_A_PAD + 1; i <= KCP_STAT_A_MAX; i++) {
		if (!st[i])
			continue;
		if (kcp_ctl_get_u64(st[i], &stats->value[i]))
			return -EBADMSG;
		stats->present |= KCP_CTL_BIT(i);
	}
	return 0;
}

int kcp_ctl_stats(struct kcp_ctl *ctl, struct kcp_stats *stats)
{
	struct nl_msg *msg = kcp_ctl_msg(ctl, KCP_NL_CMD_GET_STATS, 0);

	memset(stats, 0, sizeof(*stats));
	if (!msg)
		return -ENOMEM;
	return kcp_ctl_transact(ctl, msg, stats_reply, stats);
}

int kcp_ctl_settings_set(struct kcp_ctl *ctl, const struct kcp_settings *s)
{
	struct nl_msg *msg = kcp_ctl_msg(ctl, KCP_NL_CMD_SET_SETTINGS, 0);
	struct nlattr *nest;
	int i;

	if (!msg)
		return -ENOMEM;
	nest = kcp_ctl_nest_start(msg, KCP_A_SETTINGS);
	if (!nest)
		goto nospace;
	for (i = 1; i <= KCP_SETTING_A_MAX; i++) {
		if (!(s->present & KCP_CTL_BIT(i)))
			continue;
		if (i == KCP_SETTING_A_DEFAULT_PROFILE ?
		    nla_put_string(msg, i, s->default_profile) :
		    nla_put_u32(msg, i, s->value[i]))
			goto nospace;
	}
	nla_nest_end(msg, nest);
	return kcp_ctl_transact(ctl, msg, NULL, NULL);

nospace:
	nlmsg_free(msg);
	return -EMSGSIZE;
}
