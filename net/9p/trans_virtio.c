// SPDX-License-Identifier: GPL-2.0-only
/*
 * 9pnet_virtio.ko: 9P over a virtio channel (QEMU -virtfs / virtio-9p).
 *
 * One struct p9_vchan per virtio device.  A device serves one client
 * (9P channel) at a time: tags are per channel and the server keeps one
 * connection per device.  Later mounts of the same tag share that
 * client (P9_SHARE_ALWAYS: net/9p/client.c finds it); ->create() for a
 * tag already in use, which only two first mounts at once can reach,
 * gets -EBUSY.
 *
 * Each request is one descriptor chain: out = the T-message (+ Twrite
 * payload pages), in = the reply buffer (+ Rread/Rreaddir payload pages
 * after an 11-byte header buffer).  Chains are built in chained sg
 * tables and, where the device offers indirect descriptors, take one
 * ring slot each, up to P9_V_MAX_SG segments.
 *
 * Locking and lifetimes:
 * - p9_vchans_mutex guards p9_vchans (the list of live devices) and
 *   attaching a client (@clnt goes from NULL to a client under it).
 * - chan->lock (irq-safe spinlock) guards the virtqueue, @pending, @clnt,
 *   @dead and @gen.
 * - The device is notified (kicked) after chan->lock is dropped, so that
 *   the exit to the host is not taken with the lock held.  @kicking
 *   counts the submitters between queueing under the lock and that
 *   kick; it is raised under chan->lock only while @dead is false, and
 *   removal, once it set @dead, waits for it to drop to zero before the
 *   device is reset and the virtqueue deleted.
 * - chan->ref: one for the bound device (dropped at remove), one per
 *   attached client (dropped at close).
 * - Every request on the ring holds a request reference and sits on
 *   @pending until virtqueue_get_buf() returns it, or the device is reset
 *   at remove (then virtqueue_detach_unused_buf() returns it).  Only then
 *   are its sg tables freed and the reference dropped, so a device never
 *   writes into freed memory.  Requests of a closed client stay until
 *   the device gives them back, marked orphaned (no callback).  At
 *   remove, pending requests are failed only after the reset: until then
 *   the device may still write into their buffers and pages.
 */
#define pr_fmt(fmt) "9pnet_virtio: " fmt

#include <linux/module.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/vmalloc.h>
#include <linux/scatterlist.h>
#include <linux/virtio.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ring.h>
#include <linux/virtio_9p.h>
#include <linux/kref.h>
#include <linux/wait.h>
#include <linux/moduleparam.h>
#include <linux/delay.h>
#include <net/9p/transport.h>

/* Segments in one chain: QEMU accepts up to 1024 per element. */
#define P9_V_MAX_SG	1024
/* Segments a request keeps inline before chaining more in. */
#define P9_V_INLINE_SG	2

struct p9_vchan {
	struct kref ref;
	spinlock_t lock;	/* vq, pending, clnt, dead, gen */
	struct virtio_device *vdev;
	struct virtqueue *vq;
	struct p9_client *clnt;
	bool dead;
	unsigned long gen;
	atomic_t kicking;
	struct list_head pending;
	wait_queue_head_t ring_wq;
	unsigned int max_sg;
	char *tag;
	struct list_head node;
};

/**
 * struct p9_vreq - per request state (in &p9_req.trans)
 * @out: the device-readable segments
 * @in: the device-writable segments
 * @out_first: inline first chunk of @out
 * @in_first: inline first chunk of @in
 * @in_cap: bytes the device may write
 * @orphan: the client closed; deliver no callback
 */
struct p9_vreq {
	struct sg_table out;
	struct sg_table in;
	struct scatterlist out_first[P9_V_INLINE_SG];
	struct scatterlist in_first[P9_V_INLINE_SG];
	u32 in_cap;
	bool orphan;
};

static LIST_HEAD(p9_vchans);
static DEFINE_MUTEX(p9_vchans_mutex);

/* Test hook, off by default: new requests find the ring full (as if the
 * device had stopped taking buffers), so that tests can reach the wait
 * for room; QEMU's 9p server cannot be made to stop draining the ring.
 */
static bool test_ring_full;
module_param(test_ring_full, bool, 0644);
MODULE_PARM_DESC(test_ring_full,
		 "testing only: treat the ring as full for new requests (default N)");

