#!/bin/sh
# stay-check over the real binary: the state boundaries, the columns it
# adds and keeps, TSV and JSON, --only, the summary, exit statuses, bad
# records, sighting times, qr-scan's status, idempotence, and the nightly
# cron example.
. "$(dirname "$0")/lib.sh"

on="--on 2026-11-22"
tab=$(printf '\t')

# cell FILE PERMIT COLUMN: one value of a TSV output, by column name
cell() {
	awk -F'\t' -v p="$2" -v c="$3" '
	NR == 1 { for (i = 1; i <= NF; i++) k[$i] = i; next }
	$1 == p { print (c in k) ? $k[c] : "NO-COLUMN"; found = 1 }
	END { if (!found) print "NO-RECORD" }' "$1"
}
# is FILE PERMIT STATE DAYS ACTION FEE WHAT
is() {
	check "$7" [ "$(cell "$1" "$2" state)|$(cell "$1" "$2" days)|$(cell "$1" "$2" action)|$(cell "$1" "$2" fee)" = "$3|$4|$5|$6" ]
}

# A register judged on 2026-11-22 with the default rules.  The note
# column is the user's own; one note holds an escaped tab.
{
	printf 'permit\tname\tvalid_from\tvalid_until\tnote\n'
	printf 'V39\tAna María\t2026-01-01\t2026-12-31\tcalled twice\n'
	printf 'LAST\t王小明\t2026-01-01\t2026-11-22\t\n'
	printf 'OVER1\tBo\t2026-01-01\t2026-11-21\ttab\\there\n'
	printf 'W30\tCy\t2026-01-01\t2026-12-22\t\n'
	printf 'W31\tDi\t2026-01-01\t2026-12-23\t\n'
	printf 'O59\tEd\t2026-01-01\t2026-09-24\t\n'
	printf 'O60\tFa\t2026-01-01\t2026-09-23\t\n'
	printf 'NYV\tGi\t2026-12-01\t2027-11-30\t\n'
	printf 'FIRST\tHu\t2026-11-22\t2027-11-21\t\n'
} > reg.tsv

expect 1 "a register with flagged permits exits 1" stay-check $on reg.tsv
cp out.txt reg.out
check "nothing on stderr" [ ! -s err.txt ]
check "header is the input's columns and the four added" \
	[ "$(head -n 1 reg.out)" = "permit${tab}name${tab}valid_from${tab}valid_until${tab}note${tab}state${tab}days${tab}action${tab}fee" ]
check "one line per record" [ "$(wc -l < reg.out)" -eq 10 ]
is reg.out V39 VALID 39 "" "" "VALID with days left"
is reg.out LAST EXPIRING 0 "" "" "valid on valid_until itself: EXPIRING, 0 days left"
is reg.out OVER1 EXPIRED 1 fee 1000000 "EXPIRED the day after valid_until, 1 day's fee"
is reg.out W30 EXPIRING 30 "" "" "exactly at the 30-day warn limit: EXPIRING"
is reg.out W31 VALID 31 "" "" "one day beyond the warn limit: VALID"
is reg.out O59 EXPIRED 59 fee 59000000 "59 days over: fee of 59 days"
is reg.out O60 EXPIRED 60 deport "" "60 days over: deport, no fee"
is reg.out NYV NOT_YET_VALID 9 "" "" "before valid_from: NOT_YET_VALID, days until"
is reg.out FIRST VALID 364 "" "" "valid on valid_from itself"
check "unknown column kept" [ "$(cell reg.out V39 note)" = "called twice" ]
has reg.out 'tab\\there' "an escaped tab passes through escaped"
has reg.out '王小明' "UTF-8 passes through"
check "input order kept" [ "$(cut -f 1 reg.out | tr '\n' ' ')" = "permit V39 LAST OVER1 W30 W31 O59 O60 NYV FIRST " ]

# Leap days: valid_until 2028-02-29.
printf 'permit\tvalid_from\tvalid_until\nL\t2027-03-01\t2028-02-29\n' > leap.tsv
for c in "2028-02-29 EXPIRING 0 -" "2028-03-01 EXPIRED 1 fee" "2028-01-30 EXPIRING 30 -" \
         "2028-01-29 VALID 31 -" "2028-04-28 EXPIRED 59 fee" "2028-04-29 EXPIRED 60 deport"; do
	set -- $c
	stay-check --on "$1" leap.tsv > leap.out 2>/dev/null
	a=$4; [ "$a" = - ] && a=
	check "leap day: on $1 is $2 $3 $a" [ "$(cell leap.out L state)|$(cell leap.out L days)|$(cell leap.out L action)" = "$2|$3|$a" ]
