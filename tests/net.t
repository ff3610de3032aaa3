#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# User-mode networking (-n, -p) through the real kernel and the real
# libslirp: the host's loopback services unreachable by default, even
# for a guest root that routes 127.0.0.0/8 out of eth0, and reachable at
# 10.0.2.2 with --host-loopback; guest -> host services there, host ->
# guest through published TCP and UDP ports, 64 MB each way byte-exact,
# DNS configuration. Traffic goes to host loopback only. The whole set runs as
# root and again as `nobody` (no privileges at all), and on every kernel
# series that has been built.
. "$(dirname "$0")/lib.sh"
need_kernel
TEST_TIMEOUT=180
BIG_MB=64

# --- host side helpers --------------------------------------------------------
PIDS=()
cleanup_net() {
	local p
	for p in "${PIDS[@]}"; do
		kill "$p" 2>/dev/null
	done
	wait 2>/dev/null
}
trap 'cleanup_net; rm -rf "$T" "$UMLRUN_RUNDIR"' EXIT

free_port() { # tcp|udp
	python3 -c 'import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM if sys.argv[1] == "tcp" else socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])' "$1"
}

# host_accepts PORT: something accepts on 127.0.0.1:PORT (wait_for it)
host_accepts() {
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}


mkdir -p "$T/www"
printf 'hello from the host\n' >"$T/www/hello.txt"
head -c $((BIG_MB << 20)) /dev/urandom >"$T/www/big"
BIG_SUM=$(sha <"$T/www/big")
chmod -R a+rX "$T/www"

HTTP_PORT=$(free_port tcp)
(cd "$T/www" && exec python3 -m http.server "$HTTP_PORT" --bind 127.0.0.1 \
	>/dev/null 2>&1) &
PIDS+=($!)
wait_for host_accepts "$HTTP_PORT" || echo "Bail out! host HTTP server did not start"

# In the guest: wait until a socket is bound to a port (tcp|udp PORT).
GUEST_WAIT='w() { h=$(printf ":%04X " "$2"); while ! grep -q "^ *[0-9]*: [0-9A-F]*$h" /proc/net/$1; do sleep 0.01; done; }'

# --- how umlrun is run: as whom, with which kernel ----------------------------
AS=()
KARGS=()
WHO=root

# run ARGS...: like um, as $AS with $KARGS.
run() {
	timeout -k 5 "$TEST_TIMEOUT" "${AS[@]}" "$UMLRUN" "${KARGS[@]}" "$@" \
		>"$T/out" 2>"$T/err"
	rc=$?
}

# run_server ARGS...: start umlrun in the background; return once the guest
# command printed its first line ("ready"). Then `finish_server`.
run_server() {
	rm -f "$T/fifo"
	mkfifo "$T/fifo"
	timeout -k 5 "$TEST_TIMEOUT" "${AS[@]}" "$UMLRUN" "${KARGS[@]}" "$@" \
		>"$T/fifo" 2>"$T/err" &
	server_pid=$!
	exec 7<"$T/fifo"
	ready=
	read -r -t 60 ready <&7
}

finish_server() {
	cat <&7 >"$T/out"
	exec 7<&-
	wait "$server_pid"
	rc=$?
}

