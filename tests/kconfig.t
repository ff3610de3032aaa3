#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Kernels you configure: --kconfig-add and --kconfig variants of both
# series (one build each, seeded from the series' built tree), proved in
# the guest by mounting a minix filesystem made there (CONFIG_MINIX_FS is
# off in our fragments: the control run fails); a fragment file with the
# same line is the same variant (a cache hit); a line that cannot land is
# 125 naming it and the dependency, and stops at configuration; options the
# kernel layer rests on are refused without --drop-layer kernel; a series
# make did not link is found (or built) on first use; --append reaches
# /proc/cmdline and umlrun's own parameters are refused. Builds go to the
# user's cache (the series trees are there); at most one per series.
. "$(dirname "$0")/lib.sh"
need_kernel

home=${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}
cache=${UMLRUN_CACHE:-${XDG_CACHE_HOME:-$home/.cache}/umlrun}
minix='cd /tmp && truncate -s 1M img && mkfs.minix img >/dev/null &&
	mkdir m && mount -t minix -o loop img m && echo minix-ok >m/f && cat m/f'
built() { sed -n 's/.*KERNEL .*built in \([0-9]*\) s$/\1/p' "$T/err" | tail -n 1; }

# --- the control: our kernels have no minix ---------------------------------
um -- sh -c "$minix"
ok "$([ "$rc" != 0 ]; echo $?)" "control: minix does not mount on the 6.12 kernel as built (rc $rc)"
unlike "$(cat "$T/out")" minix-ok "  ... and nothing was written"

# --- a variant of each series, then the same again: a cache hit -------------
for v in 6.12 6.1; do
	[ -x "$ROOT/build/kernels/$v/linux" ] || {
		ok 1 "no $v kernel: run make kernels"
		continue
	}
	TEST_TIMEOUT=3600 um -v --kernel-version "$v" --kconfig-add CONFIG_MINIX_FS=y -- \
		sh -c "uname -r; zcat /proc/config.gz | grep -x CONFIG_MINIX_FS=y; $minix"
	is "$rc" 0 "$v --kconfig-add CONFIG_MINIX_FS=y: the command runs"
	like "$(cat "$T/out")" "^$v\.[0-9]+-umlrun" "  ... on the $v series"
	like "$(cat "$T/out")" '^CONFIG_MINIX_FS=y$' "  ... whose /proc/config.gz has the option"
	like "$(cat "$T/out")" '^minix-ok$' "  ... and a minix filesystem made in the guest mounts and works"
	secs=$(built)
	echo "# $v variant: ${secs:-no} build (s)" >&2
	start=$(date +%s%N)
	um -v --kernel-version "$v" --kconfig-add CONFIG_MINIX_FS=y -- true
	ms=$((($(date +%s%N) - start) / 1000000))
	is "$rc" 0 "$v: the same variant again"
	unlike "$(cat "$T/err")" 'KERNEL .*(building|configuring)' "  ... is a cache hit: nothing configured or built"
	ok "$([ "$ms" -lt 20000 ]; echo $?)" "  ... and quick ($ms ms)"
	like "$(cat "$T/err")" "the $v kernel with the extra options: .*/kernels/.* \\(the memo " \
		"  ... found by the memo of the script's answer (the script does not run)"
done
# the memo is keyed by the inputs' names, sizes and times: a file of the
# checkout touched (its content the same) runs the script again, which
# finds the same kernel and keeps a new memo
touch "$ROOT/arch-um-config/flavours/coverage.config"
um -v --kconfig-add CONFIG_MINIX_FS=y -- true
is "$rc" 0 "a checkout file touched: the variant runs"
unlike "$(cat "$T/err")" '\(the memo ' "  ... without the old memo: the script ran"
um -v --kconfig-add CONFIG_MINIX_FS=y -- true
like "$(cat "$T/err")" '\(the memo ' "  ... and the next run has a memo again"
# a link planted where the memo is (by a guest given the cache rw, say) is
# not followed: the script runs, and the memo written replaces the link
memo=$(sed -n 's/.*(the memo \(.*\))$/\1/p' "$T/err")
echo "$ROOT/build" >"$T/elsewhere"
rm -f "$memo" && ln -s "$T/elsewhere" "$memo"
um -v --kconfig-add CONFIG_MINIX_FS=y -- true
is "$rc" 0 "a link planted at the memo: the variant runs"
unlike "$(cat "$T/err")" '\(the memo ' "  ... the link not followed: the script ran"
ok "$([ -f "$memo" ] && [ ! -L "$memo" ] && [ "$(cat "$T/elsewhere")" = "$ROOT/build" ]; echo $?)" \
	"  ... a memo file replaced the link, and its target was not written"

