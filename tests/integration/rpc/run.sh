#!/usr/bin/env bash
# RPC under load and abuse: 64 concurrent clients, garbage of every kind against each daemon,
# and a server killed in the middle of a call.
torture=$ODS_TEST_BIN/rpc_torture

step "cluster up"
cluster up --testing
eval "$(cluster env)"

step "64 concurrent clients"
"$torture" concurrent enforcer 64 20
"$torture" concurrent keystore 64 10
"$torture" concurrent signer 64 10

step "garbage, truncated, oversized, unknown method: clear status, server keeps serving"
for svc in keystore enforcer signer; do
	"$torture" garbage "$svc"
	"$torture" huge "$svc"
	"$torture" concurrent "$svc" 1 1
done
cluster status || fail "a daemon died from bad input"
grep -q 'event=bad_request' "$ODS_STATE"/log/*.log || fail "bad requests were not logged"
http_get "$(conf_value /Configuration/Cluster/Enforcer/Metrics)" /metrics >"$ODS_STATE/metrics.txt"
grep -q 'method="unknown",code="UNIMPLEMENTED"' "$ODS_STATE/metrics.txt" ||
	fail "unknown methods not counted"
grep -q 'code="INVALID_ARGUMENT"' "$ODS_STATE/metrics.txt" || fail "bad requests not counted"
if grep -q 'NoSuchMethod' "$ODS_STATE/metrics.txt"; then
	fail "a client-chosen method name became a metric label"
fi

step "several endpoints: a dead one first, the live one second"
live=$(conf_value /Configuration/Cluster/Enforcer/Listen)
sed "s|<Enforcer><Listen>$live</Listen>|<Enforcer><Listen>$live</Listen><Endpoint>tcp://127.0.0.1:1</Endpoint><Endpoint>$live</Endpoint>|" \
	"$ODS_CONF" >"$ODS_STATE/failover.xml"
grep -q 'tcp://127.0.0.1:1<' "$ODS_STATE/failover.xml" || fail "failover conf not written"
expect_output 'Engine running' ods-enforcer -c "$ODS_STATE/failover.xml" running
ODS_CONF=$ODS_STATE/failover.xml "$torture" concurrent enforcer 8 10

step "retry with backoff: a call made while the daemon is down succeeds once it is back"
pid=$(pid_of enforcer)
kill -TERM "$pid"
wait_gone "$pid" 10 || fail "ods-enforcerd did not stop"
"$torture" patient enforcer 20000 &
patient=$!
sleep 1
cluster up >/dev/null
wait "$patient" || fail "the waiting call did not get through after the restart"

step "server killed mid-call: UNAVAILABLE or DEADLINE_EXCEEDED, never a hang"
"$torture" killed signer "$(pid_of signer)" 3000
expect_failure 'cannot reach ods-signerd' ods-signer running

step "ipc:// transport with a minimal conf.xml (everything else defaulted)"
db=$(conf_value /Configuration/Cluster/Database)
sock=$ODS_STATE/run/ipc-enforcer.sock
cat >"$ODS_STATE/ipc.xml" <<XML
<?xml version="1.0" encoding="UTF-8"?>
<Configuration>
  <Cluster>
    <Database>$db</Database>
    <Enforcer><Listen>ipc://$sock</Listen></Enforcer>
  </Cluster>
</Configuration>
XML
"$ODS_BIN/ods-enforcerd" -c "$ODS_STATE/ipc.xml" >"$ODS_STATE/ipc.log" 2>&1 &
ipc_pid=$!
for ((i = 0; i < 50; i++)); do
	ods-enforcer -c "$ODS_STATE/ipc.xml" running >/dev/null 2>&1 && break
	sleep 0.1
done
expect_output 'Engine running' ods-enforcer -c "$ODS_STATE/ipc.xml" running
ODS_CONF=$ODS_STATE/ipc.xml "$torture" concurrent enforcer 16 20
ODS_CONF=$ODS_STATE/ipc.xml "$torture" garbage enforcer
kill -TERM "$ipc_pid"
wait "$ipc_pid" || fail "ods-enforcerd on ipc:// did not exit 0 on SIGTERM"