suite() { # LABEL
	local L="$1" hp up

	# --- default: no network --------------------------------------------
	run -- ls /sys/class/net
	unlike "$(cat "$T/out")" 'eth0' "$L: no eth0 without -n"
	like "$(cat "$T/out")" '^lo$' "$L: lo is there"
	is "$(cat "$T/out")" "lo" "$L: no other interface (no stray sit0 or dummy0)"

	# --- -n: eth0, address, route, DNS --------------------------------
	host_resolv=$(sha /etc/resolv.conf 2>/dev/null)
	run -n -- sh -c 'cat /sys/class/net/eth0/operstate /sys/class/net/eth0/address; grep -c "^eth0	00000000	0202000A	0003" /proc/net/route; grep -w 10.0.2.15 /proc/net/fib_trie | head -1; cat /etc/resolv.conf'
	is "$rc" 0 "$L: -n boots"
	like "$(sed -n 1p "$T/out")" '^(up|unknown)$' "$L: eth0 is up"
	is "$(sed -n 3p "$T/out")" 1 "$L: default route via 10.0.2.2 on eth0"
	like "$(sed -n 4p "$T/out")" '10\.0\.2\.15' "$L: eth0 has 10.0.2.15"
	is "$(sed -n '5,$p' "$T/out")" "nameserver 10.0.2.3" "$L: /etc/resolv.conf names slirp's DNS"
	is "$(sha /etc/resolv.conf 2>/dev/null)" "$host_resolv" "$L: the host's resolv.conf is untouched"
	# a new root (--overlay, or a bind whose mount point the host lacks)
	# gets the guest's resolv.conf too
	run -n --overlay -- cat /etc/resolv.conf
	is "$rc/$(cat "$T/out")" "0/nameserver 10.0.2.3" "$L: -n --overlay: the guest's resolv.conf"
	run -n --bind "$T:/no/such/mountpoint" -- cat /etc/resolv.conf
	is "$rc/$(cat "$T/out")" "0/nameserver 10.0.2.3" "$L: -n with a new mount point: the guest's resolv.conf"

	# --- host loopback: refused unless --host-loopback ------------------
	# A host listener on 127.0.0.1 that counts the connections it accepts.
	lp=$(free_port tcp)
	: >"$T/hits"
	socat "TCP-LISTEN:$lp,bind=127.0.0.1,reuseaddr,fork" \
		SYSTEM:"echo hit >>$T/hits; echo hello" &
	PIDS+=($!)
	wait_for host_listens "$lp"
	run -n -- socat -T 5 -u "TCP:10.0.2.2:$lp,connect-timeout=5" -
	is "$rc/$(cat "$T/out")/$(wc -l <"$T/hits")" "1//0" \
		"$L: by default a guest connect to 10.0.2.2:PORT (the host's 127.0.0.1) fails"
	run --host-loopback -- socat -T 5 -u "TCP:10.0.2.2:$lp,connect-timeout=5" -
	is "$rc/$(cat "$T/out")/$(wc -l <"$T/hits")" "0/hello/1" \
		"$L: with --host-loopback (no -n needed) the same connect reaches the host listener"
	# Guest root routes 127.0.0.0/8 out of eth0: libslirp alone would
	# connect to the host's 127.0.0.1 for it. Only the SYN matters here
	# (the guest drops the answer from 127.0.0.1), so the host listener's
	# count says whether it got through.
	route_lo='for d in all eth0; do echo 1 >/proc/sys/net/ipv4/conf/$d/route_localnet; done; ip route del local 127.0.0.1 dev lo table local; ip route del local 127.0.0.0/8 dev lo table local; ip route add 127.0.0.0/8 via 10.0.2.2 dev eth0 src 10.0.2.15'
	run -v -n -- sh -c "$route_lo; ip route get 127.0.0.1; socat -T 2 -u TCP:127.0.0.1:$lp,connect-timeout=2 - 2>/dev/null"
	like "$(head -n1 "$T/out")" '^127\.0\.0\.1 via 10\.0\.2\.2 dev eth0' "$L: guest root routes 127.0.0.1 out of eth0"
	is "$(wc -l <"$T/hits")" 1 "$L: by default its connect to 127.0.0.1 does not reach the host's loopback"
	like "$(cat "$T/err")" "umlrun: network: [1-9][0-9]* frames to the host's loopback refused" \
		"$L: the launcher refused those frames"
	run --host-loopback -- sh -c "$route_lo; socat -T 2 -u TCP:127.0.0.1:$lp,connect-timeout=2 - 2>/dev/null"
	is "$(wc -l <"$T/hits")" 2 "$L: control: with --host-loopback the same route reaches the host listener"
	kill "${PIDS[-1]}" 2>/dev/null
	# UDP: the guest may answer a published port's client on the host's
	# loopback (the -p /udp test below), but not send from that port to a
	# host loopback port that never wrote to it.
	ul=$(free_port udp)
	hp=$(free_port udp)
	: >"$T/udp-got"
	socat -u "UDP-RECV:$ul,bind=127.0.0.1" "OPEN:$T/udp-got,append" &
	PIDS+=($!)
	for opt in -n --host-loopback; do
		run $opt -p "$hp:9000/udp" -- sh -c "echo sneak$opt | socat -u - UDP:10.0.2.2:$ul,sourceport=9000; sleep 0.5"
	done
	is "$(cat "$T/udp-got")" "sneak--host-loopback" \
		"$L: from a published UDP port the guest reaches a host loopback port only with --host-loopback"
	kill "${PIDS[-1]}" 2>/dev/null

	# --- guest -> host: HTTP on host loopback via the gateway ----------
	run --host-loopback -- curl -sS --max-time 60 "http://10.0.2.2:$HTTP_PORT/hello.txt"
	is "$(cat "$T/out")" "hello from the host" "$L: guest fetches from a host loopback server through 10.0.2.2"
	is "$rc" 0 "$L: curl exits 0"

	run --host-loopback -- sh -c "curl -sS --max-time 120 http://10.0.2.2:$HTTP_PORT/big | sha256sum; cat /sys/class/net/eth0/statistics/rx_dropped"
	is "$(sed -n 1p "$T/out" | cut -d' ' -f1)" "$BIG_SUM" "$L: $BIG_MB MB host -> guest over HTTP byte-exact"
	is "$(sed -n 2p "$T/out")" 0 "$L: guest dropped no received frame"

	# --- guest -> host: 64 MB upload to a host loopback listener ------
	up=$(free_port tcp)
	socat -u -b 131072 "TCP-LISTEN:$up,bind=127.0.0.1,reuseaddr" \
		"CREATE:$T/upload" &
	PIDS+=($!)
	wait_for host_listens "$up"
	run --host-loopback -- sh -c "socat -b 131072 -u OPEN:$T/www/big TCP:10.0.2.2:$up; cat /sys/class/net/eth0/statistics/tx_dropped"
	wait "${PIDS[-1]}" 2>/dev/null
	is "$rc" 0 "$L: upload exits 0"
	is "$(sha <"$T/upload")" "$BIG_SUM" "$L: $BIG_MB MB guest -> host byte-exact"
	is "$(cat "$T/out")" 0 "$L: guest dropped no sent frame"
	rm -f "$T/upload"

	# --- host -> guest: published TCP port, both directions -----------
	hp=$(free_port tcp)
	run_server -p "$hp:8000" -- sh -c "$GUEST_WAIT; socat -b 131072 -u OPEN:$T/www/big TCP-LISTEN:8000 & w tcp 8000; echo ready; wait"
	is "$ready" ready "$L: guest server behind -p is up"
	socat -b 131072 -u "TCP:127.0.0.1:$hp" - >"$T/got"
	finish_server
	is "$(sha <"$T/got")" "$BIG_SUM" "$L: $BIG_MB MB from a guest server through -p byte-exact"
	[ "$(stat -c %s "$T/got")" = $((BIG_MB << 20)) ] ||
		echo "got $(stat -c %s "$T/got") bytes; stderr: $(cat "$T/err")" | diag
	rm -f "$T/got"
	is "$rc" 0 "$L: guest server exits 0"

	hp=$(free_port tcp)
	run_server -m 512M -p "127.0.0.1:$hp:8001/tcp" -- sh -c "$GUEST_WAIT; socat -b 131072 -u TCP-LISTEN:8001 - | sha256sum & w tcp 8001; echo ready; wait"
	is "$ready" ready "$L: guest sink behind -p HOSTADDR:HOSTPORT:GUESTPORT/tcp is up"
	socat -b 131072 -u "OPEN:$T/www/big" "TCP:127.0.0.1:$hp"
	finish_server
	is "$(cut -d' ' -f1 "$T/out")" "$BIG_SUM" "$L: $BIG_MB MB to a guest server through -p byte-exact"

	# --- host -> guest: published UDP port ------------------------------
	hp=$(free_port udp)
	run_server -p "$hp:9000/udp" -- sh -c "$GUEST_WAIT; socat UDP-RECVFROM:9000 EXEC:'tr a-z A-Z' & w udp 9000; echo ready; wait"
	is "$ready" ready "$L: guest UDP server behind -p /udp is up"
	got=$(echo ping-udp | socat -t 10 - "UDP:127.0.0.1:$hp")
	finish_server
	is "$got" "PING-UDP" "$L: UDP datagram through -p and its reply (to the host's loopback, without --host-loopback)"

	# --- the launcher reports no loss -----------------------------------
	run -v --host-loopback -- curl -sS -o /dev/null "http://10.0.2.2:$HTTP_PORT/big"
	like "$(grep 'umlrun: network:' "$T/err")" ' 0 dropped, 0 bad$' "$L: launcher dropped no frame"

	# --- backpressure: tiny socket buffers, so both sides meet a full
	# socket all the time (launcher queue and throttle, guest TX queue)
	UMLRUN_NET_SOCKBUF=16384 run -v --host-loopback -- sh -c "curl -sS http://10.0.2.2:$HTTP_PORT/big | sha256sum; cat /sys/class/net/eth0/statistics/rx_dropped /sys/class/net/eth0/statistics/tx_dropped"
	is "$(sed -n 1p "$T/out" | cut -d' ' -f1)" "$BIG_SUM" "$L: $BIG_MB MB byte-exact through 16 KB socket buffers"
	[ "$(sed -n 1p "$T/out" | cut -d' ' -f1)" = "$BIG_SUM" ] ||
		{ echo "exit status $rc; the end of its stderr:"; grep -v '^umlrun: kernel:' "$T/err" | tail -n 8; } | diag
	like "$(grep 'umlrun: network:' "$T/err")" '[1-9][0-9]* waited in the queue.* 0 dropped, 0 bad$' "$L: launcher queued frames and dropped none"
	is "$(sed -n '2,3p' "$T/out" | tr '\n' ' ')" "0 0 " "$L: guest dropped no frame either way"
	up=$(free_port tcp)
	socat -u -b 131072 "TCP-LISTEN:$up,bind=127.0.0.1,reuseaddr" \
		"CREATE:$T/upload" &
	PIDS+=($!)
	wait_for host_listens "$up"
	UMLRUN_NET_SOCKBUF=16384 run --host-loopback -- sh -c "socat -b 131072 -u OPEN:$T/www/big TCP:10.0.2.2:$up; cat /sys/class/net/eth0/statistics/tx_dropped"
	wait "${PIDS[-1]}" 2>/dev/null
	is "$(sha <"$T/upload")/$(cat "$T/out")" "$BIG_SUM/0" "$L: $BIG_MB MB guest -> host through 16 KB socket buffers, no guest drop"
	rm -f "$T/upload"
}

