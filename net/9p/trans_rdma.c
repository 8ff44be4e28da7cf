// SPDX-License-Identifier: GPL-2.0-only
#include <linux/module.h>
#include <net/9p/9p.h>

static int __init trans_rdma_init(void) { return 0; }
static void __exit trans_rdma_exit(void) { }
module_init(trans_rdma_init);
module_exit(trans_rdma_exit);
MODULE_LICENSE("GPL");
