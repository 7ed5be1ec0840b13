// SPDX-License-Identifier: MIT OR GPL-2.0
/*
 * Sessions belong to their network namespace: each namespace has its own
 * registry of them, with ids that stay stable for the session's life (what
 * netlink dumps and `kcpctl` name them by), and its own bound on orphans.
 *
 * Every AF_KCP socket holds a reference on its namespace, orphans too, so
 * a namespace being deleted has no sessions left by the time its exit
 * hook runs: they have been closed, or their orphan timeout has run out.
 */
#include <linux/bug.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/random.h>
#include <linux/ratelimit.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "handshake.h"
#include "net.h"
#include "netlink.h"
#include "profile.h"
#include "sock.h"

static unsigned int kcp_net_id __read_mostly;

/**
 * kcp_net() - kcp.ko's state in a namespace
 * @net: the namespace
 *
 * Return: its struct kcp_net, valid while @net is.
 */
struct kcp_net *kcp_net(const struct net *net)
{
	return net_generic(net, kcp_net_id);
}

/**
 * kcp_net_add() - register a session in its namespace and give it an id
 * @ks: a socket whose conversation just started
 */
void kcp_net_add(struct kcp_sock *ks)
{
	struct kcp_net *kn = kcp_net(sock_net(&ks->sk));

	spin_lock_bh(&kn->lock);
	ks->id = ++kn->next_id;
	list_add_tail(&ks->net_node, &kn->sessions);
	kn->generation++;
	spin_unlock_bh(&kn->lock);
}

/* Add what one engine counted to a sum (kcp_net_stats()). */
static void kcp_stats_add(struct kcp_stats *sum, const struct kcp_stats *s)
{
	sum->in_pkts += READ_ONCE(s->in_pkts);
	sum->in_segs += READ_ONCE(s->in_segs);
	sum->in_bytes += READ_ONCE(s->in_bytes);
	sum->in_errors += READ_ONCE(s->in_errors);
	sum->out_pkts += READ_ONCE(s->out_pkts);
	sum->out_segs += READ_ONCE(s->out_segs);
	sum->out_bytes += READ_ONCE(s->out_bytes);
	sum->out_errors += READ_ONCE(s->out_errors);
	sum->retrans_timeout += READ_ONCE(s->retrans_timeout);
	sum->retrans_fast += READ_ONCE(s->retrans_fast);
	sum->retrans_early += READ_ONCE(s->retrans_early);
	sum->retrans_spurious_timeout += READ_ONCE(s->retrans_spurious_timeout);
	sum->retrans_spurious_fast += READ_ONCE(s->retrans_spurious_fast);
	sum->invalid_segs += READ_ONCE(s->invalid_segs);
	sum->repeat_segs += READ_ONCE(s->repeat_segs);
	sum->dropped_segs += READ_ONCE(s->dropped_segs);
}

/**
 * kcp_net_del() - the session is gone (from the socket's destructor)
 * @ks: a socket kcp_net_add() registered, or one it never saw
 */
void kcp_net_del(struct kcp_sock *ks)
{
	struct kcp_net *kn = kcp_net(sock_net(&ks->sk));

	if (!ks->id)
		return;
	kcp_nl_session_ended(ks, READ_ONCE(ks->sk.sk_err));
	spin_lock_bh(&kn->lock);
	list_del(&ks->net_node);
	kn->generation++;
	/* in the same step, so that the namespace's sums never go back */
	kcp_stats_add(&kn->ended, &ks->kcp->stats);
	kn->ended_gso_batches += ks->tx_batches;
	spin_unlock_bh(&kn->lock);
}

/**
 * kcp_net_mem_state() - where a namespace stands against its memory limit
 * @net: the namespace
 *
 * Return: KCP_MEM_NORMAL, KCP_MEM_PRESSURE or KCP_MEM_LIMIT.
 */
enum kcp_mem_state kcp_net_mem_state(const struct net *net)
{
	struct kcp_net *kn = kcp_net(net);
	u64 mem = max_t(long, atomic_long_read(&kn->mem), 0);
	/* in KiB: 4 GiB of bytes would not fit a 32-bit unsigned long */
	u64 max = (u64)READ_ONCE(kn->mem_max_kb) * 1024;

	if (mem >= max)
		return KCP_MEM_LIMIT;
	if (mem >= max / 4 * 3)
		return KCP_MEM_PRESSURE;
	return KCP_MEM_NORMAL;
}

