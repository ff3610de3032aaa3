#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The slow tier: `--kernel-tree DIR --commits A..B` builds and runs every
# commit of a range, oldest first, as --commit builds one. The tree is the
# cached, unpacked linux-source-6.12 (hardlinked, so the copy is free)
# with a history: C0 as it is, C1 (EXTRAVERSION -c1), C2 (-bad, which the
# test command fails on), C3 (-c3); and, on top of C3, B1 breaking a C
# file and B2 mending it. C0..C3: a line per commit, C2 failed, the table,
# a row per commit in --result-json, exit 1; C2..C3 alone: exit 0; C3..B2:
# B1 did not build, named with its file and the compiler's first error.
# With --splat-is-failure a commit whose kernel warns fails; --module-src
# builds against the tree while it holds the kernel. The work tree
# and HEAD are not touched. Own cache and tree at a fixed place outside
# the checkout, kept between runs: the first run on a machine is one full
# kernel build, later ones are incremental.
. "$(dirname "$0")/lib.sh"
need_kernel

linux_copy "${UMLRUN_SLOW_DIR:-/var/tmp/umlrun-commits-test}/linux"
export GIT_COMMITTER_DATE="2025-01-01T00:00:00Z" GIT_AUTHOR_DATE="2025-01-01T00:00:00Z"
edit .gitignore sed -i '/^# Debian packaging/,$d'
git -C "$repo" init -q
git_ add -A
git_ commit -q -m "C0 base"
c0=$(git_ rev-parse HEAD)
for v in c1 bad c3; do
	edit Makefile sed -i "s/^EXTRAVERSION =.*/EXTRAVERSION = -$v/"
	git_ commit -q -am "C extraversion -$v"
done
c2=$(git_ rev-parse HEAD~1)
c3=$(git_ rev-parse HEAD)
edit init/version.c sed -i '1a int umlrun_broken = ;'
git_ commit -q -am "B1 a broken file"
edit init/version.c sed -i '2d'
git_ commit -q -am "B2 mended"
b2=$(git_ rev-parse HEAD)
git_ checkout -q "$c3"
slow_tier "a first build of this tree" --tree "$repo" --commit "$c0"

json() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }
test_cmd='case $(uname -r) in *-bad-*) echo "bad kernel"; exit 1;; esac; echo "good $(uname -r)"'

# --- C0..C3: the middle commit breaks the test ----------------------------------
TEST_TIMEOUT=7200 um --kernel-tree "$repo" --commits "$c0..$c3" --result-json "$T/r.json" -- sh -c "$test_cmd"
is "$rc" 1 "--commits C0..C3: exit 1 (one commit failed)"
is "$(grep -c '^umlrun: commits: \[' "$T/err")" 3 "  ... one line per commit"
like "$(cat "$T/err")" "^umlrun: commits: \\[1/3\\] [0-9a-f]{12} C extraversion -c1: built, booted, exit 0, 0 splats: passed$" \
	"  ... the oldest first, passed"
like "$(cat "$T/err")" "^umlrun: commits: \\[2/3\\] ${c2:0:12} C extraversion -bad: built, booted, exit 1, 0 splats: FAILED$" \
	"  ... the middle one failed, with its exit status"
like "$(cat "$T/err")" "^umlrun: commits: 2 of 3 passed$" "  ... and the table's head"
like "$(cat "$T/err")" "^${c2:0:12}  ok     booted    1        0       FAIL    C extraversion -bad$" "  ... and its row"
is "$(tr '\n' ' ' <"$T/out")" "good 6.12.$(sed -n 's/^SUBLEVEL = //p' "$repo/Makefile")-c1-umlrun bad kernel good 6.12.$(sed -n 's/^SUBLEVEL = //p' "$repo/Makefile")-c3-umlrun " \
	"  ... each commit's kernel ran the command, its output passing through"
set -- $(git_ log --reverse --format=%H "$c0..$c3")
is "$(json "$T/r.json" '" ".join("%s:%s:%s" % (c["commit"], c["exit_code"], c["passed"]) for c in d["commits"]), d["exit_status"]')" \
	"$1:0:True $2:1:False $3:0:True 1" "  ... and a row per commit in --result-json"
is "$(git_ rev-parse HEAD)/$(git_ status --porcelain)" "$c3/" "the work tree and HEAD are untouched"

TEST_TIMEOUT=3600 um --kernel-tree "$repo" --commits "$c2..$c3" -- sh -c "$test_cmd"
is "$rc" 0 "--commits C2..C3 (only C3): exit 0"

# --- C3..B2: the middle commit does not build ----------------------------------------
TEST_TIMEOUT=3600 um --kernel-tree "$repo" --commits "$c3..$b2" --result-json "$T/r.json" -- sh -c "$test_cmd"
is "$rc" 1 "--commits C3..B2: exit 1"
like "$(cat "$T/err")" "^umlrun: commits: \\[1/2\\] [0-9a-f]{12} B1 a broken file: did not build: kernel build failed: init/version.c:2:[0-9]+: error: .* \\(see " \
	"  ... B1 did not build, named with its file and the compiler's first error"
like "$(cat "$T/err")" "^umlrun: commits: \\[2/2\\] ${b2:0:12} B2 mended: built, booted, exit 0, 0 splats: passed$" \
	"  ... B2 builds again (incrementally) and passes"
is "$(json "$T/r.json" '[(c["built"], c["build_error"].split(":")[1].strip() if c["build_error"] else None) for c in d["commits"]]')" \
	"[(False, 'init/version.c'), (True, None)]" "  ... and --result-json says so"

# --- --splat-is-failure: a commit whose kernel warns fails -------------------------------
TEST_TIMEOUT=3600 um --kernel-tree "$repo" --commits "$c2..$c3" --splat-is-failure -- \
	sh -c 'echo "<4>WARNING: CPU: 0 PID: 1 at fake.c:1 f+0x0/0x1" >/dev/kmsg'
is "$rc" 1 "--splat-is-failure: a commit whose kernel warns fails"
like "$(cat "$T/err")" "\\[1/1\\] ${c3:0:12} C extraversion -c3: built, booted, exit 0, 1 splat: FAILED" "  ... saying so"

# --- --module-src against a tree's kernel ---------------------------------------------
# B2 was built last: its module builds against the tree; C3's kernel is
# cached but the tree has moved on, which is said, not built against.
um --kernel-tree "$repo" --commit "$b2" --module-src "$ROOT/tests/splat" -- sh -c 'lsmod | grep -c "^umlrun_splat "'
is "$rc/$(cat "$T/out")" "0/1" "--module-src with --kernel-tree --commit: built against that commit's tree and loaded"
um --kernel-tree "$repo" --commit "$c3" --module-src "$ROOT/tests/splat" -- true
is "$rc" 125 "--module-src against a cached commit whose tree built another since: 125"
like "$(cat "$T/err")" "build-module: the build tree .* has built another kernel since" "  ... saying why"

um --kernel-tree "$repo" --commits "$c3..$c3" -- true
is "$rc/$(wc -l <"$T/err")" 125/1 "an empty range: 125, one line"
finish
