#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The Debian packages (make deb) in a clean Debian bookworm root made with
# debootstrap from the archive the host's apt uses: `apt install` of the
# .debs resolves their dependencies from the archive, umlrun works there as
# root and as nobody with no kernel cache, and remove and purge leave
# nothing of them. The pristine root is cached in DEB_T_CACHE (default
# /var/tmp/umlrun-deb-test), keyed by suite, variant, mirror and
# debootstrap's version; each run works on an overlay of it, in a mount
# namespace of its own, so its mounts go away with it whatever happens.
# Also: the checkout's umlrun run by another user than the one whose cache
# holds its kernel says what to do.
if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP needs root (debootstrap, chroot, mounts)"
	exit 0
fi
if [ -z "${DEB_T_NS:-}" ]; then
	DEB_T_NS=1 exec unshare --mount --propagation private "$BASH" "$0" "$@"
fi
. "$(dirname "$0")/lib.sh"

SUITE=bookworm
VARIANT=minbase
CACHE=${DEB_T_CACHE:-/var/tmp/umlrun-deb-test}
TEST_TIMEOUT=${TEST_TIMEOUT:-300}
PKGS=(umlrun umlrun-kernel-6.12 umlrun-kernel-6.1)

# The archive the host's apt takes SUITE from (one-line and deb822 lists).
mirror() {
	local f
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] && awk -v s="$SUITE" '{ sub(/\[[^]]*\] */, "") }
			$1 == "deb" && $3 == s { print $2; exit }' "$f"
	done
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] && awk -v s="$SUITE" 'BEGIN { RS = "" } {
			u = ""; ok = 0
			n = split($0, l, "\n")
			for (j = 1; j <= n; j++) {
				if (l[j] ~ /^URIs:/) { split(l[j], w, " "); u = w[2] }
				if (l[j] ~ /^Suites:/ && (" " l[j] " ") ~ (" " s " ")) ok = 1
			}
			if (ok && u != "") { print u; exit } }' "$f"
	done
}

cleanup() {
	local m
	# Mounts under the overlay first, deepest first, then the overlay.
	if [ -n "${R:-}" ]; then
		for m in $(awk -v r="$R" '$5 == r || index($5, r "/") == 1 { print $5 }' \
			/proc/self/mountinfo | sort -r); do
			umount -l "$m" 2>/dev/null
		done
	fi
	rm -rf "$T" "$UMLRUN_RUNDIR" "${W:-}"
}
trap cleanup EXIT

# The checkout's launcher as another user: its kernel lies in the cache of
# the user who built it (root's home), which nobody cannot read.
if [ -x "$ROOT/umlrun" ] && [ -e "$ROOT/build/kernels/6.12/linux" ] &&
	! runuser -u nobody -- test -r "$ROOT/build/kernels/6.12/linux"; then
	(cd / && timeout -k 5 60 runuser -u nobody -- "$ROOT/umlrun" -- true \
		>"$T/out" 2>"$T/err")
	is "$?" 125 "another user's cached kernel: 125"
	like "$(cat "$T/err")" 'Permission denied: it is in the kernel cache of the user who built it \(/.*\); build into .*UMLRUN_CACHE=.*make deb' \
		"another user's cached kernel: the error says what to do"
fi

# --- the packages (DEB_T_PREBUILT=1: those in build/deb) ---------------
start=$(date +%s)
if [ "${DEB_T_PREBUILT:-0}" = 1 ]; then
	ls "$ROOT"/build/deb/umlrun_*.deb >/dev/null
	rc=$?
	ok "$rc" "packages in build/deb"
else
	make -C "$ROOT" --no-print-directory deb >"$T/make.log" 2>&1
	rc=$?
	ok "$rc" "make deb"
	[ "$rc" = 0 ] || diag <"$T/make.log"
fi
[ "$rc" = 0 ] || { finish; exit; }
debs=()
for p in "${PKGS[@]}"; do
	debs+=("$(ls "$ROOT"/build/deb/"$p"_*.deb)")
