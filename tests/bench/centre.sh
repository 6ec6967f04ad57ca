# report-log against a PostgreSQL data centre (issue 11), on a throwaway
# server of its own (tests/pg.sh): the merge of a device log against a bare
# COPY of the same sightings, queries on a centre of BENCH_CENTRE_ROWS
# sightings, concurrent merges, and merges killed with SIGKILL (sourced by
# bench.sh, which provides the helpers).  Every device log is made by
# report-log appending qr-scan's records (log_scans, from log.sh).
N_DEV=${N_DEV:-1000000}
# The centre the queries run on: N_DEV-sighting device logs merged until it
# holds this many.  Each step prints its time; set it lower for a quicker
# run (the figures printed say the size).
BENCH_CENTRE_ROWS=${BENCH_CENTRE_ROWS:-10000000}
# Holders a device sees, each about 20 times in a million sightings, as in
# the log section; device J sees holders from (J - 1) * P_DEV / 2 on, so
# that each holder is seen by one or two devices, 20 or 40 times in all.
P_DEV=${P_DEV:-50000}
N_CONC=${N_CONC:-16}
N_EACH=${N_EACH:-100000}
KILLS=${KILLS:-10}
# Runs of each query, a whole report-log process each time.
Q_CENTRE=${Q_CENTRE:-101}

_centre_bad=0

