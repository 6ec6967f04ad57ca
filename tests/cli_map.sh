#!/bin/sh
# report-log's maps (lib/map.c) over the real binary, each read by an
# outside consumer: the GeoJSON and the KML by GDAL's ogrinfo (Debian's
# gdal-bin: its GeoJSON, LIBKML and KML drivers), the SVG by xmllint.
# A trail in time order, last sightings, a sighting with no position, a
# position that is not decimal degrees, the options' refusals, and the
# same maps byte for byte from a PostgreSQL log (tests/pg.sh).
. "$(dirname "$0")/lib.sh"
. "$top/tests/pg.sh"
trap 'pg_stop; rm -rf "$tmp"' EXIT

# sight PERMIT STATUS TIME PLACE [LAT,LON]: append one sighting
sight() {
	printf 'permit\tstatus\n%s\t%s\n' "$1" "$2" |
		report-log -d s.db --reporter "T07" --reporter-kind officer \
		--time "$3" --place "$4" ${5:+--at "$5"} > /dev/null
}
# count REGEX FILE: lines matching
count() { grep -c -- "$1" "$2"; }

P1=2C11JB0042-K P2=2C11JB0077-K
# Surabaya is logged last but seen second: the trail goes by time.
sight $P1 VALID 2026-03-01T08:00:00+07:00 'Pos <Monas> & "A"' -6.2,106.8 &&
	sight $P1 VALID 2026-03-03T09:30:00+07:00 Bogor -6.6,106.8 &&
	sight $P1 VALID 2026-03-04T10:00:00+07:00 Kantor &&
	sight $P2 VALID 2026-03-02T11:00:00+08:00 Denpasar -008.650,115.216667 &&
	sight $P1 EXPIRED 2026-03-02T07:00:00+07:00 Surabaya -7.25,112.75
check "sightings logged" [ "$(sqlite3 s.db 'SELECT count(*) FROM sighting')" -eq 5 ]

# GeoJSON
expect 0 "a trail as GeoJSON" report-log -d s.db --trail $P1 --geojson
cp out.txt trail.geojson
expect 0 "ogrinfo reads the trail" ogrinfo -ro -al trail.geojson
cp out.txt trail.info
has trail.info "using driver .GeoJSON' successful" "read by GDAL's GeoJSON driver"
has trail.info "^Feature Count: 5$" "four sightings and the line"
check "three points: the sighting with no position has none" [ "$(count '^  POINT (' trail.info)" -eq 3 ]
has trail.info "^  LINESTRING (106.8 -6.2,112.75 -7.25,106.8 -6.6)$" "the line: lon lat, in time order, the located ones only"
has trail.info "^  POINT (112.75 -7.25)$" "a point in lon lat order"
has trail.info '^  place (String) = Pos <Monas> & "A"$' "a property read back as logged"
has trail.info "^  status (String) = EXPIRED$" "the status is a property"
has trail.info "^  reporter_kind (String) = officer$" "so is the reporter's kind"
has trail.geojson '"geometry":null,"properties":{"permit":"2C11JB0042-K","time":"2026-03-04T10:00:00+07:00"' "no position: a null geometry, the sighting kept"
has trail.geojson '"coordinates":\[106.8,-6.2\]' "coordinates as stored, not through a double"
expect 0 "ogr2ogr converts it" ogr2ogr -f CSV trail.csv trail.geojson -lco GEOMETRY=AS_XY
has trail.csv "^112.75,-7.25,2C11JB0042-K,2026/03/02 07:00:00+07,T07,officer,Surabaya,EXPIRED," "ogr2ogr: X is the longitude, Y the latitude"

expect 0 "since and until bound the trail" report-log -d s.db --trail $P1 --since 2026-03-02 --until 2026-03-03 --geojson
cp out.txt part.geojson
ogrinfo -ro -al part.geojson > part.info 2>&1
has part.info "^Feature Count: 3$" "two sightings and their line"
has part.info "^  LINESTRING (112.75 -7.25,106.8 -6.6)$" "the line of those two"

