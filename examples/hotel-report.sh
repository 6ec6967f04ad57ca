#!/bin/sh
# hotel-report.sh - a hotel reports a guest: the front desk scans the
# guest's card (a photo or a scan), and the sighting goes to the hotel's
# log with reporter kind "hotel", as hotels housing foreigners must report.
#
# Usage: hotel-report.sh TRUST LOG.db HOTEL-ID "ADDRESS" LAT,LON IMAGE...
#
# Prints one line per card: the permit, the holder, the verification
# status and the stay's state on today's date.  Exits 0 when every card
# was VALID and logged, 1 when a card needs a closer look (it is logged
# all the same: the report is the evidence), 2 on trouble.
set -u
[ $# -ge 6 ] || { echo "usage: hotel-report.sh trust log.db hotel-id address lat,lon image..." >&2; exit 2; }
trust=$1 db=$2 hotel=$3 place=$4 at=$5
shift 5

tmp=$(mktemp -d "${TMPDIR:-/tmp}/hotel.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
qr-scan -T "$trust" "$@" > "$tmp/scan.tsv"
scan=$?
[ "$scan" -eq 2 ] && exit 2
report-log -d "$db" --reporter "$hotel" --reporter-kind hotel \
	--place "$place" --at "$at" < "$tmp/scan.tsv" > "$tmp/logged.tsv" || exit 2
# what the desk sees: permit, name, status, state on the sighting's date
stay-check "$tmp/logged.tsv" 2>/dev/null |
	awk -F '\t' 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
	{ printf "%s\t%s\t%s\t%s\n", $c["permit"], $c["name"], $c["status"], $c["state"] }'
exit "$scan"
