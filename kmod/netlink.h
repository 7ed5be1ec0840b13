/* SPDX-License-Identifier: MIT OR GPL-2.0 */
#ifndef _KCP_NETLINK_H
#define _KCP_NETLINK_H

#include <uapi/linux/kcp_netlink.h>
#include <linux/types.h>
#include <net/genetlink.h>

struct kcp_sock;
struct net;

int kcp_nl_init(void);
void kcp_nl_exit(void);
void kcp_nl_session_event(struct kcp_sock *ks, u8 cmd, int reason);
void kcp_nl_session_ended(struct kcp_sock *ks, int reason);
void kcp_nl_profile_event(struct net *net, const char *name, u32 action);

/* Between netlink.c, the family, and nl_profile.c and nl_session.c. */
/* not const: 6.1's nla_policy points at a mutable one */
#define KCP_NL_U32_RANGE(r)	NLA_POLICY_FULL_RANGE(NLA_U32, &(r))
#define KCP_NL_FLAG		NLA_POLICY_MAX(NLA_U32, 1)
#define KCP_NL_NAME		{ .type = NLA_NUL_STRING, \
				  .len = KCP_PROFILE_NAME_MAX - 1 }
#define KCP_NL_READ_ONLY	{ .type = NLA_REJECT, \
				  .reject_message = "attribute is read only" }

extern struct genl_family kcp_nl_family;
extern const struct nla_policy kcp_nl_profile_policy[KCP_PROFILE_A_MAX + 1];
extern const struct nla_policy kcp_nl_session_policy[KCP_SESSION_A_MAX + 1];
struct sk_buff *kcp_nl_reply(struct genl_info *info, u8 cmd, void **hdr);
int kcp_nl_send_reply(struct sk_buff *msg, void *hdr, struct genl_info *info);
int kcp_nl_get_profile(struct sk_buff *skb, struct genl_info *info);
int kcp_nl_dump_profiles(struct sk_buff *skb, struct netlink_callback *cb);
int kcp_nl_set_profile(struct sk_buff *skb, struct genl_info *info);
int kcp_nl_del_profile(struct sk_buff *skb, struct genl_info *info);
struct sk_buff *kcp_nl_event_new(struct net *net, u8 cmd, int nest_type,
				 gfp_t gfp, void **hdr, struct nlattr **nest);
void kcp_nl_event_send(struct net *net, struct sk_buff *msg, void *hdr,
		       struct nlattr *nest);
int kcp_nl_get_session(struct sk_buff *skb, struct genl_info *info);
int kcp_nl_dump_sessions_start(struct netlink_callback *cb);
int kcp_nl_dump_sessions(struct sk_buff *skb, struct netlink_callback *cb);
int kcp_nl_dump_sessions_done(struct netlink_callback *cb);
int kcp_nl_close_session(struct sk_buff *skb, struct genl_info *info);

#endif /* _KCP_NETLINK_H */
