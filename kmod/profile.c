// SPDX-License-Identifier: MIT OR GPL-2.0
/*
 * Profiles: the tunings KCP users already know by name, so that one
 * setsockopt(KCP_PROFILE, "fast3") replaces six, and those an
 * administrator defines per network namespace (kcpctl profile set).
 *
 * A socket copies a profile's values when it takes one (kcp_create(),
 * KCP_PROFILE), so nothing keeps a pointer to a profile: readers copy under
 * RCU, writers serialise on the namespace's profile mutex and replace a
 * changed profile whole (list_replace_rcu), freeing the old copy after a
 * grace period.
 *
 * The built-in profiles, and where each comes from (see the KCP survey in
 * the project's notes):
 *   ikcp              ikcp_create()'s defaults and its timing: data,
 *                     ACKs and retransmissions at the periodic flush,
 *                     no early retransmit
 *   normal, fast, fast2, fast3
 *                     kcptun's -mode presets (nodelay, interval, resend, nc)
 *   turbo, fastest    ikcp README's "turbo" and tokio_kcp's fastest():
 *                     fast3's settings, minimum RTO 10 ms as in ikcp's
 *                     own fast benchmark
 *   realtime          fast3's settings, and a thin stream's new segments
 *                     sent twice (KCP_THIN_DUP): for games and remote
 *                     shells, whose messages are too few for ACKs to
 *                     reveal a loss quickly
 *   lan, wan, high_latency, low_bandwidth
 *                     the predecessor project's presets, with congestion
 *                     control on: these share links with other traffic.
 *                     lan: short RTT, big windows, quick recovery.
 *                     wan: internet paths, moderate windows.
 *                     high_latency: satellite/cellular, windows sized for a
 *                     large bandwidth-delay product, patient RTO and
 *                     dead-link limit.
 *                     low_bandwidth: small windows, so a thin link is not
 *                     buried under a queue of retransmissions.
 */
#include <linux/capability.h>
#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <net/net_namespace.h>

#include "engine.h"
#include "handshake.h"
#include "lifecycle.h"
#include "net.h"
#include "profile.h"

struct kcp_builtin {
	const char *name;
	u32 nodelay, interval, resend;
	bool nc;
	u32 snd_wnd, rcv_wnd, minrto, dead_link;
	bool ikcp_timing;	/* data and ACKs wait for the periodic flush */
	bool thin_dup;		/* a thin stream's new segments leave twice */
};

static const struct kcp_builtin kcp_builtins[] = {
	{ "default",	  0, 10,  0, false,  128,  128, 100, 20 },
	{ "ikcp",	  0, 100, 0, false,   32,  128, 100, 20, true },
	{ "normal",	  0, 40,  2, true,   512,  512, 100, 20 },
	{ "fast",	  0, 30,  2, true,   512,  512, 100, 20 },
	{ "fast2",	  1, 20,  2, true,   512,  512,  30, 20 },
	{ "fast3",	  1, 10,  2, true,   512,  512,  30, 20 },
	{ "turbo",	  1, 10,  2, true,  1024, 1024,  10, 20 },
	{ "fastest",	  1, 10,  2, true,  1024, 1024,  10, 20 },
	{ "realtime",	  1, 10,  2, true,   512,  512,  30, 20, false, true },
	{ "lan",	  1, 10,  2, false, 1024, 1024,  30, 20 },
	{ "wan",	  1, 20,  2, false,  512,  512,  30, 30 },
	{ "high_latency", 0, 40,  2, false, 2048, 2048, 200, 50 },
	{ "low_bandwidth", 0, 50, 2, false,   32,  128, 100, 30 },
};

static void kcp_builtin_fill(const struct kcp_builtin *b, struct kcp_profile *p)
{
	memset(p, 0, sizeof(*p));
	strscpy(p->name, b->name, sizeof(p->name));
	p->builtin = true;
	kcp_config_init(&p->cfg);
	p->cfg.mtu = 0;			/* a socket keeps its own */
	p->cfg.nodelay = b->nodelay;
	p->cfg.interval = b->interval;
	p->cfg.resend = b->resend;
	p->cfg.nc = b->nc;
	p->cfg.snd_wnd = b->snd_wnd;
	p->cfg.rcv_wnd = b->rcv_wnd;
	p->cfg.minrto = b->minrto;
	p->cfg.dead_link = b->dead_link;
	/*
	 * Unless a profile asks for ikcp's timing, nothing waits for the
	 * periodic flush: data leaves when it is sent, paced over a round
	 * trip, ACKs with data or within 1 ms, at once for data out of order
	 * (see kcp_engine_update()).
	 */
	p->cfg.write_delay = b->ikcp_timing;
	p->cfg.ack_nodelay = false;
	p->cfg.ack_delay = b->ikcp_timing ? 0 : 1;
	p->cfg.early_retransmit = !b->ikcp_timing;
	p->cfg.pacing = !b->ikcp_timing;
	p->cfg.reorder_tolerant = !b->ikcp_timing;
	p->cfg.thin_dup = b->thin_dup;
	p->keepidle = KCP_KEEPIDLE_DEFAULT;
	p->keepintvl = KCP_KEEPINTVL_DEFAULT;
	p->keepcnt = KCP_KEEPCNT_DEFAULT;
	p->connect_timeout = KCP_CONNECT_TIMEOUT_DEFAULT;
}

