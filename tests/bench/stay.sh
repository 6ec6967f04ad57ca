# stay-check: records per second over a register as qr-issue writes it
# (every column, the file and the sealed text payload included: about 500
# bytes a line), against awk (mawk when installed, Debian's default) doing
# a plain date comparison on the same file, and cat reading it as the
# floor (sourced by bench.sh, which provides the helpers).
N_STAY=${N_STAY:-1000000}
# Permits really issued; their register lines are repeated, each copy
# with its own permit number and dates, up to N_STAY lines.
N_STAY_ISSUE=${N_STAY_ISSUE:-10000}

bench_stay() {
	d="$work/stay"
	f="$d/register.tsv"
	mkdir -p "$d/cards"
	if command -v mawk >/dev/null 2>&1; then awk=mawk; else awk=awk; fi
	qr-keygen -o "$d/k" --office KANIM-JKTSEL --valid-from 2020-01-01 \
		--valid-until 2099-12-31 --no-passphrase
	$awk -v n="$N_STAY_ISSUE" 'BEGIN {
		print "permit,kind,index,name,nationality,passport,birth,sex,issued,valid_until,sponsor,address"
		for (i = 1; i <= n; i++)
			printf "2C11JB%06d-K,ITAS,E33G,Johannes Wilhelm van der B%05d,NLD,NX8K%05d,1985-03-14,M,2026-11-20,2027-11-19,PT Mitra Teknik Nusantara,\"Jl. Kemang Raya No. %d, Jakarta\"\n", i, i, i, i
	}' > "$d/batch.csv"
	qr-issue -k "$d/k.key" -f --batch "$d/batch.csv" -d "$d/cards" > "$d/issued.tsv"
	# Permit number, issued, valid_from and valid_until of each copy
	# changed (a third of the permits expired on the day of the check);
	# every other cell as issued.
	$awk -F'\t' -v OFS='\t' -v n="$N_STAY" '
		NR == 1 {
			for (i = 1; i <= NF; i++) c[$i] = i
			if (!c["payload"] || !c["file"] || !c["valid_until"]) exit 1
			print; next
		}
		{ l[++k] = $0 }
		END {
			for (i = 1; i <= n; i++) {
				$0 = l[1 + (i - 1) % k]
				y = 2025 + i % 3; m = 1 + i % 12; dd = 1 + i % 28
				$c["permit"] = sprintf("2C11JB%07d-K", i)
				$c["issued"] = $c["valid_from"] = sprintf("%04d-%02d-%02d", y, m, dd)
				$c["valid_until"] = sprintf("%04d-%02d-%02d", y + 1, m, dd)
				print
			}
		}' "$d/issued.tsv" > "$f"
	vu=$(head -n 1 "$f" | tr '\t' '\n' | grep -nx valid_until | cut -d: -f1)
	ncol=$(head -n 1 "$f" | awk -F'\t' '{ print NF }')
	mb=$(($(wc -c < "$f") / 1000000))
	avg=$(($(wc -c < "$f") / (N_STAY + 1)))
	echo "== stay-check: $N_STAY register records ($mb MB of TSV, $ncol columns, $avg bytes a line, from $N_STAY_ISSUE issued), median of $RUNS"

	# Not timed: the output is whole and agrees with awk on the overstays.
	stay-check --on 2026-11-22 "$f" > "$d/out.tsv" || [ $? -eq 1 ]
	got=$(awk -F'\t' -v s=$((ncol + 1)) 'NR > 1 && $s == "EXPIRED" { n++ } END { print n + 0 }' "$d/out.tsv")
	want=$($awk -F'\t' -v c="$vu" 'NR > 1 && $c < "2026-11-22" { n++ } END { print n + 0 }' "$f")
	lines=$(($(wc -l < "$d/out.tsv") - 1))
	if [ "$got" != "$want" ] || [ "$lines" -ne "$N_STAY" ]; then
		echo "  stay-check output is wrong: $lines records, $got EXPIRED ($awk: $want)"
		return 1
	fi
	# Its writeback would compete with the timed runs.
	rm -f "$d/out.tsv"

	# Exit status 1 (records flagged) is success here; 2 is not.
	ts=$(time_runs sh -c "stay-check --on 2026-11-22 '$f' > /dev/null; [ \$? -le 1 ]")
	ta=$(time_runs sh -c "$awk -F'\t' '\$$vu < \"2026-11-22\" { n++ } END { print n }' '$f' > /dev/null")
	tc=$(time_runs sh -c "cat '$f' > /dev/null")
	echo "  stay-check:                $(rate "$ts" "$N_STAY") records/s  ($ts s, $want EXPIRED)"
	echo "  $awk date comparison:      $(rate "$ta" "$N_STAY") lines/s  ($ta s)"
	echo "  cat (reading the file):    $(rate "$tc" "$N_STAY") lines/s  ($tc s, the floor)"
	echo "  ratio stay-check / $awk:   $(ratio "$ta" "$ts")  (target >= 3)"
}
