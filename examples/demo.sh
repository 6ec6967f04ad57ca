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

step "2. Another office's key, which this trust store does not hold"
qr-keygen -o sby --office KANIM-SBY --valid-from 2026-01-01 --no-passphrase
cat sby.pub

echo
echo "demo: done; files are in examples/out/"