/* Test hook, off by default: sleep this long between queueing a request
 * and notifying the device, so that tests can remove the device there.
 */
static unsigned int test_kick_delay_ms;
module_param(test_kick_delay_ms, uint, 0644);
MODULE_PARM_DESC(test_kick_delay_ms,
		 "testing only: delay in ms between queueing a request and kicking the device (default 0)");

static struct p9_vreq *vreq_of(struct p9_req *req)
{
	return (struct p9_vreq *)req->trans;
}

static void p9_vchan_free(struct kref *ref)
{
	struct p9_vchan *chan = container_of(ref, struct p9_vchan, ref);

	kfree(chan->tag);
	kfree(chan);
}

/* ---- scatter-gather ---- */

/* A buffer goes out one segment per page it touches, kmalloc'd ones too:
 * with the DMA API (ACCESS_PLATFORM, swiotlb) a segment must fit one
 * bounce mapping, which a multi-page kmalloc'd buffer need not.
 */
static unsigned int p9_v_buf_nents(const void *buf, size_t len)
{
	if (!len)
		return 0;
	return DIV_ROUND_UP(offset_in_page(buf) + len, PAGE_SIZE);
}

static struct scatterlist *p9_v_add_buf(struct scatterlist *sg, void *buf,
					size_t len)
{
	bool vm = is_vmalloc_addr(buf);
	size_t n;

	while (len) {
		n = min_t(size_t, PAGE_SIZE - offset_in_page(buf), len);
		sg_set_page(sg, vm ? vmalloc_to_page(buf) : virt_to_page(buf),
			    n, offset_in_page(buf));
		sg = sg_next(sg);
		buf += n;
		len -= n;
	}
	return sg;
}

static struct scatterlist *p9_v_add_pages(struct scatterlist *sg,
					  struct p9_req *req)
{
	size_t len = req->zc_len, off = req->zc_off, n;
	unsigned int i;

	for (i = 0; i < req->zc_npages && len; i++) {
		n = min_t(size_t, PAGE_SIZE - off, len);
		sg_set_page(sg, req->zc_pages[i], n, off);
		sg = sg_next(sg);
		len -= n;
		off = 0;
	}
	return sg;
}

static void p9_v_free_sg(struct p9_vreq *vr)
{
	sg_free_table_chained(&vr->out, P9_V_INLINE_SG);
	sg_free_table_chained(&vr->in, P9_V_INLINE_SG);
}

/* Build @req's two sg tables; returns the total segment count or errno. */
static int p9_v_build_sg(struct p9_vchan *chan, struct p9_req *req)
{
	struct p9_vreq *vr = vreq_of(req);
	unsigned int nout, nin, nzc = 0;
	size_t in_len;
	int err;

	if (req->zc_len)
		nzc = DIV_ROUND_UP(req->zc_off + req->zc_len, PAGE_SIZE);
	in_len = req->zc_dir_in && req->zc_len ? P9_ZC_RX_HDR : req->rx_cap;
	nout = p9_v_buf_nents(req->tx, req->tx_len) +
	       (req->zc_dir_in ? 0 : nzc);
	nin = p9_v_buf_nents(req->rx, in_len) + (req->zc_dir_in ? nzc : 0);
	if (nout + nin > chan->max_sg)
		return -EMSGSIZE;

	/* The first chunk is used in place: point the tables at it. */
	vr->out.sgl = vr->out_first;
	vr->in.sgl = vr->in_first;
	err = sg_alloc_table_chained(&vr->out, nout, vr->out_first,
				     P9_V_INLINE_SG);
	if (err)
		return err;
	err = sg_alloc_table_chained(&vr->in, nin, vr->in_first,
				     P9_V_INLINE_SG);
	if (err) {
		sg_free_table_chained(&vr->out, P9_V_INLINE_SG);
		return err;
	}
	if (req->zc_dir_in) {
		p9_v_add_buf(vr->out.sgl, req->tx, req->tx_len);
		p9_v_add_pages(p9_v_add_buf(vr->in.sgl, req->rx, in_len), req);
		vr->in_cap = in_len + req->zc_len;
	} else {
		p9_v_add_pages(p9_v_add_buf(vr->out.sgl, req->tx, req->tx_len),
			       req);
		p9_v_add_buf(vr->in.sgl, req->rx, in_len);
		vr->in_cap = in_len;
	}
	return nout + nin;
}

