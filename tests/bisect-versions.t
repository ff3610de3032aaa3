#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The slow tier: `git bisect run umlrun --kernel-tree . -- ./repro.sh`
# across kernel versions, on a git history of real releases we can build,
# Debian's source packages as they ship:
#   C0  linux-source-6.1 (the known-good end)
#   C1  an unrelated change
#   C2  another
#   C3  linux-source-6.12: the version jump
#   C4  a regression on top: /proc/version says "regressed" (the bad end)
# git bisect tests C2 (6.1), then C3 (6.12), and must name C4. Each step
# must get its own series' patches (patches/6.1/, then patches/6.12/),
# every one of them, none left out (the kernel's `patches` file, written
# when it was built, lists each variant tried), and boot with both layers
# (the kernel has every isolation patch's mark: -v says so, and nothing is
# dropped); both steps build in one object directory, and the 6.12 step,
# when it builds, says that the directory last built 6.1. The commits are
# the same each run (fixed dates), and the tree and its cache (UMLRUN_CACHE,
# beside the tree) stay between runs, so a first run builds two whole
# kernels (20 to 30 minutes on 2 cores) and later ones find them cached
# until our patches or fragments change; under CI's budget it runs only
# then (below).
. "$(dirname "$0")/lib.sh"
need_kernel

BISECT_TIMEOUT=${BISECT_TIMEOUT:-5400}
base=${UMLRUN_BISECT_VERSIONS_DIR:-/var/tmp/umlrun-bisect-versions-test}
for s in 6.1 6.12; do
	if [ ! -r "/usr/src/linux-source-$s.tar.xz" ]; then
		echo "1..0 # SKIP no /usr/src/linux-source-$s.tar.xz (make installs it)"
		exit 0
	fi
done
repo=$base/linux
export UMLRUN_CACHE=$base/cache
mkdir -p "$UMLRUN_CACHE"
export GIT_AUTHOR_DATE=2025-01-01T00:00:00Z GIT_COMMITTER_DATE=2025-01-01T00:00:00Z

