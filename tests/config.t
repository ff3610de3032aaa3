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
printf 'mem = 768M\n' >"$P"
um --no-config -- true
is "$rc" 0 "--no-config gets past a file"
printf 'bogus\n' >"$XDG_CONFIG_HOME/umlrun/config"
um -- true
is "$rc/$(cat "$T/err")" "125/umlrun: $XDG_CONFIG_HOME/umlrun/config:1: unknown option 'bogus' (or run with --no-config)" \
	"a bad user file line is 125 naming file:line"
cd "$ROOT"

# --- a project file is judged by what it would do --------------------------------
# Each line of this table, from a project file: refused with one line naming
# the file, the line and what it would do; nothing of it happens (the
# markers stay absent); the same line from the user file (or, for the
# kconfig value, nowhere) is the control where it is harmless there.
: >"$XDG_CONFIG_HOME/umlrun/config"
mkdir -p "$T/proj2/sub" "$T/outside"
P=$T/proj2/.umlrun
cd "$T/proj2/sub"
victim=$T/outside/victim.img
truncate -s 1M "$victim"
printf 'victim' | dd of="$victim" conv=notrunc status=none
vsum=$(sha "$victim")
marker=$T/outside/ran
# refused LINE WHY DESC: LINE in the project file is 125 with one line
refused() {
	printf '%s\n' "$1" >"$P"
	um -- sh -c "echo ran >$marker; dd if=/dev/zero of=/dev/ubda bs=512 count=1 2>/dev/null; true"
	is "$rc/$(wc -l <"$T/err")" "125/1" "project file '$1': 125, one line"
	like "$(cat "$T/err")" "^umlrun: $P:1( \\([^)]*\\))?: .*$2" "  ... naming the line and why ($2)"
	ok "$([ ! -e "$marker" ]; echo $?)" "  ... and nothing ran"
}
refused 'kconfig-add = CONFIG_SYSTEM_TRUSTED_KEYS="$(shell touch '"$marker"')"' 'may only switch an option'
refused "disk = $victim:rw" 'attaches .*victim.img writable, outside the project'
refused "disk = $victim:cow" 'attaches .*victim.img writable, outside the project'
refused 'host-loopback' 'turns the network on'
refused 'net' 'turns the network on'
refused 'publish = 8080:80' 'turns the network on'
refused "coverage = $T/proj2/cov" 'makes umlrun write a host file'
refused "coverage = $T/outside/cov" 'makes umlrun write a host file'
refused 'flavour = coverage' 'builds the coverage flavour, which gives the kernel layer up'
refused 'max-procs = max' 'lifts the bound on host processes'
refused 'max-procs = 100000' 'lifts the bound on host processes'
refused 'swap = 4G' 'more than the 4096 a project file may'
refused 'append = quiet' 'adds kernel parameters'
refused "log = $T/proj2/log" 'makes umlrun write a host file'
refused "junit = $T/proj2/j.xml" 'makes umlrun write a host file'
refused "result-json = $T/proj2/r.json" 'makes umlrun write a host file'
refused "bind = $T/outside:/x:rw" 'binds .*outside writable, outside the project'
refused 'env = HOME' "cannot copy the caller's 'HOME'"
refused 'gdb' 'starts a process on the host'
refused 'drop-layer = kernel' 'gives an isolation layer up'
refused 'allow-modules' 'gives an isolation layer up'
refused 'kernel = /bin/true' 'runs a kernel, init or module of its choosing'
refused "kernel-tree = $T" 'runs a kernel, init or module of its choosing'
refused 'init = /bin/true' 'runs a kernel, init or module of its choosing'
refused 'kconfig-add = CONFIG_DEVMEM=y' 'the kernel layer rests on CONFIG_DEVMEM'
refused 'kconfig-add = CONFIG_NR_CPUS=4' 'may only switch an option'
printf 'CONFIG_BTRFS_FS=y\nCONFIG_LOG_BUF_SHIFT=20\n' >"$T/proj2/frag.config"
refused "kconfig = $T/proj2/frag.config" 'may only switch an option'
refused "root = /" 'makes / the guest.s root, outside the project'
refused 'root-max = 1T' "lifts the bound on a root archive's size"
is "$(sha "$victim")" "$vsum" "the file outside the project is unchanged"
ok "$([ ! -e "$T/proj2/log" ] && [ ! -e "$T/proj2/cov" ]; echo $?)" "no host file was written"

