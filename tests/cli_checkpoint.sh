#!/bin/sh
# report-log's device keys and signed checkpoints over the real binary
# (issue 15): each attack on a device's log with sqlite3 and the tool
# itself, next to the same step done honestly, as --verify, --verify
# --checkpoint and a merge into a centre see it; enrolment; the key file.
. "$(dirname "$0")/lib.sh"

T="--reporter T07 --reporter-kind officer --place Desa_Mojorejo --at -7.12,112.18"
# column N of a TSV file, by header name
col() { awk -F'\t' -v c="$1" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) k = i; next } { print $k }' "$2"; }
rows() { sqlite3 "$1" 'SELECT count(*) FROM sighting' 2>/dev/null || echo 0; }
mode() { ls -l "$1" | cut -c1-10; }
dev() { sqlite3 "$1" "SELECT value FROM meta WHERE key = 'device'"; }
# N records, permits P$2 on
recs() { awk -v n="$1" -v f="$2" 'BEGIN { printf "permit\tname\tvalid_from\tvalid_until\n"; for (i = 0; i < n; i++) printf "P%d\tHolder %d\t2026-01-01\t2027-01-01\n", f + i, f + i }'; }
# what a centre holds: sightings, keys, checkpoints
state() { echo "$(rows "$1") $(sqlite3 "$1" 'SELECT count(*) FROM device_key' 2>/dev/null)"; report-log -d "$1" --checkpoints 2>&1; }
# cuttail DB DEVICE KEEP: delete the device's sightings after dseq KEEP and set
# its head back to the sighting at KEEP, as an operator with sqlite3 would
cuttail() {
	sqlite3 "$1" "DELETE FROM sighting WHERE device = '$2' AND dseq > $3;
		UPDATE head SET dseq = $3,
			seq = (SELECT seq FROM sighting WHERE device = '$2' AND dseq = $3),
			hash = (SELECT hash FROM sighting WHERE device = '$2' AND dseq = $3)
		WHERE device = '$2'"
}
# setback DB DEVICE FROM: the device's checkpoint row as FROM (an older
# copy of the log) holds it
setback() {
	sqlite3 "$1" "ATTACH '$3' AS o; DELETE FROM checkpoint WHERE device = '$2';
		INSERT INTO checkpoint SELECT * FROM o.checkpoint WHERE device = '$2'"
}
b64hex() { printf '%s' "$1" | base64 -d | od -An -v -tx1 | tr -d ' \n'; }
cpre='^izin-checkpoint [0-9a-f]\{16\} [1-9][0-9]* [0-9a-f]\{64\} [0-9]\{4\}-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z [A-Za-z0-9+/]\{86\}==$'

# A device's log in two runs (dseq 1-2, then 3-5); old.db is a copy
# between them, with the checkpoint of dseq 2.
recs 2 1 > two.tsv
recs 3 3 > three.tsv
expect 0 "a device logs its first sightings" report-log -d dev.db $T --time 2026-03-01T10:00:00+07:00 < two.tsv
A=$(dev dev.db)
check "the device key is made beside the log" [ -f dev.db.key ]
check "the key file is 0600" [ "$(mode dev.db.key)" = "-rw-------" ]
has dev.db.key '^kdf none$' "without a passphrase the key is not encrypted"
cp dev.db old.db
expect 0 "the checkpoints of a one-device log" report-log -d old.db --checkpoints
cp out.txt old.cp
check "one line" [ "$(wc -l < old.cp)" -eq 1 ]
has old.cp "^izin-checkpoint $A 2 " "a run ends with a checkpoint of its last sighting"
expect 0 "a second run" report-log -d dev.db $T --time 2026-03-02T10:00:00+07:00 < three.tsv
expect 0 "--checkpoints" report-log -d dev.db --checkpoints
cp out.txt saved.cp
has saved.cp "$cpre" "the line is izin-checkpoint DEVICE DSEQ HASH TIME SIG"
has saved.cp "^izin-checkpoint $A 5 " "the newest checkpoint names the head"
expect 0 "--export" report-log -d dev.db --export
cp out.txt exp.tsv
check "the checkpoint's hash is the sighting's at its dseq" [ "$(cut -d' ' -f4 saved.cp)" = "$(awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next } $h["dseq"] == 5 { print $h["hash"] }' exp.tsv)" ]
expect 0 "--verify of the sound log" report-log -d dev.db --verify
has out.txt "^dev.db: 5 sightings, every chain verified" "it says so"
expect 0 "--verify --checkpoint of the line kept" report-log -d dev.db --verify --checkpoint saved.cp
has out.txt "^dev.db: 5 sightings, every chain verified" "it verifies against it"
expect 0 "--checkpoint - reads standard input" sh -c 'report-log -d dev.db --verify --checkpoint - < saved.cp'
expect 0 "an older checkpoint the chain passes through holds" report-log -d dev.db --verify --checkpoint old.cp

