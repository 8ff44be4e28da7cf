// SPDX-License-Identifier: GPL-2.0-only
#include <linux/module.h>
#include <net/9p/9p.h>

static int __init mod_init(void) { return 0; }
static void __exit mod_exit(void) { }
module_init(mod_init);
module_exit(mod_exit);
MODULE_LICENSE("GPL");
