# qr-scan with a signed national trust list of 500 office keys against
# the same scan with a one-file trust store (sourced by bench.sh, which
# provides the helpers).  The two are timed in turns, at least 5 times
# each, so that both medians come from the same stretch of a noisy
# machine; the CPU time (user + system, from /usr/bin/time when it is
# there) is reported too, as it varies less than the wall clock on a
# shared machine.
N_TRUST_IMG=${N_TRUST_IMG:-400}
N_TRUST_KEYS=${N_TRUST_KEYS:-500}

# trust_time FILE CMD...: run CMD, append "wall cpu" seconds to FILE.
trust_time() {
	tf=$1
	shift
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -f '%e %U %S' -o "$tf.one" "$@" > /dev/null
		awk '{ print $1, $2 + $3 }' "$tf.one" >> "$tf"
	else
		t0=$(now); "$@" > /dev/null; t1=$(now)
		echo "$t0 $t1" | awk '{ print $2 - $1, "-" }' >> "$tf"
	fi
}

bench_trust() {
	echo "== qr-scan: one .pub file vs a signed list of $N_TRUST_KEYS keys, $N_TRUST_IMG PNGs, 1 core"
	d="$work/trust"
	mkdir -p "$d/png" "$d/pub"
	kg() { qr-keygen --no-passphrase --valid-from 2020-01-01 \
		--valid-until 2099-12-31 "$@" > /dev/null; }
	kg -o "$d/k" --office KANIM-JKTSEL
	kg -o "$d/root" --office DITJENIM --root
	cp "$d/k.pub" "$d/pub/"
	i=1
	while [ $i -lt "$N_TRUST_KEYS" ]; do
		kg -o "$d/pub/o$i" --office "KANIM-$i"
		rm "$d/pub/o$i.key"
		i=$((i + 1))
	done
	qr-trust -k "$d/root.key" --date 2026-01-01 --seq 1 \
		--next-update 2099-12-31 -o "$d/trust.list" "$d"/pub/*.pub
	awk -v n="$N_TRUST_IMG" 'BEGIN {
		print "permit,kind,index,name,nationality,passport,birth,sex,issued,valid_until"
		for (i = 1; i <= n; i++)
			printf "2C11JB%06d-K,ITAS,E33G,Ana B%05d,BRA,FX%05d,1990-05-17,F,2026-11-20,2027-11-19\n", i, i, i
	}' > "$d/batch.csv"
	qr-issue -k "$d/k.key" -f --batch "$d/batch.csv" -d "$d/png" > /dev/null
	n=$(ls "$d/png" | wc -l)
	keys=$(qr-trust --show --root "$d/root.pub" "$d/trust.list" | sed -n 's/^keys //p')
	valid=$(qr-scan -T "$d/trust.list" --root "$d/root.pub" --on 2026-12-01 \
		-j 1 "$d"/png/*.png | grep -c '	VALID	' || true)
	runs=$RUNS
	[ "$runs" -ge 5 ] || runs=5
	r=0
	while [ $r -lt "$runs" ]; do
		trust_time "$d/t.pub" qr-scan -T "$d/k.pub" -j 1 "$d"/png/*.png
		trust_time "$d/t.list" qr-scan -T "$d/trust.list" \
			--root "$d/root.pub" --on 2026-12-01 -j 1 "$d"/png/*.png
		r=$((r + 1))
	done
	tp=$(cut -d' ' -f1 "$d/t.pub" | median)
	tl=$(cut -d' ' -f1 "$d/t.list" | median)
	echo "  (median of $runs runs each, in turns)"
	echo "  one .pub file:            $(per "$tp" "$n") ms/image  $(rate "$tp" "$n") images/s"
	echo "  signed list, $keys keys:  $(per "$tl" "$n") ms/image  $(rate "$tl" "$n") images/s  ($valid of $n VALID)"
	echo "  ratio list / one file, wall clock: $(ratio "$tl" "$tp")  (target <= 1.05)"
	if [ -x /usr/bin/time ]; then
		cp=$(cut -d' ' -f2 "$d/t.pub" | median)
		cl=$(cut -d' ' -f2 "$d/t.list" | median)
		echo "  ratio list / one file, CPU time:   $(ratio "$cl" "$cp")  ($cl s vs $cp s)"
	fi
}