done
echo "# make deb: $(($(date +%s) - start)) s" >&2
is "$(grep '^[EW]: ' "$ROOT/build/deb/lintian.log")" "" "lintian: no errors or warnings"

# --- the clean root -----------------------------------------------------
MIRROR=${DEB_T_MIRROR:-$(mirror | head -n 1)}
key=$(printf '%s\n' "$SUITE" "$VARIANT" "$MIRROR" \
	"$(dpkg-query -W -f='${Version}' debootstrap)" | sha256sum | cut -c1-12)
BASE=$CACHE/$SUITE-$VARIANT-$key
mkdir -p "$CACHE"
if [ ! -d "$BASE" ]; then
	start=$(date +%s)
	tmp=$(mktemp -d "$CACHE/.new-XXXXXX")
	if debootstrap --variant="$VARIANT" "$SUITE" "$tmp" "$MIRROR" \
		>"$T/debootstrap.log" 2>&1; then
		chmod 755 "$tmp"
		mv "$tmp" "$BASE"
	else
		tail -n 20 "$T/debootstrap.log" | diag
		rm -rf "$tmp"
	fi
	echo "# debootstrap $SUITE from $MIRROR: $(($(date +%s) - start)) s" >&2
fi
ok "$([ -x "$BASE/usr/bin/apt-get" ]; echo $?)" "a $SUITE root from $MIRROR ($BASE)"
[ -x "$BASE/usr/bin/apt-get" ] || { finish; exit; }

W=$(mktemp -d /var/tmp/umlrun-deb-run.XXXXXX)
R=$W/root
mkdir -p "$W/upper" "$W/work" "$R" "$CACHE/archives/partial"
mount -t overlay overlay -o "lowerdir=$BASE,upperdir=$W/upper,workdir=$W/work" "$R"
rc=$?
ok "$rc" "an overlay of the root"
[ "$rc" = 0 ] || { finish; exit; }
# /proc, /sys (with its cgroup tree: umlrun bounds the guest's processes
# for root with a pids cgroup of its own), a /dev of the usual nodes with
# its own /dev/shm and /dev/pts, apt's download cache kept between runs
mount_root() {
	local d
	mount -t proc proc "$R/proc" &&
		mount --rbind /sys "$R/sys" &&
		mount -t tmpfs -o mode=755,nosuid tmpfs "$R/dev" || return 1
	for d in null zero full random urandom tty; do
		touch "$R/dev/$d" && mount --bind "/dev/$d" "$R/dev/$d" || return 1
	done
	mkdir "$R/dev/shm" "$R/dev/pts" &&
		mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs "$R/dev/shm" &&
		mount -t devpts -o newinstance,ptmxmode=0666 devpts "$R/dev/pts" &&
		ln -s pts/ptmx "$R/dev/ptmx" &&
		mount --bind "$CACHE/archives" "$R/var/cache/apt/archives"
}
mount_root
rc=$?
ok "$rc" "/proc, /sys, /dev, /dev/shm mounted in the root"
[ "$rc" = 0 ] || { finish; exit; }
cp /etc/resolv.conf "$R/etc/resolv.conf"
mkdir "$R/debs"
cp "${debs[@]}" "$R/debs/"

