#!/bin/sh
# qr-scan's geometry stage over photos the test makes itself
# (tests/distort.sh): permits from qr-issue on a card tilted until one
# side of the code is 60% of the other, and on a passport page curving up
# to the spine, each with the code small (3-4 px modules) and large
# (8-10 px); each must come back VALID with its own permit number.  The
# mild versions of both are the controls the plain pass reads already:
# when they fail, the photos and not the stage are wrong.
. "$(dirname "$0")/lib.sh"
. "$top/tests/distort.sh"

cp "$data/test-office.key" "$data/test-office.pass" "$data/test-office.pub" .
chmod 600 test-office.key
key="-k test-office.key --passphrase-file test-office.pass"
mkdir trust && cp test-office.pub trust/

# column by header name of a TSV file
col() { awk -F'\t' -v c="$1" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) k = i; next } { print $k }' "$2"; }

# Three permits with the register's full fields: QR version 10, as the
# offices issue them.
{
	echo "permit,kind,index,name,nationality,passport,birth,sex,issued,valid_until,sponsor,address"
	for i in 1 2 3; do
		echo "2C11JB00070$i-K,ITAS,E33G,Johannes Wilhelm van der Berg $i,NLD,NX8K0000$i,1985-03-14,M,2026-11-20,2027-11-19,PT Mitra Teknik Nusantara,\"Jl. Kemang Raya No. $i, Jakarta\""
	done
} > batch.csv
expect 0 "qr-issue seals three permits" qr-issue $key --batch batch.csv -d png
check "three images" [ "$(ls png | wc -l)" -eq 3 ]
check "version 10 codes (57 modules and a 4-module margin at 4 px)" \
	[ "$($_did -format %w png/2C11JB000701-K.png)" -eq 260 ]

# photo KIND SIZE VARIANT PERMIT: make KIND-SIZE-VARIANT.jpg and assert
# that qr-scan finds the one permit in it, VALID
photo() {
	_f=$1-$2-$3.jpg
	case $1 in
	perspective) distort_perspective "png/$4.png" "$_f" "$2" "$3" ;;
	curve) distort_curve "png/$4.png" "$_f" "$2" "$3" ;;
	mild-perspective) DISTORT_MILD=1 distort_perspective "png/$4.png" "$_f" "$2" "$3" ;;
	mild-curve) DISTORT_MILD=1 distort_curve "png/$4.png" "$_f" "$2" "$3" ;;
	esac
	check "$_f made" [ -s "$_f" ]
	expect 0 "$_f: $1 at $2 px, variant $3, is read" qr-scan -T trust "$_f"
	check "$_f: one record, VALID, permit $4" one_valid "$4"
}
# one_valid PERMIT: out.txt holds one record, VALID, for PERMIT
one_valid() {
	[ "$(wc -l < out.txt)" -eq 2 ] && [ "$(col status out.txt)" = VALID ] &&
		[ "$(col permit out.txt)" = "$1" ]
}

# the controls: the gentle versions go through today's plain pass
photo mild-perspective 300 1 2C11JB000701-K
photo mild-curve 300 2 2C11JB000702-K

# The small size puts 3-4 px in a module (220 px for 57 modules), the
# large 8-10 (520 px).  The variants turn the short side and the spine to
# each of the four sides.
photo perspective 220 1 2C11JB000701-K
photo perspective 220 2 2C11JB000702-K
photo perspective 520 3 2C11JB000703-K
photo perspective 520 4 2C11JB000701-K
photo curve 220 1 2C11JB000702-K
photo curve 220 2 2C11JB000703-K
photo curve 520 3 2C11JB000701-K
photo curve 520 4 2C11JB000702-K

done_testing
