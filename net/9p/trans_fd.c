// SPDX-License-Identifier: GPL-2.0-only
#include <linux/module.h>
#include <net/9p/9p.h>

static int __init trans_fd_init(void) { return 0; }
static void __exit trans_fd_exit(void) { }
module_init(trans_fd_init);
module_exit(trans_fd_exit);
MODULE_LICENSE("GPL");
