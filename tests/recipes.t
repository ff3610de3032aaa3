#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Every recipe of the README and of docs/*.md runs as written: each block
# marked ```sh recipe is run by bash -e in a scratch directory of its own,
# with the checkout's umlrun first on a user's PATH (with the sbin
# directories, as the README says), and must exit 0 (or its exit=N);
# a ```text output block right after it is its stdout, exactly, and a
# ```text output-like block a list of extended regexes, each matching a line
# of it. Only the declared placeholders are given (docs/tests.md): $ROOTFS
# (needs=rootfs), $LINUX, $GOOD and $BAD (needs=linux-tree), the KUnit
# variant (needs=kunit: a slow tier when it is not cached), the debian
# flavour (needs=debian, the same), a project with
# a `make check` as the working directory (needs=project), and the checkout
# for /usr/local/lib/umlrun/. Also: the links between README and docs/
# resolve, and the README stays short.
. "$(dirname "$0")/lib.sh"
need_kernel

# where the fixtures are kept between runs (the rootfs tar, the Linux tree)
DIR=${UMLRUN_RECIPES_DIR:-/var/tmp/umlrun-recipes-test}
mkdir -p "$DIR"
DOCS=("$ROOT/README.md" "$ROOT"/docs/*.md)

# --- the README fits, and its links and the docs' resolve --------------------
lines=$(wc -l <"$ROOT/README.md")
ok "$([ "$lines" -le 300 ]; echo $?)" "the README is short ($lines lines, at most 300)"
# anchor HEADING: GitHub's anchor of a heading
anchor() {
	printf '%s' "$1" | tr 'A-Z' 'a-z' | sed 's/[^a-z0-9 _-]//g; s/ /-/g'
}
bad=""
for f in "${DOCS[@]}"; do
	# relative links: ](path) or ](path#anchor) or ](#anchor)
	for l in $(grep -oE '\]\([^)[:space:]]+\)' "$f" | sed 's/^](//; s/)$//' | grep -v '^[a-z]*://'); do
		p=${l%%#*}
		a=${l#"$p"}
		a=${a#\#}
		t=$f
		[ -z "$p" ] || t=$(dirname "$f")/$p
		if [ ! -e "$t" ]; then
			bad="$bad ${f#"$ROOT"/}:$l"
		elif [ -n "$a" ] && ! grep '^#' "$t" | sed 's/^#* *//' |
			while read -r h; do anchor "$h"; echo; done | grep -qx -- "$a"; then
			bad="$bad ${f#"$ROOT"/}:$l"
		fi
	done
done
is "$bad" "" "every link of the README and docs/ leads to a file and heading"
for p in options config guest security kernels results speed ci how-it-works tests; do
	grep -q "](docs/$p.md)" "$ROOT/README.md" || bad="$bad $p"
done
is "$bad" "" "the README links every reference page"

# --- the recipes ------------------------------------------------------------
# Each becomes $T/recipes/N.sh, N.where (FILE:LINE ATTRS...) and, when it
# shows its output, N.kind (output or output-like) and N.want.
mkdir -p "$T/recipes"
for f in "${DOCS[@]}"; do
	awk -v out="$T/recipes" -v file="${f#"$ROOT"/}" '
	BEGIN {
		c = 0
		while ((getline l < (out "/count")) > 0)
			c = l
		close(out "/count")
	}
	state == "after" && /^```text output(-like)?$/ {
		state = "want"; kind = $2
		print kind > (out "/" c ".kind"); printf "" > (out "/" c ".want")
		next
	}
	state == "after" { state = "" }
	state == "" && /^```sh recipe( |$)/ {
		c++; state = "recipe"; attrs = $0; sub(/^```sh recipe */, "", attrs)
		print file ":" NR " " attrs > (out "/" c ".where")
		printf "" > (out "/" c ".sh")
		next
	}
	state == "recipe" && /^```$/ { state = "after"; next }
	state == "recipe" { print > (out "/" c ".sh"); next }
	state == "want" && /^```$/ { state = ""; next }
	state == "want" { print > (out "/" c ".want"); next }
	END { print c > (out "/count") }' "$f"
done
count=$(cat "$T/recipes/count")
ok "$([ "$count" -ge 10 ]; echo $?)" "$count recipes found in the README and docs/"
is "$(grep -l '^README.md:' "$T"/recipes/*.where | wc -l)" \
	"$(grep -c '^```sh recipe' "$ROOT/README.md")" "  ... all of the README's"

# skip DESC: a TAP skip
skip() {
	n=$((n + 1))
	echo "ok $n # skip $1"
}

# The fixtures, made on first need.
# rootfs_tar: $ROOTFS, a tar of a Debian bookworm minbase root: the one
# tests/deb.t caches, else one made here with debootstrap; the tar is kept
# (and made byte for byte the same), so umlrun unpacks it once
rootfs_tar() {
	local base mirror
	ROOTFS=$DIR/bookworm-minbase.tar
	[ -s "$ROOTFS" ] && return 0
	base=$(ls -d "${DEB_T_CACHE:-/var/tmp/umlrun-deb-test}"/bookworm-minbase-*/ \
		"$DIR"/bookworm-minbase/ 2>/dev/null | head -n 1)
	if [ -z "$base" ] || [ ! -x "$base/usr/bin/apt-get" ]; then
		base=$DIR/bookworm-minbase
		mirror=${DEB_T_MIRROR:-http://deb.debian.org/debian}
		rm -rf "$base.new"
		debootstrap --variant=minbase bookworm "$base.new" "$mirror" \
			>"$T/debootstrap.log" 2>&1 || { tail -n 20 "$T/debootstrap.log" | diag; return 1; }
		mv "$base.new" "$base"
	fi
	tar --sort=name --numeric-owner -C "$base" -cf "$ROOTFS.new" . &&
		mv "$ROOTFS.new" "$ROOTFS"
}

# linux_tree: $LINUX, a Linux git tree (the cached, unpacked 6.12 source)
# with three commits: $GOOD as it is, a regression (/proc/version says
# "regressed"), $BAD an unrelated change on top; ../repro.sh beside it
# finds the regression. Made again only when the source changes; the
# commits are the same each time (fixed dates), so their kernels stay
# cached in $DIR/cache. 0 when ready, 1 when it needs a first kernel
# build that CI's budget leaves for later, 2 on failure.
linux_tree() {
	local src stamp v
	src=$(kernel_build "$ROOT/build/kernels/6.12/linux" src)
	stamp="$src $(sha "$0" | cut -c1-12)"
	LINUX=$DIR/linux
	if [ "$(cat "$DIR/linux.stamp" 2>/dev/null)" != "$stamp" ]; then
		if [ "${UMLRUN_SLOW_TIERS:-all}" = cached ]; then
			[ -z "${UMLRUN_SLOW_SKIPPED:-}" ] || echo "$0" >>"$UMLRUN_SLOW_SKIPPED"
			return 1
		fi
		rm -f "$DIR/linux.stamp"
		# linux_copy points UMLRUN_CACHE at the tree's cache: for the
		# bisect recipe only, not for the others
		local cache=${UMLRUN_CACHE-unset}
		linux_copy "$LINUX" || return 2
		if [ "$cache" = unset ]; then unset UMLRUN_CACHE; else UMLRUN_CACHE=$cache; fi
		export GIT_AUTHOR_DATE="1700000000 +0000" GIT_COMMITTER_DATE="1700000000 +0000"
		edit .gitignore sed -i '/^# Debian packaging/,$d'
		git -C "$repo" init -q && git_ add -A && git_ commit -q -m "good" &&
			git_ tag recipe-good &&
			edit init/version.c sed -i 's/"%s version %s"/"%s version %s regressed"/' &&
			git_ commit -q -am "regress /proc/version" &&
			edit README sed -i '1i unrelated' &&
			git_ commit -q -am "unrelated" && git_ tag recipe-bad || return 2
		unset GIT_AUTHOR_DATE GIT_COMMITTER_DATE
		printf '#!/bin/sh\n! grep -q regressed /proc/version\n' >"$DIR/repro.sh"
		chmod 755 "$DIR/repro.sh"
		echo "$stamp" >"$DIR/linux.stamp"
	fi
	git -C "$LINUX" bisect reset -q >/dev/null 2>&1
	git -C "$LINUX" checkout -q recipe-bad 2>/dev/null || return 2
	GOOD=$(git -C "$LINUX" rev-parse recipe-good)
	BAD=$(git -C "$LINUX" rev-parse recipe-bad)
	# the one step the bisect takes is the regression, $BAD~1
	if [ "${UMLRUN_SLOW_TIERS:-all}" = cached ]; then
		git -C "$LINUX" checkout -q recipe-bad~1 &&
			v=$(UMLRUN_CACHE=$DIR/cache "$ROOT/scripts/build-kernel.sh" --probe \
				--tree "$LINUX" 2>/dev/null)
		git -C "$LINUX" checkout -q recipe-bad || return 2
		if [ "${v:-full}" = full ]; then
			[ -z "${UMLRUN_SLOW_SKIPPED:-}" ] || echo "$0" >>"$UMLRUN_SLOW_SKIPPED"
			return 1
		fi
	fi
	return 0
}

# project: a project whose `make check` needs root: it mounts a tmpfs and
# writes a file into the tree (which the recipe binds writable)
project() {
	printf 'check:\n\tmount -t tmpfs none /mnt && echo ok >/mnt/f && cat /mnt/f\n\ttest "$$(id -u)" = 0\n\ttouch checked\n' \
		>"$1/Makefile"
}

# The names a recipe may use from the host side ($NAME outside quotes is
# not parsed out: every $NAME in the text counts): the placeholders of
# its needs and these.
COMMON='PWD HOME PATH UMLRUN_DISK[0-9]+'
# A user's PATH on Debian with the sbin directories the README has the
# reader add, whatever the caller's (root's has more, CI's other things)
USER_PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin
for i in $(seq "$count"); do
	read -r where attrs <"$T/recipes/$i.where"
	want_rc=0 needs="" tmo=300 vars=$COMMON
	for a in $attrs; do
		case $a in
		exit=*) want_rc=${a#exit=} ;;
		needs=*) needs=${a#needs=} ;;
		timeout=*) tmo=${a#timeout=} ;;
		esac
	done
	W=$T/run$i
	mkdir -p "$W"
	envs=()
	missing=""
	for need in ${needs//,/ }; do
		case $need in
		rootfs)
			rootfs_tar || missing="$missing rootfs"
			envs+=("ROOTFS=$ROOTFS")
			vars="$vars ROOTFS"
			;;
		linux-tree)
			linux_tree
			case $? in
			1) missing="$missing slow" ;;
			2) missing="$missing linux-tree" ;;
			esac
			envs+=("LINUX=$LINUX" "GOOD=${GOOD:-}" "BAD=${BAD:-}" "UMLRUN_CACHE=$DIR/cache")
			vars="$vars LINUX GOOD BAD"
			;;
		kunit)
			# the KUnit variant of lib/kunit's suites (tests/kunit.t's)
			! slow_deferred --kconfig-add CONFIG_KUNIT=y --kconfig-add CONFIG_KUNIT_TEST=y \
				--kconfig-add CONFIG_KUNIT_EXAMPLE_TEST=y 6.12 || missing="$missing slow"
			;;
		debian)
			# the debian flavour of 6.12 (tests/debian.t's)
			! slow_deferred --flavour debian 6.12 || missing="$missing slow"
			;;
		project) project "$W" ;;
		network | docker) ;;
		*) missing="$missing unknown-need-$need" ;;
		esac
	done
	used=$(grep -oE '\$\{?[A-Z_][A-Z0-9_]*' "$T/recipes/$i.sh" | tr -d '${' | sort -u)
	undeclared=""
	for v in $used; do
		echo "$v" | grep -qxE "$(echo "$vars" | tr ' ' '|')" || undeclared="$undeclared \$$v"
	done
	is "$undeclared" "" "$where: no undeclared placeholder"
	case $missing in
	*slow*)
		skip "$where: needs a first kernel build (UMLRUN_SLOW_TIERS=cached)"
		continue
		;;
	?*)
		ok 1 "$where: its fixtures ($missing ) are made"
		continue
		;;
	esac
	sed "s|/usr/local/lib/umlrun/|$ROOT/|g" "$T/recipes/$i.sh" >"$W/.recipe.sh"
	start=$(date +%s.%N)
	(cd "$W" && env PATH="$ROOT:$USER_PATH" "${envs[@]}" \
		timeout -k 5 "$tmo" bash -e .recipe.sh <"/dev/null" >"$T/out" 2>"$T/err")
	rc=$?
	secs=$(echo "$(date +%s.%N) - $start" | bc)
	printf '# %s: %.1f s\n' "$where" "$secs" >&2
	is "$rc" "$want_rc" "$where: exits $want_rc"
	case $(cat "$T/recipes/$i.kind" 2>/dev/null) in
	output)
		is "$(cat "$T/out")" "$(cat "$T/recipes/$i.want")" "  ... and prints what it says"
		;;
	output-like)
		nomatch=""
		while IFS= read -r re; do
			grep -qE -- "$re" "$T/out" || nomatch="$nomatch [$re]"
		done <"$T/recipes/$i.want"
		is "$nomatch" "" "  ... and prints lines like those it shows"
		;;
	esac
	[ "$rc" = "$want_rc" ] || tail -n 20 "$T/out" | diag
done
[ ! -d "${LINUX:-/nonexistent}/.git" ] || git -C "$LINUX" bisect reset -q >/dev/null 2>&1

finish
