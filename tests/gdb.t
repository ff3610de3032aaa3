#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# --gdb, driven through tmux as a user would: gdb comes up on the terminal
# with the kernel's symbols, a pending breakpoint in hostexec.ko resolves
# once the module is in (its symbols loaded), a breakpoint on a kernel
# function is hit when the command gets there and `bt` shows the path,
# the kernel process under gdb keeps the seccomp filter and none of
# gdb's fds, and `continue` lets the command finish with its own stdout, stderr,
# stdin (a pipe) and exit status. Without a terminal --gdb is refused.
TEST_TIMEOUT=${TEST_TIMEOUT:-90}
. "$(dirname "$0")/lib.sh"
need_kernel
command -v tmux >/dev/null && command -v gdb >/dev/null || {
	echo "Bail out! --gdb tests need tmux and gdb (make installs them)"
	exit 1
}

TM="tmux -L umlrun-gdb-$$"
trap '$TM kill-server 2>/dev/null; rm -rf "$T" "$UMLRUN_RUNDIR"' EXIT

setsid -w "$UMLRUN" --gdb -- true </dev/null >"$T/out" 2>"$T/err"
is "$?/$(cat "$T/err")" "125/umlrun: --gdb needs a terminal (/dev/tty: No such device or address)" \
	"--gdb without a terminal: 125 and why"
um --gdb -t -- true
is "$rc" 125 "--gdb with -t: a usage error"

# The whole pane, history included; $T/pane.new: what came since gdb_do.
pane() {
	$TM capture-pane -p -J -S - -E - -t g 2>/dev/null |
		awk '{ l[NR] = $0 } NF { last = NR } END { for (i = 1; i <= last; i++) print l[i] }' >"$T/pane"
	tail -n +"$since" "$T/pane" >"$T/pane.new"
}
since=1
# gdb_do LINE: type LINE into the pane
gdb_do() {
	pane
	since=$(($(grep -c '' "$T/pane") + 0))
	[ "$since" -gt 0 ] || since=1
	$TM send-keys -t g "$1" Enter
}
# pane_wait REGEX: wait until what came since gdb_do shows REGEX (60 s: a
# cold gdb reads 12 MB of kernel symbols)
pane_shows() { pane; grep -Eq -- "$1" "$T/pane.new"; }
pane_wait() {
	WAIT_STEP=0.1 WAIT_TRIES=600 wait_for pane_shows "$1"
}

$TM new-session -d -s g -x 200 -y 50 "bash --norc --noprofile"
# UMLRUN_KERNEL_ARGS=hostfs_rw=/ opens the kernel's write policy (given up
# with --drop-layer kernel): only Landlock stands between the guest and
# $T/escape.
gdb_do "cd '$ROOT' && printf 'in\\n' | UMLRUN_KERNEL_ARGS=hostfs_rw=/ UMLRUN_RUNDIR='$UMLRUN_RUNDIR' '$UMLRUN' --gdb --drop-layer kernel -- sh -c 'read l; echo \"got \$l\"; echo e >&2; mkdir /tmp/x && rmdir /tmp/x; mount -o remount,rw / 2>/dev/null; echo x 2>/dev/null >$T/escape; exit 3' >'$T/out' 2>'$T/err'; echo RC=\$?"
pane_wait '^\(gdb\) $'
ok $? "gdb comes up on the terminal"
grep -q '^(No debugging symbols\|^umlrun: no symbols' "$T/pane" && ! grep -q '^umlrun: no symbols' "$T/pane"
ok $? "no complaint about kernel symbols"
gdb_do "break hostexec_open"
pane_wait 'Breakpoint 1 \(hostexec_open\) pending'
ok $? "a breakpoint in hostexec.ko is pending before the module is in"
gdb_do "break do_rmdir"
pane_wait 'Breakpoint 2 at 0x[0-9a-f]+'
ok $? "a breakpoint on a kernel function (the kernel's symbols)"
gdb_do "run"
pane_wait 'hit Breakpoint 1, 0x[0-9a-f]+ in hostexec_open'
ok $? "the hostexec.ko breakpoint is hit"
like "$(cat "$T/pane")" 'umlrun: hostexec.ko symbols loaded \(.text at 0x[0-9a-f]+\)' \
	"hostexec.ko's symbols were loaded where umlinit said"