done

# The rules as options.
expect 1 "-w 0" stay-check $on -w 0 reg.tsv
cp out.txt w0.out
is w0.out W30 VALID 30 "" "" "-w 0: 30 days left is VALID"
is w0.out LAST EXPIRING 0 "" "" "-w 0: the last day is still EXPIRING"
expect 1 "--deport-after 1 --fee-per-day 500000" stay-check $on --deport-after 1 --fee-per-day 500000 reg.tsv
is out.txt OVER1 EXPIRED 1 deport "" "--deport-after 1: the first day over deports"
expect 1 "--deport-after 90 --fee-per-day 500000" stay-check $on --deport-after 90 --fee-per-day 500000 reg.tsv
is out.txt O60 EXPIRED 60 fee 30000000 "--deport-after 90: 60 days is a fee, at the given rate"
expect 1 "a trillion rupiah a day" stay-check $on --fee-per-day 1000000000000 reg.tsv
is out.txt O59 EXPIRED 59 fee 59000000000000 "fees beyond 32 bits are exact"
expect 2 "--fee-per-day must be a plain number" stay-check $on --fee-per-day 1,000,000 reg.tsv
has err.txt "^stay-check: --fee-per-day: '1,000,000' is not a number" "bad number named"
expect 2 "-w must not be negative" stay-check $on -w -1 reg.tsv
expect 2 "--deport-after 0 refused" stay-check $on --deport-after 0 reg.tsv
expect 2 "--on must be a real date" stay-check --on 2026-02-29 reg.tsv
has err.txt "^stay-check: --on: invalid date '2026-02-29'" "bad --on named"

# Exit statuses and --only.
printf 'permit\tvalid_from\tvalid_until\nA\t2026-01-01\t2027-06-30\nB\t2025-06-01\t2027-01-31\n' > good.tsv
expect 0 "every permit VALID exits 0" stay-check $on good.tsv
check "both written" [ "$(wc -l < out.txt)" -eq 3 ]
expect 0 "--only EXPIRED with none expired exits 0" stay-check $on --only EXPIRED good.tsv
check "a header and no records" [ "$(cat out.txt)" = "permit${tab}valid_from${tab}valid_until${tab}state${tab}days${tab}action${tab}fee" ]
expect 1 "--only EXPIRED" stay-check $on --only EXPIRED reg.tsv
check "only the three EXPIRED records" [ "$(cut -f 1 out.txt | tr '\n' ' ')" = "permit OVER1 O59 O60 " ]
expect 1 "-o expiring,not_yet_valid (any case)" stay-check $on -o expiring,not_yet_valid reg.tsv
check "EXPIRING and NOT_YET_VALID records" [ "$(cut -f 1 out.txt | tr '\n' ' ')" = "permit LAST W30 NYV " ]
expect 1 "-o given twice adds up" stay-check $on -o EXPIRED -o NOT_YET_VALID reg.tsv
check "EXPIRED and NOT_YET_VALID records" [ "$(cut -f 1 out.txt | tr '\n' ' ')" = "permit OVER1 O59 O60 NYV " ]
expect 0 "--only VALID writes no flagged record: exit 0" stay-check $on --only VALID reg.tsv
check "the VALID records" [ "$(cut -f 1 out.txt | tr '\n' ' ')" = "permit V39 W31 FIRST " ]
expect 2 "unknown state in --only" stay-check $on --only EXPIRED,OVERSTAY reg.tsv
has err.txt "^stay-check: -o: unknown state 'OVERSTAY'" "unknown state named"
expect 2 "empty state in --only" stay-check $on --only EXPIRED, reg.tsv

