// SPDX-License-Identifier: MIT OR GPL-2.0
/*
 * kcp_nl_hostile: malformed requests to the "kcp" generic netlink family,
 * over a raw netlink socket (no libnl, so nothing tidies them up). Each
 * must fail with the errno <linux/kcp_netlink.h> promises and a reason in
 * the extended ack (a message, or for a missing attribute the kernel's
 * "missing" marker), and none may change anything: the namespace's
 * GET_INFO answer and profile list are compared before and after. Run as
 * root, so that what refuses them is validation, not permission.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/kcp_netlink.h>

#ifndef NLMSGERR_ATTR_MISS_TYPE
#define NLMSGERR_ATTR_MISS_TYPE	5
#endif

struct msg {
	char buf[8192];
	size_t len;
	size_t nests[4];
	int depth;
};

static int sock, family_id;
static uint32_t seq;
static char reason[512];

static struct nlmsghdr *hdr(struct msg *m)
{
	return (struct nlmsghdr *)m->buf;
}

static void msg_init(struct msg *m, int type, int flags, uint8_t cmd)
{
	struct genlmsghdr *g;

	memset(m, 0, sizeof(*m));
	m->len = NLMSG_HDRLEN + GENL_HDRLEN;
	hdr(m)->nlmsg_type = type;
	hdr(m)->nlmsg_flags = NLM_F_REQUEST | flags;
	hdr(m)->nlmsg_seq = ++seq;
	g = NLMSG_DATA(hdr(m));
	g->cmd = cmd;
	g->version = 1;
}

/* An attribute with any header length the case wants. */
static void put_raw(struct msg *m, uint16_t type, uint16_t nla_len,
		    const void *data, size_t len)
{
	struct nlattr *a = (struct nlattr *)(m->buf + m->len);

	a->nla_type = type;
	a->nla_len = nla_len;
	memcpy(a + 1, data, len);
	m->len += NLA_ALIGN(NLA_HDRLEN + len);
}

static void put(struct msg *m, uint16_t type, const void *data, size_t len)
{
	put_raw(m, type, (uint16_t)(NLA_HDRLEN + len), data, len);
}

static void put_u32(struct msg *m, uint16_t type, uint32_t v)
{
	put(m, type, &v, sizeof(v));
}

static void put_str(struct msg *m, uint16_t type, const char *s)
{
	put(m, type, s, strlen(s) + 1);
}

static void nest(struct msg *m, uint16_t type)
{
	m->nests[m->depth++] = m->len;
	put(m, type | NLA_F_NESTED, NULL, 0);
}

static void nest_end(struct msg *m)
{
	struct nlattr *a = (struct nlattr *)(m->buf + m->nests[--m->depth]);

	a->nla_len = (uint16_t)(m->len - m->nests[m->depth]);
}

