# SPDX-License-Identifier: BSD-2-Clause
# shellcheck shell=bash
#
# Throwaway PostgreSQL server for tests and local clusters: a private cluster in <dir>,
# listening on a Unix socket in <dir> only (no TCP, so parallel runs never clash), trust auth,
# fsync off. Source this file, then:
#
#   pg_start <dir>     initdb (first time only) + start; exports PGHOST PGPORT PGUSER PGDATABASE
#                      so libpq (PQconnectdb("")) and psql find it. <dir> must exist and be
#                      empty or hold a cluster made by pg_start before.
#   pg_restart <dir>   pg_ctl -m fast restart (sessions get FATAL 57P01, as in production)
#   pg_stop <dir>      pg_ctl -m fast stop; the caller removes <dir>
#   pg_env <dir>       only export the variables (for a server already running)
#
# initdb refuses to run as root, so as root the server runs as the system user $PG_RUNAS
# (default odspg, created with useradd if missing) via runuser, and <dir> is chown'ed to it;
# every parent of <dir> must be traversable by that user (/tmp is). As any other user it runs
# as that user. PGBIN selects the binaries (default: newest /usr/lib/postgresql/*/bin, else
# PATH). Functions return non-zero and print the server log on failure. Needs bash.

PG_RUNAS=${PG_RUNAS:-odspg}
PG_SUPERUSER=${PG_SUPERUSER:-test}

pg__bin() {
	if [ -n "${PGBIN:-}" ]; then
		printf '%s\n' "$PGBIN"
		return 0
	fi
	local b
	b=$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
	if [ ! -x "$b/initdb" ]; then
		b=$(command -v initdb 2>/dev/null) || {
			echo "pg.sh: no PostgreSQL server binaries (install postgresql)" >&2
			return 1
		}
		b=$(dirname "$b")
	fi
	printf '%s\n' "$b"
}

# Run a PostgreSQL binary as the server's owner.
pg__run() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u "$PG_RUNAS" -- "$@"
	else
		"$@"
	fi
}

pg__prepare_owner() {
	local dir=$1
	[ "$(id -u)" = 0 ] || return 0
	if ! id -u "$PG_RUNAS" >/dev/null 2>&1; then
		useradd -r -M -s /usr/sbin/nologin "$PG_RUNAS" || return 1
	fi
	chown "$PG_RUNAS" "$dir" && chmod 0755 "$dir" || return 1
	if ! runuser -u "$PG_RUNAS" -- test -w "$dir"; then
		echo "pg.sh: $dir is not reachable for user $PG_RUNAS (check its parents)" >&2
		return 1
	fi
}

pg__check_dir() {
	local dir=$1
	case "$dir" in
	/*) ;;
	*) echo "pg.sh: directory must be an absolute path: $dir" >&2; return 1 ;;
	esac
	case "$dir" in
	*[[:space:]\'\"]*) echo "pg.sh: no spaces or quotes in the directory: $dir" >&2; return 1 ;;
	esac
	# the socket path <dir>/.s.PGSQL.5432 must fit in sun_path (108 bytes)
	if [ ${#dir} -gt 90 ]; then
		echo "pg.sh: directory path too long for a Unix socket: $dir" >&2
		return 1
	fi
	[ -d "$dir" ] || { echo "pg.sh: no such directory: $dir" >&2; return 1; }
}

pg_env() {
	export PGHOST=$1 PGPORT=5432 PGUSER=$PG_SUPERUSER PGDATABASE=postgres
	unset PGHOSTADDR PGSERVICE PGPASSWORD PGSSLMODE
}

pg_start() {
	local dir=${1:?usage: pg_start <dir>} bin
	pg__check_dir "$dir" || return 1
	bin=$(pg__bin) || return 1
	pg__prepare_owner "$dir" || return 1
	if [ ! -f "$dir/data/PG_VERSION" ]; then
		pg__run "$bin/initdb" -D "$dir/data" -U "$PG_SUPERUSER" --auth=trust -E UTF8 \
			--no-locale -N >"$dir/initdb.log" 2>&1 || {
			cat "$dir/initdb.log" >&2
			return 1
		}
	fi
	local opts="-k $dir -p 5432 -c listen_addresses="
	opts="$opts -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
	pg__run "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 -o "$opts" \
		start >/dev/null || {
		cat "$dir/server.log" >&2
		return 1
	}
	pg_env "$dir"
}

pg_restart() {
	local dir=${1:?usage: pg_restart <dir>} bin
	bin=$(pg__bin) || return 1
	# restart reuses the options of the last start (data/postmaster.opts)
	pg__run "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 -m fast restart \
		>/dev/null || {
		cat "$dir/server.log" >&2
		return 1
	}
}

pg_stop() {
	local dir=${1:?usage: pg_stop <dir>} bin
	bin=$(pg__bin) || return 1
	[ -f "$dir/data/postmaster.pid" ] || return 0
	pg__run "$bin/pg_ctl" -D "$dir/data" -w -t 60 -m fast stop >/dev/null
}