/* ---- requests ---- */

/* The device gave @req back: report it and move it to @done, whose
 * requests p9_v_put_all() releases once chan->lock is dropped.  That
 * may be in hard interrupt context (p9_v_done()), where the last
 * p9_req_put() frees buffers and drops page references: kvfree() and
 * put_page() may be called there (vfree() defers its work itself).
 * Under chan->lock.
 */
static void p9_v_retire(struct p9_vchan *chan, struct p9_req *req, int status,
			u32 len, struct list_head *done)
{
	struct p9_vreq *vr = vreq_of(req);

	lockdep_assert_held(&chan->lock);
	list_move_tail(&req->trans_link, done);
	if (!vr->orphan && chan->clnt) {
		/* The used length as the device reports it (a short one is
		 * the core's to judge), but never past what was posted.
		 */
		if (!status && len > vr->in_cap)
			status = -EIO;
		p9_client_cb(chan->clnt, req, status, status ? 0 : len);
	}
}

static void p9_v_put_all(struct list_head *done)
{
	struct p9_req *req, *next;

	list_for_each_entry_safe(req, next, done, trans_link) {
		list_del_init(&req->trans_link);
		p9_v_free_sg(vreq_of(req));
		p9_req_put(req);
	}
}

static void p9_v_done(struct virtqueue *vq)
{
	struct p9_vchan *chan = vq->vdev->priv;
	struct p9_req *req;
	unsigned long flags;
	unsigned int len;
	LIST_HEAD(done);

	spin_lock_irqsave(&chan->lock, flags);
	do {
		virtqueue_disable_cb(vq);
		while ((req = virtqueue_get_buf(vq, &len)))
			p9_v_retire(chan, req, 0, len, &done);
	} while (!virtqueue_enable_cb(vq) && !chan->dead);
	if (!list_empty(&done))
		chan->gen++;
	spin_unlock_irqrestore(&chan->lock, flags);
	if (!list_empty(&done)) {
		wake_up_all(&chan->ring_wq);
		p9_v_put_all(&done);
	}
}

static int p9_v_request(struct p9_client *clnt, struct p9_req *req)
{
	struct p9_vchan *chan = p9_client_trans_priv(clnt);
	struct p9_vreq *vr = vreq_of(req);
	unsigned long tmo = p9_client_send_timeout(clnt);
	unsigned long deadline = jiffies + tmo, flags, gen, wait;
	struct scatterlist *sgs[2];
	bool kick = false;
	int nsg, err;

	nsg = p9_v_build_sg(chan, req);
	if (nsg < 0)
		return nsg;
	sgs[0] = vr->out.sgl;
	sgs[1] = vr->in.sgl;
	p9_req_get(req);	/* the ring's reference */
	for (;;) {
		spin_lock_irqsave(&chan->lock, flags);
		if (chan->dead || chan->clnt != clnt) {
			err = -EIO;
		} else if (unlikely(READ_ONCE(test_ring_full))) {
			err = -ENOSPC;
		} else {
			err = virtqueue_add_sgs(chan->vq, sgs, 1, 1, req,
						GFP_ATOMIC);
			if (!err) {
				list_add_tail(&req->trans_link,
					      &chan->pending);
				kick = virtqueue_kick_prepare(chan->vq);
				/* The vq stays until the kick is done. */
				if (kick)
					atomic_inc(&chan->kicking);
			}
		}
		gen = chan->gen;
		spin_unlock_irqrestore(&chan->lock, flags);
		if (err != -ENOSPC)
			break;
		/* Ring full: sleep until a reply frees room, at most the
		 * client's request timeout in all.  Polled each second too,
		 * as a wake can be missed by a completion racing the check.
		 */
		if (p9_req_done(req)) {
			err = -EIO;
			break;
		}
		wait = HZ;
		if (tmo != MAX_SCHEDULE_TIMEOUT) {
			if (time_after_eq(jiffies, deadline)) {
				err = -ETIMEDOUT;
				break;
			}
			wait = min(wait, deadline - jiffies);
		}
		if (wait_event_killable_timeout(chan->ring_wq,
						READ_ONCE(chan->gen) != gen ||
						READ_ONCE(chan->dead) ||
						p9_req_done(req), wait) < 0) {
			err = -EINTR;
			break;
		}
	}
	if (err) {
		p9_v_free_sg(vr);
		p9_req_put(req);
		return err;
	}
	if (kick) {
		if (unlikely(READ_ONCE(test_kick_delay_ms)))
			msleep(READ_ONCE(test_kick_delay_ms));
		virtqueue_notify(chan->vq);
		if (atomic_dec_and_test(&chan->kicking))
			wake_up_all(&chan->ring_wq);
	}
	return 0;
}

