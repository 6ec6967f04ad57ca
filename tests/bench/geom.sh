# The geometry stage: decode rate on permits photographed tilted (one
# side 60% of the other) and on a curved passport page, small and large,
# against zbarimg and ZXingReader; then what the stage costs, against
# qr-scan built from BENCH_BASE, the commit before it, in the same run
# (sourced by bench.sh, which provides the helpers).
N_GEOM=${N_GEOM:-20}
N_GEOM_CLEAN=${N_GEOM_CLEAN:-200}
BENCH_BASE=${BENCH_BASE:-5c9b2d0}

. "$top/tests/distort.sh"

# geom_make DIR KIND I PNG: the photo of kind KIND, variant I, of PNG
geom_make() {
	case $2 in
	perspective-small) distort_perspective "$4" "$1/$2.jpg" 220 "$3" ;;
	perspective-large) distort_perspective "$4" "$1/$2.jpg" 520 "$3" ;;
	curve-small) distort_curve "$4" "$1/$2.jpg" 220 "$3" ;;
	curve-large) distort_curve "$4" "$1/$2.jpg" 520 "$3" ;;
	mild-perspective) DISTORT_MILD=1 distort_perspective "$4" "$1/$2.jpg" 300 "$3" ;;
	mild-curve) DISTORT_MILD=1 distort_curve "$4" "$1/$2.jpg" 300 "$3" ;;
	esac
}

# geom_kind DIR KIND: the N_GEOM photos of KIND, DIR/KIND/PERMIT.jpg,
# permit I in DIR/pay.tsv as variant I
geom_kind() {
	mkdir -p "$1/$2"
	gi=0
	while IFS='	' read -r gp _; do
		gi=$((gi + 1))
		geom_make "$1/$2" "$2" "$gi" "$1/png/$gp.png"
		mv "$1/$2/$2.jpg" "$1/$2/$gp.jpg"
	done < "$1/pay.tsv"
}

# geom_valid TSV: how many records of qr-scan's output are VALID and
# carry the permit number their file is named after
geom_valid() {
	awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
	{ n = split($c["source"], p, "/"); f = p[n]; sub(/\.[^.]*$/, "", f)
	  if ($c["status"] == "VALID" && $c["permit"] == f) v++ }
	END { print v + 0 }' "$1"
}

# geom_exact DIR CMD...: how many DIR/*.jpg CMD reads as exactly the
# payload the register holds for the permit it is named after (DIR/pay)
geom_exact() {
	gdir=$1
	shift
	gok=0
	while IFS='	' read -r gp gpay; do
		if [ "$("$@" "$gdir/$gp.jpg" 2>/dev/null)" = "$gpay" ]; then
			gok=$((gok + 1))
		fi
	done < "$gdir/../pay.tsv"
	echo "$gok"
}

# geom_ms TIME N: milliseconds per run
geom_ms() { awk -v t="$1" -v n="$2" 'BEGIN { printf "%.1f", t * 1000 / n }'; }

# geom_pair OLD NEW: RUNS runs of each of two shell commands, taken in
# turns so that a busy moment of the machine falls on both alike; prints
# the two medians in seconds
geom_pair() {
	gi=0
	while [ $gi -lt "$RUNS" ]; do
		t0=$(now); sh -c "$1" || :; t1=$(now); sh -c "$2" || :; t2=$(now)
		echo "$t0 $t1 $t2" | awk '{ print $2 - $1, $3 - $2 }'
		gi=$((gi + 1))
	done > "$d/pair.txt"
	echo "$(cut -d' ' -f1 "$d/pair.txt" | median) $(cut -d' ' -f2 "$d/pair.txt" | median)"
}

