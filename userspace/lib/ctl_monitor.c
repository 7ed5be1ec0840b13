// SPDX-License-Identifier: MIT OR GPL-2.0
/*
 * Events: the "events" multicast group's notifications, one callback
 * each. Notifications carry sequence number 0, which the monitor's
 * callbacks accept; once subscribed, the handle belongs to the monitor.
 */
#include <errno.h>
#include <string.h>
#include <netlink/netlink.h>
#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>

#include "libkcp.h"
#include "ctl.h"

struct monitor {
	kcp_event_fn fn;
	void *arg;
	int result;
};

static int on_event(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *hdr = nlmsg_hdr(msg);
	struct nlattr *tb[KCP_A_MAX + 1];
	struct monitor *mon = arg;
	struct genlmsghdr *gnlh;
	struct kcp_event ev;

	if (!genlmsg_valid_hdr(hdr, 0) ||
	    genlmsg_parse(hdr, 0, tb, KCP_A_MAX, NULL) < 0)
		return NL_SKIP;
	gnlh = nlmsg_data(hdr);
	memset(&ev, 0, sizeof(ev));
	ev.cmd = gnlh->cmd;
	switch (ev.cmd) {
	case KCP_NL_CMD_SESSION_OPENED:
	case KCP_NL_CMD_SESSION_CLOSED:
		if (!tb[KCP_A_SESSION] ||
		    kcp_ctl_parse_session(tb[KCP_A_SESSION], &ev.session))
			return NL_SKIP;
		break;
	case KCP_NL_CMD_PROFILE_CHANGED:
		if (!tb[KCP_A_PROFILE] ||
		    kcp_ctl_parse_profile(tb[KCP_A_PROFILE], &ev.profile))
			return NL_SKIP;
		break;
	default:
		return NL_SKIP;		/* a newer kernel's event */
	}
	mon->result = mon->fn(&ev, mon->arg);
	return mon->result ? NL_STOP : NL_OK;
}

static int any_seq(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return NL_OK;
}

int kcp_ctl_monitor(struct kcp_ctl *ctl, kcp_event_fn fn, void *arg)
{
	struct monitor mon = { fn, arg, 0 };
	struct nl_cb *cb;
	int group, ret;

	ctl->error[0] = '\0';
	group = genl_ctrl_resolve_grp(ctl->sock, KCP_GENL_NAME,
				      KCP_GENL_MCGRP_EVENTS);
	if (group < 0)
		return kcp_ctl_nlerr(group);
	ret = nl_socket_add_membership(ctl->sock, group);
	if (ret < 0)
		return kcp_ctl_nlerr(ret);

	cb = nl_cb_alloc(NL_CB_CUSTOM);
	if (!cb)
		return -ENOMEM;
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_event, &mon);
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, any_seq, NULL);
	while (!mon.result) {
		ret = nl_recvmsgs(ctl->sock, cb);
		/* events lost to a full socket buffer are not worth stopping */
		if (ret < 0 && ret != -NLE_NOMEM && ret != -NLE_MSG_OVERFLOW &&
		    !mon.result) {
			mon.result = kcp_ctl_nlerr(ret);
			break;
		}
	}
	nl_cb_put(cb);
	return mon.result;
}
