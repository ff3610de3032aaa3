#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The launcher without a kernel: umlrun starts build/tests/fakeguest
# (tests/stub/fakeguest.c) as its "kernel", which plays the guest's end of
# the channel, well or badly, according to its own name. This tests the poll
# loop, streaming, credits, signals and timeouts in seconds, and that every
# hostile guest ends the run with 125 (124 on --timeout) and one reason line,
# without a crash or a sanitizer report, leaving no process or directory.
TEST_TIMEOUT=${STUB_TIMEOUT:-20}
. "$(dirname "$0")/lib.sh"

FAKEGUEST=${FAKEGUEST:-$ROOT/build/tests/fakeguest}
if [ ! -x "$FAKEGUEST" ] || [ ! -x "$UMLRUN" ]; then
	echo "Bail out! no $FAKEGUEST or $UMLRUN (make umlrun $FAKEGUEST)"
	exit 1
fi

# umlrun resolves the kernel with realpath: per-scenario copies, not links.
FG=$T/fg
mkdir -p "$FG"
for sc in ok dump split coalesce cat nocredit flood signal exit error chatty \
	orphan splat escape panic panicrun nohello silent hang vanish linger badmagic \
	badversion twohello shorthello oversized badtype hosttype early \
	truncated hugemsg credit endless closechan emptymsg ring-ok ring-order \
	ring-truncate ring-flood-after-exit ring-head-after-exit ring-closed ring-probe ring-bad-head \
	ring-bad-stream ring-bad-len ring-in; do
	cp "$FAKEGUEST" "$FG/fakeguest-$sc"
done

trap 'kill $(pgrep -f -- "$FG/fakeguest-") 2>/dev/null; rm -rf "$T" "$UMLRUN_RUNDIR"' EXIT
exec </dev/null

# fg_cmd SCENARIO: in $fgcmd, umlrun with the fake guest SCENARIO as its
# kernel and its init (an array, so that timeout(1) and setsid can run it).
fg_cmd() {
	fgcmd=("$UMLRUN" -k "$FG/fakeguest-$1" --module /dev/null
		--init "$FG/fakeguest-$1")
}

# fg SCENARIO [OPTION]... -- COMMAND...: one run; $rc, $ms, $T/out, $T/err.
# --preserve-status: a hung umlrun ends as 143 or 137, never as a false 124.
fg() {
	local start

	fg_cmd "$1"
	shift
	start=$(date +%s%N)
	timeout --preserve-status -k 5 "$TEST_TIMEOUT" "${fgcmd[@]}" "$@" >"$T/out" 2>"$T/err"
	rc=$?
	ms=$((($(date +%s%N) - start) / 1000000))
}

# The same in the background; $bg is timeout(1), umlrun is its child.
fg_bg() {
	fg_cmd "$1"
	shift
	timeout --preserve-status -k 5 "$TEST_TIMEOUT" "${fgcmd[@]}" "$@" >"$T/out" 2>"$T/err" &
	bg=$!
}

fg_wait() {
	wait "$bg"
	rc=$?
}

# within MS: status 0 if the last run took less than MS milliseconds.
within() {
	[ "$ms" -lt "$1" ] && echo 0 || echo 1
}

# in_rundir NAME: a file the fake guest left in its run directory.
in_rundir() {
	compgen -G "$UMLRUN_RUNDIR/*/$1" >/dev/null
}

has_line() {
	grep -qx -- "$2" "$1" 2>/dev/null
}

# What must hold after every run: no sanitizer report, nothing left.
clean() {
	local left
	left=$({
		pgrep -af -- "$FG/fakeguest-"
		leftover_rundirs
		grep -E 'AddressSanitizer|LeakSanitizer|runtime error:' "$T/err" | head -3
	} 2>/dev/null)
	is "$left" "" "$1: no sanitizer report, no process or run directory left"
}

