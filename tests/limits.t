#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Host resource bounds and the launcher's own confinement, through the real
# kernel, as host root and as the unprivileged "nobody": a guest that forks
# until it cannot stays under --max-procs (counted from the host while its
# children wait), stopped by its own threads-max (EAGAIN) or, once guest
# root lifts that, by the host bound, and the run ends with the command's
# own status, leaving no process and no cgroup; a shell fork bomb ends the
# same way; a SIGKILLed launcher's rest goes at the next run; the kernel
# process has no core dumps and runs in the run directory; --log stays
# under its cap and escaped when the guest floods the console; the launcher
# runs confined (seccomp, no new privileges, no capabilities to speak of).
. "$(dirname "$0")/lib.sh"
need_kernel

# A world-readable copy of kernel, module, init and launcher, and the fork
# bomb (tests/limits/forker.c) where the guest can run it: not under /tmp,
# which the guest has its own of.
K=$(mktemp -d /var/lib/umlrun-limits.XXXXXX)
trap 'rm -rf "$T" "$UMLRUN_RUNDIR" "$K"' EXIT
cp "$KERNEL" "$(dirname "$KERNEL")/hostexec.ko" "$ROOT/build/umlinit" \
	"$UMLRUN" "$K/"
${CC:-cc} -O2 -Wall -o "$K/forker" "$ROOT/tests/limits/forker.c" || exit 1
${CC:-cc} -O2 -Wall -I"$ROOT/userspace/launcher" -I"$ROOT/userspace/shared" \
	-o "$K/cgroup2" "$ROOT/tests/limits/cgroup2.c" \
	"$ROOT"/userspace/launcher/{bounds,log,tty,reaper,sandbox}.c "$ROOT/userspace/shared/util.c" || exit 1
chmod 755 "$K" "$K"/*
mkdir -m 1777 "$K/out"

# as USER ARGS...: run the copied umlrun as USER (root or nobody), in the
# background with AS_BG=1 ($bg is its pid, as_wait sets $rc)
AS_BG=0
as() {
	local user=$1
	shift
	set -- "$K/umlrun" -k "$K/linux" --init "$K/umlinit" "$@"
	[ "$user" = root ] || set -- runuser -u "$user" -- "$@"
	(cd / && exec timeout -k 5 "$TEST_TIMEOUT" "$@" >"$T/out" 2>"$T/err") &
	bg=$!
	[ "$AS_BG" = 1 ] || as_wait
}

as_wait() {
	wait "$bg"
	rc=$?
}

# The most host processes this script's kernels had at once while $bg ran.
peak_procs() {
	local peak=0 c
	while kill -0 "$bg" 2>/dev/null; do
		c=$(leftover_procs | wc -l)
		[ "$c" -gt "$peak" ] && peak=$c
		sleep 0.1
	done
	echo "$peak"
}

# The kernel process of the run in the background: the process with this
# script's uml_dir= whose parent has none (its helpers have one too; the
# launcher's reaper and its short-lived parent have none).
kernel_pid() {
	local i p pp
	for i in $(seq 100); do
		for p in $(pgrep -f -- "uml_dir=$UMLRUN_RUNDIR/"); do
			pp=$(ps -o ppid= -p "$p" | tr -d ' ')
			[ -n "$pp" ] || continue
			tr '\0' ' ' <"/proc/$pp/cmdline" 2>/dev/null | grep -q ' uml_dir=' && continue
			echo "$p"
			return
		done
		sleep 0.1
	done
}

# Cgroups of runs that are gone (no run holds their lock): none may stay.
stale_cgroups() {
	local d
	for d in $(find /sys/fs/cgroup -maxdepth 4 -type d -name 'umlrun-*' 2>/dev/null); do
		flock -n "$d" true 2>/dev/null && echo "$d"
	done
}

# bomb USER BOUND WHO [OPTION]...: fork until it fails under --max-procs
# BOUND. WHO is guest: the guest's own threads-max (set to the bound) stops
# it first, with EAGAIN; or host: guest root lifts that first, and the host
# bound stops it (UML reports the failed host clone as ENOMEM).
bomb() {
	local user=$1 bound=$2 who=$3 got peak lift=
	shift 3
	[ "$who" = host ] && lift='echo 4194304 >/proc/sys/kernel/threads-max &&'
	AS_BG=1
	as "$user" --max-procs "$bound" "$@" -- \
		sh -c "$lift exec $K/forker $((bound * 2)) 2"
	AS_BG=0
	peak=$(peak_procs)
	as_wait
	got=$(sed -n 's/^forked \([0-9]*\): .*/\1/p' "$T/out")
	set -- "$user, bound $bound, $who"
	is "$rc" 0 "$1: the command's own status: a fork failed"
	if [ "$who" = guest ]; then
		is "$(cut -d: -f2 "$T/out")" " Resource temporarily unavailable" \
			"$1: the guest's fork fails with EAGAIN"
		ok "$([ "${got:-0}" -gt $((bound - 48)) ]; echo $?)" \
			"$1: the guest got $got processes, near the bound"
		unlike "$(cat "$T/err")" 'reached its bound' "$1: the host bound was not needed"
	else
		like "$(cut -d: -f2 "$T/out")" '^ (Cannot allocate memory|Resource temporarily unavailable)$' \
			"$1: the guest's fork fails"
		ok "$([ "${got:-0}" -gt $((bound - 16)) ]; echo $?)" \
			"$1: the guest got $got processes, up to the host bound"
	fi
	ok "$([ "$peak" -le "$bound" ] && [ "$peak" -ge "${got:-0}" ]; echo $?)" \
		"$1: the host counted $peak processes at most"
	echo "$1: $got guest forks, host peak $peak" | diag
	is "$(leftover_procs)" "" "$1: no process left"
}

