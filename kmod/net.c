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
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "net.h"
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

/**
 * kcp_net_del() - the session is gone (from the socket's destructor)
 * @ks: a socket kcp_net_add() registered, or one it never saw
 */
void kcp_net_del(struct kcp_sock *ks)
{
	struct kcp_net *kn = kcp_net(sock_net(&ks->sk));

	if (!ks->id)
		return;
	spin_lock_bh(&kn->lock);
	list_del(&ks->net_node);
	kn->generation++;
	spin_unlock_bh(&kn->lock);
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

static int __net_init kcp_net_init_ns(struct net *net)
{
	struct kcp_net *kn = kcp_net(net);

	spin_lock_init(&kn->lock);
	INIT_LIST_HEAD(&kn->sessions);
	atomic_set(&kn->orphans, 0);
	kn->orphan_max = KCP_ORPHAN_MAX_DEFAULT;
	kn->orphan_timeout = KCP_ORPHAN_TIMEOUT_DEFAULT;
	return 0;
}

static void __net_exit kcp_net_exit_ns(struct net *net)
{
	struct kcp_net *kn = kcp_net(net);

	/* sockets hold the namespace: none can be left */
	WARN_ON_ONCE(!list_empty(&kn->sessions));
	WARN_ON_ONCE(atomic_read(&kn->orphans));
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
