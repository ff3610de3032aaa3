#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Kernel builds with and without the compiler cache (build-kernel.sh's
# ccache_use), in a scratch kernel cache of their own (the user's is not
# touched), one after the other on this machine's cores. Each row is one
# build's time as build-kernel.sh reports it ("built in N s": make alone,
# unpacking and configuring left out) and the wall time of the whole run
# of the build script; the ratio is against the same build without ccache
# measured in this run.
#
#   series   the series from nothing: no ccache, then an empty ccache
#            (what ccache costs when it cannot help), then again from
#            nothing with the ccache warm (a kernel pruned and built again)
#   variant  a new --kconfig-add variant (CONFIG_ROMFS_FS=y) on the built
#            series, without ccache, then again from nothing with it warm
#   patch    a new key (one line added to the description of the series'
#            last patch: the same source in a new tree), ccache warm: no
#            gain expected, as the cache is not shared across trees (no
#            base_dir, see build-kernel.sh's ccache_use)
#
# usage: bench/ccache.sh [SERIES]     (default 6.12; four series builds
#        and more: about 40 minutes on 2 cores)
set -euo pipefail
cd "$(dirname "$0")/.."
series=${1:-6.12}
[ -x /usr/lib/ccache/gcc ] || { echo "bench: no ccache (make installs it)" >&2; exit 1; }
scratch=$(mktemp -d /var/tmp/umlrun-bench-ccache.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
copy=$scratch/checkout
mkdir "$copy"
git ls-files -z | xargs -0 cp --parents -t "$copy"
export UMLRUN_CACHE=$scratch/cache

# build NAME CCACHE(0|1) [EXTRA]...: one build; prints its row
build() {
	local name=$1 cc=$2 start wall make_s
	shift 2
	start=$(date +%s%N)
	UMLRUN_CCACHE=$cc "$copy/scripts/build-kernel.sh" "$@" "$series" \
		>/dev/null 2>"$scratch/err" || { cat "$scratch/err" >&2; exit 1; }
	wall=$((($(date +%s%N) - start) / 1000000))
	make_s=$(sed -n 's/.*built in \([0-9]*\) s$/\1/p' "$scratch/err" | head -n 1)
	printf '%s\t%s\t%s\n' "$name" "${make_s:-?}" "$((wall / 1000))"
}
# forget KERNEL-DIR: remove a built kernel and its tree (to build it again)
forget() {
	rm -rf "$1" "$UMLRUN_CACHE/trees/$(basename "${1%-*}")"
}
where() { "$copy/scripts/build-kernel.sh" --where "$@" "$series"; }

{
	printf 'build\tmake (s)\twall (s)\n'
	k=$(where)
	build "$series from nothing, no ccache" 0
	forget "$k"
	build "$series from nothing, empty ccache" 1
	forget "$k"
	build "$series from nothing, warm ccache" 1
	v=$(where --kconfig-add CONFIG_ROMFS_FS=y)
	build "new variant, no ccache" 0 --kconfig-add CONFIG_ROMFS_FS=y
	forget "$v"
	build "the variant again, warm ccache" 1 --kconfig-add CONFIG_ROMFS_FS=y
	last=$(ls "$copy/patches/$series/"*.patch | tail -n 1)
	sed -i '0,/^$/s//\nA line for the benchmark.\n/' "$last"
	build "patch changed, warm ccache (another tree)" 1
} | tee "$scratch/rows" | column -t -s $'\t'
# the ratios, of make's time, against the same build without ccache
awk -F'\t' 'NR > 1 { t[NR] = $2 }
	END {
		printf "# ratio to no ccache: series empty %.2f, warm %.2f; variant warm %.2f; patch %.2f\n",
			t[3] / t[2], t[4] / t[2], t[6] / t[5], t[7] / t[2]
	}' "$scratch/rows"
echo "# ccache: $(du -sh "$UMLRUN_CACHE/ccache" | cut -f1) after these builds"
