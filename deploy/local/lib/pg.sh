# shellcheck shell=bash disable=SC2154 # globals come from cluster and the other lib/*.sh
# Private PostgreSQL cluster: data in $PG_DIR/data, Unix socket in $PG_DIR, no TCP.
# $STATE/pg is either that directory or a symlink to a short fallback path (see pg_dir_locate).
# As root, initdb/pg_ctl refuse to run, so they run as the system user $PG_OS_USER via runuser.

PG_OS_USER=odspg
PG_DB=ods
PG_ROLE=ods
PG_SOCK_MAX=107 # sizeof(sun_path) - 1
PG_SOCK_NAME=.s.PGSQL.5432
PG_LINK='' PG_DIR='' PG_DATA='' PG_WHY='' PGBIN=''

pg_init_vars() {
	PG_LINK=$STATE/pg
	PGBIN=$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -n 1)
}

pg_require_bin() {
	[[ -n $PGBIN && -x $PGBIN/initdb ]] || die "PostgreSQL server binaries not found under /usr/lib/postgresql (package postgresql)"
}

# pg_as CMD...: run a server-side command as the owner of the cluster.
pg_as() {
	if is_root; then
		(cd / && runuser -u "$PG_OS_USER" -- "$@")
	else
		"$@"
	fi
}

pg_os_user_ensure() {
	is_root || return 0
	getent passwd "$PG_OS_USER" >/dev/null && return 0
	# a concurrent `up` (parallel tests) may create it at the same moment
	useradd -r -M -s /usr/sbin/nologin "$PG_OS_USER" || getent passwd "$PG_OS_USER" >/dev/null
}

# pg_traversable DIR: can the cluster owner reach DIR (search permission on every component)?
pg_traversable() {
	is_root || return 0
	local d=$1
	while [[ ! -e $d ]]; do d=$(dirname -- "$d"); done # not created yet: its parent decides
	if getent passwd "$PG_OS_USER" >/dev/null; then
		(cd / && runuser -u "$PG_OS_USER" -- test -x "$d")
	else # user not created yet (status/env before the first up): the "other" x bits decide
		while [[ $d != / ]]; do
			[[ $(stat -c %A -- "$d" 2>/dev/null) == *[xt] ]] || return 1
			d=$(dirname -- "$d")
		done
	fi
}

pg_fallback_base() {
	if is_root; then
		printf '/var/lib/ods-local\n'
	else
		printf '/tmp/ods-local-%s\n' "$(id -u)"
	fi
}

