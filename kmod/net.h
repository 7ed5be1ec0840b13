/* SPDX-License-Identifier: MIT OR GPL-2.0 */
/*
 * What kcp.ko keeps per network namespace: the registry of its sessions,
 * the bounds on sessions nobody owns any more, its profiles, settings and
 * counters (the control plane's objects, kmod/netlink.c).
 */
#ifndef _KCP_NET_H
#define _KCP_NET_H

#include <linux/atomic.h>
#include <uapi/linux/kcp.h>
#include <uapi/linux/kcp_netlink.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/ratelimit_types.h>
#include <linux/siphash.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#include "engine.h"

struct kcp_sock;
struct net;
union kcp_addr;

#define KCP_PENDING_BUCKETS		256
#define KCP_PENDING_SHARE		16

/**
 * struct kcp_mib - a namespace's counters, per CPU, by enum kcp_stat_attr
 * @v: KCP_STAT_A_CURR_ESTAB is computed instead (kcp_net_stats())
 */
struct kcp_mib {
	u64 v[__KCP_STAT_A_MAX];
};

/**
 * struct kcp_net - kcp.ko's state in one network namespace
 * @lock: protects @sessions, @next_id, @generation and @default_profile
 * @sessions: every socket with a KCP conversation (established, orphaned,
 *	waiting to be accepted), oldest first; the control plane dumps it
 * @next_id: the id the next session gets (ids are never reused)
 * @generation: changes whenever @sessions does, for consistent dumps
 * @orphans: closed sessions still delivering what was sent (kcp_close())
 * @orphan_max: beyond this many, close() discards instead
 * @orphan_timeout: ms an orphan may take to deliver before it is dropped
 * @mem: bytes the namespace's sessions hold, charged by kcp_net_mem_charge()
 * @mem_max_kb: the most they may hold, in KiB (KCP_SETTING_A_MEM_MAX)
 * @pending: sessions listeners hold, not yet accepted
 * @pending_src: the same, by a keyed hash of the peer's address: no
 *	address takes more than pending_max / KCP_PENDING_SHARE of them
 * @pending_max: the most they may hold together
 * @idle_timeout: ms an accepted session may go without a datagram (0: any)
 * @restrict_tunables: KCP_SETTING_A_RESTRICT_TUNABLES
 * @mib: the counters kept as events happen
 * @ended: what the engines of sessions no longer registered counted (the
 *	live ones' are read from them: kcp_net_stats())
 * @ended_gso_batches: their UDP GSO batches
 * @profile_mutex: serialises changes to @profiles and @default_profile
 * @profiles: the namespace's own profiles (RCU list, kmod/profile.c)
 * @nprofiles: their number
 * @default_profile: the name of the profile new sockets start from
 * @secret: keys the extension's cookies and reset tokens (kmod/reset.c)
 * @reset_limit: how many resets answer datagrams for unknown sessions
 */
struct kcp_net {
	spinlock_t lock;		/* sessions, next_id, generation */
	struct list_head sessions;
	u64 next_id;
	u32 generation;
	atomic_t orphans;
	u32 orphan_max;
	u32 orphan_timeout;
	atomic_long_t mem;
	atomic_t pending;
	atomic_t pending_src[KCP_PENDING_BUCKETS];
	u32 pending_max;
	u32 mem_max_kb;
	u32 idle_timeout;
	bool restrict_tunables;
	struct kcp_mib __percpu *mib;
	struct kcp_stats ended;
	u64 ended_gso_batches;
	struct mutex profile_mutex;	/* profiles, default_profile writers */
	struct list_head profiles;
	u32 nprofiles;
	char default_profile[KCP_PROFILE_NAME_MAX];
	siphash_key_t secret;
	struct ratelimit_state reset_limit;
};

/* Resets a namespace sends per second to sessions it does not know. */
#define KCP_RESETS_PER_SEC		1000

#define KCP_ORPHAN_MAX_DEFAULT		4096
#define KCP_ORPHAN_TIMEOUT_DEFAULT	60000	/* as TCP's tcp_fin_timeout */
#define KCP_ORPHAN_MAX_LIMIT		1048576
#define KCP_ORPHAN_TIMEOUT_MIN		1000
#define KCP_ORPHAN_TIMEOUT_MAX		3600000
#define KCP_IDLE_TIMEOUT_MAX		86400000
#define KCP_PENDING_MAX_DEFAULT		16384
#define KCP_PENDING_MAX_LIMIT		1048576
#define KCP_MEM_MAX_MIN_KB		64
#define KCP_MEM_MAX_MAX_KB		4194304

/* What each side of a session may hold even at the namespace's limit. */
#define KCP_SOCK_MEM_MIN		(16 * 1024)

/* Where a namespace's sessions stand against its memory limit. */
enum kcp_mem_state {
	KCP_MEM_NORMAL,
	KCP_MEM_PRESSURE,	/* from 3/4 of the limit: buffers stop growing */
	KCP_MEM_LIMIT,		/* at it: no new data is taken */
};

struct kcp_net *kcp_net(const struct net *net);
void kcp_net_add(struct kcp_sock *ks);
void kcp_net_del(struct kcp_sock *ks);
void kcp_net_stats(const struct net *net, u64 *out);
u32 kcp_net_sessions(const struct net *net);
enum kcp_mem_state kcp_net_mem_state(const struct net *net);
void kcp_net_mem_charge(struct kcp_sock *ks, u32 held);
bool kcp_net_pending_get(struct kcp_net *kn, const union kcp_addr *peer,
			 u8 *bucket);
void kcp_net_pending_put(struct kcp_net *kn, u8 bucket);
bool kcp_net_orphan_get(struct kcp_net *kn);
void kcp_net_orphan_put(struct kcp_net *kn);
int kcp_net_init(void);
void kcp_net_exit(void);

/**
 * kcp_net_count() - count one event in a namespace's counters
 * @net: the namespace
 * @what: a KCP_STAT_A_* counter
 * @n: by how much
 */
static inline void kcp_net_count(const struct net *net,
				 enum kcp_stat_attr what, u64 n)
{
	this_cpu_add(kcp_net(net)->mib->v[what], n);
}

#endif /* _KCP_NET_H */
