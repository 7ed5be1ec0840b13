/* SPDX-License-Identifier: MIT OR GPL-2.0 */
/*
 * Inside libkcp's control plane: the handle and the request plumbing
 * (ctl.c) the per-object files (ctl_info.c, ctl_profile.c, ctl_session.c,
 * ctl_monitor.c) build on. Not installed.
 */
#ifndef KCP_LIB_CTL_H
#define KCP_LIB_CTL_H

#include <stdbool.h>
#include <stdint.h>

struct nl_msg;
struct nl_sock;
struct nlattr;
struct kcp_profile;
struct kcp_session;

struct kcp_ctl {
	struct nl_sock *sock;
	int family_id;
	bool dump_intr;			/* the last dump was NLM_F_DUMP_INTR */
	char error[256];		/* the last extended-ack message */
};

/*
 * Called with each reply's top-level attributes, parsed (tb has
 * KCP_A_MAX + 1 entries); a nonzero return stops the listing and becomes
 * kcp_ctl_transact()'s result.
 */
typedef int (*kcp_ctl_reply_fn)(struct nlattr **tb, void *arg);

/* A new request for @cmd with @flags (NLM_F_DUMP or 0), or NULL. */
struct nl_msg *kcp_ctl_msg(struct kcp_ctl *ctl, uint8_t cmd, int flags);

/* nla_nest_start() with NLA_F_NESTED, which libnl-tiny does not set. */
struct nlattr *kcp_ctl_nest_start(struct nl_msg *msg, int type);

/*
 * Send @msg (consumed) and read the answer to its end: each reply through
 * @fn (may be NULL), then the acknowledgement, the end of the dump or the
 * error. Returns 0, @fn's stop value or a negative errno; the kernel's
 * extended-ack text lands in ctl->error.
 */
int kcp_ctl_transact(struct kcp_ctl *ctl, struct nl_msg *msg,
		     kcp_ctl_reply_fn fn, void *arg);

/* libnl's error numbers, as errno: for calls that fail inside libnl. */
int kcp_ctl_nlerr(int nlerr);

/* Attribute readers that check the payload's length first. */
int kcp_ctl_get_u32(const struct nlattr *a, uint32_t *out);
int kcp_ctl_get_u64(const struct nlattr *a, uint64_t *out);
/* A string attribute into @buf, NUL-terminated, truncated if need be. */
void kcp_ctl_get_string(const struct nlattr *a, char *buf, size_t size);

/* The parsers events and replies share. */
int kcp_ctl_parse_profile(struct nlattr *nest, struct kcp_profile *p);
int kcp_ctl_parse_session(struct nlattr *nest, struct kcp_session *s);

#endif /* KCP_LIB_CTL_H */
