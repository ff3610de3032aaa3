#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The core promise, through the real kernel: argv, stdio, exit status, cwd,
# environment and umlrun's own failures behave as if the command ran locally.
. "$(dirname "$0")/lib.sh"
need_kernel

# --- the guest is a real UML kernel of ours --------------------------------
um -- uname -r
like "$(cat "$T/out")" '-umlrun$' "uname -r is our UML kernel"
is "$rc" 0 "uname exits 0"
um -- cat /proc/1/cmdline
like "$(tr '\0' ' ' <"$T/out")" 'umlinit' "pid 1 is umlinit, the guest's own /proc"

# --- argv verbatim, no re-quoting -----------------------------------------
um -- printf '%s|' 'a b' "c'd" '' '$HOME' '*' $'tab\there' $'\xff\xfe'
is "$(cat "$T/out")" "a b|c'd||\$HOME|*|"$'tab\there|\xff\xfe|' "argv passes verbatim"

# --- stdout and stderr stay separate --------------------------------------
um -- sh -c 'echo out; echo err >&2; echo out2'
is "$(cat "$T/out")" $'out\nout2' "stdout carries only stdout"
is "$(cat "$T/err")" "err" "stderr carries only stderr"
um -- sh -c 'printf "no newline"'
is "$(od -An -c "$T/out" | tr -d ' \n')" "nonewline" "output without newline kept"
is "$(stat -c %s "$T/out")" 10 "exactly 10 bytes"

# --- output streams live ---------------------------------------------------
mkfifo "$T/fifo"
timeout 60 "$UMLRUN" -- sh -c 'echo first; sleep 4; echo second' >"$T/fifo" 2>/dev/null &
pid=$!
exec 7<"$T/fifo"
read -r -t 30 first <&7
alive=1
kill -0 "$pid" 2>/dev/null || alive=0
read -r -t 30 second <&7
exec 7<&-
wait "$pid"
is "$first/$alive" "first/1" "first line arrives while the command still runs"
is "$second" "second" "second line follows"

# --- the output ring: stdout and stderr go straight to the host -----------
PY=/usr/bin/python3
um -- readlink /proc/self/fd/0 /proc/self/fd/1 /proc/self/fd/2
is "$(cat "$T/out")" $'/dev/hostexec-stdin\n/dev/hostexec-stdout\n/dev/hostexec-stderr' "the command's stdio are the rings"
UMLRUN_NO_RING=1 um -- readlink /proc/self/fd/1
like "$(cat "$T/out")" '^pipe:' "UMLRUN_NO_RING=1 falls back to pipes through init"
timeout 60 "$UMLRUN" -- sh -c 'i=0; while [ $i -lt 300 ]; do i=$((i+1)); echo "o$i"; echo "e$i" >&2; done' >"$T/mixed" 2>&1
i=0
while [ $i -lt 300 ]; do i=$((i + 1)); echo "o$i"; echo "e$i"; done >"$T/mixed.want"
cmp -s "$T/mixed" "$T/mixed.want"
ok $? "stdout and stderr keep their order on one file"
um -- "$PY" -c 'import os; n = os.write(1, b"x" * 5000000); os.write(2, b"%d" % n)'
is "$(stat -c %s "$T/out")/$(cat "$T/err")" "5000000/5000000" "one 5 MB write is whole (bigger than the ring)"
um -- "$PY" -c 'import os; os.writev(1, [b"a" * 70000, b"b" * 70000, b"c"])'
is "$(tr -s abc <"$T/out")/$(stat -c %s "$T/out")" "abc/140001" "writev lands in order"
um -- "$PY" -c 'import os; fd = os.open("/etc/passwd", os.O_RDONLY); os.sendfile(1, fd, 0, 1 << 20)'
cmp -s "$T/out" /etc/passwd
ok $? "sendfile to stdout (splice) is exact"
um -- "$PY" -c '
import errno, os, select
try:
    os.lseek(1, 0, os.SEEK_SET)
except OSError as e:
    print(errno.errorcode[e.errno])
