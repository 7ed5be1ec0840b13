// SPDX-License-Identifier: MIT OR GPL-2.0
/*
 * Profiles over netlink: one, all of them, create or change, delete, and
 * which one new sockets start from. Every attribute from
 * KCP_PROFILE_A_NODELAY on is a u32 tunable, so neither direction needs a
 * table of them: a kernel with more tunables than our headers know sends
 * attributes nla_parse() leaves out.
 */
#include <errno.h>
#include <string.h>
#include <netlink/netlink.h>
#include <netlink/genl/genl.h>

#include "libkcp.h"
#include "ctl.h"

int kcp_ctl_parse_profile(struct nlattr *nest, struct kcp_profile *p)
{
	struct nlattr *tb[KCP_PROFILE_A_MAX + 1];
	int i;

	memset(p, 0, sizeof(*p));
	if (nla_parse_nested(tb, KCP_PROFILE_A_MAX, nest, NULL) < 0 ||
	    !tb[KCP_PROFILE_A_NAME])
		return -EBADMSG;
	kcp_ctl_get_string(tb[KCP_PROFILE_A_NAME], p->name, sizeof(p->name));
	if (tb[KCP_PROFILE_A_BASE])
		kcp_ctl_get_string(tb[KCP_PROFILE_A_BASE], p->base, sizeof(p->base));
	p->builtin = tb[KCP_PROFILE_A_BUILTIN];
	p->is_default = tb[KCP_PROFILE_A_DEFAULT];
	if (tb[KCP_PROFILE_A_ACTION] &&
	    kcp_ctl_get_u32(tb[KCP_PROFILE_A_ACTION], &p->action))
		return -EBADMSG;
	for (i = KCP_PROFILE_A_NODELAY; i <= KCP_PROFILE_A_MAX; i++) {
		if (!tb[i])
			continue;
		if (kcp_ctl_get_u32(tb[i], &p->value[i]))
			return -EBADMSG;
		p->present |= KCP_CTL_BIT(i);
	}
	return 0;
}

static struct nl_msg *profile_msg(struct kcp_ctl *ctl, uint8_t cmd,
				  int flags, const char *name)
{
	struct nl_msg *msg = kcp_ctl_msg(ctl, cmd, flags);
	struct nlattr *nest;

	if (!msg)
		return NULL;
	if (name) {
		nest = kcp_ctl_nest_start(msg, KCP_A_PROFILE);
		if (!nest || nla_put_string(msg, KCP_PROFILE_A_NAME, name)) {
			nlmsg_free(msg);
			return NULL;
		}
		nla_nest_end(msg, nest);
	}
	return msg;
}

static int get_reply(struct nlattr **tb, void *arg)
{
	if (!tb[KCP_A_PROFILE])
		return -EBADMSG;
	return kcp_ctl_parse_profile(tb[KCP_A_PROFILE], arg);
}

int kcp_ctl_profile_get(struct kcp_ctl *ctl, const char *name,
			struct kcp_profile *profile)
{
	struct nl_msg *msg;

	memset(profile, 0, sizeof(*profile));
	if (strlen(name) >= KCP_PROFILE_NAME_MAX)
		return -ENAMETOOLONG;
	msg = profile_msg(ctl, KCP_NL_CMD_GET_PROFILE, 0, name);
	if (!msg)
		return -ENOMEM;
	return kcp_ctl_transact(ctl, msg, get_reply, profile);
}

struct profile_walk {
	kcp_profile_fn fn;
	void *arg;
};

static int list_reply(struct nlattr **tb, void *arg)
{
	struct profile_walk *walk = arg;
	struct kcp_profile p;

	if (!tb[KCP_A_PROFILE] || kcp_ctl_parse_profile(tb[KCP_A_PROFILE], &p))
		return -EBADMSG;
	return walk->fn(&p, walk->arg);
}

int kcp_ctl_profile_list(struct kcp_ctl *ctl, kcp_profile_fn fn, void *arg)
{
	struct profile_walk walk = { fn, arg };
	struct nl_msg *msg = profile_msg(ctl, KCP_NL_CMD_GET_PROFILE, NLM_F_DUMP, NULL);

	if (!msg)
		return -ENOMEM;
	return kcp_ctl_transact(ctl, msg, list_reply, &walk);
}

int kcp_ctl_profile_set(struct kcp_ctl *ctl, const struct kcp_profile *p)
{
	struct nl_msg *msg = kcp_ctl_msg(ctl, KCP_NL_CMD_SET_PROFILE, 0);
	struct nlattr *nest;
	int i;

	if (!msg)
		return -ENOMEM;
	nest = kcp_ctl_nest_start(msg, KCP_A_PROFILE);
	if (!nest || nla_put_string(msg, KCP_PROFILE_A_NAME, p->name) ||
	    (p->base[0] && nla_put_string(msg, KCP_PROFILE_A_BASE, p->base)))
		goto nospace;
	for (i = KCP_PROFILE_A_NODELAY; i <= KCP_PROFILE_A_MAX; i++)
		if ((p->present & KCP_CTL_BIT(i)) &&
		    nla_put_u32(msg, i, p->value[i]))
			goto nospace;
	nla_nest_end(msg, nest);
	return kcp_ctl_transact(ctl, msg, NULL, NULL);

nospace:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

int kcp_ctl_profile_del(struct kcp_ctl *ctl, const char *name)
{
	struct nl_msg *msg = profile_msg(ctl, KCP_NL_CMD_DEL_PROFILE, 0, name);

	if (!msg)
		return -ENOMEM;
	return kcp_ctl_transact(ctl, msg, NULL, NULL);
}

int kcp_ctl_profile_make_default(struct kcp_ctl *ctl, const char *name)
{
	struct kcp_settings s = { .present = KCP_CTL_BIT(KCP_SETTING_A_DEFAULT_PROFILE) };

	if (strlen(name) >= sizeof(s.default_profile))
		return -ENAMETOOLONG;
	strcpy(s.default_profile, name);
	return kcp_ctl_settings_set(ctl, &s);
}
