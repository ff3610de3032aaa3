# SPDX-License-Identifier: GPL-2.0
# Shared helpers for the integration tests (TAP scripts run by prove).
# Source it from a tests/*.t script. It gives:
#   need_kernel           skip the whole script when no kernel can be had
#                         (never when UMLRUN_MUST_WORK=1: then it fails)
#   um ARGS...            run ./umlrun with a hard timeout; sets $rc and
#                         leaves stdout in $T/out and stderr in $T/err
#   ok/is/like            TAP assertions, diagnostics on failure
#   T                     a scratch directory inside the tree (the guest
#                         has its own /tmp, so host /tmp is not shared)
#   sha [FILE]...         the SHA-256 of stdin or of each FILE, digest only
#   wait_for COMMAND...   poll until COMMAND succeeds (10 s; WAIT_TRIES and
#                         WAIT_STEP change it)
#   slow_tier WHAT ARGS.. skip the script, under CI's budget, when the
#                         kernel it needs (build-kernel.sh ARGS) would be
#                         a full build
#   finish                the leak checks, then the TAP plan line
set -u

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# UMLRUN_BIN runs the suite with another launcher (the sanitizer build).
UMLRUN=${UMLRUN_BIN:-$ROOT/umlrun}
# KERNEL_VERSION picks the kernel series under test (6.12 or 6.1); umlrun
# gets it through UMLRUN_KERNEL_VERSION, so every run of a script uses it.
KERNEL_VERSION=${KERNEL_VERSION:-6.12}
UMLRUN_KERNEL_VERSION=$KERNEL_VERSION
export UMLRUN_KERNEL_VERSION
# The suite ignores the caller's config files (tests/config.t tests them).
UMLRUN_NO_CONFIG=1
export UMLRUN_NO_CONFIG
KERNEL=$ROOT/build/kernels/$KERNEL_VERSION/linux
TEST_TIMEOUT=${TEST_TIMEOUT:-120}
n=0
failed=0

mkdir -p "$ROOT/build"
T=$(mktemp -d "$ROOT/build/test.XXXXXX")
chmod 755 "$T"
# Each script's runs keep their run directories in a base of their own, so
# the leak checks see exactly this script's kernels, whatever else runs.
UMLRUN_RUNDIR=$(mktemp -d /dev/shm/umlrun-test.XXXXXX)
chmod 1777 "$UMLRUN_RUNDIR"
export UMLRUN_RUNDIR
trap 'rm -rf "$T" "$UMLRUN_RUNDIR"' EXIT

need_kernel() {
	if [ -x "$KERNEL" ] && [ -x "$UMLRUN" ]; then
		return 0
	fi
	if [ "${UMLRUN_MUST_WORK:-0}" = 1 ]; then
		echo "Bail out! no kernel at $KERNEL or no $UMLRUN (run make)"
		exit 1
	fi
	echo "1..0 # SKIP no kernel at $KERNEL (run make)"
	exit 0
}

# slow_tier WHAT ARGS...: with UMLRUN_SLOW_TIERS=cached (.ci/run's budget),
# skip the whole script when the kernel it needs, build-kernel.sh ARGS,
# would be a full build (10 to 25 minutes on 2 cores: the first run after
# a kernel change), naming the script in $UMLRUN_SLOW_SKIPPED for .ci/run
# to run afterwards if the budget has room. Otherwise (make check alone)
# the script builds what it needs and runs.
slow_tier() {
	local what=$1
	shift
	slow_deferred "$@" || return 0
	echo "1..0 # SKIP $what needs a full kernel build (UMLRUN_SLOW_TIERS=cached)"
	exit 0
}

# slow_deferred ARGS...: true (and the script named in $UMLRUN_SLOW_SKIPPED)
# when, under UMLRUN_SLOW_TIERS=cached, the kernel build-kernel.sh ARGS
# makes would be a full build: for a script that leaves out only part
slow_deferred() {
	local v
	[ "${UMLRUN_SLOW_TIERS:-all}" = cached ] || return 1
	v=$("$ROOT/scripts/build-kernel.sh" --probe "$@" 2>/dev/null) || v=full
	[ "$v" = full ] || return 1
	[ -z "${UMLRUN_SLOW_SKIPPED:-}" ] || echo "$0" >>"$UMLRUN_SLOW_SKIPPED"
	return 0
}

