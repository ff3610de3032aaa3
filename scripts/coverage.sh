#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# umlrun --coverage DIR, the host's half (run by the launcher's helper
# after the command): DATA/gcda.tar, the guest kernel's .gcda files named
# by their absolute paths in the kernel's object directory (as the
# kernel's /sys/kernel/debug/gcov shows them), becomes OUT/coverage.info
# (an lcov tracefile) and, when genhtml is there, OUT/html/index.html.
# The .gcno files stay in the cache's object directory: each .gcda gets a
# symlink to its own beside it, in a scratch directory, as the kernel's
# Documentation/dev-tools/gcov.rst does for a separate test machine.
# A .gcda without its .gcno (hostexec.ko's: its build directory is gone)
# is left out.
# DATA is the guest's to write: the launcher's helper runs this script
# confined (writes only beneath DATA and OUT, nothing written there can be
# executed, no sockets), and the archive is bounded before it is read.
#
# usage: coverage.sh DATA OUT -q|-v [SHOW]   (SHOW: OUT as the user named it,
#        for the summary line; OUT may be the launcher's /proc/self/fd/N)
# stdout and stderr are the launcher's stderr; -q: one summary line only.
set -uo pipefail

data=$1 out=$2 mode=${3:--q} show=${4:-$2}
say() { echo "umlrun: coverage: $*" >&2; }
fail() {
	say "$*"
	exit 1
}
quiet=--quiet
[ "$mode" = -v ] && quiet=

command -v lcov >/dev/null ||
	fail "lcov is not installed (apt-get install lcov): no report"
[ -f "$data/gcda.tar" ] && [ ! -L "$data/gcda.tar" ] && [ -s "$data/gcda.tar" ] ||
	fail "no gcov data came from the guest (the kernel log, with -v, says why)"
# A whole kernel's .gcda files are about 10 MiB; the limit keeps a hostile
# guest from making the host unpack gigabytes.
max=$((256 * 1024 * 1024))
size=$(stat -c %s "$data/gcda.tar") || exit 1
[ "$size" -le "$max" ] ||
	fail "the guest's data is $size bytes, more than the limit of $max: no report"
ulimit -f $((max / 1024))
work=$(mktemp -d "$data/work.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
mkdir "$work/tmp" "$work/gcda" || exit 1
export TMPDIR=$work/tmp
cd "$work/tmp" || exit 1
tar -xf "$data/gcda.tar" -C "$work/gcda" --no-same-owner --no-same-permissions \
	2>/dev/null || fail "cannot unpack the guest's data"

n=0 left=0
while IFS= read -r -d '' f; do
	gcno=${f#"$work/gcda"}
	gcno=${gcno%.gcda}.gcno
	if [ -e "$gcno" ]; then
		ln -s "$gcno" "${f%.gcda}.gcno"
		n=$((n + 1))
	else
		rm -f "$f"
		left=$((left + 1))
	fi
done < <(find "$work/gcda" -type f -name '*.gcda' -print0)
[ "$n" -gt 0 ] || fail "none of the guest's $left .gcda files has its .gcno on this host"
[ -z "$quiet" ] && say "$n object files with data ($left without a .gcno left out)"

# run CMD...: its output to stderr with -v; with -q kept, and shown only
# when it fails (lcov 1.16 warns about itself on newer perls).
run() {
	if [ -z "$quiet" ]; then
		"$@" >&2
	elif ! "$@" >"$work/out" 2>&1; then
		tail -n 5 "$work/out" >&2
		return 1
	fi
}

start=$(date +%s)
rm -f "$out/coverage.info"
run lcov $quiet --capture --directory "$work/gcda" --test-name umlrun \
	--output-file "$out/coverage.info" ||
	fail "lcov failed: no tracefile"
[ -z "$quiet" ] && say "tracefile in $(($(date +%s) - start)) s"
html=
if command -v genhtml >/dev/null; then
	start=$(date +%s)
	rm -rf "$out/html"
	if run genhtml $quiet --output-directory "$out/html" \
		"$out/coverage.info"; then
		html=", $show/html/index.html"
		[ -z "$quiet" ] && say "HTML report in $(($(date +%s) - start)) s"
	else
		say "genhtml failed: no HTML report"
	fi
fi
lines=$(lcov --summary "$out/coverage.info" 2>&1 |
	sed -n 's/^ *lines\.*: *\([0-9.]*%\) (\([0-9]*\) of \([0-9]*\) lines)$/\1 (\2 of \3)/p')
say "kernel lines run: ${lines:-?}: $show/coverage.info$html"
