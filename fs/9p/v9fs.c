// SPDX-License-Identifier: GPL-2.0-only
#include <linux/module.h>
#include <net/9p/9p.h>
static int __init v_init(void) { return 0; }
static void __exit v_exit(void) { }
module_init(v_init);
module_exit(v_exit);
MODULE_LICENSE("GPL");
