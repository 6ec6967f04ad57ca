#!/bin/sh
# Run the command-line tests (tests/cli_*.sh, through tests/run.sh) with
# every izin tool under valgrind's memcheck.  A wrapper per tool in a
# temporary bin folder, first on PATH (IZIN_BIN), runs the tool under
# valgrind with its log in a file of its own (made by mktemp, not named
# by %p alone: pids wrap around in a long run); IZIN_MEMCHECK=1 makes the
# tests use their quick sizes (scale in tests/lib.sh).  Exit status 1 when
# a test failed or any run of a tool reported a memory error or a definite
# leak (-q and --show-leak-kinds=definite: a clean run writes an empty log,
# and a log with anything in it is printed and fails the run).  --vgdb=no:
# no gdbserver, whose FIFOs a kill -9 in the tests would leave in /tmp.
#
# usage: sh tests/memcheck.sh
top=$(cd "$(dirname "$0")/.." && pwd)
if ! command -v valgrind >/dev/null 2>&1; then
	echo "memcheck.sh: valgrind not found; apt-get install valgrind" >&2
	exit 2
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/izin-memcheck.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT
trap 'exit 2' HUP INT TERM
mkdir "$work/bin" "$work/log" || exit 2

tools=0
for src in "$top"/cmd/*.c; do
	name=${src##*/}
	name=${name%.c}
	if [ ! -x "$top/cmd/$name" ]; then
		echo "memcheck.sh: cmd/$name is not built" >&2
		exit 2
	fi
	cat > "$work/bin/$name" <<EOF || exit 2
#!/bin/sh
log=\$(mktemp '$work/log/$name.'\$\$.XXXXXX) || exit 125
exec valgrind --tool=memcheck --error-exitcode=99 --leak-check=full \\
	--errors-for-leak-kinds=definite --show-leak-kinds=definite \\
	--track-fds=no -q --suppressions='$top/tests/valgrind.supp' \\
	--vgdb=no --log-file="\$log" '$top/cmd/$name' "\$@"
EOF
	chmod +x "$work/bin/$name" || exit 2
	tools=$((tools + 1))
done

IZIN_BIN=$work/bin
IZIN_MEMCHECK=1
IZIN_CLI_JOBS=${IZIN_CLI_JOBS:-$(nproc 2>/dev/null || echo 1)}
export IZIN_BIN IZIN_MEMCHECK IZIN_CLI_JOBS
sh "$top/tests/run.sh"
rc=$?

runs=0 bad=0
for f in "$work"/log/*; do
	[ -e "$f" ] || continue
	runs=$((runs + 1))
	[ -s "$f" ] || continue
	bad=$((bad + 1))
	echo "memcheck: ${f##*/}:"
	sed 's/^/# /' "$f"
done
echo "memcheck: $tools tools, $runs runs under valgrind, $bad with errors"
# No run at all means the wrappers were bypassed: nothing was checked.
[ "$runs" -gt 0 ] || rc=1
[ "$bad" -eq 0 ] || rc=1
[ "$rc" -eq 0 ]