pg_sock_fits() { ((${#1} + 1 + ${#PG_SOCK_NAME} <= PG_SOCK_MAX)); }

# pg_owner_adopt: as root, manage an existing cluster as whoever owns it (e.g. one that an
# ordinary user made with its own `up`), so that `down` and `status` work on it too.
pg_owner_adopt() {
	is_root && [[ -d $PG_DIR ]] || return 0
	local owner
	owner=$(stat -c %U -- "$PG_DIR")
	[[ $owner == root ]] || PG_OS_USER=$owner
}

# pg_dir_locate: set PG_DIR (real directory) and PG_DATA; nothing is created.
pg_dir_locate() {
	PG_DIR=$PG_LINK PG_WHY=''
	if [[ -L $PG_LINK ]]; then
		PG_DIR=$(readlink -- "$PG_LINK")
	elif [[ -e $PG_LINK ]]; then
		:
	elif [[ $PG_LINK == *[\"\$\`\\]* ]]; then # pg_ctl puts paths in "..." for /bin/sh
		PG_WHY="pg_ctl cannot quote $PG_LINK"
	elif ! pg_sock_fits "$PG_LINK"; then
		PG_WHY="$PG_LINK/$PG_SOCK_NAME would exceed $PG_SOCK_MAX bytes"
	elif ! pg_traversable "$STATE"; then
		PG_WHY="user $PG_OS_USER cannot reach $STATE"
	fi
	[[ -z $PG_WHY ]] || PG_DIR=$(pg_fallback_base)/$(short_hash "$STATE")
	PG_DATA=$PG_DIR/data
	pg_owner_adopt
	pg_sock_fits "$PG_DIR" || die "socket path $PG_DIR/$PG_SOCK_NAME is longer than $PG_SOCK_MAX bytes"
}

pg_fallback_base_create() {
	local base
	base=$(pg_fallback_base)
	if is_root; then
		install -d -m 0755 "$base"
	else
		[[ -e $base ]] || mkdir -m 0700 "$base"
		[[ -d $base && ! -L $base && -O $base ]] || die "$base is not a directory owned by $(id -un)"
	fi
}

# pg_dir_create: create PG_DIR with the right owner (and the $STATE/pg symlink for a fallback).
pg_dir_create() {
	if [[ $PG_DIR != "$PG_LINK" ]]; then
		pg_fallback_base_create
		if [[ ! -L $PG_LINK ]]; then
			ln -s -- "$PG_DIR" "$PG_LINK"
			say "postgresql: directory $PG_DIR, linked from $PG_LINK ($PG_WHY)"
		fi
	fi
	if is_root; then
		[[ -d $PG_DIR ]] || install -d -o "$PG_OS_USER" -g "$PG_OS_USER" -m 0700 "$PG_DIR"
		[[ $(stat -c %U -- "$PG_DIR") == "$PG_OS_USER" ]] || die "$PG_DIR is not owned by $PG_OS_USER"
	else
		[[ -d $PG_DIR ]] || install -d -m 0700 "$PG_DIR"
		[[ -O $PG_DIR ]] || die "$PG_DIR is not owned by $(id -un)"
	fi
}

pg_initdb() {
	[[ -f $PG_DATA/PG_VERSION ]] && return 0
	say "initdb $PG_DATA"
	local nosync=()
	if [[ ${ODS_PG_FAST:-0} == 1 ]]; then nosync=(-N); fi
	pg_as "$PGBIN/initdb" -D "$PG_DATA" -U "$PG_ROLE" --auth=trust -E UTF8 --no-locale "${nosync[@]}" >/dev/null
	printf "\n# deploy/local: socket directory and no TCP\ninclude_if_exists = 'ods-local.conf'\n" >>"$PG_DATA/postgresql.conf"
}

# pg_conf_quote VALUE: a postgresql.conf string literal.
pg_conf_quote() {
	local s=${1//\\/\\\\}
	printf "'%s'" "${s//\'/\'\'}"
}

pg_conf_write() {
	local f=$PG_DATA/ods-local.conf
	{
		printf '# Written by deploy/local/cluster on every start.\n'
		printf "listen_addresses = ''\n"
		printf 'unix_socket_directories = %s\n' "$(pg_conf_quote "$PG_DIR")"
	} >"$f"
	if is_root; then chown "$PG_OS_USER:" "$f"; fi
}

pg_running() {
	[[ -f $PG_DATA/PG_VERSION ]] && pg_as "$PGBIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1
}

pg_pid() { head -n 1 -- "$PG_DATA/postmaster.pid" 2>/dev/null || true; }

pg_start() {
	if pg_running; then
		say "postgresql: already running (pid $(pg_pid))"
		return 0
	fi
	pg_conf_write
	local opts=()
	if [[ ${ODS_PG_FAST:-0} == 1 ]]; then opts=(-o "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"); fi
	if ! (close_fds && pg_as "$PGBIN/pg_ctl" -D "$PG_DATA" -l "$PG_DIR/postgresql.log" -w -t 60 "${opts[@]}" start >/dev/null); then
		tail -n 20 -- "$PG_DIR/postgresql.log" >&2 || true
		die "PostgreSQL did not start (log: $PG_DIR/postgresql.log)"
	fi
	say "postgresql: started (pid $(pg_pid), socket $PG_DIR)"
}

pg_psql() { "$PGBIN/psql" -X -q -A -t -v ON_ERROR_STOP=1 "host=$(conninfo_quote "$PG_DIR") user=$PG_ROLE dbname=postgres" "$@"; }

pg_create_db() {
	[[ -n $(pg_psql -c "SELECT 1 FROM pg_database WHERE datname = '$PG_DB'") ]] && return 0
	pg_psql -c "CREATE DATABASE $PG_DB" >/dev/null
	say "postgresql: created database $PG_DB"
}

pg_up() {
	pg_require_bin
	pg_os_user_ensure
	pg_dir_locate
	pg_dir_create
	pg_initdb
	pg_start
	pg_create_db
}

pg_down() {
	pg_dir_locate
	pg_running || return 0
	pg_as "$PGBIN/pg_ctl" -D "$PG_DATA" -m fast -w -t 60 stop >/dev/null
	say "postgresql: stopped"
}

pg_status() {
	pg_dir_locate
	if pg_running; then
		printf '%-14s running  pid %-8s %s\n' postgresql "$(pg_pid)" "$PG_DIR/$PG_SOCK_NAME"
	else
		printf '%-14s stopped  %-12s %s\n' postgresql - "$PG_DIR/$PG_SOCK_NAME"
		return 1
	fi
}

# pg_purge: remove a fallback directory that $STATE/pg links to (only our own, by its name).
pg_purge() {
	pg_dir_locate
	[[ $PG_DIR == "$(pg_fallback_base)/$(short_hash "$STATE")" && -d $PG_DIR ]] || return 0
	rm -rf -- "$PG_DIR"
}