# fails DESC STATUS REGEX [STDOUT]: umlrun's own failure: the status, the
# command's output so far, one "umlrun: " reason line matching REGEX, then
# at most "umlrun: kernel: " lines; and clean.
fails() {
	is "$rc" "$2" "$1: exits $2"
	is "$(cat "$T/out")" "${4:-}" "$1: stdout holds only what the command wrote"
	like "$(head -n1 "$T/err")" "^umlrun: $3" "$1: says why"
	is "$(tail -n +2 "$T/err" | grep -vc '^umlrun: kernel: ')" 0 \
		"$1: one reason line, then only kernel lines"
	clean "$1"
}

# --- a well-behaved guest ---------------------------------------------------
fg ok -- hello 7
is "$rc/$(cat "$T/out")/$(cat "$T/err")" "7/hello 7/err" "ok: stdout, stderr and exit status relayed"
clean "ok"
for code in 0 1 42 255; do
	fg ok -- prog "$code"
	is "$rc" "$code" "exit $code comes back as $code"
done
bad=0
for _ in $(seq 30); do
	fg ok -- again 3
	[ "$rc/$(cat "$T/out")/$(cat "$T/err")" = "3/again 3/err" ] || bad=$((bad + 1))
done
is "$bad" 0 "30 runs in a row: the guest exiting right after EXIT loses nothing"
clean "30 runs"

fg split -- x
is "$rc/$(cat "$T/out")/$(cat "$T/err")" $'3/split\n2/e' "frames cut into 3-byte messages"
fg coalesce -- x
is "$rc/$(cat "$T/out")/$(cat "$T/err")" $'4/a\nc/b' "frames sharing a message; nothing counts after EXIT"
clean "split and coalesced frames"

# --- the exec description ---------------------------------------------------
fg dump -C /some/dir --clean-env -e A=1 -e B= -e A=3 -- prog '' 'a b' $'\xff\xfe' $'tab\there' '*'
is "$(cat "$T/out")" "flags=0 uid=0 gid=0 ngroups=0
cwd=/some/dir
argv=prog
argv=
argv=a b
argv="$'\xff\xfe'"
argv="$'tab\there'"
argv=*
env=A=3
env=B=" "argv verbatim, -C, --clean-env, -e in order with later ones winning"
UMLRUN_STUB_VAR=copied fg dump --clean-env -e UMLRUN_STUB_VAR -e UMLRUN_STUB_UNSET -- x
is "$(grep '^env=' "$T/out")" "env=UMLRUN_STUB_VAR=copied" "-e NAME copies the caller's value, skips unset names"
UMLRUN_STUB_VAR='a b=c' fg dump -e UMLRUN_STUB_VAR=new -- x
is "$(grep -c '^env=UMLRUN_STUB_VAR=' "$T/out")/$(grep '^env=UMLRUN_STUB_VAR=' "$T/out")" \
	"1/env=UMLRUN_STUB_VAR=new" "-e overrides the caller's variable in place"
UMLRUN_STUB_VAR='a b=c' fg dump -- x
ok "$(has_line "$T/out" "env=UMLRUN_STUB_VAR=a b=c"; echo $?)" "the caller's environment is passed"
(cd "$T" && fg dump -- x)
is "$(sed -n 2p "$T/out")" "cwd=$(cd "$T" && pwd -P)" "the cwd is the caller's"
big=$(head -c 100000 /dev/zero | tr '\0' 'v')
mapfile -t many < <(seq -f "argument-%05g-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" 3000)
UMLRUN_STUB_BIG=$big fg dump -- prog "${many[@]}"
is "$rc/$(grep -c '^argv=argument-' "$T/out")/$(grep -cxF "env=UMLRUN_STUB_BIG=$big" "$T/out")" \
	"0/3000/1" "a 300 KB exec description arrives in several EXEC frames"
clean "exec description"

