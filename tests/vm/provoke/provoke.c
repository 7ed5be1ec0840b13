// SPDX-License-Identifier: MIT OR GPL-2.0
/*
 * A module that gets the kernel to report a bug when loaded, so the VM
 * harness can prove that each kind of report fails the run
 * (tests/vm/selftest). Loading always fails (-EINVAL), so the module is
 * gone again when insmod returns.
 *
 *   insmod provoke.ko                 a WARN
 *   insmod provoke.ko what=redzone    a write one byte past a kmalloc()ed
 *                                     object, which SLUB's red zone check
 *                                     reports when it is freed (KASAN, on
 *                                     the debug kernel, at once); no crash
 * and for the debug kernel's detectors (tests/vm/debug), each of which
 * only reports, without a WARN:
 *   insmod provoke.ko what=lockdep    two mutexes taken in both orders
 *   insmod provoke.ko what=kasan      a read one byte past a kmalloc()ed
 *                                     object
 *   insmod provoke.ko what=ubsan      a shift past the width of an int
 *   insmod provoke.ko what=leak       a kmalloc()ed object whose address
 *                                     is forgotten, for kmemleak
 */
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>

static char *what = "warn";
module_param(what, charp, 0444);
MODULE_PARM_DESC(what, "warn, redzone, lockdep, kasan, ubsan or leak");

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

static DEFINE_MUTEX(provoke_a);
static DEFINE_MUTEX(provoke_b);

/* No deadlock, one task: lockdep reports the order it could deadlock in. */
static void provoke_lockdep(void)
{
	mutex_lock(&provoke_a);
	mutex_lock(&provoke_b);
	mutex_unlock(&provoke_b);
	mutex_unlock(&provoke_a);

	mutex_lock(&provoke_b);
	mutex_lock(&provoke_a);
	mutex_unlock(&provoke_a);
	mutex_unlock(&provoke_b);
	pr_info("kcp-provoke: took two mutexes in both orders\n");
}

static int provoke_kasan(void)
{
	size_t size = 20;
	u8 *obj = kmalloc(size, GFP_KERNEL);
	u8 byte;

	if (!obj)
		return -ENOMEM;
	OPTIMIZER_HIDE_VAR(size);
	byte = READ_ONCE(obj[size]);
	kfree(obj);
	pr_info("kcp-provoke: read %#x past a 20-byte object\n", byte);
	return 0;
}

static void provoke_ubsan(void)
{
	unsigned int shift = 40;
	int one = 1;

	OPTIMIZER_HIDE_VAR(shift);
	pr_info("kcp-provoke: 1 << 40 as an int is %d\n", one << shift);
}

static int provoke_leak(void)
{
	char *obj = kmalloc(64, GFP_KERNEL);

	if (!obj)
		return -ENOMEM;
	strscpy(obj, "kcp-provoke: a deliberate leak", 64);
	OPTIMIZER_HIDE_VAR(obj);
	pr_info("kcp-provoke: leaked a 64-byte object\n");
	return 0;
}

static int __init provoke_init(void)
{
	if (!strcmp(what, "redzone"))
		provoke_redzone();
	else if (!strcmp(what, "lockdep"))
		provoke_lockdep();
	else if (!strcmp(what, "kasan"))
		provoke_kasan();
	else if (!strcmp(what, "ubsan"))
		provoke_ubsan();
	else if (!strcmp(what, "leak"))
		provoke_leak();
	else
		WARN(1, "kcp-provoke: deliberate WARN for the harness self-test\n");
	return -EINVAL;
}
module_init(provoke_init);

MODULE_LICENSE("Dual MIT/GPL");
MODULE_DESCRIPTION("kcp VM harness self-test: report a bug on load");