# The summary counts every record judged, written or not.
expect 1 "-s with --only" stay-check $on -s --only EXPIRED reg.tsv
cat > want.txt <<'EOF'
stay-check: VALID         3
stay-check: EXPIRING      2
stay-check: NOT_YET_VALID 1
stay-check: EXPIRED       3 (fee 2, deport 1; fees IDR 60000000)
stay-check: UNVERIFIED    0
EOF
check "summary: one line per state on stderr" cmp -s err.txt want.txt
check "summary not on stdout" [ "$(wc -l < out.txt)" -eq 4 ]

# A bad date is an error for its line; the rest goes on.
{
	head -n 3 reg.tsv
	printf 'BAD\tIo\t2026-01-01\t2026-02-29\t\n'
	printf 'BAD2\tJu\t2026-13-01\t2027-01-01\t\n'
	printf 'ORDER\tKe\t2027-01-01\t2026-12-31\t\n'
	printf 'SHORT\tLu\n'
	tail -n 6 reg.tsv
} > bad.tsv
expect 2 "bad records exit 2" stay-check $on bad.tsv
has err.txt "^stay-check: bad.tsv:4: valid_until: invalid date$" "impossible valid_until named with file:line"
has err.txt "^stay-check: bad.tsv:5: valid_from: invalid date$" "impossible valid_from named"
has err.txt "^stay-check: bad.tsv:6: valid_until: dates out of order$" "dates out of order named"
has err.txt "^stay-check: bad.tsv:7: wrong columns$" "short line named"
check "the other records are still written" [ "$(wc -l < out.txt)" -eq 9 ]
check "bad records are left out" [ -z "$(grep -E '^(BAD|BAD2|ORDER|SHORT)' out.txt)" ]
expect 2 "bad records exit 2 even with --only" stay-check $on --only VALID bad.tsv
expect 2 "-s counts bad records" stay-check $on -s bad.tsv
has err.txt "^stay-check: bad records   4$" "bad records in the summary"

# A missing column is said once, not once per line.
printf 'permit\tvalid_until\nX\t2026-01-01\nY\t2026-01-01\n' > nofrom.tsv
expect 2 "a register without valid_from" stay-check $on nofrom.tsv
check "missing column reported once" [ "$(cat err.txt)" = "stay-check: nofrom.tsv:2: valid_from: no such column" ]
printf 'permit\tpermit\nX\tY\n' > duphdr.tsv
expect 2 "a bad header" stay-check $on duphdr.tsv
has err.txt "^stay-check: duphdr.tsv:1: wrong columns" "bad header named with its line"
check "no records from a bad header" [ ! -s out.txt ]

# Sightings from report-log: the time column wins over --on.
{
	printf 'permit\tvalid_from\tvalid_until\tseq\ttime\tplace\n'
	printf 'T1\t2026-01-01\t2026-11-22\t1\t2026-11-23T00:30:00+09:00\tJayapura\n'
	printf 'T2\t2026-01-01\t2026-11-22\t2\t2026-11-22T23:30:00-05:00\tsomewhere\n'
	printf 'T3\t2026-01-01\t2026-12-31\t3\t\tno time\n'
	printf 'T4\t2026-01-01\t2026-11-22\t4\t2026-11-23 00:30\tbad time\n'
	printf 'T5\t2026-01-01\t2026-11-22\t5\t2027-01-21T08:00:00Z\tlate\n'
} > sight.tsv
expect 2 "sightings with one bad time" stay-check --on 2026-11-01 sight.tsv
cp out.txt sight.out
is sight.out T1 EXPIRED 1 fee 1000000 "judged on the sighting's date as written, not --on"
is sight.out T2 EXPIRING 0 "" "" "the date as written, whatever the UTC offset"
is sight.out T3 VALID 60 "" "" "an empty time means no sighting: --on"
is sight.out T5 EXPIRED 60 deport "" "a sighting 60 days after valid_until: deport"
has err.txt "^stay-check: sight.tsv:5: time: invalid time" "malformed time named with file:line"
check "the bad sighting is left out" [ "$(cell sight.out T4 state)" = NO-RECORD ]