/**
 * kcp_net_mem_charge() - a session now holds @held bytes
 * @ks: the session, locked (or being destroyed, with @held 0)
 * @held: its engine's send and receive memory
 *
 * The namespace's sum follows a session once it has moved by a page or
 * gone to nothing, so that a bulk transfer touches the shared counter
 * every few datagrams rather than on each. Rounding up to pages instead
 * would count a session holding a few bytes as a page: on a 256 MB router,
 * a few thousand quiet sessions would then put the namespace under
 * pressure holding next to nothing.
 */
void kcp_net_mem_charge(struct kcp_sock *ks, u32 held)
{
	u32 was = ks->mem_charged;
	u32 moved = held > was ? held - was : was - held;

	if (!moved || (held && moved < PAGE_SIZE))
		return;
	atomic_long_add((long)held - (long)was, &kcp_net(sock_net(&ks->sk))->mem);
	ks->mem_charged = held;
}

/**
 * kcp_net_sessions() - how many sessions a namespace has
 * @net: the namespace
 *
 * Return: the registry's length.
 */
u32 kcp_net_sessions(const struct net *net)
{
	struct kcp_net *kn = kcp_net(net);
	struct kcp_sock *ks;
	u32 n = 0;

	spin_lock_bh(&kn->lock);
	list_for_each_entry(ks, &kn->sessions, net_node)
		n++;
	spin_unlock_bh(&kn->lock);
	return n;
}

/**
 * kcp_net_stats() - a namespace's counters, for netlink
 * @net: the namespace
 * @out: __KCP_STAT_A_MAX values, indexed by enum kcp_stat_attr
 *
 * What engines count is summed over the live sessions and those that
 * ended; what happens outside a session was counted per CPU as it did.
 */
void kcp_net_stats(const struct net *net, u64 *out)
{
	struct kcp_net *kn = kcp_net(net);
	struct kcp_stats sum;
	struct kcp_sock *ks;
	u64 gso, estab = 0;
	int cpu, i;

	memset(out, 0, sizeof(u64) * __KCP_STAT_A_MAX);
	for_each_possible_cpu(cpu) {
		const struct kcp_mib *mib = per_cpu_ptr(kn->mib, cpu);

		for (i = 0; i < __KCP_STAT_A_MAX; i++)
			out[i] += READ_ONCE(mib->v[i]);
	}

	spin_lock_bh(&kn->lock);
	sum = kn->ended;
	gso = kn->ended_gso_batches;
	/* a registered session's engine lives until kcp_net_del() */
	list_for_each_entry(ks, &kn->sessions, net_node) {
		kcp_stats_add(&sum, &ks->kcp->stats);
		gso += READ_ONCE(ks->tx_batches);
		estab += READ_ONCE(ks->sk.sk_state) == TCP_ESTABLISHED;
	}
	spin_unlock_bh(&kn->lock);

	out[KCP_STAT_A_CURR_ESTAB] = estab;
	out[KCP_STAT_A_OUT_DATAGRAMS] += sum.out_pkts;
	out[KCP_STAT_A_OUT_BYTES] += sum.out_bytes;
	out[KCP_STAT_A_IN_SEGS] += sum.in_segs;
	out[KCP_STAT_A_OUT_SEGS] += sum.out_segs;
	out[KCP_STAT_A_RETRANS_TIMEOUT] += sum.retrans_timeout;
	out[KCP_STAT_A_RETRANS_FAST] += sum.retrans_fast;
	out[KCP_STAT_A_RETRANS_EARLY] += sum.retrans_early;
	out[KCP_STAT_A_SPURIOUS_RETRANS] += sum.retrans_spurious_timeout +
					    sum.retrans_spurious_fast;
	out[KCP_STAT_A_REPEAT_SEGS] += sum.repeat_segs;
	out[KCP_STAT_A_DROPPED_SEGS] += sum.dropped_segs;
	out[KCP_STAT_A_IN_ERRORS] += sum.in_errors;
	out[KCP_STAT_A_INVALID_SEGS] += sum.invalid_segs;
	out[KCP_STAT_A_GSO_BATCHES] += gso;
}

/**
 * kcp_net_orphan_get() - take one of the namespace's orphan places
 * @kn: the namespace's state
 *
 * Return: true if one was free; kcp_net_orphan_put() gives it back.
 */
bool kcp_net_orphan_get(struct kcp_net *kn)
{
	return atomic_add_unless(&kn->orphans, 1, READ_ONCE(kn->orphan_max));
}

/**
 * kcp_net_orphan_put() - an orphan has finished
 * @kn: the namespace's state
 */
void kcp_net_orphan_put(struct kcp_net *kn)
{
	atomic_dec(&kn->orphans);
}

