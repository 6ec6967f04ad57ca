#!/bin/sh
# make bench: figures and ratios against the peer tools, all in one run.
# The machines are noisy, so each figure is the median of RUNS runs
# (default 3) and every ratio compares figures from this same run.
# Usage: bench.sh [section...]   sections: issue (default: all)
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
PATH="$top/cmd:$PATH"
RUNS=${RUNS:-3}
N_ISSUE=${N_ISSUE:-10000}
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

bench_issue() {
	echo "== qr-issue: $N_ISSUE permits to PNG (level M, scale 4, margin 4), median of $RUNS"
	d="$work/issue"
	mkdir -p "$d"
	qr-keygen -o "$d/k" --office KANIM-JKTSEL --valid-from 2020-01-01 \
		--valid-until 2099-12-31 --no-passphrase
	awk -v n="$N_ISSUE" 'BEGIN {
		print "permit,kind,index,name,nationality,passport,birth,sex,issued,valid_until,sponsor,address"
		for (i = 1; i <= n; i++)
			printf "2C11JB%06d-K,ITAS,E33G,Johannes Wilhelm van der B%05d,NLD,NX8K%05d,1985-03-14,M,2026-11-20,2027-11-19,PT Mitra Teknik Nusantara,\"Jl. Kemang Raya No. %d, Jakarta\"\n", i, i, i, i
	}' > "$d/batch.csv"
	mkdir -p "$d/one" "$d/all" "$d/floor" "$d/qrencode"
	t1=$(time_runs sh -c "qr-issue -k '$d/k.key' -j 1 -f --batch '$d/batch.csv' -d '$d/one' > '$d/register.tsv'")
	ta=$(time_runs sh -c "qr-issue -k '$d/k.key' -f --batch '$d/batch.csv' -d '$d/all' > /dev/null")
	awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "payload") k = i; next } { print $k }' \
		"$d/register.tsv" > "$d/payloads.txt"
	tf=$(time_runs "$top/tests/bench/floor_issue" "$d/payloads.txt" "$d/floor")
	echo "  qr-issue, 1 core:      $(per "$t1" "$N_ISSUE") ms/permit  $(rate "$t1" "$N_ISSUE") permits/s"
	echo "  qr-issue, $cores cores:     $(per "$ta" "$N_ISSUE") ms/permit  $(rate "$ta" "$N_ISSUE") permits/s"
	echo "  floor (encode + PNG):  $(per "$tf" "$N_ISSUE") ms/permit  $(rate "$tf" "$N_ISSUE") permits/s"
	echo "  ratio 1-core / floor cost:      $(ratio "$t1" "$tf")  (target <= 1.25)"
	if command -v qrencode >/dev/null 2>&1; then
		nq=1000
		head -n $nq "$d/payloads.txt" > "$d/q.txt"
		tq=$(time_runs sh -c "i=0; while IFS= read -r p; do i=\$((i+1)); qrencode -l M -s 4 -m 4 -o '$d/qrencode/'\$i.png \"\$p\"; done < '$d/q.txt'")
		echo "  qrencode shell loop:   $(per "$tq" $nq) ms/permit  $(rate "$tq" $nq) permits/s  ($nq payloads)"
		echo "  ratio all-cores / qrencode loop throughput: $(awk -v a="$ta" -v n="$N_ISSUE" -v q="$tq" -v m=$nq 'BEGIN { printf "%.1f", (n / a) / (m / q) }')  (target >= 5)"
	else
		echo "  qrencode: not installed, no comparison"
	fi
}

sections=${*:-issue}
for s in $sections; do
	"bench_$s"
done
