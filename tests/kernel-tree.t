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

finish
