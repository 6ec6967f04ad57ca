#!/bin/sh
# report-log on PostgreSQL (lib/log_pg.c), against a real throwaway server
# (tests/pg.sh): every mode byte for byte as SQLite answers it, merges
# between the engines, refusals, passwords kept out of messages, 16
# merges at once into a fresh database, kill -9 mid-merge, the roles of
# examples/centre-roles.sql, and an older tool meeting a newer schema.
# Device keys and checkpoints: enrolment, a centre that holds a device's
# checkpoint refusing its log cut after it, a replayed older log leaving
# the newer checkpoint, and what a device role may write of them.
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
# a fresh centre knows no device: each is enrolled with the key its log
# holds as it is first merged
expect 1 "an unknown device is refused" report-log -d "$pc" --merge dev1.db
has err.txt "dev1.db: device $(devid dev1.db): unknown device" "the refusal names the device"
check "nothing written" [ "$(rows centre)" -eq 0 ]
expect 0 "merge a device log into PostgreSQL" report-log -d "$pc" --merge dev1.db --enrol-new
has out.txt "dev1.db: 180 sightings merged" "every sighting merged"
expect 0 "merge a second device" report-log -d "$pc" --merge dev2.db --enrol-new
expect 0 "merge again" report-log -d "$pc" --merge dev1.db
has out.txt "dev1.db: 0 sightings merged" "merging again adds nothing"
check "centre holds each sighting once" [ "$(rows centre)" -eq 330 ]
check "a partition per month" [ "$(q -d centre -c "SELECT count(*) FROM pg_inherits WHERE inhparent = 'izin.sighting'::regclass")" -eq 3 ]
check "schema version row" [ "$(q -d centre -c 'SELECT app, version FROM izin.version')" = "izin|2" ]
check "both devices enrolled" [ "$(q -d centre -c 'SELECT count(*) FROM izin.device_key')" -eq 2 ]
for db in dev1.db dev2.db dev1.db; do
	report-log -d c.db --merge $db --enrol-new > /dev/null
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
same --checkpoints
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
# (the centre's own appends carry no key: it signs only with --key)
expect 0 "merge PostgreSQL into PostgreSQL" report-log -d "$pc2" --merge "$pc" --enrol-new
expect 0 "merge PostgreSQL into SQLite" report-log -d back.db --merge "$pc" --enrol-new
report-log -d "$pc" --export > a.out
report-log -d "$pc2" --export > b.out
report-log -d back.db --export > c.out
check "PostgreSQL to PostgreSQL: the same export" cmp -s a.out b.out
check "PostgreSQL to SQLite: the same export" cmp -s a.out c.out
expect 0 "merge PostgreSQL into PostgreSQL again" report-log -d "$pc2" --merge "$pc" --enrol-new
has out.txt ": 0 sightings merged" "again adds nothing"

# a tampered device log is refused whole, and nothing is written
cp dev1.db bad.db
cp dev1.db.key bad.db.key
device bad.db 10 4 T01
sqlite3 bad.db "UPDATE sighting SET place = 'Elsewhere' WHERE seq = 185"
expect 1 "a tampered device log is refused" report-log -d "$pc" --merge bad.db
has err.txt "bad.db: seq 185: altered" "the refusal names the sighting"
check "nothing written" [ "$(rows centre)" -eq 335 ]

# --verify on PostgreSQL catches a row altered with psql
q -d centre2 -c "UPDATE izin.sighting SET place = 'X' WHERE seq = 7"
expect 1 "--verify catches a row altered with psql" report-log -d "$pc2" --verify
has out.txt "seq 7: altered" "--verify names it"

# checkpoints: a centre that took a device's checkpoint refuses the
# device's log cut after it, even with its head rewritten to match
pg_db cpc > /dev/null
pcc="host=$PGHOST dbname=cpc"
device devc.db 20 6 T06
cp devc.db old.db
scans 20 40 64 | report-log -d devc.db --reporter T06 --reporter-kind officer \
	--time 2026-04-16T08:30:00+07:00 > /dev/null
