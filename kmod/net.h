/* SPDX-License-Identifier: MIT OR GPL-2.0 */
/*
 * What kcp.ko keeps per network namespace: the registry of its sessions
 * and the bounds on sessions nobody owns any more.
 */
#ifndef _KCP_NET_H
#define _KCP_NET_H

#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/types.h>

struct kcp_sock;
struct net;

/**
 * struct kcp_net - kcp.ko's state in one network namespace
 * @lock: protects @sessions, @next_id and @generation
 * @sessions: every socket with a KCP conversation (established, orphaned,
 *	waiting to be accepted), oldest first; the control plane dumps it
 * @next_id: the id the next session gets (ids are never reused)
 * @generation: changes whenever @sessions does, for consistent dumps
 * @orphans: closed sessions still delivering what was sent (kcp_close())
 * @orphan_max: beyond this many, close() discards instead
 * @orphan_timeout: ms an orphan may take to deliver before it is dropped
 */
struct kcp_net {
	spinlock_t lock;		/* sessions, next_id, generation */
	struct list_head sessions;
	u64 next_id;
	u32 generation;
	atomic_t orphans;
	u32 orphan_max;
	u32 orphan_timeout;
};

#define KCP_ORPHAN_MAX_DEFAULT		4096
#define KCP_ORPHAN_TIMEOUT_DEFAULT	60000	/* as TCP's tcp_fin_timeout */

struct kcp_net *kcp_net(const struct net *net);
void kcp_net_add(struct kcp_sock *ks);
void kcp_net_del(struct kcp_sock *ks);
bool kcp_net_orphan_get(struct kcp_net *kn);
void kcp_net_orphan_put(struct kcp_net *kn);
int kcp_net_init(void);
void kcp_net_exit(void);

#endif /* _KCP_NET_H */
