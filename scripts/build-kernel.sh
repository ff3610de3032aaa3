#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build (or find in the cache) a UML kernel and its hostexec module.
#
# usage: build-kernel.sh [EXTRA]... SERIES   Debian's linux-source-SERIES
#                                            (6.12, 6.1)
#        build-kernel.sh [EXTRA]... --tree DIR [--commit REV]
#                                            any Linux tree, e.g. a git
#                                            checkout; REV of it with --commit
#        build-kernel.sh --probe [EXTRA]... SERIES | --tree DIR [--commit REV]
#                                       build nothing, print what getting
#                                       that kernel would cost: cached,
#                                       module (only the module to build),
#                                       incremental (a tree built before)
#                                       or full (a build from nothing, or
#                                       one that recompiles every file)
#        build-kernel.sh --where [EXTRA]... SERIES | --tree DIR [--commit REV]
#                                       build nothing, print the directory
#                                       that kernel is (or would be) in
#        build-kernel.sh --patch-plan DIR  build nothing: each variant of
#                                       our patches a tree build of DIR
#                                       tries, and whether it applied
#        build-kernel.sh --cache        print the cache's directory
#        build-kernel.sh --list         cached kernels and build trees, sizes
#        build-kernel.sh --prune        remove all but this checkout's series
#                                       kernels and their build trees
#   EXTRA: --kconfig FILE (a fragment), --kconfig-add CONFIG_X=VALUE, both
#          repeatable, applied after our fragments; every line must land
#          (else exit 3, naming each and what stopped it). Options the
#          kernel layer rests on (isolation.config, HOSTFS) may change only
#          with --drop-kernel-layer. --flavour NAME (repeatable) is
#          --kconfig of arch-um-config/flavours/NAME.config and, where
#          there is one, NAME-SERIES.config, before the other extra lines,
#          and patches/flavours/NAME.patch where there is one (it may touch
#          only code that only the flavour's options build: it goes onto
#          the series' shared source, and is in the variant's key).
# Prints the directory holding `linux`, `hostexec.ko` and `config` (and for
# a tree `patches`: each variant of our patches tried, as --patch-plan) on stdout;
# progress goes to stderr, one line a step, the full log to a file. Exit
# status 1 when the kernel or module fails to build, 2 on bad usage, 3 when
# the extra options are refused or do not land.
#
# The cache (${UMLRUN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/umlrun}) keeps
#   trees/SERIES-TREEKEY/            unpacked, patched source and its build
#   kernels/SERIES-TREEKEY-MODKEY/   the finished kernel and module
#   trees/tree-PATHKEY-OBJKEY/       a user tree's build: a symlink mirror
#                                    of the tree (src, patched files copied)
#                                    and the object dir (obj), kept between
#                                    builds so the next commit is incremental
#                                    (also to another version: OBJKEY hashes
#                                    only the extra lines and flavours)
#   kernels/tree-ID-CFGKEY-MODKEY/   a user tree's kernel; ID is the commit
#                                    and a hash of uncommitted changes
#   trees/SERIES-TREEKEY/kVARKEY/    a variant of a series (extra options):
#                                    its own object dir, seeded from the
#                                    series' built one, the series' source
#                                    (src, a link to ../src; variants built
#                                    before were trees/SERIES-TREEKEY-kVARKEY/
#                                    and are used where they are)
#   kernels/SERIES-TREEKEY-kVARKEY-MODKEY/  a variant's kernel
#   trees/export-PATHKEY/            --commit: REV of a git tree, written
#                                    through a private index (the user's
#                                    work tree, index and refs untouched)
#   modules/KERNEL-SRCKEY/           a user's module built against the
#                                    kernel KERNEL (scripts/build-module.sh)
# TREEKEY hashes the source package version, fragments, patches and the
# config scripts; CFGKEY the same less the package; MODKEY the module
# source; VARKEY the extra lines, sorted, the last one of each option. A
# tree's CFGKEY includes the extra lines and every variant of our patches
# (patches/variants/probes with them). Changing the module rebuilds only
# the module. The user's tree is only read: patches are applied to copies
# in the mirror, each as the variant the tree has the code for, and one no
# variant of which applies is reported and left out.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
# fact NAME: a value of scripts/facts, shared with the launcher and tests
fact() { sed -n "s/^$1=//p" "$root/scripts/facts"; }
home=${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}
# cache_dir: where kernels are kept (scripts/facts says the order); one
# line naming UMLRUN_CACHE when there is no place
cache_dir() {
	local c
	if [ -n "${UMLRUN_CACHE:-}" ]; then
		echo "$UMLRUN_CACHE"
		return
	fi
	c=${XDG_CACHE_HOME:-$home/.cache}/$(fact CACHE_NAME)
	if mkdir -p "$c" 2>/dev/null && [ -w "$c" ]; then
		echo "$c"
		return
	fi
	# no home to write (nobody's /nonexistent): a cache of one's own that
	# nobody else may have made or may enter
	c=$(fact CACHE_FALLBACK)$(id -u)
	mkdir -m 700 "$c" 2>/dev/null
	if [ -d "$c" ] && [ ! -L "$c" ] && [ "$(stat -c '%u %a' "$c")" = "$(id -u) 700" ]; then
		echo "$c"
		return
	fi
	echo "build-kernel: no kernel cache: ${XDG_CACHE_HOME:-$home/.cache} cannot be written and $c is not yours alone; set UMLRUN_CACHE to a directory of yours" >&2
	exit "$(fact BUILD_FAILED)"
}
cache=$(cache_dir)
jobs=${JOBS:-$(nproc)}

# ccache_use: every compiler call of a kernel build (series, variant,
# flavour, tree) goes through one compiler cache in the kernel cache,
# Debian's ccache, bounded by UMLRUN_CCACHE_SIZE (default 5G);
# UMLRUN_CCACHE=0 builds without it. It goes in by PATH (/usr/lib/ccache's
# gcc), so the command lines make records stay gcc's: turning it on or off
# recompiles nothing. Across trees, see ccache_relative.
ccache_on=0
ccache_use() {
	[ "${UMLRUN_CCACHE:-1}" != 0 ] && [ -x /usr/lib/ccache/gcc ] || return 0
	ccache_on=1
	export CCACHE_DIR=$cache/ccache
	export CCACHE_MAXSIZE=${UMLRUN_CCACHE_SIZE:-5G}
	# depend mode: a miss runs the compiler once and takes the headers from
	# its -MMD file, instead of running the preprocessor first to look in
	# the cache again (kernel files are mostly headers: a miss cost about
	# 25% more CPU than gcc alone, now about 5%; see bench/ccache.sh)
	export CCACHE_DEPEND=1
	PATH=/usr/lib/ccache:$PATH
}
ccache_use
label=
probe=0

