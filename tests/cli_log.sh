#!/bin/sh
# report-log over the real binary: appending and its echo, the queries,
# bad lines, the hash chain against the sqlite3 command, merging, files
# that are not logs, 8 appenders at once, kill -9 mid-append, and the
# pipeline into stay-check.
. "$(dirname "$0")/lib.sh"

T="--reporter T07 --reporter-kind officer --place Desa_Mojorejo --at -7.12,112.18"
# column N of a TSV file, by header name
col() { awk -F'\t' -v c="$1" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) k = i; next } { print $k }' "$2"; }
rows() { sqlite3 "$1" 'SELECT count(*) FROM sighting'; }

# scans as qr-scan writes them: N records over P permits
scans() {
	awk -v n="$1" -v p="$2" 'BEGIN {
		OFS = "\t"
		print "source", "status", "detail", "permit", "kind", "index", "name", "nationality", "passport", "birth", "sex", "issued", "valid_from", "valid_until", "office", "sponsor", "address", "kid", "text"
		for (i = 1; i <= n; i++) {
			k = (i * 7919) % p + 1
			print "cam/" i ".jpg", "VALID", "", sprintf("2C11JB%06d-K", k), "ITAS", "E33G", "Holder " k, "NLD", "NX" k, "1985-03-14", "M", "2026-01-02", "2026-01-02", "2027-01-01", "KANIM-JKTSEL", "PT Mitra", "Jl. Kemang " k, "3fa2", ""
		}
	}'
}

# A small scan stream, by hand: an overstayer (valid until 2026-02-28),
# a valid one, a forged card, and one with SQL in its name.
{
	printf 'source\tstatus\tpermit\tname\tvalid_from\tvalid_until\tnote\n'
	printf 'a.jpg\tVALID\tP-OVER\tAna\t2025-03-01\t2026-02-28\t\n'
	printf 'b.jpg\tVALID\tP-OK\tBudi\t2026-01-01\t2027-01-01\tline\\nbreak\n'
	printf 'c.jpg\tBAD_SIGNATURE\tP-FAKE\tEve\t2026-01-01\t2027-01-01\t\n'
	printf "d.jpg\tVALID\tP-SQL\t'); DROP TABLE sighting; --\t2026-01-01\t2027-01-01\t\n"
} > scans.tsv

expect 0 "append a TSV stream" report-log -d s.db $T --time 2026-03-01T10:00:00+07:00 < scans.tsv
cp out.txt echo.tsv
check "echo: a header and four records" [ "$(wc -l < echo.tsv)" -eq 5 ]
has echo.tsv "^source	status	permit	name	valid_from	valid_until	note	seq	device	time	reporter	reporter_kind	place	lat	lon$" "echo header: input columns, then the sighting columns"
check "echo: seq 1 to 4 in input order" [ "$(col seq echo.tsv | tr '\n' ' ')" = "1 2 3 4 " ]
has echo.tsv "^b.jpg	VALID	P-OK	Budi	2026-01-01	2027-01-01	line\\\\nbreak	2	" "echo keeps values and escapes"
has echo.tsv "	2026-03-01T10:00:00+07:00	T07	officer	Desa_Mojorejo	-7.12	112.18$" "echo carries time, reporter, place and position"
check "the device id is 16 hex digits" [ "$(col device echo.tsv | grep -cx '[0-9a-f]\{16\}')" -eq 4 ]
check "SQL in a value is stored verbatim" [ "$(sqlite3 s.db "SELECT count(*) FROM sighting WHERE record LIKE '%''); DROP TABLE sighting; --%'")" -eq 1 ]
check "schema version and application id" [ "$(sqlite3 s.db 'PRAGMA user_version; PRAGMA application_id' | tr '\n' ' ')" = "3 1769630062 " ]
check "WAL mode" [ "$(sqlite3 s.db 'PRAGMA journal_mode')" = wal ]
expect 0 "--verify of a sound log" report-log -d s.db --verify
has out.txt "4 sightings, every chain verified" "--verify says how many it checked"

