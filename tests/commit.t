#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The slow tier: `--kernel-tree DIR --commit REV` builds REV of a git tree
# without touching its work tree, index or HEAD. The tree is the cached,
# unpacked linux-source-6.12 (hardlinked, so the copy is free) with two
# commits: C0 as it is, C1 with EXTRAVERSION = -c1 (checked out). Building
# C0 must give a kernel without -c1 and leave `git status` clean and HEAD
# at C1; the same again is a cache hit. Own cache (UMLRUN_CACHE) and tree
# at a fixed place outside the checkout, kept between runs: the first run
# on a machine is one full kernel build, later ones (CI) are incremental.
. "$(dirname "$0")/lib.sh"
need_kernel

linux_copy "${UMLRUN_SLOW_DIR:-/var/tmp/umlrun-commit-test}/linux"
edit .gitignore sed -i '/^# Debian packaging/,$d'
git -C "$repo" init -q
git_ add -A
git_ commit -q -m "C0 base"
c0=$(git_ rev-parse HEAD)
edit Makefile sed -i 's/^EXTRAVERSION =.*/EXTRAVERSION = -c1/'
git_ commit -q -am "C1 extraversion"
c1=$(git_ rev-parse HEAD)
slow_tier "a first build of this tree" --tree "$repo" --commit HEAD~1

um --commit HEAD -- true
is "$rc" 125 "--commit without --kernel-tree: 125"
um --kernel-tree "$repo" --commit no-such-rev -- true
like "$rc/$(cat "$T/err")" "^125/.*no commit 'no-such-rev' in $repo" "--commit of a revision the tree lacks: 125, named"

TEST_TIMEOUT=3600 um -v --kernel-tree "$repo" --commit HEAD~1 -- uname -r
is "$rc" 0 "--kernel-tree DIR --commit HEAD~1 builds and runs"
like "$(cat "$T/out")" '^6\.12\.[0-9]+-umlrun$' "  ... the named commit's kernel (no -c1)"
echo "# C0 built in $(sed -n 's/.*KERNEL .*built in \([0-9]*\) s$/\1/p' "$T/err") s" >&2
is "$(git_ rev-parse HEAD)" "$c1" "  ... HEAD is where it was"
is "$(git_ status --porcelain)" "" "  ... and git status is clean"
like "$(grep '^EXTRAVERSION' "$repo/Makefile")" 'EXTRAVERSION = -c1$' "  ... the work tree still has C1"
um -v --kernel-tree "$repo" --commit "$c0" -- true
is "$rc" 0 "the same commit again"
unlike "$(cat "$T/err")" 'KERNEL .*building' "  ... is a cache hit"
um --list-kernels
like "$(cat "$T/out")" "kernels/tree-${c0:0:12}-e3b0c442-" "--list-kernels shows it as a clean checkout of the commit would be"

finish