# docker_missing DOTCONFIG FROM TO: the options docker.io's check-config.sh
# calls missing in DOTCONFIG between its section headers FROM and TO, on
# one line, sorted
docker_missing() {
	bash /usr/share/docker.io/contrib/check-config.sh "$1" 2>&1 |
		sed 's/\x1b\[[0-9;]*m//g' | sed -n "/^$2:/,/^$3:/p" |
		sed -n 's/^ *- \(CONFIG_[A-Z0-9_]*\): missing$/\1/p' | sort | tr '\n' ' '
}

# linux_copy [DIR]: $repo, a copy of the cached, unpacked 6.12 source
# (hardlinked, so it is free) for a test to make a git history of, with
# git_ (git with an identity) and edit FILE CMD... (change a file of the
# copy through a new inode); builds go to a cache of the test's own: in
# $T, or beside DIR, kept between runs so the next run builds
# incrementally (DIR/../cache).
linux_copy() {
	local src
	src=$(kernel_build "$ROOT/build/kernels/6.12/linux" src)
	if [ ! -f "$src/init/version.c" ]; then
		echo "Bail out! no unpacked 6.12 tree at $src (run make)"
		exit 1
	fi
	repo=${1:-$T/linux}
	export UMLRUN_CACHE=$(dirname "$repo")/cache
	rm -rf "$repo"
	mkdir -p "$(dirname "$repo")"
	cp -al "$src" "$repo" 2>/dev/null || cp -a "$src" "$repo"
}
# fact NAME: a value of scripts/facts (as build-kernel.sh reads them)
fact() { sed -n "s/^$1=//p" "$ROOT/scripts/facts"; }
# kernel_build KERNEL src|obj: the source or object directory a cached
# kernel was built in, as the file beside it says (scripts/facts'
# KERNEL_BUILD_FILE, written by build-kernel.sh)
kernel_build() {
	local f
	f=$(dirname "$(readlink -f "$1")")/$(fact KERNEL_BUILD_FILE)
	sed -n "s/^$2=//p" "$f"
}
git_() { git -C "$repo" -c user.name=t -c user.email=t@t -c core.looseCompression=0 "$@"; }
edit() {
	local f=$repo/$1
	shift
	cp "$f" "$f.new"
	"$@" "$f.new"
	mv "$f.new" "$f"
}

# kunit_variant KV KUNITCONFIG...: the build-kernel.sh options (one word a
# line, for mapfile) of the variant `--kunit --kunitconfig KUNITCONFIG...`
# makes on series KV; a KUNITCONFIG not a file is the series tree's DIR
kunit_variant() {
	local kv=$1 s f l
	shift
	s=$(kernel_build "$ROOT/build/kernels/$kv/linux" src)
	printf '%s\n' --kconfig-add CONFIG_KUNIT=y
	for f; do
		[ -f "$f" ] || f=$s/$f/.kunitconfig
		grep -h '^CONFIG_' "$f"
	done | sort -u | while IFS= read -r l; do printf '%s\n' --kconfig-add "$l"; done
}

# cov_info FILE SOURCE FUNC: "HIT RUNS" from the lcov tracefile FILE: how
# many of SOURCE's lines ran (DA:LINE,COUNT with COUNT > 0) and how often
# its function FUNC ran; "none" for what is not there
cov_info() {
	awk -v src="$2" -v fn="$3" '
		/^SF:/ { on = substr($0, 4) ~ ("/" src "$"); if (on) seen = 1 }
		on && /^DA:/ { split(substr($0, 4), a, ","); if (a[2] > 0) hit++ }
		on && /^FNDA:/ { split(substr($0, 6), a, ","); if (a[2] == fn) { runs += a[1]; fs = 1 } }
		END { print (seen ? hit + 0 : "none") " " (fs ? runs : "none") }
	' "$1"
}

# um ARGS...: run umlrun; stdin is the caller's unless redirected.
um() {
	timeout -k 5 "$TEST_TIMEOUT" "$UMLRUN" "$@" >"$T/out" 2>"$T/err"
	rc=$?
	return 0
}