bench_geom() {
	kinds="perspective-small perspective-large curve-small curve-large mild-perspective mild-curve"
	echo "== geometry: $N_GEOM permits per kind photographed tilted (60%) and on a curved page"
	d="$work/geom"
	mkdir -p "$d/png"
	qr-keygen -o "$d/k" --office KANIM-JKTSEL --valid-from 2020-01-01 \
		--valid-until 2099-12-31 --no-passphrase > /dev/null
	n=$N_GEOM
	[ "$n" -ge "$N_GEOM_CLEAN" ] || n=$N_GEOM_CLEAN
	awk -v n="$n" 'BEGIN {
		print "permit,kind,index,name,nationality,passport,birth,sex,issued,valid_until,sponsor,address"
		for (i = 1; i <= n; i++)
			printf "2C11JB%06d-K,ITAS,E33G,Johannes Wilhelm van der B%05d,NLD,NX8K%05d,1985-03-14,M,2026-11-20,2027-11-19,PT Mitra Teknik Nusantara,\"Jl. Kemang Raya No. %d, Jakarta\"\n", i, i, i, i
	}' > "$d/batch.csv"
	qr-issue -k "$d/k.key" -f --batch "$d/batch.csv" -d "$d/png" > "$d/reg.tsv"
	# permit and payload of the first N_GEOM, the ones photographed
	awk -F'\t' -v n="$N_GEOM" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
		NR <= n + 1 { print $c["permit"] "\t" $c["payload"] }' "$d/reg.tsv" > "$d/pay.tsv"
	w=$($_did -format %w "$(ls "$d"/png/*.png | head -n 1)")
	echo "  QR version $(((w / 4 - 8 - 17) / 4)), $((w / 4 - 8)) modules at 4 px, from qr-issue"
	# the photos of two kinds at a time, one ImageMagick each
	t0=$(now)
	set -- $kinds
	while [ $# -gt 0 ]; do
		geom_kind "$d" "$1" &
		if [ $# -gt 1 ]; then
			geom_kind "$d" "$2"
			shift
		fi
		wait
		shift
	done
	t1=$(now)
	echo "  made $(ls "$d"/*/*.jpg | wc -l) photos in $(echo "$t0 $t1" | awk '{ printf "%.0f", $2 - $1 }') s"

	zx=
	command -v ZXingReader > /dev/null 2>&1 && zx=1
	printf '  %-18s %4s %8s %8s %8s\n' kind n qr-scan zbarimg "${zx:+zxing}"
	for kind in $kinds; do
		qr-scan -T "$d/k.pub" -j "$cores" "$d/$kind"/*.jpg > "$d/$kind.tsv" 2>/dev/null || :
		v=$(geom_valid "$d/$kind.tsv")
		z=$(geom_exact "$d/$kind" zbarimg -q --raw -Sdisable -Sqrcode.enable)
		x=
		[ -n "$zx" ] && x=$(geom_exact "$d/$kind" ZXingReader -format QRCode -bytes)
		printf '  %-18s %4d %8d %8d %8s\n' "$kind" "$N_GEOM" "$v" "$z" "$x"
	done
	[ -n "$zx" ] || echo "  ZXingReader: not installed (Debian zxing-cpp-tools), no comparison"
	echo "  (qr-scan: VALID with the right permit; the others: the exact payload)"

	echo
	echo "== geometry: cost against qr-scan at $BENCH_BASE, median of ${GEOM_RUNS:-5}"
	base="$work/base"
	if ! git -C "$top" rev-parse --verify -q "$BENCH_BASE^{commit}" > /dev/null 2>&1; then
		echo "  $BENCH_BASE: not a commit of this checkout, no comparison"
		return 0
	fi
	# The base's worktree goes away however this ends.
	trap 'git -C "$top" worktree remove --force "$base" > /dev/null 2>&1; rm -rf "$work"' EXIT
	git -C "$top" worktree add -q --detach "$base" "$BENCH_BASE" > /dev/null 2>&1
	if ! make -C "$base" -j "$cores" cmd/qr-scan > "$d/base-build.txt" 2>&1; then
		echo "  qr-scan at $BENCH_BASE: build failed"
		sed 's/^/    /' "$d/base-build.txt" | tail -n 5
		git -C "$top" worktree remove --force "$base"
		return 1
	fi
	cp "$base/cmd/qr-scan" "$d/qr-scan-base"
	git -C "$top" worktree remove --force "$base"
	trap 'rm -rf "$work"' EXIT
	old="$d/qr-scan-base" new="$top/cmd/qr-scan"
	runs=$RUNS
	RUNS=${GEOM_RUNS:-5}

	# (a) clean throughput, one process, one thread
	n=$(ls "$d"/png | wc -l)
	set -- $(geom_pair "'$old' -T '$d/k.pub' -j 1 '$d'/png/*.png > /dev/null" \
		"'$new' -T '$d/k.pub' -j 1 '$d'/png/*.png > /dev/null")
	echo "  clean PNGs, $n in one process, 1 thread:  base $(rate "$1" "$n")  now $(rate "$2" "$n") images/s  now/base time $(ratio "$2" "$1")  (target <= 1)"
	# (b) single-image latency, each run the mean of 40 invocations
	one=$(ls "$d"/png/*.png | head -n 1)
	loop='i=0; while [ $i -lt 40 ]; do "$0" -T "$1" -j 1 "$2" > /dev/null; i=$((i + 1)); done'
	set -- $(geom_pair "sh -c '$loop' '$old' '$d/k.pub' '$one'" \
		"sh -c '$loop' '$new' '$d/k.pub' '$one'")
	echo "  one clean PNG:                 base $(geom_ms "$1" 40) ms  now $(geom_ms "$2" 40) ms  now/base $(ratio "$2" "$1")  (target <= 1)"
	# (c) a 12-megapixel phone photo of no code at all: a textured
	# table, some shapes and printed-looking blocks, blurred, JPEG 90
	$_dim -size 500x375 plasma:'#7a6a5a'-'#c8b8a0' -seed 11 \
		-resize 4000x3000! -attenuate 0.4 +noise Gaussian \
		-fill '#30302c' -draw 'rectangle 600,500 1500,1100' \
		-fill '#e8e4dc' -draw 'circle 2800,1700 3400,2100' \
		-fill '#2a4a7a' -draw 'polygon 1000,2000 2200,1800 2500,2800 900,2900' \
		-fill '#111111' -draw 'rectangle 2600,400 2700,1200' \
		-blur 0x1.2 -quality 90 "$d/nocode.jpg"
	set -- $(geom_pair "'$old' --raw -j 1 '$d/nocode.jpg' > /dev/null 2>&1" \
		"'$new' --raw -j 1 '$d/nocode.jpg' > /dev/null 2>&1")
	echo "  no code, 4000x3000 JPEG:       base $(geom_ms "$1" 1) ms  now $(geom_ms "$2" 1) ms  now/base $(ratio "$2" "$1")  (target <= 1.5)"
	# (d) one distorted photo of each kind
	for kind in $kinds; do
		f=$(ls "$d/$kind"/*.jpg | head -n 1)
		set -- $(geom_pair "'$old' --raw -j 1 '$f' > /dev/null 2>&1" \
			"'$new' --raw -j 1 '$f' > /dev/null 2>&1")
		printf '  one %-18s         base %s ms  now %s ms  now/base %s\n' \
			"$kind:" "$(geom_ms "$1" 1)" "$(geom_ms "$2" 1)" "$(ratio "$2" "$1")"
	done
	RUNS=$runs
}
