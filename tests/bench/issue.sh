# qr-issue: permits per second against a bare encode + PNG loop and the
# qrencode command (sourced by bench.sh, which provides the helpers).
N_ISSUE=${N_ISSUE:-10000}

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
		head -n 1000 "$d/payloads.txt" > "$d/q.txt"
		nq=$(wc -l < "$d/q.txt")
		tq=$(time_runs sh -c "i=0; while IFS= read -r p; do i=\$((i+1)); qrencode -l M -s 4 -m 4 -o '$d/qrencode/'\$i.png \"\$p\"; done < '$d/q.txt'")
		echo "  qrencode shell loop:   $(per "$tq" $nq) ms/permit  $(rate "$tq" $nq) permits/s  ($nq payloads)"
		echo "  ratio all-cores / qrencode loop throughput: $(awk -v a="$ta" -v n="$N_ISSUE" -v q="$tq" -v m=$nq 'BEGIN { printf "%.1f", (n / a) / (m / q) }')  (target >= 5)"
	else
		echo "  qrencode: not installed, no comparison"
	fi
}