# --- stdin, credits and backpressure ---------------------------------------
head -c 5000000 /dev/urandom >"$T/in.bin"
want=$(sha <"$T/in.bin")
fg cat -- cat <"$T/in.bin"
is "$rc/$(sha <"$T/out")" "0/$want" "5 MB of stdin relayed byte-exact"
fg cat -- cat lazy <"$T/in.bin"
is "$rc/$(sha <"$T/out")" "0/$want" "the same when credit comes only once the window is used up"
is "$(cat "$T/err")" "" "the host never overran the window"
fg cat -- cat
is "$rc/$(stat -c %s "$T/out")" "0/0" "empty stdin is EOF at once"
fg cat --no-stdin -- cat </dev/zero
is "$rc/$(stat -c %s "$T/out")" "0/0" "--no-stdin reads nothing and sends EOF"
head -c 3000000 /dev/zero >"$T/zero.bin"
fg nocredit -- x <"$T/zero.bin"
is "$rc/$(cat "$T/out")" "0/got 1048576" "without credit the host stops at exactly the window"
head -c 1000 /dev/zero | fg nocredit -- x
is "$rc/$(cat "$T/out")" "0/got 1000 eof" "a short stdin ends with EOF inside the window"
clean "stdin"

# --- stdout volume, slow and closed readers ---------------------------------
want=$(yes flood | head -c $((20 << 20)) | sha)
fg flood -- flood 20
is "$rc/$(stat -c %s "$T/out")/$(sha <"$T/out")" "0/$((20 << 20))/$want" "20 MiB of stdout byte-exact"
fg_cmd flood
timeout --preserve-status 60 "${fgcmd[@]}" -- flood 20 2>"$T/err" | (sleep 1; sha) >"$T/sum"
is "${PIPESTATUS[0]}/$(cat "$T/sum")" "0/$want" "a reader that starts late gets every byte"
timeout --preserve-status 60 "${fgcmd[@]}" -- flood 50 2>"$T/err" | head -c 100 >"$T/head"
is "${PIPESTATUS[0]}/$(stat -c %s "$T/head")/$(cat "$T/err")" "141/100/" \
	"a reader that goes away: OUT_CLOSED reaches the guest, its SIGPIPE comes back"
start=$(date +%s%N)
{
	timeout --preserve-status 60 "${fgcmd[@]}" --timeout 1 -- flood 100 2>"$T/err"
	echo "$? $(date +%s%N)" >"$T/end"
} | sleep 5
read -r rc end <"$T/end"
ms=$(((end - start) / 1000000))
is "$rc/$(cat "$T/err")" "124/umlrun: timed out after 1 s" "--timeout beats a reader that never reads"
ok "$(within 4000)" "and promptly (${ms} ms)"
clean "stdout"

# --- the kernel console -------------------------------------------------------
fg chatty -- chatty
is "$rc/$(cat "$T/out")/$(cat "$T/err")" "0/chatty/err" "180 KB of console output stays off stdout and stderr"
fg chatty -v -- chatty
is "$(cat "$T/out")" "chatty" "-v keeps stdout clean"
like "$(cat "$T/err")" 'chatty: console line 4000 of 4000' "-v shows the console on stderr"
clean "console"

# --- processes the guest leaves ---------------------------------------------
fg orphan -- x
is "$rc/$(cat "$T/out")" "0/ok" "a helper process of the kernel does not hold the run"
clean "orphan"
fg orphan -- x die
fails "kernel gone, helper alive" 125 "kernel stopped before the command finished" "ok"
fg linger -- x
is "$rc/$(cat "$T/out")" "6/out" "a guest that sends EXIT and keeps running is ended"
clean "linger"

# --- Landlock: a compromised kernel writes only its run directory -----------
fg escape -- x
if [ "$(sed -n 's/^abi=\([0-9]*\) .*/\1/p' "$T/out")" -gt 0 ] 2>/dev/null; then
	is "$rc/$(cut -d' ' -f2- "$T/out")" "0/outside=denied inside=written" \
		"Landlock: the kernel process cannot write outside its run directory"
else
	n=$((n + 1))
	echo "ok $n # SKIP no Landlock on this host"
