// SPDX-License-Identifier: MIT OR GPL-2.0
/*
 * The AF_KCP socket family: registration of the family slot.
 *
 * An out-of-tree module cannot claim a new AF_ number, so kcp.ko borrows an
 * obsolete one (see include/uapi/linux/kcp.h for why 19). The slot can be
 * moved with the read-only "family" module parameter, which is also how
 * userspace learns the number in use.
 */
#include <linux/module.h>
#include <linux/net.h>
#include <linux/socket.h>
#include <uapi/linux/kcp.h>

#include "af_kcp.h"

static int family = AF_KCP_DEFAULT;
module_param(family, int, 0444);
MODULE_PARM_DESC(family, "address family number to register AF_KCP as (default "
		 __stringify(AF_KCP_DEFAULT) ")");

static int kcp_create(struct net *net, struct socket *sock, int protocol,
		      int kern)
{
	/*
	 * The family is registered so that its slot is held and visible;
	 * socket types arrive with the socket layer. Until then every type is
	 * refused the way an unsupported type is refused by any family.
	 */
	return -ESOCKTNOSUPPORT;
}

static struct net_proto_family kcp_family_ops = {
	.owner	= THIS_MODULE,
	.create	= kcp_create,
};

/**
 * kcp_af_init() - claim the AF_KCP slot
 *
 * Return: 0, -EINVAL for a family number outside 1..AF_MAX-1, or -EEXIST
 * when another family already holds the slot.
 */
int kcp_af_init(void)
{
	int err;

	if (family <= AF_UNSPEC || family >= AF_MAX) {
		pr_err("family=%d is outside 1..%d\n", family, AF_MAX - 1);
		return -EINVAL;
	}
	kcp_family_ops.family = family;

	err = sock_register(&kcp_family_ops);
	if (err)
		pr_err("address family %d is taken (%d); load with family=N to move AF_KCP\n",
		       family, err);
	return err;
}

/**
 * kcp_af_exit() - release the AF_KCP slot
 */
void kcp_af_exit(void)
{
	sock_unregister(family);
}
