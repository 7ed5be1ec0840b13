/* SPDX-License-Identifier: MIT OR GPL-2.0 */
/*
 * Profiles: named sets of every tunable a socket has. Built-in ones are
 * compiled in; each network namespace adds its own through netlink.
 */
#ifndef _KCP_PROFILE_H
#define _KCP_PROFILE_H

#include <uapi/linux/kcp.h>
#include <linux/list.h>
#include <linux/rcupdate.h>

#include "engine.h"

struct kcp_net;
struct net;

/* A namespace holds at most this many profiles of its own. */
#define KCP_PROFILES_MAX	64

/**
 * struct kcp_profile - a named set of tunables
 * @name: NUL-terminated, 1..KCP_PROFILE_NAME_MAX-1 bytes
 * @cfg: the engine's tunables (stream and rcv_limit unused); mtu 0 leaves
 *	a socket's MTU as it is
 * @keepalive: turn SO_KEEPALIVE on (false leaves it as it is)
 * @keepidle: KCP_KEEPIDLE, in seconds
 * @keepintvl: KCP_KEEPINTVL, in seconds
 * @keepcnt: KCP_KEEPCNT
 * @sndbuf: SO_SNDBUF in bytes, 0: sized from the window
 * @rcvbuf: SO_RCVBUF in bytes, 0: sized from the window
 * @stock: KCP_STOCK: connect() dials stock servers, without the extension
 * @connect_timeout: KCP_CONNECT_TIMEOUT, ms
 * @builtin: compiled in; cannot change
 * @node: in the namespace's list (user profiles)
 * @rcu: frees a user profile after readers are done
 */
struct kcp_profile {
	char name[KCP_PROFILE_NAME_MAX];
	struct kcp_config cfg;
	bool keepalive;
	u32 keepidle;
	u32 keepintvl;
	u32 keepcnt;
	u32 sndbuf;
	u32 rcvbuf;
	bool stock;
	u32 connect_timeout;
	bool builtin;
	struct list_head node;
	struct rcu_head rcu;
};

int kcp_profile_find(const struct net *net, const char *name,
		     struct kcp_profile *out);
void kcp_profile_default(const struct net *net, struct kcp_profile *out);
int kcp_profile_nth(const struct net *net, unsigned int n,
		    struct kcp_profile *out);
int kcp_profile_validate(const struct kcp_profile *p);
bool kcp_profile_privileged(const struct kcp_config *was,
			    const struct kcp_config *now);
int kcp_profile_store(struct net *net, const struct kcp_profile *p,
		      bool *created);
int kcp_profile_delete(struct net *net, const char *name);
int kcp_profile_set_default(struct net *net, const char *name);
void kcp_profile_default_name(const struct net *net, char *name);
void kcp_profiles_init(struct kcp_net *kn);
void kcp_profiles_exit(struct kcp_net *kn);

#endif /* _KCP_PROFILE_H */
