#!/bin/sh
# report-log on PostgreSQL (lib/log_pg.c), against a real throwaway server
# (tests/pg.sh): every mode byte for byte as SQLite answers it, merges
# between the engines, refusals, passwords kept out of messages, 16
# merges at once into a fresh database, kill -9 mid-merge, the roles of
# examples/centre-roles.sql, and an older tool meeting a newer schema.
. "$(dirname "$0")/lib.sh"
. "$top/tests/pg.sh"
trap 'pg_stop; rm -rf "$tmp"' EXIT
pg_start "$tmp" || { bad "postgres starts"; exit 1; }
ok "postgres starts"

q() { psql -X -q -A -t -v ON_ERROR_STOP=1 "$@"; }
rows() { q -d "$1" -c 'SELECT count(*) FROM izin.sighting'; }
devid() { sqlite3 "$1" "SELECT value FROM meta WHERE key = 'device'"; }

# N scan records over P permits, from seed S; every 17th has no permit
scans() {
	awk -v n="$1" -v p="$2" -v s="$3" 'BEGIN {
		OFS = "\t"; srand(s)
		print "source", "status", "permit", "name", "valid_until", "text"
		for (i = 1; i <= n; i++) {
			k = int(rand() * p) + 1
			print "cam/" i ".jpg", "VALID",
			    (i % 17 == 0 ? "" : sprintf("2C11JB%06d-K", k)),
			    "Holder " k, "2027-01-01", (i % 17 == 0 ? "note " i : "")
		}
	}'
}
# a device log: name, records per batch, seed, reporter
device() {
	for m in 01 02 03; do
		scans "$2" 40 "$3$m" | report-log -d "$1" --reporter "$4" \
			--reporter-kind officer --place "Pos $4" --at -7.1,112.2 \
			--time 2026-$m-1${3}T08:30:00+07:00 > /dev/null || return 1
	done
}

device dev1.db 60 1 T01 && device dev2.db 40 2 T02 &&
	scans 30 40 9 | report-log -d dev2.db --reporter "Hotel Melati" \
		--reporter-kind hotel --time 2026-02-20T23:30:00-05:00 > /dev/null
check "device logs made" [ "$(sqlite3 dev2.db 'SELECT count(*) FROM sighting')" -eq 150 ]

pc=$(pg_db centre)
expect 0 "merge a device log into PostgreSQL" report-log -d "$pc" --merge dev1.db
has out.txt "dev1.db: 180 sightings merged" "every sighting merged"
expect 0 "merge a second device" report-log -d "$pc" --merge dev2.db
expect 0 "merge again" report-log -d "$pc" --merge dev1.db
has out.txt "dev1.db: 0 sightings merged" "merging again adds nothing"
check "centre holds each sighting once" [ "$(rows centre)" -eq 330 ]
check "a partition per month" [ "$(q -d centre -c "SELECT count(*) FROM pg_inherits WHERE inhparent = 'izin.sighting'::regclass")" -eq 3 ]
check "schema version row" [ "$(q -d centre -c 'SELECT app, version FROM izin.version')" = "izin|1" ]
for db in dev1.db dev2.db dev1.db; do
	report-log -d c.db --merge $db > /dev/null
done
check "the same merges into SQLite" [ "$(sqlite3 c.db 'SELECT count(*) FROM sighting')" -eq 330 ]

p=$(sqlite3 c.db "SELECT permit FROM sighting WHERE permit > '' GROUP BY permit ORDER BY count(*) DESC LIMIT 1")
same() {
	report-log -d c.db "$@" > sq.out 2>&1; a=$?
	report-log -d "$pc" "$@" > pg.out 2>&1; b=$?
	if [ $a -eq 0 ] && [ $b -eq 0 ] && cmp -s sq.out pg.out; then
		ok "same output: $*"
	else
		bad "same output: $* (exit $a, $b)"; diff sq.out pg.out | head -n 5 | sed 's/^/# /'
	fi
}
same --export
same --export --json
same --export --csv --after 100 --since 2026-02-01 --until 2026-03-15
same --trail "$p"
same --trail "$p" --since 2026-02-01 --json
same --last-seen
same --last-seen --until 2026-02-15 --csv
same --last-seen --permit "$p"
check "the export is not empty" [ "$(wc -l < sq.out)" -gt 1 ]

