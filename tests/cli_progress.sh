#!/bin/sh
# The progress line over the real binaries: drawn on a terminal (a
# pseudo-terminal from util-linux's script), never in a pipe or a file,
# never with --quiet or with stdout on the terminal too; stdout and the
# exit status the same every way; a warning on a line of its own.
. "$(dirname "$0")/lib.sh"

cp "$data/test-office.key" "$data/test-office.pass" "$data/test-office.pub" .
chmod 600 test-office.key
key="-k test-office.key --passphrase-file test-office.pass"
T="--reporter T07 --reporter-kind officer --time 2026-03-01T10:00:00+07:00"
cr=$(printf '\r')
IZIN_PROGRESS_AFTER=0
export IZIN_PROGRESS_AFTER

# tty NAME CMD: run the shell command CMD with stdin, stdout and stderr on
# a pseudo-terminal (CMD redirects what it wants), its exit status to
# NAME.rc, what the terminal got to NAME.tty.
tty() {
	script -qec "$2" /dev/null < /dev/null > "$1.tty" 2>&1
	echo $? > "$1.rc"
}
# plain NAME CMD: the same with stderr to a file, NAME.err.
plain() {
	sh -c "$2" < /dev/null 2> "$1.err"
	echo $? > "$1.rc"
}
# screen FILE: the lines a terminal shows at the end: each line's text
# after its last carriage return, without clear-to-end-of-line.
screen() { sed "s/$cr\$//; s/.*$cr//; s/$(printf '\033')\\[K//g" "$1"; }
# shows FILE WHAT REGEX: a progress line matching REGEX was drawn.
shows() { has "$1" "$cr$2" "$3"; }
# quiet FILE WHAT: no progress line in FILE (no carriage return but
# the terminal's own before a newline, no clear-to-end-of-line).
quiet() {
	if sed "s/$cr\$//" "$1" | grep -q "$cr\|$(printf '\033')"; then
		bad "$2"; od -c "$1" | head -n 5 | sed 's/^/# /'
	else ok "$2"; fi
}
# grouped N: N with a comma between thousands, as the line shows it.
grouped() { echo "$1" | sed -e ':a' -e 's/\([0-9]\)\([0-9]\{3\}\)\($\|,\)/\1,\2\3/' -e 'ta'; }
same() { check "$3" cmp -s "$1" "$2"; }

# ---- stay-check: by bytes of a file, count and rate from a pipe ----------
N=$(scale 20000 2000)
awk -v n="$N" 'BEGIN { print "permit\tvalid_from\tvalid_until"
	for (i = 1; i <= n; i++) printf "P%d\t2026-01-01\t2026-12-31\n", i }' > in.tsv
sc="stay-check --on 2026-06-01"
tty s1 "$sc in.tsv > s1.out"
shows s1.tty "stay-check: [0-9,]* records" "stay-check on a terminal shows records read"
check "and exits as it would" [ "$(cat s1.rc)" = 0 ]
check "the line is erased at the end" [ -z "$(screen s1.tty)" ]
plain s2 "$sc in.tsv > s2.out"
check "in a pipe it exits the same" [ "$(cat s2.rc)" = 0 ]
quiet s2.err "stderr to a file: no progress line"
check "stderr to a file: nothing at all" [ ! -s s2.err ]
same s1.out s2.out "stdout is the same with and without a terminal"
check "and holds every record" [ "$(wc -l < s1.out)" -eq $((N + 1)) ]
tty s3 "$sc -q in.tsv > s3.out"
quiet s3.tty "-q on a terminal: no progress line"
same s1.out s3.out "stdout the same with -q"
tty s4 "$sc --quiet < in.tsv > s4.out"
quiet s4.tty "--quiet: no progress line"
# A pause after the first records, so that the line is drawn again with
# a rate (the first, at once, has none).
tty s5 "{ head -n 100 in.tsv; sleep 0.5; tail -n +101 in.tsv; } | $sc > s5.out"
shows s5.tty "stay-check: [0-9,]* records, [0-9,.]*/s" "from a pipe: count and rate"
check "and no time left: the size is not known" [ "$(grep -c ' left' s5.tty)" = 0 ]
same s1.out s5.out "stdout the same from a pipe"
tty s6 "$sc in.tsv | cat > s6.out"
shows s6.tty "stay-check: [0-9,]* records" "stdout to a pipe, stderr on the terminal: shown"
same s1.out s6.out "stdout the same through the pipe"
head -n 50 in.tsv > s7.tsv
tty s7 "$sc s7.tsv"
has s7.tty "^P49" "stdout on the terminal: the records are shown"
quiet s7.tty "stdout on the terminal too: no progress line among the records"
# A bad record after the first: its warning on a line of its own.
printf 'permit\tvalid_from\tvalid_until\nA\t2026-01-01\t2026-12-31\nB\t2026-01-01\tnope\nC\t2026-01-01\t2026-12-31\n' > w.tsv
tty w1 "$sc w.tsv > w1.out"
check "a bad record exits 2 on a terminal" [ "$(cat w1.rc)" = 2 ]
shows w1.tty "stay-check: 1 records" "the line is drawn before the bad record"
screen w1.tty > w1.screen
check "the warning is on a line of its own" [ "$(cat w1.screen)" = "stay-check: w.tsv:3: valid_until: invalid date" ]
plain w2 "$sc w.tsv > w2.out"
check "and in a pipe the same status" [ "$(cat w2.rc)" = 2 ]
check "the same warning alone on stderr" [ "$(cat w2.err)" = "stay-check: w.tsv:3: valid_until: invalid date" ]
same w1.out w2.out "the same records"