/* ---- clients ---- */

static int p9_v_create(struct p9_client *clnt, const char *dev_name,
		       const struct p9_client_opts *opts)
{
	struct p9_vchan *chan, *found = NULL;
	unsigned long flags;
	int err = 0;

	if (!dev_name)
		dev_name = "";
	mutex_lock(&p9_vchans_mutex);
	list_for_each_entry(chan, &p9_vchans, node) {
		if (!strcmp(chan->tag, dev_name)) {
			found = chan;
			break;
		}
	}
	if (!found) {
		pr_err("no virtio 9p channel with mount tag \"%s\"\n",
		       dev_name);
		err = -ENOENT;
	} else if (found->clnt) {
		pr_err("channel \"%s\" is in use\n", dev_name);
		err = -EBUSY;
	} else {
		spin_lock_irqsave(&found->lock, flags);
		found->clnt = clnt;
		spin_unlock_irqrestore(&found->lock, flags);
		kref_get(&found->ref);
	}
	mutex_unlock(&p9_vchans_mutex);
	if (err)
		return err;
	p9_client_set_trans_priv(clnt, found);
	/* tx + rx: one buffer may straddle a page more than its size. */
	p9_client_set_limits(clnt, (found->max_sg - 3) * PAGE_SIZE,
			     found->max_sg - 4);
	return 0;
}

static void p9_v_close(struct p9_client *clnt)
{
	struct p9_vchan *chan = p9_client_trans_priv(clnt);
	struct p9_req *req;
	unsigned long flags;

	mutex_lock(&p9_vchans_mutex);
	spin_lock_irqsave(&chan->lock, flags);
	list_for_each_entry(req, &chan->pending, trans_link)
		vreq_of(req)->orphan = true;
	chan->clnt = NULL;
	spin_unlock_irqrestore(&chan->lock, flags);
	mutex_unlock(&p9_vchans_mutex);
	wake_up_all(&chan->ring_wq);
	kref_put(&chan->ref, p9_vchan_free);
}

static struct p9_trans_ops p9_virtio_trans = {
	.name = "virtio",
	.owner = THIS_MODULE,
	.maxsize = (P9_V_MAX_SG - 3) * PAGE_SIZE,
	.max_zc_pages = P9_V_MAX_SG - 4,
	.req_priv_size = sizeof(struct p9_vreq),
	/* A tag carries one channel: its mounts share it. */
	.share = P9_SHARE_ALWAYS,
	.create = p9_v_create,
	.close = p9_v_close,
	.request = p9_v_request,
};

/* ---- devices ---- */

static ssize_t mount_tag_show(struct device *dev,
			      struct device_attribute *attr, char *buf)
{
	struct virtio_device *vdev = dev_to_virtio(dev);
	struct p9_vchan *chan = vdev->priv;

	return sysfs_emit(buf, "%s\n", chan->tag);
}
static DEVICE_ATTR_RO(mount_tag);

