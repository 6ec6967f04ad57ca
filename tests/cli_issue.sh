#!/bin/sh
# qr-issue over the real binaries: batches, bad rows, file naming, output
# types, and every PNG read back by zbarimg, a decoder we did not write.
. "$(dirname "$0")/lib.sh"

cp "$data/test-office.key" "$data/test-office.pass" "$data/test-office.pub" .
chmod 600 test-office.key
key="-k test-office.key --passphrase-file test-office.pass"
zbar="zbarimg -q --raw -Sdisable -Sqrcode.enable"

# column N of a TSV register, by header name
col() { awk -F'\t' -v c="$1" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) k = i; next } { print $k }' "$2"; }

# N (200) permits with names of several scripts and quoted commas
N=$(scale 200 30)
awk -v rows="$N" 'BEGIN {
	print "permit,kind,index,name,nationality,passport,birth,sex,issued,valid_until,sponsor,address"
	split("ITK ITAS ITAP", k, " ")
	split("Ana María Souza|王小明|Nguyễn Văn An|O\x27Brien, Patrick|محمد علي|Jean-Luc Picard", n, "|")
	for (i = 1; i <= rows; i++)
		printf "B%05d-K,%s,C312,\"%s %d\",BRA,FX%06d,1980-01-%02d,%s,2026-03-01,2027-02-%02d,\"PT Contoh, Tbk\",Jl. Merdeka %d\n",
			i, k[i % 3 + 1], n[i % 6 + 1], i, i, i % 28 + 1, substr("MFX", i % 3 + 1, 1), i % 28 + 1, i
}' > batch.csv
mkdir cards
expect 0 "$N-row batch issues" qr-issue $key --batch batch.csv -d cards
cp out.txt register.tsv
check "register has $N records and a header" [ "$(wc -l < register.tsv)" -eq $((N + 1)) ]
check "$N PNG files written" [ "$(ls cards | grep -c '\.png$')" -eq $N ]
col file register.tsv > files.txt
col payload register.tsv > payloads.txt
# shellcheck disable=SC2046
$zbar $(cat files.txt) > decoded.txt 2>/dev/null
check "zbarimg decodes every PNG to exactly its payload" cmp -s decoded.txt payloads.txt
check "register keeps input order" [ "$(head -n 1 files.txt)" = "cards/B00001-K.png" ] 
has register.tsv "	王小明 1	" "UTF-8 names reach the register unchanged"
check "no temporary files left" [ -z "$(ls -A cards | grep -v '\.png$')" ]

# the same batch on one thread gives the same register (payloads differ
# only if signing were not deterministic; Ed25519 is)
mkdir cards1
expect 0 "-j 1 issues the batch" qr-issue $key -j 1 --batch batch.csv -d cards1
sed 's#cards1/#cards/#' out.txt > register1.tsv
check "-j 1 and -j all give the same register" cmp -s register.tsv register1.tsv

# existing files are kept unless --force
expect 1 "re-issuing into a full folder fails" qr-issue $key --batch batch.csv -d cards
has err.txt "batch.csv:2: cards/B00001-K.png: file exists" "existing file reported with its line"
check "nothing printed for permits not issued" [ ! -s out.txt ]
expect 0 "--force overwrites" qr-issue $key -f --batch batch.csv -d cards

# five kinds of bad rows, and quoting that spans lines
printf '%s\r\n' \
	'permit,kind,index,name,nationality,passport,birth,sex,issued,valid_until,address' \
	'G1,ITAS,E33G,Good One,NLD,P1,1985-03-14,M,2026-03-01,2027-03-01,Jl. A 1' \
	'B1,ITAS,E33G,Bad Date,NLD,P2,2025-02-29,M,2026-03-01,2027-03-01,' \
	'B2,VISA,E33G,Bad Kind,NLD,P3,1985-03-14,M,2026-03-01,2027-03-01,' \
	'G2,ITK,C312,"Müller, ""Hans""' \
	'Peter",DEU,P4,1970-01-01,M,2026-03-01,2026-05-01,"Jl. B 2,' \
	'Bandung"' \
	'B3,ITAS,E33G,Bad Sex,NLD,P5,1985-03-14,Q,2026-03-01,2027-03-01,' \
	'G1,ITAS,E33G,Duplicate,NLD,P6,1985-03-14,M,2026-03-01,2027-03-01,' \
	'B5,ITAS,E33G,Short Row,NLD' \
	'B6,ITAS,E33G,Bad "quote",NLD,P7,1985-03-14,M,2026-03-01,2027-03-01,' \
	'B7,ITAS,E33G,Before From,NLD,P8,1985-03-14,M,2026-03-01,2026-02-01,' \
	'G3,ITAP,E33G,Last Good,FRA,P9,1985-03-14,F,2026-03-01,2036-03-01,' \
	> bad.csv