# qr-scan's status: anything but VALID gets no verdict on dates.
{
	printf 'source\tstatus\tpermit\tvalid_from\tvalid_until\tkid\n'
	printf 'a.jpg\tVALID\tS1\t2026-01-01\t2026-11-21\t4502\n'
	printf 'b.jpg\tbad signature\tS2\t2026-01-01\t2026-11-21\t4502\n'
	printf 'c.jpg\tunknown key\tS3\t\t\t\n'
	printf 'd.jpg\t\tS4\t2026-01-01\t2027-01-01\t\n'
} > scan.tsv
expect 1 "qr-scan output" stay-check $on scan.tsv
check "status VALID is judged on its dates" [ "$(awk -F'\t' '$3 == "S1" { print $2, $7, $8, $9, $10 }' out.txt)" = "VALID EXPIRED 1 fee 1000000" ]
check "bad signature: UNVERIFIED, status kept, nothing else" [ "$(awk -F'\t' '$3 == "S2" { print $2 "|" $7 "|" $8 "|" $9 "|" $10 }' out.txt)" = "bad signature|UNVERIFIED|||" ]
check "unknown key with empty dates: UNVERIFIED, no error" [ "$(awk -F'\t' '$3 == "S3" { print $7 }' out.txt)" = UNVERIFIED ]
check "an empty status is not VALID" [ "$(awk -F'\t' '$3 == "S4" { print $7 }' out.txt)" = UNVERIFIED ]
check "no diagnostics" [ ! -s err.txt ]
expect 1 "-o UNVERIFIED" stay-check $on -o UNVERIFIED scan.tsv
check "three UNVERIFIED records" [ "$(wc -l < out.txt)" -eq 4 ]

# JSON Lines in, JSON Lines out; --json forces it.
expect 1 "--json from TSV" stay-check $on --json reg.tsv
cp out.txt reg.jsonl
check "one JSON line per record, no header" [ "$(wc -l < reg.jsonl)" -eq 9 ]
has reg.jsonl '^{"permit":"OVER1","name":"Bo","valid_from":"2026-01-01","valid_until":"2026-11-21","note":"tab\\there","state":"EXPIRED","days":"1","action":"fee","fee":"1000000"}$' "JSON record with the four columns"
has reg.jsonl '^{"permit":"V39",.*"state":"VALID","days":"39","action":"","fee":""}$' "empty action and fee in JSON"
expect 1 "JSON in" stay-check $on reg.jsonl
check "JSON in gives JSON out, the same again" cmp -s out.txt reg.jsonl
printf '{"permit":"J1","valid_from":"2026-01-01","valid_until":"2026-11-21","extra":7}\n\n{"permit":"J2","valid_from":"2026-01-01","valid_until":"2026-11-31"}\n{"permit":\n' > j.jsonl
expect 2 "JSON with a bad date and a bad line" stay-check $on j.jsonl
has out.txt '^{"permit":"J1","valid_from":"2026-01-01","valid_until":"2026-11-21","extra":"7","state":"EXPIRED","days":"1","action":"fee","fee":"1000000"}$' "JSON numbers kept as text"
has err.txt "^stay-check: j.jsonl:3: valid_until: invalid date$" "JSON bad date named with its line"
has err.txt "^stay-check: j.jsonl:4: malformed JSON$" "malformed JSON line named"

# Running twice changes nothing.
stay-check $on reg.out > twice.out 2>/dev/null
check "idempotent: TSV through twice is the same" cmp -s twice.out reg.out
stay-check $on reg.out > /dev/null 2>&1
check "idempotent: same exit status" [ $? -eq 1 ]
stay-check $on --json reg.jsonl > twice.jsonl 2>/dev/null
check "idempotent: JSON through twice is the same" cmp -s twice.jsonl reg.jsonl
stay-check --on 2027-06-01 reg.out > later.out 2>/dev/null
is later.out V39 EXPIRED 152 deport "" "the four columns are judged again, in place"
check "still nine columns" [ "$(head -n 1 later.out | awk -F'\t' '{ print NF }')" -eq 9 ]

