#!/bin/sh
# The national trust list over the real binaries: a root key, qr-trust
# making, showing and checking lists, qr-scan taking a signed list with
# the root, a key theft and its withdrawal, rollback, stale lists, key
# rotation, and forged or damaged lists.
. "$(dirname "$0")/lib.sh"

col() { awk -F'\t' -v c="$1" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) k = i; next } { print $k }' "$2"; }
kg() { qr-keygen --no-passphrase --valid-from 2026-01-01 --valid-until 2030-12-31 "$@" > /dev/null; }
card() { # card KEY OUT PERMIT ISSUED
	qr-issue -k "$1" -o "$2" --permit "$3" --kind ITAS --index E33G \
		--name Ana --nationality BRA --passport FX1 --birth 1990-05-17 \
		--sex F --issued "$4" --valid-until 2028-03-01 > /dev/null
}

kg -o root --office DITJENIM --root
kg -o jktsel --office KANIM-JKTSEL
kg -o sby --office KANIM-SBY
kg -o other --office DITJENIM --root
check "a root key's public line says root" \
	[ "$(awk '{ print NF, $6 }' root.pub)" = "6 root" ]
check "an office key's public line keeps its five words" \
	[ "$(awk '{ print NF }' jktsel.pub)" = 5 ]
check "the root's secret key file is 0600" \
	[ "$(stat -c %a root.key)" = 600 ]
kid=$(cut -d' ' -f1 jktsel.pub)

# the root signs, an office never
expect 0 "the root signs a trust list" \
	qr-trust -k root.key --date 2026-06-01 --seq 7 --next-update 2027-01-31 \
	-o list7 jktsel.pub sby.pub
check "the list's first line holds its numbers" \
	[ "$(head -n 1 list7)" = "trust-list 7 2026-06-01 2027-01-31" ]
has list7 "^signature trust 2026-06-01 " "the list is a signed list of kind trust"
expect 2 "an office key may not sign a trust list" \
	qr-trust -k jktsel.key --date 2026-06-01 --seq 7 --next-update 2027-01-31 \
	jktsel.pub
has err.txt "office key may not sign a trust list" "and says so"
expect 2 "a root key may not stand in a list" \
	qr-trust -k root.key --seq 9 --next-update 2030-01-01 jktsel.pub other.pub
has err.txt "other.pub: key .* is a root key" "the file is named"
expect 2 "a key given twice is refused" \
	qr-trust -k root.key --seq 9 --next-update 2030-01-01 jktsel.pub jktsel.pub
has err.txt "given twice" "the duplicate is named"
expect 2 "a next update before the issue date" \
	qr-trust -k root.key --date 2026-06-01 --seq 9 --next-update 2026-05-01 jktsel.pub
expect 2 "--seq 0 is refused" \
	qr-trust -k root.key --seq 0 --next-update 2030-01-01 jktsel.pub
expect 2 "--withdraw of no listed key" \
	qr-trust -k root.key --seq 9 --next-update 2030-01-01 --withdraw ffff=2026-09-15 sby.pub
expect 1 "a root key may not seal a permit" \
	card root.key rootcard.png 2C11JB0099-K 2026-03-01
has err.txt "wrong role" "qr-issue says why"
check "and writes no card" [ ! -e rootcard.png ]

# --show and --check
expect 0 "--show prints a list" qr-trust --show list7
has out.txt "^seq 7$" "--show: the number"
has out.txt "^next-update 2027-01-31$" "--show: the next update"
has out.txt "^signature not checked" "--show without --root says it did not check"
has out.txt "^$kid	KANIM-JKTSEL	2026-01-01	2030-12-31	$" "--show: a key and its window"
expect 0 "--check: a good list" qr-trust --check --root root.pub --on 2026-07-01 list7
expect 1 "--check: a stale list exits 1" \
	qr-trust --check --root root.pub --on 2027-02-01 list7
has out.txt "stale" "and says stale"
expect 0 "--check on the next-update day is still fresh" \
	qr-trust --check --root root.pub --on 2027-01-31 list7
