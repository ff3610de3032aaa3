#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Hardening against a guest root that attacks its own kernel, on both
# series, as host root and as nobody: no path to kernel memory (/dev/mem,
# /proc/kcore, the kernel process's own /proc/self/mem through a second
# hostfs mount), no module after boot (also when the user's own module
# was loaded at boot, --load-module), lockdown that cannot be lowered, no
# signing key to read; no stale host mapping of a freed page (a fork
# child's MADV_DONTFORK pages on 6.1, a failed stub call at the host's map
# limit), no host system call through UML's stub from guest code; and
# with --allow-modules (the kernel layer given up) a hostile module making
# raw host system calls from the kernel process is contained by Landlock
# and the seccomp filter: no Unix, abstract or TCP socket, no signal
# outside, no write outside the writable paths, no host device, no
# inherited fd. A kernel without the write policy, or a host without
# Landlock, is refused unless the user gives that layer up.
. "$(dirname "$0")/lib.sh"
need_kernel
as_setup

mkdir -p "$BASE/w"
chmod 777 "$BASE/w"
echo keep >"$BASE/outside"
chmod 666 "$BASE/outside"
SOCK=$BASE/sock
ABSTRACT=umlrun-hardening-$$
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
socat UNIX-LISTEN:"$SOCK",mode=777,fork SYSTEM:true 2>/dev/null &
l1=$!
socat ABSTRACT-LISTEN:"$ABSTRACT",fork SYSTEM:true 2>/dev/null &
l2=$!
socat TCP-LISTEN:"$PORT",bind=127.0.0.1,fork,reuseaddr SYSTEM:true 2>/dev/null &
l3=$!
trap 'kill $l1 $l2 $l3 2>/dev/null; rm -rf "$T" "$UMLRUN_RUNDIR" "$K"; [ "$BASE" = "$T" ] || rm -rf "$BASE"' EXIT
for i in $(seq 50); do
	[ -S "$SOCK" ] && socat -u OPEN:/dev/null TCP:127.0.0.1:"$PORT" 2>/dev/null && break
	sleep 0.1
done
socat -u OPEN:/dev/null UNIX-CONNECT:"$SOCK" 2>/dev/null &&
	socat -u OPEN:/dev/null ABSTRACT-CONNECT:"$ABSTRACT" 2>/dev/null &&
	socat -u OPEN:/dev/null TCP:127.0.0.1:"$PORT" 2>/dev/null
ok $? "control: the host's Unix, abstract and TCP listeners accept connections"

# guest programs of the attacks on the stub and fork (tests/attack/guest)
mkdir -p "$BASE/ag"
for p in dontfork stubfail stubjump; do
	cc -O1 -o "$BASE/ag/$p" "$ROOT/tests/attack/guest/$p.c" 2>"$T/cc.log" ||
		echo "Bail out! $p does not build: $(head -1 "$T/cc.log")"
done
chmod -R a+rX "$BASE/ag"

