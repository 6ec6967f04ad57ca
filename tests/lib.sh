# tests/lib.sh - sourced by the command-line tests (tests/cli_*.sh).
# Prints "ok N - what" or "not ok N - what" per assertion (TAP-like);
# run.sh counts them.  Each script works in its own fresh temporary folder.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
# IZIN_BIN: where the tools under test are (tests/memcheck.sh points it
# at wrappers that run each one under valgrind).
PATH="${IZIN_BIN:-$top/cmd}:$PATH"
data="$top/tests/data"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/izin-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 2
_n=0 _bad=0

ok() { _n=$((_n + 1)); echo "ok $_n - $1"; }
bad() { _n=$((_n + 1)); _bad=$((_bad + 1)); echo "not ok $_n - $1"; }

# expect STATUS WHAT CMD...: run CMD, assert its exit status.
expect() {
	_want=$1 _what=$2; shift 2
	"$@" >out.txt 2>err.txt
	_got=$?
	if [ "$_got" -eq "$_want" ]; then ok "$_what"
	else bad "$_what (exit $_got, wanted $_want)"; sed 's/^/# /' err.txt; fi
}
# check WHAT TEST...: assert a test(1)-style or any command succeeds.
check() { _what=$1; shift; if "$@"; then ok "$_what"; else bad "$_what"; fi; }
# has FILE REGEX WHAT: assert a file holds a line matching REGEX.
has() { if grep -q -- "$2" "$1"; then ok "$3"; else bad "$3"; head -n 5 "$1" | sed 's/^/# /'; fi; }
# scale FULL QUICK: a loop count or input size, QUICK when every tool runs
# under valgrind (IZIN_MEMCHECK=1), some thirty times slower.  The same
# assertions run either way; make the assertions use the size too.
scale() { if [ "${IZIN_MEMCHECK:-}" = 1 ]; then echo "$2"; else echo "$1"; fi; }
done_testing() { [ "$_bad" -eq 0 ]; }
