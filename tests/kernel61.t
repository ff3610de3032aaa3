#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The 6.1 series smoke tier: the same core promises as core.t, on the
# kernel built from linux-source-6.1 (`KERNEL_VERSION=6.1 prove tests/core.t`
# runs the whole of core.t on it).
KERNEL_VERSION=6.1
. "$(dirname "$0")/lib.sh"
need_kernel

um -- uname -r
like "$(cat "$T/out")" '^6\.1\.[0-9]+-umlrun$' "uname -r is our 6.1 UML kernel"
is "$rc" 0 "uname exits 0"
um --kernel-version 6.12 -- uname -r
like "$(cat "$T/out")" '^6\.12\.[0-9]+-umlrun$' "--kernel-version overrides UMLRUN_KERNEL_VERSION"
UMLRUN_KERNEL_VERSION=5.10 um -- true
is "$rc" 125 "unknown UMLRUN_KERNEL_VERSION is 125"

um -- printf '%s|' 'a b' "c'd" '' '$HOME' $'\xff\xfe'
is "$(cat "$T/out")" "a b|c'd||\$HOME|"$'\xff\xfe|' "argv passes verbatim"
um -- sh -c 'echo out; echo err >&2'
is "$(cat "$T/out")/$(cat "$T/err")" "out/err" "stdout and stderr stay separate"

head -c 5000000 /dev/urandom >"$T/in.bin"
um -- sha256sum <"$T/in.bin"
is "$(cut -d' ' -f1 "$T/out")" "$(sha <"$T/in.bin")" "5 MB of binary stdin byte-exact"
timeout 60 "$UMLRUN" -- cat "$T/in.bin" | sha256sum >"$T/sum"
is "$(cut -d' ' -f1 "$T/sum")" "$(sha <"$T/in.bin")" "5 MB of binary stdout byte-exact"

for code in 0 1 42 255; do
	um -- sh -c "exit $code"
	is "$rc" "$code" "exit $code comes back as $code"
done
um -- sh -c 'kill -9 $$'
is "$rc" 137 "SIGKILL comes back as 137"
um -- /nonexistent/command
is "$rc" 127 "missing command is 127"

um --init /bin/false -- true
is "$rc" 125 "kernel panic at boot is 125"
like "$(head -1 "$T/err")" '^umlrun: kernel panic: Attempted to kill init' "panic is reported with its reason"

finish
