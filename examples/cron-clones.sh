#!/bin/sh
# cron-clones.sh - the nightly copied-card check of a log.
#
# Usage: cron-clones.sh [location [report-log option...]]
#
# Runs report-log(1) --clones over yesterday's sightings in the log
# (default sightings.db; a PostgreSQL connection string for a centre)
# and, when a permit was seen at two places too far apart for the time
# between, or something went wrong, sends a report: any error messages,
# then each pair of sightings with why, how far apart, the speed it would
# take, and who saw the card where and when.  Options after the location
# go to report-log (--speed 600, say).  The report goes by mail(1) to
# $MAILTO when both are there, else to standard output, which cron mails
# to the crontab's owner.  Exits as report-log --clones does: 0 nothing
# to report, 1 copied cards to look at, 2 trouble (the report says what).
#
# A crontab line, checking at 02:00 the day before in West Indonesian
# Time:
#   MAILTO=clones@izin-centre.example
#   0 2 * * * TZ=Asia/Jakarta /usr/local/bin/cron-clones.sh "dbname=izin"
set -u

log=${1:-sightings.db}
[ $# -gt 0 ] && shift
# A connection string can hold a password: the mail never shows it.
case $log in
*=* | *://*) show="the centre's log" ;;
*) show=$log ;;
esac
yesterday=$(date -d yesterday +%Y-%m-%d) || exit 2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/clones.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT

report-log -d "$log" --clones --since "$yesterday" --until "$yesterday" \
	"$@" >"$tmp/list" 2>"$tmp/log"
status=$?
[ "$status" -eq 0 ] && exit 0

# The columns a person reads, in this order, of those the log has; the
# record's other columns stay out of the mail.
pick() {
	awk -F '\t' -v OFS='\t' '
	NR == 1 {
		n = split("pair reason km kmh permit name time reporter reporter_kind place lat lon", want, " ")
		for (i = 1; i <= n; i++)
			for (j = 1; j <= NF; j++)
				if ($j == want[i])
					col[++k] = j
	}
	{
		line = ""
		for (i = 1; i <= k; i++)
			line = line (i > 1 ? OFS : "") $col[i]
		print line
	}' "$1"
}

{
	echo "Copied-card check of $show for $yesterday, run $(date '+%Y-%m-%d %H:%M %Z')"
	echo
	sed 's/^report-log: //' "$tmp/log"
	if [ -s "$tmp/list" ]; then
		echo
		pick "$tmp/list"
	fi
} >"$tmp/report"

if [ "$status" -eq 1 ]; then
	subject="izin: copied cards seen on $yesterday in $show"
else
	subject="izin: copied-card check of $show failed"
fi
if [ -n "${MAILTO:-}" ] && command -v mail >/dev/null 2>&1; then
	mail -s "$subject" "$MAILTO" <"$tmp/report" || exit 2
else
	echo "Subject: $subject"
	cat "$tmp/report"
fi
exit "$status"
