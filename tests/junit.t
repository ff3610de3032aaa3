#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# --junit through the real kernel: kselftests from Debian's
# linux-source-6.12 (pidfd, mount_setattr, cgroup), built on the host
# (cached under build/kselftest-6.12) and run in the guest by kselftest's
# own run_kselftest.sh; the XML must parse and agree, binary by binary,
# with the TAP that passed through. Then runs cut short (timeout, a
# killed kernel), output that is no TAP, and a hostile stream that must
# pass through byte for byte while the report stays bounded and valid.
. "$(dirname "$0")/lib.sh"
need_kernel
TEST_TIMEOUT=300

TARBALL=/usr/src/linux-source-6.12.tar.xz
KS=$ROOT/build/kselftest-6.12
KEY="$(stat -c '%s %Y' "$TARBALL" 2>/dev/null) pidfd mount_setattr cgroup"

# Unpack only what the targets need and build them, once per tarball.
build_kselftests() {
	local src=$KS.tmp/src s=linux-source-6.12
	rm -rf "$KS.tmp" && mkdir -p "$src" || return 1
	tar -C "$src" -xf "$TARBALL" $s/scripts/subarch.include $s/tools/include \
		$s/tools/scripts $s/tools/testing/selftests/{Makefile,lib.mk,kselftest.h,kselftest_harness.h,run_kselftest.sh,kselftest} \
		$s/tools/testing/selftests/{pidfd,clone3,mount_setattr,cgroup} || return 1
	make -s -C "$src/$s/tools/testing/selftests" -j2 \
		TARGETS="pidfd mount_setattr cgroup" install \
		INSTALL_PATH="$KS.tmp/inst" >"$KS.tmp/build.log" 2>&1 || return 1
	echo "$KEY" >"$KS.tmp/key"
	rm -rf "$KS" "$KS.tmp/src" && mv "$KS.tmp" "$KS"
}
if [ "$(cat "$KS/key" 2>/dev/null)" != "$KEY" ]; then
	build_kselftests
	ok $? "kselftests pidfd, mount_setattr and cgroup build from $TARBALL"
	[ -x "$KS/inst/run_kselftest.sh" ] || { tail -20 "$KS.tmp/build.log" | diag; finish; exit 1; }
fi

# Counts of a JUnit file: total failures errors skipped, and per class.
xml_counts() {
	python3 - "$1" <<'EOF'
import sys, xml.etree.ElementTree as E
r = E.parse(sys.argv[1]).getroot()
print(r.get('tests'), r.get('failures'), r.get('errors'), r.get('skipped'))
EOF
}

# 1. The kselftests, through their runner.
TESTS="-t pidfd:pidfd_open_test -t pidfd:pidfd_getfd_test -t pidfd:pidfd_wait
	-t pidfd:pidfd_setns_test -t pidfd:pidfd_fdinfo_test -t pidfd:pidfd_poll_test
	-t mount_setattr:mount_setattr_test -t cgroup:test_core -t cgroup:test_kill
	-t cgroup:test_freezer -t cgroup:test_pids"
# (not test_memcontrol: its OOM tests panic this UML kernel now and then,
# "Kernel mode fault at addr 0x40e")
cd "$KS/inst" && um -m 512M --timeout 240 --junit "$T/k.xml" \
	--result-json "$T/k.json" -- ./run_kselftest.sh $TESTS
cd "$ROOT"
is "$rc" 0 "run_kselftest.sh in the guest exits 0"
cp "$T/out" "$T/k.out"
like "$(grep -c '^ok\|^not ok' "$T/k.out")" '^11$' "11 test binaries reported on stdout"
counts=$(xml_counts "$T/k.xml" 2>"$T/err")
ok $? "the JUnit XML parses (python3 xml.etree)"
# An independent reading of the same stdout: each binary's own results
# ("# ok"/"# not ok"), or the runner's line when it printed none.
python3 - "$T/k.out" "$T/k.xml" "$T/k.json" >"$T/cmp" 2>&1 <<'EOF'
import sys, re, json, collections, xml.etree.ElementTree as E
want = collections.Counter()
cur = collections.Counter()
for line in open(sys.argv[1], errors='replace'):
    line = line.rstrip('\n')
    m = re.match(r'^# (not )?ok \d+ ?(.*)', line)
    if m:
        kind = 'skipped' if re.search(r'#\s*SKIP', m.group(2), re.I) else \
               'failed' if m.group(1) else 'passed'
        cur[kind] += 1
        continue
    m = re.match(r'^(not )?ok \d+ (selftests: [^ ]+ [^ ]+)( # (.*))?$', line)
    if m:
        name = m.group(2)
        if not cur:
            kind = 'skipped' if m.group(4) and m.group(4).startswith('SKIP') \
                   else 'failed' if m.group(1) else 'passed'
            cur[kind] += 1
        for k, v in cur.items():
            want[(name, k)] += v
        cur = collections.Counter()
got = collections.Counter()
root = E.parse(sys.argv[2]).getroot()
for suite in root:
    for tc in suite.iter('testcase'):
        cls = tc.get('classname')
        if not cls.startswith('selftests:'):
            cls = tc.get('name')
        kind = 'passed'
        for child in tc:
            kind = {'failure': 'failed', 'skipped': 'skipped',
                    'error': 'errors'}[child.tag]
        got[(cls, kind)] += 1
bad = [(k, want[k], got[k]) for k in set(want) | set(got) if want[k] != got[k]]
for b in sorted(bad):
    print('mismatch', b)
tot = collections.Counter()
for (cls, k), v in got.items():
    tot[k] += v
