#!/bin/sh
# The issued-permit register over the real binaries: qr-issue --register
# records every card it seals, qr-scan --register finds a card sealed
# with the office's key but never registered (UNREGISTERED), and a
# register that refuses a row leaves that card not issued, with no image.
# The same assertions run against an SQLite file ("sqlite: ...") and a
# throwaway PostgreSQL server ("pg: ...").
. "$(dirname "$0")/lib.sh"
. "$top/tests/pg.sh"
trap 'pg_stop; rm -rf "$tmp"' EXIT

cp "$data/test-office.key" "$data/test-office.pass" "$data/test-office.pub" .
chmod 600 test-office.key
key="-k test-office.key --passphrase-file test-office.pass"
mkdir trust && cp test-office.pub trust/
one="--kind ITAS --index E33G --name Ana --nationality BRA --passport FX1 --birth 1990-05-17 --sex F --issued 2026-03-01"

# column by header name of a TSV file
col() { awk -F'\t' -v c="$1" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) k = i; next } { print $k }' "$2"; }

# batch.csv: N permits; big.csv: more than one round of 2048 (under
# valgrind, one round: the sanitizer run takes the rounds)
N=$(scale 40 8)
BIG=$(scale 3000 100)
gen() {
	awk -v rows="$1" 'BEGIN {
		print "permit,kind,index,name,nationality,passport,birth,sex,issued,valid_until"
		for (i = 1; i <= rows; i++)
			printf "R%05d-K,ITAS,C312,Ana %d,BRA,FX%06d,1980-01-01,F,2026-03-01,2027-02-%02d\n", i, i, i, i % 28 + 1
	}'
}
gen "$N" > batch.csv
gen "$BIG" > big.csv

