#!/bin/sh
# qr-scan --inspect over the real binaries: cards from qr-issue and from
# Debian's qrencode taken apart; a forged seal, an unknown key, a revoked
# permit, a foreign code and damaged texts (--text) each told as such.
. "$(dirname "$0")/lib.sh"

cp "$data/test-office.key" "$data/test-office.pass" "$data/test-office.pub" \
	"$data/test-plain.key" "$data/test-plain.pub" .
chmod 600 test-office.key test-plain.key
key="-k test-office.key --passphrase-file test-office.pass"
col() { awk -F'\t' -v c="$1" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) k = i; next } { print $k }' "$2"; }
one="--kind ITAS --index E33G --name Ana --nationality BRA --passport FX1 --birth 1990-05-17 --sex F --issued 2026-03-01 --valid-until 2027-03-01"
kid=$(cut -d' ' -f1 test-office.pub)

qr-issue $key -o card.png --permit 2C11JB0042-K $one > reg.tsv
payload=$(col payload reg.tsv)
len=${#payload}

expect 0 "a valid card: exit 0" qr-scan -T test-office.pub --inspect card.png
has out.txt "^card.png: code 1: $len characters\$" "names the image, the code, the length"
has out.txt "^       0  IZ:" "the text, with its offsets"
has out.txt "^       -      3 0-2     prefix      IZ:\$" "the prefix"
has out.txt "^       0      1 3-5     version     1\$" "the version at byte 0"
has out.txt "^       1      2 3-8     kid         $kid\$" "the key id at bytes 1-2"
has out.txt "^       3      1 6-8     kind        ITAS\$" "the kind"
has out.txt "^      13      8 21-35   permit      2C11JB0042-K\$" "the permit number's groups"
has out.txt " name        Ana\$" "the name"
has out.txt "^                      03 41 6e 61\$" "the name's bytes in hex"
sig=$(grep ' signature ' out.txt)
check "the signature is the last 64 bytes" [ "$(echo $sig | cut -d' ' -f2)" = 64 ]
check "its hex folded over four lines" [ "$(grep -A4 ' signature ' out.txt | grep -c '^                      [0-9a-f][0-9a-f] ')" -eq 4 ]
has out.txt "^    $kid JKTSEL 2020-01-01..2099-12-31: signature good" "the key tried and its answer"
has out.txt "^  status: VALID\$" "status VALID"
expect 0 "the same from standard input" sh -c 'qr-scan -T test-office.pub --inspect - < card.png'
has out.txt "^-: code 1:" "stdin named -"

# a decoder we did not write made this one; its text is changed in one
# place: character 57 carries the low byte of bytes 36-37, the "n" of
# "Ana", which moves to "o": the seal fails, the parts still read
b45='0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:'
c=$(printf '%s' "$payload" | cut -c58)
r=${b45#*"$c"}
forged=$(printf '%s' "$payload" | cut -c1-57)$(printf '%.1s' "$r")$(printf '%s' "$payload" | cut -c59-)
check "the forgery differs from the original" [ "$forged" != "$payload" ]
qrencode -o forged.png -l M "$forged"
expect 1 "a forged card: exit 1" qr-scan -T test-office.pub --inspect forged.png
has out.txt ": signature bad\$" "the signature fails"
has out.txt "^  status: BAD_SIGNATURE\$" "status BAD_SIGNATURE"
has out.txt " name        Aoa\$" "the changed name is shown"

qr-issue -k test-plain.key -o stranger.png --permit 2C11JB0044-K $one > /dev/null
expect 1 "a key not in the store" qr-scan -T test-office.pub --inspect stranger.png
has out.txt "no key with that id in the trust store" "says no key has the id"
has out.txt "^  status: UNKNOWN_KEY\$" "status UNKNOWN_KEY"

printf '2C11JB0042-K lost card\n' | qr-revoke $key --next-update 2099-12-31 -o rev.list
expect 1 "a revoked card" qr-scan -T test-office.pub -R rev.list --inspect card.png
has out.txt "signature good" "its seal holds"
has out.txt "^  revocation lists: 2C11JB0042-K listed: lost card\$" "the list names it"
has out.txt "^  status: REVOKED\$" "status REVOKED"
has out.txt "^  detail: lost card\$" "with the list's note"

qrencode -o web.png "https://www.imigrasi.go.id/"
expect 1 "a foreign code" qr-scan -T test-office.pub --inspect web.png
has out.txt "^       0  https://www.imigrasi.go.id/\$" "its text is shown"
has out.txt "^  fault at text offset 0: not an izin payload" "where it stops"
has out.txt "^  status: FOREIGN\$" "status FOREIGN"

# payload texts, no image
{
	printf '%s\n' "$payload"
	printf '%s\n' "$payload" | cut -c1-60
	printf '%s\n' "$payload" | sed 's/^\(.\{40\}\)./\1#/'
	printf 'IZ:\001\n'
} > texts.txt
expect 1 "--text reads one payload a line" qr-scan -T test-office.pub --inspect --text texts.txt
has out.txt "^texts.txt:1: $len characters\$" "the file and line"
check "the first is VALID" [ "$(grep -c '^  status: VALID$' out.txt)" -eq 1 ]
has out.txt "^texts.txt:2: 60 characters\$" "a cut one"
has out.txt "^  fault at byte 38 (text offset 60): truncated (read no further)\$" "stops where the bytes end"
has out.txt "^  fault at text offset 40: invalid Base45" "a bad character's offset"
has out.txt "^       0  IZ:\\\\x01\$" "a control byte is shown escaped"
check "four codes, four statuses" [ "$(grep -c '^  status: ' out.txt)" -eq 4 ]
expect 1 "--text without --inspect gives records" qr-scan -T test-office.pub --text texts.txt
check "four records" [ "$(col status out.txt | tr '\n' ' ')" = "VALID MALFORMED MALFORMED MALFORMED " ]
expect 0 "--text from standard input" sh -c "printf '%s\n' '$payload' | qr-scan -T test-office.pub --text -"
expect 1 "--text on a missing file, as an unreadable image" qr-scan -T test-office.pub --text nosuch.txt
has err.txt "nosuch.txt" "names the file"
expect 2 "--inspect with --json" qr-scan -T test-office.pub --inspect --json card.png
expect 2 "--inspect with --raw" qr-scan --raw --inspect card.png
done_testing