print('binaries', len({c for c, _ in want}))
print('totals', tot['passed'], tot['failed'], tot['skipped'], tot['errors'])
t = json.load(open(sys.argv[3]))['tests']
print('json', t['passed'], t['failed'], t['skipped'], t['errors'])
sys.exit(1 if bad else 0)
EOF
ok $? "every binary's cases in the XML match its TAP on stdout (passed, failed, skipped)"
head -20 "$T/cmp" | diag
is "$(grep '^binaries' "$T/cmp")" "binaries 11" "all 11 binaries are in the comparison"
is "$(grep '^json' "$T/cmp" | cut -d' ' -f2-)" "$(grep '^totals' "$T/cmp" | cut -d' ' -f2-)" \
	"--result-json's tests counts are the XML's"
like "$(grep '^totals' "$T/cmp")" '^totals ([4-9][0-9]|[1-9][0-9]{2,}) ' "dozens of passing kselftests"
n_ms=$(grep -c 'classname="selftests: mount_setattr: mount_setattr_test"' "$T/k.xml")
is "$n_ms" 21 "mount_setattr_test's 21 tests are 21 cases (kselftest's nested TAP)"
# pidfd_poll_test prints its one result line only when it ends in time:
# then it is its own case, else the binary is one case of the runner
like "$(cat "$T/k.xml")" '(classname="run_kselftest.sh( #[0-9])?" name="selftests: pidfd: pidfd_poll_test"|classname="selftests: pidfd: pidfd_poll_test" name="pidfd poll test)' \
	"a binary is one case, or its own result line is"

# 2. A real kselftest that hangs (pidfd_test's last tests wait forever
# on UML): --timeout, and its unfinished tests are errors saying so.
cd "$KS/inst/pidfd" && um --timeout 8 --junit "$T/t.xml" --result-json "$T/t.json" -- ./pidfd_test
cd "$ROOT"
is "$rc" 124 "pidfd_test cut by --timeout exits 124"
counts=$(xml_counts "$T/t.xml")
like "$counts" '^8 0 [1-7] 0$' "its 8 planned tests are all cases, the unfinished ones errors ($counts)"
like "$(cat "$T/t.xml")" '<error message="timed out">' "the errors say it timed out"
like "$(cat "$T/t.json")" '"tests": \{"passed": [1-7], "failed": 0, "skipped": 0, "errors": [1-7]\}' \
	"--result-json counts them"

# 3. The kernel dies in the middle (killed from the host).
printf '#!/bin/sh\necho 1..5; echo ok 1 - one; echo "not ok 2 - two"; echo "# why two failed"; exec sleep 60\n' >"$T/half.sh"
chmod +x "$T/half.sh"
(cd "$T" && timeout -k 5 60 "$UMLRUN" --junit "$T/c.xml" -- ./half.sh >"$T/out" 2>"$T/err") &
bg=$!
for i in $(seq 100); do grep -q 'not ok 2' "$T/out" 2>/dev/null && break; sleep 0.1; done
kpid=$(pgrep -o -f -- "uml_dir=$UMLRUN_RUNDIR/")
[ -n "$kpid" ] && kill -9 "$kpid"
wait $bg
rc=$?
is "$rc" 125 "a kernel killed mid-run is 125"
counts=$(xml_counts "$T/c.xml")
is "$counts" "5 1 3 0" "1 passed, 1 failed, the 3 planned and not run are errors"
like "$(cat "$T/c.xml")" '<error message="kernel stopped before the command finished">' \
	"the errors say the kernel stopped"
like "$(cat "$T/c.xml")" '<failure message="not ok"># why two failed' "the failure carries its diagnostic"

# 4. No TAP at all (control), and --result-json without --junit.
um --junit "$T/n.xml" --result-json "$T/n.json" -- echo hello
is "$rc/$(cat "$T/out")" "0/hello" "output that is no TAP passes through"
is "$(xml_counts "$T/n.xml")" "0 0 0 0" "and gives an empty, valid report"
um --result-json "$T/n.json" -- echo hello
like "$(cat "$T/n.json")" '"tests": null' "without --junit, --result-json says tests: null"

# 5. A hostile stream: byte for byte through, report bounded and valid.
python3 - "$T/hostile" <<'EOF'
import sys
with open(sys.argv[1], 'wb') as f:
    f.write(b'TAP version 13\n1..1000000\n')
    f.write(b'not ok 1 ' + b'<&"\x00\x01\xff\xc3' * 100000 + b'\n')
    for d in range(30):
        f.write(b'    ' * d + b'1..3\n')
    f.write(b'    ' * 30 + b'ok 1 deep\n')
    f.write(b'not ok 2 - the deep subtest\n')
    for i in range(60000):
        f.write(b'# \x1b[31mdiag %d\xfe\n' % i)
        f.write(b'ok %d - t%d # SKIP \xed\xa0\x80\n' % (i + 3, i))
    f.write(b'no newline at the end \x00')
EOF
cd "$T" && um --junit "$T/h.xml" --result-json "$T/h.json" -- cat hostile
cd "$ROOT"
is "$rc" 0 "the hostile stream's run exits 0"
cmp -s "$T/out" "$T/hostile"
ok $? "it passes through byte for byte ($(stat -c %s "$T/hostile") bytes)"
counts=$(xml_counts "$T/h.xml" 2>"$T/err")
ok $? "its report parses"
like "$counts" '^50000 ' "the report lists at most 50000 cases ($counts)"
like "$(cat "$T/h.json")" '"skipped": 60000' "--result-json counts all 60000 skips"
size=$(stat -c %s "$T/h.xml")
ok $((size < 30000000 ? 0 : 1)) "the report stays bounded ($size bytes)"

finish
