#!/bin/sh
# Run the unit test binaries given as arguments (none: the command-line
# tests alone), then every command-line test script tests/cli_*.sh, and
# print one closing line of totals.  Exit status 1 when anything failed.
top=$(cd "$(dirname "$0")/.." && pwd)
PATH="${IZIN_BIN:-$top/cmd}:$PATH"
export PATH
IZIN_TESTDATA="$top/tests/data"
export IZIN_TESTDATA
# Check forks each test by default; keep it so, and keep output short.
CK_VERBOSITY=${CK_VERBOSITY:-normal}
export CK_VERBOSITY

passed=0 failed=0
for t in "$@"; do
	out=$("$t" 2>&1)
	rc=$?
	printf '%s\n' "$out" | grep -v '^Running suite'
	# Check's summary: "100%: Checks: N, Failures: F, Errors: E"
	n=$(printf '%s\n' "$out" | sed -n 's/.*Checks: \([0-9]*\), Failures: \([0-9]*\), Errors: \([0-9]*\).*/\1 \2 \3/p' | tail -n 1)
	if [ -n "$n" ]; then
		tot=${n%% *}; rest=${n#* }; f=${rest%% *}; e=${rest#* }
		passed=$((passed + tot - f - e)); failed=$((failed + f + e))
	elif [ $rc -ne 0 ]; then
		failed=$((failed + 1))
	fi
	[ $rc -eq 0 ] || echo "FAIL: $t (exit $rc)"
done
for s in "$top"/tests/cli_*.sh; do
	[ -e "$s" ] || continue
	out=$(sh "$s" 2>&1)
	rc=$?
	printf '%s\n' "$out"
	p=$(printf '%s\n' "$out" | grep -c '^ok ')
	f=$(printf '%s\n' "$out" | grep -c '^not ok ')
	passed=$((passed + p)); failed=$((failed + f))
	if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then
		failed=$((failed + 1)); echo "FAIL: $s (exit $rc)"
	fi
done
echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
