#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Configure a Linux tree for ARCH=um: the architecture defconfig, then our
# fragments merged with the kernel's own merge_config.sh and olddefconfig,
# then a check that every line of every fragment landed in .config (UML
# silently drops options it cannot support).
#
# usage: kconfig.sh [--warn] SRCDIR OBJDIR FRAGMENT...
#   --warn: options that did not land are named but do not fail (any tree)
set -euo pipefail

warn=0
if [ "${1:-}" = --warn ]; then
	warn=1
	shift
fi

src=$(realpath "$1") obj=$(realpath "$2")
shift 2
frags=(); for f in "$@"; do frags+=("$(realpath "$f")"); done; set -- "${frags[@]}"
make_um() { make -s -C "$src" O="$obj" ARCH=um "$@"; }

make_um defconfig >/dev/null
(cd "$obj" && ARCH=um KCONFIG_CONFIG=.config \
	"$src/scripts/kconfig/merge_config.sh" -m .config "$@" >/dev/null)
make_um olddefconfig >/dev/null
"$(dirname "$0")/check-config.sh" "$obj/.config" "$@" || [ $warn = 1 ]