expect 2 "--check with another root exits 2" \
	qr-trust --check --root other.pub --on 2026-07-01 list7
expect 2 "--check needs --root" qr-trust --check list7

# the theft: the JKTSEL key is stolen on 2026-09-15
card jktsel.key before.png 2C11JB0001-K 2026-03-01
card jktsel.key forged.png 2C11JB0666-K 2026-10-01
card sby.key sby.png 2C11JB0002-K 2026-10-01
scan="qr-scan --root root.pub --on 2026-11-01"
expect 0 "under the old list the thief's card still passes" $scan -T list7 forged.png
expect 0 "the root withdraws the stolen key" \
	qr-trust -k root.key --date 2026-09-20 --seq 8 --next-update 2027-01-31 \
	--withdraw "$kid=2026-09-15" -o list8 jktsel.pub sby.pub
has list8 "^$kid KANIM-JKTSEL 2026-01-01 2026-09-14 .* withdrawn 2026-09-15$" \
	"the key's window ends the day before the theft, marked withdrawn"
expect 0 "--show names the withdrawal" qr-trust --show --root root.pub list8
has out.txt "^$kid	KANIM-JKTSEL	2026-01-01	2026-09-14	2026-09-15$" "--show: withdrawn from"
has out.txt "^signature good" "--show with --root checked it"
expect 1 "a card sealed after the theft is refused" $scan -T list8 forged.png
check "KEY_NOT_VALID" [ "$(col status out.txt)" = KEY_NOT_VALID ]
check "the detail says the key was withdrawn" \
	[ "$(col detail out.txt)" = "key withdrawn from 2026-09-15" ]
expect 0 "a card sealed before the theft stays VALID" $scan -T list8 before.png
check "VALID, no detail" [ "$(col status out.txt)/$(col detail out.txt)" = VALID/ ]
expect 0 "another office's card is untouched" $scan -T list8 sby.png
expect 2 "a withdrawal before the key's first day" \
	qr-trust -k root.key --seq 9 --next-update 2030-01-01 \
	--withdraw "$kid=2026-01-01" jktsel.pub

# rollback: a state folder keeps the newest list's number
mkdir st
expect 0 "list 8 is accepted and recorded" \
	$scan -T list8 --trust-state st before.png
check "the state file is there" [ -f "st/trust-$(cut -d' ' -f1 root.pub)" ]
expect 0 "the same list again is fine" $scan -T list8 --trust-state st before.png
expect 2 "a rollback to list 7 is refused" $scan -T list7 --trust-state st forged.png
has err.txt "list7: trust list 7 is older than list 8 already accepted" \
	"the list and both numbers are named"
check "nothing was scanned" [ ! -s out.txt ]
qr-trust -k root.key --date 2026-09-21 --seq 8 --next-update 2027-01-31 \
	--withdraw "$kid=2026-09-15" -o list8b jktsel.pub sby.pub
expect 2 "another list with the same number is refused" \
	$scan -T list8b --trust-state st before.png
has err.txt "differs from the list 8" "and named"
expect 2 "--trust-state needs --root" qr-scan -T jktsel.pub --trust-state st before.png

# a stale trust list, then both lists checked in one run
expect 1 "a stale trust list: VALID with a warning, exit 1" \
	qr-scan -T list8 --root root.pub --on 2027-02-01 before.png
check "still VALID" [ "$(col status out.txt)" = VALID ]
check "the warning detail" [ "$(col detail out.txt)" = "trust list stale since 2027-01-31" ]
has err.txt "stale since 2027-01-31" "a warning on stderr too"
expect 0 "--allow-stale exits 0" \
	qr-scan -T list8 --root root.pub --on 2027-02-01 --allow-stale before.png
check "and keeps the warning" [ "$(col detail out.txt)" = "trust list stale since 2027-01-31" ]
printf '2C11JB0002-K exit permit\n' > rev.txt
expect 0 "a revocation list with a next update" \
	qr-revoke -k jktsel.key --date 2026-09-01 --next-update 2026-10-31 -o rev rev.txt
