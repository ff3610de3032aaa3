#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Network speed of umlrun -n/-p, each beside the same transfer over host
# loopback in the same run:
#   host -> guest   TCP throughput into a guest server published with -p
#   guest -> host   TCP throughput out of a guest server published with -p
#   setup           connect + 1-byte round trip through -p (median, p90)
# usage: bench/net.sh [MB] [CONNECTIONS]   (default 256 MB, 200 connections)
# Needs a built tree (make). Uses bench/netperf.py on both sides.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
umlrun=$root/umlrun
perf=$root/bench/netperf.py
py=/usr/bin/python3
mb=${1:-256}
conns=${2:-200}
bytes=$((mb << 20))
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

free_port() {
	$py -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# serve_host ARGS...: a netperf server on the host; waits for "ready".
serve_host() {
	mkfifo "$tmp/h"
	$py "$perf" "$@" >"$tmp/h" &
	exec 8<"$tmp/h"
	read -r _ <&8
	rm "$tmp/h"
}

# serve_guest PORT ARGS...: a netperf server in a guest behind -p.
serve_guest() {
	local hp=$1
	shift
	mkfifo "$tmp/g"
	"$umlrun" -p "$hp:8000" -- $py "$perf" "$@" >"$tmp/g" &
	exec 9<"$tmp/g"
	read -r _ <&9
	rm "$tmp/g"
}

mbps() { awk -v b="$1" -v s="$2" 'BEGIN { printf "%.0f", b / s / 1e6 }'; }

row() { printf '%-28s %14s %14s\n' "$@"; }

row "" "umlrun -p" "host loopback"

# host -> guest
hp=$(free_port)
serve_guest "$hp" sink 8000
read -r b s < <($py "$perf" send 127.0.0.1 "$hp" "$bytes")
wait
g=$(mbps "$b" "$s")
p=$(free_port)
serve_host sink "$p"
read -r b s < <($py "$perf" send 127.0.0.1 "$p" "$bytes")
wait
row "TCP host -> guest (MB/s)" "$g" "$(mbps "$b" "$s")"

# guest -> host
hp=$(free_port)
serve_guest "$hp" source 8000 "$bytes"
read -r b s < <($py "$perf" recv 127.0.0.1 "$hp")
wait
g=$(mbps "$b" "$s")
p=$(free_port)
serve_host source "$p" "$bytes"
read -r b s < <($py "$perf" recv 127.0.0.1 "$p")
wait
row "TCP guest -> host (MB/s)" "$g" "$(mbps "$b" "$s")"

# connection setup
hp=$(free_port)
serve_guest "$hp" echo 8000 "$conns"
read -r gm g9 < <($py "$perf" ping 127.0.0.1 "$hp" "$conns")
wait
p=$(free_port)
serve_host echo "$p" "$conns"
read -r hm h9 < <($py "$perf" ping 127.0.0.1 "$p" "$conns")
wait
row "connect+RTT median/p90 (us)" "$gm/$g9" "$hm/$h9"
echo "($mb MB per transfer, $conns connections; $(nproc) CPUs, load $(cut -d' ' -f1 /proc/loadavg))"