# later sightings of P-OVER, from a hotel and at other offsets
printf 'permit\tvalid_from\tvalid_until\tstatus\nP-OVER\t2025-03-01\t2026-02-28\tVALID\n' > over.tsv
expect 0 "a hotel's report" report-log -d s.db --reporter "Hotel Melati" --reporter-kind hotel --time 2026-03-05T21:00:00+08:00 < over.tsv
expect 0 "an officer's, written in UTC" report-log -d s.db $T --time 2026-03-05T13:30:00Z < over.tsv
expect 0 "--trail" report-log -d s.db --trail P-OVER
check "--trail: every sighting of the permit, in time order" [ "$(col seq out.txt | tr '\n' ' ')" = "1 5 6 " ]
has out.txt "	Hotel Melati	hotel	" "--trail shows the reporter"
expect 0 "--trail --json" report-log -d s.db --trail P-OVER --json
check "--trail --json: three JSON lines" [ "$(grep -c '^{".*"seq":' out.txt)" -eq 3 ]
has out.txt '"time":"2026-03-05T13:30:00Z"' "JSON keeps the time as written"
expect 0 "--trail of a permit never seen" report-log -d s.db --trail NOBODY
check "an empty trail is a header alone" [ "$(wc -l < out.txt)" -eq 1 ]
expect 0 "--last-seen" report-log -d s.db --last-seen
check "--last-seen: one record per permit" [ "$(col permit out.txt | tr '\n' ' ')" = "P-FAKE P-OK P-OVER P-SQL " ]
check "--last-seen: the latest instant (13:30Z is after 21:00+08:00)" [ "$(awk -F'\t' '$3 == "P-OVER"' out.txt | cut -f8)" = 6 ]
expect 0 "--last-seen --permit" report-log -d s.db --last-seen --permit P-OVER
check "--last-seen --permit: that permit's latest" [ "$(col seq out.txt)" = 6 ]
expect 0 "--since a date" report-log -d s.db --trail P-OVER --since 2026-03-02
check "--since keeps the later sightings" [ "$(col seq out.txt | tr '\n' ' ')" = "5 6 " ]
expect 0 "--until a time" report-log -d s.db --trail P-OVER --until 2026-03-05T13:15:00Z
check "--until compares instants" [ "$(col seq out.txt | tr '\n' ' ')" = "1 5 " ]
expect 0 "--last-seen --until" report-log -d s.db --last-seen --permit P-OVER --until 2026-03-04
check "--last-seen within the bounds" [ "$(col seq out.txt)" = 1 ]
expect 0 "--export" report-log -d s.db --export
cp out.txt export.tsv
check "--export: every sighting" [ "$(col seq export.tsv | tr '\n' ' ')" = "1 2 3 4 5 6 " ]
has export.tsv "	dseq	hash	checkpoint$" "--export adds dseq, hash and checkpoint"
check "--export: hashes are 64 hex digits" [ "$(col hash export.tsv | grep -cx '[0-9a-f]\{64\}')" -eq 6 ]
expect 0 "--export --after" report-log -d s.db --export --after 4
check "--after: only later sightings" [ "$(col seq out.txt | tr '\n' ' ')" = "5 6 " ]
check "--after batches join into the whole export" sh -c "report-log -d s.db --export --after 2 > b.tsv && report-log -d s.db --export --until 2026-03-01 | head -n 3 > a.tsv && cat a.tsv b.tsv | awk 'NR == 1 || \$0 != h { print } NR == 1 { h = \$0 }' | cmp -s - export.tsv"

# JSON Lines in, JSON Lines out
printf '{"permit":"J1","name":"Zoë","valid_from":"2026-01-01","valid_until":"2026-12-31"}\n' > in.jsonl
expect 0 "JSON Lines input" report-log -d s.db $T --json < in.jsonl
has out.txt '^{"permit":"J1","name":"Zoë",.*"seq":"7","device":"' "JSON echo"

# bad lines: reported with their number, skipped, the rest appended
{
	printf 'permit\tname\ttext\n'
	printf 'G1\tGood\t\n'
	printf 'G2\tShort\n'
	printf '\tNo code\t\n'
	printf '\t\tIZ:FOREIGN\n'
	printf 'G3\tLast\t\n'
} > bad.tsv
expect 1 "bad lines exit 1" report-log -d bad.db $T < bad.tsv
has err.txt "^report-log: stdin:3: wrong columns: not logged" "a short line is named with its number"
has err.txt "^report-log: stdin:4: neither permit nor text: not logged" "a record with neither permit nor text is named"
check "the good records are appended" [ "$(rows bad.db)" -eq 3 ]
check "a foreign code with text is a sighting" [ "$(col text out.txt | grep -c IZ:FOREIGN)" -eq 1 ]

# the hash chain against a hand with sqlite3
cp s.db t.db
sqlite3 t.db "UPDATE sighting SET place = 'Surabaya' WHERE seq = 5"
expect 1 "an altered sighting fails --verify" report-log -d t.db --verify
has out.txt "^t.db: seq 5: altered" "--verify names the first bad sequence number"
cp s.db t.db
sqlite3 t.db "DELETE FROM sighting WHERE seq = 3"
expect 1 "a deleted sighting fails --verify" report-log -d t.db --verify
has out.txt "seq 4: follows a gap" "the sighting after the gap is named"
cp s.db t.db
sqlite3 t.db "INSERT INTO sighting(device, dseq, time, epoch, reporter, reporter_kind, place, lat, lon, permit, layout, record, prev_hash, hash) SELECT device, dseq + 100, time, epoch, reporter, reporter_kind, place, lat, lon, permit, layout, record, prev_hash, hash FROM sighting WHERE seq = 2"
expect 1 "an inserted sighting fails --verify" report-log -d t.db --verify
has out.txt "seq 8: " "the inserted one is named"

# merging: another device's log, twice; a tampered one refused whole.
# The first merge enrols the new device (its key as the log holds it);
# after that the centre knows it.
scans 20 5 > twenty.tsv
report-log -d field.db $T --time 2026-03-02T08:00:00+07:00 < twenty.tsv > /dev/null
cp s.db centre.db
expect 1 "--merge of a device the centre does not know is refused" report-log -d centre.db --merge field.db
has err.txt "field.db: device [0-9a-f]*: .*unknown device.*merge refused, nothing written" "the refusal names the device"
expect 0 "--merge --enrol-new" report-log -d centre.db --merge field.db --enrol-new
has out.txt "field.db: 20 sightings merged" "--merge says how many it added"
expect 0 "--merge again, the device now known" report-log -d centre.db --merge field.db
has out.txt "field.db: 0 sightings merged" "merging twice adds nothing"
expect 0 "the merged log verifies" report-log -d centre.db --verify
check "merged sightings keep their device" [ "$(sqlite3 centre.db 'SELECT count(DISTINCT device) FROM sighting')" -eq 2 ]
cp field.db bent.db
sqlite3 bent.db "UPDATE sighting SET reporter = 'T99' WHERE seq = 7"
cp centre.db before.db
expect 1 "a tampered log is refused" report-log -d centre.db --merge bent.db
has err.txt "bent.db: seq 7: .*merge refused, nothing written" "the refusal names the bad sighting"
check "nothing was written" [ "$(sqlite3 centre.db 'SELECT count(*) FROM sighting')" = "$(sqlite3 before.db 'SELECT count(*) FROM sighting')" ]

# seq 0, and any value the log never writes, is damage: no seq value
# stands for "nothing wrong" (issue 17)
R="device, dseq, time, epoch, reporter, reporter_kind, place, lat, lon, permit, layout, record, prev_hash, hash"
cp field.db z.db
# a fake sighting at seq 0, with the first one's links and hash
sqlite3 z.db "INSERT INTO sighting(seq, $R) SELECT 0, device, dseq, '2026-03-09T10:00:00Z', 1773050400, 'X9', reporter_kind, 'Pelabuhan', lat, lon, permit, layout, record, prev_hash, hash FROM sighting WHERE seq = 1"
expect 1 "a fake sighting at seq 0 fails --verify" report-log -d z.db --verify
has out.txt "^z.db: seq 0: damaged" "--verify names it by its seq, 0"
expect 1 "--merge refuses a log with a seq-0 sighting" report-log -d m0.db --merge z.db --enrol-new
has err.txt "z.db: seq 0: .*merge refused, nothing written" "the refusal names seq 0"
check "nothing of it was merged" [ "$(rows m0.db)" -eq 0 ]
cp centre.db before.db
expect 1 "--merge refuses it into a log that holds the chain" report-log -d centre.db --merge z.db
check "the centre is as it was" [ "$(sqlite3 centre.db 'SELECT count(*), max(seq) FROM sighting')" = "$(sqlite3 before.db 'SELECT count(*), max(seq) FROM sighting')" ]
cp field.db z.db
sqlite3 z.db "INSERT INTO sighting(seq, $R) SELECT 0, 'ffffffffffffffff', 1, time, epoch, reporter, reporter_kind, place, lat, lon, permit, layout, record, zeroblob(32), zeroblob(32) FROM sighting WHERE seq = 1"
expect 1 "a seq-0 sighting of a device with no head fails --verify" report-log -d z.db --verify
has out.txt "^z.db: seq 0: " "--verify names it"
cp field.db z.db
sqlite3 z.db "DELETE FROM sighting WHERE seq = 20; UPDATE head SET seq = 0, hash = zeroblob(32)"
expect 1 "a seq-0 head does not hide a deleted last sighting" report-log -d z.db --verify
has out.txt "^z.db: seq 0: chain head damaged" "--verify names the head"
cp field.db z.db
sqlite3 z.db "DELETE FROM sighting; UPDATE head SET dseq = 0, seq = 0, hash = zeroblob(32)"
expect 1 "a zero head does not hide a whole chain deleted" report-log -d z.db --verify
cp field.db z.db
sqlite3 z.db "UPDATE sighting SET dseq = -1 WHERE seq = 1"
expect 1 "a negative dseq fails --verify" report-log -d z.db --verify
has out.txt "^z.db: seq 1: damaged: dseq" "--verify says which value"
cp field.db z.db
sqlite3 z.db "UPDATE sighting SET seq = -3 WHERE seq = 20; UPDATE head SET seq = -3"
expect 1 "a negative seq, head and all, fails --verify" report-log -d z.db --verify
has out.txt "^z.db: seq -3: " "--verify names seq -3"
cp field.db z.db
sqlite3 z.db "UPDATE sighting SET hash = X'00' WHERE seq = 20; UPDATE head SET hash = X'00'"
expect 1 "a short hash fails --verify" report-log -d z.db --verify
cp field.db z.db
sqlite3 z.db "UPDATE sighting SET place = CAST(place AS BLOB) WHERE seq = 3"
expect 1 "a value of the wrong type fails --verify" report-log -d z.db --verify
has out.txt "^z.db: seq 3: damaged" "--verify names the row"
cp field.db z.db
sqlite3 z.db "UPDATE sighting SET place = place || char(0) || 'x' WHERE seq = 4"
expect 1 "a NUL inside a text value fails --verify" report-log -d z.db --verify
has out.txt "^z.db: seq 4: damaged" "--verify names the row"
# a hand-made file whose schema lets NULL in
sqlite3 n.db "PRAGMA application_id = 1769630062; PRAGMA user_version = 1;
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;
CREATE TABLE layout(id INTEGER PRIMARY KEY, keys TEXT UNIQUE);
CREATE TABLE sighting(seq INTEGER PRIMARY KEY, device TEXT, dseq INTEGER, time TEXT, epoch INTEGER, reporter TEXT, reporter_kind TEXT, place TEXT, lat TEXT, lon TEXT, permit TEXT, layout INTEGER, record TEXT, prev_hash BLOB, hash BLOB);
CREATE INDEX sighting_permit ON sighting(permit, epoch);
CREATE TABLE head(device TEXT PRIMARY KEY, dseq INTEGER, seq INTEGER, hash BLOB) WITHOUT ROWID;
ATTACH 'field.db' AS f;
INSERT INTO meta SELECT * FROM f.meta; INSERT INTO layout SELECT * FROM f.layout;
INSERT INTO sighting SELECT * FROM f.sighting; INSERT INTO head SELECT * FROM f.head"
expect 0 "a hand-made copy of a log verifies" report-log -d n.db --verify
cp n.db z.db
sqlite3 z.db "UPDATE head SET seq = NULL"
expect 1 "a NULL head seq fails --verify" report-log -d z.db --verify
has out.txt "^z.db: chain head damaged" "--verify says the head is damaged"
cp n.db z.db
sqlite3 z.db "UPDATE sighting SET lat = NULL WHERE seq = 6"
expect 1 "a NULL column fails --verify" report-log -d z.db --verify
has out.txt "^z.db: seq 6: damaged" "--verify names the row"
expect 1 "--merge refuses a log with a NULL" report-log -d m0.db --merge z.db --enrol-new

# files that are not logs are refused and left as they were
printf 'not a database\n' > notes.txt
cp notes.txt notes.orig
expect 2 "a text file is refused" report-log -d notes.txt $T < scans.tsv
has err.txt "notes.txt: not an izin log" "the refusal says why"
check "the text file is untouched" cmp -s notes.txt notes.orig
sqlite3 other.db "CREATE TABLE t(x); INSERT INTO t VALUES ('mine')"
cp other.db other.orig
expect 2 "another program's database is refused" report-log -d other.db $T < scans.tsv
check "the other database is untouched" cmp -s other.db other.orig
expect 2 "--trail on it is refused too" report-log -d other.db --trail P-OK
expect 2 "a query on a missing log" report-log -d missing.db --last-seen
check "a query makes no file" [ ! -e missing.db ]

# usage
expect 2 "two modes contradict" report-log -d s.db --trail P --export
expect 2 "append needs --reporter" report-log -d s.db --reporter-kind officer < scans.tsv
expect 2 "a bad reporter kind" report-log -d s.db --reporter T --reporter-kind police < scans.tsv
expect 2 "a latitude out of range" report-log -d s.db --reporter T --reporter-kind officer --at 91,10 < scans.tsv
has err.txt "^report-log: --at: lat must be" "the bad latitude is named"
expect 2 "a time without an offset" report-log -d s.db --reporter T --reporter-kind officer --time 2026-03-01T10:00:00 < scans.tsv
expect 2 "--after without --export" report-log -d s.db --trail P --after 3
expect 2 "--reporter with a query" report-log -d s.db --trail P --reporter T
expect 2 "--since after --until" report-log -d s.db --export --since 2026-03-02 --until 2026-03-01
check "usage errors wrote nothing" [ "$(rows s.db)" -eq 7 ]
expect 0 "--help" report-log --help
has out.txt "^usage: report-log" "--help prints the usage on stdout"

# a scanner that pauses: what it sent is logged at once, not at the end
# (the pause, like the appenders' below, is longer when quick: a tool
# under valgrind takes seconds to start)
(cat scans.tsv; sleep $(scale 2 6); printf 'z.jpg\tVALID\tP-LATE\tZed\t2026-01-01\t2027-01-01\t\n') |
	report-log -d slow.db $T > slow.out &
sleep $(scale 1 4)
check "a pause commits what came before it" [ "$(rows slow.db)" -eq 4 ]
wait
check "the rest follows" [ "$(rows slow.db)" -eq 5 ]

# 8 appenders at once on a new file, each feeding its N (10000) records
# in three parts with pauses so that their batches interleave
N=$(scale 10000 200) pause=$(scale 0.2 15)
scans $N $((N * 3 / 10)) > tenk.tsv
i=1
while [ $i -le 8 ]; do
	( (head -n $((N * 4 / 10 + 1)) tenk.tsv; sleep $pause; sed -n "$((N * 4 / 10 + 2)),$((N * 8 / 10 + 1))p" tenk.tsv; sleep $pause; tail -n $((N * 2 / 10)) tenk.tsv) |
		report-log -d many.db --reporter "T$i" --reporter-kind officer > /dev/null 2> many$i.err
	  echo $? > many$i.rc ) &
	i=$((i + 1))
done
wait
check "8 appenders all exit 0" [ "$(cat many*.rc | sort -u)" = 0 ]
check "exactly $((8 * N)) sightings" [ "$(rows many.db)" -eq $((8 * N)) ]
cat many*.err > many.err
check "no 'database is locked', no message at all" [ ! -s many.err ]
check "seq is 1 to $((8 * N)) without a gap" [ "$(sqlite3 many.db 'SELECT min(seq), max(seq), count(DISTINCT dseq) FROM sighting')" = "1|$((8 * N))|$((8 * N))" ]
check "the batches interleaved" [ "$(sqlite3 many.db 'SELECT count(*) FROM sighting a JOIN sighting b ON b.seq = a.seq + 1 WHERE a.reporter <> b.reporter')" -ge 8 ]
expect 0 "the shared chain verifies" report-log -d many.db --verify

# kill -9 during a large append: whole batches (report-log's 50000) only,
# a sound log.  N (400000) is more than one batch even when quick.
N=$(scale 400000 100000)
scans $N 50000 > big.tsv
report-log -d big.db $T < big.tsv > /dev/null 2> big.err &
pid=$!
n=0 tries=0 maxtries=$(scale 600 3000)
while [ "$n" -lt 50000 ] && [ $tries -lt $maxtries ]; do
	sleep 0.05
	n=$(sqlite3 big.db 'SELECT count(*) FROM sighting' 2>/dev/null || echo 0)
	tries=$((tries + 1))
done
kill -9 $pid
wait $pid 2>/dev/null
n=$(rows big.db)
check "killed mid-append (after $n of $N)" [ "$n" -gt 0 ] && [ "$n" -lt $N ]
check "only whole batches of 50000" [ $((n % 50000)) -eq 0 ]
check "PRAGMA integrity_check is ok" [ "$(sqlite3 big.db 'PRAGMA integrity_check')" = ok ]
expect 0 "--verify after kill -9" report-log -d big.db --verify
expect 0 "appending goes on after it" report-log -d big.db $T < scans.tsv
check "the next sightings follow on" [ "$(rows big.db)" -eq $((n + 4)) ]

# the overstayer pipeline (stay-check judges a sighting on its own date)
if [ -x "$top/cmd/stay-check" ]; then
	report-log --last-seen -d s.db | stay-check --on 2026-01-01 > stay.tsv
	check "P-OVER, seen after it expired, comes out EXPIRED" [ "$(awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next } $h["permit"] == "P-OVER" { print $h["state"] }' stay.tsv)" = EXPIRED ]
	check "P-OK comes out VALID" [ "$(awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next } $h["permit"] == "P-OK" { print $h["state"] }' stay.tsv)" = VALID ]
	check "the forged card comes out UNVERIFIED" [ "$(awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next } $h["permit"] == "P-FAKE" { print $h["state"] }' stay.tsv)" = UNVERIFIED ]
else
	echo "# stay-check not built: overstayer pipeline not tested"
fi

done_testing