ENV=(env -i PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin LANG=C.UTF-8)
# in_root [--userspec=U:G] CMD...: CMD in the root; $rc, $T/out, $T/err
in_root() {
	local spec=()
	case $1 in --userspec=*) spec=("$1"); shift ;; esac
	if [ ${#spec[@]} = 0 ]; then
		timeout -k 5 "$TEST_TIMEOUT" "${ENV[@]}" HOME=/root \
			DEBIAN_FRONTEND=noninteractive chroot "$R" "$@" >"$T/out" 2>"$T/err"
	else
		timeout -k 5 "$TEST_TIMEOUT" "${ENV[@]}" HOME=/nonexistent \
			chroot "${spec[@]}" "$R" "$@" >"$T/out" 2>"$T/err"
	fi
	rc=$?
}

# known PKG...: those dpkg still knows, with their state
known() {
	in_root dpkg-query -W -f='${db:Status-Abbrev}${Package}\n' "$@"
	grep -v '^un' "$T/out"
}

start=$(date +%s)
in_root apt-get update -q
ok "$rc" "apt-get update in the root"
in_root sh -c 'cd /debs && apt-get install -y -q ./umlrun_*.deb ./umlrun-kernel-*.deb'
ok "$rc" "apt install ./umlrun_*.deb ./umlrun-kernel-*.deb"
[ "$rc" = 0 ] || tail -n 20 "$T/out" | diag
echo "# apt-get update and install: $(($(date +%s) - start)) s" >&2
is "$(known libslirp0)" "ii libslirp0" "libslirp0 came from the archive"
in_root sh -c 'for p in gcc make linux-source-6.12 musl-tools; do
	dpkg-query -W -f="\${db:Status-Abbrev}" $p 2>/dev/null | grep -q "^ii" && echo $p; done'
is "$(cat "$T/out")" "" "no build dependencies in the root"
in_root dpkg -L "${PKGS[@]}"
grep -vx '/\.' "$T/out" | sort -u >"$W/files"
like "$(cat "$W/files")" '/usr/lib/umlrun/kernels/6.1/linux' "dpkg -L lists the files"

# --- umlrun in the root, as root and as nobody ---------------------------
for who in root nobody; do
	spec=()
	[ "$who" = nobody ] && spec=(--userspec=nobody:nogroup)
	in_root "${spec[@]}" umlrun -- true
	is "$rc" 0 "$who: umlrun -- true"
	is "$(cat "$T/err")" "" "$who: nothing on stderr"
	in_root "${spec[@]}" umlrun -- sh -c 'id -u; echo err >&2; exit 7'
	is "$rc" 7 "$who: the command's exit status"
	is "$(cat "$T/out")" 0 "$who: root in the guest, stdout exact"
	is "$(cat "$T/err")" err "$who: stderr exact"
	in_root "${spec[@]}" umlrun --kernel-version 6.1 -- uname -r
	like "$(cat "$T/out")" '^6\.1\.' "$who: the 6.1 kernel package boots"
done
in_root umlrun --version
like "$(cat "$T/out")" 'usr/lib/umlrun/kernels/6\.12/linux' "--version names the packaged kernel"

procs=$(for p in /proc/[0-9]*; do
	[ "$(readlink "$p/root" 2>/dev/null)" = "$R" ] && echo "${p#/proc/}"; done)
is "$procs" "" "no process left in the root"
is "$(find "$R/dev/shm" -mindepth 1 -maxdepth 1)" "" "no run directory left in /dev/shm"

# --- remove and purge ---------------------------------------------------
in_root apt-get remove -y -q "${PKGS[@]}"
ok "$rc" "apt remove"
# without conffiles dpkg forgets a removed package: apt cannot purge it
is "$(known "${PKGS[@]}")" "" "dpkg forgot the packages"
in_root dpkg --purge "${PKGS[@]}"
ok "$rc" "dpkg --purge"
in_root apt-get autoremove --purge -y -q
ok "$rc" "apt autoremove --purge"
is "$(known libslirp0)" "" "the dependencies go with autoremove"
left=$(while read -r f; do
	[ -e "$R$f" ] || [ -L "$R$f" ] || continue
	# a directory another package still holds is not ours to remove
	[ -d "$R$f" ] && [ ! -L "$R$f" ] &&
		chroot "$R" dpkg-query -S "$f" >/dev/null 2>&1 && continue
	echo "$f"
done <"$W/files")
is "$left" "" "nothing dpkg -L listed is left"
is "$(ls "$R"/var/lib/dpkg/info/ | grep '^umlrun')" "" "no dpkg state left"
is "$(find "$R/usr" "$R/etc" "$R/var/lib" -name '*umlrun*')" "" "no umlrun file left"

finish