for KV in 6.12 6.1; do
	use_kernel "$KV" || continue
	kern=$ROOT/build/kernels/$KV/linux
	obj=$(kernel_build "$kern" obj)
	module_build attack "$kern"
	ok $? "$KV: the attack module builds against the cached tree"
	cp "$T/attack/umlrun_attack.ko" "$BASE/attack.ko" && chmod 644 "$BASE/attack.ko"
	module_build splat "$kern"
	cp "$T/splat/umlrun_splat.ko" "$BASE/splat.ko" && chmod 644 "$BASE/splat.ko"
	addr=$(awk '$3 == "modules_disabled" { print $1 }' "$obj/System.map")
	off=$((0x$addr - 0x60000000))
	like "$off" '^[0-9]+$' "$KV: modules_disabled is at offset $off of the kernel image"

	stub_entry=$(awk '$3 == "__syscall_stub_start" { s = $1 }
		$3 == "stub_syscall_handler" || $3 == "batch_syscall_stub" { e = $1 }
		END { print "0x" e, "0x" s }' "$obj/System.map")
	stub_entry=$(printf '%#x' $((${stub_entry% *} - ${stub_entry#* })))
	ok "$([ ! -e "$obj/certs/signing_key.pem" ]; echo $?)" \
		"$KV: the module-signing key is gone from the build tree (a guest reads host files)"

	# --- a failed stub call (host map count at its limit) leaves freed
	# pages mapped: the kernel panics instead (patches/*/0004)
	as root -- "$BASE/ag/stubfail"
	is "$rc" 125 "$KV: host mappings out of step: the run ends as a kernel panic (125)"
	like "$(cat "$T/err")" 'kernel panic: .*(Error flushing stub syscalls|host mapping out of step)' \
		"$KV: and says why"
	unlike "$(cat "$T/out")" 'page-cache records seen through it|contains the write|without fault' \
		"$KV: no process saw a freed page"

	for user in root nobody; do
		# --- the stub and fork, as any guest user ---------------------
		as "$user" -- sh -c "
			setpriv --reuid=65534 --regid=65534 --clear-groups $BASE/ag/dontfork
			setpriv --reuid=65534 --regid=65534 --clear-groups $BASE/ag/dontfork control
			$BASE/ag/stubjump $stub_entry $KV
			echo end"
		is "$rc/$(tr '\n' ' ' <"$T/out")" "0/faults copied stub at $(
			[ "$KV" = 6.1 ] && echo 0x7fc0000000 || echo 0x7fbffff000) data rw jump: signal 11 end " \
			"$KV $user: a fork child loses its parent's DONTFORK pages (control: it keeps a copy of the others); guest code that runs the stub with its own request is killed"

		# --- kernel memory (and with a module of the user's loaded at
		# boot: the kernel is locked after it all the same) ------------
		for mod in "" "$BASE/splat.ko"; do
			as "$user" ${mod:+--load-module "$mod"} -- sh -c "
				ls /dev/mem /dev/kmem /dev/port /proc/kcore 2>/dev/null | wc -l
				mknod /tmp/mem c 1 1 && mknod /tmp/kmem c 1 2
				printf '\\0\\0\\0\\0' | dd of=/tmp/mem bs=1 seek=$off conv=notrunc 2>/dev/null && echo WROTE-MEM
				dd if=/tmp/mem bs=1 count=4 skip=$off 2>/dev/null | wc -c
				mount -t hostfs none /mnt -o /proc || echo no-hostfs
				printf '\\0\\0\\0\\0' | dd of=/mnt/self/mem bs=1 seek=\$((0x$addr)) conv=notrunc 2>/dev/null && echo WROTE-SELF-MEM
				echo 0 >/proc/sys/kernel/modules_disabled 2>/dev/null && echo REOPENED
				cat /proc/sys/kernel/modules_disabled
				echo none >/sys/kernel/security/lockdown 2>/dev/null && echo LOWERED
				cat /sys/kernel/security/lockdown
				insmod $BASE/attack.ko 2>/dev/null && echo LOADED
				echo end"
			is "$rc/$(tr '\n' ' ' <"$T/out")" "0/0 0 1 none integrity [confidentiality] end " \
				"$KV $user${mod:+ --load-module}: no /dev/mem, kcore or port; mem, /proc/self/mem, modules_disabled, lockdown and insmod all refused"
		done

		# --- a module in the kernel process (kernel layer given up) ---
		echo keep >"$BASE/outside"
		: >"$BASE/w/ok"
		chmod 666 "$BASE/w/ok"
		setpriv --reuid="$user" --regid="$(id -g "$user")" --clear-groups sleep 120 &
		victim=$!
		as "$user" --allow-modules --bind "$BASE/w:rw" -- sh -c "
			insmod $BASE/attack.ko rfile=/etc/hostname okfile=$BASE/w/ok \
				wfile=$BASE/outside devfile=/dev/ptmx sock=$SOCK port=$PORT \
				victim=$victim && dmesg | sed -n 's/.*umlrun_attack: //p'" 9>>"$BASE/w/fd9"
		got=$(tr '\n' ' ' <"$T/out")
		is "$rc" 0 "$KV $user: --allow-modules: the attack module loaded and ran"
		like "$got" 'getpid=0 read=0 write-allowed=0 ' \
			"$KV $user: control: its raw host system calls reach the host, and write where allowed"
		is "$(cat "$BASE/w/ok")" attack "$KV $user: control: the allowed write landed"
		like "$got" 'write-outside=-13 read-device=-13 ' \
			"$KV $user: no write outside the writable paths, no host device (Landlock)"
		like "$got" 'unix-connect=-13 abstract-connect=-13 tcp-connect=-13 dgram-socketpair=-13 io_uring=-38 ' \
			"$KV $user: no Unix, abstract or TCP socket, no datagram pair, no io_uring (seccomp)"
		like "$got" 'kill-victim=-1 kill-all=-1 inherited-fd=-[0-9]+ done' \
			"$KV $user: no signal outside the run, no kill(-1), fd 9 is not the caller's"
		is "$(cat "$BASE/outside")" keep "$KV $user: the outside file is unchanged"
		ok "$(kill -0 $victim 2>/dev/null; echo $?)" "$KV $user: the victim process lives"
		is "$(cat "$BASE/w/fd9")" "" "$KV $user: nothing came through the inherited fd"
		kill $victim 2>/dev/null
		wait $victim 2>/dev/null
	done

	# --- the kernel process as the host sees it ----------------------
	: >"$T/fd8"
	"$K/umlrun" -k "$K/linux" --init "$K/umlinit" -- sleep 4 9>"$T/fd9" 8<"$T/fd8" &
	bg=$!
	kpid=
	for i in $(seq 80); do
		kpid=$(pgrep -f -- "uml_dir=$UMLRUN_RUNDIR/" | head -1)
		[ -n "$kpid" ] && [ -n "$(pgrep -P "$kpid")" ] && break
		sleep 0.05
	done
	sleep 0.5
	links=$(for p in $kpid $(pgrep -P "$kpid"); do
		for f in /proc/$p/fd/*; do readlink "$f"; done
	done 2>/dev/null)
	like "$links" 'socket:' "$KV: control: the fds of the kernel and its children were read"
	unlike "$links" "$T/fd[89]" "$KV: none of them is an fd the caller left open"
	is "$(awk '/^NoNewPrivs|^Seccomp:/ { print $2 }' "/proc/$kpid/status" | tr '\n' ' ')" "1 2 " \
		"$KV: the kernel process runs under no_new_privs and a seccomp filter"
	is "$(awk '/^CapBnd/ { print $2 }' "/proc/$kpid/status")" 000000000000000e \
		"$KV: a root caller's kernel keeps only dac_override, dac_read_search, fowner (not chown, not fsetid)"
	wait $bg
	is "$?" 0 "$KV: that run ends well"
done

# --- host paths that would hand the guest kernel memory ---------------------
# A writable bind of /proc (the kernel process's /proc/PID/mem is then a
# plain file beneath it), of something inside it, or of a directory with a
# proc mount beneath: refused before boot.
mkdir -p "$BASE/pm/p"
mount -t proc proc "$BASE/pm/p"
for b in /proc /proc/self /sys "$BASE/pm"; do
	um --bind "$b:/x:rw" -- true
	is "$rc/$(wc -l <"$T/err")" 125/1 "a writable bind of $b is refused with 125 and one line"
done
umount "$BASE/pm/p"
um --bind "$BASE/pm:/x:rw" -- true
is "$rc" 0 "control: the same directory without the proc mount binds"
um --bind /proc:/x -- cat /x/self/stat
is "$rc" 0 "a read-only bind of /proc still works"
# UML's ubd attaches ./root_fs as ubd0 when no disk is given: the kernel
# runs in its run directory, so a root_fs where the caller stands is never
# a disk.
mkdir -p "$BASE/cwd"
echo keep >"$BASE/victim"
ln -sf "$BASE/victim" "$BASE/cwd/root_fs"
(cd "$BASE/cwd" && um -- sh -c 'ls /dev/ubda 2>/dev/null; echo end')
is "$rc/$(cat "$T/out")/$(cat "$BASE/victim")" "0/end/keep" "a root_fs in the caller's directory is not attached"

# --- a run never proceeds silently with a layer missing --------------------
as_kernel "$KERNEL"
cp "$KERNEL" "$BASE/stock"
perl -pi -e 's/hostfs_rw=<dir>\[/hostfs_no=<dir>[/g' "$BASE/stock"
cp "$(dirname "$KERNEL")/hostexec.ko" "$BASE/"
um -k "$BASE/stock" -- true
is "$rc/$(wc -l <"$T/err")" 125/1 "a kernel without the write policy is refused with 125 and one line"
like "$(cat "$T/err")" "^umlrun: kernel $BASE/stock lacks umlrun's hostfs write policy.*--drop-layer kernel" "and says why and what to do"
um -k "$BASE/stock" --drop-layer kernel -- echo ran
is "$rc/$(cat "$T/out")" 0/ran "--drop-layer kernel runs it with Landlock alone"
# each patch the kernel layer rests on leaves its mark: one missing is named
cp "$KERNEL" "$BASE/stock"
perl -pi -e 's/umlrun: hostfs refuses set-id bits/umlrun: hostfs refuses set-id Bits/g' "$BASE/stock"
um -k "$BASE/stock" -- true
is "$rc/$(wc -l <"$T/err")" 125/1 "a kernel without 0003's mark is refused with 125 and one line"
like "$(cat "$T/err")" "^umlrun: kernel $BASE/stock lacks umlrun's hostfs refusal of set-id bits and device nodes \(patch 0003\) .*set-id programs.*--drop-layer kernel" "  ... naming the patch and what it guards"
perl -pi -e 's/umlrun: a failed stub call panics/umlrun: a failed stub call Panics/g' "$BASE/stock"
um -k "$BASE/stock" -- true
like "$(cat "$T/err")" "lacks umlrun's hostfs refusal of set-id bits and device nodes \(patch 0003\), panic on a failed stub call \(patch 0004\) \(a stock kernel, or a tree these patches" "  ... and two missing, both"
um -k "$BASE/stock" --check
like "$(cat "$T/out")" 'PROBLEM +kernel layer +this kernel lacks .*patch 0003.*patch 0004' "--check names them"
um -v -- true
like "$(cat "$T/err")" "kernel layer: the kernel has umlrun's patches 0002 .*0003 .*0004 " "-v says the kernel layer is whole"
um -k "$BASE/stock" --check
like "$(cat "$T/out")" 'PROBLEM +kernel layer' "--check names the missing kernel layer"
um --check
like "$(cat "$T/out")" 'ok +host layer +Landlock ABI [0-9]+.*seccomp' "--check shows the host layer"
like "$(cat "$T/out")" 'ok +kernel layer +hostfs write policy' "--check shows the kernel layer"
UMLRUN_LANDLOCK=0 um -- true
is "$rc/$(wc -l <"$T/err")" 125/1 "a host without Landlock is refused with 125 and one line"
um --drop-layer kernel --drop-layer landlock -- true
is "$rc" 125 "both layers cannot be dropped"
um --drop-layer nothing -- true
is "$rc" 125 "--drop-layer of an unknown layer is a usage error"

finish
