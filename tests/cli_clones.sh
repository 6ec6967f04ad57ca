#!/bin/sh
# report-log --clones over the real binary: a copied card seen in Jakarta
# and Denpasar 20 minutes apart, honest travel by plane, two officers in
# one minute, --speed, --permit, --since, --json and --csv, usage errors,
# and the same answers from a PostgreSQL centre after a merge.
. "$(dirname "$0")/lib.sh"
. "$top/tests/pg.sh"
trap 'pg_stop; rm -rf "$tmp"' EXIT

JKT=-6.2088,106.8456
DPS=-8.6705,115.2126
# column N of a TSV file, by header name
col() { awk -F'\t' -v c="$1" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) k = i; next } { print $k }' "$2"; }

# seen PERMIT REPORTER LAT,LON TIME: one scan record logged
seen() {
	printf 'source\tstatus\tpermit\tname\n%s.jpg\tVALID\t%s\tHolder\n' "$1" "$1" |
	    report-log -d s.db --reporter "$2" --reporter-kind officer \
	    --place "$2's post" --at "$3" --time "$4" > /dev/null ||
	    bad "log a sighting of $1"
}

seen P-COPY T01 $JKT 2026-03-01T10:00:00+07:00
seen P-COPY T02 $DPS 2026-03-01T11:20:00+08:00
seen P-FLY T01 $JKT 2026-03-01T08:00:00+07:00
seen P-FLY T03 $DPS 2026-03-01T11:30:00+08:00
seen P-MIN T01 $JKT 2026-03-02T11:00:00+07:00
seen P-MIN T04 -6.2088,106.8906 2026-03-02T11:00:30+07:00
# no place: never measured from
printf 'permit\tstatus\nP-COPY\tVALID\n' |
    report-log -d s.db --reporter T05 --reporter-kind hotel \
    --time 2026-03-01T10:10:00+07:00 > /dev/null

expect 1 "--clones finds the copied card: exit 1" report-log -d s.db --clones
cp out.txt all.tsv
has all.tsv "^pair	reason	km	kmh	source	status	permit	name	seq	device	time	reporter	reporter_kind	place	lat	lon$" "header: pair columns, then a trail's"
check "two pairs, two rows each" [ "$(wc -l < all.tsv)" -eq 5 ]
check "pairs by permit, each pair numbered" [ "$(col permit all.tsv | tr '\n' ' ')$(col pair all.tsv | tr '\n' ' ')" = "P-COPY P-COPY P-MIN P-MIN 1 1 2 2 " ]
check "the copy: Jakarta first, then Denpasar" [ "$(col reporter all.tsv | head -n 2 | tr '\n' ' ')" = "T01 T02 " ]
has all.tsv "^1	speed	962.2	2886.6	P-COPY.jpg	VALID	P-COPY	Holder	1	" "speed: km and km/h with one decimal"
has all.tsv "^2	same-minute	5.0	596.9	" "two officers 5 km apart in 30 seconds"
check "the sighting with no place is in no pair" [ "$(col reporter all.tsv | grep -c T05)" -eq 0 ]

expect 0 "honest travel by plane: none found, exit 0" report-log -d s.db --clones --permit P-FLY
check "none found: the header alone" [ "$(wc -l < out.txt)" -eq 1 ]
expect 0 "--speed 3000: the 20-minute hop is possible" report-log -d s.db --clones --permit P-COPY --speed 3000
expect 1 "--speed 300: the plane is too fast" report-log -d s.db --clones --permit P-FLY --speed 300
has out.txt "^1	speed	962.2	384.9	" "the plane's speed"
expect 0 "--since the second day and --until its morning" report-log -d s.db --clones --since 2026-03-02T00:00:00+07:00 --until 2026-03-02T10:00:00+07:00
expect 1 "--since a date" env TZ=Asia/Jakarta report-log -d s.db --clones --since 2026-03-02
check "only the second day's pair" [ "$(col permit out.txt | sort -u)" = P-MIN ]
expect 1 "--json" report-log -d s.db --clones --json
check "--json: four lines" [ "$(grep -c '^{"pair":"[12]","reason":"\(speed\|same-minute\)","km":' out.txt)" -eq 4 ]
has out.txt '"reason":"speed","km":"962.2","kmh":"2886.6","source":"P-COPY.jpg"' "--json: the pair columns first"
expect 1 "--csv" report-log -d s.db --clones --csv
has out.txt "^pair,reason,km,kmh,source," "--csv: a header"

for s in abc 0 -5 nan 1e9 ""; do
	expect 2 "--speed '$s' is a usage error" report-log -d s.db --clones --speed "$s"
done
has err.txt "^report-log: --speed: '' is not a speed in km/h above 0$" "the error names the option"
expect 2 "--speed without --clones" report-log -d s.db --trail P-COPY --speed 100
expect 2 "--clones and --trail contradict" report-log -d s.db --clones --trail P-COPY
expect 2 "--clones with --after" report-log -d s.db --clones --after 3
expect 2 "--clones of a missing log" report-log -d nosuch.db --clones

# The same answers from a PostgreSQL centre.
if pg_start "$tmp"; then
	ok "postgres starts"
	pc=$(pg_db clones)
	expect 0 "merge the device log into PostgreSQL" report-log -d "$pc" --merge s.db --enrol-new
	expect 1 "PostgreSQL: --clones, exit 1" report-log -d "$pc" --clones
	check "PostgreSQL: the same pairs as SQLite, byte for byte" cmp -s out.txt all.tsv
	expect 0 "PostgreSQL: the plane, exit 0" report-log -d "$pc" --clones --permit P-FLY
	expect 1 "PostgreSQL: --speed 300" report-log -d "$pc" --clones --permit P-FLY --speed 300
	has out.txt "^1	speed	962.2	384.9	" "PostgreSQL: the plane's speed"
	report-log -d s.db --clones --json > sq.json
	expect 1 "PostgreSQL: --json" report-log -d "$pc" --clones --json
	check "PostgreSQL: --json as SQLite" cmp -s out.txt sq.json
	expect 1 "PostgreSQL: --since a date" env TZ=Asia/Jakarta report-log -d "$pc" --clones --since 2026-03-02
	check "PostgreSQL: only the second day's pair" [ "$(col permit out.txt | sort -u)" = P-MIN ]
else
	bad "postgres starts"
fi
done_testing