say() { echo "  KERNEL  $label: $*" >&2; }
fail() { echo "build-kernel: $*" >&2; exit "$(fact BUILD_FAILED)"; }
usage() {
	echo "usage: build-kernel.sh [--flavour NAME | --kconfig FILE | --kconfig-add LINE]... [$(fact BUILD_DROP_LAYER)] SERIES | --tree DIR [--commit REV] | --list | --prune" >&2
	exit "$(fact BUILD_USAGE)"
}
refuse() {
	echo "build-kernel: $*" >&2
	exit "$(fact BUILD_REFUSED)"
}
# verdict ART BUILT WHAT: with --probe, say what the kernel would cost
# and stop: cached when ART is done, WHAT when BUILT (the build's mark)
# is there, else full.
verdict() {
	[ "$probe" = 0 ] && return
	if [ "$probe" = where ]; then
		echo "$1"
		exit 0
	fi
	if [ -e "$1/.done" ]; then
		echo cached
	elif [ -e "$2" ]; then
		echo "$3"
	else
		echo full
	fi
	exit 0
}

# Our patch series, newest first: patches/MAJOR.MINOR.
series_dirs() {
	find patches -mindepth 1 -maxdepth 1 -type d -name '[0-9]*.[0-9]*' \
		-printf '%f\n' | sort -rV
}

# The fragments and patches for a kernel series (MAJOR.MINOR). A tree of a
# series we have no patch directory for gets the newest series' patches
# first (tree_pick has the rest).
pick_inputs() {
	local series=$1 pdir
	frags=(arch-um-config/base.config arch-um-config/features.config
		arch-um-config/isolation.config)
	[ -e "arch-um-config/$series.config" ] &&
		frags+=("arch-um-config/$series.config")
	pdir=patches/$series
	if [ ! -d "$pdir" ]; then
		pdir=$(series_dirs | head -n 1)
		pdir=${pdir:+patches/$pdir}
	fi
	shopt -s nullglob
	plain_patches=(patches/*.patch)
	patches=("${plain_patches[@]}")
	[ -n "$pdir" ] && patches+=("$pdir"/*.patch)
	shopt -u nullglob
}

# --- our patches on any tree -------------------------------------------------
# Each of our patches is a slot, NNNN of patches/SERIES/NNNN-*.patch, with a
# variant per series and, in patches/variants/, variants for code no series
# of ours has. A tree gets, for each slot, the first variant that applies
# exactly (no fuzz) in this order: its own series' (else the newest
# series'), the other series' from the newest, then patches/variants/;
# a variant that patches/variants/probes ties to some code is tried only
# on a tree that has that code.
#
# The slots the kernel layer rests on: each leaves a mark in the binary
# that the launcher looks for (userspace/launcher/layers.c), so a tree
# none of a slot's variants applies to gets a kernel the launcher refuses.
layer_slots=" 0002 0003 0004 "
probes=patches/variants/probes

# tree_pick SERIES: tree_slots, one "SLOT PATCH" line per variant in the
# order they are tried; patches, everything that may go into a tree's
# build (for its key).
tree_pick() {
	local series=$1 own d p
	own=$series
	[ -d "patches/$own" ] || own=$(series_dirs | head -n 1)
	tree_own=patches/$own
	tree_slots=$(
		shopt -s nullglob
		for d in "$own" $(series_dirs | grep -vxF "$own") variants; do
			for p in "patches/$d"/[0-9][0-9][0-9][0-9]-*.patch; do
				echo "${p##*/}" | cut -c1-4 | tr '\n' ' '
				echo "$p"
			done
		done | sort -s -k1,1
	)
	patches=("${plain_patches[@]}")
	[ -z "$tree_slots" ] ||
		mapfile -t -O "${#patches[@]}" patches < <(cut -d' ' -f2 <<<"$tree_slots")
	[ ! -e "$probes" ] || patches+=("$probes")
}

# probe_lines PATCH: the lines of the probes table for PATCH.
probe_lines() {
	[ -e "$probes" ] || return 0
	awk -F '\t' -v p="${1#patches/}" '$1 == p' "$probes"
}

# probe_match MIRROR PATCH: does the tree have the code PATCH needs (every
# probe line of it; a patch without one is only dry-run)? Prints what
# matched, for the log line.
probe_match() {
	local mirror=$1 p=$2 name file re said=
	while IFS=$'\t' read -r name file re; do
		grep -qE -- "$re" "$mirror/$file" 2>/dev/null || return 1
		said="${said:+$said, }$file has $re"
	done < <(probe_lines "$p")
	echo "$said"
}

