// SPDX-License-Identifier: MIT OR GPL-2.0
/*
 * kcp.ko: the KCP reliable-UDP transport as a Linux socket family.
 *
 * Initialisation is a ladder; kcp_exit() undoes it in exact reverse order.
 */
#include <linux/module.h>

#include "af_kcp.h"
#include "version.h"

static int __init kcp_init(void)
{
	int err;

	err = kcp_af_init();
	if (err)
		return err;

	pr_info("KCP %s loaded\n", KCP_VERSION);
	return 0;
}

static void __exit kcp_exit(void)
{
	kcp_af_exit();
	pr_info("KCP unloaded\n");
}

module_init(kcp_init);
module_exit(kcp_exit);

MODULE_LICENSE("Dual MIT/GPL");
MODULE_DESCRIPTION("KCP reliable transport over UDP, as the AF_KCP socket family");
MODULE_AUTHOR("The kcp authors");
MODULE_VERSION(KCP_VERSION);
