#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build (or find in the cache) a user's out-of-tree Kbuild module against
# one built kernel: the one a run boots (umlrun --module-src DIR).
#
# usage: build-module.sh KERNELDIR SRC
#        build-module.sh --build-dir KERNELDIR
#                      print the object directory that kernel was built
#                      in (make -C DIR ARCH=um M=$PWD modules builds a
#                      module for it), after the same checks
#   KERNELDIR  a kernel's directory as build-kernel.sh prints it: linux,
#              hostexec.ko and the file naming its build tree (src=, obj=)
#   SRC        a directory with a Kbuild or Makefile for `make M=`
# Prints the built modules' paths, one a line, in Kbuild's order
# (modules.order), which is the order they are loaded in.
#
# The cache keeps modules/KERNEL-KEY/ (KERNEL: the kernel directory's
# name; KEY hashes that kernel's build id, this script and SRC's files,
# names and content, build output left out), so a module is built once per source
# and kernel; build-kernel.sh --prune removes it with its kernel. SRC is
# only read: the build runs in a copy, `make -C SRC O=OBJ ARCH=um M=COPY
# modules`, against the tree the kernel was built in, which must still
# hold that kernel (its build id). Progress and errors go to stderr: a
# source that does not build is one line naming the file with the
# compiler's first error (the whole log is kept beside the cache entry).
# Exit status 1 when it does not build, 2 on bad usage.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
fact() { sed -n "s/^$1=//p" "$root/scripts/facts"; }
fail() {
	echo "build-module: $*" >&2
	exit "$(fact BUILD_FAILED)"
}
[ $# = 2 ] || {
	echo "usage: build-module.sh KERNELDIR SRC" >&2
	exit "$(fact BUILD_USAGE)"
}
if [ "$1" = --build-dir ]; then
	kdir=$(realpath -e -- "$2" 2>/dev/null) || fail "no kernel directory $2"
	src=
else
	kdir=$(realpath -e -- "$1" 2>/dev/null) || fail "no kernel directory $1"
	src=$(realpath -e -- "$2" 2>/dev/null) || fail "no directory $2"
	[ -d "$src" ] || fail "$2 is not a directory"
	[ -e "$src/Kbuild" ] || [ -e "$src/Makefile" ] ||
		fail "$2 has no Kbuild or Makefile"
fi
bt=$kdir/$(fact KERNEL_BUILD_FILE)
[ -r "$bt" ] ||
	fail "the kernel $kdir/linux has no build tree beside it (only kernels umlrun built have one)"
ksrc=$(sed -n 's/^src=//p' "$bt")
kobj=$(sed -n 's/^obj=//p' "$bt")
[ -f "$kobj/Module.symvers" ] ||
	fail "the build tree of $kdir/linux ($kobj) is gone; remove $kdir and run again to build it anew"

# The object directory of a --kernel-tree build is shared by its commits:
# it must still hold this kernel, or the module would be built for another.
build_id() { readelf -n "$1" 2>/dev/null | sed -n 's/.*Build ID: //p'; }
kid=$(build_id "$kdir/linux")
[ -n "$kid" ] && [ "$kid" = "$(build_id "$kobj/linux")" ] ||
	fail "the build tree $kobj has built another kernel since $kdir/linux; run once with the options that built it last, or remove $kdir and run again"
if [ -z "$src" ]; then
	echo "$kobj"
	exit 0
fi

# SRC's files, relative and sorted, without build output or VCS data.
src_files() {
	(cd "$src" && find . \( -name .git -o -name '*.o' -o -name '*.ko' \
		-o -name '*.mod' -o -name '*.mod.c' -o -name '.*.cmd' \
		-o -name modules.order -o -name Module.symvers -o -name '*.a' \
		-o -name .tmp_versions -o -name '.*.d' \) -prune -o \
		\( -type f -o -type l \) -printf '%P\n') | LC_ALL=C sort
}

cache=$("$root/scripts/build-kernel.sh" --cache)
key=$({
	echo "kernel $(basename "$kdir") $kid"
	sha256sum <"$0"		# how it is built
	src_files | tr '\n' '\0' | (cd "$src" && xargs -0r sha256sum --)
} | sha256sum | cut -c1-16)
art=$cache/modules/$(basename "$kdir")-$key

# print ART's modules, in order
print() {
	local m
	while IFS= read -r m; do
		echo "$art/$m"
	done <"$art/order"
}
if [ -e "$art/.done" ]; then
	print
	exit 0
fi
mkdir -p "$cache/modules"
exec 9>"$art.lock"
flock 9
if [ -e "$art/.done" ]; then
	print
	exit 0
fi
stage=$(mktemp -d "$cache/modules/.stage-XXXXXX")
trap 'rm -rf "$stage"' EXIT
mkdir "$stage/src" "$stage/ko" "$stage/tmp"
# the launcher confines this build to the cache for writing (and the
# compiler's temporary files with it)
export TMPDIR=$stage/tmp
src_files | tr '\n' '\0' |
	(cd "$src" && xargs -0r cp -L --parents -t "$stage/src" --)
log=$art.log
echo "  MODULE  $src: building against $(basename "$kdir")" >&2
# __FILE__ (a WARN's or a KUnit failure's file) names SRC, not the copy
if ! make -C "$ksrc" O="$kobj" ARCH=um M="$stage/src" \
	KCFLAGS="-fmacro-prefix-map=$stage/src/=$src/" modules >"$log" 2>&1; then
	first=$(grep -m1 -E '(^|: )(fatal )?error:|^ERROR: ' "$log" ||
		tail -n 1 "$log")
	fail "$(echo "$first" | sed "s|$stage/src/|$src/|g") (log: $log)"
fi
# Kbuild's order: modules.order names .o (6.12) or .ko (6.1) files
: >"$stage/order"
while IFS= read -r m; do
	m=${m#"$stage/src/"}
	m=${m%.o}
	m=${m%.ko}.ko
	[ -f "$stage/src/$m" ] || fail "modules.order names $m, which was not built (log: $log)"
	cp "$stage/src/$m" "$stage/ko/${m##*/}"
	echo "${m##*/}" >>"$stage/order"
done <"$stage/src/modules.order"
[ -s "$stage/order" ] || fail "$src builds no module (log: $log)"
mv "$stage/order" "$stage/ko/order"
echo "$src" >"$stage/ko/source"
rm -rf "$art"
mv "$stage/ko" "$art"
touch "$art/.done"
print
