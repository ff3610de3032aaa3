#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# --coverage DIR through the real 6.12 kernel (the coverage flavour, built
# on first use: a full rebuild of the series with gcov, 10 minutes or more
# on 2 cores, then cached), and the mkdir case on 6.1 as well
# (COVERAGE_SERIES="6.12" leaves 6.1 out): after `mkdir /tmp/x` the lcov tracefile has
# fs/namei.c with hit lines and do_mkdirat run, and an HTML index; the
# command's stdout and exit status are its own and stderr has just the
# one summary line. Control: a command that makes no directory leaves
# do_mkdirat at 0 (the counters are zeroed just before the command, and
# umlinit's copy makes no directory). --flavour coverage alone needs
# --drop-layer kernel; an unknown flavour is 125 naming the known ones.
. "$(dirname "$0")/lib.sh"
need_kernel
for v in ${COVERAGE_SERIES:-6.12 6.1}; do
	slow_tier "the $v coverage variant" --flavour coverage --drop-kernel-layer "$v"
done
# a report takes a minute or so (lcov, genhtml) on top of the run
[ "$TEST_TIMEOUT" -ge 600 ] || TEST_TIMEOUT=600
# the report's scratch directory goes here, to be checked at the end
mkdir -p "$T/tmp"
export TMPDIR=$T/tmp

# info FILE SOURCE: SOURCE's hit lines and do_mkdirat's runs (cov_info)
info() { cov_info "$1" "$2" do_mkdirat; }

um --flavour nope -- true
is "$rc/$(cat "$T/err")" "125/umlrun: unknown flavour 'nope' (known: coverage, debian, debug)" \
	"an unknown flavour: 125 and one line naming the known ones"
um -k "$KERNEL" --coverage "$T/c0" -- true
is "$rc" 125 "--coverage builds its kernel: not with -k"

TEST_TIMEOUT=3600 um --coverage "$T/cov" -- sh -c 'mkdir /tmp/x && echo made; exit 3'
is "$rc" 3 "--coverage: the command's exit status passes through"
is "$(cat "$T/out")" made "  ... and its stdout, byte for byte"
like "$(cat "$T/err")" \
	"^umlrun: coverage: kernel lines run: [0-9.]+% \\([0-9]+ of [0-9]+\\): $T/cov/coverage\\.info, $T/cov/html/index\\.html\$" \
	"  ... stderr is one summary line"
set -- $(info "$T/cov/coverage.info" fs/namei.c)
ok "$([ "${1:-0}" != none ] && [ "${1:-0}" -gt 0 ]; echo $?)" "  ... fs/namei.c is in the tracefile with hit lines ($1)"
ok "$([ "${2:-0}" != none ] && [ "${2:-0}" -gt 0 ]; echo $?)" "  ... and do_mkdirat ran ($2 times)"
grep -q 'fs/namei.c' "$T/cov/html/index.html" 2>/dev/null ||
	grep -rqs 'namei.c' "$T/cov/html/fs/index.html" 2>/dev/null
ok $? "  ... the HTML report has an index and fs/namei.c in it"

um --coverage "$T/cov2" -- true
set -- $(info "$T/cov2/coverage.info" fs/namei.c)
is "$rc/${2:-}" 0/0 "control: a command that makes no directory: do_mkdirat did not run"

um --flavour coverage -- true
is "$rc" 125 "--flavour coverage without --drop-layer kernel: refused (DEBUG_FS)"
like "$(cat "$T/err")" 'CONFIG_DEBUG_FS=y changes CONFIG_DEBUG_FS.*--drop-layer kernel' \
	"  ... naming DEBUG_FS and --drop-layer kernel"
um --flavour coverage --drop-layer kernel -- sh -c 'zcat /proc/config.gz | grep -x CONFIG_GCOV_PROFILE_ALL=y'
is "$rc/$(cat "$T/out")" 0/CONFIG_GCOV_PROFILE_ALL=y "  ... with it: the same cached coverage kernel"
um --list-kernels
like "$(cat "$T/out")" 'kernels/6\.12-[0-9a-f]+-k[0-9a-f]+-[0-9a-f]+  kernel linux-source-6\.12 \+ flavour coverage$' \
	"--list-kernels names the flavour"
is "$(ls -A "$T/tmp")" "" "no scratch directory of the report is left"

# 6.1 too: the same patch, the same report (a second variant build, 754 s)
if [[ " ${COVERAGE_SERIES:-6.12 6.1} " == *" 6.1 "* ]]; then
	TEST_TIMEOUT=3600 um --kernel-version 6.1 --coverage "$T/cov61" -- sh -c 'mkdir /tmp/x && uname -r'
	like "$rc/$(cat "$T/out")" '^0/6\.1\.' "6.1 --coverage: the command runs on 6.1"
	set -- $(info "$T/cov61/coverage.info" fs/namei.c)
	ok "$([ "${2:-0}" != none ] && [ "${2:-0}" -gt 0 ]; echo $?)" "  ... and its tracefile has do_mkdirat run ($2 times)"
fi

# The report step reads what the guest wrote, so it runs confined: a
# script standing in for a tar or lcov that the guest's data took over
# tries to reach beyond DATA and DIR. Each probe prints its own verdict.
cat >"$T/evil.sh" <<'EOS'
#!/bin/bash
data=$1 out=$2
try() { if "$@" 2>/dev/null; then echo "$probe: done"; else echo "$probe: refused"; fi; }
{
probe=write-outside try sh -c 'echo x >"$0"' "$OUTSIDE/file"
probe=write-data try sh -c 'echo x >"$0"' "$data/file"
probe=write-out try sh -c 'echo x >"$0"' "$out/file"
cp /bin/true "$out/t" 2>/dev/null
probe=exec-written try "$out/t"
probe=tcp try bash -c 'exec 3<>/dev/tcp/127.0.0.1/$0' "$PORT"
probe=unix try socat -u /dev/null UNIX-CONNECT:"$SOCK"
probe=signal try kill -0 "$CALLER"
} >"$out/probes"
EOS
chmod 755 "$T/evil.sh"
mkdir -p "$T/outside"
socat TCP-LISTEN:0,bind=127.0.0.1,fork /dev/null >/dev/null 2>&1 &
lpid=$!
socat UNIX-LISTEN:"$T/sock",fork /dev/null >/dev/null 2>&1 &
upid=$!
sleep 0.5
port=$(ss -Hltnp 2>/dev/null | awk -v p="pid=$lpid," 'index($0, p) { split($4, a, ":"); print a[2] }')
OUTSIDE=$T/outside PORT=${port:-1} SOCK=$T/sock CALLER=$$ \
	UMLRUN_COVERAGE_SCRIPT=$T/evil.sh um --coverage "$T/cov3" -- true
# the control: unconfined, the same probes do reach
OUTSIDE=$T/outside PORT=${port:-1} SOCK=$T/sock CALLER=$$ \
	"$T/evil.sh" "$T/outside" "$T/outside" 2>/dev/null
kill "$lpid" "$upid" 2>/dev/null
wait "$lpid" "$upid" 2>/dev/null
is "$rc" 0 "a report step that misbehaves: the run's status stands"
is "$(cat "$T/cov3/probes" 2>&1)" "write-outside: refused
write-data: done
write-out: done
exec-written: refused
tcp: refused
unix: refused
signal: refused" "  ... it writes only DATA and DIR, executes nothing written there, no TCP, no Unix socket, no signal outside"
is "$(grep -c ': done$' "$T/outside/probes")" 7 "  ... control: unconfined, every probe reaches"
finish