# --- the compiler cache: a variant built again compiles next to nothing ----
# (romfs, a variant of its own: its kernel and tree are removed and built
# twice; the second build finds the first one's objects in the ccache)
if [ "${UMLRUN_CCACHE:-1}" != 0 ] && [ -x /usr/lib/ccache/gcc ]; then
	# this build's own counts (ccache's stats log), whatever else compiles
	export CCACHE_STATSLOG=$T/ccache-stats.log
	stat() { grep -cx "$1" "$CCACHE_STATSLOG"; }
	# vtree KERNEL-DIR [old]: a variant's object tree (inside the series'
	# tree; before, beside it)
	vtree() {
		local n t=$cache/$(fact CACHE_TREES)
		n=$(basename "${1%-*}")
		if [ "${2:-}" = old ]; then echo "$t/$n"; else echo "$t/${n%-k*}/${n##*-}"; fi
	}
	romfs() {
		local k
		k=$("$ROOT/scripts/build-kernel.sh" --where --kconfig-add CONFIG_ROMFS_FS=y 6.12)
		rm -rf "$k" "$(vtree "$k")" "$(vtree "$k" old)" "$CCACHE_STATSLOG"
		TEST_TIMEOUT=3600 um -v --kconfig-add CONFIG_ROMFS_FS=y -- grep -cw romfs /proc/filesystems
	}
	romfs
	is "$rc/$(cat "$T/out")" 0/1 "a romfs variant built through the compiler cache: romfs is there"
	romfs
	hits=$(($(stat direct_cache_hit) + $(stat preprocessed_cache_hit)))
	misses=$(stat cache_miss)
	is "$rc/$(cat "$T/out")" 0/1 "  ... built again from nothing: romfs is there"
	ok "$([ "$hits" -ge 100 ] && [ $((misses * 10)) -lt "$hits" ]; echo $?)" \
		"  ... and its compiles came from the cache: $hits hits, $misses misses (built in $(built) s)"
	# ccache was handed the source relative to the object dir (so another
	# tree, after a change to our patches, finds the objects): the
	# compiler wrapper maps that path for __FILE__, which still names
	# fs/romfs/... in the kernel, never the cache's directories
	k=$("$ROOT/scripts/build-kernel.sh" --where --kconfig-add CONFIG_ROMFS_FS=y 6.12)
	like "$(cat "$(vtree "$k")/ccbin/gcc")" 'exec ccache [^ ]*gcc -fmacro-prefix-map=\.\./\.\./src/= "\$@"$' \
		"  ... through a wrapper mapping the source dir as ccache hands it over (relative: the same in every tree)"
	strings "$k/linux" >"$T/strings"
	ok "$(grep -qx 'fs/romfs/storage\.c' "$T/strings" && ! grep -Eq '\.\./[0-9.]+-[0-9a-f]{16}/|/trees/' "$T/strings"; echo $?)" \
		"  ... and __FILE__ in the kernel is fs/romfs/storage.c, no path of the cache"
	unset CCACHE_STATSLOG
fi

printf '# minix, as a fragment\nCONFIG_MINIX_FS=y\n\n' >"$T/minix.config"
um -v --kconfig "$T/minix.config" -- sh -c "$minix"
is "$rc/$(cat "$T/out")" 0/minix-ok "--kconfig FILE with the same line: minix mounts"
unlike "$(cat "$T/err")" 'KERNEL .*(building|configuring)' "  ... the same variant: a cache hit"
um --list-kernels
like "$(cat "$T/out")" 'kernels/6\.12-[0-9a-f]+-k[0-9a-f]+-[0-9a-f]+  kernel linux-source-6\.12 \+ CONFIG_MINIX_FS=y$' \
	"--list-kernels shows the variant's kernel with its extra option"
