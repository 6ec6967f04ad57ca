#!/bin/sh
# cron-overstay.sh - the nightly overstay check of an office's register.
#
# Usage: cron-overstay.sh [register.tsv [stay-check option...]]
#
# Runs stay-check(1) over the register (default register.tsv) for the
# permits that are EXPIRED or EXPIRING and, when there are any or
# something went wrong, sends a report: the summary per state, any error
# messages, and the permits with their state, days over or left, action
# and fee.  The report goes by mail(1) to $MAILTO when both are there,
# else to standard output, which cron mails to the crontab's owner.
# Exits as stay-check does: 0 nothing to report, 1 permits to look at,
# 2 trouble (the report says what).
#
# A crontab line, checking at 01:30 with dates in West Indonesian Time:
#   MAILTO=overstay@kanim-jktsel.example
#   30 1 * * * TZ=Asia/Jakarta /usr/local/bin/cron-overstay.sh /srv/izin/register.tsv
set -u

register=${1:-register.tsv}
[ $# -gt 0 ] && shift
tmp=$(mktemp -d "${TMPDIR:-/tmp}/overstay.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT

stay-check --only EXPIRED,EXPIRING --summary "$@" -- "$register" \
	>"$tmp/list" 2>"$tmp/log"
status=$?
[ "$status" -eq 0 ] && exit 0

# The columns a person reads, in this order, of those the register has;
# the sealed payload and the image path stay out of the mail.
pick() {
	awk -F '\t' -v OFS='\t' '
	NR == 1 {
		n = split("permit name nationality passport valid_until state days action fee", want, " ")
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
	echo "Overstay check of $register, run $(date '+%Y-%m-%d %H:%M %Z')"
	echo
	sed 's/^stay-check: //' "$tmp/log"
	if [ -s "$tmp/list" ]; then
		echo
		pick "$tmp/list"
	fi
} >"$tmp/report"

if [ "$status" -eq 1 ]; then
	subject="izin: permits expired or expiring in $register"
else
	subject="izin: overstay check of $register failed"
fi
if [ -n "${MAILTO:-}" ] && command -v mail >/dev/null 2>&1; then
	mail -s "$subject" "$MAILTO" <"$tmp/report" || exit 2
else
	echo "Subject: $subject"
	cat "$tmp/report"
fi
exit "$status"