fi
UMLRUN_LANDLOCK=0 fg escape --drop-layer landlock -- x
is "$rc/$(cut -d' ' -f2- "$T/out")" "0/outside=written inside=written" \
	"without Landlock (--drop-layer landlock) the same write succeeds"
rm -f "$FG/fakeguest-escape.escaped"
clean "escape"

# --- signals --------------------------------------------------------------------
for sig in TERM HUP INT; do
	fg_bg signal -- x
	wait_for has_line "$T/out" ready
	kill -"$sig" "$(pgrep -P "$bg")"
	fg_wait
	num=$(kill -l "$sig")
	is "$rc/$(cat "$T/out")/$(cat "$T/err")" "$((128 + num))/ready/" \
		"SIG$sig is forwarded; the command's death by it comes back as $((128 + num))"
done
fg_bg signal -- x ignore
wait_for has_line "$T/out" ready
kill -INT "$(pgrep -P "$bg")"
wait_for has_line "$T/out" "signal 2"
kill -INT "$(pgrep -P "$bg")"
fg_wait
is "$rc/$(tail -n1 "$T/out")" "130/signal 2" "a second SIGINT ends a command that ignores the first"
like "$(cat "$T/err")" '^umlrun: interrupted twice' "and says so"
# A terminal's Ctrl-C goes to the whole foreground process group: the kernel
# must not be in umlrun's, or it dies before the command sees the signal.
fg_cmd signal
timeout --preserve-status -k 5 "$TEST_TIMEOUT" setsid "${fgcmd[@]}" -- x >"$T/out" 2>"$T/err" &
bg=$!
wait_for has_line "$T/out" ready
p=$(pgrep -P "$bg")
[ -n "$p" ] && kill -INT -- "-$p"
fg_wait
ok "$([ "$rc/$(cat "$T/err")" = "130/" ] && echo 0 || echo 1)" \
	"SIGINT to umlrun's process group (Ctrl-C) is forwarded: 130 (got $rc)"
clean "Ctrl-C to the process group"
fg_bg silent -- x
wait_for in_rundir fakeguest.ready
kill -TERM "$(pgrep -P "$bg")"
fg_wait
fails "SIGTERM before the guest is up" 143 "interrupted by signal 15"

# --- exit statuses the guest reports --------------------------------------------
for kv in "0 0 0" "0 42 42" "0 255 255" "1 9 137" "1 15 143" "1 64 192"; do
	set -- $kv
	fg exit -- exit "$1" "$2"
	is "$rc/$(cat "$T/err")" "$3/" "EXIT kind $1 value $2 is status $3"
done
clean "exit statuses"
for kv in "0 256" "0 4294967295" "1 0" "1 128" "2 0"; do
	set -- $kv
	fg exit -- exit "$1" "$2"
	fails "EXIT kind $1 value $2" 125 "protocol error: bad frame \\(type 4"
done

# --- ERROR frames -----------------------------------------------------------------
fg error -- x
is "$rc" 127 "ERROR 127 is status 127"
is "$(cat "$T/err")" "umlrun: ?[31mcommand not found?second line?" \
	"the error message is shown on one line, control bytes replaced"
clean "error 127"
fg error -- x 125
is "$rc" 125 "ERROR 125 is status 125"
like "$(head -n1 "$T/err")" '^umlrun: \?\[31mcommand not found\?second line\?$' "with its message"
like "$(cat "$T/err")" 'umlrun: kernel: fakeguest: reporting an error' "and the kernel's last lines"
fg error -- x 1 1024
is "$rc/$(cat "$T/err")" "1/umlrun: $(head -c 1024 /dev/zero | tr '\0' m)" "a message of the maximum size"
fg error -- x 1 1025
fails "an ERROR message over the maximum" 125 "protocol error: bad frame \\(type 5"
fg error -- x 0
fails "ERROR status 0" 125 "protocol error: bad frame \\(type 5"
fg error -- x 256
fails "ERROR status 256" 125 "protocol error: bad frame \\(type 5"

