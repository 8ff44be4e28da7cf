#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A small fault-injecting 9P file server for testing 9P clients.

Serves a directory over 9P2000, 9P2000.u or 9P2000.L on TCP, a unix
socket, or a socketpair handed to a mount command (trans=fd).  One thread
per connection; requests are answered in arrival order, so pipelined
requests and Tflush are handled naturally.  Files whose name starts with
"block" never answer a Tread (until flushed): the way to have a request
stuck in flight for flush tests.  The first Tread of each fid of a file
whose name starts with "late" is answered --late seconds after it came
(before the Rflush if a Tflush comes first, as 9P allows): the way to
have a reply land just as a client with a request timeout gives up.
The same holds for the first Twalk to a name starting with "latewalk"
(the new fid is created when the Twalk comes) and for the first Tattach
of an aname starting with "late".  The first Tremove of each fid of a
file whose name starts with "hold" is held, not performed, until
flushed.
A Twalk to a name starting with "longerr" fails with an Rerror of 3000
bytes of text (9P2000 and 9P2000.u; in 9P2000.L it is walked as usual).
Files whose name starts with "short" cannot take bytes 96 KiB to 128 KiB
(a hole on a full disk): a Twrite that reaches into that range writes
and reports the bytes before it, one that starts in it fails with
ENOSPC, one past it is written.

Fids: a Tattach, Tauth or Twalk whose newfid is in use is refused and
counted; with --stats FILE each connection appends, when it ends, a line
"fids N inuse M": N fids the client left behind, M such refusals.

--flush-delay S holds every Rflush back S seconds (after the late reply
it may release), so that a client's use of the flushed tag before the
Rflush shows.