dc=$(devid devc.db)
expect 0 "merge a signed device log" report-log -d "$pcc" --merge devc.db --enrol-new
report-log -d devc.db --checkpoints > dev-cps.txt
report-log -d "$pcc" --checkpoints > cps1.txt
check "the centre holds the device's newest checkpoint" [ "$(cut -d ' ' -f 1-3 cps1.txt)" = "izin-checkpoint $dc 80" ]
check "the same line as the device holds" cmp -s dev-cps.txt cps1.txt
# the last sighting deleted, the head set to the one before it, and the
# checkpoint row deleted (cut1) or set back to the older copy's (cut2)
cut_tail() {
	cp devc.db "$1"
	sqlite3 "$1" "DELETE FROM sighting WHERE seq = (SELECT max(seq) FROM sighting);
		UPDATE head SET dseq = s.dseq, seq = s.seq, hash = s.hash
		FROM (SELECT dseq, seq, hash FROM sighting ORDER BY seq DESC LIMIT 1) s;
		DELETE FROM checkpoint; $2"
}
cut_tail cut1.db ""
cut_tail cut2.db "ATTACH 'old.db' AS o; INSERT INTO checkpoint SELECT * FROM o.checkpoint;"
expect 0 "the cut log verifies on its own" report-log -d cut1.db --verify
check "the set-back checkpoint is the older copy's" [ "$(report-log -d cut2.db --checkpoints | cut -d ' ' -f 3)" -eq 60 ]
n=$(rows cpc)
for c in cut1 cut2; do
	expect 1 "$c: a tail cut after the centre's checkpoint is refused" report-log -d "$pcc" --merge $c.db
	has err.txt "^report-log: $c.db: device $dc: dseq 80: cut tail.*: merge refused, nothing written\$" "$c: the refusal names the device and the dseq"
	report-log -d "$pcc" --checkpoints > cps2.txt
	check "$c: the centre's checkpoint stays" cmp -s cps1.txt cps2.txt
done
check "nothing of them written" [ "$(rows cpc)" -eq "$n" ]
# a copy of the log from before its last run: its chain ends before the
# centre's checkpoint too, and it never puts its older checkpoint back
expect 1 "a replayed older log is refused" report-log -d "$pcc" --merge old.db
has err.txt "old.db: device $dc: dseq 80: cut tail" "it is named as a cut tail"
report-log -d "$pcc" --checkpoints > cps2.txt
check "a replayed older log does not replace the newer checkpoint" cmp -s cps1.txt cps2.txt
# the whole log carrying the older checkpoint merges, and the centre
# keeps the newer one
cp devc.db older-cp.db
sqlite3 older-cp.db "DELETE FROM checkpoint; ATTACH 'old.db' AS o; INSERT INTO checkpoint SELECT * FROM o.checkpoint;"
expect 0 "the whole log with an older checkpoint merges" report-log -d "$pcc" --merge older-cp.db
has out.txt "older-cp.db: 0 sightings merged" "nothing new in it"
report-log -d "$pcc" --checkpoints > cps2.txt
check "the older checkpoint does not replace the newer" cmp -s cps1.txt cps2.txt
# a rewritten sighting at the checkpoint
cp devc.db rew.db
sqlite3 rew.db "UPDATE sighting SET place = 'Elsewhere' WHERE dseq = 80"
expect 1 "a sighting altered at the checkpoint is refused" report-log -d "$pcc" --merge rew.db
has err.txt "rew.db: seq 80: altered" "the refusal names the sighting"
# another key for an enrolled device
cp devc.db other-key.db
rm -f other-key.db.key
sqlite3 other-key.db "DELETE FROM device_key; DELETE FROM checkpoint"
scans 3 40 65 | report-log -d other-key.db --reporter T06 --reporter-kind officer \
	--time 2026-04-17T08:30:00+07:00 > /dev/null 2>&1
report-log -d other-key.db --device-key > other-key.dev
check "a second key made for the device" [ "$(cut -d ' ' -f 2 other-key.dev)" = "$dc" ]
expect 1 "enrolling another key for a device is refused" report-log -d "$pcc" --enrol other-key.dev
report-log -d devc.db --device-key > devc.dev
expect 0 "enrolling the same key again is fine" report-log -d "$pcc" --enrol devc.dev
check "the centre keeps the first key" [ "$(q -d cpc -c "SELECT encode(pk, 'base64') FROM izin.device_key WHERE device = '$dc'")" = "$(cut -d ' ' -f 3 devc.dev)" ]

