#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Kernel splats are results, through the real kernel on both series: a
# test module (tests/splat/, built against the cached tree, loaded with
# --allow-modules) makes the kernel WARN on purpose; the run names it in
# one "umlrun: kernel splat" line, counts it in --result-json, keeps the
# whole report in --log and -v, and --splat-is-failure exits 1. The
# default console level lets KERN_WARNING through (a WARN and lockdep
# print at it). Controls: the same module doing nothing, a plain run.
. "$(dirname "$0")/lib.sh"
need_kernel

json() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }

for KV in 6.12 6.1; do
	kern=$ROOT/build/kernels/$KV/linux
	if [ ! -x "$kern" ]; then
		ok 1 "$KV: kernel $kern built"
		continue
	fi
	module_build splat "$kern"
	ok $? "$KV: the splat module builds against the cached tree"
	mod=$T/splat/umlrun_splat.ko

	um -k "$kern" --allow-modules --result-json "$T/r.json" -- insmod "$mod" what=warn
	is "$rc" 0 "$KV: a WARN in the guest kernel: the command's status stands"
	like "$(cat "$T/err")" \
		"^umlrun: kernel splat \\(warning\\): WARNING: CPU: 0 PID: [0-9]+ at [^ ]*umlrun_splat\\.c:[0-9]+ umlrun_splat_init\\+0x[0-9a-f]+/0x[0-9a-f]+ \\[umlrun_splat\\]\$" \
		"$KV: one umlrun line with the report's first line"
	is "$(json "$T/r.json" 'd["kernel"]["splat_count"], d["kernel"]["splats"][0]["kind"], d["kernel"]["splats"][0]["line"].startswith("WARNING: CPU: 0 PID: ")')" \
		"1 warning True" "$KV: kernel.splats in --result-json"
	um -k "$kern" --allow-modules --splat-is-failure --result-json "$T/r.json" -- insmod "$mod" what=warn
	is "$rc/$(json "$T/r.json" 'd["exit_status"], d["exit_code"]')" "1/1 0" \
		"$KV: --splat-is-failure: the WARN makes the run exit 1"
	um -k "$kern" --allow-modules --log "$T/k.log" -- insmod "$mod" what=warn
	grep -q 'umlrun_splat: a warning on purpose' "$T/k.log" && grep -q 'Call Trace' "$T/k.log"
	ok $? "$KV: --log keeps the whole report (message and trace)"
	um -k "$kern" --allow-modules -v -- insmod "$mod" what=warn
	like "$(cat "$T/err")" 'umlrun_splat: a warning on purpose' "$KV: -v shows the whole report"

	um -k "$kern" --allow-modules --splat-is-failure --result-json "$T/r.json" -- insmod "$mod" what=none
	is "$rc/$(cat "$T/err")/$(json "$T/r.json" 'd["kernel"]["splat_count"], d["kernel"]["splats"]')" \
		"0//0 []" "$KV: control: the module doing nothing: no splat, exit 0"
	um -k "$kern" --splat-is-failure -- sh -c 'echo "<4>WARNING: CPU: 0 PID: 1 at fake.c:1 f+0x0/0x1" >/dev/kmsg; exit 3'
	is "$rc/$(cat "$T/err")" "1/umlrun: kernel splat (warning): WARNING: CPU: 0 PID: 1 at fake.c:1 f+0x0/0x1" \
		"$KV: a KERN_WARNING line reaches the launcher without -v or --log"
done

# A plain run stays as it was: no splat at boot or power-off on either
# series, nothing more on stderr, the same exit status.
for KV in 6.12 6.1; do
	um --kernel-version "$KV" --splat-is-failure --result-json "$T/r.json" -- sh -c 'echo out; exit 4'
	is "$rc/$(cat "$T/out")/$(cat "$T/err")/$(json "$T/r.json" 'd["kernel"]["splat_count"]')" "4/out//0" \
		"$KV: control: a plain run has no splat and keeps its status"
done
finish
