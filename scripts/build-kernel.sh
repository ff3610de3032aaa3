#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build (or find in the cache) a UML kernel and its hostexec module.
#
# usage: build-kernel.sh SERIES         Debian's linux-source-SERIES (6.12, 6.1)
#        build-kernel.sh --tree DIR     any Linux tree, e.g. a git checkout
#        build-kernel.sh --list         cached kernels and build trees, sizes
#        build-kernel.sh --prune        remove all but this checkout's series
#                                       kernels and their build trees
# Prints the directory holding `linux`, `hostexec.ko` and `config` on stdout;
# progress goes to stderr, one line a step, the full log to a file. Exit
# status 1 when the kernel or module fails to build, 2 on bad usage.
#
# The cache (${UMLRUN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/umlrun}) keeps
#   trees/SERIES-TREEKEY/            unpacked, patched source and its build
#   kernels/SERIES-TREEKEY-MODKEY/   the finished kernel and module
#   trees/tree-PATHKEY-CFGKEY/       a user tree's build: a symlink mirror
#                                    of the tree (src, patched files copied)
#                                    and the object dir (obj), kept between
#                                    builds so the next commit is incremental
#   kernels/tree-ID-CFGKEY-MODKEY/   a user tree's kernel; ID is the commit
#                                    and a hash of uncommitted changes
# TREEKEY hashes the source package version, fragments, patches and the
# config scripts; CFGKEY the same less the package; MODKEY the module
# source. Changing the module rebuilds only the module. The user's tree is
# only read: patches are applied to copies in the mirror, and a patch that
# does not apply is reported and left out.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
home=${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}
cache=${UMLRUN_CACHE:-${XDG_CACHE_HOME:-$home/.cache}/umlrun}
jobs=${JOBS:-$(nproc)}
label=

say() { echo "  KERNEL  $label: $*" >&2; }
fail() { echo "build-kernel: $*" >&2; exit 1; }
usage() {
	echo "usage: build-kernel.sh SERIES | --tree DIR | --list | --prune" >&2
	exit 2
}

