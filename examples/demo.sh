#!/bin/sh
# make demo: the whole izin pipeline on the example data, step by step.
# Everything runs for real in a fresh folder, examples/out/.  The clock is
# fixed (sightings on 2026-11-22) so the story reads the same any day.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
PATH="$top/cmd:$PATH"
out="$top/examples/out"
im=convert-im6.q16
command -v $im >/dev/null 2>&1 || im=convert
rm -rf "$out"
mkdir -p "$out/trust" "$out/photos"
cd "$out"
# The national data centre: a throwaway PostgreSQL server of the demo's own
# (tests/pg.sh), on a Unix socket in examples/out/pg, stopped at the end.
# The devices' logs stay SQLite files, the default.
. "$top/tests/pg.sh"
pg_start "$out" || { echo "demo: the data centre (PostgreSQL) did not start"; exit 1; }
trap 'pg_stop' EXIT
trap 'exit 2' INT TERM HUP
centre=$(pg_db centre)

step() { printf '\n== %s\n' "$*"; }
# column NAME of a TSV file
col() { awk -F'\t' -v c="$1" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) k = i; next } { print $k }' "$2"; }
# the columns a person reads
show() { awk -F'\t' -v want="$1" 'BEGIN { n = split(want, w, " ") }
	NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i }
	{ line = ""; for (i = 1; i <= n; i++) line = line (i > 1 ? "\t" : "") $(c[w[i]]); print "  " line }'; }

step "1. The immigration office KANIM-JKTSEL makes its key pair"
echo "(no passphrase, for the demo only: a real key is encrypted, see qr-keygen(1))"
qr-keygen -o jktsel --office KANIM-JKTSEL --valid-from 2026-01-01 \
	--valid-until 2030-12-31 --no-passphrase
ls -l jktsel.key jktsel.pub | sed 's/^/  /'
echo "  the public line goes into the officers' trust store:"
sed 's/^/  /' jktsel.pub
cp jktsel.pub trust/

step "2. A clerk issues the batch examples/permits.csv (50 rows) to PNG cards"
echo "(four rows are bad: each is named with its line and field, every good"
echo " row is still issued, and the exit status 1 says some were not;"
echo " each card is in the data centre's register before its image is written)"
set +e
qr-issue -k jktsel.key --label --batch "$top/examples/permits.csv" -d cards \
	--register "$centre" > register.tsv
rc=$?
set -e
[ "$rc" -eq 1 ] || { echo "demo: qr-issue exited $rc, expected 1"; exit 1; }
echo "  $(($(wc -l < register.tsv) - 1)) permits issued into cards/; the register begins:"
head -n 5 register.tsv | show "permit kind name valid_until file"

step "3. Cards become phone photos; a forger and a stranger try their luck"
n=0
for p in 0001 0003 0005 0006 0007 0010 0014 0018 0020 0022 0027 0035 0040; do
	n=$((n + 1))
	# turned, scaled, blurred, noisy, JPEG at middling quality
	$im "cards/2C11JB$p-K.png" -background white -rotate $((n * 7 - 40)) \
		-resize $((140 + n * 10))% -blur 0x0.8 -attenuate 0.25 \
		+noise Gaussian -quality 65 "photos/card-$p.jpg"
done
echo "  13 photos: rotated -33 to +51 degrees, scaled 150-270 %, blurred, noisy, JPEG q65"
# The forger: a genuine card's text with one character changed (a field
# altered, the signature kept), redrawn as a new code.
good=$(col payload register.tsv | sed -n 9p)
found=
for at in 80 81 82 83 84 85 86 87 88 89 90; do
	for c in A B C D E; do
		forged=$(printf '%s' "$good" | cut -c1-$((at - 1)))$c$(printf '%s' "$good" | cut -c$((at + 1))-)
		[ "$forged" = "$good" ] && continue
		qrencode -l M -s 4 -o photos/forged.png "$forged"
		qr-scan -T trust photos/forged.png > forged.tsv 2>/dev/null || true
		[ "$(col status forged.tsv)" = BAD_SIGNATURE ] && { found=1; break 2; }
	done
done
[ -n "$found" ] || { echo "demo: no forgery found"; exit 1; }
echo "  photos/forged.png: card $(col permit forged.tsv), its name altered to \"$(col name forged.tsv)\","
echo "  the genuine signature kept"
# The stranger: a card sealed by an office the trust store does not hold.
qr-keygen -o stranger --office KANIM-XXX --valid-from 2026-01-01 --no-passphrase
qr-issue -k stranger.key -o photos/stranger.png --permit 9X99ZZ0001-K \
	--kind ITAS --index E33G --name "Viktor Stranger" --nationality AUT \
	--passport P1234567 --birth 1980-01-01 --sex M --issued 2026-06-01 \
	--valid-until 2027-06-30 > /dev/null
