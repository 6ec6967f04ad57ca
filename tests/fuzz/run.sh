#!/bin/sh
# Run each libFuzzer binary given for SECONDS seconds over its checked-in
# seed corpus tests/fuzz/corpus/NAME (left untouched: new inputs go to a
# temporary directory) and print one line per target with its number of
# executions, then a closing line.  Exit status 1 when a target failed:
# a crash, a leak, a hang (-timeout), too much memory, a sanitizer report
# or a broken invariant, each of which makes libFuzzer exit non-zero and
# save the input as tests/fuzz/artifacts/NAME-*.
#
# usage: sh tests/fuzz/run.sh SECONDS tests/fuzz/fuzz_NAME...
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 2
if [ $# -lt 1 ]; then
	echo "usage: sh tests/fuzz/run.sh seconds binary..." >&2
	exit 2
fi
seconds=$1
shift
case $seconds in
''|*[!0-9]*) echo "run.sh: seconds: not a number: $seconds" >&2; exit 2 ;;
esac
mkdir -p tests/fuzz/artifacts || exit 2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/izin-fuzz.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 2' HUP INT TERM

targets=0 failed=0 total=0
for bin in "$@"; do
	name=${bin##*/}
	name=${name#fuzz_}
	targets=$((targets + 1))
	work=$tmp/$name
	log=$tmp/$name.log
	mkdir -p "$work"
	touch "$tmp/stamp"
	# A sanitizer stops at its first report; leaks are reported too.
	ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} \
	UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1} \
	"$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 \
		-artifact_prefix="tests/fuzz/artifacts/$name-" \
		"$work" "tests/fuzz/corpus/$name" >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' \
		"$log" | tail -n 1)
	new=$(find tests/fuzz/artifacts -type f -name "$name-*" \
		-newer "$tmp/stamp" | sort)
	if [ $rc -ne 0 ] || [ -n "$new" ] || [ -z "$execs" ]; then
		failed=$((failed + 1))
		echo "fuzz $name: ${execs:-?} execs, FAILED (exit $rc)"
		# What libFuzzer and the sanitizers said, and the input.
		grep -v '^#[0-9]' "$log" | tail -n 40 | sed 's/^/  /'
		for a in $new; do
			echo "  input saved as $a; replay: $bin $a"
		done
		continue
	fi
	total=$((total + execs))
	echo "fuzz $name: $execs execs, ok"
done
if [ $failed -ne 0 ]; then
	echo "fuzz: $failed of $targets targets failed"
	exit 1
fi
echo "fuzz: $targets targets, $total execs in ${seconds}s each, all ok"
