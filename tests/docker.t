#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A container engine inside the guest: Docker (docker.io + containerd +
# runc, host packages) started by scripts/guest-dockerd.sh on tmpfs storage,
# a busybox-static rootfs tarball imported as an image, containers run with
# their exit status and output coming back through umlrun.
. "$(dirname "$0")/lib.sh"
need_kernel
if ! command -v dockerd >/dev/null; then
	if [ "${UMLRUN_MUST_WORK:-0}" = 1 ]; then
		echo "Bail out! dockerd missing (make installs docker.io)"
		exit 1
	fi
	echo "1..0 # SKIP dockerd missing (make installs docker.io)"
	exit 0
fi
DOCKERD=$ROOT/scripts/guest-dockerd.sh

mkdir -p "$T/rootfs/bin"
cp /bin/busybox "$T/rootfs/bin/"
ln -s busybox "$T/rootfs/bin/sh"
tar -C "$T/rootfs" -cf "$T/bb.tar" .

um -m 1G -- "$DOCKERD" sh -c "docker import '$T/bb.tar' bb >/dev/null &&
	exec docker run --rm bb sh -c 'echo ok; exit 3'"
is "$rc" 3 "docker run --rm bb sh -c 'echo ok; exit 3': umlrun exits 3"
is "$(cat "$T/out")" "ok" "  ... with exactly ok on stdout"
is "$(cat "$T/err")" "" "  ... and nothing on stderr"

um -m 1G -- "$DOCKERD" sh -c "docker import '$T/bb.tar' bb >/dev/null &&
	docker run --rm --memory 32m --pids-limit 20 bb \
		sh -c 'cat /sys/fs/cgroup/memory.max /sys/fs/cgroup/pids.max; hostname; echo \$\$'"
is "$(head -2 "$T/out" | tr '\n' ' ')" "33554432 20 " "containers get cgroup v2 memory and pids limits"
like "$(sed -n 3p "$T/out")" '^[0-9a-f]{12}$' "  ... their own uts namespace"
is "$(sed -n 4p "$T/out")" "1" "  ... and their own pid namespace"

um -m 1G -e DOCKERD_NET=bridge -- "$DOCKERD" sh -c "docker import '$T/bb.tar' bb >/dev/null &&
	docker run --rm bb sh -c 'ping -c1 -W5 \$(ip route | sed -n \"s/^default via \\([^ ]*\\).*/\\1/p\") >/dev/null && echo gateway ok'"
is "$(cat "$T/out")/$rc" "gateway ok/0" "DOCKERD_NET=bridge: a container on the default bridge (iptables NAT) reaches its gateway"

finish
