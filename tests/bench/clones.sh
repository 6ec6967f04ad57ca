# report-log --clones on N_CL sightings (issue 14): the whole command's
# time and peak memory on SQLite and on a PostgreSQL centre, with a known
# number of copied cards injected, and for PostgreSQL the sort the plan
# makes weighed against a b-tree on (permit, epoch): what it saves the
# query and what it costs every merge (sourced by bench.sh, which
# provides the helpers; log_scans comes from log.sh).
N_CL=${N_CL:-1000000}
# Holders, each seen once per place: N_CL / P_CL places, a day apart.
P_CL=${P_CL:-100000}
# Copied cards: the first K_CL holders seen again 20 minutes after their
# first sighting, at a post 900 km away.
K_CL=${K_CL:-100}

# Places across Indonesia, a reporter each: lat,lon.
_cl_places="-6.2088,106.8456 -8.6705,115.2126 -7.2575,112.7521 3.5952,98.6722 -5.1477,119.4327 -0.0263,109.3425 -2.9761,104.7754 1.4748,124.8421 -3.6954,128.1814 -2.5337,140.7181"

# clones_rss CMD...: peak resident memory of CMD in MB (its exit status
# other than 0 or 1 is a failure).
clones_rss() {
	/usr/bin/time -f %M -o "$work/clones/rss" "$@" > /dev/null 2>&1 || :
	tail -n 1 "$work/clones/rss" | awk '{ printf "%.1f", $1 / 1024 }'
}

secs2() { awk -v t="$1" 'BEGIN { printf "%.2f", t }'; }

# clones_found DB: the number of pairs --clones finds (its exit status
# must say found).
clones_found() {
	_rc=0
	report-log -d "$1" --clones > "$work/clones/found.tsv" || _rc=$?
	[ $_rc -eq 1 ] || echo "  FAILED: --clones exit $_rc, not 1" >&2
	awk -F '\t' 'NR > 1 { print $1 }' "$work/clones/found.tsv" | sort -u | wc -l
}

bench_clones() {
	. "$top/tests/pg.sh"
	d="$work/clones"
	mkdir -p "$d"
	n_places=$((N_CL / P_CL))
	echo "== report-log --clones: $N_CL sightings of $P_CL permits at $n_places places, $K_CL copied cards injected, median of $RUNS"

	# The log as the tools make it: a day's scans at each place piped
	# into report-log, then the copies.
	t0=$(now)
	c=0
	for at in $_cl_places; do
		[ $c -lt "$n_places" ] || break
		log_scans "$P_CL" "$P_CL" $((c * 104729)) |
			report-log -d "$d/s.db" --reporter "T$c" --reporter-kind officer \
				--place "Pos $c" --at "$at" --checkpoint-every 0 \
				--time "2026-03-$(printf %02d $((c + 1)))T09:00:00+07:00" > /dev/null
		c=$((c + 1))
	done
	# The holders seen first at place 0 (Jakarta) on day 1: of record i
	# of that run, holder (i * 7919) mod P + 1; the copies of holders 1 to
	# K_CL, 20 minutes later in Denpasar.
	log_scans "$K_CL" "$K_CL" 0 |
		report-log -d "$d/s.db" --reporter T-COPY --reporter-kind officer \
			--place Copy --at -8.6705,115.2126 --checkpoint-every 0 \
			--time 2026-03-01T09:20:00+07:00 > /dev/null
	t1=$(now)
	n=$(sqlite3 "$d/s.db" 'SELECT count(*) FROM sighting')
	echo "  log made: $n sightings by report-log appends ($(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s)"

	found=$(clones_found "$d/s.db")
	[ "$found" -eq "$K_CL" ] && ok=ok || ok="FAILED, wanted $K_CL"
	ts=$(time_runs sh -c "report-log -d '$d/s.db' --clones > /dev/null; [ \$? -eq 1 ]")
	ms=$(clones_rss report-log -d "$d/s.db" --clones)
	tn=$(time_runs sh -c "report-log -d '$d/s.db' --clones --since 2026-03-01 --until 2026-03-01 > /dev/null; [ \$? -eq 1 ]")
	echo "  SQLite:     $found pairs found ($ok); whole command $(secs2 "$ts") s, peak RSS $ms MB; one day (--since, --until): $(secs2 "$tn") s"

	chmod 755 "$work"
	pg_start "$d" || { echo "  FAILED: postgres does not start"; return; }
	trap 'pg_stop; rm -rf "$work"' EXIT
	trap 'exit 2' INT TERM HUP PIPE
	pc="host=$PGHOST port=$PGPORT dbname=cl"
	"$_pg_bin/createdb" cl
	t0=$(now)
	report-log -d "$pc" --merge "$d/s.db" --enrol-new > /dev/null
	t1=$(now)
	tm=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
	"$_pg_bin/psql" -X -q -d cl -c "VACUUM ANALYZE izin.sighting"
	found=$(clones_found "$pc")
	[ "$found" -eq "$K_CL" ] && ok=ok || ok="FAILED, wanted $K_CL"
	tp=$(time_runs sh -c "report-log -d '$pc' --clones > /dev/null; [ \$? -eq 1 ]")
	mp=$(clones_rss report-log -d "$pc" --clones)
	tn=$(time_runs sh -c "report-log -d '$pc' --clones --since 2026-03-01 --until 2026-03-01 > /dev/null; [ \$? -eq 1 ]")
	plan=$("$_pg_bin/psql" -X -At -d cl -c "EXPLAIN SELECT * FROM izin.sighting WHERE permit > '' AND epoch BETWEEN 0 AND 9999999999 AND lat <> '' AND lon <> '' ORDER BY permit, epoch, seq" | grep -o 'Sort\|Merge Append\|Index Scan[a-z0-9_ ]*\|Seq Scan' | sort -u | tr '\n' ',')
	echo "  PostgreSQL: $found pairs found ($ok); whole command $(secs2 "$tp") s, peak RSS $mp MB (client); one day: $(secs2 "$tn") s; plan: $plan"
	echo "  merge of the $n sightings into the centre: $tm s"

	# The alternative: a b-tree on (permit, epoch, seq), what it saves
	# the query and what it costs the merge.
	"$_pg_bin/psql" -X -q -d cl -c "CREATE INDEX sighting_permit_epoch ON izin.sighting(permit, epoch, seq)" -c "ANALYZE izin.sighting"
	ti=$(time_runs sh -c "report-log -d '$pc' --clones > /dev/null; [ \$? -eq 1 ]")
	plan=$("$_pg_bin/psql" -X -At -d cl -c "EXPLAIN SELECT * FROM izin.sighting WHERE permit > '' AND epoch BETWEEN 0 AND 9999999999 AND lat <> '' AND lon <> '' ORDER BY permit, epoch, seq" | grep -o 'Sort\|Merge Append\|Index Scan[a-z0-9_ ]*\|Seq Scan' | sort -u | tr '\n' ',')
	"$_pg_bin/createdb" cl2
	report-log -d "host=$PGHOST port=$PGPORT dbname=cl2" --enrol /dev/null > /dev/null 2>&1
	"$_pg_bin/psql" -X -q -d cl2 -c "CREATE INDEX sighting_permit_epoch ON izin.sighting(permit, epoch, seq)"
	t0=$(now)
	report-log -d "host=$PGHOST port=$PGPORT dbname=cl2" --merge "$d/s.db" --enrol-new > /dev/null
	t1=$(now)
	echo "  with a b-tree (permit, epoch, seq): --clones $(secs2 "$ti") s (plan: $plan); merge $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }') s against $tm s without"
	pg_stop
}