# The fragments and patches for a kernel series (MAJOR.MINOR). A tree of a
# series we have no patch directory for gets the newest series' patches.
pick_inputs() {
	local series=$1 pdir
	frags=(arch-um-config/base.config arch-um-config/features.config
		arch-um-config/isolation.config)
	[ -e "arch-um-config/$series.config" ] &&
		frags+=("arch-um-config/$series.config")
	pdir=patches/$series
	if [ ! -d "$pdir" ]; then
		pdir=$(find patches -mindepth 1 -maxdepth 1 -type d -printf '%f\n' |
			sort -V | tail -n 1)
		pdir=${pdir:+patches/$pdir}
	fi
	shopt -s nullglob
	patches=(patches/*.patch)
	[ -n "$pdir" ] && patches+=("$pdir"/*.patch)
	shopt -u nullglob
}

# Everything that decides the configuration and the patches, and its hash.
config_inputs() {
	cat "${frags[@]}" scripts/kconfig.sh scripts/check-config.sh
	for p in "${patches[@]}"; do
		echo "$p"
		cat "$p"
	done
}

config_key() {
	config_inputs | sha256sum | cut -c1-16
}

module_key() {
	cat Kbuild hostexec-driver/Kbuild hostexec-driver/*.[ch] |
		sha256sum | cut -c1-16
}

# build_module TREE SRC OBJ ART: the module against a built tree, then the
# stripped kernel, module and config moved into place as ART.
build_module() {
	local tree=$1 src=$2 obj=$3 art=$4 log=$1/build.log stage
	say "building hostexec module"
	stage=$(mktemp -d "$cache/kernels/.stage-XXXXXX")
	trap 'rm -rf "$stage"' EXIT
	mkdir -p "$stage/mod"
	cp Kbuild "$stage/mod/"
	cp -r hostexec-driver "$stage/mod/"
	if ! make -C "$src" O="$obj" ARCH=um M="$stage/mod" modules \
		>>"$log" 2>&1; then
		tail -n 20 "$log" >&2
		fail "module build failed (see $log)"
	fi
	strip -o "$stage/linux" "$obj/linux"
	cp "$stage/mod/hostexec-driver/hostexec.ko" "$stage/hostexec.ko"
	cp "$obj/.config" "$stage/config"
	rm -rf "$stage/mod"
	chmod 755 "$stage"
	rm -rf "$art"
	mv "$stage" "$art"
	trap - EXIT
	touch "$art/.done"
}

# progress TOTAL: on a terminal, turn make's output on stdin into one line
# that counts the files built (a percentage when TOTAL, the count of the
# last full build, is known); elsewhere print nothing.
progress() {
	local total=$1 n=0 line
	[ -t 2 ] || {
		cat >/dev/null
		return
	}
	while IFS= read -r line; do
		case $line in
		"  CC "* | "  AS "* | "  LD "* | "  AR "*) n=$((n + 1)) ;;
		*) continue ;;
		esac
		if [ "$total" -gt 0 ]; then
			printf '\r  KERNEL  %s: building %3d%% (%d/%d files)' \
				"$label" $((n * 100 / total > 99 ? 99 : n * 100 / total)) \
				"$n" "$total" >&2
		else
			printf '\r  KERNEL  %s: building (%d files)' "$label" "$n" >&2
		fi
	done
	printf '\r\033[K' >&2
	echo "$n" >"$cache/.files-${label//\//_}.new"
}

# make_kernel TREE SRC OBJ: build the kernel proper.
make_kernel() {
	local tree=$1 src=$2 obj=$3 log=$1/build.log start total=0 rc
	local count=$cache/.files-${label//\//_}
	say "building with $jobs jobs (log: $log)"
	start=$(date +%s)
	[ -r "$count" ] && total=$(cat "$count")
	set +e
	make -C "$src" O="$obj" ARCH=um -j"$jobs" all 2>&1 |
		tee -a "$log" | progress "${total:-0}"
	rc=${PIPESTATUS[0]}
	set -e
	if [ "$rc" != 0 ]; then
		grep -E 'error|Error' "$log" | tail -n 10 >&2 || true
		fail "kernel build failed (see $log)"
	fi
	# A full build's file count makes the next one's percentage.
	if [ -s "$count.new" ] && [ "$(cat "$count.new")" -gt 1000 ]; then
		mv "$count.new" "$count"
	fi
	rm -f "$count.new"
	say "built in $(($(date +%s) - start)) s"
}

# --- Debian's linux-source-SERIES ----------------------------------------
build_series() {
	local series=$1 tarball version treekey modkey tree art log
	label=$series
	case $series in
	6.12 | 6.1) ;;
	*) fail "unknown kernel series '$series' (6.12 or 6.1)" ;;
	esac
	tarball=/usr/src/linux-source-$series.tar.xz
	[ -r "$tarball" ] ||
		fail "$tarball missing (apt-get install linux-source-$series)"
	version=$(dpkg-query -W -f='${Version}' "linux-source-$series")

	pick_inputs "$series"
	treekey=$({
		echo "debian linux-source-$series $version"
		config_inputs
	} | sha256sum | cut -c1-16)
	modkey=$(module_key)
	tree=$cache/trees/$series-$treekey
	art=$cache/kernels/$series-$treekey-$modkey

	if [ -e "$art/.done" ]; then
		echo "$art"
		return
	fi
	mkdir -p "$cache/trees" "$cache/kernels"
	exec 9>"$cache/.lock-$series-$treekey"
	flock 9
	if [ -e "$art/.done" ]; then
		echo "$art"
		return
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
			"$root/scripts/kconfig.sh" "$tree/src" "$tree/obj" \
				"${frags[@]}" >>"$log" 2>&1 || {
				grep '^config:' "$log" >&2 || true
				fail "configuration failed (see $log)"
			}
			touch "$tree/.configured"
		fi
		make_kernel "$tree" "$tree/src" "$tree/obj"
		touch "$tree/.built"
	fi
	build_module "$tree" "$tree/src" "$tree/obj" "$art"
	echo "$art"
}

# --- any Linux tree --------------------------------------------------------
# The files of the user's tree, relative, sorted: for a git tree the
# tracked and the untracked-not-ignored ones, otherwise all but .git and
# in-tree build output.
tree_files() {
	local src=$1
	if git -C "$src" rev-parse --show-toplevel >/dev/null 2>&1; then
		git -C "$src" -c core.quotepath=off ls-files -co --exclude-standard
	else
		(cd "$src" && find . \( -name .git -o -name '*.o' -o -name '*.cmd' \
			-o -path ./include/config -o -path ./include/generated \) \
			-prune -o \( -type f -o -type l \) -printf '%P\n')
	fi | grep -vxE '\.config|\.config\.old' | LC_ALL=C sort
}

# An identity for the tree's content: commit plus a hash of uncommitted
# changes (tracked diffs and untracked files); without git, a hash of the
# file list with sizes and times.
tree_id() {
	local src=$1 commit dirty
	if commit=$(git -C "$src" rev-parse --verify -q HEAD 2>/dev/null); then
		dirty=$({
			git -C "$src" diff HEAD --binary
			git -C "$src" ls-files -o --exclude-standard -z |
				(cd "$src" && xargs -0r sha256sum --)
		} | sha256sum | cut -c1-8)
		echo "${commit:0:12}-$dirty"
	else
		(cd "$src" && tree_files . | tr '\n' '\0' |
			xargs -0r stat -c '%n %s %Y' --) | sha256sum | cut -c1-20
	fi
}

# Bring the mirror MIRROR of SRC up to date: one symlink per file of the
# tree, added and removed as the tree changes (so builds stay incremental);
# files patched by the previous build become symlinks again.
mirror_sync() {
	local src=$1 mirror=$2 state=$3
	mkdir -p "$mirror"
	touch "$state/files" "$state/patched"
	tree_files "$src" >"$state/files.new"
	# previously patched files: back to plain links (or gone)
	xargs -r -d '\n' -a "$state/patched" -I{} rm -f "$mirror/{}"
	LC_ALL=C comm -23 "$state/files" "$state/files.new" |
		(cd "$mirror" && xargs -r -d '\n' rm -f --)
	{
		LC_ALL=C comm -13 "$state/files" "$state/files.new"
		cat "$state/patched"
	} | perl -MFile::Path=make_path -MFile::Basename=dirname -lne '
		BEGIN { ($src, $dst) = splice(@ARGV, 0, 2); }
		next unless -e "$src/$_" || -l "$src/$_";
		make_path(dirname("$dst/$_"));
		unlink("$dst/$_");
		symlink("$src/$_", "$dst/$_") or die "symlink $dst/$_: $!\n";
	' "$src" "$mirror"
	mv "$state/files.new" "$state/files"
	: >"$state/patched"
}

# Apply our patches to copies in the mirror; report those that do not apply.
mirror_patch() {
	local src=$1 mirror=$2 state=$3 log=$3/build.log p f files
	for p in "${patches[@]}"; do
		files=$(sed -n 's|^+++ [^/]*/\([^[:space:]]*\).*|\1|p' "$p")
		for f in $files; do
			echo "$f" >>"$state/patched"
			if [ -L "$mirror/$f" ]; then
				rm "$mirror/$f"
				cp "$src/$f" "$mirror/$f"
			fi
		done
		if patch -s -p1 -f --dry-run -d "$mirror" <"$p" >>"$log" 2>&1; then
			say "applying $p"
			patch -s -p1 -f -d "$mirror" <"$p" >>"$log" 2>&1 ||
				fail "patch $p failed (see $log)"
		else
			say "patch $p does not apply to this tree: left out"
		fi
	done
}

build_tree() {
	local src version series pathkey cfgkey modkey id tree art log
	src=$1
	[ -f "$src/Makefile" ] && [ -d "$src/arch/um" ] ||
		fail "$src is not a Linux source tree (no Makefile or arch/um)"
	version=$(sed -n 's/^VERSION = //p' "$src/Makefile")
	series=$version.$(sed -n 's/^PATCHLEVEL = //p' "$src/Makefile")

	pick_inputs "$series"
	cfgkey=$(config_key)
	modkey=$(module_key)
	pathkey=$(printf '%s' "$src" | sha256sum | cut -c1-12)
	id=$(tree_id "$src")
	tree=$cache/trees/tree-$pathkey-$cfgkey
	art=$cache/kernels/tree-$id-$cfgkey-$modkey

	if [ -e "$art/.done" ]; then
		echo "$art"
		return
	fi
	mkdir -p "$cache/trees" "$cache/kernels" "$tree/obj"
	exec 9>"$cache/.lock-tree-$pathkey-$cfgkey"
	flock 9
	if [ -e "$art/.done" ]; then
		echo "$art"
		return
	fi
	log=$tree/build.log
	: >"$log"
	echo "$src" >"$tree/source"
	say "linux $series from $src ($id)"
	mirror_sync "$src" "$tree/src" "$tree"
	mirror_patch "$src" "$tree/src" "$tree"
	say "configuring"
	"$root/scripts/kconfig.sh" --warn "$tree/src" "$tree/obj" "${frags[@]}" \
		>>"$log" 2>"$tree/config.warn" || {
		cat "$tree/config.warn" >>"$log"
		fail "configuration failed (see $log)"
	}
	if grep -q '^config:' "$tree/config.warn"; then
		say "options this tree does not have:"
		grep '^config:' "$tree/config.warn" >&2
	fi
	make_kernel "$tree" "$tree/src" "$tree/obj"
	build_module "$tree" "$tree/src" "$tree/obj" "$art"
	echo "$art"
}

# --- the cache --------------------------------------------------------------
list_cache() {
	local d size what k
	[ -d "$cache" ] || return 0
	echo "# cache: $cache"
	for d in "$cache"/kernels/*/ "$cache"/trees/*/; do
		[ -d "$d" ] || continue
		d=${d%/}
		size=$(du -sh "$d" 2>/dev/null | cut -f1)
		case $d in
		*/kernels/*) what=kernel ;;
		*) what=build ;;
		esac
		if [ -e "$d/source" ]; then
			what="$what $(cat "$d/source")"
		elif [[ $d != */tree-* ]]; then
			k=${d##*/}
			what="$what linux-source-${k%%-*}"
		fi
		printf '%-7s %s  %s\n' "$size" "${d#"$cache"/}" "$what"
	done
	echo "# total: $(du -sh "$cache" 2>/dev/null | cut -f1)"
}

