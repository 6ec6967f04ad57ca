#!/bin/sh
# qr-scan and qr-revoke over the real binaries: images from qr-issue and
# from Debian's qrencode, photo-like copies made by ImageMagick, forged
# and foreign codes, revocation, and hostile files.
. "$(dirname "$0")/lib.sh"

cp "$data/test-office.key" "$data/test-office.pass" "$data/test-office.pub" \
	"$data/test-plain.key" "$data/test-plain.pub" .
chmod 600 test-office.key test-plain.key
key="-k test-office.key --passphrase-file test-office.pass"
im=convert-im6.q16
command -v $im >/dev/null 2>&1 || im=convert
mkdir trust && cp test-office.pub trust/

# column by header name of a TSV file
col() { awk -F'\t' -v c="$1" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) k = i; next } { print $k }' "$2"; }
one="--kind ITAS --index E33G --name Ana --nationality BRA --passport FX1 --birth 1990-05-17 --sex F --issued 2026-03-01 --valid-until 2027-03-01"

qr-issue $key -o card.png --permit 2C11JB0042-K $one > reg.tsv
payload=$(col payload reg.tsv)
qr-issue $key -o other.png --permit 2C11JB0043-K $one > /dev/null

expect 0 "a card from qr-issue is VALID" qr-scan -T trust card.png
check "one record and a header" [ "$(wc -l < out.txt)" -eq 2 ]
check "status VALID" [ "$(col status out.txt)" = VALID ]
check "permit number read back" [ "$(col permit out.txt)" = 2C11JB0042-K ]
check "source column names the file" [ "$(col source out.txt)" = card.png ]
expect 0 "a trust file works like a folder" qr-scan -T test-office.pub card.png
expect 0 "--raw prints the exact payload" qr-scan --raw card.png
check "--raw text equals the payload" [ "$(cat out.txt)" = "$payload" ]

# a decoder we did not write made these
qrencode -o qe.png -l M "$payload"
expect 0 "an image written by qrencode verifies" qr-scan -T trust qe.png
qrencode -o web.png "https://www.imigrasi.go.id/"
expect 1 "a foreign code exits 1" qr-scan -T trust web.png
check "foreign code is FOREIGN" [ "$(col status out.txt)" = FOREIGN ]
check "its text is kept" [ "$(col text out.txt)" = "https://www.imigrasi.go.id/" ]

# phone-like copies
$im card.png -quality 50 card50.jpg
$im card.png -background white -rotate 90 r90.png
$im card.png -background white -rotate 180 r180.png
$im card.png -background white -rotate 15 -quality 85 r15.jpg
$im card.png -resize 300% -blur 0x2 -attenuate 0.3 +noise Gaussian -quality 70 photo.jpg
for f in card50.jpg r90.png r180.png r15.jpg photo.jpg; do
	expect 0 "$f still verifies" qr-scan -T trust $f
done
$im card.png -depth 8 gray.pgm
$im card.png -depth 8 rgb.ppm
expect 0 "binary PGM (P5)" qr-scan -T trust gray.pgm
expect 0 "binary PPM (P6)" qr-scan -T trust rgb.ppm
expect 0 "an image on standard input" sh -c 'qr-scan -T trust - < card50.jpg'
check "stdin source is -" [ "$(col source out.txt)" = - ]

# two cards on one scanned page
$im card.png other.png +append page.png
expect 0 "a page with two cards" qr-scan -T trust page.png
check "two records for two codes" [ "$(wc -l < out.txt)" -eq 3 ]
has out.txt "2C11JB0042-K" "first card on the page"
has out.txt "2C11JB0043-K" "second card on the page"