Fault modes (--fault MODE, --after N messages answered normally first):
  drop      close the connection half way through a reply
  stall     stop answering (keep reading)
  badtag    answer with a tag that is not in flight
  bigsize   answer with a size field larger than msize
  trunc     send the first half of a reply, then close
  fat       pad a reply with 64 KiB of zeroes (within msize: more than
            the client's buffer for most replies)
  garbage   send random bytes, then close
  junk      end every Rread with one byte 0xa5 too many, counted in its
            size field: framed right, so only the client's decoder can
            refuse it
  errstorm  one request in N (--every N) fails with a random errno
  noflush   never answer Tflush
  dirloop   every Rreaddir entry carries the offset it was asked for, so
            a client that resumes from it reads the same entries forever
  flusherr  answer Tflush with an error (which 9P does not allow), then
            send the reply of the flushed request if it has one ("late")
Only T-messages after the session is attached count, so the mount itself
succeeds: N counts messages after Rattach.
"""

import argparse
import errno
import os
import random
import select
import socket
import stat
import struct
import subprocess
import sys
import threading
import time

MAX_MSIZE = 1 << 20
SHORT_START, SHORT_END = 96 << 10, 128 << 10  # "short" files' full range

TLERROR, RLERROR = 6, 7
TSTATFS, TLOPEN, TLCREATE, TSYMLINK, TMKNOD = 8, 12, 14, 16, 18
TRENAME, TREADLINK, TGETATTR, TSETATTR = 20, 22, 24, 26
TXATTRWALK, TXATTRCREATE, TREADDIR, TFSYNC = 30, 32, 40, 50
TLOCK, TGETLOCK, TLINK, TMKDIR, TRENAMEAT, TUNLINKAT = 52, 54, 70, 72, 74, 76
TVERSION, TAUTH, TATTACH, RERROR, TFLUSH = 100, 102, 104, 107, 108
TWALK, TOPEN, TCREATE, TREAD, TWRITE = 110, 112, 114, 116, 118
TCLUNK, TREMOVE, TSTAT, TWSTAT = 120, 122, 124, 126

QTDIR, QTSYMLINK = 0x80, 0x02
DMDIR, DMSYMLINK, DMDEVICE = 0x80000000, 0x02000000, 0x00800000
DMNAMEDPIPE, DMSOCKET = 0x00200000, 0x00100000
DMSETUID, DMSETGID, DMSETVTX = 0x00080000, 0x00040000, 0x00010000

LEGACY, DOTU, DOTL = "9P2000", "9P2000.u", "9P2000.L"


class P9Error(Exception):
    def __init__(self, err):
        super().__init__(err)
        self.errno = err


class Dec:
    """Reads fields from a message body; running off the end is EINVAL."""

    def __init__(self, buf):
        self.buf, self.pos = buf, 0

    def take(self, fmt):
        n = struct.calcsize(fmt)
        if self.pos + n > len(self.buf):
            raise P9Error(errno.EINVAL)
        v = struct.unpack_from(fmt, self.buf, self.pos)
        self.pos += n
        return v if len(v) > 1 else v[0]

    def s(self):
        n = self.take("<H")
        if self.pos + n > len(self.buf):
            raise P9Error(errno.EINVAL)
        v = self.buf[self.pos:self.pos + n]
        self.pos += n
        return v.decode("utf-8", "surrogateescape")

    def data(self):
        n = self.take("<I")
        v = self.buf[self.pos:self.pos + n]
        if len(v) != n:
            raise P9Error(errno.EINVAL)
        self.pos += n
        return v


def es(s):
    b = s.encode("utf-8", "surrogateescape") if isinstance(s, str) else s
    return struct.pack("<H", len(b)) + b


def qid_of(st):
    t = 0
    if stat.S_ISDIR(st.st_mode):
        t = QTDIR
    elif stat.S_ISLNK(st.st_mode):
        t = QTSYMLINK
    ver = (st.st_mtime_ns ^ st.st_size) & 0xffffffff
    return struct.pack("<BIQ", t, ver, st.st_ino & (2**64 - 1))


def lstat_or_err(path):
    try:
        return os.lstat(path)
    except OSError as e:
        raise P9Error(e.errno)


class Fid:
    def __init__(self, path):
        self.path = path
        self.fd = None
        self.dirblob = None     # 9P2000(.u) directory reads
        self.dirents = None     # 9P2000.L readdir
        self.was_late = False   # "late" files: first Tread answered late
        self.was_held = False   # "hold" files: first Tremove held


class Conn:
    def __init__(self, srv, sock):
        self.srv, self.sock = srv, sock
        self.dialect = LEGACY
        self.msize = MAX_MSIZE
        self.fids = {}
        self.held = {}          # tag -> True: requests never answered
        self.counted = 0        # messages answered after Rattach
        self.attached = False
        self.rng = random.Random(srv.args.seed)
        self.dead = False
        self.batch = None       # --reorder: replies held back
        self.late = {}          # tag -> (timer, reply): "late" files
        self.wlock = threading.Lock()   # late replies come from timers
        self.inuse = 0          # newfids refused because in use
        self.late_names = set()  # "latewalk" names / anames answered late

    # ---- wire ----

    def recv_exact(self, n):
        buf = b""
        while len(buf) < n:
            chunk = self.sock.recv(n - len(buf))
            if not chunk:
                return None
            buf += chunk
        return buf

    def send(self, data):
        if self.batch is not None:
            self.batch.append(data)
        else:
            with self.wlock:
                self.sock.sendall(data)

    def send_late(self, tag):
        """Send the late reply of @tag unless a Tflush already did."""
        with self.wlock:
            ent = self.late.pop(tag, None)
            if ent is None:
                return
            try:
                self.sock.sendall(ent[1])
            except OSError:
                pass

    def hold_late(self, tag, rtype, body):
        msg = struct.pack("<IBH", 7 + len(body), rtype, tag) + body
        t = threading.Timer(self.srv.args.late, self.send_late, (tag,))
        t.daemon = True
        with self.wlock:
            self.late[tag] = (t, msg)
        t.start()

    def send_batch(self):
        """Send held replies newest first; Rflush after everything."""
        out, self.batch = self.batch, None
        out.reverse()
        out.sort(key=lambda m: m[4] == TFLUSH + 1)
        self.sock.sendall(b"".join(out))

    def reply(self, tag, rtype, body):
        mode, after = self.srv.args.fault, self.srv.args.after
        if mode == "junk" and rtype == TREAD + 1 and self.counted >= after:
            body += b"\xa5"
        msg = struct.pack("<IBH", 7 + len(body), rtype, tag) + body
        if self.attached and mode in ("drop", "trunc", "badtag", "bigsize",
                                      "garbage", "stall", "fat"):
            if self.counted >= after:
                self.inject(mode, tag, msg)
                return
        if self.attached:
            self.counted += 1
        self.send(msg)

    def inject(self, mode, tag, msg):
        self.log("injecting fault %s at message %d" % (mode, self.counted))
        if mode == "drop":
            self.send(msg[:max(4, len(msg) // 2)])
            self.close()
        elif mode == "trunc":
            # A header promising the full size, half the body, then EOF.
            self.send(msg[:7 + (len(msg) - 7) // 2])
            self.close()
        elif mode == "badtag":
            bad = (tag + 0x1234) & 0xffff
            if bad == 0xffff:
                bad = 0x4321
            self.send(msg[:5] + struct.pack("<H", bad) + msg[7:])
            self.srv.args.fault = "stall"   # then go quiet
        elif mode == "bigsize":
            self.send(struct.pack("<I", self.msize + 4096) + msg[4:])
            self.srv.args.fault = "stall"
        elif mode == "garbage":
            self.send(bytes(self.rng.getrandbits(8) for _ in range(256)))
            self.close()
        elif mode == "fat":
            pad = min(65536, self.msize - len(msg))
            self.send(struct.pack("<I", len(msg) + pad) + msg[4:] +
                      bytes(pad))
            self.srv.args.fault = "stall"
        elif mode == "stall":
            pass

    def pending_input(self):
        r, _, _ = select.select([self.sock], [], [], 0.002)
        return bool(r)

    def close(self):
        self.dead = True
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def log(self, msg):
        if self.srv.args.verbose:
            print("p9srv: " + msg, file=sys.stderr, flush=True)

    def error(self, tag, err):
        if self.dialect == DOTL:
            self.reply(tag, RLERROR, struct.pack("<I", err))
            return
        body = es(os.strerror(err))
        if self.dialect == DOTU:
            body += struct.pack("<I", err)
        self.reply(tag, RERROR, body)

    def serve(self):
        try:
            while not self.dead:
                hdr = self.recv_exact(7)
                if hdr is None:
                    break
                size, mtype, tag = struct.unpack("<IBH", hdr)
                if size < 7 or size > self.msize:
                    self.log("bad size %d" % size)
                    break
                body = self.recv_exact(size - 7)
                if body is None:
                    break
                if self.srv.args.reorder and self.batch is None:
                    self.batch = []
                self.dispatch(mtype, tag, body)
                if self.batch is not None and (
                        len(self.batch) >= 8 or not self.pending_input()):
                    self.send_batch()
        except (ConnectionError, BrokenPipeError, OSError) as e:
            self.log("connection: %s" % e)
        finally:
            for f in self.fids.values():
                if f.fd is not None:
                    os.close(f.fd)
            self.sock.close()
            if self.srv.args.stats:
                with open(self.srv.args.stats, "a") as f:
                    f.write("fids %d inuse %d\n" %
                            (len(self.fids), self.inuse))

    def dispatch(self, mtype, tag, body):
        args = self.srv.args
        if mtype == TFLUSH:
            if args.fault == "noflush":
                return
            old = struct.unpack_from("<H", body)[0] if len(body) >= 2 else 0
            self.held.pop(old, None)
            if args.fault == "flusherr":
                self.log("answering Tflush of tag %d with an error" % old)
                self.error(tag, errno.EINVAL)
                self.send_late(old)
                return
            self.send_late(old)     # the answer may precede the Rflush
            if args.flush_delay > 0:
                t = threading.Timer(args.flush_delay, self.reply,
                                    (tag, TFLUSH + 1, b""))
                t.daemon = True
                t.start()
            else:
                self.reply(tag, TFLUSH + 1, b"")
            return
        if args.fault == "stall" and self.attached and \
                self.counted >= args.after:
            return
        if args.fault == "errstorm" and self.attached and \
                mtype not in (TCLUNK, TVERSION) and \
                self.counted >= args.after and \
                self.rng.randrange(max(1, args.every)) == 0:
            self.error(tag, self.rng.choice(
                [errno.EIO, errno.EPERM, errno.ENOENT, errno.EACCES,
                 errno.ENOSPC, errno.EINVAL, errno.EBUSY, errno.EROFS]))
            return
        handler = HANDLERS.get(mtype)
        if handler is None:
            self.error(tag, errno.EOPNOTSUPP)
            return
        try:
            r = handler(self, Dec(body), tag)
        except P9Error as e:
            self.error(tag, e.errno)
            return
        except OSError as e:
            self.error(tag, e.errno or errno.EIO)
            return
        if r is None:
            return              # held
        self.reply(tag, mtype + 1, r)

    # ---- helpers ----

    def fid(self, n):
        f = self.fids.get(n)
        if f is None:
            raise P9Error(errno.EBADF)
        return f

    def fid_free(self, n):
        """Refuse (and count) a newfid the client did not clunk."""
        if n in self.fids:
            self.inuse += 1
            self.log("newfid %d is in use" % n)
            raise P9Error(errno.EBADF)

    def newfid(self, n, path):
        self.fid_free(n)
        self.fids[n] = Fid(path)
        return self.fids[n]

    def child(self, f, name):
        if not name or "/" in name or name in (".", ".."):
            raise P9Error(errno.EINVAL)
        return os.path.join(f.path, name)

    def inside(self, path):
        root = self.srv.root
        return path == root or path.startswith(root + "/")

    def iounit(self):
        return self.msize - 24

    def stat9(self, path, st):
        """A 9P2000(.u) stat structure for @path."""
        m = st.st_mode
        mode = m & 0o777
        ext = b""
        if stat.S_ISDIR(m):
            mode |= DMDIR
        elif stat.S_ISLNK(m):
            mode |= DMSYMLINK
            ext = os.readlink(path).encode("utf-8", "surrogateescape")
        elif stat.S_ISSOCK(m):
            mode |= DMSOCKET
        elif stat.S_ISFIFO(m):
            mode |= DMNAMEDPIPE
        elif stat.S_ISBLK(m) or stat.S_ISCHR(m):
            mode |= DMDEVICE
            ext = ("%s %d %d" % ("b" if stat.S_ISBLK(m) else "c",
                                 os.major(st.st_rdev),
                                 os.minor(st.st_rdev))).encode()
        if m & stat.S_ISUID:
            mode |= DMSETUID
        if m & stat.S_ISGID:
            mode |= DMSETGID
        if m & stat.S_ISVTX:
            mode |= DMSETVTX
        name = "/" if path == self.srv.root else os.path.basename(path)
        body = struct.pack("<HI", 0, 0) + qid_of(st)
        body += struct.pack("<IIIQ", mode, int(st.st_atime) & 0xffffffff,
                            int(st.st_mtime) & 0xffffffff,
                            0 if stat.S_ISDIR(m) else st.st_size)
        body += es(name) + es(str(st.st_uid)) + es(str(st.st_gid)) + es("")
        if self.dialect == DOTU:
            body += es(ext) + struct.pack("<III", st.st_uid, st.st_gid,
                                          st.st_uid)
        return struct.pack("<H", len(body)) + body

    def open_path(self, f, flags):
        st = lstat_or_err(f.path)
        if stat.S_ISDIR(st.st_mode):
            f.dirblob = None
            f.dirents = None
            return st
        f.fd = os.open(f.path, flags | os.O_NOFOLLOW | os.O_CLOEXEC)
        return st


def dotl_flags(fl):
    acc = fl & 3
    out = {0: os.O_RDONLY, 1: os.O_WRONLY, 2: os.O_RDWR}.get(acc, os.O_RDONLY)
    for bit, osf in ((0o100, os.O_CREAT), (0o200, os.O_EXCL),
                     (0o1000, os.O_TRUNC), (0o2000, os.O_APPEND)):
        if fl & bit:
            out |= osf
    return out


def legacy_flags(mode):
    out = {0: os.O_RDONLY, 1: os.O_WRONLY, 2: os.O_RDWR,
           3: os.O_RDONLY}[mode & 3]
    if mode & 0x10:
        out |= os.O_TRUNC
    if mode & 0x80:
        out |= os.O_APPEND
    return out


# ---- handlers: each returns the reply body, or None to hold ----

def h_version(c, d, tag):
    msize, ver = d.take("<I"), d.s()
    c.msize = max(4096, min(msize, MAX_MSIZE))
    for f in c.fids.values():
        if f.fd is not None:
            os.close(f.fd)
    c.fids.clear()
    c.attached = False
    if ver in (LEGACY, DOTU, DOTL) and ver in c.srv.args.dialects:
        c.dialect = ver
    elif ver.startswith("9P2000") and LEGACY in c.srv.args.dialects:
        c.dialect, ver = LEGACY, LEGACY
    else:
        ver = "unknown"
    return struct.pack("<I", c.msize) + es(ver)


def h_auth(c, d, tag):
    raise P9Error(errno.EOPNOTSUPP if c.dialect == DOTL else errno.EPERM)


def h_attach(c, d, tag):
    fid, _afid, _uname, aname = d.take("<I"), d.take("<I"), d.s(), d.s()
    f = c.newfid(fid, c.srv.root)
    c.attached = True
    q = qid_of(lstat_or_err(f.path))
    if aname.startswith("late") and "attach" not in c.late_names:
        c.late_names.add("attach")
        c.hold_late(tag, TATTACH + 1, q)
        return None
    return q


def h_walk(c, d, tag):
    fid, newfid, n = d.take("<IIH")
    f = c.fid(fid)
    if n > 16:
        raise P9Error(errno.EINVAL)
    names = [d.s() for _ in range(n)]
    if newfid != fid:
        c.fid_free(newfid)
    if c.dialect != DOTL and names and names[-1].startswith("longerr"):
        c.reply(tag, RERROR, es("x" * 3000) + (
            struct.pack("<I", errno.ENOENT) if c.dialect == DOTU else b""))
        return None
    path, qids = f.path, []
    for name in names:
        if "/" in name or not name:
            break
        if name == "..":
            nxt = path if path == c.srv.root else os.path.dirname(path)
        elif name == ".":
            nxt = path
        else:
            nxt = os.path.join(path, name)
        if not c.inside(nxt):
            break
        try:
            st = os.lstat(nxt)
        except OSError as e:
            if not qids:
                raise P9Error(e.errno)
            break
        path = nxt
        qids.append(qid_of(st))
    if len(qids) == n:
        if newfid == fid:
            f.path = path
        else:
            c.fids[newfid] = Fid(path)
    r = struct.pack("<H", len(qids)) + b"".join(qids)
    if names and names[-1].startswith("latewalk") and \
            names[-1] not in c.late_names:
        c.late_names.add(names[-1])
        c.hold_late(tag, TWALK + 1, r)
        return None
    return r


def h_open(c, d, tag):
    fid, mode = d.take("<IB")
    f = c.fid(fid)
    st = c.open_path(f, legacy_flags(mode))
    return qid_of(st) + struct.pack("<I", c.iounit())


def h_lopen(c, d, tag):
    fid, flags = d.take("<II")
    f = c.fid(fid)
    st = c.open_path(f, dotl_flags(flags) & ~(os.O_CREAT | os.O_EXCL))
    return qid_of(st) + struct.pack("<I", c.iounit())


def h_create(c, d, tag):
    fid, name, perm, mode = d.take("<I"), d.s(), d.take("<I"), d.take("<B")
    ext = d.s() if c.dialect == DOTU else ""
    f = c.fid(fid)
    path = c.child(f, name)
    if perm & DMDIR:
        os.mkdir(path, perm & 0o777)
    elif perm & DMSYMLINK:
        os.symlink(ext, path)
    elif perm & (DMNAMEDPIPE | DMDEVICE | DMSOCKET):
        raise P9Error(errno.EOPNOTSUPP)
    else:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, perm & 0o777)
        os.close(fd)
    f.path = path
    st = c.open_path(f, legacy_flags(mode)) if not perm & DMSYMLINK \
        else os.lstat(path)
    return qid_of(st) + struct.pack("<I", c.iounit())


def h_lcreate(c, d, tag):
    fid, name, flags, mode, _gid = d.take("<I"), d.s(), d.take("<I"), \
        d.take("<I"), d.take("<I")
    f = c.fid(fid)
    path = c.child(f, name)
    fd = os.open(path, dotl_flags(flags) | os.O_CREAT | os.O_NOFOLLOW,
                 mode & 0o7777)
    f.path, f.fd = path, fd
    return qid_of(os.fstat(fd)) + struct.pack("<I", c.iounit())


def dir_blob(c, f):
    if f.dirblob is None:
        blob, starts = b"", []
        for name in sorted(os.listdir(f.path)):
            p = os.path.join(f.path, name)
            try:
                s = c.stat9(p, os.lstat(p))
            except OSError:
                continue
            starts.append(len(blob))
            blob += s
        f.dirblob = (blob, starts)
    return f.dirblob


def h_read(c, d, tag):
    fid, off, count = d.take("<IQI")
    f = c.fid(fid)
    count = min(count, c.msize - 11)
    if f.fd is None:
        if c.dialect == DOTL:
            raise P9Error(errno.EBADF)
        if off == 0:
            f.dirblob = None
        blob, starts = dir_blob(c, f)
        if off and off not in starts and off != len(blob):
            raise P9Error(errno.EINVAL)
        end = off
        for s in starts + [len(blob)]:
            if s > off and s - off <= count:
                end = s
        data = blob[off:end]
    else:
        if os.path.basename(f.path).startswith("block"):
            c.held[tag] = True
            return None
        data = os.pread(f.fd, count, off)
        if os.path.basename(f.path).startswith("late") and \
                not f.was_late:
            f.was_late = True
            c.hold_late(tag, TREAD + 1, struct.pack("<I", len(data)) + data)
            return None
    return struct.pack("<I", len(data)) + data


def h_write(c, d, tag):
    fid, off = d.take("<IQ")
    data = d.data()
    f = c.fid(fid)
    if f.fd is None:
        raise P9Error(errno.EBADF)
    if os.path.basename(f.path).startswith("block"):
        c.held[tag] = True
        return None
    if os.path.basename(f.path).startswith("short") and \
            off < SHORT_END and off + len(data) > SHORT_START:
        if off >= SHORT_START:
            raise P9Error(errno.ENOSPC)
        c.log("short Twrite: %d of %d bytes" % (SHORT_START - off,
                                                len(data)))
        data = data[:SHORT_START - off]
    return struct.pack("<I", os.pwrite(f.fd, data, off))


def h_clunk(c, d, tag):
    fid = d.take("<I")
    f = c.fids.pop(fid, None)
    if f is None:
        raise P9Error(errno.EBADF)
    if f.fd is not None:
        os.close(f.fd)
    return b""


def h_remove(c, d, tag):
    fid = d.take("<I")
    f = c.fid(fid)
    if os.path.basename(f.path).startswith("hold") and not f.was_held:
        f.was_held = True
        c.held[tag] = True
        return None
    h_clunk(c, Dec(struct.pack("<I", fid)), tag)
    if f.path == c.srv.root:
        raise P9Error(errno.EBUSY)
    if stat.S_ISDIR(lstat_or_err(f.path).st_mode):
        os.rmdir(f.path)
    else:
        os.unlink(f.path)
    return b""


def h_stat(c, d, tag):
    f = c.fid(d.take("<I"))
    s = c.stat9(f.path, lstat_or_err(f.path))
    return struct.pack("<H", len(s)) + s


def h_wstat(c, d, tag):
    f = c.fid(d.take("<I"))
    d.take("<H")
    d.take("<H")
    d.take("<HI")
    d.take("<BIQ")
    mode, atime, mtime, length = d.take("<IIIQ")
    name = d.s()
    if mode != 0xffffffff:
        os.chmod(f.path, mode & 0o7777, follow_symlinks=False) \
            if not os.path.islink(f.path) else None
    if length != 2**64 - 1:
        os.truncate(f.path, length)
    if mtime != 0xffffffff or atime != 0xffffffff:
        st = os.lstat(f.path)
        os.utime(f.path, (st.st_atime if atime == 0xffffffff else atime,
                          st.st_mtime if mtime == 0xffffffff else mtime),
                 follow_symlinks=False)
    if name and name != os.path.basename(f.path):
        new = os.path.join(os.path.dirname(f.path), name)
        if "/" in name:
            raise P9Error(errno.EINVAL)
        os.rename(f.path, new)
        f.path = new
    return b""


def h_getattr(c, d, tag):
    f = c.fid(d.take("<I"))
    st = lstat_or_err(f.path)
    return struct.pack("<Q", 0x3fff) + qid_of(st) + struct.pack(
        "<IIIQQQQQ", st.st_mode, st.st_uid, st.st_gid, st.st_nlink,
        st.st_rdev, st.st_size, st.st_blksize, st.st_blocks) + struct.pack(
        "<QQQQQQQQQQ",
        st.st_atime_ns // 10**9, st.st_atime_ns % 10**9,
        st.st_mtime_ns // 10**9, st.st_mtime_ns % 10**9,
        st.st_ctime_ns // 10**9, st.st_ctime_ns % 10**9, 0, 0, 0, 0)


def h_setattr(c, d, tag):
    f = c.fid(d.take("<I"))
    valid, mode, uid, gid, size = d.take("<IIIIQ")
    asec, ansec, msec, mnsec = d.take("<QQQQ")
    p = f.path
    if valid & 1:
        os.chmod(p, mode & 0o7777)
    if valid & 6:
        os.lchown(p, uid if valid & 2 else -1, gid if valid & 4 else -1)
    if valid & 8:
        os.truncate(p, size)
    if valid & 0x30:
        st = os.lstat(p)
        at = asec * 10**9 + ansec if valid & 0x80 else (
            None if valid & 0x10 else st.st_atime_ns)
        mt = msec * 10**9 + mnsec if valid & 0x100 else (
            None if valid & 0x20 else st.st_mtime_ns)
        now = time.time_ns()
        os.utime(p, ns=(now if at is None else at, now if mt is None else mt),
                 follow_symlinks=False)
    return b""


def h_readdir(c, d, tag):
    fid, off, count = d.take("<IQI")
    f = c.fid(fid)
    if off == 0 or f.dirents is None:
        ents = []
        for name in [".", ".."] + sorted(os.listdir(f.path)):
            try:
                st = os.lstat(os.path.join(f.path, name))
            except OSError:
                continue
            dt = (st.st_mode >> 12) & 0xf
            ents.append((qid_of(st), dt, name))
        f.dirents = ents
    out = b""
    loop = c.srv.args.fault == "dirloop" and c.attached
    for i in range(off, len(f.dirents)):
        q, dt, name = f.dirents[i]
        e = q + struct.pack("<QB", off if loop else i + 1, dt) + es(name)
        if len(out) + len(e) > count:
            break
        out += e
    return struct.pack("<I", len(out)) + out


def h_statfs(c, d, tag):
    c.fid(d.take("<I"))
    s = os.statvfs(c.srv.root)
    return struct.pack("<IIQQQQQQI", 0x01021997, s.f_bsize, s.f_blocks,
                       s.f_bfree, s.f_bavail, s.f_files, s.f_ffree, 0,
                       s.f_namemax)


def h_mkdir(c, d, tag):
    f = c.fid(d.take("<I"))
    name, mode, _gid = d.s(), d.take("<I"), d.take("<I")
    p = c.child(f, name)
    os.mkdir(p, mode & 0o7777)
    return qid_of(os.lstat(p))


def h_symlink(c, d, tag):
    f = c.fid(d.take("<I"))
    name, target, _gid = d.s(), d.s(), d.take("<I")
    p = c.child(f, name)
    os.symlink(target, p)
    return qid_of(os.lstat(p))


def h_mknod(c, d, tag):
    f = c.fid(d.take("<I"))
    name, mode, ma, mi, _gid = d.s(), d.take("<I"), d.take("<I"), \
        d.take("<I"), d.take("<I")
    p = c.child(f, name)
    os.mknod(p, mode, os.makedev(ma, mi))
    return qid_of(os.lstat(p))


def h_readlink(c, d, tag):
    f = c.fid(d.take("<I"))
    return es(os.readlink(f.path))


def h_unlinkat(c, d, tag):
    f = c.fid(d.take("<I"))
    name, flags = d.s(), d.take("<I")
    p = c.child(f, name)
    if flags & 0x200:
        os.rmdir(p)
    else:
        os.unlink(p)
    return b""


def h_renameat(c, d, tag):
    of, oname = c.fid(d.take("<I")), d.s()
    nf, nname = c.fid(d.take("<I")), d.s()
    old, new = c.child(of, oname), c.child(nf, nname)
    os.rename(old, new)
    for f in c.fids.values():
        if f.path == old or f.path.startswith(old + "/"):
            f.path = new + f.path[len(old):]
    return b""


def h_rename(c, d, tag):
    f, df, name = c.fid(d.take("<I")), c.fid(d.take("<I")), d.s()
    new = c.child(df, name)
    os.rename(f.path, new)
    f.path = new
    return b""


def h_link(c, d, tag):
    df, f, name = c.fid(d.take("<I")), c.fid(d.take("<I")), d.s()
    os.link(f.path, c.child(df, name))
    return b""


def h_fsync(c, d, tag):
    f = c.fid(d.take("<I"))
    if f.fd is not None:
        os.fsync(f.fd)
    return b""


def h_xattrwalk(c, d, tag):
    raise P9Error(errno.EOPNOTSUPP)


def h_lock(c, d, tag):
    return struct.pack("<B", 0)


def h_getlock(c, d, tag):
    fid, _t, start, length, pid = d.take("<IBQQI")
    cid = d.s()
    return struct.pack("<BQQI", 2, start, length, pid) + es(cid)


HANDLERS = {
    TVERSION: h_version, TAUTH: h_auth, TATTACH: h_attach, TWALK: h_walk,
    TOPEN: h_open, TCREATE: h_create, TREAD: h_read, TWRITE: h_write,
    TCLUNK: h_clunk, TREMOVE: h_remove, TSTAT: h_stat, TWSTAT: h_wstat,
    TLOPEN: h_lopen, TLCREATE: h_lcreate, TGETATTR: h_getattr,
    TSETATTR: h_setattr, TREADDIR: h_readdir, TSTATFS: h_statfs,
    TMKDIR: h_mkdir, TSYMLINK: h_symlink, TMKNOD: h_mknod,
    TREADLINK: h_readlink, TUNLINKAT: h_unlinkat, TRENAMEAT: h_renameat,
    TRENAME: h_rename, TLINK: h_link, TFSYNC: h_fsync,
    TXATTRWALK: h_xattrwalk, TLOCK: h_lock, TGETLOCK: h_getlock,
}

# .L-only and legacy-only messages are refused in the other dialects.
DOTL_ONLY = {TLOPEN, TLCREATE, TGETATTR, TSETATTR, TREADDIR, TSTATFS,
             TMKDIR, TSYMLINK, TMKNOD, TREADLINK, TUNLINKAT, TRENAMEAT,
             TRENAME, TLINK, TFSYNC, TXATTRWALK, TLOCK, TGETLOCK}
LEGACY_ONLY = {TOPEN, TCREATE, TSTAT, TWSTAT}


def dialect_guard(fn, mtype):
    def guarded(c, d, tag):
        if (c.dialect == DOTL and mtype in LEGACY_ONLY) or \
                (c.dialect != DOTL and mtype in DOTL_ONLY):
            raise P9Error(errno.EOPNOTSUPP)
        return fn(c, d, tag)
    return guarded


HANDLERS = {k: dialect_guard(v, k) for k, v in HANDLERS.items()}


def lacking(c, d, tag):
    """A message the server does not have (--lack)."""
    raise P9Error(errno.EOPNOTSUPP)


class Server:
    def __init__(self, args):
        self.args = args
        self.root = os.path.realpath(args.root)

    def run_conn(self, sock):
        Conn(self, sock).serve()

    def listen(self, lsock):
        if self.args.ready:
            with open(self.args.ready, "w") as f:
                f.write("%d\n" % os.getpid())
        while True:
            s, _ = lsock.accept()
            t = threading.Thread(target=self.run_conn, args=(s,), daemon=True)
            t.start()
            if self.args.once:
                t.join()
                return


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--root", required=True, help="directory to serve")
    ap.add_argument("--tcp", metavar="HOST:PORT",
                    help="listen on TCP (HOST may be [::1])")
    ap.add_argument("--unix", metavar="PATH", help="listen on a unix socket")
    ap.add_argument("--mount-fd", nargs=argparse.REMAINDER, metavar="CMD",
                    help="run CMD with a connected socket as fd 3..."
                    " (use '{fd}' in CMD), serve the other end")
    ap.add_argument("--dialects", default="9P2000,9P2000.u,9P2000.L",
                    help="dialects offered (comma separated)")
    ap.add_argument("--fault", default="none",
                    choices=["none", "drop", "stall", "badtag", "bigsize",
                             "trunc", "garbage", "errstorm", "noflush",
                             "fat", "dirloop", "flusherr", "junk"])
    ap.add_argument("--after", type=int, default=0,
                    help="messages answered normally after Rattach before"
                    " the fault")
    ap.add_argument("--every", type=int, default=3,
                    help="errstorm: fail one request in N at random")
    ap.add_argument("--reorder", action="store_true",
                    help="answer requests that arrive together in reverse"
                    " order (Rflush last)")
    ap.add_argument("--late", type=float, default=2.5,
                    help="seconds before the first Tread of a fid of a"
                    " \"late\" file is answered")
    ap.add_argument("--flush-delay", type=float, default=0,
                    help="seconds between answering a Tflush's request"
                    " (a \"late\" one) and sending the Rflush")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--lack", default="", metavar="TYPES",
                    help="answer these messages (comma separated, e.g."
                    " renameat,unlinkat) with EOPNOTSUPP, as a server"
                    " without them")
    ap.add_argument("--stats", metavar="FILE",
                    help="append \"fids N inuse M\" here as each"
                    " connection ends")
    ap.add_argument("--once", action="store_true",
                    help="serve one connection, then exit")
    ap.add_argument("--ready", metavar="FILE",
                    help="write the pid here once listening")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    args.dialects = args.dialects.split(",")
    for name in filter(None, args.lack.split(",")):
        mtype = globals().get("T" + name.upper())
        if mtype not in HANDLERS:
            ap.error("--lack: no message T%s" % name)
        HANDLERS[mtype] = lacking
    srv = Server(args)

    if args.mount_fd:
        a, b = socket.socketpair()
        fd = b.fileno()
        os.set_inheritable(fd, True)
        cmd = [x.replace("{fd}", str(fd)) for x in args.mount_fd]
        t = threading.Thread(target=srv.run_conn, args=(a,), daemon=True)
        t.start()
        rc = subprocess.call(cmd, pass_fds=(fd,))
        b.close()
        if rc:
            sys.exit(rc)
        # Keep serving until the client goes away (umount).
        t.join()
        return
    if args.unix:
        try:
            os.unlink(args.unix)
        except FileNotFoundError:
            pass
        ls = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        ls.bind(args.unix)
    elif args.tcp:
        host, _, port = args.tcp.rpartition(":")
        host = host.strip("[]")
        fam = socket.AF_INET6 if ":" in host else socket.AF_INET
        ls = socket.socket(fam, socket.SOCK_STREAM)
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        ls.bind((host, int(port)))
    else:
        ap.error("one of --tcp, --unix, --mount-fd is needed")
    ls.listen(16)
    srv.listen(ls)


if __name__ == "__main__":
    main()
