// SPDX-License-Identifier: MIT OR GPL-2.0
/*
 * libkcp's parsers of kcp.ko's replies (userspace/lib/ctl_*.c), fed
 * attributes built here as the kernel would send them: a struct kcp_info
 * from an older kernel is a prefix, the rest zero; one from a newer
 * kernel is cut to ours; addresses are checked against their family; an
 * attribute a newer kernel adds is skipped; a reply without what
 * identifies it is refused.
 */
#include <stddef.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netlink/netlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>

#include "libkcp.h"
#include "ctl.h"
#include "unit.h"

/* A message holding one nest of @type; fill it, then nest_of() it. */
static struct nl_msg *start(int type, struct nlattr **nest)
{
	struct nl_msg *msg = nlmsg_alloc();

	*nest = nla_nest_start(msg, type | NLA_F_NESTED);
	return msg;
}

static struct nlattr *finish(struct nl_msg *msg, struct nlattr *nest)
{
	nla_nest_end(msg, nest);
	return nest;
}

static void put_addr4(struct nl_msg *msg, int type, const char *ip, int port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port) };

	inet_pton(AF_INET, ip, &sin.sin_addr);
	nla_put(msg, type, sizeof(sin), &sin);
}

static void session_with_a_short_info(int *failures)
{
	struct kcp_info info = { .kcpi_srtt = 12, .kcpi_conv = 7 };
	const struct sockaddr_in *peer;
	struct kcp_session s;
	struct nlattr *nest;
	struct nl_msg *msg = start(KCP_A_SESSION, &nest);

	nla_put_u64(msg, KCP_SESSION_A_ID, 42);
	nla_put_u32(msg, KCP_SESSION_A_STATE, 1);
	nla_put_string(msg, KCP_SESSION_A_PROFILE, "fast3");
	put_addr4(msg, KCP_SESSION_A_PEER, "10.0.0.2", 9000);
	/* an older kernel: the u32 block only */
	nla_put(msg, KCP_SESSION_A_INFO, offsetof(struct kcp_info, kcpi_in_pkts), &info);
	nla_put_u32(msg, KCP_SESSION_A_MAX + 5, 1);	/* a newer kernel's */
	memset(&s, 0xa5, sizeof(s));
	EXPECT(kcp_ctl_parse_session(finish(msg, nest), &s) == 0);
	peer = (const struct sockaddr_in *)&s.peer;
	EXPECT(s.id == 42 && s.state == 1 && !strcmp(s.profile, "fast3"));
	EXPECT(peer->sin_family == AF_INET && ntohs(peer->sin_port) == 9000);
	EXPECT(s.local.ss_family == 0);		/* absent: empty, not garbage */
	EXPECT(s.info_len == offsetof(struct kcp_info, kcpi_in_pkts));
	EXPECT(s.info.kcpi_srtt == 12 && s.info.kcpi_in_pkts == 0 &&
	       s.info.kcpi_profile[0] == '\0');
	EXPECT(s.present & KCP_CTL_BIT(KCP_SESSION_A_INFO));
	EXPECT(!(s.present & KCP_CTL_BIT(KCP_SESSION_A_UID)));
	nlmsg_free(msg);
}

static void session_with_a_longer_info(int *failures)
{
	char big[sizeof(struct kcp_info) + 64];
	struct kcp_session s;
	struct nlattr *nest;
	struct nl_msg *msg = start(KCP_A_SESSION, &nest);

	memset(big, 1, sizeof(big));
	nla_put_u64(msg, KCP_SESSION_A_ID, 1);
	nla_put(msg, KCP_SESSION_A_INFO, sizeof(big), big);
	EXPECT(kcp_ctl_parse_session(finish(msg, nest), &s) == 0);
	EXPECT(s.info_len == sizeof(struct kcp_info));
	nlmsg_free(msg);
}

static void session_refusals(int *failures)
{
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6 };
	struct kcp_session s;
	struct nlattr *nest;
	struct nl_msg *msg;

	msg = start(KCP_A_SESSION, &nest);	/* no id */
	nla_put_u32(msg, KCP_SESSION_A_STATE, 1);
	EXPECT(kcp_ctl_parse_session(finish(msg, nest), &s) < 0);
	nlmsg_free(msg);

	msg = start(KCP_A_SESSION, &nest);	/* AF_INET6 in sockaddr_in's room */
	nla_put_u64(msg, KCP_SESSION_A_ID, 1);
	nla_put(msg, KCP_SESSION_A_LOCAL, sizeof(struct sockaddr_in), &sin6);
	EXPECT(kcp_ctl_parse_session(finish(msg, nest), &s) < 0);
	nlmsg_free(msg);

	msg = start(KCP_A_SESSION, &nest);	/* a u32 of two bytes */
	nla_put_u64(msg, KCP_SESSION_A_ID, 1);
	nla_put_u16(msg, KCP_SESSION_A_CONV, 3);
	EXPECT(kcp_ctl_parse_session(finish(msg, nest), &s) < 0);
	nlmsg_free(msg);
}

static void profile(int *failures)
{
	struct kcp_profile p;
	struct nlattr *nest;
	struct nl_msg *msg = start(KCP_A_PROFILE, &nest);
	char long_name[64];

	memset(long_name, 'x', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	nla_put_string(msg, KCP_PROFILE_A_NAME, long_name);	/* cut, ended */
	nla_put_flag(msg, KCP_PROFILE_A_DEFAULT);
	nla_put_u32(msg, KCP_PROFILE_A_INTERVAL, 20);
	nla_put_u32(msg, KCP_PROFILE_A_RCVBUF, 65536);
	nla_put_u32(msg, KCP_PROFILE_A_STOCK, 1);
	nla_put_u32(msg, KCP_PROFILE_A_CONNECT_TIMEOUT, 20000);
	EXPECT(kcp_ctl_parse_profile(finish(msg, nest), &p) == 0);
	EXPECT(strlen(p.name) == KCP_PROFILE_NAME_MAX - 1);
	EXPECT(p.is_default && !p.builtin);
	EXPECT(p.present == (KCP_CTL_BIT(KCP_PROFILE_A_INTERVAL) |
			     KCP_CTL_BIT(KCP_PROFILE_A_RCVBUF) |
			     KCP_CTL_BIT(KCP_PROFILE_A_STOCK) |
			     KCP_CTL_BIT(KCP_PROFILE_A_CONNECT_TIMEOUT)));
	EXPECT(p.value[KCP_PROFILE_A_INTERVAL] == 20 &&
	       p.value[KCP_PROFILE_A_RCVBUF] == 65536 &&
	       p.value[KCP_PROFILE_A_STOCK] == 1 &&
	       p.value[KCP_PROFILE_A_CONNECT_TIMEOUT] == 20000);
	nlmsg_free(msg);

	msg = start(KCP_A_PROFILE, &nest);	/* no name */
	nla_put_u32(msg, KCP_PROFILE_A_INTERVAL, 20);
	EXPECT(kcp_ctl_parse_profile(finish(msg, nest), &p) < 0);
	nlmsg_free(msg);
}

static const struct unit_test tests[] = {
	{ "session_with_a_short_info", session_with_a_short_info },
	{ "session_with_a_longer_info", session_with_a_longer_info },
	{ "session_refusals", session_refusals },
	{ "profile", profile },
};

UNIT_MAIN("ctl_parse", tests)
