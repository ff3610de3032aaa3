#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Work inside the guest against the same work on the host: each row runs
# `bash -c CMD` on the host and `umlrun -- bash -c CMD` in the same run
# (median of RUNS each, alternating), and prints both with the ratio. The
# last row builds and `make check`s bench/proj, a tiny C project, in a
# scratch copy the guest gets read-write, as a CI job would. Writes the
# table as JSON to build/bench/workload.json. About three minutes.
#
# usage: bench/workload.sh [RUNS]      (default 3; run `make` first)
# UMLRUN_ARGS adds options to every guest run (e.g. --kernel-version 6.1);
# UMLRUN_ARGS_B adds a second guest column with other options (e.g. -k a
# patched kernel), run alternating with the first, to compare in one run.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
runs=${1:-3}
out=$PWD/build/bench
[ -x ./umlrun ] || { echo "bench: run make first" >&2; exit 1; }
mkdir -p "$out"
read -r -a uargs <<<"${UMLRUN_ARGS:-}"
read -r -a bargs <<<"${UMLRUN_ARGS_B:-}"

proj=$out/proj
rm -rf "$proj" && mkdir -p "$proj" && cp bench/proj/* "$proj"
printf '%s\n' '#include <stdio.h>' 'int main(void)' '{' \
	'	return puts("hi") < 0;' '}' >"$out/five.c"

names=()
cmds=()
extra=()
row() {
	names+=("$1")
	cmds+=("$2")
	extra+=("${3:-}")
}
row "true (boot and exit)" "true"
row "500 x /bin/true from a shell loop" \
	'for i in $(seq 500); do /bin/true; done'
row "5 x gcc -O2 of a 5-line C file" \
	"for i in 1 2 3 4 5; do gcc -O2 -o /dev/null $out/five.c; done"
row "find /usr -xdev | wc -l" "find /usr -xdev | wc -l"
row "tar cf - /usr/share/doc /usr/share/man | wc -c" \
	"tar cf - /usr/share/doc /usr/share/man 2>/dev/null | wc -c"
row "python3 -c 'import json, asyncio, unittest, email, http.client'" \
	"python3 -c 'import json, asyncio, unittest, email, http.client'"
row "dd if=/dev/zero of=/dev/null bs=64k count=100000" \
	"dd if=/dev/zero of=/dev/null bs=64k count=100000"
row "sleep 1" "sleep 1"
row "sleep 1, the guest with --time-travel" "sleep 1" "--time-travel"
row "make clean check of a small C project (bench/proj)" \
	"cd $proj && make -s clean && make -s check" "--bind $proj:$proj:rw"

guest() {
	# shellcheck disable=SC2086 # $1 is a word list of options
	./umlrun --timeout 120s "${uargs[@]}" $1 -- bash -c "$2"
}
guest_b() {
	# shellcheck disable=SC2086
	./umlrun --timeout 120s "${bargs[@]}" $1 -- bash -c "$2"
}

# The suite must pass both ways, or its row times a failure.
(cd "$proj" && make -s check >/dev/null) ||
	{ echo "bench: the project's suite fails on the host" >&2; exit 1; }
guest "${extra[-1]}" "${cmds[-1]}" >/dev/null ||
	{ echo "bench: the project's suite fails in the guest" >&2; exit 1; }
[ -z "${UMLRUN_ARGS_B:-}" ] || guest_b "${extra[-1]}" "${cmds[-1]}" >/dev/null ||
	{ echo "bench: the project's suite fails in guest B" >&2; exit 1; }

echo "bench: workloads, $runs runs each, host and guest alternating" >&2
lines=()
json=()
for i in "${!names[@]}"; do
	bash -c "${cmds[i]}" >/dev/null 2>&1 || true # warm the page cache
	for ((r = 0; r < runs; r++)); do
		time_ms bash -c "${cmds[i]}" >>"$out/.host"
		time_ms guest "${extra[i]}" "${cmds[i]}" >>"$out/.guest"
		[ -z "${UMLRUN_ARGS_B:-}" ] ||
			time_ms guest_b "${extra[i]}" "${cmds[i]}" >>"$out/.guest_b"
	done
	h=$(stats <"$out/.host" | cut -d' ' -f1)
	g=$(stats <"$out/.guest" | cut -d' ' -f1)
	ratio=$(echo "scale=3; $g / $h" | bc | awk '{ printf "%.2f", $1 }')
	line=$(printf '%-62s %9s %10s %7s' "${names[i]}" "$h" "$g" "$ratio")
	b=""
	if [ -n "${UMLRUN_ARGS_B:-}" ]; then
		gb=$(stats <"$out/.guest_b" | cut -d' ' -f1)
		rb=$(echo "scale=3; $gb / $h" | bc | awk '{ printf "%.2f", $1 }')
		line+=$(printf ' %10s %7s' "$gb" "$rb")
		b=", \"b_ms\": $gb, \"b_ratio\": $rb"
	fi
	rm -f "$out/.host" "$out/.guest" "$out/.guest_b"
	echo "  $line" >&2
	lines+=("$line")
	json+=("{\"what\": $(printf '%s' "${names[i]}" | python3 -c 'import json, sys; print(json.dumps(sys.stdin.read()))'), \"host_ms\": $h, \"umlrun_ms\": $g, \"ratio\": $ratio$b}")
done

printf '\n%-62s %9s %10s %7s' "workload (median of $runs)" "host ms" "umlrun ms" "ratio"
[ -z "${UMLRUN_ARGS_B:-}" ] || printf ' %10s %7s' "B ms" "B ratio"
printf '\n'
printf '%s\n' "${lines[@]}"
{
	echo "{\"date\": \"$(date -u +%FT%TZ)\", \"cores\": $(nproc), \"runs\": $runs,"
	echo " \"umlrun_args\": \"${UMLRUN_ARGS:-}\", \"umlrun_args_b\": \"${UMLRUN_ARGS_B:-}\", \"rows\": ["
	(IFS=,; echo "  ${json[*]}")
	echo " ]}"
} >"$out/workload.json"
echo "(written to build/bench/workload.json)"
