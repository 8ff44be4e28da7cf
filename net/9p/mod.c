// SPDX-License-Identifier: GPL-2.0-only
/*
 * 9pnet.ko: module glue, the transport registry and buffer allocation.
 */
#define pr_fmt(fmt) "9pnet: " fmt

#include <linux/module.h>
#include <linux/kmod.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/debugfs.h>
#include <linux/mutex.h>
#include <linux/sched/mm.h>
#include <linux/in.h>
#include <linux/in6.h>
#include "internal.h"

#define CREATE_TRACE_POINTS
#include <trace/events/v9fs_ng.h>

/* Registered transports; guarded by p9_trans_mutex. */
static LIST_HEAD(p9_trans_list);
static DEFINE_MUTEX(p9_trans_mutex);

struct dentry *p9_debugfs_root;

/* Buffers up to P9_SMALL_BUF bytes (most T-messages and most replies)
 * come from one cache; larger ones from kvmalloc().
 */
#define P9_SMALL_BUF	256
static struct kmem_cache *p9_small_cache;

/* kvmalloc() falls back to vmalloc only for GFP_KERNEL-compatible flags;
 * express "no fs recursion" with the task flag instead, so that large
 * buffers never depend on high-order pages.
 *
 * __GFP_NOWARN: every caller turns a failure into -ENOMEM for its system
 * call, and the sizes follow msize (up to megabytes), so a failing
 * vmalloc() under memory pressure is an expected outcome, not a kernel
 * problem worth a stack dump on the console.
 */
void *p9_kvmalloc(size_t size, gfp_t gfp)
{
	unsigned int nofs = memalloc_nofs_save();
	void *p;

	p = kvmalloc(size, GFP_KERNEL | __GFP_NOWARN | (gfp & __GFP_NOFAIL));
	memalloc_nofs_restore(nofs);
	return p;
}

void *p9_buf_alloc(size_t size, gfp_t gfp)
{
	if (size <= P9_SMALL_BUF)
		return kmem_cache_alloc(p9_small_cache, gfp);
	return p9_kvmalloc(size, gfp);
}

void p9_buf_free(void *buf, size_t size)
{
	if (!buf)
		return;
	if (size <= P9_SMALL_BUF)
		kmem_cache_free(p9_small_cache, buf);
	else
		kvfree(buf);
}

/**
 * p9_trans_register - make a transport available to p9_client_create()
 * @ops: the transport; must stay valid until p9_trans_unregister()
 *
 * Return: 0, or -EEXIST if a transport of that name is registered.
 */
int p9_trans_register(struct p9_trans_ops *ops)
{
	struct p9_trans_ops *t;
	int err = 0;

	mutex_lock(&p9_trans_mutex);
	list_for_each_entry(t, &p9_trans_list, list) {
		if (!strcmp(t->name, ops->name)) {
			err = -EEXIST;
			goto out;
		}
	}
	list_add_tail(&ops->list, &p9_trans_list);
out:
	mutex_unlock(&p9_trans_mutex);
	return err;
}
EXPORT_SYMBOL_GPL(p9_trans_register);

/**
 * p9_trans_unregister - withdraw a transport
 * @ops: a registered transport
 *
 * Clients already using it hold a reference on its module, so this is
 * only called (from module exit) when none is left.
 */
void p9_trans_unregister(struct p9_trans_ops *ops)
{
	mutex_lock(&p9_trans_mutex);
	list_del_init(&ops->list);
	mutex_unlock(&p9_trans_mutex);
}
EXPORT_SYMBOL_GPL(p9_trans_unregister);

/* Reserved source ports tried for privport, from the top down. */
#define P9_PRIVPORT_HI	1023
#define P9_PRIVPORT_LO	512

/**
 * p9_bind_privport - bind a transport's endpoint to a reserved port
 * @family: AF_INET or AF_INET6
 * @bind: binds the endpoint to the wildcard address and port it is given
 *	(kernel_bind(), rdma_bind_addr()...); returns 0 or a negative errno
 * @ctx: passed to @bind
 *
 * For the privport mount option of tcp and rdma: servers that trust only
 * root's connections check that the peer's port is below 1024.  Ports are
 * tried from 1023 down to 512 while @bind says -EADDRINUSE.
 *
 * Return: 0, -EADDRINUSE if every port is taken, or @bind's error.
 */
int p9_bind_privport(int family,
		     int (*bind)(void *ctx, struct sockaddr *sa, int len),
		     void *ctx)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	int port, err = -EADDRINUSE;

	for (port = P9_PRIVPORT_HI; port >= P9_PRIVPORT_LO; port--) {
		memset(&ss, 0, sizeof(ss));
		if (family == AF_INET) {
			sin->sin_family = AF_INET;
			sin->sin_addr.s_addr = htonl(INADDR_ANY);
			sin->sin_port = htons(port);
			err = bind(ctx, (struct sockaddr *)sin, sizeof(*sin));
		} else {
			sin6->sin6_family = AF_INET6;
			sin6->sin6_addr = in6addr_any;
			sin6->sin6_port = htons(port);
			err = bind(ctx, (struct sockaddr *)sin6, sizeof(*sin6));
		}
		if (err != -EADDRINUSE)
			break;
	}
	return err;
}
EXPORT_SYMBOL_GPL(p9_bind_privport);

static struct p9_trans_ops *p9_trans_find(const char *name)
{
	struct p9_trans_ops *t, *found = NULL;

	mutex_lock(&p9_trans_mutex);
	list_for_each_entry(t, &p9_trans_list, list) {
		if (!strcmp(t->name, name) && try_module_get(t->owner)) {
			found = t;
			break;
		}
	}
	mutex_unlock(&p9_trans_mutex);
	return found;
}

/* Look up a transport by name, loading module "9p-<name>" if needed.
 * Returns it with its module referenced, or NULL.
 */
struct p9_trans_ops *p9_trans_get(const char *name)
{
	struct p9_trans_ops *t;

	if (!name || !*name)
		name = "virtio";
	t = p9_trans_find(name);
	if (!t) {
		request_module("9p-%s", name);
		t = p9_trans_find(name);
	}
	return t;
}

void p9_trans_put(struct p9_trans_ops *ops)
{
	if (ops)
		module_put(ops->owner);
}

static int __init p9net_init(void)
{
	/* Payloads are copied from and to user memory: whitelist it all. */
	p9_small_cache = kmem_cache_create_usercopy("p9_small_buf",
						    P9_SMALL_BUF, 0,
						    SLAB_HWCACHE_ALIGN, 0,
						    P9_SMALL_BUF, NULL);
	if (!p9_small_cache)
		return -ENOMEM;
	p9_debugfs_root = debugfs_create_dir("9pnet", NULL);
	return 0;
}

static void __exit p9net_exit(void)
{
	debugfs_remove_recursive(p9_debugfs_root);
	kmem_cache_destroy(p9_small_cache);
}

module_init(p9net_init);
module_exit(p9net_exit);
MODULE_DESCRIPTION("9P protocol client core (v9fs-ng)");
MODULE_LICENSE("GPL");
MODULE_VERSION(P9_NG_VERSION);