# The connection string of database NAME on the bench's server.
centre_db() { echo "host=$PGHOST port=$PGPORT dbname=$1"; }
# Database NAME, empty.
centre_fresh() {
	PGOPTIONS="-c client_min_messages=warning" \
		"$_pg_bin/dropdb" --if-exists "$1" && "$_pg_bin/createdb" "$1"
}
centre_psql() { "$_pg_bin/psql" -X -q -v ON_ERROR_STOP=1 "$@"; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
centre_fail() { echo "  FAILED: $*"; _centre_bad=1; }

# centre_device DB N J: device J's log of N sightings, made as an officer's
# laptop makes it: four days' scans piped into report-log, on four days of
# the year (so that the centre's sightings span months).
centre_device() {
	_q=$(($2 / 4)) _c=0
	while [ $_c -lt 4 ]; do
		_m=$_q
		[ $_c -eq 3 ] && _m=$(($2 - 3 * _q))
		log_scans $_m "$P_DEV" $(($3 * 104729 + _c * 15485863)) \
			$((($3 - 1) * P_DEV / 2)) |
			report-log -d "$1" --reporter "T$3" --reporter-kind officer \
				--place "Pos $3" --at -6.2,106.8 \
				--time "2026-$(printf %02d $((_c * 3 + 1)))-$(printf %02d $(($3 % 28 + 1)))T09:00:00+07:00" \
				> /dev/null
		_c=$((_c + 1))
	done
}

# centre_count DB: the sightings a centre holds, from its own --verify
# (which fails, and says where, if any chain does not verify).
centre_count() {
	if report-log -d "$(centre_db "$1")" --verify > "$work/centre/count.txt" 2>&1; then
		awk '{ print $(NF - 4) }' "$work/centre/count.txt"
	else
		echo "?: $(cat "$work/centre/count.txt")"
	fi
}

# centre_verify DB WANT: the centre holds WANT sightings and every chain
# verifies; says so on one line.
centre_verify() {
	_t0=$(now)
	if report-log -d "$(centre_db "$1")" --verify > "$work/centre/verify.txt" 2>&1; then
		_n=$(awk '{ print $(NF - 4) }' "$work/centre/verify.txt")
	else
		_n=-1
	fi
	_t1=$(now)
	if [ "$_n" = "$2" ]; then
		echo "  --verify: $_n sightings held (exactly $2), every chain verified ($(secs "$_t0" "$_t1") s)"
	else
		centre_fail "--verify: held $_n, wanted $2: $(cat "$work/centre/verify.txt")"
	fi
}

bench_centre() {
	. "$top/tests/pg.sh"
	echo "== centre: report-log on PostgreSQL ($("$(pg_bindir)/postgres" -V | awk '{ print $3 }'), a throwaway server on a Unix socket), median of $RUNS"
	d="$work/centre"
	mkdir -p "$d"
	# as root the server runs as postgres, who must reach its folder
	chmod 755 "$work"
	pg_start "$d"
	# a server (or pooler) left running outlives the bench: stop it on ^C too
	trap 'pg_pool_stop; pg_stop; rm -rf "$work"' EXIT
	trap 'exit 2' INT TERM HUP PIPE
	_sec0=$(now)

	# 1. The merge of one device log, against COPY into a bare table.
	t0=$(now)
	centre_device "$d/dev1.db" "$N_DEV" 1
	t1=$(now)
	echo "  device log: $N_DEV sightings appended by report-log ($(secs "$t0" "$t1") s)"
	t0=$(now)
	report-log -d "$d/dev1.db" --export > "$d/dev1.tsv"
	t1=$(now)
	echo "  --export of it to a file: $(wc -c < "$d/dev1.tsv") bytes ($(secs "$t0" "$t1") s)"
	# The floor: the export as it is (izin's TSV escapes are COPY's text
	# format; one header line), every column text, no key, no index, no check.
	cols=$(head -n 1 "$d/dev1.tsv" | awk -F '\t' '{ for (i = 1; i <= NF; i++) printf "%s\"%s\" text", (i > 1 ? ", " : ""), $i }')
	i=0
	while [ $i -lt "$RUNS" ]; do
		centre_fresh floor
		t0=$(now)
		centre_psql -d floor -c "CREATE TABLE bare ($cols)" \
			-c "\\copy bare FROM '$d/dev1.tsv' WITH (FORMAT text, HEADER true)"
		t1=$(now)
		secs "$t0" "$t1"; echo
		i=$((i + 1))
	done | median > "$d/floor.t"
	tf=$(cat "$d/floor.t")
	nf=$(centre_psql -d floor -At -c "SELECT count(*) FROM bare")
	i=0
	while [ $i -lt "$RUNS" ]; do
		centre_fresh merge1
		t0=$(now)
		report-log -d "$(centre_db merge1)" --merge "$d/dev1.db" --enrol-new > /dev/null
		t1=$(now)
		secs "$t0" "$t1"; echo
		i=$((i + 1))
	done | median > "$d/merge.t"
	tm=$(cat "$d/merge.t")
	# printf, not echo: dash's echo takes \c for "no more output"
	printf '  psql \\copy of the export into a bare table (%s rows): %s s, %s rows/s\n' \
		"$nf" "$tf" "$(rate "$tf" "$nf")"
	echo "  report-log --merge of the device log:                  $tm s, $(rate "$tm" "$N_DEV") sightings/s"
	echo "  merge / copy: $(ratio "$tm" "$tf")  (target <= 1.5)"
	centre_verify merge1 "$N_DEV"
	t0=$(now)
	a=$(report-log -d "$(centre_db merge1)" --merge "$d/dev1.db" --enrol-new)
	t1=$(now)
	echo "  merged again: $a ($(secs "$t0" "$t1") s)"
	"$_pg_bin/dropdb" merge1
	"$_pg_bin/dropdb" floor

	# 2. N_CONC devices merging at once.
	t0=$(now)
	j=1
	while [ $j -le "$N_CONC" ]; do
		centre_device "$d/conc$j.db" "$N_EACH" $((100 + j)) &
		[ $((j % cores)) -eq 0 ] && wait
		j=$((j + 1))
	done
	wait
	t1=$(now)
	echo "  $N_CONC device logs of $N_EACH sightings appended ($(secs "$t0" "$t1") s)"
	centre_fresh conc
	t0=$(now)
	j=1 pids=
	while [ $j -le "$N_CONC" ]; do
		report-log -d "$(centre_db conc)" --merge "$d/conc$j.db" --enrol-new \
			> "$d/conc$j.out" 2>&1 &
		pids="$pids $!"
		j=$((j + 1))
	done
	failed=0
	for p in $pids; do wait "$p" || failed=$((failed + 1)); done
	t1=$(now)
	echo "  $N_CONC concurrent merges of $N_EACH each: $(secs "$t0" "$t1") s wall, $(rate "$(secs "$t0" "$t1")" $((N_CONC * N_EACH))) sightings/s in all"
	[ "$failed" -eq 0 ] || centre_fail "$failed merge(s) failed: $(cat "$d"/conc*.out | grep -v 'merged$' | head -n 3)"
	! grep -l deadlock "$d"/conc*.out > /dev/null || centre_fail "deadlock detected"
	centre_verify conc $((N_CONC * N_EACH))
	"$_pg_bin/dropdb" conc
	rm -f "$d"/conc*

	# 3. kill -9 in the middle of a merge, KILLS times, then the rerun.  A
	# merge that finished before its kill does not count: the centre is
	# made empty again and another moment drawn, so that every one of the
	# KILLS is a merge with all its writing still to do.
	centre_fresh kill
	i=1 tries=0
	while [ $i -le "$KILLS" ] && [ $tries -lt $((3 * KILLS)) ]; do
		tries=$((tries + 1))
		# a moment from 5% to 95% of the merge's own time
		w=$(awk -v t="$tm" -v s="$tries$$" 'BEGIN { srand(s); printf "%.3f", t * (0.05 + 0.9 * rand()) }')
		report-log -d "$(centre_db kill)" --merge "$d/dev1.db" --enrol-new > /dev/null 2>&1 &
		p=$!
		sleep "$w"
		if ! kill -9 "$p" 2>/dev/null; then
			wait "$p" || true
			echo "  (a merge finished before its kill at $w s: the centre is emptied, another moment drawn)"
			centre_fresh kill
			continue
		fi
		wait "$p" 2>/dev/null || true
		n=$(centre_count kill)
		echo "  kill -9 $i: the merge killed after $w s; the centre holds $n"
		case $n in ''|*[!0-9]*) centre_fail "kill $i: the centre does not verify" ;; esac
		i=$((i + 1))
	done
	[ $i -gt "$KILLS" ] || centre_fail "only $((i - 1)) of $KILLS merges were killed in the middle"
	t0=$(now)
	a=$(report-log -d "$(centre_db kill)" --merge "$d/dev1.db" --enrol-new)
	t1=$(now)
	echo "  rerun: $a ($(secs "$t0" "$t1") s)"
	centre_verify kill "$N_DEV"
	"$_pg_bin/dropdb" kill

	# 4. Queries on a centre of BENCH_CENTRE_ROWS sightings, made by
	# merging device logs as the devices would ship them.
	nd=$(((BENCH_CENTRE_ROWS + N_DEV - 1) / N_DEV))
	centre_fresh big
	t0=$(now)
	j=2
	while [ $j -le "$nd" ]; do
		n=$N_DEV
		[ $j -eq "$nd" ] && n=$((BENCH_CENTRE_ROWS - (nd - 1) * N_DEV))
		centre_device "$d/dev$j.db" "$n" "$j" &
		[ $((j % cores)) -eq 1 ] && wait
		j=$((j + 1))
	done
	wait
	t1=$(now)
	if [ "$nd" -eq 1 ]; then
		rm -f "$d/dev1.db"*
		centre_device "$d/dev1.db" "$BENCH_CENTRE_ROWS" 1
	fi
	echo "  centre of $BENCH_CENTRE_ROWS: $((nd - 1)) more device logs appended ($(secs "$t0" "$t1") s)"
	# The devices merge two at a time, as many at once as there are cores.
	t0=$(now)
	j=1
	while [ $j -le "$nd" ]; do
		{ report-log -d "$(centre_db big)" --merge "$d/dev$j.db" --enrol-new > "$d/big$j.out" 2>&1 ||
			echo "failed" >> "$d/big$j.out"; rm -f "$d/dev$j.db"*; } &
		[ $((j % cores)) -eq 0 ] && wait
		j=$((j + 1))
	done
	wait
	t1=$(now)
	echo "  $nd device logs merged into it: $(secs "$t0" "$t1") s, $(rate "$(secs "$t0" "$t1")" "$BENCH_CENTRE_ROWS") sightings/s"
	! grep -l failed "$d"/big*.out > /dev/null || centre_fail "$(cat "$d"/big*.out)"
	centre_verify big "$BENCH_CENTRE_ROWS"
	c=$(centre_db big)
	# a holder devices 1 and 2 both saw
	p=$(printf "2C11JB%06d-K" $((P_DEV / 2 + 42)))
	rows=$(report-log -d "$c" --trail $p | wc -l)
	set -- $("$top/tests/bench/cmd_time" "$Q_CENTRE" report-log -d "$c" --trail $p)
	qt=$1
	echo "  --trail $p ($((rows - 1)) sightings), whole command: median $1 ms (min $2, max $3) of $Q_CENTRE  (target < 20)"
	set -- $("$top/tests/bench/cmd_time" "$Q_CENTRE" report-log -d "$c" --last-seen --permit $p)
	ql=$1
	echo "  --last-seen --permit $p, whole command:  median $1 ms (min $2, max $3) of $Q_CENTRE  (target < 20)"
	# what any client pays to connect, start and exit: the floor under both
	set -- $("$top/tests/bench/cmd_time" "$Q_CENTRE" "$_pg_bin/psql" -X -q -d "$c" -c "SELECT 1")
	qs=$1
	echo "  psql -c 'SELECT 1' on the same centre, whole command: median $1 ms (min $2, max $3) of $Q_CENTRE"
	# The same through PgBouncer, as a data centre runs it: a new client
	# connection is the pooler's, and the server backend stays warm.
	pg_pool_start "$d"
	cp="$PG_POOL dbname=big"
	report-log -d "$c" --trail $p > "$d/trail.direct"
	report-log -d "$c" --last-seen --permit $p > "$d/last.direct"
	# Each client reuses the backend its predecessor left, with the
	# statements they prepared dropped by DISCARD ALL: the answers must
	# not change, nor a statement clash with one left behind.
	i=0 same=0
	while [ $i -lt 50 ]; do
		report-log -d "$cp" --trail $p > "$d/trail.pool" 2>&1 &&
			cmp -s "$d/trail.direct" "$d/trail.pool" &&
			report-log -d "$cp" --last-seen --permit $p > "$d/last.pool" 2>&1 &&
			cmp -s "$d/last.direct" "$d/last.pool" && same=$((same + 1))
		i=$((i + 1))
	done
	if [ $same -eq 50 ]; then
		echo "  through PgBouncer $(PATH="$PATH:/usr/sbin" pgbouncer --version | awk '{ print $2; exit }') (session mode, Unix socket): 50 --trail and --last-seen pairs, every answer the direct one"
	else
		centre_fail "through PgBouncer, $((50 - same)) of 50 --trail/--last-seen pairs differ from the direct answers: $(head -n 3 "$d/trail.pool" "$d/last.pool")"
	fi
	set -- $("$top/tests/bench/cmd_time" "$Q_CENTRE" report-log -d "$cp" --trail $p)
	echo "  --trail through PgBouncer, whole command:       median $1 ms (min $2, max $3); direct $qt ms, pooled / direct $(ratio "$1" "$qt")  (target < 20)"
	set -- $("$top/tests/bench/cmd_time" "$Q_CENTRE" report-log -d "$cp" --last-seen --permit $p)
	echo "  --last-seen --permit through PgBouncer:         median $1 ms (min $2, max $3); direct $ql ms, pooled / direct $(ratio "$1" "$ql")  (target < 20)"
	set -- $("$top/tests/bench/cmd_time" "$Q_CENTRE" "$_pg_bin/psql" -X -q -d "$cp" -c "SELECT 1")
	echo "  psql -c 'SELECT 1' through PgBouncer:           median $1 ms (min $2, max $3); direct $qs ms, pooled / direct $(ratio "$1" "$qs")"
	pg_pool_stop
	if lq=$("$top/tests/bench/log_query" "$c" $p 201); then
		set -- $lq
		echo "  the same inside one process: --trail $(awk -v u="$1" 'BEGIN { printf "%.3f", u / 1000 }') ms, --last-seen --permit $(awk -v u="$3" 'BEGIN { printf "%.3f", u / 1000 }') ms"
	fi
	echo "  the whole section: $(secs "$_sec0" "$(now)") s"
	pg_stop
	trap 'rm -rf "$work"' EXIT
	trap - INT TERM HUP PIPE
	return $_centre_bad
}