# slot_unneeded MIRROR SLOT: upstream has what the slot does ("skip"
# lines of the probes table: the slot is then left out without a word).
slot_unneeded() {
	local mirror=$1 slot=$2 what s file re
	[ -e "$probes" ] || return 1
	while IFS=$'\t' read -r what file re; do
		s=${what#skip }
		[ "$what" != "$s" ] && [ "$s" = "$slot" ] || continue
		grep -qE -- "$re" "$mirror/$file" 2>/dev/null && return 0
	done <"$probes"
	return 1
}

# slot_name SLOT: what the slot's patch does, from its first line.
slot_name() {
	local p
	p=$(cut -d' ' -f2 <<<"$tree_slots" | grep -m1 "/$1-")
	sed -n '/^Subject: /{s/^Subject: \(\[PATCH\] \)\{0,1\}//p;q};1{/^From: /!{p;q}}' "$p"
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

# built ART SRC OBJ: print ART, the kernel's directory, after writing in it
# (where an older build did not) the file that names its build tree, for
# those who build against it (tests/lib.sh, modules): src= and obj= lines.
built() {
	local f
	f=$1/$(fact KERNEL_BUILD_FILE)
	if [ ! -e "$f" ] && [ -w "$1" ]; then
		printf 'src=%s\nobj=%s\n' "$2" "$3" >"$f.new" && mv "$f.new" "$f"
	fi
	echo "$1"
}

# build_module TREE SRC OBJ ART [VARIANT]: the module against a built tree,
# then the stripped kernel, module and config (and the variant's extra
# lines) moved into place as ART.
build_module() {
	local tree=$1 src=$2 obj=$3 art=$4 variant=${5:-} log=$1/build.log stage
	say "building hostexec module"
	stage=$(mktemp -d "$cache/kernels/.stage-XXXXXX")
	tmpdirs+=("$stage")
	mkdir -p "$stage/mod"
	cp Kbuild "$stage/mod/"
	cp -r hostexec-driver "$stage/mod/"
	if ! make -C "$src" O="$obj" ARCH=um M="$stage/mod" modules \
		>>"$log" 2>&1; then
		tail -n 20 "$log" >&2
		fail "module build failed (see $log)"
	fi
	# The module is built (unsigned: the lockdown comes after init loads
	# it), so the signing key has no use left; a guest reads the host's
	# files, and with the key it could sign a module of its own.
	rm -f "$obj/certs/signing_key.pem"
	strip -o "$stage/linux" "$obj/linux"
	cp "$stage/mod/hostexec-driver/hostexec.ko" "$stage/hostexec.ko"
	cp "$obj/.config" "$stage/config"
	# a tree's build: which variant of each of our patches went in
	[ ! -s "$tree/plan" ] || cp "$tree/plan" "$stage/patches"
	[ -z "$variant" ] || cp "$variant" "$stage/variant"
	[ -z "$variant" ] || [ ! -e "$tree/label" ] || cp "$tree/label" "$stage/label"
	rm -rf "$stage/mod"
	chmod 755 "$stage"
	rm -rf "$art"
	mv "$stage" "$art"
	touch "$art/.done"
}

# --- extra options: --kconfig FILE, --kconfig-add LINE ----------------------
extra_args=()	# "--kconfig PATH" and "--kconfig-add LINE", in order
flavours=()	# --flavour NAME, in order
flavour_patches=()	# their patches/flavours/NAME.patch
drop_layer=0	# --drop-kernel-layer: isolation options may change
extra=		# the extra lines, canonical (a file), when there are any
tmpdirs=()
trap 'rm -rf "${tmpdirs[@]}"' EXIT

# extras_norm WHERE LINE: "SYMBOL<tab>LINE" for an option line (CONFIG_X=n
# written as .config writes it), nothing for a comment or blank line.
extras_norm() {
	local where=$1 line=$2
	line=${line#"${line%%[![:space:]]*}"}
	line=${line%"${line##*[![:space:]]}"}
	if [[ $line =~ ^#\ (CONFIG_[A-Za-z0-9_]+)\ is\ not\ set$ ]]; then
		printf '%s\t%s\n' "${BASH_REMATCH[1]}" "$line"
	elif [[ $line =~ ^(CONFIG_[A-Za-z0-9_]+)=n$ ]]; then
		printf '%s\t# %s is not set\n' "${BASH_REMATCH[1]}" "${BASH_REMATCH[1]}"
	elif [[ $line =~ ^(CONFIG_[A-Za-z0-9_]+)=([ynm]|-?[0-9]+|0x[0-9a-fA-F]+|\"[^\"\$\`\\]*\")$ ]]; then
		# a value make cannot expand: Kconfig writes a string's content
		# unquoted into include/config/auto.conf, which make includes
		[[ $line != *[[:cntrl:]]* ]] ||
			refuse "$where: '$line' holds a control character"
		printf '%s\t%s\n' "${BASH_REMATCH[1]}" "$line"
	elif [[ $line =~ ^(CONFIG_[A-Za-z0-9_]+)=(.+)$ ]]; then
		refuse "$where: '$line': a value is y, n, m, a number or a \"string\" without \$, \`, \\ or a quote (make would expand it)"
	elif [ -n "$line" ] && [ "${line:0:1}" != "#" ]; then
		refuse "$where: '$line' is not CONFIG_NAME=VALUE or '# CONFIG_NAME is not set'"
	fi
}

# flavours_known: the flavours there are, one line each (NAME.config;
# NAME-SERIES.config only adds to NAME).
flavours_known() {
	local f
	for f in "$root"/arch-um-config/flavours/*.config; do
		f=${f##*/}
		f=${f%.config}
		[[ $f == *-* ]] || echo "$f"
	done
}

# flavours_apply SERIES: the flavours' fragments (and their SERIES parts)
# go before the other extra lines, so a --kconfig-add can override one.
flavours_apply() {
	local series=$1 name dir=$root/arch-um-config/flavours pre=()
	[ ${#flavours[@]} -gt 0 ] || return 0
	for name in "${flavours[@]}"; do
		pre+=(--kconfig "$dir/$name.config")
		if [ -e "$dir/$name-$series.config" ]; then
			pre+=(--kconfig "$dir/$name-$series.config")
		elif grep -qx '# umlrun: one file a series' "$dir/$name.config"; then
			# (the debian flavour's options are each series' own)
			refuse "the $name flavour is made for series $(cd "$dir" &&
				ls "$name"-*.config | sed "s/^$name-//; s/\.config\$//" |
				sort -V | paste -sd' '), not $series"
		fi
	done
	flavour_files=()
	for name in "${pre[@]}"; do
		[ "$name" = --kconfig ] || flavour_files+=("$name")
	done
	for name in "${flavours[@]}"; do
		[ ! -e "$root/patches/flavours/$name.patch" ] ||
			flavour_patches+=("$root/patches/flavours/$name.patch")
	done
	extra_args=("${pre[@]}" "${extra_args[@]}")
	extras_collect
}

# flavours_patch SRC: the flavours' patches onto a series' source (under
# its lock), each once: applied already when it reverses cleanly.
flavours_patch() {
	local src=$1 p
	for p in "${flavour_patches[@]}"; do
		patch -s -p1 -R -f --dry-run -d "$src" <"$p" >/dev/null 2>&1 &&
			continue
		say "applying ${p#"$root"/}"
		patch -s -p1 -f -d "$src" <"$p" >&2 ||
			fail "patch $p does not apply to $src"
	done
}

# flavours_label: "flavour NAME..." and the extra lines not from the
# flavours, for the listing; nothing without flavours.
flavours_label() {
	local rest
	[ ${#flavours[@]} -gt 0 ] && [ -n "$extra" ] || return 0
	rest=$(grep -vxF -f <(cat "${flavour_files[@]}") "$extra" || true)
	printf 'flavour %s' "${flavours[*]}"
	[ -z "$rest" ] || printf ' + %s' "$(extras_summary <(echo "$rest"))"
	echo
}

# extras_collect: the extra lines in order, the last of each option kept,
# sorted by option, into $extra; nothing when there are none.
extras_collect() {
	local i=0 n line out
	[ ${#extra_args[@]} -gt 0 ] || return 0
	out=$(mktemp -d)
	tmpdirs+=("$out")
	while [ $i -lt ${#extra_args[@]} ]; do
		case ${extra_args[i]} in
		--kconfig)
			n=0
			while IFS= read -r line || [ -n "$line" ]; do
				n=$((n + 1))
				extras_norm "--kconfig ${extra_args[i + 1]}:$n" "$line"
			done <"${extra_args[i + 1]}"
			;;
		*) extras_norm --kconfig-add "${extra_args[i + 1]}" ;;
		esac
		i=$((i + 2))
	done >"$out/all"
	awk -F '\t' '{ v[$1] = $2 } END { for (k in v) print k "\t" v[k] }' \
		"$out/all" | LC_ALL=C sort | cut -f2- >"$out/extra.config"
	[ -s "$out/extra.config" ] && extra=$out/extra.config
	return 0
}

# extras_protected FILE: the lines of FILE that name an option the kernel
# layer rests on: every one isolation.config names, the lockdown and
# module-signature families, and hostfs itself (one pass: a flavour has
# 1,400 lines).
extras_protected() {
	awk 'function sym(l) { sub(/^# /, "", l); sub(/[= ].*/, "", l); return l }
		FNR == NR { if (sym($0) ~ /^CONFIG_/) iso[sym($0)] = 1; next }
		{ s = sym($0) }
		s in iso || s == "CONFIG_HOSTFS" ||
			s ~ /^CONFIG_(SECURITY_LOCKDOWN_LSM|LOCK_DOWN_|MODULE_SIG)/' \
		arch-um-config/isolation.config "$1"
}

# extras_drop_ours: extra lines that restate one of our fragments' lines
# change nothing: left out, so they make no other variant (none left: no
# variant at all).
extras_drop_ours() {
	[ -n "$extra" ] || return 0
	grep -vxF -f <(cat "${frags[@]}") "$extra" >"$extra.new" || true
	mv "$extra.new" "$extra"
	[ -s "$extra" ] || extra=
}

# extras_guard: refuse extra lines that change what the kernel layer rests
# on, unless --drop-kernel-layer; our own line for the option is fine.
extras_guard() {
	local line sym ours bad=0
	[ -n "$extra" ] || return 0
	while IFS= read -r line; do
		sym=${line#\# }
		sym=${sym%%[= ]*}
		ours=$(grep -hE "^(# )?$sym[= ]" arch-um-config/isolation.config \
			arch-um-config/base.config | head -n 1)
		[ "$line" = "$ours" ] && continue
		if [ $drop_layer = 1 ]; then
			say "kernel layer given up: $line"
		else
			echo "config: $line changes $sym, which the kernel layer rests on (ours: ${ours:-unset}); only with --drop-layer kernel" >&2
			bad=1
		fi
	done < <(extras_protected "$extra")
	[ $bad = 0 ] || refuse "options the isolation depends on cannot change without --drop-layer kernel"
}

# extras_validate SRC DOTCONFIG: every extra line must be in .config (each
# one that is not is named with what stopped it); our own lines must be
# too, but those the extra lines override, and a changed isolation option
# refuses the build unless --drop-kernel-layer.
extras_validate() {
	local src=$1 config=$2 f ours msg
	if ! "$root/scripts/kconfig-why.pl" "$src" "$config" "$extra"; then
		return 1
	fi
	ours=$(mktemp -d)
	tmpdirs+=("$ours")
	for f in "${frags[@]}"; do
		grep -vE "^(# )?($(sed 's/^# //; s/[= ].*//' "$extra" |
			paste -sd'|'))[= ]" "$f" >"$ours/$(basename "$f")" || true
	done
	msg=$("$root/scripts/check-config.sh" "$config" "$ours"/* 2>&1) && return 0
	if [ $drop_layer = 0 ] && grep -q '(isolation.config)$' <<<"$msg"; then
		grep '(isolation.config)$' <<<"$msg" >&2
		echo "config: with these options the kernel layer would not hold; only with --drop-layer kernel" >&2
		return 1
	fi
	say "these of our options changed with yours:"
	sed 's/^/    /' <<<"$msg" >&2
}

# extras_said: the extra lines as said while building: a flavour by its
# name (the debian flavour is 1,400 lines), others each.
extras_said() {
	if [ ${#flavours[@]} -gt 0 ]; then
		echo "$(flavours_label) ($(grep -c . "$extra") options)"
	else
		extras_summary "$extra"
	fi
}

# extras_summary FILE: the extra lines on one line, for humans.
extras_summary() {
	sed 's/^# \(CONFIG_[A-Za-z0-9_]*\) is not set$/\1=n/' "$1" | paste -sd' '
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

# ccache_relative TREE SRC OBJ: the environment (NAME=VALUE words) that
# lets ccache find a file's object again from another tree. A change to
# our patches or fragments is a new key, so a new tree, and Kbuild hands
# the compiler the source dir's absolute path (-I, -include, the file):
# every compile would miss. With base_dir at the trees' parent, ccache
# rewrites those paths relative to the object dir (../src for a series
# or a --kernel-tree tree, ../../src for a variant: the same in every
# tree); a wrapper ahead of
# ccache's gcc in PATH adds -fmacro-prefix-map for the source dir seen that
# way, so __FILE__ in every WARN and BUG stays fs/..., as Kbuild's own map
# of the absolute path makes it. Kbuild's command lines stay `gcc ...`:
# turning this on recompiles nothing. A variant's TREE/src is a link to
# the series' source: the series' objects it starts from record their
# dependencies as ../src/... Left as they were: debug info and coverage
# builds (ccache hashes the object dir into those; a relative source path
# would reach the DWARF and the .gcno files).
ccache_relative() {
	local tree=$1 src=$2 obj=$3 rel base gcc
	[ "$src" = "$tree/src" ] ||
		ln -sfn "$(realpath --relative-to="$tree" "$src")" "$tree/src"
	[ "$ccache_on" = 1 ] || return 0
	! grep -qE '^CONFIG_(DEBUG_INFO|GCOV_KERNEL)=y' "$obj/.config" || return 0
	base=$(realpath "$cache/trees")
	src=$(realpath "$src")
	case $src in "$base"/*) ;; *) return 0 ;; esac
	rel=$(realpath -m --relative-to="$(realpath "$obj")" "$src")
	# the compiler ccache would find (its own links left out of PATH)
	gcc=$(PATH=${PATH//\/usr\/lib\/ccache/} command -v gcc) || return 0
	mkdir -p "$tree/ccbin"
	# shellcheck disable=SC2016 # "$@" is the wrapper's
	printf '#!/bin/sh\nexec ccache %q %q "$@"\n' \
		"$gcc" "-fmacro-prefix-map=$rel/=" >"$tree/ccbin/gcc"
	chmod +x "$tree/ccbin/gcc"
	printf '%s\n' "CCACHE_BASEDIR=$base" "PATH=$tree/ccbin:$PATH"
}

# make_kernel TREE SRC OBJ: build the kernel proper.
make_kernel() {
	local tree=$1 src=$2 obj=$3 log=$1/build.log start total=0 rc from first
	local count=$cache/.files-${label//\//_} cenv
	mapfile -t cenv < <(ccache_relative "$tree" "$src" "$obj")
	say "building with $jobs jobs (log: $log)"
	start=$(date +%s)
	from=$(($(stat -c %s "$log" 2>/dev/null || echo 0) + 1))
	[ -r "$count" ] && total=$(cat "$count")
	set +e
	env "${cenv[@]}" make -C "$src" O="$obj" ARCH=um -j"$jobs" all 2>&1 |
		tee -a "$log" | progress "${total:-0}"
	rc=${PIPESTATUS[0]}
	set -e
	if [ "$rc" != 0 ]; then
		grep -E 'error|Error' "$log" | tail -n 10 >&2 || true
		# this build's first compiler error names the file that failed
		first=$(tail -c "+$from" "$log" |
			grep -m1 -E '^[^ ]+:[0-9]+(:[0-9]+)?: (fatal )?error: ' |
			sed "s|^$src/||; s|^\(\.\./\)\{1,\}\([^/ ]*/\)\{0,1\}src/||") || true
		fail "kernel build failed${first:+: $first} (see $log)"
	fi
	# A full build's file count makes the next one's percentage.
	if [ -s "$count.new" ] && [ "$(cat "$count.new")" -gt 1000 ]; then
		mv "$count.new" "$count"
	fi
	rm -f "$count.new"
	say "built in $(($(date +%s) - start)) s"
	echo "build-kernel: $label built in $(($(date +%s) - start)) s" >>"$log"
}

# --- Debian's linux-source-SERIES ----------------------------------------
# series_prepare SERIES TREE TARBALL VERSION: unpack, patch and configure
# the series' tree once (under the series lock).
series_prepare() {
	local series=$1 tree=$2 tarball=$3 version=$4 log=$2/build.log p
	[ -e "$tree/.configured" ] && return
	rm -rf "$tree"
	mkdir -p "$tree/src" "$tree/obj"
	say "unpacking linux-source-$series $version"
	tar -xf "$tarball" -C "$tree/src" --strip-components=1
	for p in "${patches[@]}"; do
		say "applying $p"
		patch -s -p1 -F0 -d "$tree/src" <"$p" >>"$log" 2>&1 ||
			fail "patch $p does not apply (see $log)"
	done
	say "configuring"
	"$root/scripts/kconfig.sh" "$tree/src" "$tree/obj" \
		"${frags[@]}" >>"$log" 2>&1 || {
		grep '^config:' "$log" >&2 || true
		fail "configuration failed (see $log)"
	}
	touch "$tree/.configured"
}

build_series() {
	local series=$1 tarball version treekey modkey tree art log
	label=$series
	[[ " $(fact SERIES) " == *" $series "* ]] ||
		fail "unknown kernel series '$series' ($(fact SERIES))"
	tarball=/usr/src/linux-source-$series.tar.xz
	[ -r "$tarball" ] ||
		fail "$tarball missing (apt-get install linux-source-$series)"
	version=$(dpkg-query -W -f='${Version}' "linux-source-$series")

	pick_inputs "$series"
	flavours_apply "$series"
	treekey=$({
		echo "debian linux-source-$series $version"
		config_inputs
	} | sha256sum | cut -c1-16)
	modkey=$(module_key)
	tree=$cache/trees/$series-$treekey
	extras_drop_ours
	if [ -n "$extra" ]; then
		build_variant "$series" "$treekey" "$modkey" "$tarball" "$version"
		return
	fi
	art=$cache/kernels/$series-$treekey-$modkey

	verdict "$art" "$tree/.built" module
	if [ -e "$art/.done" ]; then
		built "$art" "$tree/src" "$tree/obj"
		return
	fi
	mkdir -p "$cache/trees" "$cache/kernels"
	exec 9>"$cache/.lock-$series-$treekey"
	flock 9
	if [ -e "$art/.done" ]; then
		built "$art" "$tree/src" "$tree/obj"
		return
	fi

	if [ ! -e "$tree/.built" ]; then
		series_prepare "$series" "$tree" "$tarball" "$version"
		make_kernel "$tree" "$tree/src" "$tree/obj"
		touch "$tree/.built"
	fi
	build_module "$tree" "$tree/src" "$tree/obj" "$art"
	built "$art" "$tree/src" "$tree/obj"
}

# build_variant SERIES TREEKEY MODKEY TARBALL VERSION: the series with the
# extra lines, in an object dir of its own next to the series' tree. The
# series' source is shared (only read); the object dir starts as a copy
# of the series' built one (cp -a keeps the times make compares; reflinks
# where the filesystem has them; never hardlinks: the compiler, the linker
# and fixdep rewrite outputs in place, which would corrupt the series'
# tree), so Kbuild's per-option dependencies rebuild only what the changed
# options touch. The configuration is made and checked in a scratch dir
# first: a refused one costs seconds and leaves nothing behind.
build_variant() {
	local series=$1 treekey=$2 modkey=$3 tarball=$4 version=$5
	local tree vtree varkey art log
	tree=$cache/trees/$series-$treekey
	varkey=$({
		cat "$extra"
		[ ${#flavour_patches[@]} = 0 ] || cat "${flavour_patches[@]}"
	} | sha256sum | cut -c1-16)
	vtree=$tree/k$varkey
	[ ! -d "$tree-k$varkey" ] || vtree=$tree-k$varkey # built before
	art=$cache/kernels/$series-$treekey-k$varkey-$modkey
	label=$series+$(IFS=+; echo "${flavours[*]:-kconfig}")
	extras_guard
	verdict "$art" "$vtree/.built" module
	if [ -e "$art/.done" ]; then
		variant_hit "$art" "$tree/src" "$vtree/obj"
		return
	fi
	mkdir -p "$cache/trees" "$cache/kernels"
	exec 8>"$cache/.lock-$series-$treekey-k$varkey"
	flock 8
	if [ -e "$art/.done" ]; then
		variant_hit "$art" "$tree/src" "$vtree/obj"
		return
	fi
	log=$vtree/build.log
	if [ ! -e "$vtree/.built" ]; then
		exec 9>"$cache/.lock-$series-$treekey"
		flock 9
		series_prepare "$series" "$tree" "$tarball" "$version"
		flavours_patch "$tree/src"
		if [ ! -e "$vtree/.configured" ]; then
			rm -rf "$vtree"
			mkdir -p "$vtree/cfg"
			say "configuring with $(extras_said)"
			"$root/scripts/kconfig.sh" --warn "$tree/src" "$vtree/cfg" \
				"${frags[@]}" "$extra" >>"$log" 2>&1 ||
				fail "configuration failed (see $log)"
			if ! extras_validate "$tree/src" "$vtree/cfg/.config"; then
				rm -rf "$vtree"
				refuse "the options asked for do not all land"
			fi
			if [ -e "$tree/.built" ]; then
				say "starting from the built $series tree"
				cp -a --reflink=auto "$tree/obj" "$vtree/obj"
			else
				say "no built $series tree to start from: a full build"
				mkdir "$vtree/obj"
			fi
			cp "$vtree/cfg/.config" "$vtree/obj/.config"
			cp "$extra" "$vtree/variant"
			flavours_label >"$vtree/label"
			[ -s "$vtree/label" ] || rm "$vtree/label"
			rm -rf "$vtree/cfg"
			touch "$vtree/.configured"
		fi
		exec 9>&-
		make_kernel "$vtree" "$tree/src" "$vtree/obj"
		touch "$vtree/.built"
	fi
	build_module "$vtree" "$tree/src" "$vtree/obj" "$art" "$extra"
	built "$art" "$tree/src" "$vtree/obj"
}

# variant_hit ART SRC OBJ: a cached variant, unless it was built with the kernel
# layer given up and this run keeps it.
variant_hit() {
	if [ $drop_layer = 0 ] && ! "$root/scripts/check-config.sh" "$1/config" \
		arch-um-config/isolation.config 2>/dev/null; then
		refuse "this variant changes options the kernel layer rests on; only with --drop-layer kernel"
	fi
	built "$1" "$2" "$3"
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

# mirror_apply SRC MIRROR STATE PATCH: PATCH onto copies in the mirror, if
# it applies exactly (no fuzz: a variant goes only where its context is);
# 1 and nothing changed if it does not, 2 if the tree has it already.
mirror_apply() {
	local src=$1 mirror=$2 state=$3 p=$4 log=$3/build.log f
	for f in $(sed -n 's|^+++ [^/]*/\([^[:space:]]*\).*|\1|p' "$p"); do
		if [ ! -e "$src/$f" ]; then
			missing=$f
			return 1
		fi
	done
	for f in $(sed -n 's|^+++ [^/]*/\([^[:space:]]*\).*|\1|p' "$p"); do
		echo "$f" >>"$state/patched"
		if [ -L "$mirror/$f" ]; then
			rm "$mirror/$f"
			cp -p "$src/$f" "$mirror/$f"
		fi
	done
	echo "build-kernel: dry run of $p" >>"$log"
	if ! patch -s -p1 -f -F0 --dry-run -d "$mirror" <"$p" >>"$log" 2>&1; then
		patch_in_tree "$mirror" "$p" && return 2
		return 1
	fi
	patch -s -p1 -f -F0 -d "$mirror" <"$p" >>"$log" 2>&1 ||
		fail "patch $p failed (see $log)"
}

# patch_in_tree DIR PATCH: does DIR have PATCH already (a tree made from
# our patched source)? The lines it adds are lines of its files, all but a
# tenth at most (a later patch of ours may have changed some of them and
# the lines around, so no reverse dry run).
patch_in_tree() {
	perl -e '
		my ($dir, $patch) = @ARGV;
		my (%want, $file);
		open(my $p, "<", $patch) or exit 1;
		while (<$p>) {
			chomp;
			if (/^\+\+\+ [^\/]*\/(\S+)/) { $file = $1; next; }
			next if /^---/ || !defined $file;
			push @{ $want{$file} }, substr($_, 1) if /^\+/;
		}
		exit 1 unless %want;
		my ($all, $lost) = (0, 0);
		for my $f (keys %want) {
			open(my $h, "<", "$dir/$f") or exit 1;
			my %have = map { chomp; ($_ => 1) } <$h>;
			for (@{ $want{$f} }) {
				$all++;
				$lost++ unless $have{$_};
			}
		}
		exit($lost <= int($all / 10) ? 0 : 1);
	' "$1" "$2"
}

# mirror_slot SRC MIRROR STATE SLOT: the first variant of SLOT that the
# tree has the code for and that applies (one not of the tree's own series
# is said with the code it matched); none: the slot is left out and said,
# but where upstream does what it did.
mirror_slot() {
	local src=$1 mirror=$2 state=$3 slot=$4 s p why missing rc
	if slot_unneeded "$mirror" "$slot"; then
		echo "build-kernel: $slot: not needed on this tree" >>"$state/build.log"
		plan "$slot" - "not needed"
		return 0
	fi
	while read -r s p; do
		[ "$s" = "$slot" ] || continue
		if ! why=$(probe_match "$mirror" "$p"); then
			plan "$slot" "$p" "not tried (no such code)"
			continue
		fi
		missing=
		rc=0
		mirror_apply "$src" "$mirror" "$state" "$p" || rc=$?
		if [ $rc = 2 ]; then
			plan "$slot" "$p" "in the tree already"
			say "$p: in this tree already"
			return 0
		elif [ $rc != 0 ]; then
			plan "$slot" "$p" "does not apply${missing:+ (no $missing)}"
			continue
		fi
		plan "$slot" "$p" applied
		if [ "${p%/*}" = "$tree_own" ]; then
			say "applying $p"
		else
			say "applying $p (this tree: ${why:-the variant of $tree_own does not apply})"
		fi
		return 0
	done <<<"$tree_slots"
	plan "$slot" - "left out"
	if [[ $layer_slots == *" $slot "* ]]; then
		say "patch $slot ($(slot_name "$slot")) applies to this tree in none of its variants: left out; umlrun refuses the kernel without it (--drop-layer kernel runs it anyway)"
	else
		say "patch $slot ($(slot_name "$slot")) applies to this tree in none of its variants: left out (the kernel works without it, slower)"
	fi
}

# plan SLOT PATCH RESULT: with --patch-plan, one line of what was tried.
plan() {
	[ -z "$plan_out" ] || printf '%s\t%s\t%s\n' "$@" >>"$plan_out"
}
plan_out=

# Apply our patches to copies in the mirror: patches/*.patch, each slot's
# variant, the flavours' patches; say what does not apply.
mirror_patch() {
	local src=$1 mirror=$2 state=$3 p slot rc=
	for p in "${plain_patches[@]}"; do
		mirror_apply "$src" "$mirror" "$state" "$p" || rc=$?
		case ${rc:-0} in
		0) say "applying $p" ;;
		2) say "$p: in this tree already" ;;
		*) say "patch $p does not apply to this tree: left out" ;;
		esac
		rc=
	done
	for slot in $(cut -d' ' -f1 <<<"$tree_slots" | uniq); do
		mirror_slot "$src" "$mirror" "$state" "$slot"
	done
	for p in "${flavour_patches[@]}"; do
		mirror_apply "$src" "$mirror" "$state" "$p" || rc=$?
		case ${rc:-0} in
		0) say "applying ${p#"$root"/}" ;;
		2) say "${p#"$root"/}: in this tree already" ;;
		*) say "patch ${p#"$root"/} does not apply to this tree: left out" ;;
		esac
		rc=
	done
	mirror_keep_times "$mirror" "$state"
}

# mirror_keep_times MIRROR STATE: a patched file whose content is what the
# previous build compiled keeps that build's time, so that make rebuilds
# nothing for it (patch gives it a new mtime each time; a patched header
# such as sysdep/ptrace.h would otherwise rebuild the whole kernel at every
# bisect step). STATE/keep holds the last patched copies.
mirror_keep_times() {
	local mirror=$1 keep=$2/keep f
	sort -u "$2/patched" | while IFS= read -r f; do
		[ -f "$mirror/$f" ] && [ ! -L "$mirror/$f" ] || continue
		if cmp -s "$mirror/$f" "$keep/$f"; then
			touch -r "$keep/$f" "$mirror/$f"
		else
			mkdir -p "$(dirname "$keep/$f")"
			cp -p "$mirror/$f" "$keep/$f"
		fi
	done
}

# export_commit SRC REV: REV of the git tree SRC written to
# trees/export-PATHKEY/src through a private index, which git updates file
# by file from the previous export (so the build stays incremental); the
# user's work tree, index, HEAD and refs are not touched. Sets export_src
# and export_id (the id a clean checkout of REV has).
export_commit() {
	local src=$1 rev=$2 gitdir commit exp
	gitdir=$(git -C "$src" rev-parse --absolute-git-dir 2>/dev/null) ||
		fail "$src is not a git tree (--commit needs one)"
	commit=$(git -C "$src" rev-parse --verify -q "$rev^{commit}") ||
		fail "no commit '$rev' in $src"
	exp=$cache/trees/export-$(printf '%s' "$src" | sha256sum | cut -c1-12)
	mkdir -p "$exp/src"
	exec 7>"$exp.lock"
	flock 7
	echo "$src (git export)" >"$exp/source"
	say "writing $rev (${commit:0:12}) of $src to the cache"
	GIT_INDEX_FILE=$exp/index git --git-dir="$gitdir" --work-tree="$exp/src" \
		read-tree --reset -u "$commit" >"$exp/git.log" 2>&1 ||
		fail "cannot write $rev of $src: $(tail -n 1 "$exp/git.log")"
	export_src=$exp/src
	export_id=${commit:0:12}-$(printf '' | sha256sum | cut -c1-8)
}

# tree_config_check SRC DOTCONFIG: the extra lines must all land (else
# refused); our fragments' lines too (those the extra lines override
# aside), but an option this tree does not have at all (a version of Linux
# older or newer than our fragments) is left out and named.
tree_config_check() {
	local src=$1 config=$2 ours rc=0
	if [ -n "$extra" ] && ! "$root/scripts/kconfig-why.pl" "$src" \
		"$config" "$extra"; then
		refuse "the options asked for do not all land"
	fi
	ours=$(mktemp -d)
	tmpdirs+=("$ours")
	if [ -n "$extra" ]; then
		cat "${frags[@]}" | grep -vE "^(# )?($(sed 's/^# //; s/[= ].*//' \
			"$extra" | paste -sd'|'))[= ]" >"$ours/frags" || true
	else
		cat "${frags[@]}" >"$ours/frags"
	fi
	"$root/scripts/check-config.sh" "$config" "$ours/frags" 2>/dev/null &&
		return 0
	"$root/scripts/kconfig-why.pl" --absent "$ours/absent" "$src" "$config" \
		"$ours/frags" 2>"$ours/why" || rc=$?
	if [ -s "$ours/absent" ]; then
		say "options of our fragments this tree does not have, left out: $(extras_summary "$ours/absent")"
	fi
	if [ $rc != 0 ]; then
		cat "$ours/why" >&2
		fail "configuration failed: options of our fragments that this tree has did not land"
	fi
}

# build_tree SRC [ID NAME]: ID names the content (default: tree_id), NAME
# the source in the listing (default: SRC). The mirror and object
# directory are kept per tree and per extra options (not per version or
# per our inputs), so a bisect step to another version, which gets other
# variants of our patches and fragments, still builds incrementally.
build_tree() {
	local src version series full pathkey cfgkey objkey modkey id tree art
	local log last
	src=$1
	[ -f "$src/Makefile" ] && [ -d "$src/arch/um" ] ||
		fail "$src is not a Linux source tree (no Makefile or arch/um)"
	version=$(sed -n 's/^VERSION = //p' "$src/Makefile")
	series=$version.$(sed -n 's/^PATCHLEVEL = //p' "$src/Makefile")
	full=$series.$(sed -n 's/^SUBLEVEL = //p' "$src/Makefile")$(sed -n \
		's/^EXTRAVERSION = //p' "$src/Makefile")

	pick_inputs "$series"
	tree_pick "$series"
	flavours_apply "$series"
	extras_drop_ours
	extras_guard
	cfgkey=$({
		config_inputs
		[ ${#flavour_patches[@]} = 0 ] || cat "${flavour_patches[@]}"
		[ -z "$extra" ] || cat "$extra"
	} | sha256sum | cut -c1-16)
	objkey=$({
		echo tree
		[ ${#flavour_patches[@]} = 0 ] || cat "${flavour_patches[@]}"
		[ -z "$extra" ] || cat "$extra"
	} | sha256sum | cut -c1-16)
	modkey=$(module_key)
	pathkey=$(printf '%s' "$src" | sha256sum | cut -c1-12)
	id=${2:-$(tree_id "$src")}
	tree=$cache/trees/tree-$pathkey-$objkey
	art=$cache/kernels/tree-$id-$cfgkey-$modkey

	verdict "$art" "$tree/obj/linux" incremental
	if [ -e "$art/.done" ]; then
		built "$art" "$tree/src" "$tree/obj"
		return
	fi
	mkdir -p "$cache/trees" "$cache/kernels" "$tree/obj"
	exec 9>"$cache/.lock-tree-$pathkey-$objkey"
	flock 9
	if [ -e "$art/.done" ]; then
		built "$art" "$tree/src" "$tree/obj"
		return
	fi
	log=$tree/build.log
	: >"$log"
	echo "${3:-$src}" >"$tree/source"
	[ -z "$extra" ] || cp "$extra" "$tree/variant"
	flavours_label >"$tree/label"
	[ -s "$tree/label" ] || rm "$tree/label"
	say "linux $full from ${3:-$src} ($id)"
	last=$(cat "$tree/version" 2>/dev/null || true)
	if [ -n "$last" ] && [ "$last" != "$full" ] && [ -e "$tree/obj/linux" ]; then
		say "the object directory last built linux $last: kept, make rebuilds what differs"
	fi
	mirror_sync "$src" "$tree/src" "$tree"
	plan_out=$tree/plan
	: >"$plan_out"
	mirror_patch "$src" "$tree/src" "$tree"
	say "configuring${extra:+ with $(extras_said)}"
	"$root/scripts/kconfig.sh" --warn "$tree/src" "$tree/obj" "${frags[@]}" \
		${extra:+"$extra"} >>"$log" 2>"$tree/config.warn" || {
		cat "$tree/config.warn" >>"$log"
		fail "configuration failed (see $log)"
	}
	tree_config_check "$tree/src" "$tree/obj/.config"
	echo "$full" >"$tree/version"
	make_kernel "$tree" "$tree/src" "$tree/obj"
	build_module "$tree" "$tree/src" "$tree/obj" "$art" "$extra"
	built "$art" "$tree/src" "$tree/obj"
}

# patch_plan DIR: build nothing; for a tree build of DIR (a Linux tree, or
# only the files our patches touch and the Makefile), every variant of our
# patches tried, in order, and what came of it: lines "SLOT<tab>PATCH<tab>
# RESULT" (applied, does not apply, not tried, left out, not needed).
patch_plan() {
	local src=$1 version series work slot
	[ -f "$src/Makefile" ] || fail "$src has no Makefile (VERSION, PATCHLEVEL)"
	version=$(sed -n 's/^VERSION = //p' "$src/Makefile")
	series=$version.$(sed -n 's/^PATCHLEVEL = //p' "$src/Makefile")
	pick_inputs "$series"
	tree_pick "$series"
	work=$(mktemp -d)
	tmpdirs+=("$work")
	plan_out=$work/plan
	: >"$plan_out"
	(
		# DIR is no git tree, whatever it lies in
		[ -e "$src/.git" ] || export GIT_CEILING_DIRECTORIES=${src%/*}
		mirror_sync "$src" "$work/src" "$work"
	)
	for slot in $(cut -d' ' -f1 <<<"$tree_slots" | uniq); do
		mirror_slot "$src" "$work/src" "$work" "$slot" 2>/dev/null
	done
	cat "$plan_out"
}

# --- the cache --------------------------------------------------------------
list_cache() {
	local d size what k
	[ -d "$cache" ] || return 0
	echo "# cache: $cache"
	for d in "$cache"/kernels/*/ "$cache"/trees/*/ "$cache"/trees/*/k*/ \
		"$cache"/modules/*/; do
		[ -d "$d" ] || continue
		d=${d%/}
		[[ $d != */trees/*/* ]] || [[ ${d##*/} =~ ^k[0-9a-f]{16}$ ]] || continue
		size=$(du -sh "$d" 2>/dev/null | cut -f1)
		case $d in
		*/kernels/*) what=kernel ;;
		*/modules/*) what="modules $(cat "$d/source" 2>/dev/null)" ;;
		*) what=build ;;
		esac
		if [[ $d == */modules/* ]]; then
			:
		elif [ -e "$d/source" ]; then
			what="$what $(cat "$d/source")"
		elif [[ $d != */tree-* ]]; then
			k=${d#"$cache"/*/}
			what="$what linux-source-${k%%-*}"
		fi
		if [ -e "$d/label" ]; then
			what="$what + $(cat "$d/label")"
		elif [ -e "$d/variant" ]; then
			what="$what + $(extras_summary "$d/variant")"
		fi
		printf '%-7s %s  %s\n' "$size" "${d#"$cache"/}" "$what"
	done
	if [ -d "$cache/ccache" ]; then
		printf '%-7s %s  %s\n' "$(du -sh "$cache/ccache" 2>/dev/null | cut -f1)" \
			ccache "the compiler cache (bounded at ${CCACHE_MAXSIZE:-5G}; --prune keeps it)"
	fi
	echo "# total: $(du -sh "$cache" 2>/dev/null | cut -f1)"
}

# Keep only the current kernel (and its build tree) of each Debian series
# for this checkout's fragments, patches and module, and the kernels of
# its variants; remove the rest (a variant's object dir too: the next build
# of a variant starts again from the series' tree).
prune_cache() {
	local series keep=() variants=() d k v version
	[ -d "$cache" ] || return 0
	for series in $(fact SERIES); do
		version=$(dpkg-query -W -f='${Version}' "linux-source-$series" \
			2>/dev/null) || continue
		pick_inputs "$series"
		k=$({
			echo "debian linux-source-$series $version"
			config_inputs
		} | sha256sum | cut -c1-16)
		keep+=("trees/$series-$k" "kernels/$series-$k-$(module_key)")
		variants+=("kernels/$series-$k-k*-$(module_key)")
	done
	exec 9>"$cache/.lock-prune"
	flock 9
	for d in "$cache"/kernels/* "$cache"/trees/*; do
		[ -e "$d" ] || continue
		k=${d#"$cache"/}
		[[ " ${keep[*]} " == *" $k "* ]] && continue
		for v in "${variants[@]}"; do
			# shellcheck disable=SC2053 # a pattern
			[[ $k == $v ]] && continue 2
		done
		echo "removing $k ($(du -sh "$d" | cut -f1))" >&2
		rm -rf "$d"
	done
	# the object dirs of the variants, in the series' trees kept
	for d in "$cache"/trees/*/k*/; do
		d=${d%/}
		[[ ${d##*/} =~ ^k[0-9a-f]{16}$ ]] || continue
		echo "removing ${d#"$cache"/} ($(du -sh "$d" | cut -f1))" >&2
		rm -rf "$d"
	done
	# a user's modules go with the kernel they were built for
	for d in "$cache"/modules/*; do
		[ -e "$d" ] || continue
		k=${d##*/}
		[ -e "$cache/kernels/${k%-*}" ] && continue
		echo "removing modules/$k ($(du -sh "$d" | cut -f1))" >&2
		rm -rf "$d"
	done
	# the launcher's memos of which kernel the script found (kernels.c)
	rm -rf "$cache/lookup"
}

while [ $# -gt 0 ]; do
	case $1 in
	--probe)
		probe=1
		shift
		;;
	--where)
		probe=where
		shift
		;;
	--kconfig)
		[ $# -ge 2 ] || usage
		[ -f "$2" ] && [ -r "$2" ] || refuse "--kconfig $2: no such file"
		extra_args+=(--kconfig "$(realpath -- "$2")")
		shift 2
		;;
	--kconfig-add)
		[ $# -ge 2 ] || usage
		extra_args+=(--kconfig-add "$2")
		shift 2
		;;
	--flavour)
		[ $# -ge 2 ] || usage
		flavours_known | grep -qxF -- "$2" ||
			refuse "unknown flavour '$2' (known: $(flavours_known | paste -sd' '))"
		[[ " ${flavours[*]} " == *" $2 "* ]] || flavours+=("$2")
		shift 2
		;;
	"$(fact BUILD_DROP_LAYER)")
		drop_layer=1
		shift
		;;
	*) break ;;
	esac
done
cd "$root"
extras_collect

case ${1:-} in
--tree)
	case $# in
	2) commit= ;;
	4) [ "$3" = --commit ] || usage; commit=$4 ;;
	*) usage ;;
	esac
	label=$2
	tree=$(cd "$OLDPWD" && realpath -e -- "$2" 2>/dev/null) ||
		fail "no tree at $2"
	label=$(basename "$tree")
	if [ -n "$commit" ]; then
		export_commit "$tree" "$commit"
		# the export is no git tree, whatever the cache lies in
		export GIT_CEILING_DIRECTORIES=${export_src%/*}
		build_tree "$export_src" "$export_id" "$tree@$commit"
	else
		build_tree "$tree"
	fi
	;;
--patch-plan)
	[ $# = 2 ] && [ -z "$extra" ] && [ ${#flavours[@]} = 0 ] || usage
	label=plan
	patch_plan "$(cd "$OLDPWD" && realpath -e -- "$2")"
	;;
--list | --prune | --cache)
	[ $# = 1 ] && [ -z "$extra" ] && [ ${#flavours[@]} = 0 ] || usage
	case $1 in
	--list) list_cache ;;
	--prune) prune_cache ;;
	*) echo "$cache" ;;
	esac
	;;
-* | '') usage ;;
*) [ $# = 1 ] || usage; build_series "$1" ;;
esac