static int p9_v_probe(struct virtio_device *vdev)
{
	struct p9_vchan *chan;
	u16 len;
	int err;

	if (!virtio_has_feature(vdev, VIRTIO_9P_MOUNT_TAG)) {
		dev_err(&vdev->dev, "device offers no mount tag\n");
		return -EINVAL;
	}
	chan = kzalloc(sizeof(*chan), GFP_KERNEL);
	if (!chan)
		return -ENOMEM;
	kref_init(&chan->ref);
	spin_lock_init(&chan->lock);
	INIT_LIST_HEAD(&chan->pending);
	init_waitqueue_head(&chan->ring_wq);
	atomic_set(&chan->kicking, 0);
	chan->vdev = vdev;

	virtio_cread(vdev, struct virtio_9p_config, tag_len, &len);
	chan->tag = kzalloc(len + 1, GFP_KERNEL);
	if (!chan->tag) {
		err = -ENOMEM;
		goto free;
	}
	virtio_cread_bytes(vdev, offsetof(struct virtio_9p_config, tag),
			   chan->tag, len);
	/* A NUL inside the tag ends it; it is a C string from here on. */

	chan->vq = virtio_find_single_vq(vdev, p9_v_done, "requests");
	if (IS_ERR(chan->vq)) {
		err = PTR_ERR(chan->vq);
		goto free;
	}
	if (virtio_has_feature(vdev, VIRTIO_RING_F_INDIRECT_DESC))
		chan->max_sg = P9_V_MAX_SG;
	else
		chan->max_sg = min_t(unsigned int, P9_V_MAX_SG,
				     virtqueue_get_vring_size(chan->vq));
	if (chan->max_sg < 8) {
		dev_err(&vdev->dev, "ring too small\n");
		err = -EINVAL;
		goto del_vqs;
	}
	vdev->priv = chan;
	err = device_create_file(&vdev->dev, &dev_attr_mount_tag);
	if (err)
		goto del_vqs;
	virtio_device_ready(vdev);

	mutex_lock(&p9_vchans_mutex);
	list_add_tail(&chan->node, &p9_vchans);
	mutex_unlock(&p9_vchans_mutex);
	kobject_uevent(&vdev->dev.kobj, KOBJ_CHANGE);
	return 0;

del_vqs:
	vdev->config->del_vqs(vdev);
free:
	vdev->priv = NULL;
	kfree(chan->tag);
	kfree(chan);
	return err;
}

static void p9_v_remove(struct virtio_device *vdev)
{
	struct p9_vchan *chan = vdev->priv;
	struct p9_req *req, *next;
	unsigned long flags;
	LIST_HEAD(done);

	mutex_lock(&p9_vchans_mutex);
	list_del(&chan->node);
	mutex_unlock(&p9_vchans_mutex);

	/* No new request from here on; wake senders waiting for room and
	 * wait for those still to kick the device (they queued before).
	 */
	spin_lock_irqsave(&chan->lock, flags);
	chan->dead = true;
	spin_unlock_irqrestore(&chan->lock, flags);
	wake_up_all(&chan->ring_wq);
	wait_event(chan->ring_wq, !atomic_read(&chan->kicking));

	virtio_reset_device(vdev);
	/* The device is stopped: take every buffer back, then fail the
	 * requests (their buffers and pages are ours again).
	 */
	spin_lock_irqsave(&chan->lock, flags);
	while ((req = virtqueue_detach_unused_buf(chan->vq)))
		;
	list_for_each_entry_safe(req, next, &chan->pending, trans_link)
		p9_v_retire(chan, req, -EIO, 0, &done);
	chan->gen++;
	spin_unlock_irqrestore(&chan->lock, flags);
	wake_up_all(&chan->ring_wq);
	p9_v_put_all(&done);

	device_remove_file(&vdev->dev, &dev_attr_mount_tag);
	vdev->config->del_vqs(vdev);
	kref_put(&chan->ref, p9_vchan_free);
}

static const struct virtio_device_id p9_v_id_table[] = {
	{ VIRTIO_ID_9P, VIRTIO_DEV_ANY_ID },
	{ 0 },
};
MODULE_DEVICE_TABLE(virtio, p9_v_id_table);

static unsigned int p9_v_features[] = {
	VIRTIO_9P_MOUNT_TAG,
};

static struct virtio_driver p9_v_driver = {
	.feature_table = p9_v_features,
	.feature_table_size = ARRAY_SIZE(p9_v_features),
	.driver.name = KBUILD_MODNAME,
	.driver.owner = THIS_MODULE,
	.id_table = p9_v_id_table,
	.probe = p9_v_probe,
	.remove = p9_v_remove,
};

static int __init p9_v_init(void)
{
	int err;

	err = register_virtio_driver(&p9_v_driver);
	if (err)
		return err;
	err = p9_trans_register(&p9_virtio_trans);
	if (err)
		unregister_virtio_driver(&p9_v_driver);
	return err;
}

static void __exit p9_v_exit(void)
{
	p9_trans_unregister(&p9_virtio_trans);
	unregister_virtio_driver(&p9_v_driver);
}

module_init(p9_v_init);
module_exit(p9_v_exit);
MODULE_ALIAS("9p-virtio");
MODULE_DESCRIPTION("9P virtio transport (v9fs-ng)");
MODULE_LICENSE("GPL");
MODULE_VERSION(P9_NG_VERSION);
