#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A full server: every way of writing a file reports the server's ENOSPC
# to the writer, in the write-caching modes too, where the data reaches
# the server only at write-back: cp (which checks close), dd conv=fsync,
# and a plain write(2) + close(2). Afterwards the file's size seen here
# is the server's again. A truncation that frees space succeeds on the
# full server, and so does the close after it, though the file has dirty
# pages past the new end that the server has no room for (it used to
# write the whole file back first, and fail with ENOSPC). Needs an
# export on a small file system (suites.conf OPTS word tmpfs=SIZE:
# check.sh mounts a tmpfs of SIZE as the share): skipped when the export
# has more than 64 MiB.
. "$(dirname "$0")/lib.sh"

total=$(stat -f -c '%b * %S' . 2>/dev/null) || skip_all "statfs failed"
total=$((total))
((total > 0 && total <= 64 << 20)) ||
	skip_all "the export is not a small file system ($total bytes)"
command -v python3 >/dev/null || skip_all "no python3"

ktap_plan 9
src=/run/t_enospc.$$
trap 'rm -f "$src"' EXIT
head -c $((2 << 20)) /dev/urandom >"$src"
# on the server before it is full
head -c 65536 "$src" >trunc
sync trunc

# Fill the server to the last byte, writing through (O_DIRECT).
dd if=/dev/zero of=fill bs=64k oflag=direct status=none 2>/dev/null
dd if=/dev/zero of=fill2 bs=4k oflag=direct status=none 2>/dev/null
dd if=/dev/zero of=fill3 bs=512 oflag=direct status=none 2>/dev/null
ktap_note "filled: $(df -B1 --output=avail . | tail -1) bytes left"

# expect_fail NAME CMD...: ok if CMD fails and says ENOSPC
expect_fail() {
	local name=$1 out rc
	shift
	out=$("$@" 2>&1) && rc=0 || rc=$?
	[[ -n $out ]] && sed 's/^/# /' <<<"$out"
	if ((rc == 0)); then
		ktap_fail "$name" "exit 0 on a full server: $*"
	elif [[ $out != *"No space left"* ]]; then
		ktap_fail "$name" "exit $rc but not ENOSPC"
	else
		ktap_ok "$name"
	fi
}

expect_fail "cp reports ENOSPC" cp "$src" cp.out
expect_fail "dd conv=fsync reports ENOSPC" \
	dd if="$src" of=dd.out bs=1M conv=fsync status=none
expect_fail "close(2) reports ENOSPC" python3 -c '
import os, sys
fd = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
data = open(sys.argv[2], "rb").read()
n = 0
while n < len(data):
    n += os.write(fd, data[n:])
os.close(fd)
' close.out "$src"

# Dirty pages past 32 KiB that cannot reach the server, cut off by
# ftruncate: both it and the close succeed.
out=$(python3 - trunc "$src" <<'EOF'
import errno, os, sys
fd = os.open(sys.argv[1], os.O_RDWR)
try:
    # a mode without a write cache refuses this now: fine, still dirty
    # pages or not, the truncation must work
    os.pwrite(fd, open(sys.argv[2], "rb").read(1 << 20), 65536)
except OSError as e:
    print("# pwrite: %s" % errno.errorcode.get(e.errno, e.errno))
for step, call in (("ftruncate", lambda: os.ftruncate(fd, 32768)),
                   ("close", lambda: os.close(fd))):
    try:
        call()
        print("%s OK" % step)
    except OSError as e:
        print("%s %s" % (step, errno.errorcode.get(e.errno, e.errno)))
EOF
)
grep '^#' <<<"$out" || true
check_eq "truncate below dirty pages on a full server" \
	"$(grep -v '^#' <<<"$out" | tr '\n' ' ')" "ftruncate OK close OK "
check_eq "truncated: the size here" "$(stat -c %s trunc)" 32768
check_eq "truncated: the data kept" "$(md5sum <trunc)" "$(head -c 32768 "$src" | md5sum)"

# The server has less than was written: the size here follows it.
for f in cp.out close.out; do
	if [[ -n $V9FS_HOSTDIR && -d $V9FS_HOSTDIR ]]; then
		check_eq "$f: size here is the host's" "$(stat -c %s $f)" \
			"$(stat -c %s "$V9FS_HOSTDIR/$f")"
	else
		ktap_skip "$f: size here is the host's" "no V9FS_HOSTDIR"
	fi
done
rm -f fill fill2 fill3
check "the server takes data again" cp "$src" again
ktap_finish