# appends straight to each, at the same instant: the same records and seqs
# (the device column and the hashes over it are each log's own)
scans 5 40 7 > app.tsv
report-log -d c.db --reporter DESK --reporter-kind company \
	--time 2026-03-30T09:00:00Z < app.tsv | cut -f1-7,9- > app-sq.out
report-log -d "$pc" --reporter DESK --reporter-kind company \
	--time 2026-03-30T09:00:00Z < app.tsv | cut -f1-7,9- > app-pg.out
check "append echoes the same records and seqs" cmp -s app-sq.out app-pg.out
check "append echoes seqs 331 to 335" [ "$(cut -f7 app-pg.out | tr '\n' ' ')" = "seq 331 332 333 334 335 " ]
expect 0 "--verify on PostgreSQL" report-log -d "$pc" --verify
has out.txt "dbname=centre: 335 sightings, every chain verified" "--verify counts every sighting"

# PostgreSQL to PostgreSQL, and back to SQLite
pc2=$(pg_db centre2)
expect 0 "merge PostgreSQL into PostgreSQL" report-log -d "$pc2" --merge "$pc"
expect 0 "merge PostgreSQL into SQLite" report-log -d back.db --merge "$pc"
report-log -d "$pc" --export > a.out
report-log -d "$pc2" --export > b.out
report-log -d back.db --export > c.out
check "PostgreSQL to PostgreSQL: the same export" cmp -s a.out b.out
check "PostgreSQL to SQLite: the same export" cmp -s a.out c.out
expect 0 "merge PostgreSQL into PostgreSQL again" report-log -d "$pc2" --merge "$pc"
has out.txt ": 0 sightings merged" "again adds nothing"

# a tampered device log is refused whole, and nothing is written
cp dev1.db bad.db
device bad.db 10 4 T01
sqlite3 bad.db "UPDATE sighting SET place = 'Elsewhere' WHERE seq = 185"
expect 1 "a tampered device log is refused" report-log -d "$pc" --merge bad.db
has err.txt "bad.db: seq 185: altered" "the refusal names the sighting"
check "nothing written" [ "$(rows centre)" -eq 335 ]

# --verify on PostgreSQL catches a row altered with psql
q -d centre2 -c "UPDATE izin.sighting SET place = 'X' WHERE seq = 7"
expect 1 "--verify catches a row altered with psql" report-log -d "$pc2" --verify
has out.txt "seq 7: altered" "--verify names it"

# passwords never shown
expect 2 "a URI with a password to a missing database" report-log -d "postgresql://izin:secret@/nosuch?host=$PGHOST" --verify
check "the password is not in the message" [ "$(grep -c secret err.txt)" -eq 0 ]
has err.txt "postgresql://izin:\*\*\*@/nosuch" "the location shown with *** for the password"
expect 2 "a keyword password to a missing database" report-log -d "host=$PGHOST dbname=nosuch password=secret" --merge "postgresql://u:secret@/x?host=$PGHOST"
check "no password in a merge's messages" [ "$(grep -c secret err.txt)" -eq 0 ]
expect 2 "a file name with = stays a file" report-log -d ./host=x.db --verify
has err.txt "./host=x.db: No such file" "./host=x.db is a missing file"

# M merges at once into a fresh database: each device once, no deadlock
# (16; 4 under valgrind, which runs each one some thirty times slower)
M=$(scale 16 4)
pg_db fresh > /dev/null
pf="host=$PGHOST dbname=fresh"
for i in $(seq 1 "$M"); do
	scans 200 50 "3$i" | report-log -d "d$i.db" --reporter "D$i" \
		--reporter-kind officer --time "2026-0$((i % 3 + 1))-05T10:00:00Z" > /dev/null
done
for i in $(seq 1 "$M"); do
	( report-log -d "$pf" --merge "d$i.db" > "m$i.out" 2>&1; echo $? > "m$i.rc" ) &
done
wait
check "$M concurrent merges all succeed" [ "$(cat m*.rc | sort -u)" = 0 ]
grep -h -i deadlock m*.out | head -n 3 | sed 's/^/# /'
check "$M x 200 sightings, each once" [ "$(rows fresh)" -eq $((M * 200)) ]
check "seqs 1..$((M * 200)), no gap" [ "$(q -d fresh -c 'SELECT min(seq), max(seq), count(DISTINCT seq) FROM izin.sighting')" = "1|$((M * 200))|$((M * 200))" ]
expect 0 "--verify after $M concurrent merges" report-log -d "$pf" --verify