# --- kernel splats on the console (splat.c) -----------------------------------
json() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }
splat_lines() { sed -n 's/^umlrun: kernel splat (\([a-z-]*\)): .*/\1/p' "$T/err" | tr '\n' ' '; }
fg splat --result-json "$T/r.json" -- x all 3
is "$rc/$(cat "$T/out")" "3/" "splats: the command's status stands without --splat-is-failure"
is "$(splat_lines)" "warning kasan kfence lockdep lockdep rcu-stall soft-lockup ubsan " \
	"splats: the first 8 named on stderr with their kind"
has_line "$T/err" "umlrun: kernel splat (warning): WARNING: CPU: 0 PID: 42 at fs/namei.c:4100 do_mkdirat+0x1/0x2"
ok $? "splats: the first line of the report, timestamp taken off"
has_line "$T/err" "umlrun: kernel splats: 5 more (the kernel log has them all: -v or --log)"
ok $? "splats: past 8, a count"
is "$(grep -vc '^umlrun: kernel splat' "$T/err")" 0 "splats: nothing else on stderr, no report body"
is "$(json "$T/r.json" '" ".join(s["kind"] for s in d["kernel"]["splats"]), d["kernel"]["splat_count"], d["exit_status"]')" \
	"warning kasan kfence lockdep lockdep rcu-stall soft-lockup ubsan hung-task bug bug oops lockdep 13 3" \
	"splats: every kind in --result-json kernel.splats, with the count"
is "$(json "$T/r.json" 'd["kernel"]["splats"][4]["line"], d["kernel"]["splats"][12]["line"]')" \
	"WARNING: suspicious RCU usage WARNING: inconsistent lock state" \
	"splats: timestamp and caller id, and a CR, taken off the lines kept"
clean "splats"
fg splat --splat-is-failure --result-json "$T/r.json" -- x all 0
is "$rc/$(json "$T/r.json" 'd["exit_status"], d["exit_code"]')" "1/1 0" \
	"--splat-is-failure: a splat makes a run that exited 0 exit 1 (exit_code stays the command's)"
fg splat --splat-is-failure -- x all 7
is "$rc" 1 "--splat-is-failure: 1 whatever the command's status"
fg splat --splat-is-failure --result-json "$T/r.json" -- x none 0
is "$rc/$(cat "$T/err")/$(json "$T/r.json" 'd["kernel"]["splats"], d["kernel"]["splat_count"]')" "0//[] 0" \
	"control: near misses (mid-line, indented, no stall, a lone cut-here line) are no splat"
fg splat -v -- x all 0
like "$(cat "$T/err")" 'Read of size 1 at addr 0000000071234508' "splats: -v shows the whole report"
fg splat --log "$T/k.log" -- x all 0
grep -q 'rcu: 	0-....: (21000 ticks this GP)' "$T/k.log"
ok $? "splats: --log keeps the whole report"
fg splat --result-json "$T/r.json" -- x hostile 0
is "$rc/$(json "$T/r.json" 'd["kernel"]["splat_count"], len(d["kernel"]["splats"])')" "0/44 16" \
	"hostile console: 44 splats counted, 16 kept, the run unharmed"
is "$(grep -c '^umlrun: kernel splat (' "$T/err")/$(LC_ALL=C grep -c '[^ -~]' "$T/err")" "8/0" \
	"hostile console: 8 lines on stderr, nothing but printable ASCII in them"
is "$(json "$T/r.json" 'd["kernel"]["splats"][0]["line"], len(d["kernel"]["splats"][1]["line"]), d["kernel"]["splats"][2]["line"]')" \
	'BUG: \x1b[2J\x1b]0;owned\x07 terminal\x7f\xff 255 BUG: nul\x00inside' \
	"hostile console: escapes defused, a 100 KB line cut to 255 bytes, a NUL no end"
clean "hostile console"
fg splat --result-json "$T/r.json" -- x panic
is "$rc/$(json "$T/r.json" 'd["panic"], d["kernel"]["splat_count"]')" "125/True 13" \
	"a splat, then a panic: 125 and the splats counted"
