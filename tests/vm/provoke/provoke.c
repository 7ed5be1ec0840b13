// SPDX-License-Identifier: MIT OR GPL-2.0
/*
 * A module that gets the kernel to report a bug when loaded, so the VM
 * harness can prove that each kind of report fails the run
 * (tests/vm/selftest):
 *
 *   insmod provoke.ko                 a WARN
 *   insmod provoke.ko what=redzone    a write one byte past a kmalloc()ed
 *                                     object, which SLUB's red zone check
 *                                     reports when it is freed; no crash
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>

static char *what = "warn";
module_param(what, charp, 0444);
MODULE_PARM_DESC(what, "warn or redzone");

static int provoke_redzone(void)
{
	size_t size = 32;	/* a whole kmalloc-32 object */
	u8 *obj = kmalloc(size, GFP_KERNEL);

	if (!obj)
		return -ENOMEM;
	/* hide the size from the compiler, which would see the overflow */
	OPTIMIZER_HIDE_VAR(size);
	obj[size] = 0x6b ^ 0xff;
	kfree(obj);
	pr_info("kcp-provoke: wrote past a 32-byte object and freed it\n");
	return 0;
}

static int __init provoke_init(void)
{
	if (!strcmp(what, "redzone"))
		provoke_redzone();
	else
		WARN(1, "kcp-provoke: deliberate WARN for the harness self-test\n");
	return -EINVAL;
}
module_init(provoke_init);

MODULE_LICENSE("Dual MIT/GPL");
MODULE_DESCRIPTION("kcp VM harness self-test: report a bug on load");
