#!/bin/sh
# make demo: the izin pipeline on the example data, step by step.
# Everything runs for real in a fresh folder, examples/out/.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
PATH="$top/cmd:$PATH"
out="$top/examples/out"
rm -rf "$out"
mkdir -p "$out/trust"
cd "$out"

step() { printf '\n== %s\n' "$*"; }

step "1. An issuing office makes its key pair (no passphrase: demo only)"
qr-keygen -o jktsel --office KANIM-JKTSEL --valid-from 2026-01-01 \
	--valid-until 2030-12-31 --no-passphrase
ls -l jktsel.key jktsel.pub
echo "public key line, for the officers' trust store:"
cat jktsel.pub
cp jktsel.pub trust/

step "2. A clerk issues the day's batch: examples/permits.csv to PNG cards"
echo "(the batch holds four bad rows: each is named with its line and field,"
echo " and every good row is still issued; exit status 1 says so)"
set +e
qr-issue -k jktsel.key --label --batch "$top/examples/permits.csv" -d cards \
	> register.tsv
rc=$?
set -e
[ "$rc" -eq 1 ] || { echo "demo: qr-issue exited $rc, expected 1"; exit 1; }
echo "issued $(($(wc -l < register.tsv) - 1)) permits into cards/; the register:"
cut -f 1,2,4,11,15,16 register.tsv | head -n 6
echo "..."

step "3. Another office's key, which this trust store does not hold"
qr-keygen -o sby --office KANIM-SBY --valid-from 2026-01-01 --no-passphrase
qr-issue -k sby.key -o cards/stranger.png --permit 3S01SB0001-K --kind ITAS \
	--index E33G --name "Viktor Stranger" --nationality AUT --passport P1234567 \
	--birth 1980-01-01 --sex M --valid-until 2027-06-30 > stranger.tsv
echo "a card from KANIM-SBY: cards/stranger.png"

echo
echo "demo: done; files are in examples/out/"
