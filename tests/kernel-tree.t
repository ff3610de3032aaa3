#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# --kernel-tree, --list-kernels and --prune-kernels without building a
# kernel (tests/bisect.t builds one): failures are 125 and say why; the
# cache listing and pruning work on a private cache (UMLRUN_CACHE).
. "$(dirname "$0")/lib.sh"
need_kernel
export UMLRUN_CACHE=$T/cache

mkdir -p "$T/notlinux"
um --kernel-tree "$T/notlinux" -- true
is "$rc" 125 "a tree that is not Linux is 125"
like "$(cat "$T/err")" 'is not a Linux source tree' "  ... the build says why"
like "$(tail -1 "$T/err")" "^umlrun: the kernel of $T/notlinux did not build$" "  ... umlrun says the tree did not build"
um --kernel-tree "$T/nonexistent" -- true
is "$rc" 125 "a missing tree is 125"
um -k /nonexistent --kernel-tree "$T/notlinux" -- true
is "$rc" 125 "--kernel with --kernel-tree is a usage error"
UMLRUN_BUILD_KERNEL=/nonexistent/build-kernel.sh um --kernel-tree "$T/notlinux" -- true
is "$rc" 125 "a missing build script is 125"
um --list-kernels -- true
is "$rc" 125 "--list-kernels takes no command"

# a fake cache: a series kernel that is not this checkout's, a tree build
mkdir -p "$UMLRUN_CACHE/kernels/6.12-0000000000000000-1111111111111111" \
	"$UMLRUN_CACHE/trees/tree-222222222222-3333333333333333" \
	"$UMLRUN_CACHE/kernels/tree-444444444444-55555555-3333333333333333-1111111111111111"
echo /src/linux >"$UMLRUN_CACHE/trees/tree-222222222222-3333333333333333/source"
head -c 100000 /dev/zero >"$UMLRUN_CACHE/kernels/6.12-0000000000000000-1111111111111111/linux"
um --list-kernels
is "$rc" 0 "--list-kernels exits 0"
like "$(cat "$T/out")" '^1[0-9][0-9]K +kernels/6\.12-0000000000000000-1111111111111111  kernel linux-source-6\.12$' "  ... lists a series kernel with its size"
like "$(cat "$T/out")" 'trees/tree-222222222222-3333333333333333  build /src/linux$' "  ... lists a tree build with its source"
like "$(cat "$T/out")" 'kernels/tree-444444444444-' "  ... lists a tree's kernel"
um --prune-kernels
is "$rc" 0 "--prune-kernels exits 0"
is "$(find "$UMLRUN_CACHE/kernels" "$UMLRUN_CACHE/trees" -mindepth 1 | wc -l)" 0 "  ... removes what is not this checkout's current kernels"
like "$(cat "$T/err")" 'removing kernels/6\.12-0000000000000000-1111111111111111' "  ... and says what it removes"

# --probe says what a kernel would cost and builds nothing: the user's own
# cache has the series (make check builds it); a variant nobody asked for
# and a tree never built are full builds, and nothing of them appears
bk() { "$ROOT/scripts/build-kernel.sh" "$@" 2>"$T/err"; }
is "$(UMLRUN_CACHE= bk --probe "$KERNEL_VERSION")" cached "--probe of the series make built: cached"
is "$(bk --probe "$KERNEL_VERSION")" full "--probe on an empty cache: full"
is "$(bk --probe --kconfig-add CONFIG_MINIX_FS=y "$KERNEL_VERSION")" full "--probe of a variant never built: full"
linux=$(readlink -f "$ROOT/build/kernels/6.12")
src=$(dirname "$(dirname "$linux")")/trees/$(basename "$linux" | sed 's/-[0-9a-f]*$//')/src
is "$(bk --probe --tree "$src")" full "--probe of a tree never built: full"
is "$(find "$UMLRUN_CACHE" -mindepth 2 -maxdepth 2 2>/dev/null | grep -v '/\.' | wc -l)" 0 "  ... and none of them built or unpacked anything"

# --patch-plan: which variant of each of our patches a tree gets, by the
# probes and exact dry runs a build uses; here on the files our patches
# touch, taken from the cached 6.12 source (patched) and with the 6.12
# patches taken out again (Debian's own)
pp=$T/pp
mkdir -p "$pp/patched" "$pp/debian"
for f in Makefile $(sed -n 's|^+++ [^/]*/\([^[:space:]]*\).*|\1|p' "$ROOT"/patches/6.12/*.patch | sort -u); do
	mkdir -p "$(dirname "$pp/patched/$f")" "$(dirname "$pp/debian/$f")"
	cp "$src/$f" "$pp/patched/$f"
	cp "$src/$f" "$pp/debian/$f"
done
for p in $(ls -r "$ROOT"/patches/6.12/*.patch); do
	patch -s -R -p1 -F0 -d "$pp/debian" <"$p"
done
nslots=$(ls "$ROOT"/patches/6.12/*.patch | wc -l)
bk --patch-plan "$pp/debian" >"$T/plan"
is "$(grep -c $'\tapplied$' "$T/plan")/$(cut -f1 "$T/plan" | sort -u | wc -l)" "$nslots/$nslots" "--patch-plan of Debian's 6.12 files: every slot has a variant applied"
is "$(grep $'\tapplied$' "$T/plan" | grep -vc $'\tpatches/6\.12/')" 0 "  ... the 6.12 series' own"
bk --patch-plan "$pp/patched" >"$T/plan"
is "$(grep -c $'\tin the tree already$' "$T/plan")" "$nslots" "--patch-plan of our patched files: each patch is in the tree already"
echo 'unsigned long host_fp_size;' >>"$pp/debian/arch/x86/um/os-Linux/registers.c"
bk --patch-plan "$pp/debian" >"$T/plan"
is "$(grep -P '^0001\t' "$T/plan")" $'0001\t-\tnot needed' "  ... 0001 is not tried where upstream sizes the XSAVE buffer (host_fp_size)"
sed -i 's/statx_to_hostfs/statx_to_something/' "$pp/debian/fs/hostfs/hostfs_user.c"
bk --patch-plan "$pp/debian" >"$T/plan"
is "$(grep -P '^0002\t' "$T/plan" | cut -f3 | paste -sd,)" "not tried (no such code),not tried (no such code),not tried (no such code),left out" \
	"  ... 0002's variants are tried only where their code is; none: left out"
like "$(grep -P '^0003\t' "$T/plan" | tail -n 1)" $'^0003\t-\tleft out$' "  ... and 0003, which needs 0002, with it"

# the options of our fragments a tree's Kconfig lacks are only named; one
# it has that does not land fails (kconfig-why.pl --absent)
tree=$(dirname "$src")
printf 'CONFIG_UMLRUN_NO_SUCH_OPTION=y\nCONFIG_XFS_QUOTA=y\n' >"$T/frag"
"$ROOT/scripts/kconfig-why.pl" --absent "$T/absent" "$src" "$tree/obj/.config" "$T/frag" 2>"$T/why"
is "$?/$(cat "$T/absent")" 1/CONFIG_UMLRUN_NO_SUCH_OPTION=y "kconfig-why.pl --absent: an option the tree lacks goes to the list"
like "$(cat "$T/why")" '^config: CONFIG_XFS_QUOTA=y did not land .*depends on XFS_FS' "  ... one it has that did not land is named with why, and fails"

finish
