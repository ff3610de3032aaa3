#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# How much of Debian's kernel a umlrun kernel has: per area, the options
# Debian's amd64 configuration of the series turns on (=y or =m), how many
# of those a kernel's .config has on, and the share; then how many the rule
# wants (scripts/debian-config.sh: offered on ARCH=um, not in
# arch-um-config/debian-exclude) and how many of those are missing, each
# named on stderr; of the rest, off by rule, how many are hardware and how
# many are off for another reason (isolation, what ARCH=um lacks, options
# without a prompt Kconfig left off, ...). Exit status 1 when one is
# missing.
#
# usage: kernel-parity.sh [--config DOTCONFIG] [--src DIR] [--debian FILE]
#                         [--exclude FILE] SERIES...
#   DOTCONFIG: a kernel's .config (default: the series' debian flavour for
#   this checkout, scripts/build-kernel.sh --where --flavour debian SERIES,
#   which must be built: umlrun --flavour debian -- true builds it);
#   the Kconfig files come from DIR, else from the build tree named beside
#   DOTCONFIG (a built kernel's build-tree file), else linux-source-SERIES. --debian and --exclude as for
#   debian-config.sh. `make parity` runs it on both series.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
usage() {
	echo "usage: kernel-parity.sh [--config DOTCONFIG] [--src DIR] [--debian FILE] [--exclude FILE] SERIES..." >&2
	exit 2
}
config= src= pass=()
while [ $# -gt 0 ]; do
	case $1 in
	--config) [ $# -ge 2 ] || usage; config=$2; shift 2 ;;
	--src) [ $# -ge 2 ] || usage; src=$2; shift 2 ;;
	--debian | --exclude) [ $# -ge 2 ] || usage; pass+=("$1" "$2"); shift 2 ;;
	-*) usage ;;
	*) break ;;
	esac
done
[ $# -ge 1 ] || usage
[ -z "$config" ] || [ $# = 1 ] || usage

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rc=0
for series in "$@"; do
	cfg=$config s=$src
	if [ -z "$cfg" ]; then
		dir=$("$root/scripts/build-kernel.sh" --where --flavour debian "$series")
		cfg=$dir/config
		[ -r "$cfg" ] || {
			echo "parity: the $series debian flavour is not built for this checkout ($dir): umlrun --kernel-version $series --flavour debian -- true builds it, or give --config" >&2
			rc=1
			continue
		}
	fi
	# a built kernel's source, named beside its config
	[ -n "$s" ] || s=$(sed -n 's/^src=//p' "$(dirname "$cfg")/build-tree" 2>/dev/null || true)
	[ -z "$s" ] || [ -f "$s/Kconfig" ] || s=
	"$root/scripts/debian-config.sh" ${s:+--src "$s"} ${pass[@]+"${pass[@]}"} \
		--table "$series" >"$tmp/table"
	echo "# $series: Debian's options on in $cfg"
	awk -F'\t' -v series="$series" '
		FNR == NR {
			if ($0 ~ /^CONFIG_[A-Za-z0-9_]+=[ym]$/) {
				sub(/^CONFIG_/, ""); sub(/=.*/, ""); on[$0] = 1
			}
			next
		}
		{
			a = $5; debian[a]++; debian["all"]++
			if ($1 in on) { ours[a]++; ours["all"]++ }
			else if ($2 == "excluded" && $3 ~ /^hardware:/) { hw[a]++; hw["all"]++ }
			else if ($2 != "derived") { off[a]++; off["all"]++ }
			if ($2 == "derived") {
				wanted[a]++; wanted["all"]++
				if (!($1 in on)) {
					missing[a]++; missing["all"]++
					printf "parity: %s: CONFIG_%s=y is wanted (%s) and missing\n", series, $1, $4 > "/dev/stderr"
				}
			}
		}
		END {
			printf "%-11s %7s %7s %6s %7s %8s %9s %7s\n", "area", "Debian", "ours", "share",
				"wanted", "missing", "hardware", "off"
			n = split("net netfilter tc fs block cgroups LSMs BPF crypto namespaces other all", order, " ")
			for (i = 1; i <= n; i++) {
				a = order[i]
				printf "%-11s %7d %7d %5.0f%% %7d %8d %9d %7d\n", a, debian[a], ours[a],
					debian[a] ? 100 * ours[a] / debian[a] : 0, wanted[a], missing[a],
					hw[a], off[a]
			}
			exit missing["all"] > 0
		}' "$cfg" "$tmp/table" || rc=1
done
exit $rc
