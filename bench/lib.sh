# SPDX-License-Identifier: GPL-2.0
# Timing helpers shared by bench/run and bench/workload.sh (sourced).

# time_ms CMD...: one run's wall time in ms (fractional), output discarded.
time_ms() {
	local s e
	s=$(date +%s%N)
	"$@" >/dev/null 2>&1 </dev/null || true
	e=$(date +%s%N)
	echo "scale=2; ($e - $s) / 1000000" | bc
}

# stats: read numbers, print "median min max"
stats() {
	sort -n | awk '{ v[NR] = $1 } END {
		m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf "%.1f %.1f %.1f\n", m, v[1], v[NR] }'
}