print(select.select([], [1, 2], [], 5)[1])
print(os.isatty(1))'
is "$(cat "$T/out")" $'ESPIPE\n[1, 2]\nFalse' "stdout seeks like a pipe, polls writable, is no tty"
um -u -- sh -c 'echo reopened >/dev/stdout; echo reopened2 >/proc/self/fd/2'
is "$(cat "$T/out")/$(cat "$T/err")" "reopened/reopened2" "an unprivileged command can reopen /dev/stdout"
# Non-blocking writes against a reader that stalls: EAGAIN, never a loss.
timeout 120 "$UMLRUN" -- "$PY" -c '
import os, select
os.set_blocking(1, False)
data = bytes(range(256)) * 65536
off = again = 0
while off < len(data):
    try:
        off += os.write(1, data[off:off + 262144])
    except BlockingIOError:
        again += 1
        select.select([], [1], [])
os.write(2, b"again=%d" % (again > 0))' 2>"$T/err" | (sleep 3; sha256sum) >"$T/sum"
is "$(cut -d' ' -f1 "$T/sum")" "$("$PY" -c 'import hashlib; print(hashlib.sha256(bytes(range(256)) * 65536).hexdigest())')" "16 MB of non-blocking writes to a stalled reader are exact"
is "$(cat "$T/err")" "again=1" "a full ring says EAGAIN to a non-blocking writer"
# A writer blocked on a full ring still gets its signal (and a short count).
timeout 60 "$UMLRUN" --timeout 30 -- "$PY" -c '
import os, signal, time
t0 = time.monotonic()
signal.signal(signal.SIGALRM, lambda *a: os._exit(7 if time.monotonic() - t0 < 6 else 1))
signal.alarm(3)
os.write(1, b"x" * (8 << 20))
os._exit(2)' 2>"$T/err" | (sleep 8; wc -c >"$T/count")
is "${PIPESTATUS[0]}" 7 "a writer blocked on a full ring is interrupted by its signal"
ok "$([ "$(cat "$T/count")" -lt $((8 << 20)) ] && echo 0 || echo 1)" "the interrupted write was short ($(cat "$T/count") bytes)"

# --- the kernel runs on one CPU (a ptrace round trip stays on it) -----------
# kernel_cpus [ENV...]: the kernel process's allowed CPUs while a guest sleeps
kernel_cpus() {
	local up k
	env "$@" "$UMLRUN" -- sleep 3 &
	up=$!
	for _ in $(seq 50); do
		k=$(pgrep -P "$up" -x linux | head -1)
		[ -n "$k" ] && break
		sleep 0.1
	done
	awk '/^Cpus_allowed_list/ { print $2 }' "/proc/$k/status" 2>/dev/null
	wait "$up"
}
if [ "$(nproc)" -gt 1 ]; then
	like "$(kernel_cpus)" '^[0-9]+$' "the kernel is pinned to one CPU"
	like "$(kernel_cpus UMLRUN_NO_PIN=1)" '[-,]' "UMLRUN_NO_PIN=1 leaves it to the scheduler"
fi

# --- stdin through the input ring ------------------------------------------
mkfifo "$T/infifo" "$T/outfifo"
timeout 60 "$UMLRUN" -- sh -c 'read a; echo "got $a"; read b; echo "got $b"' <"$T/infifo" >"$T/outfifo" 2>/dev/null &
pid=$!
exec 8>"$T/infifo" 9<"$T/outfifo"
echo one >&8
read -r -t 30 first <&9
echo two >&8
exec 8>&-
read -r -t 30 second <&9
exec 9<&-
wait "$pid"
is "$first/$second/$?" "got one/got two/0" "stdin is live: a line is read before the next is written"
sleep 30 >"$T/infifo" &
hold=$!
timeout 60 "$UMLRUN" -- "$PY" -c '
import os, select, signal, time
os.set_blocking(0, False)
try:
    os.read(0, 10)
except BlockingIOError:
    print("EAGAIN")
