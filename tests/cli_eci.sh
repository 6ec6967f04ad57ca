#!/bin/sh
# qr-scan's text of codes that are not permits, as UTF-8: codes made by
# Debian's qrencode in Kanji mode and in byte mode with Shift_JIS,
# ISO-8859-1 and UTF-8 data (qrencode writes no ECI; the ECI cases are
# in tests/check_qrbits.c).
. "$(dirname "$0")/lib.sh"

cp "$data/test-office.pub" .
mkdir trust && cp test-office.pub trust/

col() { awk -F'\t' -v c="$1" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) k = i; next } { print $k }' "$2"; }

jp=$(printf '\346\227\245\346\234\254\350\252\236\343\203\206\343\202\255\343\202\271\343\203\210')
check "the Japanese text converts to Shift_JIS" \
	[ "$(printf %s "$jp" | iconv -f UTF-8 -t SHIFT_JIS | od -An -tx1 | tr -d ' \n')" = 93fa967b8cea8365834c83588367 ]

# Kanji mode: Shift_JIS by the standard.
printf %s "$jp" | iconv -f UTF-8 -t SHIFT_JIS | qrencode -k -o kanji.png
expect 0 "Kanji mode: --raw" qr-scan --raw kanji.png
check "Kanji mode: --raw prints UTF-8" [ "$(cat out.txt)" = "$jp" ]
expect 1 "Kanji mode: a foreign code" qr-scan -T trust kanji.png
check "Kanji mode: FOREIGN" [ "$(col status out.txt)" = FOREIGN ]
check "Kanji mode: the record's text is UTF-8" [ "$(col text out.txt)" = "$jp" ]
expect 1 "Kanji mode: --inspect" qr-scan -T trust --inspect kanji.png
has out.txt "charset: Kanji mode Shift_JIS" "Kanji mode: read from the code's grid"

# Byte mode, no ECI: guessed as ZXing does.
printf %s "$jp" | iconv -f UTF-8 -t SHIFT_JIS | qrencode -8 -o sjis.png
expect 0 "Shift_JIS bytes: --raw" qr-scan --raw sjis.png
check "Shift_JIS bytes: --raw prints UTF-8" [ "$(cat out.txt)" = "$jp" ]
expect 1 "Shift_JIS bytes: a foreign code" qr-scan -T trust --json sjis.png
has out.txt "\"status\":\"FOREIGN\".*\"text\":\"$jp\"" \
	"Shift_JIS bytes: the JSON record's text is UTF-8"
expect 1 "Shift_JIS bytes: --inspect" qr-scan -T trust --inspect sjis.png
has out.txt "charset: guessed Shift_JIS" "--inspect names the charset"
has out.txt "as UTF-8: $jp" "--inspect shows the text as UTF-8"

printf 'caf\351 cr\350me br\373l\351e' | qrencode -8 -o latin1.png
expect 0 "Latin-1 bytes: --raw" qr-scan --raw latin1.png
check "Latin-1 bytes: --raw prints UTF-8" \
	[ "$(cat out.txt)" = "$(printf 'caf\303\251 cr\303\250me br\303\273l\303\251e')" ]

printf 'caf\303\251' | qrencode -8 -o utf8.png
expect 0 "UTF-8 bytes: --raw" qr-scan --raw utf8.png
check "UTF-8 bytes stay UTF-8, no mojibake" [ "$(cat out.txt)" = "$(printf 'caf\303\251')" ]
expect 1 "UTF-8 bytes: a foreign code" qr-scan -T trust utf8.png
check "UTF-8 bytes: the record's text" [ "$(col text out.txt)" = "$(printf 'caf\303\251')" ]

# A URL stays as it is, backslash and tilde too.
qrencode -8 -o url.png 'https://example.org/~ana/a\b'
expect 0 "a URL: --raw" qr-scan --raw url.png
check "a URL: ~ and \\ kept" [ "$(cat out.txt)" = 'https://example.org/~ana/a\b' ]

done_testing
