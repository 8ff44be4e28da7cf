#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# No leases on a 9p file: nothing on the server would break them when the
# host or another client changes the file (a re-export over NFS or Samba
# would hand out delegations and oplocks that are never recalled), so
# fcntl(F_SETLEASE) must fail.
. "$(dirname "$0")/lib.sh"

command -v python3 >/dev/null || skip_all "no python3"
ktap_plan 2
echo data >f

# lease TYPE MODE: try F_SETLEASE TYPE (F_RDLCK, F_WRLCK) on f opened MODE
lease() {
	python3 - "$1" "$2" <<-'PY'
	import fcntl, os, sys
	F_SETLEASE = 1024
	fd = os.open("f", os.O_RDONLY if sys.argv[2] == "r" else os.O_RDWR)
	try:
	    fcntl.fcntl(fd, F_SETLEASE, getattr(fcntl, sys.argv[1]))
	except OSError as e:
	    print("refused:", e)
	    sys.exit(0)
	print("lease granted")
	sys.exit(1)
	PY
}
check "read lease refused" lease F_RDLCK r
check "write lease refused" lease F_WRLCK w
ktap_finish
