# stay-check: records per second over a register, against awk (mawk when
# installed, Debian's default) doing a plain date comparison on the same
# file and cat reading it (sourced by bench.sh, which provides the helpers).
N_STAY=${N_STAY:-1000000}

bench_stay() {
	d="$work/stay"
	f="$d/register.tsv"
	mkdir -p "$d"
	# The permit columns of a register, valid_until the 11th; a third of
	# the permits expired on the day of the check.
	awk -v n="$N_STAY" 'BEGIN {
		print "permit\tkind\tindex\tname\tnationality\tpassport\tbirth\tsex\tissued\tvalid_from\tvalid_until\toffice\tsponsor\taddress"
		for (i = 1; i <= n; i++) {
			y = 2025 + i % 3; m = 1 + i % 12; dd = 1 + i % 28
			printf "2C11JB%07d-K\tITAS\tE33G\tJohannes Wilhelm van der B%07d\tNLD\tNX8K%07d\t1985-03-14\tM\t%04d-%02d-%02d\t%04d-%02d-%02d\t%04d-%02d-%02d\tKANIM-JKTSEL\tPT Mitra Teknik Nusantara\tJl. Kemang Raya No. %d, Jakarta\n", i, i, i, y, m, dd, y, m, dd, y + 1, m, dd, i
		}
	}' > "$f"
	if command -v mawk >/dev/null 2>&1; then awk=mawk; else awk=awk; fi
	mb=$(($(wc -c < "$f") / 1000000))
	echo "== stay-check: $N_STAY register records ($mb MB of TSV, 14 columns), median of $RUNS"

	# Not timed: the output is whole and agrees with awk on the overstays.
	stay-check --on 2026-11-22 "$f" > "$d/out.tsv" || [ $? -eq 1 ]
	got=$(awk -F'\t' 'NR > 1 && $15 == "EXPIRED" { n++ } END { print n + 0 }' "$d/out.tsv")
	want=$($awk -F'\t' 'NR > 1 && $11 < "2026-11-22" { n++ } END { print n + 0 }' "$f")
	lines=$(($(wc -l < "$d/out.tsv") - 1))
	if [ "$got" != "$want" ] || [ "$lines" -ne "$N_STAY" ]; then
		echo "  stay-check output is wrong: $lines records, $got EXPIRED ($awk: $want)"
		return 1
	fi

	# Exit status 1 (records flagged) is success here; 2 is not.
	ts=$(time_runs sh -c "stay-check --on 2026-11-22 '$f' > /dev/null; [ \$? -le 1 ]")
	ta=$(time_runs sh -c "$awk -F'\t' '\$11 < \"2026-11-22\" { n++ } END { print n }' '$f' > /dev/null")
	tc=$(time_runs sh -c "cat '$f' > /dev/null")
	echo "  stay-check:                $(rate "$ts" "$N_STAY") records/s  ($ts s, $want EXPIRED)"
	echo "  $awk date comparison:      $(rate "$ta" "$N_STAY") lines/s  ($ta s)"
	echo "  cat (reading the file):    $(rate "$tc" "$N_STAY") lines/s  ($tc s)"
	echo "  ratio stay-check / $awk:   $(ratio "$ta" "$ts")  (target >= 2)"
}
