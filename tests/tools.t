#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Everyday tools work in the guest, on both series, as on a host: procps
# (ps, top with its summary, vmstat, free, uptime, w, pgrep), util-linux
# (lscpu, lsblk, findmnt, dmesg, mount), iproute2 (ip, ss), coreutils
# (nproc, df, stat), strace, gdb attached to a guest process, python3,
# make, gcc. Each exits 0 with output that looks like what it says on a
# host. procps 4.0 needs "core id" in /proc/cpuinfo (patches/*/0006).
. "$(dirname "$0")/lib.sh"
need_kernel

# tool NAME REGEX COMMAND...: one line of the script below
cat >"$T/tools.sh" <<'EOF'
tool() {
	name=$1 re=$2
	shift 2
	out=$("$@" 2>&1)
	rc=$?
	if [ $rc = 0 ] && printf '%s\n' "$out" | grep -Eq -- "$re"; then
		echo "ok $name"
	else
		echo "FAIL $name rc=$rc: $(printf '%s' "$out" | head -3 | tr '\n' '|' | cut -c1-200)"
	fi
}
tool ps 'root +1 .*umlinit' ps aux
tool top '^%Cpu\(s\): .*us' top -b -n1
tool top-mem '^MiB Mem :' top -b -n1
tool vmstat '^ *[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+' vmstat
tool free '^Mem: +[0-9]+' free
tool uptime 'up .*load average' uptime
tool w 'load average' w
tool pgrep '^1 umlinit$' pgrep -l umlinit
tool lscpu '^Architecture: +x86_64' lscpu
tool lsblk 'ubda' lsblk
tool findmnt '^/ +[^ ]+ +hostfs' findmnt
tool dmesg 'Linux version' dmesg
tool mount ' on /proc type proc' mount
tool ip '^1: lo: ' ip addr
tool ss '^State' ss -tan
tool nproc '^1$' nproc
tool df '^(/dev/)?root ' df -h
tool stat 'File: /' stat /
tool strace 'execve\(' strace true
tool gdb 'in __GI___clock_nanosleep|nanosleep' sh -c 'sleep 5 & p=$!; gdb -batch -p $p -ex bt; kill $p'
tool python3 '^2$' python3 -c 'print(1 + 1)'
tool make '^GNU Make' make --version
tool gcc '^built$' sh -c 'printf "int main(void) { return 0; }\n" >/tmp/a.c && gcc -o /tmp/a /tmp/a.c && /tmp/a && echo built'
EOF

for KV in 6.12 6.1; do
	kern=$ROOT/build/kernels/$KV/linux
	if [ ! -x "$kern" ]; then
		ok 1 "$KV: kernel $kern built"
		continue
	fi
	UMLRUN_KERNEL_VERSION=$KV um --disk-size 16M -- sh "$T/tools.sh"
	is "$rc" 0 "$KV: the tools' run exits 0"
	while read -r verdict name rest; do
		is "$verdict" ok "$KV: $name works in the guest${rest:+ ($rest)}"
	done <"$T/out"
	is "$(grep -c . "$T/out")" 23 "$KV: every tool was tried"
done
finish
