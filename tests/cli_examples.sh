#!/bin/sh
# The example scripts in examples/, run as a user would run them.
. "$(dirname "$0")/lib.sh"

ex="$top/examples"
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

done_testing
