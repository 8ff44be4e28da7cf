#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Print the newest installed Debian 6.1 kernel release that has headers,
# e.g. "6.1.0-56-amd64". Nothing is hard-coded but the 6.1 series.
for d in $(ls -d /lib/modules/6.1.*-amd64 2>/dev/null | sort -V -r); do
	if [ -e "$d/build/Makefile" ]; then
		basename "$d"
		exit 0
	fi
done
echo "kver.sh: no Debian 6.1 kernel headers installed (run scripts/setup.sh)" >&2
exit 1
