#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Which variant of each of our patches a --kernel-tree build of each given
# tree gets, by build-kernel.sh's own selection (--patch-plan: the probes
# of patches/variants/probes, then an exact dry run, in order): the table
# of docs/kernel-versions.md, made again from the trees.
#
# usage: patch-matrix.sh [--detail] DIR...
#   DIR: a Linux tree, or only its Makefile (VERSION, PATCHLEVEL, SUBLEVEL)
#        and the files our patches touch, e.g. fetched from a public mirror;
#        DIR/SOURCE, if there, is one line saying where they came from
#        (repository, commit), listed under the table. A file a variant needs
#        and DIR lacks makes that variant "n/a" rather than "fails".
#   --detail: after the table, every variant tried on each tree and its
#        result.
# Cells: the variant that went in (6.12, 6.1: patches/SERIES/; a name:
# patches/variants/NNNN-...-NAME.patch), "left out" (none applies: for
# 0002-0004 the launcher then refuses the kernel), "not needed" (upstream
# does it: 0001 from 6.13 on), "in the tree" (it has the patch already),
# "n/a" (the files were not fetched).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
detail=0
if [ "${1:-}" = --detail ]; then
	detail=1
	shift
fi
[ $# -gt 0 ] || {
	echo "usage: patch-matrix.sh [--detail] DIR..." >&2
	exit 2
}
plans=$(mktemp -d)
trap 'rm -rf "$plans"' EXIT

# short NNNN PATCH: the column's name for a variant
short() {
	local slot=$1 p=$2 base own best rest
	case $p in
	patches/variants/*)
		# what follows the longest common prefix with a series' name
		base=$(basename "$p" .patch)
		best=$base
		for own in "$root"/patches/[0-9]*/"$slot"-*.patch; do
			own=$(basename "$own" .patch)
			while [ -n "$own" ] && [ "${base#"$own"}" = "$base" ]; do
				own=${own%?}
			done
			[ ${#base} -gt $((${#own} + 0)) ] || continue
			rest=${base#"$own"}
			[ ${#rest} -ge ${#best} ] || best=$rest
		done
		best=${best#-}
		echo "variant ${best:-$base}"
		;;
	patches/*/*) p=${p#patches/}; echo "${p%%/*}" ;;
	esac
}

version() {
	local m=$1/Makefile
	printf '%s.%s.%s%s' "$(sed -n 's/^VERSION = //p' "$m")" \
		"$(sed -n 's/^PATCHLEVEL = //p' "$m")" \
		"$(sed -n 's/^SUBLEVEL = //p' "$m")" \
		"$(sed -n 's/^EXTRAVERSION = //p' "$m")"
}

i=0
for d in "$@"; do
	i=$((i + 1))
	"$root/scripts/build-kernel.sh" --patch-plan "$d" >"$plans/$i"
done

echo "| tree | Linux | 0001 XSAVE size | 0002 write policy | 0003 no set-id/devices | 0004 panic on stub failure | 0005 FP state |"
echo "| --- | --- | --- | --- | --- | --- | --- |"
i=0
for d in "$@"; do
	i=$((i + 1))
	row="| $(basename "$d") | $(version "$d") |"
	for slot in 0001 0002 0003 0004 0005; do
		p=$(awk -F '\t' -v s="$slot" '$1 == s && $3 == "applied" { print $2 }' "$plans/$i")
		if [ -n "$p" ]; then
			cell=$(short "$slot" "$p")
		elif grep -qP "^$slot\t.*\tin the tree already$" "$plans/$i"; then
			cell="in the tree"
		elif grep -qP "^$slot\t-\tnot needed" "$plans/$i"; then
			cell="not needed"
		elif grep -qP "^$slot\t.*\(no [^)]*\)$" "$plans/$i"; then
			cell=n/a
		else
			cell="**left out**"
		fi
		row="$row $cell |"
	done
	echo "$row"
done
echo
for d in "$@"; do
	echo "- $(basename "$d"): $(cat "$d/SOURCE" 2>/dev/null || echo "$d")"
done
[ $detail = 1 ] || exit 0
i=0
for d in "$@"; do
	i=$((i + 1))
	echo
	echo "$(basename "$d") ($(version "$d")):"
	echo
	sed 's/^/    /' "$plans/$i"
done