# --- a guest that forks until it cannot ----------------------------------------
for user in root nobody; do
	bomb "$user" 100 guest
	bomb "$user" 100 host
	[ "$user" = root ] &&
		like "$(cat "$T/err")" '^umlrun: the guest reached its bound of 100 host processes: [0-9]+ forks failed' \
			"root: umlrun says the guest reached the host bound"
	as "$user" --max-procs max -- sh -c "cat /proc/sys/kernel/threads-max >&2; exec $K/forker 300"
	is "$rc/$(cat "$T/out")" "2/forked 300: no failure" \
		"$user, control: without a bound the same guest forks on"
done
# The default bound, with guest memory for more tasks than that.
bomb root 2048 guest -m 1G
bomb root 2048 host -m 1G
as root --max-procs 63 -- true
is "$rc" 125 "--max-procs below 64 is a usage error"

# --- cgroup v2 (pids is on v1 here): bounds.c in the guest's hierarchy -------------
want="cgroup /umlrun-1-[^ ]+ joined 0::/umlrun-1-[^ ]+ cwd /tmp/umlrun-1-[^ ]+ forked 6[0-3] removed yes "
as root -- "$K/cgroup2"
like "$rc/$(tr '\n' ' ' <"$T/out")" "^0/$want\$" \
	"v2, from the root cgroup: a bound of 64 beneath it, joined, held, removed"
as root -- sh -c "mkdir /sys/fs/cgroup/caller && echo \$\$ >/sys/fs/cgroup/caller/cgroup.procs && exec $K/cgroup2"
like "$rc/$(tr '\n' ' ' <"$T/out")" "^0/$want\$" \
	"v2, from a leaf cgroup: made beside it, beneath the one that hands pids down"

# --- a shell fork bomb ends the run with the command's status --------------------
as root --max-procs 64 --timeout 60 -- bash -c 'f() { f | f & }; f; sleep 1; echo survived'
is "$rc/$(cat "$T/out")" "0/survived" "a shell fork bomb: the command ends with its own status"
like "$(sort -u "$T/err")" '^environment: fork: retry: Resource temporarily unavailable$' \
	"a shell fork bomb: bash saw EAGAIN and nothing else went wrong"
is "$(leftover_procs)" "" "a shell fork bomb: no process left"
is "$(stale_cgroups)" "" "no cgroup is left behind"