# host_listens PORT: a socket listens on 127.0.0.1:PORT (wait_for it); a
# one-shot listener must not be consumed by a probe, so the socket table.
host_listens() {
	grep -q "^ *[0-9]*: 0100007F$(printf ':%04X ' "$1")" /proc/net/tcp
}

# --- usage errors -----------------------------------------------------------------
for bad in 80 x:80 80:0 70000:80 1.2.3:80:80 80:80/sctp :80:80; do
	um -p "$bad" -- true
	is "$rc" 125 "-p $bad is a usage error"
done
like "$(cat "$T/err")" "^umlrun: bad port forward" "bad -p says so"
busy=$(free_port tcp)
python3 -c 'import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(); time.sleep(60)' "$busy" &
PIDS+=($!)
wait_for host_listens "$busy"
um -p "$busy:80" -- true
is "$rc" 125 "a host port in use is 125"
like "$(cat "$T/err")" "^umlrun: cannot publish 127.0.0.1:$busy/tcp" "a host port in use is named"

# --- the set, as root and as nobody, on each built kernel ----------------------
for series in 6.12 6.1; do
	kdir=$ROOT/build/kernels/$series
	if [ ! -x "$kdir/linux" ]; then
		echo "# kernel $series not built: skipping its network tests"
		continue
	fi
	AS=()
	KARGS=(-k "$kdir/linux")
	suite "$series root"

	# nobody cannot read root's cache: a world-readable copy of kernel+init.
	pub=$T/pub-$series
	mkdir -p "$pub"
	cp "$kdir/linux" "$kdir/hostexec.ko" "$ROOT/build/umlinit" "$pub/"
	chmod -R a+rX "$pub"
	AS=(runuser -u nobody --)
	KARGS=(-k "$pub/linux" --init "$pub/umlinit")
	run -- id -u
	is "$(cat "$T/out")" 0 "$series nobody: root inside, as nobody outside"
	suite "$series nobody"
done

finish
