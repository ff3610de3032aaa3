#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Check that every option of every fragment landed in a kernel .config, as
# kunit's validate_config does; name each one that did not and fail.
#
# usage: check-config.sh DOTCONFIG FRAGMENT...
set -euo pipefail

config=$1
shift
bad=0
for frag in "$@"; do
	while IFS= read -r line; do
		case $line in
		'# CONFIG_'*' is not set')
			opt=${line#\# }
			opt=${opt%% *}
			if grep -q "^$opt=" "$config"; then
				echo "config: $opt wanted off, is $(grep "^$opt=" "$config") ($(basename "$frag"))" >&2
				bad=1
			fi
			;;
		CONFIG_*=*)
			if ! grep -qxF -- "$line" "$config"; then
				opt=${line%%=*}
				have=$(grep -E "^(# )?$opt[= ]" "$config" || echo 'absent')
				echo "config: $line did not land, have: $have ($(basename "$frag"))" >&2
				bad=1
			fi
			;;
		esac
	done <"$frag"
done
exit $bad