fg splat --splat-is-failure -- x panic
is "$rc" 1 "--splat-is-failure: a splat before a panic exits 1"
fg ok --splat-is-failure -- prog 0
is "$rc/$(cat "$T/err")" "0/err" "control: --splat-is-failure without a splat changes nothing"

# --- hostile and broken guests: 125, one line, nothing left -------------------
fg panic -- x
fails "panic at boot" 125 "kernel panic"
like "$(cat "$T/err")" 'umlrun: kernel: Kernel panic - not syncing: test' "the panic line is shown"
fg panicrun -- x
fails "panic while the command runs" 125 "kernel panic" "partial"
fg nohello -- x
fails "no HELLO" 125 "kernel .*fakeguest-nohello stopped before the guest init was ready"
fg vanish -- x
fails "kernel gone without EXIT" 125 "kernel stopped before the command finished" "out"
fg truncated -- x
fails "half a header, then gone" 125 "kernel stopped before the command finished"
fg early -- x
fails "STDOUT before HELLO" 125 "protocol error: frame type 2 before HELLO"
fg badversion -- x
fails "HELLO of another version" 125 "guest init speaks protocol $(($(sed -n 's/^#define PROTO_VERSION //p' "$ROOT/userspace/shared/proto.h") + 1))"
fg twohello -- x
fails "a second HELLO" 125 "protocol error: second HELLO"
fg shorthello -- x
fails "a HELLO of 4 bytes" 125 "protocol error: bad frame \\(type 1, 4 bytes\\)"
fg badmagic -- x
fails "bad magic" 125 "protocol error: bad frame header"
fg oversized -- x
fails "a header claiming 1 GiB" 125 "protocol error: oversized frame"
fg badtype -- x
fails "an unknown frame type" 125 "protocol error: bad frame \\(type 99"
fg hosttype -- x
fails "a host-only frame type" 125 "protocol error: bad frame \\(type 17"
fg hugemsg -- x
fails "a message larger than the largest frame" 125 "protocol error: oversized message"
fg credit -- x 4096
fails "CREDIT beyond the window" 125 "protocol error: stdin credit overflow"
fg credit -- x 0
fails "CREDIT 0" 125 "protocol error: bad frame \\(type 6"
fg credit -- x $(((1 << 20) + 1))
fails "CREDIT over the window size" 125 "protocol error: bad frame \\(type 6"

# --- timeouts ---------------------------------------------------------------------
fg hang --timeout 1 -- x
is "$rc/$(cat "$T/err")" "124/umlrun: timed out after 1 s" "a guest that hangs after HELLO: 124"
ok "$(within 4000)" "and promptly (${ms} ms)"
clean "hang"
fg silent --timeout 1 -- x
is "$rc/$(cat "$T/err")" "124/umlrun: timed out after 1 s" "a guest that never says HELLO: 124"
clean "silent"
fg endless --timeout 1 -- x
is "$rc/$(tail -n1 "$T/err")" "124/umlrun: timed out after 1 s" "an endless stream of frames cannot outlast --timeout"
is "$(grep -vcx 'e' "$T/err")" 1 "and the timeout is the only umlrun line"
ok "$(within 4000)" "and promptly (${ms} ms)"
fg endless --timeout 1 -- x packed
is "$rc/$(tail -n1 "$T/err")/$(grep -vcx 'e' "$T/err")" "124/umlrun: timed out after 1 s/1" \
	"the same with thousands of tiny frames a message"
ok "$(within 4000)" "and promptly (${ms} ms)"
clean "endless"

# --- a channel that closes while the kernel lives ---------------------------
# umlrun takes the end of the channel for the kernel's exit and waits for it
# without a bound; these guests run on for 3 s, a hostile one would forever.
fg closechan -- x
fails "the guest closes the channel and lives on" 125 "" "out"
ok "$(within 2500)" "and promptly (${ms} ms)"
fg emptymsg -- x
like "$rc/$(cat "$T/out")" '^(0/after|125/)$' "an empty message is ignored or refused"
ok "$(within 2500)" "and the run ends promptly (${ms} ms)"
clean "empty message"