print(select.select([0], [], [], 0.5)[0])
os.set_blocking(0, True)
t0 = time.monotonic()
signal.signal(signal.SIGALRM, lambda *a: os._exit(7 if time.monotonic() - t0 < 10 else 1))
signal.alarm(2)
os.read(0, 10)
os._exit(2)' <"$T/infifo" >"$T/out" 2>"$T/err"
rc=$?
kill "$hold" 2>/dev/null
wait "$hold" 2>/dev/null
is "$(cat "$T/out")/$rc" $'EAGAIN\n[]/7' "empty stdin: EAGAIN when non-blocking, not readable, a blocked reader gets its signal"
um -- "$PY" -c 'import select; print(select.select([0], [], [], 5)[0]); print(len(open(0, "rb").read()))' <<<"hello"
is "$(cat "$T/out")" $'[0]\n6' "stdin with data polls readable"
timeout 60 "$UMLRUN" -- head -c 10 < <(head -c 100000000 /dev/zero) | wc -c >"$T/out"
is "$(cat "$T/out")" 10 "a command that stops reading a big stdin ends"

# --- stdin ------------------------------------------------------------------
printf 'x\ny\n' | um -- wc -l
is "$(cat "$T/out")" 2 "stdin forwarded with EOF"
um -- cat </dev/null
is "$(stat -c %s "$T/out")/$rc" "0/0" "empty stdin is EOF at once"
head -c 20000000 /dev/urandom >"$T/in.bin"
um -- sha256sum <"$T/in.bin"
is "$(cut -d' ' -f1 "$T/out")" "$(sha <"$T/in.bin")" "20 MB of binary stdin byte-exact"
um --no-stdin -- cat </dev/zero
is "$(stat -c %s "$T/out")/$rc" "0/0" "--no-stdin gives the command /dev/null"

# --- stdout volume ------------------------------------------------------------
head -c 50000000 /dev/urandom >"$T/out.bin"
timeout 120 "$UMLRUN" -- cat "$T/out.bin" | sha256sum >"$T/sum"
is "$(cut -d' ' -f1 "$T/sum")" "$(sha <"$T/out.bin")" "50 MB of binary stdout byte-exact"
um -- sh -c "cat '$T/out.bin' >&2"
is "$(sha <"$T/err")" "$(sha <"$T/out.bin")" "50 MB of binary stderr byte-exact"
: >"$T/err"

# --- exit status --------------------------------------------------------------
for code in 0 1 42 255; do
	um -- sh -c "exit $code"
	is "$rc" "$code" "exit $code comes back as $code"
done
um -- sh -c 'kill -9 $$'
is "$rc" 137 "SIGKILL comes back as 137"
um -- sh -c 'kill -TERM $$'
is "$rc" 143 "SIGTERM comes back as 143"
um -- /nonexistent/command
is "$rc" 127 "missing command is 127"
like "$(cat "$T/err")" '^umlrun: .*/nonexistent/command: No such file or directory$' "missing command says so on one line"
um -- no-such-command-anywhere
is "$rc" 127 "command not on PATH is 127"
printf 'echo hi\n' >"$T/noexec.sh"
chmod 644 "$T/noexec.sh"
um -- "$T/noexec.sh"
is "$rc" 126 "non-executable file is 126"
like "$(cat "$T/err")" 'Permission denied' "non-executable says permission denied"
um -- "$T"
is "$rc" 126 "a directory is 126"

# --- a working directory under the host's /tmp ----------------------------
H=$(mktemp -d /tmp/umlrun-core.XXXXXX)
mkdir "$H/sub"
echo host >"$H/f"
cd "$H/sub"
um -- sh -c 'cat ../f; echo guest >/tmp/own; cat /tmp/own; echo x >../g || echo ro'
cd "$ROOT"
is "$rc/$(tr '\n' ' ' <"$T/out")" "0/host guest ro " \
	"a cwd under the host's /tmp: its tree is shown read-only, /tmp stays the guest's"
is "$(ls "$H")" "f"$'\n'"sub" "nothing written there reaches the host"
rm -rf "$H"