# a centre signs its own appends only when given a key; a run after an
# unsigned one looks back along the chain (through izin.device_rows) to
# the checkpoint, and a signer refuses to sign over a cut chain
pg_db own > /dev/null
po="host=$PGHOST dbname=own"
app() {
	_s=$1; shift
	scans 2 40 "$_s" | report-log -d "$po" --reporter DESK \
		--reporter-kind company --time "2026-03-30T09:00:0${_s}Z" "$@"
}
app 1 > /dev/null
check "no key, no checkpoint" [ -z "$(report-log -d "$po" --checkpoints)" ]
expect 0 "an append to PostgreSQL signed with --key" app 2 --key own.key
check "the key made in the file --key names" [ -f own.key ]
report-log -d "$po" --checkpoints > own.cp
check "a checkpoint of the centre's own chain" [ "$(cut -d ' ' -f 3 own.cp)" -eq 4 ]
report-log -d "$po" --device-key > own.dev
check "with the key made" [ "$(cut -d ' ' -f 2 own.dev)" = "$(cut -d ' ' -f 2 own.cp)" ]
app 3 > /dev/null
expect 0 "signed again after an unsigned run" app 4 --key own.key
check "the checkpoint moved on" [ "$(report-log -d "$po" --checkpoints | cut -d ' ' -f 3)" -eq 8 ]
q -d own -c "DELETE FROM izin.sighting WHERE seq = 8; UPDATE izin.head h SET dseq = s.dseq, seq = s.seq, hash = s.hash FROM izin.sighting s WHERE s.seq = 7 AND h.device = s.device"
expect 1 "--verify finds a centre's own chain cut with psql" report-log -d "$po" --verify
has out.txt "dseq 8: cut tail" "it names the checkpoint's dseq"
expect 2 "a signer will not sign over the cut chain" app 5 --key own.key
has err.txt "dseq 8: the chain was cut" "it says why"
check "nothing of it written" [ "$(q -d own -c 'SELECT count(*) FROM izin.sighting')" -eq 7 ]

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
	( report-log -d "$pf" --merge "d$i.db" --enrol-new > "m$i.out" 2>&1; echo $? > "m$i.rc" ) &
done
wait
check "$M concurrent merges all succeed" [ "$(cat m*.rc | sort -u)" = 0 ]
grep -h -v "sightings merged" m*.out | head -n 3 | sed "s/^/# /"
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
report-log -d "$pk" --merge dev1.db --enrol-new > /dev/null
for k in 1 2 3; do
	report-log -d "$pk" --merge big.db --enrol-new > /dev/null 2>&1 &
	pid=$!
	sleep "$(awk -v s="$k$$" 'BEGIN { srand(s); printf "0.%02d", 2 + rand() * 28 }')"
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	n=$(rows killed)
	check "kill -9 $k: all or nothing ($n)" [ "$n" -eq 180 -o "$n" -eq $all ]
done
expect 0 "merge rerun after kill -9" report-log -d "$pk" --merge big.db --enrol-new
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

