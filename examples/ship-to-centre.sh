#!/bin/sh
# ship-to-centre.sh - send a device's new sightings to the data centre.
#
# Usage: ship-to-centre.sh DEVICE.db CENTRE OUTBOX
#
# CENTRE is where the centre's log lives, in any form report-log -d takes:
# a PostgreSQL connection string, as the national centre runs it
# ('host=centre.imigrasi.go.id dbname=izin user=device' or
# 'postgresql://device@centre.imigrasi.go.id/izin', with libpq's PG*
# variables and ~/.pg_service.conf honoured, and the password best kept in
# ~/.pgpass), or a file path for an office's own SQLite centre.
#
# Two things happen, as they would on either side of a network link:
# the device exports the sightings it logged since the last shipment (by
# sequence number, remembered in OUTBOX/last-seq) into OUTBOX/ as a
# record file, ready to send; and the centre merges the device's log into
# its own.  The merge commits only when the device's hash chains verify
# whole, so a log that was altered is refused with nothing written; merging what is already there changes nothing,
# so a shipment sent twice, or one cut short, is harmless: run it again.
# Exits 0 on success, 1 when the centre refused the log, 2 on trouble.
set -u
[ $# -eq 3 ] || { echo "usage: ship-to-centre.sh device.db centre outbox" >&2; exit 2; }
device=$1 centre=$2 outbox=$3
mkdir -p "$outbox" || exit 2
last=$(cat "$outbox/last-seq" 2>/dev/null || echo 0)

ship="$outbox/sightings-after-$last.tsv"
report-log -d "$device" --export --after "$last" > "$ship" || exit 2
n=$(($(wc -l < "$ship") - 1))
[ "$n" -lt 0 ] && n=0
if [ "$n" -eq 0 ]; then
	rm -f "$ship"
	echo "ship-to-centre: nothing new after seq $last" >&2
else
	# the highest seq shipped becomes the next starting point
	awk -F '\t' 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "seq") k = i; next }
		$k > m { m = $k } END { print m }' "$ship" > "$outbox/last-seq"
	echo "ship-to-centre: $n sightings in $ship" >&2
fi
# The centre is never echoed here: a connection string may hold a password
# (report-log's own messages leave it out).
report-log -d "$centre" --merge "$device"
