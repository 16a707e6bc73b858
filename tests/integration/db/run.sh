#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Start a throwaway PostgreSQL (Unix socket only), run db_check against it, tear it down.
# Usage: run.sh <path to db_check>. Works as root (the server runs as user odspg) or not.
set -eu

check_bin=${1:?usage: run.sh <db_check binary>}
here=$(cd "$(dirname "$0")" && pwd)
harness=$here/../harness/pg.sh
# shellcheck source=SCRIPTDIR/../harness/pg.sh
. "$harness"

dir=$(mktemp -d /tmp/ods-dbtest.XXXXXX)
# shellcheck disable=SC2317  # called by the trap
cleanup() {
	pg_stop "$dir" || true
	rm -rf "$dir"
}
trap cleanup EXIT

pg_start "$dir"
unset PGAPPNAME PGOPTIONS PGCONNECT_TIMEOUT
export ODS_PG_HARNESS=$harness ODS_PG_DIR=$dir
rc=0
"$check_bin" || rc=$?
if [ "$rc" -ne 0 ]; then
	echo "--- server log ($dir/server.log) ---" >&2
	tail -n 50 "$dir/server.log" >&2 || true
fi
exit "$rc"
