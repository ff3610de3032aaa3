#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Run a command next to a Docker daemon inside the umlrun guest:
#   umlrun -m 1G -- scripts/guest-dockerd.sh docker run --rm IMAGE CMD...
# The guest's root is the host's, read-only, so everything the daemon and
# containerd write goes to the guest's tmpfs: images and containers in
# /tmp/docker (overlay2 on tmpfs), state in /run/docker, and a tmpfs over
# /etc/docker for the daemon's key. Containers get no network by default
# (--bridge=none, no iptables); DOCKERD_NET=bridge gives them the default
# bridge with NAT (iptables in the guest). Exits with the command's status;
# the daemon's log is printed to stderr if it does not come up.
set -eu

mount -t tmpfs -o mode=0755 tmpfs /etc/docker
mkdir -p /tmp/docker /run/docker
net="--bridge=none --iptables=false --ip6tables=false"
[ "${DOCKERD_NET:-none}" = bridge ] && net=""
# shellcheck disable=SC2086 # $net is a list of options
dockerd --data-root /tmp/docker --exec-root /run/docker \
	-H unix:///run/docker.sock --pidfile /run/docker.pid \
	--storage-driver overlay2 $net >/run/dockerd.log 2>&1 &
export DOCKER_HOST=unix:///run/docker.sock
i=0
until docker version >/dev/null 2>&1; do
	i=$((i + 1))
	if [ $i -gt 300 ] || ! kill -0 $! 2>/dev/null; then
		echo "guest-dockerd: the Docker daemon did not start:" >&2
		tail -n 20 /run/dockerd.log >&2
		exit 125
	fi
	sleep 0.1
done
set +e
"$@"
rc=$?
kill $! 2>/dev/null
exit $rc
