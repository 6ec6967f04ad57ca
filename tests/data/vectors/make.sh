#!/bin/sh
# make.sh - make izin's conformance vectors (README) with the real tools:
# qr-keygen, qr-trust, qr-revoke and qr-issue for the valid codes, text
# edits of their payloads for the invalid ones.
#
#   sh make.sh [--new-keys] [dir]
#
# writes trust.list, revoked.list and vectors.tsv into dir (default: this
# folder).  The TEST keys here are reused, so that the output is the same
# every time (Ed25519 signatures are deterministic); --new-keys makes new
# ones first.  The tools are taken from PATH.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
new=0
if [ "${1:-}" = --new-keys ]; then new=1; shift; fi
out=$(cd "${1:-$here}" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/izin-vectors.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"

# name office valid-from valid-until: the test keys, unencrypted
keys="root DITJENIM-TEST 2020-01-01 2099-12-31
jkt TEST-JKTSEL 2020-01-01 2099-12-31
dps TEST-DPS 2020-01-01 2030-12-31
mdn TEST-MDN 2020-01-01 2030-12-31
max TEST-SOEKARNO-HT 2020-01-01 2099-12-31
rogue TEST-ROGUE 2020-01-01 2099-12-31"
echo "$keys" | while read -r k office from until; do
	if [ $new = 1 ]; then
		root=; [ "$k" = root ] && root=--root
		qr-keygen -o "$here/test-$k" --office "$office" $root \
			--valid-from "$from" --valid-until "$until" \
			--no-passphrase -f
	fi
	cp "$here/test-$k.key" "$here/test-$k.pub" .
	chmod 600 "test-$k.key"
done

# The trust list: jkt, max and mdn as they are, mdn withdrawn from
# 2026-01-01, dps with its window cut to 2024 by an edit of its line
# (the key itself may sign to 2030), rogue left out.
sed 's/ 2030-12-31 / 2024-12-31 /' test-dps.pub > dps-cut.pub
qr-trust -k test-root.key --date 2026-01-01 --seq 1 \
	--next-update 2099-12-31 --withdraw "$(cut -d' ' -f1 test-mdn.pub)=2026-01-01" \
	-o trust.list test-jkt.pub dps-cut.pub test-mdn.pub test-max.pub
printf '%s\n' "2C11JB0099-K permit cancelled: test vector" |
	qr-revoke -k test-jkt.key --date 2026-01-01 \
	--next-update 2099-12-31 -o revoked.list

# issue KEY FIELDS...: the payload of one sealed permit
issue() {
	k=$1; shift
	qr-issue -k "test-$k.key" -t text -f -o code.txt "$@" |
		awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++)
		                        if ($i == "payload") c = i; next }
		            { print $c }'
}
ana="--index E33G --name Ana --nationality BRA --passport FX123456
	--birth 1990-05-17 --sex F"

# Base45 text edits.  next CHAR: the alphabet's next character (the one
# before for the last), so a group's value moves by one.
b45='0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:'
next() {
	case $1 in
	:) echo /;;
	*) r=${b45#*"$1"}; printf '%.1s\n' "$r";;
	esac
}
# edit TEXT POS: TEXT with its character at POS (0 first) moved by one
edit() {
	pre=$(printf '%s' "$1" | cut -c1-"$2")
	c=$(printf '%s' "$1" | cut -c$(($2 + 1)))
	post=$(printf '%s' "$1" | cut -c$(($2 + 2))-)
	printf '%s%s%s\n' "$pre" "$(next "$c")" "$post"
}