static const struct kcp_builtin *kcp_builtin_find(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(kcp_builtins); i++)
		if (!strcmp(kcp_builtins[i].name, name))
			return &kcp_builtins[i];
	return NULL;
}

/* A namespace's own profile by name; RCU read side or the mutex held. */
static struct kcp_profile *kcp_user_find(struct kcp_net *kn, const char *name)
{
	struct kcp_profile *p;

	list_for_each_entry_rcu(p, &kn->profiles, node,
				lockdep_is_held(&kn->profile_mutex))
		if (!strcmp(p->name, name))
			return p;
	return NULL;
}

/**
 * kcp_profile_find() - copy a profile by name
 * @net: the namespace whose own profiles count
 * @name: NUL-terminated
 * @out: where the copy goes
 *
 * Return: 0, or -ENOENT if neither a built-in nor @net has it.
 */
int kcp_profile_find(const struct net *net, const char *name,
		     struct kcp_profile *out)
{
	const struct kcp_builtin *b = kcp_builtin_find(name);
	struct kcp_profile *p;
	int err = -ENOENT;

	if (b) {
		kcp_builtin_fill(b, out);
		return 0;
	}
	rcu_read_lock();
	p = kcp_user_find(kcp_net(net), name);
	if (p) {
		*out = *p;
		INIT_LIST_HEAD(&out->node);
		err = 0;
	}
	rcu_read_unlock();
	return err;
}

/**
 * kcp_profile_default_name() - the profile new sockets start from
 * @net: the namespace
 * @name: KCP_PROFILE_NAME_MAX bytes for it
 */
void kcp_profile_default_name(const struct net *net, char *name)
{
	struct kcp_net *kn = kcp_net(net);

	spin_lock_bh(&kn->lock);
	strscpy(name, kn->default_profile, KCP_PROFILE_NAME_MAX);
	spin_unlock_bh(&kn->lock);
}

/**
 * kcp_profile_default() - copy the profile new sockets start from
 * @net: the namespace
 * @out: where the copy goes
 *
 * The namespace's default cannot be deleted, but it can be replaced as
 * default and then deleted between the two steps here: then a new socket
 * starts from the built-in "default", as it would have a moment earlier.
 */
void kcp_profile_default(const struct net *net, struct kcp_profile *out)
{
	char name[KCP_PROFILE_NAME_MAX];

	kcp_profile_default_name(net, name);
	if (kcp_profile_find(net, name, out))
		kcp_builtin_fill(&kcp_builtins[0], out);
}

/**
 * kcp_profile_nth() - copy the @n-th profile, for a netlink dump
 * @net: the namespace
 * @n: built-in ones first, then the namespace's own, oldest first
 * @out: where the copy goes
 *
 * Return: 0, or -ENOENT past the last one.
 */
int kcp_profile_nth(const struct net *net, unsigned int n,
		    struct kcp_profile *out)
{
	struct kcp_profile *p;
	int err = -ENOENT;

	if (n < ARRAY_SIZE(kcp_builtins)) {
		kcp_builtin_fill(&kcp_builtins[n], out);
		return 0;
	}
	n -= ARRAY_SIZE(kcp_builtins);
	rcu_read_lock();
	list_for_each_entry_rcu(p, &kcp_net(net)->profiles, node) {
		if (n--)
			continue;
		*out = *p;
		INIT_LIST_HEAD(&out->node);
		err = 0;
		break;
	}
	rcu_read_unlock();
	return err;
}

/**
 * kcp_profile_validate() - would a socket accept these values?
 * @p: a profile
 *
 * Return: 0 or -EINVAL, with the socket options' ranges.
 */
int kcp_profile_validate(const struct kcp_profile *p)
{
	struct kcp_config cfg = p->cfg;

	if (!cfg.mtu)
		cfg.mtu = KCP_MTU_DEFAULT;
	if (kcp_config_validate(&cfg))
		return -EINVAL;
	if (p->keepidle < 1 || p->keepidle > KCP_KEEP_SECS_MAX ||
	    p->keepintvl < 1 || p->keepintvl > KCP_KEEP_SECS_MAX ||
	    p->keepcnt < 1 || p->keepcnt > KCP_KEEPCNT_MAX)
		return -EINVAL;
	if (p->sndbuf > INT_MAX / 2 || p->rcvbuf > INT_MAX / 2)
		return -EINVAL;
	if (p->connect_timeout < KCP_CONNECT_TIMEOUT_MIN ||
	    p->connect_timeout > KCP_CONNECT_TIMEOUT_MAX)
		return -EINVAL;
	return 0;
}

