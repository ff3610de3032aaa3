// SPDX-License-Identifier: GPL-2.0
/*
 * A module that makes its kernel report a splat on purpose, for
 * tests/splat.t: loaded in the guest with --allow-modules, its init does
 * what the "what" parameter says: "warn" a WARN() (a real "WARNING: CPU:"
 * report on any kernel), "uaf" a read after kfree() (a KASAN report on a
 * kernel built with the debug flavour, silent on others), "none" nothing.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/string.h>

static char *what = "none";
module_param(what, charp, 0);

static noinline void umlrun_splat_uaf(void)
{
	char *p = kmalloc(64, GFP_KERNEL);

	if (!p)
		return;
	memset(p, 'x', 64);
	kfree(p);
	pr_info("read after free: %d\n", READ_ONCE(p[8]));
}

static int __init umlrun_splat_init(void)
{
	if (!strcmp(what, "warn"))
		WARN(1, "umlrun_splat: a warning on purpose\n");
	else if (!strcmp(what, "uaf"))
		umlrun_splat_uaf();
	return 0;
}

static void __exit umlrun_splat_exit(void)
{
}

module_init(umlrun_splat_init);
module_exit(umlrun_splat_exit);
MODULE_DESCRIPTION("umlrun test: a kernel splat on purpose");
MODULE_LICENSE("GPL");
