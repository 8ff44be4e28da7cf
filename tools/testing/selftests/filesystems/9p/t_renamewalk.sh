#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A path walk racing a rename of ours: a user with no fid yet for a
# directory inside the one renamed walks to it from the root by the names
# the dentries have. Once the server has renamed, those must be the new
# names: its cwd there must stay listable. The dentries used to move only
# after the rename was done with its lock (the VFS's d_move()), and a walk
# in between went by the old names and failed with ENOENT.
#
# The window is widened with v9fs-ng's test hook (the 9p module's
# rename_delay_ms parameter: the next rename waits that long after the
# server's reply), so only v9fs-ng runs this; and only with a fid per
# user (access=user or client), where a new user walks.
. "$(dirname "$0")/lib.sh"

test_hook rename_delay_ms
opts=,$(awk -v m="$V9FS_MNT" '$2 == m { print $4 }' /proc/mounts),
[[ $opts == *,access=user,* || $opts == *,access=client,* ]] ||
	skip_all "no fid per user (options $opts)"
ktap_plan 2

mkdir -p d/sub
touch d/sub/f
chmod -R a+rwX d
# the child: cwd d/sub as root, then user 4711 (no fid of its own for
# anything yet) lists it while the parent's rename of d waits in the hook
out=$(python3 - "$HOOK" <<'PYEOF'
import errno, os, sys, time
hook = sys.argv[1]
r, w = os.pipe()
pid = os.fork()
if pid == 0:
    os.chdir("d/sub")
    os.setgid(4711)
    os.setuid(4711)
    os.write(w, b"x")
    time.sleep(0.5)
    try:
        print("listed: %s" % " ".join(sorted(os.listdir("."))))
    except OSError as e:
        print("listed: %s" % errno.errorcode.get(e.errno, e.errno))
    sys.stdout.flush()
    os._exit(0)
os.read(r, 1)
with open(hook, "w") as h:
    h.write("1500")
os.rename("d", "e")
os.waitpid(pid, 0)
print("renamed")
PYEOF
)
check_eq "a walk during the rename finds the new names" "$(tr '\n' ' ' <<<"$out")" "listed: f renamed "
check_eq "the renamed directory" "$(ls e/sub 2>&1)" "f"
ktap_finish
