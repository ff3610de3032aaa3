#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build umlrun's Debian packages (`make deb`): lay out a build tree in OUT
# with the sources, scripts/debian/ as debian/ (a changelog made for this
# version) and the kernels make put in build/kernels/SERIES, build the
# binary packages there with dpkg-buildpackage and check them with lintian.
#
# usage: make-deb.sh OUT SERIES...
# The version is UMLRUN_VERSION (userspace/launcher/options.h), and in a git
# checkout +gitN.HASH: N commits up to HEAD, its short hash, +dirty when
# tracked files differ from it. The maintainer and date are HEAD's author
# and commit date (DEB_MAINTAINER overrides the maintainer).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
out=$1
shift
cd "$root"

ver=$(sed -n 's/^#define UMLRUN_VERSION "\(.*\)"$/\1/p' userspace/launcher/options.h)
[ -n "$ver" ] || { echo "make-deb: no UMLRUN_VERSION in userspace/launcher/options.h" >&2; exit 1; }
if git rev-parse -q --verify HEAD >/dev/null 2>&1; then
	ver+="+git$(git rev-list --count HEAD).$(git rev-parse --short=7 HEAD)"
	git diff --quiet HEAD -- || ver+="+dirty"
	maint=$(git log -1 --format='%an <%ae>')
	date=$(git log -1 --format=%cD)
	what="git commit $(git rev-parse --short=12 HEAD)"
else
	maint="umlrun maintainers <root@$(hostname -f)>"
	date=$(date -R)
	what="a tree without git"
fi
maint=${DEB_MAINTAINER:-$maint}

mkdir -p "$out"
out=$(cd "$out" && pwd)
rm -rf "$out"/umlrun-[0-9]* "$out"/*.deb "$out"/*.changes "$out"/*.buildinfo
tree=$out/umlrun-$ver
mkdir -p "$tree"
cp -r Makefile Kbuild README.md docs userspace hostexec-driver arch-um-config \
	patches scripts "$tree/"
cp -r scripts/debian "$tree/debian"
sed -i "s|@MAINTAINER@|$maint|" "$tree/debian/control"
cat >"$tree/debian/changelog" <<EOF
umlrun ($ver) unstable; urgency=medium

  * Built by make deb from $what.

 -- $maint  $date
EOF
for v in "$@"; do
	k=$(readlink -f "build/kernels/$v")
	if [ ! -x "$k/linux" ] || [ ! -f "$k/hostexec.ko" ]; then
		echo "make-deb: no $v kernel in build/kernels/$v (make kernels)" >&2
		exit 1
	fi
	install -D -m 755 "$k/linux" "$tree/kernels/$v/linux"
	install -D -m 644 "$k/hostexec.ko" "$tree/kernels/$v/hostexec.ko"
done

echo "  DEB     umlrun $ver (log: $out/build.log)"
if ! (cd "$tree" && dpkg-buildpackage -b -us -uc) >"$out/build.log" 2>&1; then
	tail -n 30 "$out/build.log" >&2
	echo "make-deb: dpkg-buildpackage failed (see $out/build.log)" >&2
	exit 1
fi
changes=$out/umlrun_${ver}_$(dpkg --print-architecture).changes
echo "  LINTIAN $(basename "$changes")"
if ! lintian --fail-on error,warning "$changes" >"$out/lintian.log" 2>&1; then
	cat "$out/lintian.log" >&2
	echo "make-deb: lintian found problems (see $out/lintian.log)" >&2
	exit 1
fi
sed "/^running with root privileges/d; s/^/          /" "$out/lintian.log"
for f in "$out"/*.deb; do
	echo "          $f"
done