# Keep only the current kernel (and its build tree) of each Debian series
# for this checkout's fragments, patches and module; remove the rest.
prune_cache() {
	local series keep=() d k version
	[ -d "$cache" ] || return 0
	for series in 6.12 6.1; do
		version=$(dpkg-query -W -f='${Version}' "linux-source-$series" \
			2>/dev/null) || continue
		pick_inputs "$series"
		k=$({
			echo "debian linux-source-$series $version"
			config_inputs
		} | sha256sum | cut -c1-16)
		keep+=("trees/$series-$k" "kernels/$series-$k-$(module_key)")
	done
	exec 9>"$cache/.lock-prune"
	flock 9
	for d in "$cache"/kernels/* "$cache"/trees/*; do
		[ -e "$d" ] || continue
		k=${d#"$cache"/}
		[[ " ${keep[*]} " == *" $k "* ]] && continue
		echo "removing $k ($(du -sh "$d" | cut -f1))" >&2
		rm -rf "$d"
	done
}

case ${1:-} in
--tree)
	[ $# = 2 ] || usage
	label=$2
	tree=$(realpath -e -- "$2" 2>/dev/null) || fail "no tree at $2"
	label=$(basename "$tree")
	cd "$root"
	build_tree "$tree"
	;;
--list) [ $# = 1 ] || usage; cd "$root"; list_cache ;;
--prune) [ $# = 1 ] || usage; cd "$root"; prune_cache ;;
-* | '') usage ;;
*) [ $# = 1 ] || usage; cd "$root"; build_series "$1" ;;
esac
