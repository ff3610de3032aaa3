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
#            series, without ccache, with it (filling it), then again from
#            nothing with it warm
#   patch    a new key (one line added to the description of the series'
#            last patch: the same source in a new tree), ccache warm: the
#            objects are found across trees (build-kernel.sh's
#            ccache_relative); without ccache it is the series from nothing
#   debug    the debug flavour (debug info: every object compiled again)
#            without ccache, with it (filling it), then again from nothing
#            with it warm
#   tree     --tree of a git tree (Debian's source, our patches applied by
#            the build as for any tree): its first build with the ccache
#            warm from the series; a bisect step to a commit changing a
#            header (include/linux/skbuff.h) and so new code; back and
#            forth again without ccache, then with it warm
#
# usage: bench/ccache.sh [SERIES]     (default 6.12; two series builds
#        and two of the debug flavour, about an hour on 2 cores)
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
	[ "${1:-}" = --tree ] || set -- "$@" "$series"
	UMLRUN_CCACHE=$cc "$copy/scripts/build-kernel.sh" "$@" \
		>/dev/null 2>"$scratch/err" || { cat "$scratch/err" >&2; exit 1; }
	wall=$((($(date +%s%N) - start) / 1000000))
	make_s=$(sed -n 's/.*built in \([0-9]*\) s$/\1/p' "$scratch/err" | head -n 1)
	printf '%s\t%s\t%s\n' "$name" "${make_s:-?}" "$((wall / 1000))"
}
# forget KERNEL-DIR: remove a built kernel and its tree (to build it again)
forget() {
	local n
	n=$(basename "${1%-*}")
	# a variant's object dir is in its series' tree: SERIES-KEY/kKEY
	[[ $n != *-k* ]] || n=${n%-k*}/${n##*-}
	rm -rf "$1" "$UMLRUN_CACHE/trees/$n"
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
	build "new variant, ccache (filling)" 1 --kconfig-add CONFIG_ROMFS_FS=y
	forget "$v"
	build "the variant again from nothing, warm ccache" 1 --kconfig-add CONFIG_ROMFS_FS=y
	last=$(ls "$copy/patches/$series/"*.patch | tail -n 1)
	cp "$last" "$scratch/last.patch"
	sed -i '0,/^$/s//\nA line for the benchmark.\n/' "$last"
	build "patch changed (a new tree), warm ccache" 1
	cp "$scratch/last.patch" "$last"
	d=$(where --flavour debug)
	build "debug flavour, no ccache" 0 --flavour debug
	forget "$d"
	build "debug flavour, ccache (filling)" 1 --flavour debug
	forget "$d"
	build "debug flavour again from nothing, warm ccache" 1 --flavour debug
	# a git tree: Debian's source as shipped
	git=$scratch/linux
	mkdir "$git"
	tar -xf "/usr/src/linux-source-$series.tar.xz" -C "$git" --strip-components=1
	sed -i '/^# Debian packaging/,$d' "$git/.gitignore"
	g() { git -C "$git" -c user.name=bench -c user.email=bench@localhost "$@"; }
	g init -q && g add -A && g commit -q -m A
	build "your tree (Debian's source), first build, warm from the series" 1 --tree "$git"
	sed -i '0,/^struct sk_buff;/s//struct sk_buff;\nstruct umlrun_bench;/' "$git/include/linux/skbuff.h"
	g commit -q -am B
	build "bisect step to B (skbuff.h changed: new code)" 1 --tree "$git"
	# a step back to a commit built before: its kernel is in umlrun's
	# cache and nothing builds; without it, make brings the object dir
	# back to A (skbuff.h's dependents again), as a bisect does between
	# commits that share those files' versions
	back() {
		rm -rf "$UMLRUN_CACHE"/kernels/tree-*
		g checkout -q "$1"
	}
	back HEAD~1
	build "bisect step back to A, no ccache" 0 --tree "$git"
	back -
	build "bisect step to B again, no ccache" 0 --tree "$git"
	back HEAD~1
	build "bisect step back to A, warm ccache" 1 --tree "$git"
	back -
	build "bisect step to B again, warm ccache" 1 --tree "$git"
} | tee "$scratch/rows" | column -t -s $'\t'
# the ratios, of make's time, against the same build without ccache
awk -F'\t' 'NR > 1 { t[NR] = $2 }
	END {
		printf "# ratio to no ccache: series empty %.2f, warm %.2f; variant filling %.2f, warm %.2f; patch %.2f; debug filling %.2f, warm %.2f; bisect step warm %.2f\n",
			t[3] / t[2], t[4] / t[2], t[6] / t[5], t[7] / t[5], t[8] / t[2],
			t[10] / t[9], t[11] / t[9], (t[16] + t[17]) / (t[14] + t[15])
	}' "$scratch/rows"
echo "# ccache: $(du -sh "$UMLRUN_CACHE/ccache" | cut -f1) after these builds"
