// SPDX-License-Identifier: MIT OR GPL-2.0
/*
 * A module that raises a kernel WARN when loaded, so the VM harness can
 * prove that a WARN in the guest fails the run (tests/vm/selftest).
 */
#include <linux/module.h>

static int __init provoke_init(void)
{
	WARN(1, "kcp-provoke: deliberate WARN for the harness self-test\n");
	return -EINVAL;
}
module_init(provoke_init);

MODULE_LICENSE("Dual MIT/GPL");
MODULE_DESCRIPTION("kcp VM harness self-test: WARN on load");
