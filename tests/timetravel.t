#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# --time-travel: the guest runs on UML's virtual time, so its sleeps and
# timeouts pass as fast as the CPU allows, in the right order, while the
# launcher's --timeout still counts host time; the combinations that cannot
# work are refused with one line. Then the process mode: a kernel offering
# the seccomp mode is kept in ptrace mode, and says so with -v; and the
# jitterentropy RNG every boot leaves out.
. "$(dirname "$0")/lib.sh"
need_kernel

# Host time of one run, in ms (sets $rc, $T/out, $T/err like um).
ms_um() {
	local s
	s=$(date +%s%N)
	um "$@"
	took=$((($(date +%s%N) - s) / 1000000))
}

# The bound: generous for a loaded machine, yet shorter than the control.
bound=3000
ms_um -- sleep 3
[ $took -ge 3000 ]
ok $? "control: sleep 3 without --time-travel takes 3 s of host time ($took ms)"
ms_um --time-travel -- sh -c 'a=$(date +%s); sleep 30; b=$(date +%s); echo $((b - a))'
is "$rc" 0 "--time-travel: sleep 30 exits 0"
[ $took -lt $bound ]
ok $? "--time-travel: sleep 30 takes under $bound ms of host time ($took ms)"
like "$(cat "$T/out")" '^3[01]$' "the guest's clock moved the 30 s forward"
ms_um --time-travel --kernel-version 6.1 -- sleep 30
[ $rc = 0 ] && [ $took -lt $bound ]
ok $? "the 6.1 kernel too: sleep 30 in $took ms"

ms_um --time-travel -- sh -c 'timeout 5 sleep 10; echo $?'
is "$(cat "$T/out")" 124 "a timeout in the guest fires: timeout 5 sleep 10 is 124"
[ $took -lt $bound ]
ok $? "and returns in $took ms"
um --time-travel -- sh -c 'timeout 10 sleep 5; echo $?'
is "$(cat "$T/out")" 0 "control: timeout 10 sleep 5 is 0 (no early firing)"
um --time-travel -- sh -c '(sleep 6; echo c) & (timeout 4 sleep 100; echo "b$?") &
	(sleep 2; echo a) & wait'
is "$(tr '\n' ' ' <"$T/out")" "a b124 c " "sleeps and a timeout end in their order"

ms_um --time-travel --timeout 5s -- sleep 60
is "$rc" 0 "--timeout counts host time: 60 virtual seconds fit in --timeout 5s"
um --time-travel --timeout 1s -- sh -c 'while :; do :; done'
is "$rc" 124 "control: a busy loop still hits --timeout 1s"

printf 'x\ny\n' >"$T/in"
um --time-travel -- sh -c 'read a; sleep 5; read b; echo "$a$b"' <"$T/in"
is "$(cat "$T/out")" "xy" "stdin through the input ring"
UMLRUN_NO_RING=1 um --time-travel -- sh -c 'read a; sleep 5; read b; echo "$a$b"' <"$T/in"
is "$(cat "$T/out")" "xy" "stdin through init's relay (UMLRUN_NO_RING=1)"

for net in -n "-p 18080:80"; do
	# shellcheck disable=SC2086 # two words for -p
	um --time-travel $net -- true
	is "$rc/$(wc -l <"$T/err")" "125/1" "--time-travel $net is refused with one line"
	like "$(cat "$T/err")" '^umlrun: --time-travel cannot be combined with -n or -p' "naming the conflict"
done

# A kernel without time-travel support (its help text changed in a copy).
mkdir "$T/k"
python3 - "$KERNEL" "$T/k/linux" <<'PY'
import sys
data = open(sys.argv[1], 'rb').read()
mark = b'time-travel-start=<nanoseconds>'
assert mark in data
open(sys.argv[2], 'wb').write(data.replace(mark, mark.upper()))
PY
cp "$(dirname "$KERNEL")/hostexec.ko" "$T/k/" && chmod 755 "$T/k/linux"
um -k "$T/k/linux" -- true
is "$rc" 0 "control: the copied kernel boots"
um -k "$T/k/linux" --time-travel -- sleep 1
is "$rc" 125 "--time-travel with a kernel lacking virtual time is 125"
like "$(cat "$T/err")" 'has no virtual time' "and says so"

# A kernel offering the seccomp process mode (6.16+: its help text added).
cp "$KERNEL" "$T/k/linux" && printf 'seccomp=<on/auto/off>\n' >>"$T/k/linux"
um -v -k "$T/k/linux" -- true
is "$rc" 0 "a kernel offering the seccomp mode runs"
like "$(cat "$T/err")" 'umlrun: the kernel offers the seccomp process mode; umlrun keeps ptrace mode' "-v says ptrace mode is kept"
like "$(grep '^umlrun: starting' "$T/err")" ' seccomp=off( |$)' "and the kernel gets seccomp=off"
um -v -- true
unlike "$(cat "$T/err")" 'seccomp' "control: our kernel offers no seccomp mode, nothing said"
UMLRUN_KERNEL_ARGS=seccomp=auto um -k "$T/k/linux" -- true
is "$rc" 125 "UMLRUN_KERNEL_ARGS=seccomp=auto is refused"
UMLRUN_KERNEL_ARGS=seccomp=off um -k "$T/k/linux" -- true
is "$rc" 0 "control: UMLRUN_KERNEL_ARGS=seccomp=off runs"

# Left out of every boot (it cost 6 ms of 30); the DRBG and random stay.
um -- sh -c 'grep -c "^name.*jitterentropy" /proc/crypto; grep -c "^driver.*drbg" /proc/crypto; head -c 32 /dev/random | wc -c'
is "$(sed -n 1p "$T/out")" 0 "no jitterentropy RNG in the guest"
ok "$([ "$(sed -n 2p "$T/out")" -gt 0 ]; echo $?)" "control: the DRBGs it would seed are there"
is "$(sed -n 3p "$T/out")" 32 "and /dev/random gives bytes"

finish
