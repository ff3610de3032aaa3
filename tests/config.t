#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Config files through the real kernel: a project file (.umlrun, found
# from a subdirectory) gives -m and a --bind the guest sees; the user
# file sits below it; an explicit option wins; --print-config says where
# each value came from; a bad line is 125 naming file and line;
# --no-config ignores both.
. "$(dirname "$0")/lib.sh"
need_kernel
unset UMLRUN_NO_CONFIG
export XDG_CONFIG_HOME=$T/xdg
mkdir -p "$XDG_CONFIG_HOME/umlrun" "$T/proj/sub/dir" "$T/proj/data"
echo hello-from-data >"$T/proj/data/file"
P=$T/proj/.umlrun
printf 'mem = 384M\ntimeout = 60\n' >"$XDG_CONFIG_HOME/umlrun/config"
printf '# this project wants\nmem = 768M   # the tests are big\nbind = %s:/data:rw\n' \
	"$T/proj/data" >"$P"
cd "$T/proj/sub/dir"

um -- sh -c 'cat /data/file; echo written >/data/new; awk "/MemTotal/ {print int(\$2 / 1024)}" /proc/meminfo'
is "$rc" 0 "a run below the project file exits 0"
is "$(head -1 "$T/out")" "hello-from-data" "the project's --bind shows in the guest"
is "$(cat "$T/proj/data/new" 2>/dev/null)" "written" "writable, as the file says"
mem=$(sed -n 2p "$T/out")
ok $((mem > 600 && mem <= 768 ? 0 : 1)) "the project's mem = 768M wins over the user file's 384M (guest sees $mem MiB)"

um -m 256M -- awk '/MemTotal/ {print int($2 / 1024)}' /proc/meminfo
ok $(($(cat "$T/out") <= 256 ? 0 : 1)) "an explicit -m wins over the files ($(cat "$T/out") MiB)"

um --no-config -- sh -c 'test -e /data/file && echo bound || echo unbound'
is "$rc/$(cat "$T/out")" "0/unbound" "--no-config: no bind from the file (control)"

um --print-config -m 1G -- true
is "$rc" 0 "--print-config exits 0"
like "$(cat "$T/out")" "^# mem = 384M	# $XDG_CONFIG_HOME/umlrun/config:1, replaced by $P:2" \
	"it shows the user file's value replaced by the project's"
like "$(cat "$T/out")" "# mem = 768M	# $P:2, replaced by the command line" \
	"and the project's replaced by the command line"
like "$(cat "$T/out")" "bind = $T/proj/data:/data:rw	# $P:3" "the bind with file:line"
like "$(cat "$T/out")" "timeout = 60	# $XDG_CONFIG_HOME/umlrun/config:2" "the user file's own value"
like "$(cat "$T/out")" "-m 1G	# command line" "the command line's options"

printf 'mem = 768M\nmem = plenty\n' >"$P"
um -- true
is "$rc" 125 "a bad value in the project file is 125"
is "$(cat "$T/err")" "umlrun: $P:2: bad memory size 'plenty' (32M to 64G) (see umlrun --help)" \
	"one line naming file:line"
printf 'net\n' >"$P"
um -- true
is "$rc" 125 "a project file cannot turn the network on"
like "$(cat "$T/err")" "^umlrun: $P:1: 'net' is not allowed in a project file" "and says so"
printf 'bind = /etc:/x:rw\n' >"$P"
um -- true
is "$rc" 125 "nor bind a host directory outside the project writable"
printf 'mem = 768M\n' >"$P"
um --no-config -- true
is "$rc" 0 "--no-config gets past a file"
printf 'bogus\n' >"$XDG_CONFIG_HOME/umlrun/config"
um -- true
is "$rc/$(cat "$T/err")" "125/umlrun: $XDG_CONFIG_HOME/umlrun/config:1: unknown option 'bogus' (or run with --no-config)" \
	"a bad user file line is 125 naming file:line"
cd "$ROOT"
finish
