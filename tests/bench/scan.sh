# qr-scan: images per second against zbarimg and a bare libpng + zbar
# loop, then the decode rate on the QR photo corpus against zbarimg and
# ZXingReader (sourced by bench.sh, which provides the helpers).
N_SCAN=${N_SCAN:-1000}

# scan_rate DIR CMD...: how many images of DIR/manifest.tsv CMD FILE
# reads exactly, as checked by scan_corpus -m (CMD's last word is the
# match mode, lines or bytes).
scan_rate() {
	sdir=$1 smode=$2
	shift 2
	sok=0
	while IFS='	' read -r simg _; do
		[ -n "$simg" ] || continue
		if "$@" "$sdir/$simg" 2>/dev/null |
		    "$top/tests/bench/scan_corpus" -m "$smode" "$sdir/${simg%.*}.txt"; then
			sok=$((sok + 1))
		fi
	done < "$sdir/manifest.tsv"
	echo "$sok"
}

bench_scan() {
	echo "== qr-scan: $N_SCAN permit PNGs from qr-issue (level M, scale 4, margin 4), median of $RUNS"
	d="$work/scan"
	mkdir -p "$d/png"
	qr-keygen -o "$d/k" --office KANIM-JKTSEL --valid-from 2020-01-01 \
		--valid-until 2099-12-31 --no-passphrase > /dev/null
	awk -v n="$N_SCAN" 'BEGIN {
		print "permit,kind,index,name,nationality,passport,birth,sex,issued,valid_until,sponsor,address"
		for (i = 1; i <= n; i++)
			printf "2C11JB%06d-K,ITAS,E33G,Johannes Wilhelm van der B%05d,NLD,NX8K%05d,1985-03-14,M,2026-11-20,2027-11-19,PT Mitra Teknik Nusantara,\"Jl. Kemang Raya No. %d, Jakarta\"\n", i, i, i, i
	}' > "$d/batch.csv"
	qr-issue -k "$d/k.key" -f --batch "$d/batch.csv" -d "$d/png" > /dev/null
	n=$(ls "$d/png" | wc -l)
	files="'$d'/png/*.png"

	tf=$(time_runs sh -c "'$top/tests/bench/scan_floor' $files > /dev/null")
	tz=$(time_runs sh -c "zbarimg -q --raw -Sdisable -Sqrcode.enable $files > /dev/null 2>&1")
	if [ -x "$top/cmd/qr-scan" ]; then
		valid=$(qr-scan -T "$d/k.pub" -j "$cores" "$d"/png/*.png |
			awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "status") k = i; next } $k == "VALID" { v++ } END { print v + 0 }')
		ta=$(time_runs sh -c "qr-scan -T '$d/k.pub' -j $cores $files > /dev/null")
		t1=$(time_runs sh -c "qr-scan -T '$d/k.pub' -j 1 $files > /dev/null")
		echo "  qr-scan, $cores cores:        $(per "$ta" "$n") ms/image  $(rate "$ta" "$n") images/s  ($valid of $n VALID)"
		echo "  qr-scan, 1 core:         $(per "$t1" "$n") ms/image  $(rate "$t1" "$n") images/s"
	else
		echo "  qr-scan: not built yet"
	fi
	echo "  zbarimg, one process:    $(per "$tz" "$n") ms/image  $(rate "$tz" "$n") images/s"
	echo "  floor (libpng + zbar):   $(per "$tf" "$n") ms/image  $(rate "$tf" "$n") images/s"
	if [ -x "$top/cmd/qr-scan" ]; then
		echo "  ratio all-cores qr-scan / zbarimg throughput: $(ratio "$tz" "$ta")  (target >= 2)"
		echo "  ratio qr-scan 1-core / floor cost:            $(ratio "$t1" "$tf")  (target <= 1.2)"
		# The worst case: a 4000x3000 photo of nothing but noise, every
		# extra pass made.
		{ printf 'P5\n4000 3000\n255\n'; head -c 12000000 /dev/urandom; } > "$d/noise.pgm"
		tnc=$(time_runs sh -c "qr-scan --raw -j 1 '$d/noise.pgm' > /dev/null || true")
		echo "  no code, 4000x3000 noise: $(per "$tnc" 1) ms"
	fi

	corpus="$top/../shared/qr-corpus"
	echo
	echo "== decode rate, exact text, on the QR photo corpus"
	if [ ! -d "$corpus" ]; then
		echo "  $corpus: absent, skipped"
		return 0
	fi
	zx=
	command -v ZXingReader > /dev/null 2>&1 && zx=1
	printf '  %-10s %4s %6s %8s %6s\n' folder n izin zbarimg "${zx:+zxing}"
	tn=0 ti=0 tz=0 tx=0 below=
	for dir in "$corpus"/*/; do
		dir=${dir%/}
		[ -f "$dir/manifest.tsv" ] || continue
		set -- $("$top/tests/bench/scan_corpus" "$dir")
		i=$1 n=$2
		z=$(scan_rate "$dir" lines zbarimg -q --raw -Sdisable -Sqrcode.enable)
		x=
		[ -n "$zx" ] && x=$(scan_rate "$dir" bytes ZXingReader -format QRCode -bytes)
		printf '  %-10s %4d %6d %8d %6s\n' "${dir##*/}" "$n" "$i" "$z" "$x"
		tn=$((tn + n)) ti=$((ti + i)) tz=$((tz + z)) tx=$((tx + ${x:-0}))
		[ "$i" -ge "$z" ] || below="$below ${dir##*/}"
	done
	printf '  %-10s %4d %6d %8d %6s\n' total "$tn" "$ti" "$tz" "${zx:+$tx}"
	if [ -z "$below" ] && [ "$ti" -gt "$tz" ]; then
		echo "  target met: never below zbarimg on a folder, above it overall"
	else
		echo "  target missed:${below:- not above zbarimg overall}${below:+ below zbarimg}"
	fi
	if [ -n "$zx" ]; then
		if [ "$ti" -gt "$tx" ]; then
			echo "  above ZXingReader overall ($ti vs $tx)"
		else
			echo "  not above ZXingReader overall ($ti vs $tx)"
		fi
	else
		echo "  ZXingReader: not installed (Debian zxing-cpp-tools), no comparison"
	fi
}