gdb_do "continue"
pane_wait 'hit Breakpoint 2, 0x[0-9a-f]+ in do_rmdir'
ok $? "the kernel breakpoint is hit when the command gets there"
gdb_do "bt"
pane_wait '#1 +0x[0-9a-f]+ in sys_rmdir'
ok $? "bt shows the path from the system call"
like "$(cat "$T/pane")" '#2 +0x[0-9a-f]+ in handle_syscall' "bt goes through UML's system call handler"

# The kernel process (gdb's child) while stopped at the breakpoint.
kpid=
for i in $(seq 100); do
	# gdb's child that is this run's kernel (by its run directory on the
	# command line, or by its binary)
	for g in $(pgrep -x gdb); do
		for p in $(pgrep -P "$g"); do
			if tr '\0' '\n' <"/proc/$p/cmdline" 2>/dev/null |
				grep -q "^uml_dir=$UMLRUN_RUNDIR/" ||
				[ "$(readlink "/proc/$p/exe")" = "$(readlink -f "$KERNEL")" ]; then
				kpid=$p
			fi
		done
	done
	[ -n "$kpid" ] && break
	sleep 0.1
done
[ -n "$kpid" ] || diag "no kernel process under gdb: $(ps -eo pid,ppid,stat,comm,args | grep -e gdb -e "uml_dir" | grep -v grep | cut -c1-200)"
is "$(awk '/^Seccomp:/ { print $2 } /^NoNewPrivs:/ { print $2 }' "/proc/$kpid/status" | tr '\n' ' ')" \
	"1 2 " "the kernel under gdb has no_new_privs and its seccomp filter"
fd() { readlink "/proc/$kpid/fd/$1"; }
like "$(fd 0) $(fd 1) $(fd 2) $(fd 3)" '^pipe:\[[0-9]+\] (pipe:\[[0-9]+\]) \1 socket:' \
	"the kernel under gdb has its own stdio (the console's input and output pipes) and channel"
is "$(for f in /proc/$kpid/fd/*; do readlink "$f"; done | grep -c -e '^/dev/pts' -e '^/dev/tty' -e 'umlrun.gdb')" 0 \
	"no fd of gdb's (the terminal, its script) reaches the kernel"
is "$(readlink "/proc/$kpid/exe")" "$(readlink -f "$KERNEL")" "the kernel runs from its own binary"

gdb_do "continue"
pane_wait '^RC=[0-9]+'
ok $? "continue lets the run finish"
like "$(cat "$T/pane")" '^RC=3$' "the command's exit status"
is "$(cat "$T/out")/$(cat "$T/err")" "got in/e" "the command's stdin (a pipe), stdout and stderr"
[ ! -e "$T/escape" ]
ok $? "Landlock holds under gdb: the kernel, its write policy opened, wrote nothing outside"

# Control: the same write under gdb, where Landlock allows it (a rw bind
# of the directory), lands.
gdb_do "UMLRUN_KERNEL_ARGS=hostfs_rw=/ UMLRUN_RUNDIR='$UMLRUN_RUNDIR' '$UMLRUN' --gdb --drop-layer kernel --bind '$T:rw' -- sh -c 'mount -o remount,rw / && echo x >$T/escape' 2>'$T/err'; echo RC=\$?"
pane_wait '^\(gdb\) $'
gdb_do "run"
pane_wait '^RC=[0-9]+'
is "$(grep -o '^RC=[0-9]*' "$T/pane.new")/$(cat "$T/escape" 2>/dev/null)" "RC=0/x" \
	"control: where Landlock allows it, the same write lands"
$TM kill-server 2>/dev/null
finish