echo "  photos/stranger.png: a card from office KANIM-XXX, not in the trust store"

step "4. Arrivals: officer T12 at Soekarno-Hatta airport scans three cards"
echo "(the airport's laptop is one device, with its own log airport.db; its sightings
 go to the centre later, with the other devices')"
qr-scan -T trust cards/2C11JB0006-K.png cards/2C11JB0011-K.png cards/2C11JB0020-K.png |
	report-log -d airport.db --reporter T12 --reporter-kind officer \
		--place "Terminal 3, Soekarno-Hatta, Tangerang" --at -6.12,106.66 \
		--time 2026-11-20T07:40:00+07:00 | show "seq reporter permit name time"
echo "  the log was made with its device key beside it (0600; a passphrase file"
echo "  would encrypt it), which signs a checkpoint of the chain's head at each commit;"
echo "  the office keeps the newest line, off the laptop:"
ls -l airport.db.key | sed 's/^/  /'
report-log -d airport.db --checkpoints > airport.cp
cut -c1-100 airport.cp | sed 's/^/  /; s/$/.../'

step "5. An officer scans the photos; the sightings go to the log"
set +e
qr-scan -T trust photos/*.jpg photos/*.png > scans.tsv
set -e
show "source status detail permit name" < scans.tsv
report-log -d sightings.db --reporter T07 --reporter-kind officer \
	--place "Desa Mojorejo, Lamongan" --at -7.12,112.18 \
	--time 2026-11-22T10:15:00+07:00 < scans.tsv > /dev/null
echo "  $(($(wc -l < scans.tsv) - 1)) sightings logged by officer T07"

step "6. A hotel reports its guests, scanning their cards at the desk"
qr-scan -T trust cards/2C11JB0004-K.png cards/2C11JB0011-K.png cards/2C11JB0006-K.png |
	report-log -d sightings.db --reporter HOTEL-BALI-017 --reporter-kind hotel \
		--place "Jl. Legian No. 77, Kuta, Bali" --at -8.71,115.17 \
		--time 2026-11-22T14:02:00+08:00 | show "seq reporter_kind permit name time"
echo "  2C11JB0006-K (valid until 2026-08-01) was seen at the officer's scan and the hotel"
report-log -d sightings.db --trail 2C11JB0006-K | show "seq reporter place time status"

step "7. stay-check: who is valid, expiring, overstaying (fee) or due for deportation"
set +e
report-log -d sightings.db --last-seen | stay-check --summary > stay.tsv
set -e
show "permit name valid_until time status state days action fee" < stay.tsv
echo "  (UNVERIFIED: a card whose seal failed gets no verdict on dates it cannot vouch for)"

step "8. The data centre: both devices' logs and the day's register reach it"
echo "(the centre is PostgreSQL: $centre)"
echo "  the centre merges only devices it knows: the airport laptop's device line,"
echo "  handed over when the laptop was set up, is enrolled first:"
report-log -d airport.db --device-key > airport.dev
sed 's/^/  /' airport.dev
report-log -d "$centre" --enrol airport.dev | sed 's/^/  /'
echo "  the Lamongan log's device arrives new: --enrol-new takes the key its log holds"
echo "  $(report-log -d "$centre" --merge sightings.db --enrol-new)  (officer T07 and the hotel's desk)"
echo "  $(report-log -d "$centre" --merge airport.db)  (officer T12)"
echo "  $(report-log -d "$centre" --merge airport.db)  (shipped twice: nothing doubled)"
echo "  the trail of 2C11JB0006-K across Indonesia, from the centre:"
report-log -d "$centre" --trail 2C11JB0006-K | show "seq reporter place time status"
# A card sealed with the office's own key but never registered: the key
# stolen, the issue date set back into the key's window.
qr-issue -k jktsel.key -o offbook.png --permit 2C11JB9999-K --kind ITAS \
	--index E33G --name "Boris Offbook" --nationality RUS --passport 751234567 \
	--birth 1979-05-05 --sex M --issued 2026-02-01 --valid-until 2027-01-31 \
	> /dev/null
echo "  a card sealed with the office's key but never issued by the office:"
set +e
qr-scan -T trust --register "$centre" cards/2C11JB0006-K.png offbook.png > offbook.tsv
set -e
show "source status detail permit name" < offbook.tsv
[ "$(col status offbook.tsv | sed -n 2p)" = UNREGISTERED ] ||
	{ echo "demo: the card sealed off the books was not caught"; exit 1; }
echo "  the centre: $(report-log -d "$centre" --verify | sed 's/^[^:]*: //')"

step "9. The log verifies; then someone edits a sighting with sqlite3, and --verify catches it"
report-log -d sightings.db --verify && echo "  --verify: the hash chains hold"
sqlite3 sightings.db "UPDATE sighting SET place = 'Jakarta' WHERE seq = 3;" 2>/dev/null ||
	sqlite3 sightings.db ".tables"
set +e
report-log -d sightings.db --verify
rc=$?
set -e
[ "$rc" -eq 1 ] || { echo "demo: the altered log verified (exit $rc)"; exit 1; }
echo "  --verify exit status 1: the log was altered"

step "10. The airport's last sighting is cut off, the head and checkpoint set back"
dev=$(cut -d' ' -f2 airport.cp)
sqlite3 airport.db "DELETE FROM sighting WHERE dseq = 3;
	UPDATE head SET dseq = 2, seq = (SELECT seq FROM sighting WHERE dseq = 2),
		hash = (SELECT hash FROM sighting WHERE dseq = 2);
	DELETE FROM checkpoint WHERE device = '$dev'"
echo "  on its own the shorter log looks sound (what a hash chain cannot show):"
report-log -d airport.db --verify | sed 's/^/  /'
echo "  but the checkpoint line the office kept (step 4), and the centre, know better:"
set +e
report-log -d airport.db --verify --checkpoint airport.cp | sed 's/^/  /'
report-log -d "$centre" --merge airport.db > cut.out 2>&1
rc=$?
set -e
sed 's/^/  /' cut.out
[ "$rc" -eq 1 ] || { echo "demo: the centre took the cut log (exit $rc)"; exit 1; }

step "11. For the people at the terminal: a copied card, a trail as a map, Indonesian"
echo "(a hotel desk in Manado scans a photocopy of 2C11JB0011-K eight minutes after"
echo " the Kuta hotel scanned the card itself: the copy verifies like the original)"
$im cards/2C11JB0011-K.png -colorspace Gray -blur 0x0.6 -attenuate 0.3 \
	+noise Gaussian -quality 70 photos/copy-0011.jpg
qr-scan -T trust photos/copy-0011.jpg |
	report-log -d manado.db --reporter HOTEL-MDO-002 --reporter-kind hotel \
		--place "Jl. Piere Tendean, Manado" --at 1.47,124.84 \
		--time 2026-11-22T14:10:00+08:00 | show "reporter permit status time"
report-log -d "$centre" --merge manado.db --enrol-new | sed 's/^/  /'
echo "  the nightly job (examples/cron-clones.sh) asks the centre for such pairs:"
set +e
report-log -d "$centre" --clones --since 2026-11-22 --until 2026-11-22 > clones.tsv
rc=$?
set -e
show "pair reason km kmh permit reporter place time" < clones.tsv
[ "$rc" -eq 1 ] && grep -q HOTEL-MDO-002 clones.tsv ||
	{ echo "demo: the copied card was not found (exit $rc)"; exit 1; }
echo "  --clones exit status 1: a card was where its holder could not have been"
echo "  the holder's trail as a map for QGIS, Leaflet or Google Earth (--geojson,"
echo "  --kml) or a picture for a report (--svg); GDAL's ogrinfo reads it as it is:"
report-log -d "$centre" --trail 2C11JB0011-K --geojson > trail-0011.geojson
report-log -d "$centre" --trail 2C11JB0011-K --svg > trail-0011.svg
ogrinfo -ro -al -so trail-0011.geojson | grep -E 'Feature Count|Geometry:|Extent' |
	sed 's/^/  /'
echo "  trail-0011.svg: $(wc -c < trail-0011.svg) bytes, opens in any browser"
echo "  why the forged photo failed, part by part (qr-scan --inspect):"
set +e
qr-scan -T trust --inspect photos/forged.png > inspect.txt
set -e
grep -E 'signature|status' inspect.txt | head -n 6 | sed 's/^/  /'
echo "  and in Bahasa Indonesia (LANG=id_ID.UTF-8): the words for people change,"
echo "  the columns and status words that scripts read do not:"
IZIN_LOCALEDIR="$top/lib/po/locale" LANG=id_ID.UTF-8 LC_ALL= LANGUAGE= \
	qr-scan --help 2>&1 | sed -n '1p;9,10p' | sed 's/^/  /'
set +e
IZIN_LOCALEDIR="$top/lib/po/locale" LANG=id_ID.UTF-8 LC_ALL= LANGUAGE= \
	qr-scan -T trust photos/stranger.png nothere.jpg 2>/dev/null |
	show "source status detail"
set -e

echo
echo "demo: done; every file is in examples/out/"
