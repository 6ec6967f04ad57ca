#!/bin/sh
# ship-to-centre.sh - send a device's new sightings to the data centre.
#
# Usage: ship-to-centre.sh [--enrol-new] DEVICE.db CENTRE OUTBOX
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
# record file, ready to send, whose checkpoint column carries the device's
# newest signed checkpoint (on the sighting it signs); and the centre
# merges the device's log into
# its own.  The merge commits only when the device's hash chains verify
# whole, its checkpoints verify with the key the centre holds for the
# device, and its chain reaches every checkpoint the centre already holds
# (so a tail cut off after an earlier shipment is refused, naming the
# device and the checkpoint); a refused log leaves nothing written.  Merging what
# is already there changes nothing, so a shipment sent twice, or one cut
# short, is harmless: run it again.
#
# The centre merges only devices it knows.  Enrol a device once, before
# its first shipment, from its device line carried by a channel the
# centre trusts (the office that sets the device up, say):
#     device$ report-log -d DEVICE.db --device-key > DEVICE.dev
#     centre$ report-log -d CENTRE --enrol DEVICE.dev
# --enrol-new instead takes whatever key the device's log holds at its
# first shipment (trust on first use): right for a device set up a moment
# ago on a link the centre trusts, wrong for a log from anywhere, since a
# forger's log brings a key of its own.  Either way the key is then fixed:
# a later log that holds another key for the device is refused.
# Exits 0 on success, 1 when the centre refused the log, 2 on trouble.
set -u
enrol=
if [ "${1:-}" = --enrol-new ]; then enrol=--enrol-new; shift; fi
[ $# -eq 3 ] || { echo "usage: ship-to-centre.sh [--enrol-new] device.db centre outbox" >&2; exit 2; }
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
report-log -d "$centre" --merge "$device" $enrol
