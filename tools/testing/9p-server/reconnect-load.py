#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Load for guest-tests.sh's reconnect test: NTHREADS threads, each owning
a file load/fNN of DIR, read, write and look up things (every call one a
reconnect may send again: pread, pwrite, open, fstat, stat, listdir,
close) until the file STOP exists.  Each thread keeps what its file must
hold; at the end it checks its file through the mount and, if EXPORT is
not "-", the server's own copy.  Any error (EIO, ESTALE, a short count,
different bytes) is a failure: with reconnect= the client must ride
through the server's restarts.  STOP.ready is made once every file
exists.  Prints "# ..." lines, then PASS or FAIL
lines; exit 0 on PASS.

    reconnect-load.py DIR EXPORT NTHREADS STOP
"""
import os
import random
import sys
import threading

SIZE = 256 << 10


def main():
    mnt, export, nthreads, stop = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    os.makedirs(mnt + "/load", exist_ok=True)
    fails = []
    counts = [0] * nthreads
    lock = threading.Lock()

    def fail(msg):
        with lock:
            fails.append(msg)

    def worker(i):
        r = random.Random(i)
        name = "load/f%02d" % i
        path = "%s/%s" % (mnt, name)
        data = bytearray(r.randbytes(SIZE))
        try:
            # made before the server restarts (a create is not sent
            # twice: it would fail with EIO across a restart)
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o644)
            os.pwrite(fd, data, 0)
            made.release()
            while not os.path.exists(stop):
                off = r.randrange(SIZE - 4096)
                n = r.randrange(1, 4096)
                chunk = r.randbytes(n)
                if os.pwrite(fd, chunk, off) != n:
                    fail("%s: short pwrite" % name)
                    break
                data[off:off + n] = chunk
                off = r.randrange(SIZE - 65536)
                got = os.pread(fd, 65536, off)
                if got != data[off:off + 65536]:
                    fail("%s: pread at %d differs" % (name, off))
                    break
                if os.fstat(fd).st_size != SIZE:
                    fail("%s: fstat size %d" % (name, os.fstat(fd).st_size))
                    break
                j = r.randrange(nthreads)
                try:
                    os.stat("%s/load/f%02d" % (mnt, j))
                except FileNotFoundError:
                    pass    # not made yet
                if r.random() < 0.2:
                    os.listdir(mnt + "/load")
                if r.random() < 0.2:
                    fd2 = os.open(path, os.O_RDONLY)
                    got = os.pread(fd2, 4096, 0)
                    os.close(fd2)
                    if got != data[:4096]:
                        fail("%s: a new open read other bytes" % name)
                        break
                counts[i] += 1
            os.fsync(fd)
            os.close(fd)
            with open(path, "rb") as f:
                if f.read() != data:
                    fail("%s: differs at the end (mount)" % name)
            if export != "-":
                with open("%s/%s" % (export, name), "rb") as f:
                    if f.read() != data:
                        fail("%s: differs at the end (server)" % name)
        except OSError as e:
            fail("%s: %s" % (name, e))
            made.release()

    made = threading.Semaphore(0)
    ts = [threading.Thread(target=worker, args=(i,)) for i in range(nthreads)]
    for t in ts:
        t.start()
    for t in ts:
        made.acquire()
    open(stop + ".ready", "w").close()
    for t in ts:
        t.join()
    print("# %d threads, %d rounds" % (nthreads, sum(counts)))
    for f in fails[:10]:
        print("FAIL " + f)
    if not fails:
        print("PASS")
    return 0 if not fails else 1


sys.exit(main())