# --- a launcher killed hard: its reaper removes what is left ----------------------
AS_BG=1
as root -- sleep 30
AS_BG=0
kpid=$(kernel_pid)
cg=$(grep -o 'umlrun-[0-9]*-[A-Za-z0-9]*' "/proc/$kpid/cgroup" | head -1)
ok "$([ -n "$cg" ]; echo $?)" "the kernel runs in a cgroup of its run ($cg)"
kill -KILL "$(ps -o ppid= -p "$kpid" | tr -d ' ')"
as_wait
no_cgroup() { [ -z "$(find /sys/fs/cgroup -maxdepth 4 -type d -name "$cg" 2>/dev/null)" ]; }
WAIT_STEP=0.1 WAIT_TRIES=100 wait_for no_cgroup
ok $? "the SIGKILLed launcher's reaper removes its cgroup"
is "$(leftover_procs)" "" "and kills what the dead run's kernel left in it"
is "$(leftover_rundirs)" "" "and removes its run directory"
# What a dead run left is found by its lock, not its pid: a directory named
# after a live pid but locked by nobody goes at the next run; a locked one
# stays.
mkdir -p "$UMLRUN_RUNDIR/umlrun-$$-dead00" "$UMLRUN_RUNDIR/umlrun-$$-alive0"
touch -d '2 minutes ago' "$UMLRUN_RUNDIR/umlrun-$$-dead00"
flock "$UMLRUN_RUNDIR/umlrun-$$-alive0" sleep 30 &
lockpid=$!
WAIT_STEP=0.1 wait_for sh -c "! flock -n '$UMLRUN_RUNDIR/umlrun-$$-alive0' true"
as root -- true
is "$rc/$(ls "$UMLRUN_RUNDIR" | tr '\n' ' ')" "0/umlrun-$$-alive0 " \
	"the next run removes an unlocked run directory (its pid alive), not a locked one"
pkill -P "$lockpid" 2>/dev/null; kill "$lockpid" 2>/dev/null
wait "$lockpid" 2>/dev/null
rm -rf "$UMLRUN_RUNDIR/umlrun-$$-alive0"

# --- the kernel process and the launcher, seen from the host ---------------------
for user in root nobody; do
	AS_BG=1
	as "$user" -- sleep 3
	AS_BG=0
	kpid=$(kernel_pid)
	lpid=$(ps -o ppid= -p "$kpid" | tr -d ' ')
	is "$(awk '/^Max core file size/ { print $5, $6 }' "/proc/$kpid/limits")" "1 1" \
		"$user: the kernel process has RLIMIT_CORE 1 (no core file, no core pipe)"
	like "$(readlink "/proc/$kpid/cwd")" "^$UMLRUN_RUNDIR/umlrun-$lpid-" \
		"$user: the kernel process works in the run directory"
	is "$(awk '/^(NoNewPrivs|Seccomp):/ { printf "%s ", $2 }' "/proc/$lpid/status")" "1 2 " \
		"$user: the launcher runs with no new privileges and a seccomp filter"
	want=0000000000000000
	[ "$user" = root ] && want=0000000000000002
	is "$(awk '/^CapEff:/ { print $2 }' "/proc/$lpid/status")" "$want" \
		"$user: the launcher keeps no capability but a root's CAP_DAC_OVERRIDE"
	if [ "$user" = root ]; then
		like "$(cat "/proc/$kpid/cgroup")" "pids:.*/umlrun-$lpid-[^/]+\$|^0::.*/umlrun-$lpid-[^/]+\$" \
			"root: the kernel process is in the run's pids cgroup"
	else
		like "$(awk '/^Max processes/ { print $3, $4 }' "/proc/$kpid/limits")" '^([0-9]+) \1$' \
			"nobody: the kernel process has an RLIMIT_NPROC"
	fi
	as_wait
	is "$rc" 0 "$user: the sleep ended well"
done

# --- the console, flooded and hostile ----------------------------------------------
as root --log "$K/out/flood.log" -- sh -c 'printf "\033[31mred\007\n" >/dev/console
	yes 0123456789abcdefghijklmnopqrstuvwxyz | head -c 20000000 >/dev/console
	echo done'
is "$rc/$(cat "$T/out")" "0/done" "a guest writes 20 MB to its console"
size=$(stat -c %s "$K/out/flood.log")
ok "$([ "$size" -le $((16 * 1024 * 1024 + 64)) ] && [ "$size" -ge $((16 * 1024 * 1024)) ]; echo $?)" \
	"--log stops at 16 MiB ($size bytes)"
is "$(tail -1 "$K/out/flood.log")" "umlrun: log truncated at 16 MiB" "--log says it was cut"
grep -q 'red' "$K/out/flood.log" && grep -qF '\x1b[31mred\x07' "$K/out/flood.log"
ok $? "--log shows control bytes escaped"
is "$(tr -d '\n\t\040-\176' <"$K/out/flood.log" | wc -c)" 0 \
	"--log holds nothing but printable ASCII, tabs and newlines"
as nobody -v -- sh -c 'printf "\033]0;title\007\n" >/dev/console'
is "$rc" 0 "nobody: a guest writes a terminal escape to its console"
like "$(cat "$T/err")" '\\x1b\]0;title\\x07' "-v shows it escaped"
is "$(tr -d '\n\t\040-\176' <"$T/err" | wc -c)" 0 "-v writes nothing else to the terminal"

finish