# --- the output ring (fd 5 the doorbell, fd 6 the memory) ----------------------
fg ring-probe -- x
is "$rc/$(cat "$T/out")" "0/ring=yes args=yes" \
	"the kernel gets the ring on fds 5 and 6, with hostexec.ring=5 iomem=hostexec,/proc/self/fd/6"
UMLRUN_NO_RING=1 fg ring-probe -- x
is "$rc/$(cat "$T/out")" "0/ring=no args=no" "UMLRUN_NO_RING=1: no ring fds, no ring parameters"
fg ring-probe -t -- x
is "$rc/$(cat "$T/out")" "0/ring=no args=no" "-t: no ring"
clean "ring probe"

# ring-ok: four short records on both streams (72 ring bytes), then a
# payload that wraps around the end of the data area (its header in the
# last 16 bytes), then a second lap to a record whose header takes the
# last 8 bytes (its payload at offset 0). Between them, stdout records of
# "fill\n" over and over: fill_len SPAN is how much of it fits in SPAN ring
# bytes, 8 header bytes per started 131080 (the largest record).
fill_len() {
	echo $(($1 - 8 * (($1 + 131079) / 131080)))
}
fg ring-ok -- x
size=$(sed -n '1s/^ring \([0-9]*\)$/\1/p' "$T/err")
ok "$([ "${size:-0}" -ge 4096 ] && [ $((size & (size - 1))) = 0 ] && echo 0 || echo 1)" \
	"ring: the guest sees a ring of a power-of-two size (${size:-none})"
size=${size:-4096}
{
	printf 'one\ntwo\n'
	yes fill | head -c "$(fill_len $((size - 88)))"
	printf 'wrapped around the end\n'
	yes fill | head -c "$(fill_len $((size - 24)))"
	printf 'last\n'
} >"$T/ring-ok.want"
want=$(sha <"$T/ring-ok.want")
want_err="ring $size"$'\ne1\nheader in the last 8 bytes\ne3'
is "$rc" 3 "ring: the exit status comes over the channel"
is "$(stat -c %s "$T/out")/$(sha <"$T/out")" "$(stat -c %s "$T/ring-ok.want")/$want" \
	"ring: stdout byte-exact, with records wrapping around the end of the ring"
is "$(cat "$T/err")" "$want_err" "ring: stderr byte-exact"
bad=0
for _ in $(seq 10); do
	fg ring-ok -- x
	[ "$rc/$(sha <"$T/out")/$(cat "$T/err")" = "3/$want/$want_err" ] ||
		bad=$((bad + 1))
done
is "$bad" 0 "ring: 10 runs in a row, each byte-exact with status 3"
clean "ring"

for i in $(seq 2000); do
	if ((i % 3 && i % 7)); then echo "$i out"; else echo "$i err"; fi
done >"$T/ring-order.want"
: >"$T/err"
fg_cmd ring-order
timeout --preserve-status -k 5 "$TEST_TIMEOUT" "${fgcmd[@]}" -- x 2000 >"$T/out" 2>&1
rc=$?
is "$rc/$(sha <"$T/out")" "0/$(sha <"$T/ring-order.want")" \
	"ring: 2000 stdout and stderr records interleave in the order written (2>&1)"
clean "ring order"

fg ring-truncate -- x
is "$rc/$(cat "$T/out")" $'0/shrink=EPERM grow=EPERM seal=EPERM\nstill here' \
	"ring: the seals keep the guest from shrinking, growing or resealing the memfd"
clean "ring truncate"

