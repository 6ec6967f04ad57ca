#!/bin/sh
# qr-keygen: the files it writes, what it refuses, its exit statuses.
. "$(dirname "$0")/lib.sh"

printf 'izin-test-passphrase\n' >pass
mode() { ls -l "$1" | cut -c1-10; }
pubre='^[0-9a-f]\{4\} JKTSEL 2020-01-01 2099-12-31 [A-Za-z0-9+/]\{43\}=$'

# With a passphrase file: NAME.key (0600, encrypted) and NAME.pub.
expect 0 "keygen with --passphrase-file" qr-keygen -o office --office JKTSEL \
	--valid-from 2020-01-01 --valid-until 2099-12-31 --passphrase-file pass
check "no output on success" test ! -s out.txt -a ! -s err.txt
check "office.key is a file" test -f office.key
check "office.key mode 0600" test "$(mode office.key)" = "-rw-------"
check "office.pub has one line" test "$(wc -l <office.pub)" -eq 1
has office.pub "$pubre" "office.pub line format"
has office.key '^izin-secret-key 1$' "office.key magic line"
has office.key '^kdf argon2id [0-9]* [0-9]* ' "office.key is encrypted"
check "office.key public line is office.pub" \
	test "$(sed -n 2p office.key)" = "public $(cat office.pub)"
check "no temporary files left" test "$(ls -A | wc -l)" -eq 5

# Never overwrite without -f, and say which file is in the way.
cp office.key saved.key; cp office.pub saved.pub
expect 2 "existing files refused" qr-keygen -o office --office JKTSEL \
	--passphrase-file pass
has err.txt '^qr-keygen: .*office\.key' "refusal names office.key"
check "office.key untouched" cmp -s office.key saved.key
check "office.pub untouched" cmp -s office.pub saved.pub
rm office.key
expect 2 "existing office.pub alone refused" qr-keygen -o office \
	--office JKTSEL --passphrase-file pass
has err.txt '^qr-keygen: .*office\.pub' "refusal names office.pub"
check "office.key not written when office.pub is in the way" \
	test ! -e office.key
cp saved.key office.key
expect 0 "-f overwrites" qr-keygen -f -o office --office JKTSEL \
	--valid-from 2020-01-01 --valid-until 2099-12-31 --passphrase-file pass
check "office.key replaced" test "$(cat office.key)" != "$(cat saved.key)"
check "office.pub replaced" test "$(cat office.pub)" != "$(cat saved.pub)"
check "replaced office.key mode 0600" \
	test "$(mode office.key)" = "-rw-------"
has office.pub "$pubre" "replaced office.pub line format"
expect 0 "--force overwrites" qr-keygen --force -o office --office JKTSEL \
	--passphrase-file pass

# Without a passphrase.
expect 0 "keygen with --no-passphrase" qr-keygen -o plain --office JKTSEL \
	--valid-from 2020-01-01 --valid-until 2099-12-31 --no-passphrase
has plain.key '^kdf none$' "plain.key is not encrypted"
has plain.pub "$pubre" "plain.pub line format"
check "plain.key mode 0600" test "$(mode plain.key)" = "-rw-------"
check "two keys differ" test "$(cat plain.pub)" != "$(cat office.pub)"

# Defaults: from today, five years less a day.
expect 0 "default window" qr-keygen -o dflt --office JKTSEL --no-passphrase
has dflt.pub "^[0-9a-f]\{4\} JKTSEL $(date +%Y-%m-%d) " "window starts today"
expect 0 "--valid-from alone" qr-keygen -o five --office JKTSEL \
	--valid-from 2024-03-01 --no-passphrase
has five.pub " 2024-03-01 2029-02-28 " "five years less a day"

# Usage errors: exit 2, a "qr-keygen: " message, no files.
expect 2 "--passphrase-file with --no-passphrase" qr-keygen -o both \
	--office JKTSEL --passphrase-file pass --no-passphrase
has err.txt '^qr-keygen: ' "contradiction message"
check "no file for contradictory options" test ! -e both.key -a ! -e both.pub
for office in jktsel JKT_SEL 'JKT SEL' ABCDEFGHIJKLMNOPQ ''; do
	expect 2 "bad office '$office'" qr-keygen -o bad --office "$office" \
		--no-passphrase
	has err.txt '^qr-keygen: ' "bad office '$office' message"
done
for d in 2026-02-30 2026-2-01 20260201 1899-12-31 2200-01-01 today ''; do
	expect 2 "bad --valid-from '$d'" qr-keygen -o bad --office JKTSEL \
		--valid-from "$d" --no-passphrase
	has err.txt '^qr-keygen: ' "bad --valid-from '$d' message"
done
expect 2 "bad --valid-until" qr-keygen -o bad --office JKTSEL \
	--valid-until 2026-13-01 --no-passphrase
has err.txt '^qr-keygen: .*2026-13-01' "bad --valid-until message"
expect 2 "until before from" qr-keygen -o bad --office JKTSEL \
	--valid-from 2026-03-02 --valid-until 2026-03-01 --no-passphrase
has err.txt '^qr-keygen: ' "until before from message"
expect 0 "until equal to from" qr-keygen -o day --office JKTSEL \
	--valid-from 2026-03-01 --valid-until 2026-03-01 --no-passphrase
expect 2 "missing -o" qr-keygen --office JKTSEL --no-passphrase
has err.txt '^qr-keygen: ' "missing -o message"
expect 2 "missing --office" qr-keygen -o bad --no-passphrase
has err.txt '^qr-keygen: ' "missing --office message"
expect 2 "extra operand" qr-keygen -o bad --office JKTSEL --no-passphrase x
expect 2 "unknown option" qr-keygen --bogus
has err.txt 'usage:' "unknown option prints usage"
check "usage goes to stderr only" test ! -s out.txt
expect 2 "missing passphrase file" qr-keygen -o bad --office JKTSEL \
	--passphrase-file nonexistent
has err.txt '^qr-keygen: nonexistent' "missing passphrase file named"
: >empty
expect 2 "empty passphrase" qr-keygen -o bad --office JKTSEL \
	--passphrase-file empty
has err.txt '^qr-keygen: ' "empty passphrase message"
expect 2 "output in a missing directory" qr-keygen -o nodir/k \
	--office JKTSEL --no-passphrase
has err.txt '^qr-keygen: ' "missing directory message"
check "no bad.key or bad.pub left" test ! -e bad.key -a ! -e bad.pub

# Help and version on stdout.
expect 0 "--help" qr-keygen --help
has out.txt '^usage:' "--help prints usage on stdout"
check "--help writes nothing on stderr" test ! -s err.txt
expect 0 "-h" qr-keygen -h
has out.txt '^usage:' "-h prints usage on stdout"
expect 0 "--version" qr-keygen --version
has out.txt "^qr-keygen .*[0-9]\.[0-9]" "--version prints a version"
expect 0 "-V" qr-keygen -V
if [ -w /dev/full ]; then
	expect 2 "--help to a full disk" sh -c 'qr-keygen --help >/dev/full'
fi

# No passphrase source and no terminal to ask on: refused, nothing written.
if command -v setsid >/dev/null 2>&1; then
	nott=setsid
	setsid -w true 2>/dev/null && nott="setsid -w"
else
	nott=
fi
expect 2 "no passphrase and no terminal" $nott qr-keygen -o tty \
	--office JKTSEL </dev/null
has err.txt '^qr-keygen: ' "no terminal message"
check "no key written without a passphrase" test ! -e tty.key -a ! -e tty.pub

done_testing