# CI's budget (UMLRUN_SLOW_TIERS=cached): the steps are two versions, so
# build-kernel.sh --probe of the head (slow_tier) cannot tell what they
# cost; run only when the last run that passed had these sources and
# these inputs of our kernels (its kernels are then in the cache).
history=$({
	stat -c '%n %s %Y' /usr/src/linux-source-6.1.tar.xz \
		/usr/src/linux-source-6.12.tar.xz
	sed -n '/^# --- the history/,/^# --- bisect/p' "$0"
} | sha)
inputs=$(cd "$ROOT" && cat arch-um-config/*.config patches/[0-9]*/*.patch \
	patches/variants/* scripts/kconfig.sh scripts/check-config.sh Kbuild \
	hostexec-driver/Kbuild hostexec-driver/*.[ch] | sha)
if [ "${UMLRUN_SLOW_TIERS:-all}" = cached ] &&
	[ "$(cat "$base/passed" 2>/dev/null)" != "$history $inputs" ]; then
	[ -z "${UMLRUN_SLOW_SKIPPED:-}" ] || echo "$0" >>"$UMLRUN_SLOW_SKIPPED"
	echo "1..0 # SKIP bisecting across versions builds two whole kernels (UMLRUN_SLOW_TIERS=cached)"
	exit 0
fi

# unpack SERIES: Debian's linux-source-SERIES as the whole work tree (but
# .git). Its .gitignore ignores its own top level: a kernel git tree's
# does not.
unpack() {
	find "$repo" -mindepth 1 -maxdepth 1 ! -name .git -exec rm -rf {} +
	tar -xJf "/usr/src/linux-source-$1.tar.xz" -C "$repo" --strip-components=1
	sed -i '/^# Debian packaging/,$d' "$repo/.gitignore"
}
commit() {
	git_ add -A
	git_ commit -q -m "$1"
	git_ rev-parse HEAD
}

# --- the history -----------------------------------------------------------
# made again only when the sources or this script changed
start=$(date +%s)
if [ "$(cat "$base/stamp" 2>/dev/null)" != "$history" ] ||
	[ "$(git_ log --format=%s 2>/dev/null | tail -n 1)" != "C0 Debian linux-source-6.1" ]; then
	rm -rf "$repo" "$base/stamp"
	mkdir -p "$repo"
	git -C "$repo" init -q
	unpack 6.1
	commit "C0 Debian linux-source-6.1" >/dev/null
	echo unrelated >>"$repo/README"
	commit "C1 unrelated" >/dev/null
	echo unrelated >>"$repo/MAINTAINERS"
	commit "C2 unrelated" >/dev/null
	unpack 6.12
	commit "C3 Debian linux-source-6.12" >/dev/null
	edit init/version.c sed -i 's/"%s version %s"/"%s version %s regressed"/'
	commit "C4 regress /proc/version" >/dev/null
	echo "$history" >"$base/stamp"
	echo "# repository of two releases made in $(($(date +%s) - start)) s" >&2
fi
git_ bisect reset >/dev/null 2>&1
c0=$(git_ rev-parse HEAD~4)
c2=$(git_ rev-parse HEAD~2)
c3=$(git_ rev-parse HEAD~1)
c4=$(git_ rev-parse HEAD)
printf '#!/bin/sh\n! grep -q regressed /proc/version\n' >"$T/repro.sh"
chmod 755 "$T/repro.sh"

# --- bisect ------------------------------------------------------------------
start=$(date +%s)
# (each step makes the runs' base again: on a shared machine something
# may mount over /dev/shm during the builds, and a step without it would
# be skipped)
(cd "$repo" && git bisect start "$c4" "$c0" >/dev/null &&
	timeout -k 10 "$BISECT_TIMEOUT" git bisect run sh -c \
		'mkdir -p -m 1777 "$UMLRUN_RUNDIR" && exec "$@"' step \
		"$UMLRUN" -v --kernel-tree . -- "$T/repro.sh") >"$T/bisect.out" 2>&1
brc=$?
git_ bisect log >"$T/bisect.log"
echo "# bisect took $(($(date +%s) - start)) s" >&2
grep -h 'KERNEL .*built in\|KERNEL .*linux 6\|KERNEL .*object directory\|left out\|first bad\|^running\|^Bisecting' \
	"$T/bisect.out" | sed 's/^/# /' >&2
is "$brc" 0 "git bisect run finishes"
like "$(cat "$T/bisect.out")" "^$c4 is the first bad commit" "bisect names the regression on top of the jump"
unlike "$(cat "$T/bisect.log")" "git bisect skip" "no step is skipped (no kernel refused, none failed to build)"

# the output of each step: from one "running" line of git bisect run to
# the next
awk -v d="$T/step" '/^running /{ n++ } n { print > (d n) }' "$T/bisect.out"
is "$(find "$T" -maxdepth 1 -name 'step*' | wc -l)" 2 "two steps: C2 and C3"
for i in 1 2; do
	s=$T/step$i
	[ -e "$s" ] || : >"$s"
	if [ $i = 1 ]; then series=6.1 c=$c2; else series=6.12 c=$c3; fi
	kdir=$(find "$UMLRUN_CACHE/kernels" -maxdepth 1 -name "tree-${c:0:12}-*" | head -n 1)
	like "$kdir" "tree-${c:0:12}-" "step $i ($series) has its kernel in the cache"
	for p in 0001 0002 0003 0004 0005; do
		is "$(grep -P "^$p\t" "$kdir/patches" 2>/dev/null | cut -f2,3)" \
			"$(cd "$ROOT" && printf '%s\tapplied' patches/$series/$p-*.patch)" \
			"  ... built with patches/$series/$p, the first variant tried"
	done
	if grep -q 'KERNEL .*built in' "$s"; then
		like "$(cat "$s")" "KERNEL  linux: linux $series\.[0-9]+ from " "  ... built now: linux $series"
		unlike "$(cat "$s")" "left out|applying .* \(this tree" \
			"  ... nothing left out, no other variant (patches or fragment options)"
	fi
	like "$(cat "$s")" "umlrun: kernel layer: the kernel has umlrun's patches 0002 .*, 0003 .* and 0004 " \
		"  ... the kernel layer is whole"
	unlike "$(cat "$s")" "drop-layer|only the kernel's hostfs write policy guards" "  ... and no layer is dropped"
done
if grep -q 'KERNEL .*built in' "$T/step2"; then
	like "$(cat "$T/step2")" "KERNEL  linux: the object directory last built linux 6\.1\.[0-9]+: kept" \
		"the 6.12 step builds in the object directory of the 6.1 step, and says so"
fi
is "$(find "$UMLRUN_CACHE/trees" -mindepth 1 -maxdepth 1 -name 'tree-*' | wc -l)" 1 \
	"one build directory for both versions"
for i in 1 2; do
	echo "# step $i built in $(sed -n 's/.*KERNEL .*built in \([0-9]*\) s$/\1/p' "$T/step$i") s" >&2
done
git_ bisect reset >/dev/null 2>&1
is "$(git_ status --porcelain)" "" "the user's tree stays clean"

# --- the head (the bad end, which bisect never builds): from C3's objects,
# one file changed; cached after the first run
TEST_TIMEOUT=$BISECT_TIMEOUT um -v --kernel-tree "$repo" -- cat /proc/version
like "$(cat "$T/out")" 'Linux version 6\.12\.[0-9]+-umlrun regressed ' "the head's kernel runs and has the regression"
next=$(sed -n 's/.*KERNEL .*built in \([0-9]*\) s$/\1/p' "$T/err")
echo "# the head: ${next:+built in $next s}${next:-cached}" >&2
ok "$([ "${next:-0}" -lt 300 ]; echo $?)" "  ... incrementally, if at all (${next:-cached})"

# the kernels of earlier inputs: never used again
used=$(cat "$T/bisect.out" "$T/err" | sed -n 's|^umlrun: the kernel of .*: .*/kernels/\(tree-[^/]*\)$|\1|p')
for k in "$UMLRUN_CACHE"/kernels/tree-*; do
	grep -qxF "${k##*/}" <<<"$used" || rm -rf "$k"
done
# shellcheck disable=SC2154 # lib.sh's count of failed tests
[ "$failed" != 0 ] || echo "$history $inputs" >"$base/passed"
finish