seq -f 'before %g' 100000 >"$T/before.want"
for how in "" fork; do
	fg ring-flood-after-exit -- x 100000 $how
	is "$rc/$(head -n 100000 "$T/out" | sha)" "0/$(sha <"$T/before.want")" \
		"ring: records written before EXIT all come out${how:+ (a forked writer floods on)}"
	is "$(tail -n +100001 "$T/out" | grep -vc '^after [0-9]*$')/$(cat "$T/err")" "0/" \
		"ring: after them only records written after EXIT${how:+ (forked)}"
	ok "$([ "$(stat -c %s "$T/out")" -le $(($(stat -c %s "$T/before.want") + 2 * size + 65536)) ] && echo 0 || echo 1)" \
		"ring: a writer after EXIT gets at most about a ring's worth out ($(stat -c %s "$T/out") bytes)"
	ok "$(within 10000)" "ring: a writer after EXIT does not hold the run (${ms} ms)"
	clean "ring flood after EXIT${how:+ (forked)}"
done

# A guest that, once the host drains after EXIT, moves its head on without
# end: the drain stops at the head the host read once, so stdout holds
# exactly the records written before EXIT and the status is EXIT's.
fg ring-head-after-exit -- x 5
read -r _ wrote _ pending <"$T/err"
is "$rc/$(wc -l <"$T/err")/$(grep -vcx "$(printf 'x%.0s' $(seq 55))" "$T/out")/$(wc -l <"$T/out")" \
	"5/1/0/${wrote:-none}" \
	"ring: a head moved on after EXIT: EXIT's status, exactly the records written before it"
ok "$([ "${pending:-0}" -ge $((size / 2)) ] && echo 0 || echo 1)" \
	"ring: and the host still had ${pending:-no} bytes to drain when the head ran away"
ok "$(within 2500)" "ring: a head moved on after EXIT does not hold the run (${ms} ms)"
clean "ring head after EXIT"

: >"$T/err"
fg_cmd ring-closed
timeout --preserve-status -k 5 "$TEST_TIMEOUT" "${fgcmd[@]}" -- x 2>"$T/err" | head -c 1 >"$T/head"
rc=${PIPESTATUS[0]}
is "$rc/$(cat "$T/head")/$(cat "$T/err")" "42/l/closed=2" \
	"ring: a closed stdout sets the guest's closed bit 1 (and only it)"
clean "ring closed"

# --- a guest that breaks the ring: 125, one line, at once ---------------------
# Each writes "good\n" first and waits until the host has written it out.
# A correct launcher ends these in milliseconds; the short timeout keeps a
# hanging one from costing 20 s a run (its SIGTERM ends the hang with 125).
for args in "head odd" "head far" "head back" "stream 7" "stream 0" "stream 3" \
	"len 0" "len big" "len past" "len huge"; do
	set -- $args
	TEST_TIMEOUT=4 fg "ring-bad-$1" -- x "$2"
	fails "ring: bad $1 ($2)" 125 "protocol error: broken output ring from the guest$" "good"
	ok "$(within 2500)" "ring: bad $1 ($2) ends the run at once (${ms} ms)"
done

# --- stdin through the input ring -------------------------------------------
head -c 3000000 /dev/urandom >"$T/in.bin"
fg ring-in -- x <"$T/in.bin"
is "$rc" 0 "ring in: a guest that reads the input ring ends well"
cmp -s "$T/out" "$T/in.bin"
ok $? "ring in: 3 MB of stdin through the input ring, byte-exact (wrapping)"
clean "ring in"
fg ring-in -- x </dev/null
is "$rc/$(stat -c %s "$T/out")" "0/0" "ring in: empty stdin is EOF"
fg ring-in --no-stdin -- x <"$T/in.bin"
is "$rc/$(stat -c %s "$T/out")" "0/0" "ring in: --no-stdin is EOF at once"
TEST_TIMEOUT=4 fg ring-in -- x bad <"$T/in.bin"
fails "ring in: a tail the host never gave out" 125 "protocol error: broken input ring from the guest$"
ok "$(within 2500)" "ring in: a broken input ring ends the run at once (${ms} ms)"

is "$(pgrep -af -- "$FG/fakeguest-")" "" "no fake guest left at the end"
finish
