#!/bin/sh
# The conformance vectors (tests/data/vectors/README): every payload of
# vectors.tsv through qr-scan --text with the vectors' trust list and
# revocation list gives the status and detail the manifest names, and
# stay-check on its date the state; --inspect agrees; make.sh run again
# gives the very files checked in.
. "$(dirname "$0")/lib.sh"

vec="$data/vectors"
trust="--root $vec/test-root.pub -T $vec/trust.list -R $vec/revoked.list"
# field N of a tab-separated line
f() { printf '%s\n' "$1" | cut -f"$2"; }
# column by header name of a TSV file
col() { awk -F'\t' -v c="$1" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) k = i; next } { print $k }' "$2"; }

count=$(($(wc -l < "$vec/vectors.tsv") - 1))
check "at least 20 vectors" [ "$count" -ge 20 ]
tail -n +2 "$vec/vectors.tsv" > rows.tsv
while IFS= read -r row; do
	name=$(f "$row" 1) on=$(f "$row" 3) status=$(f "$row" 4)
	detail=$(f "$row" 5) state=$(f "$row" 6)
	f "$row" 2 > code.txt
	want=1; [ "$status" = VALID ] && want=0
	expect $want "$name: exit $want" qr-scan $trust --on "$on" --text \
		code.txt
	check "$name: $status" [ "$(col status out.txt)" = "$status" ]
	check "$name: detail '$detail'" [ "$(col detail out.txt)" = "$detail" ]
	stay-check --on "$on" out.txt > stay.txt 2>/dev/null
	check "$name: stay-check $state" [ "$(col state stay.txt)" = "$state" ]
	qr-scan $trust --on "$on" --inspect --text code.txt > ins.txt 2>&1
	has ins.txt "^  status: $status\$" "$name: --inspect says $status"
done < rows.tsv

# all at once, one record per line in manifest order
cut -f2 rows.tsv > all.txt
expect 1 "every vector in one file" qr-scan $trust --on 2026-06-01 \
	--text all.txt
check "as many records as vectors" [ "$(col status out.txt | wc -l)" -eq "$count" ]

# Ed25519 is deterministic: the generator gives the same files again
mkdir regen
expect 0 "make.sh runs" sh "$vec/make.sh" regen
for file in vectors.tsv trust.list revoked.list; do
	check "make.sh makes the same $file" cmp -s "$vec/$file" "regen/$file"
done
done_testing