like "$(cat "$T/out")" 'trees/6\.12-[0-9a-f]+(/|-)k[0-9a-f]+  build linux-source-6\.12 \+ CONFIG_MINIX_FS=y$' \
	"  ... and its object dir"

# --- what cannot land stops at configuration, names it and why ---------------
before=$(ls "$cache/trees" | wc -l)
TEST_TIMEOUT=600 um --kconfig-add CONFIG_XFS_QUOTA=y --kconfig-add CONFIG_NOSUCH_OPTION=y -- true
is "$rc" 125 "an option whose dependency is off: 125"
like "$(cat "$T/err")" '^umlrun: config: CONFIG_XFS_QUOTA=y did not land \(have: not set\): depends on XFS_FS \[=n\]' \
	"  ... names the line and the dependency that stopped it"
like "$(cat "$T/err")" '^umlrun: config: CONFIG_NOSUCH_OPTION=y did not land .*no such option in this tree' \
	"  ... and an option the tree does not have"
like "$(tail -n 1 "$T/err")" '^umlrun: the 6\.12 kernel with the extra options: the options asked for do not all land$' \
	"  ... in umlrun's last line"
unlike "$(cat "$T/err")" 'KERNEL .*building' "  ... without building anything"
is "$(ls "$cache/trees" | wc -l)" "$before" "  ... and leaves nothing in the cache"

