// SPDX-License-Identifier: GPL-2.0-only
/*
 * v9fs-ng: fallocate(2).
 *
 * 9P has no message that allocates or frees file space (9P2000.L has no
 * Tfallocate), so what can be done with writes of zeros is done so, through
 * the file's own write path (which keeps the page cache coherent):
 *
 *  - mode 0 writes zeros over the part of the range past the end of the
 *    file, which the server's file system then allocates, and so extends
 *    the file; the part inside the file is taken as allocated already
 *    (holes inside a file cannot be seen through 9P);
 *  - FALLOC_FL_ZERO_RANGE writes zeros over the range (up to the end of
 *    the file with FALLOC_FL_KEEP_SIZE);
 *  - FALLOC_FL_PUNCH_HOLE (always with KEEP_SIZE) writes zeros over the
 *    part inside the file: reads then see the zeros a punched hole reads
 *    as, though the server's file keeps its blocks.
 *
 * The rest (KEEP_SIZE alone, which would allocate past the end without
 * changing the size, COLLAPSE_RANGE, INSERT_RANGE, UNSHARE_RANGE) fails
 * with EOPNOTSUPP, as with Linux's own client, so callers fall back.
 *
 * Where the zeros go depends on the file's size, which another client may
 * have changed since it was last read here (an append, a truncation): it
 * is read again from the server, under i_rwsem, which is held until the
 * zeros are written, so nothing of ours moves it meanwhile.  A change by
 * another client between that read and the writes still races them: 9P
 * has no way to write only where the file is still empty.
 */
#include <linux/bvec.h>
#include <linux/falloc.h>
#include <linux/fs.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uio.h>
#include "v9fs.h"

#define V9FS_ZERO_PAGES	256	/* pages of zeros per write */

/* Write zeros over [@pos, @pos + @len) of @file.  i_rwsem held. */
static int v9fs_write_zeros(struct file *file, loff_t pos, loff_t len)
{
	struct iov_iter iter;
	struct kiocb kiocb;
	struct bio_vec *bv;
	size_t chunk;
	ssize_t n;
	int i, nr, err = 0;

	bv = kmalloc_array(V9FS_ZERO_PAGES, sizeof(*bv), GFP_KERNEL);
	if (!bv)
		return -ENOMEM;
	while (len > 0) {
		chunk = min_t(loff_t, len, V9FS_ZERO_PAGES * PAGE_SIZE);
		nr = DIV_ROUND_UP(chunk, PAGE_SIZE);
		for (i = 0; i < nr; i++) {
			bv[i].bv_page = ZERO_PAGE(0);
			bv[i].bv_offset = 0;
			bv[i].bv_len = min_t(size_t, PAGE_SIZE,
					     chunk - i * PAGE_SIZE);
		}
		iov_iter_bvec(&iter, WRITE, bv, nr, chunk);
		init_sync_kiocb(&kiocb, file);
		/* at @pos, even on an O_APPEND file */
		kiocb.ki_flags &= ~IOCB_APPEND;
		kiocb.ki_pos = pos;
		n = v9fs_write_locked(&kiocb, &iter);
		if (n <= 0) {
			err = n ? n : -EIO;
			break;
		}
		pos += n;
		len -= n;
		if (fatal_signal_pending(current)) {
			err = -EINTR;
			break;
		}
	}
	kfree(bv);
	return err;
}

/**
 * v9fs_fallocate - file_operations.fallocate, see the top of this file
 * @file: an open regular file (open for writing: the VFS checks)
 * @mode: FALLOC_FL_* bits
 * @offset: start of the range
 * @len: its length (offset + len does not overflow: the VFS checks)
 *
 * Return: 0 or a negative errno.
 */
long v9fs_fallocate(struct file *file, int mode, loff_t offset, loff_t len)
{
	struct inode *inode = file_inode(file);
	loff_t end = offset + len;
	struct kiocb kiocb;
	loff_t size;
	ssize_t n;
	int err;

	switch (mode) {
	case 0:
	case FALLOC_FL_ZERO_RANGE:
	case FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE:
	case FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE:
		break;
	default:
		return -EOPNOTSUPP;
	}

	inode_lock(inode);
	/* The size another client left, not the one we last saw. */
	err = v9fs_refresh(inode, file_dentry(file));
	if (!err) {
		size = i_size_read(inode);
		if (mode == 0)
			offset = max(offset, size);
		else if (mode & FALLOC_FL_KEEP_SIZE)
			end = min(end, size);
		if (end > offset)
			err = v9fs_write_zeros(file, offset, end - offset);
	}
	inode_unlock(inode);
	if (err || end <= offset)
		return err;
	/* O_SYNC and O_DSYNC files: as write(2) would */
	init_sync_kiocb(&kiocb, file);
	kiocb.ki_pos = end;
	n = generic_write_sync(&kiocb, end - offset);
	return n < 0 ? n : 0;
}
