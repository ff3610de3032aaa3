#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The bench project's shell suite: 60 runs of ./rpn, each output compared
# with the expected value, as a typical `make check` spawns small processes.
fail=0
i=0
while [ $i -lt 20 ]; do
	for t in "3 4 +:7" "$i 2 *:$((i * 2))" "9 $i -:$((9 - i))"; do
		out=$(./rpn "${t%%:*}") || out=error
		[ "$out" = "${t##*:}" ] || { echo "FAIL: ${t%%:*}"; fail=1; }
	done
	i=$((i + 1))
done
./rpn "1 0 /" 2>/dev/null && { echo "FAIL: 1 0 /"; fail=1; }
[ $fail = 0 ] && echo "suite: ok"
exit $fail
