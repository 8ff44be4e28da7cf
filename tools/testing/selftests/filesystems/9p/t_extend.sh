#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A buffered write that extends a file, racing write-back of the file's
# other dirty pages (an fsync by another process): neither the new data
# nor the new size may be lost. Write-back that ran while the extending
# write was between raising i_size and marking its folio dirty used to
# take the server's older size as the file's, and the folio was then
# never written.
#
# The window is widened with v9fs-ng's test hook (the 9p module's
# write_end_delay_ms parameter: the next extending write waits that long
# inside write_end), so only v9fs-ng with a write cache runs this.
. "$(dirname "$0")/lib.sh"

test_hook write_end_delay_ms
case $V9FS_CACHE in
none | readahead) skip_all "no write cache" ;;
esac
ktap_plan 4

# Two dirty pages, then a third written with the hook armed while
# another process fsyncs the file.
python3 - f "$HOOK" <<'EOF'
import os, sys, time
path, hook = sys.argv[1], sys.argv[2]
fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o644)
os.pwrite(fd, b"a" * 8192, 0)
with open(hook, "w") as h:
    h.write("1500")
pid = os.fork()
if pid == 0:
    time.sleep(0.5)
    f2 = os.open(path, os.O_RDWR)
    os.fsync(f2)
    os.close(f2)
    os._exit(0)
n = os.pwrite(fd, b"b" * 4096, 8192)
os.waitpid(pid, 0)
print("# extending write returned %d; size seen now %d" % (n, os.fstat(fd).st_size))
os.close(fd)
EOF
want=$({ head -c 8192 /dev/zero | tr '\0' a; head -c 4096 /dev/zero | tr '\0' b; } | md5sum)
check_eq "the size after close" "$(stat -c %s f)" 12288
check_eq "the data after close" "$(md5sum <f)" "$want"
srv=$(server_file f)
check_eq "the server's size" "$(stat -c %s "$srv")" 12288
check_eq "the server's data" "$(md5sum <"$srv")" "$want"
ktap_finish