printf '\357\273\277' | cat - bad.csv > bom.csv
mkdir badout
expect 1 "a batch with bad rows exits 1" qr-issue $key --batch bom.csv -d badout
has err.txt "^qr-issue: bom.csv:3: birth: invalid date" "bad date named with line and field"
has err.txt "^qr-issue: bom.csv:4: kind: " "bad kind named"
has err.txt "^qr-issue: bom.csv:8: sex: " "bad sex named (line after a 3-line row)"
has err.txt "^qr-issue: bom.csv:9: permit: duplicate" "duplicate permit number is an error for the second"
has err.txt "^qr-issue: bom.csv:10: 5 cells" "short row named"
has err.txt "^qr-issue: bom.csv:11: malformed CSV" "bad quoting named"
has err.txt "^qr-issue: bom.csv:12: valid_until: dates out of order" "date order named"
check "the three good rows are issued" [ "$(ls badout | wc -l)" -eq 3 ]
check "register has the three good rows" [ "$(wc -l < out.txt)" -eq 4 ]
has out.txt '	Müller, "Hans" Peter	' "a quoted name over two lines reads as one line"
has out.txt '	Jl. B 2, Bandung	' "a quoted address over two lines reads as one line"
$zbar badout/G2.png > g2.txt 2>/dev/null
col payload out.txt | sed -n 2p > g2want.txt
check "the multi-line name's image decodes to its payload" cmp -s g2.txt g2want.txt

# a dry run checks everything, signs and writes nothing, asks nothing
mkdir dry
expect 1 "--dry-run reports the bad rows" qr-issue -k test-office.key -n --batch bad.csv -d dry < /dev/null
has err.txt "bad.csv:3: birth" "--dry-run names bad rows"
check "--dry-run writes no file" [ -z "$(ls -A dry)" ]
check "--dry-run prints no register" [ ! -s out.txt ]
head -n 2 bad.csv > good.csv
expect 0 "--dry-run of a good batch exits 0 without a passphrase" qr-issue -k test-office.key -n --batch good.csv < /dev/null

# file names never leave the folder
mkdir safe
expect 0 "permit number with slashes" qr-issue $key -d safe --permit 2C11/JB/0042 --kind ITAS \
	--index E33G --name "Ana" --nationality BRA --passport FX1 --birth 1990-05-17 --sex F \
	--valid-until 2099-01-01
check "slashes become underscores inside the folder" [ -f safe/2C11_JB_0042.png ]
expect 1 "a path-like permit number is refused" qr-issue $key -d safe --permit ../../x --kind ITAS \
	--index E33G --name "Ana" --nationality BRA --passport FX1 --birth 1990-05-17 --sex F \
	--valid-until 2099-01-01
has err.txt "^qr-issue: --permit: character not allowed" "the refusal names the option"
check "nothing written outside" sh -c '[ ! -e ../x.png ] && [ ! -e x.png ]' 

# output types and -o
one="--permit T1 --kind ITK --index C312 --name Ana --nationality BRA --passport FX1 --birth 1990-05-17 --sex F --issued 2026-03-01 --valid-until 2026-04-01"
expect 0 "-t text -o - prints the payload" qr-issue $key -t text -o - $one
check "text output is the sealed payload" grep -q '^IZ:' out.txt
cp out.txt t1.txt
expect 0 "-t png -o file" qr-issue $key -o t1.png $one
col payload out.txt > p1.txt
check "signing is deterministic: same text twice" cmp -s t1.txt p1.txt
$zbar t1.png > d1.txt 2>/dev/null
check "single PNG decodes to its payload" cmp -s d1.txt p1.txt
expect 0 "--label PNG" qr-issue $key -f --label -o t1.png $one
$zbar t1.png > d2.txt 2>/dev/null
check "labelled PNG still decodes" cmp -s d2.txt p1.txt
expect 0 "-t svg" qr-issue $key -t svg --label -o t1.svg $one
has t1.svg "<svg" "SVG document written"
has t1.svg "valid until 2026-04-01" "SVG carries the label"
expect 0 "-t utf8 -o -" qr-issue $key -t utf8 -o - $one
has out.txt "█" "UTF-8 preview uses block characters"
expect 0 "--json register" qr-issue $key -f --json -o t1.png $one
has out.txt '^{"permit":"T1","kind":"ITK"' "JSON register line"

# refusals that stop the run
expect 2 "missing required column" sh -c "cut -d, -f1-7 good.csv | qr-issue $key --batch - -d dry"
has err.txt "no 'sex' column" "missing column named"
echo "wrong" > wrong.pass
expect 2 "wrong passphrase" qr-issue -k test-office.key --passphrase-file wrong.pass -o x.png $one
has err.txt "wrong passphrase" "wrong passphrase named"
cp test-office.key loose.key && chmod 644 loose.key
expect 2 "secret key readable by others" qr-issue -k loose.key --passphrase-file test-office.pass -o x.png $one
expect 1 "a permit of another office is refused" qr-issue $key -o x.png $one --office KANIM-SBY
has err.txt "^qr-issue: --office: not the signing key's office" "office refusal named"
expect 2 "batch and field options contradict" qr-issue $key --batch good.csv --permit X
expect 2 "unknown type" qr-issue $key -t gif --batch good.csv
expect 0 "--help" qr-issue --help
has out.txt "^usage: qr-issue" "--help prints the usage on stdout"

done_testing
