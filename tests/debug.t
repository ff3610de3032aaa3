#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The debug flavour catches a real bug on purpose: the splat module
# (tests/splat/, built against the debug variant's own tree, loaded with
# --allow-modules) reads memory after kfree(); on `--flavour debug` KASAN
# reports it, the run names it as a kasan splat, --result-json counts it
# and --splat-is-failure exits 1. On the plain kernel the same read is
# silent. The variant is built on first use (a full rebuild with KASAN
# (and on 6.12 lockdep) and UBSAN: 7 to 25 minutes on 2 cores), then
# cached. The default series only, to keep a first CI run after a kernel
# change within its budget; DEBUG_SERIES="6.12 6.1" for both (6.1 passes
# too: KASAN and UBSAN, no lockdep).
. "$(dirname "$0")/lib.sh"
need_kernel

for KV in ${DEBUG_SERIES:-6.12}; do
	slow_tier "the $KV debug variant" --flavour debug "$KV"
done

json() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }

for KV in ${DEBUG_SERIES:-6.12}; do
	TEST_TIMEOUT=3600 um --kernel-version "$KV" --flavour debug -- sh -c \
		'zcat /proc/config.gz | grep -xE "CONFIG_(KASAN|PROVE_LOCKING|UBSAN)=y" | wc -l'
	want=2
	[ "$KV" = 6.12 ] && want=3
	is "$rc/$(cat "$T/out")" 0/$want "$KV --flavour debug: KASAN, UBSAN and (6.12) lockdep are on"
	is "$(cat "$T/err")" "" "  ... and a plain command on it reports no splat"
	art=$("$ROOT/scripts/build-kernel.sh" --flavour debug "$KV" 2>"$T/build.err")
	ok $? "  ... the same variant again is a cache hit ($art)"
	unlike "$(cat "$T/build.err")" 'building' "  ... nothing built"
	module_build splat "$art/linux"
	ok $? "$KV: the splat module builds against the debug variant's tree"
	mod=$T/splat/umlrun_splat.ko

	um --kernel-version "$KV" --flavour debug --allow-modules --result-json "$T/r.json" \
		-- insmod "$mod" what=uaf
	is "$rc" 0 "$KV: a use-after-free in the guest kernel: the command's status stands"
	like "$(head -n 1 "$T/err")" \
		'^umlrun: kernel splat \(kasan\): BUG: KASAN: [a-z-]*use-after-free in umlrun_splat_uaf' \
		"  ... one umlrun line with KASAN's first line"
	is "$(json "$T/r.json" 'd["kernel"]["splat_count"] >= 1, d["kernel"]["splats"][0]["kind"]')" \
		"True kasan" "  ... kernel.splats in --result-json says kasan"
	um --kernel-version "$KV" --flavour debug --allow-modules --splat-is-failure \
		--log "$T/k.log" -- insmod "$mod" what=uaf
	is "$rc" 1 "$KV: --splat-is-failure: the KASAN report makes the run exit 1"
	grep -q 'Freed by task' "$T/k.log"
	ok $? "  ... --log has the whole report (where it was freed)"
	um --kernel-version "$KV" --flavour debug --allow-modules --splat-is-failure \
		-- insmod "$mod" what=none
	is "$rc/$(cat "$T/err")" 0/ "$KV: control: the module doing nothing: no splat, exit 0"
done
finish
