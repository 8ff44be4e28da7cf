// SPDX-License-Identifier: GPL-2.0
/*
 * v9fs_oops: a module that oopses on purpose, to test that the guest test
 * harness (tools/testing/vm/vm-run) notices a kernel report on the guest
 * console and fails the run. Never load it outside a throw-away guest.
 *
 *   insmod v9fs_oops.ko            NULL pointer dereference in init
 *   insmod v9fs_oops.ko mode=warn  WARN() only: init still succeeds
 *   insmod v9fs_oops.ko mode=bug   BUG()
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/bug.h>
#include <linux/string.h>

static char *mode = "null";
module_param(mode, charp, 0444);
MODULE_PARM_DESC(mode, "null (default), warn or bug");

static int __init v9fs_oops_init(void)
{
	/* volatile: the compiler must not prove the access undefined */
	int *volatile p = NULL;

	pr_info("v9fs_oops: mode=%s\n", mode);
	if (!strcmp(mode, "warn")) {
		WARN(1, "v9fs_oops: deliberate warning\n");
		return 0;
	}
	if (!strcmp(mode, "bug"))
		BUG();
	return *p;
}

static void __exit v9fs_oops_exit(void)
{
}

module_init(v9fs_oops_init);
module_exit(v9fs_oops_exit);
MODULE_DESCRIPTION("Deliberately oopses: a test of the v9fs-ng guest harness");
MODULE_LICENSE("GPL");
