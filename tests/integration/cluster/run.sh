#!/usr/bin/env bash
# The embedded default as an operator meets it: up (twice), env, status, the CLI, health and
# metrics, verbosity, reload, clean shutdown, bad configuration, and migrations applied once
# when the three daemons start at the same moment on a fresh database.

step "fresh database, three daemons started at once: migrations applied exactly once"
cluster up --no-daemons
eval "$(cluster env)"
pids=()
for d in ods-keystored ods-enforcerd ods-signerd; do
	"$ODS_BIN/$d" -c "$ODS_CONF" >"$ODS_STATE/$d.concurrent.log" 2>&1 &
	pids+=($!)
done
for ((i = 0; i < 100; i++)); do
	n=$(cat "$ODS_STATE"/*.concurrent.log | grep -c "event=ready " || true)
	((n == 3)) && break
	sleep 0.1
done
((n == 3)) || { tail -n 20 "$ODS_STATE"/*.concurrent.log; fail "not all daemons got ready"; }
applied=$(grep -ho 'event=db_ready schema_version=[0-9]* applied=[0-9]*' "$ODS_STATE"/*.concurrent.log |
	sed 's/.*applied=//' | awk '{ s += $1 } END { print s + 0 }')
versions=$(psql -Atc 'select count(*) from schema_version')
dups=$(psql -Atc 'select count(*) - count(distinct version) from schema_version')
echo "applied in total: $applied, schema_version rows: $versions, duplicates: $dups"
((applied == versions && dups == 0 && versions > 0)) || fail "migrations not applied exactly once"
for p in "${pids[@]}"; do kill -TERM "$p"; done
for p in "${pids[@]}"; do
	wait "$p" || fail "a daemon exited non-zero after SIGTERM"
done
grep -q 'event=stopped' "$ODS_STATE/ods-enforcerd.concurrent.log" || fail "no clean stop logged"

step "cluster up, twice"
cluster up --testing
cluster up --testing | grep -q 'already running' || fail "second up did not notice the running cluster"
cluster status

step "the CLI finds the cluster through ODS_CONF"
expect_output 'Engine running' ods-enforcer running
expect_output 'Engine running' ods-signer running
expect_output 'schema [1-9]' ods-enforcer -v running

step "health and metrics"
for svc in Keystore Enforcer Signer; do
	hp=$(conf_value "/Configuration/Cluster/$svc/Metrics")
	http_get "$hp" /healthz | grep -q 'HTTP 200' || fail "$svc /healthz"
	http_get "$hp" /readyz | grep -q 'HTTP 200' || fail "$svc /readyz"
	http_get "$hp" /metrics >"$ODS_STATE/metrics.txt"
	grep -q '^ods_up{service="' "$ODS_STATE/metrics.txt" || fail "$svc /metrics has no ods_up"
	if [[ $svc == Enforcer ]]; then
		grep -q '^ods_enforcer_leader{service="enforcer"} 1' "$ODS_STATE/metrics.txt" ||
			fail "the enforcer's /metrics does not say it leads"
	fi
done

step "PidFile: each daemon's pid, removed on a clean stop"
for svc in enforcer signer; do
	pf=$(conf_value "/Configuration/${svc^}/PidFile")
	[[ $(cat "$pf" 2>/dev/null) == "$(pid_of "$svc")" ]] || fail "$pf does not hold the $svc's pid"
done
grep -q 'ods_rpc_requests_total{service="signer",method="ods.signer.Signer/Health",code="OK"}' \
	"$ODS_STATE/metrics.txt" || fail "RPC calls not counted in /metrics"
http_get "$hp" /nothing | grep -q 'HTTP 404' || fail "unknown path not 404"

step "verbosity changed at run time"
expect_output 'Verbosity level set to 5' ods-enforcer verbosity 5
grep -q 'event=verbosity previous=3 verbosity=5' "$ODS_STATE/log/enforcerd.log" ||
	fail "verbosity change not logged"
expect_failure 'not a verbosity 0..6' ods-enforcer verbosity 9
expect_failure 'unknown command' ods-enforcer frobnicate

step "SIGHUP reloads conf.xml; a broken one is refused and the old one kept"
kill -HUP "$(pid_of signer)"
sleep 0.5
grep -q 'event=reloaded' "$ODS_STATE/log/signerd.log" || fail "reload not logged"
cp "$ODS_CONF" "$ODS_STATE/conf.xml.good"
sed -i 's|<Verbosity>3</Verbosity>|<Verbosity>three</Verbosity>|' "$ODS_CONF"
kill -HUP "$(pid_of signer)"
sleep 0.5
grep -q 'event=reload_failed.*Verbosity' "$ODS_STATE/log/signerd.log" ||
	fail "a broken reload was not reported with the element"
kill -0 "$(pid_of signer)" || fail "ods-signerd died on a broken reload"
http_get "$(conf_value /Configuration/Cluster/Signer/Metrics)" /readyz | grep -q 'HTTP 200' ||
	fail "ods-signerd not ready after a broken reload"

step "bad configuration: file, line and element named, daemon refuses to start"
expect_failure 'conf.xml:[0-9]+.*Verbosity' "$ODS_BIN/ods-enforcerd" -c "$ODS_CONF"
expect_failure 'conf.xml:[0-9]+.*Verbosity' ods-enforcer running
cp "$ODS_STATE/conf.xml.good" "$ODS_CONF"
printf '<Configuration>\n  <Enforcer>\n    <Bogus/>\n' >"$ODS_STATE/broken.xml"
expect_failure 'broken.xml:[0-9]+' "$ODS_BIN/ods-signerd" -c "$ODS_STATE/broken.xml"
expect_failure 'nope.xml' "$ODS_BIN/ods-keystored" -c "$ODS_STATE/nope.xml"

step "database down: not ready, still alive; database back: ready again"
hp=$(conf_value /Configuration/Cluster/Enforcer/Metrics)
cluster db stop
wait_http "$hp" /readyz 'not ready: database' || fail "/readyz still green without a database"
http_get "$hp" /healthz | grep -q 'HTTP 200' || fail "/healthz must not depend on the database"
expect_failure 'not ready' ods-enforcer running
cluster db start
wait_http "$hp" /readyz 'HTTP 200' || fail "not ready again after the database came back"
grep -q 'event=db_back' "$ODS_STATE/log/enforcerd.log" || fail "recovery not logged"

step "SIGTERM drains and exits 0"
pid=$(pid_of enforcer)
kill -TERM "$pid"
wait_gone "$pid" 10 || fail "ods-enforcerd did not stop on SIGTERM"
tail -n 3 "$ODS_STATE/log/enforcerd.log" | grep -q 'event=stopped' || fail "no clean stop"
[[ ! -e $(conf_value /Configuration/Enforcer/PidFile) ]] || fail "the PidFile outlived ods-enforcerd"
expect_failure 'cannot reach ods-enforcerd.*is ods-enforcerd running' ods-enforcer running

step "up again restarts what is missing"
cluster up
expect_output 'Engine running' ods-enforcer running

step "down stops everything"
cluster down
cluster status && fail "status says running after down"
expect_failure 'cannot reach ods-signerd' ods-signer running
true
