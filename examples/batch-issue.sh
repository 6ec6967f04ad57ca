#!/bin/sh
# batch-issue.sh - a clerk's daily batch: a CSV exported from the office
# spreadsheet becomes a folder of PNG cards and a register.
#
# Usage: batch-issue.sh KEY BATCH.csv OUTDIR [PASSPHRASE-FILE]
#
# Checks the whole batch first (a dry run asks no passphrase and writes
# nothing), then issues every good row; bad rows are named with their line
# and field on standard error.  The register (one record per permit
# issued) is appended to OUTDIR/register.tsv, which stay-check reads at
# night.  Exits 0 when every row was issued, 1 when some were not, 2 on
# trouble.
set -u
[ $# -ge 3 ] || { echo "usage: batch-issue.sh key batch.csv outdir [passphrase-file]" >&2; exit 2; }
key=$1 batch=$2 out=$3
pass=${4:+--passphrase-file $4}

qr-issue -k "$key" --dry-run --batch "$batch"
case $? in
2) exit 2 ;;
1) echo "batch-issue: some rows are bad (above); the good ones are issued" >&2 ;;
esac

mkdir -p "$out/cards" || exit 2
# A register of its own for today, then appended without its header to
# the running one (which keeps the first header).
# shellcheck disable=SC2086
qr-issue -k "$key" $pass --label --batch "$batch" -d "$out/cards" \
	> "$out/today.tsv"
status=$?
if [ -s "$out/register.tsv" ]; then
	tail -n +2 "$out/today.tsv" >> "$out/register.tsv"
else
	cat "$out/today.tsv" > "$out/register.tsv"
fi
rm -f "$out/today.tsv"
echo "batch-issue: $(($(wc -l < "$out/register.tsv") - 1)) permits in $out/register.tsv" >&2
exit $status