check "its first line is the next update" [ "$(head -n 1 rev)" = "next-update 2026-10-31" ]
expect 2 "a next update before the signing date" \
	qr-revoke -k jktsel.key --date 2026-09-01 --next-update 2026-08-31 rev.txt
expect 1 "trust list and revocation list in one run" \
	qr-scan -T list8 --root root.pub -R rev --on 2026-11-01 before.png sby.png forged.png
check "three verdicts" [ "$(col status out.txt | tr '\n' ' ')" = "VALID REVOKED KEY_NOT_VALID " ]
check "the stale revocation list warns on the VALID card" \
	[ "$(col detail out.txt | head -n 1)" = "revocation list stale since 2026-10-31" ]
expect 0 "both fresh: exit 0" qr-scan -T list8 --root root.pub -R rev --on 2026-10-31 before.png
qr-revoke -k jktsel.key --date 2026-09-01 -o rev-old rev.txt
expect 0 "a revocation list without a next update is never stale" \
	qr-scan -T list8 --root root.pub -R rev-old --on 2029-01-01 --allow-stale before.png
check "only the trust list warns" [ "$(col detail out.txt)" = "trust list stale since 2027-01-31" ]
expect 1 "both stale: both warnings" \
	qr-scan -T list8 --root root.pub -R rev --on 2027-03-01 before.png
check "both named" [ "$(col detail out.txt)" = "trust list stale since 2027-01-31; revocation list stale since 2026-10-31" ]

# key rotation: two JKTSEL keys with overlapping windows
qr-keygen --no-passphrase --valid-from 2026-08-01 --valid-until 2031-12-31 \
	-o jktsel2 --office KANIM-JKTSEL > /dev/null
qr-trust -k root.key --date 2026-09-01 --seq 20 --next-update 2027-01-31 \
	-o rot jktsel.pub jktsel2.pub
card jktsel2.key new.png 2C11JB0003-K 2026-09-01
card jktsel.key old.png 2C11JB0004-K 2026-09-01
expect 0 "rotation: both keys verify their own cards" \
	qr-scan -T rot --root root.pub --on 2026-10-01 new.png old.png
check "both VALID" [ "$(col status out.txt | tr '\n' ' ')" = "VALID VALID " ]
check "by two key ids" [ "$(col kid out.txt | sort -u | wc -l)" -eq 2 ]

# forged and damaged lists, each refused whole with exit 2
expect 2 "a signed list without --root is not read as .pub files" \
	qr-scan -T list8 before.png
has err.txt "give --root" "and says what is missing"
sed '$d' list8 > unsigned
expect 2 "an unsigned list" $scan -T unsigned before.png
has err.txt "unsigned:3: trust list refused: no signature line" "the line is named"
sed "s/2026-09-14 /2026-12-31 /; s/ withdrawn 2026-09-15/ withdrawn 2027-01-01/" list8 > altered
expect 2 "an altered list (the withdrawal undone)" $scan -T altered forged.png
has err.txt "bad signature" "bad signature"
qr-trust -k other.key --date 2026-09-20 --seq 9 --next-update 2027-01-31 \
	-o wrongroot jktsel.pub
expect 2 "a list signed by another root" $scan -T wrongroot before.png
has err.txt "unknown key" "unknown key"
expect 2 "an office key given as the root" \
	qr-scan -T list8 --root jktsel.pub --on 2026-11-01 before.png
i=1
n=$(wc -l < list8)
while [ $i -lt "$n" ]; do
	head -n $i list8 > cut
	expect 2 "the list cut after line $i" $scan -T cut before.png
	i=$((i + 1))
done
head -c 100 list8 > mid
expect 2 "the list cut inside a line" $scan -T mid before.png

expect 0 "qr-trust --help" qr-trust --help
has out.txt "--withdraw kid=date" "--help lists --withdraw"
expect 2 "--show and --check contradict" qr-trust --show --check list8
expect 2 "no .pub file to list" qr-trust -k root.key --seq 1 --next-update 2030-01-01
done_testing