# The same lines where they are harmless: the user file may say them.
printf 'disk = %s:rw\n' "$victim" >"$XDG_CONFIG_HOME/umlrun/config"
rm -f "$P"
um -- sh -c 'printf user | dd of=/dev/ubda conv=notrunc status=none'
is "$rc/$(head -c 4 "$victim")" "0/user" "control: the user file's disk = FILE:rw writes it"
printf 'max-procs = max\nappend = quiet\n' >"$XDG_CONFIG_HOME/umlrun/config"
um -- true
is "$rc" 0 "control: the user file may lift the bound and add parameters"
: >"$XDG_CONFIG_HOME/umlrun/config"
# ... and a project file may switch options, bind and attach inside itself
mkdir -p "$T/proj2/data"
truncate -s 1M "$T/proj2/disk.img"
printf 'bind = %s:/data:rw\ndisk = %s:rw\nmax-procs = 512\nswap = 64M\nhostname = proj\nmem = 384M\n' \
	"$T/proj2/data" "$T/proj2/disk.img" >"$P"
um -- sh -c 'echo in >/data/f; printf disk | dd of=/dev/ubda conv=notrunc status=none; hostname'
is "$rc/$(cat "$T/out")/$(cat "$T/proj2/data/f")/$(head -c 4 "$T/proj2/disk.img")" "0/proj/in/disk" \
	"control: a project's writable bind and disk inside itself, a lower bound, swap, a host name"

# --- the $(shell ...) value is refused from every source ----------------------
rm -f "$P"
bad='CONFIG_SYSTEM_TRUSTED_KEYS="$(shell touch '"$marker"')"'
um --kconfig-add "$bad" -- true
is "$rc" 125 "a kconfig value make would expand: refused on the command line"
like "$(cat "$T/err")" 'a string value may not hold \$' "  ... saying why"
printf 'kconfig-add = %s\n' "$bad" >"$XDG_CONFIG_HOME/umlrun/config"
um -- true
is "$rc" 125 "  ... and from the user file"
: >"$XDG_CONFIG_HOME/umlrun/config"
printf '%s\n' "$bad" >"$T/frag"
um --kconfig "$T/frag" -- true
is "$rc" 125 "  ... and in a fragment file"
like "$(cat "$T/err")" 'make would expand' "  ... line by line"
"$ROOT/scripts/build-kernel.sh" --kconfig-add "$bad" 6.12 >/dev/null 2>"$T/err"
is "$?" "$(fact BUILD_REFUSED)" "  ... and by build-kernel.sh itself"
ok "$([ ! -e "$marker" ]; echo $?)" "nothing ran: the marker file is absent"