# roles and checkpoints: a device role stores its own device's checkpoint
# and no other device's, and cannot enrol a key; an office enrols
d1=$(devid dev1.db) d2=$(devid dev2.db)
report-log -d "$pc" --checkpoints > cps.txt
report-log -d dev1.db --checkpoints > d1.cp
check "a device role stored its own checkpoint" [ "$(grep " $d1 " cps.txt)" = "$(cat d1.cp)" ]
expect 0 "an analyst reads the checkpoints" report-log -d "$pc user=ana" --checkpoints
check "every one of them" cmp -s out.txt cps.txt
cp2() { q -d centre -c "SELECT dseq, encode(sig, 'hex') FROM izin.checkpoint WHERE device = '$d2'"; }
before=$(cp2)
check "the centre holds the other device's checkpoint" [ -n "$before" ]
q -d centre -U dev1 -c "INSERT INTO izin.checkpoint VALUES ('$d2', 1, '\\x00', 0, '\\x00') ON CONFLICT (device) DO UPDATE SET dseq = 1" > role.out 2>&1
check "a device role cannot write another device's checkpoint" grep -q "row-level security" role.out
q -d centre -U dev1 -c "UPDATE izin.checkpoint SET dseq = 1 WHERE device = '$d2'" > role.out 2>&1
check "nor change it (its row is not even seen)" [ "$(cp2)" = "$before" ]
q -d centre -U dev1 -c "INSERT INTO izin.checkpoint VALUES ('ffffffffffffffff', 1, '\\x00', 0, '\\x00')" > role.out 2>&1
check "nor write one of a device it is not" grep -q "row-level security" role.out
q -d centre -U dev1 -c "INSERT INTO izin.device_key VALUES ('ffffffffffffffff', '\\x00')" > role.out 2>&1
check "a device role cannot insert a device key" grep -q "permission denied" role.out
q -d centre -U dev1 -c "UPDATE izin.device_key SET pk = pk WHERE device = '$d1'" > role.out 2>&1
check "nor update its own" grep -q "permission denied" role.out
scans 20 40 81 | report-log -d dev3.db --reporter T03 --reporter-kind officer \
	--time 2026-03-21T08:30:00+07:00 > /dev/null
d3=$(devid dev3.db)
report-log -d dev3.db --device-key > dev3.dev
q -d centre -c "CREATE ROLE dev3 LOGIN IN ROLE izin_device; CREATE ROLE off LOGIN IN ROLE izin_office; INSERT INTO izin.device_role VALUES ('dev3', '$d3')"
n=$(rows centre)
expect 2 "a device role cannot enrol its device in a merge" report-log -d "$pc user=dev3" --merge dev3.db --enrol-new
has err.txt "permission denied for table device_key" "the refusal says why"
expect 2 "nor with --enrol" report-log -d "$pc user=dev3" --enrol dev3.dev
check "nothing of it written" [ "$(rows centre)" -eq "$n" ]
expect 0 "an office enrols a device" report-log -d "$pc user=off" --enrol dev3.dev
expect 0 "the device's role then merges its log" report-log -d "$pc user=dev3" --merge dev3.db
has out.txt "dev3.db: 20 sightings merged" "every sighting of it"
check "and its checkpoint is stored" [ "$(report-log -d "$pc" --checkpoints | grep " $d3 ")" = "$(report-log -d dev3.db --checkpoints)" ]

# a centre of version 1 (before device keys): read as it is, with no
# checkpoints; a device role cannot migrate it; its owner's first write
# does, under the writer's lock
pg_db v1 > /dev/null
p1="host=$PGHOST dbname=v1"
report-log -d "$p1" --merge dev2.db --enrol-new > /dev/null
q -d v1 -f "$top/examples/centre-roles.sql" > /dev/null 2>&1
q -d v1 -c "DROP TABLE izin.device_key, izin.checkpoint; UPDATE izin.version SET version = 1; CREATE ROLE dev2 LOGIN IN ROLE izin_device; INSERT INTO izin.device_role VALUES ('dev2', '$d2')"
q -d v1 -f "$top/examples/centre-roles.sql" > /dev/null 2>&1
check "centre-roles.sql refuses a version 1 schema" [ $? -ne 0 ]
expect 0 "a version 1 centre lists no checkpoints" report-log -d "$p1" --checkpoints
check "none" [ ! -s out.txt ]
expect 0 "a version 1 centre verifies" report-log -d "$p1" --verify
check "reading leaves it at version 1" [ "$(q -d v1 -c 'SELECT version FROM izin.version')" -eq 1 ]
expect 2 "a device role cannot migrate it" report-log -d "$p1 user=dev2" --merge dev2.db
has err.txt "permission denied for schema izin" "the refusal says why"
expect 0 "its owner's merge migrates it" report-log -d "$p1" --merge dev2.db --enrol-new
check "now version 2" [ "$(q -d v1 -c 'SELECT version FROM izin.version')" -eq 2 ]
report-log -d "$p1" --checkpoints > v1.cp
check "holding the device's checkpoint" [ "$(cat v1.cp)" = "$(report-log -d dev2.db --checkpoints)" ]

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
