#!/bin/sh
# verify-folder.sh - an officer checks a folder of card photos and gets
# the list of problems: every code that is not VALID and every photo in
# which no code could be read, one line each.
#
# Usage: verify-folder.sh TRUST FOLDER [REVOKED]
#
# TRUST is the officers' trust store (a .pub file or a folder of them),
# REVOKED an optional signed revocation list.  Exits 0 when every photo
# holds a VALID card, 1 when there are problems (listed), 2 on trouble.
set -u
[ $# -ge 2 ] || { echo "usage: verify-folder.sh trust folder [revoked]" >&2; exit 2; }
trust=$1 folder=$2
rev=${3:+-R $3}

set -- "$folder"/*.jpg "$folder"/*.jpeg "$folder"/*.png "$folder"/*.pnm "$folder"/*.pgm "$folder"/*.ppm
files=
for f; do [ -e "$f" ] && files="$files $f"; done
[ -n "$files" ] || { echo "verify-folder: no photos in $folder" >&2; exit 2; }

# shellcheck disable=SC2086
qr-scan -T "$trust" $rev $files > "${TMPDIR:-/tmp}/verify.$$" 2>/dev/null
status=$?
[ "$status" -eq 2 ] && { rm -f "${TMPDIR:-/tmp}/verify.$$"; exit 2; }
# source, status, detail, permit, name: the problems only
awk -F '\t' 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
	$c["status"] != "VALID" {
		printf "%s\t%s\t%s\t%s\t%s\n", $c["source"], $c["status"],
		    $c["detail"], $c["permit"], $c["name"]; n++ }
	END { printf "verify-folder: %d problem(s)\n", n > "/dev/stderr" }' \
	"${TMPDIR:-/tmp}/verify.$$"
rm -f "${TMPDIR:-/tmp}/verify.$$"
exit $status