# forgers
qr-issue -k test-plain.key -o stranger.png --permit 2C11JB0044-K $one > /dev/null
expect 1 "a key not in the trust store" qr-scan -T trust stranger.png
check "UNKNOWN_KEY" [ "$(col status out.txt)" = UNKNOWN_KEY ]
check "the forged card's claims are still shown" [ "$(col name out.txt)" = Ana ]
# every one-character change of the payload (a sample of positions, every
# 13th, or every 29th when quick)
n=${#payload} step=$(scale 13 29)
bad=0 tried=0 i=4
while [ $i -le "$n" ]; do
	c=$(printf '%s' "$payload" | cut -c$i)
	r=A; [ "$c" = A ] && r=B
	forged=$(printf '%s' "$payload" | cut -c1-$((i - 1)))$r$(printf '%s' "$payload" | cut -c$((i + 1))-)
	qrencode -o f.png -l M "$forged"
	qr-scan -T trust f.png > f.txt 2>/dev/null
	[ "$(col status f.txt)" = VALID ] && bad=$((bad + 1))
	tried=$((tried + 1))
	i=$((i + step))
done
check "no one-character change of $tried is VALID" [ "$bad" -eq 0 ]
qrencode -o garbage.png "IZ:THIS IS NOT A PERMIT"
expect 1 "our prefix with garbage" qr-scan -T trust garbage.png
check "MALFORMED" [ "$(col status out.txt)" = MALFORMED ]
# the key is genuine, but the permit claims another office
mkdir trust2 && sed 's/ JKTSEL / KANIM-SBY /' test-office.pub > trust2/k.pub
expect 1 "a key of another office" qr-scan -T trust2 card.png
check "KEY_NOT_VALID" [ "$(col status out.txt)" = KEY_NOT_VALID ]

# revocation
printf '%s\n' '# cancelled' '2C11JB0042-K exit permit 2026-11-20' > cancelled.txt
expect 0 "qr-revoke signs a list" qr-revoke $key --date 2026-11-22 -o revoked.txt cancelled.txt
has revoked.txt "^signature revoked 2026-11-22 35a4 " "the list ends with its signature line"
expect 1 "a revoked permit" qr-scan -T trust -R revoked.txt card.png other.png
check "REVOKED" [ "$(col status out.txt | head -n 1)" = REVOKED ]
check "REVOKED with the list's note" \
	[ "$(col detail out.txt | head -n 1)" = "exit permit 2026-11-20" ]
check "a permit not on the list stays VALID" [ "$(col status out.txt | tail -n 1)" = VALID ]
sed '2d' revoked.txt > dropped.txt
expect 2 "a list with a line removed is refused" qr-scan -T trust -R dropped.txt card.png
head -n 2 revoked.txt > unsigned.txt
expect 2 "an unsigned list is refused" qr-scan -T trust -R unsigned.txt card.png
has err.txt "revocation list refused" "the refusal is named"
printf '%s\n' '../etc' > bad.txt
expect 1 "qr-revoke names a bad line" qr-revoke $key bad.txt
has err.txt "^qr-revoke: bad.txt:1: permit: " "bad line with file and line"

# hostile and broken files: each gets its status, the run goes on
: > empty.png
head -c 300 card.png > truncated.png
head -c 2000 card50.jpg > truncated.jpg
printf 'not an image at all' > text.png
$im -size 1x1 xc:white tiny.png
printf 'P5\n100000 100000\n255\n' > huge.pgm
cp "$data/img-huge.png" huge.png
mkdir adir
expect 1 "a run over broken files" qr-scan -T trust empty.png truncated.png text.png tiny.png huge.pgm huge.png adir card.png
check "one record per file" [ "$(wc -l < out.txt)" -eq 9 ]
check "statuses in argument order" [ "$(col status out.txt | tr '\n' ' ')" = "UNREADABLE UNREADABLE UNREADABLE NO_CODE UNREADABLE UNREADABLE UNREADABLE VALID " ]
has err.txt "huge.png: image too large" "a 100000x100000 header is refused"
has err.txt "adir: not a regular file" "a folder is refused"
has err.txt "text.png: unsupported image format" "text is not an image"
expect 1 "a truncated JPEG is a status, not a crash" qr-scan -T trust truncated.jpg

# order and parallelism
for i in 1 2 3 4 5 6; do cp card.png c$i.png; cp web.png w$i.png; done
expect 1 "-j 4 over mixed files" qr-scan -T trust -j 4 c1.png w1.png c2.png w2.png c3.png w3.png c4.png w4.png
check "records follow the arguments" [ "$(col source out.txt | tr '\n' ' ')" = "c1.png w1.png c2.png w2.png c3.png w3.png c4.png w4.png " ]
expect 0 "--json" qr-scan -T trust --json card.png
has out.txt '^{"source":"card.png","status":"VALID","detail":"","permit":"2C11JB0042-K"' "JSON record"

# usage
expect 2 "no trust store" qr-scan card.png
expect 2 "missing trust path" qr-scan -T nowhere card.png
printf 'zzzz JKT 2026-01-01 2027-01-01 AAAA\n' > trust2/bad.pub
expect 2 "a malformed trust entry" qr-scan -T trust2 card.png
has err.txt "bad.pub:1: malformed key" "the entry is named by file and line"
expect 2 "--raw with -T" qr-scan --raw -T trust card.png
expect 0 "--help" qr-scan --help

done_testing
