#!/bin/sh
# The example scripts in examples/, run as a user would run them.
. "$(dirname "$0")/lib.sh"

ex="$top/examples"
# column N of a TSV file, by header name
col() { awk -F'\t' -v c="$1" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) k = i; next } { print $k }' "$2"; }
cp "$data/test-office.key" "$data/test-office.pass" "$data/test-office.pub" .
chmod 600 test-office.key
head -n 6 "$ex/permits.csv" > five.csv
printf '%s\n' 'X1,ITAS,E33G,Bad Date,NLD,P1,1985-02-30,M,2026-02-02,2026-02-02,2027-02-01,,' >> five.csv

# batch-issue.sh: dry run, then issue, register appended
expect 1 "batch-issue.sh issues the good rows of a batch with a bad one" \
	sh "$ex/batch-issue.sh" test-office.key five.csv office test-office.pass
has err.txt "five.csv:7: birth: invalid date" "the bad row is named (dry run)"
check "five cards written" [ "$(ls office/cards | wc -l)" -eq 5 ]
check "register holds five permits" [ "$(wc -l < office/register.tsv)" -eq 6 ]
head -n 1 "$ex/permits.csv" > more.csv
sed -n 7,8p "$ex/permits.csv" >> more.csv
expect 0 "a second day's batch" sh "$ex/batch-issue.sh" test-office.key more.csv office test-office.pass
check "register grows, one header" [ "$(wc -l < office/register.tsv)" -eq 8 ] && \
	[ "$(grep -c '^permit' office/register.tsv)" -eq 1 ]

# verify-folder.sh: the problems only
mkdir photos
cp office/cards/2C11JB0001-K.png photos/
convert-im6.q16 office/cards/2C11JB0002-K.png -rotate 10 -quality 60 photos/rotated.jpg
qrencode -o photos/foreign.png "https://example.com/"
convert-im6.q16 -size 200x200 xc:white photos/blank.png
expect 1 "verify-folder.sh lists the problems" sh "$ex/verify-folder.sh" test-office.pub photos
check "two problems listed" [ "$(wc -l < out.txt)" -eq 2 ]
has out.txt "foreign.png	FOREIGN" "the foreign code is listed"
has out.txt "blank.png	NO_CODE" "the blank photo is listed"
has err.txt "2 problem(s)" "the count is told"
rm photos/foreign.png photos/blank.png
expect 0 "a folder of good photos" sh "$ex/verify-folder.sh" test-office.pub photos
check "nothing listed" [ ! -s out.txt ]

# hotel-report.sh: a guest's card into the hotel's log
expect 0 "hotel-report.sh logs a guest's card" sh "$ex/hotel-report.sh" test-office.pub hotel.db \
	HOTEL-017 "Jl. Legian 77, Kuta" -8.71,115.17 office/cards/2C11JB0001-K.png
has out.txt "^2C11JB0001-K	Johannes Wilhelm van der Berg	VALID	" "the desk sees permit, name and status"
report-log -d hotel.db --export > hotel.tsv
has hotel.tsv "	HOTEL-017	hotel	" "the sighting is logged with reporter kind hotel"
qrencode -o web.png "https://example.com/"
expect 1 "a card that is not a permit needs a closer look" sh "$ex/hotel-report.sh" test-office.pub hotel.db \
	HOTEL-017 "Jl. Legian 77, Kuta" -8.71,115.17 web.png

# ship-to-centre.sh: incremental export and merge; the centre does not
# know the hotel's desk until it is enrolled
expect 1 "a device the centre does not know is refused" sh "$ex/ship-to-centre.sh" hotel.db central.db outbox
has err.txt "unknown device.*merge refused, nothing written" "the refusal says why"
rm -r outbox
expect 2 "a usage error" sh "$ex/ship-to-centre.sh" --enrol-new hotel.db central.db
expect 0 "first shipment, --enrol-new" sh "$ex/ship-to-centre.sh" --enrol-new hotel.db central.db outbox
check "first shipment holds both sightings" [ "$(wc -l < outbox/sightings-after-0.tsv)" -eq 3 ]
check "the last shipped seq is remembered" [ "$(cat outbox/last-seq)" = 2 ]
check "the shipment carries the device's checkpoint" [ "$(col checkpoint outbox/sightings-after-0.tsv | grep -c '^izin-checkpoint ')" -eq 1 ]
report-log -d central.db --export > c1.tsv
check "the centre holds both" [ "$(wc -l < c1.tsv)" -eq 3 ]
expect 0 "a second run with nothing new" sh "$ex/ship-to-centre.sh" hotel.db central.db outbox
has err.txt "nothing new after seq 2" "nothing new is said"
report-log -d central.db --export > c2.tsv
check "merging again duplicates nothing" cmp -s c1.tsv c2.tsv
sh "$ex/hotel-report.sh" test-office.pub hotel.db HOTEL-017 "Jl. Legian 77, Kuta" \
	-8.71,115.17 office/cards/2C11JB0002-K.png > /dev/null