# register STORE LOCATION: every assertion that holds for any store.
# rows and refuse (store-specific) count the register's rows and make it
# refuse every new row.
register() {
	s=$1 loc=$2
	d=run-$s
	rm -rf "$d" && mkdir "$d"

	expect 0 "$s: a batch issued with --register" \
		qr-issue $key --batch batch.csv -d "$d/cards" --register "$loc"
	cp out.txt "$d/register.tsv"
	check "$s: $N records printed" [ "$(wc -l < "$d/register.tsv")" -eq $((N + 1)) ]
	check "$s: $N images written" [ "$(ls "$d/cards" | grep -c '\.png$')" -eq "$N" ]
	check "$s: the register holds $N rows" [ "$(rows "$loc")" = "$N" ]

	expect 0 "$s: every registered card is VALID" \
		qr-scan -T trust --register "$loc" "$d"/cards/*.png
	check "$s: $N VALID records" [ "$(col status out.txt | grep -cx VALID)" -eq "$N" ]

	# sealed with the office's own key, never registered: a stolen key
	qr-issue $key -o "$d/stolen.png" --permit Z00001-K $one \
		--valid-until 2027-03-01 > /dev/null
	expect 1 "$s: a card sealed but not registered fails" \
		qr-scan -T trust --register "$loc" "$d/stolen.png"
	check "$s: ... as UNREGISTERED" [ "$(col status out.txt)" = UNREGISTERED ]
	check "$s: ... not in the register" [ "$(col detail out.txt)" = "not in the register" ]
	expect 0 "$s: without --register the same card is VALID" \
		qr-scan -T trust "$d/stolen.png"

	# the same permit number, another payload: a forgery of a real card
	qr-issue $key -o "$d/forged.png" --permit R00001-K $one \
		--valid-until 2031-01-01 > /dev/null
	expect 1 "$s: another payload of a registered permit fails" \
		qr-scan -T trust --register "$loc" "$d/forged.png"
	check "$s: ... as UNREGISTERED" [ "$(col status out.txt)" = UNREGISTERED ]
	check "$s: ... the register holds other cards" [ "$(col detail out.txt)" = "the register holds other cards of this permit" ]

	# a card reissued under the same number: old and new both registered
	expect 0 "$s: a permit reissued with --register" \
		qr-issue $key -o "$d/reissued.png" --permit R00002-K $one \
		--valid-until 2029-01-01 --register "$loc"
	expect 0 "$s: the reissued card and the first one are both VALID" \
		qr-scan -T trust --register "$loc" "$d/reissued.png" "$d/cards/R00002-K.png"
	check "$s: ... two VALID records" [ "$(col status out.txt | grep -cx VALID)" -eq 2 ]
	check "$s: the register holds both cards of R00002-K" [ "$(rows "$loc")" = $((N + 1)) ]

	expect 0 "$s: registering the batch again (-f)" \
		qr-issue $key -f --batch batch.csv -d "$d/cards" --register "$loc"
	check "$s: ... adds no row" [ "$(rows "$loc")" = $((N + 1)) ]

	expect 0 "$s: a batch of more than one round (-t text)" \
		qr-issue $key -t text --batch big.csv -d "$d/big" --register "$loc"
	check "$s: ... every card registered once" [ "$(rows "$loc")" = $((N + 1 + BIG - N)) ]
	check "$s: ... $BIG records printed" [ "$(wc -l < out.txt)" -eq $((BIG + 1)) ]

	expect 0 "$s: a dry run with --register" \
		qr-issue $key -n --batch batch.csv --register "$loc"

	# a register that refuses rows: no card issued, no image left
	refuse "$loc"
	expect 2 "$s: a register that refuses rows fails the batch" \
		qr-issue $key --batch batch.csv -d "$d/refused" --register "$loc"
	check "$s: ... no image left behind" [ -z "$(ls -A "$d/refused")" ]
	check "$s: ... no register record printed" [ "$(grep -c 'R0' out.txt)" -eq 0 ]
	check "$s: ... every card named as not issued" [ "$(grep -c ': R[0-9]*-K not issued: register ' err.txt)" -eq "$N" ]
	has err.txt "^qr-issue: batch.csv:2: R00001-K not issued: register " "$s: ... with its file and line"
	expect 2 "$s: one permit the register refuses fails" \
		qr-issue $key -o "$d/one.png" --permit Z00002-K $one \
		--valid-until 2027-03-01 --register "$loc"
	check "$s: ... and leaves no image" [ ! -e "$d/one.png" ]
	check "$s: ... and no temporary file" [ -z "$(ls -A "$d" | grep -v '^cards$\|^big$\|^refused$\|\.png$\|\.tsv$')" ]
	expect 0 "$s: reading a register still works" \
		qr-scan -T trust --register "$loc" "$d/cards/R00003-K.png"
}

# ---- SQLite ----
rows() { sqlite3 "$1" 'SELECT count(*) FROM permits'; }
refuse() {
	sqlite3 "$1" "CREATE TRIGGER refuse BEFORE INSERT ON permits BEGIN SELECT RAISE(ABORT, 'register closed'); END"
}
register sqlite "$tmp/reg.db"

check "sqlite: the register is a log of schema version 3" [ "$(sqlite3 reg.db 'PRAGMA user_version')" = 3 ]
expect 2 "sqlite: qr-scan with a missing register fails" \
	qr-scan -T trust --register missing.db run-sqlite/cards/R00001-K.png
has err.txt "^qr-scan: register missing.db: No such file or directory" "sqlite: ... and says so"
check "sqlite: ... and does not make it" [ ! -e missing.db ]
mkdir regdir
expect 2 "sqlite: a folder as register fails qr-issue" \
	qr-issue $key --batch batch.csv -d run-sqlite/dir --register regdir
has err.txt "^qr-issue: register regdir: not a regular file" "sqlite: ... and says so"
check "sqlite: ... before any image is written" [ -z "$(ls -A run-sqlite/dir 2>/dev/null)" ]
expect 2 "sqlite: a folder as register fails qr-scan" \
	qr-scan -T trust --register regdir run-sqlite/cards/R00001-K.png
expect 2 "sqlite: --register with --raw contradicts" \
	qr-scan --raw --register reg.db run-sqlite/cards/R00001-K.png

# a log of version 1 (before the register): read as it is, every card
# unregistered; migrated when written
printf 'permit\tstatus\nR00001-K\tVALID\n' | report-log -d v1.db --reporter T07 \
	--reporter-kind officer --time 2026-03-01T10:00:00+07:00 > /dev/null
sqlite3 v1.db "DROP TABLE permits; DROP TABLE device_key; DROP TABLE checkpoint; PRAGMA user_version = 1" > /dev/null
expect 1 "sqlite: a version-1 log reads as an empty register" \
	qr-scan -T trust --register v1.db run-sqlite/cards/R00001-K.png
check "sqlite: ... UNREGISTERED" [ "$(col status out.txt)" = UNREGISTERED ]
check "sqlite: ... and stays at version 1" [ "$(sqlite3 v1.db 'PRAGMA user_version')" = 1 ]
expect 0 "sqlite: qr-issue --register migrates a version-1 log" \
	qr-issue $key -f -o run-sqlite/v1.png --permit Z00003-K $one \
	--valid-until 2027-03-01 --register v1.db
check "sqlite: ... to version 3" [ "$(sqlite3 v1.db 'PRAGMA user_version')" = 3 ]
expect 0 "sqlite: ... keeping its sightings" report-log -d v1.db --verify
expect 0 "sqlite: ... and the card registered is VALID" \
	qr-scan -T trust --register v1.db run-sqlite/v1.png

# ---- PostgreSQL ----
if pg_start "$tmp"; then
	psql="$_pg_bin/psql -X -q -A -t"
	rows() { $psql -d "$1" -c 'SELECT count(*) FROM izin.permits'; }
	refuse() {
		$psql -d "$1" -c "CREATE FUNCTION refuse() RETURNS trigger
			LANGUAGE plpgsql AS \$\$BEGIN
			RAISE EXCEPTION 'register closed'; END\$\$;
			CREATE TRIGGER refuse BEFORE INSERT ON izin.permits
			FOR EACH ROW EXECUTE FUNCTION refuse()"
	}
	register pg "$(pg_db reg)"

	expect 2 "pg: qr-scan with a missing database fails" \
		qr-scan -T trust --register "host=$PGHOST port=$PGPORT dbname=nosuch" \
		run-sqlite/cards/R00001-K.png
	check "pg: ... and says so" [ -s err.txt ]
	expect 2 "pg: qr-issue with a missing database fails" \
		qr-issue $key --batch batch.csv -d run-pg/nosuch --register \
		"host=$PGHOST port=$PGPORT dbname=nosuch"
	check "pg: ... before any image is written" [ -z "$(ls -A run-pg/nosuch 2>/dev/null)" ]
	# a location with a password, for a server that is not there
	secret="postgresql://izin:s3cr3t-pw@localhost:1/izin"
	expect 2 "pg: qr-scan with an unreachable server fails" \
		qr-scan -T trust --register "$secret" run-sqlite/cards/R00001-K.png
	check "pg: ... without showing the password" [ "$(grep -c s3cr3t-pw err.txt)" -eq 0 ]
	expect 2 "pg: qr-issue with an unreachable server fails" \
		qr-issue $key --batch batch.csv -d run-pg/secret --register "$secret"
	check "pg: ... without showing the password" [ "$(grep -c s3cr3t-pw err.txt)" -eq 0 ]
else
	bad "pg: a PostgreSQL server for the tests"
fi

done_testing
