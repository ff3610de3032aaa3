#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Make arch-um-config/flavours/debian-SERIES.config (the debian flavour's
# options for SERIES, umlrun --flavour debian): every option Debian's amd64
# configuration of the series (package linux-config-SERIES, the generic
# flavour) turns on, =y or =m, that ARCH=um offers (a Kconfig file it reads
# defines it with a prompt), built in (=m becomes =y: modules cannot load
# after umlinit locks the kernel), less what arch-um-config/debian-exclude
# leaves out. The rule is in scripts/debian-options.pl; the locations come
# from the series' Kconfig files (scripts/kconfig-where.pl), read from
# linux-source-SERIES unless --src names an unpacked tree.
#
# usage: debian-config.sh [--src DIR] [--debian FILE] [--exclude FILE]
#                         [--table] SERIES [OUT]
#   OUT defaults to arch-um-config/flavours/debian-SERIES.config; `make debian-config`
#   remakes both series'. --debian and --exclude read another Debian
#   configuration (plain or .xz) or exclusion file (tests); --table prints
#   debian-options.pl's table (one line per option Debian turns on, with its
#   verdict, reason, location and area) instead of writing the fragment.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
usage() {
	echo "usage: debian-config.sh [--src DIR] [--debian FILE] [--exclude FILE] [--table] SERIES [OUT]" >&2
	exit 2
}
src= debian= exclude=$root/arch-um-config/debian-exclude table=0
while [ $# -gt 0 ]; do
	case $1 in
	--src) [ $# -ge 2 ] || usage; src=$(realpath -e "$2"); shift 2 ;;
	--debian) [ $# -ge 2 ] || usage; debian=$(realpath -e "$2"); shift 2 ;;
	--exclude) [ $# -ge 2 ] || usage; exclude=$(realpath -e "$2"); shift 2 ;;
	--table) table=1; shift ;;
	-*) usage ;;
	*) break ;;
	esac
done
[ $# -ge 1 ] && [ $# -le 2 ] || usage
series=$1
out=${2:-$root/arch-um-config/flavours/debian-$series.config}
if [ -z "$debian" ]; then
	debian=/usr/src/linux-config-$series/config.amd64_none_amd64.xz
	[ -r "$debian" ] || {
		echo "debian-config: $debian missing (apt-get install linux-config-$series)" >&2
		exit 1
	}
	debname="linux-config-$series $(dpkg-query -W -f='${Version}' "linux-config-$series"), ${debian##*/}"
else
	debname=$debian
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ -z "$src" ]; then
	tarball=/usr/src/linux-source-$series.tar.xz
	[ -r "$tarball" ] || {
		echo "debian-config: $tarball missing (apt-get install linux-source-$series), or give --src" >&2
		exit 1
	}
	mkdir "$tmp/src"
	tar -xJf "$tarball" -C "$tmp/src" --strip-components=1 \
		--wildcards '*/Kconfig*'
	src=$tmp/src
fi
# --src is linux-source-SERIES unpacked (a cache tree): named as the
# package, so that the fragment, which is in the kernel's cache key, is
# the same byte for byte whichever way it was made
srcname=$(dpkg-query -W -f='${Package} ${Version}' "linux-source-$series" \
	2>/dev/null) || srcname=$src

case $debian in
*.xz) xz -dc "$debian" ;;
*) cat "$debian" ;;
esac >"$tmp/debian.config"
"$root/scripts/kconfig-where.pl" "$src" >"$tmp/where"
"$root/scripts/debian-options.pl" --series "$series" "$tmp/debian.config" "$tmp/where" \
	"$exclude" >"$tmp/options"
if [ $table = 1 ]; then
	cat "$tmp/options"
	exit 0
fi

count() { awk -F'\t' -v v="$1" '$2 == v' "$tmp/options" | wc -l; }
{
	cat <<-EOF
	# Made by scripts/debian-config.sh $series (\`make debian-config\`); do
	# not edit: change arch-um-config/debian-exclude or the rule, then remake.
	# From $debname,
	# read against the Kconfig files of $srcname.
	# Debian turns on $(wc -l <"$tmp/options") options (=y or =m): $(count derived) are here, built in;
	# $(count excluded) are left out by debian-exclude, $(count absent) are not options for ARCH=um,
	# and $(count implied) have no prompt (Kconfig sets them from the others).
	# Every line must land in .config (scripts/kconfig.sh checks).
	EOF
	awk -F'\t' '$2 == "derived" { print $4 "\t" $1 }' "$tmp/options" |
		LC_ALL=C sort -t "$(printf '\t')" -k1,1 -k2,2 |
		awk -F'\t' '$1 != f { print "# " $1; f = $1 } { print "CONFIG_" $2 "=y" }'
} >"$out.new"
# Only switches go in: no value Debian set (a string reaches make through
# include/config/auto.conf) and no comment that Kconfig would read
if grep -vE '^(CONFIG_[A-Za-z0-9_]+=y|# [^C].*|# C[^O].*)$' "$out.new" >&2; then
	echo "debian-config: the lines above are not CONFIG_X=y or a comment" >&2
	rm -f "$out.new"
	exit 1
fi
mv "$out.new" "$out"
echo "debian-config: $out: $(count derived) options" >&2