# --export: the checkpoint on the sighting it signs, empty on the others
has exp.tsv "	dseq	hash	checkpoint$" "--export ends with a checkpoint column"
check "one sighting carries a checkpoint" [ "$(col checkpoint exp.tsv | grep -c .)" -eq 1 ]
check "it is dseq 5's, the line --checkpoints prints" [ "$(awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next } $h["checkpoint"] != "" { print $h["dseq"] "|" $h["checkpoint"] }' exp.tsv)" = "5|$(cat saved.cp)" ]
expect 0 "--export --json" report-log -d dev.db --export --json
check "--export --json: the checkpoint on one line" [ "$(grep -c '"checkpoint":"izin-checkpoint ' out.txt)" -eq 1 ]

# Another device; a centre (an SQLite file) that enrols both on merging.
recs 2 10 > other.tsv
report-log -d oth.db $T --time 2026-03-01T11:00:00+07:00 < other.tsv > /dev/null
B=$(dev oth.db)
report-log -d oth.db --checkpoints > oth.cp
check "two devices, two ids" [ -n "$A" -a -n "$B" -a "$A" != "$B" ]
expect 0 "a centre merges a new device with --enrol-new" report-log -d centre.db --merge dev.db --enrol-new
has out.txt "^dev.db: 5 sightings merged" "all five come in"
expect 0 "and the other" report-log -d centre.db --merge oth.db --enrol-new
expect 0 "--checkpoints of the centre" report-log -d centre.db --checkpoints
check "the centre holds each device's newest checkpoint" [ "$(sort out.txt)" = "$(sort saved.cp oth.cp)" ]
cat saved.cp oth.cp > both.cp
expect 0 "the centre verifies against both lines" report-log -d centre.db --verify --checkpoint both.cp
expect 0 "--export of the centre" report-log -d centre.db --export
check "each device's checkpoint on its sighting" [ "$(col checkpoint out.txt | grep . | sort)" = "$(sort both.cp)" ]
expect 0 "the same log again, the device known" report-log -d centre.db --merge dev.db
has out.txt "^dev.db: 0 sightings merged" "nothing doubled"
state centre.db > centre.before

# The chain checks, still caught with checkpoints on.
cp dev.db t.db
sqlite3 t.db "UPDATE sighting SET place = 'Surabaya' WHERE seq = 3"
expect 1 "an altered sighting fails --verify" report-log -d t.db --verify
has out.txt "^t.db: seq 3: altered" "--verify names it"
expect 1 "and --verify --checkpoint" report-log -d t.db --verify --checkpoint saved.cp
has out.txt "^t.db: seq 3: altered" "by its seq"
expect 1 "the centre refuses it" report-log -d centre.db --merge t.db
has err.txt "^report-log: t.db: seq 3: .*merge refused, nothing written" "naming the sighting"
cp dev.db t.db
sqlite3 t.db "INSERT INTO sighting(device, dseq, time, epoch, reporter, reporter_kind, place, lat, lon, permit, layout, record, prev_hash, hash) SELECT device, dseq + 100, time, epoch, reporter, reporter_kind, place, lat, lon, permit, layout, record, prev_hash, hash FROM sighting WHERE seq = 2"
expect 1 "an inserted sighting fails --verify" report-log -d t.db --verify
has out.txt "^t.db: seq 6: " "--verify names it"
expect 1 "the centre refuses it" report-log -d centre.db --merge t.db
cp dev.db t.db
sqlite3 t.db "UPDATE sighting SET seq = 100 WHERE seq = 2; UPDATE sighting SET seq = 2 WHERE seq = 3; UPDATE sighting SET seq = 3 WHERE seq = 100"
expect 1 "reordered sightings fail --verify" report-log -d t.db --verify
has out.txt "^t.db: seq 2: " "--verify names the first"
expect 1 "the centre refuses them" report-log -d centre.db --merge t.db
cp dev.db t.db
sqlite3 t.db "DELETE FROM sighting WHERE seq = 3"
expect 1 "a sighting deleted in the middle fails --verify" report-log -d t.db --verify
has out.txt "^t.db: seq 4: follows a gap" "the sighting after the gap is named"
expect 1 "the centre refuses it" report-log -d centre.db --merge t.db
check "the centre is as it was" [ "$(state centre.db)" = "$(cat centre.before)" ]

# The cut tail: the last sighting deleted, the head set back to the one
# before.  With the log's own checkpoint left, plain --verify sees it.
cp dev.db cut1.db
cuttail cut1.db "$A" 4
expect 1 "a cut tail fails --verify by the log's own checkpoint" report-log -d cut1.db --verify
has out.txt "^cut1.db: device $A: dseq 5: .*cut tail" "--verify names the device and the checkpoint"
expect 1 "a fresh centre refuses it too" report-log -d fresh.db --merge cut1.db --enrol-new
has err.txt "^report-log: cut1.db: device $A: dseq 5: .*cut tail.*: merge refused, nothing written$" "the refusal names device and dseq"
check "a refused merge enrols nothing" [ "$(sqlite3 fresh.db 'SELECT count(*) FROM device_key' 2>/dev/null || echo 0)" -eq 0 ]
check "and merges nothing" [ "$(rows fresh.db)" -eq 0 ]
# The device goes on logging after the cut, with its key: its own
# checkpoint of dseq 5 must still give the cut away, however many
# sightings follow: the tool must not sign a checkpoint over a chain that
# does not reach the one it signed before.
cp dev.db cut6.db
cp dev.db.key cut6.db.key
cuttail cut6.db "$A" 4
recs 2 50 > fifty.tsv
expect 2 "a signing append refuses to go on from a cut chain" report-log -d cut6.db $T < fifty.tsv
has err.txt "^report-log: cut6.db: device $A: dseq 5: .*cut" "naming the device and the checkpoint"
check "nothing was logged" [ "$(rows cut6.db)" -eq 4 ]
expect 0 "an append with no checkpoints (no key read) goes on" report-log -d cut6.db --checkpoint-every 0 $T < fifty.tsv
expect 1 "a cut tail followed by more sightings still fails --verify" report-log -d cut6.db --verify
has out.txt "^cut6.db: device $A: dseq 5: .*\(cut tail\|rewritten\)" "at the checkpoint of dseq 5"

# The full cover-up: the log's checkpoint row deleted as well, or set
# back to the older one.  Plain --verify cannot tell (the documented
# limit); a checkpoint that left the device can.
cp dev.db cut2.db
cuttail cut2.db "$A" 4
sqlite3 cut2.db "DELETE FROM checkpoint WHERE device = '$A'"
expect 0 "after a full cover-up plain --verify says verified (the limit)" report-log -d cut2.db --verify
has out.txt "^cut2.db: 4 sightings, every chain verified" "four sightings, verified"
expect 1 "--verify --checkpoint with the line kept catches the cut tail" report-log -d cut2.db --verify --checkpoint saved.cp
has out.txt "^cut2.db: device $A: dseq 5: .*cut tail" "naming the device and the checkpoint's dseq"
expect 1 "from standard input too" sh -c 'report-log -d cut2.db --verify --checkpoint - < saved.cp'
expect 1 "the centre that merged dseq 5 refuses the cut log" report-log -d centre.db --merge cut2.db
has err.txt "^report-log: cut2.db: device $A: dseq 5: .*cut tail.*: merge refused, nothing written$" "naming the device and dseq 5"
check "the centre is as it was" [ "$(state centre.db)" = "$(cat centre.before)" ]
expect 0 "a centre that never saw dseq 5 takes the cut log (the limit)" report-log -d never.db --merge cut2.db --enrol-new
has out.txt "^cut2.db: 4 sightings merged" "four sightings"
cp dev.db cut3.db
cuttail cut3.db "$A" 4
setback cut3.db "$A" old.db
expect 0 "the checkpoint row set back to dseq 2: plain --verify says verified" report-log -d cut3.db --verify
expect 1 "--verify --checkpoint catches it" report-log -d cut3.db --verify --checkpoint saved.cp
has out.txt "^cut3.db: device $A: dseq 5: .*cut tail" "as a cut tail at dseq 5"
expect 1 "so does the centre" report-log -d centre.db --merge cut3.db
has err.txt "^report-log: cut3.db: device $A: dseq 5: .*cut tail.*: merge refused, nothing written$" "at dseq 5"
expect 0 "control: the kept line of dseq 2 says nothing against it" report-log -d cut3.db --verify --checkpoint old.cp
# the key row stripped as well, so that the log looks as if it was made
# before device keys; or the log taken back to schema 2 outright
cp dev.db cut4.db
cuttail cut4.db "$A" 4
sqlite3 cut4.db "DELETE FROM checkpoint; DELETE FROM device_key"
expect 1 "a cut log without its key row fails --verify --checkpoint" report-log -d cut4.db --verify --checkpoint saved.cp
has out.txt "^cut4.db: device $A: dseq 5: " "naming the device and dseq 5"
expect 1 "the centre refuses it as a cut tail" report-log -d centre.db --merge cut4.db
has err.txt "^report-log: cut4.db: device $A: dseq 5: .*cut tail.*: merge refused, nothing written$" "at dseq 5"
cp dev.db cut5.db
cuttail cut5.db "$A" 4
sqlite3 cut5.db "DROP TABLE checkpoint; DROP TABLE device_key; PRAGMA user_version = 2"
expect 0 "a cut log taken back to schema 2: plain --verify says verified" report-log -d cut5.db --verify
expect 1 "--verify --checkpoint refuses it" report-log -d cut5.db --verify --checkpoint saved.cp
has out.txt "^cut5.db: device $A: dseq 5: " "naming the device and dseq 5"
expect 1 "the centre refuses it as a cut tail" report-log -d centre.db --merge cut5.db
has err.txt "^report-log: cut5.db: device $A: dseq 5: .*cut tail.*: merge refused, nothing written$" "at dseq 5"
check "the centre is as it was" [ "$(state centre.db)" = "$(cat centre.before)" ]

# A rewritten tail: two sightings cut, the checkpoint row deleted, and
# two others appended with the device's own key: the chain is sound and
# signed anew, so only a checkpoint kept elsewhere shows the rewrite.
cp dev.db rw.db
cp dev.db.key rw.db.key
cuttail rw.db "$A" 3
sqlite3 rw.db "DELETE FROM checkpoint WHERE device = '$A'"
recs 2 20 | report-log -d rw.db --reporter T07 --reporter-kind officer --place Elsewhere --time 2026-03-02T11:00:00+07:00 > /dev/null
check "the rewritten log is as long as before" [ "$(rows rw.db)" -eq 5 ]
expect 0 "it verifies on its own, signed with the device key (the limit)" report-log -d rw.db --verify
report-log -d rw.db --checkpoints > rw.cp
has rw.cp "^izin-checkpoint $A 5 " "a new checkpoint of dseq 5"
check "with another hash" [ "$(cut -d' ' -f4 rw.cp)" != "$(cut -d' ' -f4 saved.cp)" ]
expect 1 "--verify --checkpoint with the line kept: rewritten" report-log -d rw.db --verify --checkpoint saved.cp
has out.txt "^rw.db: device $A: dseq 5: .*rewritten" "naming the device and dseq 5"
expect 0 "control: the line of dseq 2, before the rewrite, holds" report-log -d rw.db --verify --checkpoint old.cp
expect 1 "the centre refuses the rewritten log" report-log -d centre.db --merge rw.db
has err.txt "^report-log: rw.db: .*merge refused, nothing written$" "with nothing written"
check "the centre is as it was" [ "$(state centre.db)" = "$(cat centre.before)" ]

# A checkpoint signed by another device's key.  The thief copies the
# other device's key file in, has the log hold that key for this device,
# appends (so the tool signs dseq 6 with it), then puts the real key row
# back.
cp dev.db sw.db
cp oth.db.key sw.db.key
sqlite3 sw.db "ATTACH 'oth.db' AS o; UPDATE device_key SET pk = (SELECT pk FROM o.device_key WHERE device = '$B') WHERE device = '$A'"
expect 0 "the log, holding B's key for A, appends with it" sh -c "printf 'permit\nP30\n' | report-log -d sw.db $T"
report-log -d sw.db --checkpoints > sw.cp
has sw.cp "^izin-checkpoint $A 6 " "a checkpoint of device A, dseq 6, signed with B's key"
expect 1 "the centre refuses a log that holds another key for a known device" report-log -d centre.db --merge sw.db
has err.txt "^report-log: sw.db: device $A: .*key differs.*: merge refused, nothing written$" "key differs"
sqlite3 sw.db "ATTACH 'dev.db' AS d; UPDATE device_key SET pk = (SELECT pk FROM d.device_key WHERE device = '$A') WHERE device = '$A'"
expect 1 "with A's key back, --verify refuses B's signature" report-log -d sw.db --verify
has out.txt "^sw.db: device $A: dseq 6: .*signature" "naming the device and the checkpoint"
expect 1 "and so does the centre" report-log -d centre.db --merge sw.db
has err.txt "^report-log: sw.db: device $A: dseq 6: .*signature.*: merge refused, nothing written$" "signature"
expect 1 "the line signed with B's key, kept elsewhere, is refused" report-log -d dev.db --verify --checkpoint sw.cp
has out.txt "^dev.db: device $A: dseq 6: .*signature" "as a bad signature, not as a cut tail"
check "the centre is as it was" [ "$(state centre.db)" = "$(cat centre.before)" ]
# another device's signature put on this device's checkpoint row
cp dev.db sg.db
sqlite3 sg.db "ATTACH 'oth.db' AS o; UPDATE checkpoint SET sig = (SELECT sig FROM o.checkpoint WHERE device = '$B') WHERE device = '$A'"
expect 1 "a checkpoint row with another signature fails --verify" report-log -d sg.db --verify
has out.txt "^sg.db: device $A: dseq 5: .*signature" "signature"
expect 1 "the centre refuses it" report-log -d centre.db --merge sg.db
has err.txt "^report-log: sg.db: device $A: dseq 5: .*signature.*: merge refused, nothing written$" "signature"
# and in a line kept elsewhere: B's signature on A's line, B's line made A's
awk -v s="$(cut -d' ' -f6 oth.cp)" '{ $6 = s; print }' saved.cp > forged.cp
expect 1 "a kept line with another device's signature" report-log -d dev.db --verify --checkpoint forged.cp
has out.txt "^dev.db: device $A: dseq 5: .*signature" "signature"
sed "s/^izin-checkpoint $B /izin-checkpoint $A /" oth.cp > moved.cp
expect 1 "another device's line given this device's id" report-log -d dev.db --verify --checkpoint moved.cp
has out.txt "^dev.db: device $A: dseq 2: .*signature" "signature"
printf 'izin-checkpoint %s 5 nonsense\n' "$A" > junk.cp
report-log -d dev.db --verify --checkpoint junk.cp > out.txt 2> err.txt
rc=$?
check "a line that is not a checkpoint is refused" [ $rc -ne 0 -a ! -s out.txt ]
has err.txt "junk.cp" "naming the file"
# another device's checkpoint planted in this log: one that verifies but
# no chain reaches, and one whose signature is this device's
cp dev.db pl.db
sqlite3 pl.db "ATTACH 'oth.db' AS o; INSERT INTO checkpoint SELECT * FROM o.checkpoint"
expect 1 "the centre refuses another device's checkpoint no chain of the log reaches" report-log -d centre.db --merge pl.db
has err.txt "^report-log: pl.db: device $B: dseq 2: .*merge refused, nothing written$" "naming that device"
cp dev.db pl.db
sqlite3 pl.db "INSERT INTO checkpoint SELECT '$B', 99, hash, time, sig FROM checkpoint WHERE device = '$A'"
expect 1 "and one signed with this device's key" report-log -d centre.db --merge pl.db
has err.txt "^report-log: pl.db: device $B: dseq 99: signature.*: merge refused, nothing written$" "signature"
check "the centre is as it was" [ "$(state centre.db)" = "$(cat centre.before)" ]
# the centre's own rows are checked by its --verify
cp centre.db cbad.db
sqlite3 cbad.db "UPDATE checkpoint SET dseq = 1 WHERE device = '$B'"
expect 1 "a centre's checkpoint row changed fails its --verify" report-log -d cbad.db --verify
has out.txt "^cbad.db: device $B: dseq 1: .*signature" "signature"
expect 1 "a checkpoint of a device the log does not know" report-log -d dev.db --verify --checkpoint oth.cp
has out.txt "^dev.db: device $B: dseq 2: .*unknown device" "unknown device"

# A replayed older checkpoint never replaces a newer one.
expect 0 "a centre merges the older copy first" report-log -d replay.db --merge old.db --enrol-new
check "it holds the checkpoint of dseq 2" [ "$(report-log -d replay.db --checkpoints)" = "$(cat old.cp)" ]
expect 0 "then the newer log" report-log -d replay.db --merge dev.db
check "the newer checkpoint replaces it" [ "$(report-log -d replay.db --checkpoints)" = "$(cat saved.cp)" ]
state replay.db > replay.before
expect 1 "the older copy again: its chain ends before dseq 5" report-log -d replay.db --merge old.db
has err.txt "^report-log: old.db: device $A: dseq 5: .*cut tail.*: merge refused, nothing written$" "a cut tail"
check "the centre keeps dseq 5" [ "$(state replay.db)" = "$(cat replay.before)" ]
cp dev.db rp.db
setback rp.db "$A" old.db
expect 0 "the whole chain with the older checkpoint row merges" report-log -d replay.db --merge rp.db
has out.txt "^rp.db: 0 sightings merged" "nothing new"
check "and the older checkpoint does not replace the newer" [ "$(state replay.db)" = "$(cat replay.before)" ]

# Enrolment: unknown devices refused, enrolled by --enrol-new or --enrol.
expect 1 "a merge of an unknown device is refused" report-log -d c2.db --merge dev.db
has err.txt "^report-log: dev.db: device $A: .*unknown device.*: merge refused, nothing written$" "unknown device"
check "nothing merged" [ "$(rows c2.db)" -eq 0 ]
expect 0 "with --enrol-new it is merged" report-log -d c2.db --merge dev.db --enrol-new
check "with the key the log holds" [ "$(sqlite3 c2.db "SELECT hex(pk) FROM device_key WHERE device = '$A'")" = "$(sqlite3 dev.db "SELECT hex(pk) FROM device_key WHERE device = '$A'")" ]
expect 0 "--device-key" report-log -d dev.db --device-key
cp out.txt dev.dev
has dev.dev "^izin-device $A [A-Za-z0-9+/]\{43\}=$" "the line is izin-device DEVICE PK"
check "one line" [ "$(wc -l < dev.dev)" -eq 1 ]
check "PK is the key the log holds" [ "$(b64hex "$(cut -d' ' -f3 dev.dev)")" = "$(sqlite3 dev.db "SELECT lower(hex(pk)) FROM device_key WHERE device = '$A'")" ]
report-log -d oth.db --device-key > oth.dev
expect 0 "--enrol a device line" report-log -d c3.db --enrol dev.dev
expect 0 "the same line again is fine" report-log -d c3.db --enrol dev.dev
expect 0 "--enrol - reads standard input" sh -c 'report-log -d c3.db --enrol - < oth.dev'
expect 0 "an enrolled device merges without --enrol-new" report-log -d c3.db --merge dev.db
has out.txt "^dev.db: 5 sightings merged" "all five"
expect 0 "the other too" report-log -d c3.db --merge oth.db
sed "s/^izin-device $B /izin-device $A /" oth.dev > bad.dev
expect 1 "a device line with another key for a known device is refused" report-log -d c3.db --enrol bad.dev
has err.txt "bad.dev:1: device $A: another key than the one enrolled" "naming the line and the device"
check "the known key is kept" [ "$(sqlite3 c3.db "SELECT hex(pk) FROM device_key WHERE device = '$A'")" = "$(sqlite3 dev.db "SELECT hex(pk) FROM device_key WHERE device = '$A'")" ]
expect 0 "a centre that enrolled the wrong key for A" report-log -d c4.db --enrol bad.dev
expect 1 "refuses A's log" report-log -d c4.db --merge dev.db
has err.txt "^report-log: dev.db: device $A: .*key differs.*: merge refused, nothing written$" "key differs"
expect 1 "--enrol-new does not replace a known key" report-log -d c4.db --merge dev.db --enrol-new
check "nothing merged" [ "$(rows c4.db)" -eq 0 ]
printf 'izin-device %s notakey\n' "$A" > junk.dev
report-log -d c5.db --enrol junk.dev > out.txt 2> err.txt
rc=$?
check "a line that is not a device line is refused" [ $rc -ne 0 ]
check "and nothing enrolled" [ "$(sqlite3 c5.db 'SELECT count(*) FROM device_key' 2>/dev/null || echo 0)" -eq 0 ]

# The key file: --key elsewhere, --passphrase-file, --checkpoint-every 0.
recs 1 40 > one.tsv
mkdir keys
expect 0 "--key names a key file elsewhere" report-log -d k.db --key keys/k.key $T < one.tsv
check "it is made there, 0600" [ "$(mode keys/k.key)" = "-rw-------" ]
check "none beside the log" [ ! -e k.db.key ]
expect 0 "the next run with the same --key" report-log -d k.db --key keys/k.key $T < one.tsv
check "appends" [ "$(rows k.db)" -eq 2 ]
report-log -d k.db $T < one.tsv > out.txt 2> err.txt
rc=$?
check "without its key the log is not appended to" [ $rc -ne 0 -a "$(rows k.db)" -eq 2 ]
cp dev.db other-key.db
expect 2 "another log's key file is refused" report-log -d other-key.db --key oth.db.key $T < one.tsv
has err.txt "oth.db.key: not the device key of other-key.db" "naming the key file and the log"
check "nothing was logged" [ "$(rows other-key.db)" -eq 5 ]
cp dev.db loose.db
cp dev.db.key loose.db.key
chmod 644 loose.db.key
expect 2 "a key file readable by others is refused" report-log -d loose.db $T < one.tsv
has err.txt "loose.db.key: secret key readable by group or others" "and says so"
check "nothing was logged" [ "$(rows loose.db)" -eq 5 ]
ln -s "$tmp/victim" link.db.key
expect 2 "a new key is never written through a symbolic link" report-log -d link.db $T < one.tsv
check "the link's target was not made" [ ! -e victim ]
check "nothing was logged" [ "$(rows link.db)" -eq 0 ]
printf 'device-passphrase\n' > pass
printf 'not-it\n' > wrong
expect 0 "--passphrase-file encrypts a new key" report-log -d p.db --passphrase-file pass $T < one.tsv
has p.db.key '^kdf argon2id ' "the key file says kdf argon2id"
check "0600" [ "$(mode p.db.key)" = "-rw-------" ]
expect 0 "the right passphrase appends" report-log -d p.db --passphrase-file pass $T < one.tsv
report-log -d p.db --checkpoints > p.cp
has p.cp "^izin-checkpoint $(dev p.db) 2 " "and signs"
expect 2 "a wrong passphrase refuses the append" report-log -d p.db --passphrase-file wrong $T < one.tsv
has err.txt "wrong passphrase" "and says so"
check "nothing was logged" [ "$(rows p.db)" -eq 2 ]
report-log -d p.db $T < one.tsv > out.txt 2> err.txt
rc=$?
check "an encrypted key without its passphrase refuses the append" [ $rc -ne 0 -a "$(rows p.db)" -eq 2 ]
expect 0 "--checkpoint-every 0 appends with no key read" report-log -d p.db --checkpoint-every 0 $T < one.tsv
check "logged" [ "$(rows p.db)" -eq 3 ]
check "no checkpoint signed" [ "$(report-log -d p.db --checkpoints)" = "$(cat p.cp)" ]
expect 0 "a head past the newest checkpoint verifies" report-log -d p.db --verify
cp dev.db nokey.db
expect 0 "--checkpoint-every 0 on a log whose key file is elsewhere" report-log -d nokey.db --checkpoint-every 0 $T < one.tsv
check "logged" [ "$(rows nokey.db)" -eq 6 ]
expect 0 "a new log with --checkpoint-every 0" report-log -d n0.db --checkpoint-every 0 $T < two.tsv
check "has no key file" [ ! -e n0.db.key ]
expect 0 "--checkpoints of it" report-log -d n0.db --checkpoints
check "prints nothing" [ ! -s out.txt ]
expect 2 "--device-key of it" report-log -d n0.db --device-key
has err.txt "no device key yet" "says there is none yet"
expect 0 "its next append with checkpoints on" report-log -d n0.db $T < two.tsv
check "makes the key" [ "$(mode n0.db.key)" = "-rw-------" ]
check "and signs the head" [ "$(report-log -d n0.db --checkpoints | cut -d' ' -f3)" = 4 ]
expect 0 "--checkpoint-every 2" report-log -d e2.db --checkpoint-every 2 $T < three.tsv
check "appends" [ "$(rows e2.db)" -eq 3 ]
check "a run still ends with a checkpoint" [ "$(report-log -d e2.db --checkpoints | cut -d' ' -f3)" = 3 ]

# usage
expect 2 "--checkpoint-every -1" report-log -d e2.db --checkpoint-every -1 $T < one.tsv
expect 2 "--checkpoint-every 2x" report-log -d e2.db --checkpoint-every 2x $T < one.tsv
expect 2 "--checkpoint without --verify" report-log -d dev.db --export --checkpoint saved.cp
expect 2 "--enrol-new without --merge" report-log -d dev.db --verify --enrol-new
expect 2 "--device-key and --checkpoints contradict" report-log -d dev.db --device-key --checkpoints
expect 2 "--enrol and --merge contradict" report-log -d c3.db --enrol dev.dev --merge dev.db
expect 2 "--key with a query" report-log -d dev.db --trail P1 --key dev.db.key
check "usage errors wrote nothing" [ "$(rows e2.db)" -eq 3 ]
expect 0 "--help" report-log --help
has out.txt "--checkpoint-every" "--help names the new options"

done_testing