# ---- qr-issue: cards of a batch ------------------------------------------
awk 'BEGIN { print "permit,kind,index,name,nationality,passport,birth,sex,issued,valid_until"
	for (i = 1; i <= 6; i++)
		printf "B%05d-K,ITAS,C312,Holder %d,BRA,FX%06d,1980-01-%02d,F,2026-03-01,2027-02-%02d\n", i, i, i, i, i
	print "B00007-K,ITAS,C312,Bad,BRA,FX7,1980-13-01,F,2026-03-01,2027-02-01" }' > batch.csv
tty i1 "qr-issue $key -f --batch batch.csv -d cards > i1.out"
shows i1.tty "qr-issue: [0-9,]* cards" "qr-issue on a terminal shows cards read"
check "a bad row: exit 1" [ "$(cat i1.rc)" = 1 ]
screen i1.tty | grep -v '^$' > i1.screen
check "its warning on a line of its own" [ "$(cat i1.screen)" = "qr-issue: batch.csv:8: birth: invalid date" ]
plain i2 "qr-issue $key -f --batch batch.csv -d cards > i2.out"
check "in a pipe the same status" [ "$(cat i2.rc)" = 1 ]
quiet i2.err "stderr to a file: no progress line"
same i1.out i2.out "the register is the same"
check "and lists the six cards" [ "$(wc -l < i1.out)" -eq 7 ]
tty i3 "qr-issue $key -q -f --batch batch.csv -d cards > i3.out"
quiet i3.tty "-q: no progress line"
same i1.out i3.out "the register the same with -q"
tty i4 "qr-issue $key -f --batch - -d cards < batch.csv > i4.out"
shows i4.tty "qr-issue: [0-9,]* cards" "from standard input too"
same i1.out i4.out "the same register"

# ---- qr-scan: images of those named ---------------------------------------
scan="qr-scan -T test-office.pub -j 2"
tty c1 "$scan cards/*.png > c1.out"
shows c1.tty "qr-scan: [1-6] of 6 images" "qr-scan on a terminal shows images of the total"
check "every card valid: exit 0" [ "$(cat c1.rc)" = 0 ]
plain c2 "$scan cards/*.png > c2.out"
quiet c2.err "stderr to a file: no progress line"
check "the same status" [ "$(cat c2.rc)" = 0 ]
same c1.out c2.out "the same records"
check "one record per card and a header" [ "$(wc -l < c1.out)" -eq 7 ]
tty c3 "$scan --quiet cards/*.png > c3.out"
quiet c3.tty "--quiet: no progress line"
same c1.out c3.out "the same records with --quiet"
printf 'not an image' > junk.png
tty c4 "qr-scan --raw junk.png cards/B00001-K.png > c4.out"
shows c4.tty "qr-scan: [12] of 2 images" "--raw shows it too"
plain c5 "qr-scan --raw junk.png cards/B00001-K.png > c5.out"
check "the same status in a pipe" [ "$(cat c4.rc)" = "$(cat c5.rc)" ]
same c4.out c5.out "the same text"

# ---- report-log: an append by bytes of its input, a merge ---------------
M=$(scale 3000 500)
awk -v n="$M" 'BEGIN { print "permit\tname"
	for (i = 1; i <= n; i++) printf "P%d\tHolder %d\n", i, i }' > sight.tsv
report-log -d base.db $T < /dev/null > /dev/null 2>&1
for n in a1 a2 a3; do cp base.db $n.db; cp base.db.key $n.db.key; done
tty a1 "report-log -d a1.db $T < sight.tsv > a1.out"
shows a1.tty "report-log: [0-9,]* records" "report-log appending on a terminal shows records read"
plain a2 "report-log -d a2.db $T < sight.tsv > a2.out"
quiet a2.err "stderr to a file: no progress line"
check "the same status" [ "$(cat a1.rc)$(cat a2.rc)" = 00 ]
same a1.out a2.out "the same echo"
tty a3 "report-log -d a3.db -q $T < sight.tsv > a3.out"
quiet a3.tty "-q: no progress line"
tty m1 "report-log -d m1.db --merge a1.db --enrol-new"
shows m1.tty "report-log: $(grouped $M) of $(grouped $M) sightings" "a merge on a terminal shows sightings of the total"
check "and merges" [ "$(cat m1.rc)" = 0 ]
screen m1.tty | grep -v '^$' > m1.screen
check "its stdout alone on the screen at the end" [ "$(cat m1.screen)" = "a1.db: $M sightings merged" ]
plain m2 "report-log -d m2.db --merge a1.db --enrol-new > m2.out"
quiet m2.err "stderr to a file: no progress line"
check "stdout the same as on the terminal" [ "$(cat m2.out)" = "a1.db: $M sightings merged" ]
tty m3 "report-log -d m3.db --merge a1.db --enrol-new -q"
quiet m3.tty "-q: no progress line"
check "the same status" [ "$(cat m1.rc)$(cat m2.rc)$(cat m3.rc)" = 000 ]
unset IZIN_PROGRESS_AFTER
tty m4 "report-log -d m4.db --merge base.db --enrol-new"
quiet m4.tty "a run shorter than 2 seconds draws nothing"

# ---- --help and the man pages say so -------------------------------------
for t in qr-issue qr-scan stay-check report-log; do
	expect 0 "$t --help" $t --help
	has out.txt "^  -q, --quiet" "$t --help lists -q"
	has "$top/man/$t.1" "^\.It Fl q , Fl -quiet" "$t.1 lists -q"
	has "$top/man/$t.1" "^\.It Ev IZIN_PROGRESS_AFTER" "$t.1 names IZIN_PROGRESS_AFTER"
done

done_testing
