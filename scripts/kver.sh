#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Print the newest installed Debian kernel release of a supported series
# that has headers, e.g. "6.1.0-57-amd64" or "6.12.118+deb12-amd64".
#
# Usage: scripts/kver.sh [SERIES|RELEASE]   SERIES: 6.1 (default) or 6.12;
# a RELEASE with headers installed is printed as it is, so that KVER= may
# name either (make KVER=6.12, make KVER=6.12.118+deb12-amd64).
# Nothing is hard-coded but the series.
series=${1:-6.1}
case $series in
6.1 | 6.12) ;;
6.1.* | 6.12.*)
	if [ -e "/lib/modules/$series/build/Makefile" ]; then
		echo "$series"
		exit 0
	fi
	echo "kver.sh: no headers for kernel $series (/lib/modules/$series/build)" >&2
	exit 1
	;;
*)
	echo "kver.sh: series $series is not supported (6.1 or 6.12)" >&2
	exit 2
	;;
esac
for d in $(ls -d /lib/modules/"$series".*-amd64 2>/dev/null | sort -V -r); do
	if [ -e "$d/build/Makefile" ]; then
		basename "$d"
		exit 0
	fi
done
echo "kver.sh: no Debian $series kernel headers installed (run scripts/setup.sh)" >&2
exit 1