/* The extended ack's message or missing-attribute marker, into reason. */
static void read_ext_ack(struct nlmsghdr *h, size_t off)
{
	struct nlattr *a;
	size_t len;

	if (!(h->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	for (; off + NLA_HDRLEN <= h->nlmsg_len; off += NLA_ALIGN(a->nla_len)) {
		a = (struct nlattr *)((char *)h + off);
		if (a->nla_len < NLA_HDRLEN || off + a->nla_len > h->nlmsg_len)
			break;
		len = a->nla_len - NLA_HDRLEN;
		if ((a->nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG)
			snprintf(reason, sizeof(reason), "%.*s", (int)len,
				 (char *)(a + 1));
		else if ((a->nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MISS_TYPE &&
			 !reason[0])
			snprintf(reason, sizeof(reason), "(missing attribute %u)",
				 *(uint32_t *)(a + 1));
	}
}

/*
 * Send and read to the end; 0 or the kernel's -errno. Each reply goes to
 * @fn (may be NULL) with its payload after the genl header.
 */
static int transact(struct msg *m, void (*fn)(void *, size_t, void *), void *arg)
{
	static char rbuf[65536];
	struct nlmsghdr *h;
	ssize_t n;

	hdr(m)->nlmsg_len = (uint32_t)m->len;
	reason[0] = '\0';
	if (send(sock, m->buf, m->len, 0) < 0)
		return -errno;
	for (;;) {
		n = recv(sock, rbuf, sizeof(rbuf), 0);
		if (n < 0)
			return -errno;
		for (h = (struct nlmsghdr *)rbuf; NLMSG_OK(h, (size_t)n);
		     h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_seq != seq)
				continue;
			if (h->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(h);

				read_ext_ack(h, NLMSG_HDRLEN + sizeof(*e));
				return e->error;
			}
			if (h->nlmsg_type == NLMSG_DONE) {
				int err = *(int *)NLMSG_DATA(h);

				read_ext_ack(h, NLMSG_HDRLEN + sizeof(int));
				return err;
			}
			if (fn)
				fn((char *)NLMSG_DATA(h) + GENL_HDRLEN,
				   h->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN, arg);
		}
	}
}

static void find_family_id(void *data, size_t len, void *arg)
{
	struct nlattr *a;
	size_t off;

	for (off = 0; off + NLA_HDRLEN <= len; off += NLA_ALIGN(a->nla_len)) {
		a = (struct nlattr *)((char *)data + off);
		if (a->nla_len < NLA_HDRLEN)
			break;
		if (a->nla_type == CTRL_ATTR_FAMILY_ID)
			*(int *)arg = *(uint16_t *)(a + 1);
	}
}

/* What must not change: GET_INFO's answer and the profile list. */
struct snapshot {
	char data[16384];
	size_t len;
};

static void append(void *data, size_t len, void *arg)
{
	struct snapshot *s = arg;

	if (s->len + len <= sizeof(s->data)) {
		memcpy(s->data + s->len, data, len);
		s->len += len;
	}
}

static int snapshot(struct snapshot *s)
{
	struct msg m;

	s->len = 0;
	msg_init(&m, family_id, NLM_F_ACK, KCP_NL_CMD_GET_INFO);
	if (transact(&m, append, s))
		return -1;
	msg_init(&m, family_id, NLM_F_DUMP, KCP_NL_CMD_GET_PROFILE);
	return transact(&m, append, s) ? -1 : 0;
}

/* Each case builds its request in m. */
static void unknown_command(struct msg *m)
{
	msg_init(m, family_id, NLM_F_ACK, 200);
}

static void set_profile(struct msg *m)
{
	msg_init(m, family_id, NLM_F_ACK, KCP_NL_CMD_SET_PROFILE);
}

static void no_profile_nest(struct msg *m)
{
	set_profile(m);
}

static void nest_without_name(struct msg *m)
{
	set_profile(m);
	nest(m, KCP_A_PROFILE);
	put_u32(m, KCP_PROFILE_A_NODELAY, 1);
	nest_end(m);
}

static void name_not_a_string(struct msg *m)
{
	set_profile(m);
	nest(m, KCP_A_PROFILE);
	put_u32(m, KCP_PROFILE_A_NAME, 0x41414141);	/* no NUL */
	nest_end(m);
}

static void name_oversized(struct msg *m)
{
	char name[200];

	memset(name, 'h', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	set_profile(m);
	nest(m, KCP_A_PROFILE);
	put_str(m, KCP_PROFILE_A_NAME, name);
	nest_end(m);
}

static void name_empty(struct msg *m)
{
	set_profile(m);
	nest(m, KCP_A_PROFILE);
	put_str(m, KCP_PROFILE_A_NAME, "");
	nest_end(m);
}

static void tunable_wrong_size(struct msg *m)
{
	uint16_t v = 20;

	set_profile(m);
	nest(m, KCP_A_PROFILE);
	put_str(m, KCP_PROFILE_A_NAME, "hostile");
	put(m, KCP_PROFILE_A_INTERVAL, &v, sizeof(v));
	nest_end(m);
}

static void tunable_out_of_range(struct msg *m)
{
	set_profile(m);
	nest(m, KCP_A_PROFILE);
	put_str(m, KCP_PROFILE_A_NAME, "hostile");
	put_u32(m, KCP_PROFILE_A_NODELAY, 1);	/* valid, must not stick */
	put_u32(m, KCP_PROFILE_A_INTERVAL, 5);
	nest_end(m);
}

static void read_only_flag(struct msg *m)
{
	set_profile(m);
	nest(m, KCP_A_PROFILE);
	put_str(m, KCP_PROFILE_A_NAME, "hostile");
	put(m, KCP_PROFILE_A_BUILTIN, NULL, 0);
	nest_end(m);
}

static void unknown_nested_attr(struct msg *m)
{
	set_profile(m);
	nest(m, KCP_A_PROFILE);
	put_str(m, KCP_PROFILE_A_NAME, "hostile");
	put_u32(m, 120, 1);
	nest_end(m);
}

static void nest_without_flag(struct msg *m)
{
	set_profile(m);
	nest(m, KCP_A_PROFILE);
	put_str(m, KCP_PROFILE_A_NAME, "hostile");
	nest_end(m);
	((struct nlattr *)(m->buf + NLMSG_HDRLEN + GENL_HDRLEN))->nla_type &=
		~NLA_F_NESTED;
}

static void truncated_attr(struct msg *m)
{
	uint32_t v = 1;

	set_profile(m);
	put_raw(m, KCP_A_SETTINGS, 200, &v, sizeof(v));	/* claims 200 bytes */
}

static void unknown_base(struct msg *m)
{
	set_profile(m);
	nest(m, KCP_A_PROFILE);
	put_str(m, KCP_PROFILE_A_NAME, "hostile");
	put_str(m, KCP_PROFILE_A_BASE, "no-such-base");
	nest_end(m);
}

static void del_builtin(struct msg *m)
{
	msg_init(m, family_id, NLM_F_ACK, KCP_NL_CMD_DEL_PROFILE);
	nest(m, KCP_A_PROFILE);
	put_str(m, KCP_PROFILE_A_NAME, "fast3");
	nest_end(m);
}

static void settings(struct msg *m)
{
	msg_init(m, family_id, NLM_F_ACK, KCP_NL_CMD_SET_SETTINGS);
}

static void default_unknown(struct msg *m)
{
	settings(m);
	nest(m, KCP_A_SETTINGS);
	put_u32(m, KCP_SETTING_A_ORPHAN_MAX, 7);	/* valid, must not stick */
	put_str(m, KCP_SETTING_A_DEFAULT_PROFILE, "no-such-profile");
	nest_end(m);
}

static void setting_out_of_range(struct msg *m)
{
	settings(m);
	nest(m, KCP_A_SETTINGS);
	put_u32(m, KCP_SETTING_A_ORPHAN_MAX, 7);
	put_u32(m, KCP_SETTING_A_ORPHAN_TIMEOUT, 999);
	nest_end(m);
}

static void read_only_top(struct msg *m)
{
	settings(m);
	put_str(m, KCP_A_VERSION, "9.9.9");
}

static void session_without_id(struct msg *m)
{
	msg_init(m, family_id, NLM_F_ACK, KCP_NL_CMD_GET_SESSION);
	nest(m, KCP_A_SESSION);
	put_u32(m, KCP_SESSION_A_STATE, 1);
	nest_end(m);
}

static void close_unknown(struct msg *m)
{
	uint64_t id = UINT64_MAX - 1;

	msg_init(m, family_id, NLM_F_ACK, KCP_NL_CMD_CLOSE_SESSION);
	nest(m, KCP_A_SESSION);
	put(m, KCP_SESSION_A_ID, &id, sizeof(id));
	nest_end(m);
}

static void filter_bad_family(struct msg *m)
{
	char addr[16] = { 1 };	/* sa_family AF_UNIX */

	msg_init(m, family_id, NLM_F_DUMP, KCP_NL_CMD_GET_SESSION);
	nest(m, KCP_A_SESSION);
	put(m, KCP_SESSION_A_PEER, addr, sizeof(addr));
	nest_end(m);
}

static void filter_too_short(struct msg *m)
{
	uint16_t family = 2;	/* AF_INET, and nothing else */

	msg_init(m, family_id, NLM_F_DUMP, KCP_NL_CMD_GET_SESSION);
	nest(m, KCP_A_SESSION);
	put(m, KCP_SESSION_A_LOCAL, &family, sizeof(family));
	nest_end(m);
}

static const struct {
	const char *name;
	void (*build)(struct msg *m);
	int error;
	bool reason;	/* the extended ack must say why */
} cases[] = {
	{ "unknown command", unknown_command, -EOPNOTSUPP, false },
	{ "SET_PROFILE without its nest", no_profile_nest, -EINVAL, true },
	{ "profile without a name", nest_without_name, -EINVAL, true },
	{ "name that is no string", name_not_a_string, -EINVAL, true },
	{ "name of 199 bytes", name_oversized, -EINVAL, true },
	{ "empty name", name_empty, -EINVAL, true },
	{ "tunable of 2 bytes", tunable_wrong_size, -EINVAL, true },
	{ "interval 5 ms", tunable_out_of_range, -ERANGE, true },
	{ "read-only BUILTIN flag", read_only_flag, -EINVAL, true },
	{ "unknown attribute in the nest", unknown_nested_attr, -EINVAL, true },
	{ "nest without NLA_F_NESTED", nest_without_flag, -EINVAL, true },
	{ "attribute longer than the message", truncated_attr, -EINVAL, true },
	{ "base that does not exist", unknown_base, -ENOENT, true },
	{ "deleting a built-in profile", del_builtin, -EPERM, true },
	{ "default profile that does not exist", default_unknown, -ENOENT, true },
	{ "orphan_timeout 999 ms", setting_out_of_range, -ERANGE, true },
	{ "read-only KCP_A_VERSION", read_only_top, -EINVAL, true },
	{ "GET_SESSION without an id", session_without_id, -EINVAL, true },
	{ "closing a session that does not exist", close_unknown, -ENOENT, true },
	{ "filter of family AF_UNIX", filter_bad_family, -EAFNOSUPPORT, true },
	{ "filter of 2 bytes", filter_too_short, -ERANGE, true },
};

int main(void)
{
	static struct snapshot before, after;
	int one = 1, failed = 0, err;
	struct msg m;
	size_t i;

	sock = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (sock < 0 || setsockopt(sock, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one)) ||
	    setsockopt(sock, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one))) {
		perror("kcp_nl_hostile: netlink socket");
		return 1;
	}
	msg_init(&m, GENL_ID_CTRL, NLM_F_ACK, CTRL_CMD_GETFAMILY);
	put_str(&m, CTRL_ATTR_FAMILY_NAME, KCP_GENL_NAME);
	family_id = -1;
	err = transact(&m, find_family_id, &family_id);
	if (err || family_id < 0) {
		fprintf(stderr, "kcp_nl_hostile: no kcp family: %s\n", strerror(-err));
		return 1;
	}
	if (snapshot(&before)) {
		fprintf(stderr, "kcp_nl_hostile: GET_INFO or the profile dump failed\n");
		return 1;
	}
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cases[i].build(&m);
		err = transact(&m, NULL, NULL);
		if (err != cases[i].error || (cases[i].reason && !reason[0])) {
			printf("FAIL %s: got %d (%s) \"%s\", expected %d with a reason\n",
			       cases[i].name, err, strerror(-err), reason,
			       cases[i].error);
			failed++;
		} else {
			printf("ok   %s: %s%s%s\n", cases[i].name, strerror(-err),
			       reason[0] ? ": " : "", reason);
		}
	}
	if (snapshot(&after) || after.len != before.len ||
	    memcmp(after.data, before.data, before.len)) {
		printf("FAIL the refused requests changed GET_INFO or the profiles\n");
		failed++;
	} else {
		printf("ok   nothing changed: GET_INFO and the profiles as before\n");
	}
	return failed ? 1 : 0;
}
