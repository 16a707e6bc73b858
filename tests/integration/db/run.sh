#!/usr/bin/env bash
# lib/db against the embedded cluster's private PostgreSQL: migrations under concurrency,
# transactions, prepared statements, COPY, SQLSTATE mapping, reconnect after a restart.
step "PostgreSQL up"
cluster up --no-daemons
eval "$(cluster env)"
unset PGAPPNAME PGOPTIONS PGCONNECT_TIMEOUT
export ODS_CLUSTER=$ODS_SRC/deploy/local/cluster
"$ODS_TEST_BIN/db_check"