# --- the kernel layer's options ------------------------------------------------
for line in CONFIG_DEVMEM=y '# CONFIG_HOSTFS is not set' CONFIG_DEBUG_FS=y \
	'# CONFIG_SECURITY_LOCKDOWN_LSM is not set' CONFIG_MODULE_SIG_FORCE=y; do
	um --kconfig-add "$line" -- true
	sym=${line#\# }
	sym=${sym%%[= ]*}
	is "$rc" 125 "--kconfig-add '$line' is refused"
	like "$(head -n 1 "$T/err")" "changes $sym, which the kernel layer rests on .*only with --drop-layer kernel" \
		"  ... naming $sym and the way out"
done
TEST_TIMEOUT=600 um -v --drop-layer kernel --kconfig-add CONFIG_DEVMEM=y --kconfig-add CONFIG_NOSUCH_OPTION=y -- true
like "$(cat "$T/err")" 'KERNEL .*kernel layer given up: CONFIG_DEVMEM=y' "with --drop-layer kernel the change is let through, and said"
is "$rc" 125 "  ... (this one then stops at the option that cannot land: 125"
is "$(grep -c 'CONFIG_NOSUCH_OPTION=y did not land' "$T/err")" 1 "  ... named once, also with -v)"
um -v --kconfig-add CONFIG_SECURITY=y --kconfig-add CONFIG_MODULE_SIG_FORCE=n \
	--kconfig-add CONFIG_MINIX_FS=y -- true
is "$rc" 0 "restating our own isolation lines (CONFIG_X=n as '# CONFIG_X is not set') is no change"
unlike "$(cat "$T/err")" 'KERNEL .*(building|configuring)' "  ... and the same variant as minix alone: a cache hit"
um -k "$KERNEL" --kconfig-add CONFIG_MINIX_FS=y -- true
is "$rc" 125 "--kconfig-add with --kernel is a usage error"
um --kconfig-add nonsense -- true
is "$rc/$(wc -l <"$T/err")" 125/1 "a --kconfig-add that is not CONFIG_X=V: 125, one line"
printf 'CONFIG_MINIX_FS=y\nnot an option\n' >"$T/bad.config"
um --kconfig "$T/bad.config" -- true
like "$rc/$(cat "$T/err")" "^125/.*--kconfig $T/bad.config:2: 'not an option'" "a fragment's bad line: 125 with file and line"

# --- --prune-kernels keeps the current series' variants' kernels -------------
cur=$(basename "$(readlink -f "$ROOT/build/kernels/6.12")")
var=${cur%-*}-k0123456789abcdef-${cur##*-}
mkdir -p "$T/pc/kernels/$var" "$T/pc/trees/${cur%-*}-k0123456789abcdef" \
	"$T/pc/trees/${cur%-*}/k0123456789abcdef/obj" "$T/pc/trees/${cur%-*}/src" \
	"$T/pc/kernels/6.12-0000000000000000-kfedcba9876543210-${cur##*-}"
echo CONFIG_MINIX_FS=y >"$T/pc/kernels/$var/variant"
UMLRUN_CACHE=$T/pc um --prune-kernels
is "$rc" 0 "--prune-kernels with variants"
is "$(cd "$T/pc" && find kernels trees -mindepth 1 -maxdepth 2 | sort | paste -sd' ')" \
	"kernels/$var kernels/$var/variant trees/${cur%-*} trees/${cur%-*}/src" \
	"  ... keeps the current series' variant kernel and tree, drops the variant's object dir (either place) and an old series' variant"

# --- a series make did not link: found in the cache (or built) on first use ---
mkdir -p "$T/lib/kernels"
cp "$ROOT/build/umlinit" "$T/lib/"
ln -s "$(readlink -f "$ROOT/build/kernels/6.12")" "$T/lib/kernels/6.12"
UMLRUN_LIBDIR=$T/lib TEST_TIMEOUT=3600 um --kernel-version 6.1 -- uname -r
like "$rc/$(cat "$T/out")" '^0/6\.1\.[0-9]+-umlrun' "--kernel-version 6.1 without make kernels: built or found on first use"

# --- --append -------------------------------------------------------------------
um --append 'umlrun_test=1 spaced="a b"' --append loglevel=3 -- cat /proc/cmdline
is "$rc" 0 "--append: the run works"
like "$(cat "$T/out")" ' umlrun_test=1 spaced="a b" loglevel=3( |$)' "  ... the parameters reach /proc/cmdline, quoted value whole"
um --append 'spaced="a b"' -- sh -c 'echo "[$spaced]"'
# an unknown name=value goes to init's environment, not to the command's
is "$(cat "$T/out")" "[]" "  ... an unknown parameter does not leak into the command's environment"
for p in mem=1G hostfs_rw=/ init=/bin/sh rdinit=/bin/sh root=/dev/ubda rootflags=/etc \
	ro rw con0=fd:0,fd:1 console=tty0 ssl0=/dev/tty hostexec.fd=0 iomem=x,/etc/passwd \
	umlrun.drop_kernel=1 uml_dir=/tmp umid=x ubd0=/etc/shadow vec0:transport=tap \
	lockdown=none security=none module.sig_enforce=0 time-travel \
	time-travel-start=0 '"hostfs_rw=/"' hostfs-rw=/ uml-dir=/tmp panic=-1 \
	--help -- 'a="b' 'ok=1 mem=2G'; do
	start=$(date +%s%N)
	um --append "$p" -- true
	ms=$((($(date +%s%N) - start) / 1000000))
	is "$rc/$(wc -l <"$T/err")" 125/1 "--append '$p' is refused: 125, one line (${ms} ms, no kernel)"
done
like "$(cat "$T/err")" "^umlrun: --append 'ok=1 mem=2G': umlrun sets mem itself" "  ... naming the parameter"
um --append lpj=4000000 --append quiet -- true
is "$rc" 0 "--append of a tuning parameter umlrun also sets (lpj, quiet) is allowed"
# lsm= picks the active security modules (only ever more refusals):
# lockdown, the kernel layer's, is an early LSM whatever the list says
um --append lsm=capability --append initcall_debug -- sh -c \
	'cat /sys/kernel/security/lsm; echo; cat /sys/kernel/security/lockdown; dmesg | grep -c "initcall .* returned"'
is "$rc" 0 "--append lsm=capability initcall_debug is allowed"
like "$(cat "$T/out")" '^lockdown,capability' "  ... lockdown stays active, first"
like "$(cat "$T/out")" '\[confidentiality\]' "  ... in confidentiality mode"
like "$(cat "$T/out")" '^[1-9][0-9]+$' "  ... and initcall_debug (not init=) timed the initcalls"

finish