# as_setup: for runs as root and as nobody (the function `as`), a
# world-readable copy of launcher, init, kernel and module in $K (the build
# cache lives in root's home, which nobody cannot read), and $BASE, a
# scratch directory nobody can reach that the guest sees as a plain host
# path: not under /tmp or /var/tmp, which the guest overlays.
as_setup() {
	K=$(mktemp -d /tmp/umlrun-as-kernel.XXXXXX)
	BASE=$T
	case $(realpath "$T") in
	/tmp/* | /var/tmp/*) BASE= ;;
	esac
	if [ -z "$BASE" ] || ! runuser -u nobody -- test -x "$T"; then
		BASE=$(mktemp -d /var/lib/umlrun-as.XXXXXX)
	fi
	trap 'rm -rf "$T" "$UMLRUN_RUNDIR" "$K"; [ "$BASE" = "$T" ] || rm -rf "$BASE"' EXIT
	cp "$ROOT/build/umlinit" "$UMLRUN" "$K/"
	as_kernel "$KERNEL"
	chmod 755 "$K" "$K"/* "$BASE"
}

# as_kernel PATH: the kernel (and the hostexec.ko beside it) `as` boots
as_kernel() {
	cp "$1" "$K/linux"
	cp "$(dirname "$1")/hostexec.ko" "$K/hostexec.ko"
	chmod 755 "$K/linux" "$K/hostexec.ko"
}

# use_kernel KV: `as` boots the built series KV (6.12 or 6.1); when it
# is not built, a failing test and status 1 (for KV in ...; do
# use_kernel "$KV" || continue)
use_kernel() {
	local kern=$ROOT/build/kernels/$1/linux
	if [ ! -x "$kern" ]; then
		ok 1 "$1: kernel $kern built"
		return 1
	fi
	as_kernel "$kern"
}

# module_build NAME KERNEL: build tests/NAME/ (an out-of-tree module) in a
# copy $T/NAME against the tree KERNEL was built in (a series' or a
# variant's); make's status, its output in $T/NAME.log
module_build() {
	rm -rf "${T:?}/$1"
	cp -r "$ROOT/tests/$1" "$T/$1"
	make -C "$(kernel_build "$2" src)" O="$(kernel_build "$2" obj)" ARCH=um \
		M="$T/$1" modules >"$T/$1.log" 2>&1
}

# as USER ARGS...: run the copied umlrun as USER (root or nobody), with
# the variables in the AS_ENV array set; like um, sets $rc, $T/out, $T/err
AS_ENV=()
as() {
	local user=$1
	shift
	if [ "$user" = root ]; then
		env "${AS_ENV[@]}" timeout -k 5 "$TEST_TIMEOUT" "$K/umlrun" \
			-k "$K/linux" --init "$K/umlinit" "$@" >"$T/out" 2>"$T/err"
	else
		(cd / && timeout -k 5 "$TEST_TIMEOUT" runuser -u "$user" -- \
			env "${AS_ENV[@]}" "$K/umlrun" -k "$K/linux" \
			--init "$K/umlinit" "$@" >"$T/out" 2>"$T/err")
	fi
	rc=$?
}

# sha [FILE]...: the hex SHA-256 of stdin, or one line per FILE
sha() {
	sha256sum "$@" | cut -d' ' -f1
}

# wait_for COMMAND...: run COMMAND every WAIT_STEP seconds (0.05) until it
# succeeds, at most WAIT_TRIES times (200, so 10 s); 0, or 1 if it never did
wait_for() {
	local _
	for _ in $(seq "${WAIT_TRIES:-200}"); do
		"$@" && return 0
		sleep "${WAIT_STEP:-0.05}"
	done
	return 1
}

diag() {
	sed 's/^/# /' >&2
}

ok() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=$((failed + 1))
		if [ -s "$T/err" ]; then
			echo "last stderr:" | diag
			head -c 2000 "$T/err" | diag
		fi
	fi
}

# is GOT WANT DESC
is() {
	if [ "$1" = "$2" ]; then
		ok 0 "$3"
	else
		ok 1 "$3"
		printf 'got:  %q\nwant: %q\n' "$1" "$2" | diag
	fi
}

# like TEXT REGEX DESC
like() {
	if printf '%s' "$1" | grep -Eq -- "$2"; then
		ok 0 "$3"
	else
		ok 1 "$3"
		printf 'text: %q\nwant match: %s\n' "$1" "$2" | diag
	fi
}

# unlike TEXT REGEX DESC
unlike() {
	if printf '%s' "$1" | grep -Eq -- "$2"; then
		ok 1 "$3"
		printf 'text: %q\nmust not match: %s\n' "$1" "$2" | diag
	else
		ok 0 "$3"
	fi
}

# Kernel processes of this script's runs still alive (their command lines
# name their run directory).
leftover_procs() {
	pgrep -f -- "uml_dir=$UMLRUN_RUNDIR/" || true
}

leftover_rundirs() {
	find "$UMLRUN_RUNDIR" -mindepth 1 -maxdepth 1 2>/dev/null || true
}

finish() {
	local procs dirs
	procs=$(leftover_procs)
	is "$procs" "" "no kernel process left behind"
	dirs=$(leftover_rundirs)
	is "$dirs" "" "no run directory left behind"
	echo "1..$n"
	[ "$failed" = 0 ]
}