# kill -9 mid-merge, three times, then the merge run again
N=$(scale 50000 2000)
scans "$N" 5000 77 | report-log -d big.db --reporter BIG --reporter-kind officer --time 2026-01-09T10:00:00Z > /dev/null
scans "$N" 5000 78 | report-log -d big.db --reporter BIG --reporter-kind officer --time 2026-02-09T10:00:00Z > /dev/null
all=$((180 + 2 * N))
pg_db killed > /dev/null
pk="host=$PGHOST dbname=killed"
report-log -d "$pk" --merge dev1.db > /dev/null
for k in 1 2 3; do
	report-log -d "$pk" --merge big.db > /dev/null 2>&1 &
	pid=$!
	sleep "$(awk -v s="$k$$" 'BEGIN { srand(s); printf "0.%02d", 2 + rand() * 28 }')"
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	n=$(rows killed)
	check "kill -9 $k: all or nothing ($n)" [ "$n" -eq 180 -o "$n" -eq $all ]
done
expect 0 "merge rerun after kill -9" report-log -d "$pk" --merge big.db
check "exact count after kill -9 and rerun" [ "$(rows killed)" -eq $all ]
check "seqs gapless after kill -9" [ "$(q -d killed -c 'SELECT max(seq), count(DISTINCT seq) FROM izin.sighting')" = "$all|$all" ]
expect 0 "--verify after kill -9" report-log -d "$pk" --verify

# roles: a device role merges its own log only, and cannot rewrite
q -d centre -f "$top/examples/centre-roles.sql" > roles.out 2>&1
check "centre-roles.sql runs" [ $? -eq 0 ]
q -d centre -f "$top/examples/centre-roles.sql" > /dev/null 2>&1
check "centre-roles.sql runs again" [ $? -eq 0 ]
q -d centre -c "CREATE ROLE dev1 LOGIN IN ROLE izin_device; CREATE ROLE ana LOGIN IN ROLE izin_analyst; INSERT INTO izin.device_role VALUES ('dev1', '$(devid dev1.db)')"
device dev1.db 5 5 T01
expect 0 "a device role merges its own log" report-log -d "$pc user=dev1" --merge dev1.db
has out.txt "dev1.db: 15 sightings merged" "its new sightings only"
expect 0 "a device role merges its own log again" report-log -d "$pc user=dev1" --merge dev1.db
q -d centre -U dev1 -c "UPDATE izin.sighting SET place = 'X'" > role.out 2>&1
check "a device role cannot UPDATE a sighting" grep -q "permission denied" role.out
q -d centre -U dev1 -c "DELETE FROM izin.sighting" > role.out 2>&1
check "a device role cannot DELETE a sighting" grep -q "permission denied" role.out
q -d centre -U dev1 -c "SELECT count(*) FROM izin.sighting" > role.out 2>&1
check "a device role cannot read the sightings" grep -q "permission denied" role.out
device dev2.db 5 5 T02
expect 2 "a device role cannot merge another device's log" report-log -d "$pc user=dev1" --merge dev2.db
check "nothing of it written" [ "$(rows centre)" -eq 350 ]
expect 0 "an analyst verifies" report-log -d "$pc user=ana" --verify
expect 2 "an analyst cannot merge" report-log -d "$pc user=ana" --merge dev2.db

# an older tool refuses a newer schema, and a foreign schema is left alone
q -d centre2 -c "UPDATE izin.version SET version = 99"
expect 2 "a newer schema is refused" report-log -d "$pc2" --export
has err.txt "newer version" "the refusal says why"
expect 2 "and not written to" report-log -d "$pc2" --merge dev1.db
pg_db foreign > /dev/null
q -d foreign -c "CREATE SCHEMA izin; CREATE TABLE izin.stuff(x int)"
expect 2 "a foreign izin schema is refused" report-log -d "host=$PGHOST dbname=foreign" --merge dev1.db
has err.txt "not an izin log" "the refusal says why"
expect 2 "a database without a log, read" report-log -d "host=$PGHOST dbname=izin" --verify
done_testing
