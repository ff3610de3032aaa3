#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# --kunit through the real kernels, on both series: a variant with KUnit
# and lib/kunit/.kunitconfig's suites built in (found in the series'
# source tree, as kunit.py finds it in its own), and suites of our own as
# modules (tests/kunit/pass: 4 passed and 1 skipped, one of them with
# parameters; tests/kunit/fail: 1 passed, 1 failed) loaded with
# --module-src. The KTAP is on stdout and the command's output after it;
# the counts in --result-json and --junit; exit 0 when all pass, 1 when
# one fails (whatever the command says), the command's status otherwise;
# --kunit-summary prints kunit.py's summary; the glob selects the suites
# (kunit.filter_glob); --kunit-filter is refused where the kernel lacks
# it. lib/kunit's own suites run and pass. A bad or conflicting
# kunitconfig and a kunit parameter in --append are refused before boot.
# KUNIT_SERIES=6.12 runs one series.
. "$(dirname "$0")/lib.sh"
need_kernel
TEST_TIMEOUT=${TEST_TIMEOUT_BUILD:-3600}
SERIES=${KUNIT_SERIES:-6.12 6.1}
for KV in $SERIES; do
	slow_tier "the $KV KUnit variant" --kconfig-add CONFIG_KUNIT=y \
		--kconfig-add CONFIG_KUNIT_TEST=y --kconfig-add CONFIG_KUNIT_EXAMPLE_TEST=y "$KV"
done

json() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }
K="--kunitconfig lib/kunit"

for KV in $SERIES; do
	[ -x "$ROOT/build/kernels/$KV/linux" ] || {
		ok 1 "no $KV kernel: run make kernels"
		continue
	}
	U=(--kernel-version "$KV")

	# --- our passing suite: KTAP on stdout, then the command ---------------
	um "${U[@]}" --kunit 'umlrun_*' $K --module-src "$ROOT/tests/kunit/pass" \
		--result-json "$T/r.json" --junit "$T/j.xml" -- echo after
	is "$rc" 0 "$KV: a passing suite: exit 0"
	like "$(cat "$T/out")" '^    # Subtest: umlrun_pass$' "$KV: its KTAP is on stdout"
	like "$(cat "$T/out")" '^    ok 1 umlrun_pass_add$' "  ... with its results"
	like "$(cat "$T/out")" '^        ok 2 value-2$' "  ... and the parameters' results, nested"
	is "$(tail -n 1 "$T/out")" after "  ... and the command's output after it"
	is "$(json "$T/r.json" 'd["tests"]["passed"], d["tests"]["failed"], d["tests"]["skipped"], d["tests"]["errors"], d["exit_status"]')" \
		"4 0 1 0 0" "$KV: --result-json counts as kunit.py does: 4 passed (3 of them parameters), 1 skipped"
	like "$(cat "$T/j.xml")" '<testcase [^>]*name="umlrun_pass_add"' "$KV: --junit lists the cases"
	like "$(cat "$T/j.xml")" '<skipped' "  ... the skipped one as skipped"

	# --- a failing suite: exit 1, whatever the command says ------------------
	um "${U[@]}" --kunit 'umlrun_*' $K --module-src "$ROOT/tests/kunit/fail" \
		--result-json "$T/r.json" --junit "$T/j.xml" -- true
	is "$rc" 1 "$KV: a failing case: exit 1"
	like "$(cat "$T/out")" '^    not ok 2 umlrun_fail_wrong$' "  ... and its KTAP says which"
	like "$(cat "$T/out")" 'a failure on purpose' "  ... and why"
	is "$(json "$T/r.json" 'd["tests"]["passed"], d["tests"]["failed"], d["exit_status"]')" \
		"1 1 1" "$KV: --result-json: 1 passed, 1 failed, exit 1"
	like "$(cat "$T/j.xml")" '<failure' "$KV: --junit has the failure"
	um "${U[@]}" --kunit 'umlrun_*' $K --module-src "$ROOT/tests/kunit/pass" -- sh -c 'exit 3'
	is "$rc" 3 "$KV: suites that pass: the command's own status"

	# --- kunit.py's summary ---------------------------------------------------
	um "${U[@]}" --kunit 'umlrun_*' $K --module-src "$ROOT/tests/kunit/fail" --kunit-summary
	is "$rc" 1 "$KV: --kunit-summary: exit 1 all the same"
	like "$(cat "$T/out")" '^=+ umlrun_fail \(2 subtests\) =+$' "$KV: --kunit-summary: kunit.py's header"
	like "$(cat "$T/out")" '^\[FAILED\] umlrun_fail_wrong$' "  ... its [FAILED] line"
	like "$(cat "$T/out")" 'EXPECTATION FAILED' "  ... after the failure's diagnostics"
	is "$(tail -n 1 "$T/out")" "Testing complete. Ran 2 tests: passed: 1, failed: 1" "  ... and its last line"
	unlike "$(cat "$T/out")" '^KTAP version' "  ... and no KTAP"

	# --- lib/kunit's own suites, built in ---------------------------------------
	um "${U[@]}" --kunit $K --result-json "$T/r.json" --kunit-summary
	is "$rc" 0 "$KV: lib/kunit/.kunitconfig's suites all pass"
	like "$(tail -n 1 "$T/out")" '^Testing complete\. Ran [0-9]+ tests: passed: [0-9]+' "  ... $(tail -n 1 "$T/out")"
	ok "$(json "$T/r.json" 'int(d["tests"]["passed"] < 20 or d["tests"]["failed"] > 0)')" \
		"  ... (more than 20 tests)"
	um "${U[@]}" --kunit 'kunit_status*' $K --result-json "$T/r.json"
	like "$(grep -c '^    # Subtest:' "$T/out")" '^1$' "$KV: the glob selects one suite (kunit.filter_glob)"
	# under --time-travel the suites and the command run on the guest's
	# own clock: a 300 s sleep passes inside the test's 60 s timeout
	TEST_TIMEOUT=60 um "${U[@]}" --kunit 'kunit_status*' $K --time-travel -- \
		sh -c 'a=$(date +%s); sleep 300; echo $(($(date +%s) - a))'
	is "$rc" 0 "$KV: --kunit --time-travel: the suites pass and the command ends"
	like "$(tail -n 1 "$T/out")" '^30[0-9]$' "  ... having slept 300 s of the guest's time ($(tail -n 1 "$T/out") s)"
	like "$(cat "$T/out")" '^ok 1 kunit_status$' "  ... after the suite's KTAP"