expect 0 "last sightings as GeoJSON" report-log -d s.db --last-seen --geojson
cp out.txt last.geojson
ogrinfo -ro -al last.geojson > last.info 2>&1
has last.info "^Feature Count: 2$" "one feature per permit"
has last.info "^  POINT (115.216667 -8.65)$" "leading zeros dropped, the value kept"
check "no line between permits" [ "$(count LINESTRING last.info)" -eq 0 ]
has last.info "^  place (String) = Kantor$" "a last sighting with no position is kept"
expect 0 "one permit's last sighting" report-log -d s.db --last-seen --permit $P2 --geojson
ogrinfo -ro -al out.txt > one.info 2>&1
has one.info "^Feature Count: 1$" "only that permit's"
expect 0 "a permit never seen: an empty map" report-log -d s.db --trail P-NONE --geojson
ogrinfo -ro -al out.txt > none.info 2>&1
has none.info "^Feature Count: 0$" "an empty FeatureCollection GDAL reads"

# KML
expect 0 "a trail as KML" report-log -d s.db --trail $P1 --kml
cp out.txt trail.kml
expect 0 "the KML is well-formed XML" xmllint --noout trail.kml
ogrinfo -ro -al trail.kml > kml.info 2>&1
has kml.info "using driver .LIBKML' successful" "read by GDAL's LIBKML driver"
has kml.info "^Feature Count: 5$" "KML: four placemarks and the line"
check "KML: three points" [ "$(count '^  POINT (' kml.info)" -eq 3 ]
has kml.info "^  LINESTRING (106.8 -6.2,112.75 -7.25,106.8 -6.6)$" "KML: the line in time order"
has kml.info '^  place (String) = Pos <Monas> & "A"$' "KML: ExtendedData read back, unescaped"
has kml.info "^  status (String) = EXPIRED$" "KML: the status"
has kml.info "Trail of $P1" "KML: the document is named after the trail"
ogrinfo -ro -al --config OGR_SKIP LIBKML trail.kml > kml2.info 2>&1
has kml2.info "using driver .KML' successful" "read by GDAL's other KML driver too"
has kml2.info "^  LINESTRING (106.8 -6.2,112.75 -7.25,106.8 -6.6)" "KML driver: the same line"
has trail.kml "<when>2026-03-02T07:00:00+07:00</when>" "each placemark has its time"
expect 0 "last sightings as KML" report-log -d s.db --last-seen --kml
ogrinfo -ro -al out.txt > lastkml.info 2>&1
has lastkml.info "^Feature Count: 2$" "KML: one placemark per permit"
has lastkml.info "^  Name (String) = $P2$" "KML: a last sighting is named by its permit"

# SVG
expect 0 "a trail as SVG" report-log -d s.db --trail $P1 --svg
cp out.txt trail.svg
expect 0 "the SVG is well-formed XML" xmllint --noout trail.svg
has trail.svg '^<svg xmlns="http://www.w3.org/2000/svg"' "an SVG document"
has trail.svg "<title>Trail of $P1</title>" "titled with the permit"
pts=$(sed -n 's/.*<polyline.*points="\([^"]*\)".*/\1/p' trail.svg | wc -w)
check "one polyline of three points" [ "$(count '<polyline' trail.svg)" -eq 1 -a "$pts" -eq 3 ]
check "a dot per located sighting" [ "$(count '<circle ' trail.svg)" -eq 3 ]
has trail.svg ">Pos &lt;Monas&gt; &amp; &quot;A&quot; 2026-03-01</text>" "labelled with place and date, escaped"
has trail.svg ">Surabaya 2026-03-02</text>" "the date as written at the place"
check "self-contained: no script, link, image or font" [ "$(grep -c -i -e '<script' -e 'href' -e '<image' -e '@font-face' -e 'url(' trail.svg)" -eq 0 ]
# Jakarta and Bogor share a longitude: one x; the westmost and the
# eastmost sit on the two side margins.
xs=$(sed -n 's/.*<polyline.*points="\([^"]*\)".*/\1/p' trail.svg | tr ' ' '\n' | cut -d, -f1 | tr '\n' ' ')
check "scaled to the bounding box ($xs)" [ "$xs" = "40.0 760.0 40.0 " ]
expect 0 "one sighting as SVG" report-log -d s.db --trail $P2 --svg
has out.txt '<circle cx="400.0" cy="315.0"' "one point: in the middle"
check "one point: no nan" [ "$(grep -c -i nan out.txt)" -eq 0 ]
expect 0 "last sightings as SVG" report-log -d s.db --last-seen --svg
cp out.txt last.svg
xmllint --noout last.svg 2>&1
check "last sightings: well-formed" [ $? -eq 0 ]
check "last sightings: not joined" [ "$(count '<polyline' last.svg)" -eq 0 ]
has last.svg ">$P2 Denpasar 2026-03-02</text>" "a last sighting is labelled with its permit"

