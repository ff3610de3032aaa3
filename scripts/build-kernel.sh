#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build (or find in the cache) a UML kernel and its hostexec module.
#
# usage: build-kernel.sh SERIES
#   SERIES is 6.12 or 6.1: Debian's linux-source-SERIES package.
# Prints the directory holding `linux`, `hostexec.ko` and `config` on stdout;
# progress goes to stderr, one line a step, the full log to a file.
#
# The cache (${UMLRUN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/umlrun}) keeps
#   trees/SERIES-TREEKEY/    unpacked, patched source and its build (O=obj)
#   kernels/SERIES-TREEKEY-MODKEY/   the finished kernel and module
# TREEKEY hashes the source package version, fragments, patches and the
# config scripts; MODKEY hashes the module source. Changing the module
# rebuilds only the module.
set -euo pipefail

series=${1:?usage: build-kernel.sh SERIES}
root=$(cd "$(dirname "$0")/.." && pwd)
cache=${UMLRUN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/umlrun}
jobs=${JOBS:-$(nproc)}

say() { echo "  KERNEL  $series: $*" >&2; }
fail() { echo "build-kernel: $*" >&2; exit 1; }

case $series in
6.12 | 6.1) ;;
*) fail "unknown kernel series '$series' (6.12 or 6.1)" ;;
esac
tarball=/usr/src/linux-source-$series.tar.xz
[ -r "$tarball" ] || fail "$tarball missing (apt-get install linux-source-$series)"
version=$(dpkg-query -W -f='${Version}' "linux-source-$series")

cd "$root"
frags=(arch-um-config/base.config arch-um-config/features.config)
# options that exist in one series only
[ -e "arch-um-config/$series.config" ] &&
	frags+=("arch-um-config/$series.config")
shopt -s nullglob
patches=(patches/*.patch "patches/$series"/*.patch)
shopt -u nullglob

treekey=$({
	echo "debian linux-source-$series $version"
	cat "${frags[@]}" scripts/kconfig.sh scripts/check-config.sh
	for p in "${patches[@]}"; do
		echo "$p"
		cat "$p"
	done
} | sha256sum | cut -c1-16)
modkey=$(cat Kbuild hostexec-driver/Kbuild hostexec-driver/*.c |
	sha256sum | cut -c1-16)
tree=$cache/trees/$series-$treekey
art=$cache/kernels/$series-$treekey-$modkey

if [ -e "$art/.done" ]; then
	echo "$art"
	exit 0
fi

mkdir -p "$cache/trees" "$cache/kernels"
exec 9>"$cache/.lock-$series-$treekey"
flock 9
if [ -e "$art/.done" ]; then
	echo "$art"
	exit 0
fi

log=$tree/build.log
if [ ! -e "$tree/.built" ]; then
	if [ ! -e "$tree/.configured" ]; then
		rm -rf "$tree"
		mkdir -p "$tree/src" "$tree/obj"
		say "unpacking linux-source-$series $version"
		tar -xf "$tarball" -C "$tree/src" --strip-components=1
		for p in "${patches[@]}"; do
			say "applying $p"
			patch -s -p1 -d "$tree/src" <"$p" >>"$log" 2>&1 ||
				fail "patch $p does not apply (see $log)"
		done
		say "configuring"
		"$root/scripts/kconfig.sh" "$tree/src" "$tree/obj" "${frags[@]}" \
			>>"$log" 2>&1 || {
			grep '^config:' "$log" >&2 || true
			fail "configuration failed (see $log)"
		}
		touch "$tree/.configured"
	fi
	say "building with $jobs jobs (log: $log)"
	start=$(date +%s)
	if ! make -C "$tree/src" O="$tree/obj" ARCH=um -j"$jobs" all \
		>>"$log" 2>&1; then
		tail -n 20 "$log" >&2
		fail "kernel build failed (see $log)"
	fi
	say "built in $(($(date +%s) - start)) s"
	touch "$tree/.built"
fi

say "building hostexec module"
stage=$(mktemp -d "$cache/kernels/.stage-XXXXXX")
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/mod"
cp Kbuild "$stage/mod/"
cp -r hostexec-driver "$stage/mod/"
if ! make -C "$tree/src" O="$tree/obj" ARCH=um M="$stage/mod" modules \
	>>"$log" 2>&1; then
	tail -n 20 "$log" >&2
	fail "module build failed (see $log)"
fi
strip -o "$stage/linux" "$tree/obj/linux"
cp "$stage/mod/hostexec-driver/hostexec.ko" "$stage/hostexec.ko"
cp "$tree/obj/.config" "$stage/config"
rm -rf "$stage/mod"
chmod 755 "$stage"
rm -rf "$art"
mv "$stage" "$art"
touch "$art/.done"
echo "$art"