# --- cwd and environment ---------------------------------------------------
(cd "$T" && um -- pwd)
is "$(cat "$T/out")" "$T" "cwd is the caller's cwd"
um -C /etc -- pwd
is "$(cat "$T/out")" "/etc" "-C sets the cwd"
um -C /nonexistent-dir -- pwd
is "$rc" 125 "missing cwd in the guest is 125"
like "$(cat "$T/err")" '^umlrun: cannot change to /nonexistent-dir' "missing cwd says so"
um -- printenv PATH
is "$(cat "$T/out")" "$PATH" "PATH is the caller's"
UMLRUN_TEST_VAR='a b=c' um -- printenv UMLRUN_TEST_VAR
is "$(cat "$T/out")" "a b=c" "environment is the caller's"
UMLRUN_TEST_VAR=old um -e UMLRUN_TEST_VAR=new -e OTHER=1 -- sh -c 'echo $UMLRUN_TEST_VAR$OTHER'
is "$(cat "$T/out")/$rc" "new1/0" "-e adds and overrides"
UMLRUN_TEST_VAR=copied um --clean-env -e UMLRUN_TEST_VAR -- /usr/bin/env
is "$(cat "$T/out")/$rc" "UMLRUN_TEST_VAR=copied/0" "--clean-env starts empty, -e NAME copies"
PATH=/usr/bin:/bin um -- sh -c 'echo "$PATH"'
is "$(cat "$T/out")" "/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin" \
	"a root command finds sbin: the directories a user's PATH lacks are added at its end"
PATH=/usr/bin:/bin um -u -- sh -c 'echo "$PATH"'
is "$(cat "$T/out")" "/usr/bin:/bin" "  ... not for -u, which runs as the caller"

# --- umlrun's own failures: 125 and one clear line ------------------------
um --bogus -- true
is "$rc" 125 "unknown option is 125"
is "$(wc -l <"$T/err")" 1 "unknown option is one line"
like "$(cat "$T/err")" "^umlrun: unknown option '--bogus'" "unknown option is named"
SHELL=/bin/sh um <<<'echo from-shell; exit 4'
is "$(cat "$T/out")/$rc" "from-shell/4" "no command runs the caller's shell on stdin"
um -m lots -- true
is "$rc" 125 "bad memory size is 125"
um --timeout soon -- true
is "$rc" 125 "bad timeout is 125"
um -k /nonexistent/linux -- true
is "$rc" 125 "missing kernel is 125"
like "$(cat "$T/err")" '^umlrun: kernel /nonexistent/linux: No such file or directory$' "missing kernel is named"
um -k /etc/passwd -- true
is "$rc" 125 "non-ELF kernel is 125"
like "$(cat "$T/err")" 'not an ELF executable' "non-ELF kernel says so"
cp /bin/true "$T/linux"
cp "$(dirname "$KERNEL")/hostexec.ko" "$T/"
um -k "$T/linux" -- true
is "$rc" 125 "a program that is not a UML kernel is 125"
like "$(head -1 "$T/err")" "^umlrun: kernel .* lacks umlrun's hostfs write policy" "it is refused before it starts: no write policy"
um -k "$T/linux" --drop-layer kernel -- true
is "$rc" 125 "started anyway, it is still 125"
like "$(head -1 "$T/err")" '^umlrun: kernel .* stopped before the guest init was ready' "says the kernel did not start the guest"
um --init /bin/false -- true
is "$rc" 125 "kernel panic at boot is 125"
like "$(head -1 "$T/err")" '^umlrun: kernel panic: Attempted to kill init' "panic is reported with its reason"
like "$(cat "$T/err")" 'umlrun: kernel: .*Kernel panic' "last kernel lines are shown"
um --module /etc/hostname -- true
is "$rc" 125 "module that fails to load is 125"
like "$(cat "$T/err")" 'load module /etc/hostname' "module failure is reported"

# --- the kernel console stays out of the command's streams ------------------
um -- sh -c 'echo "<2>umlrun-console-test" >/dev/kmsg; echo done'
is "$(cat "$T/out")" "done" "kernel messages are not on stdout"
is "$(cat "$T/err")" "" "kernel messages are not on stderr"
um -v -- true
like "$(cat "$T/err")" 'Linux version' "-v shows the kernel log on stderr"
is "$(cat "$T/out")" "" "-v keeps stdout clean"
um --log "$T/kernel.log" -- true
like "$(cat "$T/kernel.log")" 'Linux version' "--log keeps the kernel log"

finish
