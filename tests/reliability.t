#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Every way a run can end ends clean: timeouts, forwarded signals, a killed
# launcher, a closed or slow reader; large and odd inputs arrive exactly;
# many runs at once and in a row leave nothing behind.
. "$(dirname "$0")/lib.sh"
need_kernel

elapsed_since() {
	echo $((($(date +%s%N) - $1) / 1000000))
}

# --- --timeout --------------------------------------------------------------
start=$(date +%s%N)
um --timeout 1 -- sleep 30
is "$rc" 124 "--timeout expiry exits 124"
is "$(cat "$T/err")" "umlrun: timed out after 1 s" "--timeout says so on one line"
ms=$(elapsed_since "$start")
ok "$([ "$ms" -lt 15000 ] && echo 0 || echo 1)" "--timeout ends the run promptly (${ms} ms)"
is "$(leftover_procs)" "" "no kernel left after a timeout"

# A reader that never reads cannot hold a timed-out run.
timeout 30 "$UMLRUN" --timeout 2 -- yes 2>"$T/err" | (sleep 10; head -c1 >/dev/null)
is "${PIPESTATUS[0]}" 124 "--timeout beats a stalled stdout reader"

# --- signals ------------------------------------------------------------------
# start_bg ARGS...: umlrun in the background, output in $T/bg.out and .err;
# returns once the command printed its first line ("ready").
start_bg() {
	timeout -k 5 60 "$UMLRUN" "$@" >"$T/bg.out" 2>"$T/bg.err" &
	bg=$!
	WAIT_STEP=0.1 WAIT_TRIES=300 wait_for grep -qs ready "$T/bg.out"
}
# umlrun itself is the child of timeout(1)
umlrun_pid() { pgrep -P "$bg" -x umlrun; }

start_bg -- sh -c 'trap "echo got TERM; exit 7" TERM; echo ready; sleep 30 & wait'
kill -TERM "$(umlrun_pid)"
wait "$bg"
rc=$?
is "$rc/$(tail -1 "$T/bg.out")" "7/got TERM" "SIGTERM is forwarded; the command decides the status"

start_bg -- sh -c 'trap "echo got HUP; exit 9" HUP; echo ready; sleep 30 & wait'
kill -HUP "$(umlrun_pid)"
wait "$bg"
rc=$?
is "$rc/$(tail -1 "$T/bg.out")" "9/got HUP" "SIGHUP is forwarded"

start_bg -- sh -c 'trap "" INT; echo ready; sleep 30'
p=$(umlrun_pid)
kill -INT "$p"
sleep 0.5
kill -INT "$p"
wait "$bg"
rc=$?
is "$rc" 130 "a second SIGINT ends an ignoring command hard (130)"
like "$(cat "$T/bg.err")" 'interrupted twice' "and says so"

start_bg -- sh -c 'trap "" TERM; echo ready; sleep 30'
kill -TERM "$(umlrun_pid)"
wait "$bg"
rc=$?
is "$rc" 143 "a command ignoring SIGTERM ends after the grace period (143)"
is "$(leftover_procs)" "" "no kernel left after signals"

# --- a SIGKILLed launcher takes its kernel with it ---------------------------
start_bg -- sh -c 'echo ready; sleep 60'
p=$(umlrun_pid)
kill -KILL "$p"
wait "$bg" 2>/dev/null
no_procs_left() { [ -z "$(leftover_procs)" ]; }
WAIT_STEP=0.1 WAIT_TRIES=50 wait_for no_procs_left
is "$(leftover_procs)" "" "SIGKILL on umlrun leaves no kernel process"
no_rundir_left() { [ -z "$(leftover_rundirs)" ]; }
WAIT_STEP=0.1 WAIT_TRIES=50 wait_for no_rundir_left
is "$(leftover_rundirs)" "" "its reaper removes the killed run's directory (the guest's memory), no other run needed"
is "$(pgrep -f -- "$UMLRUN -- sh -c echo ready; sleep 60" | wc -l)" 0 "and is gone itself"

# --- closed and slow readers --------------------------------------------------
timeout 30 "$UMLRUN" -- yes 2>"$T/err" | head -1 >"$T/out"
is "${PIPESTATUS[0]}/$(cat "$T/out")" "141/y" "yes | head -1 ends promptly; yes sees SIGPIPE (141)"
timeout 60 "$UMLRUN" -- head -c 30000000 /dev/zero | (sleep 2; wc -c) >"$T/out"
is "$(cat "$T/out")" 30000000 "a slow reader slows the guest down without loss"
# Callers (node, some CI runners) may hand us a non-blocking stdout.
/usr/bin/python3 - "$UMLRUN" >"$T/out" 2>"$T/err" <<'EOF'
import fcntl, os, subprocess, sys, time
r, w = os.pipe()
fcntl.fcntl(w, fcntl.F_SETFL, fcntl.fcntl(w, fcntl.F_GETFL) | os.O_NONBLOCK)
p = subprocess.Popen([sys.argv[1], "--", "head", "-c", "20000000", "/dev/zero"], stdout=w)
os.close(w)
time.sleep(1)
n = 0
while True:
    b = os.read(r, 65536)
    if not b:
        break
    n += len(b)
