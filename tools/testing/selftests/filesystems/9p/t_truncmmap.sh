#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ftruncate(2) racing a store through a shared mapping into the part
# being cut off, and an msync(2) of it: the file must end where truncate
# put it, here and on the server. A page dirtied after truncate's flush
# used to be written back between the server's truncation and the page
# cache's, at the old size, and the server's file grew back.
#
# The window is widened with v9fs-ng's test hook (the 9p module's
# truncate_delay_ms parameter: the next shrinking truncate waits that
# long after the server's reply), so only v9fs-ng runs this. The store
# may wait for the truncation and then die of SIGBUS (past the new end):
# that is a correct outcome, as is a store that lands before.
. "$(dirname "$0")/lib.sh"

test_hook truncate_delay_ms
ktap_plan 3

python3 - f "$HOOK" <<'EOF'
import mmap, os, signal, sys, time
path, hook = sys.argv[1], sys.argv[2]
fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o644)
os.write(fd, b"a" * 12288)
os.fsync(fd)
m = mmap.mmap(fd, 12288, mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE)
m[0:12288]			# every page mapped
with open(hook, "w") as h:
    h.write("1500")
pid = os.fork()
if pid == 0:
    # inside the truncation's window: a store past the new end, sent
    time.sleep(0.5)
    m[9000] = ord("Z")
    m.flush()
    os._exit(0)
os.ftruncate(fd, 4096)
_, st = os.waitpid(pid, 0)
if os.WIFSIGNALED(st):
    print("# the store: signal %d" % os.WTERMSIG(st))
else:
    print("# the store: exit %d" % os.WEXITSTATUS(st))
m.close()
os.close(fd)
EOF
check_eq "the size here" "$(stat -c %s f)" 4096
srv=$(server_file f)
check_eq "the server's size" "$(stat -c %s "$srv")" 4096
check_eq "the server's data" "$(md5sum <"$srv")" "$(head -c 4096 /dev/zero | tr '\0' a | md5sum)"
ktap_finish
