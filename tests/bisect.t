#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The slow tier: `git bisect run umlrun --kernel-tree . -- ./repro.sh` on a
# real Linux git tree. The tree is the cached, unpacked linux-source-6.12
# (hardlinked, so the copy is free) made into a small history:
#   C0  the source as Debian ships it (our AMX patch taken out again, so
#       build-kernel.sh has to apply it to its mirror)
#   C1  a regression: /proc/version says "regressed"
#   C2  a commit that does not build
#   C3  the build fixed
#   C4  an unrelated change (the known-bad head)
# Bisect must skip C2 (exit 125), name C1, leave the tree clean, and every
# build after the first must be incremental. Own cache (UMLRUN_CACHE), so
# the user's cache is neither used nor pruned, and tree at a fixed place
# outside the checkout, kept between runs as commit.t's is: the first run
# on a machine is one full kernel build, later ones (CI) are incremental
# (the commits are new each run, so each is still built). The pruning is
# tried on a copy of that cache.
. "$(dirname "$0")/lib.sh"
need_kernel

BISECT_TIMEOUT=${BISECT_TIMEOUT:-3600}
linux_copy "${UMLRUN_BISECT_DIR:-/var/tmp/umlrun-bisect-test}/linux"
# the kernels of earlier runs' commits: never used again
rm -rf "$UMLRUN_CACHE"/kernels/tree-*

# --- the history -----------------------------------------------------------
start=$(date +%s)
edit arch/x86/um/os-Linux/registers.c patch -s -R \
	<"$ROOT/patches/6.12/0001-um-x86-xstate-larger-host-xsave-area.patch"
# Debian's source ignores its own top level (/* in .gitignore): a kernel
# git tree does not
edit .gitignore sed -i '/^# Debian packaging/,$d'
git -C "$repo" init -q
git_ add -A
git_ commit -q -m "C0 base"
c0=$(git_ rev-parse HEAD)
edit init/version.c sed -i 's/"%s version %s"/"%s version %s regressed"/'
git_ commit -q -am "C1 regress /proc/version"
c1=$(git_ rev-parse HEAD)
edit init/version.c sed -i '1i #error bisect test: this commit does not build'
git_ commit -q -am "C2 break the build"
c2=$(git_ rev-parse HEAD)
edit init/version.c sed -i '1d'
git_ commit -q -am "C3 fix the build"
edit README sed -i '1i unrelated'
git_ commit -q -am "C4 unrelated"
echo "# repository of $(git_ ls-files | wc -l) files made in $(($(date +%s) - start)) s" >&2
slow_tier "a first build of this tree" --tree "$repo"
printf '#!/bin/sh\n! grep -q regressed /proc/version\n' >"$T/repro.sh"
chmod 755 "$T/repro.sh"

# --- bisect ----------------------------------------------------------------
start=$(date +%s)
(cd "$repo" && git bisect start HEAD "$c0" >/dev/null &&
	timeout -k 10 "$BISECT_TIMEOUT" git bisect run \
		"$UMLRUN" -v --kernel-tree . -- "$T/repro.sh") >"$T/bisect.out" 2>&1
brc=$?
git_ bisect log >"$T/bisect.log"
echo "# bisect took $(($(date +%s) - start)) s" >&2
grep -h 'KERNEL .*built in\|KERNEL .*linux 6\|kernel build failed\|first bad\|^running\|^Bisecting' \
	"$T/bisect.out" | sed 's/^/# /' >&2
is "$brc" 0 "git bisect run finishes"
like "$(cat "$T/bisect.out")" "^$c1 is the first bad commit" "bisect names the regressing commit"
like "$(cat "$T/bisect.log")" "git bisect skip $c2" "the commit that does not build is skipped (125)"
like "$(cat "$T/bisect.out")" "KERNEL  linux: applying patches/6.12/0001" "our patches go into the build's mirror"
first=$(sed -n 's/.*KERNEL .*built in \([0-9]*\) s$/\1/p' "$T/bisect.out" | head -1)
like "$first" '^[0-9]+$' "a kernel was built for the first commit tried ($first s)"
git_ bisect reset >/dev/null 2>&1
is "$(git_ status --porcelain)" "" "the user's tree stays clean"

# --- the cache: a build per commit, listed and pruned --------------------------
TEST_TIMEOUT=$BISECT_TIMEOUT um -v --kernel-tree "$repo" -- cat /proc/version
like "$(cat "$T/out")" 'Linux version 6\.12\.[0-9]+-umlrun ' "the head's kernel runs"
like "$(cat "$T/out")" 'Linux version 6\.12\.[0-9]+-umlrun regressed ' "  ... and has the regression"
next=$(sed -n 's/.*KERNEL .*built in \([0-9]*\) s$/\1/p' "$T/err")
echo "# the head (3 commits on) built in $next s" >&2
ok "$([ "${next:-999}" -lt 120 ]; echo $?)" "  ... built incrementally in the same build tree ($next s)"
TEST_TIMEOUT=$BISECT_TIMEOUT um --kernel-tree "$repo" -- true
is "$rc/$(cat "$T/err")" "0/" "the same commit again: cached, quiet"
um --list-kernels
like "$(cat "$T/out")" "kernels/tree-${c1:0:12}-" "--list-kernels shows the commit's kernel"
like "$(cat "$T/out")" "trees/tree-.* build $repo" "--list-kernels shows the build tree and its source"
pc=$(dirname "$UMLRUN_CACHE")/prune-copy
rm -rf "$pc"
cp -al "$UMLRUN_CACHE" "$pc" 2>/dev/null || cp -a "$UMLRUN_CACHE" "$pc"
UMLRUN_CACHE=$pc um --prune-kernels
is "$rc" 0 "--prune-kernels succeeds"
is "$(find "$pc/kernels" "$pc/trees" -mindepth 1 -maxdepth 1 | wc -l)" 0 "--prune-kernels removes user-tree builds"
rm -rf "$pc"

# --- boot regressions: --panic-is-failure -------------------------------------
um --panic-is-failure --init /bin/false -- true
is "$rc" 1 "--panic-is-failure: a panic at boot exits 1"

finish