# Standard input, as - or by default, and several files.
expect 1 "stdin by default" sh -c "stay-check $on < reg.tsv"
check "stdin gives the same output" cmp -s out.txt reg.out
expect 2 "stdin as -, named stdin in messages" sh -c "stay-check $on - < bad.tsv"
has err.txt "^stay-check: stdin:4: valid_until: invalid date" "stdin:LINE in messages"
head -n 4 reg.tsv > reg1.tsv
{ head -n 1 reg.tsv; tail -n 6 reg.tsv; } > reg2.tsv
expect 1 "two files with one header" stay-check $on reg1.tsv reg2.tsv
check "one header, the first file's, then all records" cmp -s out.txt reg.out
check "the second file's header is not a record" [ "$(grep -c '^permit' out.txt)" -eq 1 ]
expect 2 "a missing file among others" stay-check $on nosuch.tsv good.tsv
has err.txt "^stay-check: nosuch.tsv: No such file or directory" "missing file named"
check "the other file is still read" [ "$(wc -l < out.txt)" -eq 3 ]
printf 'permit\tvalid_from\tvalid_until\tregion\nZ\t2026-01-01\t2026-12-31\tBali\n' > other.tsv
expect 2 "a second file with another column" stay-check $on good.tsv other.tsv
has err.txt "^stay-check: other.tsv:2: columns differ from the first file's" "column mismatch named"

# A pipe that hands over lines in pieces.
{ head -c 100 reg.tsv; sleep 0.3; tail -c +101 reg.tsv | head -c 50; sleep 0.3; tail -c +151 reg.tsv; } |
	stay-check $on > pieces.out 2>/dev/null
check "lines split across reads of a pipe" cmp -s pieces.out reg.out

# Lines the record format allows in many spellings: CRLF, blank lines,
# the header again (files joined by cat), escapes, a NUL.
{
	printf 'permit\tname\tvalid_from\tvalid_until\r\n'
	printf 'C1\tcrlf\t2026-01-01\t2026-11-21\r\n'
	printf '\n\r\n'
	printf 'permit\tname\tvalid_from\tvalid_until\n'
	printf 'C2\tback\\\\slash\t2026-01-01\t2026-12-31\n'
	printf 'C3\tnul\000x\t2026-01-01\t2026-12-31\n'
	printf 'C4\tcr\rmid\t2026-01-01\t2026-12-31\n'
	printf 'C5\tlast line\t2026-01-01\t2026-12-31'
} > odd.tsv
expect 2 "CRLF, blank lines, a repeated header, escapes, a NUL" stay-check $on odd.tsv
check "CR stripped, blank lines and the repeated header skipped" [ "$(cut -f 1 out.txt | tr '\n' ' ')" = "permit C1 C2 C4 C5 " ]
has out.txt '	back\\\\slash	' "an escaped backslash stays escaped"
has out.txt '	cr\\rmid	' "a CR inside a value comes out escaped"
has err.txt "^stay-check: odd.tsv:7: malformed record" "a NUL is an error for its line"
check "a last line without a newline is read" [ "$(cell out.txt C5 state)" = VALID ]

# Every line judged alone (the library's reader and writer) and in one
# file (most lines on the fast path) gives the same bytes.  N (300)
# records; the quick 40 still hold a bad date and a bad leap day.
N=$(scale 300 40)
awk -v rows="$N" 'BEGIN {
	srand(7)
	print "permit\tname\tvalid_from\tvalid_until\tstatus\ttime\tnote"
	for (i = 1; i <= rows; i++) {
		y = 2026 + int(rand() * 1.3); m = 8 + int(rand() * 5); d = 1 + int(rand() * 31)
		if (i % 37 == 0) { y = 2028; m = 2; d = 29 }
		st = (i % 11 == 0) ? "bad signature" : "VALID"
		t = (i % 5 == 0) ? sprintf("2026-%02d-%02dT12:00:00+07:00", 1 + i % 12, 1 + i % 28) : ""
		n = (i % 13 == 0) ? "two\\tcells" : (i % 17 == 0) ? "" : "note " i
		printf "P%04d\tName %d\t%04d-%02d-%02d\t%04d-%02d-%02d\t%s\t%s\t%s\n", i, i, y - 1, m, d, y, m, d, st, t, n
	}
}' > many.tsv
stay-check $on -s many.tsv > many.out 2> many.err
rc=$?
head -n 1 many.tsv > hdr.tsv
: > alone.out; : > alone.err
n=1
tail -n +2 many.tsv | while IFS= read -r line; do
	n=$((n + 1))
	printf '%s\n' "$line" | cat hdr.tsv - > one.tsv
	stay-check $on one.tsv > one.out 2> one.err
	tail -n +2 one.out >> alone.out
	sed "s/one.tsv:2:/many.tsv:$n:/" one.err >> alone.err
