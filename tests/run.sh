#!/bin/sh
# Run the unit test binaries given as arguments (none: the command-line
# tests alone), then every command-line test script tests/cli_*.sh, and
# print one closing line of totals.  Exit status 1 when anything failed.
top=$(cd "$(dirname "$0")/.." && pwd)
PATH="${IZIN_BIN:-$top/cmd}:$PATH"
export PATH
IZIN_TESTDATA="$top/tests/data"
export IZIN_TESTDATA
# The message catalogues make built; the tests expect English messages
# unless they ask for a language (tests/cli_i18n.sh).
IZIN_LOCALEDIR="$top/lib/po/locale"
LC_MESSAGES=C
export IZIN_LOCALEDIR LC_MESSAGES
unset LANGUAGE
# Check forks each test by default; keep it so, and keep output short.
CK_VERBOSITY=${CK_VERBOSITY:-normal}
export CK_VERBOSITY

# The unit test binaries run IZIN_TEST_JOBS at a time (default: one per
# processor; each works in its own mkdtemp folder), their output kept and
# then read in the order given.  The command-line scripts run one at a
# time after them: some of them time a pause or race processes.
jobs=${IZIN_TEST_JOBS:-$(nproc 2>/dev/null || echo 1)}
res=$(mktemp -d "${TMPDIR:-/tmp}/izin-run.XXXXXX") || exit 2
trap 'rm -rf "$res"' EXIT
if [ $# -gt 0 ]; then
	printf '%s\n' "$@" | xargs -P "$jobs" -n 1 sh -c \
		'n=${1##*/}; "$1" > "$0/$n.out" 2>&1; echo $? > "$0/$n.rc"' "$res"
fi

passed=0 failed=0
for t in "$@"; do
	out=$(cat "$res/${t##*/}.out")
	rc=$(cat "$res/${t##*/}.rc" 2>/dev/null || echo 2)
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
# The command-line scripts: one at a time (IZIN_CLI_JOBS, default 1), since
# some time a pause or race processes; under valgrind, where each tool
# runs some thirty times slower and the pauses are scaled to match,
# memcheck.sh runs them one per processor.
cli=$(mkdir "$res/cli" && cd "$top/tests" && ls cli_*.sh 2>/dev/null)
# Largest first (a script's size stands for its number of runs), so that
# with several at a time the long ones do not start last.
order=$(cd "$top/tests" && ls -S cli_*.sh 2>/dev/null)
if [ -n "$cli" ]; then
	printf '%s\n' $order | xargs -P "${IZIN_CLI_JOBS:-1}" -n 1 sh -c \
		't0=$(date +%s); sh "$1/$2" > "$0/cli/$2.out" 2>&1; echo $? > "$0/cli/$2.rc"; echo $(( $(date +%s) - t0 )) > "$0/cli/$2.s"' \
		"$res" "$top/tests"
fi
for s in $cli; do
	out=$(cat "$res/cli/$s.out")
	rc=$(cat "$res/cli/$s.rc" 2>/dev/null || echo 2)
	printf '%s\n' "$out"
	echo "# $s: $(cat "$res/cli/$s.s" 2>/dev/null) s"
	p=$(printf '%s\n' "$out" | grep -c '^ok ')
	f=$(printf '%s\n' "$out" | grep -c '^not ok ')
	passed=$((passed + p)); failed=$((failed + f))
	if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then
		failed=$((failed + 1)); echo "FAIL: tests/$s (exit $rc)"
	fi
done
echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
