#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# steps.sh: the steps of make check, from scripts/steps.conf.
#
# Usage: scripts/steps.sh [--flag F]... [--not F]... [--names | --globs]
#   (no flag)    every step, one "NAME FLAGS" a line, in order
#   --flag F     only the steps with flag F (several: any of them)
#   --not F      none with flag F
#   --names      only the names
#   --globs      the names as CHECK_ONLY globs on one line (suite:MODS
#                becomes suite:*, suite:MODS@6.12 suite:*@6.12)
set -euo pipefail

CONF=${STEPS_CONF:-$(dirname "${BASH_SOURCE[0]}")/steps.conf}
flags=() nots=() form=lines
while [[ $# -gt 0 ]]; do
	case $1 in
	--flag) flags+=("$2"); shift ;;
	--not) nots+=("$2"); shift ;;
	--names) form=names ;;
	--globs) form=globs ;;
	-h | --help) sed -n '/^# Usage:/,/^$/{s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"; exit 0 ;;
	*) echo "steps.sh: unknown argument $1" >&2; exit 2 ;;
	esac
	shift
done

out=()
while read -r name fl _; do
	[[ -z ${name:-} || $name == \#* ]] && continue
	if [[ ${#flags[@]} -gt 0 ]]; then
		hit=0
		for f in "${flags[@]}"; do
			[[ ,$fl, == *,"$f",* ]] && hit=1
		done
		[[ $hit == 1 ]] || continue
	fi
	for f in "${nots[@]}"; do
		[[ ,$fl, == *,"$f",* ]] && continue 2
	done
	case $form in
	lines) out+=("$name $fl") ;;
	names) out+=("$name") ;;
	globs) out+=("${name/suite:MODS/suite:*}") ;;
	esac
done <"$CONF"
if [[ $form == globs ]]; then
	echo "${out[*]}"
elif [[ ${#out[@]} -gt 0 ]]; then
	printf '%s\n' "${out[@]}"
fi