print(n, p.wait())
EOF
is "$(cat "$T/out")" "20000000 0" "a non-blocking stdout with a slow reader loses nothing"

# --- large and odd inputs -----------------------------------------------------
args=()
for i in $(seq 1000); do
	args+=("$(printf "%0999d" "$i")")
done
um -- sh -c 'printf "%s\n" "$@" | sha256sum' sh "${args[@]}"
is "$(cut -d' ' -f1 "$T/out")" "$(printf "%s\n" "${args[@]}" | sha)" "1 MB of argv arrives exactly"
big=$(head -c 100000 /dev/zero | tr '\0' x)
um -- sh -c 'echo ${#1}' sh "$big"
is "$(cat "$T/out")" 100000 "one 100 kB argument arrives exactly"
env $'ODD=\xff\xfe\x01' "$UMLRUN" -- printenv ODD >"$T/out" 2>"$T/err"
is "$(od -An -tx1 "$T/out" | tr -d ' \n')" "fffe010a" "non-UTF-8 bytes in the environment arrive exactly"

# --- integrity: 1 GiB out, 200 MB in ----------------------------------------
head -c 67108864 /dev/urandom >"$T/chunk"
want=$(for _ in $(seq 16); do cat "$T/chunk"; done | sha)
got=$(timeout 300 "$UMLRUN" -- sh -c "for i in \$(seq 16); do cat '$T/chunk'; done" | sha)
is "$got" "$want" "1 GiB of stdout byte-exact"
want=$(for _ in 1 2 3; do cat "$T/chunk"; done | head -c 200000000 | sha)
got=$(for _ in 1 2 3; do cat "$T/chunk"; done | head -c 200000000 | timeout 300 "$UMLRUN" -- sha256sum | cut -d' ' -f1)
is "$got" "$want" "200 MB of stdin byte-exact"
rm -f "$T/chunk"

# --- every exit status ----------------------------------------------------------
bad=""
for code in $(seq 0 255); do
	timeout 60 "$UMLRUN" --no-stdin -- sh -c "exit $code" >/dev/null 2>&1
	r=$?
	[ "$r" = "$code" ] || bad="$bad $code:$r"
done
is "$bad" "" "every exit status 0-255 comes back exactly (256 runs)"

# --- the launcher under valgrind's memcheck ------------------------------------
# (always the plain build: valgrind and ASan do not mix; valgrind knows no
# Landlock system call, so under it the host looks like one without)
if command -v valgrind >/dev/null; then
	printf 'in\n' | timeout 120 valgrind -q --error-exitcode=99 --leak-check=full \
		--errors-for-leak-kinds=definite "$ROOT/umlrun" --drop-layer landlock \
		-e X=1 -- sh -c 'cat; echo $X; exit 3' \
		>"$T/out" 2>"$T/err"
	is "$?/$(tr '\n' ' ' <"$T/out")" "3/in 1 " "memcheck finds nothing in one run of the launcher"
else
	ok 1 "valgrind is not installed (make installs it)"
fi

# --- load -----------------------------------------------------------------------
head -c 1000000 /dev/urandom >"$T/load.bin"
want=$(sha <"$T/load.bin")
pids=()
for i in $(seq 16); do
	timeout 300 "$UMLRUN" -- sh -c "echo run $i; sha256sum <'$T/load.bin'" >"$T/load.$i" 2>&1 &
	pids+=($!)
done
bad=""
for i in $(seq 16); do
	wait "${pids[$((i - 1))]}" || bad="$bad rc$i"
	[ "$(cat "$T/load.$i")" = "run $i"$'\n'"$want  -" ] || bad="$bad out$i"
done
is "$bad" "" "16 runs at once all complete with exact output"

fds_before=$(ls /proc/$$/fd | wc -l)
bad=""
for i in $(seq 300); do
	timeout 60 "$UMLRUN" --no-stdin -- true >/dev/null 2>&1 || bad="$bad $i"
done
is "$bad" "" "300 runs in a row succeed"
is "$(ls /proc/$$/fd | wc -l)" "$fds_before" "and leak no descriptor into the caller"
is "$(leftover_rundirs)" "" "and leave no run directory"

finish
