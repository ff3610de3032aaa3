#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# --coverage of KUnit suites (beyond kunit.py): with --kunit the counters
# are not reset before the command (the suites ran at boot, and are what
# the report is for), so the lcov tracefile has the suites' own code: the
# string-stream suite's test file has hit lines and its first case ran
# once; control: when the glob selects another suite, that file has none
# run. 6.12 (the coverage variant with KUnit is a build of its own: about
# 20 minutes the first time on 2 cores, then cached).
. "$(dirname "$0")/lib.sh"
need_kernel
TEST_TIMEOUT=${TEST_TIMEOUT_BUILD:-3600}
KV=6.12
mapfile -t variant < <(kunit_variant "$KV" lib/kunit)
slow_tier "the $KV coverage KUnit variant" --flavour coverage --drop-kernel-layer "${variant[@]}" "$KV"
# the report's scratch directory goes here
mkdir -p "$T/tmp"
export TMPDIR=$T/tmp
TEST=lib/kunit/string-stream-test.c

um --kernel-version "$KV" --kunitconfig lib/kunit --kunit string-stream-test \
	--coverage "$T/cov" --result-json "$T/r.json"
is "$rc" 0 "--coverage --kunit string-stream-test: the suite passes"
like "$(cat "$T/err")" "^umlrun: coverage: kernel lines run: [0-9.]+% .*$T/cov/coverage\\.info" \
	"  ... and the report is written"
set -- $(cov_info "$T/cov/coverage.info" "$TEST" string_stream_managed_init_test)
ok "$([ "${1:-none}" != none ] && [ "$1" -gt 20 ]; echo $?)" "  ... its test file's lines ran ($1 lines)"
is "${2:-}" 1 "  ... and its first case ran once"

um --kernel-version "$KV" --kunitconfig lib/kunit --kunit kunit_status --coverage "$T/cov2"
set -- $(cov_info "$T/cov2/coverage.info" "$TEST" string_stream_managed_init_test)
is "$rc/${1:-}/${2:-}" "0/0/0" "control: with another suite selected, none of that file ran"
finish
