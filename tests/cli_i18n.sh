#!/bin/sh
# Messages in Indonesian over the real binaries: each tool's --help and
# one error under LANG=id_ID.UTF-8, the same in English under LANG=C, and
# records (column names, status words, numbers) and exit codes that do
# not change with the language.
. "$(dirname "$0")/lib.sh"

# The catalogue make built, unless run.sh says otherwise.
IZIN_LOCALEDIR=${IZIN_LOCALEDIR:-$top/lib/po/locale}
export IZIN_LOCALEDIR

# id CMD...: run CMD in Indonesian; en CMD...: in English.  Only LANG is
# set: the user's LC_ALL, LC_MESSAGES and LANGUAGE would override it.
id() { env -u LC_ALL -u LC_MESSAGES -u LANGUAGE LANG=id_ID.UTF-8 "$@"; }
en() { env -u LC_ALL -u LC_MESSAGES -u LANGUAGE LANG=C "$@"; }
# lacks FILE REGEX WHAT: assert no line of a file matches REGEX.
lacks() { if grep -q -- "$2" "$1"; then bad "$3"; grep -- "$2" "$1" | head -n 3 | sed 's/^/# /'; else ok "$3"; fi; }

check "the id_ID.UTF-8 locale exists (make deps makes it)" \
	sh -c 'locale -a 2>/dev/null | grep -qix "id_ID.utf-\{0,1\}8"'
check "the built catalogue is there" \
	[ -s "$IZIN_LOCALEDIR/id/LC_MESSAGES/izin.mo" ]
check "msgfmt -c accepts lib/po/id.po" \
	msgfmt -c --check-format -o /dev/null "$top/lib/po/id.po"