# A position that is not decimal degrees (a log changed by hand): the
# sighting is mapped without one, named, and the exit status says so.
cp s.db bad.db
sqlite3 bad.db "UPDATE sighting SET lat = '1e2' WHERE place = 'Bogor'"
expect 1 "bad coordinates: exit 1" report-log -d bad.db --trail $P1 --geojson
has err.txt "^report-log: seq 2: lat and lon are not decimal degrees: mapped without a position$" "the sighting is named"
ogrinfo -ro -al out.txt > bad.info 2>&1
has bad.info "^Feature Count: 5$" "bad coordinates: still every sighting"
has bad.info "^  LINESTRING (106.8 -6.2,112.75 -7.25)$" "the line leaves it out"

# Refusals
expect 2 "two maps contradict" report-log -d s.db --trail $P1 --geojson --kml
has err.txt "^report-log: --geojson and --kml contradict$" "named"
expect 2 "a map and --json contradict" report-log -d s.db --trail $P1 --json --svg
has err.txt "^report-log: --json and --svg contradict$" "named"
expect 2 "a map and --csv contradict" report-log -d s.db --last-seen --kml --csv
expect 2 "no map of an export" report-log -d s.db --export --geojson
has err.txt "^report-log: --geojson goes with --trail or --last-seen$" "refusal named"
expect 2 "no map of --verify" report-log -d s.db --verify --svg
printf 'permit\nP\n' > one.tsv
expect 2 "no map of an append" report-log -d s.db --reporter T07 --reporter-kind officer --kml < one.tsv
check "nothing appended" [ "$(sqlite3 s.db 'SELECT count(*) FROM sighting')" -eq 5 ]
expect 0 "--help names the maps" report-log --help
has out.txt "^      --geojson  " "--help: --geojson"

# The same maps from PostgreSQL, byte for byte: both logs made by merging
# s.db, so seq and device are the same.
if pg_start "$tmp"; then
	ok "postgres starts"
	pc=$(pg_db maps)
	report-log -d "$pc" --merge s.db --enrol-new > /dev/null &&
		report-log -d c.db --merge s.db --enrol-new > /dev/null
	check "merged into both" [ $? -eq 0 ]
	for m in "--trail $P1 --geojson" "--last-seen --kml" "--trail $P1 --svg"; do
		report-log -d c.db $m > sq.out 2>&1; a=$?
		report-log -d "$pc" $m > pg.out 2>&1; b=$?
		if [ $a -eq 0 ] && [ $b -eq 0 ] && cmp -s sq.out pg.out &&
		    [ -s sq.out ]; then
			ok "PostgreSQL the same: $m"
		else
			bad "PostgreSQL the same: $m (exit $a, $b)"
			diff sq.out pg.out | head -n 5 | sed 's/^/# /'
		fi
	done
else
	bad "postgres starts"
fi
done_testing
