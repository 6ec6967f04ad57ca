# report-log: sightings appended per second from a pipe, and the time of
# --trail and --last-seen for one permit in a log of that size (sourced by
# bench.sh, which provides the helpers).
N_LOG=${N_LOG:-1000000}
# Each holder is seen about 20 times, in no order: the permit index takes
# inserts all over, as it would in the field.
P_LOG=${P_LOG:-50000}
# Runs of each query, a whole report-log process each time.
Q_LOG=${Q_LOG:-50}

# log_scans N P OFF [BASE]: N records as qr-scan writes them for cards that
# verify, of P holders in no order (record i is of holder BASE + 1 +
# (i * 7919 + OFF) mod P); a device's OFF shifts which holder it sees when,
# its BASE which holders it sees.  The centre section makes its device logs
# with it too.
log_scans() {
	awk -v n="$1" -v p="$2" -v off="$3" -v base="${4:-0}" 'BEGIN {
		OFS = "\t"
		print "source", "status", "detail", "permit", "kind", "index", "name", "nationality", "passport", "birth", "sex", "issued", "valid_from", "valid_until", "office", "sponsor", "address", "kid", "text"
		for (i = 1; i <= n; i++) {
			k = base + (i * 7919 + off) % p + 1
			printf "cam0/IMG_%07d.jpg\tVALID\t\t2C11JB%06d-K\tITAS\tE33G\tJohannes Wilhelm van der B%05d\tNLD\tNX8K%05d\t1985-03-14\tM\t2026-01-%02d\t2026-01-%02d\t2027-01-%02d\tKANIM-JKTSEL\tPT Mitra Teknik Nusantara\tJl. Kemang Raya No. %d, Jakarta\t3fa2\t\n", i, k, k, k, k % 28 + 1, k % 28 + 1, k % 28 + 1, k % 500
		}
	}'
}

# pair_runs A B: run the commands A and B in turn, RUNS times each,
# interleaved so that a change of CPU speed hits both alike; prints the
# median time of each.
pair_runs() {
	i=0
	: > "$work/pair.a"
	: > "$work/pair.b"
	while [ $i -lt "$RUNS" ]; do
		t0=$(now); sh -c "$1"; t1=$(now)
		echo "$t0 $t1" | awk '{ print $2 - $1 }' >> "$work/pair.a"
		t0=$(now); sh -c "$2"; t1=$(now)
		echo "$t0 $t1" | awk '{ print $2 - $1 }' >> "$work/pair.b"
		i=$((i + 1))
	done
	echo "$(median < "$work/pair.a") $(median < "$work/pair.b")"
}

bench_log() {
	echo "== report-log: $N_LOG sightings of $P_LOG permits appended from a pipe, median of $RUNS"
	d="$work/log"
	mkdir -p "$d"
	log_scans "$N_LOG" "$P_LOG" 0 > "$d/scans.tsv"
	fresh="rm -f '$d/s.db' '$d/s.db-wal' '$d/s.db-shm' '$d/s.db.key'"
	app="report-log -d '$d/s.db' --reporter T07 --reporter-kind officer"
	set -- $(pair_runs "$fresh; cat '$d/scans.tsv' | $app > /dev/null" \
	    "$fresh; cat '$d/scans.tsv' | $app --checkpoint-every 0 > /dev/null")
	ta=$1
	n=$(sqlite3 "$d/s.db" 'SELECT count(*) FROM sighting')
	echo "  append:  $(rate "$ta" "$N_LOG") sightings/s  ($(awk -v t="$ta" 'BEGIN { printf "%.2f", t }') s for $n)  (target >= 100000)"
	echo "  append with checkpoints / without (--checkpoint-every 0): $(awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }')  (target <= 1.10)"
	# A hotel's desk: one sighting per run, so each run loads the device
	# key and signs one checkpoint.  Unencrypted key, as a desk's is.
	head -2 "$d/scans.tsv" > "$d/one.tsv"
	sh -c "$fresh; $app < '$d/one.tsv' > /dev/null"
	set -- $(pair_runs "i=0; while [ \$i -lt $Q_LOG ]; do $app < '$d/one.tsv' > /dev/null; i=\$((i + 1)); done" \
	    "i=0; while [ \$i -lt $Q_LOG ]; do $app --checkpoint-every 0 < '$d/one.tsv' > /dev/null; i=\$((i + 1)); done")
	echo "  one sighting per run: $(per "$1" "$Q_LOG") ms with a checkpoint, $(per "$2" "$Q_LOG") ms without: $(awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }')"
	sh -c "$fresh; cat '$d/scans.tsv' | $app > /dev/null"

	p=2C11JB000042-K
	tt=$(time_runs sh -c "i=0; while [ \$i -lt $Q_LOG ]; do report-log -d '$d/s.db' --trail $p > /dev/null; i=\$((i + 1)); done")
	tl=$(time_runs sh -c "i=0; while [ \$i -lt $Q_LOG ]; do report-log -d '$d/s.db' --last-seen --permit $p > /dev/null; i=\$((i + 1)); done")
	rows=$(report-log -d "$d/s.db" --trail $p | wc -l)
	echo "  --trail $p ($((rows - 1)) sightings), whole command:       $(per "$tt" "$Q_LOG") ms  (target < 5)"
	echo "  --last-seen --permit $p, whole command:      $(per "$tl" "$Q_LOG") ms"
	set -- $("$top/tests/bench/log_query" "$d/s.db" $p 201)
	echo "  the same inside one process: --trail $(awk -v u="$1" 'BEGIN { printf "%.3f", u / 1000 }') ms, --last-seen --permit $(awk -v u="$3" 'BEGIN { printf "%.3f", u / 1000 }') ms"
	t0=$(now)
	report-log -d "$d/s.db" --last-seen > /dev/null
	t1=$(now)
	echo "  --last-seen, all $P_LOG permits:          $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }') s"
	t0=$(now)
	report-log -d "$d/s.db" --verify > /dev/null
	t1=$(now)
	echo "  --verify, $n sightings:                 $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }') s"
	t0=$(now)
	report-log -d "$d/s.db" --export > /dev/null
	t1=$(now)
	echo "  --export, $n sightings:                 $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }') s"
}
