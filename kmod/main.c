// SPDX-License-Identifier: MIT OR GPL-2.0
/*
 * kcp.ko: the KCP reliable-UDP transport as a Linux socket family.
 *
 * Initialisation is a ladder; kcp_exit() undoes it in exact reverse order.
 */
#include <linux/module.h>

#include "af_kcp.h"
#include "endpoint.h"
#include "net.h"
#include "netlink.h"
#include "segment.h"
#include "version.h"

static int __init kcp_init(void)
{
	int err;

	err = kcp_seg_cache_init();
	if (err)
		return err;
	err = kcp_net_init();
	if (err)
		goto err_seg;
	err = kcp_endpoints_init();
	if (err)
		goto err_net;
	err = kcp_nl_init();
	if (err)
		goto err_endpoints;
	err = kcp_af_init();
	if (err)
		goto err_netlink;

	pr_info("KCP %s loaded\n", KCP_VERSION);
	return 0;

err_netlink:
	kcp_nl_exit();
err_endpoints:
	kcp_endpoints_exit();
err_net:
	kcp_net_exit();
err_seg:
	kcp_seg_cache_exit();
	return err;
}

/* Sockets hold the module, so none is left; endpoints may still be going. */
static void __exit kcp_exit(void)
{
	kcp_af_exit();
	kcp_nl_exit();
	kcp_endpoints_exit();
	kcp_net_exit();
	kcp_seg_cache_exit();
	pr_info("KCP unloaded\n");
}

module_init(kcp_init);
module_exit(kcp_exit);

MODULE_LICENSE("Dual MIT/GPL");
MODULE_DESCRIPTION("KCP reliable transport over UDP, as the AF_KCP socket family");
MODULE_AUTHOR("The kcp authors");
MODULE_VERSION(KCP_VERSION);