/**
 * kcp_profile_privileged() - does going from @was to @now take more than a
 * fair share of a link (restrict_tunables)?
 * @was: the socket's configuration
 * @now: what it would become
 *
 * Turning congestion control off, or the RTO floor below
 * KCP_RTO_MIN_UNPRIVILEGED and lower than it was, does. Keeping what the
 * administrator's default profile gave does not.
 *
 * Return: true if the change needs CAP_NET_ADMIN under restrict_tunables.
 */
bool kcp_profile_privileged(const struct kcp_config *was,
			    const struct kcp_config *now)
{
	if (now->nc && !was->nc)
		return true;
	return now->minrto < KCP_RTO_MIN_UNPRIVILEGED &&
	       now->minrto < was->minrto;
}

/**
 * kcp_profile_store() - create a namespace's profile or replace its values
 * @net: the namespace
 * @p: the new values, validated (kcp_profile_validate())
 * @created: set to whether the name was new
 *
 * Return: 0; -EPERM for a built-in name; -ENOSPC beyond KCP_PROFILES_MAX;
 * -ENOMEM.
 */
int kcp_profile_store(struct net *net, const struct kcp_profile *p,
		      bool *created)
{
	struct kcp_net *kn = kcp_net(net);
	struct kcp_profile *old, *new;
	int err = 0;

	if (kcp_builtin_find(p->name))
		return -EPERM;
	new = kmemdup(p, sizeof(*p), GFP_KERNEL_ACCOUNT);
	if (!new)
		return -ENOMEM;
	new->builtin = false;

	mutex_lock(&kn->profile_mutex);
	old = kcp_user_find(kn, p->name);
	*created = !old;
	if (old) {
		list_replace_rcu(&old->node, &new->node);
		kfree_rcu(old, rcu);
	} else if (kn->nprofiles >= KCP_PROFILES_MAX) {
		kfree(new);
		err = -ENOSPC;
	} else {
		list_add_tail_rcu(&new->node, &kn->profiles);
		kn->nprofiles++;
	}
	mutex_unlock(&kn->profile_mutex);
	return err;
}

/**
 * kcp_profile_delete() - delete a namespace's profile
 * @net: the namespace
 * @name: its name
 *
 * Return: 0; -EPERM for a built-in; -EBUSY for the namespace's default;
 * -ENOENT for an unknown name.
 */
int kcp_profile_delete(struct net *net, const char *name)
{
	struct kcp_net *kn = kcp_net(net);
	struct kcp_profile *p;
	int err = 0;

	if (kcp_builtin_find(name))
		return -EPERM;
	mutex_lock(&kn->profile_mutex);
	p = kcp_user_find(kn, name);
	if (!p) {
		err = -ENOENT;
	} else if (!strcmp(kn->default_profile, name)) {
		err = -EBUSY;
	} else {
		list_del_rcu(&p->node);
		kn->nprofiles--;
		kfree_rcu(p, rcu);
	}
	mutex_unlock(&kn->profile_mutex);
	return err;
}

/**
 * kcp_profile_set_default() - the profile new sockets start from
 * @net: the namespace
 * @name: a built-in or one of @net's profiles
 *
 * Return: 0 or -ENOENT.
 */
int kcp_profile_set_default(struct net *net, const char *name)
{
	struct kcp_net *kn = kcp_net(net);
	int err = 0;

	mutex_lock(&kn->profile_mutex);
	if (!kcp_builtin_find(name) && !kcp_user_find(kn, name)) {
		err = -ENOENT;
	} else {
		spin_lock_bh(&kn->lock);
		strscpy(kn->default_profile, name, sizeof(kn->default_profile));
		spin_unlock_bh(&kn->lock);
	}
	mutex_unlock(&kn->profile_mutex);
	return err;
}

/**
 * kcp_profiles_init() - a namespace starts with the built-in "default"
 * @kn: its state
 */
void kcp_profiles_init(struct kcp_net *kn)
{
	mutex_init(&kn->profile_mutex);
	INIT_LIST_HEAD(&kn->profiles);
	kn->nprofiles = 0;
	strscpy(kn->default_profile, kcp_builtins[0].name,
		sizeof(kn->default_profile));
}

/**
 * kcp_profiles_exit() - free a namespace's profiles as it goes
 * @kn: its state; no reader is left
 */
void kcp_profiles_exit(struct kcp_net *kn)
{
	struct kcp_profile *p, *next;

	list_for_each_entry_safe(p, next, &kn->profiles, node) {
		list_del(&p->node);
		kfree(p);
	}
	kn->nprofiles = 0;
}
