/* SPDX-License-Identifier: MIT OR GPL-2.0 */
/*
 * Every difference between the kernels kcp.ko builds against is bridged
 * here and nowhere else. kmod/Kbuild probes the target's own headers and
 * defines KCP_HAVE_<feature> for what it finds: probing rather than
 * comparing LINUX_VERSION_CODE, because stable and distribution kernels
 * backport (WireGuard's compat tree taught this). Each shim gives old
 * kernels the newest API, so the rest of the module is written against one.
 */
#ifndef _KCP_COMPAT_H
#define _KCP_COMPAT_H

#include <linux/hrtimer.h>
#include <linux/net.h>
#include <net/genetlink.h>

/* 6.13 folded hrtimer_init() and the ->function assignment into one call. */
#ifndef KCP_HAVE_HRTIMER_SETUP
static inline void hrtimer_setup(struct hrtimer *timer,
				 enum hrtimer_restart (*function)(struct hrtimer *),
				 clockid_t clock_id, enum hrtimer_mode mode)
{
	hrtimer_init(timer, clock_id, mode);
	timer->function = function;
}
#endif

/*
 * 6.10 passed accept()'s flags and kern in a struct proto_accept_arg. Our
 * accept is written against that; KCP_DEFINE_ACCEPT() wraps it in whichever
 * signature proto_ops has.
 */
#ifdef KCP_HAVE_PROTO_ACCEPT_ARG
#define KCP_DEFINE_ACCEPT(name, impl)					\
static int name(struct socket *sock, struct socket *newsock,		\
		struct proto_accept_arg *arg)				\
{									\
	return impl(sock, newsock, arg);				\
}
#else
struct proto_accept_arg {
	int flags;
	int err;
	int is_empty;
	bool kern;
};

#define KCP_DEFINE_ACCEPT(name, impl)					\
static int name(struct socket *sock, struct socket *newsock, int flags,	\
		bool kern)						\
{									\
	struct proto_accept_arg arg = { .flags = flags, .kern = kern };	\
									\
	return impl(sock, newsock, &arg);				\
}
#endif

/*
 * 6.2 gave a dump the struct genl_info a doit gets; before, the parsed
 * attributes sat in struct genl_dumpit_info itself.
 */
static inline struct nlattr **kcp_dump_attrs(struct netlink_callback *cb)
{
#ifdef KCP_HAVE_GENL_INFO_DUMP
	return genl_info_dump(cb)->attrs;
#else
	return genl_dumpit_info(cb)->attrs;
#endif
}

#endif /* _KCP_COMPAT_H */
