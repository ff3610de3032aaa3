#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The "before" kernel of a speed patch: the series built from a scratch
# copy of this checkout without the named patches (everything else as it
# is, so a run of the two kernels in one bench/workload.sh compares only
# the patches), in the cache like any other kernel (its own key; a full
# build the first time, about 6 minutes for 6.12 on 2 cores). Prints the
# kernel's path, for UMLRUN_ARGS_B:
#
#   k=$(bench/baseline.sh 6.12 0005-um-keep-fp-state-in-the-host-process)
#   UMLRUN_ARGS_B="-k $k" bench/workload.sh
#
# usage: bench/baseline.sh SERIES PATCH...   (a patch by its file name,
# without .patch, as it is in patches/SERIES/)
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 2 ] || { echo "usage: bench/baseline.sh SERIES PATCH..." >&2; exit 2; }
series=$1
shift
copy=$(mktemp -d "${TMPDIR:-/tmp}/umlrun-baseline.XXXXXX")
trap 'rm -rf "$copy"' EXIT
git ls-files -z | xargs -0 cp --parents -t "$copy"
for p in "$@"; do
	[ -e "$copy/patches/$series/$p.patch" ] ||
		{ echo "bench: no patches/$series/$p.patch" >&2; exit 2; }
	rm "$copy/patches/$series/$p.patch"
done
art=$("$copy/scripts/build-kernel.sh" "$series")
echo "$art/linux"