expect 0 "a shipment of the new sighting only" sh "$ex/ship-to-centre.sh" hotel.db central.db outbox
check "only the new sighting is exported" [ "$(wc -l < outbox/sightings-after-2.tsv)" -eq 2 ]

# ship-to-centre.sh to a PostgreSQL centre, a throwaway server of our own
. "$top/tests/pg.sh"
pg_start "$tmp" || { bad "a throwaway PostgreSQL for ship-to-centre.sh"; exit 1; }
trap 'pg_stop; rm -rf "$tmp"' EXIT
pg=$(pg_db centre)
report-log -d hotel.db --device-key > hotel.dev
expect 0 "the PostgreSQL centre enrols the hotel's device line" report-log -d "$pg" --enrol hotel.dev
expect 0 "shipment to a PostgreSQL centre (host=... dbname=...)" \
	sh "$ex/ship-to-centre.sh" hotel.db "$pg" outbox-pg
has out.txt "hotel.db: 3 sightings merged" "the centre takes all three"
report-log -d "$pg" --export > pg1.tsv
check "the PostgreSQL centre holds them" [ "$(wc -l < pg1.tsv)" -eq 4 ]
report-log -d central.db --export > c3.tsv
check "the PostgreSQL centre exports what the file centre does, byte for byte" cmp -s c3.tsv pg1.tsv
uri="postgresql:///centre?host=$PGHOST&port=$PGPORT"
expect 0 "again, the centre named by a postgresql:// URI" \
	sh "$ex/ship-to-centre.sh" hotel.db "$uri" outbox-pg
has out.txt "hotel.db: 0 sightings merged" "nothing merged twice"
has err.txt "nothing new after seq 3" "nothing new is said"
report-log -d "$pg" --export > pg2.tsv
check "merging again duplicates nothing" cmp -s pg1.tsv pg2.tsv

sqlite3 hotel.db "UPDATE sighting SET place = 'Elsewhere' WHERE seq = 1;"
expect 1 "the centre refuses an altered log" sh "$ex/ship-to-centre.sh" hotel.db central.db outbox
expect 1 "the PostgreSQL centre refuses an altered log" sh "$ex/ship-to-centre.sh" hotel.db "$pg" outbox-pg
report-log -d "$pg" --export > pg3.tsv
check "nothing of the altered log is written" cmp -s pg1.tsv pg3.tsv

# cron-clones.sh: yesterday's copied cards, reported; an honest day is
# silent; trouble is reported and exits 2
y=$(TZ=UTC date -d yesterday +%Y-%m-%d)
old=$(TZ=UTC date -d '3 days ago' +%Y-%m-%d)
for s in "P-OLD T01 -6.2088,106.8456 $old 10:00:00" "P-OLD T02 -8.6705,115.2126 $old 10:05:00" \
    "P-COPY T01 -6.2088,106.8456 $y 10:00:00" "P-COPY T02 -8.6705,115.2126 $y 10:20:00" \
    "P-FLY T01 -6.2088,106.8456 $y 06:00:00" "P-FLY T03 -8.6705,115.2126 $y 09:00:00"; do
	set -- $s
	printf 'permit\tname\tstatus\n%s\tHolder\tVALID\n' "$1" |
	    report-log -d seen.db --reporter "$2" --reporter-kind officer --at "$3" \
	    --time "$4T$5Z" > /dev/null
done
expect 1 "cron-clones.sh reports yesterday's copied card" env TZ=UTC MAILTO= sh "$ex/cron-clones.sh" seen.db
has out.txt "^Subject: izin: copied cards seen on $y in seen.db$" "the subject names the day and the log"
has out.txt "^1	speed	962.2	2886.6	P-COPY	Holder	${y}T10:00:00Z	T01	officer		-6.2088	106.8456$" "the pair, Jakarta first"
has out.txt "^1	speed	962.2	2886.6	P-COPY	Holder	${y}T10:20:00Z	T02	officer		-8.6705	115.2126$" "then Denpasar"
check "only yesterday's copied card" [ "$(grep -c 'P-FLY\|P-OLD' out.txt)" -eq 0 ]
expect 0 "cron-clones.sh is silent when travel was honest" env TZ=UTC sh "$ex/cron-clones.sh" seen.db --permit P-FLY
check "nothing said" [ ! -s out.txt ]
expect 2 "cron-clones.sh reports trouble" env TZ=UTC sh "$ex/cron-clones.sh" nosuch.db
has out.txt "^Subject: izin: copied-card check of nosuch.db failed$" "the subject says it failed"
has out.txt "nosuch.db" "the report says why"

done_testing
