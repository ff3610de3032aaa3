#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Interactive use on a real terminal (tmux): `umlrun` with no command gives
# a shell on a pty in the guest; the window size follows the host terminal,
# Ctrl-C and Ctrl-Z reach the guest's foreground job, the shell's exit
# status comes back, and the host terminal is restored afterwards.
. "$(dirname "$0")/lib.sh"
need_kernel
command -v tmux >/dev/null || {
	echo "1..0 # SKIP tmux missing (make installs it)"
	exit 0
}

S=umlrun-test-$$
tm() { tmux -L "$S" "$@"; }
pane() { tm capture-pane -t "$S" -p -S -100; }
pane_shows() { pane | grep -Eq -- "$1"; }
# pane_wait REGEX [TENTHS]: until the pane shows it (up to 30 s)
pane_wait() {
	WAIT_STEP=0.1 WAIT_TRIES=${2:-300} wait_for pane_shows "$1"
}
# interrupt LINE REGEX: Ctrl-C, then type LINE, until the pane shows REGEX
# (on a loaded machine a Ctrl-C can come before the job owns the terminal;
# the next one also flushes the LINE typed into the job's input)
interrupt() {
	for _ in 1 2 3 4 5; do
		tm send-keys -t "$S" C-c
		sleep 0.5
		type_line "$1"
		pane_wait "$2" 40 && return 0
	done
	return 1
}
type_line() { tm send-keys -t "$S" -l "$1"; tm send-keys -t "$S" Enter; }
cleanup_tmux() { tm kill-server 2>/dev/null || true; }
trap 'cleanup_tmux; rm -rf "$T" "$UMLRUN_RUNDIR"' EXIT

# A clean environment, but what points umlrun at its parts (sanitizer runs).
keep=""
for v in UMLRUN_LIBDIR UMLRUN_INIT UMLRUN_KERNEL_VERSION ASAN_OPTIONS UBSAN_OPTIONS; do
	[ -n "${!v:-}" ] && keep="$keep $v=${!v}"
done
tm new-session -d -s "$S" -x 100 -y 30 \
	"env -i PATH=$PATH TERM=screen HOME=/root SHELL=/bin/sh UMLRUN_RUNDIR=$UMLRUN_RUNDIR $keep bash --norc --noprofile"
pane_wait '[$#] ?$' || true
type_line "PS1='host\$ '; stty -g >$T/stty.before; $UMLRUN; echo EXIT=\$?"
ok "$(pane_wait '^# ?$' && echo 0 || echo 1)" "umlrun with no command gives a root shell prompt"
type_line "tty; id -u"
pane_wait '^0$'
like "$(pane)" '/dev/pts/[0-9]+' "the shell runs on a pty in the guest"
type_line "stty size"
ok "$(pane_wait '^30 100$' && echo 0 || echo 1)" "the guest pty has the host terminal's size"
tm resize-window -t "$S" -x 120 -y 40
sleep 0.5
type_line "stty size"
ok "$(pane_wait '^40 120$' && echo 0 || echo 1)" "a resize reaches the guest (SIGWINCH)"
type_line "sh -c 'echo sleeping; exec sleep 100'"
pane_wait '^sleeping$'
sleep 0.5
ok "$(interrupt 'echo after-int-$?' '^after-int-130$' && echo 0 || echo 1)" "Ctrl-C interrupts the guest's foreground job"
type_line "sh -c 'echo napping; exec sleep 100'"
pane_wait '^napping$'
tm send-keys -t "$S" C-z
ok "$(pane_wait 'Stopped' && echo 0 || echo 1)" "Ctrl-Z stops it (job control works)"
type_line "fg"
sleep 1
ok "$(interrupt 'echo resumed-$?' '^resumed-130$' && echo 0 || echo 1)" "fg resumes it and Ctrl-C ends it"
type_line "exit 7"
ok "$(pane_wait '^EXIT=7$' && echo 0 || echo 1)" "the shell's exit status comes back"
type_line "stty -g >$T/stty.after; echo saved"
pane_wait '^saved$'
like "$(cat "$T/stty.before" 2>/dev/null)" '^[0-9a-f:]+$' "the host terminal settings were saved first"
is "$(cat "$T/stty.after" 2>/dev/null)" "$(cat "$T/stty.before" 2>/dev/null)" "the host terminal settings are restored"

# A timeout in raw mode restores the terminal too.
type_line "$UMLRUN --timeout 2 -t -- sleep 30; echo EXIT2=\$?"
ok "$(pane_wait '^EXIT2=124$' && echo 0 || echo 1)" "a timed-out interactive run exits 124"
type_line "stty -g >$T/stty.after2; echo saved2"
pane_wait '^saved2$'
is "$(cat "$T/stty.after2" 2>/dev/null)" "$(cat "$T/stty.before" 2>/dev/null)" "and restores the terminal"
type_line "$UMLRUN -t -- sh -c 'tty >/dev/null && echo is-a-tty; exit 3'; echo EXIT3=\$?"
ok "$(pane_wait '^EXIT3=3$' && echo 0 || echo 1)" "-t runs a given command on a pty"
like "$(pane)" 'is-a-tty' "-t gives the command a terminal"

# With -v, an info line in the middle of a raw-mode run (here: a forwarded
# signal) leaves the terminal raw: three keys without Enter reach the guest.
type_line "$UMLRUN -t -v -- sh -c 'trap \"\" HUP; stty raw; echo armed; head -c 3 >/dev/null; stty sane; echo GOT3' 2>$T/v.err; echo EXIT4=\$?"
pane_wait '^armed' 
sleep 0.5
pkill -HUP -f -- "^$UMLRUN -t -v -- sh -c trap" || true
for _ in $(seq 50); do grep -q 'forwarding signal' "$T/v.err" && break; sleep 0.1; done
like "$(cat "$T/v.err")" 'forwarding signal 1' "-t -v: the info line was printed during the run"
tm send-keys -t "$S" -l abc
ok "$(pane_wait 'abc *GOT3' 50 && echo 0 || echo 1)" "-t -v: after it the terminal is still raw (keys reach the guest unbuffered)"
tm send-keys -t "$S" Enter
pane_wait '^EXIT4=' || true
[ "$failed" = 0 ] || { echo "pane:"; pane; } | diag
cleanup_tmux

finish
