#!/bin/sh
# make bench: figures and ratios against the peer tools, all in one run.
# The machines are noisy, so each figure is the median of RUNS runs
# (default 3) and every ratio compares figures from this same run.
# Usage: bench.sh [section...]; each section is tests/bench/NAME.sh, which
# defines bench_NAME (default: every section).
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
PATH="$top/cmd:$PATH"
RUNS=${RUNS:-3}
work=$(mktemp -d "${TMPDIR:-/tmp}/izin-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
cores=$(nproc)

now() { date +%s.%N; }
# median of the numbers on stdin
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# time_runs CMD...: seconds of each of RUNS runs, median printed
time_runs() {
	i=0
	while [ $i -lt "$RUNS" ]; do
		t0=$(now); "$@"; t1=$(now)
		echo "$t0 $t1" | awk '{ print $2 - $1 }'
		i=$((i + 1))
	done | median
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
per() { awk -v t="$1" -v n="$2" 'BEGIN { printf "%.3f", t * 1000 / n }'; }
rate() { awk -v t="$1" -v n="$2" 'BEGIN { printf "%.0f", n / t }'; }

for f in "$top"/tests/bench/*.sh; do
	case $f in */bench.sh) continue ;; esac
	. "$f"
done
sections=${*:-$(for f in "$top"/tests/bench/*.sh; do b=$(basename "$f" .sh); [ "$b" = bench ] || echo "$b"; done)}
for s in $sections; do
	"bench_$s"
	echo
done
