#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# --kunit under the debug flavour (KASAN, lockdep, UBSAN), beyond what
# kunit.py does: a suite of our own whose one case reads memory after
# kfree() (tests/kunit/uaf, every expectation true) passes on the plain
# KUnit variant, silently; under --flavour debug, KASAN reports the read:
# the case fails (KASAN fails the test it caught), the run exits 1, and
# the report is a splat, named on stderr and counted in --result-json.
# lib/kunit's suites pass under both, with no splat. 6.12 (its debug
# variant with KUnit is a build of its own: about 25 minutes the first
# time on 2 cores, then cached).
. "$(dirname "$0")/lib.sh"
need_kernel
TEST_TIMEOUT=${TEST_TIMEOUT_BUILD:-3600}
KV=6.12
mapfile -t variant < <(kunit_variant "$KV" lib/kunit)
slow_tier "the $KV debug KUnit variant" --flavour debug "${variant[@]}" "$KV"

json() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }
U=(--kernel-version "$KV" --kunitconfig lib/kunit)

# --- the plain KUnit variant: the read after free goes unseen ---------------
um "${U[@]}" --kunit 'umlrun_*' --module-src "$ROOT/tests/kunit/uaf" --result-json "$T/r.json"
is "$rc" 0 "plain: the suite with a use after free passes (nothing checks the read)"
is "$(json "$T/r.json" 'd["tests"]["passed"], d["tests"]["failed"], d["kernel"]["splat_count"]')" \
	"1 0 0" "  ... 1 passed, 0 failed, no splat"

# --- the debug flavour: KASAN fails the case and reports a splat ------------
um "${U[@]}" --flavour debug --kunit 'umlrun_*' --module-src "$ROOT/tests/kunit/uaf" \
	--result-json "$T/r.json"
is "$rc" 1 "debug: the same suite fails: exit 1"
like "$(cat "$T/out")" '^    not ok 1 umlrun_uaf_read$' "  ... the case that read after free is the one that failed"
like "$(cat "$T/err")" '^umlrun: kernel splat \(kasan\): BUG: KASAN: [a-z-]*use-after-free in umlrun_uaf_read' \
	"  ... KASAN's report is a splat, named on stderr"
is "$(json "$T/r.json" 'd["tests"]["passed"], d["tests"]["failed"], d["kernel"]["splat_count"] > 0')" \
	"0 1 True" "  ... and in --result-json: 0 passed, 1 failed, the splat counted"

# --- lib/kunit's suites under the debug flavour: clean ----------------------
um "${U[@]}" --flavour debug --kunit 'kunit*' --result-json "$T/r.json"
is "$rc/$(json "$T/r.json" 'd["tests"]["failed"], d["kernel"]["splat_count"]')" "0/0 0" \
	"debug: lib/kunit's kunit* suites pass with KASAN, lockdep and UBSAN on, no splat"
like "$(json "$T/r.json" 'd["tests"]["passed"]')" '^[1-9][0-9]+$' "  ... $(json "$T/r.json" 'd["tests"]["passed"]') passed"
finish
