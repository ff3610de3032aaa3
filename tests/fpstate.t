#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A guest thread's floating-point registers survive everything the kernel
# does between its traps: page faults, signal handlers with their own FP
# state, fork, and context switches among threads of one host process (a
# kernel that moves the FP state lazily must still get these right).
. "$(dirname "$0")/lib.sh"
need_kernel

gcc -O2 -Wall -pthread -o "$T/fpcheck" "$ROOT/tests/fp/fpcheck.c"
"$T/fpcheck" selftest >"$T/out"
is "$?/$(cat "$T/out")" "1/FAIL: a signal handler's own FP state: xmm9 0x1110, want 0x1111" \
	"control: the check catches a changed register (on the host)"
"$T/fpcheck" >"$T/out"
is "$?/$(cat "$T/out")" "0/fp ok" "control: the check passes on the host"
for v in 6.12 6.1; do
	um --kernel-version $v -- "$T/fpcheck"
	is "$rc/$(cat "$T/out")" "0/fp ok" "$v: FP state kept across faults, signals, fork, thread switches"
done

finish
