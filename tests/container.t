#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# umlrun inside a container with a container engine's defaults, as
# `docker run IMAGE umlrun ...` gives them: Docker's own default seccomp
# profile (moby's default.json, from Debian's docker source; applied by
# tests/container/docker-defaults.py), Docker's default capabilities and no
# others, PID 1 of a new PID namespace, a read-only /sys, no /dev/kvm and a
# 64 MiB /dev/shm, as the container's root and as an unprivileged user. A
# Docker engine does not run on every build machine; this is what one
# would set up, made with the same kernel interfaces. The guest's memory
# must live where it fits: 150 MB written to the guest's /tmp, not a
# "Kernel mode signal 7" panic.
. "$(dirname "$0")/lib.sh"
need_kernel
if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP needs root (a mount and PID namespace)"
	exit 0
fi
PROFILE=/usr/share/gocode/src/github.com/docker/docker/profiles/seccomp/default.json
if [ ! -r "$PROFILE" ] || ! /usr/bin/python3 -c 'import seccomp' 2>/dev/null; then
	echo "Bail out! no Docker seccomp profile or python3-seccomp (make installs golang-github-docker-docker-dev and python3-seccomp)"
	exit 1
fi
as_setup
# Docker's default capabilities (moby oci/caps/defaults.go)
CAPS=-all,+chown,+dac_override,+fsetid,+fowner,+mknod,+net_raw,+setgid,+setuid
CAPS=$CAPS,+setfcap,+setpcap,+net_bind_service,+sys_chroot,+kill,+audit_write
CTMP=$BASE/ctmp	# the container's /tmp: its disk-backed root filesystem
mkdir -p "$CTMP"
chmod 1777 "$CTMP"

# container USER CMD...: CMD as USER in the emulated container; $rc,
# $T/out, $T/err as um sets them. stdin is the caller's.
container() {
	local user=$1 who=()
	shift
	[ "$user" = root ] || who=(--reuid="$user" --regid="$user" --clear-groups)
	timeout -k 5 "$TEST_TIMEOUT" unshare -m -p -f --mount-proc --propagation private \
		sh -c 'mount -t tmpfs -o size=64m,nosuid,nodev tmpfs /dev/shm &&
			mount --bind /sys /sys && mount -o remount,bind,ro /sys || exit 99
			exec "$@"' sh \
		setpriv "${who[@]}" --bounding-set="$CAPS" --inh-caps=-all \
		env -u UMLRUN_RUNDIR TMPDIR="$CTMP" XDG_RUNTIME_DIR= \
		/usr/bin/python3 "$ROOT/tests/container/docker-defaults.py" "$PROFILE" \
		"$@" >"$T/out" 2>"$T/err"
	rc=$?
}
UM=("$K/umlrun" -k "$K/linux" --init "$K/umlinit")

for user in root 65534; do
	container "$user" sh -c 'unshare -U true 2>/dev/null; echo "unshare $?"
		df -m /dev/shm | awk "NR == 2 { print \"shm\", \$2 }"
		awk "/^CapBnd/ { print \"bnd\", \$2 }" /proc/self/status
		echo "pid $$"; touch /sys/x 2>/dev/null; echo "sys $?"'
	is "$rc/$(tr '\n' ' ' <"$T/out")" "0/unshare 1 shm 64 bnd 00000000a80425fb pid 1 sys 1 " \
		"$user: control: no namespaces (seccomp), 64 MiB /dev/shm, Docker's capabilities, PID 1, read-only /sys"

	container "$user" "${UM[@]}" -m 512M -- sh -c 'head -c 150M /dev/zero >/tmp/big && stat -c %s /tmp/big'
	is "$rc/$(cat "$T/out")/$(cat "$T/err")" "0/157286400/" \
		"$user: 150 MB into the guest's /tmp (-m 512M) under a 64 MiB /dev/shm: no panic, nothing on stderr"

	container "$user" "${UM[@]}" -v -- true
	like "$(cat "$T/err")" "guest memory goes to $CTMP: /dev/shm has 6[0-9] MiB free" \
		"$user: -v says where the memory went and why"
	if [ "$user" = root ]; then
		like "$(cat "$T/err")" 'host processes are bounded by the container \(no pids cgroup of our own' \
			"root: no cgroup to write (read-only /sys): the container's limits bound the processes, and -v says so"
	fi

	printf 'in\0put' >"$T/in"
	container "$user" "${UM[@]}" -- sh -c 'cat; echo out; echo err >&2; exit 7' <"$T/in"
	is "$rc/$(od -An -c "$T/out" | tr -s ' ')/$(cat "$T/err")" "7/ i n \\0 p u t o u t \\n/err" \
		"$user: stdin, stdout, stderr and the exit status pass through"

	container "$user" env UMLRUN_RUNDIR=/dev/shm "${UM[@]}" -- true
	is "$rc/$(wc -l <"$T/err")" 125/1 "$user: a run directory without room is refused before boot (125, one line)"
	like "$(cat "$T/err")" '^umlrun: UMLRUN_RUNDIR /dev/shm has 6[0-9] MiB free, .* need 272 MiB.*-m' \
		"$user: it says how much is needed and what to do"
	container "$user" env UMLRUN_RUNDIR=/dev/shm "${UM[@]}" -m 40M -- true
	is "$rc" 0 "$user: and less memory fits there"
done
is "$(find "$CTMP" -mindepth 1 | wc -l)" 0 "no run directory is left in the container's /tmp"
finish