# --- which project files are read --------------------------------------------------
# Another user's .umlrun in a world-writable directory (as /tmp) above the
# working directory: not read, and named by --print-config.
W1=$(mktemp -d /tmp/umlrun-ww.XXXXXX)
chmod 1777 "$W1"
runuser -u nobody -- mkdir -m 755 "$W1/proj"
runuser -u nobody -- sh -c "printf 'bind = $W1/proj:/x:rw\nenv = LD_PRELOAD=/x/evil.so\n' >$W1/proj/.umlrun"
mkdir "$W1/proj/sub" 2>/dev/null || runuser -u nobody -- mkdir -m 777 "$W1/proj/sub"
cd "$W1/proj/sub"
um -- sh -c 'echo "${LD_PRELOAD:-none}"'
is "$rc/$(cat "$T/out")" "0/none" "another user's .umlrun above the working directory is not applied"
um --print-config -- true
like "$(cat "$T/out")" "^# not read: $W1/proj/.umlrun: .*owned by nobody" "  ... and --print-config says why"
um -v -- true
like "$(cat "$T/err")" "config file $W1/proj/.umlrun not read: .*owned by nobody" "  ... as does -v"
cd "$ROOT"
rm -rf "$W1"
# A file others may write, and the search stopping at a world-writable directory
mkdir -p "$T/proj3/sub"
printf 'hostname = wrong\n' >"$T/proj3/.umlrun"
chmod 666 "$T/proj3/.umlrun"
cd "$T/proj3/sub"
um -- hostname
is "$rc/$(cat "$T/out")" "0/umlrun" "a .umlrun others may write is not read"
chmod 644 "$T/proj3/.umlrun"
chmod 777 "$T/proj3/sub"
um -- hostname
is "$rc/$(cat "$T/out")" "0/umlrun" "the search stops at a world-writable directory"
chmod 755 "$T/proj3/sub"
um -- hostname
is "$rc/$(cat "$T/out")" "0/wrong" "control: the same file, trusted, is read"
cd "$ROOT"

# --- every option from a project file: refused, or judged harmless -------------------
# The option table's rows: those a project file may not give are refused
# by name; those it may are listed here with a hostile value each, which the
# judge must refuse (a new option must be added here: the safe default is
# refusal, and this loop fails until someone says why a row is harmless).
declare -A hostile=(
	[mem]='64G' [cwd]='/' [env]='HOME' [clean-env]='' [no-stdin]='' [tty]='' [timeout]='1h'
	[time-travel]='' [hostname]='x' [user]='' [bind]="$T/outside:/x:rw" [tmpfs]='/x'
	[overlay]='' [root]='/' [root-max]='1T' [max-procs]='max' [disk]="$victim:rw"
	[disk-size]='8G' [swap]='8G' [kernel-version]='6.1' [kconfig]="$T/proj2/frag.config"
	[kconfig-add]='CONFIG_NR_CPUS=4' [flavour]='coverage' [panic-is-failure]=''
	[splat-is-failure]='' [verbose]=''
)
# options that only shape the guest: harmless with any value
harmless=" cwd clean-env no-stdin tty timeout time-travel hostname user tmpfs overlay kernel-version panic-is-failure splat-is-failure verbose "
mkdir -p "$T/proj4/sub"
P=$T/proj4/.umlrun
cd "$T/proj4/sub"
bad_rows=""
while IFS=$'\t' read -r name short arg from shown; do
	[ "$shown" = shown ] || continue
	if [ "$from" != any ]; then
		v=x
		[ "$arg" = - ] && v=
		printf '%s%s\n' "$name" "${v:+ = $v}" >"$P"
		um --print-config -- true
		[ "$rc" = 125 ] && grep -qE "not allowed in a project file|may come only from the command line|is an action" "$T/err" ||
			bad_rows="$bad_rows $name(not refused)"
		continue
	fi
	if [ -z "${hostile[$name]+set}" ]; then
		bad_rows="$bad_rows $name(no hostile value in config.t)"
		continue
	fi
	v=${hostile[$name]}
	printf '%s%s\n' "$name" "${v:+ = $v}" >"$P"
	um --print-config -- true
	if [[ $harmless == *" $name "* ]]; then
		[ "$rc" = 0 ] || bad_rows="$bad_rows $name(harmless, but refused)"
	else
		[ "$rc" = 125 ] || bad_rows="$bad_rows $name(hostile value accepted)"
	fi
done < <("$UMLRUN" --dump-options names)
cd "$ROOT"
is "$bad_rows" "" "every option of the table from a project file: refused, or harmless and judged"
finish
