# tests/pg.sh - a throwaway PostgreSQL server for the tests, the demo and
# the benchmarks.  Source it, then:
#
#   pg_start DIR     make a cluster in DIR/pg (initdb) and start it on a Unix
#                    socket in DIR/pg (no TCP port); exports PGHOST, PGPORT,
#                    PGUSER (izin, a superuser), PGDATABASE (izin) and
#                    PGCONNECT_TIMEOUT, so that libpq, psql and report-log
#                    reach it with no connection string at all.
#   pg_db NAME       create database NAME; prints "host=... dbname=NAME".
#   pg_stop          stop the server (fast shutdown) and remove the cluster.
#
# The server belongs to the caller, whose EXIT trap must call pg_stop (a
# server left running outlives the test).  initdb refuses to run as root, so as
# root the cluster is made and run by the postgres user (from Debian's
# postgresql package) and DIR is opened to it.
#
# Returns non-zero with a message when PostgreSQL is not installed: the
# caller says so and fails (never skips).

pg_bindir() {
	for d in "$(pg_config --bindir 2>/dev/null)" /usr/lib/postgresql/*/bin; do
		[ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && { echo "$d"; return 0; }
	done
	return 1
}

# Run a PostgreSQL server program as the cluster's owner.
_pg_as() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

pg_start() {
	_pg_dir=$1/pg
	_pg_bin=$(pg_bindir) || {
		echo "pg.sh: PostgreSQL server programs not found (apt-get install postgresql)" >&2
		return 1
	}
	mkdir -p "$_pg_dir" || return 1
	if [ "$(id -u)" = 0 ]; then
		chmod 755 "$1" && chown postgres: "$_pg_dir" || return 1
	fi
	_pg_as "$_pg_bin/initdb" -D "$_pg_dir/data" -U izin -A trust \
		--no-sync -E UTF8 --locale=C >"$_pg_dir/initdb.log" 2>&1 || {
		echo "pg.sh: initdb failed:" >&2; cat "$_pg_dir/initdb.log" >&2
		return 1
	}
	# No TCP at all: a socket in the cluster's own folder.  fsync off and
	# small WAL settings: a throwaway server that must start fast.
	_pg_as "$_pg_bin/pg_ctl" -D "$_pg_dir/data" -l "$_pg_dir/server.log" \
		-w -t 60 -o "-c listen_addresses='' -k $_pg_dir -p 5432 \
		-c fsync=off -c synchronous_commit=off -c full_page_writes=off \
		-c max_connections=100 -c shared_buffers=128MB \
		-c max_wal_size=2GB -c max_locks_per_transaction=256" \
		start >/dev/null 2>&1 || {
		echo "pg.sh: the server did not start:" >&2
		cat "$_pg_dir/server.log" >&2
		return 1
	}
	PGHOST=$_pg_dir PGPORT=5432 PGUSER=izin PGDATABASE=izin
	PGCONNECT_TIMEOUT=10
	export PGHOST PGPORT PGUSER PGDATABASE PGCONNECT_TIMEOUT
	"$_pg_bin/createdb" izin || return 1
}

pg_db() {
	"$_pg_bin/createdb" "$1" && echo "host=$PGHOST port=$PGPORT dbname=$1"
}

pg_stop() {
	[ -n "${_pg_dir:-}" ] && [ -d "$_pg_dir/data" ] || return 0
	_pg_as "$_pg_bin/pg_ctl" -D "$_pg_dir/data" -m fast -w stop \
		>/dev/null 2>&1
	rm -rf "$_pg_dir"
}