{
printf 'name\tpayload\ton\tstatus\tdetail\tstate\n'
v() { printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$@"; }

itk=$(issue jkt --permit A1234567 --kind ITK $ana --issued 2026-03-01 \
	--valid-until 2026-04-29)
v valid-itk "$itk" 2026-03-10 VALID "" VALID
itas=$(issue jkt --permit 2C11JB0042-K --kind ITAS $ana \
	--issued 2026-03-01 --valid-until 2027-02-28 --sponsor "PT Contoh" \
	--address "Jl. Merdeka 1, Bandung")
v valid-itas "$itas" 2026-06-01 VALID "" VALID
itap=$(issue jkt --permit 2D11JB0007-P --kind ITAP --index E33D \
	--name "Johannes Wilhelm van der Bergh" --nationality NLD \
	--passport NX8K2L4P1 --birth 1985-03-14 --sex M --issued 2026-03-01 \
	--valid-until 2031-02-28)
v valid-itap "$itap" 2026-06-01 VALID "" VALID
v valid-itas-last-day "$itas" 2027-02-28 VALID "" EXPIRING
v expired "$itas" 2027-03-01 VALID "" EXPIRED
ny=$(issue jkt --permit 2C11JB0043-K --kind ITAS $ana --issued 2026-03-01 \
	--valid-from 2026-09-01 --valid-until 2027-08-31)
v not-yet-valid "$ny" 2026-06-01 VALID "" NOT_YET_VALID
maxp=$(issue max --permit 2C11JB0042-K/ABCDEF-1234 --kind ITAS \
	--index E33GABCD --nationality D\<\< --passport ABCDEFGH12345678 \
	--name "$(printf 'N%.0s' $(seq 96))" \
	--sponsor "$(printf 'S%.0s' $(seq 96))" \
	--address "$(printf 'A%.0s' $(seq 128))" --birth 1900-01-01 --sex X \
	--issued 2026-03-01 --valid-until 2179-06-06)
v max-fields "$maxp" 2026-06-01 VALID "" VALID
minp=$(issue jkt --permit 1 --kind ITK --index C --name A --nationality \
	D\<\< --passport 1 --birth 2000-01-01 --sex M --issued 2026-03-01 \
	--valid-until 2026-03-01)
v min-fields "$minp" 2026-03-01 VALID "" EXPIRING
utf=$(issue jkt --permit 2C11JB0044-K --kind ITAS --index E33G \
	--name "Zoë Ñúñez Çelik 王小明" --nationality CHN --passport E1234567 \
	--birth 1992-02-29 --sex X --issued 2026-03-01 \
	--valid-until 2027-02-28 --address "Jl. Kemang Raya № 12, Jakarta")
v utf8-name "$utf" 2026-06-01 VALID "" VALID
mdnok=$(issue mdn --permit 2C11JB0045-K --kind ITAS $ana \
	--issued 2025-12-31 --valid-until 2026-12-30)
v withdrawn-key-before "$mdnok" 2026-06-01 VALID "" VALID
mdnbad=$(issue mdn --permit 2C11JB0046-K --kind ITAS $ana \
	--issued 2026-01-01 --valid-until 2026-12-31)
v withdrawn-key-after "$mdnbad" 2026-06-01 KEY_NOT_VALID \
	"key withdrawn from 2026-01-01" UNVERIFIED
dps=$(issue dps --permit 2C11JB0047-K --kind ITAS $ana \
	--issued 2026-03-01 --valid-until 2027-02-28)
v key-window "$dps" 2026-06-01 KEY_NOT_VALID \
	"outside the key's validity window" UNVERIFIED
rogue=$(issue rogue --permit 2C11JB0048-K --kind ITAS $ana \
	--issued 2026-03-01 --valid-until 2027-02-28)
v unknown-key "$rogue" 2026-06-01 UNKNOWN_KEY "" UNVERIFIED
rev=$(issue jkt --permit 2C11JB0099-K --kind ITAS $ana \
	--issued 2026-03-01 --valid-until 2027-02-28)
v revoked "$rev" 2026-06-01 REVOKED "permit cancelled: test vector" \
	UNVERIFIED

# Invalid ones, edits of valid-itas: 216 characters, 142 bytes: version
# 0, kid 1-2, kind and sex 3, dates 4-11, count 12, codes 13-40, name
# 41-44, sponsor 45-54, address 55-77, signature 78-141.  Bytes 2k and
# 2k+1 are characters 3+3k to 5+3k, the first of them the low byte's.
n=${#itas}
# byte 43 ('n' of "Ana") is the low byte of group 21, characters 66-68
v body-char "$(edit "$itas" 66)" 2026-06-01 BAD_SIGNATURE "" UNVERIFIED
v signature-char "$(edit "$itas" $((n - 30)))" 2026-06-01 BAD_SIGNATURE \
	"" UNVERIFIED
# group 0's last character: the version byte moves by 7 or 8
v version "$(edit "$itas" 5)" 2026-06-01 MALFORMED "unknown version" \
	UNVERIFIED
# group 1's last character: the kind and sex byte gets spare bits
v kind-spare-bits "$(edit "$itas" 8)" 2026-06-01 MALFORMED \
	"kind: non-canonical encoding" UNVERIFIED
v truncated "$(printf '%s' "$itas" | cut -c1-60)" 2026-06-01 MALFORMED \
	"truncated" UNVERIFIED
# the last two bytes cut: the signature is taken from the end, so the
# body loses its last two bytes
v truncated-end "$(printf '%s' "$itas" | cut -c1-$((n - 3)))" \
	2026-06-01 MALFORMED "address: truncated" UNVERIFIED
v prefix-only "IZ:" 2026-06-01 MALFORMED "truncated" UNVERIFIED
v trailing-bytes "${itas}000" 2026-06-01 MALFORMED \
	"trailing bytes" UNVERIFIED
# longer than any permit's text (672 characters after the prefix)
v too-long "IZ:$(printf '000%.0s' $(seq 225))" 2026-06-01 MALFORMED \
	"trailing bytes" UNVERIFIED
v base45-length "${itas}0" 2026-06-01 MALFORMED "invalid Base45" UNVERIFIED
v base45-group "IZ:GGW${itas#IZ:???}" 2026-06-01 MALFORMED \
	"invalid Base45" UNVERIFIED
v base45-char "$(printf '%s' "$itas" | sed 's/^\(.\{40\}\)./\1#/')" \
	2026-06-01 MALFORMED "invalid Base45" UNVERIFIED
v lower-case-body "IZ:$(printf '%s' "${itas#IZ:}" | tr A-Z a-z)" \
	2026-06-01 MALFORMED "invalid Base45" UNVERIFIED
v lower-case "$(printf '%s' "$itas" | tr A-Z a-z)" 2026-06-01 FOREIGN "" \
	UNVERIFIED
v wrong-prefix "IX:${itas#IZ:}" 2026-06-01 FOREIGN "" UNVERIFIED
v foreign-url "https://www.imigrasi.go.id/" 2026-06-01 FOREIGN "" UNVERIFIED
} > vectors.tsv
cp trust.list revoked.list vectors.tsv "$out/"