done
check "$N records, some bad: exit 2" [ $rc -eq 2 ]
check "fast path and reader agree on every record" cmp -s alone.out "$(tail -n +2 many.out > many.body; echo many.body)"
check "and on every message" sh -c 'grep -v "^stay-check: [A-Za-z_ ]* [0-9]" many.err | cmp -s - alone.err'
check "some lines were bad" [ -s alone.err ]
check "the summary adds up to $N" [ "$(awk '/^stay-check: [A-Za-z_ ]* [0-9]/ { n += $(NF > 3 && $3 == "records" ? 4 : 3) } END { print n }' many.err)" -eq $N ]

# "Today" is the local date: TZ is honoured.
for tz in Pacific/Kiritimati Pacific/Pago_Pago Asia/Jayapura; do
	today=$(TZ=$tz date +%Y-%m-%d)
	printf 'permit\tvalid_from\tvalid_until\nT\t2020-01-01\t%s\n' "$today" > today.tsv
	TZ=$tz stay-check today.tsv > today.out 2>/dev/null
	check "TZ=$tz: today ($today) is valid_until" [ "$(cell today.out T state)|$(cell today.out T days)" = "EXPIRING|0" ]
done

# Output that cannot be written is an error.
if [ -w /dev/full ]; then
	expect 2 "a full disk" stay-check $on reg.tsv ">/dev/full"
	stay-check $on reg.tsv > /dev/full 2> err.txt
	check "a full disk exits 2" [ $? -eq 2 ]
	has err.txt "^stay-check: stdout: No space left on device" "a full disk is named"
fi

# Usage.
expect 0 "--help" stay-check --help
has out.txt "^usage: stay-check" "--help prints the usage on stdout"
expect 0 "--version" stay-check --version
has out.txt "^stay-check (izin) " "--version"
expect 2 "unknown option" stay-check --frobnicate reg.tsv
has err.txt "^usage: stay-check" "usage on stderr"
check "stay-check does not link the signing library" sh -c "! ldd '$top/cmd/stay-check' | grep -q sodium"

# The nightly cron example, on a small register.
cron="$top/examples/cron-overstay.sh"
expect 1 "cron example: permits to report, exit 1" env -u MAILTO sh "$cron" reg.tsv $on
has out.txt "^Subject: izin: permits expired or expiring in reg.tsv$" "cron example: subject"
has out.txt "^EXPIRED       3 (fee 2, deport 1; fees IDR 60000000)$" "cron example: the summary"
has out.txt "^permit	name	valid_until	state	days	action	fee$" "cron example: the columns a person reads"
has out.txt "^O60	Fa	2026-09-23	EXPIRED	60	deport	$" "cron example: an overstay listed"
has out.txt "^LAST	王小明	2026-11-22	EXPIRING	0		$" "cron example: an expiring permit listed"
check "cron example: only EXPIRED and EXPIRING listed" [ "$(grep -c -E '	(EXPIRED|EXPIRING)	' out.txt)" -eq 5 ]
check "cron example: no VALID permit listed" [ -z "$(grep '	VALID	' out.txt)" ]
expect 0 "cron example: nothing to report, exit 0" env -u MAILTO sh "$cron" good.tsv $on
check "cron example: silent when all is well" [ ! -s out.txt ]
expect 2 "cron example: an unreadable register, exit 2" env -u MAILTO sh "$cron" nosuch.tsv $on
has out.txt "^Subject: izin: overstay check of nosuch.tsv failed$" "cron example: failure subject"
has out.txt "nosuch.tsv: No such file or directory" "cron example: the error in the report"
mkdir bin
cat > bin/mail <<'EOF'
#!/bin/sh
{ echo "args: $*"; cat; } > mailed.txt
EOF
chmod +x bin/mail
expect 1 "cron example with mail(1) and MAILTO" env PATH="$tmp/bin:$PATH" MAILTO=overstay@example.org sh "$cron" reg.tsv $on
check "cron example: nothing printed when mailed" [ ! -s out.txt ]
has mailed.txt "^args: -s izin: permits expired or expiring in reg.tsv overstay@example.org$" "cron example: mailed with a subject to MAILTO"
has mailed.txt "^OVER1	Bo	2026-11-21	EXPIRED	1	fee	1000000$" "cron example: the mail lists the overstays"

done_testing