/**
 * kcp_net_pending_get() - room for one more session waiting for accept()
 * @kn: the namespace
 * @peer: the address that asks for it (its port does not count)
 * @bucket: set to what kcp_net_pending_put() will need
 *
 * Within the namespace's pending_max, and for one address (or the few
 * that share its keyed hash) within a KCP_PENDING_SHARE-th of it: a
 * flood of first datagrams from one source cannot take every place.
 *
 * Return: whether there was room (it is taken).
 */
bool kcp_net_pending_get(struct kcp_net *kn, const union kcp_addr *peer,
			 u8 *bucket)
{
	u32 max = READ_ONCE(kn->pending_max);
	union kcp_addr host = *peer;
	atomic_t *src;

	if (host.sa.sa_family == AF_INET)
		host.v4.sin_port = 0;
	else
		host.v6.sin6_port = 0;
	*bucket = kcp_flow_hash(kn, &host, &host, 0, 0, KCP_HASH_SOURCE) %
		  KCP_PENDING_BUCKETS;
	src = &kn->pending_src[*bucket];
	if (!atomic_add_unless(src, 1, max_t(u32, max / KCP_PENDING_SHARE, 1)))
		return false;
	if (!atomic_add_unless(&kn->pending, 1, max)) {
		atomic_dec(src);
		return false;
	}
	return true;
}

/**
 * kcp_net_pending_put() - a session no longer waits for accept()
 * @kn: the namespace
 * @bucket: as kcp_net_pending_get() gave it
 */
void kcp_net_pending_put(struct kcp_net *kn, u8 bucket)
{
	atomic_dec(&kn->pending_src[bucket]);
	atomic_dec(&kn->pending);
}

static int __net_init kcp_net_init_ns(struct net *net)
{
	struct kcp_net *kn = kcp_net(net);
	int i;

	kn->mib = alloc_percpu(struct kcp_mib);
	if (!kn->mib)
		return -ENOMEM;
	spin_lock_init(&kn->lock);
	INIT_LIST_HEAD(&kn->sessions);
	atomic_set(&kn->orphans, 0);
	kn->orphan_max = KCP_ORPHAN_MAX_DEFAULT;
	kn->orphan_timeout = KCP_ORPHAN_TIMEOUT_DEFAULT;
	atomic_long_set(&kn->mem, 0);
	atomic_set(&kn->pending, 0);
	for (i = 0; i < KCP_PENDING_BUCKETS; i++)
		atomic_set(&kn->pending_src[i], 0);
	kn->pending_max = KCP_PENDING_MAX_DEFAULT;
	/*
	 * as tcp_mem scales with memory: an eighth of it, so that pressure
	 * begins near tcp_mem's (a sixteenth) and the limit comes later
	 */
	kn->mem_max_kb = clamp_t(u64, (u64)totalram_pages() * (PAGE_SIZE / 1024) / 8,
				 KCP_MEM_MAX_MIN_KB, KCP_MEM_MAX_MAX_KB);
	get_random_bytes(&kn->secret, sizeof(kn->secret));
	ratelimit_state_init(&kn->reset_limit, HZ, KCP_RESETS_PER_SEC);
	/* a reset not sent is counted nowhere else: nothing to log */
	ratelimit_set_flags(&kn->reset_limit, RATELIMIT_MSG_ON_RELEASE);
	kcp_profiles_init(kn);
	return 0;
}

static void __net_exit kcp_net_exit_ns(struct net *net)
{
	struct kcp_net *kn = kcp_net(net);

	/* sockets hold the namespace: none can be left */
	WARN_ON_ONCE(!list_empty(&kn->sessions));
	WARN_ON_ONCE(atomic_read(&kn->orphans));
	WARN_ON_ONCE(atomic_long_read(&kn->mem));
	WARN_ON_ONCE(atomic_read(&kn->pending));
	kcp_profiles_exit(kn);
	free_percpu(kn->mib);
}

static struct pernet_operations kcp_net_ops = {
	.init = kcp_net_init_ns,
	.exit = kcp_net_exit_ns,
	.id = &kcp_net_id,
	.size = sizeof(struct kcp_net),
};

/**
 * kcp_net_init() - before the first socket
 *
 * Return: 0 or an error from registering the pernet operations.
 */
int kcp_net_init(void)
{
	return register_pernet_subsys(&kcp_net_ops);
}

/**
 * kcp_net_exit() - after the last socket
 */
void kcp_net_exit(void)
{
	unregister_pernet_subsys(&kcp_net_ops);
}
