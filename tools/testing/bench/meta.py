#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
# meta.py: metadata micro-benchmark run in a bench guest.
#   meta.py create|stat|unlink DIR N
# create: N empty files in DIR/dNNN/ (100 per directory); stat: lstat
# each; unlink: remove each, then the directories. Prints "OPS/s".
import os
import sys
import time

op, top, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
PER = 100
names = [os.path.join(top, "d%03d" % (i // PER), "f%05d" % i) for i in range(n)]
dirs = [os.path.join(top, "d%03d" % d) for d in range((n + PER - 1) // PER)]

t0 = time.monotonic()
if op == "create":
    os.makedirs(top, exist_ok=True)
    for d in dirs:
        os.mkdir(d)
    for f in names:
        os.close(os.open(f, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644))
elif op == "stat":
    for f in names:
        os.lstat(f)
elif op == "unlink":
    for f in names:
        os.unlink(f)
    for d in dirs:
        os.rmdir(d)
else:
    sys.exit("meta.py: unknown op " + op)
dt = time.monotonic() - t0
print("%.1f" % (n / dt if dt > 0 else 0.0))
