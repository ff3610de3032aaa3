#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The exchange-directory approach umlrun replaces, as a baseline for
# bench/run: Debian's stock linux.uml, a host directory holding the command,
# a shell init that runs it writing output and status to files there, and
# this script printing them and exiting with the status.
#
# usage: oldway.sh COMMAND [ARG]...
set -u
kernel=${OLDWAY_KERNEL:-/usr/bin/linux.uml}
x=$(mktemp -d "${OLDWAY_DIR:-$PWD}/oldway.XXXXXX")
trap 'rm -rf "$x"' EXIT
printf '%q ' "$@" >"$x/cmd"
cat >"$x/init" <<INIT
#!/bin/sh
mount -t proc proc /proc
cd "$PWD"
sh "$x/cmd" >"$x/out" 2>"$x/err"
echo \$? >"$x/status"
sync
exec /bin/busybox poweroff -f
INIT
chmod +x "$x/init"
${OLDWAY_WRAP:-} setarch -R "$kernel" mem=256M root=/dev/root rootfstype=hostfs \
	rootflags=/ rw init="$x/init" "uml_dir=$x" con=null con0=null,fd:1 \
	>"$x/console" 2>&1 </dev/null &
wait $! 2>/dev/null
cat "$x/out"
cat "$x/err" >&2
[ -s "$x/status" ] || { tail -5 "$x/console" >&2; exit 125; }
exit "$(cat "$x/status")"