# --help: TOOL and a sentence of its own help in each language.
for t in "qr-keygen|kunci rahasia, terenkripsi, mode 0600|secret, encrypted, mode 0600" \
         "qr-issue|Menyegel izin tinggal dengan kunci kantor penerbit|Seal permits with an office key" \
         "qr-scan|membuka segel setiap izin tinggal|open each permit's seal" \
         "stay-check|Status keluar: 0 setiap rekaman|Exit status: 0 every record" \
         "report-log|Menambahkan satu catatan pemeriksaan|Append one sighting per record" \
         "qr-trust|Menandatangani daftar kepercayaan|Sign a trust list of the office keys" \
         "qr-revoke|Menandatangani daftar pencabutan|Sign a revocation list"; do
	tool=${t%%|*} rest=${t#*|}
	idtext=${rest%%|*} entext=${rest#*|}
	expect 0 "$tool --help in Indonesian" id $tool --help
	has out.txt "^penggunaan: $tool " "$tool --help: the synopsis in Indonesian"
	has out.txt "$idtext" "$tool --help: its description in Indonesian"
	has out.txt "tampilkan bantuan ini" "$tool --help: the options in Indonesian"
	lacks out.txt "show this help\|^usage:" "$tool --help: no English left"
	expect 0 "$tool --help in English" en $tool --help
	has out.txt "^usage: $tool " "$tool --help: the English synopsis"
	has out.txt "$entext" "$tool --help: its English description"
	lacks out.txt "tampilkan\|penggunaan" "$tool --help: no Indonesian in English"
done

cp "$data/test-office.key" "$data/test-office.pass" "$data/test-office.pub" .
chmod 600 test-office.key
key="-k test-office.key --passphrase-file test-office.pass"

# err STATUS LANGUAGE TEXT CMD...: the command fails with STATUS and its
# message holds TEXT.
err() {
	_s=$1 _l=$2 _t=$3; shift 3
	expect "$_s" "$1 error ($_l): $_t" $_l "$@"
	has err.txt "^$1: .*$_t" "$1 error ($_l) names the program and says it"
}
err 2 id "-o nama tidak diberikan" qr-keygen --office JKT
err 2 en "missing -o name" qr-keygen --office JKT
err 2 id "--json dan --csv saling bertentangan" qr-issue --json --csv $key
err 2 en "--json and --csv contradict" qr-issue --json --csv $key
err 2 id "-T kepercayaan tidak diberikan" qr-scan card.png
err 2 en "missing -T trust" qr-scan card.png
err 2 id "-o: keadaan 'BOGUS' tidak dikenal" stay-check -o BOGUS
err 2 en "-o: unknown state 'BOGUS'" stay-check -o BOGUS
err 2 id "-w: 'abc' bukan bilangan dari 0 sampai 100000" stay-check -w abc
err 2 en "-w: 'abc' is not a number from 0 to 100000" stay-check -w abc
err 2 id "-d db tidak diberikan" report-log --verify
err 2 en "missing -d db" report-log --verify
err 2 id "--check memerlukan --root root.pub" qr-trust --check list
err 2 en "--check needs --root root.pub" qr-trust --check list
err 2 id "--next-update lebih awal daripada tanggal penandatanganan" \
	qr-revoke $key --date 2026-03-01 --next-update 2026-02-01
err 2 en "--next-update is before the signing date" \
	qr-revoke $key --date 2026-03-01 --next-update 2026-02-01

# A VALID card: the same record, status and exit code in both languages.
one="--kind ITAS --index E33G --name Ana --nationality BRA --passport FX1 --birth 1990-05-17 --sex F --issued 2026-03-01 --valid-until 2027-03-01"
qr-issue $key -o card.png --permit 2C11JB0042-K $one > /dev/null
echo 'not an image' > junk.png
expect 0 "qr-scan of a VALID card in Indonesian" id qr-scan -T test-office.pub card.png
cp out.txt scan.id
expect 0 "qr-scan of a VALID card in English" en qr-scan -T test-office.pub card.png
cp out.txt scan.en
check "the VALID record is the same in both languages" cmp -s scan.id scan.en
has scan.id "^source	status	detail	permit	" "column names stay English"
has scan.id "^card.png	VALID	" "the status word stays VALID"

# A card qr-scan cannot read: the status word and columns stay, the
# detail (for people) and the message are Indonesian.
expect 1 "an unreadable file exits 1 in Indonesian" id qr-scan -T test-office.pub junk.png
cp out.txt junk.id
has junk.id "^junk.png	UNREADABLE	format gambar tidak didukung" "UNREADABLE stays, its detail is Indonesian"
has err.txt "^qr-scan: junk.png: format gambar tidak didukung" "the library's reason in Indonesian on stderr"
expect 1 "an unreadable file exits 1 in English" en qr-scan -T test-office.pub junk.png
has out.txt "^junk.png	UNREADABLE	unsupported image format" "the English detail"
check "the same header in both languages" \
	[ "$(head -n 1 junk.id)" = "$(head -n 1 out.txt)" ]

# stay-check over qr-scan's record: state, days and exit code alike.
expect 0 "stay-check in Indonesian" id stay-check --on 2026-11-22 -s scan.id
cp out.txt stay.id
has err.txt "^stay-check: EXPIRED  *0 (biaya beban 0, deportasi 0; jumlah biaya beban IDR 0)" \
	"the summary in Indonesian, status words kept"
expect 0 "stay-check in English" en stay-check --on 2026-11-22 -s scan.en
check "stay-check's records are the same in both languages" cmp -s stay.id out.txt
has stay.id "	state	days	action	fee$" "stay-check's column names stay English"
has stay.id "	VALID	99		$" "state VALID, 99 days left"

# report-log: the echoed record keeps its columns and "." in numbers.
for l in id en; do
	expect 0 "report-log appends ($l)" $l report-log -d $l.db \
		--reporter OFF-7 --reporter-kind officer --at -6.2,106.8 \
		--time 2026-03-05T10:00:00+07:00 < scan.$l
	cp out.txt log.$l
done
# Each log names its own device: compare the rest.
nodev() { awk -F'\t' -v OFS='\t' 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "device") d = i } { if (d) $d = ""; print }' "$1"; }
check "the log has a device column" grep -q "	device	" log.id
check "report-log's records are the same in both languages" \
	[ "$(nodev log.id)" = "$(nodev log.en)" ]
has log.id "	lat	lon" "report-log's column names stay English"
has log.id "	-6.2	106.8" "numbers keep their '.' in Indonesian"
lacks log.id "-6,2\|106,8" "no decimal comma"
expect 0 "report-log --verify in Indonesian" id report-log -d id.db --verify
has out.txt "^id.db: 1 catatan pemeriksaan, setiap rantai terverifikasi$" \
	"--verify says it in Indonesian"
expect 0 "report-log --verify in English" en report-log -d en.db --verify
has out.txt "^en.db: 1 sighting, every chain verified$" "--verify in English, singular"
expect 2 "a bad --at in Indonesian" id report-log -d id.db --reporter OFF-7 \
	--reporter-kind officer --at 95,10
has err.txt "^report-log: --at: lat harus berupa derajat desimal dalam rentang -90..90" \
	"--at's error in Indonesian"

done_testing
