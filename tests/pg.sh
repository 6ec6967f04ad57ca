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
#   pg_pool_start DIR  start PgBouncer (Debian's pgbouncer) in front of the
#                    server, in session pooling mode, on a Unix socket in
#                    DIR/pool (no TCP port), trusting any user the server
#                    trusts; exports PG_POOL, "host=DIR/pool port=6432": a
#                    connection string to which the caller adds dbname=NAME.
#   pg_pool_stop     stop PgBouncer and remove DIR/pool.
#
# The server belongs to the caller, whose EXIT trap must call pg_stop (a
# server left running outlives the test).  initdb refuses to run as root, so as
# root the cluster is made and run by the postgres user (from Debian's
# postgresql package) and DIR is opened to it.
#
# Returns non-zero with a message when PostgreSQL is not installed: the
# caller says so and fails (never skips).  The pooler, likewise, is stopped
# by the caller's EXIT trap (pg_pool_stop before pg_stop), and runs as the
# postgres user when root: it refuses root too.

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

# Session mode, not transaction mode: the store prepares its statements on
# a connection's first use and names them per connection, so a client must
# keep its server connection until it disconnects; the default
# server_reset_query (DISCARD ALL) then drops them before the next client.
pg_pool_start() {
	_pg_pool=$1/pool
	command -v pgbouncer >/dev/null 2>&1 || [ -x /usr/sbin/pgbouncer ] || {
		echo "pg.sh: pgbouncer not found (apt-get install pgbouncer)" >&2
		return 1
	}
	mkdir -p "$_pg_pool" || return 1
	if [ "$(id -u)" = 0 ]; then
		chmod 755 "$1" && chown postgres: "$_pg_pool" || return 1
	fi
	# trust still wants the user named in auth_file
	printf '"%s" ""\n' "$PGUSER" > "$_pg_pool/users.txt"
	cat > "$_pg_pool/pgbouncer.ini" <<-EOF
	[databases]
	* = host=$PGHOST port=$PGPORT
	[pgbouncer]
	listen_addr =
	listen_port = 6432
	unix_socket_dir = $_pg_pool
	auth_type = trust
	auth_file = $_pg_pool/users.txt
	pool_mode = session
	server_reset_query = DISCARD ALL
	logfile = $_pg_pool/pgbouncer.log
	pidfile = $_pg_pool/pgbouncer.pid
	EOF
	PATH="$PATH:/usr/sbin" _pg_as pgbouncer -q -d "$_pg_pool/pgbouncer.ini" || {
		echo "pg.sh: pgbouncer did not start:" >&2
		cat "$_pg_pool/pgbouncer.log" >&2
		return 1
	}
	_i=0
	while [ ! -S "$_pg_pool/.s.PGSQL.6432" ]; do
		_i=$((_i + 1))
		[ $_i -le 100 ] || {
			echo "pg.sh: pgbouncer's socket did not appear:" >&2
			cat "$_pg_pool/pgbouncer.log" >&2
			return 1
		}
		sleep 0.1
	done
	PG_POOL="host=$_pg_pool port=6432"
	export PG_POOL
}

pg_pool_stop() {
	[ -n "${_pg_pool:-}" ] && [ -d "$_pg_pool" ] || return 0
	if [ -s "$_pg_pool/pgbouncer.pid" ]; then
		_p=$(cat "$_pg_pool/pgbouncer.pid")
		# SIGTERM: immediate shutdown (1.18), then wait for it to go
		kill -TERM "$_p" 2>/dev/null
		_i=0
		while kill -0 "$_p" 2>/dev/null && [ $_i -lt 100 ]; do
			sleep 0.1
			_i=$((_i + 1))
		done
	fi
	rm -rf "$_pg_pool"
	unset PG_POOL
}