done

# --- filters only where the kernel has them ---------------------------------------
if [[ " $SERIES " == *" 6.1 "* ]]; then
	um --kernel-version 6.1 --kunit $K --kunit-filter 'speed>slow' -- true
	is "$rc/$(cat "$T/err")" "125/umlrun: --kunit-filter: this kernel's KUnit has no attribute filters (they came in 6.6); use the glob" \
		"6.1: --kunit-filter: 125, one line (no kunit.filter there)"
fi
if [[ " $SERIES " == *" 6.12 "* ]]; then
	um --kunit example $K --kunit-filter 'speed>slow'
	is "$rc/$(grep -c 'ok [0-9]* example_slow_test' "$T/out")" "0/0" \
		"6.12: --kunit-filter 'speed>slow' leaves the slow example test out (kunit.filter)"
	um --kunit example $K --kunit-filter 'speed>slow' --kunit-filter-action skip
	like "$(cat "$T/out")" '^    ok [0-9]+ example_slow_test # SKIP' \
		"  ... and --kunit-filter-action skip reports it skipped"
fi

# --- refused before anything is built --------------------------------------------
printf 'CONFIG_KUNIT=y\nCONFIG_X="$(shell true)"\n' >"$T/bad.kunitconfig"
um --kunit --kunitconfig "$T/bad.kunitconfig" -- true
is "$rc/$(wc -l <"$T/err")" 125/1 "a kunitconfig line make would expand: 125, one line"
like "$(cat "$T/err")" "bad.kunitconfig:2: " "  ... naming its line"
printf 'CONFIG_KUNIT_TEST=n\n' >"$T/other.kunitconfig"
um --kunit $K --kunitconfig "$T/other.kunitconfig" -- true
is "$rc/$(wc -l <"$T/err")" 125/1 "two kunitconfigs giving one option two values: 125, one line"
like "$(cat "$T/err")" "CONFIG_KUNIT_TEST=y in .*lib/kunit/.kunitconfig and CONFIG_KUNIT_TEST=n in $T/other.kunitconfig" \
	"  ... naming both"
# a kunitconfig is opened without following a link (an earlier guest may
# have planted one where it could write); --follow-links follows it
ln -s /etc/shadow "$T/planted.kunitconfig"
um --kunit --kunitconfig "$T/planted.kunitconfig" -- true
is "$rc/$(wc -l <"$T/err")" 125/1 "a kunitconfig that is a link (to /etc/shadow): 125, one line"
like "$(cat "$T/err")" "planted\.kunitconfig is a symbolic link \(to /etc/shadow\).*--follow-links" "  ... naming it and its target"
um --kunit --kunitconfig "$T/missing" -- true
is "$rc/$(wc -l <"$T/err")" 125/1 "a kunitconfig that is nowhere: 125, one line"
um --append kunit_shutdown=halt -- true
is "$rc" 125 "--append kunit_shutdown=halt is refused (it would stop the boot)"
um --kunitconfig lib/kunit -- true
is "$rc" 125 "--kunitconfig without --kunit is a usage error"
finish
